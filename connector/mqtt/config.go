package mqtt

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// Configuration keys. Confluent's MQTT source connector keys are accepted verbatim (so a
// Confluent connector JSON is a drop-in); the others are Tributary's, for what Confluent lacks.
const (
	// Confluent's keys.
	ServerURIConfig         = "mqtt.server.uri"
	TopicsConfig            = "mqtt.topics"
	KafkaTopicConfig        = "kafka.topic"
	QoSConfig               = "mqtt.qos"
	CleanSessionConfig      = "mqtt.clean.session.enabled"
	ConnectTimeoutConfig    = "mqtt.connect.timeout.seconds"
	KeepAliveConfig         = "mqtt.keepalive.interval.seconds"
	UsernameConfig          = "mqtt.username"
	PasswordConfig          = "mqtt.password"
	MaxRetryTimeConfig      = "max.retry.time.ms"
	TrustStorePathConfig    = "mqtt.ssl.trust.store.path"
	TrustStorePassConfig    = "mqtt.ssl.trust.store.password"
	KeyStorePathConfig      = "mqtt.ssl.key.store.path"
	KeyStorePassConfig      = "mqtt.ssl.key.store.password"
	KeyPasswordConfig       = "mqtt.ssl.key.password"
	BufferSizeConfig        = "records.buffer.queue.size"
	BufferBatchConfig       = "records.buffer.queue.max.batch.size"
	BufferEmptyTimeout      = "records.buffer.queue.empty.timeout"
	BufferFullTimeout       = "records.buffer.queue.full.timeout"
	BufferMaxCapacityConfig = "records.buffer.max.capacity"

	// Tributary's keys.
	VersionConfig         = "mqtt.version"
	SessionExpiryConfig   = "mqtt.session.expiry.interval.seconds"
	ReceiveMaximumConfig  = "mqtt.receive.maximum"
	ClientIDPrefixConfig  = "mqtt.client.id.prefix"
	SharedGroupConfig     = "mqtt.shared.subscription.group"
	SharedModeConfig      = "mqtt.shared.subscription"
	RetainedPolicyConfig  = "mqtt.retained.policy"
	KeyModeConfig         = "kafka.key.mode"
	KeySegmentConfig      = "kafka.key.segment"
	CAFileConfig          = "mqtt.ssl.ca.file"
	CertFileConfig        = "mqtt.ssl.cert.file"
	KeyFileConfig         = "mqtt.ssl.key.file"
	TrustStoreTypeConfig  = "mqtt.ssl.trust.store.type"
	KeyStoreTypeConfig    = "mqtt.ssl.key.store.type"
	InsecureConfig        = "mqtt.ssl.insecure.skip.verify"
	taskClientIDConfig    = "mqtt.task.client.id"
	taskIndexConfig       = "mqtt.task.index"
	taskCountConfig       = "mqtt.task.count"
	taskSubscribeConfig   = "mqtt.task.subscriptions"
	taskUnsubscribeConfig = "mqtt.task.unsubscriptions"
)

// Values of the enumerated keys.
const (
	Version5   = "5"
	Version311 = "3.1.1"

	SharedAuto   = "auto"
	SharedAlways = "always"
	SharedNever  = "never"

	RetainedKeep              = "keep"
	RetainedSkip              = "skip"
	RetainedSkipOnResubscribe = "skip-on-resubscribe"

	KeyTopic   = "topic"
	KeySegment = "segment"
	KeyNone    = "none"
)

const (
	groupConnection = "Connection"
	groupTLS        = "TLS"
	groupSource     = "Source"
	groupMapping    = "Mapping"
	groupBuffer     = "Buffer"
)

func key(group string, order int, k connector.ConfigKey) connector.ConfigKey {
	k.Group, k.Order = group, order
	if k.DisplayName == "" {
		k.DisplayName = k.Name
	}
	return k
}

