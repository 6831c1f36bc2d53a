package transforms

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// Test helpers for InsertField, ReplaceField, MaskField, ValueToKey, HoistField and
// ExtractField. Expected strings in these tests were observed from Apache Kafka Connect
// 4.1.2's own classes, rendered in the same format (fldtDesc / fldtVal below).

// fldtCase is one table row: configure class with cfg, then (if rec is non-nil) apply it.
type fldtCase struct {
	name  string
	class string
	cfg   connector.Config
	rec   *connector.Record
	want  string
}

func fldtRunCases(t *testing.T, cases []fldtCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fldtRun(c.class, c.cfg, c.rec); got != c.want {
				t.Errorf("\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// fldtRun configures and applies a transformation and renders the outcome: "configured",
// "ERROR <message>", or "key=<schema> | <value> || value=<schema> | <value>".
func fldtRun(class string, cfg connector.Config, r *connector.Record) string {
	newFn, ok := transformations[javaPackage+class]
	if !ok {
		return "no such class " + class
	}
	t := newFn()
	if err := t.Configure(cfg); err != nil {
		return "ERROR " + err.Error()
	}
	if r == nil {
		return "configured"
	}
	o, err := t.Apply(r)
	if err != nil {
		return "ERROR " + err.Error()
	}
	return "key=" + fldtDesc(o.KeySchema) + " | " + fldtVal(o.Key) + " || value=" + fldtDesc(o.ValueSchema) + " | " + fldtVal(o.Value)
}

func fldtConfigure(t *testing.T, class string, cfg connector.Config) connector.Transformation {
	t.Helper()
	tr := transformations[javaPackage+class]()
	if err := tr.Configure(cfg); err != nil {
		t.Fatalf("Configure(%v): %v", cfg, err)
	}
	return tr
}

// fldtJavaFloat renders a float as Java's Float/Double.toString does (for the values used
// here).
func fldtJavaFloat(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'E', -1, bits), "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// fldtDesc renders a schema: TYPE, ? when optional, name, version, doc, parameters,
// default and struct fields.
func fldtDesc(s *connector.Schema) string {
	if s == nil {
		return "null"
	}
	var b strings.Builder
	b.WriteString(s.Type.Upper())
	if s.Optional {
		b.WriteString("?")
	}
	if s.Name != "" {
		b.WriteString(" name=" + s.Name)
	}
	if s.Version != nil {
		fmt.Fprintf(&b, " v=%d", *s.Version)
	}
	if s.Doc != "" {
		b.WriteString(" doc=" + s.Doc)
	}
	if s.Parameters != nil {
		var parts []string
		for k, v := range s.Parameters {
			parts = append(parts, k+"="+v)
		}
		sort.Strings(parts)
		b.WriteString(" params={" + strings.Join(parts, ", ") + "}")
	}
	if s.Default != nil {
		b.WriteString(" default=" + fldtVal(s.Default))
	}
	if s.Type == connector.TypeStruct {
		b.WriteString(" {")
		for _, f := range s.Fields {
			b.WriteString(f.Name + ":" + fldtDesc(f.Schema) + ";")
		}
		b.WriteString("}")
	}
	return b.String()
}

func fldtRaw(v any) string {
	switch x := v.(type) {
	case float32:
		return fldtJavaFloat(float64(x), 32)
	case float64:
		return fldtJavaFloat(x, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fldtRaw(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// fldtVal renders a value with its Java class: Integer(1), Struct{a=Integer(1),},
// Map{a=..., b=...} (sorted), Date(ms), BigDecimal(<unscaled>e-<scale>).
func fldtVal(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case *connector.Struct:
		var b strings.Builder
		b.WriteString("Struct{")
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			b.WriteString(f.Name + "=" + fldtVal(fv) + ",")
		}
		b.WriteString("}")
		return b.String()
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // as a TreeMap prints
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + fldtVal(x[k])
		}
		return "Map{" + strings.Join(parts, ", ") + "}"
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = e
		}
		return "Any" + fldtVal(m)
	case []byte:
		return fmt.Sprintf("bytes(%d)", len(x))
	case time.Time:
		return fmt.Sprintf("Date(%d)", x.UnixMilli())
	case connector.Decimal:
		return fmt.Sprintf("BigDecimal(%se-%d)", x.Unscaled, x.Scale)
	case int8:
		return fmt.Sprintf("Byte(%d)", x)
	case int16:
		return fmt.Sprintf("Short(%d)", x)
	case int32:
		return fmt.Sprintf("Integer(%d)", x)
	case int64:
		return fmt.Sprintf("Long(%d)", x)
	case float32, float64:
		if _, ok := x.(float32); ok {
			return "Float(" + fldtRaw(x) + ")"
		}
		return "Double(" + fldtRaw(x) + ")"
	case bool:
		return fmt.Sprintf("Boolean(%v)", x)
	case string:
		return "String(" + x + ")"
	case []any:
		return "ArrayList(" + fldtRaw(x) + ")"
	}
	return fmt.Sprintf("?%T(%v)", v, v)
}

func fldtCfg(kv ...string) connector.Config {
	c := connector.Config{}
	for i := 0; i < len(kv); i += 2 {
		c[kv[i]] = kv[i+1]
	}
	return c
}

// fldtRec is a record on topic "t", partition 3, timestamp 1000 with the given value.
func fldtRec(s *connector.Schema, v any) *connector.Record {
	p := int32(3)
	return &connector.Record{Topic: "t", Partition: &p, ValueSchema: s, Value: v, Timestamp: time.UnixMilli(1000)}
}

// fldtKRec is fldtRec with the given key and a null value.
func fldtKRec(s *connector.Schema, v any) *connector.Record {
	p := int32(3)
	return &connector.Record{Topic: "t", Partition: &p, KeySchema: s, Key: v, Timestamp: time.UnixMilli(1000)}
}

func fldtMap(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func fldtStruct(s *connector.Schema, kv ...any) *connector.Struct {
	st, err := connector.NewStruct(s)
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(kv); i += 2 {
		if err := st.Put(kv[i].(string), kv[i+1]); err != nil {
			panic(err)
		}
	}
	return st
}

func fldtDec(u int64, s int32) connector.Decimal {
	return connector.Decimal{Unscaled: big.NewInt(u), Scale: s}
}

// fldtSchemaR is struct r {a: INT32, b: INT32?, c: INT32} and fldtValueR its value {1,2,3}.
var fldtSchemaR = connector.StructBuilder().SetName("r").Field("a", connector.Int32Schema).
	Field("b", connector.OptionalInt32Schema).Field("c", connector.Int32Schema).MustBuild()

func fldtValueR() *connector.Struct {
	return fldtStruct(fldtSchemaR, "a", int32(1), "b", int32(2), "c", int32(3))
}

// ---------------------------------------------------------------- fields.go

func TestFldParseConfig(t *testing.T) {
	def := &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: "s", Type: connector.ConfigString, Validate: fldNonEmptyString},
		{Name: "l", Type: connector.ConfigList, Default: "", Validate: fldNonEmptyList},
		{Name: "b", Type: connector.ConfigBoolean, Default: "true"},
		{Name: "v", Type: connector.ConfigString, Default: "V1", Validate: connector.OneOf("V1", "V2")},
		{Name: "r", Type: connector.ConfigString, Required: true},
	}}
	cases := []struct {
		cfg  connector.Config
		want string
	}{
		{fldtCfg("r", "x"), "ERROR Invalid value [] for configuration l: Empty list"},
		{fldtCfg("l", "a", "s", " \t "), "ERROR Invalid value  for configuration s: String must be non-empty"},
		{fldtCfg("l", "a", "b", " yes "), "ERROR Invalid value  yes  for configuration b: Expected value to be either true or false"},
		{fldtCfg("l", "a", "v", " v3 "), "ERROR Invalid value v3 for configuration v: String must be one of (case insensitive): V1, V2"},
		{fldtCfg("l", "a"), "ERROR Missing required configuration \"r\" which has no default value."},
		{fldtCfg("l", " a ,\tb , , c,\v", "r", "\x01x\x01", "b", " FALSE ", "v", "v2"),
			`map[b:false l:["a" "b" "" "c" ""] r:"x" s:<nil> v:"v2"]`},
		{fldtCfg("l", ",a,,", "r", "\u00a0x"), `map[b:true l:["" "a" "" ""] r:"\u00a0x" s:<nil> v:"V1"]`},
	}
	for _, c := range cases {
		v, err := fldParseConfig(def, c.cfg)
		got := ""
		if err != nil {
			got = "ERROR " + err.Error()
			var ce *connector.ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("%v: error %T is not a ConfigError", c.cfg, err)
			}
		} else {
			got = fmt.Sprintf("map[b:%v l:%q r:%q s:%v v:%q]", v["b"], v["l"], v["r"], v["s"], v["v"])
		}
		if got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.cfg, got, c.want)
		}
	}
}

