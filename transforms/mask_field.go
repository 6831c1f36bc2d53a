package transforms

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// MaskField (org.apache.kafka.connect.transforms.MaskField$Key / $Value) replaces the
// listed top-level fields with the "null value" of their type, or with a replacement
// converted to the field's type.

const (
	maskFieldFields      = "fields"
	maskFieldReplacement = "replacement"
	maskFieldReplaceNull = "replace.null.with.default"
	maskFieldPurpose     = "mask fields"
)

func maskFieldConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: maskFieldFields, Type: connector.ConfigList, Required: true, Validate: fldNonEmptyList,
			Importance: connector.High, Doc: "Names of fields to mask."},
		{Name: maskFieldReplacement, Type: connector.ConfigString, Validate: fldNonEmptyString, Importance: connector.Low,
			Doc: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only)."},
		{Name: maskFieldReplaceNull, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
			Doc: fldReplaceNullWithDefaultDoc},
	}}
}

type maskField struct {
	side side

	// fields in the iteration order of Java's HashSet of them (it decides which error a
	// schemaless record with several unmaskable fields gets).
	fields                 []string
	fieldSet               map[string]bool
	replacement            *string
	replaceNullWithDefault bool
}

func init() {
	keyValue("MaskField", func(s side) connector.Transformation { return &maskField{side: s} })
}

func (t *maskField) ConfigDef() *connector.ConfigDef { return maskFieldConfigDef() }

func (t *maskField) Configure(cfg connector.Config) error {
	v, err := fldParseConfig(maskFieldConfigDef(), cfg)
	if err != nil {
		return err
	}
	list := v.List(maskFieldFields)
	t.fieldSet = make(map[string]bool, len(list))
	var unique []string
	for _, f := range list {
		if !t.fieldSet[f] {
			t.fieldSet[f] = true
			unique = append(unique, f)
		}
	}
	t.fields = fldJavaHashOrder(unique, fldCopiedCapacity(len(list)))
	t.replacement = nil
	if !v.IsNull(maskFieldReplacement) {
		s := v.String(maskFieldReplacement)
		t.replacement = &s
	}
	t.replaceNullWithDefault = v.Bool(maskFieldReplaceNull)
	return nil
}

func (t *maskField) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if schema == nil {
		m, err := fldRequireMap(value, maskFieldPurpose)
		if err != nil {
			return nil, err
		}
		out := m.clone()
		for _, f := range t.fields {
			mv, err := t.masked(m.get(f))
			if err != nil {
				return nil, err
			}
			out.put(f, mv)
		}
		return t.side.newRecord(r, schema, out.value()), nil
	}
	st, err := requireStruct(value, maskFieldPurpose)
	if err != nil {
		return nil, err
	}
	out, err := connector.NewStruct(st.Schema())
	if err != nil {
		return nil, err
	}
	for _, f := range st.Schema().Fields {
		fv, err := fldFieldValue(st, f.Name, t.replaceNullWithDefault)
		if err != nil {
			return nil, err
		}
		if t.fieldSet[f.Name] {
			if fv, err = t.masked(fv); err != nil {
				return nil, err
			}
		}
		if err := out.Put(f.Name, fv); err != nil {
			return nil, err
		}
	}
	return t.side.newRecord(r, schema, out), nil
}

func (t *maskField) masked(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.replacement == nil {
		return maskWithNullValue(v)
	}
	return maskWithReplacement(v, *t.replacement)
}

// maskClassName is value.getClass() as Java prints a Class ("class java.lang.Integer").
func maskClassName(v any) string {
	if _, ok := v.(time.Time); ok {
		return "class java.util.Date"
	}
	return "class " + jvalues.JavaClassName(v)
}

func maskWithNullValue(v any) (any, error) {
	switch v.(type) {
	case bool:
		return false, nil
	case int8:
		return int8(0), nil
	case int16:
		return int16(0), nil
	case int32:
		return int32(0), nil
	case int64:
		return int64(0), nil
	case float32:
		return float32(0), nil
	case float64:
		return float64(0), nil
	case connector.Decimal:
		return connector.Decimal{Unscaled: new(big.Int), Scale: 0}, nil // BigDecimal.ZERO
	case time.Time:
		return time.UnixMilli(0).UTC(), nil
	case string:
		return "", nil
	case []any:
		return []any{}, nil
	case map[string]any:
		return map[string]any{}, nil
	case map[any]any:
		return map[any]any{}, nil
	default:
		return nil, connector.DataErrorf("Cannot mask value of type: %s", maskClassName(v))
	}
}

