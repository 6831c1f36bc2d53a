package distributed

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/internal/version"
	"github.com/tributary-connect/tributary/runtime"
	"github.com/tributary-connect/tributary/runtime/storage"
)

// statusWriteTimeout bounds one status-topic write.
const statusWriteTimeout = 10 * time.Second

// stores wraps the three internal-topic stores for the herder: the config topic (what
// should run), the offsets topic (source offsets; it is the worker's OffsetBackend) and
// the status topic (what runs where).
type stores struct {
	log      hclog.Logger
	configs  *storage.ConfigStore
	offsets  *storage.OffsetStore
	statuses *storage.StatusStore
	onChange func()
}

var _ runtime.OffsetBackend = (*stores)(nil)

func newStores(wc *runtime.WorkerConfig, log hclog.Logger, onChange func(), onRestart func(string, bool, bool)) *stores {
	v := wc.Values
	group := v.String(runtime.KeyGroupID)
	client := wc.ClientConfig("")
	topicConfigs := func(prefix string) map[string]string {
		out := map[string]string{}
		for k, val := range wc.Originals {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			name := strings.TrimPrefix(k, prefix)
			switch name {
			case "topic", "replication.factor", "partitions":
				continue
			case "cleanup.policy":
				log.Warn("ignoring cleanup.policy for an internal topic: it is always compact", "key", k)
				continue
			}
			out[name] = val
		}
		return out
	}
	prefixID := group + "-"
	if id := v.String(runtime.KeyClientID); id != "" {
		prefixID = group + "-" + id + "-"
	}
	s := &stores{log: log, onChange: onChange}
	s.configs = storage.NewConfigStore(storage.LogConfig{
		Client: client, Topic: v.String(runtime.KeyConfigStorageTopic), Partitions: 1,
		ReplicationFactor: v.Short("config.storage.replication.factor"), TopicConfigs: topicConfigs("config.storage."),
		ClientID: prefixID + "configs", Logger: log,
	})
	s.offsets = storage.NewOffsetStore(storage.LogConfig{
		Client: client, Topic: v.String(runtime.KeyOffsetStorageTopic), Partitions: v.Int("offset.storage.partitions"),
		ReplicationFactor: v.Short("offset.storage.replication.factor"), TopicConfigs: topicConfigs("offset.storage."),
		ClientID: prefixID + "offsets", Logger: log,
	})
	s.statuses = storage.NewStatusStore(storage.LogConfig{
		Client: client, Topic: v.String(runtime.KeyStatusStorageTopic), Partitions: v.Int("status.storage.partitions"),
		ReplicationFactor: v.Short("status.storage.replication.factor"), TopicConfigs: topicConfigs("status.storage."),
		ClientID: prefixID + "statuses", Logger: log,
	})
	s.configs.SetListener(configListener{wake: onChange, restart: onRestart})
	return s
}

// configListener wakes the herder on every applied config-topic change and passes on
// restart requests.
type configListener struct {
	wake    func()
	restart func(connector string, includeTasks, onlyFailed bool)
}

func (l configListener) ConnectorConfigUpdated(string)       { l.wake() }
func (l configListener) ConnectorConfigRemoved(string)       { l.wake() }
func (l configListener) TaskConfigsUpdated(string)           { l.wake() }
func (l configListener) TargetStateChanged(string)           { l.wake() }
func (l configListener) RestartRequested(string, bool, bool) {}

func (s *stores) start(ctx context.Context) error {
	if err := s.offsets.Start(ctx); err != nil {
		return fmt.Errorf("offset store: %w", err)
	}
	if err := s.statuses.Start(ctx); err != nil {
		s.offsets.Stop()
		return fmt.Errorf("status store: %w", err)
	}
	if err := s.configs.Start(ctx); err != nil {
		s.statuses.Stop()
		s.offsets.Stop()
		return fmt.Errorf("config store: %w", err)
	}
	return nil
}

func (s *stores) stop() {
	s.configs.Stop()
	s.statuses.Stop()
	s.offsets.Stop()
}

// snapshot is an immutable view of the config topic.
type snapshot struct {
	offset       int64 // next config-topic offset to read; -1 before anything was read
	sessionKey   *storage.SessionKey
	configs      map[string]map[string]string
	targets      map[string]string
	tasks        map[string][]map[string]string
	inconsistent map[string]bool
}

func (s *snapshot) target(name string) runtime.TargetState {
	if t, ok := s.targets[name]; ok && t != "" {
		return runtime.TargetState(t)
	}
	return runtime.TargetStarted
}

func (s *stores) snapshot() *snapshot {
	cs := s.configs.Snapshot()
	out := &snapshot{offset: cs.Offset, sessionKey: cs.SessionKey, configs: cs.ConnectorConfigs, targets: cs.TargetStates, tasks: cs.TaskConfigs, inconsistent: map[string]bool{}}
	for n := range cs.Inconsistent {
		out.inconsistent[n] = true
	}
	return out
}

func (s *stores) readToEnd(ctx context.Context) error { return s.configs.ReadToEnd(ctx) }

func (s *stores) putSessionKey(ctx context.Context, k storage.SessionKey) error {
	return s.configs.PutSessionKey(ctx, k)
}

