package storage

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// The golden strings in these tests are what Kafka Connect 4.1.2's JsonConverter
// (schemas.enable=false, Jackson 2.19.4, OpenJDK 17) wrote for the same values.

func TestAppendJSONStringMatchesJackson(t *testing.T) {
	in := "a\"b\\c\n\t\u0001\u001f\u007f/<>&é\u2028😀\b\f\r"
	// Jackson: control characters as \u00XX with upper-case hex, DEL, '/', '<', '>', '&',
	// non-ASCII and U+2028 raw, non-BMP characters as an escaped surrogate pair.
	want := "\"a\\\"b\\\\c\\n\\t\\u0001\\u001F\u007f/<>&é\u2028\\uD83D\\uDE00\\b\\f\\r\""
	if got := string(appendJSONString(nil, in)); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if got := string(appendJSONString(nil, "x\xffy")); got != "\"x\uFFFDy\"" {
		t.Fatalf("invalid UTF-8: got %q", got)
	}
}

func TestAppendJavaFloat(t *testing.T) {
	pointOne, pointTwo := 0.1, 0.2 // variables: a constant 0.1+0.2 is exactly 0.3
	cases := []struct {
		f    float64
		bits int
		want string
	}{
		{1.0, 64, "1.0"},
		{1e10, 64, "1.0E10"},
		{0.001, 64, "0.001"},
		{1e-4, 64, "1.0E-4"},
		{12345678.9, 64, "1.23456789E7"},
		{1234567.0, 64, "1234567.0"},
		{1.5, 32, "1.5"},
		{float64(float32(0.1)), 32, "0.1"},
		{math.Copysign(0, -1), 64, "-0.0"},
		{0, 64, "0.0"},
		{math.MaxFloat64, 64, "1.7976931348623157E308"},
		{math.SmallestNonzeroFloat64, 64, "4.9E-324"},
		{pointOne + pointTwo, 64, "0.30000000000000004"},
		{100, 64, "100.0"},
		{-2.5, 64, "-2.5"},
		{9999999.0, 64, "9999999.0"},
		{1e7, 64, "1.0E7"},
		{0.00099, 64, "9.9E-4"},
		{123.456, 64, "123.456"},
		{2e23, 64, "2.0E23"}, // JDK 19+; JDK 17 prints 1.9999999999999998E23
	}
	for _, c := range cases {
		if got := string(appendJavaFloat(nil, c.f, c.bits)); got != c.want {
			t.Errorf("appendJavaFloat(%v, %d) = %s, want %s", c.f, c.bits, got, c.want)
		}
	}
}

func TestOffsetKeyMatchesJsonConverter(t *testing.T) {
	// Java wrote this from a LinkedHashMap; ours is sorted, so compare value by value with the
	// same order by encoding each field on its own.
	pointOne, pointTwo := 0.1, 0.2
	javaKey := `["ns",{"s":"x","i":5,"l":1099511627776,"d":1.0,"d2":1.0E10,"d3":0.001,"d4":1.0E-4,"d5":1.23456789E7,"d6":1234567.0,"f":1.5,"b":true,"n":null,"neg":-0.0,"bytes":"AQID","big":1.7976931348623157E308,"small":4.9E-324,"d7":0.30000000000000004,"ff":0.1}]`
	fields := []struct {
		name string
		v    any
	}{
		{"s", "x"}, {"i", 5}, {"l", int64(1) << 40}, {"d", 1.0}, {"d2", 1e10}, {"d3", 0.001}, {"d4", 1e-4},
		{"d5", 12345678.9}, {"d6", 1234567.0}, {"f", float32(1.5)}, {"b", true}, {"n", nil},
		{"neg", math.Copysign(0, -1)}, {"bytes", []byte{1, 2, 3}}, {"big", math.MaxFloat64},
		{"small", math.SmallestNonzeroFloat64}, {"d7", pointOne + pointTwo}, {"ff", float32(0.1)},
	}
	var b []byte
	b = append(b, `["ns",{`...)
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.name)
		b = append(b, ':')
		var err error
		if b, err = appendJSONValue(b, f.v); err != nil {
			t.Fatal(err)
		}
	}
	b = append(b, "}]"...)
	if string(b) != javaKey {
		t.Fatalf("got  %s\nwant %s", b, javaKey)
	}
}

func TestParseJSONTypes(t *testing.T) {
	// JsonConverter without schemas: integers Long, others Double.
	v, err := parseJSON([]byte(`["c",{"a":1,"b":1.0,"c":1e3,"d":12345678901234,"e":null,"f":"s","g":true}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"c", map[string]any{
		"a": int64(1), "b": 1.0, "c": 1000.0, "d": int64(12345678901234), "e": nil, "f": "s", "g": true,
	}}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v", v)
	}
	for _, bad := range []string{``, `{`, `{"a":1} x`, `{"a":99999999999999999999}`, `nul`} {
		if _, err := parseJSON([]byte(bad)); err == nil {
			t.Errorf("parseJSON(%q) succeeded", bad)
		}
	}
}

func TestAppendJSONValueRejects(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), uint64(math.MaxUint64), struct{}{}, []string{"x"}} {
		if _, err := appendJSONValue(nil, v); err == nil {
			t.Errorf("appendJSONValue(%#v) succeeded", v)
		}
	}
}

// testLogger returns a logger that writes into buf, for checking warnings.
func testLogger(buf *bytes.Buffer) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Output: buf, Level: hclog.Trace})
}

// warnings returns the WARN lines of a test log.
func warnings(buf *bytes.Buffer) []string {
	var out []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, "[WARN]") {
			out = append(out, l)
		}
	}
	return out
}
