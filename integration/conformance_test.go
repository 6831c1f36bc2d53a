//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// The REST conformance sequence (issue 3): one script of calls, run against Apache Kafka
// Connect (the oracle) and against a Tributary worker, each answer reduced to its status,
// Content-Type, Location and JSON with the run- and worker-specific values replaced, and the
// two transcripts compared call by call.
//
// TestConformanceOracleSelfCheck runs the script twice against the oracle alone: every call
// must answer the status the reference gives, and the two transcripts must be equal, which
// shows the script and its normalisation are deterministic. TestConformanceTributary then
// compares Tributary with the oracle.

// confStep is one call of the script. Paths and bodies use placeholders ({c}, {file}, …)
// that each run fills with its own names.
type confStep struct {
	name   string
	method string
	path   string
	body   string
	ctype  string // Content-Type; "" means application/json when there is a body
	want   int    // what Apache Kafka Connect answers
	// until, when set, makes the step a poll: repeated until it holds (or the deadline
	// passes), and only the last answer is recorded.
	until func(status int, body any) bool
	// norm, when set, reduces the normalised body further (e.g. to this run's connectors).
	norm func(body any) any
}

// confCall is one recorded answer.
type confCall struct {
	Step        string
	Method      string
	Path        string
	Status      int
	ContentType string
	Location    string
	Body        any // normalised JSON, or the raw text when it is not JSON
	Note        string
}

// confRun is one target of the script with its names.
type confRun struct {
	t      *testing.T
	base   string
	vars   map[string]string // placeholder → value
	client *http.Client
	poll   time.Duration // deadline of one poll; shortened after a poll times out
}

// confVars are the names of one run: connectors, file, topic and logger, unique per run.
func confVars(t *testing.T, suffix string) map[string]string {
	id := fmt.Sprintf("conformance-%d%s", time.Now().UnixNano(), suffix)
	file := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(file, []byte(confFileContent), 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"{c}":      id,
		"{c2}":     id + "-bad",
		"{c3}":     id + "-stopped",
		"{nope}":   id + "-unknown",
		"{topic}":  id + "-topic",
		"{logger}": "tributary.conformance." + id,
		"{file}":   file,
	}
}

