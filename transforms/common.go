package transforms

import (
	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// Package prefix of the Java classes Tributary's SMTs answer to.
const (
	javaPackage          = "org.apache.kafka.connect.transforms."
	javaPredicatePackage = "org.apache.kafka.connect.transforms.predicates."
)

// side selects what a $Key or $Value variant operates on.
type side int

const (
	keySide side = iota
	valueSide
)

// operating returns the schema and value the variant works on (Java's operatingSchema and
// operatingValue).
func (s side) operating(r *connector.Record) (*connector.Schema, any) {
	if s == keySide {
		return r.KeySchema, r.Key
	}
	return r.ValueSchema, r.Value
}

// newRecord returns a copy of r with the operated side replaced (Java's newRecord: topic,
// partition, timestamp and the other side kept, headers duplicated).
func (s side) newRecord(r *connector.Record, schema *connector.Schema, value any) *connector.Record {
	if s == keySide {
		return r.NewRecord(r.Topic, r.Partition, schema, value, r.ValueSchema, r.Value, r.Timestamp)
	}
	return r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, schema, value, r.Timestamp)
}

// Java's Requirements: the errors an SMT raises when the data does not fit its mode.

// requireMap returns v as a schemaless map (Requirements.requireMap).
func requireMap(v any, purpose string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, connector.DataErrorf("Only Map objects supported in absence of schema for [%s], found: %s", purpose, jvalues.JavaClassName(v))
	}
	return m, nil
}

// requireStruct returns v as a Struct (Requirements.requireStruct).
func requireStruct(v any, purpose string) (*connector.Struct, error) {
	st, ok := v.(*connector.Struct)
	if !ok {
		return nil, connector.DataErrorf("Only Struct objects supported for [%s], found: %s", purpose, jvalues.JavaClassName(v))
	}
	return st, nil
}

// requireStructOrNull is requireStruct that lets null through.
func requireStructOrNull(v any, purpose string) (*connector.Struct, error) {
	if v == nil {
		return nil, nil
	}
	return requireStruct(v, purpose)
}

// requireSchema fails when schema is null (Requirements.requireSchema).
func requireSchema(s *connector.Schema, purpose string) error {
	if s == nil {
		return connector.DataErrorf("Schema required for [%s]", purpose)
	}
	return nil
}

// copySchemaBasics starts a builder of type t with the name, version, doc and parameters
// of src (SchemaUtil.copySchemaBasics); optional and default are not copied.
func copySchemaBasics(src *connector.Schema, t connector.Type) *connector.SchemaBuilder {
	b := connector.NewSchemaBuilder(t)
	if src.Name != "" {
		b.SetName(src.Name)
	}
	if src.Version != nil {
		b.SetVersion(*src.Version)
	}
	if src.Doc != "" {
		b.SetDoc(src.Doc)
	}
	for k, v := range src.Parameters {
		b.SetParameter(k, v)
	}
	return b
}
