package converters

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

var (
	_ connector.Converter    = (*JSONSchemaConverter)(nil)
	_ connector.Configurable = (*JSONSchemaConverter)(nil)
)

func newJSONSchema(t testing.TB, f *fakeRegistry, extra ...string) *JSONSchemaConverter {
	t.Helper()
	cfg := connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: f.URL}
	for i := 0; i+1 < len(extra); i += 2 {
		cfg[extra[i]] = extra[i+1]
	}
	c := NewJSONSchemaConverter()
	if err := c.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestJSONSchemaRoundTripEveryType(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
	s, st := everything(t)
	b, err := c.FromConnect("topic", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 || binary.BigEndian.Uint32(b[1:5]) != 1 {
		t.Fatalf("header % x", b[:5])
	}
	if !json.Valid(b[5:]) {
		t.Fatalf("payload is not JSON: %s", b[5:])
	}
	f.mu.Lock()
	body := f.bodies["POST /subjects/topic-value/versions"][0]
	f.mu.Unlock()
	if body["schemaType"] != "JSON" {
		t.Errorf("schemaType %v", body["schemaType"])
	}
	r := newJSONSchema(t, f)
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
		if w == nil && fld.Schema.Default != nil {
			w = fld.Schema.Default
		}
		if !valuesEqual(g, w) {
			t.Errorf("%s: got %#v want %#v", fld.Name, g, w)
		}
	}
	byID := f.count("GET /schemas/ids/1") // the writer's srclient after registering, and the reader
	if _, _, err := r.ToConnect("topic", nil, b); err != nil || f.count("GET /schemas/ids/1") != byID {
		t.Errorf("schema by id not cached: %v", err)
	}
}

func TestJSONSchemaPrimitivesRoundTrip(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
	for _, tc := range []struct {
		s *connector.Schema
		v any
	}{
		{connector.Int8Schema, int8(-3)},
		{connector.Int16Schema, int16(300)},
		{connector.Int32Schema, int32(1 << 20)},
		{connector.Int64Schema, int64(1) << 50},
		{connector.Float32Schema, float32(0.5)},
		{connector.Float64Schema, 1e300},
		{connector.BooleanSchema, false},
		{connector.StringSchema, "s\"\n"},
		{connector.BytesSchema, []byte("raw")},
		{connector.OptionalStringSchema, "opt"},
		{connector.DecimalSchema(4).MustBuild(), connector.Decimal{Unscaled: big.NewInt(-99999), Scale: 4}},
		{connector.ArrayBuilder(connector.OptionalInt32Schema).MustBuild(), []any{int32(1), nil}},
		{connector.MapBuilder(connector.StringSchema, connector.StringSchema).MustBuild(), map[string]any{"a": "b"}},
	} {
		b, err := c.FromConnect("p", nil, tc.s, tc.v)
		if err != nil {
			t.Fatalf("%v: %v", tc.s.Type, err)
		}
		gs, gv, err := newJSONSchema(t, f).ToConnect("p", nil, b)
		if err != nil {
			t.Fatalf("%v: %v", tc.s.Type, err)
		}
		if !gs.Equal(tc.s) || !valuesEqual(gv, tc.v) {
			t.Errorf("%v: got %+v %#v want %+v %#v", tc.s.Type, gs, gv, tc.s, tc.v)
		}
	}
}

func TestJSONSchemaDocument(t *testing.T) {
	s := connector.StructBuilder().SetName("com.example.R").SetVersion(3).
		Field("i", connector.Int32Schema).
		Field("o", connector.OptionalStringSchema).
		Field("b", connector.BytesSchema).
		Field("d", connector.DecimalSchema(2).MustBuild()).
		Field("ts", connector.TimestampSchema().MustBuild()).
		Field("m", connector.MapBuilder(connector.StringSchema, connector.Float64Schema).MustBuild()).
		MustBuild()
	got, err := JSONSchemaOf(s)
	if err != nil {
		t.Fatal(err)
	}
	// JsonSchemaData.fromConnectSchema printed by everit's ToStringVisitor and re-written
	// by Jackson (JsonSchema.canonicalString): "type" first, then title, description,
	// default, then the unprocessed properties in HashMap order (connect.index,
	// connect.version, connect.type, connect.parameters), then "properties", whose
	// HashMap puts the fields in hash order (b, d, i, m, o, ts here). An optional field
	// is {"connect.index", "oneOf"}. A Decimal is a string (decimal.format=BASE64, the
	// JsonSchemaDataConfig default), not a number as Tributary used to write it.
	want := `{"type":"object","title":"com.example.R","connect.version":3,"properties":{` +
		`"b":{"type":"string","connect.index":2,"connect.type":"bytes"},` +
		`"d":{"type":"string","title":"org.apache.kafka.connect.data.Decimal","connect.index":3,"connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2"}},` +
		`"i":{"type":"integer","connect.index":0,"connect.type":"int32"},` +
		`"m":{"type":"object","connect.index":5,"connect.type":"map","additionalProperties":{"type":"number","connect.type":"float64"}},` +
		`"o":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]},` +
		`"ts":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.index":4,"connect.version":1,"connect.type":"int64"}}}`
	if got != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
}

