package converters

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/javautf8"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// EncodingConfig is StringConverter's converter.encoding key.
const EncodingConfig = "converter.encoding"

var stringConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	converterTypeKey,
	{Name: EncodingConfig, Type: connector.ConfigString, Default: "UTF-8", Importance: connector.High,
		Doc:   "The name of the Java character set to use for encoding strings as byte arrays.",
		Width: connector.WidthMedium, DisplayName: "Encoding"},
}}

// StringConverter is org.apache.kafka.connect.storage.StringConverter, a Converter and a
// HeaderConverter: it writes value.toString() in the configured character set, ignoring the
// schema, and reads bytes back as an optional string.
type StringConverter struct {
	cs charset
}

// NewStringConverter returns a StringConverter for UTF-8.
func NewStringConverter() *StringConverter { return &StringConverter{cs: utf8Charset} }

// ConfigDef returns StringConverterConfig's keys.
func (c *StringConverter) ConfigDef() *connector.ConfigDef { return stringConfigDef }

// Configure reads converter.encoding. Java's character set names and their aliases are
// accepted, for UTF-8, US-ASCII, ISO-8859-1, UTF-16, UTF-16BE and UTF-16LE; any other name
// fails with "Unsupported encoding <name>", as an unknown name does in Java.
func (c *StringConverter) Configure(cfg connector.Config) error {
	v, err := stringConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	name := v.String(EncodingConfig)
	cs, ok := lookupCharset(name)
	if !ok {
		return javaError("Unsupported encoding " + name)
	}
	c.cs = cs
	return nil
}

// FromConnect encodes Java's toString of the value; nil stays nil.
func (c *StringConverter) FromConnect(_ string, _ connector.Headers, _ *connector.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return c.cs.encode(jvalues.JavaToString(v)), nil
}

// ToConnect decodes the bytes as an optional string (a nil value for nil bytes).
func (c *StringConverter) ToConnect(_ string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return connector.OptionalStringSchema, nil, nil
	}
	return connector.OptionalStringSchema, c.cs.decode(b), nil
}

// FromConnectHeader is FromConnect.
func (c *StringConverter) FromConnectHeader(topic, _ string, s *connector.Schema, v any) ([]byte, error) {
	return c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader is ToConnect.
func (c *StringConverter) ToConnectHeader(topic, _ string, b []byte) (*connector.Schema, any, error) {
	return c.ToConnect(topic, nil, b)
}

// charset encodes and decodes like java.nio.charset with the REPLACE action: unmappable
// characters become '?' when encoding, malformed input U+FFFD when decoding.
type charset struct {
	encode func(string) []byte
	decode func([]byte) string
}

var utf8Charset = charset{
	encode: func(s string) []byte { return []byte(s) },
	decode: javautf8.Decode,
}

var charsets = map[string]charset{
	"utf-8": utf8Charset,
	"us-ascii": {
		encode: func(s string) []byte { return encodeSingleByte(s, 0x7F) },
		decode: func(b []byte) string { return decodeSingleByte(b, 0x7F) },
	},
	"iso-8859-1": {
		encode: func(s string) []byte { return encodeSingleByte(s, 0xFF) },
		decode: func(b []byte) string { return decodeSingleByte(b, 0xFF) },
	},
	"utf-16": {
		encode: func(s string) []byte {
			if s == "" {
				return []byte{}
			}
			return append([]byte{0xFE, 0xFF}, encodeUTF16(s, false)...)
		},
		decode: func(b []byte) string {
			switch {
			case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
				return decodeUTF16(b[2:], false)
			case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
				return decodeUTF16(b[2:], true)
			}
			return decodeUTF16(b, false)
		},
	},
	"utf-16be": {
		encode: func(s string) []byte { return encodeUTF16(s, false) },
		decode: func(b []byte) string { return decodeUTF16(b, false) },
	},
	"utf-16le": {
		encode: func(s string) []byte { return encodeUTF16(s, true) },
		decode: func(b []byte) string { return decodeUTF16(b, true) },
	},
}

// charsetAliases are Java's aliases of the supported character sets (lower case).
var charsetAliases = map[string]string{
	"utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
	"iso-ir-6": "us-ascii", "ansi_x3.4-1986": "us-ascii", "iso_646.irv:1991": "us-ascii", "ascii": "us-ascii",
	"iso_646.irv:1983": "us-ascii", "ansi_x3.4-1968": "us-ascii", "iso646-us": "us-ascii", "default": "us-ascii",
	"cp367": "us-ascii", "csascii": "us-ascii", "646": "us-ascii", "us": "us-ascii", "ibm367": "us-ascii", "ascii7": "us-ascii",
	"iso-ir-100": "iso-8859-1", "iso_8859-1": "iso-8859-1", "latin1": "iso-8859-1", "l1": "iso-8859-1", "ibm819": "iso-8859-1",
	"cp819": "iso-8859-1", "csisolatin1": "iso-8859-1", "819": "iso-8859-1", "ibm-819": "iso-8859-1", "iso8859_1": "iso-8859-1",
	"iso_8859-1:1987": "iso-8859-1", "iso_8859_1": "iso-8859-1", "8859_1": "iso-8859-1", "iso8859-1": "iso-8859-1",
	"utf_16": "utf-16", "utf16": "utf-16", "unicode": "utf-16", "unicodebig": "utf-16",
	"utf_16be": "utf-16be", "iso-10646-ucs-2": "utf-16be", "x-utf-16be": "utf-16be", "unicodebigunmarked": "utf-16be",
	"utf_16le": "utf-16le", "x-utf-16le": "utf-16le", "unicodelittleunmarked": "utf-16le",
}

func lookupCharset(name string) (charset, bool) {
	n := strings.ToLower(name)
	if canonical, ok := charsetAliases[n]; ok {
		n = canonical
	}
	cs, ok := charsets[n]
	return cs, ok
}

func encodeSingleByte(s string, maxRune rune) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > maxRune || r == utf8.RuneError {
			out = append(out, '?')
		} else {
			out = append(out, byte(r))
		}
	}
	return out
}

func decodeSingleByte(b []byte, maxByte byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c > maxByte {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

func encodeUTF16(s string, little bool) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if little {
			out = append(out, byte(u), byte(u>>8))
		} else {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	return out
}

// decodeUTF16 replaces a lone low surrogate, a high surrogate followed by something else
// (both units), a high surrogate at the end and an odd last byte each with one U+FFFD, as
// Java's UTF-16 decoders do.
func decodeUTF16(b []byte, little bool) string {
	unit := func(i int) rune {
		if little {
			return rune(b[i]) | rune(b[i+1])<<8
		}
		return rune(b[i])<<8 | rune(b[i+1])
	}
	var sb strings.Builder
	i := 0
	for ; i+1 < len(b); i += 2 {
		u := unit(i)
		switch {
		case u >= 0xD800 && u < 0xDC00:
			if i+3 >= len(b) {
				sb.WriteRune(utf8.RuneError)
				i = len(b)
				continue
			}
			u2 := unit(i + 2)
			if u2 >= 0xDC00 && u2 <= 0xDFFF {
				sb.WriteRune(utf16.DecodeRune(u, u2))
			} else {
				sb.WriteRune(utf8.RuneError)
			}
			i += 2
		case u >= 0xDC00 && u <= 0xDFFF:
			sb.WriteRune(utf8.RuneError)
		default:
			sb.WriteRune(u)
		}
	}
	if i < len(b) {
		sb.WriteRune(utf8.RuneError)
	}
	return sb.String()
}
