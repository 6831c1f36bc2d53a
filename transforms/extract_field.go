package transforms

import (
	"github.com/tributary-connect/tributary/connector"
)

// ExtractField (org.apache.kafka.connect.transforms.ExtractField$Key / $Value) replaces
// the key or value with one of its fields; with field.syntax.version=V2 the field is a
// dotted path into nested Structs or Maps.

const (
	extractFieldField       = "field"
	extractFieldReplaceNull = "replace.null.with.default"
	extractFieldPurpose     = "field extraction"
)

func extractFieldConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: extractFieldField, Type: connector.ConfigString, Required: true, Importance: connector.Medium,
			Doc: "Field name to extract."},
		{Name: extractFieldReplaceNull, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
			Doc: fldReplaceNullWithDefaultDoc},
		{Name: fldSyntaxVersionConfig, Type: connector.ConfigString, Default: "V1", Validate: connector.OneOf("V1", "V2"),
			Importance: connector.High, Doc: fldSyntaxVersionDoc},
	}}
}

type extractField struct {
	side side

	path                   fldPath
	originalPath           string
	replaceNullWithDefault bool
}

func init() {
	keyValue("ExtractField", func(s side) connector.Transformation { return &extractField{side: s} })
}

func (t *extractField) ConfigDef() *connector.ConfigDef { return extractFieldConfigDef() }

func (t *extractField) Configure(cfg connector.Config) error {
	v, err := fldParseConfig(extractFieldConfigDef(), cfg)
	if err != nil {
		return err
	}
	t.originalPath = v.String(extractFieldField)
	if t.path, err = fldNewPath(t.originalPath, v.String(fldSyntaxVersionConfig)); err != nil {
		return err
	}
	t.replaceNullWithDefault = v.Bool(extractFieldReplaceNull)
	return nil
}

func (t *extractField) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if schema == nil {
		if value == nil {
			return t.side.newRecord(r, nil, nil), nil
		}
		m, err := fldRequireMap(value, extractFieldPurpose)
		if err != nil {
			return nil, err
		}
		out, err := t.path.mapValue(m)
		if err != nil {
			return nil, err
		}
		return t.side.newRecord(r, nil, out), nil
	}
	st, err := requireStructOrNull(value, extractFieldPurpose)
	if err != nil {
		return nil, err
	}
	f, err := t.path.fieldFrom(schema)
	if err != nil {
		return nil, err
	}
	if f == nil {
		// Java throws an IllegalArgumentException here.
		return nil, &extractFieldUnknownError{path: t.originalPath}
	}
	out, err := t.path.structValue(st, t.replaceNullWithDefault)
	if err != nil {
		return nil, err
	}
	return t.side.newRecord(r, f.Schema, out), nil
}

// extractFieldUnknownError is Java's IllegalArgumentException("Unknown field: <path>").
type extractFieldUnknownError struct{ path string }

func (e *extractFieldUnknownError) Error() string { return "Unknown field: " + e.path }
