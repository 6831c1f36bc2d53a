package runtime

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
)

// Backends are the stores and sinks the worker's connectors and tasks use. The herder
// builds them over the internal topics and hands them to the worker with Attach.
type Backends struct {
	Offsets OffsetBackend
	Status  StatusListener
	// TaskMetrics, if not nil, returns the metrics a task records into.
	TaskMetrics func(connector string, task int) TaskMetrics
	// ForgetTaskMetrics, if not nil, drops a stopped task's metrics.
	ForgetTaskMetrics func(connector string, task int)
}

// workerConnector is a connector instance running on this worker.
type workerConnector struct {
	name     string
	cfg      connector.Config
	conn     connector.SourceConnector
	plugin   *Plugin
	cancel   context.CancelFunc
	target   TargetState
	failed   bool
	onReconf func()
}

// workerTask is a task running on this worker.
type workerTask struct {
	runner  *sourceTask
	stop    context.CancelFunc // graceful
	kill    context.CancelFunc // hard
	done    chan struct{}
	target  *targetHolder
	connCfg connector.Config
}

// targetHolder holds a connector's target state for its tasks; changes wake them.
type targetHolder struct {
	mu      sync.Mutex
	state   TargetState
	changed chan struct{}
}

func newTargetHolder(s TargetState) *targetHolder {
	return &targetHolder{state: s, changed: make(chan struct{}, 1)}
}

func (h *targetHolder) get() TargetState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

