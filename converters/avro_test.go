package converters

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/tributary-connect/tributary/connector"
)

var (
	_ connector.Converter    = (*AvroConverter)(nil)
	_ connector.Configurable = (*AvroConverter)(nil)
)

func newAvro(t testing.TB, f *fakeRegistry, extra ...string) *AvroConverter {
	t.Helper()
	cfg := connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: f.URL}
	for i := 0; i+1 < len(extra); i += 2 {
		cfg[extra[i]] = extra[i+1]
	}
	c := NewAvroConverter()
	if err := c.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustStruct(t testing.TB, s *connector.Schema, kv ...any) *connector.Struct {
	t.Helper()
	st, err := connector.NewStruct(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(kv); i += 2 {
		if err := st.Put(kv[i].(string), kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func TestAvroSchemaJSONReferenceExample(t *testing.T) {
	// The example of reference §6.4.
	s := connector.StructBuilder().SetName("com.example.Reading").
		Field("id", connector.Int32Schema).
		Field("temp", connector.OptionalFloat64Schema).
		Field("ts", connector.TimestampSchema().MustBuild()).
		Field("tags", connector.MapBuilder(connector.StringSchema, connector.StringSchema).Optional().MustBuild()).
		MustBuild()
	got, err := AvroSchemaJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"record","name":"Reading","namespace":"com.example","fields":[{"name":"id","type":"int"},{"name":"temp","type":["null","double"],"default":null},{"name":"ts","type":{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}},{"name":"tags","type":["null",{"type":"map","values":"string"}],"default":null}],"connect.name":"com.example.Reading"}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestAvroSchemaJSONTypes(t *testing.T) {
	for _, tc := range []struct {
		s    *connector.Schema
		want string
	}{
		{connector.Int8Schema, `{"type":"int","connect.type":"int8"}`},
		{connector.Int16Schema, `{"type":"int","connect.type":"int16"}`},
		{connector.Int32Schema, `"int"`},
		{connector.Int64Schema, `"long"`},
		{connector.Float32Schema, `"float"`},
		{connector.Float64Schema, `"double"`},
		{connector.BooleanSchema, `"boolean"`},
		{connector.StringSchema, `"string"`},
		{connector.BytesSchema, `"bytes"`},
		{connector.OptionalStringSchema, `["null","string"]`},
		{connector.NewSchemaBuilder(connector.TypeString).Optional().SetDefault("x").MustBuild(), `[{"type":"string","connect.default":"x"},"null"]`},
		// connect.parameters follows the LinkedHashMap order of the Connect parameters;
		// a Go map has none, so Tributary sorts the keys (the same order here, since the
		// parameters are set in sorted order).
		{connector.NewSchemaBuilder(connector.TypeInt64).SetDoc("d").SetVersion(3).SetParameter("a", "1").SetParameter("b", "2").SetName("my.Long").MustBuild(),
			`{"type":"long","connect.doc":"d","connect.version":3,"connect.parameters":{"a":"1","b":"2"},"connect.name":"my.Long"}`},
		{connector.DateSchema().MustBuild(), `{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}`},
		{connector.TimeSchema().MustBuild(), `{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}`},
		{connector.DecimalSchema(2).MustBuild(), `{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`},
		// Decimal.builder(scale) puts "scale" first into the LinkedHashMap, so it leads
		// connect.parameters (Tributary's old output sorted it after the precision).
		{connector.DecimalSchema(2).SetParameter(avroDecimalPrecision, "10").MustBuild(), `{"type":"bytes","scale":2,"precision":10,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`},
		{connector.ArrayBuilder(connector.OptionalInt32Schema).MustBuild(), `{"type":"array","items":["null","int"]}`},
		{connector.MapBuilder(connector.Int32Schema, connector.StringSchema).MustBuild(),
			`{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]}}`},
		{connector.MapBuilder(connector.OptionalStringSchema, connector.StringSchema).MustBuild(),
			`{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"string"}]}}`},
		// Schema.Name.writeName leaves "namespace" out when it equals the enclosing
		// record's (Tributary's old output repeated it).
		{connector.StructBuilder().Field("a", connector.StructBuilder().Field("b", connector.Int32Schema).MustBuild()).MustBuild(),
			`{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":{"type":"record","name":"ConnectDefault2","fields":[{"name":"b","type":"int"}]}}]}`},
		{connector.StructBuilder().SetName("Flat").Field("n", connector.NewSchemaBuilder(connector.TypeInt32).SetDefault(int32(7)).MustBuild()).MustBuild(),
			`{"type":"record","name":"Flat","fields":[{"name":"n","type":{"type":"int","connect.default":7},"default":7}],"connect.name":"Flat"}`},
	} {
		got, err := AvroSchemaJSON(tc.s)
		if err != nil {
			t.Errorf("%v: %v", tc.want, err)
			continue
		}
		if got != tc.want {
			t.Errorf("got\n%s\nwant\n%s", got, tc.want)
		}
	}
}

func TestAvroSchemaJSONNoMetaData(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f, ConnectMetaDataConfig, "false")
	s := connector.StructBuilder().SetName("a.B").Field("t", connector.TimestampSchema().MustBuild()).Field("i", connector.Int8Schema).MustBuild()
	out, err := c.avroSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	// fromConnectSchema adds connect.type inside its "if (connectMetaData)" block, so
	// without the metadata an int8 is a plain "int" (Tributary's old output kept
	// connect.type); the logical types and Decimal's scale/precision stay.
	want := `{"type":"record","name":"B","namespace":"a","fields":[{"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"i","type":"int"}]}`
	if out.json != want {
		t.Errorf("got %s", out.json)
	}
}

// everything is a struct with every Connect type, for the round trip.
func everything(t testing.TB) (*connector.Schema, *connector.Struct) {
	inner := connector.StructBuilder().SetName("com.example.Inner").Field("x", connector.Int32Schema).Field("y", connector.OptionalStringSchema).MustBuild()
	s := connector.StructBuilder().SetName("com.example.All").SetDoc("all types").SetVersion(2).
		Field("i8", connector.Int8Schema).
		Field("i16", connector.Int16Schema).
		Field("i32", connector.Int32Schema).
		Field("i64", connector.Int64Schema).
		Field("f32", connector.Float32Schema).
		Field("f64", connector.Float64Schema).
		Field("bool", connector.BooleanSchema).
		Field("str", connector.StringSchema).
		Field("bytes", connector.BytesSchema).
		Field("opt", connector.OptionalStringSchema).
		Field("optSet", connector.OptionalInt64Schema).
		Field("withDefault", connector.NewSchemaBuilder(connector.TypeString).SetDefault("dflt").MustBuild()).
		Field("optDefault", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(5)).MustBuild()).
		Field("dec", connector.DecimalSchema(2).MustBuild()).
		Field("negDec", connector.DecimalSchema(3).MustBuild()).
		Field("date", connector.DateSchema().MustBuild()).
		Field("time", connector.TimeSchema().MustBuild()).
		Field("ts", connector.TimestampSchema().MustBuild()).
		Field("arr", connector.ArrayBuilder(connector.StringSchema).MustBuild()).
		Field("emptyArr", connector.ArrayBuilder(connector.Int32Schema).MustBuild()).
		Field("smap", connector.MapBuilder(connector.StringSchema, connector.Int64Schema).MustBuild()).
		Field("imap", connector.MapBuilder(connector.Int32Schema, connector.OptionalStringSchema).MustBuild()).
		Field("inner", inner).
		Field("optInner", connector.StructBuilder().SetName("com.example.Opt").Field("z", connector.BooleanSchema).Optional().MustBuild()).
		Field("arrOfStruct", connector.ArrayBuilder(inner).MustBuild()).
		MustBuild()
	st := mustStruct(t, s,
		"i8", int8(-8), "i16", int16(1600), "i32", int32(-320000), "i64", int64(1)<<40,
		"f32", float32(1.5), "f64", 2.25, "bool", true, "str", "héllo", "bytes", []byte{0, 1, 0xff},
		"optSet", int64(-1),
		"dec", connector.Decimal{Unscaled: big.NewInt(12345), Scale: 2},
		"negDec", connector.Decimal{Unscaled: big.NewInt(-128), Scale: 3},
		"date", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		"time", time.UnixMilli(12*3600*1000+34).UTC(),
		"ts", time.UnixMilli(1700000000123).UTC(),
		"arr", []any{"a", "b"}, "emptyArr", []any{},
		"smap", map[string]any{"k1": int64(1), "k2": int64(2)},
		"imap", map[any]any{int32(1): "one", int32(2): nil},
		"inner", mustStruct(t, inner, "x", int32(1), "y", "why"),
		"arrOfStruct", []any{mustStruct(t, inner, "x", int32(2)), mustStruct(t, inner, "x", int32(3), "y", "z")},
	)
	return s, st
}

func TestAvroRoundTripEveryType(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	s, st := everything(t)
	b, err := c.FromConnect("topic", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 || binary.BigEndian.Uint32(b[1:5]) != 1 {
		t.Fatalf("header % x", b[:5])
	}
	// A second converter (a fresh cache) reads it back through the registry.
	r := newAvro(t, f)
	gs, gv, err := r.ToConnect("topic", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if !gs.Equal(s) {
		t.Errorf("schema mismatch:\n got %+v\nwant %+v", gs, s)
		for i := range s.Fields {
			if !gs.Fields[i].Schema.Equal(s.Fields[i].Schema) {
				t.Errorf("field %s: got %+v want %+v", s.Fields[i].Name, gs.Fields[i].Schema, s.Fields[i].Schema)
			}
		}
	}
	got := gv.(*connector.Struct)
	for _, fld := range s.Fields {
		w, _ := st.Get(fld.Name)
		g, _ := got.Get(fld.Name)
		if !valuesEqual(g, w) {
			t.Errorf("%s: got %#v want %#v", fld.Name, g, w)
		}
	}
	// srclient reads the schema back by id after registering it (writer), and the reader
	// fetches it once; after that it is cached.
	byID := f.count("GET /schemas/ids/1")
	if byID != 2 {
		t.Errorf("by-id calls %d, want 2 (one by the writer's srclient, one by the reader)", byID)
	}
	if _, _, err := r.ToConnect("topic", nil, b); err != nil || f.count("GET /schemas/ids/1") != byID {
		t.Errorf("schema by id not cached: %v", err)
	}
}

func valuesEqual(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case connector.Decimal:
		y, ok := b.(connector.Decimal)
		return ok && x.Scale == y.Scale && x.Unscaled.Cmp(y.Unscaled) == 0
	case *connector.Struct:
		y, ok := b.(*connector.Struct)
		if !ok {
			return false
		}
		for _, f := range x.Schema().Fields {
			av, _ := x.Get(f.Name)
			bv, _ := y.Get(f.Name)
			if !valuesEqual(av, bv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !valuesEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestAvroWireBytes(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	s := connector.StructBuilder().SetName("R").
		Field("i", connector.Int32Schema).Field("s", connector.OptionalStringSchema).
		Field("l", connector.Int64Schema).Field("d", connector.DecimalSchema(0).MustBuild()).MustBuild()
	st := mustStruct(t, s, "i", int32(-1), "s", "ab", "l", int64(64), "d", connector.Decimal{Unscaled: big.NewInt(-1)})
	b, err := c.FromConnect("t", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 0, 1, // magic, id 1
		0x01,              // int -1 zigzag
		0x02, 4, 'a', 'b', // union branch 1, string "ab"
		0x80, 0x01, // long 64
		0x02, 0xff, // bytes len 1, two's complement -1
	}
	if !bytes.Equal(b, want) {
		t.Errorf("got % x\nwant % x", b, want)
	}
	// Top-level primitives and plain bytes.
	b, err = c.FromConnect("p", nil, connector.Int64Schema, int64(-2))
	if err != nil || !bytes.Equal(b, []byte{0, 0, 0, 0, 2, 0x03}) {
		t.Errorf("long: % x %v", b, err)
	}
	b, err = c.FromConnect("q", nil, connector.BytesSchema, []byte("raw"))
	if err != nil || !bytes.Equal(b, []byte{0, 0, 0, 0, 3, 'r', 'a', 'w'}) {
		t.Errorf("bytes: % x %v", b, err)
	}
	gs, gv, err := c.ToConnect("q", nil, b)
	if err != nil || gs.Type != connector.TypeBytes || string(gv.([]byte)) != "raw" {
		t.Errorf("bytes back: %v %v %v", gs, gv, err)
	}
	gs, gv, err = c.ToConnect("p", nil, []byte{0, 0, 0, 0, 2, 0x03})
	if err != nil || !gs.Equal(connector.Int64Schema) || gv != int64(-2) {
		t.Errorf("long back: %v %v %v", gs, gv, err)
	}
}

func TestAvroTombstoneAndNulls(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	s := connector.StructBuilder().Field("a", connector.Int32Schema).Optional().MustBuild()
	if b, err := c.FromConnect("t", nil, s, nil); err != nil || b != nil {
		t.Errorf("tombstone: %v %v", b, err)
	}
	if b, err := c.FromConnect("t", nil, nil, nil); err != nil || b != nil {
		t.Errorf("null: %v %v", b, err)
	}
	if len(f.calls) != 0 {
		t.Errorf("registry called for a tombstone: %v", f.calls)
	}
	if s, v, err := c.ToConnect("t", nil, nil); s != nil || v != nil || err != nil {
		t.Errorf("ToConnect(nil) = %v %v %v", s, v, err)
	}
	// A required field left null fails.
	req := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	st, _ := connector.NewStruct(req)
	if _, err := c.FromConnect("t", nil, req, st); err == nil {
		t.Error("null required field accepted")
	} else {
		var de *connector.DataError
		if !errors.As(err, &de) {
			t.Errorf("not a DataError: %T", err)
		}
	}
	// AvroData.validateSchemaValue: a null for a required schema fails even with a
	// default (Tributary used to send a tombstone, or the default); an optional schema
	// with a default still gives a tombstone.
	withDefault := connector.NewSchemaBuilder(connector.TypeInt32).SetDefault(int32(1)).MustBuild()
	for _, rs := range []*connector.Schema{connector.Int32Schema, withDefault} {
		var de *connector.DataError
		if _, err := c.FromConnect("t", nil, rs, nil); !errors.As(err, &de) || !strings.Contains(err.Error(), "Found null value for non-optional schema") {
			t.Errorf("null for required %+v: %v", rs, err)
		}
	}
	optDefault := connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(1)).MustBuild()
	if b, err := c.FromConnect("t", nil, optDefault, nil); err != nil || b != nil {
		t.Errorf("null for optional with default: %v %v", b, err)
	}
	if _, _, err := c.ToConnect("t", nil, []byte{1, 2}); err == nil || !strings.Contains(err.Error(), "Unknown magic byte") {
		t.Errorf("bad magic: %v", err)
	}
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 42, 1}); err == nil || !strings.Contains(err.Error(), "Schema not found") {
		t.Errorf("unknown id: %v", err)
	}
}

func TestAvroOptionalDefaultEncoding(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	s := connector.StructBuilder().
		Field("a", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(5)).MustBuild()).
		Field("b", connector.NewSchemaBuilder(connector.TypeString).SetDefault("d").MustBuild()).MustBuild()
	st := mustStruct(t, s)
	b, err := c.FromConnect("t", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	// Struct.get gives the defaults: union branch 0 (int) 5, then "d".
	if want := []byte{0, 0, 0, 0, 1, 0x00, 0x0a, 0x02, 'd'}; !bytes.Equal(b, want) {
		t.Errorf("got % x want % x", b, want)
	}
}

func TestAvroSubjectStrategiesAndCaching(t *testing.T) {
	f := newFakeRegistry(t)
	s := connector.StructBuilder().SetName("com.example.Rec").Field("a", connector.Int32Schema).MustBuild()
	unnamed := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	st := mustStruct(t, s, "a", int32(1))
	for _, tc := range []struct {
		strategy, convType, subject string
		schema                      *connector.Schema
	}{
		{"", TypeValue, "orders-value", s},
		{"", TypeKey, "orders-key", s},
		{TopicNameStrategy, TypeValue, "orders-value", s},
		{RecordNameStrategy, TypeValue, "com.example.Rec", s},
		{TopicRecordNameStrategy, TypeKey, "orders-com.example.Rec", s},
		{RecordNameStrategy, TypeValue, "io.confluent.connect.avro.ConnectDefault", unnamed},
	} {
		cfg := connector.Config{ConverterTypeConfig: tc.convType, SchemaRegistryURLConfig: f.URL}
		if tc.strategy != "" {
			cfg[tc.convType+".subject.name.strategy"] = tc.strategy
		}
		c := NewAvroConverter()
		if err := c.Configure(cfg); err != nil {
			t.Fatal(err)
		}
		v := any(st)
		if tc.schema == unnamed {
			v = mustStruct(t, unnamed, "a", int32(1))
		}
		for i := 0; i < 3; i++ {
			if _, err := c.FromConnect("orders", nil, tc.schema, v); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.count("POST /subjects/" + tc.subject + "/versions"); n != 1 {
			t.Errorf("%s/%s: %d registrations under %q (calls %v)", tc.strategy, tc.convType, n, tc.subject, f.calls)
		}
		f.mu.Lock()
		clear(f.calls)
		f.mu.Unlock()
	}
	// Record strategies refuse non-record schemas.
	c := newAvro(t, f, ValueSubjectNameStrategyCfg, RecordNameStrategy)
	_, err := c.FromConnect("orders", nil, connector.StringSchema, "x")
	if err == nil || !strings.Contains(err.Error(), "must only be a record schema") {
		t.Errorf("primitive under RecordNameStrategy: %v", err)
	}
	// Invalid strategy.
	bad := NewAvroConverter()
	if err := bad.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: f.URL, ValueSubjectNameStrategyCfg: "x.Y"}); err == nil {
		t.Error("unknown strategy accepted")
	}
	if err := bad.Configure(connector.Config{ConverterTypeConfig: TypeValue}); err == nil {
		t.Error("missing schema.registry.url accepted")
	}
}

func TestAvroAutoRegisterOffAndLatest(t *testing.T) {
	f := newFakeRegistry(t)
	s := connector.StructBuilder().SetName("R").Field("a", connector.Int32Schema).MustBuild()
	st := mustStruct(t, s, "a", int32(1))
	lookup := newAvro(t, f, AutoRegisterSchemasConfig, "false")
	_, err := lookup.FromConnect("t", nil, s, st)
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("lookup of an unregistered schema: %v", err)
	}
	if _, err := newAvro(t, f).FromConnect("t", nil, s, st); err != nil {
		t.Fatal(err)
	}
	b, err := lookup.FromConnect("t", nil, s, st)
	if err != nil || binary.BigEndian.Uint32(b[1:5]) != 1 {
		t.Fatalf("lookup: % x %v", b, err)
	}
	// use.latest.version takes the subject's latest id.
	s2 := connector.StructBuilder().SetName("R").Field("a", connector.Int32Schema).Field("b", connector.OptionalStringSchema).MustBuild()
	if _, err := newAvro(t, f).FromConnect("t", nil, s2, mustStruct(t, s2, "a", int32(1))); err != nil {
		t.Fatal(err)
	}
	latest := newAvro(t, f, AutoRegisterSchemasConfig, "false", UseLatestVersionConfig, "true")
	b, err = latest.FromConnect("t", nil, s2, mustStruct(t, s2, "a", int32(1)))
	if err != nil || binary.BigEndian.Uint32(b[1:5]) != 2 {
		t.Fatalf("latest: % x %v", b, err)
	}
}

func TestAvroIncompatibleSchemaError(t *testing.T) {
	f := newFakeRegistry(t)
	f.incompatible["t-value"] = true
	c := newAvro(t, f)
	s1 := connector.StructBuilder().SetName("R").Field("a", connector.Int32Schema).MustBuild()
	s2 := connector.StructBuilder().SetName("R").Field("a", connector.StringSchema).MustBuild()
	if _, err := c.FromConnect("t", nil, s1, mustStruct(t, s1, "a", int32(1))); err != nil {
		t.Fatal(err)
	}
	_, err := c.FromConnect("t", nil, s2, mustStruct(t, s2, "a", "x"))
	var de *connector.DataError
	if err == nil || !errors.As(err, &de) || !strings.Contains(err.Error(), "incompatible with an earlier schema") ||
		!strings.Contains(err.Error(), "HTTP 409") {
		t.Errorf("incompatible: %v", err)
	}
	if connector.IsRetriable(err) {
		t.Error("an incompatible schema is not retriable")
	}
}

func TestAvroBasicAuthUserInfo(t *testing.T) {
	f := newFakeRegistry(t)
	f.auth = "Basic dXNlcjpwYXNz"
	s := connector.Int32Schema
	c := newAvro(t, f, BasicAuthCredentialsSourceCfg, "USER_INFO", BasicAuthUserInfoConfig, "user:pass")
	if _, err := c.FromConnect("t", nil, s, int32(1)); err != nil {
		t.Errorf("USER_INFO: %v", err)
	}
	c = newAvro(t, f)
	if _, err := c.FromConnect("t", nil, s, int32(1)); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("no auth: %v", err)
	}
}

func TestAvroReadsForeignSchemas(t *testing.T) {
	// A schema written by another producer (no connect.* props, named record, enum, fixed).
	f := newFakeRegistry(t)
	f.ids[`x`] = 1
	f.schemas[1] = `{"type":"record","name":"Ext","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"f","type":{"type":"fixed","name":"F","size":2}},{"name":"m","type":{"type":"map","values":"int"}},{"name":"r","type":["null","E"],"default":null}]}`
	c := newAvro(t, f)
	// e=B(1), f=0x0102, m={"k":3}, r=A
	data := []byte{0, 0, 0, 0, 1, 0x02, 1, 2, 0x02, 0x02, 'k', 0x06, 0x00, 0x02, 0x00}
	s, v, err := c.ToConnect("t", nil, data)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "n.Ext" || s.Fields[0].Schema.Type != connector.TypeString || s.Fields[1].Schema.Type != connector.TypeBytes || !s.Fields[3].Schema.Optional {
		t.Errorf("schema %+v", s)
	}
	st := v.(*connector.Struct)
	e, _ := st.Get("e")
	fx, _ := st.Get("f")
	m, _ := st.Get("m")
	r, _ := st.Get("r")
	if e != "B" || !bytes.Equal(fx.([]byte), []byte{1, 2}) || !reflect.DeepEqual(m, map[string]any{"k": int32(3)}) || r != "A" {
		t.Errorf("values %v %v %v %v", e, fx, m, r)
	}
}

func BenchmarkAvroFromConnect(b *testing.B) {
	benchFromConnect(b, newAvro(b, newFakeRegistry(b)))
}

// TestAvroWithSrfake runs against franz-go's srfake, the registry `tributary dev` embeds.
func TestAvroWithSrfake(t *testing.T) {
	reg := srfake.New()
	t.Cleanup(reg.Close)
	c := NewAvroConverter()
	if err := c.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: reg.URL()}); err != nil {
		t.Fatal(err)
	}
	s, st := everything(t)
	b, err := c.FromConnect("dev", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FromConnect("dev", nil, s, st); err != nil {
		t.Fatal(err)
	}
	r := NewAvroConverter()
	if err := r.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: reg.URL()}); err != nil {
		t.Fatal(err)
	}
	gs, gv, err := r.ToConnect("dev", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if !gs.Equal(s) || !valuesEqual(gv, st) {
		t.Errorf("round trip through srfake: %+v %v", gs, gv)
	}
}

