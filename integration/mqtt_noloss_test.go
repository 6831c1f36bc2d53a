//go:build integration

package integration

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// "Nothing is lost": a publisher sends the numbers 0..nlMessages-1 as QoS 1 messages while
// the stack is hurt (the worker killed with -9 twice, Kafka frozen for 20 s, Mosquitto
// restarted), and every number the broker acknowledged must end up in Kafka. Duplicates are
// allowed; each must be a redelivery by the broker (flagged DUP) of a message the connector
// had not acknowledged, and after kills they are bounded by the connector's in-flight window.

const (
	nlMessages   = 100_000          // numbered messages per scenario
	nlReceiveMax = 2000             // mqtt.receive.maximum of the connectors under test
	nlAckSlack   = 3 * nlReceiveMax // acks written but never read by the broker when a worker dies (see kill9)
	nlWindow     = 1000             // outstanding publishes of the test publisher (paho further caps them at the broker's Receive Maximum)
	nlDrain      = 120 * time.Second
	nlPause      = 20 * time.Second // how long Kafka is frozen
)

// nlEnv holds the stack variables these tests need besides the helpers' own.
type nlEnv struct {
	mqtt, kafkaPIDFile, mqttRestart string
}

func nlGetEnv(t *testing.T) nlEnv {
	t.Helper()
	get := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			t.Fatalf("%s is not set: integration tests run against the real stack; use `make test`, or `make up` and then `. .stack/env`", name)
		}
		return v
	}
	get(testenv.Kafka)
	return nlEnv{
		mqtt:         get("TRIBUTARY_TEST_MQTT"),
		kafkaPIDFile: get("TRIBUTARY_TEST_KAFKA_PIDFILE"),
		mqttRestart:  get("TRIBUTARY_TEST_MQTT_RESTART"),
	}
}

// nlDial connects an MQTT 5 client to a tcp:// listener. packetConn makes each packet one
// write, and the locker keeps concurrent packets (publishes, pings, acks) from interleaving.
func nlDial(ctx context.Context, host string, cfg paho.ClientConfig, cp *paho.Connect) (*paho.Client, *paho.Connack, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, err
	}
	cfg.Conn = packets.NewThreadSafeConn(&packetConn{Conn: conn})
	cli := paho.NewClient(cfg)
	ca, err := cli.Connect(ctx, cp)
	if err != nil {
		_ = conn.Close()
		return nil, ca, err
	}
	if ca.ReasonCode != 0 {
		_ = cli.Disconnect(&paho.Disconnect{})
		return nil, ca, fmt.Errorf("CONNACK reason code 0x%02x", ca.ReasonCode)
	}
	return cli, ca, nil
}

func nlHost(t *testing.T, addr string) string {
	t.Helper()
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" {
		t.Fatalf("bad MQTT address %q: %v", addr, err)
	}
	return u.Host
}

// nlPublisher publishes the numbers 0..n-1 as QoS 1 messages, as fast as the broker
// acknowledges them, with at most nlWindow publishes outstanding. It has its own persistent
// session. When the connection is lost it reconnects and publishes again every number whose
// PUBACK it did not get, so when it is done the broker has acknowledged every number at
// least once.
type nlPublisher struct {
	host, clientID, topic string
	n                     int
	pad                   string
	logf                  func(string, ...any)

	todo     chan int // numbers to (re)publish; holds all n, so sends never block
	acked    []atomic.Bool
	resent   []atomic.Int32 // times a number was published again after a failed attempt
	nAcked   atomic.Int64
	attempts atomic.Int64 // PUBLISH packets handed to paho, resends included
	failures atomic.Int64 // publishes without a successful PUBACK (then published again)
	noMatch  atomic.Int64 // PUBACK 0x10 "no matching subscribers": the message went nowhere
	connects atomic.Int64

	allAcked chan struct{}
	allOnce  sync.Once
	done     chan struct{}
	err      error // set before done is closed
	elapsed  time.Duration
}

func nlStartPublisher(ctx context.Context, t *testing.T, addr, topic string, n int) *nlPublisher {
	t.Helper()
	p := &nlPublisher{
		host: nlHost(t, addr), clientID: fmt.Sprintf("nl-pub-%d", time.Now().UnixNano()), topic: topic, n: n,
		pad: strings.Repeat("x", 80), logf: t.Logf,
		todo: make(chan int, n), acked: make([]atomic.Bool, n), resent: make([]atomic.Int32, n),
		allAcked: make(chan struct{}), done: make(chan struct{}),
	}
	for i := range n {
		p.todo <- i
	}
	ctx, cancel := context.WithCancel(ctx)
	go p.run(ctx)
	t.Cleanup(func() { cancel(); <-p.done })
	return p
}

