package transforms

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
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
	if len(files) != 5 {
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
