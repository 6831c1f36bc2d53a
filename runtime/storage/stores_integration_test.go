//go:build integration

package storage

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTopicCreationAndCompactionCheck(t *testing.T) {
	admin := newTestAdmin(t)
	ctx := itContext(t, 2*time.Minute)

	// Missing topics are created compacted with the configured partitions and extra configs;
	// cleanup.policy is always compact.
	cfgTopic, offTopic, stTopic := uniqueName(t, "configs"), uniqueName(t, "offsets"), uniqueName(t, "status")
	admin.deleteTopicsAtEnd(t, cfgTopic, offTopic, stTopic)
	lc := itLogConfig(t, cfgTopic, "it-configs")
	lc.Partitions = 7 // ignored for the config topic
	lc.TopicConfigs = map[string]string{"cleanup.policy": "delete", "retention.ms": "604800001"}
	cs := NewConfigStore(lc)
	if err := cs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer cs.Stop()
	n, cfg := admin.describeTopic(t, cfgTopic)
	if n != 1 || cfg["cleanup.policy"] != "compact" || cfg["retention.ms"] != "604800001" {
		t.Fatalf("config topic: %d partitions, cleanup.policy=%s retention.ms=%s", n, cfg["cleanup.policy"], cfg["retention.ms"])
	}
	if got := cs.Snapshot().Offset; got != -1 {
		t.Fatalf("empty config topic offset %d, want -1", got)
	}

	os := NewOffsetStore(itLogConfig(t, offTopic, "it-offsets"))
	if err := os.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer os.Stop()
	if n, cfg := admin.describeTopic(t, offTopic); n != DefaultOffsetPartitions || cfg["cleanup.policy"] != "compact" {
		t.Fatalf("offsets topic: %d partitions, cleanup.policy=%s", n, cfg["cleanup.policy"])
	}
	slc := itLogConfig(t, stTopic, "it-statuses")
	slc.Partitions = 3
	ss := NewStatusStore(slc)
	if err := ss.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ss.Stop()
	if n, cfg := admin.describeTopic(t, stTopic); n != 3 || cfg["cleanup.policy"] != "compact" {
		t.Fatalf("status topic: %d partitions, cleanup.policy=%s", n, cfg["cleanup.policy"])
	}

	// A second store on the existing (compacted) topic starts fine.
	cs2 := NewConfigStore(itLogConfig(t, cfgTopic, "it-configs-2"))
	if err := cs2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cs2.Stop()

	// Existing topics that are not exactly compact are refused with Connect's message.
	for _, policy := range []string{"delete", "compact,delete"} {
		topic := uniqueName(t, "bad-"+strings.ReplaceAll(policy, ",", "-"))
		admin.createTopic(t, topic, 1, map[string]string{"cleanup.policy": policy})
		admin.deleteTopicsAtEnd(t, topic)
		s := NewOffsetStore(itLogConfig(t, topic, "it-bad"))
		err := s.Start(ctx)
		s.Stop()
		var tce *TopicConfigError
		if !errors.As(err, &tce) {
			t.Fatalf("cleanup.policy=%s: want a *TopicConfigError, got %v", policy, err)
		}
		want := fmt.Sprintf("Topic '%s' supplied via the 'offset.storage.topic' property is required to have "+
			"'cleanup.policy=compact' to guarantee consistency and durability of source connector offsets, but found "+
			"the topic currently has 'cleanup.policy=%s'. Continuing would likely result in eventually losing source "+
			"connector offsets and problems restarting this Connect cluster in the future. Change the "+
			"'offset.storage.topic' property in the Connect worker configurations to use a topic with "+
			"'cleanup.policy=compact'.", topic, policy)
		if tce.Error() != want || tce.Topic != topic || tce.Property != "offset.storage.topic" {
			t.Fatalf("message:\n got %s\nwant %s", tce.Error(), want)
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("wrapped error lost the message: %v", err)
		}
	}

	// A config topic with more than one partition is refused.
	two := uniqueName(t, "two-partitions")
	admin.createTopic(t, two, 2, map[string]string{"cleanup.policy": "compact"})
	admin.deleteTopicsAtEnd(t, two)
	bad := NewConfigStore(itLogConfig(t, two, "it-two"))
	err := bad.Start(ctx)
	bad.Stop()
	want := fmt.Sprintf("Topic '%s' supplied via the 'config.storage.topic' property is required to have a single "+
		"partition in order to guarantee consistency of connector configurations, but found 2 partitions.", two)
	var tce *TopicConfigError
	if !errors.As(err, &tce) || tce.Error() != want {
		t.Fatalf("two-partition config topic: %v", err)
	}

	// A stopped store refuses work.
	if err := bad.ReadToEnd(ctx); !errors.Is(err, ErrStopped) {
		t.Fatalf("ReadToEnd after Stop: %v", err)
	}
	fresh := NewStatusStore(itLogConfig(t, stTopic, "it-fresh"))
	if err := fresh.PutConnector(ctx, ConnectorStatus{Name: "x", State: StateRunning}); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("write before Start: %v", err)
	}
}

