//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// javaWorker is an Apache Kafka Connect 4.1 worker process (from the test stack's jars).
type javaWorker struct {
	URL    string
	cmd    *exec.Cmd
	exited chan error
	log    string
}

// startJavaWorker starts Apache Kafka Connect on the group and internal topics of topics,
// and waits until its REST API lists connectors.
func startJavaWorker(t *testing.T, ctx context.Context, topics *workerTopics) *javaWorker {
	t.Helper()
	stack := testenv.Get(t, testenv.StackDir)
	cp, err := os.ReadFile(filepath.Join(stack, "kafka", "classpath.txt"))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	dir := t.TempDir()
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
rest.advertised.host.name=127.0.0.1
rest.advertised.port=%[3]d
plugin.discovery=service_load
`, testenv.Get(t, testenv.Kafka), topics.Prefix, port)
	file := filepath.Join(dir, "connect-distributed.properties")
	if err := os.WriteFile(file, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	j := &javaWorker{URL: fmt.Sprintf("http://127.0.0.1:%d", port), exited: make(chan error, 1), log: filepath.Join(dir, "connect.log")}
	logFile, err := os.Create(j.log)
	if err != nil {
		t.Fatal(err)
	}
	j.cmd = exec.Command("java", "-Xmx384m", "-Dlog4j2.configurationFile="+filepath.Join(stack, "connect", "log4j2.properties"),
		"-cp", strings.TrimSpace(string(cp)), "org.apache.kafka.connect.cli.ConnectDistributed", file)
	j.cmd.Stdout, j.cmd.Stderr = logFile, logFile
	if err := j.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { j.exited <- j.cmd.Wait(); _ = logFile.Close() }()
	t.Cleanup(func() {
		_ = j.cmd.Process.Kill()
		<-j.exited
		j.exited <- nil
		if t.Failed() {
			b, _ := os.ReadFile(j.log)
			lines := strings.Split(string(b), "\n")
			t.Logf("Java worker log (last 40 lines):\n%s", strings.Join(lines[max(0, len(lines)-40):], "\n"))
		}
	})
	for ctx.Err() == nil {
		if getJSON(t, j.URL+"/connectors", nil) != nil {
			return j
		}
		select {
		case err := <-j.exited:
			j.exited <- err
			t.Fatalf("Apache Kafka Connect exited while starting: %v", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatal("Apache Kafka Connect did not start before the deadline")
	return nil
}

// Stop ends the Java worker gracefully and waits for it. Apache Kafka Connect 4.1 now and then
// hangs in its shutdown (seen once in a clean-clone CI run, with no other worker in its group);
// after 60 s it is killed, and the test goes on: what it checks (the committed offsets and
// configs) was written before the stop.
func (j *javaWorker) Stop(t *testing.T) {
	t.Helper()
	_ = j.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-j.exited:
		j.exited <- err
		return
	case <-time.After(60 * time.Second):
	}
	t.Logf("Apache Kafka Connect did not stop within 60 s of SIGTERM; killing it")
	_ = j.cmd.Process.Kill()
	select {
	case err := <-j.exited:
		j.exited <- err
	case <-time.After(30 * time.Second):
		t.Fatal("Apache Kafka Connect did not exit after SIGKILL")
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCutoverBetweenTributaryAndApacheKafkaConnect stops a Tributary cluster and starts an
// Apache Kafka Connect worker on the same group and internal topics: it lists our connector,
// shows our offsets and resumes exactly where we stopped. Then the reverse.
func TestCutoverBetweenTributaryAndApacheKafkaConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 240*time.Second)
	defer cancel()
	run := time.Now().UnixNano()
	topics := &workerTopics{Prefix: fmt.Sprintf("it-cutover-%d", run)}
	dir := t.TempDir()
	ourFile, theirFile := filepath.Join(dir, "ours.txt"), filepath.Join(dir, "theirs.txt")
	ourTopic, theirTopic := fmt.Sprintf("it-cutover-ours-%d", run), fmt.Sprintf("it-cutover-theirs-%d", run)
	appendFile(t, ourFile, "a\nb\nc\n")

	// Tributary runs first.
	w := startWorker(t, ctx, topics)
	createConnector(t, w.URL, "from-tributary", map[string]string{"connector.class": "FileStreamSource", "file": ourFile, "topic": ourTopic})
	ours := waitOffsets(ctx, t, w.URL, "from-tributary", positionIs(6))
	w.Stop(t, false)

	// Apache Kafka Connect takes over.
	j := startJavaWorker(t, ctx, topics)
	var names []string
	getJSON(t, j.URL+"/connectors", &names)
	if len(names) != 1 || names[0] != "from-tributary" {
		t.Fatalf("Apache Kafka Connect lists %v, want [from-tributary]", names)
	}
	theirView := waitOffsets(ctx, t, j.URL, "from-tributary", positionIs(6))
	if fmt.Sprint(theirView) != fmt.Sprint(ours) {
		t.Fatalf("offsets: Apache Kafka Connect shows %v, Tributary stored %v", theirView, ours)
	}
	appendFile(t, ourFile, "d\ne\n")
	if got := consumeAll(ctx, t, ourTopic, 5); len(got) != 5 || countPayloads(got) != "a,b,c,d,e" {
		t.Fatalf("after the cutover to Java the topic holds %q, want a..e once each", countPayloads(got))
	}
	waitOffsets(ctx, t, j.URL, "from-tributary", positionIs(10))

	// Java creates a connector; then Tributary takes the cluster back.
	appendFile(t, theirFile, "x\ny\n")
	createConnector(t, j.URL, "from-java", map[string]string{"connector.class": "FileStreamSource", "file": theirFile, "topic": theirTopic})
	javaOffsets := waitOffsets(ctx, t, j.URL, "from-java", positionIs(4))
	j.Stop(t)

	w = startWorker(t, ctx, topics)
	names = nil
	getJSON(t, w.URL+"/connectors", &names)
	if fmt.Sprint(names) != "[from-java from-tributary]" {
		t.Fatalf("Tributary lists %v, want both connectors", names)
	}
	if got := waitOffsets(ctx, t, w.URL, "from-java", positionIs(4)); fmt.Sprint(got) != fmt.Sprint(javaOffsets) {
		t.Fatalf("offsets: Tributary shows %v, Apache Kafka Connect stored %v", got, javaOffsets)
	}
	appendFile(t, theirFile, "z\n")
	appendFile(t, ourFile, "f\n")
	if got := consumeAll(ctx, t, theirTopic, 3); countPayloads(got) != "x,y,z" {
		t.Fatalf("after the cutover back the Java connector's topic holds %q, want x,y,z once each", countPayloads(got))
	}
	if got := consumeAll(ctx, t, ourTopic, 6); countPayloads(got) != "a,b,c,d,e,f" {
		t.Fatalf("after the cutover back our connector's topic holds %q, want a..f once each", countPayloads(got))
	}
}

// countPayloads lists the string payloads of JsonConverter records, in order.
func countPayloads(recs []rec) string {
	var out []string
	for _, r := range recs {
		var env struct {
			Payload string `json:"payload"`
		}
		_ = json.Unmarshal(r.Value, &env)
		out = append(out, env.Payload)
	}
	return strings.Join(out, ",")
}

// TestMixedGroupIsRefused: a Tributary worker in a group with an Apache Kafka Connect
// worker says plainly that mixed clusters are not supported, and refuses to lead one.
func TestMixedGroupIsRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	topics := &workerTopics{Prefix: fmt.Sprintf("it-mixed-%d", time.Now().UnixNano())}
	w := startWorker(t, ctx, topics) // Tributary first: it leads
	j := startJavaWorker(t, ctx, topics)
	for ctx.Err() == nil && !strings.Contains(w.stderr.String(), "refusing to lead") {
		<-time.After(200 * time.Millisecond)
	}
	if !strings.Contains(w.stderr.String(), "mixed Tributary/Apache Kafka Connect clusters are not supported") {
		t.Fatalf("the Tributary leader did not refuse the mixed group:\n%s", w.stderr.String())
	}
	// The Java worker leads meanwhile and serves its REST API.
	if getJSON(t, j.URL+"/connectors", nil) == nil {
		t.Fatal("the Java worker does not answer GET /connectors")
	}
}
