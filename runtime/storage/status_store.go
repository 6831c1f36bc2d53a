package storage

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// DefaultStatusPartitions is Connect's status.storage.partitions default.
const DefaultStatusPartitions = 5

// StatusStore is Kafka Connect's KafkaStatusBackingStore: connector, task and topic statuses
// on the compacted status topic, in Connect's format.
//
// Reads (Connector, Tasks, Topics, …) answer from the view built by tailing the topic; a write
// shows there once it has been read back (ReadToEnd waits for that). Writes wait for the
// broker's ack, where Connect sends asynchronously and retries on its own.
//
// All methods are safe for concurrent use.
type StatusStore struct {
	log  hclog.Logger
	klog *kafkaLog

	mu    sync.Mutex
	state *statusState
}

// NewStatusStore returns a store for cfg.Topic; Start connects it. cfg.Partitions 0 means 5.
func NewStatusStore(cfg LogConfig) *StatusStore {
	lg := cfg.Logger
	if lg == nil {
		lg = hclog.NewNullLogger()
	}
	s := &StatusStore{log: lg.Named("status-store"), state: newStatusState()}
	cfg.Logger = s.log
	partitions := cfg.Partitions
	if partitions == 0 {
		partitions = DefaultStatusPartitions
	}
	s.klog = newKafkaLog(logSpec{
		cfg:           cfg,
		topicProperty: "status.storage.topic",
		purpose:       "connector and task statuses",
		partitions:    partitions,
		consume:       s.consume,
	})
	return s
}

// Start creates the topic (compacted) or checks the existing one, reads it to the end and keeps
// tailing it. It fails with a *TopicConfigError when the topic is not compacted.
func (s *StatusStore) Start(ctx context.Context) error {
	if err := s.klog.start(ctx); err != nil {
		return fmt.Errorf("starting the status store: %w", err)
	}
	return nil
}

// Stop stops tailing, closes the Kafka clients and waits for the store's goroutines.
func (s *StatusStore) Stop() { s.klog.stop() }

// ReadToEnd waits until every record written before the call has been read.
func (s *StatusStore) ReadToEnd(ctx context.Context) error {
	if err := s.klog.readToEnd(ctx); err != nil {
		return fmt.Errorf("reading the status topic to the end: %w", err)
	}
	return nil
}

func (s *StatusStore) consume(rec consumedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.apply(rec, s.log)
}

func (s *StatusStore) send(ctx context.Context, key string, value []byte) error {
	ctx, cancel := writeContext(ctx)
	defer cancel()
	if _, err := s.klog.send(ctx, []keyValue{{key: []byte(key), value: value}}); err != nil {
		return fmt.Errorf("writing status %s: %w", key, err)
	}
	return nil
}

// PutConnector writes a connector's status. StateDestroyed writes a tombstone.
func (s *StatusStore) PutConnector(ctx context.Context, st ConnectorStatus) error {
	return s.putConnector(ctx, st, false)
}

// PutConnectorSafe writes a connector's status unless the status last read was written by
// another worker with a newer generation (Connect's putSafe, used for UNASSIGNED and FAILED).
func (s *StatusStore) PutConnectorSafe(ctx context.Context, st ConnectorStatus) error {
	return s.putConnector(ctx, st, true)
}

func (s *StatusStore) putConnector(ctx context.Context, st ConnectorStatus, safe bool) error {
	if !validState(st.State) {
		return fmt.Errorf("writing status of connector %s: unknown state %q", st.Name, st.State)
	}
	if safe {
		s.mu.Lock()
		prev := s.state.connectors[st.Name]
		ok := prev == nil || canWriteSafely(prev.WorkerID, prev.Generation, st.WorkerID, st.Generation)
		s.mu.Unlock()
		if !ok {
			s.log.Debug("not overwriting a newer connector status", "connector", st.Name,
				"state", st.State, "current_worker", prev.WorkerID, "current_generation", prev.Generation)
			return nil
		}
	}
	var value []byte
	if st.State != StateDestroyed {
		value = encodeStatus(st.State, st.Trace, st.WorkerID, st.Generation, st.Version)
	}
	return s.send(ctx, connectorStatusKey(st.Name), value)
}

