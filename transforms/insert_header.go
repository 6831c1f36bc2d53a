package transforms

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tributary-connect/tributary/connector"
)

// InsertHeader (org.apache.kafka.connect.transforms.InsertHeader) adds a header to each
// record. The header is appended: existing headers with the same name stay. Its value is
// value.literal parsed once, at configuration, with Connect's Values.parseString, which
// infers the schema: null, true/false (BOOLEAN), integers (the narrowest of INT8 … INT64),
// decimals (FLOAT32, FLOAT64 or Decimal), ISO dates yyyy-MM-dd, times HH:mm:ss.SSS'Z' and
// timestamps yyyy-MM-dd'T'HH:mm:ss.SSS'Z' (Date, Time, Timestamp, in UTC), [a, b] (ARRAY),
// {k: v} (MAP), and anything else as the STRING it is.
type insertHeader struct {
	header string
	schema *connector.Schema
	value  any
}

var insertHeaderConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "header", Type: connector.ConfigString, Required: true, Validate: insertHeaderNonNull, Importance: connector.High,
		Doc: "The name of the header."},
	{Name: "value.literal", Type: connector.ConfigString, Required: true, Validate: insertHeaderNonNull, Importance: connector.High,
		Doc: "The literal value that is to be set as the header value on all records."},
}}

// insertHeaderNonNull is Kafka's NonNullValidator (a Go config cannot hold a null, so it
// never fails).
func insertHeaderNonNull(v any) error {
	if v == nil {
		return &javaRuntimeError{msg: "entry must be non null"}
	}
	return nil
}

func init() {
	registerTransformation(javaPackage+"InsertHeader", func() connector.Transformation { return &insertHeader{} })
}

func (t *insertHeader) ConfigDef() *connector.ConfigDef { return insertHeaderConfigDef }

func (t *insertHeader) Configure(cfg connector.Config) error {
	v, err := insertHeaderConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.header = v.String("header")
	sv := literalParseString(v.String("value.literal"))
	t.schema, t.value = nil, nil
	if sv != nil {
		t.schema, t.value = sv.schema, sv.value
	}
	return nil
}

func (t *insertHeader) Apply(r *connector.Record) (*connector.Record, error) {
	out := r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp)
	out.Headers.Add(t.header, t.schema, t.value)
	return out, nil
}

// The rest of this file ports Values.parseString (connect-api), the same algorithm as
// converters/values.go, which transforms cannot import.

// literalValue is a SchemaAndValue; a nil *literalValue is Java's null.
type literalValue struct {
	schema *connector.Schema
	value  any
}

// literalError is a DataException raised inside the parser, which catches it where Java does.
type literalError struct{ msg string }

func (e *literalError) Error() string { return e.msg }

func literalFail(msg string) error { return &literalError{msg} }

// literalParseString is Values.parseString.
func literalParseString(s string) *literalValue {
	if s == "" {
		return &literalValue{connector.StringSchema, s}
	}
	vp := &literalParser{p: &literalTokenizer{original: s}}
	sv, err := vp.parse(false)
	if err != nil { // not reachable for a top-level value: arrays and maps fall back to strings
		return &literalValue{connector.StringSchema, s}
	}
	return sv
}

// literalTokenizer is Values.Parser: it splits on the unescaped delimiters : , { } [ ] and ".
type literalTokenizer struct {
	original string
	pos      int
	next     *string
	previous *string
}

func (t *literalTokenizer) mark() int {
	if t.next != nil {
		return t.pos - len(*t.next)
	}
	return t.pos
}

func (t *literalTokenizer) rewindTo(p int) { t.pos, t.next, t.previous = p, nil, nil }

func (t *literalTokenizer) hasNext() bool { return t.next != nil || t.pos < len(t.original) }

func (t *literalTokenizer) nextToken() string {
	if t.next != nil {
		t.previous, t.next = t.next, nil
	} else {
		tok := t.consume()
		t.previous = &tok
	}
	return *t.previous
}

func (t *literalTokenizer) nextN(n int) (string, bool) {
	start := t.mark()
	for range n {
		if !t.hasNext() {
			t.rewindTo(start)
			return "", false
		}
		t.nextToken()
	}
	return t.original[start:t.pos], true
}

func (t *literalTokenizer) consume() string {
	escaped := false
	start := t.pos
	for t.pos < len(t.original) {
		switch t.original[t.pos] {
		case '\\':
			escaped = !escaped
		case ':', ',', '{', '}', '[', ']', '"':
			if !escaped {
				if start < t.pos {
					return t.original[start:t.pos]
				}
				t.pos++
				return t.original[start : start+1]
			}
			escaped = false
		default:
			escaped = false
		}
		t.pos++
	}
	return t.original[start:t.pos]
}

