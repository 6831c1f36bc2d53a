package storage

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestConfigEncodingsMatchConnect(t *testing.T) {
	// Goldens: Kafka Connect 4.1.2's JsonConverter over KafkaConfigBackingStore's schemas.
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		{"target state STOPPED", encodeTargetState(TargetStopped), `{"state":"PAUSED","state.v2":"STOPPED"}`},
		{"target state PAUSED", encodeTargetState(TargetPaused), `{"state":"PAUSED","state.v2":"PAUSED"}`},
		{"target state STARTED", encodeTargetState(TargetStarted), `{"state":"STARTED","state.v2":"STARTED"}`},
		{"restart", encodeRestartRequest(true, false), `{"include-tasks":true,"only-failed":false}`},
		{"restart 2", encodeRestartRequest(false, true), `{"include-tasks":false,"only-failed":true}`},
		{"commit", encodeTasksCommit(2), `{"tasks":2}`},
		{"task count", encodeTaskCountRecord(3), `{"task-count":3}`},
		{"session key", encodeSessionKey(SessionKey{Key: []byte{0, 1, 2}, Algorithm: "HmacSHA256", CreationTimestamp: 1729800000000}),
			`{"key":"AAEC","algorithm":"HmacSHA256","creation-timestamp":1729800000000}`},
		{"logger", encodeLoggerLevel("DEBUG"), `{"level":"DEBUG"}`},
		{"connector config", encodeConnectorConfig(map[string]string{"tasks.max": "1", "name": "x", "connector.class": "FileStreamSource"}),
			`{"properties":{"connector.class":"FileStreamSource","name":"x","tasks.max":"1"}}`},
		{"empty config", encodeConnectorConfig(map[string]string{}), `{"properties":{}}`},
	}
	for _, c := range cases {
		if string(c.got) != c.want {
			t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
		}
	}
}

func TestParseTaskKey(t *testing.T) {
	cases := []struct {
		key       string
		prefix    int
		connector string
		task      int
		ok        bool
	}{
		{"task-a-0", 1, "a", 0, true},
		{"task-my-conn-12", 1, "my-conn", 12, true},
		{"task-a--1", 1, "a-", 1, true}, // Java: split gives [task, a, "", 1]
		{"task-a-1-", 1, "a", 1, true},  // Java's split drops the trailing empty string
		{"task--1", 1, "", 1, true},     // [task, "", 1]
		{"task-a-+3", 1, "a", 3, true},  // Integer.parseInt accepts a plus sign
		{"task-a-", 1, "", 0, false},    // [task, a]
		{"task-a-b", 1, "", 0, false},   // not a number
		{"task-a-99999999999", 1, "", 0, false},
		{"status-task-a-0", 2, "a", 0, true},
		{"status-task-my-conn-7", 2, "my-conn", 7, true},
		{"status-task-a", 2, "", 0, false},
	}
	for _, c := range cases {
		conn, task, ok := parseTaskKey(c.key, c.prefix)
		if ok != c.ok || conn != c.connector || task != c.task {
			t.Errorf("parseTaskKey(%q) = %q, %d, %v; want %q, %d, %v", c.key, conn, task, ok, c.connector, c.task, c.ok)
		}
	}
}

// configFeed applies records to a fresh configState, collecting events.
type configFeed struct {
	t      *testing.T
	st     *configState
	log    bytes.Buffer
	next   int64
	events []configEvent
}

func newConfigFeed(t *testing.T) *configFeed {
	return &configFeed{t: t, st: newConfigState()}
}

func (f *configFeed) put(key string, value string) {
	var v []byte
	if value != "<nil>" {
		v = []byte(value)
	}
	f.events = append(f.events, f.st.apply(consumedRecord{Key: []byte(key), Value: v, Offset: f.next}, testLogger(&f.log))...)
	f.next++
}

func (f *configFeed) takeEvents() []configEvent {
	ev := f.events
	f.events = nil
	return ev
}