// recordingListener records ConfigListener calls.
type recordingListener struct {
	mu     sync.Mutex
	events []string
}

func (l *recordingListener) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, s)
}
func (l *recordingListener) ConnectorConfigUpdated(c string) { l.add("updated " + c) }
func (l *recordingListener) ConnectorConfigRemoved(c string) { l.add("removed " + c) }
func (l *recordingListener) TaskConfigsUpdated(c string)     { l.add("tasks " + c) }
func (l *recordingListener) TargetStateChanged(c string)     { l.add("target " + c) }
func (l *recordingListener) RestartRequested(c string, inc, only bool) {
	l.add(fmt.Sprintf("restart %s %v %v", c, inc, only))
}
func (l *recordingListener) SessionKeyUpdated(k SessionKey) { l.add("session-key " + k.Algorithm) }
func (l *recordingListener) LoggerLevelUpdated(ns, level string) {
	l.add("logger " + ns + " " + level)
}
func (l *recordingListener) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	ev := l.events
	l.events = nil
	return ev
}

func TestConfigStoreRoundTrip(t *testing.T) {
	admin := newTestAdmin(t)
	ctx := itContext(t, 2*time.Minute)
	topic := uniqueName(t, "configs")
	admin.deleteTopicsAtEnd(t, topic)

	a := NewConfigStore(itLogConfig(t, topic, "it-a-configs"))
	lis := &recordingListener{}
	a.SetListener(lis)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Stop()

	const c = "my-conn-1" // dashes and a digit: task keys must still parse
	connCfg := map[string]string{"name": c, "connector.class": "FileStreamSource", "tasks.max": "2", "weird": "é\"\n😀"}
	if err := a.PutConnectorConfig(ctx, c, connCfg, TargetStopped); err != nil {
		t.Fatal(err)
	}
	tasks := []map[string]string{
		{"task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "n": "0"},
		{"task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "n": "1"},
	}
	if err := a.PutTaskConfigs(ctx, c, tasks); err != nil {
		t.Fatal(err)
	}
	if err := a.PutRestartRequest(ctx, c, true, false); err != nil {
		t.Fatal(err)
	}
	if err := a.PutSessionKey(ctx, SessionKey{Key: []byte("0123456789abcdef"), Algorithm: "HmacSHA256", CreationTimestamp: 1729800000000}); err != nil {
		t.Fatal(err)
	}
	if err := a.PutTaskCountRecord(ctx, c, 2); err != nil {
		t.Fatal(err)
	}
	if err := a.PutLoggerLevel(ctx, "org.apache.kafka", "DEBUG"); err != nil {
		t.Fatal(err)
	}
	if err := a.PutTargetState(ctx, c, TargetPaused); err != nil {
		t.Fatal(err)
	}
	if err := a.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	snap := a.Snapshot()
	if !reflect.DeepEqual(snap.ConnectorConfigs[c], connCfg) {
		t.Fatalf("connector config %v", snap.ConnectorConfigs[c])
	}
	if !reflect.DeepEqual(snap.TaskConfigs[c], tasks) || snap.TaskCounts[c] != 2 || snap.Inconsistent[c] {
		t.Fatalf("task configs %v count %d inconsistent %v", snap.TaskConfigs[c], snap.TaskCounts[c], snap.Inconsistent)
	}
	if snap.TargetState(c) != TargetPaused || snap.TaskCountRecords[c] != 2 || snap.PendingFencing[c] {
		t.Fatalf("target %s task count records %v pending %v", snap.TargetState(c), snap.TaskCountRecords, snap.PendingFencing)
	}
	if snap.SessionKey == nil || string(snap.SessionKey.Key) != "0123456789abcdef" || snap.LoggerLevels["org.apache.kafka"] != "DEBUG" {
		t.Fatalf("session key %+v logger %v", snap.SessionKey, snap.LoggerLevels)
	}
	// 2 target-state + 1 connector + 2 tasks + 1 commit + restart + session + fencing + logger = 10.
	if snap.Offset != 10 {
		t.Fatalf("offset %d, want 10", snap.Offset)
	}
	wantEvents := []string{
		"updated " + c, // the initial STOPPED state is for a connector that did not exist yet: no event
		"tasks " + c,
		"restart " + c + " true false",
		"session-key HmacSHA256",
		"logger org.apache.kafka DEBUG",
		"target " + c,
	}
	if got := lis.take(); !reflect.DeepEqual(got, wantEvents) {
		t.Fatalf("listener events\n got %q\nwant %q", got, wantEvents)
	}

	// The raw records, in order, in Connect's formats.
	recs := readTopic(t, topic)
	var keys []string
	for _, r := range recs {
		keys = append(keys, string(r.key))
	}
	wantKeys := []string{"target-state-" + c, "connector-" + c, "task-" + c + "-0", "task-" + c + "-1", "commit-" + c,
		"restart-connector-" + c, "session-key", "tasks-fencing-" + c, "logger-cluster-org.apache.kafka", "target-state-" + c}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("keys\n got %q\nwant %q", keys, wantKeys)
	}
	wantValues := map[int]string{
		0: `{"state":"PAUSED","state.v2":"STOPPED"}`,
		1: `{"properties":{"connector.class":"FileStreamSource","name":"my-conn-1","tasks.max":"2","weird":"é\"\n\uD83D\uDE00"}}`,
		2: `{"properties":{"n":"0","task.class":"org.apache.kafka.connect.file.FileStreamSourceTask"}}`,
		4: `{"tasks":2}`,
		5: `{"include-tasks":true,"only-failed":false}`,
		6: `{"key":"MDEyMzQ1Njc4OWFiY2RlZg==","algorithm":"HmacSHA256","creation-timestamp":1729800000000}`,
		7: `{"task-count":2}`,
		8: `{"level":"DEBUG"}`,
		9: `{"state":"PAUSED","state.v2":"PAUSED"}`,
	}
	for i, want := range wantValues {
		if string(recs[i].value) != want {
			t.Errorf("record %d (%s): got %s, want %s", i, recs[i].key, recs[i].value, want)
		}
	}

	// A second instance (a restart) reads the same state.
	b := NewConfigStore(itLogConfig(t, topic, "it-b-configs"))
	lisB := &recordingListener{}
	b.SetListener(lisB)
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	if got := b.Snapshot(); !reflect.DeepEqual(got, snap) {
		t.Fatalf("restarted store differs:\n got %+v\nwant %+v", got, snap)
	}
	if ev := lisB.take(); len(ev) != 0 {
		t.Fatalf("records read during Start were announced: %v", ev)
	}

	// Writes by one instance are announced to the other.
	if err := a.RemoveConnectorConfig(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := b.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	if got := lisB.take(); !reflect.DeepEqual(got, []string{"removed " + c}) {
		t.Fatalf("events on b: %q", got)
	}
	snap = b.Snapshot()
	if _, ok := snap.ConnectorConfigs[c]; ok {
		t.Fatal("removed connector still configured")
	}
	if _, ok := snap.TargetStates[c]; ok {
		t.Fatal("removed connector still has a target state")
	}
	recs = readTopic(t, topic)
	if r := recs[len(recs)-2]; string(r.key) != "connector-"+c || r.value != nil {
		t.Fatalf("expected a connector tombstone, got %s=%q", r.key, r.value)
	}
	if r := recs[len(recs)-1]; string(r.key) != "target-state-"+c || r.value != nil {
		t.Fatalf("expected a target-state tombstone, got %s=%q", r.key, r.value)
	}
}

func TestOffsetStoreRoundTrip(t *testing.T) {
	admin := newTestAdmin(t)
	ctx := itContext(t, 2*time.Minute)
	topic := uniqueName(t, "offsets")
	admin.deleteTopicsAtEnd(t, topic)
	lc := itLogConfig(t, topic, "it-a-offsets")
	lc.Partitions = 5
	a := NewOffsetStore(lc)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Stop()

	p1 := map[string]any{"filename": "/tmp/in.txt"}
	p2 := map[string]any{"topic": "sensors/1", "qos": 1, "ratio": 0.5}
	err := a.Put(ctx, "src", []PartitionOffset{
		{Partition: p1, Offset: map[string]any{"position": int64(4711)}},
		{Partition: p2, Offset: map[string]any{"ts": 1729800000000, "last": "x", "ok": true, "f": 2.5, "n": nil}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Offset(ctx, "src", p1)
	if err != nil || !reflect.DeepEqual(got, map[string]any{"position": int64(4711)}) {
		t.Fatalf("Offset = %v, %v", got, err)
	}
	// Integers come back int64, decimals float64.
	got, _ = a.Offset(ctx, "src", map[string]any{"ratio": 0.5, "qos": int64(1), "topic": "sensors/1"})
	if want := map[string]any{"ts": int64(1729800000000), "last": "x", "ok": true, "f": 2.5, "n": nil}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Offset(p2) = %#v", got)
	}
	if got, _ := a.Offset(ctx, "other", p1); got != nil {
		t.Fatalf("another connector's offset leaked: %v", got)
	}
	if _, err := a.Offset(ctx, "src", map[string]any{"nested": map[string]any{}}); !errors.Is(err, ErrInvalidOffset) {
		t.Fatalf("nested partition: %v", err)
	}
	if err := a.Put(ctx, "src", []PartitionOffset{{Partition: p1, Offset: map[string]any{"l": []any{1}}}}); !errors.Is(err, ErrInvalidOffset) {
		t.Fatalf("nested offset: %v", err)
	}

	recs := readTopic(t, topic)
	r, ok := lastRecord(recs, `["src",{"filename":"/tmp/in.txt"}]`)
	if !ok || string(r.value) != `{"position":4711}` {
		t.Fatalf("raw record %q=%q", r.key, r.value)
	}
	if r, ok := lastRecord(recs, `["src",{"qos":1,"ratio":0.5,"topic":"sensors/1"}]`); !ok ||
		string(r.value) != `{"f":2.5,"last":"x","n":null,"ok":true,"ts":1729800000000}` {
		t.Fatalf("raw record %q=%q", r.key, r.value)
	}
	// Keys land where Java's partitioner puts them.
	for _, r := range recs {
		if want := javaPartition(r.key, 5); r.partition != want {
			t.Errorf("key %s on partition %d, Java would use %d", r.key, r.partition, want)
		}
	}

	// A key a Java worker wrote in HashMap order is found, and rewritten under the same bytes.
	javaKey := `["src",{"topic":"sensors/2","qos":0}]`
	if _, err := a.klog.send(ctx, []keyValue{{key: []byte(javaKey), value: []byte(`{"seq":1}`)}}); err != nil {
		t.Fatal(err)
	}
	p3 := map[string]any{"qos": 0, "topic": "sensors/2"}
	if got, _ := a.Offset(ctx, "src", p3); !reflect.DeepEqual(got, map[string]any{"seq": int64(1)}) {
		t.Fatalf("Java-ordered key not found: %v", got)
	}
	if err := a.Put(ctx, "src", []PartitionOffset{{Partition: p3, Offset: map[string]any{"seq": 2}}}); err != nil {
		t.Fatal(err)
	}
	recs = readTopic(t, topic)
	if r := recs[len(recs)-1]; string(r.key) != javaKey || string(r.value) != `{"seq":2}` {
		// The last record in its partition: find it by key.
		if r, ok := lastRecord(recs, javaKey); !ok || string(r.value) != `{"seq":2}` {
			t.Fatalf("rewrite did not reuse the Java key bytes: %q", r.value)
		}
	}
	for _, r := range recs {
		if string(r.key) == `["src",{"qos":0,"topic":"sensors/2"}]` {
			t.Fatal("a second key was written for an existing partition")
		}
	}

	// Tombstone removes the offset.
	if err := a.Put(ctx, "src", []PartitionOffset{{Partition: p1}}); err != nil {
		t.Fatal(err)
	}
	all, err := a.ConnectorOffsets(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("ConnectorOffsets = %v", all)
	}

	// A second instance reads the same.
	b := NewOffsetStore(itLogConfig(t, topic, "it-b-offsets"))
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	allB, err := b.ConnectorOffsets(ctx, "src")
	if err != nil || !reflect.DeepEqual(allB, all) {
		t.Fatalf("restarted store: %v %v, want %v", allB, err, all)
	}
	if got, _ := b.Offset(ctx, "src", p1); got != nil {
		t.Fatalf("tombstoned offset visible after restart: %v", got)
	}
}

func TestStatusStoreRoundTrip(t *testing.T) {
	admin := newTestAdmin(t)
	ctx := itContext(t, 2*time.Minute)
	topic := uniqueName(t, "status")
	admin.deleteTopicsAtEnd(t, topic)
	a := NewStatusStore(itLogConfig(t, topic, "it-a-statuses"))
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Stop()

	const c = "my-conn"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.PutConnector(ctx, ConnectorStatus{Name: c, State: StateRunning, WorkerID: "w1:8083", Generation: 5, Version: "0.1.0"}))
	must(a.PutTask(ctx, TaskStatus{Connector: c, Task: 1, State: StateFailed, Trace: "boom\n\tat x", WorkerID: "w1:8083", Generation: 5}))
	must(a.PutTask(ctx, TaskStatus{Connector: c, Task: 0, State: StateRunning, WorkerID: "w1:8083", Generation: 5}))
	must(a.PutTopic(ctx, TopicStatus{Topic: "orders", Connector: c, Task: 0, DiscoverTimestamp: 1729800000000}))
	must(a.ReadToEnd(ctx))
	if st, ok := a.Connector(c); !ok || st != (ConnectorStatus{Name: c, State: StateRunning, WorkerID: "w1:8083", Generation: 5, Version: "0.1.0"}) {
		t.Fatalf("connector %+v", st)
	}
	tasks := a.Tasks(c)
	if len(tasks) != 2 || tasks[0].Task != 0 || tasks[1].Task != 1 || tasks[1].Trace != "boom\n\tat x" {
		t.Fatalf("tasks %+v", tasks)
	}
	if tp := a.Topics(c); len(tp) != 1 || tp[0] != (TopicStatus{Topic: "orders", Connector: c, DiscoverTimestamp: 1729800000000}) {
		t.Fatalf("topics %+v", tp)
	}

	// putSafe: another worker with an older generation may not overwrite; the same worker or a
	// newer generation may.
	must(a.PutConnectorSafe(ctx, ConnectorStatus{Name: c, State: StateUnassigned, WorkerID: "w2:8083", Generation: 4}))
	must(a.PutTaskSafe(ctx, TaskStatus{Connector: c, Task: 1, State: StateUnassigned, WorkerID: "w2:8083", Generation: 4}))
	must(a.ReadToEnd(ctx))
	if st, _ := a.Connector(c); st.State != StateRunning {
		t.Fatalf("unsafe write applied: %+v", st)
	}
	if st, _ := a.Task(c, 1); st.State != StateFailed {
		t.Fatalf("unsafe task write applied: %+v", st)
	}
	must(a.PutConnectorSafe(ctx, ConnectorStatus{Name: c, State: StateFailed, Trace: "t", WorkerID: "w1:8083", Generation: 1}))
	must(a.ReadToEnd(ctx))
	if st, _ := a.Connector(c); st.State != StateFailed {
		t.Fatalf("same-worker safe write skipped: %+v", st)
	}
	// The reader quirk: another worker's UNASSIGNED of an older generation does not hide RUNNING.
	must(a.PutTask(ctx, TaskStatus{Connector: c, Task: 0, State: StateUnassigned, WorkerID: "w2:8083", Generation: 5}))
	must(a.ReadToEnd(ctx))
	if st, _ := a.Task(c, 0); st.State != StateRunning {
		t.Fatalf("stale UNASSIGNED applied: %+v", st)
	}

	recs := readTopic(t, topic)
	if r, _ := lastRecord(recs, "status-task-my-conn-1"); string(r.value) !=
		`{"state":"FAILED","trace":"boom\n\tat x","worker_id":"w1:8083","generation":5,"version":null}` {
		t.Fatalf("task status value %s", r.value)
	}
	if r, _ := lastRecord(recs, "status-topic-orders:connector-my-conn"); string(r.value) !=
		`{"topic":{"name":"orders","connector":"my-conn","task":0,"discoverTimestamp":1729800000000}}` {
		t.Fatalf("topic status value %s", r.value)
	}
	if r, _ := lastRecord(recs, "status-task-my-conn-0"); string(r.value) !=
		`{"state":"UNASSIGNED","trace":null,"worker_id":"w2:8083","generation":5,"version":null}` {
		t.Fatalf("task 0 value %s", r.value)
	}

	// A second instance reads the same view.
	b := NewStatusStore(itLogConfig(t, topic, "it-b-statuses"))
	must(b.Start(ctx))
	defer b.Stop()
	if sa, sb := a.Tasks(c), b.Tasks(c); !reflect.DeepEqual(sa, sb) {
		t.Fatalf("restart: %+v vs %+v", sb, sa)
	}
	if ca, _ := a.Connector(c); !reflect.DeepEqual(b.Connectors(), []string{c}) || func() ConnectorStatus { s, _ := b.Connector(c); return s }() != ca {
		t.Fatal("restart: connector status differs")
	}

	// Deletes are tombstones; a connector's tombstone also hides its tasks.
	must(a.DeleteTopic(ctx, c, "orders"))
	must(a.DeleteTask(ctx, c, 1))
	must(a.PutConnector(ctx, ConnectorStatus{Name: "other", State: StateDestroyed}))
	must(a.ReadToEnd(ctx))
	if len(a.Topics(c)) != 0 || len(a.Tasks(c)) != 1 {
		t.Fatalf("after deletes: topics %v tasks %v", a.Topics(c), a.Tasks(c))
	}
	must(a.DeleteConnector(ctx, c))
	must(b.ReadToEnd(ctx))
	if _, ok := b.Connector(c); ok || len(b.Tasks(c)) != 0 {
		t.Fatalf("after connector delete: %v", b.Tasks(c))
	}
	recs = readTopic(t, topic)
	if r, _ := lastRecord(recs, "status-connector-other"); r.value != nil {
		t.Fatalf("DESTROYED must be a tombstone, got %q", r.value)
	}
}

func TestMurmur2Partitioning(t *testing.T) {
	admin := newTestAdmin(t)
	ctx := itContext(t, 2*time.Minute)
	topic := uniqueName(t, "status")
	admin.deleteTopicsAtEnd(t, topic)
	s := NewStatusStore(itLogConfig(t, topic, "it-murmur"))
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	var kvs []keyValue
	var keys []string
	for i := range 200 {
		k := fmt.Sprintf("status-task-conn-%d-%d", i%13, i)
		if i%2 == 0 {
			k = fmt.Sprintf("status-connector-c%d-é", i)
		}
		keys = append(keys, k)
		kvs = append(kvs, keyValue{key: []byte(k), value: encodeStatus(StateRunning, "", "w:1", i, "")})
	}
	parts, err := s.klog.send(ctx, kvs)
	if err != nil {
		t.Fatal(err)
	}
	used := map[int32]int{}
	for i, k := range keys {
		want := javaPartition([]byte(k), DefaultStatusPartitions)
		if parts[i] != want {
			t.Errorf("key %s: librdkafka chose partition %d, Java's partitioner %d", k, parts[i], want)
		}
		used[parts[i]]++
	}
	if len(used) != DefaultStatusPartitions {
		t.Fatalf("keys used only partitions %v", used)
	}
	t.Logf("200 keys matched Java's murmur2 partitioner; spread over partitions %v", used)
}

// TestStopWhileWaiting checks that Stop releases a ReadToEnd that is waiting and returns.
func TestStopWhileWaiting(t *testing.T) {
	admin := newTestAdmin(t)
	ctx := itContext(t, time.Minute)
	topic := uniqueName(t, "offsets")
	admin.deleteTopicsAtEnd(t, topic)
	lc := itLogConfig(t, topic, "it-stop")
	lc.Partitions = 1
	s := NewOffsetStore(lc)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Register a waiter that cannot be satisfied, then stop.
	w := &endWaiter{targets: map[int32]int64{0: 1 << 40}, done: make(chan error, 1)}
	s.klog.mu.Lock()
	s.klog.waiters = append(s.klog.waiters, w)
	s.klog.mu.Unlock()
	done := make(chan struct{})
	go func() { s.Stop(); close(done) }()
	select {
	case err := <-w.done:
		if !errors.Is(err, ErrStopped) {
			t.Fatalf("waiter got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not release the waiter")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return")
	}
	if err := s.ReadToEnd(context.Background()); !errors.Is(err, ErrStopped) {
		t.Fatalf("after Stop: %v", err)
	}
}