func (t *literalTokenizer) canConsume(expected string) bool {
	if t.isNext(expected) {
		t.next = nil
		return true
	}
	return false
}

func (t *literalTokenizer) isNext(expected string) bool {
	if t.next == nil {
		if !t.hasNext() {
			return false
		}
		tok := t.consume()
		t.next = &tok
	}
	for literalBlank(*t.next) && t.pos < len(t.original) {
		tok := t.consume()
		t.next = &tok
	}
	return literalTrim(*t.next) == expected
}

// literalTrim is String.trim: it removes characters up to ' ' from both ends.
func literalTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

func literalBlank(s string) bool { return literalTrim(s) == "" }

type literalParser struct{ p *literalTokenizer }

func (vp *literalParser) singleTokenLiteral(embedded bool, literal string) bool {
	start := vp.p.mark()
	if vp.p.canConsume(literal) && (embedded || !vp.p.hasNext()) {
		return true
	}
	vp.p.rewindTo(start)
	return false
}

func (vp *literalParser) parse(embedded bool) (*literalValue, error) {
	p := vp.p
	switch {
	case !p.hasNext():
		return nil, nil
	case embedded && p.canConsume(`"`):
		return vp.parseQuoted(), nil
	case vp.singleTokenLiteral(embedded, "null"):
		return nil, nil
	case vp.singleTokenLiteral(embedded, "true"):
		return &literalValue{connector.BooleanSchema, true}, nil
	case vp.singleTokenLiteral(embedded, "false"):
		return &literalValue{connector.BooleanSchema, false}, nil
	}
	start := p.mark()
	var (
		sv  *literalValue
		err error
		did bool
	)
	if p.canConsume("[") {
		sv, err, did = vp.parseArray()
	} else if p.canConsume("{") {
		sv, err, did = vp.parseMap()
	}
	if did {
		if err == nil {
			return sv, nil
		}
		p.rewindTo(start) // not an array or map after all: read it as a string
	}
	token := p.nextToken()
	if literalBlank(token) {
		return &literalValue{connector.StringSchema, token}, nil
	}
	return vp.parseToken(embedded, literalTrim(token))
}

func (vp *literalParser) parseToken(embedded bool, token string) (*literalValue, error) {
	first, _ := utf8.DecodeRuneInString(token)
	digit := unicode.IsDigit(first)
	if digit {
		pos := vp.p.mark()
		if rest, ok := vp.p.nextN(4); ok { // times split into 5 tokens at their colons
			if t := literalTemporal(token + rest); t != nil {
				return t, nil
			}
		}
		vp.p.rewindTo(pos)
		if t := literalTemporal(token); t != nil {
			return t, nil
		}
	}
	if digit || first == '+' || first == '-' {
		if sv, ok := literalNumber(token); ok {
			return sv, nil
		}
	}
	if embedded {
		return nil, literalFail("Failed to parse embedded value")
	}
	return &literalValue{connector.StringSchema, vp.p.original}, nil
}

func (vp *literalParser) parseQuoted() *literalValue {
	var b strings.Builder
	for vp.p.hasNext() {
		if vp.p.canConsume(`"`) {
			break
		}
		b.WriteString(vp.p.nextToken())
	}
	content := b.String()
	if t := literalTemporal(content); t != nil {
		return t
	}
	return &literalValue{connector.StringSchema, content}
}

func (vp *literalParser) parseArray() (*literalValue, error, bool) {
	p := vp.p
	result := []any{}
	var merger literalMerger
	for p.hasNext() {
		if p.canConsume("]") {
			if merger.common == nil {
				return &literalValue{&connector.Schema{Type: connector.TypeArray}, result}, nil, true
			}
			for i, v := range result {
				c, err := literalConvert(merger.common, v)
				if err != nil {
					return nil, err, true
				}
				result[i] = c
			}
			return &literalValue{&connector.Schema{Type: connector.TypeArray, ValueSchema: merger.common}, result}, nil, true
		}
		if p.canConsume(",") {
			return nil, literalFail("Unable to parse an empty array element"), true
		}
		element, err := vp.parse(true)
		if err != nil {
			return nil, err, true
		}
		merger.merge(element)
		if element != nil {
			result = append(result, element.value)
		} else {
			result = append(result, nil)
		}
		current := p.mark()
		if p.canConsume("]") {
			p.rewindTo(current)
		} else if !p.canConsume(",") {
			return nil, literalFail("Array elements missing ',' delimiter"), true
		}
	}
	return nil, literalFail("Array is missing terminating ']'"), true
}

