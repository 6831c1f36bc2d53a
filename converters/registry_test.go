package converters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// fakeRegistry serves the endpoints the converters use, with Confluent's error bodies.
type fakeRegistry struct {
	*httptest.Server
	mu           sync.Mutex
	ids          map[string]int32            // schema → id
	schemas      map[int32]string            // id → schema
	subjects     map[string][]int32          // subject → ids by version
	incompatible map[string]bool             // subjects refusing any new schema
	calls        map[string]int              // "METHOD path" → count
	auth         string                      // required Authorization header, if set
	bodies       map[string][]map[string]any // request bodies by "METHOD path"
}

func newFakeRegistry(t testing.TB) *fakeRegistry {
	f := &fakeRegistry{ids: map[string]int32{}, schemas: map[int32]string{}, subjects: map[string][]int32{},
		incompatible: map[string]bool{}, calls: map[string]int{}, bodies: map[string][]map[string]any{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeRegistry) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func writeErr(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error_code": code, "message": msg})
}

func (f *fakeRegistry) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.URL.EscapedPath()
	key := r.Method + " " + path
	f.calls[key]++
	if f.auth != "" && r.Header.Get("Authorization") != f.auth {
		writeErr(w, 401, 401, "Unauthorized")
		return
	}
	var body map[string]any
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeErr(w, 422, 42201, "bad body")
			return
		}
		f.bodies[key] = append(f.bodies[key], body)
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	ok := func(v any) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 3 && parts[0] == "schemas" && parts[1] == "ids":
		id, _ := strconv.Atoi(parts[2])
		s, found := f.schemas[int32(id)]
		if !found {
			writeErr(w, 404, 40403, "Schema not found")
			return
		}
		ok(map[string]any{"schema": s})
	case len(parts) >= 2 && parts[0] == "subjects":
		subject, _ := url.PathUnescape(parts[1])
		switch {
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "versions":
			s, _ := body["schema"].(string)
			if !json.Valid([]byte(s)) {
				writeErr(w, 422, 42201, "Invalid schema")
				return
			}
			id, known := f.ids[s]
			for _, v := range f.subjects[subject] {
				if known && v == id {
					ok(map[string]any{"id": id})
					return
				}
			}
			if f.incompatible[subject] && len(f.subjects[subject]) > 0 {
				writeErr(w, 409, 409, "Schema being registered is incompatible with an earlier schema for subject \""+subject+"\"")
				return
			}
			if !known {
				id = int32(len(f.ids) + 1)
				f.ids[s] = id
				f.schemas[id] = s
			}
			f.subjects[subject] = append(f.subjects[subject], id)
			ok(map[string]any{"id": id})
		case r.Method == http.MethodPost && len(parts) == 2:
			s, _ := body["schema"].(string)
			vs, found := f.subjects[subject]
			if !found {
				writeErr(w, 404, 40401, "Subject '"+subject+"' not found.")
				return
			}
			for i, v := range vs {
				if f.schemas[v] == s {
					ok(map[string]any{"subject": subject, "id": v, "version": i + 1, "schema": s})
					return
				}
			}
			writeErr(w, 404, 40403, "Schema not found")
		case r.Method == http.MethodGet && len(parts) == 4 && parts[2] == "versions" && parts[3] == "latest":
			vs := f.subjects[subject]
			if len(vs) == 0 {
				writeErr(w, 404, 40401, "Subject '"+subject+"' not found.")
				return
			}
			id := vs[len(vs)-1]
			ok(map[string]any{"subject": subject, "id": id, "version": len(vs), "schema": f.schemas[id]})
		default:
			writeErr(w, 404, 404, "not found")
		}
	default:
		writeErr(w, 404, 404, "not found")
	}
}

