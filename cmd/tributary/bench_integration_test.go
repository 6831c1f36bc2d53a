//go:build integration

package main

// The runtime benchmark (`make bench`): a source connector running in the real runtime
// against the test stack's Kafka, next to the Kafka-side ceiling measured in the same run
// by a bare confluent-kafka-go producer sending the same bytes. It prints figures and
// ratios and never fails on speed; it fails only when the records do not arrive.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/connector/file"
	"github.com/tributary-connect/tributary/converters"
	"github.com/tributary-connect/tributary/examples/sequence"
	"github.com/tributary-connect/tributary/internal/testenv"
	"github.com/tributary-connect/tributary/runtime"
	"github.com/tributary-connect/tributary/runtime/distributed"
)

const (
	benchRecords   = 200_000              // records per measurement
	benchLineBytes = 100                  // FileStream line length (the record value), newline excluded
	benchWait      = 45 * time.Second     // the longest any one measurement may take before failing
	benchRounds    = 5                    // runs of each side per b.N; the medians are reported
	benchBudget    = 20 * time.Second     // no further round starts after this (per connector)
	benchProbe     = 5 * time.Millisecond // how often the run's progress is checked
	flushInterval  = "1000"               // offset.flush.interval.ms: a few offset commits happen during a run
)

// BenchmarkSourceToKafka measures, for each source connector, the Kafka-side ceiling (a bare
// producer configured like a task producer, sending the same keys and values) and the
// runtime (connector → task loop → converters → producer → delivery reports), both against
// the test stack's Kafka. Each run does its own benchRecords records: use -benchtime=1x.
//
//	ceiling-rec/s    bare producer, first Produce to last delivery report
//	tributary-rec/s  first poll of the task to the N-th record in Kafka (end offset = N)
//	e2e-rec/s        connector creation to the N-th record in Kafka
//	ratio            tributary-rec/s / ceiling-rec/s (medians of benchRounds runs each)
//	allocs/rec, B/rec  Go heap allocations (runtime.MemStats Mallocs, TotalAlloc) of the
//	                 whole process from connector creation to the N-th record, divided by N;
//	                 what the benchmark's own progress probes allocate is measured and
//	                 subtracted. Allocations inside librdkafka (C) are not counted.
//
// Both runs go to fresh single-partition topics whose leader is known before the clock
// starts. The ceiling's producer is warmed up with one record first; the task's producer
// starts inside the Tributary window (normally 30–60 ms, sometimes ~500 ms more: see
// ceiling). The broker shares the machine, so runs are noisy: the log lists every run.
func BenchmarkSourceToKafka(b *testing.B) {
	env := startBenchWorker(b, testenv.Get(b, testenv.Kafka))

	b.Run("sequence-json", func(b *testing.B) {
		// The example generator: key "0" (STRING schema) through StringConverter, value
		// int64 (INT64 schema) through JsonConverter with schemas.enable=true, the Connect
		// default, so each value is a {"schema":…,"payload":N} envelope.
		jc := converters.NewJSONConverter()
		if err := jc.Configure(connector.Config{"converter.type": "value"}); err != nil {
			b.Fatal(err)
		}
		key := []byte("0")
		msgs := make([]benchMsg, benchRecords)
		for i := range msgs {
			v, err := jc.FromConnect("", nil, connector.Int64Schema, int64(i))
			if err != nil {
				b.Fatal(err)
			}
			msgs[i] = benchMsg{key: key, value: v}
		}
		env.compare(b, "sequence", msgs, true, func(topic string) map[string]string {
			return map[string]string{
				"connector.class":    sequence.ConnectorClass,
				"tasks.max":          "1",
				"topic":              topic,
				sequence.CountConfig: strconv.Itoa(benchRecords),
				"key.converter":      converters.StringConverterClass,
				"value.converter":    converters.JSONConverterClass,
			}
		})
	})

	b.Run("filestream-string", func(b *testing.B) {
		// FileStreamSourceConnector on a file of N lines of benchLineBytes bytes: null key,
		// the line as a STRING value through StringConverter.
		path := filepath.Join(b.TempDir(), "lines.txt")
		msgs := make([]benchMsg, benchRecords)
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for i := range msgs {
			line := fmt.Sprintf("%010d %s", i, strings.Repeat("x", benchLineBytes-11))
			msgs[i] = benchMsg{value: []byte(line)}
			_, _ = w.WriteString(line)
			_ = w.WriteByte('\n')
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		env.compare(b, "filestream", msgs, false, func(topic string) map[string]string {
			return map[string]string{
				"connector.class": file.SourceConnectorClass,
				"tasks.max":       "1",
				"topic":           topic,
				"file":            path,
				"key.converter":   converters.StringConverterClass,
				"value.converter": converters.StringConverterClass,
			}
		})
	})
}

type benchMsg struct{ key, value []byte }

// benchEnv is one in-process worker, wired as runWorker wires it (minus REST), on fresh
// internal topics.
type benchEnv struct {
	bootstrap string
	prefix    string
	wc        *runtime.WorkerConfig
	worker    *runtime.Worker
	herder    *distributed.Herder
	metrics   *runtime.Metrics
	admin     *kafka.AdminClient
	probe     *kafka.Producer // only asks for end offsets
	topics    []string        // created by the benchmark, deleted at the end
	seq       int
}

func startBenchWorker(b *testing.B, bootstrap string) *benchEnv {
	b.Helper()
	prefix := fmt.Sprintf("tributary-bench-%d", time.Now().UnixNano())
	wc, err := runtime.NewWorkerConfig(map[string]string{
		"bootstrap.servers":                 bootstrap,
		"group.id":                          prefix,
		"config.storage.topic":              prefix + "-configs",
		"offset.storage.topic":              prefix + "-offsets",
		"status.storage.topic":              prefix + "-status",
		"config.storage.replication.factor": "1",
		"offset.storage.replication.factor": "1",
		"status.storage.replication.factor": "1",
		"key.converter":                     converters.StringConverterClass,
		"value.converter":                   converters.JSONConverterClass,
		"offset.flush.interval.ms":          flushInterval,
		"listeners":                         "http://127.0.0.1:18399", // never bound: no REST here
	})
	if err != nil {
		b.Fatal(err)
	}
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		b.Fatal(err)
	}
	probe, err := newQuietProducer(kafka.ConfigMap{"bootstrap.servers": bootstrap, "client.id": "tributary-bench-probe"})
	if err != nil {
		admin.Close()
		b.Fatal(err)
	}
	env := &benchEnv{bootstrap: bootstrap, prefix: prefix, wc: wc, admin: admin, probe: probe,
		topics: []string{prefix + "-configs", prefix + "-offsets", prefix + "-status"}}
	b.Cleanup(func() {
		probe.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.DeleteTopics(ctx, env.topics); err != nil {
			b.Logf("deleting the benchmark's topics: %v", err)
		}
		admin.Close()
	})

	log := hclog.New(&hclog.LoggerOptions{Name: "bench", Level: hclog.Warn, Output: os.Stderr})
	kctx, cancel := context.WithTimeout(context.Background(), kafkaConnectTimeout)
	worker, err := runtime.NewWorker(kctx, runtime.WorkerParams{Config: wc, Plugins: newPlugins(), Logger: log})
	cancel()
	if err != nil {
		b.Fatal(err)
	}
	env.worker = worker
	env.metrics = runtime.NewMetrics()
	herder, err := distributed.New(distributed.Config{Worker: worker, Logger: log, Metrics: env.metrics})
	if err != nil {
		b.Fatal(err)
	}
	env.herder = herder
	ctx, stop := context.WithCancel(context.Background())
	herderErr := make(chan error, 1)
	go func() { herderErr <- env.herder.Run(ctx) }()
	b.Cleanup(func() { // runs before the topic deletion registered above
		stop()
		if err := <-herderErr; err != nil {
			b.Errorf("herder: %v", err)
		}
		worker.Close()
	})
	select {
	case <-env.herder.Started():
	case err := <-herderErr:
		herderErr <- err // for the cleanup
		b.Fatalf("herder stopped while starting: %v", err)
	case <-time.After(benchWait):
		b.Fatalf("herder did not start within %s", benchWait)
	}
	return env
}

