package jvalues

import (
	"encoding/base64"
	"fmt"
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

// This file ports the parts of org.apache.kafka.connect.data.Values that SimpleHeaderConverter
// uses: convertToString (writing) and ParseString (reading, with schema inference). Dates are
// formatted and parsed in UTC, where Java uses the JVM's default time zone (UTC on a typical
// Connect worker).

// ToString is Values.convertToString: the schema is not used.
func ToString(v any) (string, error) {
	var b strings.Builder
	if err := appendValue(&b, v, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

func appendValue(b *strings.Builder, v any, embedded bool) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case int8, int16, int32, int64, float32, float64, bool, connector.Decimal:
		b.WriteString(JavaToString(x))
	case string:
		if embedded {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), `"`, `\"`))
			b.WriteByte('"')
		} else {
			b.WriteString(x)
		}
	case []byte:
		s := base64.StdEncoding.EncodeToString(x)
		if embedded {
			s = `"` + s + `"`
		}
		b.WriteString(s)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValue(b, e, true); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any, map[any]any:
		b.WriteByte('{')
		for i, e := range MapEntries(x) {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValue(b, e.Key, true); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := appendValue(b, e.Value, true); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case *connector.Struct:
		b.WriteByte('{')
		for i, f := range x.Schema().Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			_ = appendValue(b, f.Name, true)
			b.WriteByte(':')
			fv, _ := x.Get(f.Name) // with the default, as Struct.get
			if err := appendValue(b, fv, true); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case time.Time:
		b.WriteString(formatDate(x))
	default:
		return connector.DataErrorf("Failed to serialize unexpected value type %s: %v", JavaClassName(v), v)
	}
	return nil
}

// formatDate is Values.dateFormatFor(d).format(d): a time of day for instants before
// 1970-01-02, a date for exact midnights, else a timestamp.
func formatDate(t time.Time) string {
	ms := t.UnixMilli()
	t = time.UnixMilli(ms).UTC()
	clock := fmt.Sprintf("%02d:%02d:%02d.%03dZ", t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e6)
	switch {
	case ms < MillisPerDay:
		return clock
	case ms%MillisPerDay == 0:
		return formatYMD(t)
	}
	return formatYMD(t) + "T" + clock
}

