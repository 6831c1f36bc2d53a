package transforms

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// ---------------------------------------------------------------- helpers shared by the tests of
// Cast, TimestampConverter, Flatten and SetSchemaMetadata

// cfDesc renders a value as the Java generator of the expectations printed it:
// SimpleClassName:toString().
func cfDesc(o any) string {
	switch x := o.(type) {
	case nil:
		return "null"
	case []byte:
		parts := make([]string, len(x))
		for i, b := range x {
			parts[i] = fmt.Sprint(int8(b))
		}
		return "bytes[" + strings.Join(parts, ", ") + "]"
	case time.Time:
		return fmt.Sprintf("Date(%d)", x.UnixMilli())
	}
	n := map[string]string{"int8": "Byte", "int16": "Short", "int32": "Integer", "int64": "Long", "float32": "Float",
		"float64": "Double", "bool": "Boolean", "string": "String", "connector.Decimal": "BigDecimal",
		"*connector.Struct": "Struct", "[]interface {}": "ArrayList"}[fmt.Sprintf("%T", o)]
	return n + ":" + castJavaToString(o)
}

// cfRun configures t, applies it to a value record and renders the outcome as the Java
// generator did: "<schema> opt=<optional> def=<default> ver=<version> | <value>" or
// "ERR <message>".
func cfRun(name string, t connector.Transformation, cfg map[string]string, s *connector.Schema, v any) string {
	if err := t.Configure(cfg); err != nil {
		return name + " => ERR " + err.Error()
	}
	r, err := t.Apply(&connector.Record{Topic: "t", ValueSchema: s, Value: v})
	if err != nil {
		return name + " => ERR " + err.Error()
	}
	res := "null"
	if vs := r.ValueSchema; vs != nil {
		ver := "null"
		if vs.Version != nil {
			ver = fmt.Sprint(*vs.Version)
		}
		def := "null"
		if vs.Default != nil {
			def = castJavaToString(vs.Default)
		}
		res = fmt.Sprintf("%s opt=%v def=%s ver=%s", tscSchemaString(vs), vs.Optional, def, ver)
	}
	return name + " => " + res + " | " + cfDesc(r.Value)
}

// cfCheckRuns compares runs with the expectations (one "name => result" per line).
func cfCheckRuns(t *testing.T, expected string, got []string) {
	t.Helper()
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(expected), "\n") {
		i := strings.Index(l, " => ")
		want[l[:i]] = l[i+4:]
	}
	for _, g := range got {
		i := strings.Index(g, " => ")
		w, ok := want[g[:i]]
		if !ok {
			t.Errorf("no expectation for %q", g[:i])
			continue
		}
		if g[i+4:] != w {
			t.Errorf("%s\n   got:  %s\n   Java: %s", g[:i], g[i+4:], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d runs, %d expectations", len(got), len(want))
	}
}

func cfCfg(kv ...string) map[string]string {
	r := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r
}

func cfNewSMT(t *testing.T, class string) connector.Transformation {
	t.Helper()
	f, ok := transformations[javaPackage+class]
	if !ok {
		t.Fatalf("%s is not registered", class)
	}
	return f()
}

func cfDecimal(s string) connector.Decimal {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		fmt.Sscan(s[i+1:], &exp)
		mant = s[:i]
	}
	scale := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	u, _ := new(big.Int).SetString(mant, 10)
	return connector.Decimal{Unscaled: u, Scale: int32(scale - exp)}
}

func cfMs(n int64) time.Time { return time.UnixMilli(n).UTC() }