func TestConfigStateConnectorAndTargetState(t *testing.T) {
	f := newConfigFeed(t)
	if f.st.offset != -1 {
		t.Fatalf("initial offset %d", f.st.offset)
	}
	// Created with an initial state: target state first, no event for a connector that does not
	// exist yet.
	f.put("target-state-my-conn", `{"state":"PAUSED","state.v2":"STOPPED"}`)
	if ev := f.takeEvents(); len(ev) != 0 {
		t.Fatalf("events for an unknown connector's target state: %+v", ev)
	}
	f.put("connector-my-conn", `{"properties":{"name":"my-conn","connector.class":"X","nul":null}}`)
	snap := f.st.snapshot()
	if got := snap.TargetState("my-conn"); got != TargetStopped {
		t.Fatalf("state.v2 must win: %s", got)
	}
	if want := map[string]string{"name": "my-conn", "connector.class": "X"}; !reflect.DeepEqual(snap.ConnectorConfigs["my-conn"], want) {
		t.Fatalf("config %v", snap.ConnectorConfigs["my-conn"])
	}
	if ev := f.takeEvents(); len(ev) != 1 || ev[0].kind != evConnectorUpdated || ev[0].connector != "my-conn" {
		t.Fatalf("events %+v", ev)
	}
	if snap.Offset != 2 {
		t.Fatalf("offset %d, want 2 (next to read)", snap.Offset)
	}

	// A connector without a target-state record is STARTED.
	f.put("connector-other", `{"properties":{}}`)
	if got := f.st.snapshot().TargetStates["other"]; got != TargetStarted {
		t.Fatalf("default target state %q", got)
	}
	f.takeEvents()
	// Old workers write only "state".
	f.put("target-state-other", `{"state":"PAUSED"}`)
	if got := f.st.snapshot().TargetStates["other"]; got != TargetPaused {
		t.Fatalf("state fallback %q", got)
	}
	if ev := f.takeEvents(); len(ev) != 1 || ev[0].kind != evTargetStateChanged {
		t.Fatalf("events %+v", ev)
	}
	// Same state again: no event.
	f.put("target-state-other", `{"state":"PAUSED","state.v2":"PAUSED"}`)
	if ev := f.takeEvents(); len(ev) != 0 {
		t.Fatalf("events for an unchanged state %+v", ev)
	}
	// A mistyped state.v2 falls back on state.
	f.put("target-state-other", `{"state":"STARTED","state.v2":5}`)
	if got := f.st.snapshot().TargetStates["other"]; got != TargetStarted {
		t.Fatalf("fallback after bad state.v2: %q", got)
	}
	f.takeEvents()

	// Delete: tombstones for connector- then target-state-.
	f.put("connector-other", "<nil>")
	if ev := f.takeEvents(); len(ev) != 1 || ev[0].kind != evConnectorRemoved || ev[0].connector != "other" {
		t.Fatalf("events %+v", ev)
	}
	f.put("target-state-other", "<nil>")
	snap = f.st.snapshot()
	if _, ok := snap.ConnectorConfigs["other"]; ok {
		t.Fatal("removed connector still has a config")
	}
	if _, ok := snap.TargetStates["other"]; ok {
		t.Fatal("removed connector still has a target state")
	}
	if ev := f.takeEvents(); len(ev) != 0 {
		t.Fatalf("target-state tombstone must not notify: %+v", ev)
	}
}

