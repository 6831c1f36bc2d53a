package rest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Request bodies are decoded the way Kafka Connect's Jersey/Jackson stack decodes them, because
// a malformed body is answered with Jackson's own message (HTTP 500, ConnectExceptionMapper's
// fallback) and clients see that text. The decoder below is a small streaming JSON parser that
// knows the Java type each endpoint binds, so it reports the first problem in the order Jackson
// meets it, with Jackson's wording and its line/column (byte based, as Jackson's UTF-8 parser
// counts). It also reproduces Jackson's coercions: a JSON number or boolean is accepted where a
// String is expected (its literal text), and a JSON null is kept as null.
//
// Whitespace-only and empty bodies are no entity at all (Jersey passes null to the resource),
// which each handler answers with the NullPointerException message Connect gives.

// The Java names that appear in Jackson's messages.
const (
	javaString            = "java.lang.String"
	javaMapStringString   = "java.util.LinkedHashMap<java.lang.String,java.lang.String>"
	javaMapStringObject   = "java.util.LinkedHashMap<java.lang.String,java.lang.Object>"
	javaLinkedHashMap     = "java.util.LinkedHashMap"
	javaArrayList         = "java.util.ArrayList"
	javaOffsetList        = "java.util.ArrayList<org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset>"
	javaCreateRequest     = "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest"
	javaConnectorOffsets  = "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets"
	javaConnectorOffset   = "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset"
	javaInitialStateClass = "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest$InitialState"
	javaInitialStateEnum  = "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.InitialState"
)

// jsonLocationFormat is how Jackson 2.16+ prints a location when the source is not included.
const jsonLocationFormat = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d]"

const validValues = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

// kv is one entry of an ordered JSON object whose values are strings or null.
type kv struct {
	Key   string
	Value *string
}

// orderedConfig is a Map<String,String> as Jackson builds it: a LinkedHashMap, so the order
// of first appearance is kept (it decides the order of equal buckets in javaString), a
// repeated key keeps its first position and takes the last value, and null values are kept.
type orderedConfig []kv

func (c orderedConfig) get(key string) (*string, bool) {
	for _, e := range c {
		if e.Key == key {
			return e.Value, true
		}
	}
	return nil, false
}

func (c *orderedConfig) put(key string, v *string) {
	for i := range *c {
		if (*c)[i].Key == key {
			(*c)[i].Value = v
			return
		}
	}
	*c = append(*c, kv{key, v})
}

