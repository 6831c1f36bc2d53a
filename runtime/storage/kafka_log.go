package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/hashicorp/go-hclog"
)

// LogConfig is what each store needs to reach its internal topic.
type LogConfig struct {
	// Client holds the librdkafka settings every client of the store starts from:
	// bootstrap.servers, security.protocol, sasl.*, ssl.* and so on. The store adds its own
	// (client.id, partitioner, acks, …) on top, and those win.
	Client map[string]string
	// Topic is the internal topic's name.
	Topic string
	// Partitions is used when the store creates the topic. 0 means the store's default (offsets
	// 25, status 5, as Connect's offset.storage.partitions and status.storage.partitions); -1 means
	// the broker's default. Ignored for the config topic, which always has one partition.
	Partitions int32
	// ReplicationFactor is used when the store creates the topic; -1 (or 0) means the broker's
	// default.
	ReplicationFactor int16
	// TopicConfigs are extra topic-level configs for creation (the worker's
	// config.storage.*, offset.storage.*, status.storage.* pass-through keys). cleanup.policy is
	// always compact, whatever this map says.
	TopicConfigs map[string]string
	// ClientID is the client.id of the store's producer, consumer and admin client. Connect uses
	// <group.id>-configs, <group.id>-offsets and <group.id>-statuses.
	ClientID string
	// Logger receives the store's logs and librdkafka's (at Debug). Nil discards them.
	Logger hclog.Logger
}

// WriteTimeout bounds every store write (send, acks and the read-back), as Connect's
// KafkaConfigBackingStore bounds its writes by READ_WRITE_TOTAL_TIMEOUT_MS. A shorter deadline
// on the caller's context wins.
const WriteTimeout = 30 * time.Second

// metadataTimeout bounds the wait for a topic's partitions to appear in metadata, as Connect's
// KafkaBasedLog does (CREATE_TOPIC_TIMEOUT_NS), when the caller's context has no deadline.
const metadataTimeout = 30 * time.Second

// pollInterval is how long the tailing goroutine blocks in one Poll; it bounds Stop's latency.
const pollInterval = 100 * time.Millisecond

// keyValue is one record to send. A nil value is a tombstone.
type keyValue struct {
	key, value []byte
}

// consumedRecord is one record read from the topic. A nil Value is a tombstone.
type consumedRecord struct {
	Key, Value []byte
	Partition  int32
	Offset     int64
}

// logSpec describes one internal topic: where it is, how to create it, what to call it in
// messages, and what to do with each record.
type logSpec struct {
	cfg             LogConfig
	topicProperty   string // the worker property that names the topic, e.g. offset.storage.topic
	purpose         string // Connect's getTopicPurpose(), e.g. "source connector offsets"
	partitions      int32  // partitions to create the topic with; -1 = broker default
	singlePartition bool   // the config topic: refuse more than one partition
	consume         func(consumedRecord)
}

// kafkaLog is Kafka Connect's KafkaBasedLog over confluent-kafka-go: a consumer assigned all
// partitions of a compacted topic, read from the beginning and tailed by one goroutine, and a
// producer whose sends wait for their acks.
//
// Goroutines: the tailing goroutine (ends when stop closes stopCh), the librdkafka log
// forwarder and the producer event drain (end after the clients are closed). stop waits for
// all three.
type kafkaLog struct {
	spec  logSpec
	topic string
	log   hclog.Logger

	// clientsMu guards the client handles against stop closing them while a send or a
	// read-to-end uses them.
	clientsMu  sync.RWMutex
	closed     bool
	producer   *kafka.Producer
	admin      *kafka.AdminClient
	consumer   *kafka.Consumer
	partitions []int32
	isolation  kafka.IsolationLevel

	// mu guards the read positions and the read-to-end waiters.
	mu          sync.Mutex
	positions   map[int32]int64 // next offset to read, per partition
	waiters     []*endWaiter
	tailErr     error // set when the tailing goroutine has ended
	tailRunning bool  // the tailing goroutine was started

	stopCh     chan struct{}
	stopCtx    context.Context // cancelled first thing in stop, so blocked calls give up
	cancelStop context.CancelFunc
	stopOnce   sync.Once
	tailDone   chan struct{}
	stopLogs   chan struct{}
	bg         sync.WaitGroup
}

