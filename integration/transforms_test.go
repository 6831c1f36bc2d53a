//go:build integration

package integration

import (
	"context"
	"fmt"
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

// TestTransforms runs SMT chains and the record error handling (errors.tolerance, the
// source-side dead-letter queue) in a real `tributary worker` against the real Mosquitto and
// Kafka. The cases share one worker and run in parallel, each with its own connector, MQTT
// topics and Kafka topics.
func TestTransforms(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	t.Cleanup(cancel)
	w := startWorker(t, ctx, nil)
	base := w.URL

	t.Run("ChainWithPredicatesAndRegexRouter", func(t *testing.T) { t.Parallel(); testTransformChain(ctx, t, base) })
	t.Run("PoisonRecordGoesToDeadLetterQueue", func(t *testing.T) { t.Parallel(); testTransformDLQ(ctx, t, base) })
	t.Run("PoisonRecordFailsTaskWithoutTolerance", func(t *testing.T) { t.Parallel(); testTransformPoisonFails(ctx, t, base) })
	t.Run("RecordJustBeforePoisonIsWritten", func(t *testing.T) { t.Parallel(); testTransformRecordBeforePoison(ctx, t, base) })
}

const (
	jsonConverter    = "org.apache.kafka.connect.json.JsonConverter"
	jsonPayloadValue = "io.tributary.transforms.JsonPayload$Value"
	telemetrySchema  = "io.tributary.it.Telemetry"
)

// telemetryEnvelopeSchema is the JsonConverter schema of a telemetryPayload parsed by
// JsonPayload$Value with schema.name=io.tributary.it.Telemetry: the fields in document order,
// integers INT64, decimals FLOAT64, all required.
const telemetryEnvelopeSchema = `{"type":"struct","fields":[` +
	`{"type":"string","optional":false,"field":"device"},` +
	`{"type":"int64","optional":false,"field":"seq"},` +
	`{"type":"double","optional":false,"field":"temp"},` +
	`{"type":"string","optional":false,"field":"owner"},` +
	`{"type":"double","optional":false,"field":"lat"}` +
	`],"optional":false,"name":"` + telemetrySchema + `"}`

// telemetryPayload is the JSON document device i publishes.
func telemetryPayload(i int) []byte {
	return fmt.Appendf(nil, `{"device":"dev-%d","seq":%d,"temp":%s,"owner":"owner-%d","lat":48.85}`,
		i, i, telemetryTemp(i), i)
}

func telemetryTemp(i int) string { return strconv.FormatFloat(20.5+float64(i), 'f', -1, 64) }

// telemetryEnvelope is the exact JsonConverter (schemas.enable=true) value of message i, with
// owner and lat masked (MaskField: "" and 0.0) or not.
func telemetryEnvelope(i int, masked bool) string {
	owner, lat := fmt.Sprintf("%q", fmt.Sprintf("owner-%d", i)), "48.85"
	if masked {
		owner, lat = `""`, "0.0"
	}
	return fmt.Sprintf(`{"schema":%s,"payload":{"device":"dev-%d","seq":%d,"temp":%s,"owner":%s,"lat":%s}}`,
		telemetryEnvelopeSchema, i, i, telemetryTemp(i), owner, lat)
}

// testTransformChain: a connector with transforms=parse,route,stamp,mask and two predicates:
//   - parse (JsonPayload$Value, schema.name) turns the MQTT payload bytes into a Struct;
//   - route (RegexRouter) maps the connector's kafka.topic <name>.raw to <name>.telemetry;
//   - stamp (InsertHeader) adds pipeline=transforms-it, only when predicate "routed"
//     (TopicNameMatches .*\.telemetry) holds, so it sees the topic route produced;
//   - mask (MaskField$Value owner,lat) applies only when predicate "pii" (HasHeaderKey pii)
//     holds: odd messages carry an MQTT 5 user property pii=yes, even ones do not.
//
// All N messages must arrive in <name>.telemetry, in order, keyed by the MQTT topic
// (StringConverter), with the exact JsonConverter envelope bytes (odd ones masked, even ones
// intact), the five mqtt.* headers, the pii header on odd ones only, and the pipeline header
// last on every one. Nothing goes to <name>.raw, and the offsets show N messages.
func testTransformChain(ctx context.Context, t *testing.T, base string) {
	const n = 10
	names := newMQTTNames("xf-chain")
	raw, routed := names.Kafka+".raw", names.Kafka+".telemetry"
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), names.MQTT+"/#", raw,
		"mqtt.qos", "1",
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms", "parse,route,stamp,mask",
		"transforms.parse.type", jsonPayloadValue,
		"transforms.parse.schema.name", telemetrySchema,
		"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.route.regex", `(.*)\.raw`,
		"transforms.route.replacement", "$1.telemetry",
		"transforms.stamp.type", "org.apache.kafka.connect.transforms.InsertHeader",
		"transforms.stamp.header", "pipeline",
		"transforms.stamp.value.literal", "transforms-it",
		"transforms.stamp.predicate", "routed",
		"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value",
		"transforms.mask.fields", "owner,lat",
		"transforms.mask.predicate", "pii",
		"predicates", "pii,routed",
		"predicates.pii.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
		"predicates.pii.name", "pii",
		"predicates.routed.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
		"predicates.routed.pattern", `.*\.telemetry`,
	)
	clientID := names.Conn + "-0"
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, clientID) })
	waitTasksRunning(ctx, t, base, names.Conn, 1)

	pub := mqttPublisher(ctx, t)
	topics := make([]string, n)
	for i := range n {
		topics[i] = fmt.Sprintf("%s/site-%d/dev-%d", names.MQTT, i%2, i)
		p := &paho.Publish{Topic: topics[i], QoS: 1, Payload: telemetryPayload(i)}
		if i%2 == 1 {
			p.Properties = &paho.PublishProperties{User: paho.UserProperties{{Key: "pii", Value: "yes"}}}
		}
		if _, err := pub.Publish(ctx, p); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	recs := consumeTopics(ctx, t, []string{routed}, atLeastPerTopic(map[string]int{routed: n}))[routed]
	if len(recs) != n {
		t.Fatalf("%d records in %s before the deadline, want %d", len(recs), routed, n)
	}
	for i, r := range recs {
		masked := i%2 == 1
		if r.Topic != routed {
			t.Errorf("record %d: topic %q, want %q (RegexRouter)", i, r.Topic, routed)
		}
		if string(r.Key) != topics[i] {
			t.Errorf("record %d: key %q, want the MQTT topic %q", i, r.Key, topics[i])
		}
		if want := telemetryEnvelope(i, masked); string(r.Value) != want {
			t.Errorf("record %d (masked %v): value\n got %s\nwant %s", i, masked, r.Value, want)
		}
		checkHeaders(t, i, r, map[string]string{
			"mqtt.topic": topics[i], "mqtt.qos": "1", "mqtt.retained": "false", "mqtt.duplicate": "false",
			"pipeline": "transforms-it",
		})
		wantKeys := []string{"mqtt.topic", "mqtt.qos", "mqtt.retained", "mqtt.duplicate", "mqtt.message.id"}
		if masked {
			wantKeys = append(wantKeys, "pii")
		}
		wantKeys = append(wantKeys, "pipeline") // InsertHeader appends
		if got := headerNames(r); !slices.Equal(got, wantKeys) {
			t.Errorf("record %d: header names %v, want %v", i, got, wantKeys)
		}
		if masked {
			checkHeaders(t, i, r, map[string]string{"pii": "yes"})
		}
	}
	offs := waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool {
		return mqttOffsets(o)[clientID] == [2]int64{n, 1}
	})
	if len(offs) != 1 {
		t.Errorf("offsets %v, want one partition {client.id: %s}", offs, clientID)
	}
	if got := topicSize(ctx, t, routed); got != n {
		t.Errorf("%s holds %d records, want exactly %d", routed, got, n)
	}
	if got := topicSize(ctx, t, raw); got != 0 {
		t.Errorf("the unrouted topic %s holds %d records, want none", raw, got)
	}
	t.Logf("record 0: %s", recs[0].Value)
	t.Logf("record 1: %s headers %v", recs[1].Value, headerKeys(recs[1]))
}

