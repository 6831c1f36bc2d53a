//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// clusterProps makes a test cluster rebalance quickly: a dead worker is noticed after 6 s
// and its work is held for 3 s before it is reassigned.
const clusterProps = `session.timeout.ms=6000
heartbeat.interval.ms=1000
scheduled.rebalance.max.delay.ms=3000`

type taskPlacement struct {
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

func getJSON(t *testing.T, url string, out any) []byte {
	t.Helper()
	resp, err := httpClient.Get(url)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	return b
}

// placements polls until every connector has want tasks RUNNING on workers in alive, and
// returns connector → status.
func waitAllRunning(ctx context.Context, t *testing.T, base string, connectors []string, want int, alive map[string]bool) map[string]taskPlacement {
	t.Helper()
	var last map[string]taskPlacement
	for ctx.Err() == nil {
		last = map[string]taskPlacement{}
		ok := true
		for _, c := range connectors {
			var st taskPlacement
			if getJSON(t, base+"/connectors/"+c+"/status", &st) == nil {
				ok = false
				break
			}
			last[c] = st
			if st.Connector.State != "RUNNING" || !alive[st.Connector.WorkerID] || len(st.Tasks) != want {
				ok = false
			}
			for _, tk := range st.Tasks {
				if tk.State != "RUNNING" || !alive[tk.WorkerID] {
					ok = false
				}
			}
		}
		if ok {
			return last
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatalf("not every connector and task RUNNING on a live worker before the deadline: %+v", last)
	return nil
}

func workerIDOf(url string) string { return strings.TrimPrefix(url, "http://") }

// TestDistributedClusterSharesAndSurvives runs three workers in one group: connectors
// created through any worker are spread evenly; every worker answers the same; a worker
// killed with -9 has its tasks reassigned after the scheduled delay and they resume from
// their committed offsets (counted in Kafka: nothing missing); SIGTERM rebalances at once.
func TestDistributedClusterSharesAndSurvives(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 240*time.Second)
	defer cancel()
	run := time.Now().UnixNano()
	topics := &workerTopics{Prefix: fmt.Sprintf("it-cluster-%d", run), Extra: clusterProps}
	workers := []*workerProc{startWorker(t, ctx, topics), startWorker(t, ctx, topics), startWorker(t, ctx, topics)}
	alive := map[string]bool{}
	for _, w := range workers {
		alive[workerIDOf(w.URL)] = true
	}

	// 4 connectors × 3 tasks, created through different workers (followers forward).
	var connectors []string
	topicOf := func(c string) string { return fmt.Sprintf("it-cluster-%d-%s", run, c) }
	for i := 0; i < 4; i++ {
		name := fmt.Sprintf("seq-%d", i)
		connectors = append(connectors, name)
		createConnector(t, workers[i%3].URL, name, map[string]string{
			"connector.class": "io.tributary.examples.SequenceSourceConnector", "tasks.max": "3",
			"topic": topicOf(name), "sequence.rate.per.second": "200",
		})
	}
	st := waitAllRunning(ctx, t, workers[0].URL, connectors, 3, alive)
	perWorker := map[string]int{}
	connPerWorker := map[string]int{}
	for _, c := range connectors {
		connPerWorker[st[c].Connector.WorkerID]++
		for _, tk := range st[c].Tasks {
			perWorker[tk.WorkerID]++
		}
	}
	t.Logf("tasks per worker %v, connectors per worker %v", perWorker, connPerWorker)
	if len(perWorker) != 3 || spread(perWorker) > 1 || spread(connPerWorker) > 1 {
		t.Errorf("uneven assignment: tasks %v, connectors %v", perWorker, connPerWorker)
	}
	// Every worker answers every GET identically (status comes from each worker's copy of
	// the status topic, so allow it a moment to catch up, as with Kafka Connect).
	for _, c := range connectors {
		for _, path := range []string{"/connectors/" + c + "/status", "/connectors/" + c, "/connectors/" + c + "/tasks"} {
			var answers []string
			same := false
			for deadline := time.Now().Add(10 * time.Second); !same && time.Now().Before(deadline); {
				answers = answers[:0]
				for _, w := range workers {
					answers = append(answers, string(getJSON(t, w.URL+path, nil)))
				}
				same = answers[0] != "" && answers[0] == answers[1] && answers[1] == answers[2]
				if !same {
					<-time.After(100 * time.Millisecond)
				}
			}
			if !same {
				t.Errorf("GET %s differs between workers:\n  %s", path, strings.Join(answers, "\n  "))
			}
		}
	}

	// kill -9 a follower (the first worker to join leads; a new leader would not know the
	// dead worker's share and reassigns it at once, as Kafka's does).
	victim := workers[2]
	victim.Stop(t, true)
	delete(alive, workerIDOf(victim.URL))
	var survivor *workerProc
	for _, w := range workers {
		if w != victim {
			survivor = w
		}
	}
	killed := time.Now()
	// While the leader holds the dead worker's share (scheduled.rebalance.max.delay.ms), its
	// tasks show UNASSIGNED instead of RUNNING on a dead worker.
	victimID := workerIDOf(victim.URL)
	sawUnassigned := false
	for ctx.Err() == nil && !sawUnassigned && time.Since(killed) < 20*time.Second {
		for _, c := range connectors {
			var stc taskPlacement
			getJSON(t, survivor.URL+"/connectors/"+c+"/status", &stc)
			for _, tk := range stc.Tasks {
				if tk.State == "UNASSIGNED" {
					sawUnassigned = true
				}
			}
		}
		<-time.After(100 * time.Millisecond)
	}
	if !sawUnassigned {
		t.Errorf("the tasks of the killed worker %s never showed UNASSIGNED", victimID)
	}
	waitAllRunning(ctx, t, survivor.URL, connectors, 3, alive)
	t.Logf("after kill -9, all 12 tasks RUNNING again on the 2 survivors in %v", time.Since(killed).Round(time.Millisecond))

	// Records: every task's sequence, counted in Kafka after the reassigned tasks produced
	// more, has no gap; duplicates come from the killed worker's unflushed window.
	for _, c := range connectors {
		before := topicSize(ctx, t, topicOf(c))
		for ctx.Err() == nil && topicSize(ctx, t, topicOf(c)) < before+600 {
			<-time.After(200 * time.Millisecond)
		}
		size := topicSize(ctx, t, topicOf(c))
		recs := consumeAll(ctx, t, topicOf(c), int(size))
		missing, dups := sequenceGaps(recs)
		t.Logf("%s: %d records, %d duplicates, %d missing", c, len(recs), dups, missing)
		if missing != 0 {
			t.Errorf("%s: %d sequence numbers missing after kill -9", c, missing)
		}
	}

	// SIGTERM: the worker leaves the group; the other takes over well within the session timeout.
	var leaving *workerProc
	for _, w := range workers {
		if w != victim && w != survivor {
			leaving = w
		}
	}
	start := time.Now()
	leaving.Stop(t, false)
	delete(alive, workerIDOf(leaving.URL))
	waitAllRunning(ctx, t, survivor.URL, connectors, 3, alive)
	took := time.Since(start)
	t.Logf("SIGTERM: graceful stop and rebalance done in %v (session timeout 6 s)", took.Round(time.Millisecond))
	if took > 6*time.Second {
		t.Errorf("after SIGTERM the survivor took %v to run everything; a LeaveGroup should make it much faster than the 6 s session timeout", took)
	}
}

func spread(m map[string]int) int {
	lo, hi := -1, 0
	for _, n := range m {
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	return hi - lo
}

// sequenceGaps counts, per task (record key), the sequence numbers missing between 0 and the
// highest one seen, and the duplicates.
func sequenceGaps(recs []rec) (missing, dups int) {
	seen := map[string]map[int64]int{}
	for _, r := range recs {
		var env struct {
			Payload json.Number `json:"payload"`
		}
		if err := json.Unmarshal(r.Value, &env); err != nil {
			continue
		}
		n, err := strconv.ParseInt(env.Payload.String(), 10, 64)
		if err != nil {
			continue
		}
		k := string(r.Key)
		if seen[k] == nil {
			seen[k] = map[int64]int{}
		}
		seen[k][n]++
	}
	for _, m := range seen {
		var hi int64
		for n, c := range m {
			hi = max(hi, n)
			dups += c - 1
		}
		missing += int(hi+1) - len(m)
	}
	return missing, dups
}

// topicSize is the number of records in a topic (sum of its partitions' end offsets).
func topicSize(ctx context.Context, t *testing.T, topic string) int64 {
	t.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": testenv.Get(t, testenv.Kafka), "group.id": "it-size"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range md.Topics[topic].Partitions {
		lo, hi, err := c.QueryWatermarkOffsets(topic, p.ID, 10000)
		if err != nil && ctx.Err() == nil {
			t.Fatal(err)
		}
		n += hi - lo
	}
	return n
}

// metricValue reads one unlabelled metric from a worker's /metrics.
func metricValue(t *testing.T, base, name string) float64 {
	t.Helper()
	resp, err := httpClient.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("%s/metrics has no %s", base, name)
	return 0
}

// TestDistributedJoinIsCooperative: a fourth worker joining gets its share, and the tasks
// that stay where they were are never stopped: the original workers start no task during
// the rebalance (they only give some up).
func TestDistributedJoinIsCooperative(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	run := time.Now().UnixNano()
	topics := &workerTopics{Prefix: fmt.Sprintf("it-join-%d", run), Extra: clusterProps}
	workers := []*workerProc{startWorker(t, ctx, topics), startWorker(t, ctx, topics), startWorker(t, ctx, topics)}
	alive := map[string]bool{}
	for _, w := range workers {
		alive[workerIDOf(w.URL)] = true
	}
	var connectors []string
	for i := 0; i < 4; i++ {
		name := fmt.Sprintf("join-%d", i)
		connectors = append(connectors, name)
		createConnector(t, workers[0].URL, name, map[string]string{
			"connector.class": "io.tributary.examples.SequenceSourceConnector", "tasks.max": "3",
			"topic": fmt.Sprintf("it-join-%d-%s", run, name), "sequence.rate.per.second": "50",
		})
	}
	waitAllRunning(ctx, t, workers[0].URL, connectors, 3, alive)
	const startups = "kafka_connect_connect_worker_metrics_task_startup_attempts_total"
	before := map[string]float64{}
	for _, w := range workers {
		before[w.URL] = metricValue(t, w.URL, startups)
	}

	fourth := startWorker(t, ctx, topics)
	alive[workerIDOf(fourth.URL)] = true
	var st map[string]taskPlacement
	for ctx.Err() == nil {
		st = waitAllRunning(ctx, t, workers[0].URL, connectors, 3, alive)
		per := map[string]int{}
		for _, c := range connectors {
			for _, tk := range st[c].Tasks {
				per[tk.WorkerID]++
			}
		}
		if per[workerIDOf(fourth.URL)] == 3 && spread(per) == 0 {
			t.Logf("after the fourth worker joined: tasks per worker %v", per)
			break
		}
		<-time.After(250 * time.Millisecond)
	}
	for _, w := range workers {
		if after := metricValue(t, w.URL, startups); after != before[w.URL] {
			t.Errorf("worker %s started %v tasks during the rebalance; cooperative rebalancing must not restart tasks that stay", w.URL, after-before[w.URL])
		}
	}
	if n := metricValue(t, fourth.URL, startups); n != 3 {
		t.Errorf("the new worker started %v tasks, want 3", n)
	}
}

// TestForeignConfigRecordsAreSkipped writes records the worker cannot parse into its config
// topic while it runs: each is logged with its offset and skipped, and the worker keeps
// serving and running connectors.
func TestForeignConfigRecordsAreSkipped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	run := time.Now().UnixNano()
	topics := &workerTopics{Prefix: fmt.Sprintf("it-foreign-%d", run)}
	w := startWorker(t, ctx, topics)
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": testenv.Get(t, testenv.Kafka)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	topic := topics.Prefix + "-configs"
	for _, r := range []struct{ key, value string }{
		{"connector-broken", "this is not JSON"},
		{"task-broken-x", `{"properties":{}}`},
		{"something-else", `{"a":1}`},
		{"commit-broken", `{"tasks":"many"}`}, // a commit for an unknown connector: ignored silently, as Kafka does
	} {
		dr := make(chan kafka.Event, 1)
		if err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Key: []byte(r.key), Value: []byte(r.value)}, dr); err != nil {
			t.Fatal(err)
		}
		if m := (<-dr).(*kafka.Message); m.TopicPartition.Error != nil {
			t.Fatal(m.TopicPartition.Error)
		}
	}
	input := t.TempDir() + "/in.txt"
	appendFile(t, input, "still\nworking\n")
	createConnector(t, w.URL, "after-garbage", map[string]string{"connector.class": "FileStreamSource", "file": input, "topic": topics.Prefix + "-out"})
	if got := consumeAll(ctx, t, topics.Prefix+"-out", 2); len(got) != 2 {
		t.Fatalf("connector created after the garbage produced %d records, want 2", len(got))
	}
	logs := w.stderr.String()
	for _, key := range []string{"connector-broken", "task-broken-x", "something-else"} {
		if !strings.Contains(logs, "key="+key) || !strings.Contains(logs, "offset=") {
			t.Errorf("no warning naming the record %q and its offset in the worker log", key)
		}
	}
}

