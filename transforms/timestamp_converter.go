package transforms

import (
	"errors"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// TimestampConverter (org.apache.kafka.connect.transforms.TimestampConverter$Key / $Value):
// converts a timestamp field, or the whole key or value, between Unix epoch numbers,
// SimpleDateFormat strings and the Connect Date, Time and Timestamp logical types.

const (
	tscFieldConfig                   = "field"
	tscTargetTypeConfig              = "target.type"
	tscFormatConfig                  = "format"
	tscUnixPrecisionConfig           = "unix.precision"
	tscReplaceNullWithDefaultConfig  = "replace.null.with.default"
	tscPurpose                       = "converting timestamp formats"
	tscTypeString                    = "string"
	tscTypeUnix                      = "unix"
	tscTypeDate                      = "Date"
	tscTypeTime                      = "Time"
	tscTypeTimestamp                 = "Timestamp"
	tscPrecisionMillis               = "milliseconds"
	tscPrecisionMicros               = "microseconds"
	tscPrecisionNanos                = "nanoseconds"
	tscPrecisionSeconds              = "seconds"
	tscMaxInt64                      = 1<<63 - 1
	tscMinInt64                      = -1 << 63
	tscFormatRequiredMessage         = "TimestampConverter requires format option to be specified when using string timestamps"
	tscFormatInvalidMessagePrefix    = "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: "
	tscReplaceNullWithDefaultDocText = "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."
)

// tscValidString is ConfigDef.ValidString.in: a case-sensitive choice (null fails too).
func tscValidString(values ...string) connector.Validator {
	return func(v any) error {
		if s, ok := v.(string); ok {
			for _, x := range values {
				if s == x {
					return nil
				}
			}
		}
		return errors.New("String must be one of: " + strings.Join(values, ", "))
	}
}

var tscConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: tscFieldConfig, Type: connector.ConfigString, Default: "", Importance: connector.High,
		Doc: "The field containing the timestamp, or empty if the entire value is a timestamp"},
	{Name: tscTargetTypeConfig, Type: connector.ConfigString, Required: true,
		Validate:   tscValidString(tscTypeString, tscTypeUnix, tscTypeDate, tscTypeTime, tscTypeTimestamp),
		Importance: connector.High, Doc: "The desired timestamp representation: string, unix, Date, Time, or Timestamp"},
	{Name: tscFormatConfig, Type: connector.ConfigString, Default: "", Importance: connector.Medium,
		Doc: "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string " +
			"or used to parse the input if the input is a string."},
	{Name: tscUnixPrecisionConfig, Type: connector.ConfigString, Default: tscPrecisionMillis,
		Validate:   tscValidString(tscPrecisionNanos, tscPrecisionMicros, tscPrecisionMillis, tscPrecisionSeconds),
		Importance: connector.Low,
		Doc: "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. " +
			"Used to generate the output when type=unix or used to parse the input if the input is a Long." +
			"Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components."},
	{Name: tscReplaceNullWithDefaultConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
		Doc: tscReplaceNullWithDefaultDocText},
}}

func init() {
	keyValue("TimestampConverter", func(s side) connector.Transformation { return &timestampConverter{side: s} })
}

type timestampConverter struct {
	side          side
	field         string
	targetType    string
	format        *javaDateFormat // nil when no format is configured
	unixPrecision string
	replaceNull   bool
	cache         fldSchemaCache // bounded, as Java's LRU cache of 16: JsonPayload makes a schema per record
}

func (t *timestampConverter) ConfigDef() *connector.ConfigDef { return tscConfigDef }

func (t *timestampConverter) Configure(cfg connector.Config) error {
	vals, err := tscConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.field = vals.String(tscFieldConfig)
	t.targetType = vals.String(tscTargetTypeConfig)
	pattern := vals.String(tscFormatConfig)
	t.unixPrecision = vals.String(tscUnixPrecisionConfig)
	t.replaceNull = vals.Bool(tscReplaceNullWithDefaultConfig)
	t.cache.reset()
	blank := castTrim(pattern) == ""
	if t.targetType == tscTypeString && blank {
		return &connector.ConfigError{Message: tscFormatRequiredMessage}
	}
	t.format = nil
	if !blank {
		f, err := newJavaDateFormat(pattern, time.Now())
		if err != nil {
			// ConfigException(message, e) is ConfigException(name, value), hence the shape.
			return &connector.ConfigError{Key: tscFormatConfig, Message: "Invalid value java.lang.IllegalArgumentException: " + err.Error() +
				" for configuration " + tscFormatInvalidMessagePrefix + pattern}
		}
		t.format = f
	}
	return nil
}

