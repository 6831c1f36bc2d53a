package converters

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// This file parses JSON into a tree that answers the questions JsonConverter asks Jackson's
// JsonNode (isInt, intValue, textValue, binaryValue, …) with Jackson's answers, configured as
// JsonConverter configures its ObjectMapper: floating-point numbers kept as exact decimals
// (USE_BIG_DECIMAL_FOR_FLOATS), leading zeros allowed, and content after the first value
// ignored.

type jsonKind uint8

const (
	jsonMissing jsonKind = iota // no content at all
	jsonNull
	jsonBool
	jsonInt    // an integer that fits an int (IntNode)
	jsonLong   // an integer that fits a long (LongNode)
	jsonBigInt // a larger integer (BigIntegerNode)
	jsonDecimal
	jsonString
	jsonArray
	jsonObject
)

type jsonNode struct {
	kind jsonKind
	b    bool
	s    string // string value, or the number's text
	n    int64  // jsonInt, jsonLong
	big  *big.Int
	dec  connector.Decimal
	arr  []*jsonNode // array elements; object values, in key order
	keys []string    // object keys
}

// nodeType is JsonNode.getNodeType().name().
func (n *jsonNode) nodeType() string {
	switch n.kind {
	case jsonMissing:
		return "MISSING"
	case jsonNull:
		return "NULL"
	case jsonBool:
		return "BOOLEAN"
	case jsonString:
		return "STRING"
	case jsonArray:
		return "ARRAY"
	case jsonObject:
		return "OBJECT"
	default:
		return "NUMBER"
	}
}

func (n *jsonNode) isNumber() bool   { return n.kind >= jsonInt && n.kind <= jsonDecimal }
func (n *jsonNode) isIntegral() bool { return n.kind >= jsonInt && n.kind <= jsonBigInt }

// get is ObjectNode.get: nil when absent or when n is not an object.
func (n *jsonNode) get(key string) *jsonNode {
	if n == nil || n.kind != jsonObject {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.arr[i]
		}
	}
	return nil
}

// elements is what iterating a JsonNode yields: array elements, object values, else nothing.
func (n *jsonNode) elements() []*jsonNode {
	if n.kind == jsonArray || n.kind == jsonObject {
		return n.arr
	}
	return nil
}

func (n *jsonNode) longValue() int64 {
	switch n.kind {
	case jsonInt, jsonLong:
		return n.n
	case jsonBigInt:
		return jvalues.LowInt64(n.big)
	case jsonDecimal:
		return jvalues.DecimalLong(n.dec)
	}
	return 0
}

func (n *jsonNode) intValue() int32 { return int32(n.longValue()) }

func (n *jsonNode) doubleValue() float64 {
	switch n.kind {
	case jsonInt, jsonLong:
		return float64(n.n)
	case jsonBigInt:
		f, _ := new(big.Float).SetInt(n.big).Float64()
		return f
	case jsonDecimal:
		return jvalues.DecimalFloat64(n.dec)
	}
	return 0
}

func (n *jsonNode) floatValue() float32 {
	switch n.kind {
	case jsonInt, jsonLong:
		return float32(n.n)
	case jsonBigInt:
		f, _ := new(big.Float).SetInt(n.big).Float32()
		return f
	case jsonDecimal:
		return jvalues.DecimalFloat32(n.dec)
	}
	return 0
}

func (n *jsonNode) decimalValue() connector.Decimal {
	switch n.kind {
	case jsonInt, jsonLong:
		return connector.Decimal{Unscaled: big.NewInt(n.n)}
	case jsonBigInt:
		return connector.Decimal{Unscaled: new(big.Int).Set(n.big)}
	case jsonDecimal:
		return n.dec
	}
	return connector.Decimal{Unscaled: new(big.Int)}
}

// binaryValue is JsonNode.binaryValue: the base64 content of a string node, nil for other
// nodes.
func (n *jsonNode) binaryValue() ([]byte, error) {
	if n.kind != jsonString {
		return nil, nil
	}
	return jacksonBase64(n.s)
}

