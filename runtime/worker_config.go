package runtime

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tributary-connect/tributary/connector"
)

// Worker configuration keys (Kafka Connect's WorkerConfig and DistributedConfig).
const (
	KeyBootstrapServers        = "bootstrap.servers"
	KeyGroupID                 = "group.id"
	KeyConfigStorageTopic      = "config.storage.topic"
	KeyOffsetStorageTopic      = "offset.storage.topic"
	KeyStatusStorageTopic      = "status.storage.topic"
	KeyListeners               = "listeners"
	KeyRestAdvertisedHostName  = "rest.advertised.host.name"
	KeyRestAdvertisedPort      = "rest.advertised.port"
	KeyRestAdvertisedListener  = "rest.advertised.listener"
	KeyKeyConverter            = "key.converter"
	KeyValueConverter          = "value.converter"
	KeyHeaderConverter         = "header.converter"
	KeyOffsetFlushIntervalMs   = "offset.flush.interval.ms"
	KeyOffsetFlushTimeoutMs    = "offset.flush.timeout.ms"
	KeyTaskShutdownGracefulMs  = "task.shutdown.graceful.timeout.ms"
	KeyClientID                = "client.id"
	KeySecurityProtocol        = "security.protocol"
	KeyConnectProtocol         = "connect.protocol"
	KeyScheduledRebalanceDelay = "scheduled.rebalance.max.delay.ms"
)

// workerPassThrough are the key prefixes a worker file may carry that are not worker keys
// themselves: client settings (producer., consumer., admin.), converter settings, topic
// settings for the internal topics, HTTPS listener settings, config providers and the
// security settings shared by every client.
var workerPassThrough = []string{
	"producer.", "consumer.", "admin.",
	"key.converter.", "value.converter.", "header.converter.",
	"config.storage.", "offset.storage.", "status.storage.",
	"listeners.https.", "admin.listeners.https.", "config.providers.",
	"sasl.", "ssl.",
}

