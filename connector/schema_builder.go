package connector

import "fmt"

// SchemaBuilder builds a Schema (org.apache.kafka.connect.data.SchemaBuilder). Each
// property can be set once; a second call records an error that Build returns, worded as
// Kafka's ("Invalid SchemaBuilder call: name has already been set.").
type SchemaBuilder struct {
	s   Schema
	set map[string]bool
	err error
}

// NewSchemaBuilder starts a schema of type t.
func NewSchemaBuilder(t Type) *SchemaBuilder {
	return &SchemaBuilder{s: Schema{Type: t}, set: map[string]bool{}}
}

// StructBuilder starts a struct schema.
func StructBuilder() *SchemaBuilder { return NewSchemaBuilder(TypeStruct) }

// ArrayBuilder starts an array schema of the given element schema.
func ArrayBuilder(elem *Schema) *SchemaBuilder {
	b := NewSchemaBuilder(TypeArray)
	if elem == nil {
		b.fail("valueSchema cannot be null.")
	}
	b.s.ValueSchema = elem
	return b
}

// MapBuilder starts a map schema.
func MapBuilder(key, value *Schema) *SchemaBuilder {
	b := NewSchemaBuilder(TypeMap)
	if key == nil || value == nil {
		b.fail("keySchema and valueSchema cannot be null.")
	}
	b.s.KeySchema, b.s.ValueSchema = key, value
	return b
}

func (b *SchemaBuilder) fail(format string, a ...any) {
	if b.err == nil {
		b.err = &SchemaBuilderError{Message: fmt.Sprintf(format, a...)}
	}
}

func (b *SchemaBuilder) once(prop string) bool {
	if b.set[prop] {
		b.fail("Invalid SchemaBuilder call: %s has already been set.", prop)
		return false
	}
	b.set[prop] = true
	return true
}

// Optional marks the schema optional.
func (b *SchemaBuilder) Optional() *SchemaBuilder {
	if b.once("optional") {
		b.s.Optional = true
	}
	return b
}

// Required marks the schema required (the default).
func (b *SchemaBuilder) Required() *SchemaBuilder {
	if b.once("optional") {
		b.s.Optional = false
	}
	return b
}

// SetName sets the schema name.
func (b *SchemaBuilder) SetName(n string) *SchemaBuilder {
	if b.once("name") {
		b.s.Name = n
	}
	return b
}

// SetVersion sets the schema version.
func (b *SchemaBuilder) SetVersion(v int32) *SchemaBuilder {
	if b.once("version") {
		b.s.Version = &v
	}
	return b
}

// SetDoc sets the schema documentation.
func (b *SchemaBuilder) SetDoc(d string) *SchemaBuilder {
	if b.once("doc") {
		b.s.Doc = d
	}
	return b
}

// SetParameter adds one parameter.
func (b *SchemaBuilder) SetParameter(k, v string) *SchemaBuilder {
	if b.s.Parameters == nil {
		b.s.Parameters = map[string]string{}
	}
	b.s.Parameters[k] = v
	return b
}

// SetDefault sets the default value; it is validated by Build.
func (b *SchemaBuilder) SetDefault(v any) *SchemaBuilder {
	if b.once("default") {
		b.s.Default = v
	}
	return b
}

// Field appends a struct field.
func (b *SchemaBuilder) Field(name string, s *Schema) *SchemaBuilder {
	switch {
	case b.s.Type != TypeStruct:
		b.fail("Cannot create fields on type %s", b.s.Type.Upper())
	case name == "":
		b.fail("fieldName cannot be null.")
	case s == nil:
		b.fail("fieldSchema for field %s cannot be null.", name)
	default:
		if _, dup := b.s.Field(name); dup {
			b.fail("Cannot create field because of field name duplication %s", name)
			return b
		}
		b.s.Fields = append(b.s.Fields, Field{Name: name, Index: len(b.s.Fields), Schema: s})
	}
	return b
}

// Build returns the schema, or the first builder error.
func (b *SchemaBuilder) Build() (*Schema, error) {
	if b.err != nil {
		return nil, b.err
	}
	s := b.s
	if s.Parameters != nil {
		p := make(map[string]string, len(s.Parameters))
		for k, v := range s.Parameters {
			p[k] = v
		}
		s.Parameters = p
	}
	s.Fields = append([]Field(nil), s.Fields...)
	if s.Default != nil {
		if err := ValidateValue("", &s, s.Default); err != nil {
			return nil, &SchemaBuilderError{Message: "Invalid default value: " + err.Error()}
		}
	}
	return &s, nil
}

// MustBuild is Build for schemas written in code; it panics on a builder error.
func (b *SchemaBuilder) MustBuild() *Schema {
	s, err := b.Build()
	if err != nil {
		panic(err)
	}
	return s
}