// configDef declares every key with its documentation, so /validate explains mistakes.
var configDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	key(groupConnection, 1, connector.ConfigKey{
		Name: ServerURIConfig, Type: connector.ConfigList, Required: true, Validate: validServerURIs, Importance: connector.High,
		Doc: "MQTT broker URIs, comma separated: tcp:// (or mqtt://), ssl:// (or mqtts://, tls://), ws://, wss://. " +
			"They are tried in order; after a lost connection the next one is tried (fail-over).",
	}),
	key(groupConnection, 2, connector.ConfigKey{
		Name: VersionConfig, Type: connector.ConfigString, Default: Version5, Validate: connector.OneOf(Version5, Version311),
		Importance: connector.Medium,
		Doc: "MQTT protocol version: 5 (default) or 3.1.1. MQTT 5 brings user properties as headers, Receive Maximum " +
			"flow control, session expiry, reason codes and shared subscriptions across tasks.",
	}),
	key(groupConnection, 3, connector.ConfigKey{
		Name: CleanSessionConfig, Type: connector.ConfigBoolean, Default: "false", Importance: connector.High,
		Doc: "Start each connection with a clean session. false (default, unlike Confluent's true) keeps a persistent " +
			"broker session per task under a stable client id, so messages queued while the task is away are delivered " +
			"when it comes back: required for at-least-once delivery.",
	}),
	key(groupConnection, 4, connector.ConfigKey{
		Name: SessionExpiryConfig, Type: connector.ConfigLong, Default: "86400", Validate: connector.Between(0, 4294967295),
		Importance: connector.Medium,
		Doc: "MQTT 5 Session Expiry Interval: how long the broker keeps a persistent session (and queues messages for it) " +
			"after the task disconnects, in seconds. 4294967295 never expires. Ignored with clean sessions and on 3.1.1.",
	}),
	key(groupConnection, 5, connector.ConfigKey{
		Name: ClientIDPrefixConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "Prefix of the MQTT client ids; each task connects as <prefix>-<task number>. Empty (default): the connector " +
			"name. Ids are stable across restarts and rebalances, so a task resumes its broker session wherever it runs.",
	}),
	key(groupConnection, 6, connector.ConfigKey{
		Name: UsernameConfig, Type: connector.ConfigString, Default: "", Importance: connector.High,
		Doc: "User name sent in CONNECT (empty: none).",
	}),
	key(groupConnection, 7, connector.ConfigKey{
		Name: PasswordConfig, Type: connector.ConfigPassword, Default: "", Importance: connector.High,
		Doc: "Password sent in CONNECT (empty: none).",
	}),
	key(groupConnection, 8, connector.ConfigKey{
		Name: ConnectTimeoutConfig, Type: connector.ConfigInt, Default: "30", Validate: connector.AtLeast(1), Importance: connector.Low,
		Doc: "Time allowed for one connection attempt (TCP, TLS and CONNACK), in seconds.",
	}),
	key(groupConnection, 9, connector.ConfigKey{
		Name: KeepAliveConfig, Type: connector.ConfigInt, Default: "60", Validate: connector.Between(0, 65535), Importance: connector.Low,
		Doc: "MQTT keep alive interval in seconds (0 disables keep alive).",
	}),
	key(groupConnection, 10, connector.ConfigKey{
		Name: MaxRetryTimeConfig, Type: connector.ConfigLong, Default: "30000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "How long a task keeps trying to make its first connection before it fails, in milliseconds. Once connected, " +
			"a lost connection is retried with back-off (100 ms doubling, at most 5 s) for as long as the task runs. Refused " +
			"credentials, an unauthorized client or an untrusted certificate fail the task at once.",
	}),
	key(groupTLS, 1, connector.ConfigKey{
		Name: CAFileConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "PEM file of the CA certificates that verify the broker (empty: the system roots).",
	}),
	key(groupTLS, 2, connector.ConfigKey{
		Name: CertFileConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "PEM file of the client certificate (chain) for mutual TLS; needs " + KeyFileConfig + ".",
	}),
	key(groupTLS, 3, connector.ConfigKey{
		Name: KeyFileConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "PEM file of the unencrypted private key of " + CertFileConfig + ".",
	}),
	key(groupTLS, 4, connector.ConfigKey{
		Name: TrustStorePathConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "Java trust store (JKS or PKCS12) of the CA certificates that verify the broker (Confluent's key). " +
			"Alternative to " + CAFileConfig + ".",
	}),
	key(groupTLS, 5, connector.ConfigKey{
		Name: TrustStorePassConfig, Type: connector.ConfigPassword, Default: "", Importance: connector.Medium,
		Doc: "Password of the trust store.",
	}),
	key(groupTLS, 6, connector.ConfigKey{
		Name: TrustStoreTypeConfig, Type: connector.ConfigString, Default: "", Validate: oneOfOrEmpty("JKS", "PKCS12"),
		Importance: connector.Low, Doc: "Trust store type, JKS or PKCS12 (empty: detected from the file).",
	}),
	key(groupTLS, 7, connector.ConfigKey{
		Name: KeyStorePathConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "Java key store (JKS or PKCS12) holding the client certificate and key for mutual TLS (Confluent's key). " +
			"Alternative to " + CertFileConfig + " and " + KeyFileConfig + ".",
	}),
	key(groupTLS, 8, connector.ConfigKey{
		Name: KeyStorePassConfig, Type: connector.ConfigPassword, Default: "", Importance: connector.Medium,
		Doc: "Password of the key store.",
	}),
	key(groupTLS, 9, connector.ConfigKey{
		Name: KeyPasswordConfig, Type: connector.ConfigPassword, Default: "", Importance: connector.Medium,
		Doc: "Password of the private key in a JKS key store (empty: the key store password).",
	}),
	key(groupTLS, 10, connector.ConfigKey{
		Name: KeyStoreTypeConfig, Type: connector.ConfigString, Default: "", Validate: oneOfOrEmpty("JKS", "PKCS12"),
		Importance: connector.Low, Doc: "Key store type, JKS or PKCS12 (empty: detected from the file).",
	}),
	key(groupTLS, 11, connector.ConfigKey{
		Name: InsecureConfig, Type: connector.ConfigBoolean, Default: "false", Importance: connector.Low,
		Doc: "Skip verification of the broker's certificate. For tests only.",
	}),
	key(groupSource, 1, connector.ConfigKey{
		Name: TopicsConfig, Type: connector.ConfigList, Required: true, Validate: validTopicFilters, Importance: connector.High,
		Doc: "MQTT topic filters to subscribe to, comma separated; + and # wildcards allowed.",
	}),
	key(groupSource, 2, connector.ConfigKey{
		Name: QoSConfig, Type: connector.ConfigInt, Default: "1", Validate: connector.Between(0, 2), Importance: connector.High,
		Doc: "Subscription QoS: 0 at most once; 1 (default, unlike Confluent's 0) and 2 at least once: a message is " +
			"acknowledged to the broker only after Kafka has acknowledged its record.",
	}),
	key(groupSource, 3, connector.ConfigKey{
		Name: SharedModeConfig, Type: connector.ConfigString, Default: SharedAuto,
		Validate: connector.OneOf(SharedAuto, SharedAlways, SharedNever), Importance: connector.Medium,
		Doc: "MQTT 5 shared subscriptions ($share/<group>/<filter>): auto (default) uses them when tasks.max > 1, so the " +
			"broker spreads messages across the tasks; always; never (then, as on 3.1.1, the topic filters are split " +
			"across the tasks instead).",
	}),
	key(groupSource, 4, connector.ConfigKey{
		Name: SharedGroupConfig, Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "Share name of the shared subscriptions (empty: the client id prefix).",
	}),
	key(groupSource, 5, connector.ConfigKey{
		Name: RetainedPolicyConfig, Type: connector.ConfigString, Default: RetainedKeep,
		Validate: connector.OneOf(RetainedKeep, RetainedSkip, RetainedSkipOnResubscribe), Importance: connector.Medium,
		Doc: "Retained messages: keep (default) forwards them with header mqtt.retained=true; skip drops every message " +
			"with the retain flag (they are acknowledged, counted and logged at debug level); skip-on-resubscribe asks " +
			"an MQTT 5 broker to send retained messages only for new subscriptions (Retain Handling 1), so a reconnect " +
			"does not replay them.",
	}),
	key(groupMapping, 1, connector.ConfigKey{
		Name: KafkaTopicConfig, Type: connector.ConfigString, Default: "mqtt", Validate: validTopicTemplate, Importance: connector.High,
		Doc: "Kafka topic of the records. A template: {1}, {2} … are the MQTT topic's levels (1-based), {topic} is the " +
			"whole MQTT topic; e.g. iot.{1}.{3}. '/' becomes '.', and characters Kafka does not allow in topic names " +
			"become '_'. A message whose topic renders an empty name fails the task.",
	}),
	key(groupMapping, 2, connector.ConfigKey{
		Name: KeyModeConfig, Type: connector.ConfigString, Default: KeyTopic, Validate: connector.OneOf(KeyTopic, KeySegment, KeyNone),
		Importance: connector.Medium,
		Doc: "Record key: topic (default, as Confluent's connector) is the MQTT topic; segment is the level named by " +
			KeySegmentConfig + "; none is a null key.",
	}),
	key(groupMapping, 3, connector.ConfigKey{
		Name: KeySegmentConfig, Type: connector.ConfigInt, Default: "1", Validate: connector.AtLeast(1), Importance: connector.Low,
		Doc: "MQTT topic level (1-based) used as the key when " + KeyModeConfig + "=segment (null when the topic has fewer levels).",
	}),
	key(groupBuffer, 1, connector.ConfigKey{
		Name: BufferSizeConfig, Type: connector.ConfigInt, Default: "50000", Validate: connector.AtLeast(1), Importance: connector.Low,
		Doc: "Capacity of a task's buffer between the MQTT client and Kafka, in messages. When it is full, the client " +
			"stops reading, so the broker holds further messages; nothing is dropped.",
	}),
	key(groupBuffer, 2, connector.ConfigKey{
		Name: BufferMaxCapacityConfig, Type: connector.ConfigInt, Default: nil, Validate: connector.Optional(connector.AtLeast(1)), Importance: connector.Low,
		Doc: "Same as " + BufferSizeConfig + " (takes precedence when set).",
	}),
	key(groupBuffer, 3, connector.ConfigKey{
		Name: BufferBatchConfig, Type: connector.ConfigInt, Default: "4096", Validate: connector.AtLeast(1), Importance: connector.Low,
		Doc: "Most records returned by one poll.",
	}),
	key(groupBuffer, 4, connector.ConfigKey{
		Name: BufferEmptyTimeout, Type: connector.ConfigInt, Default: "100", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "How long a poll waits for a first message, in milliseconds.",
	}),
	key(groupBuffer, 5, connector.ConfigKey{
		Name: BufferFullTimeout, Type: connector.ConfigInt, Default: "60000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "After this long with a full buffer (in milliseconds) the task logs a warning that Kafka is not keeping up. " +
			"Unlike Confluent's connector, it keeps waiting: no message is dropped.",
	}),
	key(groupBuffer, 6, connector.ConfigKey{
		Name: ReceiveMaximumConfig, Type: connector.ConfigInt, Default: "10000", Validate: connector.Between(1, 65535), Importance: connector.Low,
		Doc: "MQTT 5 Receive Maximum: the most QoS 1/2 messages the broker may have in flight to a task (received, not yet " +
			"acknowledged because Kafka has not acknowledged their records yet). Capped by the buffer capacity. The task " +
			"also enforces it itself (it stops reading while the window is full), since some brokers send more " +
			"(Mosquitto before 2.0.13). It bounds memory and the duplicates a crash can cause.",
	}),
}}

