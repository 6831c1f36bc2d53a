package transforms

import (
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// Benchmarks of the SMTs and predicates, one representative configuration per family (on a
// Struct value and on a schemaless map where the SMT handles both), and of a five-transform
// chain on an MQTT record, as the source task runs it. Run them with `make bench` or
//
//	go test -run '^$' -bench . -benchmem ./transforms/
//
// The input records are built once; an SMT never modifies its input record, so every
// iteration applies the transform to the same record (with the SMT's schema caches warm, as
// in a running task).

// benchPayload is a telemetry message as an MQTT device publishes it.
const benchPayload = `{"device":"press-7","ts":1764100000000,"temp":21.5,"pressure":"1013",` +
	`"owner":"alice@example.com","status":"ok","meta":{"site":"factory","line":4}}`

const benchMQTTTopic = "factory/line-4/press-7/telemetry"

// benchRawRecord is the record the MQTT connector makes of benchPayload: the payload bytes as
// value, the MQTT topic as key, the mqtt.* headers.
func benchRawRecord() *connector.Record {
	r := &connector.Record{
		SourcePartition: map[string]any{"client.id": "bench-0"},
		SourceOffset:    map[string]any{"messages": int64(42), "tasks": int64(1)},
		Topic:           "iot.telemetry",
		KeySchema:       connector.OptionalStringSchema, Key: benchMQTTTopic,
		ValueSchema: connector.BytesSchema, Value: []byte(benchPayload),
		Timestamp: time.UnixMilli(1764100000123).UTC(),
	}
	r.Headers.Add("mqtt.topic", connector.StringSchema, benchMQTTTopic)
	r.Headers.Add("mqtt.qos", connector.Int32Schema, int32(1))
	r.Headers.Add("mqtt.retained", connector.BooleanSchema, false)
	r.Headers.Add("mqtt.duplicate", connector.BooleanSchema, false)
	r.Headers.Add("mqtt.message.id", connector.Int32Schema, int32(7))
	return r
}

// benchNew configures an SMT by class name.
func benchNew(b *testing.B, class string, kv ...string) connector.Transformation {
	b.Helper()
	newFn, ok := transformations[class]
	if !ok {
		b.Fatalf("no transformation %s", class)
	}
	t := newFn()
	if err := t.Configure(benchCfg(kv...)); err != nil {
		b.Fatalf("configuring %s: %v", class, err)
	}
	return t
}

func benchCfg(kv ...string) connector.Config {
	cfg := connector.Config{}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg[kv[i]] = kv[i+1]
	}
	return cfg
}

// benchParsed returns benchRawRecord parsed by JsonPayload$Value: a Struct value (schemas
// true) or a schemaless map (false).
func benchParsed(b *testing.B, schemas bool) *connector.Record {
	b.Helper()
	enable := "false"
	if schemas {
		enable = "true"
	}
	r, err := benchNew(b, "io.tributary.transforms.JsonPayload$Value", "schemas.enable", enable,
		"schema.name", "com.example.Telemetry").Apply(benchRawRecord())
	if err != nil {
		b.Fatal(err)
	}
	return r
}

var benchSink *connector.Record

// benchApply measures t.Apply(in) after checking that it succeeds (and keeps the record,
// unless dropping is expected).
func benchApply(b *testing.B, t connector.Transformation, in *connector.Record, drops bool) {
	b.Helper()
	out, err := t.Apply(in)
	if err != nil {
		b.Fatalf("Apply: %v", err)
	}
	if (out == nil) != drops {
		b.Fatalf("Apply returned %v, want dropped=%v", out, drops)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		benchSink, _ = t.Apply(in)
	}
}

// benchSMT is one benchmark case: an SMT class and config, on the raw, Struct or map record.
type benchSMT struct {
	name  string
	class string
	cfg   []string
	input string // "raw", "struct", "map"
	drops bool
}

