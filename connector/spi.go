package connector

import (
	"context"
	"errors"

	"github.com/hashicorp/go-hclog"
)

// SourceConnector is the connector-level plugin (org.apache.kafka.connect.source.SourceConnector):
// it validates its config, tells the runtime how to split the work into task configs, and
// names its task type. One instance per connector runs on the worker that owns it.
//
// The runtime calls Start once, then TaskConfigs any number of times, then Stop once, all
// from one goroutine. A panic in any method fails the connector, never the worker.
type SourceConnector interface {
	// ConfigDef declares the connector's own keys (framework keys such as name and
	// tasks.max are the runtime's).
	ConfigDef() *ConfigDef
	// Start begins work with the connector's raw config. ctx ends when the connector is
	// stopped.
	Start(ctx context.Context, cc ConnectorContext, cfg Config) error
	// TaskConfigs returns at most maxTasks task configs; each starts one task.
	TaskConfigs(maxTasks int) ([]Config, error)
	// NewTask returns a new, unstarted task instance.
	NewTask() SourceTask
	// TaskClass is the Java class name recorded as task.class in task configs, so Apache
	// Kafka Connect can read our config topic (e.g. org.apache.kafka.connect.file.FileStreamSourceTask).
	TaskClass() string
	// Version is reported by GET /connector-plugins.
	Version() string
	// Stop releases everything Start acquired.
	Stop(ctx context.Context) error
}

// ConfigValidator is optional for connectors: cross-key checks beyond the ConfigDef, run by
// /validate and before a create or update.
type ConfigValidator interface {
	ValidateConfig(cfg Config, values []ConfigValue) []ConfigValue
}

// SourceTask pulls records from the source (org.apache.kafka.connect.source.SourceTask).
//
// Start, Poll and Stop are called from the task's own goroutine, never concurrently with
// each other. Poll blocks until it has records, returns (nil, nil) when there is nothing
// yet, and must return promptly with ctx.Err() when ctx is cancelled (the graceful stop).
// An error from Poll fails the task unless it was marked Retriable. A panic fails the task.
type SourceTask interface {
	// Start prepares the task. ctx lives until the task is killed (hard stop), so
	// background clients may use it.
	Start(ctx context.Context, tc TaskContext, cfg Config) error
	Poll(ctx context.Context) ([]*Record, error)
	Stop(ctx context.Context) error
}

// RecordCommitter is optional for tasks: CommitRecord is called once for every polled
// record (the same pointer) after Kafka acknowledged it (md != nil), or after a transform
// dropped it or an error was tolerated (md == nil). It may run concurrently with Poll, from
// the runtime's delivery goroutine, in the order the records were acknowledged per Kafka
// partition. This is where the MQTT connector sends its PUBACK.
type RecordCommitter interface {
	CommitRecord(ctx context.Context, r *Record, md *RecordMetadata) error
}

// Committer is optional for tasks: Commit is called after the runtime has written the
// task's source offsets to the offsets topic (SourceTask.commit).
type Committer interface {
	Commit(ctx context.Context) error
}

// PartitionOffset is a source partition and its offset (nil: reset), as PATCH
// /connectors/{c}/offsets gives them.
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// OffsetAlterer is optional for connectors (SourceConnector.alterOffsets, KIP-875): it is
// called before offsets of a STOPPED connector are altered or reset. It returns true when
// the connector manages no offsets outside Kafka (so the plain success message applies), and
// an error to refuse the change.
type OffsetAlterer interface {
	AlterOffsets(cfg Config, offsets []PartitionOffset) (bool, error)
}

// ExactlyOnceSupporter is optional for connectors (SourceConnector.exactlyOnceSupport).
type ExactlyOnceSupporter interface {
	ExactlyOnceSupported(cfg Config) (bool, error)
}

// ConnectorContext is the connector's view of the runtime.
type ConnectorContext interface {
	// RequestTaskReconfiguration asks the runtime to call TaskConfigs again.
	RequestTaskReconfiguration()
	// RaiseError fails the connector with err.
	RaiseError(err error)
	// Logger is already Named and With the connector name.
	Logger() hclog.Logger
}

// OffsetReader reads committed source offsets (OffsetStorageReader).
type OffsetReader interface {
	// Offset returns the last committed offset for a source partition, or nil. Offsets
	// come back as JSON gives them: integers as int64, other numbers as float64.
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
}

// TaskContext is the task's view of the runtime.
type TaskContext interface {
	OffsetReader
	// Logger is already Named and With the connector name and task id.
	Logger() hclog.Logger
}

// Configurable is implemented by transforms, predicates and converters.
type Configurable interface {
	ConfigDef() *ConfigDef
	// Configure receives the plugin's raw config (prefix stripped).
	Configure(cfg Config) error
}

// Transformation is a Single Message Transform (org.apache.kafka.connect.transforms.Transformation).
// Apply must not modify its input (build a new record with Record.NewRecord) and must be
// safe for concurrent use. (nil, nil) drops the record.
type Transformation interface {
	Configurable
	Apply(r *Record) (*Record, error)
}

// MultiTransformation is optional for transformations: one record in, any number out
// (for example one record per Sparkplug metric). The runtime calls ApplyMulti instead of
// Apply, and the later stages of the chain apply to each output record in order. An empty
// result drops the record. Every output keeps the input's source partition and offset: the
// source record counts as done (committed, acknowledged upstream) only once Kafka has
// acknowledged all of them.
type MultiTransformation interface {
	Transformation
	ApplyMulti(r *Record) ([]*Record, error)
}

// ErrDeferred is returned (possibly wrapped) by a transformation's Apply or ApplyMulti when
// the record cannot be handled yet but soon can (SparkplugB holding a DATA message until
// its BIRTH arrives). The runtime keeps the source record in flight (not committed, not
// acknowledged upstream), goes on with later records, and applies the chain to the deferred
// ones again, in arrival order, after each poll batch (also when the task is idle). The
// transformation must stop deferring a record in bounded time (its own hold timeout) and then
// handle or fail it. Records handled after a deferral reach Kafka after later ones.
var ErrDeferred = errors.New("record deferred by a transformation")

// Closer is optional for transformations, predicates and converters that hold resources
// (Transformation.close in Kafka): the runtime calls Close once when the task stops.
type Closer interface {
	Close() error
}

// LoggerSetter is optional for transformations, predicates and converters that log: the
// runtime calls SetLogger before Configure, with a logger already Named and With the
// connector, the task and the plugin's alias.
type LoggerSetter interface {
	SetLogger(log hclog.Logger)
}

// Predicate decides whether a transformation applies to a record.
type Predicate interface {
	Configurable
	Test(r *Record) (bool, error)
}

// Converter turns Connect data into bytes for Kafka and back (org.apache.kafka.connect.storage.Converter).
// Configure receives the converter's config with "converter.type" set to "key" or "value".
type Converter interface {
	Configurable
	FromConnect(topic string, headers Headers, s *Schema, v any) ([]byte, error)
	ToConnect(topic string, headers Headers, b []byte) (*Schema, any, error)
}

// HeaderConverter turns header values into bytes and back.
type HeaderConverter interface {
	Configurable
	FromConnectHeader(topic, key string, s *Schema, v any) ([]byte, error)
	ToConnectHeader(topic, key string, b []byte) (*Schema, any, error)
}
