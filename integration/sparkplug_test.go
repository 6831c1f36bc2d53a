//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/internal/testenv"
)

const sparkplugTransform = "io.tributary.transforms.SparkplugB"

// Sparkplug data types (Tahu sparkplug_b.proto DataType).
const (
	spbInt16   = 2
	spbInt64   = 4
	spbDouble  = 10
	spbBoolean = 11
	spbString  = 12
)

// spbMetric is one Sparkplug B metric to encode (Tahu sparkplug_b.proto field numbers:
// Metric 1 name, 2 alias, 4 datatype, 10 int_value, 11 long_value, 13 double_value,
// 14 boolean_value, 15 string_value).
type spbMetric struct {
	name     string // "" leaves it out (alias only)
	alias    uint64
	datatype uint32 // 0 leaves it out
	// value goes to the field of its Go type: uint32 int_value, uint64 long_value, float64
	// double_value, bool boolean_value, string string_value (nil: none).
	value any
}

// spbPayload encodes a Payload (1 timestamp, 2 metrics, 3 seq).
func spbPayload(seq uint64, metrics ...spbMetric) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(time.Now().UnixMilli()))
	for _, m := range metrics {
		var mb []byte
		if m.name != "" {
			mb = protowire.AppendTag(mb, 1, protowire.BytesType)
			mb = protowire.AppendString(mb, m.name)
		}
		mb = protowire.AppendTag(mb, 2, protowire.VarintType)
		mb = protowire.AppendVarint(mb, m.alias)
		if m.datatype != 0 {
			mb = protowire.AppendTag(mb, 4, protowire.VarintType)
			mb = protowire.AppendVarint(mb, uint64(m.datatype))
		}
		switch v := m.value.(type) {
		case nil:
		case uint64:
			mb = protowire.AppendTag(mb, 11, protowire.VarintType)
			mb = protowire.AppendVarint(mb, v)
		case float64:
			mb = protowire.AppendTag(mb, 13, protowire.Fixed64Type)
			mb = protowire.AppendFixed64(mb, math.Float64bits(v))
		case uint32:
			mb = protowire.AppendTag(mb, 10, protowire.VarintType)
			mb = protowire.AppendVarint(mb, uint64(v))
		case bool:
			mb = protowire.AppendTag(mb, 14, protowire.VarintType)
			mb = protowire.AppendVarint(mb, protowire.EncodeBool(v))
		case string:
			mb = protowire.AppendTag(mb, 15, protowire.BytesType)
			mb = protowire.AppendString(mb, v)
		default:
			panic(fmt.Sprintf("spbMetric %q: a value of type %T", m.name, v))
		}
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, mb)
	}
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	return protowire.AppendVarint(b, seq)
}

// spbCase is one SparkplugB case: a real `tributary worker` (with a 120 s deadline), the
// case's unique names, its Sparkplug group (the first level of its MQTT topics) and, once
// connected, its connector's MQTT client id and a publisher.
type spbCase struct {
	t        *testing.T
	ctx      context.Context
	base     string
	names    mqttNames
	group    string
	clientID string
	pub      *paho.Client
}

func newSpbCase(t *testing.T, tag string) *spbCase {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	w := startWorker(t, ctx, nil)
	names := newMQTTNames(tag)
	return &spbCase{t: t, ctx: ctx, base: w.URL, names: names, group: names.MQTT, clientID: names.Conn + "-0"}
}

// connect creates the MQTT connector, subscribed to spBv1.0/<group>/# at QoS 1 into the
// case's Kafka topic with the SparkplugB transform "spb" and the further config kv
// (converters, transforms.spb.* options, errors.*), waits for its task to run (deleting it
// at cleanup) and opens the publisher.
func (c *spbCase) connect(kv ...string) {
	t := c.t
	t.Helper()
	kv = append([]string{"mqtt.qos", "1", "transforms", "spb", "transforms.spb.type", sparkplugTransform}, kv...)
	createConnector(t, c.base, c.names.Conn, mqttConfig(testenv.Get(t, testenv.MQTT), c.topic("#"), c.names.Kafka, kv...))
	t.Cleanup(func() { deleteMQTTConnector(t, c.base, c.names.Conn, c.clientID) })
	waitTasksRunning(c.ctx, t, c.base, c.names.Conn, 1)
	c.pub = mqttPublisher(c.ctx, t)
}

// topic is spBv1.0/<group>/<levels, joined by "/">.
func (c *spbCase) topic(levels ...string) string {
	return "spBv1.0/" + c.group + "/" + strings.Join(levels, "/")
}

