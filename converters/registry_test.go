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
	w.Header().Set("Content-Type", registryContentType)
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
		w.Header().Set("Content-Type", registryContentType)
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

func TestHTTPRegistryBasics(t *testing.T) {
	f := newFakeRegistry(t)
	reg, err := NewHTTPRegistry(RegistryConfig{URLs: []string{f.URL}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := reg.Register(ctx, "t-value", `"string"`)
	if err != nil || id != 1 {
		t.Fatalf("Register = %d, %v", id, err)
	}
	if got := f.bodies["POST /subjects/t-value/versions"][0]["schemaType"]; got != "AVRO" {
		t.Errorf("schemaType = %v", got)
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

func TestHTTPRegistryFailoverAndErrors(t *testing.T) {
	f := newFakeRegistry(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	reg, err := NewHTTPRegistry(RegistryConfig{URLs: []string{deadURL, f.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Register(context.Background(), "s", `"long"`); err != nil {
		t.Fatalf("second URL not used: %v", err)
	}
	only, _ := NewHTTPRegistry(RegistryConfig{URLs: []string{deadURL}})
	_, err = only.Register(context.Background(), "s", `"long"`)
	if err == nil || !connector.IsRetriable(err) {
		t.Errorf("unreachable registry: %v (retriable %v)", err, connector.IsRetriable(err))
	}
	if _, err := NewHTTPRegistry(RegistryConfig{URLs: []string{" "}}); err == nil {
		t.Error("no URL accepted")
	}
	if _, err := NewHTTPRegistry(RegistryConfig{URLs: []string{"not a url"}}); err == nil {
		t.Error("bad URL accepted")
	}
}

func TestHTTPRegistryBasicAuth(t *testing.T) {
	f := newFakeRegistry(t)
	f.auth = "Basic dXNlcjpwYXNz" // user:pass
	u, _ := url.Parse(f.URL)
	u.User = url.UserPassword("user", "pass")
	reg, _ := NewHTTPRegistry(RegistryConfig{URLs: []string{u.String()}})
	if _, err := reg.Register(context.Background(), "s", `"int"`); err != nil {
		t.Errorf("URL credentials: %v", err)
	}
	reg, _ = NewHTTPRegistry(RegistryConfig{URLs: []string{f.URL}, User: "user", Password: "pass"})
	if _, err := reg.Register(context.Background(), "s", `"int"`); err != nil {
		t.Errorf("user info: %v", err)
	}
	reg, _ = NewHTTPRegistry(RegistryConfig{URLs: []string{f.URL}})
	_, err := reg.Register(context.Background(), "s", `"int"`)
	var re *RegistryError
	if !errors.As(err, &re) || re.Status != 401 {
		t.Errorf("no credentials: %v", err)
	}
}

func TestCachedRegistry(t *testing.T) {
	f := newFakeRegistry(t)
	h, _ := NewHTTPRegistry(RegistryConfig{URLs: []string{f.URL}})
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
	if n := f.count("GET /schemas/ids/1"); n != 0 {
		t.Errorf("by-id calls = %d (the registered schema should be cached)", n)
	}
	if _, err := reg.SchemaByID(ctx, 99); err == nil {
		t.Error("missing id")
	}
	if n := f.count(fmt.Sprintf("GET /schemas/ids/%d", 99)); n != 1 {
		t.Errorf("by-id calls = %d", n)
	}
}