func TestConfigStateTaskCommits(t *testing.T) {
	f := newConfigFeed(t)
	f.put("connector-my-conn", `{"properties":{"name":"my-conn"}}`)
	f.put("task-my-conn-0", `{"properties":{"task.class":"T","n":"0"}}`)
	f.put("task-my-conn-1", `{"properties":{"task.class":"T","n":"1"}}`)
	// Buffered until the commit.
	if tc := f.st.snapshot().TaskConfigs["my-conn"]; tc != nil {
		t.Fatalf("task configs applied before the commit: %v", tc)
	}
	f.takeEvents()
	f.put("commit-my-conn", `{"tasks":2}`)
	snap := f.st.snapshot()
	want := []map[string]string{{"task.class": "T", "n": "0"}, {"task.class": "T", "n": "1"}}
	if !reflect.DeepEqual(snap.TaskConfigs["my-conn"], want) || snap.TaskCounts["my-conn"] != 2 {
		t.Fatalf("task configs %v count %d", snap.TaskConfigs["my-conn"], snap.TaskCounts["my-conn"])
	}
	if ev := f.takeEvents(); len(ev) != 1 || ev[0].kind != evTaskConfigsUpdated || !reflect.DeepEqual(ev[0].tasks, []int{0, 1}) {
		t.Fatalf("events %+v", ev)
	}
	if snap.TaskConfigGenerations["my-conn"] != 0 || !snap.PendingFencing["my-conn"] {
		t.Fatalf("generation %d pending %v", snap.TaskConfigGenerations["my-conn"], snap.PendingFencing)
	}
	if !reflect.DeepEqual(snap.AppliedConnectorConfigs["my-conn"], map[string]string{"name": "my-conn"}) {
		t.Fatalf("applied config %v", snap.AppliedConnectorConfigs)
	}

	// Incomplete: task 1 missing (compacted away). The connector becomes inconsistent, the old
	// configs are not shown, and the buffer is cleared.
	f.put("task-my-conn-0", `{"properties":{"task.class":"T","n":"new0"}}`)
	f.put("commit-my-conn", `{"tasks":2}`)
	snap = f.st.snapshot()
	if !snap.Inconsistent["my-conn"] {
		t.Fatal("incomplete commit must mark the connector inconsistent")
	}
	if _, ok := snap.TaskConfigs["my-conn"]; ok {
		t.Fatal("an inconsistent connector must have no task configs in the snapshot")
	}
	if ev := f.takeEvents(); len(ev) != 1 || ev[0].kind != evTaskConfigsUpdated || len(ev[0].tasks) != 0 {
		t.Fatalf("events %+v", ev)
	}
	// The buffer was cleared: a commit of 1 task now lacks task 0 too.
	f.put("commit-my-conn", `{"tasks":1}`)
	if !f.st.snapshot().Inconsistent["my-conn"] {
		t.Fatal("the buffer must be cleared at every commit")
	}

	// Extra ids (left by compaction) are allowed; a fresh complete set repairs the connector.
	f.put("task-my-conn-2", `{"properties":{"n":"stale2"}}`)
	f.put("task-my-conn-0", `{"properties":{"n":"a"}}`)
	f.put("commit-my-conn", `{"tasks":1}`)
	snap = f.st.snapshot()
	if snap.Inconsistent["my-conn"] || !reflect.DeepEqual(snap.TaskConfigs["my-conn"], []map[string]string{{"n": "a"}}) {
		t.Fatalf("repair: inconsistent=%v configs=%v", snap.Inconsistent, snap.TaskConfigs["my-conn"])
	}
	if snap.TaskConfigGenerations["my-conn"] != 1 {
		t.Fatalf("generation %d", snap.TaskConfigGenerations["my-conn"])
	}
	f.takeEvents()

	// Zero tasks (a STOPPED connector).
	f.put("commit-my-conn", `{"tasks":0}`)
	snap = f.st.snapshot()
	if tc, ok := snap.TaskConfigs["my-conn"]; !ok || len(tc) != 0 || snap.TaskCounts["my-conn"] != 0 {
		t.Fatalf("zero-task commit: %v %v", tc, ok)
	}

	// A commit for a connector without a config is ignored.
	f.takeEvents()
	f.put("task-ghost-0", `{"properties":{}}`)
	f.put("commit-ghost", `{"tasks":1}`)
	snap = f.st.snapshot()
	if _, ok := snap.TaskCounts["ghost"]; ok {
		t.Fatal("commit for an unknown connector applied")
	}
	if ev := f.takeEvents(); len(ev) != 0 {
		t.Fatalf("events %+v", ev)
	}

	// The task count record clears pending fencing.
	f.put("tasks-fencing-my-conn", `{"task-count":3}`)
	snap = f.st.snapshot()
	if snap.TaskCountRecords["my-conn"] != 3 || snap.PendingFencing["my-conn"] {
		t.Fatalf("task count record %v pending %v", snap.TaskCountRecords, snap.PendingFencing)
	}

	// Deleting the connector drops its task configs and counts.
	f.put("connector-my-conn", "<nil>")
	snap = f.st.snapshot()
	if _, ok := snap.TaskConfigs["my-conn"]; ok {
		t.Fatal("task configs survive the connector's deletion")
	}
}

