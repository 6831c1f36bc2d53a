package transforms

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/tributary-connect/tributary/connector"
)

// spbBroker starts an in-process mochi-mqtt broker (unit tests only) and returns it with
// its tcp:// URI and the NCMDs published to it.
func spbBroker(t *testing.T) (*mqtt.Server, string, chan packets.Packet) {
	t.Helper()
	s := mqtt.New(&mqtt.Options{InlineClient: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := s.AddHook(new(auth.AllowHook), nil); err != nil {
		t.Fatal(err)
	}
	l := listeners.NewTCP(listeners.Config{ID: "tcp", Address: "127.0.0.1:0"})
	if err := s.AddListener(l); err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ncmds := make(chan packets.Packet, 64)
	if err := s.Subscribe("spBv1.0/+/NCMD/#", 1, func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
		pk.Payload = append([]byte(nil), pk.Payload...)
		ncmds <- pk
	}); err != nil {
		t.Fatal(err)
	}
	return s, "tcp://" + l.Address(), ncmds
}

// awaitNCMD waits (with a deadline) for the next NCMD and checks it is a rebirth command.
func awaitNCMD(t *testing.T, ncmds chan packets.Packet, topic string, qos byte) {
	t.Helper()
	select {
	case pk := <-ncmds:
		if pk.TopicName != topic || pk.FixedHeader.Qos != qos || pk.FixedHeader.Retain {
			t.Fatalf("NCMD on %s qos %d retain %v, want %s qos %d", pk.TopicName, pk.FixedHeader.Qos, pk.FixedHeader.Retain, topic, qos)
		}
		checkRebirthPayload(t, pk.Payload)
	case <-time.After(10 * time.Second):
		t.Fatalf("no NCMD on %s", topic)
	}
}

func checkRebirthPayload(t *testing.T, b []byte) {
	t.Helper()
	p, err := decodeSpbPayload(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.timestamp == nil || time.Since(time.UnixMilli(int64(*p.timestamp))) > time.Minute || p.seq != nil || len(p.metrics) != 1 {
		t.Fatalf("rebirth payload %+v", p)
	}
	m := p.metrics[0]
	if m.name == nil || *m.name != "Node Control/Rebirth" || m.datatype == nil || *m.datatype != spbBoolean || m.valueField != 14 || m.varint != 1 || m.alias != nil {
		t.Fatalf("rebirth metric %+v", m)
	}
}

func noNCMD(t *testing.T, ncmds chan packets.Packet) {
	t.Helper()
	select {
	case pk := <-ncmds:
		t.Fatalf("unexpected NCMD on %s", pk.TopicName)
	default:
	}
}

func TestSparkplugRebirth(t *testing.T) {
	broker, uri, ncmds := spbBroker(t)
	const clientID = "spb-unit-rebirth"
	tr := mustTransform(t, sparkplugClass, connector.Config{"rebirth.enabled": "true", "rebirth.mqtt.server.uri": uri,
		"rebirth.mqtt.client.id": clientID, "rebirth.qos": "1", "rebirth.min.interval.ms": "60000"})
	rb := tr.(*sparkplugB).rebirth
	var clock atomic.Int64 // added to the real time
	rb.now = func() time.Time { return time.Now().Add(time.Duration(clock.Load())) }
	if _, ok := broker.Clients.Get(clientID); ok {
		t.Fatal("connected before the first request")
	}

	applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(0, 0, spbNamed("a", 1, spbInt32, 10, 1))))
	if out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(1)), spbAliasOnly(1, 10, 2)))); hasHeader(out, "sparkplug.rebirth.requested") {
		t.Fatal("rebirth without a gap")
	}
	// A gap: the record is delivered with the gap and request headers, without waiting.
	start := time.Now()
	out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(5)), spbAliasOnly(1, 10, 3))))
	if !hasHeader(out, "sparkplug.seq.gap") || !hasHeader(out, "sparkplug.rebirth.requested") || get(spbMetrics(t, out)[0], "name") != "a" {
		t.Fatalf("gap record headers %v", out.Headers)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Apply took %v", d)
	}
	awaitNCMD(t, ncmds, "spBv1.0/G/NCMD/E", 1)
	// Another gap within rebirth.min.interval.ms asks nothing.
	if out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(9)), spbAliasOnly(1, 10, 3)))); !hasHeader(out, "sparkplug.seq.gap") || hasHeader(out, "sparkplug.rebirth.requested") {
		t.Fatalf("rate limit: headers %v", out.Headers)
	}
	// DBIRTH and DDEATH gaps never ask, nor do NCMD and DCMD.
	clock.Add(int64(time.Minute))
	applyOK(t, tr, spbRecord("spBv1.0/G/DBIRTH/E/D", spbPayloadBytes(nil, ptr(uint64(20)), spbNamed("d", 2, spbInt8, 10, 1))))
	applyOK(t, tr, spbRecord("spBv1.0/G/DDEATH/E/D", spbPayloadBytes(nil, ptr(uint64(30)))))
	applyOK(t, tr, spbRecord("spBv1.0/G/NCMD/E", spbRebirthPayload(time.Now())))
	// An unknown BIRTH asks the node (the record still fails, for the DLQ), an undefined alias too.
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/Ghost", spbPayloadBytes(nil, ptr(uint64(3)), spbAliasOnly(1, 10, 1)))); !isDataError(err) {
		t.Fatalf("unknown BIRTH: %v", err)
	}
	awaitNCMD(t, ncmds, "spBv1.0/G/NCMD/Ghost", 1)
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(31)), spbAliasOnly(99, 10, 1)))); !isDataError(err) {
		t.Fatalf("undefined alias: %v", err)
	}
	awaitNCMD(t, ncmds, "spBv1.0/G/NCMD/E", 1)
	noNCMD(t, ncmds)

	// Many edge nodes at once, from several goroutines: one request each.
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			edge := "N" + string(rune('A'+g))
			if _, err := tr.Apply(spbRecord("spBv1.0/H/NBIRTH/"+edge, spbBirth(0, 0, spbNamed("m", 1, spbInt32, 10, 1)))); err != nil {
				t.Error(err)
			}
			for i := 0; i < 3; i++ {
				seq := uint64(10 + 2*i)
				if _, err := tr.Apply(spbRecord("spBv1.0/H/NDATA/"+edge, spbPayloadBytes(nil, &seq, spbAliasOnly(1, 10, 1)))); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	seen := map[string]bool{}
	for len(seen) < 8 {
		select {
		case pk := <-ncmds:
			checkRebirthPayload(t, pk.Payload)
			if seen[pk.TopicName] || !strings.HasPrefix(pk.TopicName, "spBv1.0/H/NCMD/N") {
				t.Fatalf("NCMD %s", pk.TopicName)
			}
			seen[pk.TopicName] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("NCMDs %v", seen)
		}
	}
	// The broker hands the message on before the client has its PUBACK: poll the count.
	if !eventually(10*time.Second, func() bool { return rb.published.Load() == 11 }) || rb.failed.Load() != 0 {
		t.Errorf("published %d failed %d", rb.published.Load(), rb.failed.Load())
	}
	closeStart := time.Now()

	// Close stops the publisher and disconnects; later gaps ask nothing.
	if err := tr.(connector.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if !eventually(10*time.Second, func() bool {
		cl, ok := broker.Clients.Get(clientID)
		return !ok || cl.Closed()
	}) {
		t.Fatal("the rebirth client is still connected after Close")
	}
	t.Logf("Close and disconnect took %v", time.Since(closeStart))
	clock.Add(int64(time.Hour))
	if out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(100)), spbAliasOnly(1, 10, 3)))); hasHeader(out, "sparkplug.rebirth.requested") {
		t.Error("rebirth requested after Close")
	}
	if err := tr.(connector.Closer).Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSparkplugRebirthHold: with unknown.birth=hold, the first DATA held for a node asks it