func (h *targetHolder) set(s TargetState) {
	h.mu.Lock()
	h.state = s
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

// Attach gives the worker its backends; call once, before starting connectors.
func (w *Worker) Attach(b Backends) {
	w.backends = b
}

// Plugins returns the worker's plugin registry.
func (w *Worker) Plugins() *Plugins { return w.plugins }

// Config returns the worker configuration.
func (w *Worker) Config() *WorkerConfig { return w.cfg }

// WorkerID is this worker's id (advertised host:port).
func (w *Worker) WorkerID() string { return w.cfg.WorkerID() }

// connectorContext is the ConnectorContext given to connectors.
type connectorContext struct {
	w    *Worker
	name string
	log  hclog.Logger
}

func (c *connectorContext) RequestTaskReconfiguration() {
	c.w.mu.Lock()
	wc := c.w.connectors[c.name]
	c.w.mu.Unlock()
	if wc != nil && wc.onReconf != nil {
		wc.onReconf()
	}
}

func (c *connectorContext) RaiseError(err error) {
	c.w.backends.Status.OnConnectorState(c.name, StateFailed, err.Error())
	c.w.mu.Lock()
	if wc := c.w.connectors[c.name]; wc != nil {
		wc.failed = true
	}
	c.w.mu.Unlock()
}

func (c *connectorContext) Logger() hclog.Logger { return c.log }

// StartConnector starts a connector instance in the given target state. A STOPPED
// connector is not instantiated; its status becomes STOPPED. onReconfigure is called when
// the connector asks for new task configs. Failures are reported as FAILED status and
// returned.
func (w *Worker) StartConnector(name string, cfg connector.Config, target TargetState, onReconfigure func()) error {
	w.mu.Lock()
	if _, running := w.connectors[name]; running {
		w.mu.Unlock()
		return fmt.Errorf("connector %s is already running on this worker", name)
	}
	w.mu.Unlock()
	if target == TargetStopped {
		w.backends.Status.OnConnectorState(name, StateStopped, "")
		w.mu.Lock()
		w.connectors[name] = &workerConnector{name: name, cfg: cfg, target: target, onReconf: onReconfigure}
		w.mu.Unlock()
		return nil
	}
	pl, err := w.plugins.Lookup(cfg[KeyConnectorClass], KindSource)
	if err != nil {
		w.backends.Status.OnConnectorState(name, StateFailed, err.Error())
		return err
	}
	if w.topicCreationEnabled(cfg) {
		// Like Kafka, topic-creation keys are checked when the connector starts, not by
		// /validate: a mistake fails the connector with the key's message.
		if _, err := parseTopicGroups(cfg); err != nil {
			w.backends.Status.OnConnectorState(name, StateFailed, err.Error())
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	wc := &workerConnector{name: name, cfg: cfg, plugin: pl, conn: pl.NewConnector(), cancel: cancel, target: target, onReconf: onReconfigure}
	cc := &connectorContext{w: w, name: name, log: w.log.Named("connector").With("connector", name)}
	w.mu.Lock()
	w.connectors[name] = wc
	w.mu.Unlock()
	if err := callGuarded(func() error { return wc.conn.Start(ctx, cc, cfg) }); err != nil {
		wc.failed = true
		w.backends.Status.OnConnectorState(name, StateFailed, traceOf(err))
		return fmt.Errorf("starting connector %s: %w", name, err)
	}
	state := StateRunning
	if target == TargetPaused {
		state = StatePaused
	}
	w.backends.Status.OnConnectorState(name, state, "")
	w.log.Info("connector started", "connector", name, "target_state", target)
	return nil
}

func callGuarded(f func() error) (err error) {
	defer recoverPanic(&err)
	return f()
}

// SetConnectorTargetState changes a running connector's target state (pause/resume);
// STOPPED is handled by the herder as stop + restart.
func (w *Worker) SetConnectorTargetState(name string, target TargetState) {
	w.mu.Lock()
	wc := w.connectors[name]
	var holders []*targetHolder
	for id, t := range w.tasks {
		if id.Connector == name {
			holders = append(holders, t.target)
		}
	}
	if wc != nil {
		wc.target = target
	}
	w.mu.Unlock()
	for _, h := range holders {
		h.set(target)
	}
	if wc != nil && !wc.failed && wc.conn != nil {
		state := StateRunning
		if target == TargetPaused {
			state = StatePaused
		}
		w.backends.Status.OnConnectorState(name, state, "")
	}
}

// ConnectorTaskConfigs asks a running connector for its task configs (at most tasks.max)
// and adds task.class to each, as Kafka's Worker.connectorTaskConfigs does.
func (w *Worker) ConnectorTaskConfigs(name string) ([]connector.Config, error) {
	w.mu.Lock()
	wc := w.connectors[name]
	w.mu.Unlock()
	if wc == nil || wc.conn == nil {
		return nil, fmt.Errorf("connector %s is not running on this worker", name)
	}
	vals, err := w.plugins.enrichedConnectorDef(wc.cfg).Parse(wc.cfg)
	if err != nil {
		return nil, err
	}
	maxTasks := int(vals.Int(KeyTasksMax))
	var cfgs []connector.Config
	err = callGuarded(func() error {
		var e error
		cfgs, e = wc.conn.TaskConfigs(maxTasks)
		return e
	})
	if err != nil {
		return nil, fmt.Errorf("connector %s task configs: %w", name, err)
	}
	if len(cfgs) > maxTasks && vals.Bool(KeyTasksMaxEnforce) {
		return nil, fmt.Errorf("The connector %s has generated %d tasks, which is greater than %d, the maximum number of tasks it is configured to create. ", name, len(cfgs), maxTasks)
	}
	out := make([]connector.Config, len(cfgs))
	for i, c := range cfgs {
		cp := connector.Config{}
		for k, v := range c {
			cp[k] = v
		}
		cp[KeyTaskClass] = wc.conn.TaskClass()
		out[i] = cp
	}
	return out, nil
}

// StopConnector stops a connector instance (5 s graceful timeout, as Kafka).
func (w *Worker) StopConnector(name string) {
	w.mu.Lock()
	wc := w.connectors[name]
	delete(w.connectors, name)
	w.mu.Unlock()
	if wc == nil || wc.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := callGuarded(func() error { return wc.conn.Stop(ctx) }); err != nil {
		w.log.Warn("connector stop failed", "connector", name, "error", err)
	}
	wc.cancel()
	w.log.Info("connector stopped", "connector", name)
}

// RunningConnectors lists the connectors this worker runs.
func (w *Worker) RunningConnectors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.connectors))
	for n := range w.connectors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// RunningTasks lists the tasks this worker runs.
func (w *Worker) RunningTasks() []TaskID {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]TaskID, 0, len(w.tasks))
	for id := range w.tasks {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Connector != out[j].Connector {
			return out[i].Connector < out[j].Connector
		}
		return out[i].Task < out[j].Task
	})
	return out
}

// StartTask starts one task of a connector with its stored task config. Errors building
// the task (unknown classes, bad converter config) are reported as FAILED and returned.
func (w *Worker) StartTask(id TaskID, connCfg, taskCfg connector.Config, target TargetState) error {
	w.mu.Lock()
	if _, running := w.tasks[id]; running {
		w.mu.Unlock()
		return fmt.Errorf("task %s is already running on this worker", id)
	}
	w.mu.Unlock()
	runner, holder, err := w.buildTask(id, connCfg, taskCfg, target)
	if err != nil {
		w.backends.Status.OnTaskState(id, StateFailed, traceOf(err))
		return err
	}
	stopCtx, stop := context.WithCancel(context.Background())
	killCtx, kill := context.WithCancel(context.Background())
	wt := &workerTask{runner: runner, stop: stop, kill: kill, done: make(chan struct{}), target: holder, connCfg: connCfg}
	w.mu.Lock()
	w.tasks[id] = wt
	w.mu.Unlock()
	w.taskWG.Add(1)
	go func() {
		defer w.taskWG.Done()
		defer close(wt.done)
		runner.run(stopCtx, killCtx)
	}()
	return nil
}

