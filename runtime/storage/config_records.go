package storage

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// Target states, as Connect's TargetState names them.
const (
	TargetStarted = "STARTED"
	TargetPaused  = "PAUSED"
	TargetStopped = "STOPPED"
)

// Config topic key prefixes (KafkaConfigBackingStore). Readers match them in this order.
const (
	targetStatePrefix = "target-state-"
	connectorPrefix   = "connector-"
	taskPrefix        = "task-"
	commitPrefix      = "commit-"
	restartPrefix     = "restart-connector-"
	taskCountPrefix   = "tasks-fencing-"
	sessionKeyKey     = "session-key"
	loggerPrefix      = "logger-cluster-"
)

// SessionKey is the KIP-507 key the leader distributes for signing internal REST requests.
type SessionKey struct {
	Key               []byte // the raw key
	Algorithm         string // e.g. HmacSHA256
	CreationTimestamp int64  // milliseconds since the epoch
}

func validTargetState(s string) bool {
	return s == TargetStarted || s == TargetPaused || s == TargetStopped
}

// encodeConnectorConfig is the connector- and task- record value: {"properties":{…}}. Keys are
// sorted; Java writes a HashMap, in hash order.
func encodeConnectorConfig(props map[string]string) []byte {
	b := append([]byte(nil), `{"properties":`...)
	b, _ = appendJSONValue(b, props) // map[string]string cannot fail
	return append(b, '}')
}

// encodeTargetState writes both fields: "state" for workers older than KIP-875, with STOPPED
// downgraded to PAUSED, and "state.v2" with the real state.
func encodeTargetState(state string) []byte {
	old := state
	if state == TargetStopped {
		old = TargetPaused
	}
	b := append([]byte(nil), `{"state":`...)
	b = appendJSONString(b, old)
	b = append(b, `,"state.v2":`...)
	b = appendJSONString(b, state)
	return append(b, '}')
}

func encodeTasksCommit(n int) []byte {
	return []byte(`{"tasks":` + strconv.Itoa(n) + `}`)
}

func encodeRestartRequest(includeTasks, onlyFailed bool) []byte {
	return []byte(`{"include-tasks":` + strconv.FormatBool(includeTasks) +
		`,"only-failed":` + strconv.FormatBool(onlyFailed) + `}`)
}

func encodeTaskCountRecord(n int) []byte {
	return []byte(`{"task-count":` + strconv.Itoa(n) + `}`)
}

func encodeSessionKey(k SessionKey) []byte {
	b := append([]byte(nil), `{"key":`...)
	b = appendJSONString(b, base64.StdEncoding.EncodeToString(k.Key))
	b = append(b, `,"algorithm":`...)
	b = appendJSONString(b, k.Algorithm)
	b = append(b, `,"creation-timestamp":`...)
	b = strconv.AppendInt(b, k.CreationTimestamp, 10)
	return append(b, '}')
}

func encodeLoggerLevel(level string) []byte {
	b := append([]byte(nil), `{"level":`...)
	b = appendJSONString(b, level)
	return append(b, '}')
}

// javaSplitDash is Java's key.split("-"): trailing empty strings are dropped.
func javaSplitDash(s string) []string {
	parts := strings.Split(s, "-")
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 1 && parts[0] == "" && s != "" {
		return nil
	}
	return parts
}

// parseTaskKey parses a task key the way Connect does: split on "-", skip the prefix's
// prefixParts pieces, the last piece is the task number and the pieces between are rejoined as
// the connector name, so connector names may contain "-". Config keys (task-<c>-<n>) have one
// prefix piece, status keys (status-task-<c>-<n>) two.
func parseTaskKey(key string, prefixParts int) (connector string, task int, ok bool) {
	parts := javaSplitDash(key)
	if len(parts) < prefixParts+2 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(parts[len(parts)-1], 10, 32)
	if err != nil {
		return "", 0, false
	}
	return strings.Join(parts[prefixParts:len(parts)-1], "-"), int(n), true
}

