//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// Class names and converters the MQTT connector tests use.
const (
	mqttConnectorClass  = "io.tributary.connect.mqtt.MqttSourceConnector"
	stringConverter     = "org.apache.kafka.connect.storage.StringConverter"
	byteArrayConverter  = "org.apache.kafka.connect.converters.ByteArrayConverter"
	mqttPartitionClient = "client.id"
)

var mqttSeq atomic.Int64

// mqttNames are one case's unique names: the connector (also the MQTT client id prefix), its
// Kafka topic and the first level of its MQTT topics, so cases can share the stack.
type mqttNames struct {
	Conn, Kafka, MQTT string
}

func newMQTTNames(tag string) mqttNames {
	id := fmt.Sprintf("%d-%d", time.Now().UnixNano()%1e12, mqttSeq.Add(1))
	return mqttNames{Conn: "it-mqtt-" + tag + "-" + id, Kafka: "it-mqtt-" + tag + "-" + id, MQTT: "it-mqtt-" + tag + "-" + id}
}

// mqttConfig is a connector config for the MQTT connector: Tributary's class, one task,
// records written as published (StringConverter keys, ByteArrayConverter values), then the
// given key/value pairs.
func mqttConfig(server, filters, kafkaTopic string, kv ...string) map[string]string {
	cfg := map[string]string{
		"connector.class": mqttConnectorClass, "tasks.max": "1",
		"mqtt.server.uri": server, "mqtt.topics": filters, "kafka.topic": kafkaTopic,
		"key.converter": stringConverter, "value.converter": byteArrayConverter,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg[kv[i]] = kv[i+1]
	}
	return cfg
}

