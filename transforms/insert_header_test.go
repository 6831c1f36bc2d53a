package transforms

import (
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

func TestInsertHeader(t *testing.T) {
	const class = javaPackage + "InsertHeader"
	tr := mustTransform(t, class, connector.Config{"header": "source", "value.literal": " plant-7 "})
	in := mqttRecord("a/b", "x")
	in.Headers.Add("source", connector.StringSchema, "old")
	out, err := tr.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Headers) != 3 {
		t.Error("the input record changed")
	}
	if len(out.Headers) != 4 || out.Headers[2].Value != "old" {
		t.Fatalf("the header was not appended: %v", out.Headers)
	}
	if h := out.Headers[3]; h.Key != "source" || h.Value != "plant-7" || !h.Schema.Equal(connector.StringSchema) {
		t.Errorf("got %+v", h)
	}
	if out.Topic != "mqtt" || out.Key != "a/b" || string(out.Value.([]byte)) != "x" || out.Timestamp != in.Timestamp {
		t.Errorf("record changed: %+v", out)
	}
	// A tombstone gets the header too.
	if out, _ := tr.Apply(&connector.Record{Topic: "t"}); len(out.Headers) != 1 {
		t.Errorf("tombstone: %v", out.Headers)
	}

	_, err = newTransform(t, class, connector.Config{"value.literal": "x"})
	wantConfigError(t, err, `Missing required configuration "header" which has no default value.`)
	_, err = newTransform(t, class, connector.Config{"header": "x"})
	wantConfigError(t, err, `Missing required configuration "value.literal" which has no default value.`)
}

// The literal is parsed by Values.parseString; the expectations come from Kafka 4.1.2's
// InsertHeader.
func TestInsertHeaderLiterals(t *testing.T) {
	arrayOf := func(s *connector.Schema) *connector.Schema {
		return &connector.Schema{Type: connector.TypeArray, ValueSchema: s}
	}
	dec, _ := new(big.Int).SetString("1", 10)
	for _, c := range []struct {
		literal string
		schema  *connector.Schema
		value   any
	}{
		{"null", nil, nil},
		{"true", connector.BooleanSchema, true},
		{"42", connector.Int8Schema, int8(42)},
		{"300", connector.Int16Schema, int16(300)},
		{"70000", connector.Int32Schema, int32(70000)},
		{"5000000000", connector.Int64Schema, int64(5000000000)},
		{"-7", connector.Int8Schema, int8(-7)},
		{"+7", connector.Int8Schema, int8(7)},
		{"00012", connector.Int8Schema, int8(12)},
		{"1.5", connector.Float32Schema, float32(1.5)},
		{"1.50", connector.Float32Schema, float32(1.5)},
		{"1e400", connector.DecimalSchema(-400).MustBuild(), connector.Decimal{Unscaled: dec, Scale: -400}},
		{"2024-01-02", connector.DateSchema().MustBuild(), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"12:34:56.789Z", connector.TimeSchema().MustBuild(), time.Date(1970, 1, 1, 12, 34, 56, 789e6, time.UTC)},
		{"2024-01-02T03:04:05.006Z", connector.TimestampSchema().MustBuild(), time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)},
		{"[1, 2, 300]", arrayOf(connector.Int16Schema), []any{int16(1), int16(2), int16(300)}},
		{"[1.5, 2]", arrayOf(connector.Float32Schema), []any{float32(1.5), float32(2)}},
		{"[1, null]", connector.StringSchema, "[1, null]"},
		{`[1, "a"]`, &connector.Schema{Type: connector.TypeArray}, []any{int8(1), "a"}},
		{"[]", &connector.Schema{Type: connector.TypeArray}, []any{}},
		{"{a: 1, b: 2}", connector.StringSchema, "{a: 1, b: 2}"},
		{`{"k":true}`, &connector.Schema{Type: connector.TypeMap, KeySchema: connector.StringSchema, ValueSchema: connector.BooleanSchema}, map[string]any{"k": true}},
		{"{1:2, 3:4}", &connector.Schema{Type: connector.TypeMap, KeySchema: connector.Int8Schema, ValueSchema: connector.Int8Schema}, map[any]any{int8(1): int8(2), int8(3): int8(4)}},
		{"{}", &connector.Schema{Type: connector.TypeMap}, map[string]any{}},
		{"hello world", connector.StringSchema, "hello world"},
		{"", connector.StringSchema, ""},
		{"[", connector.StringSchema, "["},
		{"true}", connector.StringSchema, "true}"},
	} {
		tr := mustTransform(t, javaPackage+"InsertHeader", connector.Config{"header": "h", "value.literal": c.literal})
		out, err := tr.Apply(&connector.Record{})
		if err != nil {
			t.Fatal(err)
		}
		h := out.Headers[0]
		if !h.Schema.Equal(c.schema) || !reflect.DeepEqual(h.Value, c.value) {
			t.Errorf("%q: got %v %#v, want %v %#v", c.literal, h.Schema, h.Value, c.schema, c.value)
		}
	}
}
