package transforms

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// tscJavaExpected was produced by Apache Kafka Connect 4.1.2's TimestampConverter$Value on
// JDK 17 (exception class names dropped, messages kept).
const tscJavaExpected = `
tsc nofmt => ERR Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null
tsc target date => ERR Invalid value date for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp
tsc target Date => null | null
tsc prec => ERR Invalid value Seconds for configuration unix.precision: String must be one of: nanoseconds, microseconds, milliseconds, seconds
tsc nofmt string => ERR TimestampConverter requires format option to be specified when using string timestamps
tsc badfmt => ERR Invalid value java.lang.IllegalArgumentException: Unterminated quote for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: yyyy-MM-dd'T
tsc notarget => ERR Missing required configuration "target.type" which has no default value.
tsc unix seconds 9223372036854775807 -> Timestamp => null | Date(9223372036854775807)
tsc unix seconds -9223372036854775808 -> Timestamp => null | Date(-9223372036854775808)
tsc unix seconds -1500 -> Timestamp => null | Date(-1500000)
tsc unix seconds 1700000000123 -> Timestamp => null | Date(1700000000123000)
tsc unix seconds -1 -> Timestamp => null | Date(-1000)
tsc ts seconds 9223372036854775 -> unix => null | Long:9223372036854
tsc ts seconds -1500 -> unix => null | Long:-1
tsc ts seconds 1700000000123 -> unix => null | Long:1700000000
tsc ts seconds -9223372036854775808 -> unix => null | Long:-9223372036854775
tsc unix milliseconds 9223372036854775807 -> Timestamp => null | Date(9223372036854775807)
tsc unix milliseconds -9223372036854775808 -> Timestamp => null | Date(-9223372036854775808)
tsc unix milliseconds -1500 -> Timestamp => null | Date(-1500)
tsc unix milliseconds 1700000000123 -> Timestamp => null | Date(1700000000123)
tsc unix milliseconds -1 -> Timestamp => null | Date(-1)
tsc ts milliseconds 9223372036854775 -> unix => null | Long:9223372036854775
tsc ts milliseconds -1500 -> unix => null | Long:-1500
tsc ts milliseconds 1700000000123 -> unix => null | Long:1700000000123
tsc ts milliseconds -9223372036854775808 -> unix => null | Long:-9223372036854775808
tsc unix microseconds 9223372036854775807 -> Timestamp => null | Date(9223372036854775)
tsc unix microseconds -9223372036854775808 -> Timestamp => null | Date(-9223372036854775)
tsc unix microseconds -1500 -> Timestamp => null | Date(-1)
tsc unix microseconds 1700000000123 -> Timestamp => null | Date(1700000000)
tsc unix microseconds -1 -> Timestamp => null | Date(0)
tsc ts microseconds 9223372036854775 -> unix => null | Long:9223372036854775000
tsc ts microseconds -1500 -> unix => null | Long:-1500000
tsc ts microseconds 1700000000123 -> unix => null | Long:1700000000123000
tsc ts microseconds -9223372036854775808 -> unix => null | Long:-9223372036854775808
tsc unix nanoseconds 9223372036854775807 -> Timestamp => null | Date(9223372036854)
tsc unix nanoseconds -9223372036854775808 -> Timestamp => null | Date(-9223372036854)
tsc unix nanoseconds -1500 -> Timestamp => null | Date(0)
tsc unix nanoseconds 1700000000123 -> Timestamp => null | Date(1700000)
tsc unix nanoseconds -1 -> Timestamp => null | Date(0)
tsc ts nanoseconds 9223372036854775 -> unix => null | Long:9223372036854775807
tsc ts nanoseconds -1500 -> unix => null | Long:-1500000000
tsc ts nanoseconds 1700000000123 -> unix => null | Long:1700000000123000000
tsc ts nanoseconds -9223372036854775808 -> unix => null | Long:-9223372036854775808
tsc int => ERR TimestampConverter does not support class java.lang.Integer objects as timestamps
tsc schema int32 => ERR Schema Schema{INT32} does not correspond to a known timestamp type format
tsc schema int32 null => ERR Schema Schema{INT32} does not correspond to a known timestamp type format
tsc schema string wrong => ERR Expected string timestamp to be a String, but found class java.lang.Long
tsc parse fail => ERR Could not parse timestamp: value (abc) does not match pattern (yyyy-MM-dd)
tsc Date of neg => null | Date(-86400000)
tsc Time of neg => null | Date(86399999)
tsc field nonstruct => ERR Cannot list fields on non-struct type
tsc field nonstruct2 => ERR Only Struct objects supported for [converting timestamp formats], found: java.lang.Long
tsc field int32 field => ERR Schema Schema{INT32} does not correspond to a known timestamp type format
tsc struct default => Schema{STRUCT} opt=true def=Struct{t=1970} ver=null | null
`