// TestAvroSchemaJSONJavaOutput pins the exact canonical strings for cases where
// AvroData.fromConnectSchema and Avro's Schema.toString have behaviour worth spelling out.
// Each expectation is derived from the Java source (AvroData 8.5.0-0, Avro 1.12).
func TestAvroSchemaJSONJavaOutput(t *testing.T) {
	inner := connector.StructBuilder().Field("b", connector.Int32Schema).MustBuild()
	named := connector.StructBuilder().SetName("b.In").Field("x", connector.StringSchema).MustBuild()
	optNamed := connector.StructBuilder().SetName("b.In").Field("x", connector.StringSchema).Optional().MustBuild()
	plain := connector.StructBuilder().SetName("Plain").Field("x", connector.StringSchema).MustBuild()
	withParams := connector.StructBuilder().SetName("p.P").SetParameter("k", "v").Field("x", connector.Int32Schema).MustBuild()
	optStruct := connector.StructBuilder().Field("x", connector.Int32Schema).Field("y", connector.OptionalStringSchema).Optional().MustBuild()
	def := mustStruct(t, optStruct, "x", int32(3))
	optStructDef := *optStruct
	optStructDef.Default = def
	for _, tc := range []struct {
		name string
		s    *connector.Schema
		want string
	}{
		{
			// fromConnectContext.schemaMap hands back the Avro schema of an equal struct
			// converted before (so the ConnectDefault counter does not move), and
			// Schema.toString writes a name it has written before as a reference,
			// relative to the enclosing namespace (Name.getQualified).
			"reused struct", connector.StructBuilder().Field("a", inner).Field("c", inner).MustBuild(),
			`{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":{"type":"record","name":"ConnectDefault2","fields":[{"name":"b","type":"int"}]}},{"name":"c","type":"ConnectDefault2"}]}`,
		},
		{
			// An optional struct is the union [null, record] built from the cycle
			// reference of the name; the reference is the full name outside its namespace.
			"named struct reused optional", connector.StructBuilder().SetName("a.Top").Field("x", named).Field("y", optNamed).MustBuild(),
			`{"type":"record","name":"Top","namespace":"a","fields":[{"name":"x","type":{"type":"record","name":"In","namespace":"b","fields":[{"name":"x","type":"string"}],"connect.name":"b.In"}},{"name":"y","type":["null","b.In"],"default":null}],"connect.name":"a.Top"}`,
		},
		{
			// Name.writeName: a type without a namespace inside one that has one gets "".
			"null namespace", connector.StructBuilder().SetName("a.Top").Field("x", plain).MustBuild(),
			`{"type":"record","name":"Top","namespace":"a","fields":[{"name":"x","type":{"type":"record","name":"Plain","namespace":"","fields":[{"name":"x","type":"string"}],"connect.name":"Plain"}}],"connect.name":"a.Top"}`,
		},
		{
			// The STRUCT case makes an optional struct ["null", record] even with a default
			// (other optional types with a default are [T, "null"]); the default stays on
			// the record as connect.default (nonOptional keeps it) and is the field's
			// default, valid since Avro 1.12 accepts a union default matching any branch.
			"optional struct with default", connector.StructBuilder().SetName("a.Top").Field("s", &optStructDef).MustBuild(),
			`{"type":"record","name":"Top","namespace":"a","fields":[{"name":"s","type":["null",{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"x","type":"int"},{"name":"y","type":["null","string"],"default":null}],"connect.default":{"x":3,"y":null}}],"default":{"x":3,"y":null}}],"connect.name":"a.Top"}`,
		},
		{
			// connect.default is the JsonNode of defaultValueFromConnect (a FloatNode prints
			// as Float.toString, a DoubleNode as Double.toString); a field default goes
			// through JacksonUtils.toObject/toJsonNode, which keeps a float a float since
			// Avro 1.12 (1.11 turned it into a double: 1.100000023841858), as Java shows
			// (testdata/java/avro_schema.golden.json, struct_defaults).
			// A map with non-string keys has a default of [key, value] arrays, which Avro
			// rejects for an array of MapEntry records, so the field gets none ("Ignoring
			// invalid default").
			"defaults", connector.StructBuilder().
				Field("i", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(5)).MustBuild()).
				Field("f", connector.NewSchemaBuilder(connector.TypeFloat32).SetDefault(float32(1.1)).MustBuild()).
				Field("d", connector.NewSchemaBuilder(connector.TypeFloat64).SetDefault(float64(1)).MustBuild()).
				Field("m", connector.MapBuilder(connector.Int32Schema, connector.StringSchema).SetDefault(map[any]any{int32(1): "a"}).MustBuild()).
				MustBuild(),
			`{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"i","type":[{"type":"int","connect.default":5},"null"],"default":5},{"name":"f","type":{"type":"float","connect.default":1.1},"default":1.1},{"name":"d","type":{"type":"double","connect.default":1.0},"default":1.0},{"name":"m","type":{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]},"connect.default":[[1,"a"]]}}]}`,
		},
		{
			// The BYTES case adds scale and precision whatever they are; a scale outside
			// [0, precision] only keeps LogicalTypes.decimal off, and the legacy
			// logicalType prop is added all the same.
			"decimal negative scale", connector.DecimalSchema(-2).MustBuild(),
			`{"type":"bytes","scale":-2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"-2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`,
		},
		{
			// Record doc from io.confluent.connect.avro.record.doc, field doc from
			// io.confluent.connect.avro.field.doc.<name>; parameters starting with "avro"
			// are copied as props after everything else. A named map with non-string
			// keys: the record takes the map's name and connect.internal.type=MapEntry,
			// the array the map's props.
			"docs, avro props, named map", connector.StructBuilder().SetName("r.R").SetDoc("rd").
				SetParameter("avro.java.string", "String").
				SetParameter("io.confluent.connect.avro.field.doc.a", "adoc").
				SetParameter("io.confluent.connect.avro.record.doc", "recdoc").
				Field("a", connector.StringSchema).
				Field("m", connector.MapBuilder(connector.OptionalStringSchema, connector.Int32Schema).SetName("my.Map").MustBuild()).
				MustBuild(),
			`{"type":"record","name":"R","namespace":"r","doc":"recdoc","fields":[{"name":"a","type":"string","doc":"adoc"},{"name":"m","type":{"type":"array","items":{"type":"record","name":"Map","namespace":"my","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"int"}],"connect.internal.type":"MapEntry"},"connect.name":"my.Map"}}],"connect.doc":"rd","connect.parameters":{"avro.java.string":"String","io.confluent.connect.avro.field.doc.a":"adoc","io.confluent.connect.avro.record.doc":"recdoc"},"connect.name":"r.R","avro.java.string":"String"}`,
		},
		{
			// addAvroRecordField: a named type met again (seenNamedTypes) that is an Avro
			// named type gets its parameters as a field-level connect.parameters prop.
			"field-level parameters", connector.StructBuilder().Field("p1", withParams).Field("p2", withParams).MustBuild(),
			`{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"p1","type":{"type":"record","name":"P","namespace":"p","fields":[{"name":"x","type":"int"}],"connect.parameters":{"k":"v"},"connect.name":"p.P"}},{"name":"p2","type":"p.P","connect.parameters":{"k":"v"}}]}`,
		},
		{
			// Strings are written by Jackson: only '"', '\\' and control characters are
			// escaped ('<', '/', non-ASCII stay as they are).
			"escaping", connector.NewSchemaBuilder(connector.TypeString).SetDoc("a<b/\"c\"\té").MustBuild(),
			`{"type":"string","connect.doc":"a<b/\"c\"\té"}`,
		},
	} {
		got, err := AvroSchemaJSON(tc.s)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		// Our own reader takes the relative references and "namespace":"" back.
		if _, err := parseAvroSchema(got); err != nil {
			t.Errorf("%s: parse: %v", tc.name, err)
		}
	}
}