// PutTask writes a task's status. StateDestroyed writes a tombstone.
func (s *StatusStore) PutTask(ctx context.Context, st TaskStatus) error {
	return s.putTask(ctx, st, false)
}

// PutTaskSafe writes a task's status unless the status last read was written by another worker
// with a newer generation (Connect's putSafe, used for UNASSIGNED and FAILED).
func (s *StatusStore) PutTaskSafe(ctx context.Context, st TaskStatus) error {
	return s.putTask(ctx, st, true)
}

func (s *StatusStore) putTask(ctx context.Context, st TaskStatus, safe bool) error {
	if !validState(st.State) {
		return fmt.Errorf("writing status of task %s-%d: unknown state %q", st.Connector, st.Task, st.State)
	}
	if safe {
		s.mu.Lock()
		prev := s.state.tasks[st.Connector][st.Task]
		ok := prev == nil || canWriteSafely(prev.WorkerID, prev.Generation, st.WorkerID, st.Generation)
		s.mu.Unlock()
		if !ok {
			s.log.Debug("not overwriting a newer task status", "connector", st.Connector, "task", st.Task,
				"state", st.State, "current_worker", prev.WorkerID, "current_generation", prev.Generation)
			return nil
		}
	}
	var value []byte
	if st.State != StateDestroyed {
		value = encodeStatus(st.State, st.Trace, st.WorkerID, st.Generation, st.Version)
	}
	return s.send(ctx, taskStatusKey(st.Connector, st.Task), value)
}

// DeleteConnector writes the connector status tombstone (DESTROYED). Readers, Java's and ours,
// then also forget the connector's task statuses; their records stay until tombstoned with
// DeleteTask.
func (s *StatusStore) DeleteConnector(ctx context.Context, connector string) error {
	return s.send(ctx, connectorStatusKey(connector), nil)
}

// DeleteTask writes a task status tombstone (DESTROYED).
func (s *StatusStore) DeleteTask(ctx context.Context, connector string, task int) error {
	return s.send(ctx, taskStatusKey(connector, task), nil)
}

// PutTopic records that a connector's task used a topic (KIP-558).
func (s *StatusStore) PutTopic(ctx context.Context, st TopicStatus) error {
	return s.send(ctx, topicStatusKey(st.Topic, st.Connector), encodeTopicStatus(st))
}

// DeleteTopic writes the tombstone for a connector's topic record (PUT /topics/reset).
func (s *StatusStore) DeleteTopic(ctx context.Context, connector, topic string) error {
	return s.send(ctx, topicStatusKey(topic, connector), nil)
}

// Connector returns a connector's status as last read.
func (s *StatusStore) Connector(connector string) (ConnectorStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.connectors[connector]
	if st == nil {
		return ConnectorStatus{}, false
	}
	return *st, true
}

// Task returns a task's status as last read.
func (s *StatusStore) Task(connector string, task int) (TaskStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.tasks[connector][task]
	if st == nil {
		return TaskStatus{}, false
	}
	return *st, true
}

// Tasks returns the statuses of a connector's tasks as last read, sorted by task id.
func (s *StatusStore) Tasks(connector string) []TaskStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TaskStatus, 0, len(s.state.tasks[connector]))
	for _, st := range s.state.tasks[connector] {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Task < out[j].Task })
	return out
}

// Connectors returns the names of the connectors that have a status, sorted.
func (s *StatusStore) Connectors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.state.connectors)
}

// Topics returns the topics recorded for a connector, sorted by topic name.
func (s *StatusStore) Topics(connector string) []TopicStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.state.topics[connector]
	out := make([]TopicStatus, 0, len(ts))
	for _, name := range sortedKeys(ts) {
		out = append(out, ts[name])
	}
	return out
}