func oneOfOrEmpty(values ...string) connector.Validator {
	inner := connector.OneOf(values...)
	return func(v any) error {
		if s, _ := v.(string); s == "" {
			return nil
		}
		return inner(v)
	}
}

// settings is a parsed connector or task config.
type settings struct {
	servers        []*url.URL
	version        string
	cleanSession   bool
	sessionExpiry  uint32
	clientIDPrefix string
	username       string
	password       string
	connectTimeout time.Duration
	keepAlive      uint16
	maxRetry       time.Duration
	tls            tlsSettings

	topics         []string
	qos            byte
	sharedMode     string
	sharedGroup    string
	retainedPolicy string

	topic      *topicTemplate
	keyMode    string
	keySegment int

	bufferSize      int
	batchSize       int
	emptyTimeout    time.Duration
	fullTimeout     time.Duration
	receiveMaximum  uint16
	connectorName   string
	taskClientID    string
	taskIndex       int
	taskCount       int
	taskSubscribe   []string
	taskUnsubscribe []string
}

func parseSettings(cfg connector.Config) (*settings, error) {
	v, err := configDef.Parse(cfg)
	if err != nil {
		return nil, err
	}
	s := &settings{
		version:        v.String(VersionConfig),
		cleanSession:   v.Bool(CleanSessionConfig),
		sessionExpiry:  uint32(v.Long(SessionExpiryConfig)),
		clientIDPrefix: v.String(ClientIDPrefixConfig),
		username:       v.String(UsernameConfig),
		password:       v.Password(PasswordConfig).Value(),
		connectTimeout: time.Duration(v.Int(ConnectTimeoutConfig)) * time.Second,
		keepAlive:      uint16(v.Int(KeepAliveConfig)),
		maxRetry:       time.Duration(v.Long(MaxRetryTimeConfig)) * time.Millisecond,
		tls: tlsSettings{
			CAFile: v.String(CAFileConfig), CertFile: v.String(CertFileConfig), KeyFile: v.String(KeyFileConfig),
			TrustStorePath: v.String(TrustStorePathConfig), TrustStorePassword: v.Password(TrustStorePassConfig).Value(),
			TrustStoreType: strings.ToUpper(v.String(TrustStoreTypeConfig)),
			KeyStorePath:   v.String(KeyStorePathConfig), KeyStorePassword: v.Password(KeyStorePassConfig).Value(),
			KeyStoreType: strings.ToUpper(v.String(KeyStoreTypeConfig)), KeyPassword: v.Password(KeyPasswordConfig).Value(),
			InsecureSkipVerify: v.Bool(InsecureConfig),
		},
		topics:         v.List(TopicsConfig),
		qos:            byte(v.Int(QoSConfig)),
		sharedMode:     strings.ToLower(v.String(SharedModeConfig)),
		sharedGroup:    v.String(SharedGroupConfig),
		retainedPolicy: strings.ToLower(v.String(RetainedPolicyConfig)),
		keyMode:        strings.ToLower(v.String(KeyModeConfig)),
		keySegment:     int(v.Int(KeySegmentConfig)),
		bufferSize:     int(v.Int(BufferSizeConfig)),
		batchSize:      int(v.Int(BufferBatchConfig)),
		emptyTimeout:   time.Duration(v.Int(BufferEmptyTimeout)) * time.Millisecond,
		fullTimeout:    time.Duration(v.Int(BufferFullTimeout)) * time.Millisecond,
		receiveMaximum: uint16(v.Int(ReceiveMaximumConfig)),
		connectorName:  cfg["name"],
	}
	if !v.IsNull(BufferMaxCapacityConfig) {
		s.bufferSize = int(v.Int(BufferMaxCapacityConfig))
	}
	if int(s.receiveMaximum) > s.bufferSize {
		s.receiveMaximum = uint16(s.bufferSize)
	}
	s.servers, _ = parseServerURIs(v.List(ServerURIConfig)) // validated by the ConfigDef
	s.topic, _ = parseTopicTemplate(v.String(KafkaTopicConfig))
	if s.clientIDPrefix == "" {
		s.clientIDPrefix = s.connectorName
	}
	if s.sharedGroup == "" {
		s.sharedGroup = shareName(s.clientIDPrefix)
	}
	// Task-only keys.
	s.taskClientID = cfg[taskClientIDConfig]
	s.taskIndex, _ = strconv.Atoi(cfg[taskIndexConfig])
	s.taskCount, _ = strconv.Atoi(cfg[taskCountConfig])
	s.taskSubscribe = splitList(cfg[taskSubscribeConfig])
	s.taskUnsubscribe = splitList(cfg[taskUnsubscribeConfig])
	return s, nil
}

