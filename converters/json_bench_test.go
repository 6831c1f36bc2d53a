package converters

import (
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// benchStruct is an IoT-shaped record: a device reading with a nested location.
func benchStruct(b *testing.B) (*connector.Schema, *connector.Struct) {
	b.Helper()
	loc := connector.StructBuilder().SetName("Location").
		Field("lat", connector.Float64Schema).Field("lon", connector.Float64Schema).MustBuild()
	s := connector.StructBuilder().SetName("Reading").
		Field("device", connector.StringSchema).
		Field("seq", connector.Int64Schema).
		Field("temperature", connector.Float64Schema).
		Field("ok", connector.BooleanSchema).
		Field("note", connector.OptionalStringSchema).
		Field("location", loc).MustBuild()
	l, _ := connector.NewStruct(loc)
	_ = l.Put("lat", 52.52)
	_ = l.Put("lon", 13.405)
	st, _ := connector.NewStruct(s)
	for k, v := range map[string]any{"device": "plant-4/line-2", "seq": int64(123456), "temperature": 21.5, "ok": true, "location": l} {
		if err := st.Put(k, v); err != nil {
			b.Fatal(err)
		}
	}
	return s, st
}

func jsonBenchConverter(b *testing.B, schemas string) *JSONConverter {
	b.Helper()
	c := NewJSONConverter()
	if err := c.Configure(connector.Config{"converter.type": "value", "schemas.enable": schemas}); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkJSONConverter measures the Connect JSON envelope both ways, with and without
// schemas (ns/record and allocs/record, printed by make bench).
func BenchmarkJSONConverter(b *testing.B) {
	s, st := benchStruct(b)
	schemaless := map[string]any{"device": "plant-4/line-2", "seq": int64(123456), "temperature": 21.5, "ok": true,
		"location": map[string]any{"lat": 52.52, "lon": 13.405}}
	for _, tc := range []struct {
		name    string
		schemas string
		schema  *connector.Schema
		value   any
	}{
		{"struct", "true", s, st},
		{"schemaless", "false", nil, schemaless},
	} {
		c := jsonBenchConverter(b, tc.schemas)
		encoded, err := c.FromConnect("t", nil, tc.schema, tc.value)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("FromConnect/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.FromConnect("t", nil, tc.schema, tc.value); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("ToConnect/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.ToConnect("t", nil, encoded); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
