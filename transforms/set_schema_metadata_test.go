package transforms

import (
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// ssmJavaExpected was produced by Apache Kafka Connect 4.1.2's SetSchemaMetadata$Value on JDK 17.
const ssmJavaExpected = `
ssm int32 => ERR Cannot list fields on non-struct type
ssm neither => ERR Neither schema name nor version configured
ssm badver => ERR Invalid value x for configuration schema.version: Not a number of type INT
`

func TestSetSchemaMetadataMatchesJava(t *testing.T) {
	sv := func() connector.Transformation { return cfNewSMT(t, "SetSchemaMetadata$Value") }
	got := []string{
		cfRun("ssm int32", sv(), cfCfg("schema.name", "x"), connector.Int32Schema, int32(5)),
		cfRun("ssm neither", sv(), cfCfg(), connector.Int32Schema, int32(5)),
		cfRun("ssm badver", sv(), cfCfg("schema.version", "x"), connector.Int32Schema, int32(5)),
	}
	cfCheckRuns(t, ssmJavaExpected, got)
}

func TestSetSchemaMetadataConfig(t *testing.T) {
	d := cfNewSMT(t, "SetSchemaMetadata$Key").ConfigDef()
	if len(d.Keys) != 3 || d.Keys[0].Name != "schema.name" || d.Keys[0].Default != nil || d.Keys[1].Type != connector.ConfigInt ||
		d.Keys[2].Name != "replace.null.with.default" {
		t.Fatalf("%+v", d.Keys)
	}
}

func TestSetSchemaMetadataStruct(t *testing.T) {
	inner := connector.StructBuilder().Field("x", connector.Int32Schema).MustBuild()
	schema := connector.StructBuilder().SetName("old").SetVersion(1).SetDoc("doc").SetParameter("p", "v").Optional().
		Field("s", connector.StringSchema).
		Field("d", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(9)).MustBuild()).
		Field("in", inner).
		MustBuild()
	value := cfStruct(t, schema, "s", "str", "in", cfStruct(t, inner, "x", int32(1)))
	cases := []struct {
		cfg         map[string]string
		name        string
		version     int32
		replaceNull bool
	}{
		{cfCfg("schema.name", "foo"), "foo", 1, true},
		{cfCfg("schema.version", " 42 "), "old", 42, true},
		{cfCfg("schema.name", "foo", "schema.version", "42", "replace.null.with.default", "false"), "foo", 42, false},
	}
	for _, c := range cases {
		for _, class := range []string{"SetSchemaMetadata$Key", "SetSchemaMetadata$Value"} {
			tr := cfNewSMT(t, class)
			if err := tr.Configure(c.cfg); err != nil {
				t.Fatal(err)
			}
			r := &connector.Record{Topic: "t", KeySchema: schema, Key: value, ValueSchema: schema, Value: value}
			out, err := tr.Apply(r)
			if err != nil {
				t.Fatal(err)
			}
			s, v, other := out.ValueSchema, out.Value, out.Key
			if class == "SetSchemaMetadata$Key" {
				s, v, other = out.KeySchema, out.Key, out.Value
			}
			if other != value {
				t.Errorf("%s: the other side changed", class)
			}
			if s.Name != c.name || *s.Version != c.version || s.Doc != "doc" || s.Parameters["p"] != "v" || !s.Optional ||
				len(s.Fields) != 3 || s.Fields[2].Schema != inner {
				t.Errorf("%s %v: %+v", class, c.cfg, s)
			}
			st := v.(*connector.Struct)
			if st.Schema() != s {
				t.Errorf("%s: the struct does not reference the new schema", class)
			}
			d, _ := st.GetWithoutDefault("d")
			if (c.replaceNull && d != int32(9)) || (!c.replaceNull && d != nil) {
				t.Errorf("%s replace=%v: d=%v", class, c.replaceNull, d)
			}
			if *schema.Version != 1 || schema.Name != "old" {
				t.Fatal("input schema modified")
			}
		}
	}
}

func TestSetSchemaMetadataNullsAndErrors(t *testing.T) {
	tr := cfNewSMT(t, "SetSchemaMetadata$Value")
	if err := tr.Configure(cfCfg("schema.name", "foo")); err != nil {
		t.Fatal(err)
	}
	r := &connector.Record{Topic: "t"}
	if out, err := tr.Apply(r); err != nil || out != r {
		t.Fatal(out, err)
	}
	if _, err := tr.Apply(&connector.Record{Value: map[string]any{}}); err == nil || err.Error() != "Schema required for [updating schema metadata]" {
		t.Fatal(err)
	}
	schema := connector.StructBuilder().Field("a", connector.Int32Schema).Optional().MustBuild()
	out, err := tr.Apply(&connector.Record{ValueSchema: schema})
	if err != nil || out.Value != nil || out.ValueSchema.Name != "foo" {
		t.Fatal(out, err)
	}
	// A struct schema with a value that is not a Struct: the value is kept as it is.
	out, err = tr.Apply(&connector.Record{ValueSchema: schema, Value: "x"})
	if err != nil || out.Value != "x" {
		t.Fatal(out, err)
	}
	// Without the default, a required field left null cannot be copied.
	req := connector.StructBuilder().Field("a", connector.NewSchemaBuilder(connector.TypeInt32).SetDefault(int32(1)).MustBuild()).MustBuild()
	_ = tr.Configure(cfCfg("schema.name", "foo", "replace.null.with.default", "false"))
	if _, err := tr.Apply(&connector.Record{ValueSchema: req, Value: cfStruct(t, req)}); err == nil ||
		err.Error() != `Invalid value: null used for required field: "a", schema type: INT32` {
		t.Fatal(err)
	}
}
