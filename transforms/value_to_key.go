package transforms

import (
	"github.com/tributary-connect/tributary/connector"
)

// ValueToKey (org.apache.kafka.connect.transforms.ValueToKey) replaces the record key with
// a Struct or Map made of the listed fields of the value.

const (
	valueToKeyFields      = "fields"
	valueToKeyReplaceNull = "replace.null.with.default"
	valueToKeyPurpose     = "copying fields from value to key"
)

func valueToKeyConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: valueToKeyFields, Type: connector.ConfigList, Required: true, Validate: fldNonEmptyList,
			Importance: connector.High, Doc: "Field names on the record value to extract as the record key."},
		{Name: valueToKeyReplaceNull, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
			Doc: fldReplaceNullWithDefaultDoc},
	}}
}

type valueToKey struct {
	fields                 []string
	replaceNullWithDefault bool

	cache fldSchemaCache
}

func init() {
	registerTransformation(javaPackage+"ValueToKey", func() connector.Transformation { return &valueToKey{} })
}

func (t *valueToKey) ConfigDef() *connector.ConfigDef { return valueToKeyConfigDef() }

func (t *valueToKey) Configure(cfg connector.Config) error {
	v, err := fldParseConfig(valueToKeyConfigDef(), cfg)
	if err != nil {
		return err
	}
	t.fields = v.List(valueToKeyFields)
	t.replaceNullWithDefault = v.Bool(valueToKeyReplaceNull)
	t.cache.reset()
	return nil
}

func (t *valueToKey) Apply(r *connector.Record) (*connector.Record, error) {
	if r.ValueSchema == nil {
		m, err := fldRequireMap(r.Value, valueToKeyPurpose)
		if err != nil {
			return nil, err
		}
		key := make(map[string]any, len(t.fields))
		for _, f := range t.fields {
			key[f] = m.get(f)
		}
		return r.NewRecord(r.Topic, r.Partition, nil, key, r.ValueSchema, r.Value, r.Timestamp), nil
	}
	st, err := requireStruct(r.Value, valueToKeyPurpose)
	if err != nil {
		return nil, err
	}
	keySchema := t.cache.get(st.Schema())
	if keySchema == nil {
		b := connector.StructBuilder()
		seen := make(map[string]bool, len(t.fields))
		for _, f := range t.fields {
			vf, ok := st.Schema().Field(f)
			if !ok {
				return nil, connector.DataErrorf("Field does not exist: %s", f)
			}
			if seen[f] { // SchemaBuilder.field throws at once, before later fields are looked up
				return nil, &connector.SchemaBuilderError{Message: "Cannot create field because of field name duplication " + f}
			}
			seen[f] = true
			b.Field(f, vf.Schema)
		}
		if keySchema, err = b.Build(); err != nil {
			return nil, err
		}
		t.cache.put(st.Schema(), keySchema)
	}
	key, err := connector.NewStruct(keySchema)
	if err != nil {
		return nil, err
	}
	for _, f := range t.fields {
		fv, err := fldFieldValue(st, f, t.replaceNullWithDefault)
		if err != nil {
			return nil, err
		}
		if err := key.Put(f, fv); err != nil {
			return nil, err
		}
	}
	return r.NewRecord(r.Topic, r.Partition, keySchema, key, st.Schema(), st, r.Timestamp), nil
}