func TestFldParsePathV2(t *testing.T) {
	// Steps as Java's SingleFieldPath(path, V2) splits them (each step bracketed).
	cases := []struct{ path, want string }{
		{"", ""},
		{"foobarbaz", "[foobarbaz]"},
		{"foo.bar.baz", "[foo][bar][baz]"},
		{"foo`bar`baz", "[foo`bar`baz]"},
		{"`foo.bar.baz`", "[foo.bar.baz]"},
		{"foo.`bar.baz`", "[foo][bar.baz]"},
		{"`foo.bar`.baz", "[foo.bar][baz]"},
		{"foo.`bar`.baz", "[foo][bar][baz]"},
		{"..", "[][][]"},
		{"foo..", "[foo][][]"},
		{".bar.", "[][bar][]"},
		{"..baz", "[][][baz]"},
		{"``", "[]"},
		{"a`", "[a`]"},
		{"`a``", "[a`]"},
		{"`\\``", "[\\`]"},
		{"\\`a`", "[\\`a`]"},
		{"a.``.b", "[a][][b]"},
		{"`a`b`.c", "[a`b][c]"},
		{"`a\\`b`", "[a\\`b]"},
		{"`a\\`.b`.c", "[a`.b][c]"},
		{"foo.``bar.baz`", "[foo][`bar.baz]"},
		{"foo.`bar.baz``", "[foo][bar.baz`]"},
		{"foo.`ba`r.baz`", "[foo][ba`r.baz]"},
		{"foo.ba`r.baz", "[foo][ba`r][baz]"},
		{"foo.``bar``.baz", "[foo][`bar`][baz]"},
		{"``foo.bar.baz``", "[`foo.bar.baz`]"},
		{"foo.`bar\\`.baz`", "[foo][bar`.baz]"},
		{"foo.`bar.`baz`", "[foo][bar.`baz]"},
		{"foo.`bar\\`.`baz`", "[foo][bar`.`baz]"},
		{"foo.`bar\\\\`.\\`baz`", "[foo][bar\\`.\\`baz]"},
		{"`.`", "[.]"},
		{"`..`", "[..]"},
		{"`a`.`b`.", "[a][b][]"},
		{"`a`.", "[a][]"},
		{"` `. `x`", "[ ][ `x`]"},
		{"`", "ERROR Incomplete backtick pair in path: [`], consider adding a backslash before backtick at position 0 to escape it"},
		{"`a\\`", "ERROR Incomplete backtick pair in path: [`a\\`], consider adding a backslash before backtick at position 0 to escape it"},
		{"`.", "ERROR Incomplete backtick pair in path: [`.], consider adding a backslash before backtick at position 0 to escape it"},
		{"a.`", "ERROR Incomplete backtick pair in path: [a.`], consider adding a backslash before backtick at position 2 to escape it"},
		{"`foo.bar.baz", "ERROR Incomplete backtick pair in path: [`foo.bar.baz], consider adding a backslash before backtick at position 0 to escape it"},
		{"foo.`bar.baz", "ERROR Incomplete backtick pair in path: [foo.`bar.baz], consider adding a backslash before backtick at position 4 to escape it"},
		{"foo.bar.`baz", "ERROR Incomplete backtick pair in path: [foo.bar.`baz], consider adding a backslash before backtick at position 8 to escape it"},
		{"foo.bar.`baz\\`", "ERROR Incomplete backtick pair in path: [foo.bar.`baz\\`], consider adding a backslash before backtick at position 8 to escape it"},
		// Positions count UTF-16 units, as Java's String indexes do.
		{"\u00e9.`b", "ERROR Incomplete backtick pair in path: [\u00e9.`b], consider adding a backslash before backtick at position 2 to escape it"},
		{"\U0001F600.`x", "ERROR Incomplete backtick pair in path: [\U0001F600.`x], consider adding a backslash before backtick at position 3 to escape it"},
	}
	for _, c := range cases {
		p, err := fldNewPath(c.path, "v2")
		got := ""
		if err != nil {
			got = "ERROR " + err.Error()
		} else {
			for _, s := range p.steps {
				got += "[" + s + "]"
			}
		}
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.path, got, c.want)
		}
	}
	for _, s := range []string{"", "foo.bar", "`a.b`", "a`"} {
		p, err := fldNewPath(s, "V1")
		if err != nil || !reflect.DeepEqual(p.steps, []string{s}) {
			t.Errorf("V1 %q: %q, %v", s, p.steps, err)
		}
	}
}

