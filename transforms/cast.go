package transforms

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// Cast (org.apache.kafka.connect.transforms.Cast$Key / $Value): casts fields, or the whole
// key or value, to another primitive type with Java's conversion rules.

const (
	castSpecConfig                   = "spec"
	castReplaceNullWithDefaultConfig = "replace.null.with.default"
	castPurpose                      = "cast types"

	castSupportedInput  = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"
	castSupportedOutput = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"
)

var castConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: castSpecConfig, Type: connector.ConfigList, Required: true, Validate: castValidateSpec, Importance: connector.High,
		Doc: "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of " +
			"Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, " +
			"int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string."},
	{Name: castReplaceNullWithDefaultConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
		Doc: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."},
}}

// castConfigDefNoValidator parses the keys without the spec validator, so that Configure can
// return the validator's ConfigException unwrapped, as Java's configure throws it.
var castConfigDefNoValidator = func() *connector.ConfigDef {
	keys := append([]connector.ConfigKey(nil), castConfigDef.Keys...)
	keys[0].Validate = nil
	return &connector.ConfigDef{Keys: keys}
}()

func init() {
	keyValue("Cast", func(s side) connector.Transformation { return &cast{side: s} })
}

type cast struct {
	side side
	// casts maps field names to target types, in spec order; wholeType is set (and casts
	// empty) for a whole-value cast.
	fields      []string
	casts       map[string]connector.Type
	wholeType   connector.Type
	replaceNull bool
	cache       fldSchemaCache // bounded, as Java's LRU cache of 16: JsonPayload makes a schema per record
}

func (c *cast) ConfigDef() *connector.ConfigDef { return castConfigDef }

// castValidateSpec is the spec key's validator (Java's lambda), reporting problems as the
// ConfigException Java throws.
func castValidateSpec(v any) error {
	l, _ := v.([]string)
	if len(l) == 0 {
		return &connector.ConfigError{Key: castSpecConfig, Message: "Must specify at least one field to cast."}
	}
	_, _, _, err := castParseFieldTypes(l)
	return err
}

func (c *cast) Configure(cfg connector.Config) error {
	vals, err := castConfigDefNoValidator.Parse(cfg)
	if err != nil {
		return err
	}
	spec := vals.List(castSpecConfig)
	if err := castValidateSpec(spec); err != nil {
		return err
	}
	c.fields, c.casts, c.wholeType, _ = castParseFieldTypes(spec)
	c.replaceNull = vals.Bool(castReplaceNullWithDefaultConfig)
	c.cache.reset()
	return nil
}

// castTypeNames are Schema.Type's enum constants.
var castTypeNames = map[string]connector.Type{
	"INT8": connector.TypeInt8, "INT16": connector.TypeInt16, "INT32": connector.TypeInt32, "INT64": connector.TypeInt64,
	"FLOAT32": connector.TypeFloat32, "FLOAT64": connector.TypeFloat64, "BOOLEAN": connector.TypeBoolean,
	"STRING": connector.TypeString, "BYTES": connector.TypeBytes, "ARRAY": connector.TypeArray, "MAP": connector.TypeMap,
	"STRUCT": connector.TypeStruct,
}

// castTrim is String.trim: it strips characters up to U+0020.
func castTrim(s string) string { return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) }

