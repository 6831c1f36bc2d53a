package converters

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// The SPI interfaces each converter implements.
var (
	_ connector.Converter       = (*StringConverter)(nil)
	_ connector.HeaderConverter = (*StringConverter)(nil)
	_ connector.Converter       = (*ByteArrayConverter)(nil)
	_ connector.HeaderConverter = (*ByteArrayConverter)(nil)
	_ connector.Converter       = (*NumberConverter)(nil)
	_ connector.HeaderConverter = (*NumberConverter)(nil)
	_ connector.Converter       = (*BooleanConverter)(nil)
	_ connector.HeaderConverter = (*BooleanConverter)(nil)
	_ connector.Converter       = (*JSONConverter)(nil)
	_ connector.HeaderConverter = (*JSONConverter)(nil)
	_ connector.HeaderConverter = (*SimpleHeaderConverter)(nil)
)

func TestConfigureErrorsUseKafkaWording(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    connector.Configurable
		cfg  connector.Config
		want string
	}{
		{"json missing type", NewJSONConverter(), connector.Config{}, `Missing required configuration "converter.type" which has no default value.`},
		{"json bad type", NewJSONConverter(), connector.Config{"converter.type": "KEY"}, "Invalid value KEY for configuration converter.type: String must be one of: key, value, header"},
		{"json bad decimal.format", NewJSONConverter(), connector.Config{"converter.type": "key", "decimal.format": "hex"},
			"Invalid value hex for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC"},
		{"json bad schemas.enable", NewJSONConverter(), connector.Config{"converter.type": "key", "schemas.enable": "yes"},
			"Invalid value yes for configuration schemas.enable: Expected value to be either true or false"},
		{"json bad cache size", NewJSONConverter(), connector.Config{"converter.type": "key", "schemas.cache.size": "x"},
			"Invalid value x for configuration schemas.cache.size: Not a number of type INT"},
		{"string unknown charset", NewStringConverter(), connector.Config{"converter.type": "value", "converter.encoding": "EBCDIC"}, "Unsupported encoding EBCDIC"},
		{"string missing type", NewStringConverter(), connector.Config{}, `Missing required configuration "converter.type" which has no default value.`},
		{"long missing type", NewLongConverter(), connector.Config{}, `Missing required configuration "converter.type" which has no default value.`},
		{"boolean bad type", NewBooleanConverter(), connector.Config{"converter.type": "x"}, "Invalid value x for configuration converter.type: String must be one of: key, value, header"},
	} {
		if err := tc.c.Configure(tc.cfg); err == nil || err.Error() != tc.want {
			t.Errorf("%s: Configure = %v, want %q", tc.name, err, tc.want)
		}
	}
	// ByteArrayConverter and SimpleHeaderConverter accept anything, as in Java.
	for _, c := range []connector.Configurable{NewByteArrayConverter(), NewSimpleHeaderConverter()} {
		if err := c.Configure(connector.Config{"converter.type": "nonsense"}); err != nil {
			t.Errorf("%T: %v", c, err)
		}
	}
}

func TestJSONConfigDef(t *testing.T) {
	def := NewJSONConverter().ConfigDef()
	var names []string
	for _, k := range def.Keys {
		names = append(names, k.Name)
	}
	want := []string{"converter.type", "schemas.enable", "schemas.cache.size", "decimal.format", "replace.null.with.default"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("keys %v", names)
	}
	v, err := def.Parse(connector.Config{"converter.type": "header"})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Bool("schemas.enable") || v.Int("schemas.cache.size") != 1000 || v.String("decimal.format") != "BASE64" || !v.Bool("replace.null.with.default") {
		t.Fatalf("defaults %v", v)
	}
}