func TestFldJavaHashOrder(t *testing.T) {
	if h := fldJavaHash("date"); h != 3076014 {
		t.Errorf("hash(date) = %d", h)
	}
	if h := fldJavaHash("\U0001F600"); h != 1772899 { // two UTF-16 units: 0xD83D*31 + 0xDE00
		t.Errorf("hash(emoji) = %d", h)
	}
	if h := fldJavaHash(int64(-1)); h != 0 {
		t.Errorf("hash(-1L) = %d", h)
	}
	// new HashSet<>(List.of("int", "date")) iterates date first.
	if got := fldJavaHashOrder([]string{"int", "date"}, fldCopiedCapacity(2)); !reflect.DeepEqual(got, []string{"date", "int"}) {
		t.Errorf("order = %v", got)
	}
	for _, c := range []struct{ size, grown, copied int }{{0, 16, 16}, {12, 16, 32}, {13, 32, 32}, {24, 32, 64}, {25, 64, 64}, {40, 64, 64}, {48, 64, 128}} {
		if g := fldGrownCapacity(c.size); g != c.grown {
			t.Errorf("grown(%d) = %d, want %d", c.size, g, c.grown)
		}
		if g := fldCopiedCapacity(c.size); g != c.copied {
			t.Errorf("copied(%d) = %d, want %d", c.size, g, c.copied)
		}
	}
}

