package transforms

import (
	"fmt"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// InsertField (org.apache.kafka.connect.transforms.InsertField$Key / $Value) inserts the
// record's topic, partition, offset or timestamp, or a static string, into a Struct or Map.

const (
	insertFieldTopic          = "topic.field"
	insertFieldPartition      = "partition.field"
	insertFieldOffset         = "offset.field"
	insertFieldTimestamp      = "timestamp.field"
	insertFieldStatic         = "static.field"
	insertFieldStaticValue    = "static.value"
	insertFieldReplaceNull    = "replace.null.with.default"
	insertFieldPurpose        = "field insertion"
	insertFieldOptionalityDoc = "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default)."
)

func insertFieldConfigDef() *connector.ConfigDef {
	str := func(name, doc string) connector.ConfigKey {
		return connector.ConfigKey{Name: name, Type: connector.ConfigString, Importance: connector.Medium, Doc: doc}
	}
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		str(insertFieldTopic, "Field name for Kafka topic. "+insertFieldOptionalityDoc),
		str(insertFieldPartition, "Field name for Kafka partition. "+insertFieldOptionalityDoc),
		str(insertFieldOffset, "Field name for Kafka offset - only applicable to sink connectors.<br/>"+insertFieldOptionalityDoc),
		str(insertFieldTimestamp, "Field name for record timestamp. "+insertFieldOptionalityDoc),
		str(insertFieldStatic, "Field name for static data field. "+insertFieldOptionalityDoc),
		str(insertFieldStaticValue, "Static field value, if field name configured."),
		{Name: insertFieldReplaceNull, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
			Doc: fldReplaceNullWithDefaultDoc},
	}}
}

// insertionSpec is a configured field name; a "!" suffix makes the field required, "?" or
// no suffix optional.
type insertionSpec struct {
	name     string
	optional bool
}

func parseInsertionSpec(v connector.Values, key string) *insertionSpec {
	if v.IsNull(key) {
		return nil
	}
	s := v.String(key)
	switch {
	case strings.HasSuffix(s, "?"):
		return &insertionSpec{name: s[:len(s)-1], optional: true}
	case strings.HasSuffix(s, "!"):
		return &insertionSpec{name: s[:len(s)-1], optional: false}
	}
	return &insertionSpec{name: s, optional: true}
}

// javaString is what Java's Object.toString prints for an InsertionSpec (it has no
// toString of its own): the class name and an identity hash. The hash cannot be the JVM's;
// this one is derived from the name.
func (s *insertionSpec) javaString() string {
	return fmt.Sprintf("org.apache.kafka.connect.transforms.InsertField$InsertionSpec@%x", uint32(fldJavaHash(s.name)))
}

type insertField struct {
	side side

	topicField, partitionField, offsetField, timestampField, staticField *insertionSpec
	staticValue                                                          *string
	replaceNullWithDefault                                               bool

	cache fldSchemaCache
}

func init() {
	keyValue("InsertField", func(s side) connector.Transformation { return &insertField{side: s} })
}

func (t *insertField) ConfigDef() *connector.ConfigDef { return insertFieldConfigDef() }

func (t *insertField) Configure(cfg connector.Config) error {
	v, err := fldParseConfig(insertFieldConfigDef(), cfg)
	if err != nil {
		return err
	}
	t.topicField = parseInsertionSpec(v, insertFieldTopic)
	t.partitionField = parseInsertionSpec(v, insertFieldPartition)
	t.offsetField = parseInsertionSpec(v, insertFieldOffset)
	t.timestampField = parseInsertionSpec(v, insertFieldTimestamp)
	t.staticField = parseInsertionSpec(v, insertFieldStatic)
	t.staticValue = nil
	if !v.IsNull(insertFieldStaticValue) {
		s := v.String(insertFieldStaticValue)
		t.staticValue = &s
	}
	t.replaceNullWithDefault = v.Bool(insertFieldReplaceNull)

	if t.topicField == nil && t.partitionField == nil && t.offsetField == nil && t.timestampField == nil && t.staticField == nil {
		return &connector.ConfigError{Message: "No field insertion configured"}
	}
	if t.staticField != nil && t.staticValue == nil {
		return fldInvalid(insertFieldStaticValue, "null", "No value specified for static field: "+t.staticField.javaString())
	}
	t.cache.reset()
	return nil
}