func (t *timestampConverter) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if schema == nil {
		return t.applySchemaless(r, value)
	}
	return t.applyWithSchema(r, schema, value)
}

func (t *timestampConverter) applySchemaless(r *connector.Record, value any) (*connector.Record, error) {
	if value == nil || t.field == "" {
		v, err := t.convert(value, "")
		if err != nil {
			return nil, err
		}
		return t.side.newRecord(r, nil, v), nil
	}
	m, err := requireMap(value, tscPurpose)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	v, err := t.convert(m[t.field], "")
	if err != nil {
		return nil, err
	}
	out[t.field] = v
	return t.side.newRecord(r, nil, out), nil
}

func (t *timestampConverter) applyWithSchema(r *connector.Record, schema *connector.Schema, value any) (*connector.Record, error) {
	if t.field == "" {
		updated := tscTypeSchema(t.targetType, schema.Optional)
		from, err := tscTypeFromSchema(schema)
		if err != nil {
			return nil, err
		}
		v, err := t.convert(value, from)
		if err != nil {
			return nil, err
		}
		return t.side.newRecord(r, updated, v), nil
	}
	st, err := requireStructOrNull(value, tscPurpose)
	if err != nil {
		return nil, err
	}
	updated, err := t.updatedSchema(schema)
	if err != nil {
		return nil, err
	}
	out, err := t.applyValue(st, updated)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return t.side.newRecord(r, updated, nil), nil
	}
	return t.side.newRecord(r, updated, out), nil
}