func TestFldMapKinds(t *testing.T) {
	// Java accepts any Map; Go carries map[string]any and map[any]any.
	for _, v := range []any{map[string]any{"a": int32(1)}, map[any]any{"a": int32(1), int32(5): "x"}} {
		m, err := fldRequireMap(v, "p")
		if err != nil {
			t.Fatal(err)
		}
		c := m.clone()
		c.put("b", int32(2))
		if m.get("b") != nil || c.get("a") != int32(1) || c.get("b") != int32(2) {
			t.Errorf("%T: clone is not independent", v)
		}
		if reflect.TypeOf(c.value()) != reflect.TypeOf(v) {
			t.Errorf("%T: clone is %T", v, c.value())
		}
	}
	if _, err := fldRequireMap([]any{}, "p"); err == nil || err.Error() != "Only Map objects supported in absence of schema for [p], found: java.util.ArrayList" {
		t.Errorf("err = %v", err)
	}
}

// TestFldConcurrentApply runs every SMT of the group from many goroutines on shared
// records (go test -race checks it), and checks the input is never modified.
func TestFldConcurrentApply(t *testing.T) {
	inner := connector.StructBuilder().Field("y", connector.Int32Schema).MustBuild()
	s := connector.StructBuilder().Field("a", connector.Int32Schema).Field("x", inner).
		Field("o", connector.NewSchemaBuilder(connector.TypeString).Optional().SetDefault("d").MustBuild()).MustBuild()
	structRec := fldtRec(s, fldtStruct(s, "a", int32(1), "x", fldtStruct(inner, "y", int32(2))))
	structRec.Headers.Add("h", connector.StringSchema, "v")
	mapRec := fldtRec(nil, fldtMap("a", int32(1), "x", fldtMap("y", int32(2)), "o", nil))
	mapRec.Headers.Add("h", nil, "v")
	before := []string{fldtVal(structRec.Value), fldtVal(mapRec.Value)}

	smts := []struct {
		class string
		cfg   connector.Config
	}{
		{"InsertField$Value", fldtCfg("topic.field", "t", "partition.field", "p", "timestamp.field", "ts", "static.field", "s", "static.value", "v")},
		{"ReplaceField$Value", fldtCfg("exclude", "o", "renames", "a:b")},
		{"MaskField$Value", fldtCfg("fields", "a,o")},
		{"ValueToKey", fldtCfg("fields", "a,x")},
		{"HoistField$Value", fldtCfg("field", "h")},
		{"ExtractField$Value", fldtCfg("field", "x.y", "field.syntax.version", "V2")},
	}
	for _, smt := range smts {
		tr := fldtConfigure(t, smt.class, smt.cfg)
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					for _, r := range []*connector.Record{structRec, mapRec} {
						o, err := tr.Apply(r)
						if err != nil {
							t.Errorf("%s: %v", smt.class, err)
							return
						}
						if o == r || len(o.Headers) != 1 || &o.Headers[0] == &r.Headers[0] {
							t.Errorf("%s: headers not duplicated", smt.class)
							return
						}
						o.Headers.Add("extra", nil, nil)
					}
				}
			}()
		}
		wg.Wait()
	}
	if after := []string{fldtVal(structRec.Value), fldtVal(mapRec.Value)}; !reflect.DeepEqual(before, after) {
		t.Errorf("input modified:\n%v\n%v", before, after)
	}
	if len(structRec.Headers) != 1 || len(mapRec.Headers) != 1 {
		t.Errorf("input headers modified")
	}
}