// endWaiter is one ReadToEnd call waiting for the tailing goroutine to reach its end offsets.
type endWaiter struct {
	targets map[int32]int64
	done    chan error // buffered, receives exactly one value
}

func newKafkaLog(spec logSpec) *kafkaLog {
	l := spec.cfg.Logger
	if l == nil {
		l = hclog.NewNullLogger()
	}
	stopCtx, cancelStop := context.WithCancel(context.Background())
	return &kafkaLog{
		stopCtx:    stopCtx,
		cancelStop: cancelStop,
		spec:       spec,
		topic:      spec.cfg.Topic,
		log:        l.With("topic", spec.cfg.Topic),
		positions:  map[int32]int64{},
		stopCh:     make(chan struct{}),
		tailDone:   make(chan struct{}),
		stopLogs:   make(chan struct{}),
	}
}

// start creates or checks the topic, creates the clients, assigns every partition from the
// beginning, starts tailing and reads to the end. On failure everything it made is released.
func (l *kafkaLog) start(ctx context.Context) error {
	if l.topic == "" {
		return fmt.Errorf("%s: the topic name is empty", l.spec.topicProperty)
	}
	ctx, cancel := l.withStop(ctx)
	defer cancel()
	if err := l.startClients(); err != nil {
		l.stop()
		return err
	}
	if err := l.ensureTopic(ctx); err != nil {
		l.stop()
		return err
	}
	if err := l.assign(ctx); err != nil {
		l.stop()
		return err
	}
	l.mu.Lock()
	l.tailRunning = true
	l.mu.Unlock()
	go l.tail()
	if err := l.readToEnd(ctx); err != nil {
		l.stop()
		return fmt.Errorf("reading topic %s to the end: %w", l.topic, err)
	}
	return nil
}

func (l *kafkaLog) startClients() error {
	logs := make(chan kafka.LogEvent, 128)
	l.bg.Add(1)
	go l.forwardLogs(logs)

	base := func() kafka.ConfigMap {
		cm := kafka.ConfigMap{}
		for k, v := range l.spec.cfg.Client {
			cm[k] = v
		}
		cm["client.id"] = l.spec.cfg.ClientID
		cm["go.logs.channel.enable"] = true
		cm["go.logs.channel"] = logs
		return cm
	}

	pcm := base()
	delete(pcm, "group.id")
	delete(pcm, "isolation.level")
	// Java's default partitioner: toPositive(murmur2(key)) % partitions. librdkafka's own
	// default (consistent_random, CRC32) would put keys elsewhere than Java workers do.
	pcm["partitioner"] = "murmur2_random"
	pcm["acks"] = "all"
	pcm["enable.idempotence"] = false
	pcm["max.in.flight.requests.per.connection"] = 1
	// confluent-kafka-go's default channels hold 1,000,000 events each (about 24 MB apiece);
	// deliveries here go to per-call channels, so the events channel carries only errors.
	pcm["go.events.channel.size"] = 1000
	pcm["go.produce.channel.size"] = 1
	p, err := kafka.NewProducer(&pcm)
	if err != nil {
		return fmt.Errorf("creating the producer for topic %s: %w", l.topic, err)
	}
	// librdkafka's admin-only handle cannot forward logs; one made from a producer can.
	a, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		p.Close()
		return fmt.Errorf("creating the admin client for topic %s: %w", l.topic, err)
	}
	l.bg.Add(1)
	go l.drainProducerEvents(p.Events())

	ccm := base()
	// No group membership: the consumer is assigned partitions and never commits, but
	// confluent-kafka-go requires a group.id.
	if _, ok := ccm["group.id"]; !ok {
		ccm["group.id"] = l.spec.cfg.ClientID
	}
	ccm["enable.auto.commit"] = false
	ccm["enable.auto.offset.store"] = false
	ccm["auto.offset.reset"] = "earliest"
	ccm["enable.partition.eof"] = true
	// Java's consumers read uncommitted by default; librdkafka's read committed.
	if _, ok := ccm["isolation.level"]; !ok {
		ccm["isolation.level"] = "read_uncommitted"
	}
	l.isolation = kafka.IsolationLevelReadUncommitted
	if v, _ := ccm["isolation.level"].(string); v == "read_committed" {
		l.isolation = kafka.IsolationLevelReadCommitted
	}
	c, err := kafka.NewConsumer(&ccm)
	if err != nil {
		a.Close()
		p.Close()
		return fmt.Errorf("creating the consumer for topic %s: %w", l.topic, err)
	}
	l.clientsMu.Lock()
	l.producer, l.admin, l.consumer = p, a, c
	l.clientsMu.Unlock()
	return nil
}

