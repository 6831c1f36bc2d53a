package jvalues

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// DoubleString is Double.toString as JDK 19 and later print it (JDK-4511638): the shortest
// decimal that rounds to d, with one more digit when that gets closer to d than a single digit
// does; plain notation for 1e-3 ≤ |d| < 1e7, else computerized scientific notation ("1.0E10").
// JDK 17 and older sometimes print one more digit than needed (about 1 in 20 random doubles);
// values with up to 15 significant digits print the same on every JDK.
func DoubleString(d float64) string { return javaFloatString(d, 64) }

// FloatString is Float.toString with the same rules at float precision.
func FloatString(f float32) string { return javaFloatString(float64(f), 32) }

func javaFloatString(d float64, bits int) string {
	switch {
	case math.IsNaN(d):
		return "NaN"
	case math.IsInf(d, 1):
		return "Infinity"
	case math.IsInf(d, -1):
		return "-Infinity"
	case d == 0:
		if math.Signbit(d) {
			return "-0.0"
		}
		return "0.0"
	}
	neg := d < 0
	a := math.Abs(d)
	digits, exp := sciDigits(strconv.FormatFloat(a, 'e', -1, bits))
	if len(digits) == 1 {
		// Java picks the decimal of length 1 or 2 that rounds to the value and is closest to
		// it: the two-digit rounding when that is a genuine two-digit number that reads back.
		s2 := strconv.FormatFloat(a, 'e', 1, bits) // d.de±xx
		if s2[2] != '0' {
			if back, err := strconv.ParseFloat(s2, bits); err == nil && back == a {
				digits, exp = sciDigits(s2)
			}
		}
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if exp >= -3 && exp < 7 {
		if exp >= 0 {
			if len(digits) > exp+1 {
				b.WriteString(digits[:exp+1])
				b.WriteByte('.')
				b.WriteString(digits[exp+1:])
			} else {
				b.WriteString(digits)
				b.WriteString(strings.Repeat("0", exp+1-len(digits)))
				b.WriteString(".0")
			}
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -exp-1))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	b.WriteByte('.')
	if len(digits) > 1 {
		b.WriteString(digits[1:])
	} else {
		b.WriteByte('0')
	}
	b.WriteByte('E')
	b.WriteString(strconv.Itoa(exp))
	return b.String()
}

// sciDigits splits strconv's "d.ddde±xx" into its digits, trailing zeros removed, and exponent.
func sciDigits(s string) (string, int) {
	i := strings.IndexByte(s, 'e')
	mant, e := s[:i], s[i+1:]
	exp, _ := strconv.Atoi(e)
	digits := strings.Replace(mant, ".", "", 1)
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		digits = "0"
	}
	return digits, exp
}

// BigDecimalString is BigDecimal.toString: plain when the scale is not negative and the
// adjusted exponent is at least -6, else scientific with an explicit exponent sign
// ("1.2E+3", "1.2E-9").
func BigDecimalString(d connector.Decimal) string {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	s := new(big.Int).Abs(u).String()
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	scale := int64(d.Scale)
	adjusted := -scale + int64(len(s)-1)
	if scale >= 0 && adjusted >= -6 {
		switch {
		case scale == 0:
			return sign + s
		case int64(len(s)) > scale:
			return sign + s[:int64(len(s))-scale] + "." + s[int64(len(s))-scale:]
		default:
			return sign + "0." + strings.Repeat("0", int(scale-int64(len(s)))) + s
		}
	}
	out := sign + s[:1]
	if len(s) > 1 {
		out += "." + s[1:]
	}
	out += "E"
	if adjusted >= 0 {
		out += "+"
	}
	return out + strconv.FormatInt(adjusted, 10)
}

// ParseBigDecimal parses the text forms new BigDecimal(String) accepts: an optional sign,
// digits with an optional decimal point (at least one digit), and an optional exponent.
func ParseBigDecimal(s string) (connector.Decimal, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var digits strings.Builder
	scale := int64(0)
	seenDigit, seenPoint := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits.WriteByte(c)
			seenDigit = true
			if seenPoint {
				scale++
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			goto exponent
		}
	}
exponent:
	if !seenDigit {
		return connector.Decimal{}, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return connector.Decimal{}, false
		}
		i++
		j := i
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j == len(s) {
			return connector.Decimal{}, false
		}
		for k := j; k < len(s); k++ {
			if s[k] < '0' || s[k] > '9' {
				return connector.Decimal{}, false
			}
		}
		e, err := strconv.ParseInt(s[i:], 10, 32)
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

// DecimalFloat64 is BigDecimal.doubleValue: the nearest double (no negative zero).
func DecimalFloat64(d connector.Decimal) float64 {
	f, _ := strconv.ParseFloat(decimalSci(d), 64)
	if f == 0 {
		return 0
	}
	return f
}

// DecimalFloat32 is BigDecimal.floatValue.
func DecimalFloat32(d connector.Decimal) float32 {
	f, _ := strconv.ParseFloat(decimalSci(d), 32)
	if f == 0 {
		return 0
	}
	return float32(f)
}

