package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/runtime"
)

func newTestServer(f *fakeHerder) *Server {
	loggers := runtime.NewLoggers(&hclog.LoggerOptions{Name: "tributary", Output: &strings.Builder{}})
	loggers.Named("tributary.worker")
	return NewServer(Config{Herder: f, Version: "0.1.0", Commit: "abc", Logger: hclog.NewNullLogger(), Loggers: loggers, Metrics: runtime.NewMetrics()})
}

// restCase is one request and what Kafka Connect answers to it.
type restCase struct {
	name   string
	method string
	path   string
	body   string
	header map[string]string // request headers; a body gets Content-Type: application/json unless set here
	setup  func(f *fakeHerder)

	status     int
	want       string            // the JSON body (compared as JSON); "" means no body at all
	wantHeader map[string]string // response headers; "" means the header must be absent
	check      func(t *testing.T, f *fakeHerder)
}

func (tc restCase) run(t *testing.T) {
	t.Helper()
	f := newFakeHerder()
	if tc.setup != nil {
		tc.setup(f)
	}
	rec := do(newTestServer(f), tc.method, tc.path, tc.body, tc.header)
	if tc.want == "" && tc.status >= 200 && tc.status < 300 && tc.status != 204 && tc.status != 202 {
		tc.want = "-" // a 2xx with a body this case does not check
	}
	if rec.Code != tc.status {
		t.Fatalf("%s %s: status %d, want %d; body %s", tc.method, tc.path, rec.Code, tc.status, rec.Body)
	}
	switch tc.want {
	case "-":
	case "":
		if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
			t.Fatalf("%s %s: want no body, got %q (Content-Type %q)", tc.method, tc.path, rec.Body, rec.Header().Get("Content-Type"))
		}
	default:
		assertJSON(t, rec.Body.String(), tc.want)
		if _, ok := tc.wantHeader["Content-Type"]; !ok && rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s %s: Content-Type %q, want application/json", tc.method, tc.path, rec.Header().Get("Content-Type"))
		}
	}
	for k, v := range tc.wantHeader {
		if got := rec.Header().Get(k); got != v {
			t.Fatalf("%s %s: header %s = %q, want %q", tc.method, tc.path, k, got, v)
		}
	}
	if tc.check != nil {
		tc.check(t, f)
	}
}

func do(s *Server, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func assertJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("response %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad test: %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body\n got  %s\n want %s", got, want)
	}
}

