package runtime

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics is the worker's metrics registry, after Kafka Connect's metric groups (reference
// §7), exposed in Prometheus text format by WriteText (GET /metrics).
//
// Names follow the usual JMX-to-Prometheus mapping of Connect's MBeans,
// kafka.connect:type=<group>,<tag>=<value> attribute <metric> becoming
// kafka_connect_<group>_<metric>{<tag>="<value>"} with '-' turned into '_':
//
//	kafka_connect_source_task_metrics_source_record_poll_total{connector="c",task="0"} 12
//
// What is recorded and how:
//   - Totals (…_total) are counters since the task's metrics were created.
//   - Averages and maxima (…_avg_time_ms, …_max_time_ms, batch_size_avg/max,
//     source_record_active_count_avg/max) are over the task's lifetime, not over Connect's
//     sliding window (metrics.sample.window.ms × metrics.num.samples); with no sample yet they
//     are NaN, as Connect's are. Rates (…_rate) are not exported: use rate() on the totals.
//   - offset_commit_success_percentage and _failure_percentage are fractions (0 to 1), as in
//     Connect (an average of 1s and 0s, despite the name); commit times count successful
//     commits only, as Connect's do.
//   - Status is a Prometheus state set: one series per possible state, 1 for the current one
//     and 0 for the others, e.g. kafka_connect_connector_metrics_status{connector="c",
//     status="running"} 1. States are Connect's lower-case names.
//   - Connector type, class and version are an info metric,
//     kafka_connect_connector_metrics_info{connector,connector_class,connector_type,
//     connector_version} 1, as Prometheus exposes string-valued metrics.
//   - Worker counts are derived at scrape time from the connectors and tasks whose status
//     this worker set (connector_count, task_count, and the per-connector
//     connector_<state>_task_count family).
//
// The recording methods of SourceTaskMetrics use atomics only: no locks, no allocation. The
// registry's map is locked when a task or connector is added, removed or rendered.
type Metrics struct {
	mu          sync.Mutex
	sourceTasks map[TaskID]*SourceTaskMetrics
	connectors  map[string]*connectorMetrics
	taskStatus  map[TaskID]string

	connectorStartupOK, connectorStartupFailed atomic.Int64
	taskStartupOK, taskStartupFailed           atomic.Int64
}

type connectorMetrics struct {
	status               string
	class, typ, version  string
	hasInfo, statusKnown bool
}

// NewMetrics returns an empty registry.
func NewMetrics() *Metrics {
	return &Metrics{
		sourceTasks: map[TaskID]*SourceTaskMetrics{},
		connectors:  map[string]*connectorMetrics{},
		taskStatus:  map[TaskID]string{},
	}
}

// The states a status metric can take (AbstractStatus.State, lower-cased).
var (
	connectorStates = []string{"unassigned", "running", "paused", "stopped", "failed", "restarting"}
	taskStates      = []string{"unassigned", "running", "paused", "failed", "restarting"}
)

// SourceTaskMetrics are one source task's source-task-metrics and connector-task-metrics.
// All methods are safe for concurrent use and allocation-free.
type SourceTaskMetrics struct {
	pollRecords   atomic.Int64 // source-record-poll-total
	writeRecords  atomic.Int64 // source-record-write-total
	pollBatches   atomic.Int64
	pollNanos     atomic.Int64
	pollMaxNanos  atomic.Int64
	batchMax      atomic.Int64
	active        atomic.Int64
	activeMax     atomic.Int64
	activeSum     atomic.Int64
	activeSamples atomic.Int64
	commitOK      atomic.Int64
	commitFailed  atomic.Int64
	commitNanos   atomic.Int64 // successful commits only
	commitMaxNs   atomic.Int64
}

// RecordPoll records one batch of n polled records (before transforms) whose poll took d.
func (t *SourceTaskMetrics) RecordPoll(n int, d time.Duration) {
	t.pollRecords.Add(int64(n))
	t.pollBatches.Add(1)
	t.pollNanos.Add(int64(d))
	storeMax(&t.pollMaxNanos, int64(d))
	storeMax(&t.batchMax, int64(n))
}

// RecordWrite records n records acknowledged by Kafka (records a transform dropped are not
// written and not counted).
func (t *SourceTaskMetrics) RecordWrite(n int) { t.writeRecords.Add(int64(n)) }

// SetActive records the number of records polled but not yet completely written.
func (t *SourceTaskMetrics) SetActive(n int) {
	t.active.Store(int64(n))
	storeMax(&t.activeMax, int64(n))
	t.activeSum.Add(int64(n))
	t.activeSamples.Add(1)
}

// RecordOffsetCommit records one offset commit of duration d that succeeded or failed.
func (t *SourceTaskMetrics) RecordOffsetCommit(d time.Duration, ok bool) {
	if !ok {
		t.commitFailed.Add(1)
		return
	}
	t.commitOK.Add(1)
	t.commitNanos.Add(int64(d))
	storeMax(&t.commitMaxNs, int64(d))
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		cur := a.Load()
		if v <= cur || a.CompareAndSwap(cur, v) {
			return
		}
	}
}