// waitCommittedRunning waits until the connector's offset counts n MQTT messages (of its one
// task), then checks that the connector and its task are RUNNING.
func (c *spbCase) waitCommittedRunning(n int64) {
	t := c.t
	t.Helper()
	waitOffsets(c.ctx, t, c.base, c.names.Conn, func(o []map[string]any) bool {
		return mqttOffsets(o)[c.clientID] == [2]int64{n, 1}
	})
	st, _ := getConnectorStatus(t, c.base, c.names.Conn)
	if st.Connector.State != "RUNNING" || len(st.Tasks) != 1 || st.Tasks[0].State != "RUNNING" {
		t.Errorf("status %+v, want the connector and its task RUNNING", st)
	}
}

// spbMsg is a Sparkplug message to publish.
type spbMsg struct {
	topic   string
	payload []byte
}

// publish publishes the messages at QoS 1, in order.
func (c *spbCase) publish(msgs ...spbMsg) {
	c.t.Helper()
	for _, m := range msgs {
		if _, err := c.pub.Publish(c.ctx, &paho.Publish{Topic: m.topic, QoS: 1, Payload: m.payload}); err != nil {
			c.t.Fatalf("publish %s: %v", m.topic, err)
		}
	}
}

// TestSparkplugB runs the SparkplugB transform in a real `tributary worker` against the real
// Mosquitto and Kafka: an edge node's NBIRTH, an NDATA by aliases only, an NDATA after a seq
// gap, and an NDATA of an edge node whose NBIRTH was never published. With JsonConverter
// values (schemas on), errors.tolerance=all and a dead letter queue:
//   - the main topic holds the NBIRTH and both NDATA, in order, their metrics named from the
//     NBIRTH's aliases, the one after the gap with the header sparkplug.seq.gap=true;
//   - the DLQ holds the unknown edge node's NDATA, its original payload bytes, with the
//     transform's DataError in the context headers (not guessed, not lost);
//   - the task stays RUNNING.
func TestSparkplugB(t *testing.T) {
	c := newSpbCase(t, "spb")
	ctx, names, group := c.ctx, c.names, c.group
	dlq := names.Kafka + ".dlq"
	c.connect(
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"errors.tolerance", "all",
		"errors.deadletterqueue.topic.name", dlq,
		"errors.deadletterqueue.topic.replication.factor", "1",
		"errors.deadletterqueue.context.headers.enable", "true",
	)

	ghost := c.topic("NDATA", "Ghost")
	ghostPayload := spbPayload(0, spbMetric{alias: 1, value: 1.0})
	msgs := []spbMsg{
		{c.topic("NBIRTH", "Edge1"), spbPayload(0,
			spbMetric{name: "bdSeq", alias: 0, datatype: spbInt64, value: uint64(0)},
			spbMetric{name: "Temperature", alias: 1, datatype: spbDouble, value: 20.5},
			spbMetric{name: "Count", alias: 2, datatype: spbInt64, value: uint64(7)})},
		{c.topic("NDATA", "Edge1"), spbPayload(1, spbMetric{alias: 1, value: 21.5}, spbMetric{alias: 2, value: uint64(8)})},
		{c.topic("NDATA", "Edge1"), spbPayload(5, spbMetric{alias: 2, value: uint64(9)})}, // seq 2..4 lost
		{ghost, ghostPayload},
	}
	c.publish(msgs...)

	got := consumeTopics(ctx, t, []string{names.Kafka, dlq}, atLeastPerTopic(map[string]int{names.Kafka: 3, dlq: 1}))
	main, dead := got[names.Kafka], got[dlq]
	if len(main) != 3 || len(dead) != 1 {
		t.Fatalf("%d records in %s (want 3) and %d in the DLQ (want 1)", len(main), names.Kafka, len(dead))
	}

	type metric struct {
		Name        *string
		Alias       *int64
		Datatype    *string
		LongValue   *int64   `json:"long_value"`
		DoubleValue *float64 `json:"double_value"`
	}
	var envs [3]struct {
		Schema struct {
			Name string
		}
		Payload struct {
			Group       string
			EdgeNode    string  `json:"edge_node"`
			Device      *string `json:"device"`
			MessageType string  `json:"message_type"`
			Seq         int64
			Metrics     []metric
		}
	}
	for i, r := range main {
		if err := json.Unmarshal(r.Value, &envs[i]); err != nil {
			t.Fatalf("record %d: %v: %s", i, err, r.Value)
		}
		t.Logf("record %d: %s headers %v", i, r.Value, headerKeys(r))
		if string(r.Key) != msgs[i].topic {
			t.Errorf("record %d: key %q, want the MQTT topic %q", i, r.Key, msgs[i].topic)
		}
		p := envs[i].Payload
		if envs[i].Schema.Name != "io.tributary.sparkplug.Message" || p.Group != group || p.EdgeNode != "Edge1" || p.Device != nil {
			t.Errorf("record %d: %s", i, r.Value)
		}
	}
	type want struct {
		name   string
		dt     string
		long   *int64
		double *float64
	}
	i64 := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	check := func(i int, msgType string, seq int64, gap bool, ws ...want) {
		t.Helper()
		p := envs[i].Payload
		if p.MessageType != msgType || p.Seq != seq || len(p.Metrics) != len(ws) {
			t.Errorf("record %d: %s seq %d with %d metrics, want %s seq %d with %d", i, p.MessageType, p.Seq, len(p.Metrics), msgType, seq, len(ws))
			return
		}
		for j, w := range ws {
			m := p.Metrics[j]
			ok := m.Name != nil && *m.Name == w.name && m.Datatype != nil && *m.Datatype == w.dt
			ok = ok && (w.long == nil) == (m.LongValue == nil) && (w.long == nil || *w.long == *m.LongValue)
			ok = ok && (w.double == nil) == (m.DoubleValue == nil) && (w.double == nil || *w.double == *m.DoubleValue)
			if !ok {
				t.Errorf("record %d metric %d: %+v, want %+v", i, j, m, w)
			}
		}
		if g, _ := main[i].header1("sparkplug.seq.gap"); (g == "true") != gap {
			t.Errorf("record %d: sparkplug.seq.gap %q, want gap %v", i, g, gap)
		}
	}
	check(0, "NBIRTH", 0, false, want{"bdSeq", "Int64", i64(0), nil}, want{"Temperature", "Double", nil, f(20.5)}, want{"Count", "Int64", i64(7), nil})
	check(1, "NDATA", 1, false, want{"Temperature", "Double", nil, f(21.5)}, want{"Count", "Int64", i64(8), nil})
	check(2, "NDATA", 5, true, want{"Count", "Int64", i64(9), nil})

	d := dead[0]
	t.Logf("DLQ record: key %q headers %v", d.Key, headerKeys(d))
	if string(d.Value) != string(ghostPayload) || string(d.Key) != ghost {
		t.Errorf("DLQ record key %q value %x, want the original %q %x", d.Key, d.Value, ghost, ghostPayload)
	}
	checkHeaders(t, 0, d, map[string]string{
		"mqtt.topic":                            ghost,
		"__connect.errors.stage":                "TRANSFORMATION",
		"__connect.errors.class.name":           sparkplugTransform,
		"__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException",
	})
	if msg, _ := d.header1("__connect.errors.exception.message"); !strings.Contains(msg, "BIRTH was not seen") {
		t.Errorf("__connect.errors.exception.message %q, want the unknown BIRTH", msg)
	}
	c.waitCommittedRunning(4)
}