func TestTimestampConverterMatchesJava(t *testing.T) {
	tv := func() connector.Transformation { return cfNewSMT(t, "TimestampConverter$Value") }
	m := cfCfg
	var got []string
	run := func(name string, tr connector.Transformation, cfg map[string]string, s *connector.Schema, v any) {
		got = append(got, cfRun(name, tr, cfg, s, v))
	}
	run("tsc nofmt", tv(), m("target.type", "unix"), nil, "2020")
	for _, tt := range []string{"date", "Date"} {
		run("tsc target "+tt, tv(), m("target.type", tt), nil, nil)
	}
	run("tsc prec", tv(), m("target.type", "unix", "unix.precision", "Seconds"), nil, nil)
	run("tsc nofmt string", tv(), m("target.type", "string"), nil, nil)
	run("tsc badfmt", tv(), m("target.type", "string", "format", "yyyy-MM-dd'T"), nil, nil)
	run("tsc notarget", tv(), m(), nil, nil)
	for _, prec := range []string{"seconds", "milliseconds", "microseconds", "nanoseconds"} {
		for _, v := range []int64{math.MaxInt64, math.MinInt64, -1500, 1700000000123, -1} {
			run(fmt.Sprintf("tsc unix %s %d -> Timestamp", prec, v), tv(), m("target.type", "Timestamp", "unix.precision", prec), nil, v)
		}
		for _, v := range []int64{math.MaxInt64 / 1000, -1500, 1700000000123, math.MinInt64} {
			run(fmt.Sprintf("tsc ts %s %d -> unix", prec, v), tv(), m("target.type", "unix", "unix.precision", prec), nil, cfMs(v))
		}
	}
	run("tsc int", tv(), m("target.type", "unix"), nil, int32(5))
	run("tsc schema int32", tv(), m("target.type", "unix"), connector.Int32Schema, int32(5))
	run("tsc schema int32 null", tv(), m("target.type", "unix"), connector.OptionalInt32Schema, nil)
	run("tsc schema string wrong", tv(), m("target.type", "unix", "format", "yyyy"), connector.StringSchema, int64(5))
	run("tsc parse fail", tv(), m("target.type", "unix", "format", "yyyy-MM-dd"), nil, "abc")
	run("tsc Date of neg", tv(), m("target.type", "Date"), nil, int64(-1))
	run("tsc Time of neg", tv(), m("target.type", "Time"), nil, int64(-1))
	run("tsc field nonstruct", tv(), m("target.type", "unix", "field", "a"), connector.OptionalInt64Schema, nil)
	run("tsc field nonstruct2", tv(), m("target.type", "unix", "field", "a"), connector.Int64Schema, int64(5))
	s2 := connector.StructBuilder().Field("a", connector.Int32Schema).Field("t", connector.Int64Schema).MustBuild()
	run("tsc field int32 field", tv(), m("target.type", "unix", "field", "a"), s2, cfStruct(t, s2, "a", int32(1), "t", int64(5)))
	s3 := connector.StructBuilder().Field("t", connector.NewSchemaBuilder(connector.TypeInt64).Optional().SetDefault(int64(7)).MustBuild()).Optional().MustBuild()
	s3d := *s3
	s3d.Default = cfStruct(t, s3)
	run("tsc struct default", tv(), m("target.type", "string", "format", "yyyy", "field", "t"), &s3d, nil)
	cfCheckRuns(t, tscJavaExpected, got)
}

