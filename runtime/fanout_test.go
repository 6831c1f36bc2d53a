package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/connector"
)

// split is a MultiTransformation that turns a value "a,b,c" into one record per part, and
// counts its Close calls.
type split struct {
	closed *atomic.Int32
	failOn string // Configure fails when the config has this key
}

func (s *split) ConfigDef() *connector.ConfigDef { return &connector.ConfigDef{} }
func (s *split) Configure(cfg connector.Config) error {
	if _, ok := cfg[s.failOn]; ok && s.failOn != "" {
		return errors.New("bad config")
	}
	return nil
}
func (s *split) Apply(r *connector.Record) (*connector.Record, error) { return r, nil }
func (s *split) ApplyMulti(r *connector.Record) ([]*connector.Record, error) {
	if r.Value == "" {
		return nil, nil
	}
	var out []*connector.Record
	for _, p := range strings.Split(r.Value.(string), ",") {
		out = append(out, r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, p, r.Timestamp))
	}
	return out, nil
}
func (s *split) Close() error { s.closed.Add(1); return nil }

func splitPlugins(closed *atomic.Int32, failOn string) *Plugins {
	p := testPlugins()
	p.Register(Plugin{Class: "com.example.Split", Kind: KindTransformation, NewTransformation: func() connector.Transformation {
		return &split{closed: closed, failOn: failOn}
	}})
	return p
}

