package transforms

import (
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/connector"
)

// SparkplugB (io.tributary.transforms.SparkplugB) decodes Eclipse Sparkplug B messages, as
// the MQTT connector delivers them (value: the payload bytes; topic in the mqtt.topic header,
// or the key), into a Struct, resolving metric aliases from the edge node's and devices'
// BIRTH certificates; with explode=true it makes one record per metric, typed by the
// metric's data type; with rebirth.enabled=true it asks an edge node for a rebirth (NCMD)
// when its DATA shows a seq gap or an unknown BIRTH; with unknown.birth=hold it holds a DATA
// message whose BIRTH is unknown until that BIRTH arrives (for a bounded time).
//
// # Topics
//
// A record whose topic is spBv1.0/<group>/<type>/<edge>[/<device>] with type NBIRTH,
// NDEATH, DBIRTH, DDEATH, NDATA, DDATA, NCMD or DCMD is decoded. Every other record (other
// topics, and the host application's STATE messages, which are JSON or text, not protobuf)
// passes unchanged, so the transform can sit behind a wildcard subscription. A topic is
// read from the header named by topic.header (mqtt.topic, which the MQTT connector sets), or,
// when there is no such header, from a string key.
//
// # Output, explode=false (the default)
//
// The value becomes a Struct io.tributary.sparkplug.Message {group, edge_node, device
// (optional), message_type, timestamp (optional Timestamp), seq (optional INT64), uuid
// (optional), body (optional BYTES), metrics: array of io.tributary.sparkplug.Metric {name,
// alias, timestamp, datatype (the Sparkplug data type's name, such as "Int16"),
// is_historical, is_transient, is_null, and one typed value field}}. The value field is
// chosen by the data type, not by the wire field, so that signedness is right:
//
//	Int8, Int16, Int32, UInt8, UInt16     int_value (INT32, sign-extended from the data type)
//	Int64, UInt32, UInt64, DateTime       long_value (INT64; DateTime is epoch milliseconds;
//	                                      a UInt64 above 2^63-1 fails the record)
//	Float / Double                        float_value (FLOAT32) / double_value (FLOAT64)
//	Boolean                               boolean_value
//	String, Text, UUID                    string_value
//	Bytes, File, the array types          bytes_value (arrays as Sparkplug packs them:
//	                                      little-endian, not unpacked)
//	DataSet                               dataset_value (io.tributary.sparkplug.DataSet)
//	Template                              template_value (io.tributary.sparkplug.Template)
//
// A metric with is_null, or of a type not decoded (PropertySet, PropertySetList), has every
// value field null; its datatype still says what it was. Metadata and properties are not
// decoded. The key, topic, timestamp and headers are kept.
//
// DataSet and Template values are decoded into a readable form, not into types of their
// own: io.tributary.sparkplug.DataSet is {num_of_columns (optional INT64), columns (array
// of STRING), types (array of STRING, the data type names), rows (array of array of
// optional STRING: each cell rendered as text by its column's type; DateTime as ISO-8601
// UTC, Bytes as base64, null when the cell has no value)}; io.tributary.sparkplug.Template
// is {version, template_ref, is_definition (all optional), parameters (array of {name,
// type, value}), metrics (array of {name, alias, timestamp, datatype, is_null, value})},
// where parameter and metric values are text as in a DataSet row, a DataSet or Template
// nested in a Template as JSON (Connect schemas cannot recurse).
//
// # Output, explode=true
//
// explode=true makes one record per metric (connector.MultiTransformation: the runtime
// calls ApplyMulti). Apply, which returns one record, refuses a Sparkplug message with an
// error rather than emit another shape (a runtime without ApplyMulti then fails the task,
// or with errors.tolerance=all sends each message to the dead letter queue); explode=false
// ApplyMulti returns what Apply does. All records of one message keep the input's
// topic, partition, timestamp, source partition and offset, and headers (with the
// sparkplug.* headers below on each), so the MQTT message is acknowledged once all of them
// are in Kafka. The value is a Struct io.tributary.sparkplug.metric.<DataType> {group,
// edge_node, device (optional), message_type, timestamp (optional: the metric's own, else
// the message's), seq (optional), name, alias, datatype (optional), is_historical,
// is_transient, is_null, value}, where value (optional, null when is_null) has the Connect
// type of the data type:
//
//	Int8 INT8, Int16 INT16, Int32 INT32, Int64 INT64,
//	UInt8 INT16, UInt16 INT32, UInt32 INT64, UInt64 INT64 (a value above 2^63-1 fails the
//	    message with a DataError rather than wrap or change type; Decimal was not chosen, as it
//	    would give every UInt64 a bytes-encoded value for the sake of rare huge ones),
//	Float FLOAT32, Double FLOAT64, Boolean BOOLEAN, String/Text/UUID STRING,
//	DateTime Timestamp (logical type), Bytes/File BYTES, the array types BYTES (packed),
//	DataSet io.tributary.sparkplug.DataSet, Template io.tributary.sparkplug.Template.
//
// A metric whose data type does not say how to read it (an unresolved alias with
// unknown.birth=passthrough, whose datatype is null; PropertySet; an undefined number) is
// read by its wire field, and its schema is named io.tributary.sparkplug.metric.<DataType>As<Field>,
// e.g. UnknownAsLong (INT64) or UnknownAsDouble.
//
// So records of one topic have as many value schemas as there are data types. Each schema
// has its own name, so with the Avro (or JSON Schema, Protobuf) converter use
// value.subject.name.strategy=io.confluent.kafka.serializers.subject.RecordNameStrategy (or
// TopicRecordNameStrategy): every data type then gets its own subject
// (io.tributary.sparkplug.metric.Double …) whose schema never changes. With the default
// TopicNameStrategy all data types share the <topic>-value subject, whose schema then
// changes from record to record and fails the default BACKWARD compatibility check.
//
// explode.key=input (the default) keeps the input's key (the MQTT topic with the MQTT
// connector); explode.key=metric sets the key to the STRING
// "<group>/<edge>[/<device>]/<metric name>" (or ".../#<alias>" when the name is not known),
// so that Kafka partitions and compacts per metric.
//
// A message without metrics (a DDEATH, an empty NCMD, a payload with only a body) is not
// dropped: it becomes one record, the io.tributary.sparkplug.Message of explode=false with
// an empty metrics array. The payload's uuid and body are not in the per-metric records.
//
// # State
//
// Per edge node (group/edge) the transform keeps the alias → (name, datatype) map of its
// NBIRTH, the bdSeq of that NBIRTH, the last seq (0-255, wrapping) and per device the alias
// map of its DBIRTH. NDATA and DDATA metrics that carry only an alias get their name and
// datatype from there (a DDATA alias is looked up in its DBIRTH, then in the NBIRTH). NBIRTH,
// DBIRTH, NDATA, DDATA and DDEATH carry the node's seq; when one is not the previous seq + 1
// (mod 256) the record gets the headers sparkplug.seq.gap=true and sparkplug.seq.expected (the
// record is still delivered). An NDEATH whose bdSeq matches the NBIRTH's (or that has none)
// forgets the node and its devices; a stale NDEATH (another bdSeq) gets the header
// sparkplug.bdseq.stale=true and forgets nothing. DDEATH forgets the device.
//
// An NDATA or DDATA whose BIRTH is unknown, or which uses an alias its BIRTH did not define,
// is not guessed: with unknown.birth=fail (the default) it fails with a DataError, so
// errors.tolerance=all with a dead letter queue keeps the original message and the default
// tolerance fails the task; with unknown.birth=passthrough it is decoded with the unresolved
// metrics' names null and the header sparkplug.birth.unknown=true; unknown.birth=hold is
// below. NCMD and DCMD are decoded with aliases resolved when the BIRTH is known; they never
// fail for it and carry no node seq. (DBIRTH, DDEATH and NDEATH never need the NBIRTH: they
// are decoded as they come, with or without hold.)
//
// # Holding DATA until its BIRTH (unknown.birth=hold)
//
// With unknown.birth=hold, an NDATA or DDATA whose edge node's NBIRTH is unknown (or a DDATA
// whose node's NBIRTH is known but whose device's DBIRTH is not) is neither guessed nor
// failed at once: Apply and ApplyMulti return an error wrapping connector.ErrDeferred, so the
// runtime keeps the record in flight (not committed, the MQTT message not acknowledged) and
// applies the chain to it again after each later poll batch and when idle. Once the missing
// BIRTH has arrived, the held messages decode with its aliases (those of the next BIRTH, as a
// Sparkplug host application that asked for a rebirth assumes). A message that uses an alias
// the BIRTH does not define then fails as with fail.
//
// The hold is bounded per edge node (per device while only the DBIRTH is missing), by time
// and by count:
//   - unknown.birth.hold.ms (10000): the time since the FIRST message was held for the node.
//     Once it has passed, the node's held messages and its new DATA fail as with fail (a
//     DataError: with errors.tolerance=all and a dead letter queue the original message goes
//     there), until its BIRTH arrives, which starts afresh. So a DDATA held for the NBIRTH and
//     then for its device's DBIRTH may wait up to twice this time.
//   - unknown.birth.hold.max.messages (1000): the distinct messages held at once for the
//     node; a further one fails at once as with fail. The runtime applies the transform to a
//     held record again and again, so a message is recognized by its topic and payload bytes
//     (a 64-bit hash); two identical payloads on one topic (a QoS 1 redelivery, for
//     instance) count as one.
//
// With rebirth.enabled=true the first message held for a node (or device) asks for a rebirth
// (at most one per rebirth.min.interval.ms), so that its BIRTH comes promptly.
//
// A message released from a hold is decoded after its BIRTH and maybe after later DATA of
// its node, so its seq is not compared with the node's: it never gets sparkplug.seq.gap, does
// not move the node's expected seq, and gets the header sparkplug.birth.held=true instead.
// Its records reach Kafka after records of messages that arrived later (of the BIRTH, of
// other nodes), with the timestamp and source offset of the held message.
//
// The limit of holding: held messages stay unacknowledged, and the MQTT task acknowledges in
// arrival order, so while one is held the broker's in-flight window (mqtt.receive.maximum)
// fills with later messages. If the BIRTH is behind a full window, the broker cannot send it
// before the hold expires; then the held messages go to the dead letter queue (or fail the
// task without errors.tolerance=all): never lost, never guessed, but not decoded either.
// Keep the window well above the number of messages an edge node sends in
// unknown.birth.hold.ms, or the hold short.
//
// The state lives in the transform instance (under a mutex: Apply is safe for concurrent
// use), in memory only: after a restart every node's DATA counts as of unknown BIRTH until
// it sends its next NBIRTH (which rebirth.enabled asks for). With MQTT 5 shared
// subscriptions (tasks.max > 1) one task may see a node's DATA and another its BIRTH: run
// tasks.max=1, or subscribe each task to its own groups, for Sparkplug.
//
// # Rebirth requests
//
// With rebirth.enabled=true, an NDATA or DDATA with a seq gap, an unknown BIRTH or an alias
// its BIRTH did not define makes the transform publish, as a Sparkplug host application
// does, the NCMD spBv1.0/<group>/NCMD/<edge> with a Payload {timestamp, metrics: [{name
// "Node Control/Rebirth", timestamp, datatype Boolean (11), boolean_value true}]} (no seq),
// at rebirth.qos (0 by default, as Sparkplug 3.0 wants for NCMD), not retained. It uses an
// MQTT 5 client of its own (paho.golang autopaho, clean start, reconnecting) configured by
// rebirth.mqtt.server.uri, rebirth.mqtt.username/password, rebirth.mqtt.client.id (default:
// tributary-spb-rebirth-<random>) and, for ssl:// URIs, rebirth.mqtt.ssl.ca.file,
// rebirth.mqtt.ssl.cert.file and rebirth.mqtt.ssl.key.file (PEM); it connects with the first
// request, not at configuration. Apply only queues the request (it never waits on the
// network); one goroutine publishes. At most one request per edge node is queued per
// rebirth.min.interval.ms, so a burst of gaps asks once. The record that queued a request
// gets the header sparkplug.rebirth.requested=true (a DATA that fails with
// unknown.birth=fail still queues its request, but the DLQ record has no such header).
// Publishing failures (no connection within 10 s, a refused publish) are logged, not
// retried: the next gap asks again. Close (connector.Closer, when the task stops) stops the
// goroutine and disconnects; queued requests not yet sent are dropped. DBIRTH and DDEATH
// seq gaps, and NCMD/DCMD, never ask.
//
// # Wire format
//
// The payload is decoded with protowire from the field numbers of Eclipse Tahu's
// sparkplug_b.proto (package org.eclipse.tahu.protobuf; a copy is in
// testdata/sparkplug/sparkplug_b.proto):
//
//	Payload  1 timestamp uint64, 2 metrics repeated Metric, 3 seq uint64, 4 uuid string,
//	         5 body bytes
//	Metric   1 name string, 2 alias uint64, 3 timestamp uint64, 4 datatype uint32,
//	         5 is_historical bool, 6 is_transient bool, 7 is_null bool, 8 metadata MetaData,
//	         9 properties PropertySet, oneof value { 10 int_value uint32, 11 long_value uint64,
//	         12 float_value float, 13 double_value double, 14 boolean_value bool,
//	         15 string_value string, 16 bytes_value bytes, 17 dataset_value DataSet,
//	         18 template_value Template, 19 extension_value }
//	DataSet  1 num_of_columns uint64, 2 columns repeated string, 3 types repeated uint32,
//	         4 rows repeated Row { 1 elements repeated DataSetValue { 1 int_value uint32,
//	         2 long_value uint64, 3 float_value, 4 double_value, 5 boolean_value,
//	         6 string_value, 7 extension_value } }
//	Template 1 version string, 2 metrics repeated Metric, 3 parameters repeated Parameter
//	         { 1 name, 2 type uint32, 3 int_value, 4 long_value, 5 float_value, 6 double_value,
//	         7 boolean_value, 8 string_value, 9 extension_value }, 4 template_ref string,
//	         5 is_definition bool
//
// Malformed protobuf fails the record with a DataError.
type sparkplugB struct {
	topicHeader  string
	unknownBirth string // fail, passthrough or hold
	holdFor      time.Duration
	holdMax      int
	explode      bool
	keyByMetric  bool
	rebirth      *spbRebirth // nil: rebirth.enabled=false
	log          hclog.Logger
	now          func() time.Time // time.Now; tests change it
	seed         maphash.Seed

	mu    sync.Mutex
	nodes map[string]*spbNode // group "/" edge node
	holds map[string]*spbHold // group "/" edge node (waiting for the NBIRTH), or + "/" device (for the DBIRTH)
}

