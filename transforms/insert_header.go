package transforms

import (
	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// InsertHeader (org.apache.kafka.connect.transforms.InsertHeader) adds a header to each
// record. The header is appended: existing headers with the same name stay. Its value is
// value.literal parsed once, at configuration, with Connect's Values.parseString, which
// infers the schema: null, true/false (BOOLEAN), integers (the narrowest of INT8 … INT64),
// decimals (FLOAT32, FLOAT64 or Decimal), ISO dates yyyy-MM-dd, times HH:mm:ss.SSS'Z' and
// timestamps yyyy-MM-dd'T'HH:mm:ss.SSS'Z' (Date, Time, Timestamp, in UTC), [a, b] (ARRAY),
// {k: v} (MAP), and anything else as the STRING it is.
type insertHeader struct {
	header string
	schema *connector.Schema
	value  any
}

var insertHeaderConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "header", Type: connector.ConfigString, Required: true, Validate: insertHeaderNonNull, Importance: connector.High,
		Doc: "The name of the header."},
	{Name: "value.literal", Type: connector.ConfigString, Required: true, Validate: insertHeaderNonNull, Importance: connector.High,
		Doc: "The literal value that is to be set as the header value on all records."},
}}

// insertHeaderNonNull is Kafka's NonNullValidator (a Go config cannot hold a null, so it
// never fails).
func insertHeaderNonNull(v any) error {
	if v == nil {
		return &javaRuntimeError{msg: "entry must be non null"}
	}
	return nil
}

func init() {
	registerTransformation(javaPackage+"InsertHeader", func() connector.Transformation { return &insertHeader{} })
}

func (t *insertHeader) ConfigDef() *connector.ConfigDef { return insertHeaderConfigDef }

func (t *insertHeader) Configure(cfg connector.Config) error {
	v, err := insertHeaderConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.header = v.String("header")
	literal := v.String("value.literal")
	sv, err := jvalues.ParseString(literal)
	if err != nil { // not reachable for a top-level value: arrays and maps fall back to strings
		sv = &jvalues.SchemaAndValue{Schema: connector.StringSchema, Value: literal}
	}
	t.schema, t.value = nil, nil
	if sv != nil {
		t.schema, t.value = sv.Schema, sv.Value
	}
	return nil
}

func (t *insertHeader) Apply(r *connector.Record) (*connector.Record, error) {
	out := r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp)
	out.Headers.Add(t.header, t.schema, t.value)
	return out, nil
}
