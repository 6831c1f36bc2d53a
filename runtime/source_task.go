package runtime

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
)

// OffsetBackend is the offsets topic as tasks use it.
type OffsetBackend interface {
	// Offset returns the committed offset of a source partition, or nil.
	Offset(ctx context.Context, connector string, partition map[string]any) (map[string]any, error)
	// PutOffsets writes offsets (nil Offset: tombstone) and waits until Kafka has them.
	PutOffsets(ctx context.Context, connector string, offsets []ConnectorOffset) error
}

// StatusListener learns every state change of connectors and tasks on this worker; the
// herder writes them to the status topic. Calls come from task and connector goroutines and
// must not block for long.
type StatusListener interface {
	OnTaskState(id TaskID, state State, trace string)
	OnConnectorState(name string, state State, trace string)
	// OnTopicUsed is called the first time a task's record reaches a topic (KIP-558).
	OnTopicUsed(id TaskID, topic string)
}

// sourceTaskConfig is everything a source task runner needs.
type sourceTaskConfig struct {
	id             TaskID
	task           connector.SourceTask
	taskCfg        connector.Config
	chain          *transformChain
	keyConv        connector.Converter
	valueConv      connector.Converter
	hdrConv        connector.HeaderConverter
	producerConfig map[string]string // librdkafka settings (overrides already applied)
	offsets        OffsetBackend
	status         StatusListener
	metrics        TaskMetrics   // nil: not recorded
	topicGroups    []*topicGroup // KIP-158 groups; nil: topic creation is off
	errors         errorHandling
	// The classes of the converters, named in dead-letter context headers.
	keyConvClass, valueConvClass, hdrConvClass string

	flushInterval time.Duration
	flushTimeout  time.Duration
	log           hclog.Logger
	targetState   func() TargetState // the connector's current target state
	stateChanged  <-chan struct{}    // signalled when the target state may have changed
}

// sourceTask runs one SourceTask: poll → transform → convert → produce, with the
// delivery goroutine acking submitted records and calling CommitRecord, and the commit
// loop flushing committable offsets (Kafka's WorkerSourceTask).
type sourceTask struct {
	sourceTaskConfig
	submitted   *submittedRecords
	producer    *kafka.Producer
	creator     *topicCreator // nil: topic creation is off
	deliveries  chan kafka.Event
	sendErr     atomic.Pointer[error] // first unrecoverable producer error
	topicsSeen  map[string]bool       // owned by the delivery goroutine
	topicPtrs   map[string]*string    // owned by the poll goroutine: one *string per topic
	lastFlushed map[string]string     // partition key → offset JSON last committed
	cancelled   atomic.Bool           // hard-stopped: late callbacks are ignored
	logsDone    sync.WaitGroup
	committer   connector.RecordCommitter // the task, if it wants CommitRecord calls
	msgBuf      []*kafka.Message          // owned by the poll goroutine (toMessages)
	deferred    []deferredRecord          // owned by the poll goroutine, in arrival order
	recBuf      []*connector.Record       // owned by the poll goroutine (toMessages)
}

type inFlight struct {
	rec *connector.Record
	sub *submittedRecord
	dlq bool // the dead-letter record of rec, which failed
	// parts counts the messages of rec still unacknowledged when a MultiTransformation
	// split it (nil: rec is this one message).
	parts *atomic.Int32
}

// errToleranceExceeded prefixes record errors that fail a task (errors.tolerance=none).
var errToleranceExceeded = errors.New("Tolerance exceeded in error handler")

func newSourceTask(cfg sourceTaskConfig) *sourceTask {
	t := &sourceTask{
		sourceTaskConfig: cfg, submitted: newSubmittedRecords(), lastFlushed: map[string]string{},
		topicsSeen: map[string]bool{}, topicPtrs: map[string]*string{},
	}
	t.committer, _ = cfg.task.(connector.RecordCommitter)
	return t
}

