package distributed

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"sort"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/runtime"
)

// KafkaClusterID implements runtime.Herder.
func (h *Herder) KafkaClusterID() string { return h.w.KafkaClusterID() }

// Ready implements runtime.Herder.
func (h *Herder) Ready() bool { return h.ready.Load() }

// Connectors implements runtime.Herder.
func (h *Herder) Connectors(context.Context) ([]string, error) {
	snap := h.stores.snapshot()
	out := make([]string, 0, len(snap.configs))
	for n := range snap.configs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

func (h *Herder) connectorType(cfg map[string]string) runtime.ConnectorType {
	if _, err := h.w.Plugins().Lookup(cfg[runtime.KeyConnectorClass], runtime.KindSource); err == nil {
		return runtime.ConnectorTypeSource
	}
	return runtime.ConnectorTypeUnknown
}

func (h *Herder) info(name string, cfg map[string]string, snap *snapshot) *runtime.ConnectorInfo {
	tasks := []runtime.TaskID{}
	for i := range snap.tasks[name] {
		tasks = append(tasks, runtime.TaskID{Connector: name, Task: i})
	}
	return &runtime.ConnectorInfo{Name: name, Config: maps.Clone(cfg), Tasks: tasks, Type: h.connectorType(cfg)}
}

// ConnectorInfo implements runtime.Herder.
func (h *Herder) ConnectorInfo(_ context.Context, name string) (*runtime.ConnectorInfo, error) {
	snap := h.stores.snapshot()
	cfg, ok := snap.configs[name]
	if !ok {
		return nil, runtime.ErrUnknownConnector(name)
	}
	return h.info(name, cfg, snap), nil
}

// ConnectorConfig implements runtime.Herder.
func (h *Herder) ConnectorConfig(_ context.Context, name string) (map[string]string, error) {
	cfg, ok := h.stores.snapshot().configs[name]
	if !ok {
		return nil, runtime.ErrUnknownConnector(name)
	}
	return maps.Clone(cfg), nil
}

// validate runs full validation and turns errors into Connect's 400.
func (h *Herder) validate(cfg map[string]string) error {
	infos, _, err := h.w.Plugins().ValidateConnector(connector.Config(cfg), h.workerConverters())
	if err != nil {
		return err
	}
	if infos.ErrorCount > 0 {
		return runtime.InvalidConfigError(infos)
	}
	return nil
}

// PutConnectorConfig implements runtime.Herder.
func (h *Herder) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initialState runtime.TargetState) (bool, *runtime.ConnectorInfo, error) {
	if err := h.validate(cfg); err != nil {
		return false, nil, err
	}
	if err := h.requireLeader(); err != nil {
		return false, nil, err
	}
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	if err := h.stores.readToEnd(ctx); err != nil {
		return false, nil, err
	}
	snap := h.stores.snapshot()
	_, exists := snap.configs[name]
	if exists && !allowReplace {
		return false, nil, runtime.Errorf(runtime.KindAlreadyExists, "Connector %s already exists", name)
	}
	target := ""
	if !exists {
		target = string(initialState)
	}
	if err := h.stores.putConnectorConfig(ctx, name, cfg, target); err != nil {
		return false, nil, err
	}
	h.poke()
	// The answer carries the submitted config and the current (possibly empty) task list.
	return !exists, h.info(name, cfg, snap), nil
}

// PatchConnectorConfig implements runtime.Herder.
func (h *Herder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (*runtime.ConnectorInfo, error) {
	if err := h.requireLeader(); err != nil {
		return nil, err
	}
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	if err := h.stores.readToEnd(ctx); err != nil {
		return nil, err
	}
	snap := h.stores.snapshot()
	cur, ok := snap.configs[name]
	if !ok {
		return nil, runtime.ErrUnknownConnector(name)
	}
	merged := maps.Clone(cur)
	for k, v := range patch {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = *v
		}
	}
	if err := h.validate(merged); err != nil {
		return nil, err
	}
	if err := h.stores.putConnectorConfig(ctx, name, merged, ""); err != nil {
		return nil, err
	}
	h.poke()
	return h.info(name, merged, snap), nil
}

// DeleteConnector implements runtime.Herder.
func (h *Herder) DeleteConnector(ctx context.Context, name string) error {
	if err := h.requireLeader(); err != nil {
		return err
	}
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	if _, ok := h.stores.snapshot().configs[name]; !ok {
		return runtime.ErrUnknownConnector(name)
	}
	if err := h.stores.removeConnectorConfig(ctx, name); err != nil {
		return err
	}
	h.poke()
	return nil
}