func (r *confRun) fill(s string) string {
	for k, v := range r.vars {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// The connector's config as the script sends it.
const (
	confFileContent = "one\ntwo\nthree\n"
	confConfig      = `{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","tasks.max":"1","file":"{file}","topic":"{topic}"}`
	confUpdated     = `{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","tasks.max":"1","file":"{file}","topic":"{topic}","batch.size":"100"}`
	confValidate    = `{"connector.class":"FileStreamSource","tasks.max":"1","file":"{file}","topic":"{topic}"}`
)

// confSteps is the script. The expected statuses are Apache Kafka Connect 4.1's.
func confSteps() []confStep {
	running := stateIs("RUNNING")
	return []confStep{
		{name: "server info", method: "GET", path: "/", want: 200},
		{name: "health", method: "GET", path: "/health", want: 200},
		{name: "create", method: "POST", path: "/connectors", body: `{"name":"{c}","config":` + confConfig + `}`, want: 201},
		{name: "duplicate create", method: "POST", path: "/connectors", body: `{"name":"{c}","config":` + confConfig + `}`, want: 409},
		{name: "get connector", method: "GET", path: "/connectors/{c}", want: 200, until: tasksAssigned},
		{name: "status until RUNNING", method: "GET", path: "/connectors/{c}/status", want: 200, until: running},
		{name: "tasks", method: "GET", path: "/connectors/{c}/tasks", want: 200},
		{name: "task status", method: "GET", path: "/connectors/{c}/tasks/0/status", want: 200},
		{name: "unknown task status", method: "GET", path: "/connectors/{c}/tasks/9/status", want: 404},
		{name: "list", method: "GET", path: "/connectors", want: 200, norm: onlyOurs},
		{name: "list expanded", method: "GET", path: "/connectors?expand=status&expand=info", want: 200, norm: onlyOurs},
		{name: "config", method: "GET", path: "/connectors/{c}/config", want: 200},
		{name: "topics", method: "GET", path: "/connectors/{c}/topics", want: 200, until: topicsKnown},
		{name: "put config (update)", method: "PUT", path: "/connectors/{c}/config", body: confUpdated, want: 200},
		{name: "patch config", method: "PATCH", path: "/connectors/{c}/config", body: `{"batch.size":null,"tasks.max":"1"}`, want: 200},
		{name: "config after patch", method: "GET", path: "/connectors/{c}/config", want: 200},
		{name: "status RUNNING after reconfiguration", method: "GET", path: "/connectors/{c}/status", want: 200, until: running},
		{name: "alter offsets while running", method: "PATCH", path: "/connectors/{c}/offsets", body: `{"offsets":[{"partition":{"filename":"{file}"},"offset":{"position":4}}]}`, want: 400},
		{name: "pause", method: "PUT", path: "/connectors/{c}/pause", want: 202},
		{name: "status until PAUSED", method: "GET", path: "/connectors/{c}/status", want: 200, until: stateIs("PAUSED")},
		{name: "resume", method: "PUT", path: "/connectors/{c}/resume", want: 202},
		{name: "status RUNNING after resume", method: "GET", path: "/connectors/{c}/status", want: 200, until: running},
		{name: "restart", method: "POST", path: "/connectors/{c}/restart", want: 204},
		{name: "restart with tasks", method: "POST", path: "/connectors/{c}/restart?includeTasks=true&onlyFailed=false", want: 202},
		{name: "status RUNNING after restart", method: "GET", path: "/connectors/{c}/status", want: 200, until: running},
		{name: "restart only failed", method: "POST", path: "/connectors/{c}/restart?includeTasks=true&onlyFailed=true", want: 202},
		{name: "task restart", method: "POST", path: "/connectors/{c}/tasks/0/restart", want: 204},
		{name: "unknown task restart", method: "POST", path: "/connectors/{c}/tasks/9/restart", want: 404},
		{name: "status RUNNING after task restart", method: "GET", path: "/connectors/{c}/status", want: 200, until: running},
		// Java's FileStreamSourceTask notices a stop only after its 1 s poll wait and then
		// commits what it read since the last flush: offsets written after the reset below
		// would then reappear. Stopping once everything is committed removes that race.
		{name: "offsets committed to the end", method: "GET", path: "/connectors/{c}/offsets", want: 200, until: offsetPosition(int64(len(confFileContent)))},
		{name: "stop", method: "PUT", path: "/connectors/{c}/stop", want: 204},
		{name: "status until STOPPED", method: "GET", path: "/connectors/{c}/status", want: 200, until: stateIs("STOPPED")},
		{name: "tasks when stopped", method: "GET", path: "/connectors/{c}/tasks", want: 200, until: noTasks},
		{name: "offsets", method: "GET", path: "/connectors/{c}/offsets", want: 200, until: hasOffsets},
		{name: "alter offsets", method: "PATCH", path: "/connectors/{c}/offsets", body: `{"offsets":[{"partition":{"filename":"{file}"},"offset":{"position":4}}]}`, want: 200},
		{name: "offsets after alter", method: "GET", path: "/connectors/{c}/offsets", want: 200},
		{name: "alter offsets without offsets", method: "PATCH", path: "/connectors/{c}/offsets", body: `{"offsets":[]}`, want: 400},
		{name: "reset offsets", method: "DELETE", path: "/connectors/{c}/offsets", want: 200},
		// Java's file task can still commit a late read just after the first reset (seen in
		// the oracle-against-itself check): a second reset, then a poll, leave no such race.
		{name: "reset offsets again", method: "DELETE", path: "/connectors/{c}/offsets", want: 200},
		{name: "offsets after reset", method: "GET", path: "/connectors/{c}/offsets", want: 200, until: noOffsets},
		{name: "resume from STOPPED", method: "PUT", path: "/connectors/{c}/resume", want: 202},
		{name: "status RUNNING after stop and resume", method: "GET", path: "/connectors/{c}/status", want: 200, until: running},

		{name: "create STOPPED (initial_state)", method: "POST", path: "/connectors", body: `{"name":"{c3}","config":` + confConfig + `,"initial_state":"stopped"}`, want: 201},
		{name: "status of initially STOPPED", method: "GET", path: "/connectors/{c3}/status", want: 200, until: stateIs("STOPPED")},
		{name: "delete initially STOPPED", method: "DELETE", path: "/connectors/{c3}", want: 204},

		{name: "validate good config", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: confValidate, want: 200},
		{name: "validate tasks.max=0", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","tasks.max":"0","file":"{file}","topic":"{topic}"}`, want: 200},
		{name: "validate unknown class", method: "PUT", path: "/connector-plugins/Nope/config/validate", body: `{"connector.class":"com.example.Nope","tasks.max":"1"}`, want: 500},
		{name: "validate type mismatch", method: "PUT", path: "/connector-plugins/FileStreamSink/config/validate", body: confValidate, want: 400},
		{name: "validate without connector.class", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"tasks.max":"1"}`, want: 500},
		{name: "validate SMT missing required key", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","transforms":"c","transforms.c.type":"org.apache.kafka.connect.transforms.Cast$Value"}`, want: 200},
		{name: "validate SMT bad value", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","transforms":"c","transforms.c.type":"org.apache.kafka.connect.transforms.Cast$Value","transforms.c.spec":"a:uuid"}`, want: 200},
		{name: "validate abstract SMT class", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","transforms":"c","transforms.c.type":"org.apache.kafka.connect.transforms.InsertField"}`, want: 200},
		{name: "validate negate without predicate", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","transforms":"c","transforms.c.type":"org.apache.kafka.connect.transforms.Filter","transforms.c.negate":"true"}`, want: 200},
		{name: "validate bad regex", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","transforms":"r","transforms.r.type":"RegexRouter","transforms.r.regex":"(","transforms.r.replacement":"x"}`, want: 200},
		{name: "validate SMT enum value", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","transforms":"m","transforms.m.type":"org.apache.kafka.connect.transforms.HeaderFrom$Value","transforms.m.fields":"a,b","transforms.m.headers":"x","transforms.m.operation":"Move"}`, want: 200},
		{name: "validate unparsable int", norm: withoutSMTClassRecommendations, method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","file":"{file}","topic":"{topic}","tasks.max":"abc"}`, want: 200},
		{name: "create with tasks.max=0", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"connector.class":"FileStreamSource","tasks.max":"0","file":"{file}","topic":"{topic}"}}`, want: 400},
		{name: "create with unknown class", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"connector.class":"com.example.Nope"}}`, want: 400},
		{name: "create without connector.class", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"topic":"{topic}","tasks.max":"1"}}`, want: 400},
		{name: "create with unknown transform alias", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"connector.class":"FileStreamSource","tasks.max":"1","file":"{file}","topic":"{topic}","transforms":"foo"}}`, want: 400},
		{name: "create with name mismatch", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"name":"other","connector.class":"FileStreamSource"}}`, want: 400},
		{name: "create with bad initial_state", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"connector.class":"FileStreamSource"},"initial_state":"sleeping"}`, want: 500},
		{name: "create with malformed JSON", method: "POST", path: "/connectors", body: `{"name":"{c2}","config":{"topic":`, want: 500},
		{name: "put config with malformed JSON", method: "PUT", path: "/connectors/{c2}/config", body: `{"topic":x}`, want: 500},
		{name: "create with empty body", method: "POST", path: "/connectors", body: " ", want: 500},
		{name: "create with text/plain", method: "POST", path: "/connectors", body: `{"name":"{c2}"}`, ctype: "text/plain", want: 415},
		{name: "put config with name mismatch", method: "PUT", path: "/connectors/{c2}/config", body: `{"name":"other","connector.class":"FileStreamSource"}`, want: 400},

		{name: "unknown connector", method: "GET", path: "/connectors/{nope}", want: 404},
		{name: "unknown connector status", method: "GET", path: "/connectors/{nope}/status", want: 404},
		{name: "unknown connector config", method: "GET", path: "/connectors/{nope}/config", want: 404},
		{name: "unknown connector tasks", method: "GET", path: "/connectors/{nope}/tasks", want: 404},
		{name: "unknown connector offsets", method: "GET", path: "/connectors/{nope}/offsets", want: 404},
		{name: "unknown connector pause", method: "PUT", path: "/connectors/{nope}/pause", want: 404},
		{name: "unknown connector restart", method: "POST", path: "/connectors/{nope}/restart", want: 404},
		{name: "unknown connector patch config", method: "PATCH", path: "/connectors/{nope}/config", body: `{"a":null}`, want: 404},
		{name: "unknown connector delete", method: "DELETE", path: "/connectors/{nope}", want: 404},

		{name: "plugins", method: "GET", path: "/connector-plugins", want: 200, norm: onlyFileStreamSource},
		{name: "plugin config", method: "GET", path: "/connector-plugins/FileStreamSource/config", want: 200},
		{name: "unknown plugin config", method: "GET", path: "/connector-plugins/Nope/config", want: 404},
		{name: "root logger", method: "GET", path: "/admin/loggers/root", want: 200},
		{name: "set logger level", method: "PUT", path: "/admin/loggers/{logger}", body: `{"level":"debug"}`, want: 200},
		{name: "get logger level", method: "GET", path: "/admin/loggers/{logger}", want: 200},
		{name: "set logger level, cluster scope", method: "PUT", path: "/admin/loggers/{logger}?scope=cluster", body: `{"level":"INFO"}`, want: 204},
		{name: "invalid logger level", method: "PUT", path: "/admin/loggers/{logger}", body: `{"level":"bogus"}`, want: 404},
		{name: "missing logger level", method: "PUT", path: "/admin/loggers/{logger}", body: `{}`, want: 400},
		{name: "unknown logger", method: "GET", path: "/admin/loggers/{logger}.unknown", want: 404},
		{name: "unknown path", method: "GET", path: "/nope", want: 404},
		{name: "wrong method", method: "DELETE", path: "/connectors/{c}/config", want: 405},
		{name: "non-numeric task id", method: "GET", path: "/connectors/{c}/tasks/x/status", want: 404},

		{name: "delete", method: "DELETE", path: "/connectors/{c}", want: 204},
		{name: "get after delete", method: "GET", path: "/connectors/{c}", want: 404, until: statusIs(404)},
		{name: "status after delete", method: "GET", path: "/connectors/{c}/status", want: 404, until: statusIs(404)},
	}
}

// Poll conditions.

func statusIs(code int) func(int, any) bool {
	return func(status int, _ any) bool { return status == code }
}

// stateIs holds when the connector and every task are in state (and, for RUNNING, there is
// a task; for STOPPED, there is none).
func stateIs(state string) func(int, any) bool {
	return func(status int, body any) bool {
		m, _ := body.(map[string]any)
		c, _ := m["connector"].(map[string]any)
		tasks, _ := m["tasks"].([]any)
		if status != 200 || c["state"] != state {
			return false
		}
		switch state {
		case "STOPPED":
			return len(tasks) == 0
		case "RUNNING", "PAUSED":
			if len(tasks) == 0 {
				return false
			}
		}
		for _, t := range tasks {
			if tm, _ := t.(map[string]any); tm["state"] != state {
				return false
			}
		}
		return true
	}
}

func noTasks(status int, body any) bool {
	l, ok := body.([]any)
	return status == 200 && ok && len(l) == 0
}

func tasksAssigned(status int, body any) bool {
	m, _ := body.(map[string]any)
	tasks, _ := m["tasks"].([]any)
	return status == 200 && len(tasks) > 0
}

func topicsKnown(status int, body any) bool {
	m, _ := body.(map[string]any)
	for _, v := range m {
		info, _ := v.(map[string]any)
		topics, _ := info["topics"].([]any)
		return status == 200 && len(topics) > 0
	}
	return false
}

// offsetPosition holds when the connector's only offset is {"position": pos}.
func offsetPosition(pos int64) func(int, any) bool {
	return func(status int, body any) bool {
		m, _ := body.(map[string]any)
		offs, _ := m["offsets"].([]any)
		if status != 200 || len(offs) != 1 {
			return false
		}
		o, _ := offs[0].(map[string]any)
		off, _ := o["offset"].(map[string]any)
		p, ok := off["position"].(json.Number)
		return ok && p.String() == strconv.FormatInt(pos, 10)
	}
}

func noOffsets(status int, body any) bool {
	m, _ := body.(map[string]any)
	offs, ok := m["offsets"].([]any)
	return status == 200 && ok && len(offs) == 0
}

func hasOffsets(status int, body any) bool {
	m, _ := body.(map[string]any)
	offs, _ := m["offsets"].([]any)
	return status == 200 && len(offs) > 0
}

// rebalanceExpected is Connect's transient answer to a read right after a config change
// (reference §1.3): GETs are retried while they get it, as a client would.
func rebalanceExpected(status int, body any) bool {
	m, _ := body.(map[string]any)
	return status == http.StatusInternalServerError && m["message"] == "Request cannot be completed because a rebalance is expected"
}

// staleConfig is Connect's 409 for a request that met the herder while its view of the
// config topic was behind (DistributedHerder: "typically caused by a concurrent config
// change"); the request did nothing and is meant to be retried (a clean-clone run saw the
// Java oracle answer it to the second offsets reset).
func staleConfig(status int, body any) bool {
	m, _ := body.(map[string]any)
	msg, _ := m["message"].(string)
	return status == http.StatusConflict && strings.HasPrefix(msg, "Cannot complete request momentarily due to stale configuration")
}

// Step-specific normalisation.

// withoutSMTClassRecommendations drops, from a /validate answer, the recommended values of
// transforms.<alias>.type and predicates.<alias>.type: Kafka recommends every installed
// transformation (or predicate) class, a list that includes Tributary's own.
func withoutSMTClassRecommendations(body any) any {
	m, _ := body.(map[string]any)
	configs, _ := m["configs"].([]any)
	for _, c := range configs {
		v, _ := c.(map[string]any)["value"].(map[string]any)
		name := fmt.Sprint(v["name"])
		if (strings.HasPrefix(name, "transforms.") || strings.HasPrefix(name, "predicates.")) && strings.HasSuffix(name, ".type") {
			v["recommended_values"] = "(installed classes)"
		}
	}
	return m
}

// onlyOurs keeps, of a connector list or map, the connectors of this run (other tests may
// use the oracle at the same time).
func onlyOurs(body any) any {
	switch v := body.(type) {
	case []any:
		out := []any{}
		for _, e := range v {
			if s, _ := e.(string); strings.HasPrefix(s, "{") {
				out = append(out, e)
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].(string) < out[j].(string) })
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if strings.HasPrefix(k, "{") {
				out[k] = e
			}
		}
		return out
	}
	return body
}

// onlyFileStreamSource keeps, of the plugin list, the plugin both workers install.
func onlyFileStreamSource(body any) any {
	l, ok := body.([]any)
	if !ok {
		return body
	}
	out := []any{}
	for _, e := range l {
		if m, _ := e.(map[string]any); m["class"] == "org.apache.kafka.connect.file.FileStreamSourceConnector" {
			out = append(out, e)
		}
	}
	return out
}

// volatileKeys are replaced by a marker of their presence and JSON type: they name the
// worker or the build, or are times.
var volatileKeys = map[string]bool{"worker_id": true, "trace": true, "version": true, "commit": true, "last_modified": true}

var (
	pluginListRE = regexp.MustCompile(`available connectors are: .*`)
	// Connect sometimes wraps the plugin lookup failure in a ConnectException, sometimes not.
	nestedExceptionRE = regexp.MustCompile(`(^|Exception: )org\.apache\.kafka\.connect\.errors\.ConnectException: (Failed to find any class)`)
	hostPortRE        = regexp.MustCompile(`^https?://[^/]+`)
)

// tributaryOnlyClasses are plugins Tributary ships that the oracle worker does not have
// installed (Confluent's converters come from Confluent's repository, not Maven Central).
var tributaryOnlyClasses = map[string]bool{
	"io.confluent.connect.avro.AvroConverter":         true,
	"io.confluent.connect.json.JsonSchemaConverter":   true,
	"io.confluent.connect.protobuf.ProtobufConverter": true,
}

// normalize replaces this run's names by their placeholders (in values and keys), volatile
// values by markers, and plugin listings inside messages.
func (r *confRun) normalize(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			nk := r.unfill(k)
			out[nk] = r.normalize(e, k)
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if key == "recommended_values" && tributaryOnlyClasses[fmt.Sprint(e)] {
				continue // a converter the oracle does not have installed
			}
			out = append(out, r.normalize(e, ""))
		}
		return out
	case string:
		if volatileKeys[key] {
			return "<" + key + ">"
		}
		x = nestedExceptionRE.ReplaceAllString(r.unfill(x), "$1$2")
		return pluginListRE.ReplaceAllString(x, "available connectors are: <plugins>")
	case json.Number:
		if volatileKeys[key] {
			return "<" + key + ">"
		}
		return x
	}
	return v
}

