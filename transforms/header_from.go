package transforms

import (
	"slices"
	"strings"

	"github.com/tributary-connect/tributary/connector"
)

// HeaderFrom (org.apache.kafka.connect.transforms.HeaderFrom$Key, $Value) moves or copies
// fields in the key/value of a record into that record's headers. Corresponding elements of
// fields and headers together identify a field and the header it should be moved or copied
// to. Headers are appended (existing ones with the same name stay). Schemaless, the key or
// value must be a map (an absent field gives a null header); with a schema it must be a
// Struct, and the header takes the field's schema. A null key or value fails the record.
type headerFrom struct {
	side          side
	fields        []string
	headers       []string
	move          bool
	replaceNull   bool
	operationName string
}

var headerFromConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "fields", Type: connector.ConfigList, Required: true, Validate: connector.NonEmptyList, Importance: connector.High,
		Doc: "Field names in the record whose values are to be copied or moved to headers."},
	{Name: "headers", Type: connector.ConfigList, Required: true, Validate: connector.NonEmptyList, Importance: connector.High,
		Doc: "Header names, in the same order as the field names listed in the fields configuration property."},
	{Name: "operation", Type: connector.ConfigString, Required: true, Validate: javaValidStringIn("move", "copy"), Importance: connector.High,
		Doc: "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), " +
			"or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value)."},
	{Name: "replace.null.with.default", Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
		Doc: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."},
}}

// javaValidStringIn is Kafka's case-sensitive ValidString.in (connector.OneOf ignores case).
func javaValidStringIn(values ...string) connector.Validator {
	return func(v any) error {
		s, _ := v.(string)
		for _, x := range values {
			if v != nil && s == x {
				return nil
			}
		}
		return &javaRuntimeError{msg: "String must be one of: " + strings.Join(values, ", ")}
	}
}

func init() {
	keyValue("HeaderFrom", func(s side) connector.Transformation { return &headerFrom{side: s} })
}

func (t *headerFrom) ConfigDef() *connector.ConfigDef { return headerFromConfigDef }

func (t *headerFrom) Configure(cfg connector.Config) error {
	v, err := headerFromConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.fields, t.headers = v.List("fields"), v.List("headers")
	if len(t.fields) != len(t.headers) {
		return &connector.ConfigError{Message: "'fields' config must have the same number of elements as 'headers' config."}
	}
	t.operationName = v.String("operation")
	t.move = t.operationName == "move"
	t.replaceNull = v.Bool("replace.null.with.default")
	return nil
}

func (t *headerFrom) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	purpose := "header " + t.operationName
	if schema == nil {
		m, err := requireMap(value, purpose)
		if err != nil {
			return nil, err
		}
		updated := make(map[string]any, len(m))
		for k, x := range m {
			updated[k] = x
		}
		out := t.side.newRecord(r, nil, updated)
		for i, f := range t.fields {
			if t.move {
				delete(updated, f)
			}
			out.Headers.Add(t.headers[i], nil, m[f])
		}
		return out, nil
	}
	st, err := requireStruct(value, purpose)
	if err != nil {
		return nil, err
	}
	updatedSchema, updated := schema, st
	if t.move {
		if updatedSchema, err = t.moveSchema(schema); err != nil {
			return nil, err
		}
		if updated, err = connector.NewStruct(updatedSchema); err != nil {
			return nil, err
		}
		for _, f := range updatedSchema.Fields {
			x, err := t.fieldValue(st, f.Name)
			if err != nil {
				return nil, err
			}
			if err := updated.Put(f.Name, x); err != nil {
				return nil, err
			}
		}
	}
	out := t.side.newRecord(r, updatedSchema, updated)
	for i, f := range t.fields {
		var x any
		if _, ok := st.Schema().Field(f); ok {
			if x, err = t.fieldValue(st, f); err != nil {
				return nil, err
			}
		}
		field, ok := schema.Field(f)
		if !ok {
			return nil, &javaRuntimeError{msg: `Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null`}
		}
		// ConnectHeaders.add checks the value against the schema; only a null can fail here.
		if x == nil && !field.Schema.Optional {
			return nil, connector.DataErrorf("A null value requires an optional schema but was %s", javaSchemaString(field.Schema))
		}
		out.Headers.Add(t.headers[i], field.Schema, x)
	}
	return out, nil
}

func (t *headerFrom) fieldValue(st *connector.Struct, name string) (any, error) {
	if t.replaceNull {
		return st.Get(name)
	}
	return st.GetWithoutDefault(name)
}

// moveSchema is the operating schema without the moved fields. (Java caches it per schema;
// building it is cheap, and a cache keyed by schema would grow without bound when schemas
// are inferred per record.)
func (t *headerFrom) moveSchema(s *connector.Schema) (*connector.Schema, error) {
	b := copySchemaBasics(s, connector.TypeStruct)
	for _, f := range s.Fields {
		if !slices.Contains(t.fields, f.Name) {
			b.Field(f.Name, f.Schema)
		}
	}
	return b.Build()
}
