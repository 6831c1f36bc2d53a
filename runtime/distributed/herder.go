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
	// Membership is this worker's membership in the Connect group (NewMember).
	Membership Membership
}

// Herder decides what runs on this worker and answers the REST API (Kafka's
// DistributedHerder). Workers with the same group.id form a group over Kafka's group
// protocol (protocol type "connect"); the elected leader assigns connectors and tasks with
// the incremental cooperative assignor. One goroutine, the loop in Run, owns what runs: it
// joins the group when a rebalance is needed and reconciles the connectors and tasks
// assigned to this worker with the config topic whenever something changes. Leader-only
// REST writes on a follower return a *runtime.RequestTargetError, which REST forwards.
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

	reconfMu      sync.Mutex      // guards reconfPending
	reconfPending map[string]bool // connectors that asked for new task configs

	member    Membership
	assignor  *Assignor
	leader    atomic.Pointer[leaderInfo] // current generation, for REST goroutines
	protocolV atomic.Int32               // the generation's protocol version (-1 before a join)

	// Owned by the loop goroutine.
	alloc            allocation // what the group assigned to this worker
	needJoin         bool
	rejoinTimer      *time.Timer
	retryTimer       *time.Timer
	lastShape        map[string]int
	assignedShape    map[string]int // the shape the leader assigned from in the current round
	lastCompletedGen int
	lastOwners       owners
	protocol         Protocol
	mixedUntil       time.Time // after refusing to lead a mixed group, stay out until then
	running          map[string]*runningConnector
	reconfigure      map[string]bool // connectors whose task configs must be regenerated
	restartQueue     chan restartRequest
	generation       int
}

// runningConnector is what runs here of one connector: maybe its instance, maybe some of
// its tasks.
type runningConnector struct {
	cfg      connector.Config
	target   runtime.TargetState
	instance bool                     // the connector instance runs here
	tasks    map[int]connector.Config // task id → config it was started with
	failed   bool
}

type restartRequest struct {
	connector    string
	task         int // -1: connector and/or tasks per flags
	includeTasks bool
	onlyFailed   bool
	plain        bool // connector instance only
	fromRecord   bool // read from the config topic: restart only what runs here
	done         chan error
}

var _ runtime.Herder = (*Herder)(nil)

