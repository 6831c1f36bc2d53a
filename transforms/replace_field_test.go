package transforms

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestReplaceFieldConfig(t *testing.T) {
	fldtRunCases(t, []fldtCase{
		{"defaults", "ReplaceField$Value", fldtCfg(), nil, "configured"},
		{"bad mapping", "ReplaceField$Value", fldtCfg("renames", "a:b, c , d:e"), nil, "ERROR Invalid value [a:b, c, d:e] for configuration renames: Invalid rename mapping: c"},
		{"trailing colon dropped by split", "ReplaceField$Value", fldtCfg("renames", "a:b:"), nil, "configured"},
		{"empty old name", "ReplaceField$Value", fldtCfg("renames", ":b"), nil, "configured"},
		{"trailing empty item", "ReplaceField$Value", fldtCfg("renames", "a:b,"), nil, "ERROR Invalid value [a:b, ] for configuration renames: Invalid rename mapping: "},
		{"three parts", "ReplaceField$Key", fldtCfg("renames", "a:b:c"), nil, "ERROR Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c"},
		{"only colons", "ReplaceField$Key", fldtCfg("renames", "::"), nil, "ERROR Invalid value [::] for configuration renames: Invalid rename mapping: ::"},
		{"blacklist is gone", "ReplaceField$Value", fldtCfg("blacklist", "a"), fldtRec(nil, fldtMap("a", int32(1))), "key=null | null || value=null | Map{a=Integer(1)}"},
	})
}