// forwardLogs hands librdkafka's log lines to hclog at Debug, so they never reach stderr raw.
func (l *kafkaLog) forwardLogs(ch chan kafka.LogEvent) {
	defer l.bg.Done()
	lg := l.log.Named("librdkafka")
	for {
		select {
		case ev := <-ch:
			lg.Debug(ev.Message, "name", ev.Name, "tag", ev.Tag, "level", ev.Level)
		case <-l.stopLogs:
			return
		}
	}
}

// drainProducerEvents reads the producer's event channel (errors not tied to one message) until
// Close closes it. Delivery reports go to each send's own channel.
func (l *kafkaLog) drainProducerEvents(ch chan kafka.Event) {
	defer l.bg.Done()
	for ev := range ch {
		logClientEvent(l.log, ev)
	}
}

func logClientEvent(lg hclog.Logger, ev kafka.Event) {
	if e, ok := ev.(kafka.Error); ok {
		if e.IsFatal() {
			lg.Error("kafka client error", "error", e)
		} else {
			lg.Debug("kafka client error", "error", e)
		}
	}
}

// ensureTopic creates the topic, compacted, or checks that the existing one is compacted, as
// Connect's KafkaTopicBasedBackingStore.topicInitializer does.
func (l *kafkaLog) ensureTopic(ctx context.Context) error {
	cfgs := map[string]string{}
	for k, v := range l.spec.cfg.TopicConfigs {
		cfgs[k] = v
	}
	cfgs["cleanup.policy"] = "compact"
	rf := int(l.spec.cfg.ReplicationFactor)
	if rf == 0 {
		rf = -1
	}
	res, err := l.admin.CreateTopics(ctx, []kafka.TopicSpecification{{
		Topic: l.topic, NumPartitions: int(l.spec.partitions), ReplicationFactor: rf, Config: cfgs,
	}})
	if err != nil {
		return fmt.Errorf("creating topic %s: %w", l.topic, err)
	}
	code := kafka.ErrNoError
	var cerr kafka.Error
	if len(res) == 1 {
		cerr = res[0].Error
		code = cerr.Code()
	}
	switch code {
	case kafka.ErrNoError:
		l.log.Info("created internal topic", "purpose", l.spec.purpose,
			"partitions", l.spec.partitions, "replication.factor", rf)
		return nil
	case kafka.ErrTopicAlreadyExists:
		return l.verifyCompact(ctx)
	case kafka.ErrTopicAuthorizationFailed, kafka.ErrClusterAuthorizationFailed:
		l.log.Debug("not authorized to create the topic; assuming it exists", "error", cerr)
		return l.verifyCompact(ctx)
	default:
		return fmt.Errorf("creating topic %s: %w", l.topic, cerr)
	}
}