func TestAvroSchemaJSONErrors(t *testing.T) {
	// Avro's NameValidator rejects names that are not identifiers (scrub.invalid.names
	// is false by default). Avro 1.12's Schema.Name validates the simple name only: a
	// namespace such as "my-topic" passes, as Java shows (name_digit_namespace_segment in
	// testdata/java/avro_schema.golden.json).
	if _, err := AvroSchemaJSON(connector.StructBuilder().SetName("my.Bad-Name").Field("a", connector.Int32Schema).MustBuild()); err == nil ||
		!strings.Contains(err.Error(), "Illegal character in: Bad-Name") {
		t.Errorf("invalid name: %v", err)
	}
	if got, err := AvroSchemaJSON(connector.StructBuilder().SetName("my-topic.Value").Field("a", connector.Int32Schema).MustBuild()); err != nil ||
		got != `{"type":"record","name":"Value","namespace":"my-topic","fields":[{"name":"a","type":"int"}],"connect.name":"my-topic.Value"}` {
		t.Errorf("namespace not validated: %s, %v", got, err)
	}
	// Two different maps with non-string keys share io.confluent.connect.avro.MapEntry:
	// Avro 1.12's toString prints the second as a reference to the first (knownNames),
	// though its key and value types differ, and so does Tributary (struct_maps in
	// testdata/java/avro_schema.golden.json). The data is still written as the Connect
	// schema says, as Java does.
	s := connector.StructBuilder().
		Field("a", connector.MapBuilder(connector.Int32Schema, connector.StringSchema).MustBuild()).
		Field("b", connector.MapBuilder(connector.Int32Schema, connector.Int64Schema).MustBuild()).MustBuild()
	if got, err := AvroSchemaJSON(s); err != nil || got != `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]}}},{"name":"b","type":{"type":"array","items":"MapEntry"}}]}` {
		t.Errorf("MapEntry reuse: %s, %v", got, err)
	}
	// The same map twice is one MapEntry, referenced the second time.
	m := connector.MapBuilder(connector.Int32Schema, connector.StringSchema).MustBuild()
	got, err := AvroSchemaJSON(connector.StructBuilder().Field("a", m).Field("b", m).MustBuild())
	want := `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]}}},{"name":"b","type":{"type":"array","items":"MapEntry"}}]}`
	if err != nil || got != want {
		t.Errorf("got %s, %v\nwant %s", got, err, want)
	}
}

