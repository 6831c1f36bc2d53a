package distributed

import (
	"context"
	"maps"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/runtime"
)

// Config is what New needs.
type Config struct {
	Worker *runtime.Worker
	Logger hclog.Logger
	// Metrics, if not nil, receives connector and task states and task measurements.
	Metrics *runtime.Metrics
}

// Herder decides what runs on this worker and answers the REST API (Kafka's
// DistributedHerder). One goroutine, the loop in Run, owns what runs: it reconciles the
// connectors and tasks this worker runs with the config topic whenever something changes.
// REST writes go to the config topic and wake the loop.
//
// Until group membership lands (the distributed-mode issue) the worker is the only member
// of its group: it leads, and every connector and task is assigned to it.
type Herder struct {
	w        *runtime.Worker
	log      hclog.Logger
	metrics  *runtime.Metrics // nil: none
	stores   *stores
	workerID string

	wake    chan struct{}
	ready   atomic.Bool
	started chan struct{} // closed once the stores are read and the loop runs
	writeMu sync.Mutex    // serialises config writes that check-then-write (create, patch)

	// Owned by the loop goroutine.
	running      map[string]*runningConnector
	reconfigure  map[string]bool // connectors whose task configs must be regenerated
	restartQueue chan restartRequest
	generation   int
}

type runningConnector struct {
	cfg     connector.Config
	target  runtime.TargetState
	tasks   map[int]connector.Config // task id → config it was started with
	failed  bool
	started time.Time
}

type restartRequest struct {
	connector    string
	task         int // -1: connector and/or tasks per flags
	includeTasks bool
	onlyFailed   bool
	plain        bool // connector instance only
	done         chan error
}

var _ runtime.Herder = (*Herder)(nil)

// New builds the herder; Run starts it.
func New(cfg Config) *Herder {
	h := &Herder{
		w:            cfg.Worker,
		log:          cfg.Logger.Named("herder"),
		metrics:      cfg.Metrics,
		workerID:     cfg.Worker.WorkerID(),
		wake:         make(chan struct{}, 1),
		running:      map[string]*runningConnector{},
		reconfigure:  map[string]bool{},
		restartQueue: make(chan restartRequest, 64),
		generation:   1,
		started:      make(chan struct{}),
	}
	h.stores = newStores(cfg.Worker.Config(), h.log, h.poke)
	backends := runtime.Backends{Offsets: h.stores, Status: h}
	if m := cfg.Metrics; m != nil {
		backends.TaskMetrics = func(c string, t int) runtime.TaskMetrics { return m.SourceTask(c, t) }
		backends.ForgetTaskMetrics = m.RemoveSourceTask
	}
	cfg.Worker.Attach(backends)
	return h
}

// Started is closed once the herder has read the internal topics and serves requests.
func (h *Herder) Started() <-chan struct{} { return h.started }

// poke wakes the loop; it never blocks.
func (h *Herder) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run starts the internal-topic stores, then reconciles until ctx ends; then it stops every
// task and connector (graceful, then hard) and the stores. It returns after every goroutine
// it started has exited.
func (h *Herder) Run(ctx context.Context) error {
	if err := h.stores.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: not a failure
		}
		return err
	}
	defer h.stores.stop()
	h.ready.Store(true)
	close(h.started)
	h.log.Info("herder started", "worker_id", h.workerID)
	h.poke()
	for {
		select {
		case <-ctx.Done():
			h.ready.Store(false)
			h.shutdown()
			return nil
		case req := <-h.restartQueue:
			req.done <- h.handleRestart(req)
		case <-h.wake:
			h.reconcile(ctx)
		}
	}
}

func (h *Herder) shutdown() {
	ids := h.w.RunningTasks()
	h.w.StopTasks(ids)
	for _, id := range ids {
		h.putTaskStatus(id, runtime.StateUnassigned, "", true)
	}
	for _, name := range h.w.RunningConnectors() {
		h.w.StopConnector(name)
		h.putConnectorStatus(name, runtime.StateUnassigned, "", true)
	}
	h.w.StopAll()
}

// reconcile makes what runs on this worker match the config topic.
func (h *Herder) reconcile(ctx context.Context) {
	snap := h.stores.snapshot()
	// Connectors that were deleted.
	for name, rc := range h.running {
		if _, ok := snap.configs[name]; ok {
			continue
		}
		h.stopConnectorAndTasks(name, rc)
		delete(h.running, name)
		h.stores.deleteStatuses(ctx, name, snap)
		if h.metrics != nil {
			h.metrics.RemoveConnector(name)
		}
		h.log.Info("connector deleted", "connector", name)
	}
	names := make([]string, 0, len(snap.configs))
	for n := range snap.configs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		h.reconcileConnector(ctx, name, snap)
	}
}