// verifyCompact is TopicAdmin.verifyTopicCleanupPolicyOnlyCompact: the topic's cleanup.policy,
// split on commas, trimmed and lower-cased, must be exactly {compact}. When the policy cannot be
// described (no permission, old broker) it only logs.
func (l *kafkaLog) verifyCompact(ctx context.Context) error {
	res, err := l.admin.DescribeConfigs(ctx, []kafka.ConfigResource{{Type: kafka.ResourceTopic, Name: l.topic}})
	if err != nil {
		return fmt.Errorf("describing the configs of topic %s: %w", l.topic, err)
	}
	var policy string
	found := false
	if len(res) == 1 {
		switch res[0].Error.Code() {
		case kafka.ErrNoError:
		case kafka.ErrTopicAuthorizationFailed, kafka.ErrClusterAuthorizationFailed, kafka.ErrUnknownTopicOrPart:
			l.log.Info(fmt.Sprintf("Unable to use admin client to verify the cleanup policy of '%s' topic is 'compact', "+
				"either because the broker is an older version or because the Kafka principal used for Connect "+
				"internal topics does not have the required permission to describe topic configurations.", l.topic))
			return nil
		default:
			return fmt.Errorf("describing the configs of topic %s: %w", l.topic, res[0].Error)
		}
		if e, ok := res[0].Config["cleanup.policy"]; ok {
			policy, found = e.Value, true
		}
	}
	var policies []string
	seen := map[string]bool{}
	for _, p := range strings.Split(policy, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p != "" && !seen[p] {
			seen[p] = true
			policies = append(policies, p)
		}
	}
	if !found || len(policies) == 0 {
		l.log.Debug("found no cleanup.policy for the topic")
		return nil
	}
	if len(policies) == 1 && policies[0] == "compact" {
		return nil
	}
	sort.Strings(policies)
	return &TopicConfigError{Topic: l.topic, Property: l.spec.topicProperty, msg: fmt.Sprintf(
		"Topic '%s' supplied via the '%s' property is required to have '%s=%s' to guarantee consistency and durability of "+
			"%s, but found the topic currently has '%s=%s'. Continuing would likely result in eventually losing %s and "+
			"problems restarting this Connect cluster in the future. Change the '%s' property in the Connect worker "+
			"configurations to use a topic with '%s=%s'.",
		l.topic, l.spec.topicProperty, "cleanup.policy", "compact", l.spec.purpose, "cleanup.policy",
		strings.Join(policies, ","), l.spec.purpose, l.spec.topicProperty, "cleanup.policy", "compact")}
}

// assign looks up the topic's partitions (waiting for a new topic's metadata to appear), checks
// the config topic's single partition, and assigns them all from the beginning.
func (l *kafkaLog) assign(ctx context.Context) error {
	deadline := time.Now().Add(metadataTimeout)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	backoff := 100 * time.Millisecond
	var lastErr error
	var parts []int32
	for {
		remaining := time.Until(deadline)
		if remaining <= 0 || ctx.Err() != nil {
			msg := fmt.Sprintf("could not look up partition metadata for topic %s in the allotted period; "+
				"this could indicate a connectivity issue, unavailable topic partitions, or if this is "+
				"your first use of the topic it may have taken too long to create", l.topic)
			if lastErr != nil {
				return fmt.Errorf("%s: %w", msg, lastErr)
			}
			return errors.New(msg)
		}
		timeout := min(remaining, 5*time.Second)
		md, err := l.consumer.GetMetadata(&l.topic, false, int(timeout.Milliseconds()))
		if err == nil {
			if t, ok := md.Topics[l.topic]; ok && t.Error.Code() == kafka.ErrNoError && len(t.Partitions) > 0 {
				for _, p := range t.Partitions {
					parts = append(parts, p.ID)
				}
				break
			} else if ok && t.Error.Code() != kafka.ErrNoError {
				lastErr = t.Error
			}
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
		case <-time.After(min(backoff, time.Until(deadline))):
		}
		backoff = min(2*backoff, time.Second)
	}
	slices.Sort(parts)
	if l.spec.singlePartition && len(parts) > 1 {
		return &TopicConfigError{Topic: l.topic, Property: l.spec.topicProperty, msg: fmt.Sprintf(
			"Topic '%s' supplied via the '%s' property is required to have a single partition in order to "+
				"guarantee consistency of connector configurations, but found %d partitions.",
			l.topic, l.spec.topicProperty, len(parts))}
	}
	tps := make([]kafka.TopicPartition, len(parts))
	for i, p := range parts {
		tps[i] = kafka.TopicPartition{Topic: &l.topic, Partition: p, Offset: kafka.OffsetBeginning}
	}
	if err := l.consumer.Assign(tps); err != nil {
		return fmt.Errorf("assigning the partitions of topic %s: %w", l.topic, err)
	}
	l.clientsMu.Lock()
	l.partitions = parts
	l.clientsMu.Unlock()
	return nil
}

// usableLocked says why the clients cannot be used, if they cannot. clientsMu must be held.
func (l *kafkaLog) usableLocked() error {
	switch {
	case l.closed:
		return ErrStopped
	case len(l.partitions) == 0:
		return ErrNotStarted
	}
	return nil
}

