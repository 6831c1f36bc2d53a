package rest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/runtime"
)

type fakeHerder struct{ id string }

func (f fakeHerder) KafkaClusterID() string { return f.id }

func newTestServer() *Server {
	return NewServer(Config{Herder: fakeHerder{"q3aZ8y9kQdaQfJ0m3u1X2w"}, Version: "0.1.0", Commit: "abc", Logger: hclog.NewNullLogger()})
}

func TestServerInfo(t *testing.T) {
	rec := httptest.NewRecorder()
	newTestServer().Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"version": "0.1.0", "commit": "abc", "kafka_cluster_id": "q3aZ8y9kQdaQfJ0m3u1X2w"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestUnknownPathIsConnectError(t *testing.T) {
	rec := httptest.NewRecorder()
	newTestServer().Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	var em ErrorMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &em); err != nil || rec.Code != 404 || em.ErrorCode != 404 {
		t.Fatalf("status %d body %s", rec.Code, rec.Body)
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
	go func() { done <- newTestServer().Serve(ctx, bound) }()
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
