package converters

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riferrei/srclient"

	"github.com/tributary-connect/tributary/connector"
)

// SchemaRegistry is the small subset of the Confluent Schema Registry REST API the
// converters use (reference §7). Implementations must be safe for concurrent use.
type SchemaRegistry interface {
	// Register is POST /subjects/{subject}/versions: the schema's id, registering it if new.
	Register(ctx context.Context, subject, schema string) (int32, error)
	// Lookup is POST /subjects/{subject}: the id of an already registered schema.
	Lookup(ctx context.Context, subject, schema string) (int32, error)
	// Latest is GET /subjects/{subject}/versions/latest: the latest id and schema.
	Latest(ctx context.Context, subject string) (int32, string, error)
	// SchemaByID is GET /schemas/ids/{id}.
	SchemaByID(ctx context.Context, id int32) (string, error)
}

// RegistryError is a non-2xx answer of the registry: the HTTP status and the body's
// error_code and message.
type RegistryError struct {
	Status  int
	Code    int
	Message string
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("%s; error code: %d (HTTP %d)", e.Message, e.Code, e.Status)
}

// Incompatible reports whether the registry refused a schema as incompatible (HTTP 409, or
// error_code 409/40901).
func (e *RegistryError) Incompatible() bool {
	return e.Status == http.StatusConflict || e.Code == 409 || e.Code == 40901
}

// NotFound reports a 40401/40403 answer.
func (e *RegistryError) NotFound() bool { return e.Code == 40401 || e.Code == 40403 }

// RegistryConfig configures the registry client.
type RegistryConfig struct {
	URLs     []string
	User     string // basic auth, with Password, when User != ""
	Password string
	Timeout  time.Duration // per request; 0 means 30 s
	// SchemaType is sent with registrations and lookups: "AVRO" (the default), "JSON" or
	// "PROTOBUF".
	SchemaType string
}

// srRegistry is the SchemaRegistry over github.com/riferrei/srclient (reference §8.4): one
// srclient per URL, tried in order until one answers (only transport failures move on to the
// next). Working around srclient's limits:
//   - it takes no context: each client gets its own http.Client with an explicit Timeout, and
//     ctx is checked before each call (a request in flight cannot be cancelled);
//   - it exposes error_code and message but not the HTTP status: the status is derived from
//     Confluent's codes (40901 → 409), and a non-JSON error body arrives as the status line;
//   - its "latest" cache lasts until ResetCache, which is what the Java serializer does with
//     its default latest.cache.ttl.sec=-1;
//   - it rewrites newlines in Avro and JSON schemas to spaces: the converters register compact
//     JSON, which has none.
type srRegistry struct {
	clients    []*srclient.SchemaRegistryClient
	urls       []string
	schemaType srclient.SchemaType
}

// NewRegistryClient returns a registry client over srclient, with srclient's own id and
// latest-version caches but no (subject, schema) cache (see NewCachedRegistry).
func NewRegistryClient(c RegistryConfig) (SchemaRegistry, error) {
	r := &srRegistry{}
	switch strings.ToUpper(c.SchemaType) {
	case "", "AVRO":
		r.schemaType = srclient.Avro
	case "JSON":
		r.schemaType = srclient.Json
	case "PROTOBUF":
		r.schemaType = srclient.Protobuf
	default:
		return nil, fmt.Errorf("unknown schema type %q", c.SchemaType)
	}
	t := c.Timeout
	if t <= 0 {
		t = 30 * time.Second
	}
	for _, u := range c.URLs {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme == "" || pu.Host == "" {
			return nil, fmt.Errorf("invalid schema registry url %q", u)
		}
		user, password := c.User, c.Password
		if pu.User != nil { // basic.auth.credentials.source=URL
			if user == "" {
				user = pu.User.Username()
				password, _ = pu.User.Password()
			}
			pu.User = nil
		}
		base := strings.TrimRight(pu.String(), "/")
		client := srclient.NewSchemaRegistryClient(base, srclient.WithClient(&http.Client{Timeout: t}))
		if user != "" {
			client.SetCredentials(user, password)
		}
		r.clients = append(r.clients, client)
		r.urls = append(r.urls, base)
	}
	if len(r.clients) == 0 {
		return nil, errors.New("no schema registry url given")
	}
	return r, nil
}