func TestJSONSchemaWireBytes(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
	s := connector.StructBuilder().SetName("R").
		Field("i", connector.Int32Schema).Field("s", connector.OptionalStringSchema).
		Field("d", connector.DecimalSchema(1).MustBuild()).Field("b", connector.BytesSchema).MustBuild()
	st := mustStruct(t, s, "i", int32(-1), "s", "ab", "d", connector.Decimal{Unscaled: big.NewInt(15), Scale: 1}, "b", []byte{0xff})
	b, err := c.FromConnect("t", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	// decimal.format defaults to BASE64: the Decimal is the base64 of its unscaled
	// two's-complement bytes (15 → 0x0f → "Dw==").
	want := "\x00\x00\x00\x00\x01" + `{"i":-1,"s":"ab","d":"Dw==","b":"/w=="}`
	if string(b) != want {
		t.Errorf("bytes %q want %q", b, want)
	}
	// decimal.format=NUMERIC writes it as a number.
	c = newJSONSchema(t, f, DecimalFormatConfig, "numeric")
	if b, err = c.FromConnect("t", nil, s, st); err != nil {
		t.Fatal(err)
	}
	want = "\x00\x00\x00\x00\x02" + `{"i":-1,"s":"ab","d":1.5,"b":"/w=="}`
	if string(b) != want {
		t.Errorf("numeric: bytes %q want %q", b, want)
	}
}

func TestJSONSchemaTombstoneAndFraming(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
	// JsonSchemaData.fromConnectData gives no node (so the serializer a null, a tombstone)
	// for a null with a required schema, but a NullNode, which the serializer writes, for
	// a null with an optional one (Tributary used to make that a tombstone too).
	if b, err := c.FromConnect("t", nil, connector.Int32Schema, nil); b != nil || err != nil {
		t.Errorf("tombstone: %q %v", b, err)
	}
	if b, err := c.FromConnect("t", nil, nil, nil); b != nil || err != nil {
		t.Errorf("tombstone without schema: %q %v", b, err)
	}
	if b, err := c.FromConnect("t", nil, connector.OptionalStringSchema, nil); string(b) != "\x00\x00\x00\x00\x01null" || err != nil {
		t.Errorf("optional null: %q %v", b, err)
	}
	if s, v, err := c.ToConnect("t", nil, nil); s != nil || v != nil || err != nil {
		t.Errorf("null bytes: %v %v %v", s, v, err)
	}
	var de *connector.DataError
	for _, b := range [][]byte{{1, 0, 0, 0, 1, '1'}, {0, 0}} {
		if _, _, err := c.ToConnect("t", nil, b); !errors.As(err, &de) || !strings.Contains(err.Error(), "Unknown magic byte") {
			t.Errorf("% x: %v", b, err)
		}
	}
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 9, '1'}); !errors.As(err, &de) || !strings.Contains(err.Error(), "id 9") {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := c.FromConnect("t", nil, nil, "x"); !errors.As(err, &de) {
		t.Errorf("schemaless: %v", err)
	}
	if _, err := c.FromConnect("t", nil, connector.Int32Schema, "x"); !errors.As(err, &de) {
		t.Errorf("wrong value type: %v", err)
	}
	b, err := c.FromConnect("t", nil, connector.Int32Schema, int32(1))
	if err != nil {
		t.Fatal(err)
	}
	b = append(b[:5:5], []byte("{bad")...)
	if _, _, err := c.ToConnect("t", nil, b); !errors.As(err, &de) {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestJSONSchemaSubjectStrategies(t *testing.T) {
	f := newFakeRegistry(t)
	s := connector.StructBuilder().SetName("com.example.Rec").Field("a", connector.Int32Schema).MustBuild()
	unnamed := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	for _, tc := range []struct {
		strategy, convType, subject string
		schema                      *connector.Schema
	}{
		{"", TypeValue, "orders-value", s},
		{"", TypeKey, "orders-key", s},
		{RecordNameStrategy, TypeValue, "com.example.Rec", s},
		{TopicRecordNameStrategy, TypeKey, "orders-com.example.Rec", s},
	} {
		cfg := connector.Config{ConverterTypeConfig: tc.convType, SchemaRegistryURLConfig: f.URL}
		if tc.strategy != "" {
			cfg[tc.convType+".subject.name.strategy"] = tc.strategy
		}
		c := NewJSONSchemaConverter()
		if err := c.Configure(cfg); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if _, err := c.FromConnect("orders", nil, tc.schema, mustStruct(t, tc.schema, "a", int32(1))); err != nil {
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
	// JsonSchema.name() is the document's "title": an unnamed struct has none, and
	// RecordNameStrategy.getRecordName then fails (Tributary used to fall back on
	// "JsonSchema").
	rn := NewJSONSchemaConverter()
	if err := rn.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: f.URL, ValueSubjectNameStrategyCfg: RecordNameStrategy}); err != nil {
		t.Fatal(err)
	}
	var de *connector.DataError
	if _, err := rn.FromConnect("orders", nil, unnamed, mustStruct(t, unnamed, "a", int32(1))); !errors.As(err, &de) ||
		!strings.Contains(err.Error(), "the message value must only be a record schema") {
		t.Errorf("unnamed with RecordNameStrategy: %v", err)
	}
	bad := NewJSONSchemaConverter()
	if err := bad.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: f.URL, ValueSubjectNameStrategyCfg: "x.Y"}); err == nil {
		t.Error("unknown strategy accepted")
	}
	if err := bad.Configure(connector.Config{ConverterTypeConfig: TypeValue}); err == nil {
		t.Error("missing schema.registry.url accepted")
	}
}

