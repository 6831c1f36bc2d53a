package transforms

import (
	"errors"
	"sort"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// Flatten (org.apache.kafka.connect.transforms.Flatten$Key / $Value): flattens nested
// Structs or Maps into one level, joining the field names with a delimiter.

const (
	flattenDelimiterConfig = "delimiter"
	flattenPurpose         = "flattening"
)

var flattenConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: flattenDelimiterConfig, Type: connector.ConfigString, Default: ".", Importance: connector.Medium,
		Doc: "Delimiter to insert between field names from the input record when generating field names for the " +
			"output record"},
}}

func init() {
	keyValue("Flatten", func(s side) connector.Transformation { return &flatten{side: s} })
}

type flatten struct {
	side      side
	delimiter string
	cache     fldSchemaCache // bounded, as Java's LRU cache of 16: JsonPayload makes a schema per record
}

func (f *flatten) ConfigDef() *connector.ConfigDef { return flattenConfigDef }

func (f *flatten) Configure(cfg connector.Config) error {
	vals, err := flattenConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	f.delimiter = vals.String(flattenDelimiterConfig)
	f.cache.reset()
	return nil
}

func (f *flatten) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := f.side.operating(r)
	switch {
	case value == nil:
		return r, nil
	case schema == nil:
		m, err := requireMap(value, flattenPurpose)
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		if err := f.flattenMap(m, "", out); err != nil {
			return nil, err
		}
		return f.side.newRecord(r, nil, out), nil
	}
	return f.applyWithSchema(r, schema, value)
}

func (f *flatten) fieldName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + f.delimiter + name
}

// flattenKeys returns a map's keys in the order Java's HashMap iterates them, which decides
// which of two colliding flattened names wins and which error is reported first.
func flattenKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return castHashMapOrder(keys)
}

func (f *flatten) flattenMap(m map[string]any, prefix string, out map[string]any) error {
	for _, k := range flattenKeys(m) {
		name := f.fieldName(prefix, k)
		v := m[k]
		if v == nil {
			out[name] = nil
			continue
		}
		switch t := jvalues.InferType(v); t {
		case 0:
			return connector.DataErrorf("Flatten transformation was passed a value of type %s which is not supported by Connect's data API", castClassOf(v))
		case connector.TypeMap:
			nested, err := flattenAsStringMap(v)
			if err != nil {
				return err
			}
			if err := f.flattenMap(nested, name, out); err != nil {
				return err
			}
		case connector.TypeStruct:
			return connector.DataErrorf("Flatten transformation does not support %s for record without schemas (for field %s).", castClassOf(v), name)
		default:
			out[name] = v
		}
	}
	return nil
}

// flattenAsStringMap reads a nested map as Java's Map<String, Object>: a key that is not a
// String fails when the key is used, as Java's implicit cast does.
func flattenAsStringMap(v any) (map[string]any, error) {
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, e := range m {
			s, ok := k.(string)
			if !ok {
				return nil, castClassCastError(k, "java.lang.String")
			}
			out[s] = e
		}
		return out, nil
	}
	return requireMap(v, flattenPurpose)
}

func (f *flatten) applyWithSchema(r *connector.Record, schema *connector.Schema, value any) (*connector.Record, error) {
	st, err := requireStructOrNull(value, flattenPurpose)
	if err != nil {
		return nil, err
	}
	updated, err := f.updatedSchema(schema)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return f.side.newRecord(r, updated, nil), nil
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	if err := f.flattenStruct(st, "", out); err != nil {
		return nil, err
	}
	return f.side.newRecord(r, updated, out), nil
}

