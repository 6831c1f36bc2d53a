//go:build integration

package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// tWriter sends log lines to t.Log.
type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func itLogger(t testing.TB) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: "it", Output: tWriter{t}, Level: hclog.Debug})
}

var unsafeTopicChars = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// uniqueName is a topic/connector/group name unique to this test run.
func uniqueName(t testing.TB, suffix string) string {
	base := unsafeTopicChars.ReplaceAllString(t.Name(), "-")
	if len(base) > 60 {
		base = base[:60]
	}
	return fmt.Sprintf("it-storage-%s-%d-%s", base, time.Now().UnixNano()%1e10, suffix)
}

// itLogConfig is a LogConfig for the real Kafka of the test stack.
func itLogConfig(t testing.TB, topic, clientID string) LogConfig {
	return LogConfig{
		Client:            map[string]string{"bootstrap.servers": testenv.Get(t, testenv.Kafka)},
		Topic:             topic,
		ReplicationFactor: 1,
		ClientID:          clientID,
		Logger:            itLogger(t),
	}
}

func itContext(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// testAdmin is an admin client for test setup, with librdkafka's logs routed to t.Log.
type testAdmin struct {
	*kafka.AdminClient
	p    *kafka.Producer
	stop chan struct{}
	wg   sync.WaitGroup
}

func newTestAdmin(t testing.TB) *testAdmin {
	t.Helper()
	logs := make(chan kafka.LogEvent, 64)
	p, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers":      testenv.Get(t, testenv.Kafka),
		"go.logs.channel.enable": true,
		"go.logs.channel":        logs,
		"partitioner":            "murmur2_random",
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		t.Fatal(err)
	}
	ta := &testAdmin{AdminClient: a, p: p, stop: make(chan struct{})}
	ta.wg.Add(2)
	go func() {
		defer ta.wg.Done()
		for {
			select {
			case ev := <-logs:
				t.Log("librdkafka:", ev.Message)
			case <-ta.stop:
				return
			}
		}
	}()
	go func() {
		defer ta.wg.Done()
		for range p.Events() {
		}
	}()
	t.Cleanup(func() {
		a.Close()
		p.Close()
		close(ta.stop)
		ta.wg.Wait()
	})
	return ta
}

// createTopic creates a topic with the given partitions and configs.
func (a *testAdmin) createTopic(t testing.TB, topic string, partitions int, cfg map[string]string) {
	t.Helper()
	res, err := a.CreateTopics(itContext(t, 30*time.Second), []kafka.TopicSpecification{{
		Topic: topic, NumPartitions: partitions, ReplicationFactor: 1, Config: cfg,
	}})
	if err != nil || res[0].Error.Code() != kafka.ErrNoError {
		t.Fatalf("creating %s: %v %v", topic, err, res)
	}
}

// deleteTopicsAtEnd removes the test's topics when it ends.
func (a *testAdmin) deleteTopicsAtEnd(t testing.TB, topics ...string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := a.DeleteTopics(ctx, topics); err != nil {
			t.Logf("deleting topics %v: %v", topics, err)
		}
	})
}

// describeTopic returns the partition count and the configs of a topic.
func (a *testAdmin) describeTopic(t testing.TB, topic string) (int, map[string]string) {
	t.Helper()
	ctx := itContext(t, 30*time.Second)
	md, err := a.GetMetadata(&topic, false, 10000)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.DescribeConfigs(ctx, []kafka.ConfigResource{{Type: kafka.ResourceTopic, Name: topic}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]string{}
	for k, v := range res[0].Config {
		cfg[k] = v.Value
	}
	return len(md.Topics[topic].Partitions), cfg
}

// rawRecord is a record as stored in the topic.
type rawRecord struct {
	key, value []byte
	partition  int32
	offset     int64
}

// readTopic reads every record of a topic (all partitions, from the beginning, to the end).
func readTopic(t testing.TB, topic string) []rawRecord {
	t.Helper()
	logs := make(chan kafka.LogEvent, 64)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-logs:
			case <-stop:
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":      testenv.Get(t, testenv.Kafka),
		"group.id":               "it-storage-reader",
		"enable.auto.commit":     false,
		"enable.partition.eof":   true,
		"isolation.level":        "read_uncommitted",
		"go.logs.channel.enable": true,
		"go.logs.channel":        logs,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var tps []kafka.TopicPartition
	remaining := map[int32]bool{}
	for _, p := range md.Topics[topic].Partitions {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p.ID, Offset: kafka.OffsetBeginning})
		remaining[p.ID] = true
	}
	if err := c.Assign(tps); err != nil {
		t.Fatal(err)
	}
	var out []rawRecord
	deadline := time.Now().Add(30 * time.Second)
	for len(remaining) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("reading %s: partitions %v never reached their end", topic, remaining)
		}
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			out = append(out, rawRecord{key: e.Key, value: e.Value, partition: e.TopicPartition.Partition, offset: int64(e.TopicPartition.Offset)})
		case kafka.PartitionEOF:
			delete(remaining, e.Partition)
		}
	}
	return out
}

// lastRecord returns the last record with the key, in topic order within its partition.
func lastRecord(recs []rawRecord, key string) (rawRecord, bool) {
	var found rawRecord
	ok := false
	for _, r := range recs {
		if string(r.key) == key && (!ok || r.offset > found.offset) {
			found, ok = r, true
		}
	}
	return found, ok
}

// eventually polls cond until it holds or the deadline passes. It is for waiting on
// asynchronous systems (the Java worker), never a sleep used as synchronisation.
func eventually(t testing.TB, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	last := ""
	for {
		ok, state := cond()
		if ok {
			return
		}
		if state != "" {
			last = state
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; last seen: %s", d, what, last)
		}
		<-time.After(200 * time.Millisecond) // poll interval
	}
}