// run executes the task until stopCtx ends (graceful stop: stop polling, drain, final
// commit, Stop) or killCtx ends (hard stop: abandon). It reports RUNNING, PAUSED, FAILED
// (with the error's trace) and UNASSIGNED through the status listener. A panic in plugin
// code is recovered here and fails the task, never the worker.
func (t *sourceTask) run(stopCtx, killCtx context.Context) {
	err := t.runCatching(stopCtx, killCtx)
	t.closePlugins()
	switch {
	case t.cancelled.Load():
		// a cancelled task writes no status (Kafka's behaviour)
	case err != nil:
		t.log.Error("task failed", "error", err)
		t.status.OnTaskState(t.id, StateFailed, traceOf(err))
	default:
		t.status.OnTaskState(t.id, StateUnassigned, "")
	}
}

// panicError carries a recovered panic and its stack.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// traceOf renders an error as the status trace: the error chain, and the goroutine stack
// for panics.
func traceOf(err error) string {
	var p *panicError
	if errors.As(err, &p) {
		return fmt.Sprintf("%s\n%s", err.Error(), p.stack)
	}
	return err.Error()
}

func recoverPanic(err *error) {
	if r := recover(); r != nil {
		*err = &panicError{value: r, stack: debug.Stack()}
	}
}

func (t *sourceTask) runCatching(stopCtx, killCtx context.Context) (err error) {
	defer recoverPanic(&err)
	if err := t.waitWhilePaused(stopCtx); err != nil {
		return nil // stopped while paused before starting
	}
	if err := t.startProducer(); err != nil {
		return err
	}
	defer func() {
		if t.creator != nil {
			t.creator.admin.Close()
		}
		t.producer.Close() // also ends the log forwarder
		t.logsDone.Wait()
	}()

	tc := &taskContext{connector: t.id.Connector, offsets: t.offsets, log: t.log}
	if err := t.callStart(killCtx, tc); err != nil {
		return fmt.Errorf("starting task %s: %w", t.id, err)
	}
	t.status.OnTaskState(t.id, StateRunning, "")
	t.log.Info("task started")

	var wg sync.WaitGroup
	deliveryCtx, stopDeliveries := context.WithCancel(killCtx)
	wg.Add(1)
	go func() { defer wg.Done(); t.deliveryLoop(deliveryCtx) }()
	commitCtx, stopCommits := context.WithCancel(stopCtx)
	wg.Add(1)
	go func() { defer wg.Done(); t.commitLoop(commitCtx) }()

	loopErr := t.pollLoop(stopCtx, killCtx)

	stopCommits()
	if killCtx.Err() == nil {
		// After a failure too, as Java's finalOffsetCommit(failed): what was sent is
		// waited for and committed.
		if err := t.drainAndCommit(killCtx); loopErr == nil {
			loopErr = err
		}
	}
	stopDeliveries()
	wg.Wait()
	if killCtx.Err() != nil && loopErr == nil {
		t.cancelled.Store(true)
	}
	stopErr := t.callStop(killCtx)
	if loopErr != nil {
		return loopErr
	}
	if stopErr != nil {
		return fmt.Errorf("stopping task %s: %w", t.id, stopErr)
	}
	return nil
}

// closePlugins closes the transformations, predicates and converters that hold resources.
func (t *sourceTask) closePlugins() {
	t.chain.close(t.log)
	closePlugin(t.log, t.keyConv)
	closePlugin(t.log, t.valueConv)
	closePlugin(t.log, t.hdrConv)
}

func (t *sourceTask) callStart(ctx context.Context, tc connector.TaskContext) (err error) {
	defer recoverPanic(&err)
	return t.task.Start(ctx, tc, t.taskCfg)
}

func (t *sourceTask) callStop(ctx context.Context) (err error) {
	defer recoverPanic(&err)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.flushTimeout+5*time.Second)
	defer cancel()
	return t.task.Stop(stopCtx)
}