// configEventKind says which ConfigListener method a configEvent calls.
type configEventKind int

const (
	evConnectorUpdated configEventKind = iota
	evConnectorRemoved
	evTaskConfigsUpdated
	evTargetStateChanged
	evRestartRequested
	evSessionKeyUpdated
	evLoggerLevel
)

// configEvent is a change the listener hears about once the store has started.
type configEvent struct {
	kind         configEventKind
	connector    string
	tasks        []int
	includeTasks bool
	onlyFailed   bool
	sessionKey   SessionKey
	namespace    string
	level        string
}

// configState is the config topic's view, updated record by record in topic order exactly as
// KafkaConfigBackingStore's ConsumeCallback does. It has no locking of its own.
type configState struct {
	offset                int64
	connectorConfigs      map[string]map[string]string
	targetStates          map[string]string
	taskCounts            map[string]int
	taskConfigs           map[string]map[int]map[string]string // applied
	deferred              map[string]map[int]map[string]string // waiting for their commit
	inconsistent          map[string]bool
	appliedConfigs        map[string]map[string]string // the connector config at the last applied commit
	taskCountRecords      map[string]int
	taskConfigGenerations map[string]int
	pendingFencing        map[string]bool
	sessionKey            *SessionKey
	loggerLevels          map[string]string
}

func newConfigState() *configState {
	return &configState{
		offset:                -1,
		connectorConfigs:      map[string]map[string]string{},
		targetStates:          map[string]string{},
		taskCounts:            map[string]int{},
		taskConfigs:           map[string]map[int]map[string]string{},
		deferred:              map[string]map[int]map[string]string{},
		inconsistent:          map[string]bool{},
		appliedConfigs:        map[string]map[string]string{},
		taskCountRecords:      map[string]int{},
		taskConfigGenerations: map[string]int{},
		pendingFencing:        map[string]bool{},
		loggerLevels:          map[string]string{},
	}
}

// apply processes one config-topic record and returns the listener events it causes. Records it
// cannot use are logged at Warn with their offset and skipped.
func (s *configState) apply(rec consumedRecord, log hclog.Logger) []configEvent {
	warn := func(msg string, args ...any) {
		log.Warn(msg, append([]any{"key", string(rec.Key), "partition", rec.Partition, "offset", rec.Offset}, args...)...)
	}
	var value map[string]any
	isNull := rec.Value == nil
	if !isNull {
		v, err := parseJSON(rec.Value)
		if err != nil {
			warn("skipping a config record that is not JSON", "error", err)
			return nil
		}
		if v == nil {
			isNull = true
		} else if m, ok := v.(map[string]any); ok {
			value = m
		} else {
			warn("skipping a config record whose value is not a JSON object", "found", jsonKind(v))
			// Connect advances its offset here and then rejects the record per key; same effect.
			s.offset = rec.Offset + 1
			return nil
		}
	}
	// Connect's "config offset": the next offset to read.
	s.offset = rec.Offset + 1
	if rec.Key == nil {
		warn("skipping a config record without a key")
		return nil
	}
	key := string(rec.Key)
	switch {
	case strings.HasPrefix(key, targetStatePrefix):
		return s.applyTargetState(strings.TrimPrefix(key, targetStatePrefix), value, isNull, warn)
	case strings.HasPrefix(key, connectorPrefix):
		return s.applyConnectorConfig(strings.TrimPrefix(key, connectorPrefix), value, isNull, warn)
	case strings.HasPrefix(key, taskPrefix):
		connector, task, ok := parseTaskKey(key, 1)
		if !ok {
			warn("skipping a task config whose key cannot be parsed")
			return nil
		}
		s.applyTaskConfig(connector, task, value, isNull, warn)
		return nil
	case strings.HasPrefix(key, commitPrefix):
		return s.applyCommit(strings.TrimPrefix(key, commitPrefix), value, isNull, warn)
	case strings.HasPrefix(key, restartPrefix):
		if isNull {
			warn("skipping a restart request that is null")
			return nil
		}
		inc, ok := value["include-tasks"].(bool)
		if !ok {
			warn("restart request field include-tasks is not a boolean; using false")
		}
		only, ok := value["only-failed"].(bool)
		if !ok {
			warn("restart request field only-failed is not a boolean; using false")
		}
		return []configEvent{{kind: evRestartRequested, connector: strings.TrimPrefix(key, restartPrefix),
			includeTasks: inc, onlyFailed: only}}
	case strings.HasPrefix(key, taskCountPrefix):
		connector := strings.TrimPrefix(key, taskCountPrefix)
		if isNull {
			warn("skipping a task count record that is null")
			return nil
		}
		n, ok := intField(value, "task-count")
		if !ok {
			warn("skipping a task count record without an integer task-count")
			return nil
		}
		s.taskCountRecords[connector] = n
		delete(s.pendingFencing, connector)
		return nil
	case key == sessionKeyKey:
		return s.applySessionKey(value, isNull, warn)
	case strings.HasPrefix(key, loggerPrefix):
		ns := strings.TrimPrefix(key, loggerPrefix)
		if isNull {
			warn("skipping a logging level that is null")
			return nil
		}
		level, ok := value["level"].(string)
		if !ok {
			warn("skipping a logging level whose level field is not a string")
			return nil
		}
		s.loggerLevels[ns] = level
		return []configEvent{{kind: evLoggerLevel, namespace: ns, level: level}}
	default:
		warn("skipping a config record with an unknown key")
		return nil
	}
}