func TestJSONSchemaLookupLatestAndErrors(t *testing.T) {
	f := newFakeRegistry(t)
	s := connector.StructBuilder().SetName("R").Field("a", connector.Int32Schema).MustBuild()
	st := mustStruct(t, s, "a", int32(1))
	lookup := newJSONSchema(t, f, AutoRegisterSchemasConfig, "false")
	if _, err := lookup.FromConnect("t", nil, s, st); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("lookup of an unregistered schema: %v", err)
	}
	if _, err := newJSONSchema(t, f).FromConnect("t", nil, s, st); err != nil {
		t.Fatal(err)
	}
	b, err := lookup.FromConnect("t", nil, s, st)
	if err != nil || binary.BigEndian.Uint32(b[1:5]) != 1 {
		t.Fatalf("lookup: % x %v", b, err)
	}
	f.mu.Lock()
	if body := f.bodies["POST /subjects/t-value"]; len(body) == 0 || body[0]["schemaType"] != "JSON" {
		t.Errorf("lookup body %v", body)
	}
	f.mu.Unlock()
	s2 := connector.StructBuilder().SetName("R").Field("a", connector.Int32Schema).Field("b", connector.OptionalStringSchema).MustBuild()
	if _, err := newJSONSchema(t, f).FromConnect("t", nil, s2, mustStruct(t, s2, "a", int32(1))); err != nil {
		t.Fatal(err)
	}
	latest := newJSONSchema(t, f, AutoRegisterSchemasConfig, "false", UseLatestVersionConfig, "true")
	b, err = latest.FromConnect("t", nil, s2, mustStruct(t, s2, "a", int32(1)))
	if err != nil || binary.BigEndian.Uint32(b[1:5]) != 2 {
		t.Fatalf("latest: % x %v", b, err)
	}
	// Incompatible: a DataError, not retriable.
	f.incompatible["t-value"] = true
	s3 := connector.StructBuilder().SetName("R").Field("a", connector.StringSchema).MustBuild()
	_, err = newJSONSchema(t, f).FromConnect("t", nil, s3, mustStruct(t, s3, "a", "x"))
	var de *connector.DataError
	if err == nil || !errors.As(err, &de) || !strings.Contains(err.Error(), "incompatible") || connector.IsRetriable(err) {
		t.Errorf("incompatible: %v", err)
	}
	// Basic auth.
	f.auth = "Basic dXNlcjpwYXNz"
	c := newJSONSchema(t, f, BasicAuthCredentialsSourceCfg, "USER_INFO", BasicAuthUserInfoConfig, "user:pass")
	if _, err := c.FromConnect("t2", nil, connector.Int32Schema, int32(1)); err != nil {
		t.Errorf("USER_INFO: %v", err)
	}
	if _, err := newJSONSchema(t, f).FromConnect("t2", nil, connector.Int32Schema, int32(1)); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("no auth: %v", err)
	}
}