func (t *sourceTask) callPoll(ctx context.Context) (recs []*connector.Record, err error) {
	defer recoverPanic(&err)
	return t.task.Poll(ctx)
}

// waitWhilePaused blocks while the connector is paused, reporting PAUSED once.
func (t *sourceTask) waitWhilePaused(ctx context.Context) error {
	reported := false
	for t.targetState() == TargetPaused {
		if !reported {
			t.status.OnTaskState(t.id, StatePaused, "")
			reported = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.stateChanged:
		}
	}
	if reported && t.producer != nil {
		t.status.OnTaskState(t.id, StateRunning, "")
	}
	return nil
}

func (t *sourceTask) startProducer() error {
	cm := kafka.ConfigMap{}
	for k, v := range t.producerConfig {
		cm[k] = v
	}
	logs := make(chan kafka.LogEvent, 64)
	cm["go.logs.channel.enable"] = true
	cm["go.logs.channel"] = logs
	cm["go.delivery.report.fields"] = "none" // the runtime needs only the opaque and the offset
	smallProducerChannels(cm)
	p, err := kafka.NewProducer(&cm)
	if err != nil {
		return fmt.Errorf("creating producer for task %s: %w", t.id, err)
	}
	t.logsDone.Add(1)
	go func() { defer t.logsDone.Done(); forwardLibrdkafkaLogs(t.log.Named("producer"), logs, p) }()
	t.producer = p
	t.deliveries = make(chan kafka.Event, 1024)
	if t.topicGroups != nil {
		admin, err := kafka.NewAdminClientFromProducer(p)
		if err != nil {
			return fmt.Errorf("creating the topic-creation admin client for task %s: %w", t.id, err)
		}
		t.creator = &topicCreator{groups: t.topicGroups, admin: admin, known: map[string]bool{}}
	}
	if t.errors.dlqTopic != "" {
		if err := t.ensureDLQTopic(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

// forwardLibrdkafkaLogs passes librdkafka log lines to hclog at Debug, and client-level
// errors at Warn, until the producer's events channel closes (the producer was closed).
func forwardLibrdkafkaLogs(log hclog.Logger, logs chan kafka.LogEvent, p *kafka.Producer) {
	events := p.Events()
	for {
		select {
		case ev := <-logs:
			log.Debug(ev.Message, "tag", ev.Tag, "level", ev.Level)
		case ev, ok := <-events:
			if !ok {
				return
			}
			if kerr, isErr := ev.(kafka.Error); isErr {
				log.Warn("producer error", "error", kerr)
			}
		}
	}
}

func (t *sourceTask) pollLoop(stopCtx, killCtx context.Context) error {
	for {
		if stopCtx.Err() != nil {
			return nil
		}
		if perr := t.sendErr.Load(); perr != nil {
			return fmt.Errorf("Unrecoverable exception from producer send callback: %w", *perr)
		}
		if t.targetState() == TargetPaused {
			if err := t.waitWhilePaused(stopCtx); err != nil {
				return nil
			}
			continue
		}
		start := time.Now()
		recs, err := t.callPoll(stopCtx)
		if err != nil {
			if stopCtx.Err() != nil {
				return nil
			}
			if connector.IsRetriable(err) {
				t.log.Debug("retriable poll error", "error", err)
				continue
			}
			return fmt.Errorf("poll: %w", err)
		}
		if len(recs) == 0 {
			if err := t.retryDeferred(killCtx); err != nil {
				return err
			}
			continue
		}
		if t.metrics != nil {
			t.metrics.RecordPoll(len(recs), time.Since(start))
		}
		for _, r := range recs {
			if err := t.send(killCtx, r); err != nil {
				return err
			}
		}
		if err := t.retryDeferred(killCtx); err != nil {
			return err
		}
		if t.metrics != nil {
			t.metrics.SetActive(t.submitted.inFlight())
		}
	}
}

// send transforms, converts and produces one record. A record that fails a stage fails the
// task (errors.tolerance=none), or is skipped (all); with a dead-letter topic, its original
// bytes go there instead and the record counts as done once that write is acknowledged. A
// record that a MultiTransformation split is done once Kafka acknowledged all its parts.
func (t *sourceTask) send(ctx context.Context, orig *connector.Record) error {
	return t.sendSubmitted(ctx, orig, t.submitted.submit(orig.SourcePartition, orig.SourceOffset))
}

// deferredRecord is a source record a transformation deferred (connector.ErrDeferred): in
// flight, its chain applied again by retryDeferred.
type deferredRecord struct {
	rec *connector.Record
	sub *submittedRecord
}

// retryDeferred applies the chain again to the deferred records, in arrival order; those
// deferred again stay, in the same order.
func (t *sourceTask) retryDeferred(ctx context.Context) error {
	if len(t.deferred) == 0 {
		return nil
	}
	held := t.deferred
	t.deferred = nil
	for i, d := range held {
		if err := t.sendSubmitted(ctx, d.rec, d.sub); err != nil {
			t.deferred = append(t.deferred, held[i+1:]...)
			return err
		}
	}
	return nil
}

// sendSubmitted is send for a record already in submittedRecords.
func (t *sourceTask) sendSubmitted(ctx context.Context, orig *connector.Record, sub *submittedRecord) error {
	msgs, err := withRetries(ctx, t.errors, func() ([]*kafka.Message, error) { return t.toMessages(orig) })
	if errors.Is(err, connector.ErrDeferred) {
		t.deferred = append(t.deferred, deferredRecord{rec: orig, sub: sub})
		return nil
	}
	if err != nil {
		msgs = nil
		if t.errors.tolerance != "all" {
			t.submitted.forget(sub) // never sent: not in flight (Java submits only after conversion)
			return fmt.Errorf("%w: %w", errToleranceExceeded, err)
		}
		if t.errors.logErrors {
			args := []any{"error", err, "topic", orig.Topic}
			if t.errors.logMessages {
				args = append(args, "record", fmt.Sprintf("%+v", *orig))
			}
			t.log.Warn("skipping a record that failed in the transformation chain or a converter", args...)
		}
		if t.errors.dlqTopic != "" {
			msg := t.dlqMessage(orig, err)
			msg.Opaque = &inFlight{rec: orig, sub: sub, dlq: true}
			return t.produce(ctx, msg)
		}
	}
	if len(msgs) == 0 {
		// Dropped or tolerated: the record is done; its offset is not committed (Kafka's
		// non-EOS behaviour) but neither does it block later ones.
		t.submitted.forget(sub)
		t.commitRecord(orig, nil)
		return nil
	}
	var parts *atomic.Int32
	if len(msgs) > 1 {
		parts = new(atomic.Int32)
		parts.Store(int32(len(msgs)))
	}
	for _, msg := range msgs {
		msg.Opaque = &inFlight{rec: orig, sub: sub, parts: parts}
		if t.creator != nil {
			if err := t.creator.ensure(ctx, *msg.TopicPartition.Topic); err != nil {
				return err
			}
		}
		if err := t.produce(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

// produce hands msg to the producer, waiting while its local queue is full.
func (t *sourceTask) produce(ctx context.Context, msg *kafka.Message) error {
	for {
		err := t.producer.Produce(msg, t.deliveries)
		if err == nil {
			return nil
		}
		var kerr kafka.Error
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrQueueFull {
			// The local queue is full: let deliveries drain a little, then retry (backpressure).
			t.producer.Flush(10)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		return fmt.Errorf("producing to %s: %w", *msg.TopicPartition.Topic, err)
	}
}

// toMessages applies the chain and the converters: no message when the chain dropped the
// record, several when a MultiTransformation split it. The slice is reused by the next call.
func (t *sourceTask) toMessages(orig *connector.Record) ([]*kafka.Message, error) {
	msgs := t.msgBuf[:0]
	defer func() { t.msgBuf = msgs[:0] }()
	if !t.chain.multi {
		r, err := t.chain.apply(orig)
		if err != nil || r == nil {
			return nil, err
		}
		msg, err := t.toMessage(r)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, msg)
		return msgs, nil
	}
	recs, err := t.chain.applyAll(orig, t.recBuf[:0])
	t.recBuf = recs[:0]
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		msg, err := t.toMessage(r)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, msg)
	}
	clear(recs)
	return msgs, nil
}

// toMessage converts one transformed record.
func (t *sourceTask) toMessage(r *connector.Record) (*kafka.Message, error) {
	var headers []kafka.Header
	for _, h := range r.Headers {
		b, err := t.hdrConv.FromConnectHeader(r.Topic, h.Key, h.Schema, h.Value)
		if err != nil {
			return nil, &stageError{stage: StageHeaderConverter, class: t.hdrConvClass, err: fmt.Errorf("header converter, header %s: %w", h.Key, err)}
		}
		headers = append(headers, kafka.Header{Key: h.Key, Value: b})
	}
	key, err := t.keyConv.FromConnect(r.Topic, r.Headers, r.KeySchema, r.Key)
	if err != nil {
		return nil, &stageError{stage: StageKeyConverter, class: t.keyConvClass, err: fmt.Errorf("key converter: %w", err)}
	}
	value, err := t.valueConv.FromConnect(r.Topic, r.Headers, r.ValueSchema, r.Value)
	if err != nil {
		return nil, &stageError{stage: StageValueConverter, class: t.valueConvClass, err: fmt.Errorf("value converter: %w", err)}
	}
	topic, ok := t.topicPtrs[r.Topic]
	if !ok {
		name := r.Topic
		topic = &name
		t.topicPtrs[name] = topic
	}
	msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: topic, Partition: kafka.PartitionAny}, Key: key, Value: value, Headers: headers}
	if r.Partition != nil {
		msg.TopicPartition.Partition = *r.Partition
	}
	if !r.Timestamp.IsZero() {
		if r.Timestamp.UnixMilli() < 0 {
			return nil, fmt.Errorf("Invalid record timestamp %d", r.Timestamp.UnixMilli())
		}
		msg.Timestamp = r.Timestamp
		msg.TimestampType = kafka.TimestampCreateTime
	}
	return msg, nil
}

func (t *sourceTask) commitRecord(r *connector.Record, md *connector.RecordMetadata) {
	c := t.committer
	if c == nil {
		return
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.log.Error("CommitRecord panicked", "panic", p)
			}
		}()
		if err := c.CommitRecord(context.Background(), r, md); err != nil {
			t.log.Warn("CommitRecord failed", "error", err)
		}
	}()
}