// castSplitColon is String.split(":"): trailing empty strings are removed.
func castSplitColon(s string) []string {
	if s == "" {
		return []string{""}
	}
	parts := strings.Split(s, ":")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// castParseFieldTypes is Cast.parseFieldTypes.
func castParseFieldTypes(mappings []string) (fields []string, casts map[string]connector.Type, whole connector.Type, err error) {
	casts = map[string]connector.Type{}
	isWhole := false
	parseType := func(name string) (connector.Type, error) {
		upper := strings.ToUpper(castTrim(name))
		t, ok := castTypeNames[upper]
		if !ok {
			// new ConfigException(message, e) is ConfigException(name, value): the message
			// lands in the "configuration" slot and the enum lookup's exception in "value".
			return 0, &connector.ConfigError{Key: castSpecConfig, Message: "Invalid value java.lang.IllegalArgumentException: No enum constant " +
				"org.apache.kafka.connect.data.Schema.Type." + upper + " for configuration Invalid type found in casting spec: " + castTrim(name)}
		}
		if t > connector.TypeString {
			return 0, &connector.ConfigError{Key: castSpecConfig, Message: "Cast transformation does not support casting to " +
				t.Upper() + "; supported types are " + castSupportedOutput}
		}
		return t, nil
	}
	for _, m := range mappings {
		parts := castSplitColon(m)
		switch {
		case len(parts) > 2:
			return nil, nil, 0, &connector.ConfigError{Key: "renames", Message: fmt.Sprintf(
				"Invalid value %s for configuration renames: Invalid rename mapping: %s", castListString(mappings), m)}
		case len(parts) == 1:
			t, err := parseType(parts[0])
			if err != nil {
				return nil, nil, 0, err
			}
			whole, isWhole = t, true
		case len(parts) == 0:
			// Java reads parts[1] of an empty array.
			return nil, nil, 0, &connector.ConfigError{Key: castSpecConfig, Message: "Index 1 out of bounds for length 0"}
		default:
			t, err := parseType(parts[1])
			if err != nil {
				return nil, nil, 0, err
			}
			name := castTrim(parts[0])
			if _, dup := casts[name]; !dup {
				fields = append(fields, name)
			}
			casts[name] = t
		}
	}
	if isWhole && len(mappings) > 1 {
		return nil, nil, 0, &connector.ConfigError{Key: castSpecConfig, Message: "Cast transformations that specify a type to cast the entire value to " +
			"may only specify a single cast in their spec"}
	}
	return fields, casts, whole, nil
}

// castListString is List.toString: [a, b].
func castListString(l []string) string { return "[" + strings.Join(l, ", ") + "]" }

func (c *cast) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := c.side.operating(r)
	if value == nil {
		return r, nil
	}
	if schema == nil {
		return c.applySchemaless(r, value)
	}
	return c.applyWithSchema(r, schema, value)
}

func (c *cast) applySchemaless(r *connector.Record, value any) (*connector.Record, error) {
	if c.wholeType != 0 {
		v, err := castValueToType(nil, value, c.wholeType)
		if err != nil {
			return nil, err
		}
		return c.side.newRecord(r, nil, v), nil
	}
	m, err := requireMap(value, castPurpose)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(m)+len(c.fields))
	for k, v := range m {
		out[k] = v
	}
	// Java walks its HashMap of casts: the first failing field in that order is reported.
	for _, f := range castHashMapOrder(c.fields) {
		v, err := castValueToType(nil, m[f], c.casts[f])
		if err != nil {
			return nil, err
		}
		out[f] = v
	}
	return c.side.newRecord(r, nil, out), nil
}