// testTransformDLQ: with errors.tolerance=all and a dead-letter topic, a malformed JSON message
// between good ones goes to the DLQ, and the stream goes on:
//   - the main (routed) topic holds exactly the good messages, in publishing order, with
//     their exact envelopes;
//   - the DLQ holds exactly the poison message: its original payload bytes as value, the
//     MQTT topic as key, the original mqtt.* headers, then the __connect.errors.* context
//     headers (the topic before the transforms, connector, task 0, stage TRANSFORMATION, the
//     failing class JsonPayload$Value, DataException and a message about JSON);
//   - the task stays RUNNING, and the offsets count every message, the poison one included
//     (it is done once the DLQ has it).
func testTransformDLQ(ctx context.Context, t *testing.T, base string) {
	names := newMQTTNames("xf-dlq")
	raw, routed, dlq := names.Kafka+".raw", names.Kafka+".json", names.Kafka+".dlq"
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), names.MQTT+"/#", raw,
		"mqtt.qos", "1",
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms", "parse,route",
		"transforms.parse.type", jsonPayloadValue,
		"transforms.parse.schema.name", telemetrySchema,
		"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.route.regex", `(.*)\.raw`,
		"transforms.route.replacement", "$1.json",
		"errors.tolerance", "all",
		"errors.deadletterqueue.topic.name", dlq,
		"errors.deadletterqueue.topic.replication.factor", "1",
		"errors.deadletterqueue.context.headers.enable", "true",
	)
	clientID := names.Conn + "-0"
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, clientID) })
	waitTasksRunning(ctx, t, base, names.Conn, 1)

	// good 0..2, the poison one, good 3..5
	const good, poisonAt = 6, 3
	poison := []byte(`{"device":"dev-poison","seq":99,"temp":`)
	topic := names.MQTT + "/site-0/dev"
	poisonTopic := names.MQTT + "/site-0/poison"
	pub := mqttPublisher(ctx, t)
	publish := func(topic string, payload []byte) {
		t.Helper()
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: payload}); err != nil {
			t.Fatalf("publish %s: %v", payload, err)
		}
	}
	for i := range good {
		if i == poisonAt {
			publish(poisonTopic, poison)
		}
		publish(topic, telemetryPayload(i))
	}

	got := consumeTopics(ctx, t, []string{routed, dlq}, atLeastPerTopic(map[string]int{routed: good, dlq: 1}))
	good0, dead := got[routed], got[dlq]
	if len(good0) != good || len(dead) != 1 {
		t.Fatalf("%d records in %s (want %d) and %d in the DLQ %s (want 1) before the deadline", len(good0), routed, good, len(dead), dlq)
	}
	for i, r := range good0 {
		if want := telemetryEnvelope(i, false); string(r.Value) != want {
			t.Errorf("main record %d: value\n got %s\nwant %s (every good message, in order)", i, r.Value, want)
		}
		if string(r.Key) != topic {
			t.Errorf("main record %d: key %q, want %q", i, r.Key, topic)
		}
	}

	d := dead[0]
	t.Logf("DLQ record: key %q value %q headers %v", d.Key, d.Value, headerKeys(d))
	if string(d.Value) != string(poison) {
		t.Errorf("DLQ value %q, want the original payload bytes %q", d.Value, poison)
	}
	if string(d.Key) != poisonTopic {
		t.Errorf("DLQ key %q, want the original key, the MQTT topic %q", d.Key, poisonTopic)
	}
	wantKeys := []string{
		"mqtt.topic", "mqtt.qos", "mqtt.retained", "mqtt.duplicate", "mqtt.message.id",
		"__connect.errors.topic", "__connect.errors.connector.name", "__connect.errors.task.id",
		"__connect.errors.stage", "__connect.errors.class.name", "__connect.errors.exception.class.name",
		"__connect.errors.exception.message", "__connect.errors.exception.stacktrace",
	}
	if hn := headerNames(d); !slices.Equal(hn, wantKeys) {
		t.Errorf("DLQ header names %v, want %v", hn, wantKeys)
	}
	checkHeaders(t, 0, d, map[string]string{
		"mqtt.topic": poisonTopic, "mqtt.qos": "1", "mqtt.retained": "false",
		"__connect.errors.topic":                raw, // the source record's topic, before RegexRouter
		"__connect.errors.connector.name":       names.Conn,
		"__connect.errors.task.id":              "0",
		"__connect.errors.stage":                "TRANSFORMATION",
		"__connect.errors.class.name":           jsonPayloadValue,
		"__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException",
	})
	if msg, _ := d.header1("__connect.errors.exception.message"); !strings.Contains(msg, "JSON") || !strings.Contains(msg, "JsonPayload") {
		t.Errorf("__connect.errors.exception.message %q, want JsonPayload's message about malformed JSON", msg)
	}
	if st, _ := d.header1("__connect.errors.exception.stacktrace"); !strings.HasPrefix(st, "org.apache.kafka.connect.errors.DataException") {
		t.Errorf("__connect.errors.exception.stacktrace %q, want it to start with the exception class", st)
	}

	// Every message, the poison one included, is done: the offsets count good+1.
	waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool {
		return mqttOffsets(o)[clientID] == [2]int64{good + 1, 1}
	})
	st, _ := getConnectorStatus(t, base, names.Conn)
	if st.Connector.State != "RUNNING" || len(st.Tasks) != 1 || st.Tasks[0].State != "RUNNING" {
		t.Errorf("status %+v, want the connector and its task RUNNING", st)
	}
	if n := topicSize(ctx, t, routed); n != good {
		t.Errorf("%s holds %d records, want exactly the %d good ones", routed, n, good)
	}
	if n := topicSize(ctx, t, dlq); n != 1 {
		t.Errorf("the DLQ %s holds %d records, want exactly the poison one", dlq, n)
	}

	// The stream goes on after the poison message.
	publish(topic, telemetryPayload(good))
	after := consumeTopics(ctx, t, []string{routed}, atLeastPerTopic(map[string]int{routed: good + 1}))[routed]
	if len(after) != good+1 || string(after[good].Value) != telemetryEnvelope(good, false) {
		t.Errorf("after the poison message: %d records in %s, want %d ending with message %d", len(after), routed, good+1, good)
	}
	waitTasksRunning(ctx, t, base, names.Conn, 1)
}