// call runs op against each URL in turn until one answers, and maps srclient's errors.
func (r *srRegistry) call(ctx context.Context, op func(*srclient.SchemaRegistryClient) error) error {
	var lastErr error
	for _, c := range r.clients {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := op(c)
		if err == nil {
			return nil
		}
		var se srclient.Error
		if errors.As(err, &se) {
			return &RegistryError{Status: statusOfCode(se.Code), Code: se.Code, Message: se.Message}
		}
		if re := statusLineError(err); re != nil {
			return re
		}
		var ue *url.Error
		if !errors.As(err, &ue) {
			return fmt.Errorf("schema registry %s: %w", c.GetSchemaRegistryURL(), err) // a bad answer
		}
		lastErr = err
	}
	if ctx.Err() == nil {
		// A registry that cannot be reached is worth retrying (Java: RetriableException on timeouts).
		return connector.Retriable(fmt.Errorf("schema registry unreachable: %w", lastErr))
	}
	return lastErr
}

// statusOfCode is the HTTP status behind a Confluent error_code (40403 → 404, 409 → 409).
func statusOfCode(code int) int {
	for code >= 1000 {
		code /= 10
	}
	return code
}

// statusLineError recognises srclient's error for a non-2xx answer whose body is not JSON:
// the bare status line, such as "503 Service Unavailable".
func statusLineError(err error) *RegistryError {
	msg := err.Error()
	num, _, _ := strings.Cut(msg, " ")
	status, convErr := strconv.Atoi(num)
	if convErr != nil || len(num) != 3 || status < 300 || status > 599 {
		return nil
	}
	return &RegistryError{Status: status, Code: status, Message: msg}
}

func (r *srRegistry) Register(ctx context.Context, subject, schema string) (int32, error) {
	var id int
	err := r.call(ctx, func(c *srclient.SchemaRegistryClient) error {
		s, err := c.CreateSchema(subject, schema, r.schemaType)
		if err == nil {
			id = s.ID()
		}
		return err
	})
	return int32(id), err
}

func (r *srRegistry) Lookup(ctx context.Context, subject, schema string) (int32, error) {
	var id int
	err := r.call(ctx, func(c *srclient.SchemaRegistryClient) error {
		s, err := c.LookupSchema(subject, schema, r.schemaType)
		if err == nil {
			id = s.ID()
		}
		return err
	})
	return int32(id), err
}

func (r *srRegistry) Latest(ctx context.Context, subject string) (int32, string, error) {
	var id int
	var schema string
	err := r.call(ctx, func(c *srclient.SchemaRegistryClient) error {
		s, err := c.GetLatestSchema(subject)
		if err == nil {
			id, schema = s.ID(), s.Schema()
		}
		return err
	})
	return int32(id), schema, err
}

func (r *srRegistry) SchemaByID(ctx context.Context, id int32) (string, error) {
	var schema string
	err := r.call(ctx, func(c *srclient.SchemaRegistryClient) error {
		s, err := c.GetSchema(int(id))
		if err == nil {
			schema = s.Schema()
		}
		return err
	})
	return schema, err
}

// cachedRegistry caches Register and Lookup per (subject, schema) and SchemaByID per id,
// so a schema reaches the registry once. Latest is not cached.
type cachedRegistry struct {
	next SchemaRegistry
	mu   sync.RWMutex
	ids  map[[2]string]int32
	byID map[int32]string
}

// NewCachedRegistry wraps a registry with caches of ids and schemas.
func NewCachedRegistry(next SchemaRegistry) SchemaRegistry {
	return &cachedRegistry{next: next, ids: map[[2]string]int32{}, byID: map[int32]string{}}
}

func (c *cachedRegistry) cached(subject, schema string) (int32, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.ids[[2]string{subject, schema}]
	return id, ok
}