// unfill replaces this run's values by their placeholders, longest value first.
func (r *confRun) unfill(s string) string {
	keys := make([]string, 0, len(r.vars))
	for k := range r.vars {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(r.vars[keys[i]]) > len(r.vars[keys[j]]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, r.vars[k], k)
	}
	return s
}

// do sends one request and returns its status, headers and decoded body.
func (r *confRun) do(ctx context.Context, st confStep) (int, http.Header, any, error) {
	var body io.Reader
	if st.body != "" {
		body = strings.NewReader(r.fill(st.body))
	}
	req, err := http.NewRequestWithContext(ctx, st.method, strings.TrimSuffix(r.base, "/")+r.fill(st.path), body)
	if err != nil {
		return 0, nil, nil, err
	}
	if st.body != "" {
		ct := st.ctype
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	if len(raw) == 0 {
		return resp.StatusCode, resp.Header, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return resp.StatusCode, resp.Header, string(raw), nil
	}
	return resp.StatusCode, resp.Header, v, nil
}

// run executes the script and returns the transcript.
func (r *confRun) run(ctx context.Context, steps []confStep) []confCall {
	var out []confCall
	for _, st := range steps {
		call := confCall{Step: st.name, Method: st.method, Path: st.path}
		deadline := time.Now().Add(r.poll)
		for {
			status, header, body, err := r.do(ctx, st)
			if err != nil {
				call.Status, call.Body, call.Note = 0, nil, "request failed: "+err.Error()
			} else {
				call.Status, call.Body = status, body
				call.ContentType = header.Get("Content-Type")
				if loc := header.Get("Location"); loc != "" {
					call.Location = r.unfill(hostPortRE.ReplaceAllString(loc, "http://<host>"))
				}
			}
			transient := st.method == http.MethodGet && rebalanceExpected(call.Status, call.Body) ||
				staleConfig(call.Status, call.Body)
			if st.until == nil && !transient {
				break
			}
			if st.until != nil && err == nil && st.until(call.Status, call.Body) {
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				call.Note = fmt.Sprintf("poll gave up after %v", r.poll)
				r.poll = 5 * time.Second // a target that misses one state is not waited for as long again
				break
			}
			<-time.After(200 * time.Millisecond) // poll interval, not synchronisation: until decides
		}
		call.Body = r.normalize(call.Body, "")
		if st.norm != nil {
			call.Body = st.norm(call.Body)
		}
		out = append(out, call)
	}
	return out
}

// cleanup deletes what the script may have left behind.
func (r *confRun) cleanup() {
	for _, c := range []string{"{c}", "{c2}", "{c3}"} {
		req, err := http.NewRequest(http.MethodDelete, r.base+"/connectors/"+r.vars[c], nil)
		if err != nil {
			continue
		}
		if resp, err := r.client.Do(req); err == nil {
			resp.Body.Close()
		}
	}
}

func newConfRun(t *testing.T, base string, vars map[string]string) *confRun {
	r := &confRun{t: t, base: strings.TrimSuffix(base, "/"), vars: vars, client: &http.Client{Timeout: 100 * time.Second}, poll: 60 * time.Second}
	t.Cleanup(r.cleanup)
	return r
}

// diffJSON lists the differences between two normalised JSON values, one line per leaf.
func diffJSON(path string, a, b any, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: oracle %s, ours %s", path, brief(a), brief(b)))
			return
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			ae, aok := av[k]
			be, bok := bv[k]
			switch {
			case !bok:
				*out = append(*out, fmt.Sprintf("%s.%s: oracle %s, ours missing", path, k, brief(ae)))
			case !aok:
				*out = append(*out, fmt.Sprintf("%s.%s: oracle missing, ours %s", path, k, brief(be)))
			default:
				diffJSON(path+"."+k, ae, be, out)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: oracle %s, ours %s", path, brief(a), brief(b)))
			return
		}
		if len(av) != len(bv) {
			*out = append(*out, fmt.Sprintf("%s: oracle has %d elements, ours %d", path, len(av), len(bv)))
		}
		for i := 0; i < len(av) && i < len(bv); i++ {
			diffJSON(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i], out)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, fmt.Sprintf("%s: oracle %s, ours %s", path, brief(a), brief(b)))
		}
	}
}