type spbNode struct {
	aliases  map[uint64]spbAlias
	bdSeq    *uint64
	seq      uint64
	seqKnown bool
	birth    bool // an NBIRTH was seen (DBIRTH alone creates the node without it)
	devices  map[string]map[uint64]spbAlias
	// released: the identities (spbHold.ids) of messages held until this node's BIRTH (or a
	// device's DBIRTH) that have not been decoded yet; their seq is not checked.
	released map[uint64]struct{}
}

// spbHold is unknown.birth=hold's state for an edge node (or device) whose BIRTH is awaited.
type spbHold struct {
	since time.Time           // the first message held
	ids   map[uint64]struct{} // the messages held (hash of topic and payload); nil once expired
}

type spbAlias struct {
	name     string
	datatype uint32
}

const sparkplugClass = "io.tributary.transforms.SparkplugB"

var sparkplugConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "unknown.birth", Type: connector.ConfigString, Default: "fail", Validate: javaValidStringIn("fail", "passthrough", "hold"), Importance: connector.High,
		Doc: "What to do with an NDATA or DDATA whose BIRTH was not seen (or that uses an alias the BIRTH did not define): <code>fail</code> fails the record with a DataError (errors.tolerance and the dead letter queue apply), <code>passthrough</code> decodes it with the unresolved metric names null and the header sparkplug.birth.unknown=true, <code>hold</code> keeps a DATA whose BIRTH was not seen in flight (unacknowledged) until that BIRTH arrives, then decodes it with the BIRTH's aliases (header sparkplug.birth.held=true, no seq check), for at most unknown.birth.hold.ms and unknown.birth.hold.max.messages per edge node, beyond which it fails as with <code>fail</code> (an undefined alias fails at once). Held messages stay unacknowledged and the MQTT task acknowledges in arrival order, so the broker's in-flight window (mqtt.receive.maximum) fills with later messages meanwhile: a BIRTH behind a full window cannot arrive before the hold expires, and the held messages then go to the dead letter queue (never lost, never guessed). Records released from a hold reach Kafka after later ones."},
	{Name: "unknown.birth.hold.ms", Type: connector.ConfigLong, Default: "10000", Validate: connector.AtLeast(0), Importance: connector.Medium,
		Doc: "With unknown.birth=hold, how long an edge node's DATA may wait for its BIRTH, from the first message held for it; then its held and new DATA fail as with unknown.birth=fail until the BIRTH arrives."},
	{Name: "unknown.birth.hold.max.messages", Type: connector.ConfigInt, Default: "1000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "With unknown.birth=hold, at most this many distinct messages (by topic and payload) are held per edge node at a time; a further one fails as with unknown.birth=fail."},
	{Name: "topic.header", Type: connector.ConfigString, Default: "mqtt.topic", Importance: connector.Medium,
		Doc: "The header holding the MQTT topic; without it on a record, a string key is taken as the topic."},
	{Name: "explode", Type: connector.ConfigBoolean, Default: "false", Importance: connector.High,
		Doc: "true: one record per metric, its value a Struct io.tributary.sparkplug.metric.<DataType> whose value field has the Connect type of the Sparkplug data type (so each data type has its own schema: use RecordNameStrategy for Avro subjects); a message without metrics stays one io.tributary.sparkplug.Message record. false: one io.tributary.sparkplug.Message record per message, with an array of metrics."},
	{Name: "explode.key", Type: connector.ConfigString, Default: "input", Validate: javaValidStringIn("input", "metric"), Importance: connector.Medium,
		Doc: "With explode=true, the key of the per-metric records: <code>input</code> keeps the input's key, <code>metric</code> sets the string <group>/<edge>[/<device>]/<metric name> (#<alias> when the name is not known)."},
	{Name: "rebirth.enabled", Type: connector.ConfigBoolean, Default: "false", Importance: connector.High,
		Doc: "true: on an NDATA or DDATA with a seq gap, an unknown BIRTH or an undefined alias, publish the Sparkplug rebirth command (NCMD Node Control/Rebirth=true) to spBv1.0/<group>/NCMD/<edge>, asynchronously, with the transform's own MQTT client (rebirth.mqtt.*)."},
	{Name: "rebirth.mqtt.server.uri", Type: connector.ConfigList, Default: "", Importance: connector.High,
		Doc: "The MQTT broker(s) to publish rebirth commands to (tcp://host:1883 or ssl://host:8883; several for fail-over); required with rebirth.enabled=true."},
	{Name: "rebirth.mqtt.username", Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "The user name of the rebirth MQTT client (empty: none)."},
	{Name: "rebirth.mqtt.password", Type: connector.ConfigPassword, Default: "", Importance: connector.Medium,
		Doc: "The password of the rebirth MQTT client."},
	{Name: "rebirth.mqtt.client.id", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "The client id of the rebirth MQTT client (empty: tributary-spb-rebirth-<random>). It must differ per task."},
	{Name: "rebirth.mqtt.ssl.ca.file", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "PEM CA bundle to verify an ssl:// broker (empty: the system roots)."},
	{Name: "rebirth.mqtt.ssl.cert.file", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "PEM client certificate for mutual TLS (with rebirth.mqtt.ssl.key.file)."},
	{Name: "rebirth.mqtt.ssl.key.file", Type: connector.ConfigString, Default: "", Importance: connector.Low,
		Doc: "PEM private key of rebirth.mqtt.ssl.cert.file."},
	{Name: "rebirth.qos", Type: connector.ConfigInt, Default: "0", Validate: connector.Between(0, 1), Importance: connector.Low,
		Doc: "The QoS of the rebirth NCMD (Sparkplug 3.0 publishes NCMD at QoS 0)."},
	{Name: "rebirth.min.interval.ms", Type: connector.ConfigLong, Default: "5000", Validate: connector.AtLeast(0), Importance: connector.Low,
		Doc: "At most one rebirth request per edge node within this many milliseconds."},
}}

