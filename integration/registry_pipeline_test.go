//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// runPythonReader runs one of the independent readers of the Confluent wire format: a
// python3 script (which needs the modules in imports, installed by make deps) that reads
// {"registry": url, "values": [hex, …]} on stdin, fetches each schema by id from the registry
// and writes its decoding as JSON, which is unmarshalled into out.
func runPythonReader(t *testing.T, what, script, imports, registry string, values [][]byte, out any) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import "+imports).Run(); err != nil {
		t.Fatalf("%s needs python3 with %s (make deps installs them): %v", what, imports, err)
	}
	path := filepath.Join(t.TempDir(), "reader.py")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	hexes := make([]string, len(values))
	for i, v := range values {
		hexes[i] = hex.EncodeToString(v)
	}
	body, _ := json.Marshal(map[string]any{"registry": registry, "values": hexes})
	cmd := exec.Command("python3", path)
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, stderr.String())
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s output %s: %v", what, data, err)
	}
}

// registryPipeline is a running `tributary worker` with an MQTT connector whose JSON
// payloads become Structs (JsonPayload$Value, schema io.tributary.it.Reading) written by a
// Schema Registry converter into the real Kafka and registry.
type registryPipeline struct {
	sr, base string
	names    mqttNames
	subject  string // <topic>-value
	publish  func(i int, payload string)
}

// startRegistryPipeline starts the pipeline with value.converter=converter; with backward,
// the subject's compatibility is set to BACKWARD first. kv are more connector keys.
func startRegistryPipeline(ctx context.Context, t *testing.T, tag, converter string, backward bool, kv ...string) *registryPipeline {
	t.Helper()
	p := &registryPipeline{sr: strings.TrimRight(testenv.Get(t, testenv.SchemaRegistry), "/")}
	p.base = startWorker(t, ctx, nil).URL
	requireConverter(t, p.base, converter)
	p.names = newMQTTNames(tag)
	p.subject = p.names.Kafka + "-value"
	if backward {
		if code, b := srRequest(t, http.MethodPut, p.sr+"/config/"+p.subject, `{"compatibility":"BACKWARD"}`); code != 200 {
			t.Fatalf("PUT /config/%s: %d %s", p.subject, code, b)
		}
	}
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), p.names.MQTT+"/#", p.names.Kafka, append([]string{
		"mqtt.qos", "1",
		"value.converter", converter,
		"value.converter.schema.registry.url", p.sr,
		"transforms", "parse",
		"transforms.parse.type", jsonPayloadValue,
		"transforms.parse.schema.name", "io.tributary.it.Reading",
	}, kv...)...)
	clientID := p.names.Conn + "-0"
	createConnector(t, p.base, p.names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, p.base, p.names.Conn, clientID) })
	waitTasksRunning(ctx, t, p.base, p.names.Conn, 1)
	pub := mqttPublisher(ctx, t)
	p.publish = func(i int, payload string) {
		t.Helper()
		m := &paho.Publish{Topic: fmt.Sprintf("%s/dev-%d", p.names.MQTT, i), QoS: 1, Payload: []byte(payload)}
		if _, err := pub.Publish(ctx, m); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	return p
}

// values waits for n records and returns their values, each checked to start with the
// Confluent wire format's magic byte and schema id.
func (p *registryPipeline) values(ctx context.Context, t *testing.T, n int) [][]byte {
	t.Helper()
	recs := consumeAll(ctx, t, p.names.Kafka, n)
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	values := make([][]byte, len(recs))
	for i, r := range recs {
		if len(r.Value) < 5 || r.Value[0] != 0 {
			t.Fatalf("record %d: not in the Confluent wire format: % x", i, r.Value)
		}
		values[i] = r.Value
	}
	return values
}

// requireConverter fails the test when the worker does not list the converter class.
func requireConverter(t *testing.T, base, class string) {
	t.Helper()
	code, body := httpDo(t, http.MethodGet, base+"/connector-plugins?connectorsOnly=false", nil)
	if code != http.StatusOK {
		t.Fatalf("GET /connector-plugins: %d %s", code, body)
	}
	var plugins []struct {
		Class string `json:"class"`
	}
	if err := json.Unmarshal(body, &plugins); err != nil {
		t.Fatalf("GET /connector-plugins: %v: %s", err, body)
	}
	for _, p := range plugins {
		if p.Class == class {
			return
		}
	}
	t.Fatalf("%s is not registered (cmd/tributary/plugins.go)", class)
}