// tail is the tailing goroutine: it polls the consumer, hands each record to the store, tracks
// the position of every partition, and releases the read-to-end waiters that position reaches.
func (l *kafkaLog) tail() {
	defer close(l.tailDone)
	tps := make([]kafka.TopicPartition, len(l.partitions))
	for i, p := range l.partitions {
		tps[i] = kafka.TopicPartition{Topic: &l.topic, Partition: p}
	}
	for {
		select {
		case <-l.stopCh:
			l.finishWaiters(ErrStopped)
			return
		default:
		}
		ev := l.consumer.Poll(int(pollInterval.Milliseconds()))
		switch e := ev.(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				l.log.Debug("consumer error", "error", e.TopicPartition.Error)
				continue
			}
			l.spec.consume(consumedRecord{
				Key: e.Key, Value: e.Value, Partition: e.TopicPartition.Partition, Offset: int64(e.TopicPartition.Offset),
			})
			l.advance(e.TopicPartition.Partition, int64(e.TopicPartition.Offset)+1)
		case kafka.PartitionEOF:
			if e.Offset >= 0 {
				l.advance(e.Partition, int64(e.Offset))
			}
		case kafka.Error:
			logClientEvent(l.log, e)
		case nil:
			// Idle: the consumer's position also moves past records that are never delivered
			// (transaction markers, aborted records).
			if pos, err := l.consumer.Position(tps); err == nil {
				for _, tp := range pos {
					if tp.Offset >= 0 {
						l.advance(tp.Partition, int64(tp.Offset))
					}
				}
			}
		}
	}
}

// advance records that partition p has been read up to next (exclusive) and releases waiters.
func (l *kafkaLog) advance(p int32, next int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if next <= l.positions[p] {
		return
	}
	l.positions[p] = next
	kept := l.waiters[:0]
	for _, w := range l.waiters {
		if l.reachedLocked(w.targets) {
			w.done <- nil
		} else {
			kept = append(kept, w)
		}
	}
	clear(l.waiters[len(kept):])
	l.waiters = kept
}

func (l *kafkaLog) reachedLocked(targets map[int32]int64) bool {
	for p, end := range targets {
		if l.positions[p] < end {
			return false
		}
	}
	return true
}

func (l *kafkaLog) finishWaiters(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tailErr = err
	for _, w := range l.waiters {
		w.done <- err
	}
	l.waiters = nil
}

// readToEnd gets the end offsets of all partitions and waits until the tailing goroutine has
// consumed up to them (KafkaBasedLog.readToEnd).
func (l *kafkaLog) readToEnd(ctx context.Context) error {
	ctx, cancel := l.withStop(ctx)
	defer cancel()
	targets, err := l.endOffsets(ctx)
	if err != nil {
		if l.stopCtx.Err() != nil {
			return ErrStopped
		}
		return err
	}
	w := &endWaiter{targets: targets, done: make(chan error, 1)}
	l.mu.Lock()
	switch {
	case l.tailErr != nil:
		l.mu.Unlock()
		return l.tailErr
	case l.reachedLocked(targets):
		l.mu.Unlock()
		return nil
	}
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		l.mu.Lock()
		for i, x := range l.waiters {
			if x == w {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				break
			}
		}
		l.mu.Unlock()
		if l.stopCtx.Err() != nil {
			return ErrStopped
		}
		return ctx.Err()
	}
}

