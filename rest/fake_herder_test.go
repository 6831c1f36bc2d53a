package rest

import (
	"context"
	"sort"
	"sync"

	"github.com/tributary-connect/tributary/runtime"
)

// fakeHerder is an in-memory Herder with Kafka Connect's error messages, enough to drive every
// endpoint. It records the arguments of the last mutating call, and err, when set, is what
// every call returns instead.
type fakeHerder struct {
	runtime.UnimplementedHerder
	mu         sync.Mutex
	notReady   bool
	connectors map[string]*fakeConnector
	err        error

	lastPut     putCall
	lastPatch   map[string]*string
	lastRestart runtime.RestartRequest
	lastTask    runtime.TaskID
	lastOffsets []runtime.ConnectorOffset
	lastCfg     map[string]string
	calls       []string
}

type putCall struct {
	name         string
	cfg          map[string]string
	allowReplace bool
	state        runtime.TargetState
}

type fakeConnector struct {
	cfg   map[string]string
	state runtime.State
}

func newFakeHerder() *fakeHerder {
	return &fakeHerder{connectors: map[string]*fakeConnector{
		"c1": {cfg: map[string]string{"connector.class": "FileStreamSource", "name": "c1", "topic": "t"}, state: runtime.StateRunning},
	}}
}

func (f *fakeHerder) call(name string) error {
	f.calls = append(f.calls, name)
	return f.err
}

func (f *fakeHerder) KafkaClusterID() string { return "q3aZ8y9kQdaQfJ0m3u1X2w" }
func (f *fakeHerder) Ready() bool            { return !f.notReady }

func (f *fakeHerder) get(name string) (*fakeConnector, error) {
	c, ok := f.connectors[name]
	if !ok {
		return nil, runtime.ErrUnknownConnector(name)
	}
	return c, nil
}

func (f *fakeHerder) info(name string, c *fakeConnector) *runtime.ConnectorInfo {
	info := &runtime.ConnectorInfo{Name: name, Config: c.cfg, Type: runtime.ConnectorTypeSource}
	if c.state != runtime.StateStopped {
		info.Tasks = []runtime.TaskID{{Connector: name, Task: 0}}
	}
	return info
}

func (f *fakeHerder) Connectors(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Connectors"); err != nil {
		return nil, err
	}
	var out []string
	for n := range f.connectors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

func (f *fakeHerder) ConnectorInfo(_ context.Context, name string) (*runtime.ConnectorInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ConnectorInfo"); err != nil {
		return nil, err
	}
	c, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return f.info(name, c), nil
}

func (f *fakeHerder) ConnectorConfig(_ context.Context, name string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ConnectorConfig"); err != nil {
		return nil, err
	}
	c, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return c.cfg, nil
}

func (f *fakeHerder) PutConnectorConfig(_ context.Context, name string, cfg map[string]string, allowReplace bool, state runtime.TargetState) (bool, *runtime.ConnectorInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastPut = putCall{name, cfg, allowReplace, state}
	if err := f.call("PutConnectorConfig"); err != nil {
		return false, nil, err
	}
	c, exists := f.connectors[name]
	if exists && !allowReplace {
		return false, nil, runtime.Errorf(runtime.KindAlreadyExists, "Connector %s already exists", name)
	}
	if !exists {
		c = &fakeConnector{state: runtime.StateRunning}
		f.connectors[name] = c
	}
	c.cfg = cfg
	info := f.info(name, c)
	if !exists {
		info.Tasks = nil // the task list is empty right after creation
	}
	return !exists, info, nil
}

func (f *fakeHerder) PatchConnectorConfig(_ context.Context, name string, patch map[string]*string) (*runtime.ConnectorInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastPatch = patch
	if err := f.call("PatchConnectorConfig"); err != nil {
		return nil, err
	}
	c, err := f.get(name)
	if err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for k, v := range c.cfg {
		merged[k] = v
	}
	for k, v := range patch {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = *v
		}
	}
	c.cfg = merged
	return f.info(name, c), nil
}