func BenchmarkSMT(b *testing.B) {
	const kafkaPkg = javaPackage
	structAndMap := func(name, class string, cfg ...string) []benchSMT {
		return []benchSMT{
			{name: name + "/struct", class: class, cfg: cfg, input: "struct"},
			{name: name + "/schemaless", class: class, cfg: cfg, input: "map"},
		}
	}
	var cases []benchSMT
	cases = append(cases,
		benchSMT{name: "JsonPayload/struct", class: "io.tributary.transforms.JsonPayload$Value", cfg: []string{"schema.name", "com.example.Telemetry"}, input: "raw"},
		benchSMT{name: "JsonPayload/schemaless", class: "io.tributary.transforms.JsonPayload$Value", cfg: []string{"schemas.enable", "false"}, input: "raw"},
	)
	cases = append(cases, structAndMap("InsertField", kafkaPkg+"InsertField$Value",
		"topic.field", "kafka_topic", "timestamp.field", "ingested", "static.field", "source", "static.value", "tributary")...)
	cases = append(cases, structAndMap("ReplaceField", kafkaPkg+"ReplaceField$Value", "exclude", "owner", "renames", "temp:temperature")...)
	cases = append(cases, structAndMap("MaskField", kafkaPkg+"MaskField$Value", "fields", "owner,temp")...)
	cases = append(cases, structAndMap("Cast", kafkaPkg+"Cast$Value", "spec", "pressure:int32,temp:float32")...)
	cases = append(cases, structAndMap("ExtractField", kafkaPkg+"ExtractField$Value", "field", "meta")...)
	cases = append(cases, structAndMap("HoistField", kafkaPkg+"HoistField$Value", "field", "reading")...)
	cases = append(cases, structAndMap("Flatten", kafkaPkg+"Flatten$Value", "delimiter", "_")...)
	cases = append(cases, structAndMap("ValueToKey", kafkaPkg+"ValueToKey", "fields", "device")...)
	cases = append(cases, structAndMap("HeaderFrom", kafkaPkg+"HeaderFrom$Value", "fields", "device", "headers", "device", "operation", "copy")...)
	cases = append(cases, structAndMap("TimestampConverter", kafkaPkg+"TimestampConverter$Value",
		"field", "ts", "target.type", "string", "format", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")...)
	cases = append(cases, structAndMap("MqttTopicSegments", "io.tributary.transforms.MqttTopicSegments", "segments", "site:1,line:2,machine:3")...)
	cases = append(cases, structAndMap("RouteByField", "io.tributary.transforms.RouteByField$Value", "field", "meta.site", "topic.format", "telemetry.${field}")...)
	cases = append(cases,
		benchSMT{name: "SetSchemaMetadata/struct", class: kafkaPkg + "SetSchemaMetadata$Value", cfg: []string{"schema.name", "com.example.TelemetryV2", "schema.version", "2"}, input: "struct"},
		benchSMT{name: "MqttTopicSegments/headers", class: "io.tributary.transforms.MqttTopicSegments", cfg: []string{"segments", "site:1,device:-2", "target", "headers"}, input: "raw"},
		benchSMT{name: "InsertHeader", class: kafkaPkg + "InsertHeader", cfg: []string{"header", "pipeline", "value.literal", "tributary"}, input: "raw"},
		benchSMT{name: "DropHeaders", class: kafkaPkg + "DropHeaders", cfg: []string{"headers", "mqtt.duplicate,mqtt.message.id"}, input: "raw"},
		benchSMT{name: "RegexRouter", class: kafkaPkg + "RegexRouter", cfg: []string{"regex", `iot\.(.*)`, "replacement", "mqtt.$1"}, input: "raw"},
		benchSMT{name: "TimestampRouter", class: kafkaPkg + "TimestampRouter", cfg: []string{"topic.format", "${topic}-${timestamp}", "timestamp.format", "yyyyMMdd"}, input: "raw"},
		benchSMT{name: "Filter", class: kafkaPkg + "Filter", input: "raw", drops: true},
	)

	raw, st, m := benchRawRecord(), benchParsed(b, true), benchParsed(b, false)
	if _, ok := st.Value.(*connector.Struct); !ok {
		b.Fatalf("parsed value %T, want a Struct", st.Value)
	}
	if _, ok := m.Value.(map[string]any); !ok {
		b.Fatalf("parsed value %T, want a map", m.Value)
	}
	inputs := map[string]*connector.Record{"raw": raw, "struct": st, "map": m}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			benchApply(b, benchNew(b, c.class, c.cfg...), inputs[c.input], c.drops)
		})
	}
}