// TestAvroOptionalStructDefaultEncoding: an optional struct with a default is ["null",
// record], so a value is branch 1.
func TestAvroOptionalStructDefaultEncoding(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	opt := connector.StructBuilder().Field("x", connector.Int32Schema).Optional().MustBuild()
	d := *opt
	d.Default = mustStruct(t, opt, "x", int32(3))
	s := connector.StructBuilder().SetName("T").Field("s", &d).MustBuild()
	b, err := c.FromConnect("t", nil, s, mustStruct(t, s, "s", mustStruct(t, &d, "x", int32(1))))
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 0, 0, 0, 1, 0x02, 0x02}; !bytes.Equal(b, want) {
		t.Errorf("got % x want % x", b, want)
	}
}

// TestAvroRefusesClashingDefinitions: two non-string-key maps of other key types are both
// io.confluent.connect.avro.MapEntry. Java's AvroData prints the second as a reference to
// the first (the schema string below is Java's) and then writes data its readers misread;
// FromConnect refuses it. Two maps of the same key and value types share the record fine.
func TestAvroRefusesClashingDefinitions(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	intMap := connector.MapBuilder(connector.Int32Schema, connector.StringSchema).MustBuild()
	longMap := connector.MapBuilder(connector.Int64Schema, connector.StringSchema).MustBuild()
	clash := connector.StructBuilder().SetName("R").Field("a", intMap).Field("b", longMap).MustBuild()
	js, err := AvroSchemaJSON(clash)
	if err != nil || !strings.Contains(js, `{"name":"b","type":{"type":"array","items":"io.confluent.connect.avro.MapEntry"}}`) {
		t.Fatalf("the schema string must be Java's, the second MapEntry a reference: %s %v", js, err)
	}
	st := mustStruct(t, clash, "a", map[any]any{int32(1): "x"}, "b", map[any]any{int64(2): "y"})
	_, err = c.FromConnect("t", nil, clash, st)
	var de *connector.DataError
	if err == nil || !errors.As(err, &de) || !strings.Contains(err.Error(), "io.confluent.connect.avro.MapEntry") {
		t.Fatalf("clashing MapEntry definitions: %v, want a DataError naming the record", err)
	}
	same := connector.StructBuilder().SetName("S").Field("a", intMap).Field("b", intMap).MustBuild()
	if _, err := c.FromConnect("t", nil, same, mustStruct(t, same, "a", map[any]any{int32(1): "x"}, "b", map[any]any{int32(2): "y"})); err != nil {
		t.Fatalf("equal MapEntry definitions: %v", err)
	}
}

