package transforms

import (
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

const routeByFieldValue = "io.tributary.transforms.RouteByField$Value"

func TestRouteByField(t *testing.T) {
	parse := mustTransform(t, jsonPayloadValue, connector.Config{})
	for _, c := range []struct {
		cfg     connector.Config
		payload string
		want    string
	}{
		{connector.Config{"field": "type", "topic.format": "telemetry.${field}"}, `{"type":"temperature"}`, "telemetry.temperature"},
		{connector.Config{"field": "type"}, `{"type":"a/b c#ü"}`, "a.b_c___"},
		{connector.Config{"field": "meta.site", "topic.format": "${topic}-${field}"}, `{"meta":{"site":"s1"}}`, "mqtt-s1"},
		{connector.Config{"field": "n", "topic.format": "n${field}"}, `{"n":7}`, "n7"},
		{connector.Config{"field": "f", "topic.format": "f${field}"}, `{"f":21.5}`, "f21.5"},
		{connector.Config{"field": "f", "topic.format": "f${field}"}, `{"f":2}`, "f2"},
		{connector.Config{"field": "b", "topic.format": "b-${field}"}, `{"b":true}`, "b-true"},
		{connector.Config{"field": "missing", "fallback.topic": "unrouted"}, `{"type":"x"}`, "unrouted"},
		{connector.Config{"field": "type", "fallback.topic": "unrouted"}, `{"type":null}`, "unrouted"},
		{connector.Config{"field": "type", "fallback.topic": "unrouted"}, `{"type":{"a":1}}`, "unrouted"},
		{connector.Config{"field": "type", "fallback.topic": "unrouted"}, `{"type":".."}`, "unrouted"},
		{connector.Config{"field": "type", "fallback.topic": "un/routed"}, `{"type":""}`, "un.routed"},
		{connector.Config{"field": "missing"}, `{"type":"x"}`, "mqtt"},
		{connector.Config{"field": "type.deep", "fallback.topic": "f"}, `{"type":"x"}`, "f"},
	} {
		in, err := parse.Apply(mqttRecord("a/b", c.payload))
		if err != nil {
			t.Fatal(err)
		}
		out, err := mustTransform(t, routeByFieldValue, c.cfg).Apply(in)
		if err != nil {
			t.Fatal(err)
		}
		if out.Topic != c.want {
			t.Errorf("%v on %s: got %q, want %q", c.cfg, c.payload, out.Topic, c.want)
		}
		if in.Topic != "mqtt" || out.Value != in.Value || len(out.Headers) != 2 {
			t.Errorf("record: %+v", out)
		}
	}

	// Schemaless maps, raw bytes, tombstones and the key side.
	tr := mustTransform(t, routeByFieldValue, connector.Config{"field": "site", "fallback.topic": "fb"})
	for _, c := range []struct {
		r    *connector.Record
		want string
	}{
		{&connector.Record{Topic: "t", Value: map[string]any{"site": "s2"}}, "s2"},
		{&connector.Record{Topic: "t", Value: []byte(`{"site":"s2"}`)}, "fb"},
		{&connector.Record{Topic: "t"}, "fb"},
	} {
		if out, _ := tr.Apply(c.r); out.Topic != c.want {
			t.Errorf("%+v: got %q", c.r, out.Topic)
		}
	}
	tr = mustTransform(t, "io.tributary.transforms.RouteByField$Key", connector.Config{"field": "site"})
	if out, _ := tr.Apply(&connector.Record{Topic: "t", Key: map[string]any{"site": "k1"}, Value: map[string]any{"site": "v1"}}); out.Topic != "k1" {
		t.Errorf("key side: %q", out.Topic)
	}
	// Long names are cut at 249 characters.
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'x'
	}
	tr = mustTransform(t, routeByFieldValue, connector.Config{"field": "site"})
	if out, _ := tr.Apply(&connector.Record{Value: map[string]any{"site": string(long)}}); len(out.Topic) != 249 {
		t.Errorf("length %d", len(out.Topic))
	}

	_, err := newTransform(t, routeByFieldValue, connector.Config{})
	wantConfigError(t, err, `Missing required configuration "field" which has no default value.`)
	_, err = newTransform(t, routeByFieldValue, connector.Config{"field": ""})
	wantConfigError(t, err, "Invalid value  for configuration field: String must be non-empty")
}

// A realistic chain: raw MQTT JSON → parsed → topic levels added → routed by a field,
// with RegexRouter and a predicate on the way.
func TestIoTChain(t *testing.T) {
	chain := []connector.Transformation{
		mustTransform(t, jsonPayloadValue, connector.Config{"schema.name": "io.example.Reading"}),
		mustTransform(t, mqttTopicSegmentsClass, connector.Config{"segments": "site:2,device:3", "target": "both"}),
		mustTransform(t, routeByFieldValue, connector.Config{"field": "kind", "topic.format": "telemetry.${field}", "fallback.topic": "telemetry.unknown"}),
		mustTransform(t, javaPackage+"RegexRouter", connector.Config{"regex": `telemetry\.(.*)`, "replacement": "iot-$1"}),
		mustTransform(t, javaPackage+"DropHeaders", connector.Config{"headers": "mqtt.qos"}),
	}
	isRetained, _ := newPredicate(t, javaPredicatePackage+"HasHeaderKey", connector.Config{"name": "mqtt.retained"})
	drop := mustTransform(t, javaPackage+"Filter", nil)

	run := func(r *connector.Record) *connector.Record {
		for _, tr := range chain {
			var err error
			if r, err = tr.Apply(r); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := isRetained.Test(r); ok {
			r, _ = drop.Apply(r)
		}
		return r
	}
	out := run(mqttRecord("sensors/plant-1/press-7", `{"kind":"temperature","value":21.5}`))
	if out.Topic != "iot-temperature" {
		t.Errorf("topic %q", out.Topic)
	}
	st := out.Value.(*connector.Struct)
	if site, _ := st.Get("site"); site != "plant-1" || out.ValueSchema.Name != "io.example.Reading" {
		t.Errorf("value %v", st)
	}
	var keys []string
	for _, h := range out.Headers {
		keys = append(keys, h.Key)
	}
	if len(keys) != 3 || keys[0] != "mqtt.topic" || keys[1] != "site" || keys[2] != "device" {
		t.Errorf("headers %v", keys)
	}
	if out := run(mqttRecord("sensors/plant-1/press-7", `{"value":1}`)); out.Topic != "iot-unknown" {
		t.Errorf("fallback %q", out.Topic)
	}
	retained := mqttRecord("sensors/plant-1/press-7", `{"kind":"t"}`)
	retained.Headers.Add("mqtt.retained", connector.BooleanSchema, true)
	if out := run(retained); out != nil {
		t.Errorf("retained record not filtered: %+v", out)
	}
}
