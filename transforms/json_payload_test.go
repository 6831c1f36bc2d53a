package transforms

import (
	"reflect"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

const jsonPayloadValue = "io.tributary.transforms.JsonPayload$Value"

func TestJsonPayloadStruct(t *testing.T) {
	tr := mustTransform(t, jsonPayloadValue, connector.Config{"schema.name": "com.example.Reading"})
	in := mqttRecord("factory/line-4/press-7/telemetry",
		`{"device":"press-7","ts":1700000000123,"temp":21.5,"ok":true,"note":null,"loc":{"lat":52.1,"lon":4},`+
			`"readings":[1,2.5,3],"tags":["a","b"],"events":[{"code":1},{"code":2,"msg":"hot"},null],"empty":[],"n":-0,"big":12345678901234567890}`)
	out, err := tr.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := in.Value.([]byte); !ok || in.ValueSchema != connector.BytesSchema {
		t.Error("the input record changed")
	}
	loc := connector.StructBuilder().Field("lat", connector.Float64Schema).Field("lon", connector.Int64Schema).MustBuild()
	event := connector.StructBuilder().Field("code", connector.Int64Schema).Field("msg", connector.OptionalStringSchema).Optional().MustBuild()
	want := connector.StructBuilder().SetName("com.example.Reading").
		Field("device", connector.StringSchema).
		Field("ts", connector.Int64Schema).
		Field("temp", connector.Float64Schema).
		Field("ok", connector.BooleanSchema).
		Field("note", connector.OptionalStringSchema).
		Field("loc", loc).
		Field("readings", connector.ArrayBuilder(connector.Float64Schema).MustBuild()).
		Field("tags", connector.ArrayBuilder(connector.StringSchema).MustBuild()).
		Field("events", connector.ArrayBuilder(event).MustBuild()).
		Field("empty", connector.ArrayBuilder(connector.OptionalStringSchema).MustBuild()).
		Field("n", connector.Int64Schema).
		Field("big", connector.Float64Schema).
		MustBuild()
	if !out.ValueSchema.Equal(want) {
		t.Fatalf("schema\n got %+v\nwant %+v", out.ValueSchema, want)
	}
	st := out.Value.(*connector.Struct)
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	get := func(s *connector.Struct, f string) any { v, _ := s.Get(f); return v }
	if get(st, "device") != "press-7" || get(st, "ts") != int64(1700000000123) || get(st, "temp") != 21.5 || get(st, "ok") != true ||
		get(st, "note") != nil || get(st, "n") != int64(0) || get(st, "big") != 1.2345678901234567e19 {
		t.Errorf("value %v", st)
	}
	if l := get(st, "loc").(*connector.Struct); get(l, "lat") != 52.1 || get(l, "lon") != int64(4) {
		t.Errorf("loc %v", l)
	}
	if !reflect.DeepEqual(get(st, "readings"), []any{1.0, 2.5, 3.0}) || !reflect.DeepEqual(get(st, "tags"), []any{"a", "b"}) ||
		!reflect.DeepEqual(get(st, "empty"), []any{}) {
		t.Errorf("arrays %v", st)
	}
	events := get(st, "events").([]any)
	if len(events) != 3 || events[2] != nil || get(events[0].(*connector.Struct), "msg") != nil || get(events[1].(*connector.Struct), "msg") != "hot" {
		t.Errorf("events %v", events)
	}
	// Everything else is kept.
	if out.Key != in.Key || out.Topic != in.Topic || len(out.Headers) != 2 || out.Timestamp != in.Timestamp || out.SourceOffset["messages"] != int64(41) {
		t.Errorf("record %+v", out)
	}
}

func TestJsonPayloadScalarsAndEdges(t *testing.T) {
	for _, c := range []struct {
		cfg     connector.Config
		payload any
		schema  *connector.Schema
		value   any
	}{
		{nil, `42`, connector.Int64Schema, int64(42)},
		{nil, `4.20e1`, connector.Float64Schema, 42.0},
		{nil, ` "on" `, connector.StringSchema, "on"},
		{nil, `false`, connector.BooleanSchema, false},
		{nil, `[1, null, 3]`, connector.ArrayBuilder(connector.OptionalInt64Schema).MustBuild(), []any{int64(1), nil, int64(3)}},
		{nil, `[[1], [2.5], []]`, connector.ArrayBuilder(connector.ArrayBuilder(connector.Float64Schema).MustBuild()).MustBuild(), []any{[]any{1.0}, []any{2.5}, []any{}}},
		{nil, `null`, nil, nil},
		{nil, ``, nil, nil},
		{nil, []byte(`{"a":1,"a":2,"b":3}`), connector.StructBuilder().Field("a", connector.Int64Schema).Field("b", connector.Int64Schema).MustBuild(), nil},
		{connector.Config{"mixed.arrays": "string"}, `{"v":[1,"a",{"x":[true]}],"w":[1,2]}`,
			connector.StructBuilder().Field("v", connector.StringSchema).Field("w", connector.ArrayBuilder(connector.Int64Schema).MustBuild()).MustBuild(), nil},
		{connector.Config{"mixed.arrays": "string"}, `[1, "a"]`, connector.StringSchema, `[1,"a"]`},
		{connector.Config{"schemas.enable": "false"}, `{"a":{"b":[1,2.5,"x",null]},"c":null}`, nil,
			map[string]any{"a": map[string]any{"b": []any{int64(1), 2.5, "x", nil}}, "c": nil}},
		{connector.Config{"schemas.enable": "false"}, `7`, nil, int64(7)},
		{connector.Config{"schemas.enable": "false", "schema.name": "ignored"}, `[]`, nil, []any{}},
	} {
		tr := mustTransform(t, jsonPayloadValue, c.cfg)
		out, err := tr.Apply(&connector.Record{Topic: "t", ValueSchema: connector.BytesSchema, Value: c.payload})
		if err != nil {
			t.Errorf("%v %v: %v", c.cfg, c.payload, err)
			continue
		}
		if !out.ValueSchema.Equal(c.schema) {
			t.Errorf("%v %v: schema %+v, want %+v", c.cfg, c.payload, out.ValueSchema, c.schema)
			continue
		}
		if c.value != nil && !reflect.DeepEqual(out.Value, c.value) {
			t.Errorf("%v %v: value %#v, want %#v", c.cfg, c.payload, out.Value, c.value)
		}
		if st, ok := out.Value.(*connector.Struct); ok {
			if err := st.Validate(); err != nil {
				t.Error(err)
			}
			if c.payload == `{"v":[1,"a",{"x":[true]}],"w":[1,2]}` {
				if v, _ := st.Get("v"); v != `[1,"a",{"x":[true]}]` {
					t.Errorf("mixed array kept as %q", v)
				}
			} else if a, _ := st.Get("a"); a != int64(2) {
				t.Errorf("a repeated member keeps its last value: %v", a)
			}
		}
	}
}

func TestJsonPayloadKeyAndTombstones(t *testing.T) {
	tr := mustTransform(t, "io.tributary.transforms.JsonPayload$Key", connector.Config{})
	in := &connector.Record{Topic: "t", KeySchema: connector.OptionalStringSchema, Key: `{"id":7}`, ValueSchema: connector.BytesSchema, Value: []byte("raw")}
	out, err := tr.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := out.Key.(*connector.Struct).Get("id"); id != int64(7) || string(out.Value.([]byte)) != "raw" || out.ValueSchema != connector.BytesSchema {
		t.Errorf("got %+v", out)
	}
	// A null key or value passes unchanged.
	tomb := &connector.Record{Topic: "t", Key: "k"}
	if out, err := mustTransform(t, jsonPayloadValue, nil).Apply(tomb); out != tomb || err != nil {
		t.Errorf("tombstone: %v %v", out, err)
	}
}

func TestJsonPayloadErrors(t *testing.T) {
	tr := mustTransform(t, jsonPayloadValue, connector.Config{})
	for payload, msg := range map[any]string{
		`{"a":`:                "JsonPayload: the record value is not valid JSON: unexpected EOF",
		`{"a":1} x`:            "JsonPayload: the record value is not valid JSON: invalid character 'x' looking for beginning of value",
		`{"a":1}{}`:            "JsonPayload: the record value is not valid JSON: unexpected data after the top-level value",
		`nope`:                 "JsonPayload: the record value is not valid JSON: invalid character 'o' in literal null (expecting 'u')",
		`{"a":[1,"x"]}`:        "JsonPayload: the array at $.a mixes elements of types INT64 and STRING (set mixed.arrays=string to keep such arrays as JSON text)",
		`[{"a":1},{"a":true}]`: "JsonPayload: the array at $ mixes elements of types STRUCT and STRUCT (set mixed.arrays=string to keep such arrays as JSON text)",
		`{"x":1e999}`:          "JsonPayload: the number 1e999 is out of the range of a 64-bit float",
		int64(5):               "JsonPayload: the record value must be bytes or a string, found: java.lang.Long",
	} {
		_, err := tr.Apply(&connector.Record{Value: payload})
		wantDataError(t, err, msg)
	}
	_, err := newTransform(t, jsonPayloadValue, connector.Config{"mixed.arrays": "drop"})
	wantConfigError(t, err, "Invalid value drop for configuration mixed.arrays: String must be one of: fail, string")
	_, err = newTransform(t, jsonPayloadValue, connector.Config{"schemas.enable": "yes"})
	wantConfigError(t, err, "Invalid value yes for configuration schemas.enable: Expected value to be either true or false")
}