func TestAvroSchemalessRoundTrip(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	for _, tc := range []struct{ in, want any }{
		{"x", "x"},
		{"", ""},
		{int8(-128), int32(-128)}, // Java writes Byte and Short as "int", read back as Integer
		{int16(32767), int32(32767)},
		{int32(math.MinInt32), int32(math.MinInt32)},
		{int64(math.MaxInt64), int64(math.MaxInt64)},
		{float32(-0.5), float32(-0.5)},
		{math.Inf(1), math.Inf(1)},
		{true, true},
		{false, false},
		{[]any{}, []any{}},
		{map[string]any{}, map[string]any{}},
		{map[any]any{}, map[string]any{}},
		{[]any{nil, nil}, []any{nil, nil}},
		{
			map[string]any{"list": []any{int64(1), "two", nil, []any{true}, map[string]any{"k": float32(1)}}, "null": nil, "m": map[any]any{"s": int8(1)}},
			map[string]any{"list": []any{int64(1), "two", nil, []any{true}, map[string]any{"k": float32(1)}}, "null": nil, "m": map[string]any{"s": int32(1)}},
		},
		{map[any]any{int64(1): "a", "b": []any{int16(2)}, nil: nil, false: 0.5}, map[any]any{int64(1): "a", "b": []any{int32(2)}, nil: nil, false: 0.5}},
	} {
		b, err := c.FromConnect("t", nil, nil, tc.in)
		if err != nil {
			t.Fatalf("%#v: %v", tc.in, err)
		}
		s, v, err := c.ToConnect("t", nil, b)
		if err != nil || s != nil {
			t.Fatalf("%#v: ToConnect %v %v", tc.in, s, err)
		}
		if !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%#v: read back %#v, want %#v", tc.in, v, tc.want)
		}
	}
	// One registration, of ANYTHING_SCHEMA, under the topic's subject.
	if n := f.count("POST /subjects/t-value/versions"); n != 1 {
		t.Errorf("%d registrations (calls %v)", n, f.calls)
	}
	if len(f.schemas) != 1 || f.schemas[1] != avroAnythingSchema {
		t.Errorf("registered %v", f.schemas)
	}
	// A string: eight null branches around "string" (union branch 1), as Java writes it.
	b, err := c.FromConnect("t", nil, nil, "hi")
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 4, 'h', 'i', 0, 0}; !bytes.Equal(b, want) {
		t.Errorf("got % x want % x", b, want)
	}
}