func init() {
	registerTransformation(sparkplugClass, func() connector.Transformation { return &sparkplugB{} })
}

func (t *sparkplugB) ConfigDef() *connector.ConfigDef { return sparkplugConfigDef }

func (t *sparkplugB) Configure(cfg connector.Config) error {
	v, err := sparkplugConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	var rb *spbRebirth
	if v.Bool("rebirth.enabled") {
		var servers []string
		for _, s := range v.List("rebirth.mqtt.server.uri") {
			if s = strings.TrimSpace(s); s != "" {
				servers = append(servers, s)
			}
		}
		log := t.log
		if log == nil {
			log = hclog.NewNullLogger()
		}
		rb, err = newSpbRebirth(log.Named("rebirth"), servers, v.String("rebirth.mqtt.username"), v.Password("rebirth.mqtt.password").Value(),
			v.String("rebirth.mqtt.client.id"), byte(v.Int("rebirth.qos")), time.Duration(v.Long("rebirth.min.interval.ms"))*time.Millisecond,
			v.String("rebirth.mqtt.ssl.ca.file"), v.String("rebirth.mqtt.ssl.cert.file"), v.String("rebirth.mqtt.ssl.key.file"))
		if err != nil {
			return fmt.Errorf("SparkplugB: %w", err)
		}
	}
	t.topicHeader = v.String("topic.header")
	t.unknownBirth = v.String("unknown.birth")
	t.holdFor = time.Duration(v.Long("unknown.birth.hold.ms")) * time.Millisecond
	t.holdMax = int(v.Int("unknown.birth.hold.max.messages"))
	if t.now == nil {
		t.now = time.Now
	}
	t.seed = maphash.MakeSeed()
	t.explode = v.Bool("explode")
	t.keyByMetric = v.String("explode.key") == "metric"
	t.mu.Lock()
	old := t.rebirth
	t.nodes = map[string]*spbNode{}
	t.holds = map[string]*spbHold{}
	t.rebirth = rb
	t.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// SetLogger takes the task's logger for the rebirth publisher (connector.LoggerSetter).
func (t *sparkplugB) SetLogger(log hclog.Logger) { t.log = log }

// Close stops the rebirth publisher and disconnects its MQTT client (connector.Closer).
func (t *sparkplugB) Close() error {
	t.mu.Lock()
	rb := t.rebirth
	t.mu.Unlock()
	if rb != nil {
		rb.Close()
	}
	return nil
}

// Sparkplug data types (sparkplug_b.proto DataType).
const (
	spbUnknown uint32 = iota
	spbInt8
	spbInt16
	spbInt32
	spbInt64
	spbUInt8
	spbUInt16
	spbUInt32
	spbUInt64
	spbFloat
	spbDouble
	spbBoolean
	spbString
	spbDateTime
	spbText
	spbUUID
	spbDataSet
	spbBytes
	spbFile
	spbTemplate
	spbPropertySet
	spbPropertySetList
)

var spbTypeNames = []string{"Unknown", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
	"Float", "Double", "Boolean", "String", "DateTime", "Text", "UUID", "DataSet", "Bytes", "File", "Template",
	"PropertySet", "PropertySetList", "Int8Array", "Int16Array", "Int32Array", "Int64Array", "UInt8Array",
	"UInt16Array", "UInt32Array", "UInt64Array", "FloatArray", "DoubleArray", "BooleanArray", "StringArray",
	"DateTimeArray"}

func spbTypeName(dt uint32) string {
	if int(dt) < len(spbTypeNames) {
		return spbTypeNames[dt]
	}
	return fmt.Sprintf("DataType%d", dt)
}

var (
	spbTimestampSchema = connector.TimestampSchema().Optional().MustBuild()
	spbMetricSchema    = connector.StructBuilder().SetName("io.tributary.sparkplug.Metric").
				Field("name", connector.OptionalStringSchema).
				Field("alias", connector.OptionalInt64Schema).
				Field("timestamp", spbTimestampSchema).
				Field("datatype", connector.OptionalStringSchema).
				Field("is_historical", connector.BooleanSchema).
				Field("is_transient", connector.BooleanSchema).
				Field("is_null", connector.BooleanSchema).
				Field("int_value", connector.OptionalInt32Schema).
				Field("long_value", connector.OptionalInt64Schema).
				Field("float_value", connector.OptionalFloat32Schema).
				Field("double_value", connector.OptionalFloat64Schema).
				Field("boolean_value", connector.OptionalBooleanSchema).
				Field("string_value", connector.OptionalStringSchema).
				Field("bytes_value", connector.OptionalBytesSchema).
				Field("dataset_value", spbDataSetSchema).
				Field("template_value", spbTemplateSchema).MustBuild()
	spbMessageSchema = spbEnvelope(connector.StructBuilder().SetName("io.tributary.sparkplug.Message")).
				Field("uuid", connector.OptionalStringSchema).
				Field("body", connector.OptionalBytesSchema).
				Field("metrics", connector.ArrayBuilder(spbMetricSchema).MustBuild()).MustBuild()
)

// spbEnvelope adds the fields every record of the transform begins with, which say where
// and when its message comes from: group, edge_node, device, message_type, timestamp, seq.
func spbEnvelope(b *connector.SchemaBuilder) *connector.SchemaBuilder {
	return b.Field("group", connector.StringSchema).
		Field("edge_node", connector.StringSchema).
		Field("device", connector.OptionalStringSchema).
		Field("message_type", connector.StringSchema).
		Field("timestamp", spbTimestampSchema).
		Field("seq", connector.OptionalInt64Schema)
}

// putEnvelope puts the spbEnvelope fields of a message on this topic with timestamp ts and
// sequence number seq (each nil when absent).
func (tp spbTopic) putEnvelope(put func(k string, x any), ts, seq *uint64) {
	put("group", tp.group)
	put("edge_node", tp.edge)
	if tp.device != "" {
		put("device", tp.device)
	}
	put("message_type", tp.msgType)
	if ts != nil {
		put("timestamp", time.UnixMilli(int64(*ts)).UTC())
	}
	if seq != nil {
		put("seq", int64(*seq))
	}
}

// spbTopic is a parsed Sparkplug topic.
type spbTopic struct {
	group, msgType, edge, device string
}

func parseSpbTopic(topic string) (spbTopic, bool) {
	parts := strings.Split(topic, "/")
	if len(parts) < 4 || len(parts) > 5 || parts[0] != "spBv1.0" {
		return spbTopic{}, false
	}
	t := spbTopic{group: parts[1], msgType: parts[2], edge: parts[3]}
	if len(parts) == 5 {
		t.device = parts[4]
	}
	device := t.device != ""
	switch t.msgType {
	case "NBIRTH", "NDEATH", "NDATA", "NCMD":
		return t, !device
	case "DBIRTH", "DDEATH", "DDATA", "DCMD":
		return t, device
	}
	return spbTopic{}, false
}

func (t *sparkplugB) topicOf(r *connector.Record) (string, bool) {
	if h, ok := r.Headers.Last(t.topicHeader); ok {
		s, ok := h.Value.(string)
		return s, ok
	}
	s, ok := r.Key.(string)
	return s, ok
}

// spbMessage is a decoded Sparkplug message with the headers its state tracking added.
type spbMessage struct {
	topic   string
	tp      spbTopic
	p       *spbPayload
	headers []connector.Header
}

// decode decodes and tracks a record; nil (and no error) when it is not Sparkplug B.
func (t *sparkplugB) decode(r *connector.Record) (*spbMessage, error) {
	topic, ok := t.topicOf(r)
	if !ok {
		return nil, nil
	}
	tp, ok := parseSpbTopic(topic)
	if !ok {
		return nil, nil
	}
	var data []byte
	switch x := r.Value.(type) {
	case []byte:
		data = x
	case string:
		data = []byte(x)
	case nil:
	default:
		return nil, connector.DataErrorf("SparkplugB: the record value must be bytes, found %T", r.Value)
	}
	p, err := decodeSpbPayload(data)
	if err != nil {
		return nil, connector.DataErrorf("SparkplugB: %s: malformed payload: %v", topic, err)
	}
	m := &spbMessage{topic: topic, tp: tp, p: p}
	var id uint64 // the message's identity for unknown.birth=hold
	if t.unknownBirth == "hold" && (tp.msgType == "NDATA" || tp.msgType == "DDATA") {
		var h maphash.Hash
		h.SetSeed(t.seed)
		_, _ = h.WriteString(topic)
		_ = h.WriteByte(0)
		_, _ = h.Write(data)
		id = h.Sum64()
	}
	if err := t.track(topic, tp, p, id, &m.headers); err != nil {
		return nil, err
	}
	return m, nil
}

func (t *sparkplugB) Apply(r *connector.Record) (*connector.Record, error) {
	m, err := t.decode(r)
	if err != nil || m == nil {
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	if t.explode {
		return nil, fmt.Errorf("SparkplugB: explode=true makes several records of one, which needs a runtime that calls ApplyMulti (connector.MultiTransformation); %s not transformed", m.topic)
	}
	return t.messageRecord(r, m)
}

// ApplyMulti is Apply with explode=false; with explode=true it returns one record per metric
// (one io.tributary.sparkplug.Message record for a message without metrics).
func (t *sparkplugB) ApplyMulti(r *connector.Record) ([]*connector.Record, error) {
	m, err := t.decode(r)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return []*connector.Record{r}, nil
	}
	if !t.explode || len(m.p.metrics) == 0 {
		out, err := t.messageRecord(r, m)
		if err != nil {
			return nil, err
		}
		return []*connector.Record{out}, nil
	}
	return t.metricRecords(r, m)
}

// messageRecord is the io.tributary.sparkplug.Message record.
func (t *sparkplugB) messageRecord(r *connector.Record, m *spbMessage) (*connector.Record, error) {
	tp, p, topic := m.tp, m.p, m.topic
	metrics := make([]any, len(p.metrics))
	for i := range p.metrics {
		st, err := spbMetricStruct(&p.metrics[i])
		if err != nil {
			return nil, connector.DataErrorf("SparkplugB: %s: %v", topic, err)
		}
		metrics[i] = st
	}
	v, _ := connector.NewStruct(spbMessageSchema)
	var err error
	put := func(k string, x any) {
		if err == nil {
			err = v.Put(k, x)
		}
	}
	tp.putEnvelope(put, p.timestamp, p.seq)
	if p.uuid != nil {
		put("uuid", *p.uuid)
	}
	if p.body != nil {
		put("body", append([]byte(nil), p.body...))
	}
	put("metrics", metrics)
	if err != nil {
		return nil, connector.DataErrorf("SparkplugB: %s: %v", topic, err)
	}
	out := r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, spbMessageSchema, v, r.Timestamp)
	out.Headers = append(out.Headers, m.headers...)
	return out, nil
}