func (w *Worker) buildTask(id TaskID, connCfg, taskCfg connector.Config, target TargetState) (*sourceTask, *targetHolder, error) {
	pl, err := w.plugins.Lookup(connCfg[KeyConnectorClass], KindSource)
	if err != nil {
		return nil, nil, err
	}
	vals, err := w.plugins.enrichedConnectorDef(connCfg).Parse(connCfg)
	if err != nil {
		return nil, nil, err
	}
	taskLog := w.log.Named("task").With("connector", id.Connector, "task", id.Task)
	chain, err := w.plugins.buildChain(connCfg, taskLog)
	if err != nil {
		return nil, nil, err
	}
	var keyConv, valueConv connector.Converter
	var hdrConv connector.HeaderConverter
	built := false
	defer func() {
		if !built { // the task never runs: close what was made
			chain.close(w.log)
			for _, p := range []any{keyConv, valueConv, hdrConv} {
				if p != nil {
					closePlugin(w.log, p)
				}
			}
		}
	}()
	keyConv, err = w.converter(connCfg, KeyKeyConverter, "key", taskLog)
	if err != nil {
		return nil, nil, err
	}
	valueConv, err = w.converter(connCfg, KeyValueConverter, "value", taskLog)
	if err != nil {
		return nil, nil, err
	}
	hdrConv, err = w.headerConverter(connCfg, taskLog)
	if err != nil {
		return nil, nil, err
	}
	prod, err := w.producerConfig(id, connCfg)
	if err != nil {
		return nil, nil, err
	}
	var groups []*topicGroup
	if w.topicCreationEnabled(connCfg) {
		if groups, err = parseTopicGroups(connCfg); err != nil {
			return nil, nil, err
		}
	}
	eh, err := parseErrorHandling(vals, connCfg)
	if err != nil {
		return nil, nil, err
	}
	holder := newTargetHolder(target)
	var metrics TaskMetrics
	if w.backends.TaskMetrics != nil {
		metrics = w.backends.TaskMetrics(id.Connector, id.Task)
	}
	runner := newSourceTask(sourceTaskConfig{
		id: id, task: pl.NewConnector().NewTask(), taskCfg: taskCfg, chain: chain,
		keyConv: keyConv, valueConv: valueConv, hdrConv: hdrConv, producerConfig: prod,
		offsets: w.backends.Offsets, status: w.backends.Status, metrics: metrics,
		topicGroups:  groups,
		errors:       eh,
		keyConvClass: w.converterClass(connCfg, KeyKeyConverter), valueConvClass: w.converterClass(connCfg, KeyValueConverter),
		hdrConvClass:  w.converterClass(connCfg, KeyHeaderConverter),
		flushInterval: time.Duration(w.cfg.Values.Long(KeyOffsetFlushIntervalMs)) * time.Millisecond,
		flushTimeout:  time.Duration(w.cfg.Values.Long(KeyOffsetFlushTimeoutMs)) * time.Millisecond,
		log:           taskLog,
		targetState:   holder.get, stateChanged: holder.changed,
	})
	built = true
	return runner, holder, nil
}

// converter builds the key or value converter: the connector's class and its prefixed keys
// if the connector sets the class, else the worker's (Kafka's rule: the settings come from
// the same place as the class).
func (w *Worker) converter(connCfg connector.Config, classKey, kind string, log hclog.Logger) (connector.Converter, error) {
	src := connector.Config(w.cfg.Originals)
	if connCfg[classKey] != "" {
		src = connCfg
	}
	pl, err := w.plugins.Lookup(src[classKey], KindConverter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", classKey, err)
	}
	c := pl.NewConverter()
	if ls, ok := c.(connector.LoggerSetter); ok {
		ls.SetLogger(log.Named(kind + "-converter"))
	}
	cfg := withPrefix(src, classKey+".")
	cfg["converter.type"] = kind
	if err := c.Configure(cfg); err != nil {
		return nil, fmt.Errorf("configuring %s %s: %w", classKey, pl.Class, err)
	}
	return c, nil
}