// newTopic creates a fresh single-partition topic (every record of both runs carries the
// same key, or none, so one partition is what the task would use anyway).
func (e *benchEnv) newTopic(b *testing.B, what string) string {
	b.Helper()
	e.seq++
	topic := fmt.Sprintf("%s-%s-%d", e.prefix, what, e.seq)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := e.admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}})
	if err == nil && res[0].Error.Code() != kafka.ErrNoError {
		err = res[0].Error
	}
	if err != nil {
		b.Fatalf("creating topic %s: %v", topic, err)
	}
	e.topics = append(e.topics, topic)
	// CreateTopics returns before the broker serves the topic's metadata; a producer that
	// asks too early backs off for hundreds of milliseconds. Wait until the partition has a
	// leader, so neither run pays for that.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		md, err := e.admin.GetMetadata(&topic, false, 5000)
		if err == nil {
			if t, ok := md.Topics[topic]; ok && t.Error.Code() == kafka.ErrNoError && len(t.Partitions) == 1 && t.Partitions[0].Leader >= 0 {
				return topic
			}
		}
		select {
		case <-ctx.Done():
			b.Fatalf("topic %s has no leader yet: %v", topic, err)
		case <-tick.C:
		}
	}
}

type benchResult struct {
	steady, e2e            time.Duration
	mallocs, bytes, probes uint64
}