func TestTimestampConverterConfigDef(t *testing.T) {
	d := cfNewSMT(t, "TimestampConverter$Key").ConfigDef()
	names := []string{"field", "target.type", "format", "unix.precision", "replace.null.with.default"}
	defaults := []any{"", nil, "", "milliseconds", "true"}
	for i, k := range d.Keys {
		if k.Name != names[i] || k.Default != defaults[i] {
			t.Errorf("key %d: %+v", i, k)
		}
	}
	if !d.Keys[1].Required || len(d.Keys) != 5 {
		t.Errorf("%+v", d.Keys)
	}
	tr := cfNewSMT(t, "TimestampConverter$Value")
	for cfg, want := range map[string]string{
		"Time":      "",
		"timestamp": "Invalid value timestamp for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp",
	} {
		err := tr.Configure(cfCfg("target.type", cfg))
		if (err == nil) != (want == "") || err != nil && err.Error() != want {
			t.Errorf("%s: %v", cfg, err)
		}
	}
	// A blank format is no format; an ASCII letter that is no pattern letter is an error.
	if err := tr.Configure(cfCfg("target.type", "string", "format", "  ")); err == nil || err.Error() != tscFormatRequiredMessage {
		t.Errorf("%v", err)
	}
	if err := tr.Configure(cfCfg("target.type", "unix", "format", "yyyy-MM-dd hh:mm:ss.SSS b")); err == nil ||
		err.Error() != "Invalid value java.lang.IllegalArgumentException: Illegal pattern character 'b' for configuration "+
			"TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: yyyy-MM-dd hh:mm:ss.SSS b" {
		t.Errorf("%v", err)
	}
}

func TestTimestampConverterSchemaless(t *testing.T) {
	const ms = int64(1700000000123) // 2023-11-14T22:13:20.123Z
	day := cfMs(ms - ms%msPerDay)
	tod := cfMs(ms % msPerDay)
	cases := []struct {
		target string
		in     any
		want   any
	}{
		{"Timestamp", cfMs(ms), cfMs(ms)}, {"Date", cfMs(ms), day}, {"Time", cfMs(ms), tod}, {"unix", cfMs(ms), ms},
		{"string", cfMs(ms), "2023-11-14T22:13:20.123+0000"}, {"Timestamp", ms, cfMs(ms)}, {"Timestamp", day, day},
		{"Timestamp", "2023-11-14T22:13:20.123+0000", cfMs(ms)}, {"unix", "2023-11-14T23:13:20.123+0100", ms},
		{"Date", int64(-1), cfMs(-msPerDay)}, {"Time", int64(-1), cfMs(msPerDay - 1)}, {"string", int64(-1), "1969-12-31T23:59:59.999+0000"},
		{"string", int64(-62135596800001), "0001-01-02T23:59:59.999+0000"}, {"unix", int64(-5), int64(-5)},
		{"Timestamp", nil, nil},
	}
	for _, c := range cases {
		tr := cfNewSMT(t, "TimestampConverter$Value")
		if err := tr.Configure(cfCfg("target.type", c.target, "format", "yyyy-MM-dd'T'HH:mm:ss.SSSZ")); err != nil {
			t.Fatal(err)
		}
		out, err := tr.Apply(&connector.Record{Topic: "t", Value: c.in})
		if err != nil {
			t.Errorf("%v → %s: %v", c.in, c.target, err)
			continue
		}
		if out.Value != c.want || out.ValueSchema != nil {
			t.Errorf("%v → %s: %#v, want %#v", c.in, c.target, out.Value, c.want)
		}
	}
}

