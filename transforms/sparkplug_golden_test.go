package transforms

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// TestSparkplugGolden decodes payloads encoded by an independent implementation (Eclipse
// Tahu's Python helpers and generated protobuf classes; testdata/sparkplug/gen_golden.py)
// and compares them with what the generator says it encoded (expected.json).
func TestSparkplugGolden(t *testing.T) {
	dir := filepath.Join("testdata", "sparkplug")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []struct {
		File      string
		Topic     string
		Timestamp *int64
		Seq       *int64
		Metrics   []struct {
			Name         *string
			Alias        *int64
			Datatype     string
			Timestamp    int64
			IsNull       bool `json:"is_null"`
			IsHistorical bool `json:"is_historical"`
			Field        string
			Value        json.RawMessage
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&files); err != nil {
		t.Fatal(err)
	}
	if len(files) != 6 {
		t.Fatalf("%d golden files", len(files))
	}
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	for _, f := range files {
		payload, err := os.ReadFile(filepath.Join(dir, f.File))
		if err != nil {
			t.Fatal(err)
		}
		out, err := tr.Apply(spbRecord(f.Topic, payload))
		if err != nil {
			t.Fatalf("%s: %v", f.File, err)
		}
		if hasHeader(out, "sparkplug.seq.gap") {
			t.Errorf("%s: seq gap", f.File)
		}
		st := out.Value.(*connector.Struct)
		var wantTS, wantSeq any
		if f.Timestamp != nil {
			wantTS = time.UnixMilli(*f.Timestamp).UTC()
		}
		if f.Seq != nil {
			wantSeq = *f.Seq
		}
		if get(st, "timestamp") != wantTS || get(st, "seq") != wantSeq {
			t.Errorf("%s: timestamp %v seq %v", f.File, get(st, "timestamp"), get(st, "seq"))
		}
		ms := spbMetrics(t, out)
		if len(ms) != len(f.Metrics) {
			t.Fatalf("%s: %d metrics, want %d", f.File, len(ms), len(f.Metrics))
		}
		for i, w := range f.Metrics {
			g := ms[i]
			var wantName, wantAlias any
			if w.Name != nil {
				wantName = *w.Name
			}
			if w.Alias != nil {
				wantAlias = *w.Alias
			}
			if get(g, "name") != wantName || get(g, "alias") != wantAlias || get(g, "datatype") != w.Datatype ||
				get(g, "timestamp") != time.UnixMilli(w.Timestamp).UTC() || get(g, "is_null") != w.IsNull || get(g, "is_historical") != w.IsHistorical {
				t.Errorf("%s metric %d: %v", f.File, i, g)
				continue
			}
			if w.Field == "dataset_value" || w.Field == "template_value" {
				if !sameJSON(t, spbConnectJSON(get(g, w.Field)), w.Value) {
					t.Errorf("%s %v: %s = %s, want %s", f.File, wantName, w.Field, mustJSON(t, spbConnectJSON(get(g, w.Field))), w.Value)
				}
				continue
			}
			want := goldenValue(t, w.Field, w.Value)
			for _, vf := range []string{"int_value", "long_value", "float_value", "double_value", "boolean_value", "string_value", "bytes_value"} {
				v := get(g, vf)
				if vf != w.Field {
					if v != nil {
						t.Errorf("%s %v: %s = %v", f.File, wantName, vf, v)
					}
					continue
				}
				if b, ok := want.([]byte); ok {
					if vb, _ := v.([]byte); !bytes.Equal(vb, b) {
						t.Errorf("%s %v: %s = %v, want %v", f.File, wantName, vf, v, b)
					}
				} else if v != want {
					t.Errorf("%s %v: %s = %#v, want %#v", f.File, wantName, vf, v, want)
				}
			}
		}
	}
	// The NDEATH matched the NBIRTH's bdSeq: the node is forgotten.
	if _, err := tr.Apply(spbRecord("spBv1.0/Plant1/NDATA/Edge1", spbPayloadBytes(nil, ptr(uint64(4)), spbAliasOnly(1, 10, 1)))); !isDataError(err) {
		t.Errorf("NDATA after NDEATH: %v", err)
	}
}

// goldenValue converts an expected.json value to the Go value of the Connect field.
func goldenValue(t *testing.T, field string, raw json.RawMessage) any {
	t.Helper()
	if string(raw) == "null" {
		return nil
	}
	switch field {
	case "bytes_value":
		var b struct{ Base64 string }
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		out, err := base64.StdEncoding.DecodeString(b.Base64)
		if err != nil {
			t.Fatal(err)
		}
		return out
	case "string_value":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		return s
	case "boolean_value":
		return string(raw) == "true"
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	switch field {
	case "int_value", "long_value":
		i, err := n.Int64()
		if err != nil {
			t.Fatal(err)
		}
		if field == "int_value" {
			return int32(i)
		}
		return i
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	if field == "float_value" {
		return float32(f)
	}
	return f
}

// spbConnectJSON turns Connect data into JSON-ready data: a Struct into an object of its
// fields, a Timestamp into epoch milliseconds, bytes into {"base64": …}.
func spbConnectJSON(v any) any {
	switch x := v.(type) {
	case *connector.Struct:
		out := map[string]any{}
		for _, f := range x.Schema().Fields {
			fv, _ := x.Get(f.Name)
			out[f.Name] = spbConnectJSON(fv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = spbConnectJSON(e)
		}
		return out
	case time.Time:
		return x.UnixMilli()
	case []byte:
		return map[string]any{"base64": base64.StdEncoding.EncodeToString(x)}
	}
	return v
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameJSON compares a JSON-ready value with JSON text, as decoded JSON.
func sameJSON(t *testing.T, got any, want json.RawMessage) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(mustJSON(t, got), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

// TestSparkplugGoldenExplode makes one record per metric of the Tahu-encoded payloads
// (explode=true) and checks each record's value type and value against expected.json.
func TestSparkplugGoldenExplode(t *testing.T) {
	dir := filepath.Join("testdata", "sparkplug")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []struct {
		File    string
		Topic   string
		Metrics []struct {
			Name     *string
			Datatype string
			IsNull   bool `json:"is_null"`
			Field    string
			Value    json.RawMessage
		}
	}
	if err := json.Unmarshal(raw, &files); err != nil {
		t.Fatal(err)
	}
	tr := mustTransform(t, sparkplugClass, connector.Config{"explode": "true"}).(connector.MultiTransformation)
	types := map[string]connector.Type{"Int8": connector.TypeInt8, "Int16": connector.TypeInt16, "Int32": connector.TypeInt32,
		"Int64": connector.TypeInt64, "UInt8": connector.TypeInt16, "UInt16": connector.TypeInt32, "UInt32": connector.TypeInt64,
		"UInt64": connector.TypeInt64, "Float": connector.TypeFloat32, "Double": connector.TypeFloat64, "Boolean": connector.TypeBoolean,
		"String": connector.TypeString, "Text": connector.TypeString, "UUID": connector.TypeString, "DateTime": connector.TypeInt64,
		"Bytes": connector.TypeBytes, "File": connector.TypeBytes, "DataSet": connector.TypeStruct, "Template": connector.TypeStruct}
	n := 0
	for _, f := range files {
		payload, err := os.ReadFile(filepath.Join(dir, f.File))
		if err != nil {
			t.Fatal(err)
		}
		out, err := tr.ApplyMulti(spbRecord(f.Topic, payload))
		if err != nil {
			t.Fatalf("%s: %v", f.File, err)
		}
		if len(out) != len(f.Metrics) {
			t.Fatalf("%s: %d records, want %d", f.File, len(out), len(f.Metrics))
		}
		for i, w := range f.Metrics {
			n++
			r := out[i]
			st := r.Value.(*connector.Struct)
			if err := st.Validate(); err != nil {
				t.Fatal(err)
			}
			vs, _ := r.ValueSchema.Field("value")
			if r.ValueSchema.Name != "io.tributary.sparkplug.metric."+w.Datatype || vs.Schema.Type != types[w.Datatype] || get(st, "name") != *w.Name {
				t.Errorf("%s metric %d: schema %s, value %s", f.File, i, r.ValueSchema.Name, vs.Schema.Type)
				continue
			}
			got := get(st, "value")
			if w.Field == "dataset_value" || w.Field == "template_value" {
				if !sameJSON(t, spbConnectJSON(got), w.Value) {
					t.Errorf("%s %s: %s", f.File, *w.Name, mustJSON(t, spbConnectJSON(got)))
				}
				continue
			}
			want := goldenValue(t, w.Field, w.Value)
			if want != nil {
				switch w.Datatype {
				case "Int8":
					want = int8(want.(int32))
				case "Int16", "UInt8":
					want = int16(want.(int32))
				case "DateTime":
					want = time.UnixMilli(want.(int64)).UTC()
				}
			}
			if b, ok := want.([]byte); ok {
				if gb, _ := got.([]byte); !bytes.Equal(gb, b) {
					t.Errorf("%s %s: %v, want %v", f.File, *w.Name, got, b)
				}
			} else if got != want {
				t.Errorf("%s %s: %#v, want %#v", f.File, *w.Name, got, want)
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d metrics", n)
	}
}