// Acked is how many distinct numbers the broker has acknowledged.
func (p *nlPublisher) Acked() int { return int(p.nAcked.Load()) }

func (p *nlPublisher) run(ctx context.Context) {
	defer close(p.done)
	start := time.Now()
	backoff := 50 * time.Millisecond
	for p.Acked() < p.n {
		if ctx.Err() != nil {
			p.err = fmt.Errorf("publisher stopped with %d of %d numbers acknowledged: %w", p.Acked(), p.n, ctx.Err())
			return
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		expiry := uint32(600)
		cli, _, err := nlDial(cctx, p.host, paho.ClientConfig{PacketTimeout: 30 * time.Second}, &paho.Connect{
			ClientID: p.clientID, CleanStart: p.connects.Load() == 0, KeepAlive: 5,
			Properties: &paho.ConnectProperties{SessionExpiryInterval: &expiry},
		})
		cancel()
		if err != nil {
			select { // the broker is restarting: retry with back-off
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		if c := p.connects.Add(1); c > 1 {
			p.logf("publisher: reconnected (connection %d) with %d of %d numbers acknowledged", c, p.Acked(), p.n)
		}
		p.publishOver(ctx, cli)
		d := &paho.Disconnect{ReasonCode: 0}
		if p.Acked() == p.n {
			zero := uint32(0)
			d.Properties = &paho.DisconnectProperties{SessionExpiryInterval: &zero} // done: drop our session
		}
		_ = cli.Disconnect(d)
		<-cli.Done()
	}
	p.elapsed = time.Since(start)
}

// publishOver publishes over one connection until every number is acknowledged or the
// connection ends.
func (p *nlPublisher) publishOver(ctx context.Context, cli *paho.Client) {
	var wg sync.WaitGroup
	for range nlWindow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case <-cli.Done():
					return
				case <-p.allAcked:
					return
				case seq := <-p.todo:
					p.attempts.Add(1)
					payload := fmt.Appendf(nil, `{"seq":%d,"pad":"%s"}`, seq, p.pad)
					pr, err := cli.Publish(ctx, &paho.Publish{Topic: p.topic, QoS: 1, Payload: payload})
					if err != nil || pr == nil || pr.ReasonCode >= 0x80 {
						if f := p.failures.Add(1); f <= 3 {
							var code byte
							if pr != nil {
								code = pr.ReasonCode
							}
							p.logf("publisher: number %d not acknowledged, publishing it again: %v (reason code 0x%02x)", seq, err, code)
						}
						p.resent[seq].Add(1)
						p.todo <- seq
						continue
					}
					if pr.ReasonCode == 0x10 {
						p.noMatch.Add(1)
					}
					if !p.acked[seq].Swap(true) && p.nAcked.Add(1) == int64(p.n) {
						p.allOnce.Do(func() { close(p.allAcked) })
					}
				}
			}
		}()
	}
	wg.Wait()
}

// nlTally reads a Kafka topic from the beginning and counts the numbered messages in it,
// and the copies the broker did not flag as redeliveries (header mqtt.duplicate=false).
type nlTally struct {
	n       int
	mu      sync.Mutex
	counts  []uint32
	fresh   []uint32 // copies with mqtt.duplicate=false
	records int
	unique  int
	bad     int // records that are not one of our numbered messages
	done    chan struct{}
}

func nlStartTally(ctx context.Context, t *testing.T, topic string, n int) *nlTally {
	t.Helper()
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": testenv.Get(t, testenv.Kafka), "group.id": fmt.Sprintf("nl-tally-%d", time.Now().UnixNano()),
		"enable.auto.commit": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Assign([]kafka.TopicPartition{{Topic: &topic, Partition: 0, Offset: kafka.OffsetBeginning}}); err != nil {
		c.Close()
		t.Fatal(err)
	}
	tl := &nlTally{n: n, counts: make([]uint32, n), fresh: make([]uint32, n), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(tl.done)
		defer c.Close()
		for ctx.Err() == nil {
			m, err := c.ReadMessage(200 * time.Millisecond)
			if err != nil {
				continue // timeouts, and errors while Kafka is away: librdkafka retries
			}
			tl.add(m)
		}
	}()
	t.Cleanup(func() { cancel(); <-tl.done })
	return tl
}

