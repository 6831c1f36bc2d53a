//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// rec is a consumed Kafka record.
type rec struct {
	Key, Value []byte
	Partition  int32
	Offset     int64
	Topic      string
	Headers    []kafka.Header
}

// consumeAll reads topic from the beginning until want records arrived or ctx ends.
func consumeAll(ctx context.Context, t *testing.T, topic string, want int) []rec {
	t.Helper()
	return consumeUntil(ctx, t, topic, func(r []rec) bool { return len(r) >= want })
}

// consumeUntil reads topic from the beginning until done holds or ctx ends.
func consumeUntil(ctx context.Context, t *testing.T, topic string, done func([]rec) bool) []rec {
	t.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": testenv.Get(t, testenv.Kafka), "group.id": fmt.Sprintf("it-read-%d", time.Now().UnixNano()),
		"auto.offset.reset": "earliest", "enable.auto.commit": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	var out []rec
	for !done(out) && ctx.Err() == nil {
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err != nil {
			continue // timeouts while the topic fills
		}
		r := rec{Key: m.Key, Value: m.Value, Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset), Headers: m.Headers}
		if m.TopicPartition.Topic != nil {
			r.Topic = *m.TopicPartition.Topic
		}
		out = append(out, r)
	}
	return out
}

// offsetRecords returns the latest value per key of the offsets topic entries whose key
// starts with ["<connector>", — the raw bytes both runtimes wrote.
func offsetRecords(ctx context.Context, t *testing.T, topic, connectorName string) map[string]string {
	t.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": testenv.Get(t, testenv.Kafka), "group.id": fmt.Sprintf("it-offsets-%d", time.Now().UnixNano()),
		"auto.offset.reset": "earliest", "enable.auto.commit": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var parts []kafka.TopicPartition
	high := map[int32]int64{}
	for _, p := range md.Topics[topic].Partitions {
		_, hi, err := c.QueryWatermarkOffsets(topic, p.ID, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if hi > 0 {
			high[p.ID] = hi
			parts = append(parts, kafka.TopicPartition{Topic: &topic, Partition: p.ID, Offset: kafka.OffsetBeginning})
		}
	}
	out := map[string]string{}
	if len(parts) == 0 {
		return out
	}
	if err := c.Assign(parts); err != nil {
		t.Fatal(err)
	}
	prefix := `["` + connectorName + `",`
	for len(high) > 0 && ctx.Err() == nil {
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err != nil {
			continue
		}
		if strings.HasPrefix(string(m.Key), prefix) {
			if m.Value == nil {
				delete(out, string(m.Key))
			} else {
				out[string(m.Key)] = string(m.Value)
			}
		}
		if int64(m.TopicPartition.Offset)+1 >= high[m.TopicPartition.Partition] {
			delete(high, m.TopicPartition.Partition)
		}
	}
	return out
}

func createConnector(t *testing.T, base, name string, cfg map[string]string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"name": name, "config": cfg})
	resp, err := http.Post(strings.TrimSuffix(base, "/")+"/connectors", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		t.Fatalf("create %s on %s: status %d: %s", name, base, resp.StatusCode, b.String())
	}
}

