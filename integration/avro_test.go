//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/internal/testenv"
)

const avroConverter = "io.confluent.connect.avro.AvroConverter"

// fastavroDecoder is an independent reader of the Confluent wire format: it fetches each
// schema by id from the registry's /schemas/ids/{id} and decodes the Avro body with fastavro.
// Input on stdin: {"registry": url, "values": [hex, …]}; output: [{"id": n, "value": …}, …].
const fastavroDecoder = `
import io, json, struct, sys, urllib.request
import fastavro
req = json.load(sys.stdin)
cache, out = {}, []
for h in req["values"]:
    b = bytes.fromhex(h)
    if b[0] != 0:
        raise SystemExit("magic byte %d" % b[0])
    sid = struct.unpack(">i", b[1:5])[0]
    if sid not in cache:
        with urllib.request.urlopen("%s/schemas/ids/%d" % (req["registry"], sid)) as r:
            cache[sid] = fastavro.parse_schema(json.loads(json.load(r)["schema"]))
    out.append({"id": sid, "value": fastavro.schemaless_reader(io.BytesIO(b[5:]), cache[sid])})
json.dump(out, sys.stdout, default=str)
`

type avroDecoded struct {
	ID    int32          `json:"id"`
	Value map[string]any `json:"value"`
}

func decodeWithFastavro(t *testing.T, registry string, values [][]byte) []avroDecoded {
	t.Helper()
	var dec []avroDecoded
	runPythonReader(t, "fastavro decoder", fastavroDecoder, "fastavro", registry, values, &dec)
	return dec
}