func (tl *nlTally) add(m *kafka.Message) {
	seq := -1
	if rest, ok := bytes.CutPrefix(m.Value, []byte(`{"seq":`)); ok {
		if i := bytes.IndexByte(rest, ','); i > 0 {
			if n, err := strconv.Atoi(string(rest[:i])); err == nil && n >= 0 && n < tl.n {
				seq = n
			}
		}
	}
	redelivered := false
	for _, h := range m.Headers {
		if h.Key == "mqtt.duplicate" {
			redelivered = string(h.Value) == "true"
		}
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.records++
	if seq < 0 {
		tl.bad++
		return
	}
	if tl.counts[seq] == 0 {
		tl.unique++
	}
	tl.counts[seq]++
	if !redelivered {
		tl.fresh[seq]++
	}
}

// snapshot returns the records read, the distinct numbers among them, and the foreign records.
func (tl *nlTally) snapshot() (records, unique, bad int) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.records, tl.unique, tl.bad
}

// missing describes the numbers not seen: how many, and the first ranges.
func (tl *nlTally) missing() string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var ranges []string
	total := 0
	for i := 0; i < tl.n; i++ {
		if tl.counts[i] != 0 {
			continue
		}
		j := i
		for j+1 < tl.n && tl.counts[j+1] == 0 {
			j++
		}
		total += j - i + 1
		if len(ranges) < 20 {
			ranges = append(ranges, fmt.Sprintf("%d-%d", i, j))
		}
		i = j
	}
	return fmt.Sprintf("%d numbers missing from Kafka, first ranges %v", total, ranges)
}

// unexplained returns the numbers with more copies not flagged DUP than the publisher sent
// (each message reaches the subscription once without DUP; every redelivery is flagged), and
// the copies flagged DUP.
func (tl *nlTally) unexplained(p *nlPublisher) (bad []string, flagged int) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for i := 0; i < tl.n; i++ {
		flagged += int(tl.counts[i] - tl.fresh[i])
		if allowed := 1 + uint32(p.resent[i].Load()); tl.fresh[i] > allowed && len(bad) < 10 {
			bad = append(bad, fmt.Sprintf("%d (%d copies without DUP, %d published)", i, tl.fresh[i], allowed))
		}
	}
	return bad, flagged
}

// nlWaitFor polls cond every 100 ms until it holds (true) or timeout passes (false).
func nlWaitFor(ctx context.Context, timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-deadline.C:
			return cond()
		case <-tick.C:
		}
	}
	return true
}

// nlScenario is one connector with its own MQTT topic, Kafka topic and worker group.
type nlScenario struct {
	name, mqttTopic, kafkaTopic, clientID string
	topics                                *workerTopics
	pub                                   *nlPublisher
	tally                                 *nlTally
	begun, start                          time.Time
}

// nlSetup creates the Kafka topic, starts a worker, creates the connector on it, waits until
// its task runs (its subscription exists then, before anything is published) and starts
// reading the Kafka topic. The connector's broker session is removed at the end of the test,
// after the workers are gone.
func nlSetup(ctx context.Context, t *testing.T, env nlEnv, label, workerExtra string) (*nlScenario, *workerProc) {
	t.Helper()
	run := time.Now().UnixNano()
	s := &nlScenario{
		name:       fmt.Sprintf("nl-%s-%d", label, run),
		mqttTopic:  fmt.Sprintf("it/noloss/%s/%d", label, run),
		kafkaTopic: fmt.Sprintf("it-noloss-%s-%d", label, run),
		topics:     &workerTopics{Prefix: fmt.Sprintf("it-noloss-%s-%d", label, run), Extra: workerExtra},
		begun:      time.Now(),
	}
	s.clientID = s.name + "-0"
	nlCreateTopic(ctx, t, s.kafkaTopic)
	t.Cleanup(func() { nlDropSession(t, env.mqtt, s.clientID) }) // cleanups run last-in first-out: after the workers'
	w := startWorker(t, ctx, s.topics)
	createConnector(t, w.URL, s.name, map[string]string{
		"connector.class":      "io.tributary.connect.mqtt.MqttSourceConnector",
		"tasks.max":            "1",
		"mqtt.server.uri":      env.mqtt,
		"mqtt.topics":          s.mqttTopic,
		"mqtt.qos":             "1",
		"mqtt.receive.maximum": strconv.Itoa(nlReceiveMax),
		"kafka.topic":          s.kafkaTopic,
		"key.converter":        "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":      "org.apache.kafka.connect.converters.ByteArrayConverter",
	})
	waitAllRunning(ctx, t, w.URL, []string{s.name}, 1, map[string]bool{workerIDOf(w.URL): true})
	s.tally = nlStartTally(ctx, t, s.kafkaTopic, nlMessages)
	return s, w
}