func (s *configState) applyTargetState(connector string, value map[string]any, isNull bool, warn func(string, ...any)) []configEvent {
	if isNull {
		// Written when a connector is deleted; the connector record's removal notifies.
		delete(s.targetStates, connector)
		if _, ok := s.connectorConfigs[connector]; ok {
			s.targetStates[connector] = TargetStarted
		}
		return nil
	}
	var state string
	if v2, present := value["state.v2"]; present && v2 != nil {
		if str, ok := v2.(string); ok {
			state = str
		} else {
			warn("target state field state.v2 is not a string; falling back on state")
		}
	}
	if state == "" {
		str, ok := value["state"].(string)
		if !ok {
			warn("skipping a target state whose state field is not a string")
			return nil
		}
		state = str
	}
	if !validTargetState(state) {
		warn("skipping an unknown target state", "state", state)
		return nil
	}
	prev, had := s.targetStates[connector]
	s.targetStates[connector] = state
	// No notification for a connector that does not exist yet (created with an initial state).
	if _, exists := s.connectorConfigs[connector]; exists && (!had || prev != state) {
		return []configEvent{{kind: evTargetStateChanged, connector: connector}}
	}
	return nil
}

func (s *configState) applyConnectorConfig(connector string, value map[string]any, isNull bool, warn func(string, ...any)) []configEvent {
	if isNull {
		s.removeConnector(connector)
		return []configEvent{{kind: evConnectorRemoved, connector: connector}}
	}
	props, err := propertiesField(value)
	if err != nil {
		warn("skipping a connector config", "error", err)
		return nil
	}
	s.connectorConfigs[connector] = props
	if _, ok := s.targetStates[connector]; !ok {
		s.targetStates[connector] = TargetStarted
	}
	return []configEvent{{kind: evConnectorUpdated, connector: connector}}
}

func (s *configState) applyTaskConfig(connector string, task int, value map[string]any, isNull bool, warn func(string, ...any)) {
	if isNull {
		warn("skipping a task config that is unexpectedly null")
		return
	}
	props, err := propertiesField(value)
	if err != nil {
		warn("skipping a task config", "error", err)
		return
	}
	d := s.deferred[connector]
	if d == nil {
		d = map[int]map[string]string{}
		s.deferred[connector] = d
	}
	d[task] = props
}

