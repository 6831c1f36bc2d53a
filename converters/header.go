package converters

import (
	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/javautf8"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// SimpleHeaderConverter is org.apache.kafka.connect.storage.SimpleHeaderConverter, the
// default header.converter: it writes a header value as text (Values.convertToString) and
// reads text back with the schema it infers (Values.parseString): booleans, the narrowest
// integer type, float, double or Decimal numbers, ISO-8601 dates, times and timestamps, and
// [..] lists and {..} maps of those; anything else is a string. Text that cannot be read
// falls back to the raw bytes.
//
// Differences from Java: dates are formatted and parsed in UTC, where Java uses the JVM's
// time zone; map entries are written with sorted keys; a map whose keys are lists or maps
// (which Go maps cannot hold) is read as a string.
type SimpleHeaderConverter struct{}

// NewSimpleHeaderConverter returns a SimpleHeaderConverter.
func NewSimpleHeaderConverter() *SimpleHeaderConverter { return &SimpleHeaderConverter{} }

// ConfigDef is empty: the converter has no settings.
func (SimpleHeaderConverter) ConfigDef() *connector.ConfigDef { return &connector.ConfigDef{} }

// Configure does nothing.
func (SimpleHeaderConverter) Configure(connector.Config) error { return nil }

// FromConnectHeader writes the value as UTF-8 text; nil stays nil.
func (SimpleHeaderConverter) FromConnectHeader(_, _ string, _ *connector.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	s, err := jvalues.ToString(v)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// ToConnectHeader parses the UTF-8 text. A nil schema and value mean a null header, or the
// text "null".
func (SimpleHeaderConverter) ToConnectHeader(_, _ string, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	sv, err := jvalues.ParseString(javautf8.Decode(b))
	if err != nil {
		return connector.BytesSchema, b, nil
	}
	if sv == nil {
		return nil, nil, nil
	}
	return sv.Schema, sv.Value, nil
}
