package mqtt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
)

// Source partition and offset keys. MQTT cannot replay, so the offset records only what is
// true: how many messages this client id has delivered to Kafka (the runtime commits an
// offset once Kafka has its record and every record before it), and how many tasks the
// connector had then. See the package documentation for what resetting it means.
const (
	PartitionClientID = "client.id"
	OffsetMessages    = "messages"
	OffsetTasks       = "tasks"
)

// Header names of the MQTT message's attributes.
const (
	HeaderTopic         = "mqtt.topic"
	HeaderQoS           = "mqtt.qos"
	HeaderRetained      = "mqtt.retained"
	HeaderDuplicate     = "mqtt.duplicate"
	HeaderMessageID     = "mqtt.message.id"
	HeaderContentType   = "mqtt.content.type"
	HeaderPayloadFormat = "mqtt.payload.format"
	HeaderCorrelation   = "mqtt.correlation.data"
	HeaderResponseTopic = "mqtt.response.topic"
	HeaderExpiry        = "mqtt.message.expiry.interval"
)

// client is one MQTT protocol implementation (MQTT 5 or 3.1.1) driving a task.
type client interface {
	// connect makes the first connection and subscribes, or fails: at once on a refusal
	// that retrying cannot fix, otherwise after max.retry.time.ms. Later connection losses
	// are retried in the background.
	connect(ctx context.Context) error
	// disconnect ends the connection, keeping the broker session.
	disconnect(ctx context.Context)
}

// inbound is a message between the MQTT client and Poll.
type inbound struct {
	rec *connector.Record
	ack ackRef
}

// sourceTask is one task: one MQTT client with a stable client id, a bounded buffer, and
// the acks it owes the broker.
type sourceTask struct {
	s     *settings
	log   hclog.Logger
	cl    client
	buf   chan inbound
	fatal chan error
	own   *origin // this task's client id

	tc      connector.TaskContext
	mu      sync.Mutex
	pending map[*connector.Record]ackRef
	// window holds one token per QoS 1/2 message received and not yet acknowledged (see
	// ackQueue): the task enforces mqtt.receive.maximum itself, because some brokers
	// (Mosquitto before 2.0.13) send more than the Receive Maximum a client announced.
	window chan struct{}

	skipped atomic.Int64 // retained messages skipped by policy

	stopDrain context.CancelFunc // ends drainRemoved (task 0 only)
	drainWG   sync.WaitGroup
}

func newTask() connector.SourceTask { return &sourceTask{} }

func (t *sourceTask) Start(ctx context.Context, tc connector.TaskContext, cfg connector.Config) error {
	s, err := parseSettings(cfg)
	if err != nil {
		return err
	}
	if s.taskClientID == "" {
		return errors.New("the task config has no client id: it must come from the MQTT connector's task configs")
	}
	t.s = s
	t.log = tc.Logger()
	t.buf = make(chan inbound, s.bufferSize)
	t.fatal = make(chan error, 1)
	t.pending = make(map[*connector.Record]ackRef)
	t.window = make(chan struct{}, s.receiveMaximum)
	t.tc = tc
	if t.own, err = t.origin(ctx, s.taskClientID); err != nil {
		return err
	}

	var d dialer
	if s.tls.configured() {
		if d.tls, err = s.tls.build(); err != nil {
			return err
		}
	}
	if s.version == Version311 {
		t.cl = newClient311(t, d)
	} else {
		t.cl = newClient5(t, d)
	}
	t.log.Info("connecting", "client_id", s.taskClientID, "servers", fmt.Sprint(s.servers), "version", s.version,
		"subscriptions", fmt.Sprint(s.taskSubscribe), "clean_session", s.cleanSession, "qos", s.qos)
	var removed []*origin
	if s.taskIndex == 0 && !s.cleanSession {
		removed = t.detachRemoved(ctx, d)
	}
	if err := t.cl.connect(ctx); err != nil {
		return err
	}
	if len(removed) > 0 {
		dctx, cancel := context.WithCancel(ctx)
		t.stopDrain = cancel
		t.drainWG.Add(1)
		go func() {
			defer t.drainWG.Done()
			t.drainRemoved(dctx, d, removed)
		}()
	}
	return nil
}

// Poll returns the buffered messages as records: it waits up to
// records.buffer.queue.empty.timeout for a first one, then takes what is there, up to
// records.buffer.queue.max.batch.size.
func (t *sourceTask) Poll(ctx context.Context) ([]*connector.Record, error) {
	timer := time.NewTimer(t.s.emptyTimeout)
	defer timer.Stop()
	var first inbound
	select {
	case first = <-t.buf:
	case err := <-t.fatal:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return nil, nil
	}
	out := make([]*connector.Record, 0, min(len(t.buf)+1, t.s.batchSize))
	out = append(out, first.rec)
	for len(out) < t.s.batchSize {
		select {
		case m := <-t.buf:
			out = append(out, m.rec)
		default:
			return out, nil
		}
	}
	return out, nil
}