func (s *stores) putConnectorConfig(ctx context.Context, name string, cfg map[string]string, target string) error {
	return s.configs.PutConnectorConfig(ctx, name, cfg, target)
}

func (s *stores) removeConnectorConfig(ctx context.Context, name string) error {
	return s.configs.RemoveConnectorConfig(ctx, name)
}

func (s *stores) putTargetState(ctx context.Context, name string, t runtime.TargetState) error {
	return s.configs.PutTargetState(ctx, name, string(t))
}

func (s *stores) putTaskConfigs(ctx context.Context, name string, cfgs []map[string]string) error {
	return s.configs.PutTaskConfigs(ctx, name, cfgs)
}

func (s *stores) putRestartRequest(ctx context.Context, name string, includeTasks, onlyFailed bool) error {
	return s.configs.PutRestartRequest(ctx, name, includeTasks, onlyFailed)
}

// Offset implements runtime.OffsetBackend.
func (s *stores) Offset(ctx context.Context, connector string, partition map[string]any) (map[string]any, error) {
	return s.offsets.Offset(ctx, connector, partition)
}

// PutOffsets implements runtime.OffsetBackend.
func (s *stores) PutOffsets(ctx context.Context, connector string, offsets []runtime.ConnectorOffset) error {
	entries := make([]storage.PartitionOffset, len(offsets))
	for i, o := range offsets {
		entries[i] = storage.PartitionOffset{Partition: o.Partition, Offset: o.Offset}
	}
	return s.offsets.Put(ctx, connector, entries)
}

func (s *stores) connectorOffsets(ctx context.Context, connector string) ([]runtime.ConnectorOffset, error) {
	entries, err := s.offsets.ConnectorOffsets(ctx, connector)
	if err != nil {
		return nil, err
	}
	out := make([]runtime.ConnectorOffset, 0, len(entries))
	for _, e := range entries {
		out = append(out, runtime.ConnectorOffset{Partition: e.Partition, Offset: e.Offset})
	}
	return out, nil
}

func (s *stores) connectorStatus(name string) (runtime.ConnectorState, bool) {
	st, ok := s.statuses.Connector(name)
	if !ok {
		return runtime.ConnectorState{}, false
	}
	return runtime.ConnectorState{State: runtime.State(st.State), WorkerID: st.WorkerID, Version: st.Version, Trace: st.Trace}, true
}

func (s *stores) taskStatuses(name string) []runtime.TaskState {
	out := []runtime.TaskState{}
	for _, t := range s.statuses.Tasks(name) {
		out = append(out, runtime.TaskState{ID: t.Task, State: runtime.State(t.State), WorkerID: t.WorkerID, Version: t.Version, Trace: t.Trace})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *stores) putConnectorStatus(name string, state runtime.State, trace, workerID string, generation int, safe bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	st := storage.ConnectorStatus{Name: name, State: string(state), Trace: trace, WorkerID: workerID, Generation: generation, Version: version.Version}
	if safe {
		return s.statuses.PutConnectorSafe(ctx, st)
	}
	return s.statuses.PutConnector(ctx, st)
}

func (s *stores) putTaskStatus(id runtime.TaskID, state runtime.State, trace, workerID string, generation int, safe bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	st := storage.TaskStatus{Connector: id.Connector, Task: id.Task, State: string(state), Trace: trace, WorkerID: workerID, Generation: generation, Version: version.Version}
	if safe {
		return s.statuses.PutTaskSafe(ctx, st)
	}
	return s.statuses.PutTask(ctx, st)
}

func (s *stores) deleteTaskStatus(ctx context.Context, id runtime.TaskID) {
	if err := s.statuses.DeleteTask(ctx, id.Connector, id.Task); err != nil {
		s.log.Warn("deleting task status failed", "task", id.String(), "error", err)
	}
}

// deleteStatuses removes a deleted connector's status records (connector, tasks, topics).
func (s *stores) deleteStatuses(ctx context.Context, name string) {
	for _, t := range s.statuses.Tasks(name) {
		s.deleteTaskStatus(ctx, runtime.TaskID{Connector: name, Task: t.Task})
	}
	if err := s.statuses.DeleteConnector(ctx, name); err != nil {
		s.log.Warn("deleting connector status failed", "connector", name, "error", err)
	}
	if err := s.resetTopics(ctx, name); err != nil {
		s.log.Warn("deleting topic statuses failed", "connector", name, "error", err)
	}
}

func (s *stores) putTopic(id runtime.TaskID, topic string) {
	ctx, cancel := context.WithTimeout(context.Background(), statusWriteTimeout)
	defer cancel()
	err := s.statuses.PutTopic(ctx, storage.TopicStatus{Topic: topic, Connector: id.Connector, Task: id.Task, DiscoverTimestamp: time.Now().UnixMilli()})
	if err != nil {
		s.log.Warn("recording active topic failed", "task", id.String(), "topic", topic, "error", err)
	}
}

func (s *stores) topics(connector string) []string {
	out := []string{}
	for _, t := range s.statuses.Topics(connector) {
		out = append(out, t.Topic)
	}
	sort.Strings(out)
	return out
}

func (s *stores) resetTopics(ctx context.Context, connector string) error {
	for _, t := range s.statuses.Topics(connector) {
		if err := s.statuses.DeleteTopic(ctx, connector, t.Topic); err != nil {
			return err
		}
	}
	return nil
}