// splitList splits a task's filter list. Filters are joined with '\n', which MQTT topic
// filters cannot usefully contain, so a ',' inside a filter survives.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// shareName makes a valid MQTT share name: no '/', '+' or '#'.
func shareName(s string) string {
	r := strings.NewReplacer("/", "_", "+", "_", "#", "_")
	if s = r.Replace(s); s == "" {
		s = "tributary"
	}
	return s
}

func parseServerURIs(list []string) ([]*url.URL, error) {
	var out []*url.URL
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%q is not a URI: %w", raw, err)
		}
		switch strings.ToLower(u.Scheme) {
		case "tcp", "mqtt", "ssl", "mqtts", "tls", "ws", "wss":
		default:
			return nil, fmt.Errorf("%q: the scheme must be tcp, mqtt, ssl, mqtts, tls, ws or wss", raw)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("%q has no host", raw)
		}
		if u.Port() == "" {
			port := map[string]string{"tcp": "1883", "mqtt": "1883", "ssl": "8883", "mqtts": "8883", "tls": "8883", "ws": "80", "wss": "443"}[strings.ToLower(u.Scheme)]
			if !strings.HasPrefix(strings.ToLower(u.Scheme), "ws") {
				u.Host += ":" + port
			}
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, errors.New("at least one URI is required")
	}
	return out, nil
}