// SourceTask returns the metrics of a source task, created on first use.
func (m *Metrics) SourceTask(connector string, task int) *SourceTaskMetrics {
	id := TaskID{Connector: connector, Task: task}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.sourceTasks[id]
	if !ok {
		t = &SourceTaskMetrics{}
		m.sourceTasks[id] = t
	}
	return t
}

// RemoveSourceTask drops a task's metrics and status, once it no longer runs here.
func (m *Metrics) RemoveSourceTask(connector string, task int) {
	id := TaskID{Connector: connector, Task: task}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sourceTasks, id)
	delete(m.taskStatus, id)
}

// SetConnectorStatus sets a connector's status (running, paused, …; any case).
func (m *Metrics) SetConnectorStatus(connector, status string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.connector(connector)
	c.status, c.statusKnown = strings.ToLower(status), true
}

// SetConnectorInfo sets a connector's connector-type (source or sink), connector-class and
// connector-version.
func (m *Metrics) SetConnectorInfo(connector, class, typ, version string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.connector(connector)
	c.class, c.typ, c.version, c.hasInfo = class, typ, version, true
}

func (m *Metrics) connector(name string) *connectorMetrics {
	c, ok := m.connectors[name]
	if !ok {
		c = &connectorMetrics{}
		m.connectors[name] = c
	}
	return c
}

// RemoveConnector drops a connector's metrics once it no longer runs here. Its tasks, which
// may run here without it, are removed with RemoveSourceTask.
func (m *Metrics) RemoveConnector(connector string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.connectors, connector)
}

// SetTaskStatus sets a task's status (running, paused, …; any case).
func (m *Metrics) SetTaskStatus(connector string, task int, status string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.taskStatus[TaskID{Connector: connector, Task: task}] = strings.ToLower(status)
}

// RecordConnectorStartup counts one connector start attempt and its outcome.
func (m *Metrics) RecordConnectorStartup(ok bool) {
	if ok {
		m.connectorStartupOK.Add(1)
	} else {
		m.connectorStartupFailed.Add(1)
	}
}

// RecordTaskStartup counts one task start attempt and its outcome.
func (m *Metrics) RecordTaskStartup(ok bool) {
	if ok {
		m.taskStartupOK.Add(1)
	} else {
		m.taskStartupFailed.Add(1)
	}
}

// family is one metric name with its HELP, TYPE and samples.
type family struct {
	name, help, typ string
	samples         []sample
}

type sample struct {
	labels [][2]string
	value  float64
}

func taskLabels(id TaskID) [][2]string {
	return [][2]string{{"connector", id.Connector}, {"task", strconv.Itoa(id.Task)}}
}

func avgOf(sum, n int64, scale float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(sum) / float64(n) / scale
}

func maxOf(v, n int64, scale float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(v) / scale
}