func (t *timestampConverter) updatedSchema(schema *connector.Schema) (*connector.Schema, error) {
	if s := t.cache.get(schema); s != nil {
		return s, nil
	}
	if schema.Type != connector.TypeStruct {
		return nil, connector.DataErrorf("Cannot list fields on non-struct type")
	}
	b := copySchemaBasics(schema, connector.TypeStruct)
	for _, f := range schema.Fields {
		if f.Name == t.field {
			b.Field(f.Name, tscTypeSchema(t.targetType, f.Schema.Optional))
		} else {
			b.Field(f.Name, f.Schema)
		}
	}
	if schema.Optional {
		b.Optional()
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	if schema.Default != nil {
		// Java converts the default into a Struct of the schema being built and sets it
		// as the default; the default's schema is thus the schema without its default.
		d, ok := schema.Default.(*connector.Struct)
		if !ok {
			return nil, castClassCastError(schema.Default, "org.apache.kafka.connect.data.Struct")
		}
		dv, err := t.applyValue(d, s)
		if err != nil {
			return nil, err
		}
		withDefault := *s
		withDefault.Default = dv
		s = &withDefault
	}
	t.cache.put(schema, s)
	return s, nil
}

// applyValue is applyValueWithSchema: value's fields put into a Struct of the updated schema,
// the configured field converted.
func (t *timestampConverter) applyValue(value *connector.Struct, updated *connector.Schema) (*connector.Struct, error) {
	if value == nil {
		return nil, nil
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	for _, f := range value.Schema().Fields {
		v, err := castFieldValue(value, f.Name, t.replaceNull)
		if err != nil {
			return nil, err
		}
		if f.Name == t.field {
			from, err := tscTypeFromSchema(f.Schema)
			if err != nil {
				return nil, err
			}
			if v, err = t.convert(v, from); err != nil {
				return nil, err
			}
		}
		if err := out.Put(f.Name, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tscTypeSchema is TimestampTranslator.typeSchema.
func tscTypeSchema(target string, optional bool) *connector.Schema {
	switch target {
	case tscTypeString:
		if optional {
			return connector.OptionalStringSchema
		}
		return connector.StringSchema
	case tscTypeUnix:
		if optional {
			return connector.OptionalInt64Schema
		}
		return connector.Int64Schema
	}
	var b *connector.SchemaBuilder
	switch target {
	case tscTypeDate:
		b = connector.DateSchema()
	case tscTypeTime:
		b = connector.TimeSchema()
	default:
		b = connector.TimestampSchema()
	}
	if optional {
		b.Optional()
	}
	return b.MustBuild()
}

// tscSchemaString is ConnectSchema.toString.
func tscSchemaString(s *connector.Schema) string {
	if s.Name != "" {
		return "Schema{" + s.Name + ":" + s.Type.Upper() + "}"
	}
	return "Schema{" + s.Type.Upper() + "}"
}

// tscTypeFromSchema is timestampTypeFromSchema.
func tscTypeFromSchema(s *connector.Schema) (string, error) {
	switch {
	case s.Name == connector.TimestampName:
		return tscTypeTimestamp, nil
	case s.Name == connector.DateName:
		return tscTypeDate, nil
	case s.Name == connector.TimeName:
		return tscTypeTime, nil
	case s.Type == connector.TypeString:
		return tscTypeString, nil
	case s.Type == connector.TypeInt64:
		return tscTypeUnix, nil
	}
	return "", connector.DataErrorf("Schema %s does not correspond to a known timestamp type format", tscSchemaString(s))
}

// convert is convertTimestamp: from (the source type, "" to infer it from the value) to the
// target type.
func (t *timestampConverter) convert(v any, from string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if from == "" {
		switch v.(type) {
		case time.Time:
			from = tscTypeTimestamp
		case int64:
			from = tscTypeUnix
		case string:
			from = tscTypeString
		default:
			return nil, connector.DataErrorf("TimestampConverter does not support %s objects as timestamps", castClassOf(v))
		}
	}
	// toRaw: the instant, as epoch milliseconds; orig is kept for Timestamp → Timestamp,
	// which returns the very same java.util.Date.
	var ms int64
	var orig time.Time
	isDate := false
	switch from {
	case tscTypeString:
		s, ok := v.(string)
		if !ok {
			return nil, connector.DataErrorf("Expected string timestamp to be a String, but found %s", castClassOf(v))
		}
		if t.format == nil {
			return nil, connector.DataErrorf(`Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null`)
		}
		p, ok := t.format.parse(s)
		if !ok {
			return nil, connector.DataErrorf("Could not parse timestamp: value (%s) does not match pattern (%s)", s, t.format.pattern)
		}
		ms = p
	case tscTypeUnix:
		n, ok := v.(int64)
		if !ok {
			return nil, connector.DataErrorf("Expected Unix timestamp to be a Long, but found %s", castClassOf(v))
		}
		switch t.unixPrecision {
		case tscPrecisionSeconds:
			ms = tscScaleUp(n, 1000)
		case tscPrecisionMicros:
			ms = n / 1000
		case tscPrecisionNanos:
			ms = n / 1000000
		default:
			ms = n
		}
	default:
		tm, ok := v.(time.Time)
		if !ok {
			return nil, connector.DataErrorf("Expected %s to be a java.util.Date, but found %s", from, castClassOf(v))
		}
		ms, orig, isDate = tm.UnixMilli(), tm, true
	}
	switch t.targetType {
	case tscTypeString:
		return t.format.format(ms), nil
	case tscTypeUnix:
		switch t.unixPrecision {
		case tscPrecisionSeconds:
			return ms / 1000, nil
		case tscPrecisionMicros:
			return tscScaleUp(ms, 1000), nil
		case tscPrecisionNanos:
			return tscScaleUp(ms, 1000000), nil
		}
		return ms, nil
	case tscTypeDate:
		return time.UnixMilli(sdfFloorDiv(ms, msPerDay) * msPerDay).UTC(), nil
	case tscTypeTime:
		return time.UnixMilli(sdfFloorMod(ms, msPerDay)).UTC(), nil
	default:
		if isDate {
			return orig, nil
		}
		return time.UnixMilli(ms).UTC(), nil
	}
}

// tscScaleUp is TimeUnit's conversion to a finer unit: it saturates on overflow.
func tscScaleUp(n, factor int64) int64 {
	switch {
	case n > tscMaxInt64/factor:
		return tscMaxInt64
	case n < -(tscMaxInt64 / factor):
		return tscMinInt64
	}
	return n * factor
}
