// Package sequence is an example source connector for third-party authors: it shows the whole
// connector SPI (connector.SourceConnector and connector.SourceTask) on the smallest useful
// job, counting.
//
// Each task emits an exact, documented sequence, which the distributed-mode tests use to
// check that no record is lost:
//
//   - Task i (0 ≤ i < tasks.max) emits the values start, start+1, start+2, …, where start is
//     sequence.start. With sequence.count = n > 0 it emits exactly n values, the last being
//     start+n-1, then stays idle; with 0 it never stops.
//   - The record for value N has the key "<i>" (STRING schema), the value N (INT64 schema),
//     the source partition {"task": i} and the source offset {"seq": N}.
//   - A task that restarts reads its committed offset {"seq": M} and continues with M+1, so
//     records are never skipped. Records produced after the last offset commit are produced
//     again (Kafka Connect's at-least-once delivery): count distinct (key, value) pairs, not
//     records. Across all tasks there are tasks.max × n distinct pairs when the count is n.
//   - sequence.rate.per.second paces each task (0: as fast as the runtime polls).
//
// The connector is registered as io.tributary.examples.SequenceSourceConnector.
package sequence

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"strconv"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// Class names for the plugin registry. Tributary identifies plugins by Java-style class
// names, like Kafka Connect; a Go connector simply picks one.
const (
	ConnectorClass = "io.tributary.examples.SequenceSourceConnector"
	TaskClass      = "io.tributary.examples.SequenceSourceTask"
	Version        = "1.0.0"
)

// Configuration keys. Keep them as constants next to the ConfigDef that declares them.
const (
	TopicConfig = "topic"
	RateConfig  = "sequence.rate.per.second"
	CountConfig = "sequence.count"
	StartConfig = "sequence.start"
	// TaskConfig is not set by users: the connector adds it to each task's config.
	TaskConfig = "sequence.task"
)

// Source partition and offset keys.
const (
	PartitionTask = "task"
	OffsetSeq     = "seq"
)

// maxBatch caps how many records one Poll returns, so a fast task still hands control back
// to the runtime regularly.
const maxBatch = 1000

// idleWait is how long Poll waits when there is nothing to emit yet (a variable for tests).
var idleWait = time.Second

// configDef declares the connector's own keys. The runtime validates them (and renders them
// for GET /connector-plugins/{class}/config) before Start is called. tasks.max is a framework
// key: the runtime reads it and passes it to TaskConfigs.
var configDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: TopicConfig, Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString,
		Importance: connector.High, Doc: "The topic to write the sequence to."},
	{Name: RateConfig, Type: connector.ConfigDouble, Default: "0", Validate: nonNegative,
		Importance: connector.Medium, Doc: "Records per second, per task. 0 means as fast as possible."},
	{Name: CountConfig, Type: connector.ConfigLong, Default: "0", Validate: connector.AtLeast(0),
		Importance: connector.Medium, Doc: "Records each task emits before it goes idle. 0 means no limit."},
	{Name: StartConfig, Type: connector.ConfigLong, Default: "0",
		Importance: connector.Low, Doc: "The first value of each task's sequence."},
}}

// taskDef adds the task index, which only task configs carry.
var taskDef = &connector.ConfigDef{Keys: append(append([]connector.ConfigKey(nil), configDef.Keys...),
	connector.ConfigKey{Name: TaskConfig, Type: connector.ConfigInt, Required: true, Validate: connector.AtLeast(0),
		Importance: connector.Low, Doc: "The index of the task (set by the connector)."})}

func nonNegative(v any) error {
	if f, ok := v.(float64); ok && (f < 0 || math.IsNaN(f)) {
		return fmt.Errorf("Value must be at least 0") //nolint:staticcheck // Kafka's validator wording
	}
	return nil
}

// Connector is the connector half: it validates the config and splits the work.
type Connector struct {
	cfg connector.Config
}

// NewSourceConnector returns the connector; register it under ConnectorClass.
func NewSourceConnector() connector.SourceConnector { return &Connector{} }

// ConfigDef returns the connector's keys.
func (c *Connector) ConfigDef() *connector.ConfigDef { return configDef }

// Start keeps the config. Parse fails with Kafka-worded messages on a bad config.
func (c *Connector) Start(_ context.Context, _ connector.ConnectorContext, cfg connector.Config) error {
	if _, err := configDef.Parse(cfg); err != nil {
		return err
	}
	c.cfg = cfg
	return nil
}