func TestNumberConverters(t *testing.T) {
	for _, tc := range []struct {
		conv   *NumberConverter
		value  any
		bytes  []byte
		schema *connector.Schema
	}{
		{NewShortConverter(), int16(-2), []byte{0xff, 0xfe}, connector.OptionalInt16Schema},
		{NewIntegerConverter(), int32(258), []byte{0, 0, 1, 2}, connector.OptionalInt32Schema},
		{NewLongConverter(), int64(math.MinInt64), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, connector.OptionalInt64Schema},
		{NewFloatConverter(), float32(1.5), []byte{0x3f, 0xc0, 0, 0}, connector.OptionalFloat32Schema},
		{NewDoubleConverter(), -2.0, []byte{0xc0, 0, 0, 0, 0, 0, 0, 0}, connector.OptionalFloat64Schema},
		{NewDoubleConverter(), math.Float64frombits(0x7ff0000000000123), []byte{0x7f, 0xf8, 0, 0, 0, 0, 0, 0}, connector.OptionalFloat64Schema},
	} {
		if err := tc.conv.Configure(connector.Config{"converter.type": "value"}); err != nil {
			t.Fatal(err)
		}
		b, err := tc.conv.FromConnect("t", nil, nil, tc.value)
		if err != nil || !bytes.Equal(b, tc.bytes) {
			t.Errorf("%s FromConnect(%v) = %x, %v; want %x", tc.conv.typeName, tc.value, b, err, tc.bytes)
		}
		if f, ok := tc.value.(float64); ok && math.IsNaN(f) {
			continue
		}
		s, v, err := tc.conv.ToConnect("t", nil, tc.bytes)
		if err != nil || s != tc.schema || !reflect.DeepEqual(v, tc.value) {
			t.Errorf("%s ToConnect = %v %v %v", tc.conv.typeName, s, v, err)
		}
		if s, v, err := tc.conv.ToConnectHeader("t", "h", nil); s != tc.schema || v != nil || err != nil {
			t.Errorf("%s null = %v %v %v", tc.conv.typeName, s, v, err)
		}
		if b, err := tc.conv.FromConnectHeader("t", "h", nil, nil); b != nil || err != nil {
			t.Errorf("%s FromConnect(nil) = %v %v", tc.conv.typeName, b, err)
		}
	}
	for _, tc := range []struct {
		conv *NumberConverter
		in   any
		raw  []byte
		want string
	}{
		{NewLongConverter(), int32(1), nil, "Failed to serialize to long (was class java.lang.Integer): "},
		{NewIntegerConverter(), "1", nil, "Failed to serialize to integer (was class java.lang.String): "},
		{NewShortConverter(), nil, []byte{1}, "Failed to deserialize short: Size of data received by ShortDeserializer is not 2"},
		{NewLongConverter(), nil, []byte{1}, "Failed to deserialize long: Size of data received by LongDeserializer is not 8"},
		{NewFloatConverter(), nil, []byte{1}, "Failed to deserialize float: Size of data received by Deserializer is not 4"},
		{NewDoubleConverter(), nil, []byte{}, "Failed to deserialize double: Size of data received by Deserializer is not 8"},
	} {
		var err error
		if tc.raw != nil {
			_, _, err = tc.conv.ToConnect("t", nil, tc.raw)
		} else {
			_, err = tc.conv.FromConnect("t", nil, nil, tc.in)
		}
		var de *connector.DataError
		if !errors.As(err, &de) || err.Error() != tc.want {
			t.Errorf("got %v, want DataError %q", err, tc.want)
		}
	}
}

func TestBooleanAndByteArrayConverters(t *testing.T) {
	bc := NewBooleanConverter()
	for _, tc := range []struct {
		s    *connector.Schema
		v    any
		want []byte
		err  string
	}{
		{connector.BooleanSchema, true, []byte{1}, ""},
		{nil, false, []byte{0}, ""},
		{nil, nil, nil, ""},
		{connector.StringSchema, true, nil, "Invalid schema type for BooleanConverter: STRING"},
		{nil, "true", nil, "BooleanConverter is not compatible with objects of type class java.lang.String"},
	} {
		b, err := bc.FromConnect("t", nil, tc.s, tc.v)
		if (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) || !bytes.Equal(b, tc.want) {
			t.Errorf("Boolean FromConnect(%v) = %x, %v", tc.v, b, err)
		}
	}
	for _, tc := range []struct {
		in   []byte
		want any
		err  string
	}{
		{[]byte{1}, true, ""}, {[]byte{0}, false, ""}, {nil, nil, ""},
		{[]byte{2}, nil, "Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: 2"},
		{[]byte{0xff}, nil, "Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: -1"},
		{[]byte{0, 0}, nil, "Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1"},
	} {
		s, v, err := bc.ToConnect("t", nil, tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Boolean ToConnect(%x) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || v != tc.want || s != connector.OptionalBooleanSchema {
			t.Errorf("Boolean ToConnect(%x) = %v %v %v", tc.in, s, v, err)
		}
	}

	ba := NewByteArrayConverter()
	if b, err := ba.FromConnect("t", nil, connector.OptionalBytesSchema, []byte("x")); err != nil || string(b) != "x" {
		t.Errorf("%q %v", b, err)
	}
	if _, err := ba.FromConnect("t", nil, connector.StringSchema, "x"); err == nil || err.Error() != "Invalid schema type for ByteArrayConverter: STRING" {
		t.Errorf("%v", err)
	}
	if _, err := ba.FromConnect("t", nil, nil, int32(1)); err == nil || err.Error() != "ByteArrayConverter is not compatible with objects of type class java.lang.Integer" {
		t.Errorf("%v", err)
	}
	if s, v, _ := ba.ToConnect("t", nil, []byte{7}); s != connector.OptionalBytesSchema || !bytes.Equal(v.([]byte), []byte{7}) {
		t.Errorf("%v %v", s, v)
	}
}

func TestStringConverterToString(t *testing.T) {
	sc := NewStringConverter()
	st := newStruct(connector.StructBuilder().Field("a", connector.Int32Schema).Field("b", connector.OptionalStringSchema).
		Field("c", connector.Float64Schema).MustBuild(), "a", int32(1), "c", 2.0)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"text", "text"},
		{int64(-3), "-3"},
		{1e10, "1.0E10"},
		{float32(0.1), "0.1"},
		{true, "true"},
		{dec("12.50"), "12.50"},
		{[]any{int32(1), nil, "x"}, "[1, null, x]"},
		{map[string]any{"b": int32(2), "a": int32(1)}, "{a=1, b=2}"},
		{st, "Struct{a=1,c=2.0}"},
		{ms(0), "Thu Jan 01 00:00:00 UTC 1970"},
	} {
		b, err := sc.FromConnect("t", nil, nil, tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("FromConnect(%v) = %q, %v; want %q", tc.v, b, err, tc.want)
		}
	}
	if b, _ := sc.FromConnect("t", nil, connector.StringSchema, nil); b != nil {
		t.Error("null must stay null")
	}
	if s, v, _ := sc.ToConnect("t", nil, nil); s != connector.OptionalStringSchema || v != nil {
		t.Errorf("ToConnect(nil) = %v %v", s, v)
	}
}