func TestRootAndHealth(t *testing.T) {
	for _, tc := range []restCase{
		{name: "server info", method: "GET", path: "/", status: 200, want: `{"version":"0.1.0","commit":"abc","kafka_cluster_id":"q3aZ8y9kQdaQfJ0m3u1X2w"}`},
		{name: "healthy", method: "GET", path: "/health", status: 200, want: `{"status":"healthy","message":"Worker has completed startup and is ready to handle requests."}`},
		{name: "starting", method: "GET", path: "/health", setup: func(f *fakeHerder) { f.notReady = true }, status: 503, want: `{"status":"starting","message":"Worker is still starting up."}`},
		{name: "HEAD answers like GET without a body", method: "HEAD", path: "/connectors", status: 200, want: ""},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestJerseyErrors(t *testing.T) {
	for _, tc := range []restCase{
		{name: "unknown path", method: "GET", path: "/nope", status: 404, want: `{"error_code":404,"message":"HTTP 404 Not Found"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "unknown sub-path", method: "GET", path: "/connectors/c1/nope", status: 404, want: `{"error_code":404,"message":"HTTP 404 Not Found"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "wrong method", method: "DELETE", path: "/", status: 405, want: `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`, wantHeader: map[string]string{"Content-Type": "", "Allow": ""}},
		{name: "POST on config", method: "POST", path: "/connectors/c1/config", body: "{}", status: 405, want: `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "GET on validate", method: "GET", path: "/connector-plugins/X/config/validate", status: 405, want: `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "non-numeric task id", method: "GET", path: "/connectors/c1/tasks/x/status", status: 404, want: `{"error_code":404,"message":"HTTP 404 Not Found"}`, wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "task id beyond int", method: "POST", path: "/connectors/c1/tasks/99999999999/restart", status: 404, want: `{"error_code":404,"message":"HTTP 404 Not Found"}`},
		{name: "text/plain body", method: "POST", path: "/connectors", body: `{"name":"a"}`, header: map[string]string{"Content-Type": "text/plain"}, status: 415, want: `{"error_code":415,"message":"HTTP 415 Unsupported Media Type"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "text/plain on a body-less PUT", method: "PUT", path: "/connectors/c1/pause", header: map[string]string{"Content-Type": "text/plain"}, status: 415, want: `{"error_code":415,"message":"HTTP 415 Unsupported Media Type"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "a body without Content-Type", method: "POST", path: "/connectors", body: `{"name":"a"}`, header: map[string]string{"Content-Type": ""}, status: 415, want: `{"error_code":415,"message":"HTTP 415 Unsupported Media Type"}`, wantHeader: map[string]string{"Content-Type": "application/json"}},
		{name: "no body, no Content-Type", method: "PUT", path: "/connectors/c1/pause", status: 202, want: ""},
		{name: "JSON with charset", method: "PUT", path: "/connectors/c1/config", body: `{"x":"y"}`, header: map[string]string{"Content-Type": "Application/JSON; charset=utf-8"}, status: 400, want: `{"error_code":400,"message":"Connector config {x=y, name=c1} contains no connector type"}`},
		{name: "unparsable Content-Type", method: "PUT", path: "/connectors/c1/config", body: `{"x":"y"}`, header: map[string]string{"Content-Type": "bogus"}, status: 400, want: ""},
		{name: "Accept text/plain", method: "GET", path: "/connectors", header: map[string]string{"Accept": "text/plain"}, status: 406, want: `{"error_code":406,"message":"HTTP 406 Not Acceptable"}`, wantHeader: map[string]string{"Content-Type": ""}},
		{name: "Accept with JSON among others", method: "GET", path: "/connectors", header: map[string]string{"Accept": "text/html, application/json;q=0.9"}, status: 200, want: `["c1"]`},
		{name: "trailing slash", method: "GET", path: "/connectors/", status: 200, want: `["c1"]`},
		{name: "OPTIONS", method: "OPTIONS", path: "/connectors", status: 200, wantHeader: map[string]string{"Allow": "GET,HEAD,POST,OPTIONS", "Content-Type": "text/plain"}},
		{name: "internal task configs reach the herder", method: "POST", path: "/connectors/c1/tasks", body: `[]`, status: 500, want: `{"error_code":500,"message":"not implemented yet"}`},
		{name: "internal fence", method: "PUT", path: "/connectors/c1/fence", status: 501, want: `{"error_code":501,"message":"not implemented yet"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.method == "OPTIONS" {
				rec := do(newTestServer(newFakeHerder()), tc.method, tc.path, "", nil)
				if rec.Code != tc.status || rec.Header().Get("Allow") != tc.wantHeader["Allow"] || rec.Body.String() != "GET, HEAD, POST, OPTIONS" {
					t.Fatalf("OPTIONS: %d %v %q", rec.Code, rec.Header(), rec.Body)
				}
				return
			}
			tc.run(t)
		})
	}
}

// TestErrorMapping checks the one mapper: each herder error kind becomes its status with the
// herder's message, wrapped or not; other errors are 500s.
func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{runtime.Errorf(runtime.KindBadRequest, "bad"), 400, "bad"},
		{runtime.Errorf(runtime.KindForbidden, "Topic tracking is disabled."), 403, "Topic tracking is disabled."},
		{runtime.ErrUnknownConnector("x"), 404, "Connector x not found"},
		{runtime.Errorf(runtime.KindConflict, "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."), 409, "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."},
		{runtime.Errorf(runtime.KindAlreadyExists, "Connector x already exists"), 409, "Connector x already exists"},
		{runtime.Errorf(runtime.KindUnavailable, "starting"), 503, "starting"},
		{runtime.Errorf(runtime.KindInternal, "not implemented yet"), 500, "not implemented yet"},
		{errors.New("boom"), 500, "boom"},
		{wrapErr(runtime.Errorf(runtime.KindNotFound, "Connector y not found")), 404, "Connector y not found"},
	} {
		f := newFakeHerder()
		f.err = tc.err
		rec := do(newTestServer(f), "GET", "/connectors/c1", "", nil)
		if rec.Code != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, rec.Code, tc.status)
		}
		var em ErrorMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &em); err != nil || em.ErrorCode != tc.status || em.Message != tc.msg {
			t.Errorf("%v: body %s, want {%d %q}", tc.err, rec.Body, tc.status, tc.msg)
		}
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "context: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func wrapErr(err error) error { return wrapped{err} }

func TestConnectorEndpoints(t *testing.T) {
	c1Info := `{"name":"c1","config":{"connector.class":"FileStreamSource","name":"c1","topic":"t"},"tasks":[{"connector":"c1","task":0}],"type":"source"}`
	c1Status := `{"name":"c1","connector":{"state":"RUNNING","worker_id":"127.0.0.1:8083"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"127.0.0.1:8083"}],"type":"source"}`
	stop := func(f *fakeHerder) { f.connectors["c1"].state = runtime.StateStopped }
	for _, tc := range []restCase{
		{name: "list", method: "GET", path: "/connectors", status: 200, want: `["c1"]`},
		{name: "list empty is []", method: "GET", path: "/connectors", setup: func(f *fakeHerder) { f.connectors = map[string]*fakeConnector{} }, status: 200, want: `[]`},
		{name: "expand status and info", method: "GET", path: "/connectors?expand=status&expand=info", status: 200, want: `{"c1":{"status":` + c1Status + `,"info":` + c1Info + `}}`},
		{name: "expand unknown", method: "GET", path: "/connectors?expand=foo", status: 200, want: `{"c1":{}}`},
		{name: "expand empty list", method: "GET", path: "/connectors?expand=status", setup: func(f *fakeHerder) { f.connectors = map[string]*fakeConnector{} }, status: 200, want: `{}`},
		{name: "get", method: "GET", path: "/connectors/c1", status: 200, want: c1Info},
		{name: "get unknown", method: "GET", path: "/connectors/nope", status: 404, want: `{"error_code":404,"message":"Connector nope not found"}`},
		{name: "get url-encoded name", method: "GET", path: "/connectors/a%20b", status: 404, want: `{"error_code":404,"message":"Connector a b not found"}`},
		{name: "config", method: "GET", path: "/connectors/c1/config", status: 200, want: `{"connector.class":"FileStreamSource","name":"c1","topic":"t"}`},
		{name: "status", method: "GET", path: "/connectors/c1/status", status: 200, want: c1Status},
		{name: "status unknown", method: "GET", path: "/connectors/nope/status", status: 404, want: `{"error_code":404,"message":"No status found for connector nope"}`},
		{name: "stopped status has tasks []", method: "GET", path: "/connectors/c1/status", setup: stop, status: 200, want: `{"name":"c1","connector":{"state":"STOPPED","worker_id":"127.0.0.1:8083"},"tasks":[],"type":"source"}`},
		{name: "tasks", method: "GET", path: "/connectors/c1/tasks", status: 200, want: `[{"id":{"connector":"c1","task":0},"config":{"task.class":"org.apache.kafka.connect.file.FileStreamSourceTask","topic":"t"}}]`},
		{name: "tasks of a stopped connector", method: "GET", path: "/connectors/c1/tasks", setup: stop, status: 200, want: `[]`},
		{name: "tasks-config (deprecated)", method: "GET", path: "/connectors/c1/tasks-config", status: 200, want: `{"c1-0":{"task.class":"org.apache.kafka.connect.file.FileStreamSourceTask","topic":"t"}}`},
		{name: "task status", method: "GET", path: "/connectors/c1/tasks/0/status", status: 200, want: `{"id":0,"state":"RUNNING","worker_id":"127.0.0.1:8083"}`},
		{name: "task status unknown", method: "GET", path: "/connectors/c1/tasks/3/status", status: 404, want: `{"error_code":404,"message":"No status found for task c1-3"}`},
		{name: "task restart", method: "POST", path: "/connectors/c1/tasks/0/restart", status: 204, want: "",
			check: func(t *testing.T, f *fakeHerder) {
				if f.lastTask != (runtime.TaskID{Connector: "c1", Task: 0}) {
					t.Fatalf("RestartTask(%v)", f.lastTask)
				}
			}},
		{name: "task restart unknown", method: "POST", path: "/connectors/c1/tasks/7/restart", status: 404, want: `{"error_code":404,"message":"Unknown task: c1-7"}`},
		{name: "restart plain", method: "POST", path: "/connectors/c1/restart", status: 204, want: "",
			check: func(t *testing.T, f *fakeHerder) {
				if f.calls[0] != "RestartConnector" {
					t.Fatalf("calls %v", f.calls)
				}
			}},
		{name: "restart flags false is plain", method: "POST", path: "/connectors/c1/restart?includeTasks=false&onlyFailed=nope", status: 204, want: ""},
		{name: "restart with tasks", method: "POST", path: "/connectors/c1/restart?includeTasks=TRUE", status: 202,
			want: `{"name":"c1","connector":{"state":"RESTARTING","worker_id":"127.0.0.1:8083"},"tasks":[{"id":0,"state":"RESTARTING","worker_id":"127.0.0.1:8083"}],"type":"source"}`,
			check: func(t *testing.T, f *fakeHerder) {
				if f.lastRestart != (runtime.RestartRequest{Connector: "c1", IncludeTasks: true}) {
					t.Fatalf("RestartConnectorAndTasks(%+v)", f.lastRestart)
				}
			}},
		{name: "restart only failed", method: "POST", path: "/connectors/c1/restart?onlyFailed=true", status: 202,
			want: `{"name":"c1","connector":{"state":"RESTARTING","worker_id":"127.0.0.1:8083"},"tasks":[],"type":"source"}`},
		{name: "restart unknown", method: "POST", path: "/connectors/nope/restart", status: 404, want: `{"error_code":404,"message":"Unknown connector: nope"}`},
		{name: "pause", method: "PUT", path: "/connectors/c1/pause", status: 202, want: "",
			check: func(t *testing.T, f *fakeHerder) {
				if f.connectors["c1"].state != runtime.StatePaused {
					t.Fatal("not paused")
				}
			}},
		{name: "pause unknown", method: "PUT", path: "/connectors/nope/pause", status: 404, want: `{"error_code":404,"message":"Unknown connector nope"}`},
		{name: "resume", method: "PUT", path: "/connectors/c1/resume", status: 202, want: ""},
		{name: "stop", method: "PUT", path: "/connectors/c1/stop?forward=true", status: 204, want: ""},
		{name: "delete", method: "DELETE", path: "/connectors/c1", status: 204, want: "",
			check: func(t *testing.T, f *fakeHerder) {
				if _, ok := f.connectors["c1"]; ok {
					t.Fatal("not deleted")
				}
			}},
		{name: "delete unknown", method: "DELETE", path: "/connectors/nope", status: 404, want: `{"error_code":404,"message":"Connector nope not found"}`},
		{name: "topics", method: "GET", path: "/connectors/c1/topics", status: 200, want: `{"c1":{"topics":["t"]}}`},
		{name: "topics of an unknown connector", method: "GET", path: "/connectors/nope/topics", status: 200, want: `{"nope":{"topics":[]}}`},
		{name: "topics disabled", method: "GET", path: "/connectors/c1/topics", setup: func(f *fakeHerder) { f.err = runtime.Errorf(runtime.KindForbidden, "Topic tracking is disabled.") }, status: 403, want: `{"error_code":403,"message":"Topic tracking is disabled."}`},
		{name: "topics reset", method: "PUT", path: "/connectors/c1/topics/reset", status: 202, want: ""},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestCreateConnector(t *testing.T) {
	created := `{"name":"new","config":{"connector.class":"FileStreamSource","topic":"t","name":"new"},"tasks":[],"type":"source"}`
	for _, tc := range []restCase{
		{name: "created", method: "POST", path: "/connectors", body: `{"name":"new","config":{"connector.class":"FileStreamSource","topic":"t"}}`,
			status: 201, want: created, wantHeader: map[string]string{"Location": "http://example.com/connectors/new"},
			check: func(t *testing.T, f *fakeHerder) {
				want := putCall{name: "new", cfg: map[string]string{"connector.class": "FileStreamSource", "topic": "t", "name": "new"}}
				if !reflect.DeepEqual(f.lastPut, want) {
					t.Fatalf("PutConnectorConfig%+v, want %+v", f.lastPut, want)
				}
			}},
		{name: "name trimmed and escaped in Location", method: "POST", path: "/connectors", body: `{"name":" my conn\t","config":{"connector.class":"FileStreamSource"}}`,
			status: 201, want: `{"name":"my conn","config":{"connector.class":"FileStreamSource","name":"my conn"},"tasks":[],"type":"source"}`,
			wantHeader: map[string]string{"Location": "http://example.com/connectors/my%20conn"}},
		{name: "duplicate", method: "POST", path: "/connectors", body: `{"name":"c1","config":{"connector.class":"FileStreamSource"}}`, status: 409, want: `{"error_code":409,"message":"Connector c1 already exists"}`},
		{name: "name mismatch", method: "POST", path: "/connectors", body: `{"name":"a","config":{"name":"b","connector.class":"FileStreamSource"}}`, status: 400, want: `{"error_code":400,"message":"Connector name configuration (b) doesn't match connector name in the URL (a)"}`},
		{name: "missing name is empty", method: "POST", path: "/connectors", body: `{"config":{"x":"1"}}`, status: 400, want: `{"error_code":400,"message":"Connector config {x=1, name=} contains no connector type"}`},
		{name: "no connector type, in Java HashMap order", method: "POST", path: "/connectors", body: `{"name":"a","config":{"z":1,"b":true,"a":null}}`, status: 400, want: `{"error_code":400,"message":"Connector config {name=a, a=null, z=1, b=true} contains no connector type"}`},
		{name: "null connector.class", method: "POST", path: "/connectors", body: `{"name":"a","config":{"connector.class":null}}`, status: 400, want: `{"error_code":400,"message":"Connector config {connector.class=null, name=a} contains no connector type"}`},
		{name: "initial state running", method: "POST", path: "/connectors", body: `{"name":"n","config":{"connector.class":"FileStreamSource"},"initial_state":"running"}`, status: 201,
			check: func(t *testing.T, f *fakeHerder) {
				if f.lastPut.state != runtime.TargetStarted || f.lastPut.allowReplace {
					t.Fatalf("PutConnectorConfig%+v", f.lastPut)
				}
			}},
		{name: "initial state paused", method: "POST", path: "/connectors", body: `{"name":"n","config":{"connector.class":"FileStreamSource"},"initial_state":"Paused"}`, status: 201,
			check: func(t *testing.T, f *fakeHerder) {
				if f.lastPut.state != runtime.TargetPaused {
					t.Fatalf("PutConnectorConfig%+v", f.lastPut)
				}
			}},
		{name: "initial state stopped", method: "POST", path: "/connectors", body: `{"name":"n","config":{"connector.class":"FileStreamSource"},"initial_state":"STOPPED"}`, status: 201,
			check: func(t *testing.T, f *fakeHerder) {
				if f.lastPut.state != runtime.TargetStopped {
					t.Fatalf("PutConnectorConfig%+v", f.lastPut)
				}
			}},
		{name: "initial state invalid", method: "POST", path: "/connectors", body: `{"name":"a","config":{"connector.class":"FileStreamSource"},"initial_state":"bogus"}`, status: 500,
			want: `{"error_code":500,"message":"Cannot construct instance of ` + "`org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest$InitialState`" + `, problem: No enum constant org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.InitialState.BOGUS\n at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1, column: 77] (through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"initial_state\"])"}`},
		{name: "malformed JSON", method: "POST", path: "/connectors", body: `{bad`, status: 500,
			want: `{"error_code":500,"message":"Unexpected character ('b' (code 98)): was expecting double-quote to start field name\n at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1, column: 2]"}`},
		{name: "empty body", method: "POST", path: "/connectors", header: map[string]string{"Content-Type": "application/json"}, status: 500,
			want: `{"error_code":500,"message":"Cannot invoke \"org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()\" because \"createRequest\" is null"}`},
		{name: "no config", method: "POST", path: "/connectors", body: `{"name":"a"}`, status: 500,
			want: `{"error_code":500,"message":"Cannot invoke \"java.util.Map.get(Object)\" because \"connectorConfig\" is null"}`},
		{name: "herder validation error", method: "POST", path: "/connectors", body: `{"name":"a","config":{"connector.class":"FileStreamSource"}}`,
			setup: func(f *fakeHerder) {
				f.err = runtime.Errorf(runtime.KindBadRequest, "Connector configuration is invalid and contains the following 1 error(s):\nx")
			},
			status: 400, want: `{"error_code":400,"message":"Connector configuration is invalid and contains the following 1 error(s):\nx"}`},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestPutAndPatchConfig(t *testing.T) {
	for _, tc := range []restCase{
		{name: "update", method: "PUT", path: "/connectors/c1/config", body: `{"connector.class":"FileStreamSource","topic":"u"}`, status: 200,
			want:       `{"name":"c1","config":{"connector.class":"FileStreamSource","topic":"u","name":"c1"},"tasks":[{"connector":"c1","task":0}],"type":"source"}`,
			wantHeader: map[string]string{"Location": ""},
			check: func(t *testing.T, f *fakeHerder) {
				if !f.lastPut.allowReplace || f.lastPut.state != "" {
					t.Fatalf("PutConnectorConfig%+v", f.lastPut)
				}
			}},
		{name: "create", method: "PUT", path: "/connectors/c2/config", body: `{"connector.class":"FileStreamSource","name":"c2"}`, status: 201,
			want:       `{"name":"c2","config":{"connector.class":"FileStreamSource","name":"c2"},"tasks":[],"type":"source"}`,
			wantHeader: map[string]string{"Location": "http://example.com/connectors/c2"}},
		{name: "name mismatch", method: "PUT", path: "/connectors/a/config", body: `{"name":"b","connector.class":"FileStreamSource"}`, status: 400, want: `{"error_code":400,"message":"Connector name configuration (b) doesn't match connector name in the URL (a)"}`},
		{name: "no connector type", method: "PUT", path: "/connectors/a/config", body: `{"x":"y"}`, status: 400, want: `{"error_code":400,"message":"Connector config {x=y, name=a} contains no connector type"}`},
		{name: "empty body", method: "PUT", path: "/connectors/a/config", header: map[string]string{"Content-Type": "application/json"}, status: 500, want: `{"error_code":500,"message":"Cannot invoke \"java.util.Map.get(Object)\" because \"connectorConfig\" is null"}`},
		{name: "array body", method: "PUT", path: "/connectors/a/config", body: `[1]`, status: 500,
			want: `{"error_code":500,"message":"Cannot deserialize value of type ` + "`java.util.LinkedHashMap<java.lang.String,java.lang.String>`" + ` from Array value (token ` + "`JsonToken.START_ARRAY`" + `)\n at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1, column: 1]"}`},
		{name: "patch", method: "PATCH", path: "/connectors/c1/config", body: `{"topic":"v","extra":"1","connector.class":null}`, status: 200,
			want: `{"name":"c1","config":{"name":"c1","topic":"v","extra":"1"},"tasks":[{"connector":"c1","task":0}],"type":"source"}`,
			check: func(t *testing.T, f *fakeHerder) {
				if v, ok := f.lastPatch["connector.class"]; !ok || v != nil {
					t.Fatalf("patch %v: want connector.class present and nil", f.lastPatch)
				}
			}},
		{name: "patch unknown", method: "PATCH", path: "/connectors/nope/config", body: `{"a":null}`, status: 404, want: `{"error_code":404,"message":"Connector nope not found"}`},
		{name: "patch empty body is a nil patch", method: "PATCH", path: "/connectors/nope/config", header: map[string]string{"Content-Type": "application/json"}, status: 404, want: `{"error_code":404,"message":"Connector nope not found"}`,
			check: func(t *testing.T, f *fakeHerder) {
				if f.lastPatch != nil {
					t.Fatalf("patch %v", f.lastPatch)
				}
			}},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestOffsets(t *testing.T) {
	stop := func(f *fakeHerder) { f.connectors["c1"].state = runtime.StateStopped }
	for _, tc := range []restCase{
		{name: "get", method: "GET", path: "/connectors/c1/offsets", status: 200, want: `{"offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":30}}]}`},
		{name: "get unknown", method: "GET", path: "/connectors/nope/offsets", status: 404, want: `{"error_code":404,"message":"Connector nope not found"}`},
		{name: "patch running", method: "PATCH", path: "/connectors/c1/offsets", body: `{"offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":1}}]}`, status: 400,
			want: `{"error_code":400,"message":"Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/c1/stop' endpoint"}`},
		{name: "patch stopped", method: "PATCH", path: "/connectors/c1/offsets", setup: stop,
			body:   `{"offsets":[{"partition":{"filename":"a"},"offset":{"position":1}},{"partition":{"filename":"b"},"offset":null},{"partition":{"filename":"a"},"offset":{"position":2.5}}]}`,
			status: 200, want: `{"message":"The offsets for this connector have been altered successfully"}`,
			check: func(t *testing.T, f *fakeHerder) {
				want := []runtime.ConnectorOffset{
					{Partition: map[string]any{"filename": "a"}, Offset: map[string]any{"position": 2.5}},
					{Partition: map[string]any{"filename": "b"}},
				}
				if !reflect.DeepEqual(f.lastOffsets, want) {
					t.Fatalf("AlterConnectorOffsets(%#v)", f.lastOffsets)
				}
			}},
		{name: "patch integers are int64", method: "PATCH", path: "/connectors/c1/offsets", setup: stop, body: `{"offsets":[{"partition":{"f":"a"},"offset":{"position":30}}]}`, status: 200,
			check: func(t *testing.T, f *fakeHerder) {
				if v := f.lastOffsets[0].Offset["position"]; v != int64(30) {
					t.Fatalf("position %#v", v)
				}
			}},
		{name: "patch no offsets", method: "PATCH", path: "/connectors/c1/offsets", body: `{}`, status: 400, want: `{"error_code":400,"message":"Partitions / offsets need to be provided for an alter offsets request"}`},
		{name: "patch empty offsets", method: "PATCH", path: "/connectors/c1/offsets", body: `{"offsets":[]}`, status: 400, want: `{"error_code":400,"message":"Partitions / offsets need to be provided for an alter offsets request"}`},
		{name: "patch null entry", method: "PATCH", path: "/connectors/c1/offsets", body: `{"offsets":[null]}`, status: 500, want: `{"error_code":500,"message":"Cannot invoke \"org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset.partition()\" because \"offset\" is null"}`},
		{name: "patch empty body", method: "PATCH", path: "/connectors/c1/offsets", header: map[string]string{"Content-Type": "application/json"}, status: 500, want: `{"error_code":500,"message":"Cannot invoke \"org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets.offsets()\" because \"offsets\" is null"}`},
		{name: "delete running", method: "DELETE", path: "/connectors/c1/offsets", status: 400,
			want: `{"error_code":400,"message":"Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/c1/stop' endpoint"}`},
		{name: "delete stopped", method: "DELETE", path: "/connectors/c1/offsets", setup: stop, status: 200, want: `{"message":"The offsets for this connector have been reset successfully"}`},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestPlugins(t *testing.T) {
	validGood := `{"name":"FileStreamSource","error_count":0,"groups":[],"configs":[{"definition":{"name":"tasks.max","type":"INT","required":false,"default_value":null,"importance":"HIGH","documentation":"","group":null,"width":"SHORT","display_name":"","dependents":[],"order":0},"value":{"name":"tasks.max","value":"1","recommended_values":[],"errors":[],"visible":true}}]}`
	for _, tc := range []restCase{
		{name: "connectors only by default", method: "GET", path: "/connector-plugins", status: 200, want: `[{"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"4.1.2"}]`},
		{name: "empty connectorsOnly is the default", method: "GET", path: "/connector-plugins?connectorsOnly=", status: 200, want: `[{"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"4.1.2"}]`},
		{name: "connectorsOnly other than true is false", method: "GET", path: "/connector-plugins?connectorsOnly=bogus", status: 200,
			want: `[{"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"4.1.2"},{"class":"org.apache.kafka.connect.transforms.InsertField$Value","type":"transformation","version":"4.1.2"}]`},
		{name: "all plugins", method: "GET", path: "/connector-plugins?connectorsOnly=false", status: 200,
			want: `[{"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"4.1.2"},{"class":"org.apache.kafka.connect.transforms.InsertField$Value","type":"transformation","version":"4.1.2"}]`},
		{name: "plugin config", method: "GET", path: "/connector-plugins/FileStreamSource/config", status: 200,
			want: `[{"name":"file","type":"STRING","required":false,"default_value":null,"importance":"HIGH","documentation":"","group":"Common","width":"NONE","display_name":"file","dependents":[],"order":0}]`},
		{name: "plugin config unknown", method: "GET", path: "/connector-plugins/Foo/config?version=1.0", status: 404, want: `{"error_code":404,"message":"Unknown plugin Foo."}`},
		{name: "validate", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource","tasks.max":1}`, status: 200, want: validGood,
			check: func(t *testing.T, f *fakeHerder) {
				if !reflect.DeepEqual(f.lastCfg, map[string]string{"connector.class": "FileStreamSource", "tasks.max": "1"}) {
					t.Fatalf("validated %v", f.lastCfg)
				}
			}},
		{name: "validate full class against alias path", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector"}`, status: 500,
			want: `{"error_code":500,"message":"org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Failed to find any class that implements Connector and which name matches org.apache.kafka.connect.file.FileStreamSourceConnector"}`},
		{name: "validate type mismatch", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSink"}`, status: 400, want: `{"error_code":400,"message":"Included connector type FileStreamSink does not match request type FileStreamSource"}`},
		{name: "validate unrelated names", method: "PUT", path: "/connector-plugins/Foo/config/validate", body: `{"connector.class":"Bar"}`, status: 400, want: `{"error_code":400,"message":"Included connector type Bar does not match request type Foo"}`},
		{name: "validate path with Connector suffix", method: "PUT", path: "/connector-plugins/FileStreamSourceConnector/config/validate", body: `{"connector.class":"FileStreamSource","tasks.max":"1"}`, status: 200, want: validGood},
		{name: "validate without connector.class", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"b":"1","a":null}`, status: 500,
			want: `{"error_code":500,"message":"org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Connector config {a=null, b=1} contains no connector type"}`},
		{name: "validate empty body", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", header: map[string]string{"Content-Type": "application/json"}, status: 500,
			want: `{"error_code":500,"message":"Cannot invoke \"java.util.Map.get(Object)\" because \"connectorConfig\" is null"}`},
		{name: "validate herder internal error", method: "PUT", path: "/connector-plugins/FileStreamSource/config/validate", body: `{"connector.class":"FileStreamSource"}`,
			setup:  func(f *fakeHerder) { f.err = runtime.Errorf(runtime.KindInternal, "boom") },
			status: 500, want: `{"error_code":500,"message":"org.apache.kafka.connect.errors.ConnectException: boom"}`},
	} {
		t.Run(tc.name, tc.run)
	}
}

func TestAdminLoggers(t *testing.T) {
	for _, tc := range []restCase{
		{name: "list", method: "GET", path: "/admin/loggers", status: 200, want: `{"root":{"level":"INFO","last_modified":null},"tributary.worker":{"level":"INFO","last_modified":null}}`},
		{name: "get root", method: "GET", path: "/admin/loggers/ROOT", status: 200, want: `{"level":"INFO","last_modified":null}`},
		{name: "get unknown", method: "GET", path: "/admin/loggers/foo.bar", status: 404, want: `{"error_code":404,"message":"Logger foo.bar not found."}`},
		{name: "set", method: "PUT", path: "/admin/loggers/tributary", body: `{"level":"debug"}`, status: 200, want: `["tributary","tributary.worker"]`},
		{name: "set unchanged", method: "PUT", path: "/admin/loggers/tributary.worker", body: `{"level":"INFO"}`, status: 200, want: `[]`},
		{name: "set cluster scope", method: "PUT", path: "/admin/loggers/tributary.worker?scope=Cluster", body: `{"level":"WARN"}`, status: 204, want: ""},
		{name: "set unknown scope is worker", method: "PUT", path: "/admin/loggers/tributary.worker?scope=weird", body: `{"level":"WARN"}`, status: 200, want: `["tributary.worker"]`},
		{name: "missing level", method: "PUT", path: "/admin/loggers/x", body: `{}`, status: 400, want: `{"error_code":400,"message":"Desired 'level' parameter was not specified in request."}`},
		{name: "null level", method: "PUT", path: "/admin/loggers/x", body: `{"level":null}`, status: 400, want: `{"error_code":400,"message":"Desired 'level' parameter was not specified in request."}`},
		{name: "invalid level", method: "PUT", path: "/admin/loggers/x", body: `{"level":"bogus"}`, status: 404, want: `{"error_code":404,"message":"invalid log level 'bogus'."}`},
		{name: "number level", method: "PUT", path: "/admin/loggers/x", body: `{"level":3}`, status: 404, want: `{"error_code":404,"message":"invalid log level '3'."}`},
		{name: "empty body", method: "PUT", path: "/admin/loggers/x", header: map[string]string{"Content-Type": "application/json"}, status: 500, want: `{"error_code":500,"message":"Cannot invoke \"java.util.Map.get(Object)\" because \"levelMap\" is null"}`},
	} {
		t.Run(tc.name, tc.run)
	}

	t.Run("set then get", func(t *testing.T) {
		s := newTestServer(newFakeHerder())
		if rec := do(s, "PUT", "/admin/loggers/tributary.worker", `{"level":"fatal"}`, nil); rec.Code != 200 {
			t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
		}
		rec := do(s, "GET", "/admin/loggers/tributary.worker", "", nil)
		var got runtime.LoggerLevel
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Level != "FATAL" || got.LastModified == nil {
			t.Fatalf("GET after PUT: %s", rec.Body)
		}
	})
	t.Run("disabled without a registry", func(t *testing.T) {
		s := NewServer(Config{Herder: newFakeHerder(), Logger: hclog.NewNullLogger()})
		if rec := do(s, "GET", "/admin/loggers", "", nil); rec.Code != 404 {
			t.Fatalf("GET /admin/loggers without Loggers: %d", rec.Code)
		}
		if rec := do(s, "GET", "/metrics", "", nil); rec.Code != 404 {
			t.Fatalf("GET /metrics without Metrics: %d", rec.Code)
		}
	})
}

func TestMetricsEndpoint(t *testing.T) {
	m := runtime.NewMetrics()
	m.SourceTask("c", 0).RecordPoll(3, time.Millisecond)
	s := NewServer(Config{Herder: newFakeHerder(), Logger: hclog.NewNullLogger(), Metrics: m})
	rec := do(s, "GET", "/metrics", "", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("GET /metrics: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), `kafka_connect_source_task_metrics_source_record_poll_total{connector="c",task="0"} 3`+"\n") {
		t.Fatalf("GET /metrics:\n%s", rec.Body)
	}
}

func TestListenPortInUseIsOneLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	bound, err := Listen([]runtime.Listener{{Scheme: "http", Host: "127.0.0.1", Port: 0}, {Scheme: "http", Host: "127.0.0.1", Port: port}})
	if err == nil || bound != nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), busy.Addr().String()) {
		t.Fatalf("Listen error = %v, want one naming %s and 'address already in use'", err, busy.Addr())
	}
}

func TestServeStopsWithContext(t *testing.T) {
	bound, err := Listen([]runtime.Listener{{Scheme: "http", Host: "127.0.0.1", Port: 0}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newTestServer(newFakeHerder()).Serve(ctx, bound) }()
	resp, err := http.Get("http://" + bound[0].Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
}
