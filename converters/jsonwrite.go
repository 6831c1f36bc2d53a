package converters

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// This file writes JSON exactly as JsonConverter's Jackson ObjectMapper does: compact, object
// keys in insertion order, strings escaped as Jackson's UTF8JsonGenerator escapes them,
// numbers as Java prints them, NaN and infinities as strings, bytes as base64 strings.

const hexUpper = "0123456789ABCDEF"

// writeJSONString writes s as a JSON string the way Jackson does: '"' and '\\' escaped, the
// control characters below 0x20 as \b \t \n \f \r or \u00XX, characters outside the BMP as a
// \uXXXX\uXXXX surrogate pair (Jackson does not combine surrogates in UTF-8 output), and
// everything else, including '/', DEL, U+2028 and '<', raw. Bytes that are not valid UTF-8
// (a Java string cannot hold them) are written as U+FFFD.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\f':
				b.WriteString(`\f`)
			case c == '\r':
				b.WriteString(`\r`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hexUpper[c>>4])
				b.WriteByte(hexUpper[c&0xF])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString("\uFFFD")
		case r > 0xFFFF:
			r -= 0x10000
			writeU4(b, 0xD800+(r>>10))
			writeU4(b, 0xDC00+(r&0x3FF))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
}

func writeU4(b *bytes.Buffer, r rune) {
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexUpper[(r>>uint(shift))&0xF])
	}
}

// jsonTypeName is JsonSchema's type name for a schema type.
func jsonTypeName(t connector.Type) string {
	switch t {
	case connector.TypeFloat32:
		return "float"
	case connector.TypeFloat64:
		return "double"
	default:
		return t.String()
	}
}

// writeSchema writes asJsonSchema(s): "type", the type-specific keys ("items", "keys" and
// "values", "fields" with "field" last in each field object), "optional", then "name",
// "version", "doc", "parameters" and "default" when set.
func (c *JSONConverter) writeSchema(b *bytes.Buffer, s *connector.Schema) error {
	if cached, ok := c.fromCache.get(s); ok {
		b.Write(cached)
		return nil
	}
	start := b.Len()
	if !s.Type.IsPrimitive() && s.Type != connector.TypeArray && s.Type != connector.TypeMap && s.Type != connector.TypeStruct {
		return dataErr("Couldn't translate unsupported schema type %s.", s.Type)
	}
	b.WriteString(`{"type":"`)
	b.WriteString(jsonTypeName(s.Type))
	b.WriteByte('"')
	switch s.Type {
	case connector.TypeArray:
		b.WriteString(`,"items":`)
		if err := c.writeSchemaOrNull(b, s.ValueSchema); err != nil {
			return err
		}
	case connector.TypeMap:
		b.WriteString(`,"keys":`)
		if err := c.writeSchemaOrNull(b, s.KeySchema); err != nil {
			return err
		}
		b.WriteString(`,"values":`)
		if err := c.writeSchemaOrNull(b, s.ValueSchema); err != nil {
			return err
		}
	case connector.TypeStruct:
		b.WriteString(`,"fields":[`)
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := c.writeSchema(b, f.Schema); err != nil {
				return err
			}
			b.Truncate(b.Len() - 1) // the field schema's closing brace
			b.WriteString(`,"field":`)
			writeJSONString(b, f.Name)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	b.WriteString(`,"optional":`)
	b.WriteString(strconv.FormatBool(s.Optional))
	if s.Name != "" {
		b.WriteString(`,"name":`)
		writeJSONString(b, s.Name)
	}
	if s.Version != nil {
		b.WriteString(`,"version":`)
		b.WriteString(strconv.FormatInt(int64(*s.Version), 10))
	}
	if s.Doc != "" {
		b.WriteString(`,"doc":`)
		writeJSONString(b, s.Doc)
	}
	if s.Parameters != nil {
		b.WriteString(`,"parameters":{`)
		for i, e := range jvalues.MapEntries(anyMap(s.Parameters)) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, e.Key.(string))
			b.WriteByte(':')
			writeJSONString(b, e.Value.(string))
		}
		b.WriteByte('}')
	}
	if s.Default != nil {
		b.WriteString(`,"default":`)
		if err := c.writeValue(b, s, s.Default); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	c.fromCache.put(s, bytes.Clone(b.Bytes()[start:]))
	return nil
}

