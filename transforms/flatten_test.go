package transforms

import (
	"reflect"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// flattenJavaExpected was produced by Apache Kafka Connect 4.1.2's Flatten$Value on JDK 17.
const flattenJavaExpected = `
flatten struct in map => ERR Flatten transformation does not support class org.apache.kafka.connect.data.Struct for record without schemas (for field s).
flatten date in map => ERR Flatten transformation was passed a value of type class java.util.Date which is not supported by Connect's data API
flatten map field => ERR Flatten transformation does not support MAP for record with schemas (for field m).
flatten dup => ERR Cannot create field because of field name duplication a.b
flatten int schema => ERR Cannot list fields on non-struct type
`

func TestFlattenMatchesJava(t *testing.T) {
	fv := func() connector.Transformation { return cfNewSMT(t, "Flatten$Value") }
	var got []string
	st := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	sd := cfStruct(t, st, "a", int32(1))
	got = append(got, cfRun("flatten struct in map", fv(), cfCfg(), nil, map[string]any{"s": sd}))
	got = append(got, cfRun("flatten date in map", fv(), cfCfg(), nil, map[string]any{"d": cfMs(0)}))
	sm := connector.StructBuilder().Field("m", connector.MapBuilder(connector.StringSchema, connector.StringSchema).MustBuild()).MustBuild()
	got = append(got, cfRun("flatten map field", fv(), cfCfg(), sm, cfStruct(t, sm)))
	dup := connector.StructBuilder().Field("a.b", connector.Int32Schema).
		Field("a", connector.StructBuilder().Field("b", connector.Int32Schema).MustBuild()).
		Field("m", connector.MapBuilder(connector.StringSchema, connector.StringSchema).MustBuild()).MustBuild()
	got = append(got, cfRun("flatten dup", fv(), cfCfg(), dup, cfStruct(t, dup)))
	got = append(got, cfRun("flatten int schema", fv(), cfCfg(), connector.Int32Schema, sd))
	cfCheckRuns(t, flattenJavaExpected, got)
}

func TestFlattenConfig(t *testing.T) {
	d := cfNewSMT(t, "Flatten$Key").ConfigDef()
	if len(d.Keys) != 1 || d.Keys[0].Name != "delimiter" || d.Keys[0].Default != "." {
		t.Fatalf("%+v", d.Keys)
	}
}

func TestFlattenNestedStruct(t *testing.T) {
	supported := connector.StructBuilder().
		Field("int8", connector.Int8Schema).Field("int16", connector.Int16Schema).Field("int32", connector.Int32Schema).
		Field("int64", connector.Int64Schema).Field("float32", connector.Float32Schema).Field("float64", connector.Float64Schema).
		Field("boolean", connector.BooleanSchema).Field("string", connector.StringSchema).Field("bytes", connector.BytesSchema).
		MustBuild()
	oneLevel := connector.StructBuilder().Field("B", supported).MustBuild()
	twoLevel := connector.StructBuilder().SetName("top").SetDoc("d").Field("A", oneLevel).MustBuild()
	leaf := cfStruct(t, supported, "int8", int8(8), "int16", int16(16), "int32", int32(32), "int64", int64(64),
		"float32", float32(32), "float64", 64.0, "boolean", true, "string", "stringy", "bytes", []byte("bytes"))
	value := cfStruct(t, twoLevel, "A", cfStruct(t, oneLevel, "B", leaf))
	tr := cfNewSMT(t, "Flatten$Value")
	if err := tr.Configure(cfCfg("delimiter", " # ")); err != nil { // trimmed to "#"
		t.Fatal(err)
	}
	out, err := tr.Apply(&connector.Record{ValueSchema: twoLevel, Value: value})
	if err != nil {
		t.Fatal(err)
	}
	s := out.ValueSchema
	if s.Name != "top" || s.Doc != "d" || len(s.Fields) != 9 {
		t.Fatalf("%+v", s)
	}
	st := out.Value.(*connector.Struct)
	for _, f := range supported.Fields {
		want, _ := leaf.Get(f.Name)
		got, err := st.Get("A#B#" + f.Name)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v", f.Name, got, err)
		}
		fs, _ := s.Field("A#B#" + f.Name)
		if fs.Schema.Type != f.Schema.Type || fs.Schema.Optional {
			t.Errorf("%s schema %+v", f.Name, fs.Schema)
		}
	}
}