// deliveryLoop handles delivery reports until ctx ends and nothing is in flight.
func (t *sourceTask) deliveryLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-t.deliveries:
			m, ok := ev.(*kafka.Message)
			if !ok {
				continue
			}
			inf, _ := m.Opaque.(*inFlight)
			if inf == nil || t.cancelled.Load() {
				continue
			}
			if m.TopicPartition.Error != nil {
				if inf.dlq {
					err := fmt.Errorf("writing a failed record to the dead-letter queue %s: %w", t.errors.dlqTopic, m.TopicPartition.Error)
					t.sendErr.CompareAndSwap(nil, &err)
					continue
				}
				if t.errors.tolerance == "all" {
					t.log.Warn("producer failed to send a record; tolerated", "topic", *m.TopicPartition.Topic, "error", m.TopicPartition.Error)
					if inf.parts == nil || inf.parts.Add(-1) == 0 {
						t.submitted.ack(inf.sub)
						t.commitRecord(inf.rec, nil)
					}
					continue
				}
				err := m.TopicPartition.Error
				t.sendErr.CompareAndSwap(nil, &err)
				continue
			}
			if inf.dlq {
				// The failed record is safe in the dead-letter queue: it is done.
				t.submitted.ack(inf.sub)
				t.commitRecord(inf.rec, nil)
				continue
			}
			topic := *m.TopicPartition.Topic
			if !t.topicsSeen[topic] {
				t.topicsSeen[topic] = true
				t.status.OnTopicUsed(t.id, topic)
			}
			if t.metrics != nil {
				t.metrics.RecordWrite(1)
			}
			if inf.parts != nil && inf.parts.Add(-1) > 0 {
				continue // more parts of this source record are in flight
			}
			if t.committer != nil {
				// Delivery reports carry no timestamp (confluent-kafka-go): Timestamp stays zero.
				t.commitRecord(inf.rec, &connector.RecordMetadata{Topic: topic, Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset)})
			}
			t.submitted.ack(inf.sub)
		}
	}
}

