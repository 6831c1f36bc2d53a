package transforms

import (
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestValueToKey(t *testing.T) {
	abc := connector.StructBuilder().Field("a", connector.Int32Schema).Field("b", connector.Int32Schema).Field("c", connector.Int32Schema).MustBuild()
	withDefault := connector.StructBuilder().Field("optional_with_default", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(42)).MustBuild()).MustBuild()
	fldtRunCases(t, []fldtCase{
		{"empty list", "ValueToKey", fldtCfg("fields", " "), nil, "ERROR Invalid value [] for configuration fields: Empty list"},
		{"missing", "ValueToKey", fldtCfg(), nil, "ERROR Missing required configuration \"fields\" which has no default value."},
		{"schemaless", "ValueToKey", fldtCfg("fields", "a,b"), fldtRec(nil, fldtMap("a", int32(1), "b", int32(2), "c", int32(3))),
			"key=null | Map{a=Integer(1), b=Integer(2)} || value=null | Map{a=Integer(1), b=Integer(2), c=Integer(3)}"},
		{"schemaless absent field", "ValueToKey", fldtCfg("fields", "c,zz"), fldtRec(nil, fldtMap("c", int32(1))), "key=null | Map{c=Integer(1), zz=null} || value=null | Map{c=Integer(1)}"},
		{"schemaless map[any]any", "ValueToKey", fldtCfg("fields", "a"), fldtRec(nil, map[any]any{"a": int32(1)}),
			"key=null | Map{a=Integer(1)} || value=null | AnyMap{a=Integer(1)}"},
		{"list splitting", "ValueToKey", fldtCfg("fields", " a ,\tb , , c,\v"), fldtRec(nil, fldtMap("a", int32(1), "b", int32(2), "c", int32(3), "", int32(4))), "key=null | Map{=Integer(4), a=Integer(1), b=Integer(2), c=Integer(3)} || value=null | Map{=Integer(4), a=Integer(1), b=Integer(2), c=Integer(3)}"},
		{"schema", "ValueToKey", fldtCfg("fields", "a,b"), fldtRec(abc, fldtStruct(abc, "a", int32(1), "b", int32(2), "c", int32(3))),
			"key=STRUCT {a:INT32;b:INT32;} | Struct{a=Integer(1),b=Integer(2),} || value=STRUCT {a:INT32;b:INT32;c:INT32;} | Struct{a=Integer(1),b=Integer(2),c=Integer(3),}"},
		{"schema config order", "ValueToKey", fldtCfg("fields", "c,a"), fldtRec(fldtSchemaR, fldtValueR()), "key=STRUCT {c:INT32;a:INT32;} | Struct{c=Integer(3),a=Integer(1),} || value=STRUCT name=r {a:INT32;b:INT32?;c:INT32;} | Struct{a=Integer(1),b=Integer(2),c=Integer(3),}"},
		{"missing field", "ValueToKey", fldtCfg("fields", "not_exist"), fldtRec(abc, fldtStruct(abc, "a", int32(1), "b", int32(2), "c", int32(3))), "ERROR Field does not exist: not_exist"},
		{"missing before duplicate", "ValueToKey", fldtCfg("fields", "a,zz,a"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR Field does not exist: zz"},
		{"duplicate before missing", "ValueToKey", fldtCfg("fields", "a,a,zz"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR Cannot create field because of field name duplication a"},
		{"null schemaless", "ValueToKey", fldtCfg("fields", "a"), fldtRec(nil, nil), "ERROR Only Map objects supported in absence of schema for [copying fields from value to key], found: null"},
		{"null with schema", "ValueToKey", fldtCfg("fields", "a"), fldtRec(fldtSchemaR, nil), "ERROR Only Struct objects supported for [copying fields from value to key], found: null"},
		{"replace.null.with.default true", "ValueToKey", fldtCfg("fields", "optional_with_default"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=STRUCT {optional_with_default:INT32? default=Integer(42);} | Struct{optional_with_default=Integer(42),} || value=STRUCT {optional_with_default:INT32? default=Integer(42);} | Struct{optional_with_default=null,}"},
		{"replace.null.with.default false", "ValueToKey", fldtCfg("fields", "optional_with_default", "replace.null.with.default", "false"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=STRUCT {optional_with_default:INT32? default=Integer(42);} | Struct{optional_with_default=null,} || value=STRUCT {optional_with_default:INT32? default=Integer(42);} | Struct{optional_with_default=null,}"},
	})
}

func TestValueToKeyKeepsValueAndCachesSchema(t *testing.T) {
	tr := fldtConfigure(t, "ValueToKey", fldtCfg("fields", "a"))
	r := fldtRec(fldtSchemaR, fldtValueR())
	r.KeySchema, r.Key = connector.StringSchema, "old"
	o1, err := tr.Apply(r)
	if err != nil {
		t.Fatal(err)
	}
	o2, _ := tr.Apply(fldtRec(fldtSchemaR, fldtValueR()))
	if o1.Value != r.Value || o1.ValueSchema != r.ValueSchema || o1.KeySchema != o2.KeySchema {
		t.Errorf("value not kept or key schema not cached")
	}
	if _, ok := transformations[javaPackage+"ValueToKey$Value"]; ok {
		t.Errorf("ValueToKey has no $Key/$Value variants")
	}
}