func brief(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// compareTranscripts returns, per call, the differences between two transcripts.
func compareTranscripts(oracle, ours []confCall) [][]string {
	out := make([][]string, len(oracle))
	for i := range oracle {
		o, u := oracle[i], ours[i]
		var d []string
		if o.Status != u.Status {
			d = append(d, fmt.Sprintf("status: oracle %d, ours %d", o.Status, u.Status))
		}
		if o.ContentType != u.ContentType {
			d = append(d, fmt.Sprintf("Content-Type: oracle %q, ours %q", o.ContentType, u.ContentType))
		}
		if o.Location != u.Location {
			d = append(d, fmt.Sprintf("Location: oracle %q, ours %q", o.Location, u.Location))
		}
		diffJSON("$", o.Body, u.Body, &d)
		if u.Note != "" && o.Note == "" {
			d = append(d, "ours: "+u.Note)
		}
		out[i] = d
	}
	return out
}

// dumpTranscript writes a transcript as JSON to $TRIBUTARY_CONFORMANCE_DUMP/<name>.json when
// that variable names a folder, for looking at whole answers rather than differences.
func dumpTranscript(t *testing.T, name string, calls []confCall) {
	dir := os.Getenv("TRIBUTARY_CONFORMANCE_DUMP")
	if dir == "" {
		return
	}
	b, err := json.MarshalIndent(calls, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".json"), b, 0o644)
	}
	if err != nil {
		t.Logf("dumping the %s transcript: %v", name, err)
	}
}

