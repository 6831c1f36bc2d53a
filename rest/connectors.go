package rest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/tributary-connect/tributary/runtime"
)

// The handlers of Connect's ConnectorsResource (reference §1.4/§1.5). Each reads its
// parameters and body, calls the Herder, and shapes the answer; errors go to write().

// Message is the body of the offsets PATCH and DELETE answers (rest/entities/Message).
type Message struct {
	Message string `json:"message"`
}

// nullPointer is the 500 Connect answers when a resource dereferences a missing entity
// (an empty body or JSON null), with the JVM's helpful NullPointerException text.
func nullPointer(msg string) error {
	return &Error{Code: http.StatusInternalServerError, Message: msg}
}

// pathParam returns a path parameter, percent-decoded (chi matches on the raw path when the
// request has one).
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if r.URL.RawPath != "" {
		if u, err := url.PathUnescape(v); err == nil {
			return u
		}
	}
	return v
}

// taskParam parses {task} as Java's Integer.valueOf does; anything else is Jersey's 404.
func taskParam(r *http.Request, connector string) (runtime.TaskID, error) {
	n, err := strconv.ParseInt(pathParam(r, "task"), 10, 32)
	if err != nil {
		return runtime.TaskID{}, errBadPathParam
	}
	return runtime.TaskID{Connector: connector, Task: int(n)}, nil
}

// boolQuery is a Boolean @QueryParam with a default: Boolean.valueOf of the first value
// ("true", any case, is true; anything else false), or def when the parameter is absent or
// empty, as Jersey treats them.
func boolQuery(r *http.Request, name string, def bool) bool {
	v, ok := r.URL.Query()[name]
	if !ok || len(v) == 0 || v[0] == "" {
		return def
	}
	return strings.EqualFold(v[0], "true")
}

// javaTrim is String.trim(): it strips every character up to and including ' '.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// location is the Location of a created connector: Jersey resolves /connectors/{name}
// against the request's base URI.
func location(r *http.Request, name string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + (&url.URL{Path: "/connectors/" + name}).EscapedPath()
}

// checkAndPutConnectorConfigName is ConnectorsResource's check: a "name" in the config must
// equal the connector's name, and is added when absent.
func checkAndPutConnectorConfigName(name string, cfg *orderedConfig) error {
	if included, _ := cfg.get("name"); included != nil {
		if *included != name {
			return &Error{Code: http.StatusBadRequest, Message: fmt.Sprintf("Connector name configuration (%s) doesn't match connector name in the URL (%s)", *included, name)}
		}
		return nil
	}
	cfg.put("name", &name)
	return nil
}

// noConnectorType is the herder's first validation step, done here because the message
// prints the config in request order (Java's LinkedHashMap): "Connector config {…} contains
// no connector type".
func noConnectorType(cfg orderedConfig) string {
	if v, _ := cfg.get("connector.class"); v != nil {
		return ""
	}
	return "Connector config " + cfg.javaString() + " contains no connector type"
}

func (s *Server) listConnectors(r *http.Request) (int, any, error) {
	names, err := s.cfg.Herder.Connectors(r.Context())
	if err != nil {
		return 0, nil, err
	}
	expand, ok := r.URL.Query()["expand"]
	if !ok {
		return http.StatusOK, orEmpty(names), nil
	}
	out := make(map[string]map[string]any, len(names))
	for _, name := range names {
		m, err := s.expandConnector(r, name, expand)
		if runtime.KindOf(err) == runtime.KindNotFound {
			continue // deleted while we looked it up: left out, as Connect does
		}
		if err != nil {
			return 0, nil, err
		}
		out[name] = m
	}
	return http.StatusOK, out, nil
}

func (s *Server) expandConnector(r *http.Request, name string, expand []string) (map[string]any, error) {
	m := map[string]any{}
	for _, e := range expand {
		switch e {
		case "status":
			st, err := s.cfg.Herder.ConnectorStatus(r.Context(), name)
			if err != nil {
				return nil, err
			}
			m["status"] = normStatus(st)
		case "info":
			info, err := s.cfg.Herder.ConnectorInfo(r.Context(), name)
			if err != nil {
				return nil, err
			}
			m["info"] = normInfo(info)
		default:
			s.log.Debug("ignoring unknown expansion type", "expand", e)
		}
	}
	return m, nil
}

func (s *Server) createConnector(r *http.Request) (int, any, error) {
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	req, err := decodeCreateRequest(body)
	if err != nil {
		return 0, nil, err
	}
	if req == nil {
		return 0, nil, nullPointer(`Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()" because "createRequest" is null`)
	}
	name := ""
	if req.Name != nil {
		name = javaTrim(*req.Name)
	}
	cfg := req.Config
	if cfg == nil {
		return 0, nil, nullPointer(`Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null`)
	}
	if err := checkAndPutConnectorConfigName(name, &cfg); err != nil {
		return 0, nil, err
	}
	if msg := noConnectorType(cfg); msg != "" {
		return 0, nil, &Error{Code: http.StatusBadRequest, Message: msg}
	}
	var state runtime.TargetState
	if req.InitialState != nil {
		switch *req.InitialState {
		case "RUNNING":
			state = runtime.TargetStarted
		case "PAUSED":
			state = runtime.TargetPaused
		case "STOPPED":
			state = runtime.TargetStopped
		}
	}
	_, info, err := s.cfg.Herder.PutConnectorConfig(r.Context(), name, cfg.stringMap(), false, state)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, located{location: location(r, name), body: normInfo(info)}, nil
}