// converterClass is the class of a converter as the task uses it: the connector's, else the
// worker's.
func (w *Worker) converterClass(connCfg connector.Config, classKey string) string {
	if c := connCfg[classKey]; c != "" {
		return c
	}
	if c := w.cfg.Originals[classKey]; c != "" {
		return c
	}
	return w.cfg.Values.String(classKey)
}

func (w *Worker) headerConverter(connCfg connector.Config, log hclog.Logger) (connector.HeaderConverter, error) {
	src := connector.Config(w.cfg.Originals)
	class := w.cfg.Values.String(KeyHeaderConverter)
	if connCfg[KeyHeaderConverter] != "" {
		src, class = connCfg, connCfg[KeyHeaderConverter]
	}
	pl, err := w.plugins.Lookup(class, KindHeaderConverter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", KeyHeaderConverter, err)
	}
	c := pl.NewHeaderConverter()
	if ls, ok := c.(connector.LoggerSetter); ok {
		ls.SetLogger(log.Named("header-converter"))
	}
	cfg := withPrefix(src, KeyHeaderConverter+".")
	cfg["converter.type"] = "header"
	if err := c.Configure(cfg); err != nil {
		return nil, fmt.Errorf("configuring %s %s: %w", KeyHeaderConverter, pl.Class, err)
	}
	return c, nil
}

// producerConfig is the task producer's librdkafka configuration: Kafka Connect's unlimited
// delivery timeout, the worker's client base and producer.* keys, then Tributary's delivery settings (acks=all, idempotence, the
// Java-compatible murmur2 partitioner), then the connector's producer.override.* keys if
// the worker's override policy allows them.
func (w *Worker) producerConfig(id TaskID, connCfg connector.Config) (map[string]string, error) {
	cfg := w.cfg.ClientConfig("producer.")
	// Kafka Connect's producer never gives up on a record (delivery.timeout.ms=MAX_VALUE):
	// a Kafka outage is waited out, not turned into a failed task, unless configured.
	if _, set := cfg["message.timeout.ms"]; !set {
		cfg["message.timeout.ms"] = "0"
	}
	// After an outage of a small cluster librdkafka can be left with no usable broker; it
	// re-bootstraps after this long (its default, 5 minutes, stalls the task that long).
	if _, set := cfg["metadata.recovery.rebootstrap.trigger.ms"]; !set {
		cfg["metadata.recovery.rebootstrap.trigger.ms"] = "10000"
	}
	cfg["acks"] = "all"
	cfg["enable.idempotence"] = "true"
	cfg["partitioner"] = "murmur2_random"
	cfg["client.id"] = fmt.Sprintf("connector-producer-%s-%d", id.Connector, id.Task)
	policy := w.cfg.Values.String("connector.client.config.override.policy")
	for k, v := range connCfg {
		if !strings.HasPrefix(k, "producer.override.") {
			continue
		}
		key := strings.TrimPrefix(k, "producer.override.")
		if msg := overrideViolation(policy, key); msg != "" {
			return nil, errors.New(msg)
		}
		if n, ok := javaToLibrdkafka[key]; ok {
			key = n
		}
		cfg[key] = v
	}
	return cfg, nil
}

// StopTasks stops tasks gracefully and waits up to task.shutdown.graceful.timeout.ms for
// all of them together, then cancels the rest (hard stop).
func (w *Worker) StopTasks(ids []TaskID) {
	var stopping []*workerTask
	w.mu.Lock()
	for _, id := range ids {
		if t, ok := w.tasks[id]; ok {
			stopping = append(stopping, t)
			delete(w.tasks, id)
		}
	}
	w.mu.Unlock()
	for _, t := range stopping {
		t.stop()
	}
	deadline := time.After(time.Duration(w.cfg.Values.Long(KeyTaskShutdownGracefulMs)) * time.Millisecond)
	for _, t := range stopping {
		select {
		case <-t.done:
		case <-deadline:
			w.log.Warn("task did not stop in time; cancelling it", "task", t.runner.id.String())
			t.kill()
			<-t.done
		}
		t.kill()
		if w.backends.ForgetTaskMetrics != nil {
			w.backends.ForgetTaskMetrics(t.runner.id.Connector, t.runner.id.Task)
		}
	}
}

// StopAll stops every task and connector (worker shutdown).
func (w *Worker) StopAll() {
	w.StopTasks(w.RunningTasks())
	for _, c := range w.RunningConnectors() {
		w.StopConnector(c)
	}
	w.taskWG.Wait()
}
