package transforms

import (
	"maps"

	"github.com/tributary-connect/tributary/connector"
)

// SetSchemaMetadata (org.apache.kafka.connect.transforms.SetSchemaMetadata$Key / $Value): sets
// the name and/or version of the key or value schema.

const (
	ssmSchemaNameConfig              = "schema.name"
	ssmSchemaVersionConfig           = "schema.version"
	ssmReplaceNullWithDefaultConfig  = "replace.null.with.default"
	ssmPurpose                       = "updating schema metadata"
	ssmNeitherConfiguredErrorMessage = "Neither schema name nor version configured"
)

var ssmConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: ssmSchemaNameConfig, Type: connector.ConfigString, Importance: connector.High, Doc: "Schema name to set."},
	{Name: ssmSchemaVersionConfig, Type: connector.ConfigInt, Importance: connector.High, Doc: "Schema version to set."},
	{Name: ssmReplaceNullWithDefaultConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
		Doc: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."},
}}

func init() {
	keyValue("SetSchemaMetadata", func(s side) connector.Transformation { return &setSchemaMetadata{side: s} })
}

type setSchemaMetadata struct {
	side        side
	name        *string
	version     *int32
	replaceNull bool
}

func (t *setSchemaMetadata) ConfigDef() *connector.ConfigDef { return ssmConfigDef }

func (t *setSchemaMetadata) Configure(cfg connector.Config) error {
	vals, err := ssmConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.name, t.version = nil, nil
	if !vals.IsNull(ssmSchemaNameConfig) {
		n := vals.String(ssmSchemaNameConfig)
		t.name = &n
	}
	if !vals.IsNull(ssmSchemaVersionConfig) {
		v := vals.Int(ssmSchemaVersionConfig)
		t.version = &v
	}
	t.replaceNull = vals.Bool(ssmReplaceNullWithDefaultConfig)
	if t.name == nil && t.version == nil {
		return &connector.ConfigError{Message: ssmNeitherConfiguredErrorMessage}
	}
	return nil
}

func (t *setSchemaMetadata) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if value == nil && schema == nil {
		return r, nil
	}
	if err := requireSchema(schema, ssmPurpose); err != nil {
		return nil, err
	}
	// Java builds the new ConnectSchema from schema.fields(), which only a struct has.
	if schema.Type != connector.TypeStruct {
		return nil, connector.DataErrorf("Cannot list fields on non-struct type")
	}
	updated := &connector.Schema{
		Type:       schema.Type,
		Optional:   schema.Optional,
		Default:    schema.Default,
		Name:       schema.Name,
		Version:    schema.Version,
		Doc:        schema.Doc,
		Parameters: maps.Clone(schema.Parameters),
		Fields:     append([]connector.Field(nil), schema.Fields...),
	}
	if t.name != nil {
		updated.Name = *t.name
	}
	if t.version != nil {
		v := *t.version
		updated.Version = &v
	}
	nv, err := t.updateSchemaIn(value, updated)
	if err != nil {
		return nil, err
	}
	return t.side.newRecord(r, updated, nv), nil
}

// updateSchemaIn rebuilds a Struct value against the updated schema; other values are
// returned as they are.
func (t *setSchemaMetadata) updateSchemaIn(value any, updated *connector.Schema) (any, error) {
	orig, ok := value.(*connector.Struct)
	if !ok {
		return value, nil
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	for _, f := range updated.Fields {
		v, err := ssmFieldValue(orig, f, t.replaceNull)
		if err != nil {
			return nil, err
		}
		if err := out.Put(f.Name, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ssmFieldValue is getFieldValue with the updated schema's field: Struct.get(Field) applies
// that field's default, getWithoutDefault reads the raw value.
func ssmFieldValue(st *connector.Struct, f connector.Field, replace bool) (any, error) {
	v, err := st.GetWithoutDefault(f.Name)
	if err != nil {
		return nil, err
	}
	if v == nil && replace {
		return f.Schema.Default, nil
	}
	return v, nil
}