func TestTimestampConverterSchemalessField(t *testing.T) {
	tr := cfNewSMT(t, "TimestampConverter$Key")
	if err := tr.Configure(cfCfg("target.type", "unix", "field", "ts", "unix.precision", "seconds")); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"ts": cfMs(1700000000999), "other": 1}
	out, err := tr.Apply(&connector.Record{Key: in, Value: "v"})
	if err != nil {
		t.Fatal(err)
	}
	if k := out.Key.(map[string]any); k["ts"] != int64(1700000000) || k["other"] != 1 || out.Value != "v" {
		t.Fatalf("%#v", out.Key)
	}
	// An absent field is added as null; a non-map is refused; a null value passes.
	out, _ = tr.Apply(&connector.Record{Key: map[string]any{"x": 1}})
	if v, ok := out.Key.(map[string]any)["ts"]; !ok || v != nil {
		t.Fatalf("%#v", out.Key)
	}
	if _, err := tr.Apply(&connector.Record{Key: int64(5)}); err == nil ||
		err.Error() != "Only Map objects supported in absence of schema for [converting timestamp formats], found: java.lang.Long" {
		t.Fatal(err)
	}
	if out, err := tr.Apply(&connector.Record{}); err != nil || out.Key != nil {
		t.Fatal(out, err)
	}
}

func TestTimestampConverterWithSchema(t *testing.T) {
	const ms = int64(1700000000123)
	optTS := connector.TimestampSchema().Optional().MustBuild()
	cases := []struct {
		target   string
		schema   *connector.Schema
		in, want any
		wantName string
		wantType connector.Type
	}{
		{"Date", connector.TimestampSchema().MustBuild(), cfMs(ms), cfMs(ms - ms%msPerDay), connector.DateName, connector.TypeInt32},
		{"Time", optTS, cfMs(ms), cfMs(ms % msPerDay), connector.TimeName, connector.TypeInt32},
		{"unix", connector.DateSchema().MustBuild(), cfMs(msPerDay * 3), int64(msPerDay * 3), "", connector.TypeInt64},
		{"string", connector.TimeSchema().MustBuild(), cfMs(1234), "00:00:01.234", "", connector.TypeString},
		{"Timestamp", connector.Int64Schema, ms, cfMs(ms), connector.TimestampName, connector.TypeInt64},
		{"Timestamp", connector.OptionalStringSchema, nil, nil, connector.TimestampName, connector.TypeInt64},
		{"Timestamp", connector.StringSchema, "10:20:30.004", cfMs(37230004), connector.TimestampName, connector.TypeInt64},
	}
	for _, c := range cases {
		tr := cfNewSMT(t, "TimestampConverter$Value")
		if err := tr.Configure(cfCfg("target.type", c.target, "format", "HH:mm:ss.SSS")); err != nil {
			t.Fatal(err)
		}
		out, err := tr.Apply(&connector.Record{ValueSchema: c.schema, Value: c.in})
		if err != nil {
			t.Errorf("%s: %v", c.target, err)
			continue
		}
		s := out.ValueSchema
		if out.Value != c.want || s.Name != c.wantName || s.Type != c.wantType || s.Optional != c.schema.Optional {
			t.Errorf("%s: %#v %+v", c.target, out.Value, s)
		}
	}
}