// TestJSONRoundTrip writes every corpus case, reads it back and writes it again: the bytes
// must not change.
func TestJSONRoundTrip(t *testing.T) {
	for _, cfg := range []connector.Config{
		{"converter.type": "value"},
		{"converter.type": "key", "schemas.enable": "false"},
		{"converter.type": "header", "decimal.format": "NUMERIC"},
	} {
		conv := NewJSONConverter()
		if err := conv.Configure(cfg); err != nil {
			t.Fatal(err)
		}
		for name, k := range writeCorpus() {
			b, err := conv.FromConnect("t", nil, k.schema, k.value)
			if err != nil || b == nil {
				continue
			}
			// As in Java: NaN and the infinities are written as strings, which read back as
			// 0.0, and -0.0 reads back as the decimal 0. Without schemas, objects read back
			// as maps (whose keys are then sorted) and null as nothing (a tombstone).
			if strings.Contains(name, "nan") || strings.Contains(name, "inf") || strings.Contains(name, "neg_zero") ||
				(cfg["schemas.enable"] == "false" && (b[0] == '{' || string(b) == "null")) {
				continue
			}
			s, v, err := conv.ToConnect("t", nil, b)
			if err != nil {
				t.Errorf("%v %s: reading %s: %v", cfg, name, b, err)
				continue
			}
			again, err := conv.FromConnect("t", nil, s, v)
			if err != nil || !bytes.Equal(again, b) {
				t.Errorf("%v %s:\n first %s\nsecond %s (%v)", cfg, name, b, again, err)
			}
		}
	}
}

