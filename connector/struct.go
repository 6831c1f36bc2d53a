package connector

import (
	"fmt"
	"strings"
)

// Struct is a structured value (org.apache.kafka.connect.data.Struct) whose fields follow
// its struct schema. Put validates each value against the field's schema.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty struct of the given struct schema.
func NewStruct(s *Schema) (*Struct, error) {
	if s == nil || s.Type != TypeStruct {
		return nil, DataErrorf("Not a struct schema: %v", s)
	}
	return &Struct{schema: s, values: make([]any, len(s.Fields))}, nil
}

// Schema returns the struct's schema.
func (st *Struct) Schema() *Schema { return st.schema }

func (st *Struct) field(name string) (Field, error) {
	f, ok := st.schema.Field(name)
	if !ok {
		return Field{}, DataErrorf("%s is not a valid field name", name)
	}
	return f, nil
}

// Put sets a field, validating the value against the field's schema.
func (st *Struct) Put(name string, v any) error {
	f, err := st.field(name)
	if err != nil {
		return err
	}
	if err := ValidateValue(name, f.Schema, v); err != nil {
		return err
	}
	st.values[f.Index] = v
	return nil
}

// Get returns a field's value, or the field schema's default when the value is null.
func (st *Struct) Get(name string) (any, error) {
	f, err := st.field(name)
	if err != nil {
		return nil, err
	}
	if v := st.values[f.Index]; v != nil {
		return v, nil
	}
	return f.Schema.Default, nil
}

// GetWithoutDefault returns a field's stored value (nil if unset).
func (st *Struct) GetWithoutDefault(name string) (any, error) {
	f, err := st.field(name)
	if err != nil {
		return nil, err
	}
	return st.values[f.Index], nil
}

// Validate checks that every required field without a default is set.
func (st *Struct) Validate() error {
	for _, f := range st.schema.Fields {
		v := st.values[f.Index]
		if v == nil {
			v = f.Schema.Default
		}
		if err := ValidateValue(f.Name, f.Schema, v); err != nil {
			return err
		}
	}
	return nil
}

// String renders the struct as Java's Struct.toString does: Struct{a=1,b=x}, leaving out
// null fields.
func (st *Struct) String() string {
	var b strings.Builder
	b.WriteString("Struct{")
	first := true
	for _, f := range st.schema.Fields {
		v := st.values[f.Index]
		if v == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%s=%v", f.Name, v)
	}
	b.WriteByte('}')
	return b.String()
}
