package transforms

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

func TestMaskFieldConfig(t *testing.T) {
	fldtRunCases(t, []fldtCase{
		{"empty list", "MaskField$Value", fldtCfg("fields", ""), nil, "ERROR Invalid value [] for configuration fields: Empty list"},
		{"missing fields", "MaskField$Value", fldtCfg(), nil, `ERROR Missing required configuration "fields" which has no default value.`},
		{"blank replacement", "MaskField$Value", fldtCfg("fields", "a", "replacement", "  "), nil, "ERROR Invalid value  for configuration replacement: String must be non-empty"},
		{"bad boolean", "MaskField$Value", fldtCfg("fields", "a", "replace.null.with.default", " yes "), nil, "ERROR Invalid value  yes  for configuration replace.null.with.default: Expected value to be either true or false"},
		{"fields before replacement", "MaskField$Key", fldtCfg("fields", "", "replacement", ""), nil, "ERROR Invalid value [] for configuration fields: Empty list"},
	})
}

func maskFieldValues() map[string]any {
	return fldtMap("b", int8(1), "s", int16(1), "i", int32(1), "l", int64(1), "f", float32(1), "d", float64(1), "str", "x",
		"dec", fldtDec(15, 1), "date", time.UnixMilli(5).UTC(), "bool", true, "list", []any{int32(1)}, "m", fldtMap("a", int32(1)), "bytes", []byte{1})
}

