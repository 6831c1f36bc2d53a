package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"google.golang.org/protobuf/encoding/protowire"
)

func TestBadInputIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"wrker"}, `unknown command "wrker"`},
		{"worker without file", []string{"worker"}, "usage: tributary worker"},
		{"missing file", []string{"worker", filepath.Join(dir, "nope")}, "does not exist"},
		{"directory", []string{"worker", dir}, "worker config file"},
		{"bad escape", []string{"worker", write("a.properties", "k=\\uZZZZ\n")}, "malformed"},
		{"missing key", []string{"worker", write("b.properties", "group.id=g\n")}, `Missing required configuration "config.storage.topic"`},
		{"dev with argument", []string{"dev", "extra"}, "dev takes no arguments"},
		{"dev bad flag", []string{"dev", "--nope"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v (usage error: %v), want a one-line usage error containing %q", err, errors.As(err, &ue), tc.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout.String(), "tributary ") {
		t.Fatalf("version printed %q", stdout.String())
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestDevStackAnswers runs `tributary dev` on free ports: GET / answers with the embedded
// Kafka's cluster id, the MQTT and registry ports accept connections, and cancelling the
// context stops everything.
func TestDevStackAnswers(t *testing.T) {
	mqttAddr, kafkaAddr, srAddr, restAddr := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stdout, stderr syncBuffer
	go func() {
		done <- run(ctx, []string{"dev", "--mqtt", mqttAddr, "--kafka", kafkaAddr, "--schema-registry", srAddr, "--rest", restAddr}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	var info map[string]string
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + restAddr + "/")
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&info)
			resp.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("dev exited early: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if info["kafka_cluster_id"] == "" || info["version"] == "" {
		t.Fatalf("GET / = %v; stderr:\n%s", info, stderr.String())
	}
	for _, a := range []string{mqttAddr, kafkaAddr} {
		c, err := net.DialTimeout("tcp", a, 2*time.Second)
		if err != nil {
			t.Fatalf("dial %s: %v", a, err)
		}
		c.Close()
	}
	resp, err := http.Get("http://" + srAddr + "/subjects")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("schema registry GET /subjects: %v %v", resp, err)
	}
	resp.Body.Close()
	// The quickstart is printed once the worker has read its internal topics.
	for !strings.Contains(stdout.String(), "Worker REST API  http://"+restAddr) {
		if time.Now().After(deadline) {
			t.Fatalf("quickstart not printed:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		<-time.After(50 * time.Millisecond) // poll stdout until the deadline
	}

	// The README quickstart: the example connector JSON, a file, records read back.
	example, err := os.ReadFile("../../examples/filestream-source.json")
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Name   string            `json:"name"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(example, &req); err != nil {
		t.Fatalf("examples/filestream-source.json: %v", err)
	}
	input := filepath.Join(t.TempDir(), "quickstart.txt")
	if err := os.WriteFile(input, []byte("hello\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	req.Config["file"] = input
	body, _ := json.Marshal(req)
	resp, err = http.Post("http://"+restAddr+"/connectors", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating the quickstart connector: %v %v", resp, err)
	}
	resp.Body.Close()
	var out bytes.Buffer
	if err := run(ctx, []string{"consume", "--bootstrap-server", kafkaAddr, "--topic", req.Config["topic"], "--max", "2", "--idle", "20s"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	want := "\t{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"hello\"}\n" +
		"\t{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"world\"}\n"
	if out.String() != want {
		t.Fatalf("consume printed %q, want %q", out.String(), want)
	}

	mqttQuickstart(ctx, t, restAddr, mqttAddr, kafkaAddr)
	sparkplugQuickstart(ctx, t, restAddr, mqttAddr, kafkaAddr, srAddr)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("dev returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("dev did not stop")
	}
	if _, err := net.DialTimeout("tcp", restAddr, time.Second); err == nil {
		t.Fatal("REST port still open after stop")
	}
}

// TestDevPortInUse shows the one-line error for a busy port.
func TestDevPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	err = run(context.Background(), []string{"dev", "--mqtt", busy.Addr().String(), "--kafka", freeAddr(t), "--schema-registry", freeAddr(t), "--rest", freeAddr(t)}, &bytes.Buffer{}, &bytes.Buffer{})
	want := fmt.Sprintf("embedded MQTT broker on %s: bind: address already in use", busy.Addr())
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mqttQuickstart runs the README's MQTT quickstart on the dev stack: the example connector
// JSON as it is (only the broker address differs when the test picked other ports), one
// message published to the embedded broker, the record read back from Kafka.
func mqttQuickstart(ctx context.Context, t *testing.T, restAddr, mqttAddr, kafkaAddr string) {
	t.Helper()
	// A task is RUNNING once it has subscribed; a message published before that has no
	// subscriber and the broker discards it.
	_, cfg := postExample(t, restAddr, "mqtt-source.json", map[string]string{"mqtt.server.uri": "tcp://" + mqttAddr})

	conn, err := net.DialTimeout("tcp", mqttAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cl := paho.NewClient(paho.ClientConfig{ClientID: "quickstart-publisher", Conn: conn})
	if _, err := cl.Connect(ctx, &paho.Connect{ClientID: "quickstart-publisher", CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cl.Disconnect(&paho.Disconnect{}) }()
	if _, err := cl.Publish(ctx, &paho.Publish{Topic: "sensors/room1/temp", QoS: 1, Payload: []byte(`{"c":21.5}`)}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"consume", "--bootstrap-server", kafkaAddr, "--topic", cfg["kafka.topic"], "--max", "1", "--idle", "20s"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if want := "sensors/room1/temp\t{\"c\":21.5}\n"; out.String() != want {
		t.Fatalf("consume printed %q, want %q", out.String(), want)
	}
}

// postExample creates the connector of an examples/ JSON file, with overrides, and waits for
// its task to run.
func postExample(t *testing.T, restAddr, file string, overrides map[string]string) (string, map[string]string) {
	t.Helper()
	example, err := os.ReadFile("../../examples/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Name   string            `json:"name"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(example, &req); err != nil {
		t.Fatalf("examples/%s: %v", file, err)
	}
	for k, v := range overrides {
		req.Config[k] = v
	}
	body, _ := json.Marshal(req)
	resp, err := http.Post("http://"+restAddr+"/connectors", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating the connector of examples/%s: %v %v", file, resp, err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var st struct {
			Tasks []struct{ State, Trace string }
		}
		if r, err := http.Get("http://" + restAddr + "/connectors/" + req.Name + "/status"); err == nil {
			_ = json.NewDecoder(r.Body).Decode(&st)
			r.Body.Close()
		}
		if len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING" {
			return req.Name, req.Config
		}
		if len(st.Tasks) == 1 && st.Tasks[0].State == "FAILED" || time.Now().After(deadline) {
			t.Fatalf("examples/%s: task not RUNNING: %+v", file, st)
		}
		<-time.After(50 * time.Millisecond)
	}
}

// spbTestPayload encodes a Sparkplug B payload (timestamp 1, metrics 2, seq 3) whose metrics
// (name 1, alias 2, datatype 4, long_value 11, double_value 13) are given as name, alias,
// datatype and value (int64 or float64); an empty name sends the alias alone.
func spbTestPayload(seq uint64, metrics ...[4]any) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, 1_700_000_000_000)
	for _, m := range metrics {
		var mb []byte
		if name := m[0].(string); name != "" {
			mb = protowire.AppendTag(mb, 1, protowire.BytesType)
			mb = protowire.AppendString(mb, name)
			mb = protowire.AppendTag(mb, 4, protowire.VarintType)
			mb = protowire.AppendVarint(mb, uint64(m[2].(int)))
		}
		mb = protowire.AppendTag(mb, 2, protowire.VarintType)
		mb = protowire.AppendVarint(mb, uint64(m[1].(int)))
		switch v := m[3].(type) {
		case int64:
			mb = protowire.AppendTag(mb, 11, protowire.VarintType)
			mb = protowire.AppendVarint(mb, uint64(v))
		case float64:
			mb = protowire.AppendTag(mb, 13, protowire.Fixed64Type)
			mb = protowire.AppendFixed64(mb, math.Float64bits(v))
		}
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, mb)
	}
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	return protowire.AppendVarint(b, seq)
}