func (c *cast) applyWithSchema(r *connector.Record, schema *connector.Schema, value any) (*connector.Record, error) {
	updated, err := c.updatedSchema(schema)
	if err != nil {
		return nil, err
	}
	if c.wholeType != 0 {
		v, err := castValueToType(schema, value, c.wholeType)
		if err != nil {
			return nil, err
		}
		return c.side.newRecord(r, updated, v), nil
	}
	st, err := requireStruct(value, castPurpose)
	if err != nil {
		return nil, err
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	for _, f := range st.Schema().Fields {
		orig, err := castFieldValue(st, f.Name, c.replaceNull)
		if err != nil {
			return nil, err
		}
		nv := orig
		if t, ok := c.casts[f.Name]; ok {
			if nv, err = castValueToType(f.Schema, orig, t); err != nil {
				return nil, err
			}
		}
		if _, ok := updated.Field(f.Name); !ok {
			return nil, connector.DataErrorf("field cannot be null.")
		}
		if err := out.Put(f.Name, nv); err != nil {
			return nil, err
		}
	}
	return c.side.newRecord(r, updated, out), nil
}

// castFieldValue is the getFieldValue of the SMTs with replace.null.with.default: the
// field's default in place of a null when replace is true.
func castFieldValue(st *connector.Struct, name string, replace bool) (any, error) {
	if replace {
		return st.Get(name)
	}
	return st.GetWithoutDefault(name)
}

func (c *cast) updatedSchema(schema *connector.Schema) (*connector.Schema, error) {
	if s := c.cache.get(schema); s != nil {
		return s, nil
	}
	var b *connector.SchemaBuilder
	if c.wholeType != 0 {
		b = copySchemaBasics(schema, c.wholeType)
	} else {
		if schema.Type != connector.TypeStruct {
			return nil, connector.DataErrorf("Cannot list fields on non-struct type")
		}
		b = copySchemaBasics(schema, connector.TypeStruct)
		for _, f := range schema.Fields {
			t, ok := c.casts[f.Name]
			if !ok {
				b.Field(f.Name, f.Schema)
				continue
			}
			fb := connector.NewSchemaBuilder(t)
			if f.Schema.Optional {
				fb.Optional()
			}
			if f.Schema.Default != nil {
				d, err := castValueToType(f.Schema, f.Schema.Default, t)
				if err != nil {
					return nil, err
				}
				if err := castCheckDefault(t, "", d); err != nil {
					return nil, err
				}
				fb.SetDefault(d)
			}
			fs, err := fb.Build()
			if err != nil {
				return nil, err
			}
			b.Field(f.Name, fs)
		}
	}
	if schema.Optional {
		b.Optional()
	}
	if schema.Default != nil {
		t := c.wholeType
		if t == 0 {
			t = connector.TypeStruct
		}
		d, err := castValueToType(schema, schema.Default, t)
		if err != nil {
			return nil, err
		}
		if err := castCheckDefault(t, schema.Name, d); err != nil {
			return nil, err
		}
		b.SetDefault(d)
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	c.cache.put(schema, s)
	return s, nil
}

// castCheckDefault is SchemaBuilder.defaultValue's validation of a primitive default: a
// schema named as a logical type takes only that type's value class (Java's
// LOGICAL_TYPE_CLASSES), which the Go data model is more lenient about.
func castCheckDefault(t connector.Type, name string, v any) error {
	ok := true
	switch name {
	case connector.DecimalName:
		_, ok = v.(connector.Decimal)
	case connector.DateName, connector.TimeName, connector.TimestampName:
		_, ok = v.(time.Time)
	}
	if !ok {
		return &connector.SchemaBuilderError{Message: "Invalid default value"}
	}
	return nil
}

// castClassOf is value.getClass().toString(): "class java.lang.Integer".
func castClassOf(v any) string {
	if _, ok := v.(time.Time); ok {
		return "class java.util.Date"
	}
	return "class " + jvalues.JavaClassName(v)
}

// castValueToType is Cast.castValueToType.
func castValueToType(schema *connector.Schema, value any, target connector.Type) (any, error) {
	if value == nil {
		return nil, nil
	}
	var inferred connector.Type
	if schema == nil {
		inferred = jvalues.InferType(value)
		if inferred == 0 {
			return nil, connector.DataErrorf("Cast transformation was passed a value of type %s which is not supported by Connect's data API", castClassOf(value))
		}
	} else {
		inferred = schema.Type
	}
	if inferred > connector.TypeBytes {
		return nil, connector.DataErrorf("Cast transformation does not support casting from %s; supported types are %s", inferred.Upper(), castSupportedInput)
	}
	if schema != nil && schema.Name != "" && target != connector.TypeString {
		var err error
		if value, err = castEncodeLogical(schema, value); err != nil {
			return nil, err
		}
	}
	var (
		out any
		err error
	)
	switch target {
	case connector.TypeInt8:
		out, err = castToInteger(value, func(n castNumber) any { return int8(n.intValue()) }, 8)
	case connector.TypeInt16:
		out, err = castToInteger(value, func(n castNumber) any { return int16(n.intValue()) }, 16)
	case connector.TypeInt32:
		out, err = castToInteger(value, func(n castNumber) any { return n.intValue() }, 32)
	case connector.TypeInt64:
		out, err = castToInteger(value, func(n castNumber) any { return n.longValue() }, 64)
	case connector.TypeFloat32:
		out, err = castToFloat(value, 32)
	case connector.TypeFloat64:
		out, err = castToFloat(value, 64)
	case connector.TypeBoolean:
		out, err = castToBoolean(value)
	case connector.TypeString:
		out = castToString(value)
	default:
		return nil, connector.DataErrorf("%s is not supported in the Cast transformation.", target.Upper())
	}
	var nfe castNumberFormatError
	if errors.As(err, &nfe) {
		return nil, connector.DataErrorf("Value (%s) was out of range for requested data type", castJavaToString(value))
	}
	return out, err
}

// castEncodeLogical is Cast.encodeLogicalType: Date, Time and Timestamp to their int
// encodings.
func castEncodeLogical(schema *connector.Schema, value any) (any, error) {
	switch schema.Name {
	case connector.DateName, connector.TimeName, connector.TimestampName:
	default:
		return value, nil
	}
	t, ok := value.(time.Time)
	if !ok {
		return nil, castClassCastError(value, "java.util.Date")
	}
	ms := t.UnixMilli()
	switch schema.Name {
	case connector.DateName:
		if sdfFloorMod(ms, msPerDay) != 0 {
			return nil, connector.DataErrorf("Kafka Connect Date type should not have any time fields set to non-zero values.")
		}
		return int32(ms / msPerDay), nil
	case connector.TimeName:
		if ms < 0 || ms > msPerDay {
			return nil, connector.DataErrorf("Kafka Connect Time type should not have any date fields set to non-zero values.")
		}
		return int32(ms), nil
	default:
		return ms, nil
	}
}

// castClassCastError is the ClassCastException of a cast of value to the class target.
func castClassCastError(value any, target string) error {
	from := strings.TrimPrefix(castClassOf(value), "class ")
	where := from + " and " + target + " are in module java.base of loader 'bootstrap'"
	if !strings.HasPrefix(from, "java.") && !strings.HasPrefix(from, "[") {
		where = from + " is in unnamed module of loader 'app'; " + target + " is in module java.base of loader 'bootstrap'"
	}
	return connector.DataErrorf("class %s cannot be cast to class %s (%s)", from, target, where)
}

// castNumber is a java.lang.Number: a Go integer, float or Decimal.
type castNumber struct{ v any }

func castAsNumber(v any) (castNumber, bool) {
	switch v.(type) {
	case int8, int16, int32, int64, float32, float64, connector.Decimal:
		return castNumber{v}, true
	}
	return castNumber{}, false
}

// intValue is Number.intValue (byteValue and shortValue narrow it further).
func (n castNumber) intValue() int32 {
	switch x := n.v.(type) {
	case int8:
		return int32(x)
	case int16:
		return int32(x)
	case int32:
		return x
	case int64:
		return int32(x)
	case float32:
		return castD2I(float64(x))
	case float64:
		return castD2I(x)
	case connector.Decimal:
		return int32(castDecimalLowBits(x))
	}
	return 0
}

// longValue is Number.longValue.
func (n castNumber) longValue() int64 {
	switch x := n.v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case float32:
		return castD2L(float64(x))
	case float64:
		return castD2L(x)
	case connector.Decimal:
		return castDecimalLowBits(x)
	}
	return 0
}

// floatValue and doubleValue are Number.floatValue and doubleValue.
func (n castNumber) floatValue() float32 {
	switch x := n.v.(type) {
	case int8:
		return float32(x)
	case int16:
		return float32(x)
	case int32:
		return float32(x)
	case int64:
		return float32(x)
	case float32:
		return x
	case float64:
		return float32(x)
	case connector.Decimal:
		f, _ := castDecimalRat(x).Float32()
		return f
	}
	return 0
}

func (n castNumber) doubleValue() float64 {
	switch x := n.v.(type) {
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case float64:
		return x
	case connector.Decimal:
		f, _ := castDecimalRat(x).Float64()
		return f
	}
	return 0
}

func castDecimalRat(d connector.Decimal) *big.Rat {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	if d.Scale >= 0 {
		return new(big.Rat).SetFrac(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	}
	return new(big.Rat).SetInt(new(big.Int).Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(-int64(d.Scale)), nil)))
}