func TestMaskField(t *testing.T) {
	stX := connector.StructBuilder().Field("x", connector.Int32Schema).MustBuild()
	ms := connector.StructBuilder().SetName("n").SetVersion(2).SetDoc("d").
		Field("i", connector.NewSchemaBuilder(connector.TypeInt32).Optional().SetDefault(int32(7)).MustBuild()).
		Field("st", stX).Field("dec", connector.DecimalSchema(2).MustBuild()).MustBuild()
	mv := fldtStruct(ms, "st", fldtStruct(stX, "x", int32(1)), "dec", fldtDec(150, 2))
	vals := maskFieldValues()
	date1 := fldtMap("int", int32(1), "date", time.UnixMilli(1))
	fldtRunCases(t, []fldtCase{
		{"date", "MaskField$Value", fldtCfg("fields", "date"), fldtRec(nil, vals), "key=null | null || value=null | Map{b=Byte(1), bool=Boolean(true), bytes=bytes(1), d=Double(1.0), date=Date(0), dec=BigDecimal(15e-1), f=Float(1.0), i=Integer(1), l=Long(1), list=ArrayList([1]), m=Map{a=Integer(1)}, s=Short(1), str=String(x)}"},
		{"bool", "MaskField$Value", fldtCfg("fields", "bool"), fldtRec(nil, vals), "key=null | null || value=null | Map{b=Byte(1), bool=Boolean(false), bytes=bytes(1), d=Double(1.0), date=Date(5), dec=BigDecimal(15e-1), f=Float(1.0), i=Integer(1), l=Long(1), list=ArrayList([1]), m=Map{a=Integer(1)}, s=Short(1), str=String(x)}"},
		{"list", "MaskField$Value", fldtCfg("fields", "list"), fldtRec(nil, vals), "key=null | null || value=null | Map{b=Byte(1), bool=Boolean(true), bytes=bytes(1), d=Double(1.0), date=Date(5), dec=BigDecimal(15e-1), f=Float(1.0), i=Integer(1), l=Long(1), list=ArrayList([]), m=Map{a=Integer(1)}, s=Short(1), str=String(x)}"},
		{"map", "MaskField$Value", fldtCfg("fields", "m"), fldtRec(nil, vals), "key=null | null || value=null | Map{b=Byte(1), bool=Boolean(true), bytes=bytes(1), d=Double(1.0), date=Date(5), dec=BigDecimal(15e-1), f=Float(1.0), i=Integer(1), l=Long(1), list=ArrayList([1]), m=Map{}, s=Short(1), str=String(x)}"},
		{"bytes", "MaskField$Value", fldtCfg("fields", "bytes"), fldtRec(nil, vals), "ERROR Cannot mask value of type: class [B"},
		{"all maskable", "MaskField$Value", fldtCfg("fields", "b,s,i,l,f,d,str,dec,date,bool,list,m"), fldtRec(nil, vals),
			"key=null | null || value=null | Map{b=Byte(0), bool=Boolean(false), bytes=bytes(1), d=Double(0.0), date=Date(0), dec=BigDecimal(0e-0), f=Float(0.0), i=Integer(0), l=Long(0), list=ArrayList([]), m=Map{}, s=Short(0), str=String()}"},
		{"replacement date", "MaskField$Value", fldtCfg("fields", "date", "replacement", "1"), fldtRec(nil, vals), "ERROR Cannot mask value of type class java.util.Date with custom replacement."},
		{"replacement bool", "MaskField$Value", fldtCfg("fields", "bool", "replacement", "1"), fldtRec(nil, vals), "ERROR Cannot mask value of type class java.lang.Boolean with custom replacement."},
		{"replacement list", "MaskField$Value", fldtCfg("fields", "list", "replacement", "1"), fldtRec(nil, vals), "ERROR Cannot mask value of type class java.util.ArrayList with custom replacement."},
		{"replacement map", "MaskField$Value", fldtCfg("fields", "m", "replacement", "1"), fldtRec(nil, vals), "ERROR Cannot mask value of type class java.util.HashMap with custom replacement."},
		{"replacement bytes", "MaskField$Value", fldtCfg("fields", "bytes", "replacement", "1"), fldtRec(nil, vals), "ERROR Cannot mask value of type class [B with custom replacement."},
		{"absent key added as null", "MaskField$Value", fldtCfg("fields", "zz,i"), fldtRec(nil, fldtMap("i", int32(5))), "key=null | null || value=null | Map{i=Integer(0), zz=null}"},
		{"map[any]any", "MaskField$Value", fldtCfg("fields", "i"), fldtRec(nil, map[any]any{"i": int32(5), int32(1): "x"}),
			"key=null | null || value=null | AnyMap{1=String(x), i=Integer(0)}"},
		{"null schemaless", "MaskField$Value", fldtCfg("fields", "zz,i"), fldtRec(nil, nil), "ERROR Only Map objects supported in absence of schema for [mask fields], found: null"},
		{"null with schema", "MaskField$Value", fldtCfg("fields", "zz,i"), fldtRec(connector.StructBuilder().Optional().MustBuild(), nil), "ERROR Only Struct objects supported for [mask fields], found: null"},
		{"struct with default", "MaskField$Value", fldtCfg("fields", "i,dec"), fldtRec(ms, mv), "key=null | null || value=STRUCT name=n v=2 doc=d {i:INT32? default=Integer(7);st:STRUCT {x:INT32;};dec:BYTES name=org.apache.kafka.connect.data.Decimal v=1 params={scale=2};} | Struct{i=Integer(0),st=Struct{x=Integer(1),},dec=BigDecimal(0e-0),}"},
		{"struct without default", "MaskField$Value", fldtCfg("fields", "i", "replace.null.with.default", "false"), fldtRec(ms, mv), "key=null | null || value=STRUCT name=n v=2 doc=d {i:INT32? default=Integer(7);st:STRUCT {x:INT32;};dec:BYTES name=org.apache.kafka.connect.data.Decimal v=1 params={scale=2};} | Struct{i=null,st=Struct{x=Integer(1),},dec=BigDecimal(150e-2),}"},
		{"struct field", "MaskField$Value", fldtCfg("fields", "st"), fldtRec(ms, mv), "ERROR Cannot mask value of type: class org.apache.kafka.connect.data.Struct"},
		{"struct replacement", "MaskField$Value", fldtCfg("fields", "dec,i", "replacement", "2.5"), fldtRec(ms, mv), "key=null | null || value=STRUCT name=n v=2 doc=d {i:INT32? default=Integer(7);st:STRUCT {x:INT32;};dec:BYTES name=org.apache.kafka.connect.data.Decimal v=1 params={scale=2};} | Struct{i=Integer(2),st=Struct{x=Integer(1),},dec=BigDecimal(25e-1),}"},
		{"key variant", "MaskField$Key", fldtCfg("fields", "a"), fldtKRec(fldtSchemaR, fldtValueR()),
			"key=STRUCT name=r {a:INT32;b:INT32?;c:INT32;} | Struct{a=Integer(0),b=Integer(2),c=Integer(3),} || value=null | null"},
		// With several unmaskable fields, the error is the first in Java's HashSet order.
		{"order 1", "MaskField$Value", fldtCfg("fields", "int,date", "replacement", "foo"), fldtRec(nil, date1), "ERROR Cannot mask value of type class java.util.Date with custom replacement."},
		{"order 2", "MaskField$Value", fldtCfg("fields", "date,int", "replacement", "foo"), fldtRec(nil, date1), "ERROR Cannot mask value of type class java.util.Date with custom replacement."},
		{"order 3", "MaskField$Value", fldtCfg("fields", "bool,list,m,bytes,date", "replacement", "x"), fldtRec(nil, vals), "ERROR Cannot mask value of type class java.util.Date with custom replacement."},
		{"order 4", "MaskField$Value", fldtCfg("fields", "bytes,list,m,bool", "replacement", "x"), fldtRec(nil, vals), "ERROR Cannot mask value of type class java.lang.Boolean with custom replacement."},
	})
	mv2 := map[string]any{}
	var flds []string
	for i := 0; i < 30; i++ {
		switch i % 3 {
		case 0:
			mv2[fmt.Sprint("f", i)] = true
		case 1:
			mv2[fmt.Sprint("f", i)] = []any{}
		default:
			mv2[fmt.Sprint("f", i)] = time.UnixMilli(int64(i))
		}
		flds = append(flds, fmt.Sprint("f", 29-i))
	}
	fldtRunCases(t, []fldtCase{
		{"many 1", "MaskField$Value", fldtCfg("fields", strings.Join(flds, ","), "replacement", "1"), fldtRec(nil, mv2), "ERROR Cannot mask value of type class java.util.ArrayList with custom replacement."},
		{"many 2", "MaskField$Value", fldtCfg("fields", "f2,f4,f5,f7,f8,f10,f11", "replacement", "1"), fldtRec(nil, mv2), "ERROR Cannot mask value of type class java.util.ArrayList with custom replacement."},
		{"many 3", "MaskField$Value", fldtCfg("fields", "f11,f10,f8,f7,f5,f4", "replacement", "1"), fldtRec(nil, mv2), "ERROR Cannot mask value of type class java.util.ArrayList with custom replacement."},
	})
}

