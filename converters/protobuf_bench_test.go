package converters

import (
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// BenchmarkProtobufFromConnect is BenchmarkAvroFromConnect's record through the
// ProtobufConverter (the schema cached, the registry answering from its cache).
func BenchmarkProtobufFromConnect(b *testing.B) {
	c := newProtobuf(b, newMemRegistry())
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
