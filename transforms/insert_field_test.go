package transforms

import (
	"reflect"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

func TestInsertFieldConfig(t *testing.T) {
	fldtRunCases(t, []fldtCase{
		{"no field", "InsertField$Value", fldtCfg(), nil, "ERROR No field insertion configured"},
		{"only static.value", "InsertField$Value", fldtCfg("static.value", "v"), nil, "ERROR No field insertion configured"},
		{"empty topic.field is a field", "InsertField$Value", fldtCfg("topic.field", " "), nil, "configured"},
		{"bad boolean", "InsertField$Key", fldtCfg("topic.field", "t", "replace.null.with.default", "1"), nil,
			"ERROR Invalid value 1 for configuration replace.null.with.default: Expected value to be either true or false"},
	})
	// Java prints the InsertionSpec object reference (identity hash); only the prefix can match.
	got := fldtRun("InsertField$Value", fldtCfg("static.field", "s"), nil)
	const prefix = "ERROR Invalid value null for configuration static.value: No value specified for static field: org.apache.kafka.connect.transforms.InsertField$InsertionSpec@"
	if len(got) <= len(prefix) || got[:len(prefix)] != prefix {
		t.Errorf("got %s", got)
	}
}

func TestInsertField(t *testing.T) {
	named := connector.StructBuilder().SetName("name").SetVersion(1).SetDoc("doc").SetParameter("p", "q").
		Field("magic", connector.OptionalInt64Schema).MustBuild()
	withDefault := connector.StructBuilder().Field("m", connector.NewSchemaBuilder(connector.TypeInt64).Optional().SetDefault(int64(42)).MustBuild()).MustBuild()
	nullReq := connector.StructBuilder().Field("r", connector.Int32Schema).MustBuild()
	all := fldtCfg("topic.field", "t!", "partition.field", "p?", "timestamp.field", "ts!", "static.field", "s", "static.value", " v ")
	noPartition := &connector.Record{Topic: "t", ValueSchema: fldtSchemaR, Value: fldtValueR()}
	fldtRunCases(t, []fldtCase{
		{"struct all fields", "InsertField$Value", all, fldtRec(fldtSchemaR, fldtValueR()), "key=null | null || value=STRUCT name=r {a:INT32;b:INT32?;c:INT32;t:STRING;p:INT32?;ts:INT64 name=org.apache.kafka.connect.data.Timestamp v=1;s:STRING?;} | Struct{a=Integer(1),b=Integer(2),c=Integer(3),t=String(t),p=Integer(3),ts=Date(1000),s=String(v),}"},
		{"struct schema basics copied", "InsertField$Value", fldtCfg("topic.field", "topic_field!", "partition.field", "partition_field", "timestamp.field", "timestamp_field?", "static.field", "instance_id", "static.value", "my-instance-id"),
			fldtRec(named, fldtStruct(named, "magic", int64(42))),
			"key=null | null || value=STRUCT name=name v=1 doc=doc params={p=q} {magic:INT64?;topic_field:STRING;partition_field:INT32?;timestamp_field:INT64? name=org.apache.kafka.connect.data.Timestamp v=1;instance_id:STRING?;} | Struct{magic=Long(42),topic_field=String(t),partition_field=Integer(3),timestamp_field=Date(1000),instance_id=String(my-instance-id),}"},
		{"schemaless all fields", "InsertField$Value", all, fldtRec(nil, fldtMap("magic", int64(42))),
			"key=null | null || value=null | Map{magic=Long(42), p=Integer(3), s=String(v), t=String(t), ts=Long(1000)}"},
		{"schemaless overwrites", "InsertField$Value", fldtCfg("topic.field", "a"), fldtRec(nil, fldtMap("a", int32(1), "b", int32(2))),
			"key=null | null || value=null | Map{a=String(t), b=Integer(2)}"},
		{"schemaless map[any]any", "InsertField$Value", fldtCfg("topic.field", "a"), fldtRec(nil, map[any]any{int32(1): "x"}),
			"key=null | null || value=null | AnyMap{1=String(x), a=String(t)}"},
		{"key variant", "InsertField$Key", fldtCfg("topic.field", "topic_field!", "partition.field", "partition_field", "timestamp.field", "timestamp_field?", "static.field", "instance_id", "static.value", "my-instance-id"),
			&connector.Record{Topic: "test", Partition: new(int32), Key: fldtMap("magic", int64(42))},
			"key=null | Map{instance_id=String(my-instance-id), magic=Long(42), partition_field=Integer(0), topic_field=String(test)} || value=null | null"},
		{"replace.null.with.default true", "InsertField$Value", fldtCfg("topic.field", "t"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=null | null || value=STRUCT {m:INT64? default=Long(42);t:STRING?;} | Struct{m=Long(42),t=String(t),}"},
		{"replace.null.with.default false", "InsertField$Value", fldtCfg("topic.field", "t", "replace.null.with.default", "false"), fldtRec(withDefault, fldtStruct(withDefault)),
			"key=null | null || value=STRUCT {m:INT64? default=Long(42);t:STRING?;} | Struct{m=null,t=String(t),}"},
		{"no partition or timestamp", "InsertField$Value", fldtCfg("partition.field", "p!", "timestamp.field", "ts"), noPartition, "key=null | null || value=STRUCT name=r {a:INT32;b:INT32?;c:INT32;p:INT32;ts:INT64? name=org.apache.kafka.connect.data.Timestamp v=1;} | Struct{a=Integer(1),b=Integer(2),c=Integer(3),p=null,ts=null,}"},
		{"no partition or timestamp schemaless", "InsertField$Value", fldtCfg("partition.field", "p!", "timestamp.field", "ts"),
			&connector.Record{Topic: "t", Value: fldtMap("a", int32(1))}, "key=null | null || value=null | Map{a=Integer(1)}"},
		{"offset needs a sink record", "InsertField$Value", fldtCfg("offset.field", "o"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord"},
		{"offset needs a sink record schemaless", "InsertField$Value", fldtCfg("offset.field", "o"), fldtRec(nil, fldtMap()), "ERROR Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord"},
		{"offset after copy errors", "InsertField$Value", fldtCfg("offset.field", "o"), fldtRec(nullReq, fldtStruct(nullReq)), `ERROR Invalid value: null used for required field: "r", schema type: INT32`},
		{"duplicate field", "InsertField$Value", fldtCfg("topic.field", "a"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR Cannot create field because of field name duplication a"},
		{"empty field name", "InsertField$Value", fldtCfg("topic.field", "!"), fldtRec(fldtSchemaR, fldtValueR()), "ERROR fieldName cannot be null."},
		{"empty field name schemaless", "InsertField$Value", fldtCfg("topic.field", "!", "static.field", "?", "static.value", ""), fldtRec(nil, fldtMap()), "key=null | null || value=null | Map{=String()}"},
		{"not a map", "InsertField$Value", fldtCfg("topic.field", "x"), fldtRec(nil, int32(5)), "ERROR Only Map objects supported in absence of schema for [field insertion], found: java.lang.Integer"},
		{"not a struct", "InsertField$Value", fldtCfg("topic.field", "x"), fldtRec(connector.Int32Schema, int32(5)), "ERROR Only Struct objects supported for [field insertion], found: java.lang.Integer"},
		{"required field null", "InsertField$Value", fldtCfg("topic.field", "x"), fldtRec(nullReq, fldtStruct(nullReq)), `ERROR Invalid value: null used for required field: "r", schema type: INT32`},
	})
}

func TestInsertFieldTombstones(t *testing.T) {
	cfg := fldtCfg("topic.field", "topic_field!", "partition.field", "partition_field", "timestamp.field", "timestamp_field?", "static.field", "instance_id", "static.value", "my-instance-id")
	for _, c := range []struct {
		class string
		r     *connector.Record
	}{
		{"InsertField$Value", fldtRec(nil, nil)},
		{"InsertField$Value", fldtRec(fldtSchemaR, nil)},
		{"InsertField$Key", &connector.Record{Topic: "t", Value: fldtMap("magic", int64(42))}},
		{"InsertField$Key", &connector.Record{Topic: "t", KeySchema: fldtSchemaR}},
	} {
		o, err := fldtConfigure(t, c.class, cfg).Apply(c.r)
		if err != nil || o != c.r {
			t.Errorf("%s: a null operating value must return the record itself: %v, %v", c.class, o, err)
		}
	}
}

func TestInsertFieldSchemaCacheAndValues(t *testing.T) {
	tr := fldtConfigure(t, "InsertField$Value", fldtCfg("timestamp.field", "ts", "partition.field", "p"))
	r1, err := tr.Apply(fldtRec(fldtSchemaR, fldtValueR()))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := tr.Apply(fldtRec(fldtSchemaR, fldtValueR()))
	if err != nil {
		t.Fatal(err)
	}
	if r1.ValueSchema != r2.ValueSchema {
		t.Errorf("schema not cached")
	}
	ts, _ := r1.Value.(*connector.Struct).Get("ts")
	if want := time.UnixMilli(1000).UTC(); !reflect.DeepEqual(ts, want) {
		t.Errorf("timestamp value %#v, want %#v", ts, want)
	}
	// The timestamp is truncated to milliseconds, as Java's Long timestamp is.
	r := fldtRec(nil, fldtMap())
	r.Timestamp = time.Unix(1, 999999)
	o, err := fldtConfigure(t, "InsertField$Value", fldtCfg("timestamp.field", "ts")).Apply(r)
	if err != nil || o.Value.(map[string]any)["ts"] != int64(1000) {
		t.Errorf("schemaless timestamp: %v %v", o, err)
	}
}