func TestAvroSchemalessTombstoneAndNull(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	if b, err := c.FromConnect("t", nil, nil, nil); err != nil || b != nil {
		t.Errorf("top-level null: %v %v", b, err)
	}
	if len(f.calls) != 0 {
		t.Errorf("registry called for a tombstone: %v", f.calls)
	}
	// An Anything record with no field set (what Java writes for a null in a list or map)
	// reads as null, with a null schema.
	if _, err := c.FromConnect("t", nil, nil, []any{nil}); err != nil {
		t.Fatal(err)
	}
	s, v, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	if err != nil || s != nil || v != nil {
		t.Errorf("empty Anything: %v %v %v", s, v, err)
	}
	// The "bytes" field, which Java reads (but never writes): a []byte.
	s, v, err = c.ToConnect("t", nil, []byte{0, 0, 0, 0, 1, 0, 2, 4, 0xca, 0xfe, 0, 0, 0, 0, 0, 0, 0})
	if err != nil || s != nil || !bytes.Equal(v.([]byte), []byte{0xca, 0xfe}) {
		t.Errorf("bytes: %v %v %v", s, v, err)
	}
	// Truncated data and a bad union index fail as DataErrors.
	for _, bad := range [][]byte{{0, 0, 0, 0, 1, 0, 0, 0}, {0, 0, 0, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0}} {
		var de *connector.DataError
		if _, _, err := c.ToConnect("t", nil, bad); !errors.As(err, &de) {
			t.Errorf("% x: %v", bad, err)
		}
	}
}