func (s *configState) applyCommit(connector string, value map[string]any, isNull bool, warn func(string, ...any)) []configEvent {
	applied, exists := s.connectorConfigs[connector]
	if !exists {
		// The connector was deleted and compaction removed its config and tombstone.
		s.removeConnector(connector)
		return nil
	}
	if isNull {
		warn("skipping a task commit that is null")
		return nil
	}
	n, ok := intField(value, "tasks")
	if !ok {
		warn("skipping a task commit without an integer tasks field")
		return nil
	}
	deferred := s.deferred[connector]
	complete := true
	for i := range n {
		if _, ok := deferred[i]; !ok {
			complete = false
			break
		}
	}
	var updated []int
	if !complete {
		// Probably compaction removed some of the task configs: the herder must get the
		// connector to write fresh ones.
		s.inconsistent[connector] = true
	} else {
		if deferred != nil {
			tc := s.taskConfigs[connector]
			if tc == nil {
				tc = map[int]map[string]string{}
				s.taskConfigs[connector] = tc
			}
			for id, cfg := range deferred {
				tc[id] = cfg
				updated = append(updated, id)
			}
			slices.Sort(updated)
			if g, ok := s.taskConfigGenerations[connector]; ok {
				s.taskConfigGenerations[connector] = g + 1
			} else {
				s.taskConfigGenerations[connector] = 0
			}
		}
		delete(s.inconsistent, connector)
		s.appliedConfigs[connector] = applied
	}
	// Always cleared: after an inconsistent commit a complete fresh set is needed.
	delete(s.deferred, connector)
	s.taskCounts[connector] = n
	s.pendingFencing[connector] = true
	return []configEvent{{kind: evTaskConfigsUpdated, connector: connector, tasks: updated}}
}

func (s *configState) applySessionKey(value map[string]any, isNull bool, warn func(string, ...any)) []configEvent {
	if isNull {
		warn("skipping a session key that is unexpectedly null")
		return nil
	}
	enc, ok := value["key"].(string)
	if !ok {
		warn("skipping a session key whose key field is not a string")
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(enc); err != nil {
			warn("skipping a session key that is not base64", "error", err)
			return nil
		}
	}
	alg, ok := value["algorithm"].(string)
	if !ok {
		warn("skipping a session key whose algorithm field is not a string")
		return nil
	}
	ts, ok := value["creation-timestamp"].(int64)
	if !ok {
		warn("skipping a session key whose creation-timestamp field is not an integer")
		return nil
	}
	k := SessionKey{Key: raw, Algorithm: alg, CreationTimestamp: ts}
	s.sessionKey = &k
	return []configEvent{{kind: evSessionKeyUpdated, sessionKey: k}}
}

func (s *configState) removeConnector(connector string) {
	delete(s.connectorConfigs, connector)
	delete(s.taskCounts, connector)
	delete(s.taskConfigs, connector)
	delete(s.deferred, connector)
	delete(s.appliedConfigs, connector)
}

// propertiesField reads {"properties":{…}}: an object of strings. Null property values, which
// Java's Map<String,String> can hold, are dropped.
func propertiesField(value map[string]any) (map[string]string, error) {
	raw, ok := value["properties"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the properties field is %s, not an object", jsonKind(value["properties"]))
	}
	props := make(map[string]string, len(raw))
	for k, v := range raw {
		switch x := v.(type) {
		case string:
			props[k] = x
		case nil:
		default:
			return nil, fmt.Errorf("property %q is %s, not a string", k, jsonKind(v))
		}
	}
	return props, nil
}

// intField reads an integer field; Connect accepts Integer or Long.
func intField(value map[string]any, name string) (int, bool) {
	n, ok := value[name].(int64)
	if !ok {
		return 0, false
	}
	return int(int32(n)), true
}