// sparkplugQuickstart runs examples/mqtt-sparkplug-avro.json on the dev stack: an NBIRTH with
// a Double and an Int64 metric and an NDATA by alias become three Avro records, and the
// embedded registry holds one subject per data type (RecordNameStrategy).
func sparkplugQuickstart(ctx context.Context, t *testing.T, restAddr, mqttAddr, kafkaAddr, srAddr string) {
	t.Helper()
	_, cfg := postExample(t, restAddr, "mqtt-sparkplug-avro.json", map[string]string{
		"mqtt.server.uri":                     "tcp://" + mqttAddr,
		"value.converter.schema.registry.url": "http://" + srAddr,
	})
	conn, err := net.DialTimeout("tcp", mqttAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cl := paho.NewClient(paho.ClientConfig{ClientID: "spb-edge", Conn: conn})
	if _, err := cl.Connect(ctx, &paho.Connect{ClientID: "spb-edge", CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cl.Disconnect(&paho.Disconnect{}) }()
	const double, int64Type = 10, 4
	for _, m := range []struct {
		topic   string
		payload []byte
	}{
		{"spBv1.0/plant/NBIRTH/edge1", spbTestPayload(0, [4]any{"Temperature", 1, double, 21.5}, [4]any{"Count", 2, int64Type, int64(7)})},
		{"spBv1.0/plant/NDATA/edge1", spbTestPayload(1, [4]any{"", 1, 0, 22.0})},
	} {
		if _, err := cl.Publish(ctx, &paho.Publish{Topic: m.topic, QoS: 1, Payload: m.payload}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"consume", "--bootstrap-server", kafkaAddr, "--topic", cfg["kafka.topic"], "--max", "3", "--idle", "20s"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	// The BIRTH's two metrics and the DATA's one, resolved from its alias.
	for key, want := range map[string]int{"plant/edge1/Temperature\t": 2, "plant/edge1/Count\t": 1} {
		if n := strings.Count(out.String(), key); n != want {
			t.Errorf("%d records keyed %q, want %d, in %q", n, key, want, out.String())
		}
	}
	resp, err := http.Get("http://" + srAddr + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	_ = json.NewDecoder(resp.Body).Decode(&subjects)
	resp.Body.Close()
	slices.Sort(subjects)
	if want := []string{"io.tributary.sparkplug.metric.Double", "io.tributary.sparkplug.metric.Int64"}; !slices.Equal(subjects, want) {
		t.Errorf("subjects = %v, want %v (one per data type)", subjects, want)
	}
}