// compare runs the ceiling and the connector benchRounds times each per b.N (fewer once
// benchBudget is spent), alternating which goes first, and reports the medians (the broker
// shares the machine, so single runs are noisy) and the allocations summed over every
// Tributary run.
func (e *benchEnv) compare(b *testing.B, name string, msgs []benchMsg, timestamps bool, connCfg func(topic string) map[string]string) {
	var ceilings, steadies, e2es []float64
	var sum benchResult
	rate := func(d time.Duration) float64 { return benchRecords / d.Seconds() }
	b.ResetTimer()
	began := time.Now()
	for round := range b.N * benchRounds {
		if round > 0 && time.Since(began) > benchBudget {
			b.Logf("%s: stopping after %d runs: the %s budget is spent (is the machine busy?)", name, round, benchBudget)
			break
		}
		runCeiling := func() {
			ceilings = append(ceilings, rate(e.ceiling(b, e.newTopic(b, name+"-ceiling"), msgs, timestamps)))
		}
		if round%2 == 0 {
			runCeiling()
		}
		topic := e.newTopic(b, name+"-tributary")
		r := e.tributary(b, name, topic, connCfg(topic))
		steadies = append(steadies, rate(r.steady))
		e2es = append(e2es, rate(r.e2e))
		sum.mallocs += r.mallocs
		sum.bytes += r.bytes
		sum.probes += r.probes
		if round%2 == 1 {
			runCeiling()
		}
	}
	b.StopTimer()
	n := float64(len(steadies) * benchRecords)
	ceiling, steady, e2e := median(ceilings), median(steadies), median(e2es)
	allocs := float64(sum.mallocs) / n
	bytesPer := float64(sum.bytes) / n
	b.ReportMetric(0, "ns/op") // an iteration is several whole runs; the rates below are the figures
	b.ReportMetric(ceiling, "ceiling-rec/s")
	b.ReportMetric(steady, "tributary-rec/s")
	b.ReportMetric(e2e, "e2e-rec/s")
	b.ReportMetric(steady/ceiling, "ratio")
	b.ReportMetric(allocs, "allocs/rec")
	b.ReportMetric(bytesPer, "B/rec")
	var t strings.Builder
	fmt.Fprintf(&t, "%s: %d records per run, median of %d runs each, Kafka %s\n", name, benchRecords, len(steadies), e.bootstrap)
	fmt.Fprintf(&t, "  %-36s %10.0f rec/s   runs: %s\n", "ceiling (bare producer)", ceiling, rates(ceilings))
	fmt.Fprintf(&t, "  %-36s %10.0f rec/s   runs: %s\n", "tributary (first poll -> N in Kafka)", steady, rates(steadies))
	fmt.Fprintf(&t, "  %-36s %10.0f rec/s   runs: %s\n", "tributary (create -> N in Kafka)", e2e, rates(e2es))
	fmt.Fprintf(&t, "  %-36s %10.2f\n", "ratio tributary/ceiling", steady/ceiling)
	fmt.Fprintf(&t, "  %-36s %10.1f allocs/rec  %.0f B/rec  (whole process, connector creation to N in Kafka; %d allocs of the benchmark's probes subtracted)",
		"allocations", allocs, bytesPer, sum.probes)
	b.Log(t.String())
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func rates(xs []float64) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(out, " ")
}