// metricRecords are the records of explode=true, one per metric, in the message's order.
func (t *sparkplugB) metricRecords(r *connector.Record, m *spbMessage) ([]*connector.Record, error) {
	tp, p, topic := m.tp, m.p, m.topic
	out := make([]*connector.Record, 0, len(p.metrics))
	prefix := tp.group + "/" + tp.edge + "/"
	if tp.device != "" {
		prefix += tp.device + "/"
	}
	for i := range p.metrics {
		mt := &p.metrics[i]
		name := "?"
		if mt.name != nil {
			name = *mt.name
		}
		suffix, vs, val, err := spbExplodeValue(mt, name)
		if err != nil {
			return nil, connector.DataErrorf("SparkplugB: %s: %v", topic, err)
		}
		schema := spbExplodeSchema(suffix, vs)
		st, _ := connector.NewStruct(schema)
		put := func(k string, x any) {
			if err == nil {
				err = st.Put(k, x)
			}
		}
		ts := mt.timestamp // the metric's own, else the message's
		if ts == nil {
			ts = p.timestamp
		}
		tp.putEnvelope(put, ts, p.seq)
		if mt.name != nil {
			put("name", *mt.name)
		}
		if mt.alias != nil {
			if *mt.alias > math.MaxInt64 {
				return nil, connector.DataErrorf("SparkplugB: %s: alias %d is out of range", topic, *mt.alias)
			}
			put("alias", int64(*mt.alias))
		}
		if mt.datatype != nil {
			put("datatype", spbTypeName(*mt.datatype))
		}
		put("is_historical", mt.historical)
		put("is_transient", mt.transient)
		put("is_null", mt.isNull)
		if val != nil {
			put("value", val)
		}
		if err != nil {
			return nil, connector.DataErrorf("SparkplugB: %s: %v", topic, err)
		}
		keySchema, key := r.KeySchema, r.Key
		if t.keyByMetric {
			keySchema = connector.OptionalStringSchema
			if mt.name != nil {
				key = prefix + *mt.name
			} else if mt.alias != nil {
				key = prefix + "#" + strconv.FormatUint(*mt.alias, 10)
			} else {
				key = prefix + "#" + strconv.Itoa(i)
			}
		}
		rec := r.NewRecord(r.Topic, r.Partition, keySchema, key, schema, st, r.Timestamp)
		rec.Headers = append(rec.Headers, m.headers...)
		out = append(out, rec)
	}
	return out, nil
}