func (h *Herder) reconcileConnector(ctx context.Context, name string, snap *snapshot) {
	cfg := snap.configs[name]
	target := snap.target(name)
	rc := h.running[name]

	// (Re)start the connector instance when it is new, its config changed, or it moves to
	// or from STOPPED.
	if rc != nil && (!maps.Equal(rc.cfg, cfg) || (rc.target == runtime.TargetStopped) != (target == runtime.TargetStopped)) {
		h.stopConnectorAndTasks(name, rc)
		delete(h.running, name)
		rc = nil
	}
	if rc == nil {
		rc = &runningConnector{cfg: cfg, target: target, tasks: map[int]connector.Config{}, started: time.Now()}
		h.running[name] = rc
		err := h.w.StartConnector(name, cfg, target, func() { h.requestReconfiguration(name) })
		if err != nil {
			rc.failed = true
			h.log.Error("connector failed to start", "connector", name, "error", err)
		}
		if h.metrics != nil && target != runtime.TargetStopped {
			h.metrics.RecordConnectorStartup(err == nil)
			if pl, perr := h.w.Plugins().Lookup(cfg[runtime.KeyConnectorClass], runtime.KindSource); perr == nil {
				h.metrics.SetConnectorInfo(name, pl.Class, "source", pl.Version)
			}
		}
		if target != runtime.TargetStopped && !rc.failed {
			h.reconfigure[name] = true
		}
	} else if rc.target != target {
		h.w.SetConnectorTargetState(name, target)
		rc.target = target
	}

	// Regenerate task configs when asked; write them only if they changed.
	if h.reconfigure[name] && !rc.failed && target != runtime.TargetStopped {
		delete(h.reconfigure, name)
		taskCfgs, err := h.w.ConnectorTaskConfigs(name)
		if err != nil {
			rc.failed = true
			h.putConnectorStatus(name, runtime.StateFailed, err.Error(), true)
			h.log.Error("connector failed to generate task configs", "connector", name, "error", err)
		} else if !sameTaskConfigs(taskCfgs, snap.tasks[name]) || snap.inconsistent[name] {
			plain := make([]map[string]string, len(taskCfgs))
			for i, c := range taskCfgs {
				plain[i] = c
			}
			if err := h.stores.putTaskConfigs(ctx, name, plain); err != nil {
				h.log.Error("writing task configs failed; will retry", "connector", name, "error", err)
				h.reconfigure[name] = true
			}
			return // the config topic update wakes us again
		}
	}

	// Tasks: run exactly the stored task configs (none when STOPPED).
	want := map[int]connector.Config{}
	if target != runtime.TargetStopped {
		for i, tc := range snap.tasks[name] {
			want[i] = tc
		}
	}
	var stop []runtime.TaskID
	for id, tc := range rc.tasks {
		if nc, ok := want[id]; !ok || !maps.Equal(nc, tc) {
			stop = append(stop, runtime.TaskID{Connector: name, Task: id})
		}
	}
	if len(stop) > 0 {
		h.w.StopTasks(stop)
		for _, id := range stop {
			delete(rc.tasks, id.Task)
			if _, still := want[id.Task]; !still {
				h.stores.deleteTaskStatus(ctx, id)
			}
		}
	}
	ids := make([]int, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, i := range ids {
		if _, ok := rc.tasks[i]; ok {
			continue
		}
		id := runtime.TaskID{Connector: name, Task: i}
		rc.tasks[i] = want[i]
		err := h.w.StartTask(id, cfg, want[i], target)
		if err != nil {
			h.log.Error("task failed to start", "task", id.String(), "error", err)
		}
		if h.metrics != nil {
			h.metrics.RecordTaskStartup(err == nil)
		}
	}
}

func (h *Herder) stopConnectorAndTasks(name string, rc *runningConnector) {
	var ids []runtime.TaskID
	for id := range rc.tasks {
		ids = append(ids, runtime.TaskID{Connector: name, Task: id})
	}
	h.w.StopTasks(ids)
	h.w.StopConnector(name)
}

func sameTaskConfigs(a []connector.Config, b []map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !maps.Equal(map[string]string(a[i]), b[i]) {
			return false
		}
	}
	return true
}

