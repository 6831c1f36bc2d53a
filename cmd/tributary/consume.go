package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// runConsumeCommand prints a topic's records, for the quickstart: `tributary consume
// --topic quickstart`. It reads from the beginning and stops after --max records or when
// nothing new arrived for --idle.
func runConsumeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bootstrap := fs.String("bootstrap-server", "127.0.0.1:9092", "Kafka bootstrap servers")
	topic := fs.String("topic", "", "topic to read (required)")
	maxRecords := fs.Int("max", 0, "stop after this many records (0: no limit)")
	idle := fs.Duration("idle", 5*time.Second, "stop when no record arrived for this long")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *topic == "" {
		return usagef("consume: --topic is required")
	}
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": *bootstrap, "group.id": fmt.Sprintf("tributary-consume-%d", time.Now().UnixNano()),
		"auto.offset.reset": "earliest", "enable.auto.commit": false, "log_level": 3,
	})
	if err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	defer func() { _ = c.Close() }()
	if err := c.Subscribe(*topic, nil); err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	n := 0
	last := time.Now()
	for ctx.Err() == nil && (*maxRecords == 0 || n < *maxRecords) && time.Since(last) < *idle {
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err != nil {
			var kerr kafka.Error
			if errors.As(err, &kerr) && (kerr.IsTimeout() || kerr.Code() == kafka.ErrUnknownTopicOrPart) {
				continue // nothing yet, or the topic does not exist yet
			}
			return fmt.Errorf("consume: %w", err)
		}
		last = time.Now()
		n++
		fmt.Fprintf(stdout, "%s\t%s\n", m.Key, m.Value)
	}
	return nil
}