func TestFlattenOptionalAndDefaults(t *testing.T) {
	// An optional parent makes its leaves optional; a parent's default gives defaults to
	// leaves without one.
	b := connector.StructBuilder().
		Field("req_field", connector.StringSchema).
		Field("opt_field", connector.NewSchemaBuilder(connector.TypeString).Optional().SetDefault("child_default").MustBuild()).
		Optional()
	s0 := b.MustBuild()
	schema := *s0
	schema.Default = cfStruct(t, s0, "req_field", "req_default")
	tr := cfNewSMT(t, "Flatten$Value")
	_ = tr.Configure(cfCfg())
	out, err := tr.Apply(&connector.Record{ValueSchema: &schema, Value: cfStruct(t, &schema)})
	if err != nil {
		t.Fatal(err)
	}
	s := out.ValueSchema
	req, _ := s.Field("req_field")
	opt, _ := s.Field("opt_field")
	if !req.Schema.Optional || req.Schema.Default != "req_default" || !opt.Schema.Optional || opt.Schema.Default != "child_default" {
		t.Fatalf("%+v %+v", req.Schema, opt.Schema)
	}
	if s.Optional || s.Default != nil {
		t.Fatalf("top-level schema %+v", s)
	}

	// A null optional nested struct leaves its flattened fields null.
	inner := connector.StructBuilder().Field("x", connector.Int32Schema).Optional().MustBuild()
	outer := connector.StructBuilder().Field("in", inner).Field("y", connector.OptionalStringSchema).MustBuild()
	out, err = tr.Apply(&connector.Record{ValueSchema: outer, Value: cfStruct(t, outer, "y", "why")})
	if err != nil {
		t.Fatal(err)
	}
	st := out.Value.(*connector.Struct)
	x, _ := st.GetWithoutDefault("in.x")
	y, _ := st.Get("y")
	fx, _ := out.ValueSchema.Field("in.x")
	if x != nil || y != "why" || !fx.Schema.Optional {
		t.Fatalf("%v %v %+v", x, y, fx.Schema)
	}
}

func TestFlattenArraysAndLogical(t *testing.T) {
	arr := connector.ArrayBuilder(connector.StringSchema).SetName("names").Optional().MustBuild()
	dec := connector.DecimalSchema(2).MustBuild()
	schema := connector.StructBuilder().Field("n", connector.StructBuilder().Field("arr", arr).Field("dec", dec).MustBuild()).MustBuild()
	nested, _ := schema.Field("n")
	v := cfStruct(t, schema, "n", cfStruct(t, nested.Schema, "arr", []any{"a", "b"}, "dec", cfDecimal("1.25")))
	tr := cfNewSMT(t, "Flatten$Key")
	_ = tr.Configure(cfCfg("delimiter", "_"))
	out, err := tr.Apply(&connector.Record{KeySchema: schema, Key: v, Value: "untouched"})
	if err != nil {
		t.Fatal(err)
	}
	fa, _ := out.KeySchema.Field("n_arr")
	fd, _ := out.KeySchema.Field("n_dec")
	if !fa.Schema.Equal(arr) || !fd.Schema.Equal(dec) || out.Value != "untouched" {
		t.Fatalf("%+v %+v", fa.Schema, fd.Schema)
	}
	got, _ := out.Key.(*connector.Struct).Get("n_arr")
	if !reflect.DeepEqual(got, []any{"a", "b"}) {
		t.Fatalf("%v", got)
	}
}

func TestFlattenSchemaless(t *testing.T) {
	tr := cfNewSMT(t, "Flatten$Value")
	_ = tr.Configure(cfCfg())
	in := map[string]any{
		"a": map[string]any{"b": map[string]any{"c": int32(1), "list": []any{map[string]any{"x": 1}}}, "n": nil},
		"d": "top", "bytes": []byte{1}, "null": nil, "anykeys": map[any]any{"k": true},
	}
	out, err := tr.Apply(&connector.Record{Value: in})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a.b.c": int32(1), "a.b.list": []any{map[string]any{"x": 1}}, "a.n": nil, "d": "top",
		"bytes": []byte{1}, "null": nil, "anykeys.k": true}
	if !reflect.DeepEqual(out.Value, want) {
		t.Fatalf("%#v", out.Value)
	}
	if _, err := tr.Apply(&connector.Record{Value: "x"}); err == nil ||
		err.Error() != "Only Map objects supported in absence of schema for [flattening], found: java.lang.String" {
		t.Fatal(err)
	}
	if _, err := tr.Apply(&connector.Record{Value: map[string]any{"a": map[string]any{"b": cfDecimal("1")}}}); err == nil ||
		err.Error() != "Flatten transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API" {
		t.Fatal(err)
	}
	// Tombstones pass through, with or without a schema.
	schema := connector.StructBuilder().SetName("name").Field("magic", connector.OptionalInt64Schema).MustBuild()
	for _, r := range []*connector.Record{{}, {ValueSchema: schema}} {
		out, err := tr.Apply(r)
		if err != nil || out != r {
			t.Fatal(out, err)
		}
	}
	// A struct schema without a Struct value.
	if _, err := tr.Apply(&connector.Record{ValueSchema: schema, Value: map[string]any{}}); err == nil ||
		err.Error() != "Only Struct objects supported for [flattening], found: java.util.HashMap" {
		t.Fatal(err)
	}
}