// New builds the herder and, unless cfg.Membership is set, its group membership from the
// worker configuration; Run starts it.
func New(cfg Config) (*Herder, error) {
	if cfg.Membership == nil {
		m, err := newMember(cfg.Worker.Config(), cfg.Logger.Named("group"))
		if err != nil {
			return nil, err
		}
		cfg.Membership = m
	}
	h := &Herder{
		w:                cfg.Worker,
		log:              cfg.Logger.Named("herder"),
		metrics:          cfg.Metrics,
		workerID:         cfg.Worker.WorkerID(),
		wake:             make(chan struct{}, 1),
		running:          map[string]*runningConnector{},
		reconfigure:      map[string]bool{},
		reconfPending:    map[string]bool{},
		restartQueue:     make(chan restartRequest, 64),
		generation:       1,
		started:          make(chan struct{}),
		alloc:            newAllocation(),
		needJoin:         true,
		lastCompletedGen: -1,
		member:           cfg.Membership,
	}
	wc := cfg.Worker.Config()
	h.assignor = &Assignor{MaxDelay: time.Duration(wc.Values.Int(runtime.KeyScheduledRebalanceDelay)) * time.Millisecond}
	h.stores = newStores(cfg.Worker.Config(), h.log, h.poke, h.restartFromRecord)
	backends := runtime.Backends{Offsets: h.stores, Status: h}
	if m := cfg.Metrics; m != nil {
		backends.TaskMetrics = func(c string, t int) runtime.TaskMetrics { return m.SourceTask(c, t) }
		backends.ForgetTaskMetrics = m.RemoveSourceTask
	}
	cfg.Worker.Attach(backends)
	return h, nil
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

// Run starts the internal-topic stores, joins the group, then rebalances and reconciles
// until ctx ends; then it stops every task and connector (graceful, then hard), leaves the
// group so the others rebalance at once, and stops the stores. It returns after every
// goroutine it started has exited.
func (h *Herder) Run(ctx context.Context) error {
	defer h.member.Close()
	if err := h.stores.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: not a failure
		}
		return err
	}
	defer h.stores.stop()
	h.log.Info("herder started; joining the group", "worker_id", h.workerID, "group_id", h.w.Config().Values.String(runtime.KeyGroupID))
	h.lastShape = shapeOf(h.stores.snapshot())
	keyCheck := time.NewTicker(time.Minute) // the leader rotates the session key after its TTL
	defer keyCheck.Stop()
	backoff := 100 * time.Millisecond
	for {
		if h.needJoin && ctx.Err() == nil {
			if err := h.rebalance(ctx); err != nil {
				if ctx.Err() == nil {
					h.log.Warn("rebalance failed; retrying", "error", err, "backoff", backoff)
					h.scheduleRejoin(backoff)
					backoff = min(2*backoff, 10*time.Second)
				}
			} else {
				backoff = 100 * time.Millisecond
			}
		}
		var timerC, retryC <-chan time.Time
		if h.rejoinTimer != nil {
			timerC = h.rejoinTimer.C
		}
		if h.retryTimer != nil {
			retryC = h.retryTimer.C
		}
		if h.needJoin && timerC == nil && ctx.Err() == nil {
			continue // join again at once
		}
		select {
		case <-ctx.Done():
			h.ready.Store(false)
			h.shutdown()
			return nil
		case <-h.member.RejoinNeeded():
			h.needJoin = time.Now().After(h.mixedUntil)
		case <-timerC:
			h.rejoinTimer = nil
			h.needJoin = true
		case req := <-h.restartQueue:
			req.done <- h.handleRestart(req)
		case <-retryC:
			h.retryTimer = nil
			h.reconcile(ctx)
		case <-keyCheck.C:
			if h.leader.Load().isLeader() {
				h.ensureSessionKey(ctx)
			}
		case <-h.wake:
			if !sameShape(shapeOf(h.stores.snapshot()), h.lastShape) {
				h.needJoin = true // a connector or task set changed: the leader reassigns
			}
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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.member.Leave(ctx); err != nil {
		h.log.Warn("leaving the group failed; the others rebalance after the session timeout", "error", err)
	}
}

// reconcile makes what runs on this worker match the config topic.
func (h *Herder) reconcile(ctx context.Context) {
	h.takeReconfigurations()
	snap := h.stores.snapshot()
	// Connectors that were deleted.
	for name, rc := range h.running {
		if _, ok := snap.configs[name]; ok {
			continue
		}
		h.stopConnectorAndTasks(name, rc)
		delete(h.running, name)
		h.stores.deleteStatuses(ctx, name)
		if h.metrics != nil {
			h.metrics.RemoveConnector(name)
		}
		h.log.Info("connector deleted", "connector", name)
	}
	// Connectors this worker runs (as a connector instance, or through its tasks).
	names := map[string]bool{}
	for n := range h.alloc.connectors {
		names[n] = true
	}
	for t := range h.alloc.tasks {
		names[t.Connector] = true
	}
	for n := range h.running {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, name := range sorted {
		if _, ok := snap.configs[name]; !ok {
			continue
		}
		h.reconcileConnector(ctx, name, snap)
	}
}

func (h *Herder) reconcileConnector(ctx context.Context, name string, snap *snapshot) {
	cfg := snap.configs[name]
	target := snap.target(name)
	rc := h.running[name]

	// Restart everything of the connector here when its config changed or it moves to or
	// from STOPPED.
	if rc != nil && (!maps.Equal(rc.cfg, cfg) || (rc.target == runtime.TargetStopped) != (target == runtime.TargetStopped)) {
		h.stopConnectorAndTasks(name, rc)
		delete(h.running, name)
		rc = nil
	}
	if rc == nil {
		rc = &runningConnector{cfg: cfg, target: target, tasks: map[int]connector.Config{}}
		h.running[name] = rc
	}

	// The connector instance runs where the group assigned it.
	switch own := h.alloc.connectors[name]; {
	case own && !rc.instance:
		rc.instance, rc.failed = true, false
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
	case !own && rc.instance:
		h.w.StopConnector(name)
		rc.instance = false
	}
	if rc.target != target {
		h.w.SetConnectorTargetState(name, target) // also pauses or resumes its tasks here
		rc.target = target
	}

	// The instance's owner regenerates task configs when asked and has the leader write them
	// if they changed.
	if rc.instance && h.reconfigure[name] && !rc.failed && target != runtime.TargetStopped {
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
			if err := h.writeTaskConfigs(ctx, name, plain); err != nil {
				h.log.Error("writing task configs failed; will retry", "connector", name, "error", err)
				h.reconfigure[name] = true
				h.retryLater(time.Second)
			}
		}
	}

	// Tasks: run the stored task configs of the tasks assigned here (none when STOPPED).
	want := map[int]connector.Config{}
	if target != runtime.TargetStopped {
		for i, tc := range snap.tasks[name] {
			if h.alloc.tasks[runtime.TaskID{Connector: name, Task: i}] {
				want[i] = tc
			}
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
			if id.Task >= len(snap.tasks[name]) { // no longer configured anywhere
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
	if !rc.instance && len(rc.tasks) == 0 {
		delete(h.running, name)
	}
}

// retryLater reconciles again after d (a failed task-config write), unless a retry is armed.
func (h *Herder) retryLater(d time.Duration) {
	if h.retryTimer == nil {
		h.retryTimer = time.NewTimer(d)
	}
}

func (h *Herder) stopConnectorAndTasks(name string, rc *runningConnector) {
	var ids []runtime.TaskID
	for id := range rc.tasks {
		ids = append(ids, runtime.TaskID{Connector: name, Task: id})
	}
	h.w.StopTasks(ids)
	if rc.instance {
		h.w.StopConnector(name)
	}
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

// restartFromRecord queues a restart read from the config topic (restart-connector-<c>);
// it runs on the store's tailing goroutine and never blocks.
func (h *Herder) restartFromRecord(name string, includeTasks, onlyFailed bool) {
	select {
	case h.restartQueue <- restartRequest{connector: name, task: -1, includeTasks: includeTasks, onlyFailed: onlyFailed, fromRecord: true, done: make(chan error, 1)}:
	default:
		h.log.Warn("restart queue full; dropping a restart request read from the config topic", "connector", name)
	}
}

// requestReconfiguration is a connector's RequestTaskReconfiguration. It may be called from
// any goroutine, the loop's included (inside Start), so it only records the request and
// wakes the loop, which regenerates the task configs in reconcile.
func (h *Herder) requestReconfiguration(name string) {
	h.reconfMu.Lock()
	h.reconfPending[name] = true
	h.reconfMu.Unlock()
	h.poke()
}

// takeReconfigurations moves pending reconfiguration requests to the loop's set.
func (h *Herder) takeReconfigurations() {
	h.reconfMu.Lock()
	defer h.reconfMu.Unlock()
	for name := range h.reconfPending {
		h.reconfigure[name] = true
	}
	clear(h.reconfPending)
}

// handleRestart runs a restart on the loop goroutine.
func (h *Herder) handleRestart(req restartRequest) error {
	rc := h.running[req.connector]
	if rc == nil {
		if req.fromRecord {
			return nil // nothing of this connector runs here
		}
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
	restartConnector := rc.instance && (req.plain || !req.onlyFailed || h.connectorFailed(req.connector))
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