// javaString is the config as Connect prints it in "Connector config {…} contains no connector
// type": AbstractMap.toString ({k1=v1, k2=null}) of a java.util.HashMap copied from the
// request's LinkedHashMap. Its order is HashMap's: by bucket (String.hashCode, spread, masked
// by the capacity HashMap(Map) pre-sizes on Java 17, the oracle's JVM), then by insertion.
func (c orderedConfig) javaString() string {
	order := make([]int, len(c))
	for i := range order {
		order[i] = i
	}
	if len(c) > 0 {
		capacity := javaTableSizeFor(int(float32(len(c))/float32(0.75) + 1.0))
		bucket := func(i int) uint32 {
			h := javaStringHash(c[i].Key)
			return (h ^ h>>16) & uint32(capacity-1)
		}
		sort.SliceStable(order, func(a, b int) bool { return bucket(order[a]) < bucket(order[b]) })
	}
	var b strings.Builder
	b.WriteByte('{')
	for n, i := range order {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c[i].Key)
		b.WriteByte('=')
		if c[i].Value == nil {
			b.WriteString("null")
		} else {
			b.WriteString(*c[i].Value)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// javaStringHash is String.hashCode: s[0]*31^(n-1) + … over UTF-16 code units.
func javaStringHash(s string) uint32 {
	var h uint32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + uint32(u)
	}
	return h
}

// javaTableSizeFor is HashMap.tableSizeFor: the power of two at or above n (at least 1).
func javaTableSizeFor(n int) int {
	size := 1
	for size < n {
		size <<= 1
	}
	return size
}

// stringMap is the config without its null values, as the Herder takes it.
func (c orderedConfig) stringMap() map[string]string {
	m := make(map[string]string, len(c))
	for _, e := range c {
		if e.Value != nil {
			m[e.Key] = *e.Value
		}
	}
	return m
}

// patchMap is the config as a PATCH body: nil values remove keys.
func (c orderedConfig) patchMap() map[string]*string {
	m := make(map[string]*string, len(c))
	for _, e := range c {
		m[e.Key] = e.Value
	}
	return m
}

// createConnectorRequest is POST /connectors' body (rest/entities/CreateConnectorRequest).
type createConnectorRequest struct {
	Name         *string
	Config       orderedConfig // nil when absent or null
	InitialState *string       // upper-cased RUNNING, PAUSED or STOPPED; nil when absent or null
}

// offsetsRequest is PATCH /connectors/{c}/offsets' body (rest/entities/ConnectorOffsets).
// Offsets is nil when absent or null; an element is nil for a JSON null.
type offsetsRequest struct {
	Offsets []*offsetEntry
}

// offsetEntry is one ConnectorOffset; a nil map is a JSON null (or an absent field).
type offsetEntry struct {
	Partition map[string]any
	Offset    map[string]any
}

// decodeConfig decodes a Map<String,String> body. A nil result with a nil error means no
// entity (empty body or JSON null).
func decodeConfig(body []byte) (orderedConfig, error) {
	p := &jsonParser{b: body}
	var out orderedConfig
	present, err := p.root("java.util.Map", func() error {
		var err error
		out, err = p.configMap(nil)
		return err
	})
	if err != nil || !present {
		return nil, err
	}
	if out == nil {
		out = orderedConfig{}
	}
	return out, nil
}

// decodeCreateRequest decodes POST /connectors' body; nil means no entity.
func decodeCreateRequest(body []byte) (*createConnectorRequest, error) {
	p := &jsonParser{b: body}
	var out *createConnectorRequest
	present, err := p.root(javaCreateRequest, func() error {
		var err error
		out, err = p.createRequest()
		return err
	})
	if err != nil || !present {
		return nil, err
	}
	return out, nil
}

// decodeOffsetsRequest decodes PATCH /connectors/{c}/offsets' body; nil means no entity.
func decodeOffsetsRequest(body []byte) (*offsetsRequest, error) {
	p := &jsonParser{b: body}
	var out *offsetsRequest
	present, err := p.root(javaConnectorOffsets, func() error {
		var err error
		out, err = p.offsets()
		return err
	})
	if err != nil || !present {
		return nil, err
	}
	return out, nil
}

// pathElem is one step of Jackson's "through reference chain".
type pathElem struct {
	class string // the container's Java class
	key   string // field or map key
	index int    // list index, when key is ""
	isIdx bool
}

func (e pathElem) String() string {
	if e.isIdx {
		return fmt.Sprintf("%s[%d]", e.class, e.index)
	}
	return fmt.Sprintf("%s[\"%s\"]", e.class, e.key)
}

// jsonParser is a recursive-descent JSON parser with Jackson's error reporting.
type jsonParser struct {
	b []byte
	i int // next byte to read
	// chain is the reference chain of the container whose contents are being read. Jackson
	// attaches it to syntax errors met inside a typed Map, List or bean, but not to errors
	// met while the parent lexes the container's first token.
	chain []pathElem
}

// within runs read with chain set to path, the container's own position.
func (p *jsonParser) within(path []pathElem, read func() error) error {
	saved := p.chain
	p.chain = path
	err := read()
	p.chain = saved
	return err
}

// errAt is a Jackson exception message: text, location and reference chain (path, or for a
// nil path, the chain of the container being read).
func (p *jsonParser) errAt(pos int, path []pathElem, format string, a ...any) error {
	if path == nil {
		path = p.chain
	}
	line, col := p.lineCol(pos)
	msg := fmt.Sprintf(format, a...) + fmt.Sprintf(jsonLocationFormat, line, col)
	if len(path) > 0 {
		parts := make([]string, len(path))
		for i, e := range path {
			parts[i] = e.String()
		}
		msg += " (through reference chain: " + strings.Join(parts, "->") + ")"
	}
	return &Error{Code: http.StatusInternalServerError, Message: msg}
}

// lineCol converts a byte offset (0-based) to Jackson's 1-based line and column.
func (p *jsonParser) lineCol(pos int) (int, int) {
	line, start := 1, 0
	for j := 0; j < pos && j < len(p.b); j++ {
		switch p.b[j] {
		case '\n':
			line, start = line+1, j+1
		case '\r':
			if j+1 < len(p.b) && p.b[j+1] == '\n' {
				continue
			}
			line, start = line+1, j+1
		}
	}
	return line, pos - start + 1
}

// describeChar is Jackson's rendering of an unexpected character: ('x' (code 120)), or
// (CTRL-CHAR, code 10) for control characters.
func (p *jsonParser) describeChar(pos int) string {
	r, _ := utf8.DecodeRune(p.b[pos:])
	if r < 32 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", r)
	}
	return fmt.Sprintf("'%c' (code %d)", r, r)
}