func (f *fakeHerder) DeleteConnector(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DeleteConnector"); err != nil {
		return err
	}
	if _, err := f.get(name); err != nil {
		return err
	}
	delete(f.connectors, name)
	return nil
}

func (f *fakeHerder) ConnectorStatus(_ context.Context, name string) (*runtime.ConnectorStateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ConnectorStatus"); err != nil {
		return nil, err
	}
	c, ok := f.connectors[name]
	if !ok {
		return nil, runtime.Errorf(runtime.KindNotFound, "No status found for connector %s", name)
	}
	st := &runtime.ConnectorStateInfo{Name: name, Connector: runtime.ConnectorState{State: c.state, WorkerID: "127.0.0.1:8083"}, Type: runtime.ConnectorTypeSource}
	if c.state != runtime.StateStopped {
		st.Tasks = []runtime.TaskState{{ID: 0, State: c.state, WorkerID: "127.0.0.1:8083"}}
	}
	return st, nil
}

func (f *fakeHerder) TaskStatus(_ context.Context, id runtime.TaskID) (*runtime.TaskState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastTask = id
	if err := f.call("TaskStatus"); err != nil {
		return nil, err
	}
	c, ok := f.connectors[id.Connector]
	if !ok || id.Task != 0 {
		return nil, runtime.Errorf(runtime.KindNotFound, "No status found for task %s", id)
	}
	return &runtime.TaskState{ID: id.Task, State: c.state, WorkerID: "127.0.0.1:8083"}, nil
}

func (f *fakeHerder) TaskConfigs(_ context.Context, name string) ([]runtime.TaskInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("TaskConfigs"); err != nil {
		return nil, err
	}
	c, err := f.get(name)
	if err != nil {
		return nil, err
	}
	if c.state == runtime.StateStopped {
		return nil, nil
	}
	return []runtime.TaskInfo{{ID: runtime.TaskID{Connector: name, Task: 0}, Config: map[string]string{"task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "topic": c.cfg["topic"]}}}, nil
}

func (f *fakeHerder) RestartConnector(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastRestart = runtime.RestartRequest{Connector: name}
	if err := f.call("RestartConnector"); err != nil {
		return err
	}
	if _, ok := f.connectors[name]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", name)
	}
	return nil
}

func (f *fakeHerder) RestartConnectorAndTasks(_ context.Context, req runtime.RestartRequest) (*runtime.ConnectorStateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastRestart = req
	if err := f.call("RestartConnectorAndTasks"); err != nil {
		return nil, err
	}
	if _, ok := f.connectors[req.Connector]; !ok {
		return nil, runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", req.Connector)
	}
	st := &runtime.ConnectorStateInfo{Name: req.Connector, Connector: runtime.ConnectorState{State: runtime.StateRestarting, WorkerID: "127.0.0.1:8083"}, Type: runtime.ConnectorTypeSource}
	if req.IncludeTasks {
		st.Tasks = []runtime.TaskState{{ID: 0, State: runtime.StateRestarting, WorkerID: "127.0.0.1:8083"}}
	}
	return st, nil
}

func (f *fakeHerder) RestartTask(_ context.Context, id runtime.TaskID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastTask = id
	if err := f.call("RestartTask"); err != nil {
		return err
	}
	if _, ok := f.connectors[id.Connector]; !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", id.Connector)
	}
	if id.Task != 0 {
		return runtime.Errorf(runtime.KindNotFound, "Unknown task: %s", id)
	}
	return nil
}

func (f *fakeHerder) setState(name string, st runtime.State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("setState " + string(st)); err != nil {
		return err
	}
	c, ok := f.connectors[name]
	if !ok {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector %s", name)
	}
	c.state = st
	return nil
}

func (f *fakeHerder) PauseConnector(_ context.Context, name string) error {
	return f.setState(name, runtime.StatePaused)
}

func (f *fakeHerder) ResumeConnector(_ context.Context, name string) error {
	return f.setState(name, runtime.StateRunning)
}

func (f *fakeHerder) StopConnector(_ context.Context, name string) error {
	return f.setState(name, runtime.StateStopped)
}

func (f *fakeHerder) ConnectorActiveTopics(_ context.Context, name string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ConnectorActiveTopics"); err != nil {
		return nil, err
	}
	if c, ok := f.connectors[name]; ok {
		return []string{c.cfg["topic"]}, nil
	}
	return nil, nil
}

