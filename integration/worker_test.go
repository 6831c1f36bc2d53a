//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// getServerInfo polls GET / until it answers 200 or the deadline passes.
func getServerInfo(ctx context.Context, t *testing.T, base string) map[string]any {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	var lastErr error
	for ctx.Err() == nil {
		resp, err := client.Get(strings.TrimSuffix(base, "/") + "/")
		if err == nil {
			var info map[string]any
			derr := json.NewDecoder(resp.Body).Decode(&info)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && derr == nil {
				return info
			}
			lastErr = fmt.Errorf("status %d, decode error: %w", resp.StatusCode, derr)
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("GET %s/ did not answer before the deadline: %v", base, lastErr)
	return nil
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestConnectOracleAnswers checks that the reference Apache Kafka Connect worker is up.
func TestConnectOracleAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info := getServerInfo(ctx, t, testenv.Get(t, testenv.Connect))
	if v, _ := info["version"].(string); !strings.HasPrefix(v, "4.") {
		t.Fatalf("Apache Kafka Connect version %q, want 4.x", info["version"])
	}
	if id, _ := info["kafka_cluster_id"].(string); id == "" {
		t.Fatalf("no kafka_cluster_id in %v", info)
	}
}

// TestWorkerStartsAgainstRealKafka runs `tributary worker` on a properties file (with
// group.id coming from the environment, Confluent-image style) and compares its GET / with
// Apache Kafka Connect's on the same Kafka: the same fields and the same cluster id.
func TestWorkerStartsAgainstRealKafka(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	port := freePort(t)
	props := fmt.Sprintf(`# a Kafka Connect connect-distributed.properties
bootstrap.servers=%s
config.storage.topic=it-tributary-configs
offset.storage.topic=it-tributary-offsets
status.storage.topic=it-tributary-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
producer.linger.ms=5
listeners=http://127.0.0.1:%d
grop.id=typo
`, testenv.Get(t, testenv.Kafka), port)
	file := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(file, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tributaryBin, "worker", file)
	cmd.Env = append(os.Environ(), "CONNECT_GROUP_ID=it-tributary")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()

	ours := getServerInfo(ctx, t, fmt.Sprintf("http://127.0.0.1:%d", port))
	oracle := getServerInfo(ctx, t, testenv.Get(t, testenv.Connect))
	if fmt.Sprint(keys(ours)) != fmt.Sprint(keys(oracle)) {
		t.Errorf("GET / fields: ours %v, Apache Kafka Connect %v", keys(ours), keys(oracle))
	}
	if ours["kafka_cluster_id"] != oracle["kafka_cluster_id"] || ours["kafka_cluster_id"] == "" {
		t.Errorf("kafka_cluster_id: ours %v, Apache Kafka Connect %v", ours["kafka_cluster_id"], oracle["kafka_cluster_id"])
	}

	// SIGTERM stops the worker cleanly.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err // for the deferred cleanup
		if err != nil {
			t.Fatalf("worker exited with %v after SIGTERM; stderr:\n%s", err, stderr.String())
		}
	case <-ctx.Done():
		t.Fatalf("worker did not stop after SIGTERM; stderr:\n%s", stderr.String())
	}
	want := "These configurations '[grop.id]' were supplied but are not used yet."
	if n := strings.Count(stderr.String(), want); n != 1 {
		t.Errorf("want the unknown-key warning once, found %d times in:\n%s", n, stderr.String())
	}
}

// TestWorkerBadInputExitsWithOneLine checks the process contract for bad input: one line on
// stderr naming the problem, exit code 2 for configuration errors and 1 for a port in use.
func TestWorkerBadInputExitsWithOneLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	valid := fmt.Sprintf("bootstrap.servers=%s\ngroup.id=g\nconfig.storage.topic=c\noffset.storage.topic=o\nstatus.storage.topic=s\nkey.converter=x\nvalue.converter=x\n", testenv.Get(t, testenv.Kafka))

	for _, tc := range []struct {
		name, file, want string
		code             int
	}{
		{"missing file", filepath.Join(dir, "nope.properties"), "does not exist", 2},
		{"malformed file", write("bad.properties", "a=\\u12G4\n"), "line 1: malformed \\uxxxx encoding", 2},
		{"missing required key", write("missing.properties", "bootstrap.servers=x:1\n"), `Missing required configuration "group.id"`, 2},
		{"invalid value", write("invalid.properties", valid+"offset.flush.interval.ms=soon\n"), "Invalid value soon for configuration offset.flush.interval.ms", 2},
		{"port in use", write("busy.properties", valid+"listeners=http://"+busy.Addr().String()+"\n"), busy.Addr().String() + ": bind: address already in use", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, tributaryBin, "worker", tc.file)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit: %v, want code %d; stderr:\n%s", err, tc.code, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "tributary: ") || !strings.Contains(last, tc.want) {
				t.Fatalf("last stderr line %q, want it to contain %q", last, tc.want)
			}
			if len(lines) != 1 {
				t.Fatalf("want exactly one line on stderr, got:\n%s", stderr.String())
			}
		})
	}
}
