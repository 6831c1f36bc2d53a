package connector

import (
	"fmt"
	"maps"
	"math/big"
	"reflect"
	"time"
)

// Type is a Connect schema type (org.apache.kafka.connect.data.Schema.Type).
type Type int

// The schema types. The Go value each one carries is given in Schema's documentation.
const (
	TypeInt8 Type = iota + 1
	TypeInt16
	TypeInt32
	TypeInt64
	TypeFloat32
	TypeFloat64
	TypeBoolean
	TypeString
	TypeBytes
	TypeArray
	TypeMap
	TypeStruct
)

var typeNames = map[Type]string{
	TypeInt8: "int8", TypeInt16: "int16", TypeInt32: "int32", TypeInt64: "int64", TypeFloat32: "float32", TypeFloat64: "float64",
	TypeBoolean: "boolean", TypeString: "string", TypeBytes: "bytes", TypeArray: "array", TypeMap: "map", TypeStruct: "struct",
}

// String returns the lower-case name Kafka's Schema.Type.getName() gives ("int32").
func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type(%d)", int(t))
}

// Upper returns the enum constant name Java error messages print ("INT32").
func (t Type) Upper() string {
	n := t.String()
	b := []byte(n)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// IsPrimitive is true for TypeInt8 through TypeBytes.
func (t Type) IsPrimitive() bool { return t >= TypeInt8 && t <= TypeBytes }

// Field is one field of a struct schema.
type Field struct {
	Name   string
	Index  int
	Schema *Schema
}

// Schema describes Connect data (org.apache.kafka.connect.data.Schema). Values of each
// type are carried in Go as:
//
//	TypeInt8 int8, TypeInt16 int16, TypeInt32 int32, TypeInt64 int64, TypeFloat32 float32, TypeFloat64 float64,
//	TypeBoolean bool, TypeString string, TypeBytes []byte, TypeArray []any, TypeMap map[string]any (string
//	keys) or map[any]any, Struct *Struct.
//
// Logical types are identified by Name: Decimal (TypeBytes, value Decimal), Date (TypeInt32, value
// time.Time at midnight UTC), Time (TypeInt32, time.Time on 1970-01-01 UTC) and Timestamp
// (TypeInt64, time.Time). A Schema is immutable once built: share it freely, never modify it.
type Schema struct {
	Type     Type
	Optional bool
	// Default is the default value (nil: none), in the Go form of the type.
	Default     any
	Name        string // "" for none
	Version     *int32 // nil for none
	Doc         string // "" for none
	Parameters  map[string]string
	Fields      []Field // TypeStruct only, in order
	KeySchema   *Schema // TypeMap only
	ValueSchema *Schema // TypeMap and TypeArray
}

// Field returns the named field of a struct schema.
func (s *Schema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// The predefined schemas (Schema.INT8_SCHEMA … and their OPTIONAL_ variants).
var (
	Int8Schema            = &Schema{Type: TypeInt8}
	Int16Schema           = &Schema{Type: TypeInt16}
	Int32Schema           = &Schema{Type: TypeInt32}
	Int64Schema           = &Schema{Type: TypeInt64}
	Float32Schema         = &Schema{Type: TypeFloat32}
	Float64Schema         = &Schema{Type: TypeFloat64}
	BooleanSchema         = &Schema{Type: TypeBoolean}
	StringSchema          = &Schema{Type: TypeString}
	BytesSchema           = &Schema{Type: TypeBytes}
	OptionalInt8Schema    = &Schema{Type: TypeInt8, Optional: true}
	OptionalInt16Schema   = &Schema{Type: TypeInt16, Optional: true}
	OptionalInt32Schema   = &Schema{Type: TypeInt32, Optional: true}
	OptionalInt64Schema   = &Schema{Type: TypeInt64, Optional: true}
	OptionalFloat32Schema = &Schema{Type: TypeFloat32, Optional: true}
	OptionalFloat64Schema = &Schema{Type: TypeFloat64, Optional: true}
	OptionalBooleanSchema = &Schema{Type: TypeBoolean, Optional: true}
	OptionalStringSchema  = &Schema{Type: TypeString, Optional: true}
	OptionalBytesSchema   = &Schema{Type: TypeBytes, Optional: true}
)

// Logical type names.
const (
	DecimalName   = "org.apache.kafka.connect.data.Decimal"
	DateName      = "org.apache.kafka.connect.data.Date"
	TimeName      = "org.apache.kafka.connect.data.Time"
	TimestampName = "org.apache.kafka.connect.data.Timestamp"
	// DecimalScaleParam is the Decimal schema parameter holding the scale.
	DecimalScaleParam = "scale"
)

// DecimalSchema returns the Decimal logical schema with the given scale.
func DecimalSchema(scale int32) *SchemaBuilder {
	return NewSchemaBuilder(TypeBytes).SetName(DecimalName).SetVersion(1).SetParameter(DecimalScaleParam, fmt.Sprint(scale))
}

// DateSchema returns a builder of the Date logical schema (days since the epoch).
func DateSchema() *SchemaBuilder { return NewSchemaBuilder(TypeInt32).SetName(DateName).SetVersion(1) }

// TimeSchema returns a builder of the Time logical schema (milliseconds of the day).
func TimeSchema() *SchemaBuilder { return NewSchemaBuilder(TypeInt32).SetName(TimeName).SetVersion(1) }

// TimestampSchema returns a builder of the Timestamp logical schema (epoch milliseconds).
func TimestampSchema() *SchemaBuilder {
	return NewSchemaBuilder(TypeInt64).SetName(TimestampName).SetVersion(1)
}

// Decimal is a Decimal logical value: Unscaled × 10^-Scale (Java's BigDecimal).
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// String renders the decimal in plain notation ("12.50").
func (d Decimal) String() string {
	if d.Unscaled == nil {
		return "0"
	}
	r := new(big.Rat).SetFrac(d.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	if d.Scale <= 0 {
		return r.FloatString(0)
	}
	return r.FloatString(int(d.Scale))
}

// Equal reports whether two schemas are equal in every property, as ConnectSchema.equals.
func (s *Schema) Equal(o *Schema) bool {
	if s == o {
		return true
	}
	if s == nil || o == nil {
		return false
	}
	if s.Type != o.Type || s.Optional != o.Optional || s.Name != o.Name || s.Doc != o.Doc ||
		!equalVersion(s.Version, o.Version) || !maps.Equal(s.Parameters, o.Parameters) ||
		!reflect.DeepEqual(s.Default, o.Default) || len(s.Fields) != len(o.Fields) ||
		!s.KeySchema.Equal(o.KeySchema) || !s.ValueSchema.Equal(o.ValueSchema) {
		return false
	}
	for i := range s.Fields {
		if s.Fields[i].Name != o.Fields[i].Name || s.Fields[i].Index != o.Fields[i].Index || !s.Fields[i].Schema.Equal(o.Fields[i].Schema) {
			return false
		}
	}
	return true
}

func equalVersion(a, b *int32) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// ValidateValue checks that v is a valid value for the schema (ConnectSchema.validateValue),
// recursively for arrays, maps and structs. field names the field in messages ("" at top level).
func ValidateValue(field string, s *Schema, v any) error {
	if s == nil { // an element schema left open (Java's arrayOfNull/mapOfNull): anything goes
		return nil
	}
	if v == nil {
		if s.Optional {
			return nil
		}
		if field != "" {
			return DataErrorf("Invalid value: null used for required field: %q, schema type: %s", field, s.Type.Upper())
		}
		return DataErrorf("Invalid value: null used for required field, schema type: %s", s.Type.Upper())
	}
	ok := false
	switch s.Name {
	case DecimalName:
		_, ok = v.(Decimal)
	case DateName, TimeName, TimestampName:
		_, ok = v.(time.Time)
	}
	if !ok {
		switch s.Type {
		case TypeInt8:
			_, ok = v.(int8)
		case TypeInt16:
			_, ok = v.(int16)
		case TypeInt32:
			_, ok = v.(int32)
		case TypeInt64:
			_, ok = v.(int64)
		case TypeFloat32:
			_, ok = v.(float32)
		case TypeFloat64:
			_, ok = v.(float64)
		case TypeBoolean:
			_, ok = v.(bool)
		case TypeString:
			_, ok = v.(string)
		case TypeBytes:
			_, ok = v.([]byte)
		case TypeArray:
			var l []any
			if l, ok = v.([]any); ok {
				for _, e := range l {
					if err := ValidateValue(field, s.ValueSchema, e); err != nil {
						return err
					}
				}
			}
		case TypeMap:
			switch m := v.(type) {
			case map[string]any:
				ok = true
				for k, e := range m {
					if err := validateEntry(field, s, k, e); err != nil {
						return err
					}
				}
			case map[any]any:
				ok = true
				for k, e := range m {
					if err := validateEntry(field, s, k, e); err != nil {
						return err
					}
				}
			}
		case TypeStruct:
			var st *Struct
			if st, ok = v.(*Struct); ok && !st.Schema().Equal(s) {
				return DataErrorf("Struct schemas do not match.")
			}
		}
	}
	if !ok {
		what := fmt.Sprintf("Invalid Java object for schema %q with type %s: %T", s.Name, s.Type.Upper(), v)
		if s.Name == "" {
			what = fmt.Sprintf("Invalid Java object for schema with type %s: %T", s.Type.Upper(), v)
		}
		if field != "" {
			what += fmt.Sprintf(" for field: %q", field)
		}
		return DataErrorf("%s", what)
	}
	return nil
}

// validateEntry checks one map entry against a map schema's key and value schemas.
func validateEntry(field string, s *Schema, k, v any) error {
	if err := ValidateValue(field, s.KeySchema, k); err != nil {
		return err
	}
	return ValidateValue(field, s.ValueSchema, v)
}