// endOffsets lists the end offset of every partition in one request (ListOffsets, "latest", at
// the consumer's isolation level), retrying errors that go away on their own, such as a new
// topic's leaders not being known yet, until ctx ends.
func (l *kafkaLog) endOffsets(ctx context.Context) (map[int32]int64, error) {
	backoff := 50 * time.Millisecond
	for {
		l.clientsMu.RLock()
		if err := l.usableLocked(); err != nil {
			l.clientsMu.RUnlock()
			return nil, err
		}
		req := make(map[kafka.TopicPartition]kafka.OffsetSpec, len(l.partitions))
		for _, p := range l.partitions {
			req[kafka.TopicPartition{Topic: &l.topic, Partition: p}] = kafka.LatestOffsetSpec
		}
		res, err := l.admin.ListOffsets(ctx, req, kafka.SetAdminIsolationLevel(l.isolation))
		l.clientsMu.RUnlock()
		if err == nil {
			targets := make(map[int32]int64, len(res.ResultInfos))
			for tp, info := range res.ResultInfos {
				if code := info.Error.Code(); code != kafka.ErrNoError {
					err = fmt.Errorf("listing the end offset of %s[%d]: %w", l.topic, tp.Partition, info.Error)
					break
				}
				targets[tp.Partition] = int64(info.Offset)
			}
			if err == nil {
				return targets, nil
			}
		} else {
			err = fmt.Errorf("listing the end offsets of topic %s: %w", l.topic, err)
		}
		if !retriable(err) || ctx.Err() != nil {
			return nil, err
		}
		l.log.Debug("retrying the end offsets", "error", err)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// retriable reports whether a Kafka error may go away by itself.
func retriable(err error) bool {
	var ke kafka.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke.Code() {
	case kafka.ErrNotLeaderForPartition, kafka.ErrLeaderNotAvailable, kafka.ErrUnknownTopicOrPart,
		kafka.ErrNotCoordinator, kafka.ErrRequestTimedOut, kafka.ErrTransport, kafka.ErrTimedOut,
		kafka.ErrOffsetNotAvailable, kafka.ErrFencedLeaderEpoch, kafka.ErrUnknownLeaderEpoch:
		return true
	}
	return ke.IsRetriable()
}

// withStop returns a context that also ends when stop begins.
func (l *kafkaLog) withStop(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	unregister := context.AfterFunc(l.stopCtx, cancel)
	return ctx, func() {
		unregister()
		cancel()
	}
}

// send produces the records in order and waits for every ack. It returns the partition each
// record went to. The first delivery error is returned after all reports are in (or ctx ends).
func (l *kafkaLog) send(ctx context.Context, kvs []keyValue) ([]int32, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	ctx, cancel := l.withStop(ctx)
	defer cancel()
	// Buffered for every report, so librdkafka's poller never blocks on it even if we give up.
	ch := make(chan kafka.Event, len(kvs))
	l.clientsMu.RLock()
	if err := l.usableLocked(); err != nil {
		l.clientsMu.RUnlock()
		return nil, err
	}
	sent := 0
	var produceErr error
	for i, kv := range kvs {
		m := &kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &l.topic, Partition: kafka.PartitionAny},
			Key:            kv.key,
			Value:          kv.value,
			Opaque:         i, // the delivery report is another *Message; this finds the record
		}
		if err := l.producer.Produce(m, ch); err != nil {
			produceErr = fmt.Errorf("sending to topic %s: %w", l.topic, err)
			break
		}
		sent++
	}
	l.clientsMu.RUnlock()

	parts := make([]int32, len(kvs))
	var firstErr error
	for range sent {
		select {
		case ev := <-ch:
			m, ok := ev.(*kafka.Message)
			if !ok {
				continue
			}
			if m.TopicPartition.Error != nil && firstErr == nil {
				firstErr = fmt.Errorf("writing to topic %s: %w", l.topic, m.TopicPartition.Error)
			}
			if i, ok := m.Opaque.(int); ok && i >= 0 && i < len(parts) {
				parts[i] = m.TopicPartition.Partition
			}
		case <-ctx.Done():
			if l.stopCtx.Err() != nil {
				return nil, ErrStopped
			}
			return nil, fmt.Errorf("waiting for the acks of topic %s: %w", l.topic, ctx.Err())
		}
	}
	if produceErr != nil {
		return nil, produceErr
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return parts, nil
}

// stop ends the tailing goroutine, closes the clients and waits for every goroutine. It is safe
// to call more than once and after a failed start.
func (l *kafkaLog) stop() {
	l.stopOnce.Do(func() {
		l.cancelStop()
		close(l.stopCh)
		l.clientsMu.Lock()
		l.closed = true
		c, a, p := l.consumer, l.admin, l.producer
		l.clientsMu.Unlock()
		if l.tailStarted() {
			<-l.tailDone
		}
		l.finishWaiters(ErrStopped)
		if c != nil {
			if err := c.Close(); err != nil {
				l.log.Debug("closing the consumer", "error", err)
			}
		}
		if a != nil {
			a.Close()
		}
		if p != nil {
			if err := p.Purge(kafka.PurgeQueue | kafka.PurgeInFlight | kafka.PurgeNonBlocking); err != nil {
				l.log.Debug("purging the producer", "error", err)
			}
			p.Close()
		}
		// The log channel itself stays open: a librdkafka log poller may still hold it.
		close(l.stopLogs)
		l.bg.Wait()
	})
}

// tailStarted reports whether the tailing goroutine was started (start reached it).
func (l *kafkaLog) tailStarted() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tailRunning
}