// publish starts the publisher.
func (s *nlScenario) publish(ctx context.Context, t *testing.T, env nlEnv) {
	t.Helper()
	s.start = time.Now()
	s.pub = nlStartPublisher(ctx, t, env.mqtt, s.mqttTopic, nlMessages)
}

// waitProgress waits until the publisher has at least published numbers acknowledged and the
// task has written more than after records since before (or Kafka has every number).
func (s *nlScenario) waitProgress(ctx context.Context, t *testing.T, what string, published, before, after int) {
	t.Helper()
	if !nlWaitFor(ctx, 60*time.Second, func() bool {
		r, u, _ := s.tally.snapshot()
		return s.pub.Acked() >= published && (r > before+after || u == nlMessages)
	}) {
		r, _, _ := s.tally.snapshot()
		t.Fatalf("%s: no progress: %d numbers acknowledged by the broker (want %d), %d records in Kafka (want more than %d)", what, s.pub.Acked(), published, r, before+after)
	}
}

// finish waits for the publisher, then for every number in Kafka. It logs the figures, fails
// on any loss and on any duplicate the broker did not flag as a redelivery, and returns the
// duplicates. w is the worker running the task now.
func (s *nlScenario) finish(ctx context.Context, t *testing.T, w *workerProc) int {
	t.Helper()
	select {
	case <-s.pub.done:
	case <-ctx.Done():
	}
	if s.pub.err != nil || s.pub.Acked() != nlMessages {
		t.Fatalf("the publisher did not get every number acknowledged by the broker: %d of %d (%v)", s.pub.Acked(), nlMessages, s.pub.err)
	}
	for i := range s.pub.acked {
		if !s.pub.acked[i].Load() {
			t.Fatalf("number %d was never acknowledged by the broker", i)
		}
	}
	t.Logf("publisher: %d numbers acknowledged by the broker in %v (%.0f msg/s); %d PUBLISH sent, %d not acknowledged and published again, %d connection(s)",
		nlMessages, s.pub.elapsed.Round(time.Millisecond), float64(nlMessages)/s.pub.elapsed.Seconds(), s.pub.attempts.Load(), s.pub.failures.Load(), s.pub.connects.Load())
	if n := s.pub.noMatch.Load(); n > 0 {
		t.Errorf("%d PUBACKs said no subscriber matched (0x10): the connector's subscription was missing when they were published", n)
	}
	published := time.Now()
	complete := nlWaitFor(ctx, nlDrain, func() bool { _, u, _ := s.tally.snapshot(); return u == nlMessages })
	records, unique, bad := s.tally.snapshot()
	elapsed := time.Since(s.start)
	dups := records - bad - unique
	unexplained, flagged := s.tally.unexplained(s.pub)
	t.Logf("kafka: %d records, %d unique numbers, %d duplicates (%d records flagged DUP by the broker), %d foreign; complete %v after the last PUBACK; %v from the first publish, %.0f msg/s end to end",
		records, unique, dups, flagged, bad, time.Since(published).Round(time.Millisecond), elapsed.Round(time.Millisecond), float64(unique)/elapsed.Seconds())
	if !complete {
		st, trace := nlTaskState(t, w.URL, s.name)
		t.Errorf("NOT IN KAFKA after waiting %v: %s. The task is %s %s; its counters (polled from MQTT, acknowledged by Kafka, in between): %s",
			nlDrain, s.tally.missing(), st, trace, nlTaskMetrics(w.URL, s.name))
	}
	if bad > 0 {
		t.Errorf("%d records in %s are not numbered messages", bad, s.kafkaTopic)
	}
	if len(unexplained) > 0 {
		t.Errorf("duplicates that are not broker redeliveries (the connector produced one delivery twice): %v", unexplained)
	}
	return dups
}

// done logs the scenario's duration.
func (s *nlScenario) done(t *testing.T) {
	t.Logf("scenario took %v (setup included)", time.Since(s.begun).Round(time.Millisecond))
}

