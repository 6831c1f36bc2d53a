//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tahuDir holds Sparkplug B payloads encoded by Eclipse Tahu's own Python classes
// (transforms/testdata/sparkplug/gen_golden.py) and what each one holds (expected.json).
const tahuDir = "../transforms/testdata/sparkplug"

type tahuFile struct {
	File    string `json:"file"`
	Topic   string `json:"topic"`
	Metrics []struct {
		Name     string `json:"name"`
		Datatype string `json:"datatype"`
		Raw      any    `json:"value"`
	} `json:"metrics"`
}

func decodeNumbers(t *testing.T, b []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

// sameJSONValue compares a record's value with Tahu's: numbers by value (Java and Python
// print floats differently), bytes as base64, objects and arrays element by element.
func sameJSONValue(got, want any) bool {
	switch w := want.(type) {
	case json.Number:
		g, ok := got.(json.Number)
		if !ok {
			return false
		}
		if g.String() == w.String() {
			return true
		}
		gf, err1 := strconv.ParseFloat(g.String(), 64)
		wf, err2 := strconv.ParseFloat(w.String(), 64)
		return err1 == nil && err2 == nil && (gf == wf || math.Abs(gf-wf) <= 1e-12*math.Abs(wf))
	case map[string]any:
		if b64, ok := w["base64"]; ok && len(w) == 1 {
			return got == b64
		}
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			if !sameJSONValue(g[k], wv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameJSONValue(g[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return fmt.Sprint(got) == fmt.Sprint(want)
	}
}

// TestSparkplugBTahuPayloads publishes the payloads Eclipse Tahu encoded (an NBIRTH with
// every scalar data type, an NDATA by aliases, a DBIRTH, a DDATA with a null metric, an
// NDEATH, and an NBIRTH with a DataSet and a nested Template) through the real Mosquitto to a
// `tributary worker` running SparkplugB with explode=true and schemaless JSON values: each
// metric is one record in Kafka, in order, with the name (resolved from the BIRTH's aliases
// for the NDATA), data type and value Tahu encoded.
func TestSparkplugBTahuPayloads(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(tahuDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []tahuFile
	decodeNumbers(t, raw, &files)

	c := newSpbCase(t, "spbtahu")
	c.connect("value.converter", jsonConverter, "value.converter.schemas.enable", "false",
		"transforms.spb.explode", "true")
	want := 0
	for _, f := range files {
		payload, err := os.ReadFile(filepath.Join(tahuDir, f.File))
		if err != nil {
			t.Fatal(err)
		}
		c.publish(spbMsg{topic: strings.Replace(f.Topic, "spBv1.0/Plant1/", "spBv1.0/"+c.group+"/", 1), payload: payload})
		want += len(f.Metrics)
	}
	recs := consumeAll(c.ctx, t, c.names.Kafka, want)
	if len(recs) != want {
		t.Fatalf("%d records, want one per metric: %d", len(recs), want)
	}
	i := 0
	for _, f := range files {
		msgType := strings.Split(f.Topic, "/")[2]
		for _, m := range f.Metrics {
			var got map[string]any
			decodeNumbers(t, recs[i].Value, &got)
			if got["name"] != m.Name || got["datatype"] != m.Datatype || got["message_type"] != msgType || got["group"] != c.group {
				t.Errorf("record %d (%s, metric %s): %s", i, f.File, m.Name, recs[i].Value)
			} else if !sameJSONValue(got["value"], m.Raw) {
				t.Errorf("record %d (%s, metric %s %s): value %v, Tahu encoded %v", i, f.File, m.Name, m.Datatype, got["value"], m.Raw)
			}
			i++
		}
	}
	c.waitCommittedRunning(int64(len(files)))
}