// TestSparkplugBExplode runs SparkplugB with explode=true and explode.key=metric in a real
// `tributary worker` (JsonConverter values with schemas) against the real Mosquitto and
// Kafka: an NBIRTH with six metrics of five data types, an NDATA by aliases with two, and a
// DDEATH without metrics. Kafka gets one record per metric (6 + 2), each keyed
// <group>/<edge>/<metric>, its schema io.tributary.sparkplug.metric.<DataType> with a value
// field of that data type's Connect type, and one io.tributary.sparkplug.Message record for
// the DDEATH (not dropped). The connector's offset counts the three MQTT messages, each
// committed once all its records are in Kafka.
func TestSparkplugBExplode(t *testing.T) {
	c := newSpbCase(t, "spbx")
	ctx, names, group := c.ctx, c.names, c.group
	c.connect(
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms.spb.explode", "true",
		"transforms.spb.explode.key", "metric",
	)

	msgs := []spbMsg{
		{c.topic("NBIRTH", "Edge1"), spbPayload(0,
			spbMetric{name: "bdSeq", alias: 0, datatype: spbInt64, value: uint64(0)},
			spbMetric{name: "Temperature", alias: 1, datatype: spbDouble, value: 20.5},
			spbMetric{name: "Count", alias: 2, datatype: spbInt64, value: uint64(7)},
			spbMetric{name: "Level", alias: 3, datatype: spbInt16, value: uint32(0xFFFFFFFD)}, // -3, sign-extended as Tahu's Java encoder does
			spbMetric{name: "Running", alias: 4, datatype: spbBoolean, value: true},
			spbMetric{name: "Mode", alias: 5, datatype: spbString, value: "auto"})},
		{c.topic("NDATA", "Edge1"), spbPayload(1, spbMetric{alias: 1, value: 21.5}, spbMetric{alias: 4, value: false})},
		{c.topic("DDEATH", "Edge1", "Dev1"), spbPayload(2)},
	}
	c.publish(msgs...)
	const want = 6 + 2 + 1
	got := consumeTopics(ctx, t, []string{names.Kafka}, atLeastPerTopic(map[string]int{names.Kafka: want}))[names.Kafka]
	if len(got) != want {
		t.Fatalf("%d records in %s, want %d (one per metric, one for the DDEATH)", len(got), names.Kafka, want)
	}

	type envelope struct {
		Schema struct {
			Name   string
			Fields []struct {
				Field, Type, Name string
				Optional          bool
			}
		}
		Payload map[string]any
	}
	// By message type and metric name (records of different keys may be in different partitions).
	byName := map[string]envelope{}
	var death *envelope
	for i, r := range got {
		var e envelope
		if err := json.Unmarshal(r.Value, &e); err != nil {
			t.Fatalf("record %d: %v: %s", i, err, r.Value)
		}
		t.Logf("record %d: key %q schema %s payload %v", i, r.Key, e.Schema.Name, e.Payload)
		if e.Schema.Name == "io.tributary.sparkplug.Message" {
			if string(r.Key) != msgs[2].topic || e.Payload["message_type"] != "DDEATH" || e.Payload["device"] != "Dev1" {
				t.Errorf("record %d: key %q %s", i, r.Key, r.Value)
			}
			death = &e
			continue
		}
		name, _ := e.Payload["name"].(string)
		mt, _ := e.Payload["message_type"].(string)
		if string(r.Key) != group+"/Edge1/"+name || e.Payload["group"] != group || e.Payload["edge_node"] != "Edge1" {
			t.Errorf("record %d: key %q, want %q; %s", i, r.Key, group+"/Edge1/"+name, r.Value)
		}
		if _, dup := byName[mt+" "+name]; dup {
			t.Errorf("record %d: %s %s twice", i, mt, name)
		}
		byName[mt+" "+name] = e
	}
	if death == nil {
		t.Error("no record for the DDEATH")
	}
	check := func(mt, name, dt, connectType string, value any) {
		t.Helper()
		e, ok := byName[mt+" "+name]
		if !ok {
			t.Errorf("no record for %s %s", mt, name)
			return
		}
		var vt string
		for _, fl := range e.Schema.Fields {
			if fl.Field == "value" {
				vt = fl.Type
			}
		}
		if e.Schema.Name != "io.tributary.sparkplug.metric."+dt || vt != connectType || e.Payload["datatype"] != dt || e.Payload["value"] != value {
			t.Errorf("%s %s: schema %s value type %s datatype %v value %#v; want %s %s %#v", mt, name, e.Schema.Name, vt, e.Payload["datatype"], e.Payload["value"], dt, connectType, value)
		}
	}
	check("NBIRTH", "bdSeq", "Int64", "int64", float64(0))
	check("NBIRTH", "Temperature", "Double", "double", 20.5)
	check("NBIRTH", "Count", "Int64", "int64", float64(7))
	check("NBIRTH", "Level", "Int16", "int16", float64(-3))
	check("NBIRTH", "Running", "Boolean", "boolean", true)
	check("NBIRTH", "Mode", "String", "string", "auto")
	check("NDATA", "Temperature", "Double", "double", 21.5)
	check("NDATA", "Running", "Boolean", "boolean", false)
	if e := byName["NDATA Temperature"]; e.Payload["alias"] != float64(1) || e.Payload["seq"] != float64(1) {
		t.Errorf("NDATA Temperature: %v", e.Payload)
	}

	c.waitCommittedRunning(3)
}