// castDecimalLowBits is BigDecimal.longValue: the fraction dropped, then the low 64 bits.
func castDecimalLowBits(d connector.Decimal) int64 {
	r := castDecimalRat(d)
	q := new(big.Int).Quo(r.Num(), r.Denom())
	mask := new(big.Int).SetUint64(math.MaxUint64)
	return int64(new(big.Int).And(q, mask).Uint64())
}

// castD2I and castD2L are Java's (int) and (long) casts of a double: toward zero,
// saturating, NaN to 0.
func castD2I(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

func castD2L(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= 9.223372036854775807e18:
		return math.MaxInt64
	case f <= -9.223372036854775808e18:
		return math.MinInt64
	}
	return int64(f)
}

// castNumberFormatError is Java's NumberFormatException.
type castNumberFormatError struct{}

func (castNumberFormatError) Error() string { return "NumberFormatException" }

func castUnexpected(v any) error {
	return connector.DataErrorf("Unexpected type in Cast transformation: %s", castClassOf(v))
}

func castToInteger(v any, fromNumber func(castNumber) any, bits int) (any, error) {
	if n, ok := castAsNumber(v); ok {
		return fromNumber(n), nil
	}
	switch x := v.(type) {
	case bool:
		i := int64(0)
		if x {
			i = 1
		}
		return fromNumber(castNumber{i}), nil
	case string:
		i, ok := castParseInteger(x, bits)
		if !ok {
			return nil, castNumberFormatError{}
		}
		return fromNumber(castNumber{i}), nil
	}
	return nil, castUnexpected(v)
}