// track updates the state with a message and resolves its aliases (in place). id
// identifies an NDATA or DDATA for unknown.birth=hold (its topic and payload hashed).
func (t *sparkplugB) track(topic string, tp spbTopic, p *spbPayload, id uint64, headers *[]connector.Header) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.nodes == nil {
		t.nodes = map[string]*spbNode{}
	}
	if t.holds == nil {
		t.holds = map[string]*spbHold{}
	}
	key := tp.group + "/" + tp.edge
	node := t.nodes[key]

	checkSeq := func() (gap bool) {
		if p.seq == nil {
			return false
		}
		s := *p.seq
		if node.seqKnown && s != (node.seq+1)%256 {
			// Transforms get no logger from the SPI: the gap is reported on the record itself.
			*headers = append(*headers,
				connector.Header{Key: "sparkplug.seq.gap", Schema: connector.BooleanSchema, Value: true},
				connector.Header{Key: "sparkplug.seq.expected", Schema: connector.Int64Schema, Value: int64((node.seq + 1) % 256)})
			gap = true
		}
		node.seq, node.seqKnown = s%256, true
		return gap
	}
	askRebirth := func() {
		if t.rebirth != nil && t.rebirth.request(tp.group, tp.edge) {
			*headers = append(*headers, connector.Header{Key: "sparkplug.rebirth.requested", Schema: connector.BooleanSchema, Value: true})
		}
	}

	switch tp.msgType {
	case "NBIRTH":
		old := node
		node = &spbNode{aliases: map[uint64]spbAlias{}, devices: map[string]map[uint64]spbAlias{}, birth: true}
		if old != nil {
			node.released = old.released // released by an earlier BIRTH, not retried yet
		}
		t.nodes[key] = node
		t.release(key, node)
		for i := range p.metrics {
			m := &p.metrics[i]
			if m.name != nil && *m.name == "bdSeq" {
				if b, ok := m.uintValue(); ok {
					node.bdSeq = &b
				}
			}
			if m.alias != nil && m.name != nil {
				node.aliases[*m.alias] = spbAlias{name: *m.name, datatype: m.datatypeOr0()}
			}
		}
		if p.seq != nil {
			node.seq, node.seqKnown = *p.seq%256, true
		}
		return nil
	case "NDEATH":
		if node == nil {
			return nil
		}
		var death *uint64
		for i := range p.metrics {
			m := &p.metrics[i]
			if m.name != nil && *m.name == "bdSeq" {
				if b, ok := m.uintValue(); ok {
					death = &b
				}
			}
		}
		if death != nil && node.bdSeq != nil && *death != *node.bdSeq {
			*headers = append(*headers, connector.Header{Key: "sparkplug.bdseq.stale", Schema: connector.BooleanSchema, Value: true})
			return nil
		}
		delete(t.nodes, key)
		return nil
	case "DBIRTH":
		if node == nil {
			node = &spbNode{aliases: map[uint64]spbAlias{}, devices: map[string]map[uint64]spbAlias{}}
			t.nodes[key] = node
		}
		checkSeq()
		t.release(key+"/"+tp.device, node)
		dev := map[uint64]spbAlias{}
		for i := range p.metrics {
			m := &p.metrics[i]
			if m.alias != nil && m.name != nil {
				dev[*m.alias] = spbAlias{name: *m.name, datatype: m.datatypeOr0()}
			}
		}
		node.devices[tp.device] = dev
		return nil
	case "DDEATH":
		if node != nil {
			checkSeq()
			delete(node.devices, tp.device)
		}
		return nil
	case "NDATA", "DDATA":
		var dev map[uint64]spbAlias
		nodeKnown := node != nil && node.birth
		known := nodeKnown
		if known && tp.device != "" {
			dev, known = node.devices[tp.device]
		}
		why := "its BIRTH was not seen"
		if !known && t.unknownBirth == "hold" {
			holdKey := key // waiting for the NBIRTH, or for the DBIRTH
			if nodeKnown {
				holdKey += "/" + tp.device
			}
			deferred, first, reason := t.hold(holdKey, id)
			if deferred {
				if first {
					askRebirth() // its header goes with the deferral: only the request counts
				}
				return fmt.Errorf("SparkplugB: %s: holding the message until its BIRTH arrives (unknown.birth=hold): %w", topic, connector.ErrDeferred)
			}
			why += " (" + reason + ")"
		}
		if node != nil && known && node.released != nil {
			if _, held := node.released[id]; held && id != 0 {
				// Released from a hold: decoded after its BIRTH (and maybe after later DATA),
				// so its seq says nothing about the node's sequence.
				delete(node.released, id)
				if len(node.released) == 0 {
					node.released = nil
				}
				*headers = append(*headers, connector.Header{Key: "sparkplug.birth.held", Schema: connector.BooleanSchema, Value: true})
				if missing := resolveSpbAliases(p, dev, node.aliases); missing != nil {
					askRebirth()
					return t.unknown(topic, fmt.Sprintf("alias %d is not in its BIRTH", *missing), p, headers)
				}
				return nil
			}
		}
		gap := false
		if node != nil {
			gap = checkSeq()
		}
		if !known {
			askRebirth()
			return t.unknown(topic, why, p, headers)
		}
		if missing := resolveSpbAliases(p, dev, node.aliases); missing != nil {
			askRebirth()
			return t.unknown(topic, fmt.Sprintf("alias %d is not in its BIRTH", *missing), p, headers)
		}
		if gap {
			askRebirth()
		}
		return nil
	case "NCMD", "DCMD":
		if node != nil {
			resolveSpbAliases(p, node.devices[tp.device], node.aliases)
		}
	}
	return nil
}

