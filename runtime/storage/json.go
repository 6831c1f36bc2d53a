package storage

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file writes and reads JSON the way Kafka Connect's internal JsonConverter does
// (schemas.enable=false, Jackson 2.19 underneath), so that the bytes we produce are the bytes a
// Java worker would produce for the same value:
//
//   - compact: no spaces;
//   - strings: `"` and `\` escaped with a backslash; control characters below U+0020 as \b \t \n
//     \f \r or \u00XX with upper-case hex; characters outside the Basic Multilingual Plane as an
//     escaped UTF-16 surrogate pair (\uD83D\uDE00, Jackson's UTF8JsonGenerator default); every
//     other character, including DEL, U+2028 and non-ASCII, as raw UTF-8. Go's encoding/json would
//     escape <, >, & and U+2028 and write lower-case hex.
//   - doubles as Java's Double.toString (1.0, 1.0E10, 1.0E-4, 1.23456789E7), floats as
//     Float.toString; integers as plain decimals.
//   - []byte as a base64 string.
//
// Map key order is the one thing we cannot reproduce: Java writes a HashMap in hash order. We
// write map keys sorted, which is deterministic (see offsetKey for why that matters).
//
// When reading, JSON integers become int64 and other numbers float64, as JsonConverter does
// without schemas (Long and Double).

// appendJSONString appends s as a JSON string literal in Jackson's escaping.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Not UTF-8; Java strings cannot hold this, so write the replacement character.
			b = append(b, "\uFFFD"...)
		case r > 0xFFFF:
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			for _, u := range [2]rune{hi, lo} {
				b = append(b, '\\', 'u', hex[u>>12&0xF], hex[u>>8&0xF], hex[u>>4&0xF], hex[u&0xF])
			}
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// appendJavaFloat appends f as Java's Double.toString (bits 64) or Float.toString (bits 32)
// would print it, in the JDK 19+ specification (the shortest decimal that reads back as f; when
// that has one digit, the closest one- or two-digit decimal). JDK 17's older algorithm prints a
// few values with more digits than needed (2e23 as 1.9999999999999998E23); such keys are still
// read correctly, only a newly written key can differ from what that JVM would write.
func appendJavaFloat(b []byte, f float64, bits int) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	digits, exp := shortestDigits(f, bits)
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	if f >= 1e-3 && f < 1e7 {
		// Plain notation: exp is the power of ten of the first digit.
		if exp >= 0 {
			if len(digits) > exp+1 {
				b = append(b, digits[:exp+1]...)
				b = append(b, '.')
				b = append(b, digits[exp+1:]...)
			} else {
				b = append(b, digits...)
				b = append(b, strings.Repeat("0", exp+1-len(digits))...)
				b = append(b, ".0"...)
			}
			return b
		}
		b = append(b, "0."...)
		b = append(b, strings.Repeat("0", -exp-1)...)
		return append(b, digits...)
	}
	b = append(b, digits[0], '.')
	if len(digits) > 1 {
		b = append(b, digits[1:]...)
	} else {
		b = append(b, '0')
	}
	b = append(b, 'E')
	return strconv.AppendInt(b, int64(exp), 10)
}

// shortestDigits returns the decimal digits (no leading zeros) and the power of ten of the first
// digit of |f| as Java's Double/Float.toString chooses them.
func shortestDigits(f float64, bits int) (string, int) {
	f = math.Abs(f)
	s := strconv.FormatFloat(f, 'e', -1, bits)
	digits, exp := splitE(s)
	if len(digits) == 1 {
		// Java picks the closest decimal of length 1 or 2: 4.9E-324 rather than 5.0E-324.
		two := strconv.FormatFloat(f, 'e', 1, bits)
		if v, err := strconv.ParseFloat(two, bits); err == nil && v == f {
			d2, e2 := splitE(two)
			if strings.HasSuffix(d2, "0") {
				d2 = d2[:1]
			}
			digits, exp = d2, e2
		}
	}
	return digits, exp
}

// splitE splits strconv's "d.ddde±xx" into "dddd" and the exponent.
func splitE(s string) (string, int) {
	mant, e, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(e)
	return strings.Replace(mant, ".", "", 1), exp
}

// errUnsupportedJSON is wrapped by appendJSONValue for values it cannot encode.
var errUnsupportedJSON = errors.New("unsupported value")

// appendJSONValue appends v in JsonConverter's schemaless encoding. Maps are written with
// sorted keys. Supported: nil, bool, string, []byte, signed and unsigned integers (up to
// MaxInt64), float32, float64 (finite), map[string]any, map[string]string, []any.
func appendJSONValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return appendJSONString(b, x), nil
	case []byte:
		return appendJSONString(b, base64.StdEncoding.EncodeToString(x)), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case uint, uint8, uint16, uint32, uint64:
		u := toUint64(x)
		if u > math.MaxInt64 {
			return b, fmt.Errorf("%w: %d is larger than a Java long", errUnsupportedJSON, u)
		}
		return strconv.AppendUint(b, u, 10), nil
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return b, fmt.Errorf("%w: %v", errUnsupportedJSON, x)
		}
		return appendJavaFloat(b, float64(x), 32), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, fmt.Errorf("%w: %v", errUnsupportedJSON, x)
		}
		return appendJavaFloat(b, x, 64), nil
	case map[string]any:
		return appendJSONObject(b, x)
	case map[string]string:
		keys := sortedKeys(x)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, x[k])
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	default:
		return b, fmt.Errorf("%w of type %T", errUnsupportedJSON, v)
	}
}

func appendJSONObject(b []byte, m map[string]any) ([]byte, error) {
	keys := sortedKeys(m)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSONValue(b, m[k]); err != nil {
			return b, fmt.Errorf("field %q: %w", k, err)
		}
	}
	return append(b, '}'), nil
}

func toUint64(v any) uint64 {
	switch x := v.(type) {
	case uint:
		return uint64(x)
	case uint8:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint32:
		return uint64(x)
	case uint64:
		return x
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseJSON reads one JSON value as JsonConverter does without schemas: objects become
// map[string]any, arrays []any, integers int64, other numbers float64.
func parseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return nil, errors.New("trailing data after the JSON value")
	}
	return convertNumbers(v)
}

func convertNumbers(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("integer %s: %w", s, err)
			}
			return i, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", s, err)
		}
		return f, nil
	case map[string]any:
		for k, e := range x {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			x[k] = c
		}
		return x, nil
	case []any:
		for i, e := range x {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			x[i] = c
		}
		return x, nil
	default:
		return v, nil
	}
}

// parseJSONObject parses data that must be a JSON object.
func parseJSONObject(data []byte) (map[string]any, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected a JSON object, found %s", jsonKind(v))
	}
	return m, nil
}

// jsonKind names the JSON type of a parsed value, for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a decimal number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