// commitLoop flushes committable offsets every flush interval.
func (t *sourceTask) commitLoop(ctx context.Context) {
	tick := time.NewTicker(t.flushInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := t.commitOffsets(ctx); err != nil && ctx.Err() == nil {
				t.log.Warn("offset commit failed; will retry at the next interval", "error", err)
			}
		}
	}
}

// commitOffsets writes the offsets whose records (and all earlier ones of the partition)
// Kafka acknowledged, then calls the task's Commit.
func (t *sourceTask) commitOffsets(ctx context.Context) error {
	start := time.Now()
	var toWrite []ConnectorOffset
	for _, c := range t.submitted.committable() {
		key := partitionKey(c.Partition)
		val := partitionKey(c.Offset)
		if t.lastFlushed[key] == val {
			continue
		}
		toWrite = append(toWrite, ConnectorOffset(c))
		t.lastFlushed[key] = val
	}
	if len(toWrite) > 0 {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.flushTimeout)
		err := t.offsets.PutOffsets(wctx, t.id.Connector, toWrite)
		cancel()
		if err != nil {
			for _, o := range toWrite { // retry these next time
				delete(t.lastFlushed, partitionKey(o.Partition))
				t.submitted.requeue(o.Partition, o.Offset)
			}
			if t.metrics != nil {
				t.metrics.RecordOffsetCommit(time.Since(start), false)
			}
			return err
		}
	}
	if t.metrics != nil {
		t.metrics.RecordOffsetCommit(time.Since(start), true)
	}
	if c, ok := t.task.(connector.Committer); ok {
		if err := c.Commit(ctx); err != nil {
			t.log.Warn("task Commit failed", "error", err)
		}
	}
	return nil
}

