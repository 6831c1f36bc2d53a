//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// describeTopic returns a topic's partition count and retention.ms.
func describeTopic(ctx context.Context, t *testing.T, topic string) (int, string) {
	t.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": testenv.Get(t, testenv.Kafka)})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	md, err := admin.GetMetadata(&topic, false, 10000)
	if err != nil {
		t.Fatal(err)
	}
	res, err := admin.DescribeConfigs(ctx, []kafka.ConfigResource{{Type: kafka.ResourceTopic, Name: topic}})
	if err != nil {
		t.Fatal(err)
	}
	return len(md.Topics[topic].Partitions), res[0].Config["retention.ms"].Value
}

// TestTopicCreationLikeApacheKafkaConnect: with topic.creation.* keys (KIP-158) both
// runtimes create the connector's topic with the matching group's settings; a group's own
// topic config (retention.ms) is applied. Missing required keys fail the connector at start.
func TestTopicCreationLikeApacheKafkaConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	input := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(input, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := time.Now().UnixNano()
	w := startWorker(t, ctx, nil)
	oracle := testenv.Get(t, testenv.Connect)
	for _, side := range []struct{ name, base string }{{"oracle", oracle}, {"ours", w.URL}} {
		plain := fmt.Sprintf("it-tc-%s-%d", side.name, run)
		short := fmt.Sprintf("it-tc-%s-%d-short", side.name, run)
		for _, topic := range []string{plain, short} {
			name := "c-" + topic
			createConnector(t, side.base, name, map[string]string{
				"connector.class": "FileStreamSource", "file": input, "topic": topic,
				"topic.creation.default.partitions": "3", "topic.creation.default.replication.factor": "1",
				"topic.creation.groups": "short", "topic.creation.short.include": ".*-short",
				"topic.creation.short.partitions": "2", "topic.creation.short.retention.ms": "3600000",
			})
			defer deleteConnector(side.base, name)
			if got := consumeAll(ctx, t, topic, 2); len(got) != 2 {
				t.Fatalf("%s: %d records in %s, want 2", side.name, len(got), topic)
			}
		}
		if n, retention := describeTopic(ctx, t, plain); n != 3 || retention != "604800000" {
			t.Errorf("%s: %s has %d partitions and retention.ms=%s, want 3 and the broker default (default group)", side.name, plain, n, retention)
		}
		if n, retention := describeTopic(ctx, t, short); n != 2 || retention != "3600000" {
			t.Errorf("%s: %s has %d partitions and retention.ms=%s, want 2 and 3600000 (group short)", side.name, short, n, retention)
		}

		// A missing replication factor is not caught by validation: the connector fails.
		bad := fmt.Sprintf("it-tc-bad-%s-%d", side.name, run)
		createConnector(t, side.base, bad, map[string]string{"connector.class": "FileStreamSource", "file": input, "topic": bad, "topic.creation.default.partitions": "3"})
		defer deleteConnector(side.base, bad)
		st := waitConnectorState(ctx, t, side.base, bad, "FAILED")
		if want := `Missing required configuration "topic.creation.default.replication.factor" which has no default value.`; !strings.Contains(st, want) {
			t.Errorf("%s: trace %q does not say %q", side.name, st, want)
		}
	}
}