// TestSparkplugBRebirth runs SparkplugB with rebirth.enabled=true in a real `tributary
// worker` against the real Mosquitto and Kafka, and listens on spBv1.0/<group>/NCMD/+ as the
// edge nodes would: an NDATA after a seq gap, and an NDATA of an edge node whose NBIRTH was
// never seen, each make the transform publish a rebirth command (Node Control/Rebirth =
// true, decoded here by field number) to that node's NCMD topic; the gap record is in Kafka
// with sparkplug.seq.gap and sparkplug.rebirth.requested, the unknown node's in the DLQ.
// Deleting the connector closes the transform, whose MQTT client disconnects (Mosquitto logs
// its DISCONNECT).
func TestSparkplugBRebirth(t *testing.T) {
	c := newSpbCase(t, "spbr")
	ctx, base, names, clientID := c.ctx, c.base, c.names, c.clientID
	dlq := names.Kafka + ".dlq"
	rebirthID := names.Conn + "-rebirth"
	mqttURI := testenv.Get(t, testenv.MQTT)

	// The edge nodes' side: subscribed to the NCMD topics before anything is published.
	edge, ncmds, err := mqttClient(ctx, t, mqttURI, nil, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := edge.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: c.topic("NCMD", "+"), QoS: 1}}}); err != nil {
		t.Fatal(err)
	}

	c.connect(
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms.spb.rebirth.enabled", "true",
		"transforms.spb.rebirth.mqtt.server.uri", mqttURI,
		"transforms.spb.rebirth.mqtt.client.id", rebirthID,
		"errors.tolerance", "all",
		"errors.deadletterqueue.topic.name", dlq,
		"errors.deadletterqueue.topic.replication.factor", "1",
	)

	awaitRebirth := func(topic string) {
		t.Helper()
		select {
		case p := <-ncmds:
			if p.Topic != topic {
				t.Fatalf("NCMD on %s, want %s", p.Topic, topic)
			}
			checkRebirthCommand(t, p.Payload)
		case <-ctx.Done():
			t.Fatalf("no rebirth command on %s", topic)
		}
	}

	c.publish(
		spbMsg{c.topic("NBIRTH", "Edge1"), spbPayload(0,
			spbMetric{name: "bdSeq", alias: 0, datatype: spbInt64, value: uint64(0)},
			spbMetric{name: "Count", alias: 1, datatype: spbInt64, value: uint64(1)})},
		spbMsg{c.topic("NDATA", "Edge1"), spbPayload(1, spbMetric{alias: 1, value: uint64(2)})},
		spbMsg{c.topic("NDATA", "Edge1"), spbPayload(7, spbMetric{alias: 1, value: uint64(3)})}) // seq 2..6 lost
	awaitRebirth(c.topic("NCMD", "Edge1"))
	c.publish(spbMsg{c.topic("NDATA", "Ghost"), spbPayload(3, spbMetric{alias: 1, value: uint64(4)})})
	awaitRebirth(c.topic("NCMD", "Ghost"))

	// The connector subscribes to spBv1.0/<group>/#, so it also reads the two NCMDs, which the
	// transform decodes like any Sparkplug message.
	got := consumeTopics(ctx, t, []string{names.Kafka, dlq}, atLeastPerTopic(map[string]int{names.Kafka: 5, dlq: 1}))
	main, dead := got[names.Kafka], got[dlq]
	if len(main) != 5 || len(dead) != 1 {
		t.Fatalf("%d records in %s (want 5) and %d in the DLQ (want 1)", len(main), names.Kafka, len(dead))
	}
	gaps, ncmdRecords := 0, 0
	for i, r := range main {
		var e struct {
			Payload struct {
				MessageType string `json:"message_type"`
				Seq         *int64
				Metrics     []struct {
					Name         string
					Datatype     string
					BooleanValue *bool `json:"boolean_value"`
				}
			}
		}
		if err := json.Unmarshal(r.Value, &e); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		gap, _ := r.header1("sparkplug.seq.gap")
		asked, _ := r.header1("sparkplug.rebirth.requested")
		p := e.Payload
		t.Logf("record %d: key %q %s headers %v", i, r.Key, p.MessageType, headerKeys(r))
		switch {
		case p.MessageType == "NDATA" && p.Seq != nil && *p.Seq == 7:
			gaps++
			if gap != "true" || asked != "true" {
				t.Errorf("record %d (the NDATA after the gap): headers %v", i, headerKeys(r))
			}
		case p.MessageType == "NCMD":
			ncmdRecords++
			if len(p.Metrics) != 1 || p.Metrics[0].Name != "Node Control/Rebirth" || p.Metrics[0].Datatype != "Boolean" ||
				p.Metrics[0].BooleanValue == nil || !*p.Metrics[0].BooleanValue {
				t.Errorf("record %d: %s", i, r.Value)
			}
		default:
			if gap != "" || asked != "" {
				t.Errorf("record %d: headers %v", i, headerKeys(r))
			}
		}
	}
	if gaps != 1 || ncmdRecords != 2 {
		t.Errorf("%d gap records (want 1), %d NCMD records (want 2)", gaps, ncmdRecords)
	}
	if string(dead[0].Key) != c.topic("NDATA", "Ghost") {
		t.Errorf("DLQ record key %q", dead[0].Key)
	}
	select {
	case p := <-ncmds:
		t.Errorf("a third NCMD on %s", p.Topic)
	default:
	}

	// Closing the transform (the task stops) disconnects its MQTT client.
	deleteMQTTConnector(t, base, names.Conn, clientID)
	for len(logLines(t, "Client "+rebirthID+" disconnected.")) == 0 {
		if ctx.Err() != nil {
			t.Fatalf("Mosquitto never logged the DISCONNECT of %s: %q", rebirthID, logLines(t, rebirthID))
		}
		sleepCtx(ctx, 100*time.Millisecond) // polling Mosquitto's log, with the test's deadline
	}
}

