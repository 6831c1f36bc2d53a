package storage

import (
	"strconv"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// Connector and task states, as Connect's AbstractStatus.State names them. DESTROYED is never
// written: it is a tombstone.
const (
	StateUnassigned = "UNASSIGNED"
	StateRunning    = "RUNNING"
	StatePaused     = "PAUSED"
	StateFailed     = "FAILED"
	StateDestroyed  = "DESTROYED"
	StateRestarting = "RESTARTING"
	StateStopped    = "STOPPED"
)

// Status topic key prefixes (KafkaStatusBackingStore).
const (
	connectorStatusPrefix = "status-connector-"
	taskStatusPrefix      = "status-task-"
	topicStatusPrefix     = "status-topic-"
	topicStatusSeparator  = ":connector-"
)

func validState(s string) bool {
	switch s {
	case StateUnassigned, StateRunning, StatePaused, StateFailed, StateDestroyed, StateRestarting, StateStopped:
		return true
	}
	return false
}

// ConnectorStatus is a connector's entry in the status topic.
type ConnectorStatus struct {
	Name       string
	State      string // StateRunning, …
	Trace      string // the failure's stack trace; "" is written as null
	WorkerID   string // host:port of the worker's advertised URL
	Generation int    // the writer's group generation
	// Version is the connector plugin's version (KIP-891, Connect 4.1+); "" is written as null.
	// Records from older workers have none.
	Version string
}

// TaskStatus is a task's entry in the status topic.
type TaskStatus struct {
	Connector  string
	Task       int
	State      string
	Trace      string
	WorkerID   string
	Generation int
	Version    string // the task plugin's version (KIP-891); "" is written as null
}

// TopicStatus records that a connector's task used a topic (KIP-558 topic tracking).
type TopicStatus struct {
	Topic             string
	Connector         string
	Task              int
	DiscoverTimestamp int64 // milliseconds since the epoch
}

// encodeStatus is {"state":…,"trace":…|null,"worker_id":…,"generation":…,"version":…|null}, in
// that order: Connect 4.1's STATUS_SCHEMA_V0. Connect 4.1 added the optional version field at the
// end (KIP-891) and always writes it; older readers ignore it, and read records without it.
func encodeStatus(state, trace, workerID string, generation int, version string) []byte {
	b := append([]byte(nil), `{"state":`...)
	b = appendJSONString(b, state)
	b = append(b, `,"trace":`...)
	if trace == "" {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, trace)
	}
	b = append(b, `,"worker_id":`...)
	b = appendJSONString(b, workerID)
	b = append(b, `,"generation":`...)
	b = strconv.AppendInt(b, int64(int32(generation)), 10)
	b = append(b, `,"version":`...)
	if version == "" {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, version)
	}
	return append(b, '}')
}

// encodeTopicStatus is {"topic":{"name":…,"connector":…,"task":…,"discoverTimestamp":…}}.
func encodeTopicStatus(t TopicStatus) []byte {
	b := append([]byte(nil), `{"topic":{"name":`...)
	b = appendJSONString(b, t.Topic)
	b = append(b, `,"connector":`...)
	b = appendJSONString(b, t.Connector)
	b = append(b, `,"task":`...)
	b = strconv.AppendInt(b, int64(int32(t.Task)), 10)
	b = append(b, `,"discoverTimestamp":`...)
	b = strconv.AppendInt(b, t.DiscoverTimestamp, 10)
	return append(b, "}}"...)
}

func connectorStatusKey(connector string) string { return connectorStatusPrefix + connector }

func taskStatusKey(connector string, task int) string {
	return taskStatusPrefix + connector + "-" + strconv.Itoa(task)
}

func topicStatusKey(topic, connector string) string {
	return topicStatusPrefix + topic + topicStatusSeparator + connector
}

// statusFields are the parsed fields of a connector or task status value.
type statusFields struct {
	state, trace, workerID, version string
	generation                      int
}

// decodeStatus parses a status value as Connect does: state must name a State, trace is a
// string or null, worker_id a string, generation an integer.
func decodeStatus(value []byte) (statusFields, string) {
	m, err := parseJSONObject(value)
	if err != nil {
		return statusFields{}, err.Error()
	}
	state, ok := m["state"].(string)
	if !ok || !validState(state) {
		return statusFields{}, "the state field is not a known state"
	}
	var f statusFields
	f.state = state
	switch t := m["trace"].(type) {
	case string:
		f.trace = t
	case nil:
	default:
		return statusFields{}, "the trace field is not a string"
	}
	if w, present := m["worker_id"]; present && w != nil {
		if f.workerID, ok = w.(string); !ok {
			return statusFields{}, "the worker_id field is not a string"
		}
	}
	switch v := m["version"].(type) {
	case string:
		f.version = v
	case nil:
	default:
		return statusFields{}, "the version field is not a string"
	}
	g, ok := m["generation"].(int64)
	if !ok {
		return statusFields{}, "the generation field is not an integer"
	}
	f.generation = int(int32(g))
	return f, ""
}

