//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// TestMQTTConnector runs the MQTT source connector in a real `tributary worker` against the
// real Mosquitto and Kafka. The groups share one worker and run in parallel; every case has
// its own connector, Kafka topics and MQTT topic prefix. Inside a group, the connectors are
// created together and checked one by one, so the waiting overlaps.
func TestMQTTConnector(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	t.Cleanup(cancel)
	w := startWorker(t, ctx, nil)
	base := w.URL

	t.Run("QoS", func(t *testing.T) { t.Parallel(); testMQTTQoS(ctx, t, base) })
	t.Run("Listeners", func(t *testing.T) { t.Parallel(); testMQTTListeners(ctx, t, base) })
	t.Run("Refusals", func(t *testing.T) { t.Parallel(); testMQTTRefusals(ctx, t, base) })
	t.Run("UserPropertiesAsHeaders", func(t *testing.T) { t.Parallel(); testMQTTProperties(ctx, t, base) })
	t.Run("TopicTemplatesAndKeys", func(t *testing.T) { t.Parallel(); testMQTTTemplates(ctx, t, base) })
	t.Run("RetainedPolicy", func(t *testing.T) { t.Parallel(); testMQTTRetained(ctx, t, base) })
	t.Run("ConfluentConnectorJSON", func(t *testing.T) { t.Parallel(); testMQTTConfluentJSON(ctx, t, base) })
	t.Run("SharedSubscriptionsThreeTasks", func(t *testing.T) { t.Parallel(); testMQTTShared(ctx, t, base) })
	t.Run("ReducingTasksDrainsRemovedSessions", func(t *testing.T) { t.Parallel(); testMQTTReduceTasks(ctx, t, base) })
}

// testMQTTQoS: for QoS 0, 1, 2 × MQTT 5 and 3.1.1, numbered messages arrive in Kafka exactly
// as published and in order, keyed by the MQTT topic, with the mqtt.* headers (as the
// default SimpleHeaderConverter writes them); the offsets endpoint then shows
// {"client.id": "<prefix>-0"} → {"messages": N, "tasks": 1}.
func testMQTTQoS(ctx context.Context, t *testing.T, base string) {
	const n = 100
	type qcase struct {
		name, version string
		qos           byte
		names         mqttNames
		clientID      string
		sent          [][]byte
	}
	plain := testenv.Get(t, testenv.MQTT)
	var cases []*qcase
	for _, v := range []string{"5", "3.1.1"} {
		for q := byte(0); q <= 2; q++ {
			c := &qcase{name: fmt.Sprintf("v%s/qos%d", v, q), version: v, qos: q, names: newMQTTNames(fmt.Sprintf("qos%d-v%s", q, strings.ReplaceAll(v, ".", "")))}
			cfg := mqttConfig(plain, c.names.MQTT+"/#", c.names.Kafka, "mqtt.version", v, "mqtt.qos", strconv.Itoa(int(q)))
			c.clientID = c.names.Conn + "-0"
			if q == 1 { // mqtt.client.id.prefix names the client ids (and the offsets' partitions)
				cfg["mqtt.client.id.prefix"] = c.names.Conn + "-pfx"
				c.clientID = c.names.Conn + "-pfx-0"
			}
			createConnector(t, base, c.names.Conn, cfg)
			t.Cleanup(func() { deleteMQTTConnector(t, base, c.names.Conn, c.clientID) })
			cases = append(cases, c)
		}
	}
	for _, c := range cases {
		waitTasksRunning(ctx, t, base, c.names.Conn, 1)
	}
	pub := mqttPublisher(ctx, t)
	want := map[string]int{}
	for _, c := range cases {
		c.sent = publishNumbered(ctx, t, pub, c.names.MQTT+"/data", c.qos, "m", 0, n)
		want[c.names.Kafka] = n
	}
	got := consumeTopics(ctx, t, slices.Collect(maps.Keys(want)), atLeastPerTopic(want))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs := got[c.names.Kafka]
			if len(recs) != n {
				t.Fatalf("%d records in %s, want %d", len(recs), c.names.Kafka, n)
			}
			topic := c.names.MQTT + "/data"
			for i, r := range recs {
				if !bytes.Equal(r.Value, c.sent[i]) {
					t.Fatalf("record %d: value %q, want %q (all values must arrive once, in order)", i, r.Value, c.sent[i])
				}
				if string(r.Key) != topic {
					t.Fatalf("record %d: key %q, want the MQTT topic %q", i, r.Key, topic)
				}
				checkHeaders(t, i, r, map[string]string{
					"mqtt.topic": topic, "mqtt.qos": strconv.Itoa(int(c.qos)), "mqtt.retained": "false", "mqtt.duplicate": "false",
				})
				id, ok := r.header1("mqtt.message.id")
				pid, err := strconv.Atoi(id)
				switch {
				case !ok || err != nil:
					t.Fatalf("record %d: mqtt.message.id %q is not one number", i, r.header("mqtt.message.id"))
				case c.qos == 0 && pid != 0, c.qos > 0 && (pid < 1 || pid > 65535):
					t.Fatalf("record %d: mqtt.message.id %d at QoS %d", i, pid, c.qos)
				}
				if len(r.Headers) != 5 {
					t.Fatalf("record %d: headers %v, want only the five mqtt.* ones", i, headerKeys(r))
				}
			}
			offs := waitOffsets(ctx, t, base, c.names.Conn, func(o []map[string]any) bool {
				return mqttOffsets(o)[c.clientID] == [2]int64{n, 1}
			})
			if len(offs) != 1 {
				t.Fatalf("offsets %v, want one partition {client.id: %s}", offs, c.clientID)
			}
			t.Logf("%d records as published; offsets %v", n, offs)
		})
	}
}