// checkRebirthCommand decodes a Sparkplug B payload by Tahu's field numbers (Payload 1
// timestamp, 2 metrics, 3 seq; Metric 1 name, 4 datatype, 14 boolean_value) and checks it is
// the rebirth command: a timestamp and the one metric Node Control/Rebirth, Boolean, true.
func checkRebirthCommand(t *testing.T, b []byte) {
	t.Helper()
	var ts uint64
	var metrics [][]byte
	pbFields(t, "payload", b, func(num protowire.Number, typ protowire.Type, v uint64, raw []byte) {
		switch {
		case num == 1 && typ == protowire.VarintType:
			ts = v
		case num == 2 && typ == protowire.BytesType:
			metrics = append(metrics, raw)
		case num == 3:
			t.Errorf("the rebirth command has a seq")
		}
	})
	if d := time.Since(time.UnixMilli(int64(ts))); d < -time.Minute || d > time.Minute || len(metrics) != 1 {
		t.Fatalf("rebirth payload: timestamp %d, %d metrics", ts, len(metrics))
	}
	var name string
	var datatype, value uint64
	hasValue := false
	pbFields(t, "metric", metrics[0], func(num protowire.Number, typ protowire.Type, v uint64, raw []byte) {
		switch {
		case num == 1 && typ == protowire.BytesType:
			name = string(raw)
		case num == 4 && typ == protowire.VarintType:
			datatype = v
		case num == 14 && typ == protowire.VarintType:
			value, hasValue = v, true
		}
	})
	if name != "Node Control/Rebirth" || datatype != 11 || !hasValue || value != 1 {
		t.Fatalf("rebirth metric: name %q datatype %d boolean_value %v %d", name, datatype, hasValue, value)
	}
}

