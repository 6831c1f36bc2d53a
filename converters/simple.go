package converters

import (
	"encoding/binary"
	"math"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// converterTypeDef is ConverterConfig.newConfigDef(): converter.type only.
var converterTypeDef = &connector.ConfigDef{Keys: []connector.ConfigKey{converterTypeKey}}

// ByteArrayConverter is org.apache.kafka.connect.converters.ByteArrayConverter: bytes pass
// through unchanged. It is a Converter and a HeaderConverter.
type ByteArrayConverter struct{}

// NewByteArrayConverter returns a ByteArrayConverter.
func NewByteArrayConverter() *ByteArrayConverter { return &ByteArrayConverter{} }

// ConfigDef returns converter.type, which Java declares but never checks.
func (ByteArrayConverter) ConfigDef() *connector.ConfigDef { return converterTypeDef }

// Configure does nothing, as in Java.
func (ByteArrayConverter) Configure(connector.Config) error { return nil }

// FromConnect accepts a nil or BYTES schema and a []byte or nil value.
func (ByteArrayConverter) FromConnect(_ string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if s != nil && s.Type != connector.TypeBytes {
		return nil, dataErr("Invalid schema type for ByteArrayConverter: %s", s.Type.Upper())
	}
	if v == nil {
		return nil, nil
	}
	b, ok := v.([]byte)
	if !ok {
		return nil, dataErr("ByteArrayConverter is not compatible with objects of type %s", jvalues.JavaClass(v))
	}
	return b, nil
}

// ToConnect returns the bytes with the optional BYTES schema.
func (ByteArrayConverter) ToConnect(_ string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return connector.OptionalBytesSchema, nil, nil
	}
	return connector.OptionalBytesSchema, b, nil
}

// FromConnectHeader is FromConnect.
func (c ByteArrayConverter) FromConnectHeader(topic, _ string, s *connector.Schema, v any) ([]byte, error) {
	return c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader is ToConnect.
func (c ByteArrayConverter) ToConnectHeader(topic, _ string, b []byte) (*connector.Schema, any, error) {
	return c.ToConnect(topic, nil, b)
}

// NumberConverter is one of Kafka's fixed-width number converters (ShortConverter,
// IntegerConverter, LongConverter, FloatConverter, DoubleConverter): Kafka's big-endian
// serializers, the schema ignored, an optional number schema when reading. It is a Converter
// and a HeaderConverter.
type NumberConverter struct {
	typeName     string // as in Java's messages: "short", "integer", …
	deserializer string // the Java deserializer named in size errors
	size         int
	schema       *connector.Schema
	encode       func(v any) ([]byte, bool)
	decode       func(b []byte) any
}

// NewShortConverter returns org.apache.kafka.connect.converters.ShortConverter (int16).
func NewShortConverter() *NumberConverter {
	return &NumberConverter{typeName: "short", deserializer: "ShortDeserializer", size: 2, schema: connector.OptionalInt16Schema,
		encode: func(v any) ([]byte, bool) {
			n, ok := v.(int16)
			return binary.BigEndian.AppendUint16(nil, uint16(n)), ok
		},
		decode: func(b []byte) any { return int16(binary.BigEndian.Uint16(b)) }}
}

// NewIntegerConverter returns org.apache.kafka.connect.converters.IntegerConverter (int32).
func NewIntegerConverter() *NumberConverter {
	return &NumberConverter{typeName: "integer", deserializer: "IntegerDeserializer", size: 4, schema: connector.OptionalInt32Schema,
		encode: func(v any) ([]byte, bool) {
			n, ok := v.(int32)
			return binary.BigEndian.AppendUint32(nil, uint32(n)), ok
		},
		decode: func(b []byte) any { return int32(binary.BigEndian.Uint32(b)) }}
}

// NewLongConverter returns org.apache.kafka.connect.converters.LongConverter (int64).
func NewLongConverter() *NumberConverter {
	return &NumberConverter{typeName: "long", deserializer: "LongDeserializer", size: 8, schema: connector.OptionalInt64Schema,
		encode: func(v any) ([]byte, bool) {
			n, ok := v.(int64)
			return binary.BigEndian.AppendUint64(nil, uint64(n)), ok
		},
		decode: func(b []byte) any { return int64(binary.BigEndian.Uint64(b)) }}
}

// NewFloatConverter returns org.apache.kafka.connect.converters.FloatConverter (float32; the
// bits are written raw, as Float.floatToRawIntBits).
func NewFloatConverter() *NumberConverter {
	return &NumberConverter{typeName: "float", deserializer: "Deserializer", size: 4, schema: connector.OptionalFloat32Schema,
		encode: func(v any) ([]byte, bool) {
			f, ok := v.(float32)
			return binary.BigEndian.AppendUint32(nil, math.Float32bits(f)), ok
		},
		decode: func(b []byte) any { return math.Float32frombits(binary.BigEndian.Uint32(b)) }}
}

// NewDoubleConverter returns org.apache.kafka.connect.converters.DoubleConverter (float64;
// NaN is written as the canonical 0x7ff8000000000000, as Double.doubleToLongBits).
func NewDoubleConverter() *NumberConverter {
	return &NumberConverter{typeName: "double", deserializer: "Deserializer", size: 8, schema: connector.OptionalFloat64Schema,
		encode: func(v any) ([]byte, bool) {
			f, ok := v.(float64)
			bits := math.Float64bits(f)
			if math.IsNaN(f) {
				bits = 0x7ff8000000000000
			}
			return binary.BigEndian.AppendUint64(nil, bits), ok
		},
		decode: func(b []byte) any { return math.Float64frombits(binary.BigEndian.Uint64(b)) }}
}

// ConfigDef returns NumberConverterConfig's keys (converter.type).
func (c *NumberConverter) ConfigDef() *connector.ConfigDef { return converterTypeDef }

// Configure checks converter.type, as NumberConverterConfig does.
func (c *NumberConverter) Configure(cfg connector.Config) error {
	_, err := converterTypeDef.Parse(cfg)
	return err
}

// FromConnect serializes a value of the converter's type; nil stays nil.
func (c *NumberConverter) FromConnect(_ string, _ connector.Headers, _ *connector.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, ok := c.encode(v)
	if !ok {
		return nil, dataErr("Failed to serialize to %s (was %s): ", c.typeName, jvalues.JavaClass(v))
	}
	return b, nil
}

// ToConnect deserializes exactly size bytes; nil gives a nil value.
func (c *NumberConverter) ToConnect(_ string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return c.schema, nil, nil
	}
	if len(b) != c.size {
		return nil, nil, dataErr("Failed to deserialize %s: Size of data received by %s is not %d", c.typeName, c.deserializer, c.size)
	}
	return c.schema, c.decode(b), nil
}

