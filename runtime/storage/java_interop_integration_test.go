//go:build integration

package storage

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

const fileSourceTaskClass = "org.apache.kafka.connect.file.FileStreamSourceTask"

// connectREST calls a Kafka Connect REST API and decodes the JSON answer into out (if not nil).
func connectREST(t testing.TB, method, url string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, data)
		}
	}
	return resp.StatusCode
}

type restStatus struct {
	Connector struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
	} `json:"connector"`
	Tasks []struct {
		ID       int    `json:"id"`
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
	} `json:"tasks"`
}

type restOffsets struct {
	Offsets []struct {
		Partition map[string]any `json:"partition"`
		Offset    map[string]any `json:"offset"`
	} `json:"offsets"`
}

// waitRunning polls GET /connectors/{c}/status until the connector and its one task run.
func waitRunning(t testing.TB, base, name string) restStatus {
	t.Helper()
	var st restStatus
	eventually(t, 90*time.Second, "connector "+name+" and its task to be RUNNING", func() (bool, string) {
		st = restStatus{}
		code := connectREST(t, http.MethodGet, base+"/connectors/"+name+"/status", nil, &st)
		return code == 200 && st.Connector.State == "RUNNING" && len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING",
			fmt.Sprintf("HTTP %d %+v", code, st)
	})
	return st
}

// waitOffset polls GET /connectors/{c}/offsets until the file partition's position is want.
func waitOffset(t testing.TB, base, name, file string, want int64) {
	t.Helper()
	eventually(t, 60*time.Second, fmt.Sprintf("the committed offset of %s to reach %d", name, want), func() (bool, string) {
		var off restOffsets
		code := connectREST(t, http.MethodGet, base+"/connectors/"+name+"/offsets", nil, &off)
		for _, o := range off.Offsets {
			if o.Partition["filename"] == file && o.Offset["position"] == float64(want) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("HTTP %d %+v", code, off)
	})
}

func writeLines(t testing.TB, lines ...string) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "input.txt")
	content := strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, int64(len(content))
}