func TestConfigStateOtherRecords(t *testing.T) {
	f := newConfigFeed(t)
	f.put("restart-connector-my-conn", `{"include-tasks":true,"only-failed":false}`)
	f.put("session-key", `{"key":"AAEC","algorithm":"HmacSHA256","creation-timestamp":1729800000000}`)
	f.put("logger-cluster-org.apache.kafka", `{"level":"DEBUG"}`)
	ev := f.takeEvents()
	if len(ev) != 3 || ev[0].kind != evRestartRequested || ev[0].connector != "my-conn" || !ev[0].includeTasks || ev[0].onlyFailed {
		t.Fatalf("restart event %+v", ev)
	}
	snap := f.st.snapshot()
	if snap.SessionKey == nil || !bytes.Equal(snap.SessionKey.Key, []byte{0, 1, 2}) || snap.SessionKey.Algorithm != "HmacSHA256" ||
		snap.SessionKey.CreationTimestamp != 1729800000000 {
		t.Fatalf("session key %+v", snap.SessionKey)
	}
	if snap.LoggerLevels["org.apache.kafka"] != "DEBUG" || ev[2].namespace != "org.apache.kafka" {
		t.Fatalf("logger levels %v", snap.LoggerLevels)
	}
	// Mistyped restart fields default to false, as in Connect.
	f.put("restart-connector-x", `{"include-tasks":"yes"}`)
	if ev := f.takeEvents(); len(ev) != 1 || ev[0].includeTasks || ev[0].onlyFailed {
		t.Fatalf("events %+v", ev)
	}
}

func TestConfigStateSkipsMalformedRecords(t *testing.T) {
	f := newConfigFeed(t)
	f.put("connector-a", `{"properties":{"k":"v"}}`) // offset 0
	bad := []struct{ key, value string }{
		{"connector-a", `not json`},                                            // 1: offset not advanced (Connect fails to convert)
		{"connector-a", `{"properties":"oops"}`},                               // 2
		{"connector-a", `{"properties":{"k":5}}`},                              // 3
		{"connector-a", `[1,2]`},                                               // 4
		{"task-a-x", `{"properties":{}}`},                                      // 5
		{"commit-a", `{"tasks":"2"}`},                                          // 6
		{"target-state-a", `{"state":"RUNNING"}`},                              // 7: not a target state
		{"target-state-a", `{}`},                                               // 8
		{"session-key", `{"key":"!!","algorithm":"x","creation-timestamp":1}`}, // 9
		{"something-else", `{}`},                                               // 10
		{"tasks-fencing-a", `{"task-count":1.5}`},                              // 11
		{"logger-cluster-x", `{"level":1}`},                                    // 12
	}
	for _, b := range bad {
		f.put(b.key, b.value)
	}
	snap := f.st.snapshot()
	if !reflect.DeepEqual(snap.ConnectorConfigs, map[string]map[string]string{"a": {"k": "v"}}) {
		t.Fatalf("configs changed by malformed records: %v", snap.ConnectorConfigs)
	}
	if snap.TargetStates["a"] != TargetStarted || snap.SessionKey != nil || len(snap.TaskCounts) != 0 || len(snap.LoggerLevels) != 0 {
		t.Fatalf("state changed by malformed records: %+v", snap)
	}
	if snap.Offset != 13 {
		t.Fatalf("offset %d, want 13", snap.Offset)
	}
	w := warnings(&f.log)
	if len(w) != len(bad) {
		t.Fatalf("want %d warnings, got %d:\n%s", len(bad), len(w), strings.Join(w, "\n"))
	}
	if !strings.Contains(w[0], "offset=1") || !strings.Contains(w[len(w)-1], "offset=12") {
		t.Fatalf("warnings must name the offset:\n%s", strings.Join(w, "\n"))
	}
	// A record that is not JSON does not advance the config offset (Connect converts first).
	g := newConfigFeed(t)
	g.put("connector-a", `{"properties":{}}`)
	g.put("connector-a", `garbage`)
	if got := g.st.snapshot().Offset; got != 1 {
		t.Fatalf("offset after a non-JSON record: %d, want 1", got)
	}
	// No key at all.
	g.st.apply(consumedRecord{Value: []byte(`{}`), Offset: 2}, hclog.NewNullLogger())
}