func (p *jsonParser) unexpectedChar(pos int, msg string) error {
	return p.errAt(pos, nil, "Unexpected character (%s): %s", p.describeChar(pos), msg)
}

func (p *jsonParser) eof() bool { return p.i >= len(p.b) }

// skipWS skips whitespace; a '/' is Jackson's "maybe a comment" error.
func (p *jsonParser) skipWS() error {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		case '/':
			return p.unexpectedChar(p.i, "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)")
		default:
			return nil
		}
	}
	return nil
}

// token kinds, named as Jackson's JsonToken.
const (
	tokObject = "START_OBJECT"
	tokArray  = "START_ARRAY"
	tokString = "VALUE_STRING"
	tokInt    = "VALUE_NUMBER_INT"
	tokFloat  = "VALUE_NUMBER_FLOAT"
	tokTrue   = "VALUE_TRUE"
	tokFalse  = "VALUE_FALSE"
	tokNull   = "VALUE_NULL"
)

// token is one lexed value token. For objects and arrays only the opening bracket has been
// consumed.
type token struct {
	kind  string
	start int
	text  string // decoded string, or the literal text of a number or literal
}

// Jackson's names for a token in "from X value" messages.
func (t token) valueName() string {
	switch t.kind {
	case tokObject:
		return "Object"
	case tokArray:
		return "Array"
	case tokString:
		return "String"
	case tokInt:
		return "Integer"
	case tokFloat:
		return "Floating-point"
	case tokTrue, tokFalse:
		return "Boolean"
	}
	return "Null"
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// next lexes the value token at p.i (whitespace already skipped, not at EOF).
func (p *jsonParser) next() (token, error) {
	start := p.i
	c := p.b[p.i]
	switch {
	case c == '{':
		p.i++
		return token{kind: tokObject, start: start}, nil
	case c == '[':
		p.i++
		return token{kind: tokArray, start: start}, nil
	case c == '"':
		s, err := p.str(false)
		return token{kind: tokString, start: start, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == '+':
		return token{}, p.errAt(start+1, nil, "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow")
	case isIdentStart(c):
		j := p.i
		for j < len(p.b) && isIdentPart(p.b[j]) {
			j++
		}
		word := string(p.b[p.i:j])
		switch word {
		case "true":
			p.i = j
			return token{kind: tokTrue, start: start, text: word}, nil
		case "false":
			p.i = j
			return token{kind: tokFalse, start: start, text: word}, nil
		case "null":
			p.i = j
			return token{kind: tokNull, start: start, text: word}, nil
		}
		end := j
		if end < len(p.b) {
			end++ // Jackson consumes the character that ended the token
		}
		return token{}, p.errAt(end, nil, "Unrecognized token '%s': was expecting %s", word, validValues)
	}
	return token{}, p.unexpectedChar(start, "expected a valid value "+validValues)
}

// number lexes a JSON number with Jackson's errors.
func (p *jsonParser) number() (token, error) {
	start := p.i
	j := p.i
	if p.b[j] == '-' {
		j++
		if j >= len(p.b) {
			return token{}, p.errAt(j, nil, "Unexpected end-of-input in a Number value")
		}
		if p.b[j] < '0' || p.b[j] > '9' {
			return token{}, p.errAt(j, nil, "Unexpected character (%s) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", p.describeChar(j))
		}
	}
	if p.b[j] == '0' && j+1 < len(p.b) && p.b[j+1] >= '0' && p.b[j+1] <= '9' {
		return token{}, p.errAt(j+1, nil, "Invalid numeric value: Leading zeroes not allowed")
	}
	for j < len(p.b) && p.b[j] >= '0' && p.b[j] <= '9' {
		j++
	}
	kind := tokInt
	if j < len(p.b) && p.b[j] == '.' {
		kind = tokFloat
		j++
		if j >= len(p.b) || p.b[j] < '0' || p.b[j] > '9' {
			if j >= len(p.b) {
				return token{}, p.errAt(j, nil, "Unexpected end-of-input in a Number value")
			}
			return token{}, p.errAt(j, nil, "Unexpected character (%s) in numeric value: Decimal point not followed by a digit", p.describeChar(j))
		}
		for j < len(p.b) && p.b[j] >= '0' && p.b[j] <= '9' {
			j++
		}
	}
	if j < len(p.b) && (p.b[j] == 'e' || p.b[j] == 'E') {
		kind = tokFloat
		j++
		if j < len(p.b) && (p.b[j] == '+' || p.b[j] == '-') {
			j++
		}
		if j >= len(p.b) || p.b[j] < '0' || p.b[j] > '9' {
			if j >= len(p.b) {
				return token{}, p.errAt(j, nil, "Unexpected end-of-input in a Number value")
			}
			return token{}, p.errAt(j, nil, "Unexpected character (%s) in numeric value: Exponent indicator not followed by a digit", p.describeChar(j))
		}
		for j < len(p.b) && p.b[j] >= '0' && p.b[j] <= '9' {
			j++
		}
	}
	p.i = j
	return token{kind: kind, start: start, text: string(p.b[start:j])}, nil
}

// str lexes a string (p.i at the opening quote) and decodes its escapes.
func (p *jsonParser) str(name bool) (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for {
		if p.i >= len(p.b) {
			if name {
				return "", p.errAt(p.i, nil, "Unexpected end-of-input in field name")
			}
			return "", p.errAt(p.i, nil, "Unexpected end-of-input in VALUE_STRING")
		}
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 32:
			what := "string value"
			if name {
				what = "name"
			}
			return "", p.errAt(p.i, nil, "Illegal unquoted character (%s): has to be escaped using backslash to be included in %s", p.describeChar(p.i), what)
		case c == '\\':
			p.i++
			if p.i >= len(p.b) {
				return "", p.errAt(p.i, nil, "Unexpected end-of-input in character escape sequence")
			}
			e := p.b[p.i]
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
				r := rune(0)
				for k := 0; k < 4; k++ {
					p.i++
					if p.i >= len(p.b) {
						return "", p.errAt(p.i, nil, "Unexpected end-of-input in character escape sequence")
					}
					d, ok := hexVal(p.b[p.i])
					if !ok {
						return "", p.unexpectedChar(p.i, "expected a hex-digit for character escape sequence")
					}
					r = r<<4 | d
				}
				b.WriteRune(r) // a lone surrogate becomes U+FFFD, as Go encodes it
			default:
				return "", p.errAt(p.i, nil, "Unrecognized character escape %s", p.describeChar(p.i))
			}
			p.i++
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

func hexVal(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}

// root parses a whole body: no entity when it is empty, whitespace or null; otherwise value
// parses the value at p.i, and anything after it is Jackson's FAIL_ON_TRAILING_TOKENS error.
func (p *jsonParser) root(boundAs string, value func() error) (bool, error) {
	if err := p.skipWS(); err != nil {
		return false, err
	}
	if p.eof() {
		return false, nil
	}
	if err := p.strayCloseMarker(); err != nil {
		return false, err
	}
	if strings.HasPrefix(string(p.b[p.i:]), "null") && (p.i+4 == len(p.b) || !isIdentPart(p.b[p.i+4])) {
		p.i += 4
		if err := p.trailing(boundAs); err != nil {
			return false, err
		}
		return false, nil
	}
	if err := value(); err != nil {
		return false, err
	}
	return true, p.trailing(boundAs)
}

func (p *jsonParser) trailing(boundAs string) error {
	if err := p.skipWS(); err != nil {
		return err
	}
	if p.eof() {
		return nil
	}
	if err := p.strayCloseMarker(); err != nil {
		return err
	}
	start := p.i
	t, err := p.next()
	if err != nil {
		return err
	}
	return p.errAt(start, nil, "Trailing token (of type %s) found after value (bound as `%s`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`", t.kind, boundAs)
}

// strayCloseMarker fails on a '}' or ']' outside any container.
func (p *jsonParser) strayCloseMarker() error {
	switch p.b[p.i] {
	case '}':
		return p.errAt(p.i, nil, "Unexpected close marker '}': no open Object to close")
	case ']':
		return p.errAt(p.i, nil, "Unexpected close marker ']': no open Array to close")
	}
	return nil
}

// wrongCloseMarker is Jackson's error for a '}' closing an array or a ']' closing an object.
func (p *jsonParser) wrongCloseMarker(container string, start int) error {
	want := "}"
	if container == "Array" {
		want = "]"
	}
	line, col := p.lineCol(start)
	return p.errAt(p.i, nil, "Unexpected close marker '%c': expected '%s' (for %s starting at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d])", p.b[p.i], want, container, line, col)
}

// object parses the members of an object whose '{' is at start and already consumed; field
// is called with p.i at the member's value (whitespace skipped, not at EOF).
func (p *jsonParser) object(start int, field func(key string) error) error {
	if err := p.skipWS(); err != nil {
		return err
	}
	if p.eof() {
		return p.closeMarkerEOF("Object", start)
	}
	if p.b[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		if p.b[p.i] != '"' {
			return p.unexpectedChar(p.i, "was expecting double-quote to start field name")
		}
		key, err := p.str(true)
		if err != nil {
			return err
		}
		if err := p.skipWS(); err != nil {
			return err
		}
		if p.eof() {
			return p.errAt(p.i, nil, "Unexpected end-of-input within/between Object entries")
		}
		if p.b[p.i] != ':' {
			return p.unexpectedChar(p.i, "was expecting a colon to separate field name and value")
		}
		p.i++
		if err := p.skipWS(); err != nil {
			return err
		}
		if p.eof() {
			return p.errAt(p.i, nil, "Unexpected end-of-input within/between Object entries")
		}
		if p.b[p.i] == '}' { // a ']' here is "expected a valid value", from next
			return p.unexpectedChar(p.i, "expected a value")
		}
		if err := field(key); err != nil {
			return err
		}
		if err := p.skipWS(); err != nil {
			return err
		}
		if p.eof() {
			return p.closeMarkerEOF("Object", start)
		}
		switch p.b[p.i] {
		case '}':
			p.i++
			return nil
		case ',':
			p.i++
			if err := p.skipWS(); err != nil {
				return err
			}
			if p.eof() {
				return p.errAt(p.i, nil, "Unexpected end-of-input within/between Object entries")
			}
		case ']':
			return p.wrongCloseMarker("Object", start)
		default:
			return p.unexpectedChar(p.i, "was expecting comma to separate Object entries")
		}
	}
}

// array parses the elements of an array whose '[' is at start and already consumed; elem is
// called with p.i at the element (whitespace skipped, not at EOF).
func (p *jsonParser) array(start int, elem func(i int) error) error {
	if err := p.skipWS(); err != nil {
		return err
	}
	if p.eof() {
		return p.closeMarkerEOF("Array", start)
	}
	if p.b[p.i] == ']' {
		p.i++
		return nil
	}
	for n := 0; ; n++ {
		if err := elem(n); err != nil {
			return err
		}
		if err := p.skipWS(); err != nil {
			return err
		}
		if p.eof() {
			return p.closeMarkerEOF("Array", start)
		}
		switch p.b[p.i] {
		case ']':
			p.i++
			return nil
		case ',':
			p.i++
			if err := p.skipWS(); err != nil {
				return err
			}
			if p.eof() {
				return p.errAt(p.i, nil, "Unexpected end-of-input within/between Array entries")
			}
			if p.b[p.i] == ']' {
				return p.unexpectedChar(p.i, "expected a value")
			}
		case '}':
			return p.wrongCloseMarker("Array", start)
		default:
			return p.unexpectedChar(p.i, "was expecting comma to separate Array entries")
		}
	}
}

func (p *jsonParser) closeMarkerEOF(container string, start int) error {
	line, col := p.lineCol(start)
	return p.errAt(p.i, nil, "Unexpected end-of-input: expected close marker for %s (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d])", container, line, col)
}

// mismatch is Jackson's error for a token that cannot become the target Java type.
func (p *jsonParser) mismatch(t token, javaType string, path []pathElem) error {
	return p.errAt(t.start, path, "Cannot deserialize value of type `%s` from %s value (token `JsonToken.%s`)", javaType, t.valueName(), t.kind)
}

// noCreator is Jackson's error for a scalar where a bean or map is expected.
func (p *jsonParser) noCreator(t token, class string, path []pathElem) error {
	switch t.kind {
	case tokString:
		return p.errAt(t.start, path, "Cannot construct instance of `%s` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('%s')", class, t.text)
	case tokInt:
		return p.errAt(t.start, path, "Cannot construct instance of `%s` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (%s)", class, t.text)
	case tokFloat:
		return p.errAt(t.start, path, "Cannot construct instance of `%s` (although at least one Creator exists): no double/Double-argument constructor/factory method to deserialize from Number value (%s)", class, t.text)
	default:
		return p.errAt(t.start, path, "Cannot construct instance of `%s` (although at least one Creator exists): no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (%s)", class, t.text)
	}
}

// stringValue reads a String-typed value: strings, and numbers and booleans as their text;
// nil for null. Objects and arrays are a mismatch.
func (p *jsonParser) stringValue(path []pathElem) (*string, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tokNull:
		return nil, nil
	case tokObject, tokArray:
		return nil, p.mismatch(t, javaString, path)
	}
	s := t.text
	return &s, nil
}

// configMap reads a Map<String,String> at p.i; nil for null.
func (p *jsonParser) configMap(path []pathElem) (orderedConfig, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tokNull:
		return nil, nil
	case tokObject:
	case tokArray, tokInt, tokFloat, tokTrue, tokFalse:
		return nil, p.mismatch(t, javaMapStringString, path)
	default:
		return nil, p.noCreator(t, javaLinkedHashMap, path)
	}
	out := orderedConfig{}
	err = p.within(path, func() error {
		return p.object(t.start, func(key string) error {
			v, err := p.stringValue(append(path[:len(path):len(path)], pathElem{class: javaLinkedHashMap, key: key}))
			if err != nil {
				return err
			}
			out.put(key, v)
			return nil
		})
	})
	return out, err
}

// anyValue reads any JSON value as a Go value (map[string]any, []any, string, bool, nil,
// int64 for integers that fit, float64 otherwise), as Jackson builds an Object.
func (p *jsonParser) anyValue() (any, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	return p.anyFrom(t)
}

func (p *jsonParser) anyFrom(t token) (any, error) {
	switch t.kind {
	case tokObject:
		m := map[string]any{}
		err := p.object(t.start, func(key string) error {
			v, err := p.anyValue()
			m[key] = v
			return err
		})
		return m, err
	case tokArray:
		l := []any{}
		err := p.array(t.start, func(int) error {
			v, err := p.anyValue()
			l = append(l, v)
			return err
		})
		return l, err
	case tokString:
		return t.text, nil
	case tokInt:
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return n, nil
		}
		f, _ := strconv.ParseFloat(t.text, 64)
		return f, nil
	case tokFloat:
		f, _ := strconv.ParseFloat(t.text, 64)
		return f, nil
	case tokTrue:
		return true, nil
	case tokFalse:
		return false, nil
	}
	return nil, nil
}