func cfStruct(t *testing.T, s *connector.Schema, kv ...any) *connector.Struct {
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

// ---------------------------------------------------------------- Cast

// castJavaExpected was produced by Apache Kafka Connect 4.1.2's Cast$Value on JDK 17
// (exception class names dropped, messages kept).
const castJavaExpected = `
cast ts default => ERR Invalid default value
cast ts => Schema{org.apache.kafka.connect.data.Timestamp:INT64} opt=false def=null ver=1 | Long:10
cast struct default => ERR Cast transformation does not support casting from STRUCT; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]
cast spec [a:b:c,x:int8] => ERR Invalid value [a:b:c, x:int8] for configuration renames: Invalid rename mapping: a:b:c
cast spec [:] => ERR Index 1 out of bounds for length 0
cast spec [a:] => ERR Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.A for configuration Invalid type found in casting spec: a
cast spec [,] => ERR Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type. for configuration Invalid type found in casting spec: 
cast spec [ int8 ] => null | null
cast spec [bytes] => ERR Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]
cast spec [struct] => ERR Cast transformation does not support casting to STRUCT; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]
cast spec [a:int8,int8] => ERR Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec
cast spec [] => ERR Must specify at least one field to cast.
cast spec [a:foo] => ERR Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.FOO for configuration Invalid type found in casting spec: foo
cast spec [ınt8] => null | null
cast spec [a::] => ERR Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.A for configuration Invalid type found in casting spec: a
cast spec [::] => ERR Index 1 out of bounds for length 0
cast Byte:5 -> int8 => null | Byte:5
cast Byte:5 -> int16 => null | Short:5
cast Byte:5 -> int32 => null | Integer:5
cast Byte:5 -> int64 => null | Long:5
cast Byte:5 -> float32 => null | Float:5.0
cast Byte:5 -> float64 => null | Double:5.0
cast Byte:5 -> boolean => null | Boolean:true
cast Byte:5 -> string => null | String:5
cast Short:300 -> int8 => null | Byte:44
cast Short:300 -> int16 => null | Short:300
cast Short:300 -> int32 => null | Integer:300
cast Short:300 -> int64 => null | Long:300
cast Short:300 -> float32 => null | Float:300.0
cast Short:300 -> float64 => null | Double:300.0
cast Short:300 -> boolean => null | Boolean:true
cast Short:300 -> string => null | String:300
cast Integer:70000 -> int8 => null | Byte:112
cast Integer:70000 -> int16 => null | Short:4464
cast Integer:70000 -> int32 => null | Integer:70000
cast Integer:70000 -> int64 => null | Long:70000
cast Integer:70000 -> float32 => null | Float:70000.0
cast Integer:70000 -> float64 => null | Double:70000.0
cast Integer:70000 -> boolean => null | Boolean:true
cast Integer:70000 -> string => null | String:70000
cast Long:5000000000 -> int8 => null | Byte:0
cast Long:5000000000 -> int16 => null | Short:-3584
cast Long:5000000000 -> int32 => null | Integer:705032704
cast Long:5000000000 -> int64 => null | Long:5000000000
cast Long:5000000000 -> float32 => null | Float:5.0E9
cast Long:5000000000 -> float64 => null | Double:5.0E9
cast Long:5000000000 -> boolean => null | Boolean:true
cast Long:5000000000 -> string => null | String:5000000000
cast Float:1.5 -> int8 => null | Byte:1
cast Float:1.5 -> int16 => null | Short:1
cast Float:1.5 -> int32 => null | Integer:1
cast Float:1.5 -> int64 => null | Long:1
cast Float:1.5 -> float32 => null | Float:1.5
cast Float:1.5 -> float64 => null | Double:1.5
cast Float:1.5 -> boolean => null | Boolean:true
cast Float:1.5 -> string => null | String:1.5
cast Double:-2.7 -> int8 => null | Byte:-2
cast Double:-2.7 -> int16 => null | Short:-2
cast Double:-2.7 -> int32 => null | Integer:-2
cast Double:-2.7 -> int64 => null | Long:-2
cast Double:-2.7 -> float32 => null | Float:-2.7
cast Double:-2.7 -> float64 => null | Double:-2.7
cast Double:-2.7 -> boolean => null | Boolean:true
cast Double:-2.7 -> string => null | String:-2.7
cast Double:1.0E10 -> int8 => null | Byte:-1
cast Double:1.0E10 -> int16 => null | Short:-1
cast Double:1.0E10 -> int32 => null | Integer:2147483647
cast Double:1.0E10 -> int64 => null | Long:10000000000
cast Double:1.0E10 -> float32 => null | Float:1.0E10
cast Double:1.0E10 -> float64 => null | Double:1.0E10
cast Double:1.0E10 -> boolean => null | Boolean:true
cast Double:1.0E10 -> string => null | String:1.0E10
cast Float:3.4E38 -> int8 => null | Byte:-1
cast Float:3.4E38 -> int16 => null | Short:-1
cast Float:3.4E38 -> int32 => null | Integer:2147483647
cast Float:3.4E38 -> int64 => null | Long:9223372036854775807
cast Float:3.4E38 -> float32 => null | Float:3.4E38
cast Float:3.4E38 -> float64 => null | Double:3.3999999521443642E38
cast Float:3.4E38 -> boolean => null | Boolean:true
cast Float:3.4E38 -> string => null | String:3.4E38
cast Double:NaN -> int8 => null | Byte:0
cast Double:NaN -> int16 => null | Short:0
cast Double:NaN -> int32 => null | Integer:0
cast Double:NaN -> int64 => null | Long:0
cast Double:NaN -> float32 => null | Float:NaN
cast Double:NaN -> float64 => null | Double:NaN
cast Double:NaN -> boolean => null | Boolean:false
cast Double:NaN -> string => null | String:NaN
cast Float:Infinity -> int8 => null | Byte:-1
cast Float:Infinity -> int16 => null | Short:-1
cast Float:Infinity -> int32 => null | Integer:2147483647
cast Float:Infinity -> int64 => null | Long:9223372036854775807
cast Float:Infinity -> float32 => null | Float:Infinity
cast Float:Infinity -> float64 => null | Double:Infinity
cast Float:Infinity -> boolean => null | Boolean:true
cast Float:Infinity -> string => null | String:Infinity
cast Boolean:true -> int8 => null | Byte:1
cast Boolean:true -> int16 => null | Short:1
cast Boolean:true -> int32 => null | Integer:1
cast Boolean:true -> int64 => null | Long:1
cast Boolean:true -> float32 => null | Float:1.0
cast Boolean:true -> float64 => null | Double:1.0
cast Boolean:true -> boolean => null | Boolean:true
cast Boolean:true -> string => null | String:true
cast String:12 -> int8 => null | Byte:12
cast String:12 -> int16 => null | Short:12
cast String:12 -> int32 => null | Integer:12
cast String:12 -> int64 => null | Long:12
cast String:12 -> float32 => null | Float:12.0
cast String:12 -> float64 => null | Double:12.0
cast String:12 -> boolean => null | Boolean:false
cast String:12 -> string => null | String:12
cast String: 12 -> int8 => ERR Value ( 12) was out of range for requested data type
cast String: 12 -> int16 => ERR Value ( 12) was out of range for requested data type
cast String: 12 -> int32 => ERR Value ( 12) was out of range for requested data type
cast String: 12 -> int64 => ERR Value ( 12) was out of range for requested data type
cast String: 12 -> float32 => null | Float:12.0
cast String: 12 -> float64 => null | Double:12.0
cast String: 12 -> boolean => null | Boolean:false
cast String: 12 -> string => null | String: 12
cast String:+12 -> int8 => null | Byte:12
cast String:+12 -> int16 => null | Short:12
cast String:+12 -> int32 => null | Integer:12
cast String:+12 -> int64 => null | Long:12
cast String:+12 -> float32 => null | Float:12.0
cast String:+12 -> float64 => null | Double:12.0
cast String:+12 -> boolean => null | Boolean:false
cast String:+12 -> string => null | String:+12
cast String:1.5 -> int8 => ERR Value (1.5) was out of range for requested data type
cast String:1.5 -> int16 => ERR Value (1.5) was out of range for requested data type
cast String:1.5 -> int32 => ERR Value (1.5) was out of range for requested data type
cast String:1.5 -> int64 => ERR Value (1.5) was out of range for requested data type
cast String:1.5 -> float32 => null | Float:1.5
cast String:1.5 -> float64 => null | Double:1.5
cast String:1.5 -> boolean => null | Boolean:false
cast String:1.5 -> string => null | String:1.5
cast String:١٢ -> int8 => null | Byte:12
cast String:١٢ -> int16 => null | Short:12
cast String:١٢ -> int32 => null | Integer:12
cast String:١٢ -> int64 => null | Long:12
cast String:١٢ -> float32 => ERR Value (١٢) was out of range for requested data type
cast String:١٢ -> float64 => ERR Value (١٢) was out of range for requested data type
cast String:١٢ -> boolean => null | Boolean:false
cast String:١٢ -> string => null | String:١٢
cast String:0x1p3 -> int8 => ERR Value (0x1p3) was out of range for requested data type
cast String:0x1p3 -> int16 => ERR Value (0x1p3) was out of range for requested data type
cast String:0x1p3 -> int32 => ERR Value (0x1p3) was out of range for requested data type
cast String:0x1p3 -> int64 => ERR Value (0x1p3) was out of range for requested data type
cast String:0x1p3 -> float32 => null | Float:8.0
cast String:0x1p3 -> float64 => null | Double:8.0
cast String:0x1p3 -> boolean => null | Boolean:false
cast String:0x1p3 -> string => null | String:0x1p3
cast String:1e3 -> int8 => ERR Value (1e3) was out of range for requested data type
cast String:1e3 -> int16 => ERR Value (1e3) was out of range for requested data type
cast String:1e3 -> int32 => ERR Value (1e3) was out of range for requested data type
cast String:1e3 -> int64 => ERR Value (1e3) was out of range for requested data type
cast String:1e3 -> float32 => null | Float:1000.0
cast String:1e3 -> float64 => null | Double:1000.0
cast String:1e3 -> boolean => null | Boolean:false
cast String:1e3 -> string => null | String:1e3
cast String:1f -> int8 => ERR Value (1f) was out of range for requested data type
cast String:1f -> int16 => ERR Value (1f) was out of range for requested data type
cast String:1f -> int32 => ERR Value (1f) was out of range for requested data type
cast String:1f -> int64 => ERR Value (1f) was out of range for requested data type
cast String:1f -> float32 => null | Float:1.0
cast String:1f -> float64 => null | Double:1.0
cast String:1f -> boolean => null | Boolean:false
cast String:1f -> string => null | String:1f
cast String: 1.5  -> int8 => ERR Value ( 1.5 ) was out of range for requested data type
cast String: 1.5  -> int16 => ERR Value ( 1.5 ) was out of range for requested data type
cast String: 1.5  -> int32 => ERR Value ( 1.5 ) was out of range for requested data type
cast String: 1.5  -> int64 => ERR Value ( 1.5 ) was out of range for requested data type
cast String: 1.5  -> float32 => null | Float:1.5
cast String: 1.5  -> float64 => null | Double:1.5
cast String: 1.5  -> boolean => null | Boolean:false
cast String: 1.5  -> string => null | String: 1.5 
cast String:NaN -> int8 => ERR Value (NaN) was out of range for requested data type
cast String:NaN -> int16 => ERR Value (NaN) was out of range for requested data type
cast String:NaN -> int32 => ERR Value (NaN) was out of range for requested data type
cast String:NaN -> int64 => ERR Value (NaN) was out of range for requested data type
cast String:NaN -> float32 => null | Float:NaN
cast String:NaN -> float64 => null | Double:NaN
cast String:NaN -> boolean => null | Boolean:false
cast String:NaN -> string => null | String:NaN
cast String:-Infinity -> int8 => ERR Value (-Infinity) was out of range for requested data type
cast String:-Infinity -> int16 => ERR Value (-Infinity) was out of range for requested data type
cast String:-Infinity -> int32 => ERR Value (-Infinity) was out of range for requested data type
cast String:-Infinity -> int64 => ERR Value (-Infinity) was out of range for requested data type
cast String:-Infinity -> float32 => null | Float:-Infinity
cast String:-Infinity -> float64 => null | Double:-Infinity
cast String:-Infinity -> boolean => null | Boolean:false
cast String:-Infinity -> string => null | String:-Infinity
cast String:1_0 -> int8 => ERR Value (1_0) was out of range for requested data type
cast String:1_0 -> int16 => ERR Value (1_0) was out of range for requested data type
cast String:1_0 -> int32 => ERR Value (1_0) was out of range for requested data type
cast String:1_0 -> int64 => ERR Value (1_0) was out of range for requested data type
cast String:1_0 -> float32 => ERR Value (1_0) was out of range for requested data type
cast String:1_0 -> float64 => ERR Value (1_0) was out of range for requested data type
cast String:1_0 -> boolean => null | Boolean:false
cast String:1_0 -> string => null | String:1_0
cast String:1. -> int8 => ERR Value (1.) was out of range for requested data type
cast String:1. -> int16 => ERR Value (1.) was out of range for requested data type
cast String:1. -> int32 => ERR Value (1.) was out of range for requested data type
cast String:1. -> int64 => ERR Value (1.) was out of range for requested data type
cast String:1. -> float32 => null | Float:1.0
cast String:1. -> float64 => null | Double:1.0
cast String:1. -> boolean => null | Boolean:false
cast String:1. -> string => null | String:1.
cast String:.5 -> int8 => ERR Value (.5) was out of range for requested data type
cast String:.5 -> int16 => ERR Value (.5) was out of range for requested data type
cast String:.5 -> int32 => ERR Value (.5) was out of range for requested data type
cast String:.5 -> int64 => ERR Value (.5) was out of range for requested data type
cast String:.5 -> float32 => null | Float:0.5
cast String:.5 -> float64 => null | Double:0.5
cast String:.5 -> boolean => null | Boolean:false
cast String:.5 -> string => null | String:.5
cast String:1e -> int8 => ERR Value (1e) was out of range for requested data type
cast String:1e -> int16 => ERR Value (1e) was out of range for requested data type
cast String:1e -> int32 => ERR Value (1e) was out of range for requested data type
cast String:1e -> int64 => ERR Value (1e) was out of range for requested data type
cast String:1e -> float32 => ERR Value (1e) was out of range for requested data type
cast String:1e -> float64 => ERR Value (1e) was out of range for requested data type
cast String:1e -> boolean => null | Boolean:false
cast String:1e -> string => null | String:1e
cast String:true -> int8 => ERR Value (true) was out of range for requested data type
cast String:true -> int16 => ERR Value (true) was out of range for requested data type
cast String:true -> int32 => ERR Value (true) was out of range for requested data type
cast String:true -> int64 => ERR Value (true) was out of range for requested data type
cast String:true -> float32 => ERR Value (true) was out of range for requested data type
cast String:true -> float64 => ERR Value (true) was out of range for requested data type
cast String:true -> boolean => null | Boolean:true
cast String:true -> string => null | String:true
cast String:TRUE -> int8 => ERR Value (TRUE) was out of range for requested data type
cast String:TRUE -> int16 => ERR Value (TRUE) was out of range for requested data type
cast String:TRUE -> int32 => ERR Value (TRUE) was out of range for requested data type
cast String:TRUE -> int64 => ERR Value (TRUE) was out of range for requested data type
cast String:TRUE -> float32 => ERR Value (TRUE) was out of range for requested data type
cast String:TRUE -> float64 => ERR Value (TRUE) was out of range for requested data type
cast String:TRUE -> boolean => null | Boolean:true
cast String:TRUE -> string => null | String:TRUE
cast String:yes -> int8 => ERR Value (yes) was out of range for requested data type
cast String:yes -> int16 => ERR Value (yes) was out of range for requested data type
cast String:yes -> int32 => ERR Value (yes) was out of range for requested data type
cast String:yes -> int64 => ERR Value (yes) was out of range for requested data type
cast String:yes -> float32 => ERR Value (yes) was out of range for requested data type
cast String:yes -> float64 => ERR Value (yes) was out of range for requested data type
cast String:yes -> boolean => null | Boolean:false
cast String:yes -> string => null | String:yes
cast bytes[1, 2, 3] -> int8 => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> int16 => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> int32 => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> int64 => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> float32 => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> float64 => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> boolean => ERR Unexpected type in Cast transformation: class [B
cast bytes[1, 2, 3] -> string => null | String:AQID
cast BigDecimal:123.456 -> int8 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> int16 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> int32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> int64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> float32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> float64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> boolean => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123.456 -> string => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> int8 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> int16 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> int32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> int64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> float32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> float64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> boolean => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:-1E+3 -> string => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> int8 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> int16 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> int32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> int64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> float32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> float64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> boolean => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:1E-7 -> string => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> int8 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> int16 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> int32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> int64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> float32 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> float64 => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> boolean => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast BigDecimal:123456789012345678901234567890.5 -> string => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast Double:1.0E-5 -> int8 => null | Byte:0
cast Double:1.0E-5 -> int16 => null | Short:0
cast Double:1.0E-5 -> int32 => null | Integer:0
cast Double:1.0E-5 -> int64 => null | Long:0
cast Double:1.0E-5 -> float32 => null | Float:1.0E-5
cast Double:1.0E-5 -> float64 => null | Double:1.0E-5
cast Double:1.0E-5 -> boolean => null | Boolean:false
cast Double:1.0E-5 -> string => null | String:1.0E-5
cast Double:100.0 -> int8 => null | Byte:100
cast Double:100.0 -> int16 => null | Short:100
cast Double:100.0 -> int32 => null | Integer:100
cast Double:100.0 -> int64 => null | Long:100
cast Double:100.0 -> float32 => null | Float:100.0
cast Double:100.0 -> float64 => null | Double:100.0
cast Double:100.0 -> boolean => null | Boolean:true
cast Double:100.0 -> string => null | String:100.0
cast Double:1.0E7 -> int8 => null | Byte:-128
cast Double:1.0E7 -> int16 => null | Short:-27008
cast Double:1.0E7 -> int32 => null | Integer:10000000
cast Double:1.0E7 -> int64 => null | Long:10000000
cast Double:1.0E7 -> float32 => null | Float:1.0E7
cast Double:1.0E7 -> float64 => null | Double:1.0E7
cast Double:1.0E7 -> boolean => null | Boolean:true
cast Double:1.0E7 -> string => null | String:1.0E7
cast Float:123456.79 -> int8 => null | Byte:64
cast Float:123456.79 -> int16 => null | Short:-7616
cast Float:123456.79 -> int32 => null | Integer:123456
cast Float:123456.79 -> int64 => null | Long:123456
cast Float:123456.79 -> float32 => null | Float:123456.79
cast Float:123456.79 -> float64 => null | Double:123456.7890625
cast Float:123456.79 -> boolean => null | Boolean:true
cast Float:123456.79 -> string => null | String:123456.79
cast Double:0.001 -> int8 => null | Byte:0
cast Double:0.001 -> int16 => null | Short:0
cast Double:0.001 -> int32 => null | Integer:0
cast Double:0.001 -> int64 => null | Long:0
cast Double:0.001 -> float32 => null | Float:0.001
cast Double:0.001 -> float64 => null | Double:0.001
cast Double:0.001 -> boolean => null | Boolean:false
cast Double:0.001 -> string => null | String:0.001
cast Double:4.9E-324 -> int8 => null | Byte:0
cast Double:4.9E-324 -> int16 => null | Short:0
cast Double:4.9E-324 -> int32 => null | Integer:0
cast Double:4.9E-324 -> int64 => null | Long:0
cast Double:4.9E-324 -> float32 => null | Float:0.0
cast Double:4.9E-324 -> float64 => null | Double:4.9E-324
cast Double:4.9E-324 -> boolean => null | Boolean:false
cast Double:4.9E-324 -> string => null | String:4.9E-324
cast Double:1.7976931348623157E308 -> int8 => null | Byte:-1
cast Double:1.7976931348623157E308 -> int16 => null | Short:-1
cast Double:1.7976931348623157E308 -> int32 => null | Integer:2147483647
cast Double:1.7976931348623157E308 -> int64 => null | Long:9223372036854775807
cast Double:1.7976931348623157E308 -> float32 => null | Float:Infinity
cast Double:1.7976931348623157E308 -> float64 => null | Double:1.7976931348623157E308
cast Double:1.7976931348623157E308 -> boolean => null | Boolean:true
cast Double:1.7976931348623157E308 -> string => null | String:1.7976931348623157E308
cast Double:0.002 -> int8 => null | Byte:0
cast Double:0.002 -> int16 => null | Short:0
cast Double:0.002 -> int32 => null | Integer:0
cast Double:0.002 -> int64 => null | Long:0
cast Double:0.002 -> float32 => null | Float:0.002
cast Double:0.002 -> float64 => null | Double:0.002
cast Double:0.002 -> boolean => null | Boolean:false
cast Double:0.002 -> string => null | String:0.002
cast date schemaless => ERR Cast transformation was passed a value of type class java.util.Date which is not supported by Connect's data API
cast timestamp 0 -> string => Schema{org.apache.kafka.connect.data.Timestamp:STRING} opt=false def=null ver=1 | String:00:00:00.000Z
cast timestamp 86400000 -> string => Schema{org.apache.kafka.connect.data.Timestamp:STRING} opt=false def=null ver=1 | String:1970-01-02
cast timestamp 1700000000123 -> string => Schema{org.apache.kafka.connect.data.Timestamp:STRING} opt=false def=null ver=1 | String:2023-11-14T22:13:20.123Z
cast timestamp -5 -> string => Schema{org.apache.kafka.connect.data.Timestamp:STRING} opt=false def=null ver=1 | String:23:59:59.995Z
cast timestamp 259200000 -> string => Schema{org.apache.kafka.connect.data.Timestamp:STRING} opt=false def=null ver=1 | String:1970-01-04
cast timestamp 1234 -> string => Schema{org.apache.kafka.connect.data.Timestamp:STRING} opt=false def=null ver=1 | String:00:00:01.234Z
cast date -> int32 => Schema{org.apache.kafka.connect.data.Date:INT32} opt=false def=null ver=1 | Integer:3
cast date bad => ERR Kafka Connect Date type should not have any time fields set to non-zero values.
cast time bad => ERR Kafka Connect Time type should not have any date fields set to non-zero values.
cast time 86400000 => Schema{org.apache.kafka.connect.data.Time:INT32} opt=false def=null ver=1 | Integer:86400000
cast date wrong class => ERR class java.lang.Integer cannot be cast to class java.util.Date (java.lang.Integer and java.util.Date are in module java.base of loader 'bootstrap')
cast decimal schema => Schema{org.apache.kafka.connect.data.Decimal:FLOAT64} opt=false def=null ver=1 | Double:1.25
cast decimal schemaless => ERR Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API
cast list => ERR Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]
cast struct => ERR Cast transformation does not support casting from STRUCT; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]
cast field nonstruct => ERR Cannot list fields on non-struct type
cast field schemaless notmap => ERR Only Map objects supported in absence of schema for [cast types], found: java.lang.Integer
cast two bad fields => ERR Value (x) was out of range for requested data type
cast two bad fields2 => ERR Value (x) was out of range for requested data type
`

func TestCastMatchesJava(t *testing.T) {
	cv := func() connector.Transformation { return cfNewSMT(t, "Cast$Value") }
	m := cfCfg
	var got []string
	run := func(name string, tr connector.Transformation, cfg map[string]string, s *connector.Schema, v any) {
		got = append(got, cfRun(name, tr, cfg, s, v))
	}
	run("cast ts default", cv(), m("spec", "int64"), connector.TimestampSchema().SetDefault(cfMs(5)).MustBuild(), cfMs(10))
	run("cast ts", cv(), m("spec", "int64"), connector.TimestampSchema().MustBuild(), cfMs(10))
	st := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	sd := cfStruct(t, st, "a", int32(1))
	// A struct schema whose default is a Struct (Java builds it against the SchemaBuilder).
	std0 := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	std := *std0
	std.Default = cfStruct(t, std0, "a", int32(2))
	run("cast struct default", cv(), m("spec", "a:int8"), &std, cfStruct(t, &std, "a", int32(300)))
	for _, spec := range []string{"a:b:c,x:int8", ":", "a:", ",", " int8 ", "bytes", "struct", "a:int8,int8", "", "a:foo", "ınt8", "a::", "::"} {
		run("cast spec ["+spec+"]", cv(), m("spec", spec), nil, nil)
	}
	vals := []any{int8(5), int16(300), int32(70000), int64(5000000000), float32(1.5), -2.7, 1e10, float32(3.4e38), math.NaN(),
		float32(math.Inf(1)), true, "12", " 12", "+12", "1.5", "\u0661\u0662", "0x1p3", "1e3", "1f", " 1.5 ", "NaN", "-Infinity",
		"1_0", "1.", ".5", "1e", "true", "TRUE", "yes", []byte{1, 2, 3}, cfDecimal("123.456"), cfDecimal("-1E+3"),
		cfDecimal("0.0000001"), cfDecimal("123456789012345678901234567890.5"), 1e-5, 100.0, 1.0e7, float32(123456.789),
		0.001, 4.9e-324, math.MaxFloat64, 2e-3}
	for _, v := range vals {
		for _, ty := range []string{"int8", "int16", "int32", "int64", "float32", "float64", "boolean", "string"} {
			run("cast "+cfDesc(v)+" -> "+ty, cv(), m("spec", ty), nil, v)
		}
	}
	run("cast date schemaless", cv(), m("spec", "string"), nil, cfMs(0))
	for _, n := range []int64{0, 86400000, 1700000000123, -5, 86400000 * 3, 1234} {
		run(fmt.Sprintf("cast timestamp %d -> string", n), cv(), m("spec", "string"), connector.TimestampSchema().MustBuild(), cfMs(n))
	}
	run("cast date -> int32", cv(), m("spec", "int32"), connector.DateSchema().MustBuild(), cfMs(86400000*3))
	run("cast date bad", cv(), m("spec", "int32"), connector.DateSchema().MustBuild(), cfMs(86400000*3+1))
	run("cast time bad", cv(), m("spec", "int32"), connector.TimeSchema().MustBuild(), cfMs(86400001))
	run("cast time 86400000", cv(), m("spec", "int32"), connector.TimeSchema().MustBuild(), cfMs(86400000))
	run("cast date wrong class", cv(), m("spec", "int32"), connector.DateSchema().MustBuild(), int32(5))
	run("cast decimal schema", cv(), m("spec", "float64"), connector.DecimalSchema(2).MustBuild(), cfDecimal("1.25"))
	run("cast decimal schemaless", cv(), m("spec", "float64"), nil, cfDecimal("1.25"))
	run("cast list", cv(), m("spec", "string"), nil, []any{})
	run("cast struct", cv(), m("spec", "string"), st, sd)
	run("cast field nonstruct", cv(), m("spec", "a:int8"), connector.Int32Schema, int32(5))
	run("cast field schemaless notmap", cv(), m("spec", "a:int8"), nil, int32(5))
	mm := map[string]any{"a": "x", "b": "y"}
	run("cast two bad fields", cv(), m("spec", "a:int8,b:int16"), nil, mm)
	run("cast two bad fields2", cv(), m("spec", "b:int16,a:int8"), nil, mm)
	cfCheckRuns(t, castJavaExpected, got)
}

func TestCastConfigDef(t *testing.T) {
	c := cfNewSMT(t, "Cast$Key")
	d := c.ConfigDef()
	if len(d.Keys) != 2 || d.Keys[0].Name != "spec" || !d.Keys[0].Required || d.Keys[0].Type != connector.ConfigList ||
		d.Keys[1].Name != "replace.null.with.default" || d.Keys[1].Default != "true" {
		t.Fatalf("%+v", d.Keys)
	}
	if err := c.Configure(cfCfg()); err == nil || err.Error() != `Missing required configuration "spec" which has no default value.` {
		t.Errorf("%v", err)
	}
	if err := c.Configure(cfCfg("spec", "int8", "replace.null.with.default", "maybe")); err == nil ||
		err.Error() != "Invalid value maybe for configuration replace.null.with.default: Expected value to be either true or false" {
		t.Errorf("%v", err)
	}
	// The validator reports the same problems through ConfigDef.Validate (/validate).
	if vs := d.Validate(cfCfg("spec", "a:bytes")); len(vs[0].Errors) != 1 || !strings.Contains(vs[0].Errors[0], "does not support casting to BYTES") {
		t.Errorf("%+v", vs)
	}
	if vs := d.Validate(cfCfg("spec", "a:int8, b:STRING ,c : Float64")); len(vs[0].Errors) != 0 {
		t.Errorf("%+v", vs)
	}
}

func TestCastNullsPassThrough(t *testing.T) {
	for _, class := range []string{"Cast$Key", "Cast$Value"} {
		c := cfNewSMT(t, class)
		if err := c.Configure(cfCfg("spec", "int8")); err != nil {
			t.Fatal(err)
		}
		r := &connector.Record{Topic: "t", KeySchema: connector.OptionalInt32Schema, ValueSchema: connector.OptionalInt32Schema}
		out, err := c.Apply(r)
		if err != nil || out != r {
			t.Errorf("%s: %v %v", class, out, err)
		}
	}
}

func TestCastKeyAndValue(t *testing.T) {
	r := &connector.Record{Topic: "t", KeySchema: connector.Int32Schema, Key: int32(300), ValueSchema: connector.StringSchema, Value: "v",
		Headers: connector.Headers{{Key: "h", Value: "x"}}}
	k := cfNewSMT(t, "Cast$Key")
	if err := k.Configure(cfCfg("spec", "int8")); err != nil {
		t.Fatal(err)
	}
	out, err := k.Apply(r)
	if err != nil || out.Key != int8(44) || out.KeySchema.Type != connector.TypeInt8 || out.Value != "v" || out.ValueSchema != connector.StringSchema || len(out.Headers) != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	if r.Key != int32(300) {
		t.Fatal("input modified")
	}
	v := cfNewSMT(t, "Cast$Value")
	if err := v.Configure(cfCfg("spec", "boolean")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Apply(r); err != nil {
		t.Fatal(err)
	}
	out, _ = v.Apply(&connector.Record{Value: "TRUE"})
	if out.Value != true || out.ValueSchema != nil {
		t.Fatalf("%+v", out)
	}
}

func TestCastWholeValueKeepsSchemaBasics(t *testing.T) {
	in := connector.NewSchemaBuilder(connector.TypeInt64).SetName("my.Long").SetVersion(3).SetDoc("doc").SetParameter("p", "v").
		Optional().SetDefault(int64(4294967297)).MustBuild()
	c := cfNewSMT(t, "Cast$Value")
	if err := c.Configure(cfCfg("spec", "int32")); err != nil {
		t.Fatal(err)
	}
	out, err := c.Apply(&connector.Record{ValueSchema: in, Value: int64(-1)})
	if err != nil {
		t.Fatal(err)
	}
	s := out.ValueSchema
	if s.Type != connector.TypeInt32 || s.Name != "my.Long" || *s.Version != 3 || s.Doc != "doc" || s.Parameters["p"] != "v" ||
		!s.Optional || s.Default != int32(1) || out.Value != int32(-1) {
		t.Fatalf("%+v %v", s, out.Value)
	}
}

func TestCastFieldsWithSchema(t *testing.T) {
	in := connector.StructBuilder().SetName("rec").
		Field("i8", connector.Int8Schema).
		Field("i16", connector.NewSchemaBuilder(connector.TypeInt16).Optional().SetDefault(int16(7)).MustBuild()).
		Field("f", connector.Float64Schema).
		Field("b", connector.BooleanSchema).
		Field("s", connector.OptionalStringSchema).
		Field("bytes", connector.BytesSchema).
		Field("ts", connector.TimestampSchema().MustBuild()).
		Field("keep", connector.StringSchema).
		MustBuild()
	v := cfStruct(t, in, "i8", int8(-5), "f", 3.9, "b", true, "s", "42", "bytes", []byte("hi"), "ts", cfMs(1700000000123), "keep", "k")
	spec := "i8:string,i16:string,f:int32,b:float32,s:int64,bytes:string,ts:string,missing:int8"
	for _, replace := range []bool{true, false} {
		c := cfNewSMT(t, "Cast$Value")
		if err := c.Configure(cfCfg("spec", spec, "replace.null.with.default", fmt.Sprint(replace))); err != nil {
			t.Fatal(err)
		}
		out, err := c.Apply(&connector.Record{ValueSchema: in, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		s := out.ValueSchema
		if s.Name != "rec" || len(s.Fields) != 8 {
			t.Fatalf("%+v", s)
		}
		f16, _ := s.Field("i16")
		if f16.Schema.Type != connector.TypeString || !f16.Schema.Optional || f16.Schema.Default != "7" {
			t.Errorf("i16 schema %+v", f16.Schema)
		}
		if fk, _ := s.Field("keep"); fk.Schema != connector.StringSchema {
			t.Errorf("uncast field schema %+v", fk.Schema)
		}
		st := out.Value.(*connector.Struct)
		want := map[string]any{"i8": "-5", "f": int32(3), "b": float32(1), "s": int64(42), "bytes": "aGk=",
			"ts": "2023-11-14T22:13:20.123Z", "keep": "k"}
		if replace {
			want["i16"] = "7"
		}
		for k, w := range want {
			if g, _ := st.GetWithoutDefault(k); g != w {
				t.Errorf("replace=%v %s: %#v, want %#v", replace, k, g, w)
			}
		}
		if g, _ := st.GetWithoutDefault("i16"); !replace && g != nil {
			t.Errorf("replace=false kept %v", g)
		}
	}
}

func TestCastFieldsSchemaless(t *testing.T) {
	c := cfNewSMT(t, "Cast$Value")
	if err := c.Configure(cfCfg("spec", "a:int16,b:string,absent:boolean")); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"a": 3.7e6, "b": float32(0.1), "c": "other"}
	out, err := c.Apply(&connector.Record{Value: in})
	if err != nil {
		t.Fatal(err)
	}
	got := out.Value.(map[string]any)
	if got["a"] != int16(29984) || got["b"] != "0.1" || got["c"] != "other" || len(got) != 4 {
		t.Fatalf("%#v", got)
	}
	if v, ok := got["absent"]; !ok || v != nil {
		t.Fatalf("absent field: %v %v", v, ok)
	}
	if len(in) != 3 {
		t.Fatal("input modified")
	}
}

func TestCastNumericEdges(t *testing.T) {
	cases := []struct {
		v    any
		spec string
		want any
	}{
		{int32(300), "int8", int8(44)}, {int32(-129), "int8", int8(127)}, {int64(1 << 40), "int32", int32(0)},
		{int64(65537), "int16", int16(1)}, {3.9, "int32", int32(3)}, {-3.9, "int32", int32(-3)},
		{1e20, "int32", int32(math.MaxInt32)}, {-1e20, "int64", int64(math.MinInt64)}, {math.NaN(), "int64", int64(0)},
		{math.Inf(1), "int8", int8(-1)}, {float32(300.7), "int8", int8(44)}, {0.5, "boolean", false}, {-1.5, "boolean", true},
		{int64(math.MaxInt64), "float32", float32(9.223372e18)}, {16777217.0, "float32", float32(16777216)},
		{true, "float64", 1.0}, {false, "int64", int64(0)}, {"-128", "int8", int8(-128)}, {"127", "int8", int8(127)},
		{"9223372036854775807", "int64", int64(math.MaxInt64)}, {"-0x1p-1074", "float64", -5e-324}, {"1e400", "float64", math.Inf(1)},
		{" 3.4e39 ", "float32", float32(math.Inf(1))}, {"tRuE", "boolean", true}, {"1", "boolean", false},
		{cfDecimal("-12345678901234567890.99"), "int64", int64(6101065172474983726)}, {cfDecimal("0.999"), "boolean", false},
		{cfDecimal("1E+2"), "int8", int8(100)}, {cfDecimal("18446744073709551616"), "boolean", false},
		{float32(1e10), "string", "1.0E10"}, {1e-4, "string", "1.0E-4"}, {math.Copysign(0, -1), "string", "-0.0"}, {float32(0.1), "string", "0.1"},
		{1e23, "string", "1.0E23"}, // JDK 19+; JDK 17 prints 9.999999999999999E22
		{cfDecimal("1.50"), "string", "1.50"}, {cfDecimal("-0.00000012"), "string", "-1.2E-7"}, {cfDecimal("5E+3"), "string", "5E+3"},
		{cfDecimal("0E-8"), "string", "0E-8"}, {[]byte{}, "string", ""},
	}
	for _, c := range cases {
		tr := cfNewSMT(t, "Cast$Value")
		if err := tr.Configure(cfCfg("spec", c.spec)); err != nil {
			t.Fatal(err)
		}
		var schema *connector.Schema
		if d, ok := c.v.(connector.Decimal); ok { // a BigDecimal needs its schema: schemaless, Connect does not know it
			schema = connector.DecimalSchema(d.Scale).MustBuild()
		}
		out, err := tr.Apply(&connector.Record{ValueSchema: schema, Value: c.v})
		if err != nil {
			t.Errorf("%#v → %s: %v", c.v, c.spec, err)
			continue
		}
		if out.Value != c.want {
			t.Errorf("%#v → %s: %#v, want %#v", c.v, c.spec, out.Value, c.want)
		}
	}
	for _, s := range []string{"128", "-129", "1.0", "", "-", "+", "0x10", "1 ", "١٢٨"} {
		tr := cfNewSMT(t, "Cast$Value")
		_ = tr.Configure(cfCfg("spec", "int8"))
		if _, err := tr.Apply(&connector.Record{Value: s}); err == nil || err.Error() != "Value ("+s+") was out of range for requested data type" {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// Float.toString / Double.toString (JDK 19+) on values whose shortest representation needs
// care; the expectations are JDK 25's output.
func TestCastFloatToString(t *testing.T) {
	doubles := map[float64]string{
		1: "1.0", 0.1: "0.1", 100: "100.0", 1e7: "1.0E7", 9999999: "9999999.0", 0.001: "0.001", 0.0009999: "9.999E-4",
		math.MaxFloat64: "1.7976931348623157E308", 4.9e-324: "4.9E-324", math.SmallestNonzeroFloat64 * 3: "1.5E-323", 1e-323: "9.9E-324",
		2e23: "2.0E23", 1e23: "1.0E23", 123456789.125: "1.23456789125E8", -1.5e-5: "-1.5E-5",
		2.2250738585072014e-308: "2.2250738585072014E-308", 1.0 / 3: "0.3333333333333333",
	}
	for v, want := range doubles {
		if got := jvalues.DoubleString(v); got != want {
			t.Errorf("Double.toString(%v) = %q, want %q", v, got, want)
		}
	}
	floats := map[float32]string{1.1: "1.1", 3.4028235e38: "3.4028235E38", 1.4e-45: "1.4E-45", 1e10: "1.0E10", 0.3: "0.3", 16777216: "1.6777216E7"}
	for v, want := range floats {
		if got := jvalues.FloatString(v); got != want {
			t.Errorf("Float.toString(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestCastHashMapOrder(t *testing.T) {
	// java.util.HashMap iteration of these keys (checked on JDK 17).
	if got := castHashMapOrder([]string{"b", "a", "zz", "abc", "B"}); strings.Join(got, ",") != "zz,a,b,B,abc" {
		t.Errorf("%v", got)
	}
}

// The four SMTs are used by many tasks at once after Configure (run with -race).
func TestSMTsConcurrentApply(t *testing.T) {
	schema := connector.StructBuilder().Field("ts", connector.Int64Schema).Field("n", connector.StructBuilder().Field("x", connector.Int32Schema).MustBuild()).MustBuild()
	nested, _ := schema.Field("n")
	value := cfStruct(t, schema, "ts", int64(1700000000123), "n", cfStruct(t, nested.Schema, "x", int32(300)))
	smts := map[string]map[string]string{
		"Cast$Value":               cfCfg("spec", "ts:string"),
		"TimestampConverter$Value": cfCfg("target.type", "string", "field", "ts", "format", "yyyy-MM-dd'T'HH:mm:ss.SSSZ"),
		"Flatten$Value":            cfCfg(),
		"SetSchemaMetadata$Value":  cfCfg("schema.name", "n", "schema.version", "3"),
	}
	for class, cfg := range smts {
		tr := cfNewSMT(t, class)
		if err := tr.Configure(cfg); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() {
				var err error
				for j := 0; j < 50 && err == nil; j++ {
					_, err = tr.Apply(&connector.Record{ValueSchema: schema, Value: value})
				}
				done <- err
			}()
		}
		for i := 0; i < 8; i++ {
			if err := <-done; err != nil {
				t.Errorf("%s: %v", class, err)
			}
		}
	}
}
