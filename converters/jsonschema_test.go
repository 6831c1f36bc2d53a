package converters

import (
	"encoding/binary"
	"encoding/json"
	"errors"
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
	want := `{"type":"object","properties":{` +
		`"i":{"type":"integer","connect.type":"int32","connect.index":0},` +
		`"o":{"oneOf":[{"type":"null"},{"type":"string"}],"connect.index":1},` +
		`"b":{"type":"string","connect.type":"bytes","connect.index":2},` +
		`"d":{"type":"number","connect.type":"bytes","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.parameters":{"scale":"2"},"connect.index":3},` +
		`"ts":{"type":"integer","connect.type":"int64","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1,"connect.index":4},` +
		`"m":{"type":"object","additionalProperties":{"type":"number","connect.type":"float64"},"connect.type":"map","connect.index":5}},` +
		`"title":"com.example.R","connect.version":3}`
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
	want := "\x00\x00\x00\x00\x01" + `{"i":-1,"s":"ab","d":1.5,"b":"/w=="}`
	if string(b) != want {
		t.Errorf("bytes %q want %q", b, want)
	}
}

func TestJSONSchemaTombstoneAndFraming(t *testing.T) {
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
	if b, err := c.FromConnect("t", nil, connector.OptionalStringSchema, nil); b != nil || err != nil {
		t.Errorf("tombstone: %q %v", b, err)
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
		{RecordNameStrategy, TypeValue, "JsonSchema", unnamed},
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
	f := newFakeRegistry(t)
	c := newJSONSchema(t, f)
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