// httpDo sends a JSON request and returns the status code and the body.
func httpDo(t *testing.T, method, url string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// connectorStatus is GET /connectors/{c}/status.
type connectorStatus struct {
	Connector struct {
		State string `json:"state"`
		Trace string `json:"trace"`
	} `json:"connector"`
	Tasks []struct {
		ID    int    `json:"id"`
		State string `json:"state"`
		Trace string `json:"trace"`
	} `json:"tasks"`
}

func getConnectorStatus(t *testing.T, base, name string) (connectorStatus, int) {
	t.Helper()
	var st connectorStatus
	code, b := httpDo(t, http.MethodGet, base+"/connectors/"+name+"/status", nil)
	if code == http.StatusOK {
		_ = json.Unmarshal(b, &st)
	}
	return st, code
}

// waitTasksRunning polls the status until the connector and exactly n tasks are RUNNING. A
// FAILED connector or task ends the test at once, with its trace.
func waitTasksRunning(ctx context.Context, t *testing.T, base, name string, n int) {
	t.Helper()
	var last connectorStatus
	for ctx.Err() == nil {
		st, _ := getConnectorStatus(t, base, name)
		last = st
		if st.Connector.State == "FAILED" {
			t.Fatalf("connector %s FAILED: %s", name, st.Connector.Trace)
		}
		running := st.Connector.State == "RUNNING" && len(st.Tasks) == n
		for _, tk := range st.Tasks {
			if tk.State == "FAILED" {
				t.Fatalf("task %s-%d FAILED: %s", name, tk.ID, tk.Trace)
			}
			running = running && tk.State == "RUNNING"
		}
		if running {
			return
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	t.Fatalf("connector %s: %d tasks not RUNNING before the deadline; last status %+v", name, n, last)
}

// waitTaskFailed polls the status until task 0 is FAILED and returns its trace. A task that
// reaches RUNNING first ends the test, unless mayRunFirst (it fails on a later record).
func waitTaskFailed(ctx context.Context, t *testing.T, base, name string, mayRunFirst bool) string {
	t.Helper()
	var last connectorStatus
	for ctx.Err() == nil {
		st, _ := getConnectorStatus(t, base, name)
		last = st
		for _, tk := range st.Tasks {
			switch tk.State {
			case "FAILED":
				return tk.Trace
			case "RUNNING":
				if !mayRunFirst {
					t.Fatalf("task %s-%d is RUNNING, want FAILED", name, tk.ID)
				}
			}
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	t.Fatalf("connector %s: task 0 not FAILED before the deadline; last status %+v", name, last)
	return ""
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// taskConfigs is GET /connectors/{c}/tasks: the task configs, in task order.
func taskConfigs(t *testing.T, base, name string) []map[string]string {
	t.Helper()
	code, b := httpDo(t, http.MethodGet, base+"/connectors/"+name+"/tasks", nil)
	if code != http.StatusOK {
		t.Fatalf("GET /connectors/%s/tasks: %d %s", name, code, b)
	}
	var tasks []struct {
		ID struct {
			Task int `json:"task"`
		} `json:"id"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(b, &tasks); err != nil {
		t.Fatalf("GET /connectors/%s/tasks: %v: %s", name, err, b)
	}
	out := make([]map[string]string, len(tasks))
	for i, tk := range tasks {
		if tk.ID.Task != i {
			t.Fatalf("GET /connectors/%s/tasks: entry %d is task %d", name, i, tk.ID.Task)
		}
		out[i] = tk.Config
	}
	return out
}

// mqttOffsets reads GET /connectors/{c}/offsets as client id → {"messages", "tasks"}.
func mqttOffsets(offs []map[string]any) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, o := range offs {
		p, _ := o["partition"].(map[string]any)
		v, _ := o["offset"].(map[string]any)
		id, _ := p[mqttPartitionClient].(string)
		m, _ := v["messages"].(float64)
		n, _ := v["tasks"].(float64)
		out[id] = [2]int64{int64(m), int64(n)}
	}
	return out
}

// deleteMQTTConnector deletes a connector, waits until its status is gone, then drops the
// broker sessions of its client ids (clean start, session expiry 0), so the persistent
// sessions the tests make do not stay in Mosquitto. Best effort: it runs in cleanups.
func deleteMQTTConnector(t *testing.T, base, name string, clientIDs ...string) {
	deleteConnector(base, name)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if code, _ := httpGetStatus(base + "/connectors/" + name + "/status"); code == http.StatusNotFound {
			break
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	addr := os.Getenv(testenv.MQTT)
	if addr == "" {
		return
	}
	for _, id := range clientIDs {
		if c, err := mqttSession(ctx, t, addr, id, true, nil); err == nil {
			c.Close()
		}
	}
}

// mqttSessionClient is an MQTT 5 client connected under a chosen client id.
type mqttSessionClient struct {
	*paho.Client
	Present bool // CONNACK's session present flag
}

// Close disconnects normally; with session expiry 0 (as mqttSession connects) the broker
// then discards the session.
func (c *mqttSessionClient) Close() { _ = c.Disconnect(&paho.Disconnect{ReasonCode: 0}) }

// mqttSession connects an MQTT 5 client with the given client id on the plain listener and
// session expiry 0: with cleanStart false it resumes (and then consumes) a persistent
// session, whose queued messages are handed to onMessage (acknowledged by paho).
func mqttSession(ctx context.Context, t *testing.T, addr, clientID string, cleanStart bool, onMessage func(*paho.Publish)) (*mqttSessionClient, error) {
	conn, err := mqttDial(ctx, t, addr, nil)
	if err != nil {
		return nil, err
	}
	cfg := paho.ClientConfig{Conn: &packetConn{Conn: conn}}
	if onMessage != nil {
		cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			onMessage(pr.Packet)
			return true, nil
		}}
	}
	c := paho.NewClient(cfg)
	var zero uint32
	ack, err := c.Connect(ctx, &paho.Connect{ClientID: clientID, CleanStart: cleanStart, KeepAlive: 30,
		Properties: &paho.ConnectProperties{SessionExpiryInterval: &zero}})
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return &mqttSessionClient{Client: c, Present: ack.SessionPresent}, nil
}

// mqttPublisher is an MQTT 5 client on the plain listener for publishing test messages.
func mqttPublisher(ctx context.Context, t *testing.T) *paho.Client {
	t.Helper()
	c, _, err := mqttClient(ctx, t, testenv.Get(t, testenv.MQTT), nil, "", "")
	if err != nil {
		t.Fatalf("publisher: %v", err)
	}
	return c
}

// publishNumbered publishes n messages "<tag>-00000", "<tag>-00001" … to topic at qos, one
// after another (QoS 1 and 2 each wait for the broker's acknowledgement), and returns the
// payloads.
func publishNumbered(ctx context.Context, t *testing.T, c *paho.Client, topic string, qos byte, tag string, from, n int) [][]byte {
	t.Helper()
	out := make([][]byte, 0, n)
	for i := from; i < from+n; i++ {
		p := []byte(fmt.Sprintf("%s-%05d", tag, i))
		if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: qos, Payload: p}); err != nil {
			t.Fatalf("publish %s to %s: %v", p, topic, err)
		}
		out = append(out, p)
	}
	return out
}

// header returns the values of a record's headers named name, in order.
func (r rec) header(name string) []string {
	var out []string
	for _, h := range r.Headers {
		if h.Key == name {
			out = append(out, string(h.Value))
		}
	}
	return out
}

// header1 returns the single value of header name and whether there is exactly one.
func (r rec) header1(name string) (string, bool) {
	v := r.header(name)
	if len(v) != 1 {
		return "", false
	}
	return v[0], true
}

// consumeTopics reads several topics from the beginning with one consumer until done holds
// for the records so far (by topic) or ctx ends.
func consumeTopics(ctx context.Context, t *testing.T, topics []string, done func(map[string][]rec) bool) map[string][]rec {
	t.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": testenv.Get(t, testenv.Kafka), "group.id": fmt.Sprintf("it-mqtt-read-%d", time.Now().UnixNano()),
		"auto.offset.reset": "earliest", "enable.auto.commit": false, "topic.metadata.refresh.interval.ms": 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SubscribeTopics(topics, nil); err != nil {
		t.Fatal(err)
	}
	out := map[string][]rec{}
	// A topic created after the subscription rebalances the consumer, which then reads the
	// other topics again from the beginning (no committed offsets): skip what was read.
	type position struct {
		topic     string
		partition int32
		offset    kafka.Offset
	}
	read := map[position]bool{}
	for !done(out) && ctx.Err() == nil {
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err != nil {
			continue
		}
		at := position{*m.TopicPartition.Topic, m.TopicPartition.Partition, m.TopicPartition.Offset}
		if read[at] {
			continue
		}
		read[at] = true
		r := rec{Key: m.Key, Value: m.Value, Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset), Headers: m.Headers, Topic: *m.TopicPartition.Topic}
		out[r.Topic] = append(out[r.Topic], r)
	}
	return out
}

// atLeastPerTopic is a consumeTopics condition: every topic has at least its count of records.
func atLeastPerTopic(want map[string]int) func(map[string][]rec) bool {
	return func(got map[string][]rec) bool {
		for topic, n := range want {
			if len(got[topic]) < n {
				return false
			}
		}
		return true
	}
}

// mosquittoLog returns Mosquitto's log (the rotated file first, then the current one).
func mosquittoLog(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(testenv.Get(t, testenv.StackDir), "mosquitto")
	var b strings.Builder
	for _, f := range []string{"mosquitto.log.1", "mosquitto.log"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && f == "mosquitto.log" {
			t.Fatalf("reading Mosquitto's log: %v", err)
		}
		b.Write(data)
	}
	return b.String()
}

// logLines returns the lines of Mosquitto's log that contain s.
func logLines(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(mosquittoLog(t), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// javaStores makes, in a fresh temporary folder, a JKS and a PKCS12 trust store holding the
// test CA (keytool -importcert, as a Confluent user would), and a PKCS12 and a JKS key store
// holding the trusted client certificate and its key. Every store and key password is
// "changeit".
func javaStores(t *testing.T) (jksTrust, p12Trust, p12Key, jksKey string) {
	t.Helper()
	ca, cert, key := testenv.Get(t, testenv.TLSCA), testenv.Get(t, testenv.TLSClientCert), testenv.Get(t, testenv.TLSClientKey)
	d := t.TempDir()
	jksTrust, p12Trust = filepath.Join(d, "trust.jks"), filepath.Join(d, "trust.p12")
	p12Key, jksKey = filepath.Join(d, "client.p12"), filepath.Join(d, "client.jks")
	for _, args := range [][]string{
		{"keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", ca, "-keystore", jksTrust, "-storetype", "JKS", "-storepass", "changeit"},
		{"keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", ca, "-keystore", p12Trust, "-storetype", "PKCS12", "-storepass", "changeit"},
		{"openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", ca, "-name", "client", "-out", p12Key, "-passout", "pass:changeit"},
		{"keytool", "-importkeystore", "-noprompt", "-srckeystore", p12Key, "-srcstoretype", "PKCS12", "-srcstorepass", "changeit",
			"-destkeystore", jksKey, "-deststoretype", "JKS", "-deststorepass", "changeit", "-destkeypass", "changeit"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return jksTrust, p12Trust, p12Key, jksKey
}

// cloneWith returns a copy of cfg with the given key/value pairs set.
func cloneWith(cfg map[string]string, kv ...string) map[string]string {
	out := maps.Clone(cfg)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// payloadNumber parses the number of a "<tag>-00042" payload, or -1.
func payloadNumber(p []byte, tag string) int {
	s, ok := strings.CutPrefix(string(p), tag+"-")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