func (h *Herder) requestReconfiguration(name string) {
	h.restartQueue <- restartRequest{connector: name, task: -2, done: make(chan error, 1)}
}

// handleRestart runs a restart on the loop goroutine. task -2 is a reconfiguration request.
func (h *Herder) handleRestart(req restartRequest) error {
	rc := h.running[req.connector]
	if req.task == -2 {
		h.reconfigure[req.connector] = true
		h.poke()
		return nil
	}
	if rc == nil {
		return runtime.Errorf(runtime.KindNotFound, "Unknown connector: %s", req.connector)
	}
	if req.task >= 0 {
		id := runtime.TaskID{Connector: req.connector, Task: req.task}
		tc, ok := rc.tasks[req.task]
		if !ok {
			return runtime.Errorf(runtime.KindNotFound, "Unknown task: %s", id)
		}
		h.w.StopTasks([]runtime.TaskID{id})
		return h.w.StartTask(id, rc.cfg, tc, rc.target)
	}
	restartConnector := req.plain || !req.onlyFailed || h.connectorFailed(req.connector)
	if restartConnector {
		h.putConnectorStatus(req.connector, runtime.StateRestarting, "", false)
		h.w.StopConnector(req.connector)
		rc.failed = false
		if err := h.w.StartConnector(req.connector, rc.cfg, rc.target, func() { h.requestReconfiguration(req.connector) }); err != nil {
			rc.failed = true
		}
	}
	if req.includeTasks {
		for id, tc := range rc.tasks {
			tid := runtime.TaskID{Connector: req.connector, Task: id}
			if req.onlyFailed && !h.taskFailed(tid) {
				continue
			}
			h.putTaskStatus(tid, runtime.StateRestarting, "", false)
			h.w.StopTasks([]runtime.TaskID{tid})
			if err := h.w.StartTask(tid, rc.cfg, tc, rc.target); err != nil {
				h.log.Error("task failed to restart", "task", tid.String(), "error", err)
			}
		}
	}
	return nil
}

func (h *Herder) connectorFailed(name string) bool {
	st, ok := h.stores.connectorStatus(name)
	return ok && st.State == runtime.StateFailed
}

func (h *Herder) taskFailed(id runtime.TaskID) bool {
	for _, t := range h.stores.taskStatuses(id.Connector) {
		if t.ID == id.Task {
			return t.State == runtime.StateFailed
		}
	}
	return false
}

// restart queues a restart on the loop and waits for it.
func (h *Herder) restart(ctx context.Context, req restartRequest) error {
	req.done = make(chan error, 1)
	select {
	case h.restartQueue <- req:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// StatusListener implementation: statuses go to the status topic.

// OnTaskState implements runtime.StatusListener.
func (h *Herder) OnTaskState(id runtime.TaskID, state runtime.State, trace string) {
	safe := state == runtime.StateUnassigned || state == runtime.StateFailed
	h.putTaskStatus(id, state, trace, safe)
	if h.metrics != nil && state != runtime.StateUnassigned {
		h.metrics.SetTaskStatus(id.Connector, id.Task, string(state))
	}
}

// OnConnectorState implements runtime.StatusListener.
func (h *Herder) OnConnectorState(name string, state runtime.State, trace string) {
	safe := state == runtime.StateUnassigned || state == runtime.StateFailed
	h.putConnectorStatus(name, state, trace, safe)
	if h.metrics != nil {
		h.metrics.SetConnectorStatus(name, string(state))
	}
}

// OnTopicUsed implements runtime.StatusListener.
func (h *Herder) OnTopicUsed(id runtime.TaskID, topic string) {
	h.stores.putTopic(id, topic)
}

func (h *Herder) putTaskStatus(id runtime.TaskID, state runtime.State, trace string, safe bool) {
	if err := h.stores.putTaskStatus(id, state, trace, h.workerID, h.generation, safe); err != nil {
		h.log.Warn("writing task status failed", "task", id.String(), "state", state, "error", err)
	}
}

func (h *Herder) putConnectorStatus(name string, state runtime.State, trace string, safe bool) {
	if err := h.stores.putConnectorStatus(name, state, trace, h.workerID, h.generation, safe); err != nil {
		h.log.Warn("writing connector status failed", "connector", name, "state", state, "error", err)
	}
}