func (vp *literalParser) parseMap() (*literalValue, error, bool) {
	p := vp.p
	var keys, values []any
	var keyMerger, valueMerger literalMerger
	for p.hasNext() {
		if p.canConsume("}") {
			mapSchema := &connector.Schema{Type: connector.TypeMap, KeySchema: keyMerger.common}
			if keyMerger.common != nil {
				if valueMerger.common != nil {
					mapSchema.ValueSchema = valueMerger.common
				}
				for i := range keys {
					var err error
					if keys[i], err = literalConvert(keyMerger.common, keys[i]); err != nil {
						return nil, err, true
					}
					if valueMerger.common != nil {
						if values[i], err = literalConvert(valueMerger.common, values[i]); err != nil {
							return nil, err, true
						}
					}
				}
			}
			m, err := literalBuildMap(keys, values)
			if err != nil {
				return nil, err, true
			}
			return &literalValue{mapSchema, m}, nil, true
		}
		if p.canConsume(",") {
			return nil, literalFail("Unable to parse a map entry with no key or value"), true
		}
		key, err := vp.parse(true)
		if err != nil {
			return nil, err, true
		}
		if key == nil || key.value == nil {
			return nil, literalFail("Map entry may not have a null key"), true
		}
		if !p.canConsume(":") {
			return nil, literalFail("Map entry is missing ':'"), true
		}
		value, err := vp.parse(true)
		if err != nil {
			return nil, err, true
		}
		var entry any
		if value != nil {
			entry = value.value
		}
		// LinkedHashMap.put: a repeated key keeps its place and takes the new value.
		replaced := false
		for i, k := range keys {
			if literalSameKey(k, key.value) {
				values[i], replaced = entry, true
				break
			}
		}
		if !replaced {
			keys = append(keys, key.value)
			values = append(values, entry)
		}
		p.canConsume(",")
		keyMerger.merge(key)
		valueMerger.merge(value)
	}
	return nil, literalFail("Map is missing terminating '}'"), true
}

// literalHashable reports whether k can be a Go map key (Java also allows lists and maps).
func literalHashable(k any) bool {
	switch k.(type) {
	case []any, []byte, map[string]any, map[any]any:
		return false
	}
	return true
}

// literalSameKey is Java's equals for the keys the parser makes.
func literalSameKey(a, b any) bool {
	if da, ok := a.(connector.Decimal); ok {
		db, ok := b.(connector.Decimal)
		return ok && da.Scale == db.Scale && da.Unscaled.Cmp(db.Unscaled) == 0
	}
	return literalHashable(a) && literalHashable(b) && a == b
}

// literalBuildMap returns a map[string]any when every key is a string, else a map[any]any.
func literalBuildMap(keys, values []any) (any, error) {
	allStrings := true
	for _, k := range keys {
		if !literalHashable(k) {
			return nil, literalFail("Map keys of type " + javaClassName(k) + " are not supported")
		}
		if _, ok := k.(string); !ok {
			allStrings = false
		}
	}
	if allStrings {
		m := make(map[string]any, len(keys))
		for i, k := range keys {
			m[k.(string)] = values[i]
		}
		return m, nil
	}
	m := make(map[any]any, len(keys))
	for i, k := range keys {
		m[k] = values[i]
	}
	return m, nil
}

// literalMerger is Values.SchemaMerger: the schema common to the elements seen so far.
type literalMerger struct {
	common       *connector.Schema
	incompatible bool
}

var literalNumericRank = map[connector.Type]int{
	connector.TypeInt8: 1, connector.TypeInt16: 2, connector.TypeInt32: 3, connector.TypeInt64: 4,
	connector.TypeFloat32: 5, connector.TypeFloat64: 6,
}

func (m *literalMerger) merge(latest *literalValue) {
	if latest == nil || latest.schema == nil || m.incompatible {
		return
	}
	if m.common == nil {
		m.common = latest.schema
		return
	}
	prev, next := m.common, latest.schema
	switch {
	case prev.Type != next.Type:
		rp, okp := literalNumericRank[prev.Type]
		rn, okn := literalNumericRank[next.Type]
		switch {
		case !okp || !okn:
			m.common = nil
		case rn > rp:
			m.common = next
		}
	case prev.Optional == next.Optional:
		if !prev.Optional {
			m.common = next
		}
	case !prev.Equal(next):
		m.common = nil
	}
	m.incompatible = m.common == nil
}

