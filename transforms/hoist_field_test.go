package transforms

import (
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestHoistField(t *testing.T) {
	named := connector.NewSchemaBuilder(connector.TypeString).SetName("nm").SetVersion(3).MustBuild()
	fldtRunCases(t, []fldtCase{
		{"missing field", "HoistField$Value", fldtCfg(), nil, `ERROR Missing required configuration "field" which has no default value.`},
		{"schemaless", "HoistField$Key", fldtCfg("field", "magic"), fldtKRec(nil, int32(42)), "key=null | Map{magic=Integer(42)} || value=null | null"},
		{"schemaless null", "HoistField$Key", fldtCfg("field", " f "), fldtKRec(nil, nil), "key=null | Map{f=null} || value=null | null"},
		{"schemaless map", "HoistField$Value", fldtCfg("field", "m"), fldtRec(nil, fldtMap("a", int32(1))), "key=null | null || value=null | Map{m=Map{a=Integer(1)}}"},
		{"schema", "HoistField$Key", fldtCfg("field", "magic"), fldtKRec(connector.Int32Schema, int32(42)),
			"key=STRUCT {magic:INT32;} | Struct{magic=Integer(42),} || value=null | null"},
		{"schema keeps field schema", "HoistField$Value", fldtCfg("field", "f"), fldtRec(named, "v"), "key=null | null || value=STRUCT {f:STRING name=nm v=3;} | Struct{f=String(v),}"},
		{"struct in struct", "HoistField$Value", fldtCfg("field", "f"), fldtRec(fldtSchemaR, fldtValueR()),
			"key=null | null || value=STRUCT {f:STRUCT name=r {a:INT32;b:INT32?;c:INT32;};} | Struct{f=Struct{a=Integer(1),b=Integer(2),c=Integer(3),},}"},
		{"null into required", "HoistField$Value", fldtCfg("field", "f"), fldtRec(connector.Int32Schema, nil), `ERROR Invalid value: null used for required field: "f", schema type: INT32`},
		{"null into optional", "HoistField$Value", fldtCfg("field", "f"), fldtRec(connector.OptionalInt32Schema, nil), "key=null | null || value=STRUCT {f:INT32?;} | Struct{f=null,}"},
		{"empty field name", "HoistField$Value", fldtCfg("field", ""), fldtRec(connector.Int32Schema, int32(1)), "ERROR fieldName cannot be null."},
		{"empty field name schemaless", "HoistField$Value", fldtCfg("field", ""), fldtRec(nil, int32(1)), "key=null | null || value=null | Map{=Integer(1)}"},
	})
}

func TestHoistFieldSchemaCache(t *testing.T) {
	tr := fldtConfigure(t, "HoistField$Value", fldtCfg("field", "f"))
	a, _ := tr.Apply(fldtRec(connector.Int32Schema, int32(1)))
	b, _ := tr.Apply(fldtRec(connector.Int32Schema, int32(2)))
	if a.ValueSchema != b.ValueSchema {
		t.Errorf("schema not cached")
	}
	// The map is a fresh, mutable one.
	o, _ := tr.Apply(fldtRec(nil, int32(420)))
	o.Value.(map[string]any)["k"] = "v"
}