func TestAvroSchemalessUnknownTypes(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	st := mustStruct(t, connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild(), "a", int32(1))
	for _, tc := range []struct {
		v    any
		want string
	}{
		{[]byte{1}, "class [B"}, // as Java: AvroData refuses byte[] in schemaless data
		{st, "class org.apache.kafka.connect.data.Struct"},
		{time.UnixMilli(0), "class java.util.Date"},
		{connector.Decimal{Unscaled: big.NewInt(1)}, "class java.math.BigDecimal"},
		{42, "int"},
		{[]string{"a"}, "[]string"},
		{[]any{"ok", map[string]any{"k": []byte{}}}, "class [B"},
		{map[any]any{st: "v"}, "class org.apache.kafka.connect.data.Struct"},
	} {
		_, err := c.FromConnect("t", nil, nil, tc.v)
		var de *connector.DataError
		if !errors.As(err, &de) || err.Error() != "Unknown Java type for schemaless data: "+tc.want {
			t.Errorf("%#v: %v", tc.v, err)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("registry called although the conversion failed: %v", f.calls)
	}
}

func TestAvroSchemalessSubjects(t *testing.T) {
	for _, tc := range []struct{ strategy, convType, subject string }{
		{"", TypeValue, "orders-value"},
		{"", TypeKey, "orders-key"},
		{RecordNameStrategy, TypeValue, "io.confluent.connect.avro.Anything"},
		{TopicRecordNameStrategy, TypeKey, "orders-io.confluent.connect.avro.Anything"},
	} {
		f := newFakeRegistry(t)
		cfg := connector.Config{ConverterTypeConfig: tc.convType, SchemaRegistryURLConfig: f.URL}
		if tc.strategy != "" {
			cfg[tc.convType+".subject.name.strategy"] = tc.strategy
		}
		c := NewAvroConverter()
		if err := c.Configure(cfg); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := c.FromConnect("orders", nil, nil, map[string]any{"a": int64(1)}); err != nil {
				t.Fatal(err)
			}
		}
		key := "POST /subjects/" + tc.subject + "/versions"
		if n := f.count(key); n != 1 {
			t.Errorf("%s/%s: %d registrations under %q (calls %v)", tc.strategy, tc.convType, n, tc.subject, f.calls)
		} else if got := f.bodies[key][0]["schema"]; got != avroAnythingSchema {
			t.Errorf("registered %v", got)
		}
	}
}