// for a rebirth; the next ones (and the same one again) do not.
func TestSparkplugRebirthHold(t *testing.T) {
	_, uri, ncmds := spbBroker(t)
	tr := mustTransform(t, sparkplugClass, connector.Config{"rebirth.enabled": "true", "rebirth.mqtt.server.uri": uri,
		"rebirth.min.interval.ms": "0", "unknown.birth": "hold"})
	t.Cleanup(func() { _ = tr.(connector.Closer).Close() })
	first := spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(4)), spbAliasOnly(1, 10, 1)))
	if _, err := tr.Apply(first); !errors.Is(err, connector.ErrDeferred) {
		t.Fatal(err)
	}
	awaitNCMD(t, ncmds, "spBv1.0/G/NCMD/E", 0)
	if _, err := tr.Apply(first); !errors.Is(err, connector.ErrDeferred) {
		t.Fatal(err)
	}
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(5)), spbAliasOnly(1, 10, 2)))); !errors.Is(err, connector.ErrDeferred) {
		t.Fatal(err)
	}
	// Another node asks for itself (a message published after the first NCMD's: in order).
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/F", spbPayloadBytes(nil, ptr(uint64(4)), spbAliasOnly(1, 10, 1)))); !errors.Is(err, connector.ErrDeferred) {
		t.Fatal(err)
	}
	awaitNCMD(t, ncmds, "spBv1.0/G/NCMD/F", 0)
	noNCMD(t, ncmds)
}