// hold decides, with unknown.birth=hold, whether the DATA message id waiting for the BIRTH of
// holdKey (an edge node, or a device) is deferred (t.mu held): yes while the first message
// held for holdKey was held less than unknown.birth.hold.ms ago and, for a message not held
// yet, fewer than unknown.birth.hold.max.messages are. first reports that no message was held
// for holdKey before; reason says why a message is not deferred.
func (t *sparkplugB) hold(holdKey string, id uint64) (deferred, first bool, reason string) {
	now := t.now()
	h := t.holds[holdKey]
	if h == nil {
		h = &spbHold{since: now, ids: map[uint64]struct{}{}}
		t.holds[holdKey] = h
		first = true
	}
	if now.Sub(h.since) >= t.holdFor {
		h.ids = nil // expired: everything fails until the BIRTH
		return false, first, fmt.Sprintf("not within unknown.birth.hold.ms=%d of the first message held for it, at %s", t.holdFor.Milliseconds(), h.since.UTC().Format(time.RFC3339Nano))
	}
	if _, ok := h.ids[id]; ok {
		return true, first, ""
	}
	if len(h.ids) >= t.holdMax {
		return false, first, fmt.Sprintf("unknown.birth.hold.max.messages=%d messages are already held for it", t.holdMax)
	}
	h.ids[id] = struct{}{}
	return true, first, ""
}