// report logs the summary table and fails with a per-call diff for every difference.
func report(t *testing.T, oracle, ours []confCall, ourName string) {
	t.Helper()
	diffs := compareTranscripts(oracle, ours)
	var table strings.Builder
	fmt.Fprintf(&table, "%-3s %-40s %-7s %-62s %6s %6s  %s\n", "#", "step", "method", "path", "oracle", ourName, "match")
	mismatches := 0
	for i, o := range oracle {
		match := "ok"
		if len(diffs[i]) > 0 {
			match = "DIFF"
			mismatches++
		}
		fmt.Fprintf(&table, "%-3d %-40s %-7s %-62s %6d %6d  %s\n", i+1, o.Step, o.Method, o.Path, o.Status, ours[i].Status, match)
	}
	t.Logf("conformance summary (%d calls, %d differ):\n%s", len(oracle), mismatches, table.String())
	for i, d := range diffs {
		if len(d) == 0 {
			continue
		}
		const maxLines = 12
		more := ""
		if len(d) > maxLines {
			more = fmt.Sprintf("\n    … %d more differences", len(d)-maxLines)
			d = d[:maxLines]
		}
		t.Errorf("#%d %s: %s %s\n    %s%s", i+1, oracle[i].Step, oracle[i].Method, oracle[i].Path, strings.Join(d, "\n    "), more)
	}
}