func TestTimestampConverterStructField(t *testing.T) {
	tsDefault := connector.TimestampSchema().Optional().SetDefault(cfMs(86400000)).MustBuild()
	in := connector.StructBuilder().SetName("rec").SetVersion(2).
		Field("id", connector.Int32Schema).
		Field("ts", connector.TimestampSchema().MustBuild()).
		Field("maybe", tsDefault).
		MustBuild()
	v := cfStruct(t, in, "id", int32(1), "ts", cfMs(-1))
	for _, replace := range []bool{true, false} {
		for _, field := range []string{"ts", "maybe", "nope"} {
			tr := cfNewSMT(t, "TimestampConverter$Value")
			if err := tr.Configure(cfCfg("target.type", "string", "format", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "field", field,
				"replace.null.with.default", fmt.Sprint(replace))); err != nil {
				t.Fatal(err)
			}
			out, err := tr.Apply(&connector.Record{ValueSchema: in, Value: v})
			if err != nil {
				t.Fatal(err)
			}
			s := out.ValueSchema
			if s.Name != "rec" || *s.Version != 2 || len(s.Fields) != 3 {
				t.Fatalf("%+v", s)
			}
			st := out.Value.(*connector.Struct)
			ts, _ := st.Get("ts")
			maybe, _ := st.GetWithoutDefault("maybe")
			fs, _ := s.Field(field)
			switch field {
			case "ts":
				if ts != "1969-12-31T23:59:59.999+0000" || fs.Schema != connector.StringSchema {
					t.Errorf("ts: %v %+v", ts, fs.Schema)
				}
			case "maybe":
				want := any(nil)
				if replace {
					want = "1970-01-02T00:00:00.000+0000"
				}
				if maybe != want || fs.Schema != connector.OptionalStringSchema {
					t.Errorf("replace=%v maybe: %#v %+v", replace, maybe, fs.Schema)
				}
			case "nope":
				if !s.Fields[1].Schema.Equal(in.Fields[1].Schema) || ts != cfMs(-1) {
					t.Errorf("unchanged: %+v %v", s, ts)
				}
			}
		}
	}
	// A null struct gives null with the new schema; a non-struct is refused.
	opt := connector.StructBuilder().Field("ts", connector.Int64Schema).Optional().MustBuild()
	tr := cfNewSMT(t, "TimestampConverter$Key")
	if err := tr.Configure(cfCfg("target.type", "Date", "field", "ts")); err != nil {
		t.Fatal(err)
	}
	out, err := tr.Apply(&connector.Record{KeySchema: opt})
	if err != nil || out.Key != nil || out.KeySchema.Fields[0].Schema.Name != connector.DateName || !out.KeySchema.Optional {
		t.Fatalf("%+v %v", out, err)
	}
	if _, err := tr.Apply(&connector.Record{KeySchema: opt, Key: "x"}); err == nil ||
		err.Error() != "Only Struct objects supported for [converting timestamp formats], found: java.lang.String" {
		t.Fatal(err)
	}
	// A required field whose value is null fails as Struct.put does.
	req := connector.StructBuilder().Field("ts", connector.OptionalInt64Schema).MustBuild()
	tr2 := cfNewSMT(t, "TimestampConverter$Value")
	_ = tr2.Configure(cfCfg("target.type", "unix", "field", "ts"))
	if out, err := tr2.Apply(&connector.Record{ValueSchema: req, Value: cfStruct(t, req)}); err != nil || out.ValueSchema.Fields[0].Schema != connector.OptionalInt64Schema {
		t.Fatal(out, err)
	}
}

// Many SimpleDateFormat patterns survive string → Timestamp → string.
func TestTimestampConverterStringRoundTrips(t *testing.T) {
	samples := []int64{0, 1700000000123, -1, -86400001, 951782400000, -2208988800000, 253402300799999, -12219292800000}
	patterns := []string{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "EEE, d MMM yyyy HH:mm:ss.SSS z",
		"yyyyMMddHHmmssSSS", "dd.MM.yyyy hh:mm:ss.SSS a", "yyyy DDD kk:mm:ss.SSS", "MMMM d yyyy K:mm:ss.SSS a zzzz", "''yyyy'' LLL dd HH:mm:ss:SSS X"}
	for _, p := range patterns {
		toTS := cfNewSMT(t, "TimestampConverter$Value")
		toStr := cfNewSMT(t, "TimestampConverter$Value")
		if err := toTS.Configure(cfCfg("target.type", "Timestamp", "format", p)); err != nil {
			t.Fatal(err)
		}
		if err := toStr.Configure(cfCfg("target.type", "string", "format", p)); err != nil {
			t.Fatal(err)
		}
		for _, ms := range samples {
			s, err := toStr.Apply(&connector.Record{Value: cfMs(ms)})
			if err != nil {
				t.Fatal(err)
			}
			back, err := toTS.Apply(&connector.Record{ValueSchema: connector.StringSchema, Value: s.Value})
			if err != nil {
				t.Fatalf("%q %v: %v", p, s.Value, err)
			}
			if got := back.Value.(time.Time).UnixMilli(); got != ms {
				t.Errorf("%q: %d → %q → %d", p, ms, s.Value, got)
			}
		}
	}
}