// release ends the hold of holdKey (its BIRTH arrived): the messages it held are node's to
// decode without a seq check (t.mu held).
func (t *sparkplugB) release(holdKey string, node *spbNode) {
	h := t.holds[holdKey]
	if h == nil {
		return
	}
	delete(t.holds, holdKey)
	for id := range h.ids {
		if node.released == nil {
			node.released = map[uint64]struct{}{}
		}
		node.released[id] = struct{}{}
	}
}

func (t *sparkplugB) unknown(topic, why string, p *spbPayload, headers *[]connector.Header) error {
	if t.unknownBirth != "passthrough" {
		return connector.DataErrorf("SparkplugB: %s: cannot resolve the metrics: %s (unknown.birth=%s)", topic, why, t.unknownBirth)
	}
	*headers = append(*headers, connector.Header{Key: "sparkplug.birth.unknown", Schema: connector.BooleanSchema, Value: true})
	return nil
}

// resolveSpbAliases fills in the names and datatypes of metrics that carry only an alias; it
// returns an alias found in neither map (the metrics are resolved as far as possible).
func resolveSpbAliases(p *spbPayload, first, second map[uint64]spbAlias) *uint64 {
	var missing *uint64
	for i := range p.metrics {
		m := &p.metrics[i]
		if m.alias == nil || (m.name != nil && m.datatype != nil) {
			continue
		}
		a, ok := first[*m.alias]
		if !ok {
			a, ok = second[*m.alias]
		}
		if !ok {
			if m.name == nil && missing == nil {
				missing = m.alias
			}
			continue
		}
		if m.name == nil {
			n := a.name
			m.name = &n
		}
		if m.datatype == nil {
			d := a.datatype
			m.datatype = &d
		}
	}
	return missing
}

// spbPayload is a decoded Payload; optional fields are nil when absent.
type spbPayload struct {
	timestamp *uint64
	metrics   []spbMetric
	seq       *uint64
	uuid      *string
	body      []byte
}

type spbMetric struct {
	name                          *string
	alias                         *uint64
	timestamp                     *uint64
	datatype                      *uint32
	historical, transient, isNull bool
	// value: the oneof field number set (0: none) and its raw content
	valueField protowire.Number
	varint     uint64
	fixed      uint64
	bytes      []byte
}

func (m *spbMetric) datatypeOr0() uint32 {
	if m.datatype == nil {
		return spbUnknown
	}
	return *m.datatype
}

// uintValue returns an integer value (int_value or long_value).
func (m *spbMetric) uintValue() (uint64, bool) {
	if m.valueField == 10 || m.valueField == 11 {
		return m.varint, true
	}
	return 0, false
}

// spbField is one field of a protobuf message as spbFields reads it: its number, wire type
// and value (u for varint, fixed32 and fixed64; b, aliasing the input, for bytes).
type spbField struct {
	num protowire.Number
	typ protowire.Type
	u   uint64
	b   []byte
}

// spbWire lists, by field number, the wire types a message's decoded fields may have (a bit
// per protowire.Type: spbV, spbF32, spbF64, spbB); a field it does not list is skipped.
type spbWire []uint8

const (
	spbV   = 1 << protowire.VarintType
	spbF32 = 1 << protowire.Fixed32Type
	spbF64 = 1 << protowire.Fixed64Type
	spbB   = 1 << protowire.BytesType
)

