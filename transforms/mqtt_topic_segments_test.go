package transforms

import (
	"reflect"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

const mqttTopicSegmentsClass = "io.tributary.transforms.MqttTopicSegments"

func TestMqttTopicSegmentsStruct(t *testing.T) {
	parse := mustTransform(t, jsonPayloadValue, connector.Config{"schema.name": "reading"})
	seg := mustTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "site:1, device:3,metric:-1,extra:9"})
	in, err := parse.Apply(mqttRecord("factory/line-4/press-7/temperature", `{"value":21.5}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := seg.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	want := connector.StructBuilder().SetName("reading").
		Field("value", connector.Float64Schema).
		Field("site", connector.OptionalStringSchema).
		Field("device", connector.OptionalStringSchema).
		Field("metric", connector.OptionalStringSchema).
		Field("extra", connector.OptionalStringSchema).MustBuild()
	if !out.ValueSchema.Equal(want) {
		t.Fatalf("schema %+v", out.ValueSchema)
	}
	st := out.Value.(*connector.Struct)
	for f, v := range map[string]any{"value": 21.5, "site": "factory", "device": "press-7", "metric": "temperature", "extra": nil} {
		if got, _ := st.Get(f); got != v {
			t.Errorf("%s = %v, want %v", f, got, v)
		}
	}
	if len(in.ValueSchema.Fields) != 1 || len(out.Headers) != 2 {
		t.Error("the input changed, or headers were added")
	}

	// A name the schema has already fails the record.
	seg = mustTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "value:1"})
	_, err = seg.Apply(in)
	wantDataError(t, err, "MqttTopicSegments: the value already has a field named value")
}

func TestMqttTopicSegmentsSchemalessAndHeaders(t *testing.T) {
	seg := mustTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "site:1,device:2,sub:5", "target": "both"})
	in := mqttRecord("plant/dev-9", "")
	in.ValueSchema, in.Value = nil, map[string]any{"v": int64(1), "site": "old"}
	out, err := seg.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"v": int64(1), "site": "plant", "device": "dev-9", "sub": nil}; !reflect.DeepEqual(out.Value, want) {
		t.Errorf("value %v", out.Value)
	}
	want := connector.Headers{in.Headers[0], in.Headers[1], {Key: "site", Schema: connector.StringSchema, Value: "plant"}, {Key: "device", Schema: connector.StringSchema, Value: "dev-9"}}
	if !reflect.DeepEqual(out.Headers, want) {
		t.Errorf("headers %v", out.Headers)
	}
	if in.Value.(map[string]any)["site"] != "old" || len(in.Headers) != 2 {
		t.Error("the input record changed")
	}

	// Headers only: the raw payload stays as it is; the key is the fallback for the topic.
	seg = mustTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "last:-1,first:1", "target": "headers", "topic.header": "x-topic"})
	raw := mqttRecord("a//c", "payload")
	out, err = seg.Apply(raw)
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Value.([]byte)) != "payload" || len(out.Headers) != 4 || out.Headers[2].Value != "c" || out.Headers[3].Value != "a" {
		t.Errorf("got %+v", out)
	}
	raw.Key = nil
	_, err = seg.Apply(raw)
	wantDataError(t, err, "MqttTopicSegments: the record has no x-topic header and its key is not a string (found: null)")

	// A tombstone passes when the target is the value.
	seg = mustTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "a:1"})
	tomb := &connector.Record{Topic: "t"}
	if out, err := seg.Apply(tomb); out != tomb || err != nil {
		t.Errorf("tombstone: %v %v", out, err)
	}
	// Raw bytes cannot take fields.
	_, err = seg.Apply(mqttRecord("a/b", "{}"))
	wantDataError(t, err, "Only Struct objects supported for [MQTT topic segment insertion], found: [B")
}

func TestMqttTopicSegmentsConfig(t *testing.T) {
	for cfg, msg := range map[string]string{
		"":        "Invalid value [] for configuration segments: Empty list",
		"site":    "Invalid value [site] for configuration segments: Each segment must be name:level, such as site:1, not 'site'",
		"site:0":  "Invalid value [site:0] for configuration segments: The level of segment 'site' must be a non-zero integer (1 is the first level, -1 the last), not '0'",
		"site:x":  "Invalid value [site:x] for configuration segments: The level of segment 'site' must be a non-zero integer (1 is the first level, -1 the last), not 'x'",
		":1":      "Invalid value [:1] for configuration segments: Each segment must be name:level, such as site:1, not ':1'",
		"a:1,a:2": "Invalid value [a:1, a:2] for configuration segments: Segment name 'a' is used twice",
	} {
		_, err := newTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": cfg})
		wantConfigError(t, err, msg)
	}
	_, err := newTransform(t, mqttTopicSegmentsClass, connector.Config{})
	wantConfigError(t, err, `Missing required configuration "segments" which has no default value.`)
	_, err = newTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "a:1", "target": "key"})
	wantConfigError(t, err, "Invalid value key for configuration target: String must be one of: value, headers, both")
}