func (f *flatten) updatedSchema(schema *connector.Schema) (*connector.Schema, error) {
	if s := f.cache.get(schema); s != nil {
		return s, nil
	}
	var def *connector.Struct
	if schema.Default != nil {
		d, ok := schema.Default.(*connector.Struct)
		if !ok {
			return nil, castClassCastError(schema.Default, "org.apache.kafka.connect.data.Struct")
		}
		def = d
	}
	if schema.Type != connector.TypeStruct {
		return nil, connector.DataErrorf("Cannot list fields on non-struct type")
	}
	b := copySchemaBasics(schema, connector.TypeStruct)
	names := map[string]bool{}
	if err := f.buildSchema(schema, "", b, names, schema.Optional, def); err != nil {
		return nil, err
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	f.cache.put(schema, s)
	return s, nil
}

// buildSchema is buildUpdatedSchema: every primitive, bytes or array leaf becomes a field,
// optional when it or an ancestor is, with its own default or the one its ancestors' default
// gives it.
func (f *flatten) buildSchema(schema *connector.Schema, prefix string, b *connector.SchemaBuilder, names map[string]bool, optional bool, parentDefault *connector.Struct) error {
	for _, fld := range schema.Fields {
		name := f.fieldName(prefix, fld.Name)
		fieldOptional := optional || fld.Schema.Optional
		var def any
		if fld.Schema.Default != nil {
			def = fld.Schema.Default
		} else if parentDefault != nil {
			v, err := parentDefault.Get(fld.Name)
			if err != nil {
				return err
			}
			def = v
		}
		switch t := fld.Schema.Type; {
		case t.IsPrimitive() || t == connector.TypeArray:
			fs, err := flattenLeafSchema(fld.Schema, fieldOptional, def)
			if err != nil {
				return err
			}
			if names[name] {
				return &connector.SchemaBuilderError{Message: "Cannot create field because of field name duplication " + name}
			}
			names[name] = true
			b.Field(name, fs)
		case t == connector.TypeStruct:
			var sd *connector.Struct
			if def != nil {
				d, ok := def.(*connector.Struct)
				if !ok {
					return castClassCastError(def, "org.apache.kafka.connect.data.Struct")
				}
				sd = d
			}
			if err := f.buildSchema(fld.Schema, name, b, names, fieldOptional, sd); err != nil {
				return err
			}
		default:
			return connector.DataErrorf("Flatten transformation does not support %s for record with schemas (for field %s).", t.Upper(), name)
		}
	}
	return nil
}

// flattenLeafSchema is convertFieldSchema: the field's schema basics (SchemaUtil.copySchemaBasics,
// which keeps an array's element schema), optional and default as computed.
func flattenLeafSchema(orig *connector.Schema, optional bool, def any) (*connector.Schema, error) {
	var b *connector.SchemaBuilder
	if orig.Type == connector.TypeArray {
		b = connector.ArrayBuilder(orig.ValueSchema)
		if orig.Name != "" {
			b.SetName(orig.Name)
		}
		if orig.Version != nil {
			b.SetVersion(*orig.Version)
		}
		if orig.Doc != "" {
			b.SetDoc(orig.Doc)
		}
		for k, v := range orig.Parameters {
			b.SetParameter(k, v)
		}
	} else {
		b = copySchemaBasics(orig, orig.Type)
	}
	if optional {
		b.Optional()
	}
	if def != nil {
		if err := castCheckDefault(orig.Type, orig.Name, def); err != nil {
			return nil, err
		}
		b.SetDefault(def)
	}
	s, err := b.Build()
	if err != nil {
		if sbe := (*connector.SchemaBuilderError)(nil); errors.As(err, &sbe) && def != nil {
			return nil, &connector.SchemaBuilderError{Message: "Invalid default value"}
		}
		return nil, err
	}
	return s, nil
}

// flattenStruct is buildWithSchema: it copies the leaves of record into out.
func (f *flatten) flattenStruct(record *connector.Struct, prefix string, out *connector.Struct) error {
	if record == nil {
		return nil
	}
	for _, fld := range record.Schema().Fields {
		name := f.fieldName(prefix, fld.Name)
		switch t := fld.Schema.Type; {
		case t.IsPrimitive() || t == connector.TypeArray:
			v, err := record.Get(fld.Name)
			if err != nil {
				return err
			}
			if err := out.Put(name, v); err != nil {
				return err
			}
		case t == connector.TypeStruct:
			v, err := record.GetWithoutDefault(fld.Name) // getStruct: the raw value
			if err != nil {
				return err
			}
			nested, _ := v.(*connector.Struct)
			if err := f.flattenStruct(nested, name, out); err != nil {
				return err
			}
		default:
			return connector.DataErrorf("Flatten transformation does not support %s for record with schemas (for field %s).", t.Upper(), name)
		}
	}
	return nil
}