// spbFields walks the fields of the message b, calling fn with each field that wire lists
// and skipping the others (unknown fields, extensions, groups). A listed field of another
// wire type is an error (before its value is read); malformed input is a protowire.ParseError.
func spbFields(b []byte, wire spbWire, fn func(f spbField) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if int(num) >= len(wire) || wire[num] == 0 {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
			continue
		}
		if wire[num]&(1<<typ) == 0 {
			return fmt.Errorf("field %d has wire type %d", num, typ)
		}
		f := spbField{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.u, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			f.u = uint64(x)
		case protowire.Fixed64Type:
			f.u, n = protowire.ConsumeFixed64(b)
		default:
			f.b, n = protowire.ConsumeBytes(b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// The fields decoded of Payload and Metric (see the doc comment of sparkplugB).
var (
	spbPayloadWire = spbWire{1: spbV, 2: spbB, 3: spbV, 4: spbB, 5: spbB}
	spbMetricWire  = spbWire{1: spbB, 2: spbV, 3: spbV, 4: spbV, 5: spbV, 6: spbV, 7: spbV, 8: spbB, 9: spbB,
		10: spbV, 11: spbV, 12: spbF32, 13: spbF64, 14: spbV, 15: spbB, 16: spbB, 17: spbB, 18: spbB, 19: spbB}
)

// decodeSpbPayload decodes a Payload; an empty payload is an empty Payload.
func decodeSpbPayload(b []byte) (*spbPayload, error) {
	p := &spbPayload{}
	err := spbFields(b, spbPayloadWire, func(f spbField) error {
		switch f.num {
		case 1:
			p.timestamp = &f.u
		case 2:
			m, err := decodeSpbMetric(f.b)
			if err != nil {
				return fmt.Errorf("metric %d: %w", len(p.metrics), err)
			}
			p.metrics = append(p.metrics, m)
		case 3:
			p.seq = &f.u
		case 4:
			s := string(f.b)
			p.uuid = &s
		case 5:
			p.body = f.b
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func decodeSpbMetric(b []byte) (spbMetric, error) {
	var m spbMetric
	err := spbFields(b, spbMetricWire, func(f spbField) error {
		switch f.num {
		case 1:
			s := string(f.b)
			m.name = &s
		case 2:
			m.alias = &f.u
		case 3:
			m.timestamp = &f.u
		case 4:
			d := uint32(f.u)
			m.datatype = &d
		case 5:
			m.historical = f.u != 0
		case 6:
			m.transient = f.u != 0
		case 7:
			m.isNull = f.u != 0
		case 8, 9: // metadata, properties: not decoded
		default: // the value oneof: the last one set wins
			m.valueField, m.varint, m.fixed, m.bytes = f.num, 0, 0, nil
			switch f.typ {
			case protowire.VarintType:
				m.varint = f.u
			case protowire.BytesType:
				m.bytes = f.b
			default:
				m.fixed = f.u
			}
		}
		return nil
	})
	return m, err
}

// spbMetricStruct builds the Metric struct, taking the value by the metric's datatype.
func spbMetricStruct(m *spbMetric) (*connector.Struct, error) {
	st, _ := connector.NewStruct(spbMetricSchema)
	var vals []any
	set := func(k string, v any) { vals = append(vals, k, v) }
	if m.name != nil {
		set("name", *m.name)
	}
	if m.alias != nil {
		if *m.alias > math.MaxInt64 {
			return nil, fmt.Errorf("alias %d is out of range", *m.alias)
		}
		set("alias", int64(*m.alias))
	}
	if m.timestamp != nil {
		set("timestamp", time.UnixMilli(int64(*m.timestamp)).UTC())
	}
	dt := m.datatypeOr0()
	if m.datatype != nil {
		set("datatype", spbTypeName(dt))
	}
	set("is_historical", m.historical)
	set("is_transient", m.transient)
	set("is_null", m.isNull)
	if !m.isNull && m.valueField != 0 {
		name := "?"
		if m.name != nil {
			name = *m.name
		}
		wrong := func() error {
			return fmt.Errorf("metric %q of type %s has its value in field %d", name, spbTypeName(dt), m.valueField)
		}
		intField := m.valueField == 10 || m.valueField == 11
		switch dt {
		case spbInt8, spbInt16, spbInt32, spbUInt8, spbUInt16:
			if !intField {
				return nil, wrong()
			}
			var x int32
			switch dt {
			case spbInt8:
				x = int32(int8(m.varint))
			case spbInt16:
				x = int32(int16(m.varint))
			case spbInt32:
				x = int32(m.varint)
			case spbUInt8:
				x = int32(uint8(m.varint))
			default:
				x = int32(uint16(m.varint))
			}
			set("int_value", x)
		case spbUInt32:
			if !intField {
				return nil, wrong()
			}
			set("long_value", int64(uint32(m.varint)))
		case spbInt64, spbDateTime:
			if !intField {
				return nil, wrong()
			}
			set("long_value", int64(m.varint))
		case spbUInt64:
			if !intField {
				return nil, wrong()
			}
			if m.varint > math.MaxInt64 {
				return nil, fmt.Errorf("metric %q: the UInt64 value %d does not fit in an INT64", name, m.varint)
			}
			set("long_value", int64(m.varint))
		case spbFloat:
			if m.valueField != 12 {
				return nil, wrong()
			}
			set("float_value", math.Float32frombits(uint32(m.fixed)))
		case spbDouble:
			if m.valueField != 13 {
				return nil, wrong()
			}
			set("double_value", math.Float64frombits(m.fixed))
		case spbBoolean:
			if m.valueField != 14 {
				return nil, wrong()
			}
			set("boolean_value", m.varint != 0)
		case spbString, spbText, spbUUID:
			if m.valueField != 15 {
				return nil, wrong()
			}
			set("string_value", string(m.bytes))
		case spbBytes, spbFile:
			if m.valueField != 16 {
				return nil, wrong()
			}
			set("bytes_value", append([]byte(nil), m.bytes...))
		case spbDataSet, spbTemplate:
			if want := protowire.Number(17); (dt == spbTemplate && m.valueField != want+1) || (dt == spbDataSet && m.valueField != want) {
				return nil, wrong()
			}
			cs, err := m.complexStruct()
			if err != nil {
				return nil, fmt.Errorf("metric %q: %w", name, err)
			}
			if dt == spbDataSet {
				set("dataset_value", cs)
			} else {
				set("template_value", cs)
			}
		case spbUnknown:
			// No datatype (a DATA alias whose BIRTH is unknown, with passthrough): by the wire field.
			switch m.valueField {
			case 17, 18:
				cs, err := m.complexStruct()
				if err != nil {
					return nil, fmt.Errorf("metric %q: %w", name, err)
				}
				if m.valueField == 17 {
					set("dataset_value", cs)
				} else {
					set("template_value", cs)
				}
			case 10, 11:
				set("long_value", int64(m.varint))
			case 12:
				set("float_value", math.Float32frombits(uint32(m.fixed)))
			case 13:
				set("double_value", math.Float64frombits(m.fixed))
			case 14:
				set("boolean_value", m.varint != 0)
			case 15:
				set("string_value", string(m.bytes))
			case 16:
				set("bytes_value", append([]byte(nil), m.bytes...))
			}
		default:
			if spbIsArray(dt) {
				if m.valueField != 16 {
					return nil, wrong()
				}
				set("bytes_value", append([]byte(nil), m.bytes...))
			}
		}
	}
	for i := 0; i < len(vals); i += 2 {
		if err := st.Put(vals[i].(string), vals[i+1]); err != nil {
			return nil, err
		}
	}
	return st, nil
}