// ConnectorStatus implements runtime.Herder.
func (h *Herder) ConnectorStatus(_ context.Context, name string) (*runtime.ConnectorStateInfo, error) {
	st, ok := h.stores.connectorStatus(name)
	if !ok {
		return nil, runtime.Errorf(runtime.KindNotFound, "No status found for connector %s", name)
	}
	info := &runtime.ConnectorStateInfo{
		Name:      name,
		Connector: st,
		Tasks:     h.configuredTaskStatuses(name),
		Type:      h.connectorType(h.stores.snapshot().configs[name]),
	}
	return info, nil
}

// configuredTaskStatuses are the statuses of the tasks the connector has now: a status
// record of a task removed by a reconfiguration may still be in the status topic (written
// by the stopping task or the leader around the time its tombstone was).
func (h *Herder) configuredTaskStatuses(name string) []runtime.TaskState {
	n := len(h.stores.snapshot().tasks[name])
	out := []runtime.TaskState{}
	for _, t := range h.stores.taskStatuses(name) {
		if t.ID < n {
			out = append(out, t)
		}
	}
	return out
}

// TaskStatus implements runtime.Herder.
func (h *Herder) TaskStatus(_ context.Context, id runtime.TaskID) (*runtime.TaskState, error) {
	for _, t := range h.configuredTaskStatuses(id.Connector) {
		if t.ID == id.Task {
			t := t
			return &t, nil
		}
	}
	return nil, runtime.Errorf(runtime.KindNotFound, "No status found for task %s", id)
}

// TaskConfigs implements runtime.Herder.
func (h *Herder) TaskConfigs(_ context.Context, name string) ([]runtime.TaskInfo, error) {
	snap := h.stores.snapshot()
	if _, ok := snap.configs[name]; !ok {
		return nil, runtime.ErrUnknownConnector(name)
	}
	out := []runtime.TaskInfo{}
	for i, tc := range snap.tasks[name] {
		out = append(out, runtime.TaskInfo{ID: runtime.TaskID{Connector: name, Task: i}, Config: maps.Clone(tc)})
	}
	return out, nil
}

// RestartConnector implements runtime.Herder.
func (h *Herder) RestartConnector(ctx context.Context, name string) error {
	if _, ok := h.stores.snapshot().configs[name]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", name)
	}
	li := h.leader.Load()
	if !li.ownsConnector(name) {
		return h.routeToOwner(li, li.connectorOwner(name))
	}
	return h.restart(ctx, restartRequest{connector: name, task: -1, plain: true})
}

// RestartConnectorAndTasks implements runtime.Herder.
func (h *Herder) RestartConnectorAndTasks(ctx context.Context, req runtime.RestartRequest) (*runtime.ConnectorStateInfo, error) {
	if _, ok := h.stores.snapshot().configs[req.Connector]; !ok {
		return nil, runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", req.Connector)
	}
	st, err := h.ConnectorStatus(ctx, req.Connector)
	if err != nil {
		return nil, runtime.Errorf(runtime.KindNotFound, "Status for connector %s not found", req.Connector)
	}
	// The predicted plan (Kafka's RestartPlan): what will be restarted shows RESTARTING.
	if !req.OnlyFailed || st.Connector.State == runtime.StateFailed {
		st.Connector.State = runtime.StateRestarting
	}
	for i := range st.Tasks {
		if req.IncludeTasks && (!req.OnlyFailed || st.Tasks[i].State == runtime.StateFailed) {
			st.Tasks[i].State = runtime.StateRestarting
		}
	}
	if err := h.requireLeader(); err != nil {
		return nil, err
	}
	// Every worker (this one included) restarts what it owns when it reads the record.
	if err := h.stores.putRestartRequest(ctx, req.Connector, req.IncludeTasks, req.OnlyFailed); err != nil {
		return nil, err
	}
	return st, nil
}

// RestartTask implements runtime.Herder.
func (h *Herder) RestartTask(ctx context.Context, id runtime.TaskID) error {
	snap := h.stores.snapshot()
	if _, ok := snap.configs[id.Connector]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", id.Connector)
	}
	if id.Task < 0 || id.Task >= len(snap.tasks[id.Connector]) {
		return runtime.Errorf(runtime.KindNotFound, "Unknown task: %s", id)
	}
	li := h.leader.Load()
	if !li.ownsTask(id) {
		return h.routeToOwner(li, li.taskOwner(id))
	}
	return h.restart(ctx, restartRequest{connector: id.Connector, task: id.Task})
}

// routeToOwner is the error for a request that must run where the work runs: a follower
// sends it to the leader, the leader to the owner it assigned (Kafka's NotLeaderException
// and NotAssignedException).
func (h *Herder) routeToOwner(li *leaderInfo, ownerURL string) error {
	if li.isLeader() {
		return &runtime.RequestTargetError{Message: "Cannot complete request because the connector or task is not assigned to this worker", TargetURL: ownerURL}
	}
	return h.notLeader()
}