// TaskConfigs returns one config per task: the connector's config plus the task's index.
func (c *Connector) TaskConfigs(maxTasks int) ([]connector.Config, error) {
	out := make([]connector.Config, 0, maxTasks)
	for i := range maxTasks {
		tc := maps.Clone(c.cfg)
		tc[TaskConfig] = strconv.Itoa(i)
		out = append(out, tc)
	}
	return out, nil
}

// NewTask returns an unstarted task.
func (c *Connector) NewTask() connector.SourceTask { return &Task{} }

// TaskClass names the task type in the config topic.
func (c *Connector) TaskClass() string { return TaskClass }

// Version is shown by GET /connector-plugins.
func (c *Connector) Version() string { return Version }

// Stop has nothing to release.
func (c *Connector) Stop(context.Context) error { return nil }

// Task emits one task's sequence.
type Task struct {
	topic     string
	index     int64
	partition map[string]any
	next      int64 // the next value to emit
	end       int64 // one past the last value; only meaningful when bounded
	bounded   bool
	interval  time.Duration // time between records; 0 means no pacing
	due       time.Time     // when the record with value next may be emitted
}

// Start parses the task config and finds where the sequence resumes.
func (t *Task) Start(ctx context.Context, tc connector.TaskContext, cfg connector.Config) error {
	v, err := taskDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.topic = v.String(TopicConfig)
	t.index = int64(v.Int(TaskConfig))
	t.partition = map[string]any{PartitionTask: t.index}
	start := v.Long(StartConfig)
	t.next = start
	if n := v.Long(CountConfig); n > 0 {
		t.bounded, t.end = true, start+n
		if t.end < start { // past MaxInt64: the sequence ends there
			t.end = math.MaxInt64
		}
	}
	if rate := v.Double(RateConfig); rate > 0 {
		t.interval = time.Duration(float64(time.Second) / rate)
	}

	// Resume after the last committed offset, if any. Offsets come back from the offsets
	// topic as JSON, so accept the usual decoded number types.
	off, err := tc.Offset(ctx, t.partition)
	if err != nil {
		return fmt.Errorf("reading the committed offset: %w", err)
	}
	if off != nil {
		last, ok := asInt64(off[OffsetSeq])
		if !ok {
			return fmt.Errorf("committed offset %v has no integer %q", off, OffsetSeq)
		}
		t.next = last + 1
		tc.Logger().Info("resuming the sequence", "after", last)
	}
	t.due = time.Now()
	return nil
}

// Poll returns the records that are due, at most maxBatch of them. When none is due it waits
// until one is (or, once a bounded sequence is done, for idleWait) and returns none: it must
// return promptly with ctx.Err() when the runtime cancels ctx.
func (t *Task) Poll(ctx context.Context) ([]*connector.Record, error) {
	if t.bounded && t.next >= t.end {
		return nil, wait(ctx, idleWait)
	}
	now := time.Now()
	n := int64(maxBatch)
	if t.interval > 0 {
		if now.Before(t.due) {
			return nil, wait(ctx, min(t.due.Sub(now), idleWait))
		}
		if now.Sub(t.due) > time.Second {
			// The runtime did not poll for a while (paused, backpressure): do not burst to
			// catch up, start pacing again from now.
			t.due = now
		}
		n = min(n, int64(now.Sub(t.due)/t.interval)+1)
	}
	if t.bounded {
		n = min(n, t.end-t.next)
	}
	key := strconv.FormatInt(t.index, 10)
	records := make([]*connector.Record, 0, n)
	for range n {
		records = append(records, &connector.Record{
			SourcePartition: t.partition,
			SourceOffset:    map[string]any{OffsetSeq: t.next},
			Topic:           t.topic,
			KeySchema:       connector.StringSchema,
			Key:             key,
			ValueSchema:     connector.Int64Schema,
			Value:           t.next,
			Timestamp:       now,
		})
		t.next++
	}
	if t.interval > 0 {
		t.due = t.due.Add(time.Duration(n) * t.interval)
	}
	return records, nil
}

// Stop has nothing to release; Poll is never running when Stop is called.
func (t *Task) Stop(context.Context) error { return nil }

func wait(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64: // encoding/json decodes every number as float64
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	}
	return 0, false
}
