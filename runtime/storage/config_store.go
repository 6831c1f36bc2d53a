package storage

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// ConfigListener hears about changes to the config topic that other workers (or this one)
// wrote. Its methods are called from the store's tailing goroutine, one at a time, in topic
// order, and only after Start has returned; records read during Start are not announced (take a
// Snapshot instead). They must not block for long and must not call the store's ReadToEnd or
// write methods (those wait for the same goroutine): enqueue and return.
//
// A listener may also implement SessionKeyListener and LoggerLevelListener.
type ConfigListener interface {
	// ConnectorConfigUpdated: a connector's config was created or changed.
	ConnectorConfigUpdated(connector string)
	// ConnectorConfigRemoved: a connector was deleted.
	ConnectorConfigRemoved(connector string)
	// TaskConfigsUpdated: a task commit was read for the connector. If it was incomplete, the
	// connector is now inconsistent (ConfigSnapshot.Inconsistent) and its tasks must be
	// regenerated.
	TaskConfigsUpdated(connector string)
	// TargetStateChanged: an existing connector's target state changed.
	TargetStateChanged(connector string)
	// RestartRequested: a restart request record was read (KIP-745).
	RestartRequested(connector string, includeTasks, onlyFailed bool)
}

// SessionKeyListener is an optional ConfigListener capability: a new KIP-507 session key was read.
type SessionKeyListener interface {
	SessionKeyUpdated(key SessionKey)
}

// LoggerLevelListener is an optional ConfigListener capability: a KIP-976 cluster-wide logging
// level was read.
type LoggerLevelListener interface {
	LoggerLevelUpdated(namespace, level string)
}

// ConfigSnapshot is an immutable copy of the config topic's state (Connect's
// ClusterConfigState). The maps belong to the caller.
type ConfigSnapshot struct {
	// Offset is the next offset to read in the config topic, -1 before any record was read: the
	// "config offset" workers compare during rebalances.
	Offset int64
	// ConnectorConfigs are the raw connector configs (placeholders unresolved), by connector.
	ConnectorConfigs map[string]map[string]string
	// TargetStates are STARTED, PAUSED or STOPPED. Every connector with a config has one
	// (STARTED when no target-state record exists); a target state written for a connector that
	// does not exist yet is kept too.
	TargetStates map[string]string
	// TaskCounts is the task count of each connector's last task commit.
	TaskCounts map[string]int
	// TaskConfigs are the applied task configs of each connector, task 0..TaskCounts-1. A
	// connector that is inconsistent, or has never had a commit, has no entry (Connect's
	// ClusterConfigState.tasks returns nothing for them).
	TaskConfigs map[string][]map[string]string
	// Inconsistent are connectors whose last task commit did not find all its task configs;
	// their tasks must be regenerated.
	Inconsistent map[string]bool
	// AppliedConnectorConfigs is each connector's config as it was when its task configs were
	// last committed; a difference from ConnectorConfigs means the task configs are out of date.
	AppliedConnectorConfigs map[string]map[string]string
	// TaskCountRecords are the KIP-618 tasks-fencing- task counts.
	TaskCountRecords map[string]int
	// TaskConfigGenerations counts the applied task commits of each connector, from 0 (EOS).
	TaskConfigGenerations map[string]int
	// PendingFencing are connectors with task configs newer than their task count record (EOS).
	PendingFencing map[string]bool
	// SessionKey is the latest session key, nil when none.
	SessionKey *SessionKey
	// LoggerLevels are the latest cluster-wide logging levels by namespace. Connect applies only
	// those it reads after it has started; these are all of them.
	LoggerLevels map[string]string
}

// TargetState returns a connector's target state, STARTED when none was recorded.
func (s ConfigSnapshot) TargetState(connector string) string {
	if st, ok := s.TargetStates[connector]; ok {
		return st
	}
	return TargetStarted
}

// ConfigStore is Kafka Connect's KafkaConfigBackingStore: connector configs, task configs,
// target states and restart requests on the single-partition, compacted config topic, in
// Connect's record formats, so Java and Tributary workers can read each other's topics.
//
// All methods are safe for concurrent use. Writes wait for the broker's ack and, where Connect
// does, for the record to be read back, so a Snapshot taken after a write reflects it.
type ConfigStore struct {
	log  hclog.Logger
	klog *kafkaLog

	mu       sync.Mutex
	state    *configState
	listener ConfigListener
	started  bool
}

// NewConfigStore returns a store for cfg.Topic; Start connects it. cfg.Partitions is ignored:
// the config topic always has one partition.
func NewConfigStore(cfg LogConfig) *ConfigStore {
	lg := cfg.Logger
	if lg == nil {
		lg = hclog.NewNullLogger()
	}
	s := &ConfigStore{log: lg.Named("config-store"), state: newConfigState()}
	cfg.Logger = s.log
	s.klog = newKafkaLog(logSpec{
		cfg:             cfg,
		topicProperty:   "config.storage.topic",
		purpose:         "connector configurations",
		partitions:      1,
		singlePartition: true,
		consume:         s.consume,
	})
	return s
}