// pbFields calls fn with each field of the protobuf message b (what names it in failures):
// its number, wire type and value (v of a varint, raw of bytes; the other wire types are
// skipped with neither); malformed input fails the test.
func pbFields(t *testing.T, what string, b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, raw []byte)) {
	t.Helper()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("%s: %v", what, protowire.ParseError(n))
		}
		b = b[n:]
		var v uint64
		var raw []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			raw, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			t.Fatalf("%s: %v", what, protowire.ParseError(n))
		}
		b = b[n:]
		fn(num, typ, v, raw)
	}
}

// TestSparkplugBExplodeAvro is the point of explode=true: typed Avro. SparkplugB with
// explode=true writes through io.confluent.connect.avro.AvroConverter with
// value.subject.name.strategy=RecordNameStrategy (real Kafka, real Apicurio); each data type
// registers its own subject io.tributary.sparkplug.metric.<DataType>, whose value field is
// that type's Avro type, and an independent reader (Python fastavro) decodes the values.
func TestSparkplugBExplodeAvro(t *testing.T) {
	sr := strings.TrimRight(testenv.Get(t, testenv.SchemaRegistry), "/")
	c := newSpbCase(t, "spba")
	requireConverter(t, c.base, avroConverter)
	c.connect(
		"value.converter", avroConverter,
		"value.converter.schema.registry.url", sr,
		"value.converter.value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy",
		"transforms.spb.explode", "true",
	)

	c.publish(spbMsg{c.topic("NBIRTH", "Edge1"), spbPayload(0,
		spbMetric{name: "Temperature", alias: 1, datatype: spbDouble, value: 20.5},
		spbMetric{name: "Count", alias: 2, datatype: spbInt64, value: uint64(7)},
		spbMetric{name: "Level", alias: 3, datatype: spbInt16, value: uint32(0xFFFFFFFD)},
		spbMetric{name: "Running", alias: 4, datatype: spbBoolean, value: true},
		spbMetric{name: "Mode", alias: 5, datatype: spbString, value: "auto"})})
	recs := consumeAll(c.ctx, t, c.names.Kafka, 5)
	if len(recs) != 5 {
		t.Fatalf("%d records, want 5", len(recs))
	}
	values := make([][]byte, len(recs))
	for i, r := range recs {
		values[i] = r.Value
	}
	want := map[string]struct {
		dt       string
		avroType string
		value    any
	}{
		"Temperature": {"Double", "double", 20.5},
		"Count":       {"Int64", "long", float64(7)},
		"Level":       {"Int16", "int", float64(-3)},
		"Running":     {"Boolean", "boolean", true},
		"Mode":        {"String", "string", "auto"},
	}
	checked := 0
	for i, d := range decodeWithFastavro(t, sr, values) {
		name, _ := d.Value["name"].(string)
		w, ok := want[name]
		if !ok || d.Value["value"] != w.value || d.Value["datatype"] != w.dt {
			t.Errorf("record %d: fastavro decoded %v", i, d.Value)
			continue
		}
		// The schema registered under the data type's own subject, by its id.
		_, body := srRequest(t, http.MethodGet, fmt.Sprintf("%s/schemas/ids/%d", sr, d.ID), "")
		var reg struct{ Schema string }
		_ = json.Unmarshal(body, &reg)
		var schema struct {
			Name, Namespace string
			Fields          []struct {
				Name string
				Type any
			}
		}
		_ = json.Unmarshal([]byte(reg.Schema), &schema)
		var valueType any
		for _, fl := range schema.Fields {
			if fl.Name == "value" {
				valueType = fl.Type
			}
		}
		// An optional field is the union ["null", T]; T is a name or, for int16, {"type": "int", "connect.type": "int16"}.
		union, _ := valueType.([]any)
		typeName := ""
		if len(union) == 2 {
			switch x := union[1].(type) {
			case string:
				typeName = x
			case map[string]any:
				typeName, _ = x["type"].(string)
			}
		}
		if schema.Namespace+"."+schema.Name != "io.tributary.sparkplug.metric."+w.dt || typeName != w.avroType {
			t.Errorf("%s: schema %d is %s", name, d.ID, reg.Schema)
		}
		subject := "io.tributary.sparkplug.metric." + w.dt
		if code, vb := srRequest(t, http.MethodGet, sr+"/subjects/"+subject+"/versions", ""); code != 200 {
			t.Errorf("subject %s: %d %s", subject, code, vb)
		}
		t.Logf("%s: %v, schema id %d under %s: value %v", name, d.Value["value"], d.ID, subject, valueType)
		checked++
	}
	if checked != len(want) {
		t.Errorf("%d records checked, want %d", checked, len(want))
	}
}