func TestReplaceField(t *testing.T) {
	s := connector.StructBuilder().Field("dont", connector.StringSchema).Field("abc", connector.Int32Schema).
		Field("foo", connector.BooleanSchema).Field("etc", connector.StringSchema).MustBuild()
	v := fldtStruct(s, "dont", "whatever", "abc", int32(42), "foo", true, "etc", "etc")
	withDefault := connector.StructBuilder().SetName("n").SetVersion(4).
		Field("abc", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(42)).MustBuild()).MustBuild()
	fldtRunCases(t, []fldtCase{
		{"schemaless", "ReplaceField$Value", fldtCfg("exclude", "dont", "renames", "abc:xyz,foo:bar"),
			fldtRec(nil, fldtMap("dont", "whatever", "abc", int32(42), "foo", true, "etc", "etc")),
			"key=null | null || value=null | Map{bar=Boolean(true), etc=String(etc), xyz=Integer(42)}"},
		{"schemaless include absent", "ReplaceField$Value", fldtCfg("include", "abc,zz"),
			fldtRec(nil, fldtMap("dont", "whatever", "abc", int32(42))), "key=null | null || value=null | Map{abc=Integer(42)}"},
		{"schemaless map[any]any", "ReplaceField$Value", fldtCfg("renames", "a:b"), fldtRec(nil, map[any]any{"a": int32(1)}),
			"key=null | null || value=null | Map{b=Integer(1)}"},
		{"schemaless non-string key", "ReplaceField$Value", fldtCfg("renames", "a:b"), fldtRec(nil, map[any]any{int32(1): "x"}),
			"ERROR class java.lang.Integer cannot be cast to class java.lang.String (java.lang.Integer and java.lang.String are in module java.base of loader 'bootstrap')"},
		{"schemaless null key kept", "ReplaceField$Value", fldtCfg("renames", "a:b"), fldtRec(nil, map[any]any{nil: int32(1), "a": int32(2)}),
			"key=null | null || value=null | AnyMap{<nil>=Integer(1), b=Integer(2)}"},
		{"schemaless null key not included", "ReplaceField$Value", fldtCfg("include", "a"), fldtRec(nil, map[any]any{nil: int32(1), "a": int32(2)}),
			"key=null | null || value=null | Map{a=Integer(2)}"},
		{"struct", "ReplaceField$Value", fldtCfg("include", "abc,foo", "renames", "abc:xyz,foo:bar"), fldtRec(s, v),
			"key=null | null || value=STRUCT {xyz:INT32;bar:BOOLEAN;} | Struct{xyz=Integer(42),bar=Boolean(true),}"},
		{"struct include order is schema order", "ReplaceField$Key", fldtCfg("include", "c,a,zz", "renames", "a:A"), fldtKRec(fldtSchemaR, fldtValueR()), "key=STRUCT name=r {A:INT32;c:INT32;} | Struct{A=Integer(1),c=Integer(3),} || value=null | null"},
		{"exclude wins", "ReplaceField$Value", fldtCfg("include", "a,b", "exclude", "b"), fldtRec(fldtSchemaR, fldtValueR()), "key=null | null || value=STRUCT name=r {a:INT32;} | Struct{a=Integer(1),}"},
		{"rename onto existing", "ReplaceField$Value", fldtCfg("renames", "a:b"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR Cannot create field because of field name duplication b"},
		{"rename of absent field onto existing", "ReplaceField$Value", fldtCfg("renames", "zz:b"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR zz is not a valid field name"},
		{"two renames to one name, reverse order", "ReplaceField$Value", fldtCfg("renames", "a:x,c:x", "exclude", "c"), fldtRec(fldtSchemaR, fldtValueR()), "key=null | null || value=STRUCT name=r {x:INT32;b:INT32?;} | Struct{x=Integer(3),b=Integer(2),}"},
		{"two renames to one name, reverse order 2", "ReplaceField$Value", fldtCfg("renames", "c:x,a:x", "exclude", "c"), fldtRec(fldtSchemaR, fldtValueR()), "key=null | null || value=STRUCT name=r {x:INT32;b:INT32?;} | Struct{x=Integer(3),b=Integer(2),}"},
		{"replace.null.with.default true", "ReplaceField$Value", fldtCfg("include", "abc", "renames", "abc:optional_with_default"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=null | null || value=STRUCT name=n v=4 {optional_with_default:INT32? default=Integer(42);} | Struct{optional_with_default=Integer(42),}"},
		{"replace.null.with.default false", "ReplaceField$Key", fldtCfg("include", "abc", "renames", "abc:optional_with_default", "replace.null.with.default", "false"),
			fldtKRec(withDefault, fldtStruct(withDefault)),
			"key=STRUCT name=n v=4 {optional_with_default:INT32? default=Integer(42);} | Struct{optional_with_default=null,} || value=null | null"},
		{"not a map", "ReplaceField$Value", fldtCfg(), fldtRec(nil, "x"), "ERROR Only Map objects supported in absence of schema for [field replacement], found: java.lang.String"},
		{"not a struct", "ReplaceField$Value", fldtCfg(), fldtRec(connector.StringSchema, "x"), "ERROR Only Struct objects supported for [field replacement], found: java.lang.String"},
	})
}

// Which value a rename collision keeps depends on Java's HashMap iteration order.
func TestReplaceFieldCollisions(t *testing.T) {
	big := map[string]any{}
	var ren []string
	for i := 0; i < 40; i++ {
		big[fmt.Sprint("k", i)] = int32(i)
		ren = append(ren, fmt.Sprintf("k%d:t%d", i, i%7))
	}
	x := connector.StructBuilder().Field("x", connector.Int32Schema).MustBuild()
	fldtRunCases(t, []fldtCase{
		{"a:b", "ReplaceField$Value", fldtCfg("renames", "a:b"), fldtRec(nil, fldtMap("a", int32(1), "b", int32(2))), "key=null | null || value=null | Map{b=Integer(2)}"},
		{"b:a", "ReplaceField$Value", fldtCfg("renames", "b:a"), fldtRec(nil, fldtMap("a", int32(1), "b", int32(2))), "key=null | null || value=null | Map{a=Integer(2)}"},
		{"two to one", "ReplaceField$Value", fldtCfg("renames", "foo:bar,baz:bar"), fldtRec(nil, fldtMap("foo", int32(1), "baz", int32(2))), "key=null | null || value=null | Map{bar=Integer(2)}"},
		{"40 keys, 7 targets", "ReplaceField$Value", fldtCfg("renames", strings.Join(ren, ",")), fldtRec(nil, big), "key=null | null || value=null | Map{t0=Integer(28), t1=Integer(29), t2=Integer(9), t3=Integer(24), t4=Integer(25), t5=Integer(26), t6=Integer(27)}"},
		{"40 keys, onto existing", "ReplaceField$Value", fldtCfg("renames", "k1:k2,k3:k2,k30:k2,k17:k2"), fldtRec(nil, big), "key=null | null || value=null | Map{k0=Integer(0), k10=Integer(10), k11=Integer(11), k12=Integer(12), k13=Integer(13), k14=Integer(14), k15=Integer(15), k16=Integer(16), k18=Integer(18), k19=Integer(19), k2=Integer(3), k20=Integer(20), k21=Integer(21), k22=Integer(22), k23=Integer(23), k24=Integer(24), k25=Integer(25), k26=Integer(26), k27=Integer(27), k28=Integer(28), k29=Integer(29), k31=Integer(31), k32=Integer(32), k33=Integer(33), k34=Integer(34), k35=Integer(35), k36=Integer(36), k37=Integer(37), k38=Integer(38), k39=Integer(39), k4=Integer(4), k5=Integer(5), k6=Integer(6), k7=Integer(7), k8=Integer(8), k9=Integer(9)}"},
		{"reverse of 20 renames", "ReplaceField$Value", fldtCfg("renames", "a:x,b:x,c:x,d:x,e:x,f:x,g:x,h:x,i:x,j:x,k:x,l:x,m:x,n:x,o:x,p:x,q:x,r:x,s:x,t:x"),
			fldtRec(x, fldtStruct(x, "x", int32(1))), "ERROR t is not a valid field name"},
		{"repeated old name", "ReplaceField$Value", fldtCfg("renames", "a:x,a:y,b:y"), fldtRec(x, fldtStruct(x, "x", int32(1))), "key=null | null || value=STRUCT {x:INT32;} | Struct{x=Integer(1),}"},
	})
}

func TestReplaceFieldTombstones(t *testing.T) {
	for _, r := range []*connector.Record{fldtRec(nil, nil), fldtRec(fldtSchemaR, nil)} {
		o, err := fldtConfigure(t, "ReplaceField$Value", fldtCfg("include", "abc,foo", "renames", "abc:xyz,foo:bar")).Apply(r)
		if err != nil || o != r {
			t.Errorf("tombstone: %v %v", o, err)
		}
	}
}