// TestReadJavaConnectTopics: the Apache Kafka Connect oracle writes a connector, its task
// configs, its offsets and its statuses; new instances of our stores read them from the
// oracle's topics.
func TestReadJavaConnectTopics(t *testing.T) {
	base := testenv.Get(t, testenv.Connect)
	name := uniqueName(t, "src")
	file, size := writeLines(t, "one", "two", "three")
	dataTopic := uniqueName(t, "data")
	admin := newTestAdmin(t)
	admin.deleteTopicsAtEnd(t, dataTopic)
	cfg := map[string]string{"connector.class": "FileStreamSource", "file": file, "topic": dataTopic, "tasks.max": "1"}
	if code := connectREST(t, http.MethodPost, base+"/connectors", map[string]any{"name": name, "config": cfg}, nil); code != 201 {
		t.Fatalf("creating the connector on the oracle: HTTP %d", code)
	}
	t.Cleanup(func() {
		if code := connectREST(t, http.MethodDelete, base+"/connectors/"+name, nil, nil); code != 204 {
			t.Logf("deleting the connector on the oracle: HTTP %d", code)
		}
	})
	st := waitRunning(t, base, name)
	waitOffset(t, base, name, file, size)
	workerID := st.Connector.WorkerID
	if workerID == "" {
		t.Fatal("the oracle reported no worker_id")
	}

	ctx := itContext(t, 2*time.Minute)
	cs := NewConfigStore(itLogConfig(t, "oracle-connect-configs", "it-reader-configs"))
	if err := cs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer cs.Stop()
	ofs := NewOffsetStore(itLogConfig(t, "oracle-connect-offsets", "it-reader-offsets"))
	if err := ofs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ofs.Stop()
	ss := NewStatusStore(itLogConfig(t, "oracle-connect-status", "it-reader-statuses"))
	if err := ss.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ss.Stop()

	snap := cs.Snapshot()
	wantCfg := map[string]string{"name": name}
	for k, v := range cfg {
		wantCfg[k] = v
	}
	if !reflect.DeepEqual(snap.ConnectorConfigs[name], wantCfg) {
		t.Fatalf("connector config read from Java:\n got %v\nwant %v", snap.ConnectorConfigs[name], wantCfg)
	}
	tasks := snap.TaskConfigs[name]
	if len(tasks) != 1 || snap.TaskCounts[name] != 1 || snap.Inconsistent[name] {
		t.Fatalf("task configs %v (count %d, inconsistent %v)", tasks, snap.TaskCounts[name], snap.Inconsistent[name])
	}
	if tasks[0]["task.class"] != fileSourceTaskClass || tasks[0]["file"] != file || tasks[0]["topic"] != dataTopic {
		t.Fatalf("task config %v", tasks[0])
	}
	if snap.TargetState(name) != TargetStarted {
		t.Fatalf("target state %s", snap.TargetState(name))
	}
	if !reflect.DeepEqual(snap.AppliedConnectorConfigs[name], wantCfg) {
		t.Fatalf("applied config %v", snap.AppliedConnectorConfigs[name])
	}
	if snap.Offset <= 0 {
		t.Fatalf("config offset %d", snap.Offset)
	}
	t.Logf("Java's config topic: offset %d, %d connectors, task config %v", snap.Offset, len(snap.ConnectorConfigs), tasks[0])

	off, err := ofs.Offset(ctx, name, map[string]any{"filename": file})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"position": size}; !reflect.DeepEqual(off, want) {
		t.Fatalf("offset read from Java: %#v, want %#v", off, want)
	}
	all, err := ofs.ConnectorOffsets(ctx, name)
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0].Partition, map[string]any{"filename": file}) {
		t.Fatalf("ConnectorOffsets = %v, %v", all, err)
	}
	// Java's exact key bytes are what a rewrite would use.
	ofs.mu.Lock()
	key, _ := ofs.state.keyFor(name, map[string]any{"filename": file})
	ofs.mu.Unlock()
	if want := `["` + name + `",{"filename":"` + file + `"}]`; string(key) != want {
		t.Fatalf("Java's offsets key %s, want %s", key, want)
	}

	cst, ok := ss.Connector(name)
	if !ok || cst.State != StateRunning || cst.WorkerID != workerID || cst.Trace != "" || cst.Version != "4.1.2" {
		t.Fatalf("connector status read from Java: %+v (worker_id %s)", cst, workerID)
	}
	tst := ss.Tasks(name)
	if len(tst) != 1 || tst[0].Task != 0 || tst[0].State != StateRunning || tst[0].WorkerID != st.Tasks[0].WorkerID {
		t.Fatalf("task statuses read from Java: %+v", tst)
	}
	if tst[0].Version != "4.1.2" || tst[0].Generation <= 0 || cst.Generation <= 0 {
		t.Fatalf("task status version %q generations %d/%d", tst[0].Version, tst[0].Generation, cst.Generation)
	}
	// Topic tracking: the oracle records the data topic once its first record is acked.
	eventually(t, 30*time.Second, "the oracle's topic status record", func() (bool, string) {
		if err := ss.ReadToEnd(ctx); err != nil {
			return false, err.Error()
		}
		tp := ss.Topics(name)
		return len(tp) == 1 && tp[0].Topic == dataTopic && tp[0].Connector == name && tp[0].Task == 0 && tp[0].DiscoverTimestamp > 0,
			fmt.Sprintf("%+v", tp)
	})
	t.Logf("Java's status: connector %+v, task %+v, topics %+v", cst, tst[0], ss.Topics(name))
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startJavaWorker runs a second Apache Kafka Connect distributed worker (the stack's jars) on
// the given group and internal topics, and stops it when the test ends.
func startJavaWorker(t testing.TB, group, configs, offsets, status string) string {
	t.Helper()
	stack := testenv.Get(t, testenv.StackDir)
	cp, err := os.ReadFile(filepath.Join(stack, "kafka", "classpath.txt"))
	if err != nil {
		t.Fatalf("the stack's Kafka classpath: %v", err)
	}
	java := "java"
	if home := os.Getenv("JAVA_HOME"); home != "" {
		java = filepath.Join(home, "bin", "java")
	}
	port := freePort(t)
	dir := t.TempDir()
	props := fmt.Sprintf(`bootstrap.servers=%s
group.id=%s
config.storage.topic=%s
offset.storage.topic=%s
status.storage.topic=%s
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
listeners=http://127.0.0.1:%d
rest.advertised.host.name=127.0.0.1
rest.advertised.port=%d
rest.advertised.listener=http
plugin.discovery=service_load
`, testenv.Get(t, testenv.Kafka), group, configs, offsets, status, port, port)
	propsFile := filepath.Join(dir, "connect-distributed.properties")
	if err := os.WriteFile(propsFile, []byte(props), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "connect.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(java, "-Xms128m", "-Xmx512m", "-Djava.awt.headless=true",
		"-Dlog4j2.configurationFile="+filepath.Join(stack, "connect", "log4j2.properties"),
		"-cp", strings.TrimSpace(string(cp)), "org.apache.kafka.connect.cli.ConnectDistributed", propsFile)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the Java worker: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
		if t.Failed() {
			dumpTail(t, logPath, 60)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	eventually(t, 90*time.Second, "the Java worker's REST API", func() (bool, string) {
		select {
		case <-exited:
			dumpTail(t, logPath, 60)
			t.Fatal("the Java worker exited")
		default:
		}
		var root map[string]any
		code := connectREST(t, http.MethodGet, base+"/", nil, &root)
		return code == 200, fmt.Sprintf("HTTP %d", code)
	})
	return base
}

func dumpTail(t testing.TB, path string, n int) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	t.Logf("last lines of %s:\n%s", path, strings.Join(lines, "\n"))
}

// consumeValues reads the values of a topic until want records have arrived (or the deadline).
func consumeValues(t testing.TB, topic string, want int) []string {
	t.Helper()
	var values []string
	eventually(t, 60*time.Second, fmt.Sprintf("%d records in %s", want, topic), func() (bool, string) {
		values = values[:0]
		for _, r := range readTopic(t, topic) {
			values = append(values, string(r.value))
		}
		return len(values) >= want, fmt.Sprintf("%q", values)
	})
	return values
}

// TestJavaConnectReadsOurTopics: our stores write a connector, its task configs and an offset
// into fresh topics; a second Apache Kafka Connect worker started on those topics runs the
// connector from our offset, and reports through our status topic; a target state we write
// stops it.
func TestJavaConnectReadsOurTopics(t *testing.T) {
	ctx := itContext(t, 5*time.Minute)
	admin := newTestAdmin(t)
	group := uniqueName(t, "group")
	configs, offsets, status := group+"-configs", group+"-offsets", group+"-status"
	dataTopic := uniqueName(t, "data")
	admin.deleteTopicsAtEnd(t, configs, offsets, status, dataTopic)
	admin.createTopic(t, dataTopic, 1, nil)

	cs := NewConfigStore(itLogConfig(t, configs, group+"-configs"))
	lis := &recordingListener{}
	cs.SetListener(lis)
	if err := cs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer cs.Stop()
	ofs := NewOffsetStore(itLogConfig(t, offsets, group+"-offsets"))
	if err := ofs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ofs.Stop()
	ss := NewStatusStore(itLogConfig(t, status, group+"-statuses"))
	if err := ss.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ss.Stop()

	name := "go-written-src"
	file, size := writeLines(t, "alpha", "beta", "gamma")
	cfg := map[string]string{"name": name, "connector.class": "FileStreamSource", "file": file, "topic": dataTopic, "tasks.max": "1"}
	if err := cs.PutConnectorConfig(ctx, name, cfg, ""); err != nil {
		t.Fatal(err)
	}
	taskCfg := map[string]string{"task.class": fileSourceTaskClass}
	for k, v := range cfg {
		taskCfg[k] = v
	}
	if err := cs.PutTaskConfigs(ctx, name, []map[string]string{taskCfg}); err != nil {
		t.Fatal(err)
	}
	// Skip the first line: "alpha\n" is 6 bytes.
	if err := ofs.Put(ctx, name, []PartitionOffset{{Partition: map[string]any{"filename": file}, Offset: map[string]any{"position": 6}}}); err != nil {
		t.Fatal(err)
	}
	lis.take()

	base := startJavaWorker(t, group, configs, offsets, status)
	worker := strings.TrimPrefix(base, "http://")

	var gotCfg map[string]string
	if code := connectREST(t, http.MethodGet, base+"/connectors/"+name+"/config", nil, &gotCfg); code != 200 || !reflect.DeepEqual(gotCfg, cfg) {
		t.Fatalf("Java's GET /connectors/%s/config: HTTP %d %v, want %v", name, code, gotCfg, cfg)
	}
	var gotTasks []struct {
		ID     map[string]any    `json:"id"`
		Config map[string]string `json:"config"`
	}
	if code := connectREST(t, http.MethodGet, base+"/connectors/"+name+"/tasks", nil, &gotTasks); code != 200 ||
		len(gotTasks) != 1 || !reflect.DeepEqual(gotTasks[0].Config, taskCfg) {
		t.Fatalf("Java's GET /connectors/%s/tasks: HTTP %d %+v, want %v", name, code, gotTasks, taskCfg)
	}
	waitRunning(t, base, name)

	// The task resumed from our offset: only beta and gamma were produced.
	values := consumeValues(t, dataTopic, 2)
	var payloads []string
	for _, v := range values {
		var env struct {
			Payload string `json:"payload"`
		}
		if err := json.Unmarshal([]byte(v), &env); err != nil {
			t.Fatalf("record %s: %v", v, err)
		}
		payloads = append(payloads, env.Payload)
	}
	if !reflect.DeepEqual(payloads, []string{"beta", "gamma"}) {
		t.Fatalf("Java's task produced %q; it should have started after our offset", payloads)
	}

	// Java's statuses, through our status store.
	eventually(t, 30*time.Second, "Java's RUNNING statuses in our status store", func() (bool, string) {
		if err := ss.ReadToEnd(ctx); err != nil {
			return false, err.Error()
		}
		c, ok := ss.Connector(name)
		tasks := ss.Tasks(name)
		return ok && c.State == StateRunning && c.WorkerID == worker && len(tasks) == 1 && tasks[0].State == StateRunning &&
			tasks[0].WorkerID == worker, fmt.Sprintf("%+v %+v", c, tasks)
	})
	// Java's offset commits, through our offset store.
	waitOffset(t, base, name, file, size)
	if off, err := ofs.Offset(ctx, name, map[string]any{"filename": file}); err != nil || !reflect.DeepEqual(off, map[string]any{"position": size}) {
		t.Fatalf("Java's committed offset through our store: %v %v", off, err)
	}
	// Java rewrote the partition under the key bytes we wrote (no second key).
	recs := readTopic(t, offsets)
	for _, r := range recs {
		if string(r.key) != `["`+name+`",{"filename":"`+file+`"}]` {
			t.Fatalf("unexpected offsets key %s", r.key)
		}
	}
	if len(recs) < 2 {
		t.Fatalf("expected our offset and Java's commit, got %d records", len(recs))
	}

	// Stop the connector the way Java's herder does (DistributedHerder.stopConnector): an empty
	// set of task configs first, then the target state STOPPED (state PAUSED, state.v2 STOPPED).
	lis.take()
	if err := cs.PutTaskConfigs(ctx, name, nil); err != nil {
		t.Fatal(err)
	}
	if err := cs.PutTargetState(ctx, name, TargetStopped); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "Java to stop the connector", func() (bool, string) {
		var st restStatus
		code := connectREST(t, http.MethodGet, base+"/connectors/"+name+"/status", nil, &st)
		return code == 200 && st.Connector.State == "STOPPED" && len(st.Tasks) == 0, fmt.Sprintf("HTTP %d %+v", code, st)
	})
	if err := cs.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	if snap := cs.Snapshot(); snap.TaskCounts[name] != 0 || len(snap.TaskConfigs[name]) != 0 || snap.TargetState(name) != TargetStopped {
		t.Fatalf("our view after the stop: count %d target %s", snap.TaskCounts[name], snap.TargetState(name))
	}
	if ev := lis.take(); !reflect.DeepEqual(ev, []string{"tasks " + name, "target " + name}) {
		t.Fatalf("listener events for the stop: %q", ev)
	}
	// Java's STOPPED status, through our status store; the task status is gone.
	eventually(t, 30*time.Second, "Java's STOPPED status in our status store", func() (bool, string) {
		if err := ss.ReadToEnd(ctx); err != nil {
			return false, err.Error()
		}
		c, _ := ss.Connector(name)
		return c.State == StateStopped && c.WorkerID == worker, fmt.Sprintf("%+v %+v", c, ss.Tasks(name))
	})
	// GET /connectors/{c}/offsets on Java shows the offset through the topic we share.
	waitOffset(t, base, name, file, size)
}