// TestInternalRequestsAreSigned: the internal task-config endpoint refuses unsigned (400)
// and badly signed (403) requests, as Kafka's KIP-507 does under the sessioned protocol.
func TestInternalRequestsAreSigned(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	w := startWorker(t, ctx, nil)
	input := t.TempDir() + "/in.txt"
	appendFile(t, input, "x\n")
	createConnector(t, w.URL, "signed", map[string]string{"connector.class": "FileStreamSource", "file": input, "topic": fmt.Sprintf("it-signed-%d", time.Now().UnixNano())})
	waitConnectorState(ctx, t, w.URL, "signed", "RUNNING") // the leader has written its session key by now
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		code int
		want string
	}{
		{"unsigned", nil, 400, "Internal request missing required signature"},
		{"bad signature", map[string]string{"X-Connect-Authorization": "AAAA", "X-Connect-Request-Signature-Algorithm": "HmacSHA256"}, 403, "Internal request contained invalid signature."},
	} {
		req, _ := http.NewRequest(http.MethodPost, w.URL+"/connectors/signed/tasks", strings.NewReader(`[{"task.class":"x"}]`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range tc.hdr {
			req.Header.Set(k, v)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s, want %d %q", tc.name, resp.StatusCode, b, tc.code, tc.want)
		}
	}
}