func (f *fakeHerder) ResetConnectorActiveTopics(context.Context, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.call("ResetConnectorActiveTopics")
}

func (f *fakeHerder) ConnectorOffsets(_ context.Context, name string) (*runtime.ConnectorOffsets, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ConnectorOffsets"); err != nil {
		return nil, err
	}
	if _, err := f.get(name); err != nil {
		return nil, err
	}
	return &runtime.ConnectorOffsets{Offsets: []runtime.ConnectorOffset{{Partition: map[string]any{"filename": "/tmp/in.txt"}, Offset: map[string]any{"position": 30}}}}, nil
}

func (f *fakeHerder) stopped(name string) error {
	c, err := f.get(name)
	if err != nil {
		return err
	}
	if c.state != runtime.StateStopped {
		return runtime.Errorf(runtime.KindBadRequest, "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return nil
}

func (f *fakeHerder) AlterConnectorOffsets(_ context.Context, name string, offsets []runtime.ConnectorOffset) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastOffsets = offsets
	if err := f.call("AlterConnectorOffsets"); err != nil {
		return "", err
	}
	if err := f.stopped(name); err != nil {
		return "", err
	}
	return "The offsets for this connector have been altered successfully", nil
}

func (f *fakeHerder) ResetConnectorOffsets(_ context.Context, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ResetConnectorOffsets"); err != nil {
		return "", err
	}
	if err := f.stopped(name); err != nil {
		return "", err
	}
	return "The offsets for this connector have been reset successfully", nil
}

func (f *fakeHerder) Plugins(connectorsOnly bool) []runtime.PluginInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []runtime.PluginInfo{{Class: "org.apache.kafka.connect.file.FileStreamSourceConnector", Type: "source", Version: "4.1.2"}}
	if !connectorsOnly {
		out = append(out, runtime.PluginInfo{Class: "org.apache.kafka.connect.transforms.InsertField$Value", Type: "transformation", Version: "4.1.2"})
	}
	return out
}

func (f *fakeHerder) PluginConfig(plugin string) ([]runtime.ConfigKeyInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("PluginConfig"); err != nil {
		return nil, err
	}
	if plugin != "FileStreamSource" && plugin != "org.apache.kafka.connect.file.FileStreamSourceConnector" {
		return nil, runtime.Errorf(runtime.KindNotFound, "Unknown plugin %s.", plugin)
	}
	group := "Common"
	return []runtime.ConfigKeyInfo{{Name: "file", Type: "STRING", Importance: "HIGH", Group: &group, Width: "NONE", DisplayName: "file"}}, nil
}

func (f *fakeHerder) ValidateConnectorConfig(_ context.Context, cfg map[string]string) (*runtime.ConfigInfos, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastCfg = cfg
	if err := f.call("ValidateConnectorConfig"); err != nil {
		return nil, err
	}
	if cfg["connector.class"] != "FileStreamSource" {
		return nil, runtime.Errorf(runtime.KindBadRequest, "Failed to find any class that implements Connector and which name matches %s", cfg["connector.class"])
	}
	v := cfg["tasks.max"]
	info := &runtime.ConfigInfos{Name: cfg["connector.class"], Configs: []runtime.ConfigInfo{
		{Definition: &runtime.ConfigKeyInfo{Name: "tasks.max", Type: "INT", Importance: "HIGH", Width: "SHORT"}, Value: runtime.ConfigValueInfo{Name: "tasks.max", Value: &v, Visible: true}},
	}}
	if v == "0" {
		info.ErrorCount = 1
		info.Configs[0].Value.Errors = []string{"Invalid value 0 for configuration tasks.max: Value must be at least 1"}
	}
	return info, nil
}