func maskWithReplacement(v any, r string) (any, error) {
	switch v.(type) {
	case int8, int16, int32, int64, float32, float64:
		// Values.convertToX(null, r): new BigDecimal(r), then longValue or doubleValue.
		d, ok := parseJavaBigDecimal(r)
		if !ok {
			return nil, connector.DataErrorf("Unable to convert %s (class java.lang.String) to a number", r)
		}
		switch v.(type) {
		case int8:
			return int8(d.longValue()), nil
		case int16:
			return int16(d.longValue()), nil
		case int32:
			return int32(d.longValue()), nil
		case int64:
			return d.longValue(), nil
		case float32:
			return float32(d.doubleValue(r)), nil
		default:
			return d.doubleValue(r), nil
		}
	case string:
		return r, nil
	case connector.Decimal:
		d, ok := parseJavaBigDecimal(r)
		if !ok {
			return nil, connector.DataErrorf("Unable to convert %s (class java.lang.String) to number", r)
		}
		return connector.Decimal{Unscaled: d.unscaled, Scale: d.scale}, nil
	}
	return nil, connector.DataErrorf("Cannot mask value of type %s with custom replacement.", maskClassName(v))
}

// javaBigDecimal is a value parsed as Java's new BigDecimal(String) does.
type javaBigDecimal struct {
	unscaled *big.Int
	scale    int32
}

// parseJavaBigDecimal accepts Java's BigDecimal string syntax: an optional sign, digits
// with an optional decimal point (at least one digit), and an optional exponent (e or E,
// optional sign, digits) that keeps the scale within an int.
func parseJavaBigDecimal(s string) (javaBigDecimal, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var digits []byte
	frac := int64(0)
	dot := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			if dot {
				frac++
			}
			continue
		case c == '.' && !dot:
			dot = true
			continue
		}
		break
	}
	if len(digits) == 0 {
		return javaBigDecimal{}, false
	}
	exp := int64(0)
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return javaBigDecimal{}, false
		}
		i++
		j := i
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j == len(s) {
			return javaBigDecimal{}, false
		}
		for k := j; k < len(s); k++ {
			if s[k] < '0' || s[k] > '9' {
				return javaBigDecimal{}, false
			}
		}
		e, err := strconv.ParseInt(s[i:], 10, 32)
		if err != nil {
			return javaBigDecimal{}, false
		}
		exp = e
	}
	scale := frac - exp
	if scale > math.MaxInt32 || scale < math.MinInt32 {
		return javaBigDecimal{}, false
	}
	u, _ := new(big.Int).SetString(string(digits), 10)
	if neg {
		u.Neg(u)
	}
	return javaBigDecimal{unscaled: u, scale: int32(scale)}, true
}

// longValue is BigDecimal.longValue: the integer part, keeping its low 64 bits.
func (d javaBigDecimal) longValue() int64 {
	n := new(big.Int).Set(d.unscaled)
	switch {
	case n.Sign() == 0:
		return 0
	case d.scale < 0:
		if d.scale <= -64 { // a multiple of 10^64, so of 2^64
			return 0
		}
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.scale)), nil))
	case d.scale > 0:
		if int64(d.scale) > int64(len(n.Text(10))) { // |value| < 1
			return 0
		}
		n.Quo(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.scale)), nil))
	}
	low := new(big.Int).And(new(big.Int).Abs(n), new(big.Int).SetUint64(math.MaxUint64)).Uint64()
	if n.Sign() < 0 {
		low = -low
	}
	return int64(low)
}

// doubleValue is BigDecimal.doubleValue (the nearest double; ±Infinity past the range). s
// is the string the decimal was parsed from, which is valid Go float syntax.
func (d javaBigDecimal) doubleValue(s string) float64 {
	if d.unscaled.Sign() == 0 { // BigDecimal has no negative zero
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0
	}
	return f
}