func deleteConnector(base, name string) {
	req, _ := http.NewRequest(http.MethodDelete, strings.TrimSuffix(base, "/")+"/connectors/"+name, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// waitOffsets polls GET /connectors/{c}/offsets until pred holds.
func waitOffsets(ctx context.Context, t *testing.T, base, name string, pred func([]map[string]any) bool) []map[string]any {
	t.Helper()
	var last []map[string]any
	for ctx.Err() == nil {
		resp, err := http.Get(strings.TrimSuffix(base, "/") + "/connectors/" + name + "/offsets")
		if err == nil {
			var body struct {
				Offsets []map[string]any `json:"offsets"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			last = body.Offsets
			if pred(last) {
				return last
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatalf("offsets of %s on %s never matched; last %v", name, base, last)
	return nil
}

func positionIs(want float64) func([]map[string]any) bool {
	return func(offs []map[string]any) bool {
		if len(offs) != 1 {
			return false
		}
		o, _ := offs[0]["offset"].(map[string]any)
		return o["position"] == want
	}
}

// TestFileStreamSourceMatchesApacheKafkaConnect posts the same FileStreamSource connector
// to Apache Kafka Connect and to Tributary: both must write the same records (key and value
// bytes, JsonConverter envelope) and the same offsets-topic entries.
func TestFileStreamSourceMatchesApacheKafkaConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	lines := []string{"hello", "wörld ✓", "", `{"json":"line"}`, "tab\tand \"quotes\"", "last"}
	input := filepath.Join(t.TempDir(), "input.txt")
	content := strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(input, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	run := time.Now().UnixNano()
	name := fmt.Sprintf("it-file-%d", run)
	oracleTopic, ourTopic := fmt.Sprintf("it-file-oracle-%d", run), fmt.Sprintf("it-file-ours-%d", run)

	w := startWorker(t, ctx, nil)
	oracle := testenv.Get(t, testenv.Connect)
	createConnector(t, oracle, name, map[string]string{"connector.class": "FileStreamSource", "file": input, "topic": oracleTopic, "tasks.max": "1"})
	defer deleteConnector(oracle, name)
	createConnector(t, w.URL, name, map[string]string{"connector.class": "FileStreamSource", "file": input, "topic": ourTopic, "tasks.max": "1"})

	theirs := consumeAll(ctx, t, oracleTopic, len(lines))
	ours := consumeAll(ctx, t, ourTopic, len(lines))
	if len(theirs) != len(lines) || len(ours) != len(lines) {
		t.Fatalf("records: Apache Kafka Connect %d, Tributary %d, want %d", len(theirs), len(ours), len(lines))
	}
	for i := range lines {
		if !bytes.Equal(theirs[i].Key, ours[i].Key) || !bytes.Equal(theirs[i].Value, ours[i].Value) {
			t.Errorf("record %d differs:\n  Apache Kafka Connect key %q value %s\n  Tributary            key %q value %s", i, theirs[i].Key, theirs[i].Value, ours[i].Key, ours[i].Value)
		}
	}
	t.Logf("first record value: %s", ours[0].Value)

	// Both commit the same offset for the file; compare the offsets-topic bytes.
	want := float64(len(utf16.Encode([]rune(content)))) // Java counts UTF-16 chars
	waitOffsets(ctx, t, oracle, name, positionIs(want))
	waitOffsets(ctx, t, w.URL, name, positionIs(want))
	theirOffsets := offsetRecords(ctx, t, "oracle-connect-offsets", name)
	ourOffsets := offsetRecords(ctx, t, w.OffsetsTopic, name)
	if fmt.Sprint(theirOffsets) != fmt.Sprint(ourOffsets) || len(ourOffsets) != 1 {
		t.Fatalf("offsets topic entries differ:\n  Apache Kafka Connect %v\n  Tributary            %v", theirOffsets, ourOffsets)
	}
	t.Logf("offsets entry: %v", ourOffsets)

	// The task's work shows in /metrics with Kafka Connect's metric names.
	resp, err := http.Get(w.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		fmt.Sprintf(`kafka_connect_source_task_metrics_source_record_poll_total{connector=%q,task="0"} %d`, name, len(lines)),
		fmt.Sprintf(`kafka_connect_source_task_metrics_source_record_write_total{connector=%q,task="0"} %d`, name, len(lines)),
		`kafka_connect_connect_worker_metrics_task_count 1`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestFileStreamSourceResumesAfterRestart stops the worker (gracefully, then with kill -9),
// appends lines, restarts it on the same internal topics, and counts records: nothing is
// lost, and duplicates come only from the interval that was not yet flushed.
func TestFileStreamSourceResumesAfterRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	run := time.Now().UnixNano()
	name := fmt.Sprintf("it-resume-%d", run)
	topic := fmt.Sprintf("it-resume-%d", run)
	input := filepath.Join(t.TempDir(), "input.txt")
	appendLines := func(from, to int) {
		f, err := os.OpenFile(input, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < to; i++ {
			fmt.Fprintf(f, "line-%05d\n", i)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	appendLines(0, 100)
	topics := &workerTopics{Prefix: fmt.Sprintf("it-resume-%d", run)}
	w := startWorker(t, ctx, topics)
	createConnector(t, w.URL, name, map[string]string{"connector.class": "FileStreamSource", "file": input, "topic": topic})
	if got := consumeAll(ctx, t, topic, 100); len(got) != 100 {
		t.Fatalf("got %d records before the restart, want 100", len(got))
	}
	w.Stop(t, false) // SIGTERM: the final offset commit must happen

	appendLines(100, 200)
	w = startWorker(t, ctx, topics)
	got := consumeAll(ctx, t, topic, 200)
	if dups, missing := countLines(got, 200); len(got) != 200 || dups != 0 || missing != 0 {
		t.Fatalf("after a graceful restart: %d records, %d duplicates, %d missing; want exactly 200", len(got), dups, missing)
	}

	// kill -9: whatever was not flushed yet is read again, nothing is lost. The committed
	// position just before the kill bounds the duplicates: every line after it may repeat.
	appendLines(200, 300)
	committed := waitOffsets(ctx, t, w.URL, name, func(o []map[string]any) bool { return len(o) == 1 })
	w.Stop(t, true)
	pos, _ := committed[0]["offset"].(map[string]any)["position"].(float64)
	bound := 300 - int(pos)/len("line-00000\n")
	startWorker(t, ctx, topics)
	all := consumeUntil(ctx, t, topic, func(r []rec) bool { _, missing := countLines(r, 300); return missing == 0 })
	dups, missing := countLines(all, 300)
	t.Logf("after kill -9: %d records for 300 lines, %d duplicates (committed position %d allowed at most %d)", len(all), dups, int(pos), bound)
	if missing != 0 {
		t.Fatalf("%d lines missing after kill -9 and restart", missing)
	}
	if dups > bound {
		t.Fatalf("%d duplicates, but only %d lines came after the committed offset", dups, bound)
	}
}

// countLines counts duplicate and missing line-%05d values among JSON-envelope records.
func countLines(recs []rec, n int) (dups, missing int) {
	seen := map[string]int{}
	for _, r := range recs {
		var env struct {
			Payload string `json:"payload"`
		}
		_ = json.Unmarshal(r.Value, &env)
		seen[env.Payload]++
	}
	for i := 0; i < n; i++ {
		c := seen[fmt.Sprintf("line-%05d", i)]
		if c == 0 {
			missing++
		} else {
			dups += c - 1
		}
	}
	return dups, missing
}
