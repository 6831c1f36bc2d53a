package transforms

import (
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestExtractFieldConfig(t *testing.T) {
	fldtRunCases(t, []fldtCase{
		{"missing field", "ExtractField$Value", fldtCfg(), nil, `ERROR Missing required configuration "field" which has no default value.`},
		{"bad version", "ExtractField$Value", fldtCfg("field", "a", "field.syntax.version", " v3 "), nil, "ERROR Invalid value v3 for configuration field.syntax.version: String must be one of (case insensitive): V1, V2"},
		{"lower-case version", "ExtractField$Value", fldtCfg("field", "a", "field.syntax.version", "v2"), nil, "configured"},
		{"incomplete backtick", "ExtractField$Value", fldtCfg("field", "a.`b", "field.syntax.version", "V2"), nil, "ERROR Incomplete backtick pair in path: [a.`b], consider adding a backslash before backtick at position 2 to escape it"},
		{"backticks fine in V1", "ExtractField$Key", fldtCfg("field", "a.`b"), nil, "configured"},
		{"trimmed control chars", "ExtractField$Value", fldtCfg("field", "\x01a\x01"), fldtRec(nil, fldtMap("a", int32(1))), "key=null | null || value=null | Integer(1)"},
		{"no-break space kept", "ExtractField$Value", fldtCfg("field", "\u00a0a"), fldtRec(nil, fldtMap("a", int32(1), "\u00a0a", int32(2))), "key=null | null || value=null | Integer(2)"},
		{"boolean any case", "ExtractField$Value", fldtCfg("field", "a", "replace.null.with.default", " FALSE "), fldtRec(nil, fldtMap("a", int32(1))), "key=null | null || value=null | Integer(1)"},
	})
}

func TestExtractField(t *testing.T) {
	foo := connector.StructBuilder().Field("foo", connector.Int32Schema).MustBuild()
	magic := connector.StructBuilder().Field("magic", foo).MustBuild()
	optMagic := connector.StructBuilder().Field("magic", connector.StructBuilder().Optional().Field("foo", connector.Int32Schema).MustBuild()).MustBuild()
	withDefault := connector.StructBuilder().Field("optional_with_default", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(42)).MustBuild()).MustBuild()
	fldtRunCases(t, []fldtCase{
		{"schemaless", "ExtractField$Key", fldtCfg("field", "magic"), fldtKRec(nil, fldtMap("magic", int32(42))), "key=null | Integer(42) || value=null | null"},
		{"schemaless nested", "ExtractField$Key", fldtCfg("field", "magic.foo", "field.syntax.version", "V2"), fldtKRec(nil, fldtMap("magic", fldtMap("foo", int32(42)))),
			"key=null | Integer(42) || value=null | null"},
		{"schemaless nested map[any]any", "ExtractField$Key", fldtCfg("field", "magic.foo", "field.syntax.version", "V2"), fldtKRec(nil, map[any]any{"magic": map[any]any{"foo": int32(42)}}),
			"key=null | Integer(42) || value=null | null"},
		{"schemaless null", "ExtractField$Key", fldtCfg("field", "magic"), fldtKRec(nil, nil), "key=null | null || value=null | null"},
		{"schemaless absent", "ExtractField$Key", fldtCfg("field", "nonexistent"), fldtKRec(nil, fldtMap("magic", int32(42))), "key=null | null || value=null | null"},
		{"schema", "ExtractField$Key", fldtCfg("field", "foo"), fldtKRec(foo, fldtStruct(foo, "foo", int32(42))), "key=INT32 | Integer(42) || value=null | null"},
		{"int key", "ExtractField$Key", fldtCfg("field", "magic"), fldtKRec(connector.Int32Schema, int32(1)),
			"ERROR Only Struct objects supported for [field extraction], found: java.lang.Integer"},
		{"schema nested", "ExtractField$Key", fldtCfg("field", "magic.foo", "field.syntax.version", "V2"), fldtKRec(magic, fldtStruct(magic, "magic", fldtStruct(foo, "foo", int32(42)))),
			"key=INT32 | Integer(42) || value=null | null"},
		{"schema null", "ExtractField$Key", fldtCfg("field", "magic"), fldtKRec(connector.StructBuilder().Field("magic", connector.Int32Schema).Optional().MustBuild(), nil),
			"key=INT32 | null || value=null | null"},
		{"schema unknown", "ExtractField$Key", fldtCfg("field", "nonexistent"), fldtKRec(magic, fldtStruct(magic, "magic", fldtStruct(foo, "foo", int32(42)))), "ERROR Unknown field: nonexistent"},
		{"schema unknown nested", "ExtractField$Key", fldtCfg("field", "magic.nonexistent", "field.syntax.version", "V2"), fldtKRec(magic, fldtStruct(magic, "magic", fldtStruct(foo, "foo", int32(42)))),
			"ERROR Unknown field: magic.nonexistent"},
		{"replace.null.with.default true", "ExtractField$Value", fldtCfg("field", "optional_with_default"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=null | null || value=INT32? default=Integer(42) | Integer(42)"},
		{"replace.null.with.default false", "ExtractField$Value", fldtCfg("field", "optional_with_default", "replace.null.with.default", "false"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=null | null || value=INT32? default=Integer(42) | null"},
		{"schema null intermediate", "ExtractField$Value", fldtCfg("field", "magic.foo", "field.syntax.version", "V2"),
			fldtRec(connector.StructBuilder().Field("magic", connector.StructBuilder().Optional().Field("foo", connector.Int32Schema).MustBuild()).MustBuild(), nil),
			"key=null | null || value=INT32 | null"},
		{"struct null intermediate", "ExtractField$Value", fldtCfg("field", "magic.foo", "field.syntax.version", "V2"),
			fldtRec(optMagic, fldtStruct(optMagic)), "key=null | null || value=INT32 | null"},
		{"non-struct schema, null value", "ExtractField$Value", fldtCfg("field", "a"), fldtRec(connector.OptionalStringSchema, nil), "ERROR Cannot look up fields on non-struct type"},
		{"non-struct schema", "ExtractField$Value", fldtCfg("field", "a"), fldtRec(connector.OptionalStringSchema, "x"), "ERROR Only Struct objects supported for [field extraction], found: java.lang.String"},
		{"not a map", "ExtractField$Value", fldtCfg("field", "a"), fldtRec(nil, "x"), "ERROR Only Map objects supported in absence of schema for [field extraction], found: java.lang.String"},
		{"empty V2 path, null value", "ExtractField$Value", fldtCfg("field", "", "field.syntax.version", "V2"), fldtRec(nil, nil), "key=null | null || value=null | null"},
	})
}

// TestExtractFieldPaths runs a set of V1 and V2 paths against a struct, a map and a null
// value (expected results observed from Kafka 4.1.2).
func TestExtractFieldPaths(t *testing.T) {
	inner := connector.StructBuilder().Optional().Field("y", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(9)).MustBuild()).
		Field("m", connector.MapBuilder(connector.StringSchema, connector.Int32Schema).Optional().MustBuild()).MustBuild()
	es := connector.StructBuilder().Field("a.b", connector.StringSchema).Field("x", inner).Field("s", connector.OptionalStringSchema).MustBuild()
	ev := fldtStruct(es, "a.b", "dotted", "x", fldtStruct(inner, "m", fldtMap("k", int32(1))))
	mv := fldtMap("a.b", int32(1), "x", fldtMap("y", int32(2), "m", int32(5)), "s", nil)
	for _, c := range []struct{ path, mode, want string }{
		{"x.y", "s-v2", "key=null | null || value=INT32? default=Integer(9) | Integer(9)"},
		{"x.y", "s-v2nodef", "key=null | null || value=INT32? default=Integer(9) | null"},
		{"x.y", "s-v1", "ERROR Unknown field: x.y"},
		{"x.y", "m-v2", "key=null | null || value=null | Integer(2)"},
		{"x.y", "null-v2", "key=null | null || value=INT32? default=Integer(9) | null"},
		{"`a.b`", "s-v2", "key=null | null || value=STRING | String(dotted)"},
		{"`a.b`", "s-v2nodef", "key=null | null || value=STRING | String(dotted)"},
		{"`a.b`", "s-v1", "ERROR Unknown field: `a.b`"},
		{"`a.b`", "m-v2", "key=null | null || value=null | Integer(1)"},
		{"`a.b`", "null-v2", "key=null | null || value=STRING | null"},
		{"a.b", "s-v2", "ERROR Unknown field: a.b"},
		{"a.b", "s-v2nodef", "ERROR Unknown field: a.b"},
		{"a.b", "s-v1", "key=null | null || value=STRING | String(dotted)"},
		{"a.b", "m-v2", "key=null | null || value=null | null"},
		{"a.b", "null-v2", "ERROR Unknown field: a.b"},
		{"x.m", "s-v2", "key=null | null || value=MAP? | Map{k=Integer(1)}"},
		{"x.m", "s-v2nodef", "key=null | null || value=MAP? | Map{k=Integer(1)}"},
		{"x.m", "s-v1", "ERROR Unknown field: x.m"},
		{"x.m", "m-v2", "key=null | null || value=null | Integer(5)"},
		{"x.m", "null-v2", "key=null | null || value=MAP? | null"},
		{"x.m.k", "s-v2", "ERROR Cannot look up fields on non-struct type"},
		{"x.m.k", "s-v2nodef", "ERROR Cannot look up fields on non-struct type"},
		{"x.m.k", "s-v1", "ERROR Unknown field: x.m.k"},
		{"x.m.k", "m-v2", "ERROR Only Map objects supported in absence of schema for [nested field access], found: java.lang.Integer"},
		{"x.m.k", "null-v2", "ERROR Cannot look up fields on non-struct type"},
		{"s.q", "s-v2", "ERROR Cannot look up fields on non-struct type"},
		{"s.q", "s-v2nodef", "ERROR Cannot look up fields on non-struct type"},
		{"s.q", "s-v1", "ERROR Unknown field: s.q"},
		{"s.q", "m-v2", "key=null | null || value=null | null"},
		{"s.q", "null-v2", "ERROR Cannot look up fields on non-struct type"},
		{"x.zz", "s-v2", "ERROR Unknown field: x.zz"},
		{"x.zz", "s-v2nodef", "ERROR Unknown field: x.zz"},
		{"x.zz", "s-v1", "ERROR Unknown field: x.zz"},
		{"x.zz", "m-v2", "key=null | null || value=null | null"},
		{"x.zz", "null-v2", "ERROR Unknown field: x.zz"},
		{"zz.y", "s-v2", "ERROR Unknown field: zz.y"},
		{"zz.y", "s-v2nodef", "ERROR Unknown field: zz.y"},
		{"zz.y", "s-v1", "ERROR Unknown field: zz.y"},
		{"zz.y", "m-v2", "key=null | null || value=null | null"},
		{"zz.y", "null-v2", "ERROR Unknown field: zz.y"},
		{"", "s-v2", "ERROR fromIndex(0) > toIndex(-1)"},
		{"", "s-v2nodef", "ERROR fromIndex(0) > toIndex(-1)"},
		{"", "s-v1", "ERROR Unknown field: "},
		{"", "m-v2", "ERROR fromIndex(0) > toIndex(-1)"},
		{"", "null-v2", "ERROR fromIndex(0) > toIndex(-1)"},
		{".", "s-v2", "ERROR Unknown field: ."},
		{".", "s-v2nodef", "ERROR Unknown field: ."},
		{".", "s-v1", "ERROR Unknown field: ."},
		{".", "m-v2", "key=null | null || value=null | null"},
		{".", "null-v2", "ERROR Unknown field: ."},
		{"x.", "s-v2", "ERROR Unknown field: x."},
		{"x.", "s-v2nodef", "ERROR Unknown field: x."},
		{"x.", "s-v1", "ERROR Unknown field: x."},
		{"x.", "m-v2", "key=null | null || value=null | null"},
		{"x.", "null-v2", "ERROR Unknown field: x."},
		{"x", "s-v2", "key=null | null || value=STRUCT? {y:INT32? default=Integer(9);m:MAP?;} | Struct{y=null,m=Map{k=Integer(1)},}"},
		{"x", "s-v2nodef", "key=null | null || value=STRUCT? {y:INT32? default=Integer(9);m:MAP?;} | Struct{y=null,m=Map{k=Integer(1)},}"},
		{"x", "s-v1", "key=null | null || value=STRUCT? {y:INT32? default=Integer(9);m:MAP?;} | Struct{y=null,m=Map{k=Integer(1)},}"},
		{"x", "m-v2", "key=null | null || value=null | Map{m=Integer(5), y=Integer(2)}"},
		{"x", "null-v2", "key=null | null || value=STRUCT? {y:INT32? default=Integer(9);m:MAP?;} | null"},
		{"s", "s-v2", "key=null | null || value=STRING? | null"},
		{"s", "s-v2nodef", "key=null | null || value=STRING? | null"},
		{"s", "s-v1", "key=null | null || value=STRING? | null"},
		{"s", "m-v2", "key=null | null || value=null | null"},
		{"s", "null-v2", "key=null | null || value=STRING? | null"},
	} {
		var cfg connector.Config
		r := fldtRec(es, ev)
		switch c.mode {
		case "s-v2":
			cfg = fldtCfg("field", c.path, "field.syntax.version", "V2")
		case "s-v2nodef":
			cfg = fldtCfg("field", c.path, "field.syntax.version", "V2", "replace.null.with.default", "false")
		case "s-v1":
			cfg = fldtCfg("field", c.path)
		case "m-v2":
			cfg, r = fldtCfg("field", c.path, "field.syntax.version", "V2"), fldtRec(nil, mv)
		case "null-v2":
			cfg, r = fldtCfg("field", c.path, "field.syntax.version", "V2"), fldtRec(es, nil)
		}
		if got := fldtRun("ExtractField$Value", cfg, r); got != c.want {
			t.Errorf("%s %q:\n got %s\nwant %s", c.mode, c.path, got, c.want)
		}
	}
}
