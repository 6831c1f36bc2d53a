package converters

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// Version is what GET /connector-plugins reports for these converters: the Apache Kafka
// release whose converters they port (AppInfoParser.getVersion() on the reference worker).
const Version = "4.1.2"

// Class names under which Apache Kafka Connect, and so Tributary, registers the converters.
const (
	StringConverterClass       = "org.apache.kafka.connect.storage.StringConverter"
	ByteArrayConverterClass    = "org.apache.kafka.connect.converters.ByteArrayConverter"
	ShortConverterClass        = "org.apache.kafka.connect.converters.ShortConverter"
	IntegerConverterClass      = "org.apache.kafka.connect.converters.IntegerConverter"
	LongConverterClass         = "org.apache.kafka.connect.converters.LongConverter"
	FloatConverterClass        = "org.apache.kafka.connect.converters.FloatConverter"
	DoubleConverterClass       = "org.apache.kafka.connect.converters.DoubleConverter"
	BooleanConverterClass      = "org.apache.kafka.connect.converters.BooleanConverter"
	JSONConverterClass         = "org.apache.kafka.connect.json.JsonConverter"
	SimpleHeaderConverterClass = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
)

// ConverterTypeConfig is the key the runtime sets to "key", "value" or "header" in every
// converter's config (ConverterConfig.TYPE_CONFIG).
const ConverterTypeConfig = "converter.type"

// The values of converter.type.
const (
	TypeKey    = "key"
	TypeValue  = "value"
	TypeHeader = "header"
)

// converterTypeKey is ConverterConfig.newConfigDef()'s only key.
var converterTypeKey = connector.ConfigKey{
	Name: ConverterTypeConfig, Type: connector.ConfigString, Required: true,
	Validate: validString(TypeKey, TypeValue, TypeHeader), Importance: connector.Low,
	Doc: "How this converter will be used.",
}

// javaError is an error worded as Kafka's, capitalised as there.
type javaError string

func (e javaError) Error() string { return string(e) }

// validString is Kafka's ConfigDef.ValidString: a case-sensitive choice.
func validString(values ...string) connector.Validator {
	return func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		for _, x := range values {
			if s == x {
				return nil
			}
		}
		return javaError("String must be one of: " + strings.Join(values, ", "))
	}
}

func dataErr(format string, a ...any) error { return connector.DataErrorf(format, a...) }

// javaClass names the Java class that corresponds to a Go value of the Connect data model, for
// error messages worded like Kafka's ("class java.lang.String"). Other Go types are named as
// Go names them.
func javaClass(v any) string {
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

// javaClassName is Class.getName(): javaClass without the "class " prefix.
func javaClassName(v any) string { return strings.TrimPrefix(javaClass(v), "class ") }

const millisPerDay = 24 * 60 * 60 * 1000

// dateFromLogical is Date.fromLogical: the days since the epoch of a midnight-UTC time.
func dateFromLogical(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if floorMod(ms, millisPerDay) != 0 {
		return 0, dataErr("Kafka Connect Date type should not have any time fields set to non-zero values.")
	}
	return int32(ms / millisPerDay), nil
}

// timeFromLogical is Time.fromLogical: milliseconds since midnight, 0..86400000.
func timeFromLogical(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms > millisPerDay {
		return 0, dataErr("Kafka Connect Time type should not have any date fields set to non-zero values.")
	}
	return int32(ms), nil
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m != 0 && (m < 0) != (b < 0) {
		m += b
	}
	return m
}

// decimalScale reads the scale parameter of a Decimal schema (Decimal.scale).
func decimalScale(s *connector.Schema) (int32, error) {
	str, ok := s.Parameters[connector.DecimalScaleParam]
	if !ok {
		return 0, dataErr("Invalid Decimal schema: scale parameter not found.")
	}
	n, ok := parseJavaInt(str)
	if !ok {
		return 0, dataErr("Invalid scale parameter found in Decimal schema: ")
	}
	return n, nil
}

// parseJavaInt is Integer.parseInt: an optional sign and decimal digits, within int range.
func parseJavaInt(s string) (int32, bool) {
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

// decimalFromLogical is Decimal.fromLogical: the unscaled value as big-endian two's
// complement bytes (BigInteger.toByteArray), after checking the scale.
func decimalFromLogical(s *connector.Schema, d connector.Decimal) ([]byte, error) {
	scale, err := decimalScale(s)
	if err != nil {
		return nil, err
	}
	if d.Scale != scale {
		return nil, dataErr("Decimal value has mismatching scale for given Decimal schema. Schema has scale %d, value has scale %d.", scale, d.Scale)
	}
	return twosComplement(d.Unscaled), nil
}

// decimalToLogical is Decimal.toLogical.
func decimalToLogical(s *connector.Schema, b []byte) (connector.Decimal, error) {
	scale, err := decimalScale(s)
	if err != nil {
		return connector.Decimal{}, err
	}
	if len(b) == 0 {
		return connector.Decimal{}, dataErr("Zero length BigInteger")
	}
	return connector.Decimal{Unscaled: fromTwosComplement(b), Scale: scale}, nil
}

func twosComplement(x *big.Int) []byte {
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

func fromTwosComplement(b []byte) *big.Int {
	x := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x
}
