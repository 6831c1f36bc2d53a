package converters

import (
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// benchReading is the record the Schema Registry converter benchmarks write: a named struct
// of a string, an optional double, a float, a long, a Timestamp and an optional string map.
func benchReading(b *testing.B) (*connector.Schema, *connector.Struct) {
	s := connector.StructBuilder().SetName("com.example.Reading").
		Field("device", connector.StringSchema).
		Field("temp", connector.OptionalFloat64Schema).
		Field("humidity", connector.Float32Schema).
		Field("count", connector.Int64Schema).
		Field("ts", connector.TimestampSchema().MustBuild()).
		Field("tags", connector.MapBuilder(connector.StringSchema, connector.StringSchema).Optional().MustBuild()).
		MustBuild()
	st := mustStruct(b, s, "device", "sensor-0042", "temp", 21.5, "humidity", float32(0.45), "count", int64(123456),
		"ts", time.UnixMilli(1700000000000).UTC(), "tags", map[string]any{"room": "kitchen", "floor": "1"})
	return s, st
}

// benchFromConnect measures c.FromConnect on benchReading's record (the schema cached, the
// registry answering from its cache).
func benchFromConnect(b *testing.B, c connector.Converter) {
	s, st := benchReading(b)
	if _, err := c.FromConnect("bench", nil, s, st); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.FromConnect("bench", nil, s, st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProtobufFromConnect(b *testing.B) {
	benchFromConnect(b, newProtobuf(b, newMemRegistry()))
}

func BenchmarkJSONSchemaFromConnect(b *testing.B) {
	c, err := NewJSONSchemaConverterWithRegistry(newMemRegistry(), connector.Config{ConverterTypeConfig: TypeValue})
	if err != nil {
		b.Fatal(err)
	}
	benchFromConnect(b, c)
}