func (c *cachedRegistry) store(subject, schema string, id int32) {
	c.mu.Lock()
	c.ids[[2]string{subject, schema}] = id
	c.byID[id] = schema
	c.mu.Unlock()
}

func (c *cachedRegistry) Register(ctx context.Context, subject, schema string) (int32, error) {
	if id, ok := c.cached(subject, schema); ok {
		return id, nil
	}
	id, err := c.next.Register(ctx, subject, schema)
	if err != nil {
		return 0, err
	}
	c.store(subject, schema, id)
	return id, nil
}

func (c *cachedRegistry) Lookup(ctx context.Context, subject, schema string) (int32, error) {
	if id, ok := c.cached(subject, schema); ok {
		return id, nil
	}
	id, err := c.next.Lookup(ctx, subject, schema)
	if err != nil {
		return 0, err
	}
	c.store(subject, schema, id)
	return id, nil
}

func (c *cachedRegistry) Latest(ctx context.Context, subject string) (int32, string, error) {
	return c.next.Latest(ctx, subject)
}

func (c *cachedRegistry) SchemaByID(ctx context.Context, id int32) (string, error) {
	c.mu.RLock()
	s, ok := c.byID[id]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	s, err := c.next.SchemaByID(ctx, id)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.byID[id] = s
	c.mu.Unlock()
	return s, nil
}

// srConfigKeys are the Schema Registry keys every Confluent converter takes (after
// converter.type), in Confluent's order.
var srConfigKeys = []connector.ConfigKey{
	{Name: SchemaRegistryURLConfig, Type: connector.ConfigList, Required: true, Importance: connector.High,
		Doc: "Comma-separated list of URLs for Schema Registry instances that can be used to register or look up schemas."},
	{Name: AutoRegisterSchemasConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
		Doc: "Specify if the Serializer should attempt to register the Schema with Schema Registry"},
	{Name: UseLatestVersionConfig, Type: connector.ConfigBoolean, Default: "false", Importance: connector.Low,
		Doc: "Specify if the Serializer should use the latest subject version for serialization"},
	{Name: KeySubjectNameStrategyConfig, Type: connector.ConfigString, Default: TopicNameStrategy,
		Validate: validString(strategies...), Importance: connector.Medium,
		Doc: "Determines how to construct the subject name under which the key schema is registered with the schema registry."},
	{Name: ValueSubjectNameStrategyCfg, Type: connector.ConfigString, Default: TopicNameStrategy,
		Validate: validString(strategies...), Importance: connector.Medium,
		Doc: "Determines how to construct the subject name under which the value schema is registered with the schema registry."},
	{Name: BasicAuthCredentialsSourceCfg, Type: connector.ConfigString, Default: avroBasicAuthURL,
		Validate: validString(avroBasicAuthURL, avroBasicAuthUserInfo), Importance: connector.Medium,
		Doc: "Specify how to pick the credentials for Basic Auth header. The supported values are URL and USER_INFO"},
	{Name: BasicAuthUserInfoConfig, Type: connector.ConfigPassword, Default: "", Importance: connector.Medium,
		Doc: "Specify the user info for Basic Auth in the form of {username}:{password}"},
	{Name: AvroSchemasCacheConfig, Type: connector.ConfigInt, Default: "1000", Importance: connector.Low,
		Doc: "Size of the converted schemas cache"},
}

// schemaCache is a converter's concurrency-safe cache of converted schemas, emptied when it
// holds max entries (schemas.cache.config).
type schemaCache[K comparable, V any] struct {
	mu  sync.RWMutex
	max int
	m   map[K]V
}

func newSchemaCache[K comparable, V any](max int) *schemaCache[K, V] {
	return &schemaCache[K, V]{max: max, m: map[K]V{}}
}

func (c *schemaCache[K, V]) get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *schemaCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
}