// objectMap reads a Map<String,Object> at p.i; nil for null.
func (p *jsonParser) objectMap(path []pathElem) (map[string]any, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tokNull:
		return nil, nil
	case tokObject:
	case tokString:
		return nil, p.noCreator(t, javaLinkedHashMap, path)
	default:
		return nil, p.mismatch(t, javaMapStringObject, path)
	}
	var v any
	err = p.within(path, func() error {
		var err error
		v, err = p.anyFrom(t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// bean reads a Jackson bean with a property-based creator at p.i; false for null. A field
// not in known fails with "Unrecognized field". Jackson buffers properties until it has seen
// every creator property, so an unknown field met before that is reported once the whole
// object has been read (located after its closing brace); one met after that is reported at
// once (located after its value's first token).
func (p *jsonParser) bean(class string, known []string, path []pathElem, field func(key string, path []pathElem) error) (bool, error) {
	t, err := p.next()
	if err != nil {
		return false, err
	}
	switch t.kind {
	case tokNull:
		return false, nil
	case tokObject:
	case tokArray:
		return false, p.mismatch(t, class, path)
	default:
		return false, p.noCreator(t, class, path)
	}
	unknownErr := func(key string, pos int) error {
		quoted := make([]string, len(known))
		for i, k := range known {
			quoted[i] = `"` + k + `"`
		}
		what := fmt.Sprintf("%d known properties", len(known))
		if len(known) == 1 {
			what = "one known property"
		}
		return p.errAt(pos, append(path[:len(path):len(path)], pathElem{class: class, key: key}),
			"Unrecognized field \"%s\" (class %s), not marked as ignorable (%s: %s])", key, class, what, strings.Join(quoted, ", "))
	}
	seen := map[string]bool{}
	unknown := ""
	err = p.within(path, func() error {
		return p.object(t.start, func(key string) error {
			for _, k := range known {
				if k == key {
					seen[key] = true
					return field(key, append(path[:len(path):len(path)], pathElem{class: class, key: key}))
				}
			}
			if len(seen) == len(known) {
				v, err := p.next()
				if err != nil {
					return err
				}
				pos := p.i
				switch v.kind {
				case tokObject, tokArray, tokString:
					pos = v.start + 1
				}
				return unknownErr(key, pos)
			}
			if unknown == "" {
				unknown = key
			}
			_, err := p.anyValue()
			return err
		})
	})
	if err != nil {
		return false, err
	}
	if unknown != "" {
		return false, unknownErr(unknown, p.i)
	}
	return true, nil
}

// createRequest reads CreateConnectorRequest{name, config, initial_state}.
func (p *jsonParser) createRequest() (*createConnectorRequest, error) {
	out := &createConnectorRequest{}
	present, err := p.bean(javaCreateRequest, []string{"config", "name", "initial_state"}, nil, func(key string, path []pathElem) error {
		var err error
		switch key {
		case "name":
			out.Name, err = p.stringValue(path)
		case "config":
			out.Config, err = p.configMap(path)
		case "initial_state":
			out.InitialState, err = p.initialState(path)
		}
		return err
	})
	if !present {
		return nil, err
	}
	return out, err
}

// initialState reads the InitialState enum through its @JsonCreator forValue(String), which
// upper-cases the text and calls valueOf.
func (p *jsonParser) initialState(path []pathElem) (*string, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tokNull:
		return nil, nil
	case tokObject:
		return nil, p.mismatch(t, javaInitialStateClass, path)
	case tokArray:
		return nil, p.errAt(t.start, path, "Input mismatch reading Enum `%s`: properties-based `@JsonCreator` ([method %s#forValue(java.lang.String)]) expects String Value, got %s value (`JsonToken.%s`)",
			javaInitialStateClass, javaInitialStateClass, t.valueName(), t.kind)
	}
	up := strings.ToUpper(t.text)
	switch up {
	case "RUNNING", "PAUSED", "STOPPED":
		return &up, nil
	}
	return nil, p.errAt(t.start, path, "Cannot construct instance of `%s`, problem: No enum constant %s.%s", javaInitialStateClass, javaInitialStateEnum, up)
}

// offsets reads ConnectorOffsets{offsets: [ConnectorOffset{partition, offset}]}.
func (p *jsonParser) offsets() (*offsetsRequest, error) {
	out := &offsetsRequest{}
	present, err := p.bean(javaConnectorOffsets, []string{"offsets"}, nil, func(_ string, path []pathElem) error {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokNull:
			return nil
		case tokArray:
		default:
			return p.mismatch(t, javaOffsetList, path)
		}
		out.Offsets = []*offsetEntry{}
		return p.within(path, func() error {
			return p.array(t.start, func(i int) error {
				epath := append(path[:len(path):len(path)], pathElem{class: javaArrayList, index: i, isIdx: true})
				e := &offsetEntry{}
				present, err := p.bean(javaConnectorOffset, []string{"partition", "offset"}, epath, func(key string, fpath []pathElem) error {
					m, err := p.objectMap(fpath)
					if key == "partition" {
						e.Partition = m
					} else {
						e.Offset = m
					}
					return err
				})
				if !present {
					e = nil
				}
				out.Offsets = append(out.Offsets, e)
				return err
			})
		})
	})
	if !present {
		return nil, err
	}
	return out, err
}