func castToFloat(v any, bits int) (any, error) {
	n, ok := castAsNumber(v)
	switch x := v.(type) {
	case bool:
		n, ok = castNumber{0.0}, true
		if x {
			n = castNumber{1.0}
		}
	case string:
		f, good := castParseFloat(x, bits)
		if !good {
			return nil, castNumberFormatError{}
		}
		n, ok = castNumber{f}, true
	}
	if !ok {
		return nil, castUnexpected(v)
	}
	if bits == 32 {
		return n.floatValue(), nil
	}
	return n.doubleValue(), nil
}

func castToBoolean(v any) (any, error) {
	if n, ok := castAsNumber(v); ok {
		return n.longValue() != 0, nil
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		return strings.EqualFold(x, "true"), nil // Boolean.parseBoolean
	}
	return nil, castUnexpected(v)
}

// castToString is Cast.castToString.
func castToString(v any) string {
	switch x := v.(type) {
	case time.Time:
		return castValuesDateFormat(x.UnixMilli())
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	}
	return castJavaToString(v)
}

// castValuesDateFormat is Values.dateFormatFor(d).format(d) in UTC (Java uses the JVM's
// default time zone; Kafka Connect workers normally run in UTC).
func castValuesDateFormat(ms int64) string {
	switch {
	case ms < msPerDay:
		return castTimeFormat.format(ms)
	case ms%msPerDay == 0:
		return castDateFormat.format(ms)
	}
	return castTimestampFormat.format(ms)
}

// Values' ISO 8601 patterns.
var (
	castTimeFormat, _      = newJavaDateFormat("HH:mm:ss.SSS'Z'", time.Now())
	castDateFormat, _      = newJavaDateFormat("yyyy-MM-dd", time.Now())
	castTimestampFormat, _ = newJavaDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", time.Now())
)

// castJavaToString is Object.toString of a Connect value: Java's number formatting for the
// boxed primitives and BigDecimal.
func castJavaToString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float32:
		return jvalues.FloatString(x)
	case float64:
		return jvalues.DoubleString(x)
	case bool:
		return strconv.FormatBool(x)
	case connector.Decimal:
		return jvalues.BigDecimalString(x)
	case *connector.Struct:
		return x.String()
	}
	return fmt.Sprint(v)
}