// nlTaskMetrics returns the task's record counters from the worker's /metrics: what it
// polled from MQTT, what Kafka acknowledged, and what is in between.
func nlTaskMetrics(base, name string) string {
	resp, err := httpClient.Get(base + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, m := range []string{"source_record_poll_total", "source_record_write_total", "source_record_active_count"} {
			if strings.HasPrefix(line, "kafka_connect_source_task_metrics_"+m+"{") && strings.Contains(line, `connector="`+name+`"`) {
				out = append(out, m+"="+line[strings.LastIndexByte(line, ' ')+1:])
			}
		}
	}
	return strings.Join(out, " ")
}

// nlTaskState returns task 0's state and trace as a worker reports them.
func nlTaskState(t *testing.T, base, name string) (string, string) {
	t.Helper()
	var st struct {
		Tasks []struct {
			State string `json:"state"`
			Trace string `json:"trace"`
		} `json:"tasks"`
	}
	if getJSON(t, base+"/connectors/"+name+"/status", &st) == nil || len(st.Tasks) == 0 {
		return "", ""
	}
	return st.Tasks[0].State, st.Tasks[0].Trace
}

func nlCreateTopic(ctx context.Context, t *testing.T, topic string) {
	t.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": testenv.Get(t, testenv.Kafka)})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}}, kafka.SetAdminOperationTimeout(30*time.Second))
	if err != nil || res[0].Error.Code() != kafka.ErrNoError {
		t.Fatalf("create topic %s: %v %v", topic, err, res)
	}
}

// nlDropSession ends the broker session of clientID: a clean start replaces it and, with no
// session expiry, the disconnect discards it.
func nlDropSession(t *testing.T, addr, clientID string) {
	u, err := url.Parse(addr)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cli, _, err := nlDial(ctx, u.Host, paho.ClientConfig{}, &paho.Connect{ClientID: clientID, CleanStart: true, KeepAlive: 5})
	if err != nil {
		t.Logf("removing the broker session of %s: %v", clientID, err)
		return
	}
	_ = cli.Disconnect(&paho.Disconnect{})
	<-cli.Done()
}

// nlProbeReceiveMaximum checks whether the broker honours a subscriber's Receive Maximum when
// it has a backlog for it: a subscriber with Receive Maximum 5 that does not acknowledge gets
// 5 of 40 queued messages; after it acknowledges one it may have 5 in flight again, so it
// must receive exactly 1 more. It returns the most messages the broker had in flight.
// (Mosquitto before 2.0.13 moves up to Receive Maximum queued messages into flight per
// PUBACK: eclipse-mosquitto/mosquitto#2306.) Quiet periods of 300 ms decide that no more
// messages are coming.
func nlProbeReceiveMaximum(ctx context.Context, t *testing.T, addr string) int {
	t.Helper()
	const rm = 5
	host := nlHost(t, addr)
	topic := fmt.Sprintf("it/noloss/probe/%d", time.Now().UnixNano())
	got := make(chan *paho.Publish, 100)
	recvMax := uint16(rm)
	sub, _, err := nlDial(ctx, host, paho.ClientConfig{
		EnableManualAcknowledgment: true, SendAcksInterval: time.Millisecond,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			got <- pr.Packet
			return true, nil
		}},
	}, &paho.Connect{ClientID: fmt.Sprintf("nl-probe-sub-%d", time.Now().UnixNano()), CleanStart: true, KeepAlive: 30,
		Properties: &paho.ConnectProperties{ReceiveMaximum: &recvMax}})
	if err != nil {
		t.Fatalf("probe subscriber: %v", err)
	}
	defer func() { _ = sub.Disconnect(&paho.Disconnect{}); <-sub.Done() }()
	if _, err := sub.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
		t.Fatalf("probe subscribe: %v", err)
	}
	pub, _, err := nlDial(ctx, host, paho.ClientConfig{}, &paho.Connect{ClientID: fmt.Sprintf("nl-probe-pub-%d", time.Now().UnixNano()), CleanStart: true, KeepAlive: 30})
	if err != nil {
		t.Fatalf("probe publisher: %v", err)
	}
	defer func() { _ = pub.Disconnect(&paho.Disconnect{}); <-pub.Done() }()
	for i := range 40 {
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(strconv.Itoa(i))}); err != nil {
			t.Fatalf("probe publish: %v", err)
		}
	}
	var received []*paho.Publish
	quiet := func() {
		for {
			select {
			case m := <-got:
				received = append(received, m)
			case <-time.After(300 * time.Millisecond):
				return
			case <-ctx.Done():
				return
			}
		}
	}
	quiet()
	before := len(received)
	if before == 0 {
		t.Fatal("probe: the subscriber received nothing")
	}
	if err := sub.Ack(received[0]); err != nil {
		t.Fatalf("probe ack: %v", err)
	}
	quiet()
	return max(before, len(received)-1)
}