// TestFldRecordKept checks the parts of the record an SMT must keep: source partition and
// offset, topic, partition, timestamp and the other side.
func TestFldRecordKept(t *testing.T) {
	p := int32(7)
	ts := time.UnixMilli(12345)
	base := func() *connector.Record {
		return &connector.Record{
			SourcePartition: map[string]any{"sp": "1"}, SourceOffset: map[string]any{"so": int64(2)},
			Topic: "top", Partition: &p, KeySchema: connector.StringSchema, Key: "k",
			ValueSchema: nil, Value: fldtMap("a", int32(1)), Timestamp: ts,
			Headers: connector.Headers{{Key: "h", Value: "v"}},
		}
	}
	for _, c := range []struct {
		class string
		cfg   connector.Config
	}{
		{"InsertField$Value", fldtCfg("static.field", "s", "static.value", "v")},
		{"ReplaceField$Value", fldtCfg("renames", "a:b")},
		{"MaskField$Value", fldtCfg("fields", "a")},
		{"HoistField$Value", fldtCfg("field", "h")},
		{"ExtractField$Value", fldtCfg("field", "a")},
	} {
		r := base()
		o, err := fldtConfigure(t, c.class, c.cfg).Apply(r)
		if err != nil {
			t.Fatalf("%s: %v", c.class, err)
		}
		if o.Topic != "top" || o.Partition != &p || !o.Timestamp.Equal(ts) || o.Key != "k" || o.KeySchema != connector.StringSchema ||
			!reflect.DeepEqual(o.SourcePartition, r.SourcePartition) || !reflect.DeepEqual(o.SourceOffset, r.SourceOffset) ||
			!reflect.DeepEqual(o.Headers, r.Headers) {
			t.Errorf("%s: record not kept: %+v", c.class, o)
		}
	}
}