// castParseInteger is Byte/Short/Integer/Long.parseXxx (bits 8, 16, 32, 64): an optional
// sign and decimal digits (any Unicode decimal digit in the BMP), in range.
func castParseInteger(s string, bits int) (int64, bool) {
	u := utf16.Encode([]rune(s))
	if len(u) == 0 {
		return 0, false
	}
	i, neg := 0, false
	if u[0] < '0' {
		switch u[0] {
		case '-':
			neg = true
		case '+':
		default:
			return 0, false
		}
		if len(u) == 1 {
			return 0, false
		}
		i = 1
	}
	limit := new(big.Int).Lsh(big.NewInt(1), uint(bits-1)) // 2^(bits-1)
	acc := new(big.Int)
	ten := big.NewInt(10)
	for ; i < len(u); i++ {
		d := sdfDigit(u[i])
		if d < 0 {
			return 0, false
		}
		acc.Mul(acc, ten).Add(acc, big.NewInt(int64(d)))
		if acc.Cmp(limit) > 0 {
			return 0, false
		}
	}
	if neg {
		acc.Neg(acc)
	} else if acc.Cmp(limit) == 0 {
		return 0, false
	}
	return acc.Int64(), true
}

// castParseFloat is Float.parseFloat (bits 32) or Double.parseDouble (bits 64): Java's
// floating-point literal syntax (decimal or hexadecimal, optional f/F/d/D suffix,
// "NaN", "Infinity"), surrounded by optional characters up to U+0020.
func castParseFloat(s string, bits int) (float64, bool) {
	s = castTrim(s)
	if s == "" {
		return 0, false
	}
	sign := ""
	body := s
	if body[0] == '+' || body[0] == '-' {
		if body[0] == '-' {
			sign = "-"
		}
		body = body[1:]
	}
	switch body {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if sign == "-" {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if n := len(body); n > 0 && strings.ContainsRune("fFdD", rune(body[n-1])) {
		body = body[:n-1]
	}
	hex := len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isHex := func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	digit := isDigit
	rest := body
	if hex {
		digit = isHex
		rest = body[2:]
	}
	i, nd := 0, 0
	for i < len(rest) && digit(rest[i]) {
		i, nd = i+1, nd+1
	}
	if i < len(rest) && rest[i] == '.' {
		i++
		for i < len(rest) && digit(rest[i]) {
			i, nd = i+1, nd+1
		}
	}
	if nd == 0 {
		return 0, false
	}
	if i < len(rest) && (!hex && (rest[i] == 'e' || rest[i] == 'E') || hex && (rest[i] == 'p' || rest[i] == 'P')) {
		i++
		if i < len(rest) && (rest[i] == '+' || rest[i] == '-') {
			i++
		}
		ed := 0
		for i < len(rest) && isDigit(rest[i]) {
			i, ed = i+1, ed+1
		}
		if ed == 0 {
			return 0, false
		}
	} else if hex {
		return 0, false // the binary exponent is mandatory
	}
	if i != len(rest) {
		return 0, false
	}
	f, err := strconv.ParseFloat(sign+body, bits)
	if err != nil {
		if ne := (*strconv.NumError)(nil); !errors.As(err, &ne) || !errors.Is(ne.Err, strconv.ErrRange) {
			return 0, false
		}
	}
	return f, true
}

// castHashMapOrder orders string keys as a java.util.HashMap filled by put in this order
// iterates them: by bucket of the spread String.hashCode, then insertion order.
func castHashMapOrder(keys []string) []string {
	capacity := 16
	for len(keys) > capacity*3/4 {
		capacity *= 2
	}
	type entry struct {
		key    string
		bucket int
		idx    int
	}
	es := make([]entry, len(keys))
	for i, k := range keys {
		h := castStringHash(k)
		h ^= int32(uint32(h) >> 16)
		es[i] = entry{k, int(h) & (capacity - 1), i}
	}
	out := make([]string, 0, len(keys))
	for b := 0; b < capacity; b++ {
		for _, e := range es {
			if e.bucket == b {
				out = append(out, e.key)
			}
		}
	}
	return out
}

// castStringHash is String.hashCode.
func castStringHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(c)
	}
	return h
}