func TestJSONSchemaUnreachableIsRetriable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	c := NewJSONSchemaConverter()
	if err := c.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: addr}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FromConnect("t", nil, connector.Int32Schema, int32(1)); !connector.IsRetriable(err) {
		t.Errorf("FromConnect: %v", err)
	}
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 1, '1'}); !connector.IsRetriable(err) {
		t.Errorf("ToConnect: %v", err)
	}
}

func TestJSONSchemaReadsForeignSchemas(t *testing.T) {
	c := NewJSONSchemaConverter()
	if err := c.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: "http://unused"}); err != nil {
		t.Fatal(err)
	}
	s, err := c.parseJSONSchema(`{"type":"object","properties":{"n":{"type":"integer"},"x":{"type":"number"},"s":{"type":"string"},"m":{"type":"object","additionalProperties":{"type":"boolean"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := connector.StructBuilder().Field("n", connector.Int64Schema).Field("x", connector.Float64Schema).
		Field("s", connector.StringSchema).Field("m", connector.MapBuilder(connector.StringSchema, connector.BooleanSchema).MustBuild()).MustBuild()
	if !s.Equal(want) {
		t.Errorf("got %+v", s)
	}
	if _, err := c.parseJSONSchema(`{"type":"null"}`); err == nil {
		t.Error("null schema accepted")
	}
}

func TestJSONSchemaConcurrent(t *testing.T) {
	roundTripConcurrently(t, newJSONSchema(t, newFakeRegistry(t)))
}

// roundTripConcurrently writes and reads everything's record from 8 goroutines at once (run
// with -race).
func roundTripConcurrently(t *testing.T, c connector.Converter) {
	s, st := everything(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				b, err := c.FromConnect("topic", nil, s, st)
				if err == nil {
					_, _, err = c.ToConnect("topic", nil, b)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestJSONSchemaConfluentFixture checks the key order against a JSON Schema fixture in
// Confluent's repository (core/src/test/java/.../storage/SchemaValuesTest.java,
// testSchemaValueComplexJsonMD5), which has the shape JsonSchemaConverter registers for a
// struct of every type: properties in HashMap order (boolean, string, int32, …),
// connect.index before connect.type, a boolean's "type" last.
func TestJSONSchemaConfluentFixture(t *testing.T) {
	s := connector.StructBuilder().
		Field("int8", connector.Int8Schema).
		Field("int16", connector.Int16Schema).
		Field("int32", connector.Int32Schema).
		Field("int64", connector.Int64Schema).
		Field("float32", connector.Float32Schema).
		Field("float64", connector.Float64Schema).
		Field("boolean", connector.BooleanSchema).
		Field("string", connector.StringSchema).
		Field("bytes", connector.BytesSchema).
		Field("array", connector.ArrayBuilder(connector.StringSchema).MustBuild()).
		Field("map", connector.MapBuilder(connector.StringSchema, connector.Int32Schema).MustBuild()).
		MustBuild()
	got, err := JSONSchemaOf(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{` +
		`"boolean":{"connect.index":6,"type":"boolean"},` +
		`"string":{"type":"string","connect.index":7},` +
		`"int32":{"type":"integer","connect.index":2,"connect.type":"int32"},` +
		`"array":{"type":"array","connect.index":9,"items":{"type":"string"}},` +
		`"int64":{"type":"integer","connect.index":3,"connect.type":"int64"},` +
		`"bytes":{"type":"string","connect.index":8,"connect.type":"bytes"},` +
		`"int8":{"type":"integer","connect.index":0,"connect.type":"int8"},` +
		`"float32":{"type":"number","connect.index":4,"connect.type":"float32"},` +
		`"float64":{"type":"number","connect.index":5,"connect.type":"float64"},` +
		`"map":{"type":"object","connect.index":10,"connect.type":"map","additionalProperties":{"type":"integer","connect.type":"int32"}},` +
		`"int16":{"type":"integer","connect.index":1,"connect.type":"int16"}}}`
	if got != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
}