// testTransformPoisonFails: with errors.tolerance=none (the default) and no DLQ, a malformed
// JSON message fails the task with "Tolerance exceeded in error handler" and JsonPayload's
// error. The good message published (and committed) before it stays the only record in Kafka,
// and the offsets still count only it. The poison message was never acknowledged to the
// broker: resuming the connector's MQTT session (after deleting the connector) gets it again.
func testTransformPoisonFails(ctx context.Context, t *testing.T, base string) {
	names := newMQTTNames("xf-fail")
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), names.MQTT+"/#", names.Kafka,
		"mqtt.qos", "1",
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms", "parse",
		"transforms.parse.type", jsonPayloadValue,
		"transforms.parse.schema.name", telemetrySchema,
	)
	clientID := names.Conn + "-0"
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, clientID) })
	waitTasksRunning(ctx, t, base, names.Conn, 1)

	pub := mqttPublisher(ctx, t)
	topic := names.MQTT + "/dev"
	poison := []byte(`{"device":"dev-poison",`)
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: telemetryPayload(0)}); err != nil {
		t.Fatal(err)
	}
	recs := consumeTopics(ctx, t, []string{names.Kafka}, atLeastPerTopic(map[string]int{names.Kafka: 1}))[names.Kafka]
	if len(recs) != 1 || string(recs[0].Value) != telemetryEnvelope(0, false) {
		t.Fatalf("records %q, want the good message", recValues(recs))
	}
	waitOffsets(ctx, t, base, names.Conn, func(o []map[string]any) bool {
		return mqttOffsets(o)[clientID] == [2]int64{1, 1}
	})
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: poison}); err != nil {
		t.Fatal(err)
	}

	trace := waitTaskState(ctx, t, base, names.Conn, "FAILED")
	t.Logf("task trace: %s", trace)
	for _, want := range []string{"Tolerance exceeded in error handler", "JsonPayload", "not valid JSON"} {
		if !strings.Contains(trace, want) {
			t.Errorf("task trace %q does not contain %q", trace, want)
		}
	}
	if st, _ := getConnectorStatus(t, base, names.Conn); st.Connector.State != "RUNNING" {
		t.Errorf("connector state %s, want RUNNING (only its task fails)", st.Connector.State)
	}
	if n := topicSize(ctx, t, names.Kafka); n != 1 {
		t.Errorf("%s holds %d records, want only the good one", names.Kafka, n)
	}
	offs, _ := getOffsets(t, base, names.Conn)
	if got := mqttOffsets(offs)[clientID]; got != [2]int64{1, 1} {
		t.Errorf("offsets %v, want {messages: 1, tasks: 1}: the poison message must not be counted", offs)
	}

	// Delete the connector (its task disconnects, keeping its persistent session), then resume
	// that session: the broker must deliver the unacknowledged poison message again.
	deleteConnector(base, names.Conn)
	for ctx.Err() == nil {
		if code, _ := httpGetStatus(base + "/connectors/" + names.Conn + "/status"); code == http.StatusNotFound {
			break
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	var mu sync.Mutex
	var redelivered [][]byte
	arrived := make(chan struct{}, 16)
	var sess *mqttSessionClient
	var err error
	for ctx.Err() == nil { // the task's connection may still be closing
		sess, err = mqttSession(ctx, t, testenv.Get(t, testenv.MQTT), clientID, false, func(p *paho.Publish) {
			mu.Lock()
			redelivered = append(redelivered, p.Payload)
			mu.Unlock()
			arrived <- struct{}{}
		})
		if err == nil {
			break
		}
		sleepCtx(ctx, 200*time.Millisecond)
	}
	if err != nil {
		t.Fatalf("resuming session %s: %v", clientID, err)
	}
	defer sess.Close()
	if !sess.Present {
		t.Fatalf("session %s is not present on the broker: the connector's session should persist", clientID)
	}
	for ctx.Err() == nil {
		mu.Lock()
		got := slices.Clone(redelivered)
		mu.Unlock()
		if len(got) > 0 {
			if string(got[0]) != string(poison) {
				t.Fatalf("the resumed session delivered %q first, want the unacknowledged poison message %q", got, poison)
			}
			t.Logf("the resumed session delivered the poison message again: %q", got[0])
			return
		}
		select {
		case <-arrived:
		case <-ctx.Done():
		}
	}
	t.Fatalf("the resumed session %s never delivered the unacknowledged poison message", clientID)
}

// testTransformRecordBeforePoison: a good message published right before a poison one (so both
// are in flight together) must still reach Kafka and be counted in the offsets when the
// poison one fails the task, as Java's WorkerSourceTask.finalOffsetCommit(failed) waits for
// the submitted records and commits even after a failure; so does Tributary's
// sourceTask.runCatching (runtime/source_task.go).
func testTransformRecordBeforePoison(ctx context.Context, t *testing.T, base string) {
	names := newMQTTNames("xf-before")
	cfg := mqttConfig(testenv.Get(t, testenv.MQTT), names.MQTT+"/#", names.Kafka,
		"mqtt.qos", "1",
		"value.converter", jsonConverter, "value.converter.schemas.enable", "true",
		"transforms", "parse",
		"transforms.parse.type", jsonPayloadValue,
		"transforms.parse.schema.name", telemetrySchema,
	)
	clientID := names.Conn + "-0"
	createConnector(t, base, names.Conn, cfg)
	t.Cleanup(func() { deleteMQTTConnector(t, base, names.Conn, clientID) })
	waitTasksRunning(ctx, t, base, names.Conn, 1)
	pub := mqttPublisher(ctx, t)
	topic := names.MQTT + "/dev"
	for _, p := range [][]byte{telemetryPayload(0), []byte("not json")} {
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: p}); err != nil {
			t.Fatal(err)
		}
	}
	waitTaskState(ctx, t, base, names.Conn, "FAILED")
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	recs := consumeTopics(wctx, t, []string{names.Kafka}, atLeastPerTopic(map[string]int{names.Kafka: 1}))[names.Kafka]
	if len(recs) != 1 || string(recs[0].Value) != telemetryEnvelope(0, false) {
		t.Errorf("records %q, want the good message published before the poison one", recValues(recs))
	}
	offs, _ := getOffsets(t, base, names.Conn)
	if got := mqttOffsets(offs)[clientID]; got != [2]int64{1, 1} {
		t.Errorf("offsets %v, want {messages: 1, tasks: 1} (the final commit of a failed task)", offs)
	}
}

