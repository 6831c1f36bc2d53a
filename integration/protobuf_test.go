//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const protobufConverter = "io.confluent.connect.protobuf.ProtobufConverter"

// protocDecoder is an independent reader of the Confluent Protobuf wire format: for each
// value it reads magic 0, the schema id and the message-index path (zigzag varints), fetches
// the schema by id from the registry's /schemas/ids/{id}, compiles it with protoc
// (grpc_tools, --include_imports) into a descriptor set, builds the message class with
// google.protobuf.message_factory and parses the rest. The imports protoc does not ship
// (confluent/*, google/type/*) are written as minimal files of the same messages.
// Input on stdin: {"registry": url, "values": [hex, …]};
// output: [{"id": n, "indexes": […], "message": full name, "value": {field: value}}, …].
const protocDecoder = `
import json, os, struct, subprocess, sys, tempfile, urllib.request
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

STUBS = {
  "confluent/meta.proto": 'syntax = "proto3";\npackage confluent;\nimport "google/protobuf/descriptor.proto";\nmessage Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }\nextend google.protobuf.FieldOptions { Meta field_meta = 1088; }\n',
  "confluent/type/decimal.proto": 'syntax = "proto3";\npackage confluent.type;\nmessage Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }\n',
  "google/type/date.proto": 'syntax = "proto3";\npackage google.type;\nmessage Date { int32 year = 1; int32 month = 2; int32 day = 3; }\n',
  "google/type/timeofday.proto": 'syntax = "proto3";\npackage google.type;\nmessage TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }\n',
}

def varint(b, i):
    shift = result = 0
    while True:
        c = b[i]; i += 1
        result |= (c & 0x7f) << shift
        shift += 7
        if not c & 0x80:
            return (result >> 1) ^ -(result & 1), i

tmp = tempfile.mkdtemp()
for path, text in STUBS.items():
    os.makedirs(os.path.join(tmp, os.path.dirname(path)), exist_ok=True)
    with open(os.path.join(tmp, path), "w") as f:
        f.write(text)

def to_py(v):
    if isinstance(v, bytes):
        return v.hex()
    if hasattr(v, "DESCRIPTOR"):
        return {f.name: to_py(getattr(v, f.name)) for f in v.DESCRIPTOR.fields}
    if hasattr(v, "__iter__") and not isinstance(v, str):
        return [to_py(x) for x in v]
    return v

req = json.load(sys.stdin)
cache, out = {}, []
for h in req["values"]:
    b = bytes.fromhex(h)
    if b[0] != 0:
        raise SystemExit("magic byte %d" % b[0])
    sid = struct.unpack(">i", b[1:5])[0]
    n, i = varint(b, 5)
    idx = [0] if n == 0 else []
    for _ in range(n):
        x, i = varint(b, i)
        idx.append(x)
    if sid not in cache:
        with urllib.request.urlopen("%s/schemas/ids/%d" % (req["registry"], sid)) as r:
            schema = json.load(r)["schema"]
        name = "schema_%d.proto" % sid
        with open(os.path.join(tmp, name), "w") as f:
            f.write(schema)
        desc = os.path.join(tmp, "schema_%d.pb" % sid)
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", tmp, "--include_imports",
                        "--descriptor_set_out=" + desc, name], check=True, cwd=tmp)
        fds = descriptor_pb2.FileDescriptorSet()
        with open(desc, "rb") as f:
            fds.ParseFromString(f.read())
        pool = descriptor_pool.DescriptorPool()
        for fdp in fds.file:
            pool.Add(fdp)
        cache[sid] = (pool, [fdp for fdp in fds.file if fdp.name == name][0])
    pool, fdp = cache[sid]
    msgs, full = fdp.message_type, fdp.package
    for k in idx:
        m = msgs[k]
        full = (full + "." if full else "") + m.name
        msgs = m.nested_type
    cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(full))
    msg = cls()
    msg.ParseFromString(b[i:])
    out.append({"id": sid, "indexes": idx, "message": full, "value": to_py(msg)})
json.dump(out, sys.stdout)
`

type protoDecoded struct {
	ID      int32          `json:"id"`
	Indexes []int          `json:"indexes"`
	Message string         `json:"message"`
	Value   map[string]any `json:"value"`
}

func decodeWithProtoc(t *testing.T, registry string, values [][]byte) []protoDecoded {
	t.Helper()
	var dec []protoDecoded
	runPythonReader(t, "protoc decoder", protocDecoder, "grpc_tools.protoc, google.protobuf.message_factory", registry, values, &dec)
	return dec
}