var benchPredicateSink bool

func BenchmarkPredicate(b *testing.B) {
	for _, c := range []struct {
		name, class string
		cfg         []string
	}{
		{"TopicNameMatches", javaPredicatePackage + "TopicNameMatches", []string{"pattern", `iot\..*`}},
		{"HasHeaderKey", javaPredicatePackage + "HasHeaderKey", []string{"name", "mqtt.topic"}},
		{"RecordIsTombstone", javaPredicatePackage + "RecordIsTombstone", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := predicates[c.class]()
			if err := p.Configure(benchCfg(c.cfg...)); err != nil {
				b.Fatal(err)
			}
			r := benchRawRecord()
			if _, err := p.Test(r); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				benchPredicateSink, _ = p.Test(r)
			}
		})
	}
}

// BenchmarkChain applies five SMTs in sequence to the raw MQTT record, as a connector with
// transforms=parse,stamp,cast,mask,route does: JsonPayload$Value → InsertField$Value (topic
// and ingestion time) → Cast$Value (pressure string → int32, temp → float32) → MaskField$Value
// (owner) → RegexRouter (iot.telemetry → mqtt.telemetry). The result is checked once.
func BenchmarkChain(b *testing.B) {
	for _, schemas := range []string{"true", "false"} {
		name := "struct"
		if schemas == "false" {
			name = "schemaless"
		}
		b.Run(name, func(b *testing.B) {
			chain := []connector.Transformation{
				benchNew(b, "io.tributary.transforms.JsonPayload$Value", "schemas.enable", schemas, "schema.name", "com.example.Telemetry"),
				benchNew(b, javaPackage+"InsertField$Value", "topic.field", "kafka_topic", "timestamp.field", "ingested"),
				benchNew(b, javaPackage+"Cast$Value", "spec", "pressure:int32,temp:float32"),
				benchNew(b, javaPackage+"MaskField$Value", "fields", "owner"),
				benchNew(b, javaPackage+"RegexRouter", "regex", `iot\.(.*)`, "replacement", "mqtt.$1"),
			}
			apply := func(r *connector.Record) (*connector.Record, error) {
				for _, t := range chain {
					var err error
					if r, err = t.Apply(r); err != nil || r == nil {
						return r, err
					}
				}
				return r, nil
			}
			in := benchRawRecord()
			out, err := apply(in)
			if err != nil {
				b.Fatal(err)
			}
			benchCheckChain(b, out)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				benchSink, _ = apply(in)
			}
		})
	}
}

// benchCheckChain checks the chain's output: routed, pressure an int32, temp a float32, owner
// masked, kafka_topic the topic before routing.
func benchCheckChain(b *testing.B, r *connector.Record) {
	b.Helper()
	if r.Topic != "mqtt.telemetry" {
		b.Fatalf("topic %q, want mqtt.telemetry", r.Topic)
	}
	get := func(name string) any {
		switch v := r.Value.(type) {
		case *connector.Struct:
			x, err := v.Get(name)
			if err != nil {
				b.Fatal(err)
			}
			return x
		case map[string]any:
			return v[name]
		}
		b.Fatalf("value %T", r.Value)
		return nil
	}
	if v, ok := get("pressure").(int32); !ok || v != 1013 {
		b.Fatalf("pressure %#v, want int32 1013", get("pressure"))
	}
	if v, ok := get("temp").(float32); !ok || v != 21.5 {
		b.Fatalf("temp %#v, want float32 21.5", get("temp"))
	}
	if v := get("owner"); v != "" {
		b.Fatalf("owner %#v, want masked", v)
	}
	if v := get("kafka_topic"); v != "iot.telemetry" {
		b.Fatalf("kafka_topic %#v, want iot.telemetry", v)
	}
}