func checkHeaders(t *testing.T, i int, r rec, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := r.header1(k); !ok || got != v {
			t.Fatalf("record %d: header %s = %q, want exactly one %q (headers %v)", i, k, r.header(k), v, headerKeys(r))
		}
	}
}

func headerKeys(r rec) []string {
	var out []string
	for _, h := range r.Headers {
		out = append(out, h.Key+"="+string(h.Value))
	}
	return out
}

// testMQTTListeners: records get through every Mosquitto listener the connector can use —
// TLS with a PEM CA, mutual TLS with PEM files, username/password, MQTT over WebSockets —
// and with Confluent-style Java stores: JKS and PKCS12 trust stores made with keytool for the
// TLS listener, PKCS12 and JKS key stores for the mTLS listener.
func testMQTTListeners(ctx context.Context, t *testing.T, base string) {
	const n = 20
	ca, cert, key := testenv.Get(t, testenv.TLSCA), testenv.Get(t, testenv.TLSClientCert), testenv.Get(t, testenv.TLSClientKey)
	tlsAddr, mtlsAddr := testenv.Get(t, testenv.MQTTTLS), testenv.Get(t, testenv.MQTTMTLS)
	jksTrust, p12Trust, p12Key, jksKey := javaStores(t)
	type lcase struct {
		name  string
		kv    []string
		names mqttNames
	}
	cases := []*lcase{
		{name: "tls-ca-file", kv: []string{"mqtt.server.uri", tlsAddr, "mqtt.ssl.ca.file", ca}},
		{name: "tls-ca-file-v3.1.1", kv: []string{"mqtt.server.uri", tlsAddr, "mqtt.ssl.ca.file", ca, "mqtt.version", "3.1.1"}},
		{name: "mtls-pem-files", kv: []string{"mqtt.server.uri", mtlsAddr, "mqtt.ssl.ca.file", ca, "mqtt.ssl.cert.file", cert, "mqtt.ssl.key.file", key}},
		{name: "mtls-pem-files-v3.1.1", kv: []string{"mqtt.server.uri", mtlsAddr, "mqtt.ssl.ca.file", ca, "mqtt.ssl.cert.file", cert, "mqtt.ssl.key.file", key, "mqtt.version", "3.1.1"}},
		{name: "username-password", kv: []string{"mqtt.server.uri", testenv.Get(t, testenv.MQTTAuth),
			"mqtt.username", testenv.Get(t, testenv.MQTTUsername), "mqtt.password", testenv.Get(t, testenv.MQTTPassword)}},
		{name: "username-password-v3.1.1", kv: []string{"mqtt.server.uri", testenv.Get(t, testenv.MQTTAuth), "mqtt.version", "3.1.1",
			"mqtt.username", testenv.Get(t, testenv.MQTTUsername), "mqtt.password", testenv.Get(t, testenv.MQTTPassword)}},
		{name: "websocket", kv: []string{"mqtt.server.uri", testenv.Get(t, testenv.MQTTWebSocket)}},
		{name: "websocket-v3.1.1", kv: []string{"mqtt.server.uri", testenv.Get(t, testenv.MQTTWebSocket), "mqtt.version", "3.1.1"}},
		{name: "tls-jks-trust-store", kv: []string{"mqtt.server.uri", tlsAddr, "mqtt.ssl.trust.store.path", jksTrust, "mqtt.ssl.trust.store.password", "changeit"}},
		{name: "tls-pkcs12-trust-store", kv: []string{"mqtt.server.uri", tlsAddr, "mqtt.ssl.trust.store.path", p12Trust, "mqtt.ssl.trust.store.password", "changeit"}},
		{name: "mtls-pkcs12-key-store", kv: []string{"mqtt.server.uri", mtlsAddr, "mqtt.ssl.trust.store.path", jksTrust, "mqtt.ssl.trust.store.password", "changeit",
			"mqtt.ssl.key.store.path", p12Key, "mqtt.ssl.key.store.password", "changeit"}},
		{name: "mtls-jks-key-store", kv: []string{"mqtt.server.uri", mtlsAddr, "mqtt.ssl.trust.store.path", p12Trust, "mqtt.ssl.trust.store.password", "changeit",
			"mqtt.ssl.key.store.path", jksKey, "mqtt.ssl.key.store.password", "changeit", "mqtt.ssl.key.password", "changeit"}},
	}
	for _, c := range cases {
		c.names = newMQTTNames("listener")
		cfg := mqttConfig("", c.names.MQTT+"/#", c.names.Kafka, c.kv...)
		createConnector(t, base, c.names.Conn, cfg)
		t.Cleanup(func() { deleteMQTTConnector(t, base, c.names.Conn, c.names.Conn+"-0") })
	}
	// The publisher uses the plain listener: Mosquitto routes across listeners.
	pub := mqttPublisher(ctx, t)
	want := map[string]int{}
	sent := map[string][][]byte{}
	for _, c := range cases {
		waitTasksRunning(ctx, t, base, c.names.Conn, 1)
		sent[c.names.Kafka] = publishNumbered(ctx, t, pub, c.names.MQTT+"/"+c.name, 1, c.name, 0, n)
		want[c.names.Kafka] = n
	}
	got := consumeTopics(ctx, t, slices.Collect(maps.Keys(want)), atLeastPerTopic(want))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs := got[c.names.Kafka]
			if len(recs) != n {
				t.Fatalf("%d records, want %d", len(recs), n)
			}
			for i, r := range recs {
				if !bytes.Equal(r.Value, sent[c.names.Kafka][i]) {
					t.Fatalf("record %d: %q, want %q", i, r.Value, sent[c.names.Kafka][i])
				}
			}
		})
	}
}