// registryErr words a registry failure as Confluent's serializers do: the registry's answers
// are DataErrors (the task fails, or the record goes to the DLQ); an unreachable registry
// is retriable. format is "Avro", "JSON" or "Protobuf".
func registryErr(prefix, subject, format string, err error) error {
	var re *RegistryError
	if errors.As(err, &re) {
		what := "Error registering/retrieving " + format + " schema"
		if re.Incompatible() {
			what = "Schema being registered is incompatible with an earlier schema"
		}
		return dataErr("%s: %s for subject %q: %s", prefix, what, subject, re.Error())
	}
	if connector.IsRetriable(err) {
		return connector.Retriable(fmt.Errorf("%s: %w", prefix, err))
	}
	return dataErr("%s: %v", prefix, err)
}

// srSerde is what the Confluent converters share: the registry, the subject name
// strategy, and how a schema gets its id (register, latest version, or look up).
type srSerde struct {
	isKey        bool
	registry     SchemaRegistry
	autoRegister bool
	useLatest    bool
	strategy     string
	timeout      time.Duration
	cacheMax     int
}

// configure reads the shared keys from v and connects a cached registry client that sends
// schemaType.
func (c *srSerde) configure(v connector.Values, schemaType string) error {
	c.isKey = v.String(ConverterTypeConfig) == TypeKey
	c.autoRegister = v.Bool(AutoRegisterSchemasConfig)
	c.useLatest = v.Bool(UseLatestVersionConfig)
	if c.isKey {
		c.strategy = v.String(KeySubjectNameStrategyConfig)
	} else {
		c.strategy = v.String(ValueSubjectNameStrategyCfg)
	}
	c.cacheMax = int(v.Int(AvroSchemasCacheConfig))
	rc := RegistryConfig{URLs: v.List(SchemaRegistryURLConfig), SchemaType: schemaType}
	if v.String(BasicAuthCredentialsSourceCfg) == avroBasicAuthUserInfo {
		rc.User, rc.Password, _ = strings.Cut(v.Password(BasicAuthUserInfoConfig).Value(), ":")
	}
	reg, err := NewRegistryClient(rc)
	if err != nil {
		return &connector.ConfigError{Message: err.Error()}
	}
	c.registry = NewCachedRegistry(reg)
	c.timeout = 30 * time.Second
	return nil
}

func (c *srSerde) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout)
}

// schemaID is the id the record's schema is written under.
func (c *srSerde) schemaID(subject, schema string) (int32, error) {
	ctx, cancel := c.ctx()
	defer cancel()
	switch {
	case c.autoRegister:
		return c.registry.Register(ctx, subject, schema)
	case c.useLatest:
		id, _, err := c.registry.Latest(ctx, subject)
		return id, err
	default:
		return c.registry.Lookup(ctx, subject, schema)
	}
}

// subject names the subject of a record under the configured strategy; recordName is the
// schema's full record name ("" when it is not a record).
func (c *srSerde) subject(topic, recordName string) (string, error) {
	suffix := "-value"
	cfgKey := ValueSubjectNameStrategyCfg
	if c.isKey {
		suffix, cfgKey = "-key", KeySubjectNameStrategyConfig
	}
	switch c.strategy {
	case RecordNameStrategy, TopicRecordNameStrategy:
		if recordName == "" {
			return "", dataErr("In configuration %s = %s, the message %s must only be a record schema", cfgKey, c.strategy, strings.TrimPrefix(suffix, "-"))
		}
		if c.strategy == RecordNameStrategy {
			return recordName, nil
		}
		return topic + "-" + recordName, nil
	default:
		return topic + suffix, nil
	}
}

// withRegistry configures a converter from cfg with a placeholder URL when none is given,
// then puts reg in place of the HTTP client (for tests and embedding).
func withRegistry(cfg connector.Config, configure func(connector.Config) error, serde *srSerde, reg SchemaRegistry) error {
	c2 := maps.Clone(cfg)
	if c2 == nil {
		c2 = connector.Config{}
	}
	if c2[SchemaRegistryURLConfig] == "" {
		c2[SchemaRegistryURLConfig] = "http://unused"
	}
	if err := configure(c2); err != nil {
		return err
	}
	serde.registry = reg
	return nil
}
