//go:build integration

package integration

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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
// JsonPayload$Value (JSON → Struct) and value.converter=JsonSchemaConverter with
// object.additional.properties=false against the real Kafka and Apicurio (ccompat API), the
// subject under BACKWARD compatibility:
//   - each record's body is validated by Python jsonschema against the schema fetched by id
//     from the registry, and version 1 is the expected JSON Schema document (schemaType JSON);
//   - a message with an extra optional member registers version 2 (a closed content model may
//     gain an optional property under BACKWARD; with the default open model Apicurio, like
//     Confluent, reports "property schemas narrowed");
//   - a message whose seq is a string fails the task with the registry's message.
func TestJSONSchemaConverter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	p := startRegistryPipeline(ctx, t, "jsonschema", jsonSchemaConverter, true,
		"value.converter.object.additional.properties", "false")
	sr, subject := p.sr, p.subject
	const n = 3
	for i := range n {
		p.publish(i, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":true}`, i, i, 20+i))
	}
	p.publish(n, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":false,"note":"n-%d"}`, n, n, 20+n, n))
	values := p.values(ctx, t, n+1)
	id1, id2 := int32(binary.BigEndian.Uint32(values[0][1:5])), int32(binary.BigEndian.Uint32(values[n][1:5]))
	if id1 == id2 {
		t.Errorf("the evolved schema has the same id %d", id1)
	}
	for i, d := range validateWithJSONSchema(t, sr, values) {
		want := map[string]any{"device": fmt.Sprintf("dev-%d", i), "seq": float64(i), "temp": float64(20+i) + 0.5, "ok": i < n}
		wantID := id1
		if i == n {
			want["note"], wantID = fmt.Sprintf("n-%d", i), id2
		}
		if d.ID != wantID {
			t.Errorf("record %d: schema id %d, want %d", i, d.ID, wantID)
		}
		if fmt.Sprint(d.Value) != fmt.Sprint(want) {
			t.Errorf("record %d: validated value %v, want %v", i, d.Value, want)
		}
	}

	// The registered schemas: JSON Schemas under <topic>-value, version 1 as expected.
	version := func(v string) (id int32, schema, schemaType string) {
		t.Helper()
		code, b := srRequest(t, http.MethodGet, sr+"/subjects/"+subject+"/versions/"+v, "")
		var out struct {
			ID         int32  `json:"id"`
			Schema     string `json:"schema"`
			SchemaType string `json:"schemaType"`
		}
		if err := json.Unmarshal(b, &out); code != 200 || err != nil {
			t.Fatalf("GET version %s of %s: %d %s", v, subject, code, b)
		}
		return out.ID, out.Schema, out.SchemaType
	}
	gotID, schema, typ := version("1")
	if gotID != id1 || typ != "JSON" {
		t.Errorf("version 1 of %s: id %d type %q, want id %d type JSON", subject, gotID, typ, id1)
	}
	want := `{"type":"object","properties":{` +
		`"device":{"type":"string","connect.index":0},` +
		`"seq":{"type":"integer","connect.type":"int64","connect.index":1},` +
		`"temp":{"type":"number","connect.type":"float64","connect.index":2},` +
		`"ok":{"type":"boolean","connect.index":3}},"additionalProperties":false,"title":"io.tributary.it.Reading"}`
	var g, wv any
	_ = json.Unmarshal([]byte(schema), &g)
	_ = json.Unmarshal([]byte(want), &wv)
	if fmt.Sprint(g) != fmt.Sprint(wv) {
		t.Errorf("registered schema:\n got %s\nwant %s", schema, want)
	}
	if gotID, _, _ := version("2"); gotID != id2 {
		t.Errorf("version 2 of %s has id %d, want %d", subject, gotID, id2)
	}

	// An incompatible change fails the task with the registry's message.
	p.publish(99, `{"device":"dev-99","seq":"not-a-number","temp":1.5,"ok":true,"note":"x"}`)
	trace := waitTaskFailed(ctx, t, p.base, p.names.Conn, true)
	if !strings.Contains(trace, "incompatible") || !strings.Contains(trace, "409") {
		t.Errorf("trace does not carry the registry's incompatibility message:\n%s", trace)
	}
}
