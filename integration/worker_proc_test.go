//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// workerTopics names a worker's group and internal topics; reusing it restarts a worker on
// the same state.
type workerTopics struct {
	Prefix string
	// Extra is appended to the worker properties (one key=value per line).
	Extra string
}

// workerProc is a `tributary worker` process under test.
type workerProc struct {
	URL          string
	OffsetsTopic string
	cmd          *exec.Cmd
	exited       chan error
	stderr       *syncBuf
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startWorker starts a worker on the real Kafka with its own group and internal topics
// (fresh ones when topics is nil) and waits until GET / answers. It is killed at the end of
// the test; its log is printed if the test failed.
func startWorker(t *testing.T, ctx context.Context, topics *workerTopics) *workerProc {
	t.Helper()
	if topics == nil {
		topics = &workerTopics{Prefix: fmt.Sprintf("it-worker-%d", time.Now().UnixNano())}
	}
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
%[4]s
`, testenv.Get(t, testenv.Kafka), topics.Prefix, port, topics.Extra)
	file := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(file, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &workerProc{URL: fmt.Sprintf("http://127.0.0.1:%d", port), OffsetsTopic: topics.Prefix + "-offsets", exited: make(chan error, 1), stderr: &syncBuf{}}
	w.cmd = exec.Command(tributaryBin, "worker", file)
	w.cmd.Stderr = w.stderr
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.exited <- w.cmd.Wait() }()
	t.Cleanup(func() {
		_ = w.cmd.Process.Kill()
		<-w.exited
		w.exited <- nil
		if t.Failed() {
			t.Logf("worker %s log:\n%s", w.URL, w.stderr.String())
		}
	})
	waitHealthy(ctx, t, w)
	return w
}

// waitHealthy polls GET /health until the worker has read its internal topics.
func waitHealthy(ctx context.Context, t *testing.T, w *workerProc) {
	t.Helper()
	for ctx.Err() == nil {
		if code, _ := httpGetStatus(w.URL + "/health"); code == 200 {
			return
		}
		select {
		case err := <-w.exited:
			w.exited <- err
			t.Fatalf("worker exited while starting: %v\n%s", err, w.stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("worker %s not healthy before the deadline:\n%s", w.URL, w.stderr.String())
}

// Stop ends the worker with SIGTERM (graceful) or SIGKILL and waits for it.
func (w *workerProc) Stop(t *testing.T, kill bool) {
	t.Helper()
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = w.cmd.Process.Signal(sig)
	select {
	case err := <-w.exited:
		w.exited <- err
		if !kill && err != nil {
			t.Fatalf("worker exited with %v after SIGTERM:\n%s", err, w.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("worker did not exit after %v:\n%s", sig, w.stderr.String())
	}
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

func httpGetStatus(url string) (int, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// waitConnectorState polls GET /connectors/{c}/status until the connector reaches state and
// returns its trace.
func waitConnectorState(ctx context.Context, t *testing.T, base, name, state string) string {
	t.Helper()
	var last string
	for ctx.Err() == nil {
		resp, err := httpClient.Get(base + "/connectors/" + name + "/status")
		if err == nil {
			var st struct {
				Connector struct {
					State string `json:"state"`
					Trace string `json:"trace"`
				} `json:"connector"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			last = st.Connector.State
			if last == state {
				return st.Connector.Trace
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("connector %s on %s never reached %s (last %q)", name, base, state, last)
	return ""
}