// PutTaskConfigs implements runtime.Herder: the internal POST /connectors/{c}/tasks, which
// the worker running a connector uses to have the leader write its new task configs.
func (h *Herder) PutTaskConfigs(ctx context.Context, name string, cfgs []map[string]string, sig *runtime.InternalSignature) error {
	if err := h.verify(sig); err != nil {
		return err
	}
	if err := h.requireLeader(); err != nil {
		return err
	}
	snap := h.stores.snapshot()
	if _, ok := snap.configs[name]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Connector %s not found", name)
	}
	if snap.target(name) == runtime.TargetStopped && len(cfgs) > 0 {
		return runtime.Errorf(runtime.KindBadRequest, "Cannot submit non-empty set of task configs for stopped connector %s", name)
	}
	return h.stores.putTaskConfigs(ctx, name, cfgs)
}

func (h *Herder) setTarget(ctx context.Context, name string, state runtime.TargetState) error {
	if _, ok := h.stores.snapshot().configs[name]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector %s", name)
	}
	if err := h.stores.putTargetState(ctx, name, state); err != nil {
		return err
	}
	h.poke()
	return nil
}

// PauseConnector implements runtime.Herder.
func (h *Herder) PauseConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, runtime.TargetPaused)
}

// ResumeConnector implements runtime.Herder.
func (h *Herder) ResumeConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, runtime.TargetStarted)
}

// StopConnector implements runtime.Herder: an empty task-config set, then target STOPPED.
func (h *Herder) StopConnector(ctx context.Context, name string) error {
	if err := h.requireLeader(); err != nil {
		return err
	}
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	if _, ok := h.stores.snapshot().configs[name]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector %s", name)
	}
	if err := h.stores.putTaskConfigs(ctx, name, nil); err != nil {
		return err
	}
	if err := h.stores.putTargetState(ctx, name, runtime.TargetStopped); err != nil {
		return err
	}
	h.poke()
	return h.stores.readToEnd(ctx)
}

// ConnectorActiveTopics implements runtime.Herder.
func (h *Herder) ConnectorActiveTopics(_ context.Context, name string) ([]string, error) {
	return h.stores.topics(name), nil
}

// ResetConnectorActiveTopics implements runtime.Herder.
func (h *Herder) ResetConnectorActiveTopics(ctx context.Context, name string) error {
	if _, ok := h.stores.snapshot().configs[name]; !ok {
		return runtime.ErrUnknownConnector(name)
	}
	return h.stores.resetTopics(ctx, name)
}

// ConnectorOffsets implements runtime.Herder.
func (h *Herder) ConnectorOffsets(ctx context.Context, name string) (*runtime.ConnectorOffsets, error) {
	if _, ok := h.stores.snapshot().configs[name]; !ok {
		return nil, runtime.ErrUnknownConnector(name)
	}
	offs, err := h.stores.connectorOffsets(ctx, name)
	if err != nil {
		return nil, err
	}
	return &runtime.ConnectorOffsets{Offsets: offs}, nil
}