func TestFldErrorKinds(t *testing.T) {
	var de *connector.DataError
	var ce *connector.ConfigError
	var be *connector.SchemaBuilderError
	check := func(name string, err error, target any) {
		t.Helper()
		if err == nil || !errors.As(err, target) {
			t.Errorf("%s: error %T (%v)", name, err, err)
		}
	}
	check("missing", transformations[javaPackage+"MaskField$Value"]().Configure(fldtCfg()), &ce)
	check("insert none", transformations[javaPackage+"InsertField$Value"]().Configure(fldtCfg()), &ce)
	check("backtick", transformations[javaPackage+"ExtractField$Key"]().Configure(fldtCfg("field", "`a", "field.syntax.version", "V2")), &ce)
	_, err := fldtConfigure(t, "MaskField$Value", fldtCfg("fields", "a")).Apply(fldtRec(nil, nil))
	check("mask null", err, &de)
	_, err = fldtConfigure(t, "ValueToKey", fldtCfg("fields", "a,a")).Apply(fldtRec(fldtSchemaR, fldtValueR()))
	check("dup", err, &be)
	_, err = fldtConfigure(t, "ExtractField$Value", fldtCfg("field", "zz")).Apply(fldtRec(fldtSchemaR, fldtValueR()))
	if err == nil || errors.As(err, &de) {
		t.Errorf("unknown field: %T (Java's IllegalArgumentException is not a DataException)", err)
	}
}

// TestFldConfigDefs checks each ConfigDef against Kafka 4.1.2's (class, key, type, default,
// importance, documentation, in definition order).
func TestFldConfigDefs(t *testing.T) {
	want := []string{
		"InsertField$Value\ttopic.field\tSTRING\tnull\tMEDIUM\tField name for Kafka topic. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).",
		"InsertField$Value\tpartition.field\tSTRING\tnull\tMEDIUM\tField name for Kafka partition. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).",
		"InsertField$Value\toffset.field\tSTRING\tnull\tMEDIUM\tField name for Kafka offset - only applicable to sink connectors.<br/>Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).",
		"InsertField$Value\ttimestamp.field\tSTRING\tnull\tMEDIUM\tField name for record timestamp. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).",
		"InsertField$Value\tstatic.field\tSTRING\tnull\tMEDIUM\tField name for static data field. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).",
		"InsertField$Value\tstatic.value\tSTRING\tnull\tMEDIUM\tStatic field value, if field name configured.",
		"InsertField$Value\treplace.null.with.default\tBOOLEAN\ttrue\tMEDIUM\tWhether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
		"ReplaceField$Value\texclude\tLIST\t\tMEDIUM\tFields to exclude. This takes precedence over the fields to include.",
		"ReplaceField$Value\tinclude\tLIST\t\tMEDIUM\tFields to include. If specified, only these fields will be used.",
		"ReplaceField$Value\trenames\tLIST\t\tMEDIUM\tField rename mappings.",
		"ReplaceField$Value\treplace.null.with.default\tBOOLEAN\ttrue\tMEDIUM\tWhether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
		"MaskField$Value\tfields\tLIST\tREQUIRED\tHIGH\tNames of fields to mask.",
		"MaskField$Value\treplacement\tSTRING\tnull\tLOW\tCustom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
		"MaskField$Value\treplace.null.with.default\tBOOLEAN\ttrue\tMEDIUM\tWhether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
		"ValueToKey\tfields\tLIST\tREQUIRED\tHIGH\tField names on the record value to extract as the record key.",
		"ValueToKey\treplace.null.with.default\tBOOLEAN\ttrue\tMEDIUM\tWhether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
		"HoistField$Value\tfield\tSTRING\tREQUIRED\tMEDIUM\tField name for the single field that will be created in the resulting Struct or Map.",
		"ExtractField$Value\tfield\tSTRING\tREQUIRED\tMEDIUM\tField name to extract.",
		"ExtractField$Value\treplace.null.with.default\tBOOLEAN\ttrue\tMEDIUM\tWhether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
		"ExtractField$Value\tfield.syntax.version\tSTRING\tV1\tHIGH\tDefines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"`foo.bar`.baz\".",
	}
	var got []string
	for _, c := range []string{"InsertField$Value", "ReplaceField$Value", "MaskField$Value", "ValueToKey", "HoistField$Value", "ExtractField$Value"} {
		for _, k := range transformations[javaPackage+c]().ConfigDef().Keys {
			d := "null"
			if k.Required {
				d = "REQUIRED"
			} else if k.Default != nil {
				d = fmt.Sprint(k.Default)
			}
			got = append(got, fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", c, k.Name, k.Type, d, k.Importance, k.Doc))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config defs differ:\n got %q\nwant %q", got, want)
	}
}
