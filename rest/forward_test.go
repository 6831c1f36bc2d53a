package rest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/runtime"
)

// leaderHerder refuses writes as a follower (pointing at leaderURL) or serves them.
type leaderHerder struct {
	runtime.UnimplementedHerder
	leaderURL string
	isLeader  bool
	got       chan string
}

func (h *leaderHerder) KafkaClusterID() string { return "c" }
func (h *leaderHerder) Ready() bool            { return true }
func (h *leaderHerder) PauseConnector(_ context.Context, name string) error {
	if !h.isLeader {
		return &runtime.RequestTargetError{Message: "not the leader", TargetURL: h.leaderURL}
	}
	h.got <- name
	return nil
}

func newForwardTestServer(h runtime.Herder) *httptest.Server {
	return httptest.NewServer(NewServer(Config{Herder: h, Logger: hclog.NewNullLogger()}).Handler())
}

func TestForwardingToTheLeader(t *testing.T) {
	var forwardParams []string
	leader := &leaderHerder{isLeader: true, got: make(chan string, 1)}
	leaderSrv := newForwardTestServer(leader)
	defer leaderSrv.Close()
	// Record what the leader receives.
	spy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forwardParams = append(forwardParams, r.URL.Query().Get("forward")+"|"+r.Header.Get("Authorization")+"|"+r.Header.Get("User-Agent"))
		leaderSrv.Config.Handler.ServeHTTP(w, r)
	}))
	defer spy.Close()
	follower := newForwardTestServer(&leaderHerder{leaderURL: spy.URL + "/"})
	defer follower.Close()

	req, _ := http.NewRequest(http.MethodPut, follower.URL+"/connectors/c1/pause", nil)
	req.Header.Set("Authorization", "Basic abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || <-leader.got != "c1" {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if len(forwardParams) != 1 || forwardParams[0] != "true|Basic abc|kafka-connect" {
		t.Fatalf("leader saw %v, want one request with forward=true, the Authorization header and Connect's user agent", forwardParams)
	}
}

func TestForwardingGivesUpAfterTwoHops(t *testing.T) {
	lost := newForwardTestServer(&leaderHerder{leaderURL: "http://127.0.0.1:1/"})
	defer lost.Close()
	for _, tc := range []struct {
		query, want string
		code        int
	}{
		{"?forward=false", "Cannot complete request because of a conflicting operation (e.g. worker rebalance)", 409},
		{"?forward=true", "IO Error trying to forward REST request", 500},
	} {
		req, _ := http.NewRequest(http.MethodPut, lost.URL+"/connectors/c1/pause"+tc.query, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s", tc.query, resp.StatusCode, b)
		}
	}
	noLeader := newForwardTestServer(&leaderHerder{})
	defer noLeader.Close()
	req, _ := http.NewRequest(http.MethodPut, noLeader.URL+"/connectors/c1/pause", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 409 || !strings.Contains(string(b), "no known leader URL") {
		t.Errorf("no leader: %d %s", resp.StatusCode, b)
	}
}