// errInsertFieldOffset is what Java's requireSinkRecord raises: offset.field needs a sink
// record, and Tributary only has source records.
var errInsertFieldOffset = connector.DataErrorf("Only SinkRecord supported for [%s], found: org.apache.kafka.connect.source.SourceRecord", insertFieldPurpose)

func (t *insertField) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if value == nil {
		return r, nil
	}
	if schema == nil {
		return t.applySchemaless(r, value)
	}
	return t.applyWithSchema(r, value)
}

func (t *insertField) applySchemaless(r *connector.Record, value any) (*connector.Record, error) {
	m, err := fldRequireMap(value, insertFieldPurpose)
	if err != nil {
		return nil, err
	}
	out := m.clone()
	if t.topicField != nil {
		out.put(t.topicField.name, r.Topic)
	}
	if t.partitionField != nil && r.Partition != nil {
		out.put(t.partitionField.name, *r.Partition)
	}
	if t.offsetField != nil {
		return nil, errInsertFieldOffset
	}
	if t.timestampField != nil && !r.Timestamp.IsZero() {
		out.put(t.timestampField.name, r.Timestamp.UnixMilli())
	}
	if t.staticField != nil && t.staticValue != nil {
		out.put(t.staticField.name, *t.staticValue)
	}
	return t.side.newRecord(r, nil, out.value()), nil
}

func (t *insertField) applyWithSchema(r *connector.Record, value any) (*connector.Record, error) {
	st, err := requireStruct(value, insertFieldPurpose)
	if err != nil {
		return nil, err
	}
	updated := t.cache.get(st.Schema())
	if updated == nil {
		if updated, err = t.updatedSchema(st.Schema()); err != nil {
			return nil, err
		}
		t.cache.put(st.Schema(), updated)
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	for _, f := range st.Schema().Fields {
		fv, err := fldFieldValue(st, f.Name, t.replaceNullWithDefault)
		if err != nil {
			return nil, err
		}
		if err := out.Put(f.Name, fv); err != nil {
			return nil, err
		}
	}
	if t.topicField != nil {
		if err := out.Put(t.topicField.name, r.Topic); err != nil {
			return nil, err
		}
	}
	if t.partitionField != nil && r.Partition != nil {
		if err := out.Put(t.partitionField.name, *r.Partition); err != nil {
			return nil, err
		}
	}
	if t.offsetField != nil {
		return nil, errInsertFieldOffset
	}
	if t.timestampField != nil && !r.Timestamp.IsZero() {
		if err := out.Put(t.timestampField.name, time.UnixMilli(r.Timestamp.UnixMilli()).UTC()); err != nil {
			return nil, err
		}
	}
	if t.staticField != nil && t.staticValue != nil {
		if err := out.Put(t.staticField.name, *t.staticValue); err != nil {
			return nil, err
		}
	}
	return t.side.newRecord(r, updated, out), nil
}

var insertFieldOptionalTimestamp = connector.TimestampSchema().Optional().MustBuild()
var insertFieldTimestampSchema = connector.TimestampSchema().MustBuild()

func (t *insertField) updatedSchema(s *connector.Schema) (*connector.Schema, error) {
	b := copySchemaBasics(s, connector.TypeStruct)
	for _, f := range s.Fields {
		b.Field(f.Name, f.Schema)
	}
	pick := func(spec *insertionSpec, optional, required *connector.Schema) {
		if spec == nil {
			return
		}
		if spec.optional {
			b.Field(spec.name, optional)
		} else {
			b.Field(spec.name, required)
		}
	}
	pick(t.topicField, connector.OptionalStringSchema, connector.StringSchema)
	pick(t.partitionField, connector.OptionalInt32Schema, connector.Int32Schema)
	pick(t.offsetField, connector.OptionalInt64Schema, connector.Int64Schema)
	pick(t.timestampField, insertFieldOptionalTimestamp, insertFieldTimestampSchema)
	pick(t.staticField, connector.OptionalStringSchema, connector.StringSchema)
	return b.Build()
}
