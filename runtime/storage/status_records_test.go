package storage

import (
	"bytes"
	"testing"
)

func TestStatusEncodingsMatchConnect(t *testing.T) {
	// Goldens: Kafka Connect 4.1.2's own KafkaStatusBackingStore.serialize (called by
	// reflection). 4.1 appends "version" (KIP-891) and always writes it.
	cases := []struct{ got, want string }{
		{string(encodeStatus(StateRunning, "trace\n", "h:1", 7, "4.1.2")),
			`{"state":"RUNNING","trace":"trace\n","worker_id":"h:1","generation":7,"version":"4.1.2"}`},
		{string(encodeStatus(StateUnassigned, "", "h:1", 7, "")),
			`{"state":"UNASSIGNED","trace":null,"worker_id":"h:1","generation":7,"version":null}`},
		{string(encodeStatus(StateFailed, "boom", "h:1", 3, "1.0")),
			`{"state":"FAILED","trace":"boom","worker_id":"h:1","generation":3,"version":"1.0"}`},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	if got, want := string(encodeTopicStatus(TopicStatus{Topic: "orders", Connector: "my-source", Task: 0, DiscoverTimestamp: 1729800000000})),
		`{"topic":{"name":"orders","connector":"my-source","task":0,"discoverTimestamp":1729800000000}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := connectorStatusKey("my-conn"); got != "status-connector-my-conn" {
		t.Error(got)
	}
	if got := taskStatusKey("my-conn", 12); got != "status-task-my-conn-12" {
		t.Error(got)
	}
	if got := topicStatusKey("orders", "my-conn"); got != "status-topic-orders:connector-my-conn" {
		t.Error(got)
	}
}

func TestParseTopicStatusKey(t *testing.T) {
	cases := []struct {
		key, topic, connector string
		ok                    bool
	}{
		{"status-topic-orders:connector-my-conn", "orders", "my-conn", true},
		{"status-topic-a:connector-b:c", "a", "b:c", true},
		{"status-topic-:connector-x", "", "", false},
		{"status-topic-orders", "", "", false},
		{"status-topic-orders:connector-", "", "", false},
		{"status-topic-orders:x", "", "", false},
	}
	for _, c := range cases {
		topic, conn, ok := parseTopicStatusKey(c.key)
		if ok != c.ok || topic != c.topic || conn != c.connector {
			t.Errorf("parseTopicStatusKey(%q) = %q, %q, %v", c.key, topic, conn, ok)
		}
	}
}

type statusFeed struct {
	st   *statusState
	log  bytes.Buffer
	next int64
}

func (f *statusFeed) put(key, value string) {
	var v []byte
	if value != "<nil>" {
		v = []byte(value)
	}
	f.st.apply(consumedRecord{Key: []byte(key), Value: v, Offset: f.next}, testLogger(&f.log))
	f.next++
}

func TestStatusStateReads(t *testing.T) {
	f := &statusFeed{st: newStatusState()}
	// Connect before 4.1 wrote no version field; 4.1 writes one.
	f.put("status-connector-my-conn", `{"state":"RUNNING","trace":null,"worker_id":"h:1","generation":3}`)
	f.put("status-task-my-conn-0", `{"state":"RUNNING","trace":null,"worker_id":"h:1","generation":3,"version":"4.1.2"}`)
	f.put("status-task-my-conn-1", `{"state":"FAILED","trace":"boom","worker_id":"h:2","generation":3}`)
	f.put("status-topic-orders:connector-my-conn", `{"topic":{"name":"orders","connector":"my-conn","task":1,"discoverTimestamp":17}}`)
	c := f.st.connectors["my-conn"]
	if c == nil || *c != (ConnectorStatus{Name: "my-conn", State: StateRunning, WorkerID: "h:1", Generation: 3}) {
		t.Fatalf("connector %+v", c)
	}
	if ts := f.st.tasks["my-conn"][0]; ts == nil || ts.Version != "4.1.2" {
		t.Fatalf("task 0 %+v", ts)
	}
	if ts := f.st.tasks["my-conn"][1]; ts == nil || ts.Trace != "boom" || ts.State != StateFailed || ts.Connector != "my-conn" || ts.Task != 1 {
		t.Fatalf("task %+v", ts)
	}
	if tp := f.st.topics["my-conn"]["orders"]; tp != (TopicStatus{Topic: "orders", Connector: "my-conn", Task: 1, DiscoverTimestamp: 17}) {
		t.Fatalf("topic %+v", tp)
	}

	// Reader quirk: UNASSIGNED of the same or an older generation does not replace RUNNING.
	f.put("status-task-my-conn-0", `{"state":"UNASSIGNED","trace":null,"worker_id":"h:9","generation":3}`)
	if ts := f.st.tasks["my-conn"][0]; ts.State != StateRunning {
		t.Fatalf("stale UNASSIGNED replaced RUNNING: %+v", ts)
	}
	f.put("status-task-my-conn-0", `{"state":"UNASSIGNED","trace":null,"worker_id":"h:9","generation":4}`)
	if ts := f.st.tasks["my-conn"][0]; ts.State != StateUnassigned || ts.Generation != 4 {
		t.Fatalf("newer UNASSIGNED ignored: %+v", ts)
	}
	// Only for tasks: a connector's UNASSIGNED always applies.
	f.put("status-connector-my-conn", `{"state":"UNASSIGNED","trace":null,"worker_id":"h:9","generation":1}`)
	if c := f.st.connectors["my-conn"]; c.State != StateUnassigned {
		t.Fatalf("connector %+v", c)
	}

	// Task tombstone, then connector tombstone (which also forgets the tasks).
	f.put("status-task-my-conn-1", "<nil>")
	if _, ok := f.st.tasks["my-conn"][1]; ok {
		t.Fatal("task tombstone ignored")
	}
	f.put("status-connector-my-conn", "<nil>")
	if _, ok := f.st.connectors["my-conn"]; ok {
		t.Fatal("connector tombstone ignored")
	}
	if len(f.st.tasks["my-conn"]) != 0 {
		t.Fatal("connector tombstone must forget its tasks")
	}
	f.put("status-topic-orders:connector-my-conn", "<nil>")
	if len(f.st.topics["my-conn"]) != 0 {
		t.Fatal("topic tombstone ignored")
	}
	if w := warnings(&f.log); len(w) != 0 {
		t.Fatalf("unexpected warnings %v", w)
	}
}

func TestStatusStateSkipsMalformedRecords(t *testing.T) {
	f := &statusFeed{st: newStatusState()}
	bad := []struct{ key, value string }{
		{"status-connector-a", `nope`},
		{"status-connector-a", `{"state":"SLEEPING","worker_id":"h","generation":1}`},
		{"status-connector-a", `{"state":"RUNNING","worker_id":"h","generation":"1"}`},
		{"status-connector-a", `{"state":"RUNNING","trace":5,"worker_id":"h","generation":1}`},
		{"status-connector-a", `{"state":"RUNNING","trace":null,"worker_id":"h","generation":1,"version":1}`},
		{"status-connector-", `{"state":"RUNNING","worker_id":"h","generation":1}`},
		{"status-task-a", `{"state":"RUNNING","worker_id":"h","generation":1}`},
		{"status-task-a-x", `{"state":"RUNNING","worker_id":"h","generation":1}`},
		{"status-topic-t:connector-a", `{"topic":{"name":"t"}}`},
		{"status-topic-t:connector-a", `{"x":1}`},
		{"status-topic-nocolon", `{}`},
		{"other", `{}`},
	}
	for _, b := range bad {
		f.put(b.key, b.value)
	}
	if len(f.st.connectors)+len(f.st.tasks)+len(f.st.topics) != 0 {
		t.Fatalf("malformed records applied: %+v", f.st)
	}
	if w := warnings(&f.log); len(w) != len(bad) {
		t.Fatalf("want %d warnings, got %d: %v", len(bad), len(w), w)
	}
}

func TestCanWriteSafely(t *testing.T) {
	cases := []struct {
		prevWorker string
		prevGen    int
		worker     string
		gen        int
		want       bool
	}{
		{"a", 5, "a", 1, true},  // same worker
		{"a", 5, "b", 5, true},  // same generation
		{"a", 5, "b", 6, true},  // newer generation
		{"a", 5, "b", 4, false}, // another worker, older generation
	}
	for _, c := range cases {
		if got := canWriteSafely(c.prevWorker, c.prevGen, c.worker, c.gen); got != c.want {
			t.Errorf("canWriteSafely(%+v) = %v", c, got)
		}
	}
}