// TestProtobufConverter runs a real `tributary worker` with the MQTT connector,
// JsonPayload$Value (JSON → Struct) and value.converter=ProtobufConverter against the real
// Kafka and Apicurio (ccompat API). The records are decoded by an independent reader
// (protoc from grpcio-tools and Python protobuf, the schema fetched by id). The subject is
// set to BACKWARD compatibility first; then:
//   - v1 messages register version 1 of <topic>-value, a proto3 schema;
//   - messages with an extra member (a new field 5, a backward-compatible change) register
//     version 2, and the records carry its id;
//   - a message whose seq is a string (int64 → string, which Apicurio's Protobuf checker
//     reports as "Field type changed") fails the task, with the registry's message in the
//     trace.
func TestProtobufConverter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	p := startRegistryPipeline(ctx, t, "protobuf", protobufConverter, true)
	sr, base, names, subject, publish := p.sr, p.base, p.names, p.subject, p.publish
	const v1, v2 = 3, 2
	for i := range v1 {
		publish(i, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":true}`, i, i, 20+i))
	}
	for i := v1; i < v1+v2; i++ {
		publish(i, fmt.Sprintf(`{"device":"dev-%d","seq":%d,"temp":%d.5,"ok":false,"note":"n-%d"}`, i, i, 20+i, i))
	}
	values := p.values(ctx, t, v1+v2)
	for i, v := range values {
		if len(v) < 6 || v[5] != 0 {
			t.Fatalf("record %d: no message index 0 after the schema id: % x", i, v)
		}
	}
	dec := decodeWithProtoc(t, sr, values)
	idV1, idV2 := int32(binary.BigEndian.Uint32(values[0][1:5])), int32(binary.BigEndian.Uint32(values[v1][1:5]))
	if idV1 == idV2 {
		t.Errorf("the evolved schema has the same id %d", idV1)
	}
	for i, d := range dec {
		want := map[string]any{"device": fmt.Sprintf("dev-%d", i), "seq": float64(i), "temp": float64(20+i) + 0.5, "ok": i < v1}
		wantID := idV1
		if i >= v1 {
			want["note"] = fmt.Sprintf("n-%d", i)
			wantID = idV2
		}
		if d.ID != wantID || d.Message != "io.tributary.it.Reading" || fmt.Sprint(d.Indexes) != "[0]" {
			t.Errorf("record %d: schema id %d message %s indexes %v, want id %d io.tributary.it.Reading [0]", i, d.ID, d.Message, d.Indexes, wantID)
		}
		if fmt.Sprint(d.Value) != fmt.Sprint(want) {
			t.Errorf("record %d: protoc decoded %v, want %v", i, d.Value, want)
		}
	}
	// The registered schemas: what ProtobufData.fromConnectSchema gives.
	code, b := srRequest(t, http.MethodGet, sr+"/subjects/"+subject+"/versions/latest", "")
	var latest struct {
		ID         int32  `json:"id"`
		Version    int    `json:"version"`
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := json.Unmarshal(b, &latest); code != 200 || err != nil {
		t.Fatalf("GET latest of %s: %d %s", subject, code, b)
	}
	wantV2 := "syntax = \"proto3\";\npackage io.tributary.it;\n\nmessage Reading {\n  string device = 1;\n  int64 seq = 2;\n" +
		"  double temp = 3;\n  bool ok = 4;\n  string note = 5;\n}\n"
	if latest.ID != idV2 || latest.Version != 2 || latest.SchemaType != "PROTOBUF" || latest.Schema != wantV2 {
		t.Errorf("latest of %s: id %d version %d type %q schema\n%s\nwant id %d version 2 PROTOBUF\n%s", subject,
			latest.ID, latest.Version, latest.SchemaType, latest.Schema, idV2, wantV2)
	}
	if code, b := srRequest(t, http.MethodGet, sr+"/subjects/"+subject+"/versions", ""); code != 200 || string(bytes.TrimSpace(b)) != "[1,2]" {
		t.Errorf("versions of %s: %d %s, want [1,2]", subject, code, b)
	}

	// An incompatible change fails the task with the registry's message.
	publish(99, `{"device":"dev-99","seq":"not-a-number","temp":1.5,"ok":true,"note":"x"}`)
	trace := waitTaskFailed(ctx, t, base, names.Conn, true)
	if !strings.Contains(trace, "incompatible") || !strings.Contains(trace, "409") {
		t.Errorf("trace does not carry the registry's incompatibility message:\n%s", trace)
	}
	t.Logf("v1 id %d, v2 id %d; failed task trace: %.400s", idV1, idV2, trace)
}