func validServerURIs(v any) error {
	l, _ := v.([]string)
	_, err := parseServerURIs(l)
	return err
}

// validTopicFilters checks MQTT topic filter syntax (MQTT 5 §4.7).
func validTopicFilters(v any) error {
	l, _ := v.([]string)
	if len(l) == 0 {
		return errors.New("at least one topic filter is required")
	}
	for _, f := range l {
		if err := validFilter(strings.TrimSpace(f)); err != nil {
			return fmt.Errorf("%q: %w", f, err)
		}
	}
	return nil
}

func validFilter(f string) error {
	if f == "" {
		return errors.New("a topic filter must not be empty")
	}
	if strings.HasPrefix(f, "$share/") {
		parts := strings.SplitN(f, "/", 3)
		if len(parts) < 3 || parts[1] == "" || strings.ContainsAny(parts[1], "+#") {
			return errors.New("a shared subscription is $share/<share name>/<filter>")
		}
		f = parts[2]
	}
	levels := strings.Split(f, "/")
	for i, l := range levels {
		switch {
		case l == "#" && i != len(levels)-1:
			return errors.New("# must be the last level")
		case strings.Contains(l, "#") && l != "#":
			return errors.New("# must occupy a whole level")
		case strings.Contains(l, "+") && l != "+":
			return errors.New("+ must occupy a whole level")
		}
	}
	return nil
}

