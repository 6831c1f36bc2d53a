package transforms

import (
	"reflect"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestHeaderFromSchemaless(t *testing.T) {
	for _, c := range []struct {
		class, operation string
		wantValue        map[string]any
	}{
		{"HeaderFrom$Value", "move", map[string]any{"temp": 21.5}},
		{"HeaderFrom$Value", "copy", map[string]any{"temp": 21.5, "device": "d1", "site": nil}},
	} {
		tr := mustTransform(t, javaPackage+c.class, connector.Config{"fields": "device,site,absent", "headers": "dev, site,absent", "operation": c.operation})
		in := mqttRecord("a/b", "")
		in.ValueSchema, in.Value = nil, map[string]any{"temp": 21.5, "device": "d1", "site": nil}
		out, err := tr.Apply(in)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out.Value, c.wantValue) {
			t.Errorf("%s: value %v", c.operation, out.Value)
		}
		if len(in.Value.(map[string]any)) != 3 || len(in.Headers) != 2 {
			t.Error("the input record changed")
		}
		want := connector.Headers{in.Headers[0], in.Headers[1], {Key: "dev", Value: "d1"}, {Key: "site"}, {Key: "absent"}}
		if !reflect.DeepEqual(out.Headers, want) {
			t.Errorf("%s: headers %v", c.operation, out.Headers)
		}
	}
}

func TestHeaderFromStruct(t *testing.T) {
	schema := connector.StructBuilder().SetName("reading").
		Field("device", connector.StringSchema).
		Field("temp", connector.Float64Schema).
		Field("unit", connector.NewSchemaBuilder(connector.TypeString).Optional().SetDefault("C").MustBuild()).
		MustBuild()
	value, _ := connector.NewStruct(schema)
	_ = value.Put("device", "d1")
	_ = value.Put("temp", 21.5)

	// move, default replacement on.
	tr := mustTransform(t, javaPackage+"HeaderFrom$Value", connector.Config{"fields": "device,unit", "headers": "dev,unit", "operation": "move"})
	in := &connector.Record{Topic: "t", KeySchema: connector.StringSchema, Key: "k", ValueSchema: schema, Value: value}
	out, err := tr.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if out.ValueSchema.Name != "reading" || len(out.ValueSchema.Fields) != 1 || out.ValueSchema.Fields[0].Name != "temp" {
		t.Errorf("schema %+v", out.ValueSchema)
	}
	if got, _ := out.Value.(*connector.Struct).Get("temp"); got != 21.5 {
		t.Errorf("temp %v", got)
	}
	want := connector.Headers{{Key: "dev", Schema: connector.StringSchema, Value: "d1"}, {Key: "unit", Schema: schema.Fields[2].Schema, Value: "C"}}
	if !reflect.DeepEqual(out.Headers, want) {
		t.Errorf("headers %v", out.Headers)
	}
	if in.ValueSchema != schema || len(in.Headers) != 0 {
		t.Error("the input record changed")
	}

	// copy, replace.null.with.default=false keeps the null.
	tr = mustTransform(t, javaPackage+"HeaderFrom$Value", connector.Config{"fields": "unit", "headers": "unit", "operation": "copy", "replace.null.with.default": "false"})
	out, err = tr.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Value != value || out.ValueSchema != schema || out.Headers[0].Value != nil {
		t.Errorf("copy: %+v", out)
	}

	// The key side.
	tr = mustTransform(t, javaPackage+"HeaderFrom$Key", connector.Config{"fields": "temp", "headers": "t", "operation": "copy"})
	out, err = tr.Apply(&connector.Record{KeySchema: schema, Key: value, Value: []byte("v")})
	if err != nil || out.Headers[0].Value != 21.5 || out.Key != value {
		t.Errorf("key: %+v %v", out, err)
	}
}

func TestHeaderFromErrors(t *testing.T) {
	const class = javaPackage + "HeaderFrom$Value"
	schema := connector.StructBuilder().Field("a", connector.NewSchemaBuilder(connector.TypeInt32).SetDefault(int32(7)).MustBuild()).MustBuild()
	value, _ := connector.NewStruct(schema)

	// Messages from Kafka 4.1.2.
	tr := mustTransform(t, class, connector.Config{"fields": "b", "headers": "hb", "operation": "copy"})
	_, err := tr.Apply(&connector.Record{ValueSchema: schema, Value: value})
	if err == nil || err.Error() != `Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null` {
		t.Errorf("missing field: %v", err)
	}
	tr = mustTransform(t, class, connector.Config{"fields": "a", "headers": "ha", "operation": "copy", "replace.null.with.default": "false"})
	_, err = tr.Apply(&connector.Record{ValueSchema: schema, Value: value})
	wantDataError(t, err, "A null value requires an optional schema but was Schema{INT32}")
	_, err = tr.Apply(&connector.Record{})
	wantDataError(t, err, "Only Map objects supported in absence of schema for [header copy], found: null")
	_, err = tr.Apply(&connector.Record{ValueSchema: schema})
	wantDataError(t, err, "Only Struct objects supported for [header copy], found: null")
	tr = mustTransform(t, class, connector.Config{"fields": "a", "headers": "ha", "operation": "move"})
	_, err = tr.Apply(&connector.Record{Value: []byte("raw")})
	wantDataError(t, err, "Only Map objects supported in absence of schema for [header move], found: [B")

	for _, c := range []struct {
		cfg connector.Config
		msg string
	}{
		{connector.Config{"fields": "a", "headers": "x,y", "operation": "move"}, "'fields' config must have the same number of elements as 'headers' config."},
		{connector.Config{"fields": "a", "headers": "x", "operation": "Move"}, "Invalid value Move for configuration operation: String must be one of: move, copy"},
		{connector.Config{"fields": "", "headers": "x", "operation": "move"}, "Invalid value [] for configuration fields: Empty list"},
		{connector.Config{"headers": "x", "operation": "move"}, `Missing required configuration "fields" which has no default value.`},
		{connector.Config{"fields": "a", "operation": "move"}, `Missing required configuration "headers" which has no default value.`},
		{connector.Config{"fields": "a", "headers": "x"}, `Missing required configuration "operation" which has no default value.`},
		{connector.Config{"fields": "a", "headers": "x", "operation": "copy", "replace.null.with.default": "maybe"}, "Invalid value maybe for configuration replace.null.with.default: Expected value to be either true or false"},
	} {
		_, err := newTransform(t, class, c.cfg)
		wantConfigError(t, err, c.msg)
	}
}