func TestAvroSchemalessForeignSchemas(t *testing.T) {
	f := newFakeRegistry(t)
	// ANYTHING_SCHEMA as another client may have registered it: reformatted, with a doc.
	var j any
	if err := json.Unmarshal([]byte(avroAnythingSchema), &j); err != nil {
		t.Fatal(err)
	}
	j.(map[string]any)["doc"] = "schemaless"
	pretty, _ := json.MarshalIndent(j, "", "  ")
	f.schemas[1] = string(pretty)
	// A look-alike with a different field default: not ANYTHING_SCHEMA, and recursive.
	f.schemas[2] = strings.Replace(avroAnythingSchema, `"default":null}`, `"default":null,"aliases":[]}`, 1)
	f.schemas[3] = strings.Replace(avroAnythingSchema, `{"name":"boolean","type":["null","boolean"],"default":null}`, `{"name":"boolean","type":["null","boolean"]}`, 1)
	c := newAvro(t, f)
	s, v, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 6, 0, 0, 0, 0})
	if err != nil || s != nil || v != int64(3) {
		t.Errorf("reformatted Anything: %v %v %v", s, v, err)
	}
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 6, 0, 0, 0, 0}); err != nil {
		t.Errorf("field aliases: %v", err)
	}
	var de *connector.DataError
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 2, 6, 0, 0, 0, 0}); !errors.As(err, &de) || !strings.Contains(err.Error(), "recursive") {
		t.Errorf("recursive look-alike: %v", err)
	}
}

func TestAvroSchemalessAndSchemaOnOneConverter(t *testing.T) {
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	b1, err := c.FromConnect("t", nil, connector.StringSchema, "a")
	if err != nil {
		t.Fatal(err)
	}
	b2, err := c.FromConnect("t", nil, nil, "a")
	if err != nil {
		t.Fatal(err)
	}
	s1, v1, err1 := c.ToConnect("t", nil, b1)
	s2, v2, err2 := c.ToConnect("t", nil, b2)
	if err1 != nil || err2 != nil || s1 == nil || s1.Type != connector.TypeString || v1 != "a" || s2 != nil || v2 != "a" {
		t.Errorf("%v %v %v / %v %v %v", s1, v1, err1, s2, v2, err2)
	}
}

func TestAvroConcurrent(t *testing.T) {
	roundTripConcurrently(t, newAvro(t, newFakeRegistry(t)))
}