func nlReadPID(t *testing.T, file, want string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		t.Fatalf("%s does not hold a pid: %q", file, b)
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmdline), want) {
		t.Fatalf("pid %d from %s is not a running %s process (%v)", pid, file, want, err)
	}
	return pid
}

func TestMQTTNoLoss(t *testing.T) {
	env := nlGetEnv(t)
	probeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	inFlight := nlProbeReceiveMaximum(probeCtx, t, env.mqtt)
	cancel()
	if inFlight > 5 {
		t.Logf("NOTE: the broker does not honour Receive Maximum when a subscriber has a backlog: a subscriber with Receive Maximum 5 had %d messages in flight "+
			"(Mosquitto < 2.0.13, eclipse-mosquitto/mosquitto#2306). A connector's in-flight window is then not bounded by mqtt.receive.maximum, "+
			"the connector enforces its window itself, so the duplicate bound still holds.", inFlight)
	}

	// kill -9 the worker running the task twice while the numbers flow; each time a new
	// worker of the same group takes the task over and resumes the broker session.
	t.Run("kill9", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
		defer cancel()
		s, w := nlSetup(ctx, t, env, "kill9", clusterProps)
		defer s.done(t)
		s.publish(ctx, t, env)
		before := 0
		for i, at := range []int{nlMessages / 3, 2 * nlMessages / 3} {
			// Kill once the publisher is past the mark and the task has been delivering for a
			// while (more than one Receive Maximum window since it started).
			s.waitProgress(ctx, t, fmt.Sprintf("kill %d", i+1), at, before, nlReceiveMax)
			r, u, _ := s.tally.snapshot()
			w.Stop(t, true)
			killed := time.Now()
			t.Logf("kill %d: kill -9 worker %s with %d numbers acknowledged by the broker, %d records (%d unique) read from Kafka", i+1, w.URL, s.pub.Acked(), r, u)
			w = startWorker(t, ctx, s.topics)
			waitAllRunning(ctx, t, w.URL, []string{s.name}, 1, map[string]bool{workerIDOf(w.URL): true})
			before, _, _ = s.tally.snapshot()
			t.Logf("kill %d: worker %s runs the task %v after the kill", i+1, w.URL, time.Since(killed).Round(time.Millisecond))
		}
		dups := s.finish(ctx, t, w)
		// Per kill, the records in Kafka whose MQTT ack the broker never got: at most the
		// task's window (it enforces mqtt.receive.maximum itself, whatever the broker does),
		// plus the acks released but not yet written (paho sends them every 5 ms), and those
		// written but still unread in the broker's socket buffer: the kernel answers the dead
		// worker's socket, which holds unread data (Mosquitto 2.0.11 over-sends, so there
		// always is some), with a reset, and a reset discards what the broker had not read
		// yet. That last part follows the broker's lag, not the window: runs saw up to 4,100
		// duplicates per kill (8,179 for two), so the slack is three windows of 4-byte PUBACKs,
		// still far below the 100,000 messages that a connector acknowledging nothing until
		// the end would see again.
		if limit := 2 * (nlReceiveMax + nlAckSlack); dups > limit {
			t.Errorf("%d duplicates after two kills; at most 2 × (mqtt.receive.maximum + %d) = %d expected: only the messages in flight when a worker dies are redelivered", dups, nlAckSlack, limit)
		} else {
			t.Logf("duplicates %d ≤ 2 × (mqtt.receive.maximum + %d) = %d", dups, nlAckSlack, limit)
		}
		if st, trace := nlTaskState(t, w.URL, s.name); st != "RUNNING" {
			t.Errorf("the task is %s at the end, want RUNNING: %s", st, trace)
		}
	})

	// Freeze Kafka (SIGSTOP) for 20 s mid-stream: the producer waits (message.timeout.ms is
	// 300 s), the connector stops acknowledging, the broker holds the rest; then SIGCONT.
	t.Run("kafka-paused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
		defer cancel()
		pid := nlReadPID(t, env.kafkaPIDFile, "kafka")
		s, w := nlSetup(ctx, t, env, "kafkapause", "")
		defer s.done(t)
		s.publish(ctx, t, env)
		s.waitProgress(ctx, t, "pause", nlMessages/3, 0, nlReceiveMax)

		// SIGCONT however the test ends: at once when it returns, in a cleanup, and from a
		// detached watchdog in case this process dies first.
		resume := sync.OnceFunc(func() {
			if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
				t.Errorf("SIGCONT Kafka (pid %d): %v", pid, err)
			}
		})
		t.Cleanup(resume)
		defer resume()
		watchdog := exec.Command("sh", "-c", fmt.Sprintf("sleep %d; kill -CONT %d", int(nlPause.Seconds())+30, pid))
		watchdog.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := watchdog.Start(); err != nil {
			t.Fatalf("starting the SIGCONT watchdog: %v", err)
		}
		t.Cleanup(func() { _ = syscall.Kill(-watchdog.Process.Pid, syscall.SIGKILL); _ = watchdog.Wait() }) // its own process group: sh and sleep

		r, u, _ := s.tally.snapshot()
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatalf("SIGSTOP Kafka (pid %d): %v", pid, err)
		}
		t.Logf("Kafka (pid %d) stopped with %d numbers acknowledged by the broker, %d records (%d unique) read from Kafka", pid, s.pub.Acked(), r, u)
		pause := time.NewTimer(nlPause) // the outage itself, not a synchronisation
		select {
		case <-pause.C:
		case <-ctx.Done():
		}
		resume()
		r, u, _ = s.tally.snapshot()
		t.Logf("Kafka resumed after %v with %d numbers acknowledged by the broker, %d records (%d unique) read from Kafka", nlPause, s.pub.Acked(), r, u)

		s.finish(ctx, t, w)
		if st, trace := nlTaskState(t, w.URL, s.name); st != "RUNNING" {
			t.Errorf("the task is %s at the end, want RUNNING: %s", st, trace)
		}
		if n := strings.Count(w.stderr.String(), "task started"); n != 1 {
			t.Logf("the task was started %d times (a rebalance after the outage restarted it)", n)
		}
	})

	// Restart Mosquitto gracefully (persistence on) mid-stream: queued and in-flight messages
	// survive, the publisher republishes what was not acknowledged, and the connector
	// reconnects by itself.
	t.Run("mosquitto-restart", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
		defer cancel()
		s, w := nlSetup(ctx, t, env, "mqttrestart", "")
		defer s.done(t)
		// Should the restart fail half-way, start Mosquitto again for the tests that follow.
		t.Cleanup(func() {
			if c, err := net.DialTimeout("tcp", nlHost(t, env.mqtt), time.Second); err == nil {
				_ = c.Close()
				return
			}
			out, err := exec.Command(env.mqttRestart).CombinedOutput()
			t.Logf("Mosquitto was down after the test; restarted: %v\n%s", err, out)
		})
		s.publish(ctx, t, env)
		s.waitProgress(ctx, t, "restart", nlMessages/3, 0, nlReceiveMax)
		r, u, _ := s.tally.snapshot()
		t.Logf("restarting Mosquitto with %d numbers acknowledged by the broker, %d records (%d unique) read from Kafka", s.pub.Acked(), r, u)
		began := time.Now()
		out, err := exec.CommandContext(ctx, env.mqttRestart).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", env.mqttRestart, err, out)
		}
		t.Logf("Mosquitto restarted in %v: %s", time.Since(began).Round(time.Millisecond), strings.TrimSpace(string(out)))

		s.finish(ctx, t, w)
		if st, trace := nlTaskState(t, w.URL, s.name); st != "RUNNING" {
			t.Errorf("the task is %s at the end, want RUNNING: %s", st, trace)
		}
		logs := w.stderr.String()
		if !strings.Contains(logs, "connection to the MQTT broker lost") {
			t.Errorf("the worker never logged losing its MQTT connection: the restart did not reach the connector")
		}
		if n := strings.Count(logs, "task started"); n != 1 {
			t.Errorf("the task was started %d times; the connector should reconnect by itself, without a task restart", n)
		}
		if s.pub.connects.Load() < 2 {
			t.Errorf("the publisher never reconnected: the restart did not happen mid-stream")
		}
	})
}