// TestSparkplugBHold runs SparkplugB with unknown.birth=hold (unknown.birth.hold.ms=2000) in
// a real `tributary worker` against the real Mosquitto and Kafka, errors.tolerance=all with a
// dead letter queue. Edge1's NDATA (seq 5, by aliases only: its NBIRTH was missed) comes
// before its NBIRTH (seq 0) and the NDATA after it (seq 1); Ghost's NDATA never gets a BIRTH.
//   - the main topic holds Edge1's three messages: the NBIRTH, the NDATA seq 1, and the held
//     NDATA seq 5, released once the NBIRTH was there, its metrics named from the NBIRTH's
//     aliases, with sparkplug.birth.held=true and no sparkplug.seq.gap (nor has seq 1);
//   - the DLQ holds only Ghost's NDATA, its original bytes, once its hold expired;
//   - all four MQTT messages are committed and the task stays RUNNING.
func TestSparkplugBHold(t *testing.T) {
	c := newSpbCase(t, "spbh")
	ctx, names := c.ctx, c.names
	dlq := names.Kafka + ".dlq"
	c.connect(
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms.spb.unknown.birth", "hold",
		"transforms.spb.unknown.birth.hold.ms", "2000",
		"errors.tolerance", "all",
		"errors.deadletterqueue.topic.name", dlq,
		"errors.deadletterqueue.topic.replication.factor", "1",
		"errors.deadletterqueue.context.headers.enable", "true",
	)

	ghost := c.topic("NDATA", "Ghost")
	ghostPayload := spbPayload(3, spbMetric{alias: 1, value: 1.0})
	// No pause between them: the hold, not the timing, lets the NBIRTH come after its DATA.
	c.publish(
		spbMsg{c.topic("NDATA", "Edge1"), spbPayload(5, spbMetric{alias: 1, value: 21.5}, spbMetric{alias: 2, value: uint64(8)})},
		spbMsg{ghost, ghostPayload},
		spbMsg{c.topic("NBIRTH", "Edge1"), spbPayload(0,
			spbMetric{name: "bdSeq", alias: 0, datatype: spbInt64, value: uint64(0)},
			spbMetric{name: "Temperature", alias: 1, datatype: spbDouble, value: 20.5},
			spbMetric{name: "Count", alias: 2, datatype: spbInt64, value: uint64(7)})},
		spbMsg{c.topic("NDATA", "Edge1"), spbPayload(1, spbMetric{alias: 2, value: uint64(9)})},
	)

	got := consumeTopics(ctx, t, []string{names.Kafka, dlq}, atLeastPerTopic(map[string]int{names.Kafka: 3, dlq: 1}))
	main, dead := got[names.Kafka], got[dlq]
	if len(main) != 3 || len(dead) != 1 {
		t.Fatalf("%d records in %s (want 3) and %d in the DLQ (want 1)", len(main), names.Kafka, len(dead))
	}

	type metric struct {
		Name        *string
		Datatype    *string
		LongValue   *int64   `json:"long_value"`
		DoubleValue *float64 `json:"double_value"`
	}
	// By message type and seq: records of different keys may be in different partitions.
	bySeq := map[string][]metric{}
	for i, r := range main {
		var e struct {
			Payload struct {
				EdgeNode    string `json:"edge_node"`
				MessageType string `json:"message_type"`
				Seq         int64
				Metrics     []metric
			}
		}
		if err := json.Unmarshal(r.Value, &e); err != nil {
			t.Fatalf("record %d: %v: %s", i, err, r.Value)
		}
		p := e.Payload
		t.Logf("record %d: key %q %s seq %d headers %v", i, r.Key, p.MessageType, p.Seq, headerKeys(r))
		k := fmt.Sprintf("%s %d", p.MessageType, p.Seq)
		if _, dup := bySeq[k]; dup || p.EdgeNode != "Edge1" {
			t.Errorf("record %d: %s", i, r.Value)
		}
		bySeq[k] = p.Metrics
		gap, _ := r.header1("sparkplug.seq.gap")
		held, _ := r.header1("sparkplug.birth.held")
		if gap != "" || (held == "true") != (k == "NDATA 5") {
			t.Errorf("record %d (%s): sparkplug.seq.gap %q, sparkplug.birth.held %q", i, k, gap, held)
		}
	}
	check := func(k string, names []string, values ...any) {
		t.Helper()
		ms, ok := bySeq[k]
		if !ok || len(ms) != len(names) {
			t.Errorf("%s: metrics %+v, want %v", k, ms, names)
			return
		}
		for j, m := range ms {
			ok := m.Name != nil && *m.Name == names[j] && m.Datatype != nil
			switch v := values[j].(type) {
			case float64:
				ok = ok && *m.Datatype == "Double" && m.DoubleValue != nil && *m.DoubleValue == v
			case int64:
				ok = ok && *m.Datatype == "Int64" && m.LongValue != nil && *m.LongValue == v
			}
			if !ok {
				t.Errorf("%s metric %d: %+v, want %s = %v", k, j, m, names[j], values[j])
			}
		}
	}
	check("NBIRTH 0", []string{"bdSeq", "Temperature", "Count"}, int64(0), 20.5, int64(7))
	check("NDATA 1", []string{"Count"}, int64(9))
	check("NDATA 5", []string{"Temperature", "Count"}, 21.5, int64(8)) // held, then named from the NBIRTH

	d := dead[0]
	t.Logf("DLQ record: key %q headers %v", d.Key, headerKeys(d))
	if string(d.Value) != string(ghostPayload) || string(d.Key) != ghost {
		t.Errorf("DLQ record key %q value %x, want the original %q %x", d.Key, d.Value, ghost, ghostPayload)
	}
	if msg, _ := d.header1("__connect.errors.exception.message"); !strings.Contains(msg, "BIRTH was not seen") || !strings.Contains(msg, "unknown.birth.hold.ms=2000") {
		t.Errorf("__connect.errors.exception.message %q, want the expired hold", msg)
	}
	c.waitCommittedRunning(4)
}