// jacksonBase64 decodes base64 as Jackson's default variant (MIME-NO-LINEFEEDS) does:
// the standard alphabet, padding required, white space allowed between 4-char groups and
// at both ends, and a padded group may be followed by more groups.
func jacksonBase64(s string) ([]byte, error) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	val := func(c byte) int {
		switch {
		case c >= 'A' && c <= 'Z':
			return int(c - 'A')
		case c >= 'a' && c <= 'z':
			return int(c-'a') + 26
		case c >= '0' && c <= '9':
			return int(c-'0') + 52
		case c == '+':
			return 62
		case c == '/':
			return 63
		case c == '=':
			return -2
		}
		return -1
	}
	bad := fmt.Errorf("broken Base64 encoding")
	out := []byte{}
	i := 0
	for {
		for i < len(s) && s[i] <= ' ' {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		var q [4]int
		for k := 0; k < 4; k++ {
			if i >= len(s) {
				return nil, bad // padding is required
			}
			q[k] = val(s[i])
			i++
		}
		switch {
		case q[0] < 0 || q[1] < 0:
			return nil, bad
		case q[2] == -2:
			if q[3] != -2 {
				return nil, bad
			}
			out = append(out, byte(q[0]<<2|q[1]>>4))
		case q[2] < 0:
			return nil, bad
		case q[3] == -2:
			d := q[0]<<12 | q[1]<<6 | q[2]
			out = append(out, byte(d>>10), byte(d>>2))
		case q[3] < 0:
			return nil, bad
		default:
			d := q[0]<<18 | q[1]<<12 | q[2]<<6 | q[3]
			out = append(out, byte(d>>16), byte(d>>8), byte(d))
		}
	}
}

// String renders the node as compact JSON (used as the schema cache key).
func (n *jsonNode) String() string {
	var b bytes.Buffer
	n.write(&b)
	return b.String()
}

func (n *jsonNode) write(b *bytes.Buffer) {
	switch n.kind {
	case jsonMissing:
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(n.b))
	case jsonString:
		writeJSONString(b, n.s)
	case jsonArray:
		b.WriteByte('[')
		for i, e := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b)
		}
		b.WriteByte(']')
	case jsonObject:
		b.WriteByte('{')
		for i, e := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, n.keys[i])
			b.WriteByte(':')
			e.write(b)
		}
		b.WriteByte('}')
	default:
		b.WriteString(n.s)
	}
}

// Jackson's default StreamReadConstraints.
const (
	maxJSONDepth        = 1000
	maxJSONNumberLength = 1000
)

type jsonParser struct {
	in    []byte
	pos   int
	depth int
}

// parseJSON reads the first JSON value of in, as ObjectMapper.readTree does: empty or blank
// input is a missing node, and whatever follows a complete value is ignored, except that a
// number at the root must be followed by white space or the end.
func parseJSON(in []byte) (*jsonNode, error) {
	p := &jsonParser{in: in}
	p.skipWS()
	if p.pos >= len(p.in) {
		return &jsonNode{kind: jsonMissing}, nil
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	if n.isNumber() && p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\r', '\n':
		default:
			return nil, p.errorf("Expected space separating root-level values")
		}
	}
	return n, nil
}

func (p *jsonParser) errorf(format string, a ...any) error {
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, a...), p.pos)
}