// literalConvert is Values.convertTo(schema, null, v) for the values the parser makes: the
// common schema of a list or map is the type of every element, or a wider number, or a
// temporal type over numbers.
func literalConvert(to *connector.Schema, v any) (any, error) {
	if v == nil {
		if to.Optional {
			return nil, nil
		}
		return nil, literalFail("Unable to convert a null value to a schema that requires a value")
	}
	switch to.Name {
	case connector.DateName, connector.TimeName, connector.TimestampName:
		if t, ok := v.(time.Time); ok {
			return t, nil
		}
		n, ok := literalLong(v)
		if !ok {
			return nil, literalFail("Unable to convert to a number")
		}
		switch to.Name {
		case connector.DateName:
			return time.UnixMilli(int64(int32(n)) * 86400000).UTC(), nil
		case connector.TimeName:
			if ms := int32(n); ms < 0 || ms > 86400000 {
				return nil, literalFail("Time values must use number of milliseconds greater than 0 and less than 86400000")
			}
			return time.UnixMilli(int64(int32(n))).UTC(), nil
		}
		return time.UnixMilli(n).UTC(), nil
	}
	switch to.Type {
	case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32, connector.TypeInt64:
		n, ok := literalLong(v)
		if !ok {
			return nil, literalFail("Unable to convert to a number")
		}
		switch to.Type {
		case connector.TypeInt8:
			return int8(n), nil
		case connector.TypeInt16:
			return int16(n), nil
		case connector.TypeInt32:
			return int32(n), nil
		}
		return n, nil
	case connector.TypeFloat32, connector.TypeFloat64:
		var f float64
		switch x := v.(type) {
		case float32:
			f = float64(x)
		case float64:
			f = x
		default:
			n, ok := literalLong(v)
			if !ok {
				return nil, literalFail("Unable to convert to a number")
			}
			f = float64(n)
		}
		if to.Type == connector.TypeFloat32 {
			return float32(f), nil
		}
		return f, nil
	}
	return v, nil // the same kind: string, boolean, Decimal, list, map
}

func literalLong(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

// literalNumber is ValueParser.parseAsNumber: the narrowest integer type for integral
// values, else FLOAT32 or FLOAT64 when finite and the text has a fractional scale, else a
// Decimal.
func literalNumber(token string) (*literalValue, bool) {
	d, ok := literalBigDecimal(token)
	if !ok {
		return nil, false
	}
	if sv := literalExactInteger(d); sv != nil {
		return sv, true
	}
	if d.Scale != 0 {
		sci := d.Unscaled.String() + "e" + strconv.FormatInt(-int64(d.Scale), 10)
		if f, _ := strconv.ParseFloat(sci, 32); !math.IsInf(f, 0) {
			return &literalValue{connector.Float32Schema, float32(f)}, true
		}
		if f, _ := strconv.ParseFloat(sci, 64); !math.IsInf(f, 0) {
			return &literalValue{connector.Float64Schema, f}, true
		}
	}
	return &literalValue{connector.DecimalSchema(d.Scale).MustBuild(), d}, true
}

func literalExactInteger(d connector.Decimal) *literalValue {
	u := d.Unscaled
	if u.Sign() == 0 {
		return &literalValue{connector.Int8Schema, int8(0)}
	}
	digits := new(big.Int).Abs(u).String()
	var num *big.Int
	switch {
	case d.Scale <= 0:
		if int64(len(digits))-int64(d.Scale) > 19 {
			return nil
		}
		num = new(big.Int).Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(-int64(d.Scale)), nil))
	case int(d.Scale) >= len(digits) || strings.TrimRight(digits[len(digits)-int(d.Scale):], "0") != "":
		return nil // a fractional part
	default:
		num = new(big.Int).Quo(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	}
	if !num.IsInt64() {
		return nil
	}
	n := num.Int64()
	switch {
	case int64(int8(n)) == n:
		return &literalValue{connector.Int8Schema, int8(n)}
	case int64(int16(n)) == n:
		return &literalValue{connector.Int16Schema, int16(n)}
	case int64(int32(n)) == n:
		return &literalValue{connector.Int32Schema, int32(n)}
	}
	return &literalValue{connector.Int64Schema, n}
}

