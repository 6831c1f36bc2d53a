package transforms

import (
	"github.com/tributary-connect/tributary/connector"
)

// HoistField (org.apache.kafka.connect.transforms.HoistField$Key / $Value) wraps the key
// or value in a Struct (with a schema) or a Map (without) holding one field.

const hoistFieldField = "field"

func hoistFieldConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: hoistFieldField, Type: connector.ConfigString, Required: true, Importance: connector.Medium,
			Doc: "Field name for the single field that will be created in the resulting Struct or Map."},
	}}
}

type hoistField struct {
	side  side
	field string

	cache fldSchemaCache
}

func init() {
	keyValue("HoistField", func(s side) connector.Transformation { return &hoistField{side: s} })
}

func (t *hoistField) ConfigDef() *connector.ConfigDef { return hoistFieldConfigDef() }

func (t *hoistField) Configure(cfg connector.Config) error {
	v, err := fldParseConfig(hoistFieldConfigDef(), cfg)
	if err != nil {
		return err
	}
	t.field = v.String(hoistFieldField)
	t.cache.reset()
	return nil
}

func (t *hoistField) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if schema == nil {
		return t.side.newRecord(r, nil, map[string]any{t.field: value}), nil
	}
	updated := t.cache.get(schema)
	if updated == nil {
		var err error
		if updated, err = connector.StructBuilder().Field(t.field, schema).Build(); err != nil {
			return nil, err
		}
		t.cache.put(schema, updated)
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	if err := out.Put(t.field, value); err != nil {
		return nil, err
	}
	return t.side.newRecord(r, updated, out), nil
}