// WorkerConfigDef declares the keys of a distributed worker's properties file, with
// Apache Kafka Connect's names, defaults and validators (WorkerConfig, DistributedConfig,
// RestServerConfig).
var WorkerConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: KeyBootstrapServers, Type: connector.ConfigList, Default: "localhost:9092", Validate: connector.NonEmptyList, Importance: connector.High,
		Doc: "A list of host/port pairs used to establish the initial connection to the Kafka cluster."},
	{Name: KeyGroupID, Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString, Importance: connector.High,
		Doc: "A unique string that identifies the Connect cluster group this worker belongs to."},
	{Name: KeyConfigStorageTopic, Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString, Importance: connector.High,
		Doc: "The name of the Kafka topic where connector configurations are stored."},
	{Name: "config.storage.replication.factor", Type: connector.ConfigShort, Default: "3", Importance: connector.Low,
		Doc: "Replication factor used when creating the configuration storage topic; -1 uses the broker default."},
	{Name: KeyOffsetStorageTopic, Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString, Importance: connector.High,
		Doc: "The name of the Kafka topic where source connector offsets are stored."},
	{Name: "offset.storage.partitions", Type: connector.ConfigInt, Default: "25", Importance: connector.Low,
		Doc: "The number of partitions used when creating the offset storage topic; -1 uses the broker default."},
	{Name: "offset.storage.replication.factor", Type: connector.ConfigShort, Default: "3", Importance: connector.Low,
		Doc: "Replication factor used when creating the offset storage topic; -1 uses the broker default."},
	{Name: KeyStatusStorageTopic, Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString, Importance: connector.High,
		Doc: "The name of the Kafka topic where connector and task status are stored."},
	{Name: "status.storage.partitions", Type: connector.ConfigInt, Default: "5", Importance: connector.Low,
		Doc: "The number of partitions used when creating the status storage topic; -1 uses the broker default."},
	{Name: "status.storage.replication.factor", Type: connector.ConfigShort, Default: "3", Importance: connector.Low,
		Doc: "Replication factor used when creating the status storage topic; -1 uses the broker default."},
	{Name: "session.timeout.ms", Type: connector.ConfigInt, Default: "10000", Importance: connector.High,
		Doc: "The timeout used to detect worker failures."},
	{Name: "heartbeat.interval.ms", Type: connector.ConfigInt, Default: "3000", Importance: connector.High,
		Doc: "The expected time between heartbeats to the group coordinator."},
	{Name: "rebalance.timeout.ms", Type: connector.ConfigInt, Default: "60000", Importance: connector.High,
		Doc: "The maximum allowed time for each worker to join the group once a rebalance has begun."},
	{Name: "worker.sync.timeout.ms", Type: connector.ConfigInt, Default: "3000", Importance: connector.Medium,
		Doc: "Time allowed to catch up on the config topic after a rebalance."},
	{Name: "worker.unsync.backoff.ms", Type: connector.ConfigInt, Default: "300000", Importance: connector.Medium,
		Doc: "Backoff after failing to catch up on the config topic."},
	{Name: KeyConnectProtocol, Type: connector.ConfigString, Default: "sessioned", Validate: connector.OneOf("eager", "compatible", "sessioned"), Importance: connector.Low,
		Doc: "Compatibility mode for the Connect group protocol."},
	{Name: KeyScheduledRebalanceDelay, Type: connector.ConfigInt, Default: "300000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "How long the leader holds a departed worker's connectors and tasks before reassigning them."},
	{Name: "exactly.once.source.support", Type: connector.ConfigString, Default: "disabled", Validate: exactlyOnceNotYet, Importance: connector.High,
		Doc: "Whether to enable exactly-once support for source connectors. Tributary supports only \"disabled\" so far (at-least-once delivery)."},
	{Name: "inter.worker.key.generation.algorithm", Type: connector.ConfigString, Default: "HmacSHA256", Importance: connector.Low,
		Doc: "The algorithm used to generate session keys for internal request signing."},
	{Name: "inter.worker.key.size", Type: connector.ConfigInt, Importance: connector.Low,
		Doc: "The size of the session key in bits; null uses the algorithm's default."},
	{Name: "inter.worker.key.ttl.ms", Type: connector.ConfigInt, Default: "3600000", Importance: connector.Low,
		Doc: "How long a session key stays valid."},
	{Name: "inter.worker.signature.algorithm", Type: connector.ConfigString, Default: "HmacSHA256", Importance: connector.Low,
		Doc: "The algorithm used to sign internal requests."},
	{Name: "inter.worker.verification.algorithms", Type: connector.ConfigList, Default: "HmacSHA256", Importance: connector.Low,
		Doc: "Algorithms accepted when verifying internal requests."},
	{Name: KeyKeyConverter, Type: connector.ConfigClass, Required: true, Importance: connector.High,
		Doc: "Converter class for record keys, e.g. org.apache.kafka.connect.json.JsonConverter."},
	{Name: KeyValueConverter, Type: connector.ConfigClass, Required: true, Importance: connector.High,
		Doc: "Converter class for record values, e.g. org.apache.kafka.connect.json.JsonConverter."},
	{Name: KeyHeaderConverter, Type: connector.ConfigClass, Default: "org.apache.kafka.connect.storage.SimpleHeaderConverter", Importance: connector.Low,
		Doc: "Converter class for record headers."},
	{Name: KeyOffsetFlushIntervalMs, Type: connector.ConfigLong, Default: "60000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "Interval at which to try committing source offsets."},
	{Name: KeyOffsetFlushTimeoutMs, Type: connector.ConfigLong, Default: "5000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "Maximum time to wait for records to flush and offsets to commit before cancelling the commit."},
	{Name: KeyTaskShutdownGracefulMs, Type: connector.ConfigLong, Default: "5000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "Time to wait for tasks to stop gracefully before they are cancelled."},
	{Name: "plugin.path", Type: connector.ConfigList, Importance: connector.Low,
		Doc: "Accepted for compatibility; Tributary's plugins are compiled in."},
	{Name: "plugin.discovery", Type: connector.ConfigString, Default: "hybrid_warn", Validate: connector.OneOf("only_scan", "hybrid_warn", "hybrid_fail", "service_load"), Importance: connector.Low,
		Doc: "Accepted for compatibility; Tributary's plugins are compiled in."},
	{Name: "config.providers", Type: connector.ConfigList, Default: "", Importance: connector.Low,
		Doc: "Names of ConfigProvider classes used to resolve ${provider:path:key} placeholders."},
	{Name: "connector.client.config.override.policy", Type: connector.ConfigString, Default: "All", Validate: connector.OneOf("All", "None", "Principal"), Importance: connector.Medium,
		Doc: "Which client configuration overrides connectors may set (producer.override.*, admin.override.*)."},
	{Name: "topic.creation.enable", Type: connector.ConfigBoolean, Default: "true", Importance: connector.Low,
		Doc: "Whether source connectors may create their topics (KIP-158)."},
	{Name: "topic.tracking.enable", Type: connector.ConfigBoolean, Default: "true", Importance: connector.Low,
		Doc: "Whether the worker tracks the topics each connector uses (KIP-558)."},
	{Name: "topic.tracking.allow.reset", Type: connector.ConfigBoolean, Default: "true", Importance: connector.Low,
		Doc: "Whether the set of active topics of a connector may be reset through the REST API."},
	{Name: KeyListeners, Type: connector.ConfigList, Default: "http://:8083", Validate: validateListeners, Importance: connector.Low,
		Doc: "Comma-separated listener URIs the REST API binds to, e.g. http://127.0.0.1:8083."},
	{Name: KeyRestAdvertisedHostName, Type: connector.ConfigString, Importance: connector.Low,
		Doc: "Host name given to other workers to reach this one; defaults to the listener's host."},
	{Name: KeyRestAdvertisedPort, Type: connector.ConfigInt, Validate: connector.Optional(connector.Between(0, 65535)), Importance: connector.Low,
		Doc: "Port given to other workers to reach this one; defaults to the listener's port."},
	{Name: KeyRestAdvertisedListener, Type: connector.ConfigString, Validate: nullOr(connector.OneOf("http", "https")), Importance: connector.Low,
		Doc: "Scheme given to other workers to reach this one (http or https)."},
	{Name: "admin.listeners", Type: connector.ConfigList, Importance: connector.Low,
		Doc: "Listeners for the /admin endpoints; unset serves them on the normal listeners, empty disables them."},
	{Name: "rest.extension.classes", Type: connector.ConfigList, Default: "", Importance: connector.Low,
		Doc: "Accepted for compatibility; Tributary has no REST extensions."},
	{Name: "access.control.allow.origin", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "Value of the Access-Control-Allow-Origin header of REST responses; empty disables CORS."},
	{Name: "access.control.allow.methods", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "Methods allowed for cross-origin requests."},
	{Name: "response.http.headers.config", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "Rules for REST response headers."},
	{Name: "metrics.sample.window.ms", Type: connector.ConfigLong, Default: "30000", Importance: connector.Low, Doc: "The window of time a metrics sample is computed over."},
	{Name: "metrics.num.samples", Type: connector.ConfigInt, Default: "2", Importance: connector.Low, Doc: "The number of samples maintained to compute metrics."},
	{Name: "metrics.recording.level", Type: connector.ConfigString, Default: "INFO", Validate: connector.OneOf("INFO", "DEBUG", "TRACE"), Importance: connector.Low, Doc: "The highest recording level for metrics."},
	{Name: "metric.reporters", Type: connector.ConfigList, Default: "org.apache.kafka.common.metrics.JmxReporter", Importance: connector.Low, Doc: "Accepted for compatibility; metrics are served at GET /metrics."},
	{Name: KeyClientID, Type: connector.ConfigString, Default: "", Importance: connector.Low, Doc: "An id string passed to Kafka with every request."},
	{Name: "metadata.max.age.ms", Type: connector.ConfigLong, Default: "300000", Importance: connector.Low, Doc: "Period after which client metadata is refreshed."},
	{Name: "request.timeout.ms", Type: connector.ConfigInt, Default: "40000", Importance: connector.Medium, Doc: "Maximum time a client waits for a response to a request."},
	{Name: "connections.max.idle.ms", Type: connector.ConfigLong, Default: "540000", Importance: connector.Medium, Doc: "Close idle connections after this many milliseconds."},
	{Name: "send.buffer.bytes", Type: connector.ConfigInt, Default: "131072", Importance: connector.Medium, Doc: "The size of the TCP send buffer."},
	{Name: "receive.buffer.bytes", Type: connector.ConfigInt, Default: "32768", Importance: connector.Medium, Doc: "The size of the TCP receive buffer."},
	{Name: "reconnect.backoff.ms", Type: connector.ConfigLong, Default: "50", Importance: connector.Low, Doc: "Base wait before reconnecting to a broker."},
	{Name: "reconnect.backoff.max.ms", Type: connector.ConfigLong, Default: "1000", Importance: connector.Low, Doc: "Maximum wait before reconnecting to a broker."},
	{Name: "retry.backoff.ms", Type: connector.ConfigLong, Default: "100", Importance: connector.Low, Doc: "Wait before retrying a failed request."},
	{Name: "retry.backoff.max.ms", Type: connector.ConfigLong, Default: "1000", Importance: connector.Low, Doc: "Maximum wait before retrying a failed request."},
	{Name: KeySecurityProtocol, Type: connector.ConfigString, Default: "PLAINTEXT", Validate: connector.OneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"), Importance: connector.Medium,
		Doc: "Protocol used to communicate with brokers."},
	{Name: "metadata.recovery.strategy", Type: connector.ConfigString, Default: "rebootstrap", Validate: connector.OneOf("none", "rebootstrap"), Importance: connector.Low,
		Doc: "What clients do when no known broker is available."},
}}

// exactlyOnceNotYet accepts Kafka's values but refuses the ones Tributary cannot honour yet,
// rather than silently running without exactly-once guarantees.
func exactlyOnceNotYet(v any) error {
	if err := connector.OneOf("disabled", "preparing", "enabled")(v); err != nil {
		return err
	}
	if s, _ := v.(string); !strings.EqualFold(s, "disabled") {
		return fmt.Errorf("exactly-once source support is not implemented yet; use disabled")
	}
	return nil
}

func nullOr(v connector.Validator) connector.Validator {
	return func(x any) error {
		if x == nil {
			return nil
		}
		return v(x)
	}
}

// Listener is one parsed entry of the listeners key.
type Listener struct {
	Scheme string // "http" or "https"
	Host   string // "" binds every interface
	Port   int
}

// Addr is the host:port to bind.
func (l Listener) Addr() string { return net.JoinHostPort(l.Host, strconv.Itoa(l.Port)) }

func (l Listener) String() string { return l.Scheme + "://" + l.Addr() }

func parseListener(s string) (Listener, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Listener{}, fmt.Errorf("listener %q is not of the form http://host:port or https://host:port", s)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil || port < 0 || port > 65535 {
		return Listener{}, fmt.Errorf("listener %q has no valid port", s)
	}
	return Listener{Scheme: u.Scheme, Host: u.Hostname(), Port: port}, nil
}

func validateListeners(v any) error {
	l, _ := v.([]string)
	if len(l) == 0 {
		return fmt.Errorf("listeners must contain at least one value")
	}
	for _, s := range l {
		if s == "" {
			return fmt.Errorf("Empty listener found when parsing list")
		}
		if _, err := parseListener(s); err != nil {
			return err
		}
	}
	return nil
}

// WorkerConfig is a validated worker configuration.
type WorkerConfig struct {
	// Originals is every key the file (and environment) supplied, unparsed.
	Originals connector.Config
	// Values holds the typed value of every key of WorkerConfigDef.
	Values connector.Values
	// Listeners are the parsed REST listeners.
	Listeners []Listener
	// Unknown lists, sorted, supplied keys that are neither worker keys nor pass-through
	// prefixes; Kafka Connect logs them and otherwise ignores them.
	Unknown []string
}

// NewWorkerConfig validates props against WorkerConfigDef. The error is a single line that
// names the offending key, worded as Kafka Connect's ConfigException.
func NewWorkerConfig(props map[string]string) (*WorkerConfig, error) {
	cfg := connector.Config(props)
	vals, err := WorkerConfigDef.Parse(cfg)
	if err != nil {
		return nil, fmt.Errorf("invalid worker configuration: %w", err)
	}
	wc := &WorkerConfig{Originals: cfg, Values: vals, Unknown: WorkerConfigDef.Unknown(cfg, workerPassThrough...)}
	for _, s := range vals.List(KeyListeners) {
		l, err := parseListener(s)
		if err != nil { // already validated; kept for safety
			return nil, fmt.Errorf("invalid worker configuration: %w", err)
		}
		wc.Listeners = append(wc.Listeners, l)
	}
	return wc, nil
}

// UnknownWarning is the line Kafka's AbstractConfig.logUnused writes for keys nobody uses,
// or "" when there are none.
func (c *WorkerConfig) UnknownWarning() string {
	if len(c.Unknown) == 0 {
		return ""
	}
	return fmt.Sprintf("These configurations '[%s]' were supplied but are not used yet.", strings.Join(c.Unknown, ", "))
}

// AdvertisedURL is the URL other workers use to reach this one: rest.advertised.listener,
// rest.advertised.host.name and rest.advertised.port, each falling back to the first
// listener's value, with a trailing slash as in Kafka Connect.
func (c *WorkerConfig) AdvertisedURL() string {
	l := c.Listeners[0]
	scheme, host, port := l.Scheme, l.Host, l.Port
	if s := c.Values.String(KeyRestAdvertisedListener); s != "" {
		scheme = strings.ToLower(s)
	}
	if h := c.Values.String(KeyRestAdvertisedHostName); h != "" {
		host = h
	}
	if !c.Values.IsNull(KeyRestAdvertisedPort) {
		port = int(c.Values.Int(KeyRestAdvertisedPort))
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/"
}

// WorkerID is the advertised host:port, which Kafka Connect uses as worker_id.
func (c *WorkerConfig) WorkerID() string {
	u, _ := url.Parse(c.AdvertisedURL())
	return u.Host
}

// javaToLibrdkafka maps Java client keys to librdkafka names where they differ.
var javaToLibrdkafka = map[string]string{
	"sasl.mechanism":          "sasl.mechanisms",
	"ssl.truststore.location": "ssl.ca.location",
}

// ClientConfig returns the librdkafka settings for a client built from this worker's
// configuration: bootstrap.servers and the shared security keys, then every key under
// prefix ("admin.", "producer.", "consumer."; "" for none) with the prefix stripped, which
// wins. Keys pass through under their Java names (mapped to librdkafka's where the names
// differ), so librdkafka reports any it does not know.
func (c *WorkerConfig) ClientConfig(prefix string) map[string]string {
	out := map[string]string{
		"bootstrap.servers": strings.Join(c.Values.List(KeyBootstrapServers), ","),
		"security.protocol": c.Values.String(KeySecurityProtocol),
	}
	if id := c.Values.String(KeyClientID); id != "" {
		out["client.id"] = id
	}
	put := func(k, v string) {
		if n, ok := javaToLibrdkafka[k]; ok {
			k = n
		}
		out[k] = v
	}
	keys := make([]string, 0, len(c.Originals))
	for k := range c.Originals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "sasl.") || strings.HasPrefix(k, "ssl.") {
			put(k, c.Originals[k])
		}
	}
	if prefix != "" {
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) {
				put(strings.TrimPrefix(k, prefix), c.Originals[k])
			}
		}
	}
	return out
}