// FromConnectHeader is FromConnect.
func (c *NumberConverter) FromConnectHeader(topic, _ string, s *connector.Schema, v any) ([]byte, error) {
	return c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader is ToConnect.
func (c *NumberConverter) ToConnectHeader(topic, _ string, b []byte) (*connector.Schema, any, error) {
	return c.ToConnect(topic, nil, b)
}

// BooleanConverter is org.apache.kafka.connect.converters.BooleanConverter: one byte, 1 or
// 0. It is a Converter and a HeaderConverter.
type BooleanConverter struct{}

// NewBooleanConverter returns a BooleanConverter.
func NewBooleanConverter() *BooleanConverter { return &BooleanConverter{} }

// ConfigDef returns BooleanConverterConfig's keys (converter.type).
func (BooleanConverter) ConfigDef() *connector.ConfigDef { return converterTypeDef }

// Configure checks converter.type.
func (BooleanConverter) Configure(cfg connector.Config) error {
	_, err := converterTypeDef.Parse(cfg)
	return err
}

// FromConnect accepts a nil or BOOLEAN schema and a bool or nil value.
func (BooleanConverter) FromConnect(_ string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if s != nil && s.Type != connector.TypeBoolean {
		return nil, dataErr("Invalid schema type for BooleanConverter: %s", s.Type.Upper())
	}
	if v == nil {
		return nil, nil
	}
	b, ok := v.(bool)
	if !ok {
		return nil, dataErr("BooleanConverter is not compatible with objects of type %s", jvalues.JavaClass(v))
	}
	if b {
		return []byte{1}, nil
	}
	return []byte{0}, nil
}

// ToConnect reads one byte, 1 or 0, as an optional boolean.
func (BooleanConverter) ToConnect(_ string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	switch {
	case b == nil:
		return connector.OptionalBooleanSchema, nil, nil
	case len(b) != 1:
		return nil, nil, dataErr("Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1")
	case b[0] == 1:
		return connector.OptionalBooleanSchema, true, nil
	case b[0] == 0:
		return connector.OptionalBooleanSchema, false, nil
	}
	return nil, nil, dataErr("Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: %d", int8(b[0]))
}

// FromConnectHeader is FromConnect.
func (c BooleanConverter) FromConnectHeader(topic, _ string, s *connector.Schema, v any) ([]byte, error) {
	return c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader is ToConnect.
func (c BooleanConverter) ToConnectHeader(topic, _ string, b []byte) (*connector.Schema, any, error) {
	return c.ToConnect(topic, nil, b)
}