// parseTopicStatusKey splits status-topic-<topic>:connector-<connector> the way Connect does:
// the topic runs to the first ':'; the connector starts len(":connector-") after it.
func parseTopicStatusKey(key string) (topic, connector string, ok bool) {
	delim := strings.IndexByte(key, ':')
	begin := len(topicStatusPrefix)
	if delim < begin {
		return "", "", false
	}
	topic = key[begin:delim]
	if topic == "" {
		return "", "", false
	}
	begin = delim + len(topicStatusSeparator)
	if begin > len(key) {
		return "", "", false
	}
	connector = key[begin:]
	if connector == "" {
		return "", "", false
	}
	return topic, connector, true
}

// statusState is the status topic's view.
type statusState struct {
	connectors map[string]*ConnectorStatus
	tasks      map[string]map[int]*TaskStatus
	topics     map[string]map[string]TopicStatus // connector → topic → status
}

func newStatusState() *statusState {
	return &statusState{
		connectors: map[string]*ConnectorStatus{},
		tasks:      map[string]map[int]*TaskStatus{},
		topics:     map[string]map[string]TopicStatus{},
	}
}

// apply processes one status-topic record as KafkaStatusBackingStore.read does.
func (s *statusState) apply(rec consumedRecord, log hclog.Logger) {
	warn := func(msg string, args ...any) {
		log.Warn(msg, append([]any{"key", string(rec.Key), "partition", rec.Partition, "offset", rec.Offset}, args...)...)
	}
	if rec.Key == nil {
		warn("skipping a status record without a key")
		return
	}
	key := string(rec.Key)
	switch {
	case strings.HasPrefix(key, connectorStatusPrefix):
		connector := strings.TrimPrefix(key, connectorStatusPrefix)
		if connector == "" {
			warn("skipping a connector status with an empty connector name")
			return
		}
		if rec.Value == nil {
			// A connector's tombstone also forgets its tasks' statuses.
			delete(s.connectors, connector)
			delete(s.tasks, connector)
			return
		}
		f, problem := decodeStatus(rec.Value)
		if problem != "" {
			warn("skipping a connector status that cannot be parsed", "error", problem)
			return
		}
		s.connectors[connector] = &ConnectorStatus{Name: connector, State: f.state, Trace: f.trace,
			WorkerID: f.workerID, Generation: f.generation, Version: f.version}
	case strings.HasPrefix(key, taskStatusPrefix):
		connector, task, ok := parseTaskKey(key, 2)
		if !ok {
			warn("skipping a task status whose key cannot be parsed")
			return
		}
		if rec.Value == nil {
			if ts := s.tasks[connector]; ts != nil {
				delete(ts, task)
				if len(ts) == 0 {
					delete(s.tasks, connector)
				}
			}
			return
		}
		f, problem := decodeStatus(rec.Value)
		if problem != "" {
			warn("skipping a task status that cannot be parsed", "error", problem)
			return
		}
		ts := s.tasks[connector]
		if ts == nil {
			ts = map[int]*TaskStatus{}
			s.tasks[connector] = ts
		}
		// During rebalances a worker may write UNASSIGNED after another worker's RUNNING of the
		// same or a later generation; Connect ignores such a stale UNASSIGNED.
		if cur := ts[task]; cur != nil && f.state == StateUnassigned && cur.State == StateRunning && cur.Generation >= f.generation {
			return
		}
		ts[task] = &TaskStatus{Connector: connector, Task: task, State: f.state, Trace: f.trace,
			WorkerID: f.workerID, Generation: f.generation, Version: f.version}
	case strings.HasPrefix(key, topicStatusPrefix):
		topic, connector, ok := parseTopicStatusKey(key)
		if !ok {
			warn("skipping a topic status whose key cannot be parsed")
			return
		}
		if rec.Value == nil {
			if ts := s.topics[connector]; ts != nil {
				delete(ts, topic)
			}
			return
		}
		m, err := parseJSONObject(rec.Value)
		if err != nil {
			warn("skipping a topic status that cannot be parsed", "error", err)
			return
		}
		inner, ok := m["topic"].(map[string]any)
		if !ok {
			warn("skipping a topic status without a topic object")
			return
		}
		name, ok1 := inner["name"].(string)
		conn, ok2 := inner["connector"].(string)
		task, ok3 := inner["task"].(int64)
		ts, ok4 := inner["discoverTimestamp"].(int64)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			warn("skipping a topic status with missing or mistyped fields")
			return
		}
		if s.topics[connector] == nil {
			s.topics[connector] = map[string]TopicStatus{}
		}
		// Indexed by the key's connector and topic; the value's own fields are reported as is.
		s.topics[connector][topic] = TopicStatus{Topic: name, Connector: conn, Task: int(int32(task)), DiscoverTimestamp: ts}
	default:
		warn("skipping a status record with an unknown key")
	}
}

// canWriteSafely is Connect's CacheEntry.canWriteSafely for an existing previous value: the
// same worker, or a generation at least as new. (With no previous value any write is safe.)
func canWriteSafely(prevWorker string, prevGeneration int, worker string, generation int) bool {
	return prevWorker == worker || prevGeneration <= generation
}
