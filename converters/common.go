package converters

import (
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
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

// dateFromLogical is Date.fromLogical: the days since the epoch of a midnight-UTC time.
func dateFromLogical(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if jvalues.FloorMod(ms, jvalues.MillisPerDay) != 0 {
		return 0, dataErr("Kafka Connect Date type should not have any time fields set to non-zero values.")
	}
	return int32(ms / jvalues.MillisPerDay), nil
}

// timeFromLogical is Time.fromLogical: milliseconds since midnight, 0..86400000.
func timeFromLogical(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms > jvalues.MillisPerDay {
		return 0, dataErr("Kafka Connect Time type should not have any date fields set to non-zero values.")
	}
	return int32(ms), nil
}