// ceiling produces msgs with a bare producer configured as Worker.producerConfig configures
// task producers, and returns the time from the first Produce to the last delivery report.
func (e *benchEnv) ceiling(b *testing.B, topic string, msgs []benchMsg, timestamps bool) time.Duration {
	b.Helper()
	cm := kafka.ConfigMap{}
	for k, v := range e.wc.ClientConfig("producer.") {
		cm[k] = v
	}
	cm["acks"] = "all"
	cm["enable.idempotence"] = "true"
	cm["partitioner"] = "murmur2_random"
	cm["client.id"] = "tributary-bench-ceiling"
	p, err := newQuietProducer(cm)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()

	deliveries := make(chan kafka.Event, 1024) // as the task loop's
	progress := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		var first error
		for n := 0; n < len(msgs); {
			m, ok := (<-deliveries).(*kafka.Message)
			if !ok {
				continue
			}
			if m.TopicPartition.Error != nil && first == nil {
				first = m.TopicPartition.Error
			}
			n++
			select {
			case progress <- struct{}{}:
			default:
			}
		}
		done <- first
	}()
	// One warm-up record first, outside the timing. A new idempotent producer needs a
	// connection and a producer id before it sends anything, and librdkafka sometimes retries
	// the producer id only after its 500 ms timer (the bootstrap connection is replaced just
	// as it asks). The ceiling is the sustained rate, so that start is left out; the task's
	// producer starts inside the Tributary window, as it does in production.
	warm := make(chan kafka.Event, 1)
	if err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Key: msgs[0].key, Value: msgs[0].value}, warm); err != nil {
		b.Fatalf("ceiling: warm-up record: %v", err)
	}
	select {
	case ev := <-warm:
		if m, ok := ev.(*kafka.Message); !ok || m.TopicPartition.Error != nil {
			b.Fatalf("ceiling: warm-up record: %v", ev)
		}
	case <-time.After(benchWait):
		b.Fatalf("ceiling: the warm-up record was not acknowledged within %s", benchWait)
	}

	deadline := time.NewTimer(benchWait)
	defer deadline.Stop()
	start := time.Now()
	for i := range msgs {
		m := &kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Key:            msgs[i].key, Value: msgs[i].value,
		}
		if timestamps { // the generator stamps its records; FileStream lines carry none
			m.Timestamp, m.TimestampType = start, kafka.TimestampCreateTime
		}
		for {
			err := p.Produce(m, deliveries)
			if err == nil {
				break
			}
			var kerr kafka.Error
			if !errors.As(err, &kerr) || kerr.Code() != kafka.ErrQueueFull {
				b.Fatalf("ceiling: producing: %v", err)
			}
			select { // the local queue is full: wait for the next delivery report
			case <-progress:
			case <-deadline.C:
				b.Fatalf("ceiling: the producer queue stayed full for %s", benchWait)
			}
		}
	}
	select {
	case err := <-done:
		if err != nil {
			b.Fatalf("ceiling: delivery failed: %v", err)
		}
	case <-deadline.C:
		b.Fatalf("ceiling: not every record was acknowledged within %s", benchWait)
	}
	return time.Since(start)
}

// newQuietProducer makes a producer whose librdkafka log lines and client-level events are
// read and dropped until it is closed (as the task producer forwards them to the logger at
// Debug), so neither is printed nor blocks the client.
func newQuietProducer(cm kafka.ConfigMap) (*kafka.Producer, error) {
	logs := make(chan kafka.LogEvent, 64)
	cm["go.logs.channel.enable"] = true
	cm["go.logs.channel"] = logs
	p, err := kafka.NewProducer(&cm)
	if err != nil {
		return nil, err
	}
	go func() {
		events := p.Events()
		for {
			select {
			case <-logs:
			case _, ok := <-events:
				if !ok {
					return
				}
			}
		}
	}()
	return p, nil
}