func (h *Herder) checkStopped(ctx context.Context, name string) error {
	if err := h.stores.readToEnd(ctx); err != nil {
		return err
	}
	snap := h.stores.snapshot()
	if _, ok := snap.configs[name]; !ok {
		return runtime.ErrUnknownConnector(name)
	}
	if snap.target(name) != runtime.TargetStopped || len(snap.tasks[name]) != 0 {
		return runtime.Errorf(runtime.KindBadRequest, "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return nil
}

// AlterConnectorOffsets implements runtime.Herder.
func (h *Herder) AlterConnectorOffsets(ctx context.Context, name string, offsets []runtime.ConnectorOffset) (string, error) {
	if len(offsets) == 0 {
		return "", runtime.Errorf(runtime.KindBadRequest, "Partitions / offsets need to be provided for an alter offsets request")
	}
	return h.modifyOffsets(ctx, name, offsets, false)
}

// ResetConnectorOffsets implements runtime.Herder.
func (h *Herder) ResetConnectorOffsets(ctx context.Context, name string) (string, error) {
	return h.modifyOffsets(ctx, name, nil, true)
}

// modifyOffsets is Kafka's Worker.modifySourceConnectorOffsets: the connector must be
// STOPPED; offsets are normalised as the offsets topic would give them back, the
// connector's AlterOffsets hook may refuse them, then they are written (tombstones for a
// reset: every partition known for the connector).
func (h *Herder) modifyOffsets(ctx context.Context, name string, offsets []runtime.ConnectorOffset, reset bool) (string, error) {
	if err := h.requireLeader(); err != nil {
		return "", err
	}
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	if err := h.checkStopped(ctx, name); err != nil {
		return "", err
	}
	if reset {
		known, err := h.stores.connectorOffsets(ctx, name)
		if err != nil {
			return "", err
		}
		for _, o := range known {
			offsets = append(offsets, runtime.ConnectorOffset{Partition: o.Partition})
		}
	}
	entries := make([]connector.PartitionOffset, len(offsets))
	for i, o := range offsets {
		entries[i] = connector.PartitionOffset{Partition: normalizeMap(o.Partition), Offset: normalizeMap(o.Offset)}
		offsets[i] = runtime.ConnectorOffset{Partition: entries[i].Partition, Offset: entries[i].Offset}
	}
	cfg := h.stores.snapshot().configs[name]
	managedOnlyByConnect := false
	if pl, err := h.w.Plugins().Lookup(cfg[runtime.KeyConnectorClass], runtime.KindSource); err == nil {
		if alt, ok := pl.NewConnector().(connector.OffsetAlterer); ok {
			res, err := alt.AlterOffsets(connector.Config(cfg), entries)
			if err != nil {
				return "", runtime.Errorf(runtime.KindInternal, "%s", err.Error())
			}
			managedOnlyByConnect = res
		}
	}
	if len(offsets) > 0 {
		if err := h.stores.PutOffsets(ctx, name, offsets); err != nil {
			return "", &runtime.Error{Kind: runtime.KindInternal, Message: "Failed to modify offsets for source connector " + name, Err: err}
		}
	}
	kind := "altered"
	if reset {
		kind = "reset"
	}
	if managedOnlyByConnect {
		return "The offsets for this connector have been " + kind + " successfully", nil
	}
	return "The Connect framework-managed offsets for this connector have been " + kind + " successfully. However, if this connector manages offsets externally, they will need to be manually " + kind + " in the system that the connector uses.", nil
}

// normalizeMap gives offset values the types a JSON round trip through the offsets topic
// gives them: integers int64, other numbers float64.
func normalizeMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch n := v.(type) {
		case json.Number:
			if i, err := n.Int64(); err == nil {
				out[k] = i
			} else if f, err := n.Float64(); err == nil {
				out[k] = f
			} else {
				out[k] = n.String()
			}
		case float64:
			if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
				out[k] = int64(n)
			} else {
				out[k] = n
			}
		case int:
			out[k] = int64(n)
		case int32:
			out[k] = int64(n)
		default:
			out[k] = v
		}
	}
	return out
}

// Plugins implements runtime.Herder.
func (h *Herder) Plugins(connectorsOnly bool) []runtime.PluginInfo {
	reg := h.w.Plugins()
	kinds := []runtime.PluginKind{runtime.KindSource}
	if !connectorsOnly {
		kinds = append(kinds, runtime.KindTransformation, runtime.KindPredicate, runtime.KindConverter, runtime.KindHeaderConverter)
	}
	out := []runtime.PluginInfo{}
	for _, k := range kinds {
		for _, p := range reg.All(k) {
			out = append(out, runtime.PluginInfo{Class: p.Class, Type: string(k), Version: p.Version})
		}
	}
	return out
}

// PluginConfig implements runtime.Herder.
func (h *Herder) PluginConfig(plugin string) ([]runtime.ConfigKeyInfo, error) {
	reg := h.w.Plugins()
	for _, k := range []runtime.PluginKind{runtime.KindSource, runtime.KindTransformation, runtime.KindPredicate, runtime.KindConverter, runtime.KindHeaderConverter} {
		if p, err := reg.Lookup(plugin, k); err == nil {
			return reg.PluginConfigKeys(p), nil
		}
	}
	return nil, runtime.Errorf(runtime.KindNotFound, "Unknown plugin %s.", plugin)
}

// ValidateConnectorConfig implements runtime.Herder.
func (h *Herder) ValidateConnectorConfig(_ context.Context, cfg map[string]string) (*runtime.ConfigInfos, error) {
	infos, _, err := h.w.Plugins().ValidateConnector(connector.Config(cfg), h.workerConverters())
	return infos, err
}

// workerConverters are the worker's converter classes, which connectors inherit, and its
// client override policy.
func (h *Herder) workerConverters() map[string]string {
	v := h.w.Config().Values
	return map[string]string{
		runtime.KeyKeyConverter:                   v.String(runtime.KeyKeyConverter),
		runtime.KeyValueConverter:                 v.String(runtime.KeyValueConverter),
		runtime.KeyHeaderConverter:                v.String(runtime.KeyHeaderConverter),
		"connector.client.config.override.policy": v.String("connector.client.config.override.policy"),
	}
}