func (p *jsonParser) skipWS() {
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (*jsonNode, error) {
	if p.pos >= len(p.in) {
		return nil, p.errorf("Unexpected end-of-input")
	}
	switch c := p.in[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jsonNode{kind: jsonString, s: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't' || c == 'f' || c == 'n':
		return p.literal()
	default:
		return nil, p.errorf("Unexpected character (%q)", rune(c))
	}
}

func (p *jsonParser) literal() (*jsonNode, error) {
	end := p.pos
	for end < len(p.in) && ((p.in[end] >= 'a' && p.in[end] <= 'z') || (p.in[end] >= 'A' && p.in[end] <= 'Z') || (p.in[end] >= '0' && p.in[end] <= '9') || p.in[end] == '_') {
		end++
	}
	tok := string(p.in[p.pos:end])
	var n *jsonNode
	switch tok {
	case "true":
		n = &jsonNode{kind: jsonBool, b: true}
	case "false":
		n = &jsonNode{kind: jsonBool}
	case "null":
		n = &jsonNode{kind: jsonNull}
	default:
		return nil, p.errorf("Unrecognized token '%s'", tok)
	}
	p.pos = end
	return n, nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.errorf("Document nesting depth exceeds the maximum allowed (%d)", maxJSONDepth)
	}
	return nil
}

func (p *jsonParser) array() (*jsonNode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++
	n := &jsonNode{kind: jsonArray}
	p.skipWS()
	if p.pos < len(p.in) && p.in[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.skipWS()
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		n.arr = append(n.arr, e)
		p.skipWS()
		if p.pos >= len(p.in) {
			return nil, p.errorf("Unexpected end-of-input: expected close marker for ARRAY")
		}
		switch p.in[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.errorf("Unexpected character (%q): was expecting comma to separate Array entries", rune(p.in[p.pos]))
		}
	}
}

func (p *jsonParser) object() (*jsonNode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++
	n := &jsonNode{kind: jsonObject}
	p.skipWS()
	if p.pos < len(p.in) && p.in[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.skipWS()
		if p.pos >= len(p.in) || p.in[p.pos] != '"' {
			return nil, p.errorf("Unexpected character: was expecting double-quote to start field name")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= len(p.in) || p.in[p.pos] != ':' {
			return nil, p.errorf("Unexpected character: was expecting a colon to separate field name and value")
		}
		p.pos++
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		replaced := false
		for i, k := range n.keys { // a repeated key replaces the value in place
			if k == key {
				n.arr[i], replaced = v, true
				break
			}
		}
		if !replaced {
			n.keys = append(n.keys, key)
			n.arr = append(n.arr, v)
		}
		p.skipWS()
		if p.pos >= len(p.in) {
			return nil, p.errorf("Unexpected end-of-input: expected close marker for OBJECT")
		}
		switch p.in[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.errorf("Unexpected character (%q): was expecting comma to separate Object entries", rune(p.in[p.pos]))
		}
	}
}

func (p *jsonParser) str() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for {
		if p.pos >= len(p.in) {
			return "", p.errorf("Unexpected end-of-input: was expecting closing quote for a string value")
		}
		c := p.in[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c == '\\':
			p.pos++
			if p.pos >= len(p.in) {
				return "", p.errorf("Unexpected end-of-input in character escape sequence")
			}
			e := p.in[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one is one character;
					// a lone surrogate (legal in a Java string) becomes U+FFFD.
					if r < 0xDC00 && p.pos+6 <= len(p.in) && p.in[p.pos] == '\\' && p.in[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						r2, err := p.hex4()
						if err == nil && r2 >= 0xDC00 && r2 <= 0xDFFF {
							b.WriteRune(utf16.DecodeRune(r, r2))
							continue
						}
						p.pos = save
					}
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				return "", p.errorf("Unrecognized character escape %q", rune(e))
			}
		case c < 0x20:
			return "", p.errorf("Illegal unquoted character (CTRL-CHAR, code %d): has to be escaped using backslash to be included in string value", c)
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.in[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.errorf("Invalid UTF-8 start byte 0x%02x", c)
			}
			b.WriteString(string(p.in[p.pos : p.pos+size]))
			p.pos += size
		}
	}
}

func (p *jsonParser) hex4() (rune, error) {
	if p.pos+4 > len(p.in) {
		return 0, p.errorf("Unexpected end-of-input in character escape sequence")
	}
	v, err := strconv.ParseUint(string(p.in[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, p.errorf("Unexpected character in character escape sequence")
	}
	p.pos += 4
	return rune(v), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *jsonParser) number() (*jsonNode, error) {
	start := p.pos
	if p.in[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	for p.pos < len(p.in) && isDigit(p.in[p.pos]) {
		p.pos++
	}
	if p.pos == intStart {
		return nil, p.errorf("Unexpected character: expected digit for a number")
	}
	float := false
	if p.pos < len(p.in) && p.in[p.pos] == '.' {
		float = true
		p.pos++
		fs := p.pos
		for p.pos < len(p.in) && isDigit(p.in[p.pos]) {
			p.pos++
		}
		if p.pos == fs {
			return nil, p.errorf("Decimal point not followed by a digit")
		}
	}
	if p.pos < len(p.in) && (p.in[p.pos] == 'e' || p.in[p.pos] == 'E') {
		float = true
		p.pos++
		if p.pos < len(p.in) && (p.in[p.pos] == '+' || p.in[p.pos] == '-') {
			p.pos++
		}
		es := p.pos
		for p.pos < len(p.in) && isDigit(p.in[p.pos]) {
			p.pos++
		}
		if p.pos == es {
			return nil, p.errorf("Exponent indicator not followed by a digit")
		}
	}
	text := string(p.in[start:p.pos])
	if len(text) > maxJSONNumberLength {
		return nil, p.errorf("Number value length (%d) exceeds the maximum allowed (%d)", len(text), maxJSONNumberLength)
	}
	if float {
		d, ok := jvalues.ParseBigDecimal(text)
		if !ok {
			return nil, p.errorf("Malformed numeric value '%s'", text)
		}
		return &jsonNode{kind: jsonDecimal, s: text, dec: d}, nil
	}
	// Leading zeros are allowed (ALLOW_LEADING_ZEROS_FOR_NUMBERS).
	i, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, p.errorf("Malformed numeric value '%s'", text)
	}
	switch {
	case i.IsInt64() && i.Int64() >= math.MinInt32 && i.Int64() <= math.MaxInt32:
		return &jsonNode{kind: jsonInt, s: text, n: i.Int64()}, nil
	case i.IsInt64():
		return &jsonNode{kind: jsonLong, s: text, n: i.Int64()}, nil
	}
	return &jsonNode{kind: jsonBigInt, s: text, big: i}, nil
}