// testMQTTRefusals: a refused password and an untrusted client certificate fail the task at
// once (well before max.retry.time.ms) with the reason in the task's trace; a missing CA file
// is reported by /validate on mqtt.ssl.ca.file and POST /connectors answers 400. Mosquitto
// 2.0 refuses a wrong password with "Not authorized" (MQTT 5 reason code 0x87, 3.1.1 return
// code 5), not "Bad User Name or Password"; either is accepted.
func testMQTTRefusals(ctx context.Context, t *testing.T, base string) {
	const maxRetry = 20 * time.Second
	auth, mtls := testenv.Get(t, testenv.MQTTAuth), testenv.Get(t, testenv.MQTTMTLS)
	user := testenv.Get(t, testenv.MQTTUsername)
	ca := testenv.Get(t, testenv.TLSCA)
	badCert, badKey := testenv.Get(t, testenv.TLSUntrustedCert), testenv.Get(t, testenv.TLSUntrustedKey)
	type fcase struct {
		name  string
		kv    []string
		all   []string // the trace contains each of these
		any   []string // and one of these
		names mqttNames
		start time.Time
	}
	cases := []*fcase{
		{name: "wrong-password-v5", kv: []string{"mqtt.server.uri", auth, "mqtt.username", user, "mqtt.password", "not-the-password"},
			all: []string{"refused the connection"}, any: []string{"Bad User Name or Password", "Not authorized"}},
		{name: "wrong-password-v3.1.1", kv: []string{"mqtt.server.uri", auth, "mqtt.username", user, "mqtt.password", "not-the-password", "mqtt.version", "3.1.1"},
			all: []string{"refused the connection"}, any: []string{"bad user name or password", "not Authorized"}},
		{name: "untrusted-client-certificate-v5", kv: []string{"mqtt.server.uri", mtls, "mqtt.ssl.ca.file", ca, "mqtt.ssl.cert.file", badCert, "mqtt.ssl.key.file", badKey},
			all: []string{"TLS", "unknown certificate authority"}},
		{name: "untrusted-client-certificate-v3.1.1", kv: []string{"mqtt.server.uri", mtls, "mqtt.ssl.ca.file", ca, "mqtt.ssl.cert.file", badCert, "mqtt.ssl.key.file", badKey, "mqtt.version", "3.1.1"},
			all: []string{"TLS", "unknown certificate authority"}},
	}
	for _, c := range cases {
		c.names = newMQTTNames("refused")
		cfg := mqttConfig("", c.names.MQTT+"/#", c.names.Kafka, append(c.kv, "max.retry.time.ms", strconv.Itoa(int(maxRetry.Milliseconds())))...)
		c.start = time.Now()
		createConnector(t, base, c.names.Conn, cfg)
		t.Cleanup(func() { deleteConnector(base, c.names.Conn) })
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			trace := waitTaskFailed(ctx, t, base, c.names.Conn, false)
			took := time.Since(c.start)
			found := len(c.any) == 0
			for _, w := range c.any {
				found = found || strings.Contains(trace, w)
			}
			for _, w := range c.all {
				found = found && strings.Contains(trace, w)
			}
			firstLine, _, _ := strings.Cut(trace, "\n")
			if !found {
				t.Fatalf("task trace does not mention all of %q and one of %q:\n%s", c.all, c.any, trace)
			}
			if strings.Contains(trace, "could not connect") || took >= maxRetry {
				t.Fatalf("the refusal was retried until max.retry.time.ms (%s after creation) instead of failing the task at once:\n%s", took.Round(time.Millisecond), firstLine)
			}
			t.Logf("FAILED %s after creation: %s", took.Round(time.Millisecond), firstLine)
		})
	}

	t.Run("missing-ca-file", func(t *testing.T) {
		names := newMQTTNames("noca")
		missing := "/nonexistent/" + names.Conn + "/ca.crt"
		cfg := mqttConfig(testenv.Get(t, testenv.MQTTTLS), names.MQTT+"/#", names.Kafka, "mqtt.ssl.ca.file", missing, "name", names.Conn)
		code, body := httpDo(t, http.MethodPut, base+"/connector-plugins/MqttSourceConnector/config/validate", cfg)
		if code != http.StatusOK {
			t.Fatalf("validate: %d %s", code, body)
		}
		var v struct {
			ErrorCount int `json:"error_count"`
			Configs    []struct {
				Value struct {
					Name   string   `json:"name"`
					Errors []string `json:"errors"`
				} `json:"value"`
			} `json:"configs"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("validate: %v: %s", err, body)
		}
		var caErrors []string
		for _, c := range v.Configs {
			if c.Value.Name == "mqtt.ssl.ca.file" {
				caErrors = c.Value.Errors
			} else if len(c.Value.Errors) > 0 {
				t.Errorf("validate: unexpected errors on %s: %q", c.Value.Name, c.Value.Errors)
			}
		}
		if v.ErrorCount != 1 || len(caErrors) != 1 || !strings.Contains(caErrors[0], missing) {
			t.Fatalf("validate: error_count %d, errors on mqtt.ssl.ca.file %q; want one naming %s", v.ErrorCount, caErrors, missing)
		}
		t.Logf("validate: mqtt.ssl.ca.file: %s", caErrors[0])

		delete(cfg, "name")
		code, body = httpDo(t, http.MethodPost, base+"/connectors", map[string]any{"name": names.Conn, "config": cfg})
		if code != http.StatusBadRequest || !strings.Contains(string(body), missing) {
			deleteConnector(base, names.Conn)
			t.Fatalf("POST /connectors: %d %s; want 400 naming %s", code, body, missing)
		}
		t.Logf("POST /connectors: %d %s", code, body)
	})
}

// testMQTTProperties: MQTT 5 user properties become Kafka headers of the same names and values
// (repeated names kept, in order), and content type, response topic, correlation data,
// payload format and message expiry become mqtt.* headers. A message without properties has
// none of them. An MQTT 3.1.1 subscription of the same topic has no properties to forward.
func testMQTTProperties(ctx context.Context, t *testing.T, base string) {
	plain := testenv.Get(t, testenv.MQTT)
	v5, v3 := newMQTTNames("props5"), newMQTTNames("props3")
	topic := v5.MQTT + "/device/7"
	createConnector(t, base, v5.Conn, mqttConfig(plain, topic, v5.Kafka))
	t.Cleanup(func() { deleteMQTTConnector(t, base, v5.Conn, v5.Conn+"-0") })
	createConnector(t, base, v3.Conn, mqttConfig(plain, topic, v3.Kafka, "mqtt.version", "3.1.1"))
	t.Cleanup(func() { deleteMQTTConnector(t, base, v3.Conn, v3.Conn+"-0") })
	waitTasksRunning(ctx, t, base, v5.Conn, 1)
	waitTasksRunning(ctx, t, base, v3.Conn, 1)

	pub := mqttPublisher(ctx, t)
	format, expiry := byte(1), uint32(3600)
	correlation := []byte{0x00, 0x01, 0xfe, 0xff, 'c'}
	props := &paho.PublishProperties{
		User: paho.UserProperties{
			{Key: "device", Value: "sensor-7"}, {Key: "unit", Value: "°C"}, {Key: "tag", Value: "first"},
			{Key: "tag", Value: "second"}, {Key: "empty", Value: ""},
		},
		ContentType: "application/json", ResponseTopic: v5.MQTT + "/reply", CorrelationData: correlation,
		PayloadFormat: &format, MessageExpiry: &expiry,
	}
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(`{"c":21.5}`), Properties: props}); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte("plain")}); err != nil {
		t.Fatal(err)
	}
	got := consumeTopics(ctx, t, []string{v5.Kafka, v3.Kafka}, atLeastPerTopic(map[string]int{v5.Kafka: 2, v3.Kafka: 2}))

	recs := got[v5.Kafka]
	if len(recs) != 2 || string(recs[0].Value) != `{"c":21.5}` || string(recs[1].Value) != "plain" {
		t.Fatalf("MQTT 5 records: %d, want the two messages in order", len(recs))
	}
	r := recs[0]
	t.Logf("headers with properties: %v", headerKeys(r))
	for _, h := range props.User {
		if h.Key == "tag" {
			continue
		}
		if v, ok := r.header1(h.Key); !ok || v != h.Value {
			t.Errorf("user property %s=%q: header values %q", h.Key, h.Value, r.header(h.Key))
		}
	}
	if tags := r.header("tag"); !slices.Equal(tags, []string{"first", "second"}) {
		t.Errorf("repeated user property tag: headers %q, want [first second]", tags)
	}
	checkHeaders(t, 0, r, map[string]string{
		"mqtt.content.type": "application/json", "mqtt.response.topic": v5.MQTT + "/reply",
		"mqtt.correlation.data": base64.StdEncoding.EncodeToString(correlation), // bytes: SimpleHeaderConverter writes base64
		"mqtt.payload.format":   "1", "mqtt.topic": topic, "mqtt.qos": "1", "mqtt.retained": "false",
	})
	if v, ok := r.header1("mqtt.message.expiry.interval"); !ok {
		t.Errorf("no mqtt.message.expiry.interval header")
	} else if n, err := strconv.Atoi(v); err != nil || n < 3590 || n > 3600 {
		t.Errorf("mqtt.message.expiry.interval %q, want the remaining lifetime, about 3600", v)
	}
	plainRec := recs[1]
	for _, k := range []string{"device", "unit", "tag", "empty", "mqtt.content.type", "mqtt.response.topic", "mqtt.correlation.data", "mqtt.payload.format", "mqtt.message.expiry.interval"} {
		if v := plainRec.header(k); v != nil {
			t.Errorf("message without properties has header %s=%q", k, v)
		}
	}
	for i, r := range got[v3.Kafka] {
		if len(r.Headers) != 5 {
			t.Errorf("MQTT 3.1.1 record %d: headers %v, want only the five mqtt.* ones", i, headerKeys(r))
		}
	}
}

// testMQTTTemplates: kafka.topic templates route by topic level ({2}, {3}) and {topic} turns
// '/' into '.' (and characters Kafka refuses into '_'); kafka.key.mode=segment keys by one
// level, kafka.key.mode=none writes a null key.
func testMQTTTemplates(ctx context.Context, t *testing.T, base string) {
	plain := testenv.Get(t, testenv.MQTT)
	lv, whole := newMQTTNames("tpl-levels"), newMQTTNames("tpl-topic")
	createConnector(t, base, lv.Conn, mqttConfig(plain, lv.MQTT+"/#", lv.Kafka+".{2}.{3}", "kafka.key.mode", "segment", "kafka.key.segment", "2"))
	t.Cleanup(func() { deleteMQTTConnector(t, base, lv.Conn, lv.Conn+"-0") })
	createConnector(t, base, whole.Conn, mqttConfig(plain, whole.MQTT+"/#", "{topic}", "kafka.key.mode", "none"))
	t.Cleanup(func() { deleteMQTTConnector(t, base, whole.Conn, whole.Conn+"-0") })
	waitTasksRunning(ctx, t, base, lv.Conn, 1)
	waitTasksRunning(ctx, t, base, whole.Conn, 1)

	pub := mqttPublisher(ctx, t)
	type route struct{ mqtt, kafka, key string }
	routes := []route{
		{lv.MQTT + "/a/b", lv.Kafka + ".a.b", "a"},
		{lv.MQTT + "/c/d/deeper", lv.Kafka + ".c.d", "c"},
		{lv.MQTT + "/e f/g", lv.Kafka + ".e_f.g", "e f"}, // ' ' is not legal in a Kafka topic
		{whole.MQTT + "/x/y", whole.MQTT + ".x.y", ""},
		{whole.MQTT + "/x/y z:*", whole.MQTT + ".x.y_z__", ""},
	}
	want := map[string]int{}
	for _, rt := range routes {
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: rt.mqtt, QoS: 1, Payload: []byte("to " + rt.kafka)}); err != nil {
			t.Fatal(err)
		}
		want[rt.kafka] = 1
	}
	got := consumeTopics(ctx, t, slices.Collect(maps.Keys(want)), atLeastPerTopic(want))
	for _, rt := range routes {
		recs := got[rt.kafka]
		if len(recs) != 1 || string(recs[0].Value) != "to "+rt.kafka {
			t.Errorf("MQTT topic %q: %d records in Kafka topic %q, want its message", rt.mqtt, len(recs), rt.kafka)
			continue
		}
		r := recs[0]
		switch {
		case rt.key == "" && r.Key != nil:
			t.Errorf("MQTT topic %q: key %q, want null (kafka.key.mode=none)", rt.mqtt, r.Key)
		case rt.key != "" && string(r.Key) != rt.key:
			t.Errorf("MQTT topic %q: key %q, want level 2 %q (kafka.key.mode=segment)", rt.mqtt, r.Key, rt.key)
		}
		if v, _ := r.header1("mqtt.topic"); v != rt.mqtt {
			t.Errorf("MQTT topic %q: mqtt.topic header %q", rt.mqtt, v)
		}
	}
}

// testMQTTRetained: with mqtt.retained.policy=keep a retained message is forwarded with
// mqtt.retained=true; with skip it is not, and later messages still flow.
func testMQTTRetained(ctx context.Context, t *testing.T, base string) {
	plain := testenv.Get(t, testenv.MQTT)
	keep, skip := newMQTTNames("retained-keep"), newMQTTNames("retained-skip")
	topic := keep.MQTT + "/state"
	pub := mqttPublisher(ctx, t)
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Retain: true, Payload: []byte("retained")}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // an empty retained message clears it
		_, _ = pub.Publish(context.Background(), &paho.Publish{Topic: topic, QoS: 1, Retain: true})
	})
	createConnector(t, base, keep.Conn, mqttConfig(plain, topic, keep.Kafka, "mqtt.retained.policy", "keep"))
	t.Cleanup(func() { deleteMQTTConnector(t, base, keep.Conn, keep.Conn+"-0") })
	createConnector(t, base, skip.Conn, mqttConfig(plain, topic, skip.Kafka, "mqtt.retained.policy", "skip"))
	t.Cleanup(func() { deleteMQTTConnector(t, base, skip.Conn, skip.Conn+"-0") })
	waitTasksRunning(ctx, t, base, keep.Conn, 1)
	waitTasksRunning(ctx, t, base, skip.Conn, 1)
	// The broker sends the retained message right after the SUBACK, before this one.
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte("live")}); err != nil {
		t.Fatal(err)
	}
	got := consumeTopics(ctx, t, []string{keep.Kafka, skip.Kafka}, atLeastPerTopic(map[string]int{keep.Kafka: 2, skip.Kafka: 1}))

	k := got[keep.Kafka]
	if len(k) != 2 || string(k[0].Value) != "retained" || string(k[1].Value) != "live" {
		t.Fatalf("keep: records %q, want [retained live]", recValues(k))
	}
	checkHeaders(t, 0, k[0], map[string]string{"mqtt.retained": "true"})
	checkHeaders(t, 1, k[1], map[string]string{"mqtt.retained": "false"})
	s := got[skip.Kafka]
	if len(s) != 1 || string(s[0].Value) != "live" {
		t.Fatalf("skip: records %q, want only [live] (the retained message would come first)", recValues(s))
	}
	checkHeaders(t, 0, s[0], map[string]string{"mqtt.retained": "false"})
}

func recValues(recs []rec) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Value)
	}
	return out
}

// testMQTTConfluentJSON: the connector JSON of Confluent's MqttSourceConnector documentation,
// with only the addresses and topics changed, is accepted (201) and records flow, written by
// the worker's converters (JsonConverter here).
func testMQTTConfluentJSON(ctx context.Context, t *testing.T, base string) {
	names := newMQTTNames("confluent")
	topic := names.MQTT + "/temperature"
	cfg := map[string]string{
		"connector.class":                    "io.confluent.connect.mqtt.MqttSourceConnector",
		"tasks.max":                          "1",
		"mqtt.server.uri":                    testenv.Get(t, testenv.MQTT),
		"mqtt.topics":                        topic,
		"kafka.topic":                        names.Kafka,
		"mqtt.qos":                           "1",
		"confluent.topic.bootstrap.servers":  testenv.Get(t, testenv.Kafka),
		"confluent.topic.replication.factor": "1",
		"confluent.license":                  "",
	}
	createConnector(t, base, names.Conn, cfg) // fails the test unless 201
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, names.Conn+"-0") })
	waitTasksRunning(ctx, t, base, names.Conn, 1)
	if tc := taskConfigs(t, base, names.Conn); len(tc) != 1 || tc[0]["task.class"] != "io.confluent.connect.mqtt.MqttSourceTask" {
		t.Errorf("task configs %v, want one task of class io.confluent.connect.mqtt.MqttSourceTask", tc)
	}
	pub := mqttPublisher(ctx, t)
	sent := publishNumbered(ctx, t, pub, topic, 1, "21.5C", 0, 10)
	recs := consumeAll(ctx, t, names.Kafka, len(sent))
	if len(recs) != len(sent) {
		t.Fatalf("%d records, want %d", len(recs), len(sent))
	}
	for i, r := range recs {
		var key struct {
			Payload string `json:"payload"`
		}
		var val struct {
			Schema struct {
				Type string `json:"type"`
			} `json:"schema"`
			Payload []byte `json:"payload"` // base64 in the JSON
		}
		if err := json.Unmarshal(r.Key, &key); err != nil || key.Payload != topic {
			t.Fatalf("record %d: key %s, want a JsonConverter envelope of %q", i, r.Key, topic)
		}
		if err := json.Unmarshal(r.Value, &val); err != nil || val.Schema.Type != "bytes" || !bytes.Equal(val.Payload, sent[i]) {
			t.Fatalf("record %d: value %s, want a JsonConverter bytes envelope of %q", i, r.Value, sent[i])
		}
	}
	t.Logf("first record: key %s value %s", recs[0].Key, recs[0].Value)
}

// testMQTTShared: with MQTT 5 and tasks.max=3 the connector makes three tasks with distinct
// client ids sharing one $share subscription; 3000 messages over five topics all arrive once;
// every task delivered a share (the offsets endpoint has one partition per client id, each
// with messages > 0, summing to 3000); each client id connected to Mosquitto exactly once
// (no restart, no session takeover).
func testMQTTShared(ctx context.Context, t *testing.T, base string) {
	const tasks, perTopic, nTopics = 3, 600, 5
	names := newMQTTNames("shared")
	var ids []string
	for i := range tasks {
		ids = append(ids, fmt.Sprintf("%s-%d", names.Conn, i))
	}
	createConnector(t, base, names.Conn, mqttConfig(testenv.Get(t, testenv.MQTT), names.MQTT+"/#", names.Kafka, "tasks.max", strconv.Itoa(tasks)))
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, ids...) })
	waitTasksRunning(ctx, t, base, names.Conn, tasks)
	tc := taskConfigs(t, base, names.Conn)
	if len(tc) != tasks {
		t.Fatalf("%d task configs, want %d", len(tc), tasks)
	}
	for i, c := range tc {
		if c["mqtt.task.client.id"] != ids[i] || c["mqtt.task.subscriptions"] != "$share/"+names.Conn+"/"+names.MQTT+"/#" {
			t.Fatalf("task %d: client id %q, subscriptions %q; want %s on $share/%s/%s/#", i, c["mqtt.task.client.id"], c["mqtt.task.subscriptions"], ids[i], names.Conn, names.MQTT)
		}
	}

	// Five publishers, one per topic, in parallel.
	var wg sync.WaitGroup
	errs := make(chan error, nTopics)
	for i := range nTopics {
		c := mqttPublisher(ctx, t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perTopic {
				p := fmt.Sprintf("t%d-%05d", i, j)
				if _, err := c.Publish(ctx, &paho.Publish{Topic: fmt.Sprintf("%s/t%d", names.MQTT, i), QoS: 1, Payload: []byte(p)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("publishing: %v", err)
	}
	total := perTopic * nTopics
	recs := consumeAll(ctx, t, names.Kafka, total)
	seen := map[string]int{}
	for _, r := range recs {
		seen[string(r.Value)]++
	}
	if len(recs) != total || len(seen) != total {
		t.Fatalf("%d records, %d distinct; want %d distinct messages", len(recs), len(seen), total)
	}
	// Per MQTT topic, the order is kept (one task receives a topic's messages in order, but
	// the shared subscription spreads one topic over the tasks, so only check presence).

	offs := waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool {
		m := mqttOffsets(o)
		var sum int64
		for _, v := range m {
			sum += v[0]
		}
		return len(m) == tasks && sum == int64(total)
	})
	m := mqttOffsets(offs)
	for _, id := range ids {
		if v := m[id]; v[0] == 0 || v[1] != tasks {
			t.Errorf("offsets of %s: %v, want messages > 0 and tasks %d (all: %v)", id, v, tasks, m)
		}
	}
	t.Logf("messages per client id: %v", m)

	st, _ := getConnectorStatus(t, base, names.Conn)
	for _, tk := range st.Tasks {
		if tk.State != "RUNNING" {
			t.Errorf("task %d is %s after the traffic: %s", tk.ID, tk.State, tk.Trace)
		}
	}
	for _, id := range ids {
		if l := logLines(t, "Client "+id+" already connected"); len(l) > 0 {
			t.Errorf("Mosquitto saw a session takeover of %s: %q", id, l)
		}
		if l := logLines(t, " as "+id+" ("); len(l) != 1 {
			t.Errorf("Mosquitto logged %d connections of %s, want exactly 1 (no task restarted): %q", len(l), id, l)
		}
	}
}

// testMQTTReduceTasks documents what lowering tasks.max from 3 to 1 does with persistent
// sessions (QoS 1, MQTT 5, shared subscriptions) on Mosquitto 2.0. Mosquitto hands each
// message of a shared subscription to the next member in turn, online or not, so while the
// connector is stopped every session queues a third of the messages. After tasks.max=1 and a
// resume, task 0 first connects as each removed task's client id (-1 and -2) and unsubscribes
// it, then resumes its own session (it reports RUNNING as soon as the session is back, before
// its new subscription is in place: the session's old one still routes messages), delivers its
// own third, subscribes to the plain filter, and drains the removed sessions one after the
// other: it connects as each, forwards what was queued and ends the session. Observed and
// asserted:
//   - each of the three sessions held a third of the messages published while the connector
//     was stopped (each client id's offset count grew by that third, plus at most the messages
//     published during the drain);
//   - every message published while the connector was stopped reaches Kafka exactly once;
//   - the removed sessions end (a later connection under their ids finds no session);
//   - messages published while the drain is under way reach Kafka exactly once (the removed
//     sessions left the shared subscription before task 0 subscribed);
//   - once the drain is over, every message arrives exactly once;
//   - the offsets count every record once, under the client id that delivered it.
func testMQTTReduceTasks(ctx context.Context, t *testing.T, base string) {
	const before, offline, during, after = 30, 300, 10, 100
	plain := testenv.Get(t, testenv.MQTT)
	names := newMQTTNames("reduce")
	ids := []string{names.Conn + "-0", names.Conn + "-1", names.Conn + "-2"}
	cfg := mqttConfig(plain, names.MQTT+"/#", names.Kafka, "tasks.max", "3", "mqtt.qos", "1")
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, ids...) })
	waitTasksRunning(ctx, t, base, names.Conn, 3)
	topic := names.MQTT + "/x"
	pub := mqttPublisher(ctx, t)
	publishNumbered(ctx, t, pub, topic, 1, "before", 0, before)
	if got := consumeAll(ctx, t, names.Kafka, before); len(got) != before {
		t.Fatalf("%d records before the stop, want %d", len(got), before)
	}
	sum := func(m map[string][2]int64) (n int64) {
		for _, v := range m {
			n += v[0]
		}
		return n
	}
	counted := mqttOffsets(waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool { return sum(mqttOffsets(o)) == before }))

	// disconnected counts Mosquitto's "Client <id> disconnected." lines per client id.
	disconnected := func() []int {
		out := make([]int, len(ids))
		for i, id := range ids {
			out[i] = len(logLines(t, "Client "+id+" disconnected."))
		}
		return out
	}
	// waitDisconnected waits until Mosquitto logged n new disconnections of each of ids[from:].
	waitDisconnected := func(since []int, from, n int, what string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		for {
			d, done := disconnected(), true
			for i := from; i < len(ids); i++ {
				done = done && d[i] >= since[i]+n
			}
			if done {
				return
			}
			if wctx.Err() != nil {
				t.Fatalf("%s: Mosquitto did not log the disconnection of %v (counts %v, before %v)", what, ids[from:], d, since)
			}
			sleepCtx(wctx, 100*time.Millisecond)
		}
	}

	// Stop: the tasks disconnect and keep their sessions.
	d0 := disconnected()
	if code, b := httpDo(t, http.MethodPut, base+"/connectors/"+names.Conn+"/stop", nil); code != http.StatusNoContent {
		t.Fatalf("stop: %d %s", code, b)
	}
	waitConnectorState(ctx, t, base, names.Conn, "STOPPED")
	waitDisconnected(d0, 0, 1, "stop")
	publishNumbered(ctx, t, pub, topic, 1, "offline", 0, offline)

	// tasks.max=1 while stopped, then resume.
	if code, b := httpDo(t, http.MethodPut, base+"/connectors/"+names.Conn+"/config", cloneWith(cfg, "tasks.max", "1")); code != http.StatusOK {
		t.Fatalf("PUT config: %d %s", code, b)
	}
	d1 := disconnected()
	if code, b := httpDo(t, http.MethodPut, base+"/connectors/"+names.Conn+"/resume", nil); code != http.StatusAccepted {
		t.Fatalf("resume: %d %s", code, b)
	}
	waitTasksRunning(ctx, t, base, names.Conn, 1)
	publishNumbered(ctx, t, pub, topic, 1, "during", 0, during)
	tc := taskConfigs(t, base, names.Conn)
	if len(tc) != 1 || tc[0]["mqtt.task.client.id"] != ids[0] || tc[0]["mqtt.task.subscriptions"] != names.MQTT+"/#" ||
		tc[0]["mqtt.task.unsubscriptions"] != "$share/"+names.Conn+"/"+names.MQTT+"/#" {
		t.Fatalf("task configs after tasks.max=1: %v", tc)
	}
	// Task 0 disconnects each removed session twice: after unsubscribing it (before task 0
	// subscribes) and when its drain ends the session.
	waitDisconnected(d1, 1, 2, "drain")
	publishNumbered(ctx, t, pub, topic, 1, "after", 0, after)

	// Everything before the last "after" message is in Kafka once it is: one partition, and
	// the drain ended before the "after" messages were published. A "during" message may be
	// there twice: task 0's session held its $share subscription until the UNSUBACK, which
	// follows its plain subscription (subscribe before unsubscribe, so that nothing published
	// in between is lost), and a message published between the two matches both. The task
	// reports RUNNING before that, as its session's backlog must flow for the SUBACK to
	// arrive (client5.connectionUp).
	recs := consumeUntil(ctx, t, names.Kafka, func(r []rec) bool { return countPayloadTag(r, "after") >= after })
	seen := map[string]int{}
	for _, r := range recs {
		seen[string(r.Value)]++
	}
	duplicated := 0 // "during" messages delivered through both of task 0's subscriptions
	for tag, n := range map[string]int{"before": before, "offline": offline, "during": during, "after": after} {
		for i := range n {
			p := fmt.Sprintf("%s-%05d", tag, i)
			switch c := seen[p]; {
			case c == 0:
				t.Errorf("%s never reached Kafka", p)
			case c == 2 && tag == "during":
				duplicated++
			case c != 1:
				t.Errorf("%s is %d times in Kafka", p, c)
			}
		}
	}
	t.Logf("%d records: %d before, %d offline (all three sessions' thirds), %d during the drain (%d of them twice), %d after",
		len(recs), before, offline, during, duplicated, after)

	// The removed sessions are gone.
	for _, id := range ids[1:] {
		c, err := mqttSession(ctx, t, plain, id, false, nil)
		if err != nil {
			t.Fatalf("connecting as %s: %v", id, err)
		}
		c.Close()
		if c.Present {
			t.Errorf("the session of removed task %s is still on the broker after the drain", id)
		}
	}

	// Offsets: every record counted once, under the client id that delivered it; the drained
	// sessions' counts were written by the one remaining task (tasks=1).
	m := mqttOffsets(waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool { return sum(mqttOffsets(o)) == int64(len(recs)) }))
	for _, id := range ids {
		if m[id][0] == 0 || m[id][1] != 1 {
			t.Errorf("offsets of %s: %v, want messages > 0 and tasks 1 (all: %v)", id, m[id], m)
		}
	}
	for i, id := range ids {
		low := int64(offline / 3) // its third of the offline messages
		high := low + during      // and some of the ones published during the drain
		if i == 0 {
			low += after // and, as the only subscriber left, every later message
			high += after + int64(duplicated)
		}
		if got := m[id][0] - counted[id][0]; got < low || got > high {
			t.Errorf("client id %s delivered %d messages after the resume, want %d to %d: a third of the offline ones (+ the after ones for task 0), and at most the ones published during the drain (with task 0's duplicates)",
				id, got, low, high)
		}
	}
	t.Logf("offsets before the stop %v, at the end %v", counted, m)
}

func countPayloadTag(recs []rec, tag string) int {
	n := 0
	for _, r := range recs {
		if payloadNumber(r.Value, tag) >= 0 {
			n++
		}
	}
	return n
}