// TestConformanceOracleSelfCheck runs the script twice against Apache Kafka Connect: each
// call must answer the reference's status, and the two runs must normalise to the same
// transcript.
func TestConformanceOracleSelfCheck(t *testing.T) {
	oracle := testenv.Get(t, testenv.Connect)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	steps := confSteps()
	first := newConfRun(t, oracle, confVars(t, "a")).run(ctx, steps)
	for i, c := range first {
		if c.Status != steps[i].want || c.Note != "" {
			t.Errorf("script: #%d %s: %s %s answered %d (%s), the script expects %d; body %s", i+1, c.Step, c.Method, c.Path, c.Status, c.Note, steps[i].want, brief(c.Body))
		}
	}
	second := newConfRun(t, oracle, confVars(t, "b")).run(ctx, steps)
	dumpTranscript(t, "oracle-1", first)
	dumpTranscript(t, "oracle-2", second)
	report(t, first, second, "again")
}

// TestConformanceTributary runs the script against Apache Kafka Connect and against a
// Tributary worker with its own internal topics, with the same names, and fails on every
// difference.
func TestConformanceTributary(t *testing.T) {
	oracle := testenv.Get(t, testenv.Connect)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	ours := startConformanceWorker(ctx, t)
	steps := confSteps()
	vars := confVars(t, "")
	want := newConfRun(t, oracle, vars).run(ctx, steps)
	for i, c := range want {
		if c.Status != steps[i].want {
			t.Errorf("script: the oracle answered #%d %s with %d, the script expects %d; run TestConformanceOracleSelfCheck", i+1, c.Step, c.Status, steps[i].want)
		}
	}
	got := newConfRun(t, ours, vars).run(ctx, steps)
	dumpTranscript(t, "oracle", want)
	dumpTranscript(t, "tributary", got)
	report(t, want, got, "ours")
}