func TestRegistryClientBasics(t *testing.T) {
	f := newFakeRegistry(t)
	reg, err := NewRegistryClient(RegistryConfig{URLs: []string{f.URL}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := reg.Register(ctx, "t-value", `"string"`)
	if err != nil || id != 1 {
		t.Fatalf("Register = %d, %v", id, err)
	}
	if got, sent := f.bodies["POST /subjects/t-value/versions"][0]["schemaType"]; sent {
		t.Errorf("schemaType = %v: srclient leaves it out for AVRO, which registries read as AVRO", got)
	}
	if id2, err := reg.Register(ctx, "u-value", `"string"`); err != nil || id2 != 1 {
		t.Errorf("same schema in another subject = %d, %v", id2, err)
	}
	if id, err := reg.Lookup(ctx, "t-value", `"string"`); err != nil || id != 1 {
		t.Errorf("Lookup = %d, %v", id, err)
	}
	_, err = reg.Lookup(ctx, "nope", `"string"`)
	var re *RegistryError
	if !errors.As(err, &re) || !re.NotFound() || re.Code != 40401 || re.Status != 404 {
		t.Errorf("Lookup of a missing subject: %#v", err)
	}
	if s, err := reg.SchemaByID(ctx, 1); err != nil || s != `"string"` {
		t.Errorf("SchemaByID = %q, %v", s, err)
	}
	if id, s, err := reg.Latest(ctx, "t-value"); err != nil || id != 1 || s != `"string"` {
		t.Errorf("Latest = %d %q %v", id, s, err)
	}
	// Subjects are path-escaped.
	if _, err := reg.Register(ctx, "a/b c", `"int"`); err != nil {
		t.Fatal(err)
	}
	if f.count("POST /subjects/a%2Fb%20c/versions") != 1 {
		t.Errorf("calls: %v", f.calls)
	}
}

func TestRegistryClientFailoverAndErrors(t *testing.T) {
	f := newFakeRegistry(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	reg, err := NewRegistryClient(RegistryConfig{URLs: []string{deadURL, f.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Register(context.Background(), "s", `"long"`); err != nil {
		t.Fatalf("second URL not used: %v", err)
	}
	only, _ := NewRegistryClient(RegistryConfig{URLs: []string{deadURL}})
	_, err = only.Register(context.Background(), "s", `"long"`)
	if err == nil || !connector.IsRetriable(err) {
		t.Errorf("unreachable registry: %v (retriable %v)", err, connector.IsRetriable(err))
	}
	if _, err := NewRegistryClient(RegistryConfig{URLs: []string{" "}}); err == nil {
		t.Error("no URL accepted")
	}
	if _, err := NewRegistryClient(RegistryConfig{URLs: []string{"not a url"}}); err == nil {
		t.Error("bad URL accepted")
	}
}

func TestRegistryClientBasicAuth(t *testing.T) {
	f := newFakeRegistry(t)
	f.auth = "Basic dXNlcjpwYXNz" // user:pass
	u, _ := url.Parse(f.URL)
	u.User = url.UserPassword("user", "pass")
	reg, _ := NewRegistryClient(RegistryConfig{URLs: []string{u.String()}})
	if _, err := reg.Register(context.Background(), "s", `"int"`); err != nil {
		t.Errorf("URL credentials: %v", err)
	}
	reg, _ = NewRegistryClient(RegistryConfig{URLs: []string{f.URL}, User: "user", Password: "pass"})
	if _, err := reg.Register(context.Background(), "s", `"int"`); err != nil {
		t.Errorf("user info: %v", err)
	}
	reg, _ = NewRegistryClient(RegistryConfig{URLs: []string{f.URL}})
	_, err := reg.Register(context.Background(), "s", `"int"`)
	var re *RegistryError
	if !errors.As(err, &re) || re.Status != 401 {
		t.Errorf("no credentials: %v", err)
	}
}

func TestCachedRegistry(t *testing.T) {
	f := newFakeRegistry(t)
	h, _ := NewRegistryClient(RegistryConfig{URLs: []string{f.URL}})
	reg := NewCachedRegistry(h)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := reg.Register(ctx, "s", `"int"`); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.SchemaByID(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("POST /subjects/s/versions"); n != 1 {
		t.Errorf("register calls = %d", n)
	}
	if n := f.count("GET /schemas/ids/1"); n != 1 {
		t.Errorf("by-id calls = %d, want only srclient's read-back after the registration", n)
	}
	if _, err := reg.SchemaByID(ctx, 99); err == nil {
		t.Error("missing id")
	}
	if n := f.count(fmt.Sprintf("GET /schemas/ids/%d", 99)); n != 1 {
		t.Errorf("by-id calls = %d", n)
	}
}

// TestRegistryClientErrorMapping: srclient hides the HTTP status; the wrapper derives it from
// Confluent's error codes, and reads srclient's bare status line for a non-JSON error body.
func TestRegistryClientErrorMapping(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /subjects/incompatible/versions", func(w http.ResponseWriter, _ *http.Request) {
		writeErr(w, 409, 40901, "Schema being registered is incompatible with an earlier schema")
	})
	mux.HandleFunc("POST /subjects/html/versions", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>proxy error</html>"))
	})
	mux.HandleFunc("POST /subjects/json/versions", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body["schemaType"] != "JSON" {
			writeErr(w, 422, 42201, fmt.Sprintf("schemaType %v", body["schemaType"]))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"id": 7})
	})
	mux.HandleFunc("GET /schemas/ids/7", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"schema": "{}", "schemaType": "JSON"})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := context.Background()

	avro, _ := NewRegistryClient(RegistryConfig{URLs: []string{srv.URL}})
	_, err := avro.Register(ctx, "incompatible", `"int"`)
	var re *RegistryError
	if !errors.As(err, &re) || !re.Incompatible() || re.Status != 409 || re.Code != 40901 {
		t.Errorf("incompatible: %#v", err)
	}
	_, err = avro.Register(ctx, "html", `"int"`)
	if !errors.As(err, &re) || re.Status != http.StatusBadGateway || connector.IsRetriable(err) {
		t.Errorf("non-JSON error body: %#v", err)
	}
	js, _ := NewRegistryClient(RegistryConfig{URLs: []string{srv.URL}, SchemaType: "JSON"})
	if id, err := js.Register(ctx, "json", `{}`); err != nil || id != 7 {
		t.Errorf("JSON registration: %d, %v", id, err)
	}
	if _, err := NewRegistryClient(RegistryConfig{URLs: []string{srv.URL}, SchemaType: "XML"}); err == nil {
		t.Error("unknown schema type accepted")
	}
}