func (s *Server) getConnector(r *http.Request) (int, any, error) {
	info, err := s.cfg.Herder.ConnectorInfo(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, normInfo(info), nil
}

func (s *Server) deleteConnector(r *http.Request) (int, any, error) {
	if err := s.cfg.Herder.DeleteConnector(r.Context(), pathParam(r, "connector")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) getConnectorConfig(r *http.Request) (int, any, error) {
	cfg, err := s.cfg.Herder.ConnectorConfig(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	if cfg == nil {
		cfg = map[string]string{}
	}
	return http.StatusOK, cfg, nil
}

func (s *Server) putConnectorConfig(r *http.Request) (int, any, error) {
	name := pathParam(r, "connector")
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	cfg, err := decodeConfig(body)
	if err != nil {
		return 0, nil, err
	}
	if cfg == nil {
		return 0, nil, nullPointer(`Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null`)
	}
	if err := checkAndPutConnectorConfigName(name, &cfg); err != nil {
		return 0, nil, err
	}
	if msg := noConnectorType(cfg); msg != "" {
		return 0, nil, &Error{Code: http.StatusBadRequest, Message: msg}
	}
	created, info, err := s.cfg.Herder.PutConnectorConfig(r.Context(), name, cfg.stringMap(), true, "")
	if err != nil {
		return 0, nil, err
	}
	if created {
		return http.StatusCreated, located{location: location(r, name), body: normInfo(info)}, nil
	}
	return http.StatusOK, normInfo(info), nil
}

// patchConnectorConfig passes the patch as sent (a JSON null removes the key); an empty body
// or JSON null is a nil patch, which the herder decides about.
func (s *Server) patchConnectorConfig(r *http.Request) (int, any, error) {
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	cfg, err := decodeConfig(body)
	if err != nil {
		return 0, nil, err
	}
	var patch map[string]*string
	if cfg != nil {
		patch = cfg.patchMap()
	}
	info, err := s.cfg.Herder.PatchConnectorConfig(r.Context(), pathParam(r, "connector"), patch)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, normInfo(info), nil
}

func (s *Server) getConnectorStatus(r *http.Request) (int, any, error) {
	st, err := s.cfg.Herder.ConnectorStatus(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, normStatus(st), nil
}

// restartConnector is 204 for a plain restart and 202 with the predicted status when
// includeTasks or onlyFailed is set (KIP-745).
func (s *Server) restartConnector(r *http.Request) (int, any, error) {
	name := pathParam(r, "connector")
	req := runtime.RestartRequest{Connector: name, IncludeTasks: boolQuery(r, "includeTasks", false), OnlyFailed: boolQuery(r, "onlyFailed", false)}
	if !req.IncludeTasks && !req.OnlyFailed {
		if err := s.cfg.Herder.RestartConnector(r.Context(), name); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
	st, err := s.cfg.Herder.RestartConnectorAndTasks(r.Context(), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, normStatus(st), nil
}

func (s *Server) pauseConnector(r *http.Request) (int, any, error) {
	if err := s.cfg.Herder.PauseConnector(r.Context(), pathParam(r, "connector")); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

func (s *Server) resumeConnector(r *http.Request) (int, any, error) {
	if err := s.cfg.Herder.ResumeConnector(r.Context(), pathParam(r, "connector")); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

func (s *Server) stopConnector(r *http.Request) (int, any, error) {
	if err := s.cfg.Herder.StopConnector(r.Context(), pathParam(r, "connector")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) getTaskConfigs(r *http.Request) (int, any, error) {
	tasks, err := s.cfg.Herder.TaskConfigs(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	out := make([]runtime.TaskInfo, len(tasks))
	for i, t := range tasks {
		if t.Config == nil {
			t.Config = map[string]string{}
		}
		out[i] = t
	}
	return http.StatusOK, out, nil
}

// getTasksConfig is the deprecated GET /connectors/{c}/tasks-config (KIP-970): the task
// configs keyed "<connector>-<task>". Apache Kafka 4.x removed it; Tributary keeps serving
// it for clients written against 3.x.
func (s *Server) getTasksConfig(r *http.Request) (int, any, error) {
	s.log.Warn("The 'GET /connectors/{connector}/tasks-config' endpoint is deprecated and will be removed in the next major release. Please use the 'GET /connectors/{connector}/tasks' endpoint instead.")
	tasks, err := s.cfg.Herder.TaskConfigs(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	out := make(map[string]map[string]string, len(tasks))
	for _, t := range tasks {
		cfg := t.Config
		if cfg == nil {
			cfg = map[string]string{}
		}
		out[t.ID.String()] = cfg
	}
	return http.StatusOK, out, nil
}

func (s *Server) getTaskStatus(r *http.Request) (int, any, error) {
	id, err := taskParam(r, pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	st, err := s.cfg.Herder.TaskStatus(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, st, nil
}

func (s *Server) restartTask(r *http.Request) (int, any, error) {
	id, err := taskParam(r, pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.cfg.Herder.RestartTask(r.Context(), id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// activeTopics is one entry of GET /connectors/{c}/topics (rest/entities/ActiveTopicsInfo).
type activeTopics struct {
	Topics []string `json:"topics"`
}

func (s *Server) getActiveTopics(r *http.Request) (int, any, error) {
	name := pathParam(r, "connector")
	topics, err := s.cfg.Herder.ConnectorActiveTopics(r.Context(), name)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]activeTopics{name: {Topics: orEmpty(topics)}}, nil
}

func (s *Server) resetActiveTopics(r *http.Request) (int, any, error) {
	if err := s.cfg.Herder.ResetConnectorActiveTopics(r.Context(), pathParam(r, "connector")); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

func (s *Server) getOffsets(r *http.Request) (int, any, error) {
	offs, err := s.cfg.Herder.ConnectorOffsets(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	if offs == nil {
		offs = &runtime.ConnectorOffsets{}
	}
	if offs.Offsets == nil {
		offs.Offsets = []runtime.ConnectorOffset{}
	}
	return http.StatusOK, offs, nil
}

// alterOffsets is PATCH /connectors/{c}/offsets. Like Connect's ConnectorOffsets.toMap, a
// partition given twice keeps its last offset. Offset values are int64 for JSON integers
// that fit, float64 for other numbers, and string, bool, nil, []any or map[string]any.
func (s *Server) alterOffsets(r *http.Request) (int, any, error) {
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	req, err := decodeOffsetsRequest(body)
	if err != nil {
		return 0, nil, err
	}
	if req == nil {
		return 0, nil, nullPointer(`Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets.offsets()" because "offsets" is null`)
	}
	if len(req.Offsets) == 0 {
		return 0, nil, &Error{Code: http.StatusBadRequest, Message: "Partitions / offsets need to be provided for an alter offsets request"}
	}
	var offsets []runtime.ConnectorOffset
	index := map[string]int{}
	for _, e := range req.Offsets {
		if e == nil {
			return 0, nil, nullPointer(`Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset.partition()" because "offset" is null`)
		}
		key, _ := json.Marshal(e.Partition) // map keys are sorted: equal maps, equal keys
		if i, ok := index[string(key)]; ok {
			offsets[i].Offset = e.Offset
			continue
		}
		index[string(key)] = len(offsets)
		offsets = append(offsets, runtime.ConnectorOffset{Partition: e.Partition, Offset: e.Offset})
	}
	msg, err := s.cfg.Herder.AlterConnectorOffsets(r.Context(), pathParam(r, "connector"), offsets)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Message{Message: msg}, nil
}

func (s *Server) resetOffsets(r *http.Request) (int, any, error) {
	msg, err := s.cfg.Herder.ResetConnectorOffsets(r.Context(), pathParam(r, "connector"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Message{Message: msg}, nil
}

// Jackson never writes a null list where Connect's entities hold an empty one; these give
// the Herder's nil slices the same JSON.

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func normInfo(info *runtime.ConnectorInfo) *runtime.ConnectorInfo {
	if info == nil {
		return nil
	}
	out := *info
	out.Tasks = orEmpty(out.Tasks)
	if out.Config == nil {
		out.Config = map[string]string{}
	}
	return &out
}

func normStatus(st *runtime.ConnectorStateInfo) *runtime.ConnectorStateInfo {
	if st == nil {
		return nil
	}
	out := *st
	out.Tasks = orEmpty(out.Tasks)
	return &out
}

// putTaskConfigs is the internal POST /connectors/{c}/tasks (InternalConnectResource): the
// worker running a connector sends the leader its new task configs, a JSON array of maps,
// signed as KIP-507 describes (the herder verifies the signature).
func (s *Server) putTaskConfigs(r *http.Request) (int, any, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return 0, nil, err
	}
	var cfgs []map[string]string
	if err := json.Unmarshal(body, &cfgs); err != nil {
		return 0, nil, &Error{Code: http.StatusBadRequest, Message: "Malformed task configs: " + err.Error()}
	}
	var sig *runtime.InternalSignature
	if auth := r.Header.Get("X-Connect-Authorization"); auth != "" || r.Header.Get("X-Connect-Request-Signature-Algorithm") != "" {
		raw, err := base64.StdEncoding.DecodeString(auth)
		if err != nil {
			return 0, nil, &Error{Code: http.StatusBadRequest, Message: "Internal request contained an invalid signature header"}
		}
		sig = &runtime.InternalSignature{Algorithm: r.Header.Get("X-Connect-Request-Signature-Algorithm"), Signature: raw, Body: body}
	}
	if err := s.cfg.Herder.PutTaskConfigs(r.Context(), pathParam(r, "connector"), cfgs, sig); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