// tributary creates the connector through the herder and measures until the topic holds
// benchRecords records (its high watermark: with acks=all Kafka acknowledges a record once
// it is below the high watermark), then checks that the task counted them all as
// acknowledged and deletes the connector. The registry is scraped (as GET /metrics renders
// it) only until the first poll, and the end is found with ListOffsets requests, which cost
// the process far less than a scrape: the probes disturb the run as little as possible.
func (e *benchEnv) tributary(b *testing.B, what, topic string, cfg map[string]string) benchResult {
	b.Helper()
	name := fmt.Sprintf("%s-%s-%d", e.prefix, what, e.seq)
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	sc := newTaskScraper(name)
	tick := time.NewTicker(benchProbe)
	defer tick.Stop()

	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	created := time.Now()
	cfg["name"] = name // as the REST layer adds it
	if _, _, err := e.herder.PutConnectorConfig(ctx, name, cfg, false, ""); err != nil {
		b.Fatalf("creating connector %s: %v", name, err)
	}
	var firstPoll, end time.Time
	var scrapes, probes uint64
	var high int64
	for end.IsZero() {
		select {
		case <-ctx.Done():
			st, _ := e.herder.ConnectorStatus(context.Background(), name)
			b.Fatalf("connector %s: %d of %d records in %s after %s; status %+v", name, high, benchRecords, topic, benchWait, st)
		case now := <-tick.C:
			if firstPoll.IsZero() {
				sc.scrape(e.metrics)
				scrapes++
				if sc.polled > 0 {
					firstPoll = now
				}
				continue
			}
			high = e.highWatermark(b, topic)
			probes++
			if high >= benchRecords {
				end = now
			}
		}
	}
	goruntime.ReadMemStats(&after)

	if high != benchRecords {
		b.Errorf("topic %s holds %d records, want %d", topic, high, benchRecords)
	}
	for sc.written < benchRecords { // the task's delivery reports follow within milliseconds
		select {
		case <-ctx.Done():
			b.Fatalf("connector %s: write total %d, want %d", name, sc.written, benchRecords)
		case <-tick.C:
			sc.scrape(e.metrics)
		}
	}

	// What the probes themselves allocated, measured the same way (now that the task is
	// idle) and subtracted.
	const calib = 20
	var m0, m1, m2 goruntime.MemStats
	goruntime.ReadMemStats(&m0)
	for range calib {
		sc.scrape(e.metrics)
	}
	goruntime.ReadMemStats(&m1)
	for range calib {
		e.highWatermark(b, topic)
	}
	goruntime.ReadMemStats(&m2)
	probeMallocs := (scrapes*(m1.Mallocs-m0.Mallocs) + probes*(m2.Mallocs-m1.Mallocs)) / calib
	probeBytes := (scrapes*(m1.TotalAlloc-m0.TotalAlloc) + probes*(m2.TotalAlloc-m1.TotalAlloc)) / calib

	if err := e.herder.DeleteConnector(context.Background(), name); err != nil {
		b.Fatalf("deleting connector %s: %v", name, err)
	}
	// Before the next run: the task and connector have stopped and the herder has removed
	// their statuses and active topics (it does so after stopping them).
	for !e.deleted(name) {
		select {
		case <-ctx.Done():
			b.Fatalf("connector %s did not stop", name)
		case <-tick.C:
		}
	}
	return benchResult{
		steady:  end.Sub(firstPoll),
		e2e:     end.Sub(created),
		mallocs: sub(after.Mallocs-before.Mallocs, probeMallocs),
		bytes:   sub(after.TotalAlloc-before.TotalAlloc, probeBytes),
		probes:  probeMallocs,
	}
}

// highWatermark is the end offset of partition 0 of topic.
func (e *benchEnv) highWatermark(b *testing.B, topic string) int64 {
	_, high, err := e.probe.QueryWatermarkOffsets(topic, 0, 5000)
	if err != nil {
		b.Fatalf("querying the end offset of %s: %v", topic, err)
	}
	return high
}

// deleted reports whether nothing of a deleted connector is left on the worker.
func (e *benchEnv) deleted(name string) bool {
	if len(e.worker.RunningTasks()) > 0 || len(e.worker.RunningConnectors()) > 0 {
		return false
	}
	if _, err := e.herder.ConnectorStatus(context.Background(), name); err == nil {
		return false
	}
	topics, _ := e.herder.ConnectorActiveTopics(context.Background(), name)
	return len(topics) == 0
}

func sub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// taskScraper reads task 0's poll and write totals from the worker's metrics registry, the
// way GET /metrics renders them.
type taskScraper struct {
	buf             bytes.Buffer
	pollPrefix      []byte
	writePrefix     []byte
	polled, written int64
}

func newTaskScraper(connectorName string) *taskScraper {
	labels := fmt.Sprintf(`{connector=%q,task="0"} `, connectorName)
	return &taskScraper{
		pollPrefix:  []byte("kafka_connect_source_task_metrics_source_record_poll_total" + labels),
		writePrefix: []byte("kafka_connect_source_task_metrics_source_record_write_total" + labels),
	}
}

func (s *taskScraper) scrape(m *runtime.Metrics) {
	s.buf.Reset()
	_ = m.WriteText(&s.buf) // a bytes.Buffer does not fail
	text := s.buf.Bytes()
	s.polled = max(s.polled, metricValue(text, s.pollPrefix))
	s.written = max(s.written, metricValue(text, s.writePrefix))
}

// metricValue returns the integer value of the sample line starting with prefix, or 0.
func metricValue(text, prefix []byte) int64 {
	i := bytes.Index(text, prefix)
	if i < 0 {
		return 0
	}
	rest := text[i+len(prefix):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	v, err := strconv.ParseFloat(string(rest), 64)
	if err != nil {
		return 0
	}
	return int64(v)
}
