//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/internal/testenv"
)

const sparkplugTransform = "io.tributary.transforms.SparkplugB"

// spbMetric is one Sparkplug B metric to encode (Tahu sparkplug_b.proto field numbers:
// Metric 1 name, 2 alias, 4 datatype, 11 long_value, 13 double_value).
type spbMetric struct {
	name     string // "" leaves it out (alias only)
	alias    uint64
	datatype uint32 // 0 leaves it out
	long     *uint64
	double   *float64
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
		if m.long != nil {
			mb = protowire.AppendTag(mb, 11, protowire.VarintType)
			mb = protowire.AppendVarint(mb, *m.long)
		}
		if m.double != nil {
			mb = protowire.AppendTag(mb, 13, protowire.Fixed64Type)
			mb = protowire.AppendFixed64(mb, math.Float64bits(*m.double))
		}
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, mb)
	}
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	return protowire.AppendVarint(b, seq)
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
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	w := startWorker(t, ctx, nil)
	base := w.URL

	names := newMQTTNames("spb")
	group := names.MQTT
	dlq := names.Kafka + ".dlq"
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), "spBv1.0/"+group+"/#", names.Kafka,
		"mqtt.qos", "1",
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms", "spb",
		"transforms.spb.type", sparkplugTransform,
		"errors.tolerance", "all",
		"errors.deadletterqueue.topic.name", dlq,
		"errors.deadletterqueue.topic.replication.factor", "1",
		"errors.deadletterqueue.context.headers.enable", "true",
	)
	clientID := names.Conn + "-0"
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, clientID) })
	waitTasksRunning(ctx, t, base, names.Conn, 1)

	u := func(v uint64) *uint64 { return &v }
	f := func(v float64) *float64 { return &v }
	const (
		spbInt64  = 4
		spbDouble = 10
	)
	edge := "spBv1.0/" + group + "/%s/Edge1"
	ghost := "spBv1.0/" + group + "/NDATA/Ghost"
	ghostPayload := spbPayload(0, spbMetric{alias: 1, double: f(1)})
	msgs := []struct {
		topic   string
		payload []byte
	}{
		{strings.Replace(edge, "%s", "NBIRTH", 1), spbPayload(0,
			spbMetric{name: "bdSeq", alias: 0, datatype: spbInt64, long: u(0)},
			spbMetric{name: "Temperature", alias: 1, datatype: spbDouble, double: f(20.5)},
			spbMetric{name: "Count", alias: 2, datatype: spbInt64, long: u(7)})},
		{strings.Replace(edge, "%s", "NDATA", 1), spbPayload(1, spbMetric{alias: 1, double: f(21.5)}, spbMetric{alias: 2, long: u(8)})},
		{strings.Replace(edge, "%s", "NDATA", 1), spbPayload(5, spbMetric{alias: 2, long: u(9)})}, // seq 2..4 lost
		{ghost, ghostPayload},
	}
	pub := mqttPublisher(ctx, t)
	for _, m := range msgs {
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: m.topic, QoS: 1, Payload: m.payload}); err != nil {
			t.Fatalf("publish %s: %v", m.topic, err)
		}
	}

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
	waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool {
		return mqttOffsets(o)[clientID] == [2]int64{4, 1}
	})
	st, _ := getConnectorStatus(t, base, names.Conn)
	if st.Connector.State != "RUNNING" || len(st.Tasks) != 1 || st.Tasks[0].State != "RUNNING" {
		t.Errorf("status %+v, want the connector and its task RUNNING", st)
	}
}