// formatYMD prints the date in Java's default calendar (Julian before 1582-10-15) with the
// year of the era, as SimpleDateFormat's yyyy-MM-dd does.
func formatYMD(t time.Time) string {
	y, m, d := civilDate(floorDiv(t.UnixMilli(), MillisPerDay))
	if y <= 0 {
		y = 1 - y
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// SchemaAndValue is Values' SchemaAndValue; a nil *SchemaAndValue is Java's null.
type SchemaAndValue struct {
	Schema *connector.Schema
	Value  any
}

// valuesError is a DataException raised while parsing; the parser catches it where Java does.
type valuesError struct{ msg string }

func (e *valuesError) Error() string { return e.msg }

func parseFail(format string, a ...any) error { return &valuesError{fmt.Sprintf(format, a...)} }

// ParseString is Values.parseString.
func ParseString(s string) (*SchemaAndValue, error) {
	if s == "" {
		return &SchemaAndValue{connector.StringSchema, s}, nil
	}
	vp := &valueParser{p: &tokenizer{original: s}}
	return vp.parse(false)
}

// tokenizer is Values.Parser: it splits on the unescaped delimiters : , { } [ ] and ".
type tokenizer struct {
	original string
	pos      int
	next     *string
	previous *string
}

func (t *tokenizer) position() int { return t.pos }

func (t *tokenizer) mark() int {
	if t.next != nil {
		return t.pos - len(*t.next)
	}
	return t.pos
}

func (t *tokenizer) rewindTo(p int) {
	t.pos = p
	t.next = nil
	t.previous = nil
}

func (t *tokenizer) hasNext() bool { return t.next != nil || t.canConsumeNextToken() }

func (t *tokenizer) canConsumeNextToken() bool { return t.pos < len(t.original) }

func (t *tokenizer) nextToken() string {
	if t.next != nil {
		t.previous = t.next
		t.next = nil
	} else {
		tok := t.consumeNextToken()
		t.previous = &tok
	}
	return *t.previous
}

// nextN returns the text of the next n tokens, or false (and no change) when there are fewer.
func (t *tokenizer) nextN(n int) (string, bool) {
	start := t.mark()
	for range n {
		if !t.hasNext() {
			t.rewindTo(start)
			return "", false
		}
		t.nextToken()
	}
	return t.original[start:t.position()], true
}

func (t *tokenizer) consumeNextToken() string {
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

func (t *tokenizer) canConsume(expected string) bool {
	if t.isNext(expected) {
		t.next = nil
		return true
	}
	return false
}

func (t *tokenizer) isNext(expected string) bool {
	if t.next == nil {
		if !t.hasNext() {
			return false
		}
		tok := t.consumeNextToken()
		t.next = &tok
	}
	for isBlank(*t.next) && t.canConsumeNextToken() {
		tok := t.consumeNextToken()
		t.next = &tok
	}
	return javaTrim(*t.next) == expected
}

// javaTrim is String.trim: it removes characters up to ' ' from both ends.
func javaTrim(s string) string { return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) }

func isBlank(s string) bool { return javaTrim(s) == "" }

type valueParser struct{ p *tokenizer }

func (vp *valueParser) canParseSingleTokenLiteral(embedded bool, literal string) bool {
	start := vp.p.mark()
	if vp.p.canConsume(literal) && (embedded || !vp.p.hasNext()) {
		return true
	}
	vp.p.rewindTo(start)
	return false
}

func (vp *valueParser) parse(embedded bool) (*SchemaAndValue, error) {
	p := vp.p
	switch {
	case !p.hasNext():
		return nil, nil
	case embedded && p.canConsume(`"`):
		return vp.parseQuotedString(), nil
	case vp.canParseSingleTokenLiteral(embedded, "null"):
		return nil, nil
	case vp.canParseSingleTokenLiteral(embedded, "true"):
		return &SchemaAndValue{connector.BooleanSchema, true}, nil
	case vp.canParseSingleTokenLiteral(embedded, "false"):
		return &SchemaAndValue{connector.BooleanSchema, false}, nil
	}
	start := p.mark()
	var (
		sv  *SchemaAndValue
		err error
		did bool
	)
	if p.canConsume("[") {
		sv, err = vp.parseArray()
		did = true
	} else if p.canConsume("{") {
		sv, err = vp.parseMap()
		did = true
	}
	if did {
		if err == nil {
			return sv, nil
		}
		p.rewindTo(start) // not an array or map after all (a DataException): read it as a string
	}
	token := p.nextToken()
	if isBlank(token) {
		return &SchemaAndValue{connector.StringSchema, token}, nil
	}
	return vp.parseNextToken(embedded, javaTrim(token))
}

func (vp *valueParser) parseNextToken(embedded bool, token string) (*SchemaAndValue, error) {
	first, _ := utf8.DecodeRuneInString(token)
	digit := unicode.IsDigit(first)
	if digit {
		if t := vp.parseMultipleTokensAsTemporal(token); t != nil {
			return t, nil
		}
	}
	if digit || first == '+' || first == '-' {
		if sv, ok := parseAsNumber(token); ok {
			return sv, nil
		}
	}
	if embedded {
		return nil, parseFail("Failed to parse embedded value")
	}
	return &SchemaAndValue{connector.StringSchema, vp.p.original}, nil
}

func (vp *valueParser) parseQuotedString() *SchemaAndValue {
	var b strings.Builder
	for vp.p.hasNext() {
		if vp.p.canConsume(`"`) {
			break
		}
		b.WriteString(vp.p.nextToken())
	}
	content := b.String()
	if t := parseAsTemporal(content); t != nil {
		return t
	}
	return &SchemaAndValue{connector.StringSchema, content}
}

// parseArray reads the rest of an array; an error means "not an array after all".
func (vp *valueParser) parseArray() (*SchemaAndValue, error) {
	p := vp.p
	result := []any{}
	var merger schemaMerger
	for p.hasNext() {
		if p.canConsume("]") {
			if merger.common != nil {
				listSchema := &connector.Schema{Type: connector.TypeArray, ValueSchema: merger.common}
				aligned, err := alignList(listSchema, result)
				if err != nil {
					return nil, err
				}
				return &SchemaAndValue{listSchema, aligned}, nil
			}
			return &SchemaAndValue{&connector.Schema{Type: connector.TypeArray}, result}, nil
		}
		if p.canConsume(",") {
			return nil, parseFail("Unable to parse an empty array element: %s", p.original)
		}
		element, err := vp.parse(true)
		if err != nil {
			return nil, err
		}
		merger.merge(element)
		if element != nil {
			result = append(result, element.Value)
		} else {
			result = append(result, nil)
		}
		current := p.mark()
		if p.canConsume("]") {
			p.rewindTo(current)
		} else if !p.canConsume(",") {
			return nil, parseFail("Array elements missing ',' delimiter")
		}
	}
	if p.previous != nil && *p.previous == "," {
		return nil, parseFail("Array is missing element after ',': %s", p.original)
	}
	return nil, parseFail("Array is missing terminating ']': %s", p.original)
}

// parseMap reads the rest of a map; an error means "not a map after all".
func (vp *valueParser) parseMap() (*SchemaAndValue, error) {
	p := vp.p
	var keys, values []any
	var keyMerger, valueMerger schemaMerger
	for p.hasNext() {
		if p.canConsume("}") {
			var mapSchema *connector.Schema
			var err error
			switch {
			case keyMerger.common != nil && valueMerger.common != nil:
				mapSchema = &connector.Schema{Type: connector.TypeMap, KeySchema: keyMerger.common, ValueSchema: valueMerger.common}
				keys, values, err = alignMap(mapSchema, keys, values, true)
			case keyMerger.common != nil:
				mapSchema = &connector.Schema{Type: connector.TypeMap, KeySchema: keyMerger.common}
				keys, values, err = alignMap(mapSchema, keys, values, false)
			default:
				mapSchema = &connector.Schema{Type: connector.TypeMap}
			}
			if err != nil {
				return nil, err
			}
			m, err := buildMap(keys, values)
			if err != nil {
				return nil, err
			}
			return &SchemaAndValue{mapSchema, m}, nil
		}
		if p.canConsume(",") {
			return nil, parseFail("Unable to parse a map entry with no key or value: %s", p.original)
		}
		key, err := vp.parse(true)
		if err != nil {
			return nil, err
		}
		if key == nil || key.Value == nil {
			return nil, parseFail("Map entry may not have a null key: %s", p.original)
		}
		if !p.canConsume(":") {
			return nil, parseFail("Map entry is missing ':' at %d in %s", p.position(), p.original)
		}
		value, err := vp.parse(true)
		if err != nil {
			return nil, err
		}
		var entryValue any
		if value != nil {
			entryValue = value.Value
		}
		// LinkedHashMap.put: a repeated key keeps its place and takes the new value.
		replaced := false
		for i, k := range keys {
			if sameKey(k, key.Value) {
				values[i], replaced = entryValue, true
				break
			}
		}
		if !replaced {
			keys = append(keys, key.Value)
			values = append(values, entryValue)
		}
		p.canConsume(",")
		keyMerger.merge(key)
		valueMerger.merge(value)
	}
	if p.previous != nil && *p.previous == "," {
		return nil, parseFail("Map is missing element after ',': %s", p.original)
	}
	return nil, parseFail("Map is missing terminating '}': %s", p.original)
}

func sameKey(a, b any) bool {
	if !Hashable(a) || !Hashable(b) {
		return false
	}
	return a == b
}

// buildMap returns a map[string]any when every key is a string, else a map[any]any. Keys
// that cannot be Go map keys (lists and maps, which Java allows) make the value unparsable.
func buildMap(keys, values []any) (any, error) {
	allStrings := true
	for _, k := range keys {
		if !Hashable(k) {
			return nil, parseFail("Map keys of type %s are not supported", JavaClass(k))
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

func (vp *valueParser) parseMultipleTokensAsTemporal(token string) *SchemaAndValue {
	// Times and timestamps are split into 5 tokens by their unescaped colons.
	position := vp.p.mark()
	if remainder, ok := vp.p.nextN(4); ok {
		if t := parseAsTemporal(token + remainder); t != nil {
			return t
		}
	}
	vp.p.rewindTo(position)
	return parseAsTemporal(token)
}

// parseAsNumber is ValueParser.parseAsNumber: the narrowest integer type for integral
// values, else FLOAT32 or FLOAT64 when finite and the text has a fractional scale, else a
// Decimal.
func parseAsNumber(token string) (*SchemaAndValue, bool) {
	d, ok := ParseBigDecimal(token)
	if !ok {
		return nil, false
	}
	if sv := parseAsExactDecimal(d); sv != nil {
		return sv, true
	}
	if d.Scale != 0 {
		if f := DecimalFloat32(d); !math.IsInf(float64(f), 0) {
			return &SchemaAndValue{connector.Float32Schema, f}, true
		}
		if f := DecimalFloat64(d); !math.IsInf(f, 0) {
			return &SchemaAndValue{connector.Float64Schema, f}, true
		}
	}
	return &SchemaAndValue{decimalSchema(d.Scale), d}, true
}

func decimalSchema(scale int32) *connector.Schema {
	one := int32(1)
	return &connector.Schema{Type: connector.TypeBytes, Name: connector.DecimalName, Version: &one,
		Parameters: map[string]string{connector.DecimalScaleParam: strconv.Itoa(int(scale))}}
}

var (
	minLong = big.NewInt(math.MinInt64)
	maxLong = big.NewInt(math.MaxInt64)
)

func parseAsExactDecimal(d connector.Decimal) *SchemaAndValue {
	u := d.Unscaled
	if u == nil || u.Sign() == 0 {
		return &SchemaAndValue{connector.Int8Schema, int8(0)}
	}
	digits := new(big.Int).Abs(u).String()
	var num *big.Int
	switch {
	case d.Scale <= 0:
		// Java checks the range only when the integer has 19 digits or more.
		if int64(len(digits))-int64(d.Scale) > 19 {
			return nil
		}
		num = new(big.Int).Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(-int64(d.Scale)), nil))
	case int(d.Scale) >= len(digits) || strings.TrimRight(digits[len(digits)-int(d.Scale):], "0") != "":
		return nil // a fractional part
	default:
		num = new(big.Int).Quo(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	}
	if num.Cmp(minLong) < 0 || num.Cmp(maxLong) > 0 {
		return nil
	}
	integral := num.Int64()
	switch {
	case int64(int8(integral)) == integral:
		return &SchemaAndValue{connector.Int8Schema, int8(integral)}
	case int64(int16(integral)) == integral:
		return &SchemaAndValue{connector.Int16Schema, int16(integral)}
	case int64(int32(integral)) == integral:
		return &SchemaAndValue{connector.Int32Schema, int32(integral)}
	}
	return &SchemaAndValue{connector.Int64Schema, integral}
}

var (
	dateSchema      = connector.DateSchema().MustBuild()
	timeSchema      = connector.TimeSchema().MustBuild()
	timestampSchema = connector.TimestampSchema().MustBuild()
)

// parseAsTemporal reads ISO-8601 dates (yyyy-MM-dd), times (HH:mm:ss.SSS'Z') and timestamps
// (yyyy-MM-dd'T'HH:mm:ss.SSS'Z'), chosen by length, with SimpleDateFormat's lenient rules:
// out-of-range fields roll over, and text after the last field is ignored.
func parseAsTemporal(token string) *SchemaAndValue {
	token = strings.ReplaceAll(token, `\:`, ":")
	var (
		schema *connector.Schema
		layout string
	)
	switch len(utf16.Encode([]rune(token))) {
	case 13:
		schema, layout = timeSchema, "H:m:s.S'Z'"
	case 24:
		schema, layout = timestampSchema, "y-M-d'T'H:m:s.S'Z'"
	case 10:
		schema, layout = dateSchema, "y-M-d"
	default:
		return nil
	}
	t, ok := lenientParse(token, layout)
	if !ok {
		return nil
	}
	return &SchemaAndValue{schema, t}
}

// lenientParse parses text with a SimpleDateFormat-like layout of single-letter numeric fields
// (y M d H m s S) and literals ('-', ':', '.', or quoted), in UTC.
func lenientParse(text, layout string) (time.Time, bool) {
	fields := map[byte]int{'y': 1970, 'M': 1, 'd': 1}
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
			if i >= len(text) {
				return time.Time{}, false
			}
			start := i
			if text[i] == '-' {
				i++
			}
			ds := i
			for i < len(text) && text[i] >= '0' && text[i] <= '9' {
				i++
			}
			if i == ds {
				return time.Time{}, false
			}
			n, err := strconv.Atoi(text[start:i])
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
	days := civilDays(int64(fields['y']), int64(fields['M']), int64(fields['d']))
	msec := days*MillisPerDay + int64(fields['H'])*3600000 + int64(fields['m'])*60000 + int64(fields['s'])*1000 + int64(fields['S'])
	return time.UnixMilli(msec).UTC(), true
}

// gregorianCutover is the Julian day number of 1582-10-15, where GregorianCalendar switches
// from the Julian to the Gregorian calendar.
const gregorianCutover = 2299161

// julianDayEpoch is the Julian day number of 1970-01-01.
const julianDayEpoch = 2440588

// civilDays returns the days since 1970-01-01 of a date in Java's default calendar: Julian
// before 1582-10-15, Gregorian from then on. Months and days out of range roll over, as in a
// lenient Calendar.
func civilDays(y, m, d int64) int64 {
	y += floorDiv(m-1, 12)
	m = FloorMod(m-1, 12) + 1
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	base := d + (153*mm+2)/5 + 365*yy + floorDiv(yy, 4)
	jdn := base + floorDiv(yy, 400) - floorDiv(yy, 100) - 32045
	if y < 1582 || (y == 1582 && jdn < gregorianCutover) {
		jdn = base - 32083
	}
	return jdn - julianDayEpoch
}

// civilDate is the inverse of civilDays for a day number (days since 1970-01-01).
func civilDate(days int64) (y, m, d int64) {
	jdn := days + julianDayEpoch
	var c int64
	if jdn >= gregorianCutover {
		a := jdn + 32044
		b := floorDiv(4*a+3, 146097)
		c = a - floorDiv(146097*b, 4)
		dd := floorDiv(4*c+3, 1461)
		e := c - floorDiv(1461*dd, 4)
		mm := floorDiv(5*e+2, 153)
		return 100*b + dd - 4800 + floorDiv(mm, 10), mm + 3 - 12*floorDiv(mm, 10), e - floorDiv(153*mm+2, 5) + 1
	}
	c = jdn + 32082
	dd := floorDiv(4*c+3, 1461)
	e := c - floorDiv(1461*dd, 4)
	mm := floorDiv(5*e+2, 153)
	return dd - 4800 + floorDiv(mm, 10), mm + 3 - 12*floorDiv(mm, 10), e - floorDiv(153*mm+2, 5) + 1
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// schemaMerger is Values.SchemaMerger: the schema common to the elements seen so far.
type schemaMerger struct {
	common       *connector.Schema
	incompatible bool
}

func (m *schemaMerger) merge(latest *SchemaAndValue) {
	if latest == nil || latest.Schema == nil || m.incompatible {
		return
	}
	if m.common == nil {
		m.common = latest.Schema
		return
	}
	m.common = mergeSchemas(m.common, latest.Schema)
	m.incompatible = m.common == nil
}

var numericRank = map[connector.Type]int{
	connector.TypeInt8: 1, connector.TypeInt16: 2, connector.TypeInt32: 3, connector.TypeInt64: 4,
	connector.TypeFloat32: 5, connector.TypeFloat64: 6,
}

// mergeSchemas widens numbers (INT8 < INT16 < INT32 < INT64 < FLOAT32 < FLOAT64); other
// types must be equal.
func mergeSchemas(previous, next *connector.Schema) *connector.Schema {
	if previous.Type != next.Type {
		rp, okp := numericRank[previous.Type]
		rn, okn := numericRank[next.Type]
		switch {
		case !okp || !okn:
			return nil
		case rn > rp:
			return next
		default:
			return previous
		}
	}
	if previous.Optional == next.Optional {
		if previous.Optional {
			return previous
		}
		return next
	}
	if !previous.Equal(next) {
		return nil
	}
	return previous
}

func alignList(s *connector.Schema, in []any) ([]any, error) {
	out := make([]any, len(in))
	for i, v := range in {
		c, err := convertTo(s.ValueSchema, v)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func alignMap(s *connector.Schema, keys, values []any, alignValues bool) ([]any, []any, error) {
	ks := make([]any, len(keys))
	vs := make([]any, len(values))
	for i := range keys {
		k, err := convertTo(s.KeySchema, keys[i])
		if err != nil {
			return nil, nil, err
		}
		ks[i] = k
		vs[i] = values[i]
		if alignValues {
			if vs[i], err = convertTo(s.ValueSchema, values[i]); err != nil {
				return nil, nil, err
			}
		}
	}
	return ks, vs, nil
}

// convertTo is Values.convertTo(toSchema, null, value) for the values the parser produces.
func convertTo(to *connector.Schema, v any) (any, error) {
	if v == nil {
		if to.Optional {
			return nil, nil
		}
		return nil, parseFail("Unable to convert a null value to a schema that requires a value")
	}
	unable := func() error {
		return parseFail("Unable to convert %s (%s) to %v", JavaToString(v), JavaClass(v), to)
	}
	switch to.Type {
	case connector.TypeBytes:
		switch x := v.(type) {
		case []byte:
			if to.Name == connector.DecimalName {
				return DecimalToLogical(to, x)
			}
			return x, nil
		case connector.Decimal:
			if to.Name == connector.DecimalName {
				return x, nil
			}
			return DecimalFromLogical(to, x)
		case string:
			if to.Name == connector.DecimalName {
				if d, ok := ParseBigDecimal(x); ok {
					return d, nil
				}
			}
		default:
			if to.Name == connector.DecimalName {
				if f, ok := asJavaDouble(v); ok {
					d, _ := ParseBigDecimal(DoubleString(f)) // BigDecimal.valueOf(double)
					return d, nil
				}
			}
		}
		return nil, unable()
	case connector.TypeString:
		return ToString(v)
	case connector.TypeBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if sv, err := ParseString(x); err == nil && sv != nil {
				if b, ok := sv.Value.(bool); ok {
					return b, nil
				}
			}
		}
		n, err := asLong(v, unable)
		return n != 0, err
	case connector.TypeInt8:
		if x, ok := v.(int8); ok {
			return x, nil
		}
		n, err := asLong(v, unable)
		return int8(n), err
	case connector.TypeInt16:
		if x, ok := v.(int16); ok {
			return x, nil
		}
		n, err := asLong(v, unable)
		return int16(n), err
	case connector.TypeInt32:
		if to.Name == connector.DateName || to.Name == connector.TimeName {
			return convertToTemporal(to, v, unable)
		}
		if x, ok := v.(int32); ok {
			return x, nil
		}
		n, err := asLong(v, unable)
		return int32(n), err
	case connector.TypeInt64:
		if to.Name == connector.TimestampName {
			return convertToTemporal(to, v, unable)
		}
		if x, ok := v.(int64); ok {
			return x, nil
		}
		return asLong(v, unable)
	case connector.TypeFloat32:
		if x, ok := v.(float32); ok {
			return x, nil
		}
		f, err := asDouble(v, unable)
		return float32(f), err
	case connector.TypeFloat64:
		if x, ok := v.(float64); ok {
			return x, nil
		}
		return asDouble(v, unable)
	case connector.TypeArray:
		if s, ok := v.(string); ok {
			if sv, err := ParseString(s); err == nil && sv != nil {
				v = sv.Value
			}
		}
		if l, ok := v.([]any); ok {
			return l, nil
		}
		return nil, unable()
	case connector.TypeMap:
		if s, ok := v.(string); ok {
			if sv, err := ParseString(s); err == nil && sv != nil {
				v = sv.Value
			}
		}
		switch v.(type) {
		case map[string]any, map[any]any:
			return v, nil
		}
		return nil, unable()
	case connector.TypeStruct:
		if st, ok := v.(*connector.Struct); ok {
			return st, nil
		}
		return nil, unable()
	}
	return nil, unable()
}

// convertToTemporal converts to a Date, Time or Timestamp without a source schema: a
// date passes through, a string is parsed first, a number is taken as the logical encoding.
func convertToTemporal(to *connector.Schema, v any, unable func() error) (any, error) {
	if s, ok := v.(string); ok {
		if sv, err := ParseString(s); err == nil && sv != nil {
			v = sv.Value
		} else {
			v = nil
		}
	}
	if t, ok := v.(time.Time); ok {
		return t, nil
	}
	if v == nil {
		return nil, nil
	}
	n, err := asLong(v, unable)
	if err != nil {
		return nil, err
	}
	switch to.Name {
	case connector.DateName:
		return time.UnixMilli(int64(int32(n)) * MillisPerDay).UTC(), nil
	case connector.TimeName:
		ms := int32(n)
		if ms < 0 || ms > MillisPerDay {
			return nil, parseFail("Time values must use number of milliseconds greater than 0 and less than 86400000")
		}
		return time.UnixMilli(int64(ms)).UTC(), nil
	}
	return time.UnixMilli(n).UTC(), nil
}

// asJavaDouble is Number.doubleValue for the Go numbers of the data model.
func asJavaDouble(v any) (float64, bool) {
	switch x := v.(type) {
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case float64:
		return x, true
	case connector.Decimal:
		return DecimalFloat64(x), true
	}
	return 0, false
}

// asLong is Values.asLong without a source schema.
func asLong(v any, unable func() error) (int64, error) {
	switch x := v.(type) {
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float32:
		return JavaLong(float64(x)), nil
	case float64:
		return JavaLong(x), nil
	case connector.Decimal:
		return DecimalLong(x), nil
	case string:
		if d, ok := ParseBigDecimal(x); ok {
			return DecimalLong(d), nil
		}
	}
	return 0, unable()
}

// asDouble is Values.asDouble without a source schema.
func asDouble(v any, unable func() error) (float64, error) {
	if f, ok := asJavaDouble(v); ok {
		return f, nil
	}
	if s, ok := v.(string); ok {
		if d, ok := ParseBigDecimal(s); ok {
			return DecimalFloat64(d), nil
		}
	}
	n, err := asLong(v, unable)
	return float64(n), err
}

// JavaClass names the Java class that corresponds to a Go value of the Connect data model, for
// error messages worded like Kafka's ("class java.lang.String"). Other Go types are named as
// Go names them.
func JavaClass(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case int8:
		return "class java.lang.Byte"
	case int16:
		return "class java.lang.Short"
	case int32:
		return "class java.lang.Integer"
	case int64:
		return "class java.lang.Long"
	case float32:
		return "class java.lang.Float"
	case float64:
		return "class java.lang.Double"
	case bool:
		return "class java.lang.Boolean"
	case string:
		return "class java.lang.String"
	case []byte:
		return "class [B"
	case []any:
		return "class java.util.ArrayList"
	case map[string]any, map[any]any:
		return "class java.util.HashMap"
	case *connector.Struct:
		return "class org.apache.kafka.connect.data.Struct"
	case connector.Decimal:
		return "class java.math.BigDecimal"
	case time.Time:
		return "class java.util.Date"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// JavaClassName is Class.getName(): JavaClass without the "class " prefix.
func JavaClassName(v any) string { return strings.TrimPrefix(JavaClass(v), "class ") }

// MillisPerDay is the length of a day in milliseconds.
const MillisPerDay = 24 * 60 * 60 * 1000

// Hashable reports whether k can be a Go map key: Java allows lists, maps and byte arrays as
// HashMap keys, Go does not.
func Hashable(k any) bool {
	switch k.(type) {
	case []any, []byte, map[string]any, map[any]any:
		return false
	}
	return true
}

// FloorMod is Java's Math.floorMod.
func FloorMod(a, b int64) int64 {
	m := a % b
	if m != 0 && (m < 0) != (b < 0) {
		m += b
	}
	return m
}

// DecimalScale reads the scale parameter of a Decimal schema (Decimal.scale).
func DecimalScale(s *connector.Schema) (int32, error) {
	str, ok := s.Parameters[connector.DecimalScaleParam]
	if !ok {
		return 0, connector.DataErrorf("Invalid Decimal schema: scale parameter not found.")
	}
	n, ok := ParseJavaInt(str)
	if !ok {
		return 0, connector.DataErrorf("Invalid scale parameter found in Decimal schema: ")
	}
	return n, nil
}

// ParseJavaInt is Integer.parseInt: an optional sign and decimal digits, within int range.
func ParseJavaInt(s string) (int32, bool) {
	if s == "" {
		return 0, false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) {
		return 0, false
	}
	var n int64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n > math.MaxInt32+1 {
			return 0, false
		}
	}
	if s[0] == '-' {
		n = -n
	}
	if n > math.MaxInt32 || n < math.MinInt32 {
		return 0, false
	}
	return int32(n), true
}

// DecimalFromLogical is Decimal.fromLogical: the unscaled value as big-endian two's
// complement bytes (BigInteger.toByteArray), after checking the scale.
func DecimalFromLogical(s *connector.Schema, d connector.Decimal) ([]byte, error) {
	scale, err := DecimalScale(s)
	if err != nil {
		return nil, err
	}
	if d.Scale != scale {
		return nil, connector.DataErrorf("Decimal value has mismatching scale for given Decimal schema. Schema has scale %d, value has scale %d.", scale, d.Scale)
	}
	return TwosComplement(d.Unscaled), nil
}

// DecimalToLogical is Decimal.toLogical.
func DecimalToLogical(s *connector.Schema, b []byte) (connector.Decimal, error) {
	scale, err := DecimalScale(s)
	if err != nil {
		return connector.Decimal{}, err
	}
	if len(b) == 0 {
		return connector.Decimal{}, connector.DataErrorf("Zero length BigInteger")
	}
	return connector.Decimal{Unscaled: FromTwosComplement(b), Scale: scale}, nil
}

// TwosComplement is BigInteger.toByteArray: the minimal big-endian two's complement.
func TwosComplement(x *big.Int) []byte {
	if x == nil || x.Sign() == 0 {
		return []byte{0}
	}
	if x.Sign() > 0 {
		b := x.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	m := new(big.Int).Neg(x)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// FromTwosComplement is new BigInteger(byte[]).
func FromTwosComplement(b []byte) *big.Int {
	x := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x
}