// drainAndCommit waits (up to the flush timeout) for in-flight records, then commits.
func (t *sourceTask) drainAndCommit(ctx context.Context) error {
	deadline := time.Now().Add(t.flushTimeout)
	// Deferred records stay in flight: they were never produced, so nothing will complete them.
	for t.submitted.inFlight() > len(t.deferred) && time.Now().Before(deadline) && ctx.Err() == nil {
		t.producer.Flush(100)
		select {
		case <-t.submitted.drainedCh():
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	if n := t.submitted.inFlight(); n > 0 {
		t.log.Warn("stopping with records still in flight; their offsets are not committed", "in_flight", n)
	}
	if err := t.commitOffsets(ctx); err != nil {
		t.log.Warn("final offset commit failed", "error", err)
	}
	return nil
}

// taskContext is the TaskContext given to tasks.
type taskContext struct {
	connector string
	offsets   OffsetBackend
	log       hclog.Logger
}

func (c *taskContext) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	return c.offsets.Offset(ctx, c.connector, partition)
}

func (c *taskContext) Logger() hclog.Logger { return c.log }

// TaskMetrics is what the task loop records (Kafka's source-task-metrics).
type TaskMetrics interface {
	RecordPoll(n int, d time.Duration)
	RecordWrite(n int)
	SetActive(n int)
	RecordOffsetCommit(d time.Duration, ok bool)
}