func (c *JSONConverter) writeSchemaOrNull(b *bytes.Buffer, s *connector.Schema) error {
	if s == nil {
		b.WriteString("null")
		return nil
	}
	return c.writeSchema(b, s)
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// writeValue writes convertToJson(s, v).
func (c *JSONConverter) writeValue(b *bytes.Buffer, s *connector.Schema, v any) error {
	if v == nil {
		switch {
		case s == nil: // any schema is valid: an optional null
			b.WriteString("null")
			return nil
		case s.Default != nil && c.replaceNullWithDefault:
			return c.writeValue(b, s, s.Default)
		case s.Optional:
			b.WriteString("null")
			return nil
		}
		return dataErr("Conversion error: null value for field that is required and has no default value")
	}
	if s != nil {
		switch s.Name {
		case connector.DecimalName:
			d, ok := v.(connector.Decimal)
			if !ok {
				return dataErr("Invalid type for Decimal, expected BigDecimal but was %s", jvalues.JavaClass(v))
			}
			if c.decimalNumeric {
				b.WriteString(jvalues.BigDecimalString(d))
				return nil
			}
			raw, err := jvalues.DecimalFromLogical(s, d)
			if err != nil {
				return err
			}
			writeBase64(b, raw)
			return nil
		case connector.DateName, connector.TimeName, connector.TimestampName:
			t, ok := v.(time.Time)
			if !ok {
				return dataErr("Invalid type for %s, expected Date but was %s", s.Name[len("org.apache.kafka.connect.data."):], jvalues.JavaClass(v))
			}
			var n int64
			switch s.Name {
			case connector.DateName:
				d, err := dateFromLogical(t)
				if err != nil {
					return err
				}
				n = int64(d)
			case connector.TimeName:
				d, err := timeFromLogical(t)
				if err != nil {
					return err
				}
				n = int64(d)
			default:
				n = t.UnixMilli()
			}
			b.WriteString(strconv.FormatInt(n, 10))
			return nil
		}
	}
	var typ connector.Type
	if s == nil {
		typ = jvalues.InferType(v)
		if typ == 0 {
			return dataErr("Java class %s does not have corresponding schema type.", jvalues.JavaClass(v))
		}
	} else {
		typ = s.Type
	}
	wrongType := func() error {
		what := "unknown schema"
		if s != nil {
			what = s.Type.Upper()
		}
		return dataErr("Invalid type for %s: %s", what, jvalues.JavaClass(v))
	}
	switch typ {
	case connector.TypeInt8:
		n, ok := v.(int8)
		if !ok {
			return wrongType()
		}
		b.WriteString(strconv.FormatInt(int64(n), 10))
	case connector.TypeInt16:
		n, ok := v.(int16)
		if !ok {
			return wrongType()
		}
		b.WriteString(strconv.FormatInt(int64(n), 10))
	case connector.TypeInt32:
		n, ok := v.(int32)
		if !ok {
			return wrongType()
		}
		b.WriteString(strconv.FormatInt(int64(n), 10))
	case connector.TypeInt64:
		n, ok := v.(int64)
		if !ok {
			return wrongType()
		}
		b.WriteString(strconv.FormatInt(n, 10))
	case connector.TypeFloat32:
		f, ok := v.(float32)
		if !ok {
			return wrongType()
		}
		writeJSONNumber(b, jvalues.FloatString(f))
	case connector.TypeFloat64:
		f, ok := v.(float64)
		if !ok {
			return wrongType()
		}
		writeJSONNumber(b, jvalues.DoubleString(f))
	case connector.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return wrongType()
		}
		b.WriteString(strconv.FormatBool(x))
	case connector.TypeString:
		x, ok := v.(string)
		if !ok {
			return wrongType()
		}
		writeJSONString(b, x)
	case connector.TypeBytes:
		x, ok := v.([]byte)
		if !ok {
			return dataErr("Invalid type for bytes type: %s", jvalues.JavaClass(v))
		}
		writeBase64(b, x)
	case connector.TypeArray:
		l, ok := v.([]any)
		if !ok {
			return wrongType()
		}
		var elem *connector.Schema
		if s != nil {
			elem = s.ValueSchema
		}
		b.WriteByte('[')
		for i, e := range l {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := c.writeValue(b, elem, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case connector.TypeMap:
		return c.writeMap(b, s, v, wrongType)
	case connector.TypeStruct:
		st, ok := v.(*connector.Struct)
		if !ok {
			return wrongType()
		}
		if s == nil || !st.Schema().Equal(s) {
			return dataErr("Mismatching schema.")
		}
		b.WriteByte('{')
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, f.Name)
			b.WriteByte(':')
			fv, _ := st.GetWithoutDefault(f.Name)
			if err := c.writeValue(b, f.Schema, fv); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return dataErr("Couldn't convert %v to JSON.", v)
	}
	return nil
}

// writeMap writes a map as a JSON object when its keys are strings (by the key schema, or,
// without a schema, when every key is a string), else as an array of [key, value] pairs.
func (c *JSONConverter) writeMap(b *bytes.Buffer, s *connector.Schema, v any, wrongType func() error) error {
	if _, ok := v.(map[string]any); !ok {
		if _, ok := v.(map[any]any); !ok {
			return wrongType()
		}
	}
	entries := jvalues.MapEntries(v)
	var keySchema, valueSchema *connector.Schema
	objectMode := true
	if s == nil {
		for _, e := range entries {
			if _, ok := e.Key.(string); !ok {
				objectMode = false
				break
			}
		}
	} else {
		keySchema, valueSchema = s.KeySchema, s.ValueSchema
		objectMode = keySchema != nil && keySchema.Type == connector.TypeString
	}
	if objectMode {
		b.WriteByte('{')
	} else {
		b.WriteByte('[')
	}
	var kb bytes.Buffer
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		kb.Reset()
		if err := c.writeValue(&kb, keySchema, e.Key); err != nil {
			return err
		}
		if objectMode {
			// ObjectNode.set(mapKey.asText(), …): the key's text, "null" for a null key.
			k := e.Key
			if k == nil && keySchema != nil && keySchema.Default != nil && c.replaceNullWithDefault {
				k = keySchema.Default
			}
			if ks, ok := k.(string); ok {
				writeJSONString(b, ks)
			} else {
				writeJSONString(b, kb.String())
			}
			b.WriteByte(':')
			if err := c.writeValue(b, valueSchema, e.Value); err != nil {
				return err
			}
			continue
		}
		b.WriteByte('[')
		b.Write(kb.Bytes())
		b.WriteByte(',')
		if err := c.writeValue(b, valueSchema, e.Value); err != nil {
			return err
		}
		b.WriteByte(']')
	}
	if objectMode {
		b.WriteByte('}')
	} else {
		b.WriteByte(']')
	}
	return nil
}

// writeJSONNumber writes a Java-formatted float; Jackson writes NaN and the infinities as
// strings (JsonWriteFeature.WRITE_NAN_AS_STRINGS is on by default).
func writeJSONNumber(b *bytes.Buffer, s string) {
	switch s {
	case "NaN", "Infinity", "-Infinity":
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
	default:
		b.WriteString(s)
	}
}

func writeBase64(b *bytes.Buffer, raw []byte) {
	b.WriteByte('"')
	enc := base64.StdEncoding
	buf := make([]byte, enc.EncodedLen(len(raw)))
	enc.Encode(buf, raw)
	b.Write(buf)
	b.WriteByte('"')
}