// TestMaskFieldReplacement converts replacements to each type as Values.convertTo* and
// new BigDecimal(String) do.
func TestMaskFieldReplacement(t *testing.T) {
	for _, c := range []struct{ replacement, field, want string }{
		{"300", "b", "Byte(44)"},
		{"300", "s", "Short(300)"},
		{"300", "i", "Integer(300)"},
		{"300", "l", "Long(300)"},
		{"300", "f", "Float(300.0)"},
		{"300", "d", "Double(300.0)"},
		{"300", "dec", "BigDecimal(300e-0)"},
		{"300", "str", "String(300)"},
		{"1e3", "b", "Byte(-24)"},
		{"1e3", "s", "Short(1000)"},
		{"1e3", "i", "Integer(1000)"},
		{"1e3", "l", "Long(1000)"},
		{"1e3", "f", "Float(1000.0)"},
		{"1e3", "d", "Double(1000.0)"},
		{"1e3", "dec", "BigDecimal(1e--3)"},
		{"1e3", "str", "String(1e3)"},
		{"12.7", "b", "Byte(12)"},
		{"12.7", "s", "Short(12)"},
		{"12.7", "i", "Integer(12)"},
		{"12.7", "l", "Long(12)"},
		{"12.7", "f", "Float(12.7)"},
		{"12.7", "d", "Double(12.7)"},
		{"12.7", "dec", "BigDecimal(127e-1)"},
		{"12.7", "str", "String(12.7)"},
		{"-12.7", "b", "Byte(-12)"},
		{"-12.7", "s", "Short(-12)"},
		{"-12.7", "i", "Integer(-12)"},
		{"-12.7", "l", "Long(-12)"},
		{"-12.7", "f", "Float(-12.7)"},
		{"-12.7", "d", "Double(-12.7)"},
		{"-12.7", "dec", "BigDecimal(-127e-1)"},
		{"-12.7", "str", "String(-12.7)"},
		{"1e30", "b", "Byte(0)"},
		{"1e30", "s", "Short(0)"},
		{"1e30", "i", "Integer(1073741824)"},
		{"1e30", "l", "Long(5076944270305263616)"},
		{"1e30", "f", "Float(1.0E30)"},
		{"1e30", "d", "Double(1.0E30)"},
		{"1e30", "dec", "BigDecimal(1e--30)"},
		{"1e30", "str", "String(1e30)"},
		{"0.1", "b", "Byte(0)"},
		{"0.1", "s", "Short(0)"},
		{"0.1", "i", "Integer(0)"},
		{"0.1", "l", "Long(0)"},
		{"0.1", "f", "Float(0.1)"},
		{"0.1", "d", "Double(0.1)"},
		{"0.1", "dec", "BigDecimal(1e-1)"},
		{"0.1", "str", "String(0.1)"},
		{"-0", "b", "Byte(0)"},
		{"-0", "s", "Short(0)"},
		{"-0", "i", "Integer(0)"},
		{"-0", "l", "Long(0)"},
		{"-0", "f", "Float(0.0)"},
		{"-0", "d", "Double(0.0)"},
		{"-0", "dec", "BigDecimal(0e-0)"},
		{"-0", "str", "String(-0)"},
		{"-0.0", "b", "Byte(0)"},
		{"-0.0", "s", "Short(0)"},
		{"-0.0", "i", "Integer(0)"},
		{"-0.0", "l", "Long(0)"},
		{"-0.0", "f", "Float(0.0)"},
		{"-0.0", "d", "Double(0.0)"},
		{"-0.0", "dec", "BigDecimal(0e-1)"},
		{"-0.0", "str", "String(-0.0)"},
		{"1E+3", "b", "Byte(-24)"},
		{"1E+3", "s", "Short(1000)"},
		{"1E+3", "i", "Integer(1000)"},
		{"1E+3", "l", "Long(1000)"},
		{"1E+3", "f", "Float(1000.0)"},
		{"1E+3", "d", "Double(1000.0)"},
		{"1E+3", "dec", "BigDecimal(1e--3)"},
		{"1E+3", "str", "String(1E+3)"},
		{"+.5", "b", "Byte(0)"},
		{"+.5", "s", "Short(0)"},
		{"+.5", "i", "Integer(0)"},
		{"+.5", "l", "Long(0)"},
		{"+.5", "f", "Float(0.5)"},
		{"+.5", "d", "Double(0.5)"},
		{"+.5", "dec", "BigDecimal(5e-1)"},
		{"+.5", "str", "String(+.5)"},
		{"5.", "b", "Byte(5)"},
		{"5.", "s", "Short(5)"},
		{"5.", "i", "Integer(5)"},
		{"5.", "l", "Long(5)"},
		{"5.", "f", "Float(5.0)"},
		{"5.", "d", "Double(5.0)"},
		{"5.", "dec", "BigDecimal(5e-0)"},
		{"5.", "str", "String(5.)"},
		{"foo", "b", "ERROR Unable to convert foo (class java.lang.String) to a number"},
		{"foo", "s", "ERROR Unable to convert foo (class java.lang.String) to a number"},
		{"foo", "i", "ERROR Unable to convert foo (class java.lang.String) to a number"},
		{"foo", "l", "ERROR Unable to convert foo (class java.lang.String) to a number"},
		{"foo", "f", "ERROR Unable to convert foo (class java.lang.String) to a number"},
		{"foo", "d", "ERROR Unable to convert foo (class java.lang.String) to a number"},
		{"foo", "dec", "ERROR Unable to convert foo (class java.lang.String) to number"},
		{"foo", "str", "String(foo)"},
		{"1e-400", "b", "Byte(0)"},
		{"1e-400", "s", "Short(0)"},
		{"1e-400", "i", "Integer(0)"},
		{"1e-400", "l", "Long(0)"},
		{"1e-400", "f", "Float(0.0)"},
		{"1e-400", "d", "Double(0.0)"},
		{"1e-400", "dec", "BigDecimal(1e-400)"},
		{"1e-400", "str", "String(1e-400)"},
		{"-1e-400", "b", "Byte(0)"},
		{"-1e-400", "s", "Short(0)"},
		{"-1e-400", "i", "Integer(0)"},
		{"-1e-400", "l", "Long(0)"},
		{"-1e-400", "f", "Float(-0.0)"},
		{"-1e-400", "d", "Double(-0.0)"},
		{"-1e-400", "dec", "BigDecimal(-1e-400)"},
		{"-1e-400", "str", "String(-1e-400)"},
		{"9223372036854775808", "b", "Byte(0)"},
		{"9223372036854775808", "s", "Short(0)"},
		{"9223372036854775808", "i", "Integer(0)"},
		{"9223372036854775808", "l", "Long(-9223372036854775808)"},
		{"9223372036854775808", "f", "Float(9.223372E18)"},
		{"9223372036854775808", "d", "Double(9.223372036854776E18)"},
		{"9223372036854775808", "dec", "BigDecimal(9223372036854775808e-0)"},
		{"9223372036854775808", "str", "String(9223372036854775808)"},
		{"1e19", "b", "Byte(0)"},
		{"1e19", "s", "Short(0)"},
		{"1e19", "i", "Integer(-1981284352)"},
		{"1e19", "l", "Long(-8446744073709551616)"},
		{"1e19", "f", "Float(1.0E19)"},
		{"1e19", "d", "Double(1.0E19)"},
		{"1e19", "dec", "BigDecimal(1e--19)"},
		{"1e19", "str", "String(1e19)"},
		{"3.4e39", "b", "Byte(0)"},
		{"3.4e39", "s", "Short(0)"},
		{"3.4e39", "i", "Integer(0)"},
		{"3.4e39", "l", "Long(4924840673913339904)"},
		{"3.4e39", "f", "Float(Infinity)"},
		{"3.4e39", "d", "Double(3.4E39)"},
		{"3.4e39", "dec", "BigDecimal(34e--38)"},
		{"3.4e39", "str", "String(3.4e39)"},
	} {
		r := fldtRec(nil, maskFieldValues())
		got := fldtRun("MaskField$Value", fldtCfg("fields", c.field, "replacement", c.replacement), r)
		if !strings.HasPrefix(got, "ERROR") {
			o, _ := fldtConfigure(t, "MaskField$Value", fldtCfg("fields", c.field, "replacement", c.replacement)).Apply(r)
			got = fldtVal(o.Value.(map[string]any)[c.field])
		}
		if got != c.want {
			t.Errorf("%s as %s: got %s, want %s", c.replacement, c.field, got, c.want)
		}
	}
}