func TestJSONStructReadBack(t *testing.T) {
	conv := NewJSONConverter()
	corpus := writeCorpus()
	k := corpus["struct_nested"]
	b, err := conv.FromConnect("t", nil, k.schema, k.value)
	if err != nil {
		t.Fatal(err)
	}
	s, v, err := conv.ToConnect("t", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Equal(k.schema) {
		t.Fatalf("schema %s, want %s", describeSchema(s), describeSchema(k.schema))
	}
	st := v.(*connector.Struct)
	amount, _ := st.Get("amount")
	ts, _ := st.Get("ts")
	if amount.(connector.Decimal).String() != "12.50" || !ts.(time.Time).Equal(ms(1700000000000)) {
		t.Fatalf("read %v", st)
	}
	// The same schema JSON reads back as the same *Schema (the schema cache).
	s2, _, _ := conv.ToConnect("t", nil, b)
	if s2 != s {
		t.Fatal("the schema cache must return the same schema")
	}
}

func TestJSONSchemaCacheIsBounded(t *testing.T) {
	conv := NewJSONConverter()
	if err := conv.Configure(connector.Config{"converter.type": "value", "schemas.cache.size": "2"}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		s := connector.NewSchemaBuilder(connector.TypeInt32).SetVersion(int32(i)).MustBuild()
		if _, err := conv.FromConnect("t", nil, s, int32(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := conv.fromCache.ll.Len(); n != 2 {
		t.Fatalf("cache holds %d schemas", n)
	}
	c := newLRU[string, int](2)
	c.put("a", 1)
	c.put("b", 2)
	c.get("a")
	c.put("c", 3)
	if _, ok := c.get("b"); ok {
		t.Fatal("b was the least recently used")
	}
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Fatal("a must survive")
	}
	zero := newLRU[string, int](0)
	zero.put("a", 1)
	if _, ok := zero.get("a"); ok {
		t.Fatal("a zero-size cache keeps nothing")
	}
}

func TestJSONConcurrentUse(t *testing.T) {
	conv := NewJSONConverter()
	corpus := writeCorpus()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range corpus {
				b, err := conv.FromConnect("t", nil, k.schema, k.value)
				if err == nil && b != nil {
					if _, _, err := conv.ToConnect("t", nil, b); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestJSONMapKeysAndOrder(t *testing.T) {
	conv := NewJSONConverter()
	if err := conv.Configure(connector.Config{"converter.type": "value", "schemas.enable": "false"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    *connector.Schema
		v    any
		want string
	}{
		{nil, map[string]any{"b": int32(1), "a": int32(2), "c": int32(3)}, `{"a":2,"b":1,"c":3}`},
		{nil, map[any]any{int64(10): "x", int64(2): "y"}, `[[2,"y"],[10,"x"]]`},
		{nil, map[any]any{"k": int32(1)}, `{"k":1}`},
		{connector.MapBuilder(connector.OptionalStringSchema, connector.Int32Schema).MustBuild(), map[any]any{nil: int32(1)}, `{"null":1}`},
		{connector.MapBuilder(connector.StringSchema, connector.Int32Schema).MustBuild(), map[any]any{int32(1): int32(1)}, "ERROR: Invalid type for STRING: class java.lang.Integer"},
	} {
		b, err := conv.FromConnect("t", nil, tc.s, tc.v)
		got := string(b)
		if err != nil {
			got = errorLine(err)
		}
		if got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
	// Non-string keys that Go maps cannot hold are refused with a DataError.
	s := `{"schema":{"type":"map","keys":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[[1],2]]}`
	with := NewJSONConverter()
	var de *connector.DataError
	if _, _, err := with.ToConnect("t", nil, []byte(s)); !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
}

func TestJSONParserLimits(t *testing.T) {
	conv := NewJSONConverter()
	if err := conv.Configure(connector.Config{"converter.type": "value", "schemas.enable": "false"}); err != nil {
		t.Fatal(err)
	}
	deep := bytes.Repeat([]byte("["), 1001)
	if _, _, err := conv.ToConnect("t", nil, deep); err == nil {
		t.Error("nesting deeper than 1000 must fail")
	}
	long := append([]byte("1"), bytes.Repeat([]byte("0"), 1000)...)
	if _, _, err := conv.ToConnect("t", nil, long); err == nil {
		t.Error("a number longer than 1000 characters must fail")
	}
	for _, in := range []string{"\"\xff\"", "tru", "[1,", "{\"a\"", "\"\\u12\""} {
		if _, _, err := conv.ToConnect("t", nil, []byte(in)); err == nil {
			t.Errorf("%q must fail", in)
		}
	}
	_, v, err := conv.ToConnect("t", nil, []byte(`"\ud800x\udc00"`))
	if err != nil || v != "\uFFFDx\uFFFD" {
		t.Errorf("lone surrogates: %q %v", v, err)
	}
}

func TestSimpleHeaderConverterNulls(t *testing.T) {
	h := NewSimpleHeaderConverter()
	if b, err := h.FromConnectHeader("t", "k", connector.StringSchema, nil); b != nil || err != nil {
		t.Errorf("%v %v", b, err)
	}
	if s, v, err := h.ToConnectHeader("t", "k", nil); s != nil || v != nil || err != nil {
		t.Errorf("%v %v %v", s, v, err)
	}
	if _, err := h.FromConnectHeader("t", "k", nil, struct{}{}); err == nil || err.Error() != "Failed to serialize unexpected value type struct {}: {}" {
		t.Errorf("%v", err)
	}
	if s, v, err := h.ToConnectHeader("t", "k", []byte("[1,\"a\"]")); err != nil || s.Type != connector.TypeArray || s.ValueSchema != nil || len(v.([]any)) != 2 {
		t.Errorf("%v %v %v", s, v, err)
	}
}

func TestTwosComplement(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want []byte
	}{
		{"0", []byte{0}}, {"1", []byte{1}}, {"127", []byte{0x7f}}, {"128", []byte{0, 0x80}},
		{"-1", []byte{0xff}}, {"-128", []byte{0x80}}, {"-129", []byte{0xff, 0x7f}}, {"-5", []byte{0xfb}},
	} {
		d := dec(tc.s)
		got := jvalues.TwosComplement(d.Unscaled)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: %x, want %x", tc.s, got, tc.want)
		}
		if back := jvalues.FromTwosComplement(got); back.Cmp(d.Unscaled) != 0 {
			t.Errorf("%s: back %s", tc.s, back)
		}
	}
}