// TestTransformChainSplits: the stages after a MultiTransformation (and their predicates)
// apply to each of its records in order; an empty split drops the record; a chain closes its
// stages, also when it fails to build.
func TestTransformChainSplits(t *testing.T) {
	var closed atomic.Int32
	chain, err := splitPlugins(&closed, "").buildChain(connector.Config{
		"transforms":              "s,up",
		"transforms.s.type":       "com.example.Split",
		"transforms.up.type":      "com.example.Upper",
		"transforms.up.suffix":    "!",
		"transforms.up.predicate": "notZ",
		"predicates":              "notZ",
		"predicates.notZ.type":    "com.example.TopicIs",
		"predicates.notZ.pattern": "t",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !chain.multi {
		t.Fatal("a chain with a MultiTransformation must take the applyAll path")
	}
	in := &connector.Record{Topic: "t", Value: "a,b,c", SourceOffset: map[string]any{"o": 1}}
	out, err := chain.applyAll(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out {
		got = append(got, r.Value.(string))
		if r.SourceOffset["o"] != 1 {
			t.Errorf("part %v lost the source offset: %v", r.Value, r.SourceOffset)
		}
	}
	if strings.Join(got, " ") != "A! B! C!" {
		t.Fatalf("parts = %q, want A! B! C! in order", got)
	}
	if in.Value != "a,b,c" {
		t.Fatal("the input record was modified")
	}
	out, err = chain.applyAll(&connector.Record{Topic: "t", Value: ""}, out[:0])
	if err != nil || len(out) != 0 {
		t.Fatalf("an empty split must drop the record: %v, %v", out, err)
	}
	chain.close(nil)
	if closed.Load() != 1 {
		t.Fatalf("Close calls = %d, want 1", closed.Load())
	}

	// A chain that fails to build closes the stages already configured.
	closed.Store(0)
	_, err = splitPlugins(&closed, "boom").buildChain(connector.Config{
		"transforms": "s1,s2", "transforms.s1.type": "com.example.Split",
		"transforms.s2.type": "com.example.Split", "transforms.s2.boom": "x",
	}, nil)
	if err == nil || closed.Load() != 2 {
		t.Fatalf("build error %v, Close calls %d: want an error and both stages closed", err, closed.Load())
	}
}

// commitRecorder is a task that records CommitRecord calls.
type commitRecorder struct {
	scriptedTask
	commits chan *connector.RecordMetadata
}

func (c *commitRecorder) CommitRecord(_ context.Context, _ *connector.Record, md *connector.RecordMetadata) error {
	c.commits <- md
	return nil
}

// TestSplitRecordDoneWhenAllPartsAcked: a source record split into three messages is
// committed (CommitRecord, offset committable) only after Kafka acknowledged all three; a
// plain record right after it stays behind it.
func TestSplitRecordDoneWhenAllPartsAcked(t *testing.T) {
	task := &commitRecorder{commits: make(chan *connector.RecordMetadata, 8)}
	r := newTestRunner(TaskID{Connector: "c"}, task, newRecordingStatus())
	r.deliveries = make(chan kafka.Event)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.deliveryLoop(ctx) }()
	defer func() { cancel(); <-done }()

	part := map[string]any{"p": "x"}
	rec := &connector.Record{SourcePartition: part, SourceOffset: map[string]any{"o": 1}}
	sub := r.submitted.submit(rec.SourcePartition, rec.SourceOffset)
	parts := new(atomic.Int32)
	parts.Store(3)
	topic := "out"
	ack := func(inf *inFlight, off int) {
		r.deliveries <- &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Offset: kafka.Offset(off)}, Opaque: inf}
	}
	for i := 0; i < 2; i++ {
		ack(&inFlight{rec: rec, sub: sub, parts: parts}, i)
	}
	// An unsplit record behind it, acknowledged at once.
	rec2 := &connector.Record{SourcePartition: part, SourceOffset: map[string]any{"o": 2}}
	sub2 := r.submitted.submit(rec2.SourcePartition, rec2.SourceOffset)
	ack(&inFlight{rec: rec2, sub: sub2}, 3)
	select {
	case md := <-task.commits:
		if md.Offset != 3 {
			t.Fatalf("CommitRecord for %+v, want only the unsplit record's", md)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the unsplit record was not committed")
	}
	if c := r.submitted.committable(); len(c) != 0 {
		t.Fatalf("committable = %v while a part of the first record is in flight", c)
	}
	ack(&inFlight{rec: rec, sub: sub, parts: parts}, 2)
	select {
	case md := <-task.commits:
		if md.Offset != 2 {
			t.Fatalf("CommitRecord metadata %+v, want the last part's offset 2", md)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the split record was not committed after its last part")
	}
	// The delivery loop takes the next event only once it has handled the previous one (the
	// channel is unbuffered): after this empty event, the last part's ack is recorded.
	r.deliveries <- &kafka.Message{}
	if c := r.submitted.committable(); len(c) != 1 || c[0].Offset["o"] != 2 {
		t.Fatalf("committable = %v, want offset 2 once every part is acknowledged", c)
	}
	select {
	case md := <-task.commits:
		t.Fatalf("an extra CommitRecord %+v", md)
	default:
	}
}

// holdUntil defers records whose value is "held" until it has seen a record valued "birth".
type holdUntil struct{ seen bool }

func (h *holdUntil) ConfigDef() *connector.ConfigDef  { return &connector.ConfigDef{} }
func (h *holdUntil) Configure(connector.Config) error { return nil }
func (h *holdUntil) Apply(r *connector.Record) (*connector.Record, error) {
	switch r.Value {
	case "birth":
		h.seen = true
	case "held":
		if !h.seen {
			return nil, fmt.Errorf("no birth yet: %w", connector.ErrDeferred)
		}
	}
	return r, nil
}

// TestDeferredRecordsStayInFlight: a record a transformation defers is not produced, stays in
// flight (its offset uncommittable), and is produced when the chain, applied again after a
// later record, no longer defers it; a graceful stop does not wait for deferred records.
func TestDeferredRecordsStayInFlight(t *testing.T) {
	r := newTestRunner(TaskID{Connector: "c"}, &scriptedTask{}, newRecordingStatus())
	passed := &counting{}
	r.chain = &transformChain{stages: []transformStage{
		{alias: "hold", class: "holdUntil", transform: &holdUntil{}},
		{alias: "count", class: "counting", transform: passed},
	}}
	r.keyConv, r.valueConv, r.hdrConv = passThroughConverter{}, passThroughConverter{}, passThroughHeaders{}
	if err := r.startProducer(); err != nil {
		t.Fatal(err)
	}
	defer r.producer.Close()
	ctx := context.Background()
	part := map[string]any{"p": "x"}
	rec := func(v string, off int) *connector.Record {
		return &connector.Record{Topic: "t", Value: v, SourcePartition: part, SourceOffset: map[string]any{"o": off}}
	}
	if err := r.send(ctx, rec("held", 1)); err != nil {
		t.Fatal(err)
	}
	if len(r.deferred) != 1 || r.submitted.inFlight() != 1 || passed.n != 0 {
		t.Fatalf("deferred %d, in flight %d, produced %d: want the record deferred, in flight, not produced", len(r.deferred), r.submitted.inFlight(), passed.n)
	}
	if err := r.retryDeferred(ctx); err != nil || len(r.deferred) != 1 || passed.n != 0 {
		t.Fatalf("retried before the birth: %v, deferred %d, produced %d", err, len(r.deferred), passed.n)
	}
	if err := r.send(ctx, rec("birth", 2)); err != nil {
		t.Fatal(err)
	}
	if err := r.retryDeferred(ctx); err != nil || len(r.deferred) != 0 || passed.n != 2 || r.submitted.inFlight() != 2 {
		t.Fatalf("after the birth: %v, deferred %d, produced %d, in flight %d", err, len(r.deferred), passed.n, r.submitted.inFlight())
	}

	// A graceful stop with a record still deferred does not wait out the flush timeout.
	r.chain.stages[0].transform.(*holdUntil).seen = false
	if err := r.send(ctx, &connector.Record{Topic: "t", Value: "held", SourcePartition: map[string]any{"p": "y"}, SourceOffset: map[string]any{"o": 1}}); err != nil {
		t.Fatal(err)
	}
	// Without a broker the two produced records are never acknowledged: keep only the
	// deferred one in flight.
	r.submitted = newSubmittedRecords()
	r.submitted.submit(map[string]any{"p": "y"}, map[string]any{"o": 1})
	if len(r.deferred) != 1 {
		t.Fatalf("deferred %d, want the new record", len(r.deferred))
	}
	start := time.Now()
	r.flushTimeout = 10 * time.Second
	if err := r.drainAndCommit(ctx); err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("drainAndCommit with only a deferred record in flight: %v after %v", err, time.Since(start))
	}
}

// counting counts the records that reach it (the end of the chain: they are produced).
type counting struct{ n int }

func (c *counting) ConfigDef() *connector.ConfigDef  { return &connector.ConfigDef{} }
func (c *counting) Configure(connector.Config) error { return nil }
func (c *counting) Apply(r *connector.Record) (*connector.Record, error) {
	c.n++
	return r, nil
}

// passThroughConverter writes string values as their bytes.
type passThroughConverter struct{}

func (passThroughConverter) ConfigDef() *connector.ConfigDef  { return &connector.ConfigDef{} }
func (passThroughConverter) Configure(connector.Config) error { return nil }
func (passThroughConverter) FromConnect(_ string, _ connector.Headers, _ *connector.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return []byte(fmt.Sprint(v)), nil
}
func (passThroughConverter) ToConnect(string, connector.Headers, []byte) (*connector.Schema, any, error) {
	return nil, nil, nil
}

type passThroughHeaders struct{}

func (passThroughHeaders) ConfigDef() *connector.ConfigDef  { return &connector.ConfigDef{} }
func (passThroughHeaders) Configure(connector.Config) error { return nil }
func (passThroughHeaders) FromConnectHeader(string, string, *connector.Schema, any) ([]byte, error) {
	return nil, nil
}
func (passThroughHeaders) ToConnectHeader(string, string, []byte) (*connector.Schema, any, error) {
	return nil, nil, nil
}