func TestParseJavaBigDecimal(t *testing.T) {
	for _, c := range []struct {
		s    string
		want string
	}{
		{"0", "0e0"}, {"-0.00", "0e2"}, {"+1", "1e0"}, {"1.", "1e0"}, {".5", "5e1"}, {"1e3", "1e-3"}, {"1E+3", "1e-3"}, {"1.50e-2", "150e4"},
		{"12345678901234567890123", "12345678901234567890123e0"}, {"1e2147483647", "1e-2147483647"},
		{"", "bad"}, {".", "bad"}, {"e1", "bad"}, {"1e", "bad"}, {"1e+", "bad"}, {"1..2", "bad"}, {"--1", "bad"}, {"1 ", "bad"},
		{"0x10", "bad"}, {"NaN", "bad"}, {"Infinity", "bad"}, {"1_000", "bad"}, {"1e2147483648", "bad"}, {"1e-2147483649", "bad"},
	} {
		d, ok := parseJavaBigDecimal(c.s)
		got := "bad"
		if ok {
			got = fmt.Sprintf("%de%d", d.unscaled, d.scale)
		}
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.s, got, c.want)
		}
	}
	for _, c := range []struct {
		s    string
		want int64
	}{{"1e30", 5076944270305263616}, {"1e19", -8446744073709551616}, {"-12.7", -12}, {"9223372036854775808", -9223372036854775808}, {"1e64", 0}, {"-1e-99", 0}, {"3e-1", 0}, {"123e-2", 1}} {
		d, _ := parseJavaBigDecimal(c.s)
		if got := d.longValue(); got != c.want {
			t.Errorf("longValue(%s) = %d, want %d", c.s, got, c.want)
		}
	}
}
