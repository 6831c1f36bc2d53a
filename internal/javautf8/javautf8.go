// Package javautf8 decodes UTF-8 exactly as Java's decoder does with the REPLACE action, so
// text read by Tributary matches what Apache Kafka Connect reads from the same bytes.
package javautf8

import (
	"strings"
	"unicode/utf8"
)

// Decode decodes b as Java's UTF-8 decoder does with REPLACE: each malformed sequence
// becomes one U+FFFD. The length of a malformed sequence follows the JDK: a lead byte with
// too few continuation bytes is replaced as a unit, an encoded surrogate (ED A0..BF xx) is one
// malformed 3-byte sequence, and bytes C0, C1 and F5..FF are malformed on their own. Go's own
// conversion replaces byte by byte, which gives more U+FFFD for the same input.
func Decode(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			sb.WriteByte(b[i])
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			sb.WriteString(string(b[i : i+n]))
			i += n
			continue
		}
		sb.WriteRune(utf8.RuneError)
		i += malformedLen(b[i:])
	}
	return sb.String()
}

func isCont(c byte) bool { return c&0xC0 == 0x80 }

// malformedLen returns how many bytes, at least 1, the JDK consumes for the malformed sequence
// that starts b.
func malformedLen(b []byte) int {
	b1 := b[0]
	switch {
	case b1 >= 0xC2 && b1 <= 0xDF: // two-byte lead whose continuation is missing or wrong
		return 1
	case b1 >= 0xE0 && b1 <= 0xEF:
		if len(b) < 3 {
			if len(b) == 2 && bad3second(b1, b[1]) {
				return 1
			}
			return len(b) // a truncated sequence at the end is one malformed unit
		}
		if bad3second(b1, b[1]) {
			return 1
		}
		if !isCont(b[2]) {
			return 2
		}
		return 3 // a well-formed encoding of a surrogate
	case b1 >= 0xF0 && b1 <= 0xF4:
		if len(b) < 2 || bad4second(b1, b[1]) {
			return 1
		}
		if len(b) < 3 || !isCont(b[2]) {
			return 2
		}
		return 3
	default: // 80..C1, F5..FF
		return 1
	}
}

func bad3second(b1, b2 byte) bool { return (b1 == 0xE0 && b2&0xE0 == 0x80) || !isCont(b2) }

func bad4second(b1, b2 byte) bool {
	return (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) || (b1 == 0xF4 && b2&0xF0 != 0x80) || !isCont(b2)
}