func decimalSci(d connector.Decimal) string {
	u := d.Unscaled
	if u == nil {
		return "0"
	}
	return u.String() + "e" + strconv.FormatInt(-int64(d.Scale), 10)
}

// DecimalLong is BigDecimal.longValue: the integer part, truncated, keeping its low 64 bits.
func DecimalLong(d connector.Decimal) int64 {
	u := d.Unscaled
	if u == nil || u.Sign() == 0 {
		return 0
	}
	digits := int64(len(new(big.Int).Abs(u).String()))
	switch {
	case d.Scale <= -64: // a multiple of 10^64, so of 2^64
		return 0
	case int64(d.Scale) >= digits: // |d| < 1
		return 0
	}
	var i *big.Int
	if d.Scale >= 0 {
		i = new(big.Int).Quo(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	} else {
		i = new(big.Int).Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(-int64(d.Scale)), nil))
	}
	return LowInt64(i)
}

// LowInt64 is BigInteger.longValue: the low 64 bits of the two's complement value.
func LowInt64(i *big.Int) int64 {
	m := new(big.Int).And(i, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

// JavaLong converts a double to long as Java's (long) cast does: truncation, NaN to 0, and
// saturation at the long range.
func JavaLong(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// JavaToString renders a Connect value as Java's Object.toString does for the corresponding
// Java object (used by StringConverter). Maps are printed with sorted keys, as Go maps have no
// order; byte arrays, whose Java form is an identity hash ("[B@1b6d3586"), get a hash of
// their content.
func JavaToString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
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
		return FloatString(x)
	case float64:
		return DoubleString(x)
	case bool:
		return strconv.FormatBool(x)
	case connector.Decimal:
		return BigDecimalString(x)
	case time.Time:
		return x.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
	case []byte:
		h := fnv.New32a()
		_, _ = h.Write(x)
		return fmt.Sprintf("[B@%x", h.Sum32())
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = JavaToString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any, map[any]any:
		entries := MapEntries(x)
		parts := make([]string, len(entries))
		for i, e := range entries {
			parts[i] = JavaToString(e.Key) + "=" + JavaToString(e.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *connector.Struct:
		var b strings.Builder
		b.WriteString("Struct{")
		first := true
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			if fv == nil {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(f.Name + "=" + JavaToString(fv))
		}
		b.WriteByte('}')
		return b.String()
	default:
		return fmt.Sprint(v)
	}
}

// MapEntry is one entry of a Connect map, as MapEntries orders them.
type MapEntry struct {
	Key, Value any
}

// MapEntries returns the entries of a map[string]any or map[any]any in a deterministic order:
// Java iterates a HashMap in hash order, Go maps have none, so keys are sorted (numbers by
// value, strings by their bytes, then other types by their rendering).
func MapEntries(m any) []MapEntry {
	var out []MapEntry
	switch x := m.(type) {
	case map[string]any:
		out = make([]MapEntry, 0, len(x))
		for k, v := range x {
			out = append(out, MapEntry{Key: k, Value: v})
		}
	case map[any]any:
		out = make([]MapEntry, 0, len(x))
		for k, v := range x {
			out = append(out, MapEntry{Key: k, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return keyLess(out[i].Key, out[j].Key) })
	return out
}

func keyRank(k any) (int, float64, string) {
	switch x := k.(type) {
	case nil:
		return 0, 0, ""
	case bool:
		if x {
			return 1, 1, ""
		}
		return 1, 0, ""
	case int8:
		return 2, float64(x), ""
	case int16:
		return 2, float64(x), ""
	case int32:
		return 2, float64(x), ""
	case int64:
		return 2, float64(x), strconv.FormatInt(x, 10)
	case float32:
		return 2, float64(x), ""
	case float64:
		return 2, x, ""
	case string:
		return 3, 0, x
	case []byte:
		return 4, 0, base64.StdEncoding.EncodeToString(x)
	default:
		return 5, 0, fmt.Sprint(k)
	}
}

func keyLess(a, b any) bool {
	ra, fa, sa := keyRank(a)
	rb, fb, sb := keyRank(b)
	if ra != rb {
		return ra < rb
	}
	if fa != fb {
		return fa < fb
	}
	return sa < sb
}

// InferType is ConnectSchema.schemaType(value.getClass()) for the Go types of the data model.
func InferType(v any) connector.Type {
	switch v.(type) {
	case int8:
		return connector.TypeInt8
	case int16:
		return connector.TypeInt16
	case int32:
		return connector.TypeInt32
	case int64:
		return connector.TypeInt64
	case float32:
		return connector.TypeFloat32
	case float64:
		return connector.TypeFloat64
	case bool:
		return connector.TypeBoolean
	case string:
		return connector.TypeString
	case []byte:
		return connector.TypeBytes
	case []any:
		return connector.TypeArray
	case map[string]any, map[any]any:
		return connector.TypeMap
	case *connector.Struct:
		return connector.TypeStruct
	}
	return 0
}