// CommitRecord runs once Kafka has the record (or a transform dropped it, or its failure was
// tolerated): the MQTT acknowledgement is released, in arrival order.
func (t *sourceTask) CommitRecord(_ context.Context, r *connector.Record, _ *connector.RecordMetadata) error {
	t.mu.Lock()
	ref, ok := t.pending[r]
	delete(t.pending, r)
	t.mu.Unlock()
	if ok {
		ref.done()
	}
	return nil
}

func (t *sourceTask) Stop(ctx context.Context) error {
	if t.stopDrain != nil {
		t.stopDrain()
		t.drainWG.Wait()
	}
	if t.cl != nil {
		t.cl.disconnect(ctx)
	}
	if n := t.skipped.Load(); n > 0 {
		t.log.Info("retained messages skipped by mqtt.retained.policy", "count", n)
	}
	return nil
}

// fail ends the task with err (Poll returns it). Only the first error is kept.
func (t *sourceTask) fail(err error) {
	select {
	case t.fatal <- err:
	default:
	}
}

// origin is the client id (broker session) messages came from: their source partition,
// and the count of messages it delivered, which continues from the committed offset.
type origin struct {
	clientID  string
	partition map[string]any
	messages  atomic.Int64
	tasks     int64 // the task count recorded in the committed offset (0: none)
}

func (t *sourceTask) origin(ctx context.Context, clientID string) (*origin, error) {
	o := &origin{clientID: clientID, partition: map[string]any{PartitionClientID: clientID}}
	prev, err := t.tc.Offset(ctx, o.partition)
	if err != nil {
		return nil, fmt.Errorf("reading the offset of client id %s: %w", clientID, err)
	}
	if n, ok := prev[OffsetMessages].(int64); ok {
		o.messages.Store(n)
	}
	if n, ok := prev[OffsetTasks].(int64); ok {
		o.tasks = n
	}
	return o, nil
}

// message is what a protocol client hands to the task for one PUBLISH.
type message struct {
	topic     string
	payload   []byte
	qos       byte
	retained  bool
	duplicate bool
	packetID  uint16
	// headers adds the protocol-specific headers (MQTT 5 properties); may be nil.
	headers func(*connector.Headers)
}

// receive turns a message into a record and buffers it; q and ack release its MQTT
// acknowledgement later (ack is nil for QoS 0). It blocks while the buffer is full, so the
// client stops reading and the broker holds further messages. It is called from one
// goroutine per connection, in arrival order.
func (t *sourceTask) receive(ctx context.Context, from *origin, m message, q *ackQueue, ack func()) {
	ref, ok := q.add(ctx.Done(), ack)
	if !ok {
		return // stopping: the message stays unacknowledged
	}
	if m.retained && t.s.retainedPolicy == RetainedSkip {
		t.skipped.Add(1)
		t.log.Debug("retained message skipped", "topic", m.topic)
		ref.done()
		return
	}
	kafkaTopic, err := t.s.topic.render(m.topic)
	if err != nil {
		t.fail(&connector.DataError{Message: err.Error()})
		return // not acknowledged: the broker keeps it for the next session
	}
	rec := &connector.Record{
		SourcePartition: from.partition,
		SourceOffset:    map[string]any{OffsetMessages: from.messages.Add(1), OffsetTasks: int64(t.s.taskCount)},
		Topic:           kafkaTopic,
		KeySchema:       connector.OptionalStringSchema,
		ValueSchema:     connector.BytesSchema,
		Value:           m.payload,
		Timestamp:       time.Now(),
		Headers:         make(connector.Headers, 0, 8),
	}
	switch t.s.keyMode {
	case KeyTopic:
		rec.Key = m.topic
	case KeySegment:
		if seg, ok := topicLevel(m.topic, t.s.keySegment); ok {
			rec.Key = seg
		}
	}
	h := &rec.Headers
	h.Add(HeaderTopic, connector.StringSchema, m.topic)
	h.Add(HeaderQoS, connector.Int32Schema, int32(m.qos))
	h.Add(HeaderRetained, connector.BooleanSchema, m.retained)
	h.Add(HeaderDuplicate, connector.BooleanSchema, m.duplicate)
	h.Add(HeaderMessageID, connector.Int32Schema, int32(m.packetID))
	if m.headers != nil {
		m.headers(h)
	}

	t.mu.Lock()
	t.pending[rec] = ref
	t.mu.Unlock()
	in := inbound{rec: rec, ack: ref}
	select {
	case t.buf <- in:
		return
	default:
	}
	warn := time.NewTimer(t.s.fullTimeout)
	defer warn.Stop()
	for {
		select {
		case t.buf <- in:
			return
		case <-ctx.Done():
			return // the task is stopping; the message stays unacknowledged
		case <-warn.C:
			t.log.Warn("the record buffer has been full for a while: Kafka is not keeping up; the broker holds further messages",
				"capacity", cap(t.buf), "waited", t.s.fullTimeout)
			warn.Reset(t.s.fullTimeout)
		}
	}
}