func srRequest(t *testing.T, method, url string, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

// TestAvroConverter runs a real `tributary worker` with the MQTT connector, JsonPayload$Value
// (JSON → Struct) and value.converter=io.confluent.connect.avro.AvroConverter against the
// real Kafka and Apicurio (ccompat API). The records are decoded by an independent reader
// (Python fastavro, the schema fetched by id from the registry). The subject is set to
// BACKWARD compatibility first; then:
//   - v1 messages register version 1 of <topic>-value;
//   - messages with an extra member that is null (an optional field with default null, a
//     backward-compatible change) register version 2, and the records carry its id;
//   - a message whose seq is a string (INT64 → STRING, incompatible) fails the task, with
//     the registry's message in the trace.
func TestAvroConverter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	p := startRegistryPipeline(ctx, t, "avro", avroConverter, true)
	sr, base, names, subject, publish := p.sr, p.base, p.names, p.subject, p.publish
	const v1, v2 = 3, 2
	for i := range v1 {
		publish(i, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":true}`, i, i, 20+i))
	}
	for i := v1; i < v1+v2; i++ {
		publish(i, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":false,"note":null}`, i, i, 20+i))
	}
	values := p.values(ctx, t, v1+v2)
	dec := decodeWithFastavro(t, sr, values)
	idV1, idV2 := int32(binary.BigEndian.Uint32(values[0][1:5])), int32(binary.BigEndian.Uint32(values[v1][1:5]))
	if idV1 == idV2 {
		t.Errorf("the evolved schema has the same id %d", idV1)
	}
	for i, d := range dec {
		want := map[string]any{"device": fmt.Sprintf("dev-%d", i), "seq": float64(i), "temp": float64(20+i) + 0.5, "ok": i < v1}
		wantID := idV1
		if i >= v1 {
			want["note"] = nil
			wantID = idV2
		}
		if d.ID != wantID {
			t.Errorf("record %d: schema id %d, want %d", i, d.ID, wantID)
		}
		if fmt.Sprint(d.Value) != fmt.Sprint(want) {
			t.Errorf("record %d: fastavro decoded %v, want %v", i, d.Value, want)
		}
	}
	// The registered schemas: what AvroData.fromConnectSchema gives.
	_, b := srRequest(t, http.MethodGet, fmt.Sprintf("%s/schemas/ids/%d", sr, idV2), "")
	var got struct{ Schema string }
	_ = json.Unmarshal(b, &got)
	wantV2 := `{"type":"record","name":"Reading","namespace":"io.tributary.it","fields":[{"name":"device","type":"string"},{"name":"seq","type":"long"},{"name":"temp","type":"double"},{"name":"ok","type":"boolean"},{"name":"note","type":["null","string"],"default":null}],"connect.name":"io.tributary.it.Reading"}`
	var g, wv any
	_ = json.Unmarshal([]byte(got.Schema), &g)
	_ = json.Unmarshal([]byte(wantV2), &wv)
	if fmt.Sprint(g) != fmt.Sprint(wv) {
		t.Errorf("schema %d:\n got %s\nwant %s", idV2, got.Schema, wantV2)
	}
	if code, b := srRequest(t, http.MethodGet, sr+"/subjects/"+subject+"/versions", ""); code != 200 || string(bytes.TrimSpace(b)) != "[1,2]" {
		t.Errorf("versions of %s: %d %s, want [1,2]", subject, code, b)
	}

	// An incompatible change fails the task with the registry's message.
	publish(99, `{"device":"dev-99","seq":"not-a-number","temp":1.5,"ok":true,"note":null}`)
	trace := waitTaskFailed(ctx, t, base, names.Conn, true)
	if !strings.Contains(trace, "incompatible") || !strings.Contains(trace, "409") {
		t.Errorf("trace does not carry the registry's incompatibility message:\n%s", trace)
	}
	t.Logf("v1 id %d, v2 id %d; failed task trace: %.300s", idV1, idV2, trace)
}

// TestAvroConverterSchemaless: JsonPayload$Value with schemas.enable=false gives schemaless
// values (maps, lists, int64s, float64s, nulls), which the AvroConverter writes as Confluent's
// AvroData does, in its Anything record. The registry holds Java's ANYTHING_SCHEMA (the
// string of converters/testdata/java/avro_schemaless.golden.json) under <topic>-value, and
// fastavro decodes the record. (Reading it back is checked against Java's AvroData in
// converters' golden test.)
func TestAvroConverterSchemaless(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	p := startRegistryPipeline(ctx, t, "avro-schemaless", avroConverter, false, "transforms.parse.schemas.enable", "false")
	p.publish(0, `{"device":"dev-0","seq":7,"temp":20.5,"tags":["a",null],"nested":{"ok":true}}`)
	values := p.values(ctx, t, 1)
	id := int32(binary.BigEndian.Uint32(values[0][1:5]))

	// The registered schema is Java's ANYTHING_SCHEMA.
	var golden struct{ Schema string }
	gb, err := os.ReadFile("../converters/testdata/java/avro_schemaless.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(gb, &golden); err != nil {
		t.Fatal(err)
	}
	_, b := srRequest(t, http.MethodGet, fmt.Sprintf("%s/schemas/ids/%d", p.sr, id), "")
	var got struct{ Schema string }
	_ = json.Unmarshal(b, &got)
	var g, w any
	_ = json.Unmarshal([]byte(got.Schema), &g)
	_ = json.Unmarshal([]byte(golden.Schema), &w)
	if g == nil || fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("schema %d:\n got %s\nwant %s", id, got.Schema, golden.Schema)
	}
	if code, b := srRequest(t, http.MethodGet, p.sr+"/subjects/"+p.subject+"/versions", ""); code != 200 || string(bytes.TrimSpace(b)) != "[1]" {
		t.Errorf("versions of %s: %d %s, want [1]", p.subject, code, b)
	}

	// fastavro: a map is the "map" field, a list of {key, value} Anything records.
	dec := decodeWithFastavro(t, p.sr, values)
	entries, _ := dec[0].Value["map"].([]any)
	var keys []string
	fields := map[string]map[string]any{}
	for _, e := range entries {
		kv, _ := e.(map[string]any)
		k, _ := kv["key"].(map[string]any)
		v, _ := kv["value"].(map[string]any)
		ks, _ := k["string"].(string)
		keys = append(keys, ks)
		fields[ks] = v
	}
	if fmt.Sprint(keys) != "[device nested seq tags temp]" || fields["seq"]["long"] != float64(7) ||
		fields["temp"]["double"] != 20.5 || fields["device"]["string"] != "dev-0" {
		t.Errorf("fastavro decoded %v", dec[0].Value)
	}
}

// TestAvroConverterRegistryErrorToDLQ: with errors.tolerance=all, a record whose schema the
// registry refuses (incompatible under BACKWARD) goes to the dead-letter queue with the
// registry's message in __connect.errors.exception.message, and the good records around it
// are written.
func TestAvroConverterRegistryErrorToDLQ(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	sr := strings.TrimRight(testenv.Get(t, testenv.SchemaRegistry), "/")
	w := startWorker(t, ctx, nil)
	base := w.URL
	requireConverter(t, base, avroConverter)

	names := newMQTTNames("avro-dlq")
	dlq := names.Kafka + ".dlq"
	if code, b := srRequest(t, http.MethodPut, sr+"/config/"+names.Kafka+"-value", `{"compatibility":"BACKWARD"}`); code != 200 {
		t.Fatalf("PUT /config: %d %s", code, b)
	}
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), names.MQTT+"/#", names.Kafka,
		"mqtt.qos", "1",
		"value.converter", avroConverter,
		"value.converter.schema.registry.url", sr,
		"transforms", "parse",
		"transforms.parse.type", jsonPayloadValue,
		"errors.tolerance", "all",
		"errors.deadletterqueue.topic.name", dlq,
		"errors.deadletterqueue.topic.replication.factor", "1",
		"errors.deadletterqueue.context.headers.enable", "true",
	)
	clientID := names.Conn + "-0"
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, clientID) })
	waitTasksRunning(ctx, t, base, names.Conn, 1)

	pub := mqttPublisher(ctx, t)
	for _, p := range []string{`{"seq":1}`, `{"seq":"two"}`, `{"seq":3}`} {
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: names.MQTT + "/dev", QoS: 1, Payload: []byte(p)}); err != nil {
			t.Fatal(err)
		}
	}
	got := consumeTopics(ctx, t, []string{names.Kafka, dlq}, atLeastPerTopic(map[string]int{names.Kafka: 2, dlq: 1}))
	good, dead := got[names.Kafka], got[dlq]
	if len(good) != 2 || len(dead) != 1 {
		t.Fatalf("%d records (want 2) and %d in the DLQ (want 1)", len(good), len(dead))
	}
	vals := [][]byte{good[0].Value, good[1].Value}
	for i, d := range decodeWithFastavro(t, sr, vals) {
		if want := fmt.Sprint(map[string]any{"seq": float64(2*i + 1)}); fmt.Sprint(d.Value) != want {
			t.Errorf("record %d: %v, want %s", i, d.Value, want)
		}
	}
	if string(dead[0].Value) != `{"seq":"two"}` {
		t.Errorf("DLQ value %q", dead[0].Value)
	}
	if msg, _ := dead[0].header1("__connect.errors.exception.message"); !strings.Contains(msg, "incompatible") {
		t.Errorf("DLQ exception message %q, want the registry's incompatibility message", msg)
	}
}