// startConformanceWorker starts `tributary worker` with its own group and internal topics and
// offset.flush.interval.ms=1000, and waits until it answers GET / (and, within a minute, GET
// /health with 200; a worker that never gets healthy is compared anyway).
func startConformanceWorker(ctx context.Context, t *testing.T) string {
	t.Helper()
	prefix := fmt.Sprintf("it-conformance-%d", time.Now().UnixNano())
	port := freePort(t)
	props := fmt.Sprintf(`bootstrap.servers=%s
group.id=%[2]s
config.storage.topic=%[2]s-configs
offset.storage.topic=%[2]s-offsets
status.storage.topic=%[2]s-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
listeners=http://127.0.0.1:%[3]d
`, testenv.Get(t, testenv.Kafka), prefix, port)
	file := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(file, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tributaryBin, "worker", file)
	logs := &lockedWriter{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			lines := strings.Split(logs.String(), "\n")
			if len(lines) > 60 {
				lines = append([]string{fmt.Sprintf("… %d earlier lines", len(lines)-60)}, lines[len(lines)-60:]...)
			}
			t.Logf("tributary worker log (last lines):\n%s", strings.Join(lines, "\n"))
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	getServerInfo(ctx, t, base)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("tributary worker exited: %v\n%s", err, logs.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Logf("tributary worker %s did not report healthy within a minute; comparing anyway", base)
	return base
}

// lockedWriter is a buffer safe for the exec goroutine and the test.
type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