func validTopicTemplate(v any) error {
	s, _ := v.(string)
	_, err := parseTopicTemplate(s)
	return err
}

// ValidateConfig adds the checks that span keys or need the file system: TLS files and
// passwords, and key stores that would be ignored.
func (c *sourceConnector) ValidateConfig(cfg connector.Config, values []connector.ConfigValue) []connector.ConfigValue {
	v, err := configDef.Parse(cfg)
	if err != nil {
		return values // the per-key errors are already there
	}
	ts := tlsSettings{
		CAFile: v.String(CAFileConfig), CertFile: v.String(CertFileConfig), KeyFile: v.String(KeyFileConfig),
		TrustStorePath: v.String(TrustStorePathConfig), TrustStorePassword: v.Password(TrustStorePassConfig).Value(),
		TrustStoreType: strings.ToUpper(v.String(TrustStoreTypeConfig)),
		KeyStorePath:   v.String(KeyStorePathConfig), KeyStorePassword: v.Password(KeyStorePassConfig).Value(),
		KeyStoreType: strings.ToUpper(v.String(KeyStoreTypeConfig)), KeyPassword: v.Password(KeyPasswordConfig).Value(),
		InsecureSkipVerify: v.Bool(InsecureConfig),
	}
	problems := ts.problems()
	if v.String(VersionConfig) == Version311 {
		for _, f := range v.List(TopicsConfig) {
			if strings.HasPrefix(strings.TrimSpace(f), "$share/") {
				problems[TopicsConfig] = "shared subscriptions ($share/…) need mqtt.version=5"
			}
		}
		if strings.EqualFold(v.String(SharedModeConfig), SharedAlways) {
			problems[SharedModeConfig] = "shared subscriptions need mqtt.version=5"
		}
		if strings.EqualFold(v.String(RetainedPolicyConfig), RetainedSkipOnResubscribe) {
			problems[RetainedPolicyConfig] = "skip-on-resubscribe uses MQTT 5 Retain Handling: it needs mqtt.version=5"
		}
	}
	for i := range values {
		if msg, ok := problems[values[i].Name]; ok {
			values[i].Errors = append(values[i].Errors, msg)
		}
	}
	return values
}