// headerNames is the record's header names, in order.
func headerNames(r rec) []string {
	out := make([]string, len(r.Headers))
	for i, h := range r.Headers {
		out[i] = h.Key
	}
	return out
}

// getOffsets is GET /connectors/{c}/offsets.
func getOffsets(t *testing.T, base, name string) ([]map[string]any, int) {
	t.Helper()
	var body struct {
		Offsets []map[string]any `json:"offsets"`
	}
	code := httpJSON(t, http.MethodGet, base+"/connectors/"+name+"/offsets", nil, &body)
	return body.Offsets, code
}

// waitTaskState polls the status until task 0 is in state and returns its trace; a FAILED
// connector (or, when waiting for another state, a FAILED task) ends the test.
func waitTaskState(ctx context.Context, t *testing.T, base, name, state string) string {
	t.Helper()
	var last connectorStatus
	for ctx.Err() == nil {
		st, _ := getConnectorStatus(t, base, name)
		last = st
		if st.Connector.State == "FAILED" {
			t.Fatalf("connector %s FAILED: %s", name, st.Connector.Trace)
		}
		for _, tk := range st.Tasks {
			if tk.ID != 0 {
				continue
			}
			if tk.State == state {
				return tk.Trace
			}
			if tk.State == "FAILED" {
				t.Fatalf("task %s-0 FAILED, want %s: %s", name, state, tk.Trace)
			}
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	t.Fatalf("connector %s: task 0 not %s before the deadline; last status %+v", name, state, last)
	return ""
}