// TestJSONSchemaJavaOutput pins further cases of JsonSchemaData.fromConnectSchema as
// JsonSchema.canonicalString prints them (see jsGen).
func TestJSONSchemaJavaOutput(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *connector.Schema
		want string
	}{
		{
			// A map with non-string keys is an array of objects whose "properties" (a
			// HashMap) hold value before key; connect.index 0 and 1 mark them.
			"map with int keys", connector.MapBuilder(connector.Int32Schema, connector.OptionalStringSchema).MustBuild(),
			`{"type":"array","connect.type":"map","items":{"type":"object","properties":{"value":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]},"key":{"type":"integer","connect.index":0,"connect.type":"int32"}}}}`,
		},
		{
			// Defaults go on the non-null schema: toJsonSchemaValue, everit's JSONWriter
			// (JSONObject.numberToString drops ".0"), then Jackson (other fractions as
			// BigDecimal). A map default is a JSONObject: HashMap order again.
			"defaults", connector.StructBuilder().
				Field("i", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(5)).MustBuild()).
				Field("d", connector.NewSchemaBuilder(connector.TypeFloat64).SetDefault(float64(1)).MustBuild()).
				Field("f", connector.NewSchemaBuilder(connector.TypeFloat32).SetDefault(float32(1.25)).MustBuild()).
				Field("m", connector.MapBuilder(connector.Int32Schema, connector.StringSchema).SetDefault(map[any]any{int32(1): "a"}).MustBuild()).
				MustBuild(),
			`{"type":"object","properties":{` +
				`"d":{"type":"number","default":1,"connect.index":1,"connect.type":"float64"},` +
				`"f":{"type":"number","default":1.25,"connect.index":2,"connect.type":"float32"},` +
				`"i":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"integer","default":5,"connect.type":"int32"}]},` +
				`"m":{"type":"array","default":[{"value":"a","key":1}],"connect.index":3,"connect.type":"map","items":{"type":"object","properties":{"value":{"type":"string","connect.index":1},"key":{"type":"integer","connect.index":0,"connect.type":"int32"}}}}}}`,
		},
		{
			// A boolean's "type" is written after the generic keywords; the parameters
			// (Collectors.toMap, then org.json's JSONObject) come in HashMap order, without
			// those under io.confluent.connect.json; io.confluent.connect.json.Id is the
			// everit schema's (draft-4) "id", printed after "default".
			"boolean with metadata", connector.NewSchemaBuilder(connector.TypeBoolean).SetName("my.Flag").SetDoc("d").SetVersion(2).
				SetParameter("b", "2").SetParameter("a", "1").SetParameter("io.confluent.connect.json.Id", "#id1").MustBuild(),
			`{"title":"my.Flag","description":"d","id":"#id1","connect.version":2,"connect.parameters":{"a":"1","b":"2"},"type":"boolean"}`,
		},
		{
			// Date, Time and Timestamp are integers with connect.type int32/int64.
			"logical", connector.StructBuilder().Field("dt", connector.DateSchema().MustBuild()).Field("tm", connector.TimeSchema().Optional().MustBuild()).MustBuild(),
			`{"type":"object","properties":{"dt":{"type":"integer","title":"org.apache.kafka.connect.data.Date","connect.index":0,"connect.version":1,"connect.type":"int32"},` +
				`"tm":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","title":"org.apache.kafka.connect.data.Time","connect.version":1,"connect.type":"int32"}]}}}`,
		},
		{
			// An optional struct at the top is a oneOf without a title.
			"optional struct", connector.StructBuilder().SetName("a.S").Field("x", connector.StringSchema).Optional().MustBuild(),
			`{"oneOf":[{"type":"null"},{"type":"object","title":"a.S","properties":{"x":{"type":"string","connect.index":0}}}]}`,
		},
	} {
		got, err := JSONSchemaOf(tc.s)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestJSONSchemaAdditionalPropertiesAndPayload(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f, JSONSchemaAdditionalPropertiesConfig, "false")
	m := connector.MapBuilder(connector.Int32Schema, connector.StringSchema).MustBuild()
	s := connector.StructBuilder().SetName("R").
		Field("b", connector.Int8Schema).
		Field("o", connector.OptionalStringSchema).
		Field("m", m).
		Field("d", connector.NewSchemaBuilder(connector.TypeString).SetDefault("x").MustBuild()).
		MustBuild()
	st := mustStruct(t, s, "b", int8(-3), "m", map[any]any{int32(2): "two"})
	b, err := c.FromConnect("t", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	// fromConnectData: an optional null is null, a null with a default the default, a
	// map with int keys an array of {"key", "value"} objects.
	want := "\x00\x00\x00\x00\x01" + `{"b":-3,"o":null,"m":[{"key":2,"value":"two"}],"d":"x"}`
	if string(b) != want {
		t.Errorf("bytes %q want %q", b, want)
	}
	// object.additional.properties=false: "additionalProperties": false right after "type".
	if got := f.schemas[1]; !strings.HasPrefix(got, `{"type":"object","additionalProperties":false,"title":"R",`) {
		t.Errorf("schema %s", got)
	}
	gs, gv, err := c.ToConnect("t", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if gs.Field("m"); gs.Fields[2].Schema.KeySchema.Type != connector.TypeInt32 {
		t.Errorf("map key schema %+v", gs.Fields[2].Schema.KeySchema)
	}
	if v, _ := gv.(*connector.Struct).Get("m"); fmt.Sprint(v) != "map[2:two]" {
		t.Errorf("map value %v", v)
	}
}

// TestJSONSchemaEnumUnionRoundTrip: an enum (io.confluent.connect.json.Enum parameters) is
// written as {"enum": [...]} and a union (a struct named io.confluent.connect.json.OneOf) as
// a oneOf of its fields' schemas, as JsonSchemaData does (see the Java goldens); both read
// back as toConnectSchema/toConnectData make them.
func TestJSONSchemaEnumUnionRoundTrip(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
	enum := connector.NewSchemaBuilder(connector.TypeString).
		SetParameter("io.confluent.connect.json.Enum", "").
		SetParameter("io.confluent.connect.json.Enum.RED", "RED").
		SetParameter("io.confluent.connect.json.Enum.GREEN", "GREEN").MustBuild()
	union := connector.StructBuilder().SetName("io.confluent.connect.json.OneOf").
		Field("io.confluent.connect.json.OneOf.field.0", connector.OptionalInt32Schema).
		Field("io.confluent.connect.json.OneOf.field.1", connector.OptionalStringSchema).
		Field("io.confluent.connect.json.OneOf.field.2", connector.StructBuilder().SetName("P").Field("p", connector.BooleanSchema).Optional().MustBuild()).
		MustBuild()
	s := connector.StructBuilder().SetName("R").Field("e", enum).Field("u", union).MustBuild()
	for _, tc := range []struct {
		u    *connector.Struct
		want string
	}{
		{mustStruct(t, union, "io.confluent.connect.json.OneOf.field.1", "s"), "s"},
		{mustStruct(t, union, "io.confluent.connect.json.OneOf.field.0", int32(3)), "3"},
		{mustStruct(t, union, "io.confluent.connect.json.OneOf.field.2", mustStruct(t, union.Fields[2].Schema, "p", true)), "Struct{p=true}"},
	} {
		b, err := c.FromConnect("t", nil, s, mustStruct(t, s, "e", "RED", "u", tc.u))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.schemas[1]; !strings.Contains(got, `"e":{"enum":["RED","GREEN"],"connect.index":0}`) ||
			!strings.Contains(got, `"u":{"connect.index":1,"oneOf":[{"type":"integer","connect.index":0,"connect.type":"int32"},{"type":"string","connect.index":1},`) {
			t.Fatalf("schema %s", got)
		}
		gs, gv, err := c.ToConnect("t", nil, b)
		if err != nil {
			t.Fatal(err)
		}
		e := gs.Fields[0].Schema
		if e.Type != connector.TypeString || e.Parameters["io.confluent.connect.json.Enum.GREEN"] != "GREEN" || e.Parameters["io.confluent.connect.json.Enum"] != "" {
			t.Errorf("enum schema %+v", e)
		}
		u := gs.Fields[1].Schema
		if u.Name != "io.confluent.connect.json.OneOf" || len(u.Fields) != 3 || !u.Fields[1].Schema.Optional {
			t.Errorf("union schema %+v", u)
		}
		st := gv.(*connector.Struct)
		if v, _ := st.Get("e"); v != "RED" {
			t.Errorf("enum value %v", v)
		}
		uv, _ := st.Get("u")
		var got []string
		for _, fl := range u.Fields {
			if x, _ := uv.(*connector.Struct).Get(fl.Name); x != nil {
				got = append(got, fmt.Sprint(x))
			}
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("union value %v, want %s", got, tc.want)
		}
	}
}