// TestSparkplugRebirthUnreachable: with no broker, Apply still returns at once and Close
// still stops the publisher.
func TestSparkplugRebirthUnreachable(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "tcp://127.0.0.1:1",
		"unknown.birth": "passthrough"})
	start := time.Now()
	out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(1)), spbAliasOnly(1, 10, 1))))
	if !hasHeader(out, "sparkplug.rebirth.requested") || !hasHeader(out, "sparkplug.birth.unknown") {
		t.Fatalf("headers %v", out.Headers)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Apply took %v", d)
	}
	start = time.Now()
	if err := tr.(connector.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("Close took %v", d)
	}
	// Without rebirth.enabled, Close is a no-op.
	if err := mustTransform(t, sparkplugClass, connector.Config{}).(connector.Closer).Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSparkplugRebirthConfig(t *testing.T) {
	for name, cfg := range map[string]connector.Config{
		"no server":        {"rebirth.enabled": "true"},
		"bad scheme":       {"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "http://localhost:1883"},
		"no host":          {"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "localhost"},
		"qos 2":            {"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "tcp://localhost:1883", "rebirth.qos": "2"},
		"cert no key":      {"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "ssl://localhost:8883", "rebirth.mqtt.ssl.cert.file": "x.pem"},
		"missing ca":       {"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "ssl://localhost:8883", "rebirth.mqtt.ssl.ca.file": "/nonexistent.pem"},
		"negative limit":   {"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "tcp://localhost:1883", "rebirth.min.interval.ms": "-1"},
		"explode not bool": {"explode": "yes"},
	} {
		if _, err := newTransform(t, sparkplugClass, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Disabled, the rebirth keys are not checked; enabled, nothing connects at configuration.
	tr := mustTransform(t, sparkplugClass, connector.Config{"rebirth.mqtt.server.uri": "http://x"})
	if tr.(*sparkplugB).rebirth != nil {
		t.Error("rebirth client without rebirth.enabled")
	}
	tr = mustTransform(t, sparkplugClass, connector.Config{"rebirth.enabled": "true", "rebirth.mqtt.server.uri": "tcp://127.0.0.1:1, ssl://127.0.0.1:2"})
	if rb := tr.(*sparkplugB).rebirth; rb == nil || len(rb.servers) != 2 || rb.started || !strings.HasPrefix(rb.clientID, "tributary-spb-rebirth-") || rb.qos != 0 || rb.minInterval != 5*time.Second {
		t.Errorf("rebirth %+v", rb)
	}
	if err := tr.(connector.Closer).Close(); err != nil {
		t.Fatal(err)
	}
}

// eventually polls cond every 10 ms until it holds or d has passed, and reports whether it
// held.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.After(d)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			return cond()
		case <-tick.C:
		}
	}
	return true
}