// literalBigDecimal parses what new BigDecimal(String) accepts: a sign, digits with an
// optional point (at least one digit) and an optional exponent.
func literalBigDecimal(s string) (connector.Decimal, bool) {
	i := 0
	neg := i < len(s) && s[i] == '-'
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	var digits strings.Builder
	scale := int64(0)
	seenDigit, seenPoint := false, false
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits.WriteByte(c)
			seenDigit = true
			if seenPoint {
				scale++
			}
		} else if c == '.' && !seenPoint {
			seenPoint = true
		} else {
			break
		}
	}
	if !seenDigit {
		return connector.Decimal{}, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return connector.Decimal{}, false
		}
		exp := s[i+1:]
		digitsOnly := strings.TrimLeft(exp, "+-")
		if len(exp)-len(digitsOnly) > 1 || digitsOnly == "" || strings.Trim(digitsOnly, "0123456789") != "" {
			return connector.Decimal{}, false
		}
		e, err := strconv.ParseInt(exp, 10, 32)
		if err != nil {
			return connector.Decimal{}, false
		}
		scale -= e
	}
	if scale > math.MaxInt32 || scale < math.MinInt32 {
		return connector.Decimal{}, false
	}
	u, _ := new(big.Int).SetString(digits.String(), 10)
	if neg {
		u.Neg(u)
	}
	return connector.Decimal{Unscaled: u, Scale: int32(scale)}, true
}

var (
	literalDateSchema      = connector.DateSchema().MustBuild()
	literalTimeSchema      = connector.TimeSchema().MustBuild()
	literalTimestampSchema = connector.TimestampSchema().MustBuild()
)

// literalTemporal reads ISO-8601 dates (yyyy-MM-dd), times (HH:mm:ss.SSS'Z') and timestamps
// (yyyy-MM-dd'T'HH:mm:ss.SSS'Z'), chosen by length, with SimpleDateFormat's lenient rules:
// out-of-range fields roll over, and text after the last field is ignored.
func literalTemporal(token string) *literalValue {
	token = strings.ReplaceAll(token, `\:`, ":")
	var (
		schema *connector.Schema
		layout string
	)
	switch len(utf16.Encode([]rune(token))) {
	case 13:
		schema, layout = literalTimeSchema, "H:m:s.S'Z'"
	case 24:
		schema, layout = literalTimestampSchema, "y-M-d'T'H:m:s.S'Z'"
	case 10:
		schema, layout = literalDateSchema, "y-M-d"
	default:
		return nil
	}
	t, ok := literalLenientParse(token, layout)
	if !ok {
		return nil
	}
	return &literalValue{schema, t}
}

// literalLenientParse parses text with a layout of single-letter numeric fields (y M d H m s
// S) and literals ('-', ':', '.', or quoted), in UTC, on Java's default calendar (Julian
// before 1582-10-15).
func literalLenientParse(text, layout string) (time.Time, bool) {
	fields := map[byte]int64{'y': 1970, 'M': 1, 'd': 1}
	i := 0
	for j := 0; j < len(layout); j++ {
		c := layout[j]
		switch {
		case c == '\'':
			lit := layout[j+1 : j+2]
			j += 2
			if !strings.HasPrefix(text[i:], lit) {
				return time.Time{}, false
			}
			i++
		case strings.IndexByte("yMdHmsS", c) >= 0:
			for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
				i++
			}
			start := i
			if i < len(text) && text[i] == '-' {
				i++
			}
			ds := i
			for i < len(text) && text[i] >= '0' && text[i] <= '9' {
				i++
			}
			if i == ds {
				return time.Time{}, false
			}
			n, err := strconv.ParseInt(text[start:i], 10, 32)
			if err != nil {
				return time.Time{}, false
			}
			fields[c] = n
		default:
			if i >= len(text) || text[i] != c {
				return time.Time{}, false
			}
			i++
		}
	}
	days := literalCivilDays(fields['y'], fields['M'], fields['d'])
	ms := days*86400000 + fields['H']*3600000 + fields['m']*60000 + fields['s']*1000 + fields['S']
	return time.UnixMilli(ms).UTC(), true
}

func literalFloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// literalCivilDays returns the days since 1970-01-01 of a date in Java's default calendar
// (Julian before 1582-10-15, Gregorian from then on); months and days roll over.
func literalCivilDays(y, m, d int64) int64 {
	y += literalFloorDiv(m-1, 12)
	m = (m-1)%12 + 1
	if m <= 0 {
		m += 12
	}
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	base := d + (153*mm+2)/5 + 365*yy + literalFloorDiv(yy, 4)
	jdn := base + literalFloorDiv(yy, 400) - literalFloorDiv(yy, 100) - 32045
	const gregorianCutover = 2299161 // 1582-10-15
	if y < 1582 || (y == 1582 && jdn < gregorianCutover) {
		jdn = base - 32083
	}
	return jdn - 2440588
}
