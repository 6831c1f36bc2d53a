//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// TestKafkaProduceConsume creates a topic on the real broker, produces a record with a key
// and a header, and consumes it back.
func TestKafkaProduceConsume(t *testing.T) {
	bootstrap := testenv.Get(t, testenv.Kafka)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	topic := fmt.Sprintf("it-kafka-%d", time.Now().UnixNano())

	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 3, ReplicationFactor: 1}})
	if err != nil || res[0].Error.Code() != kafka.ErrNoError {
		t.Fatalf("create topic: %v %v", err, res)
	}

	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": true, "partitioner": "murmur2_random"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	delivery := make(chan kafka.Event, 1)
	msg := &kafka.Message{
		TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
		Key:            []byte("device-42"),
		Value:          []byte(`{"temp":21.5}`),
		Headers:        []kafka.Header{{Key: "mqtt.topic", Value: []byte("sensors/42/temp")}},
	}
	if err := p.Produce(msg, delivery); err != nil {
		t.Fatal(err)
	}
	var sent *kafka.Message
	select {
	case ev := <-delivery:
		sent = ev.(*kafka.Message)
		if sent.TopicPartition.Error != nil {
			t.Fatalf("delivery: %v", sent.TopicPartition.Error)
		}
	case <-ctx.Done():
		t.Fatal("no delivery report before the deadline")
	}

	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "group.id": topic, "auto.offset.reset": "earliest"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil {
		got, err := c.ReadMessage(time.Second)
		if err != nil {
			var kerr kafka.Error
			if errors.As(err, &kerr) && kerr.IsTimeout() {
				continue
			}
			t.Fatalf("consume: %v", err)
		}
		if string(got.Key) != "device-42" || string(got.Value) != `{"temp":21.5}` ||
			len(got.Headers) != 1 || string(got.Headers[0].Value) != "sensors/42/temp" {
			t.Fatalf("consumed %v key %q value %q headers %v", got.TopicPartition, got.Key, got.Value, got.Headers)
		}
		if got.TopicPartition.Partition != sent.TopicPartition.Partition || got.TopicPartition.Offset != sent.TopicPartition.Offset {
			t.Fatalf("consumed %v, produced %v", got.TopicPartition, sent.TopicPartition)
		}
		return
	}
	t.Fatal("record not consumed before the deadline")
}