// WriteText writes every metric in Prometheus text exposition format 0.0.4, families sorted
// by name and samples by their labels, so that equal states give equal output.
func (m *Metrics) WriteText(w io.Writer) error {
	fams := m.collect()
	var bw bytes.Buffer
	for _, f := range fams {
		fmt.Fprintf(&bw, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for _, s := range f.samples {
			bw.WriteString(f.name)
			if len(s.labels) > 0 {
				bw.WriteByte('{')
				for i, l := range s.labels {
					if i > 0 {
						bw.WriteByte(',')
					}
					bw.WriteString(l[0])
					bw.WriteString(`="`)
					bw.WriteString(escapeLabel(l[1]))
					bw.WriteByte('"')
				}
				bw.WriteByte('}')
			}
			bw.WriteByte(' ')
			bw.WriteString(formatValue(s.value))
			bw.WriteByte('\n')
		}
	}
	_, err := w.Write(bw.Bytes())
	return err
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(v string) string { return labelEscaper.Replace(v) }

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

const (
	srcTask  = "kafka_connect_source_task_metrics_"
	connTask = "kafka_connect_connector_task_metrics_"
	conn     = "kafka_connect_connector_metrics_"
	worker   = "kafka_connect_connect_worker_metrics_"
	msPerNs  = float64(time.Millisecond)
)

// collect snapshots the registry into sorted families.
func (m *Metrics) collect() []family {
	m.mu.Lock()
	taskIDs := make([]TaskID, 0, len(m.sourceTasks))
	for id := range m.sourceTasks {
		taskIDs = append(taskIDs, id)
	}
	tasks := make(map[TaskID]*SourceTaskMetrics, len(m.sourceTasks))
	for id, t := range m.sourceTasks {
		tasks[id] = t
	}
	statusIDs := make([]TaskID, 0, len(m.taskStatus))
	statuses := make(map[TaskID]string, len(m.taskStatus))
	for id, s := range m.taskStatus {
		statusIDs = append(statusIDs, id)
		statuses[id] = s
	}
	connNames := make([]string, 0, len(m.connectors))
	conns := make(map[string]connectorMetrics, len(m.connectors))
	for name, c := range m.connectors {
		connNames = append(connNames, name)
		conns[name] = *c
	}
	m.mu.Unlock()

	byID := func(ids []TaskID) {
		sort.Slice(ids, func(i, j int) bool {
			if ids[i].Connector != ids[j].Connector {
				return ids[i].Connector < ids[j].Connector
			}
			return ids[i].Task < ids[j].Task
		})
	}
	byID(taskIDs)
	byID(statusIDs)
	sort.Strings(connNames)

	var fams []family
	add := func(name, help, typ string, samples []sample) {
		fams = append(fams, family{name: name, help: help, typ: typ, samples: samples})
	}
	perTask := func(name, help, typ string, value func(t *SourceTaskMetrics) float64) {
		var ss []sample
		for _, id := range taskIDs {
			ss = append(ss, sample{labels: taskLabels(id), value: value(tasks[id])})
		}
		if len(ss) > 0 {
			add(name, help, typ, ss)
		}
	}

	// source-task-metrics
	perTask(srcTask+"source_record_poll_total", "The total number of records produced/polled (before transformation) by this task.", "counter",
		func(t *SourceTaskMetrics) float64 { return float64(t.pollRecords.Load()) })
	perTask(srcTask+"source_record_write_total", "The total number of records output from the transformations and written to Kafka for this task, excluding records filtered out.", "counter",
		func(t *SourceTaskMetrics) float64 { return float64(t.writeRecords.Load()) })
	perTask(srcTask+"poll_batch_avg_time_ms", "The average time in milliseconds taken by this task to poll for a batch of source records (over the task's lifetime).", "gauge",
		func(t *SourceTaskMetrics) float64 { return avgOf(t.pollNanos.Load(), t.pollBatches.Load(), msPerNs) })
	perTask(srcTask+"poll_batch_max_time_ms", "The maximum time in milliseconds taken by this task to poll for a batch of source records (over the task's lifetime).", "gauge",
		func(t *SourceTaskMetrics) float64 { return maxOf(t.pollMaxNanos.Load(), t.pollBatches.Load(), msPerNs) })
	perTask(srcTask+"source_record_active_count", "The number of records that have been produced by this task but not yet completely written to Kafka.", "gauge",
		func(t *SourceTaskMetrics) float64 { return float64(t.active.Load()) })
	perTask(srcTask+"source_record_active_count_max", "The maximum number of records that have been produced by this task but not yet completely written to Kafka.", "gauge",
		func(t *SourceTaskMetrics) float64 { return maxOf(t.activeMax.Load(), t.activeSamples.Load(), 1) })
	perTask(srcTask+"source_record_active_count_avg", "The average number of records that have been produced by this task but not yet completely written to Kafka.", "gauge",
		func(t *SourceTaskMetrics) float64 { return avgOf(t.activeSum.Load(), t.activeSamples.Load(), 1) })

	// connector-task-metrics
	perTask(connTask+"offset_commit_avg_time_ms", "The average time in milliseconds taken by this task to commit offsets (successful commits, over the task's lifetime).", "gauge",
		func(t *SourceTaskMetrics) float64 { return avgOf(t.commitNanos.Load(), t.commitOK.Load(), msPerNs) })
	perTask(connTask+"offset_commit_max_time_ms", "The maximum time in milliseconds taken by this task to commit offsets (successful commits, over the task's lifetime).", "gauge",
		func(t *SourceTaskMetrics) float64 { return maxOf(t.commitMaxNs.Load(), t.commitOK.Load(), msPerNs) })
	perTask(connTask+"offset_commit_success_percentage", "The fraction (0 to 1) of this task's offset commit attempts that succeeded.", "gauge",
		func(t *SourceTaskMetrics) float64 {
			ok, failed := t.commitOK.Load(), t.commitFailed.Load()
			return avgOf(ok, ok+failed, 1)
		})
	perTask(connTask+"offset_commit_failure_percentage", "The fraction (0 to 1) of this task's offset commit attempts that failed.", "gauge",
		func(t *SourceTaskMetrics) float64 {
			ok, failed := t.commitOK.Load(), t.commitFailed.Load()
			return avgOf(failed, ok+failed, 1)
		})
	perTask(connTask+"batch_size_avg", "The average number of records in the batches the task has polled (over the task's lifetime).", "gauge",
		func(t *SourceTaskMetrics) float64 { return avgOf(t.pollRecords.Load(), t.pollBatches.Load(), 1) })
	perTask(connTask+"batch_size_max", "The number of records in the largest batch the task has polled (over the task's lifetime).", "gauge",
		func(t *SourceTaskMetrics) float64 { return maxOf(t.batchMax.Load(), t.pollBatches.Load(), 1) })
	var ss []sample
	for _, id := range statusIDs {
		for _, st := range taskStates {
			ss = append(ss, sample{labels: append(taskLabels(id), [2]string{"status", st}), value: boolValue(statuses[id] == st)})
		}
	}
	if len(ss) > 0 {
		add(connTask+"status", "The status of the connector task: 1 for the current state, 0 for the others.", "gauge", ss)
	}

	// connector-metrics
	ss = nil
	var info []sample
	for _, name := range connNames {
		c := conns[name]
		if c.statusKnown {
			for _, st := range connectorStates {
				ss = append(ss, sample{labels: [][2]string{{"connector", name}, {"status", st}}, value: boolValue(c.status == st)})
			}
		}
		if c.hasInfo {
			info = append(info, sample{labels: [][2]string{{"connector", name}, {"connector_class", c.class}, {"connector_type", c.typ}, {"connector_version", c.version}}, value: 1})
		}
	}
	if len(info) > 0 {
		add(conn+"info", "The connector's class, type (source or sink) and version.", "gauge", info)
	}
	if len(ss) > 0 {
		add(conn+"status", "The status of the connector: 1 for the current state, 0 for the others.", "gauge", ss)
	}

	// connect-worker-metrics
	running := map[TaskID]bool{}
	for _, id := range taskIDs {
		running[id] = true
	}
	for _, id := range statusIDs {
		running[id] = true
	}
	add(worker+"connector_count", "The number of connectors run in this worker.", "gauge", []sample{{value: float64(len(connNames))}})
	add(worker+"task_count", "The number of tasks run in this worker.", "gauge", []sample{{value: float64(len(running))}})
	m.startupFamilies(add, "connector", m.connectorStartupOK.Load(), m.connectorStartupFailed.Load())
	m.startupFamilies(add, "task", m.taskStartupOK.Load(), m.taskStartupFailed.Load())

	// connect-worker-metrics with a connector tag: task counts by state.
	perConnector := map[string]map[string]int{}
	var connectorsWithTasks []string
	for _, id := range statusIDs {
		if perConnector[id.Connector] == nil {
			perConnector[id.Connector] = map[string]int{}
			connectorsWithTasks = append(connectorsWithTasks, id.Connector)
		}
		perConnector[id.Connector][statuses[id]]++
		perConnector[id.Connector]["total"]++
	}
	for _, st := range append([]string{"total"}, taskStates...) {
		ss = nil
		for _, c := range connectorsWithTasks {
			ss = append(ss, sample{labels: [][2]string{{"connector", c}}, value: float64(perConnector[c][st])})
		}
		help := "The number of tasks of the connector on this worker in state " + st + "."
		if st == "total" {
			help = "The number of tasks of the connector on this worker."
		}
		if len(ss) > 0 {
			add(worker+"connector_"+st+"_task_count", help, "gauge", ss)
		}
	}

	sort.SliceStable(fams, func(i, j int) bool { return fams[i].name < fams[j].name })
	return fams
}

func (m *Metrics) startupFamilies(add func(name, help, typ string, samples []sample), what string, ok, failed int64) {
	attempts := ok + failed
	add(worker+what+"_startup_attempts_total", "The total number of "+what+" startups that this worker has attempted.", "counter", []sample{{value: float64(attempts)}})
	add(worker+what+"_startup_success_total", "The total number of "+what+" starts that succeeded.", "counter", []sample{{value: float64(ok)}})
	add(worker+what+"_startup_failure_total", "The total number of "+what+" starts that failed.", "counter", []sample{{value: float64(failed)}})
	add(worker+what+"_startup_success_percentage", "The fraction (0 to 1) of this worker's "+what+" starts that succeeded.", "gauge", []sample{{value: ratio(ok, attempts)}})
	add(worker+what+"_startup_failure_percentage", "The fraction (0 to 1) of this worker's "+what+" starts that failed.", "gauge", []sample{{value: ratio(failed, attempts)}})
}

// ratio is Connect's startup percentage: 0 before any attempt.
func ratio(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
