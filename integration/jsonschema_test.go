//go:build integration

package integration

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

const jsonSchemaConverter = "io.confluent.connect.json.JsonSchemaConverter"

// jsonschemaValidator is an independent reader of the Confluent JSON Schema wire format: it
// fetches each schema by id from the registry's /schemas/ids/{id} and validates the JSON body
// against it with Python jsonschema (Draft 7, which Confluent's JSON Schema support targets).
// Input on stdin: {"registry": url, "values": [hex, …]}; output: [{"id": n, "value": …}, …].
const jsonschemaValidator = `
import json, struct, sys, urllib.request
import jsonschema
req = json.load(sys.stdin)
cache, out = {}, []
for h in req["values"]:
    b = bytes.fromhex(h)
    if b[0] != 0:
        raise SystemExit("magic byte %d" % b[0])
    sid = struct.unpack(">i", b[1:5])[0]
    if sid not in cache:
        with urllib.request.urlopen("%s/schemas/ids/%d" % (req["registry"], sid)) as r:
            schema = json.loads(json.load(r)["schema"])
        jsonschema.Draft7Validator.check_schema(schema)
        cache[sid] = jsonschema.Draft7Validator(schema)
    value = json.loads(b[5:].decode("utf-8"))
    cache[sid].validate(value)
    out.append({"id": sid, "value": value})
json.dump(out, sys.stdout)
`

func validateWithJSONSchema(t *testing.T, registry string, values [][]byte) []avroDecoded {
	t.Helper()
	var dec []avroDecoded
	runPythonReader(t, "jsonschema validator", jsonschemaValidator, "jsonschema", registry, values, &dec)
	return dec
}

// TestJSONSchemaConverter runs a real `tributary worker` with the MQTT connector,
// JsonPayload$Value (JSON → Struct) and value.converter=JsonSchemaConverter against the real
// Kafka and Apicurio (ccompat API). Each record's body is validated by Python jsonschema
// against the schema fetched by id from the registry, and the registered schema is checked:
// schemaType JSON under <topic>-value, with the expected JSON Schema document.
func TestJSONSchemaConverter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	p := startRegistryPipeline(ctx, t, "jsonschema", jsonSchemaConverter, false)
	sr, subject := p.sr, p.subject
	const n = 3
	for i := range n {
		p.publish(i, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":true}`, i, i, 20+i))
	}
	values := p.values(ctx, t, n)
	id := int32(binary.BigEndian.Uint32(values[0][1:5]))
	for i, d := range validateWithJSONSchema(t, sr, values) {
		want := map[string]any{"device": fmt.Sprintf("dev-%d", i), "seq": float64(i), "temp": float64(20+i) + 0.5, "ok": true}
		if d.ID != id {
			t.Errorf("record %d: schema id %d, want %d", i, d.ID, id)
		}
		if fmt.Sprint(d.Value) != fmt.Sprint(want) {
			t.Errorf("record %d: validated value %v, want %v", i, d.Value, want)
		}
	}

	// The registered schema: a JSON Schema under <topic>-value.
	code, b := srRequest(t, http.MethodGet, sr+"/subjects/"+subject+"/versions/latest", "")
	if code != 200 {
		t.Fatalf("GET latest of %s: %d %s", subject, code, b)
	}
	var latest struct {
		ID         int32  `json:"id"`
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := json.Unmarshal(b, &latest); err != nil {
		t.Fatalf("latest: %v: %s", err, b)
	}
	if latest.ID != id || latest.SchemaType != "JSON" {
		t.Errorf("latest of %s: id %d type %q, want id %d type JSON (%s)", subject, latest.ID, latest.SchemaType, id, b)
	}
	want := `{"type":"object","properties":{` +
		`"device":{"type":"string","connect.index":0},` +
		`"seq":{"type":"integer","connect.type":"int64","connect.index":1},` +
		`"temp":{"type":"number","connect.type":"float64","connect.index":2},` +
		`"ok":{"type":"boolean","connect.index":3}},"title":"io.tributary.it.Reading"}`
	var g, wv any
	_ = json.Unmarshal([]byte(latest.Schema), &g)
	_ = json.Unmarshal([]byte(want), &wv)
	if fmt.Sprint(g) != fmt.Sprint(wv) {
		t.Errorf("registered schema:\n got %s\nwant %s", latest.Schema, want)
	}
}