// SetListener installs the listener (nil removes it). Set it before Start to hear every change
// after the initial read.
func (s *ConfigStore) SetListener(l ConfigListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listener = l
}

// Start creates the topic (compacted, one partition) or checks the existing one, reads it to
// the end and keeps tailing it. It fails with a *TopicConfigError when the topic is not
// compacted or has more than one partition.
func (s *ConfigStore) Start(ctx context.Context) error {
	if err := s.klog.start(ctx); err != nil {
		return fmt.Errorf("starting the config store: %w", err)
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.log.Debug("started", "offset", s.Snapshot().Offset)
	return nil
}

// Stop stops tailing, closes the Kafka clients and waits for the store's goroutines.
func (s *ConfigStore) Stop() {
	s.klog.stop()
}

// ReadToEnd waits until every record written before the call has been read.
func (s *ConfigStore) ReadToEnd(ctx context.Context) error {
	if err := s.klog.readToEnd(ctx); err != nil {
		return fmt.Errorf("reading the config topic to the end: %w", err)
	}
	return nil
}

// consume runs on the tailing goroutine for each record.
func (s *ConfigStore) consume(rec consumedRecord) {
	s.mu.Lock()
	events := s.state.apply(rec, s.log)
	l, started := s.listener, s.started
	s.mu.Unlock()
	if !started || l == nil {
		return
	}
	for _, ev := range events {
		switch ev.kind {
		case evConnectorUpdated:
			l.ConnectorConfigUpdated(ev.connector)
		case evConnectorRemoved:
			l.ConnectorConfigRemoved(ev.connector)
		case evTaskConfigsUpdated:
			l.TaskConfigsUpdated(ev.connector)
		case evTargetStateChanged:
			l.TargetStateChanged(ev.connector)
		case evRestartRequested:
			l.RestartRequested(ev.connector, ev.includeTasks, ev.onlyFailed)
		case evSessionKeyUpdated:
			if kl, ok := l.(SessionKeyListener); ok {
				kl.SessionKeyUpdated(ev.sessionKey)
			}
		case evLoggerLevel:
			if ll, ok := l.(LoggerLevelListener); ok {
				ll.LoggerLevelUpdated(ev.namespace, ev.level)
			}
		}
	}
}

// Snapshot returns a copy of the current state.
func (s *ConfigStore) Snapshot() ConfigSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.snapshot()
}

func (s *configState) snapshot() ConfigSnapshot {
	snap := ConfigSnapshot{
		Offset:                  s.offset,
		ConnectorConfigs:        make(map[string]map[string]string, len(s.connectorConfigs)),
		TargetStates:            maps.Clone(s.targetStates),
		TaskCounts:              maps.Clone(s.taskCounts),
		TaskConfigs:             map[string][]map[string]string{},
		Inconsistent:            maps.Clone(s.inconsistent),
		AppliedConnectorConfigs: make(map[string]map[string]string, len(s.appliedConfigs)),
		TaskCountRecords:        maps.Clone(s.taskCountRecords),
		TaskConfigGenerations:   maps.Clone(s.taskConfigGenerations),
		PendingFencing:          maps.Clone(s.pendingFencing),
		LoggerLevels:            maps.Clone(s.loggerLevels),
	}
	for c, cfg := range s.connectorConfigs {
		snap.ConnectorConfigs[c] = maps.Clone(cfg)
	}
	for c, cfg := range s.appliedConfigs {
		snap.AppliedConnectorConfigs[c] = maps.Clone(cfg)
	}
	for c, n := range s.taskCounts {
		if s.inconsistent[c] {
			continue
		}
		tasks := make([]map[string]string, n)
		for i := range n {
			tasks[i] = maps.Clone(s.taskConfigs[c][i])
		}
		snap.TaskConfigs[c] = tasks
	}
	if s.sessionKey != nil {
		k := *s.sessionKey
		k.Key = append([]byte(nil), k.Key...)
		snap.SessionKey = &k
	}
	return snap
}

// writeContext bounds a write by WriteTimeout.
func writeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, WriteTimeout)
}

func (s *ConfigStore) send(ctx context.Context, kvs ...keyValue) error {
	_, err := s.klog.send(ctx, kvs)
	return err
}

// PutConnectorConfig writes a connector's config and reads it back. With a targetState
// (STARTED, PAUSED or STOPPED; "" for none), as when a connector is created with an initial
// state, the target-state record is sent first, in the same batch.
func (s *ConfigStore) PutConnectorConfig(ctx context.Context, connector string, cfg map[string]string, targetState string) error {
	if targetState != "" && !validTargetState(targetState) {
		return fmt.Errorf("writing connector configuration: invalid target state %q", targetState)
	}
	ctx, cancel := writeContext(ctx)
	defer cancel()
	var kvs []keyValue
	if targetState != "" {
		kvs = append(kvs, keyValue{[]byte(targetStatePrefix + connector), encodeTargetState(targetState)})
	}
	kvs = append(kvs, keyValue{[]byte(connectorPrefix + connector), encodeConnectorConfig(cfg)})
	if err := s.send(ctx, kvs...); err != nil {
		return fmt.Errorf("writing connector configuration to Kafka: %w", err)
	}
	if err := s.klog.readToEnd(ctx); err != nil {
		return fmt.Errorf("writing connector configuration to Kafka: %w", err)
	}
	return nil
}

// RemoveConnectorConfig deletes a connector: tombstones for connector-<c> and then
// target-state-<c>, then reads them back. Task configs and commits are left alone, as Connect
// does.
func (s *ConfigStore) RemoveConnectorConfig(ctx context.Context, connector string) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	err := s.send(ctx,
		keyValue{key: []byte(connectorPrefix + connector)},
		keyValue{key: []byte(targetStatePrefix + connector)})
	if err == nil {
		err = s.klog.readToEnd(ctx)
	}
	if err != nil {
		return fmt.Errorf("removing connector configuration from Kafka: %w", err)
	}
	return nil
}

// PutTargetState writes a connector's target state (STARTED, PAUSED or STOPPED). Like Connect,
// it waits for the ack but not for the record to be read back; any worker may call it.
func (s *ConfigStore) PutTargetState(ctx context.Context, connector, state string) error {
	if !validTargetState(state) {
		return fmt.Errorf("writing target state: invalid target state %q", state)
	}
	ctx, cancel := writeContext(ctx)
	defer cancel()
	if err := s.send(ctx, keyValue{[]byte(targetStatePrefix + connector), encodeTargetState(state)}); err != nil {
		return fmt.Errorf("writing target state to Kafka: %w", err)
	}
	return nil
}

// PutTaskConfigs writes a connector's task configs the way Connect's putTaskConfigs does: read
// to the end, send task-<c>-0..n-1, read to the end (when n > 0), send commit-<c> {"tasks":n},
// read to the end. Each config should carry task.class.
func (s *ConfigStore) PutTaskConfigs(ctx context.Context, connector string, tasks []map[string]string) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	if err := s.klog.readToEnd(ctx); err != nil {
		return fmt.Errorf("writing root configuration to Kafka: %w", err)
	}
	kvs := make([]keyValue, len(tasks))
	for i, t := range tasks {
		kvs[i] = keyValue{[]byte(fmt.Sprintf("%s%s-%d", taskPrefix, connector, i)), encodeConnectorConfig(t)}
	}
	if err := s.send(ctx, kvs...); err != nil {
		return fmt.Errorf("writing task configurations to Kafka: %w", err)
	}
	if len(tasks) > 0 {
		if err := s.klog.readToEnd(ctx); err != nil {
			return fmt.Errorf("writing root configuration to Kafka: %w", err)
		}
	}
	if err := s.send(ctx, keyValue{[]byte(commitPrefix + connector), encodeTasksCommit(len(tasks))}); err != nil {
		return fmt.Errorf("writing root configuration to Kafka: %w", err)
	}
	if err := s.klog.readToEnd(ctx); err != nil {
		return fmt.Errorf("writing root configuration to Kafka: %w", err)
	}
	return nil
}

// PutRestartRequest writes a KIP-745 restart request and reads it back.
func (s *ConfigStore) PutRestartRequest(ctx context.Context, connector string, includeTasks, onlyFailed bool) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	err := s.send(ctx, keyValue{[]byte(restartPrefix + connector), encodeRestartRequest(includeTasks, onlyFailed)})
	if err == nil {
		err = s.klog.readToEnd(ctx)
	}
	if err != nil {
		return fmt.Errorf("writing restart request for connector %s to Kafka: %w", connector, err)
	}
	return nil
}

// PutTaskCountRecord writes a KIP-618 task count record (tasks-fencing-<c>) and reads it back.
func (s *ConfigStore) PutTaskCountRecord(ctx context.Context, connector string, taskCount int) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	err := s.send(ctx, keyValue{[]byte(taskCountPrefix + connector), encodeTaskCountRecord(taskCount)})
	if err == nil {
		err = s.klog.readToEnd(ctx)
	}
	if err != nil {
		return fmt.Errorf("writing task count record to Kafka: %w", err)
	}
	return nil
}

// PutSessionKey writes a KIP-507 session key and reads it back.
func (s *ConfigStore) PutSessionKey(ctx context.Context, key SessionKey) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	err := s.send(ctx, keyValue{[]byte(sessionKeyKey), encodeSessionKey(key)})
	if err == nil {
		err = s.klog.readToEnd(ctx)
	}
	if err != nil {
		return fmt.Errorf("writing session key to Kafka: %w", err)
	}
	return nil
}

// PutLoggerLevel writes a KIP-976 cluster-wide logging level for a namespace; like Connect, it
// waits for the ack only.
func (s *ConfigStore) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	if err := s.send(ctx, keyValue{[]byte(loggerPrefix + namespace), encodeLoggerLevel(level)}); err != nil {
		return fmt.Errorf("writing logger level to Kafka: %w", err)
	}
	return nil
}
