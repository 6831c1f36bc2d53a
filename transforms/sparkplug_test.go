package transforms

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/connector"
)

// spbM is a metric to encode; nil pointers are left out.
type spbM struct {
	name      *string
	alias     *uint64
	timestamp *uint64
	datatype  *uint32
	isNull    bool
	hist      bool
	// the value: one of these, with field the oneof field number (0: none)
	field int
	u     uint64
	f32   float32
	f64   float64
	b     bool
	s     string
	raw   []byte
}

func ptr[T any](v T) *T { return &v }

func (m spbM) encode() []byte {
	var b []byte
	if m.name != nil {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, *m.name)
	}
	if m.alias != nil {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, *m.alias)
	}
	if m.timestamp != nil {
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, *m.timestamp)
	}
	if m.datatype != nil {
		b = protowire.AppendTag(b, 4, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(*m.datatype))
	}
	if m.hist {
		b = protowire.AppendTag(b, 5, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	if m.isNull {
		b = protowire.AppendTag(b, 7, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	switch m.field {
	case 10, 11:
		b = protowire.AppendTag(b, protowire.Number(m.field), protowire.VarintType)
		b = protowire.AppendVarint(b, m.u)
	case 12:
		b = protowire.AppendTag(b, 12, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(m.f32))
	case 13:
		b = protowire.AppendTag(b, 13, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(m.f64))
	case 14:
		b = protowire.AppendTag(b, 14, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeBool(m.b))
	case 15:
		b = protowire.AppendTag(b, 15, protowire.BytesType)
		b = protowire.AppendString(b, m.s)
	case 16, 17, 18:
		b = protowire.AppendTag(b, protowire.Number(m.field), protowire.BytesType)
		b = protowire.AppendBytes(b, m.raw)
	}
	return b
}

func spbPayloadBytes(ts, seq *uint64, metrics ...spbM) []byte {
	var b []byte
	if ts != nil {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, *ts)
	}
	for _, m := range metrics {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, m.encode())
	}
	if seq != nil {
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, *seq)
	}
	// an extension field (6 to max) the decoder must skip
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendString(b, "ext")
	return b
}

func spbRecord(topic string, payload []byte) *connector.Record {
	r := mqttRecord(topic, "")
	r.Value = payload
	return r
}

func spbNamed(name string, alias uint64, dt uint32, field int, u uint64) spbM {
	return spbM{name: &name, alias: &alias, datatype: &dt, field: field, u: u}
}

func spbAliasOnly(alias uint64, field int, u uint64) spbM {
	return spbM{alias: &alias, field: field, u: u}
}

func spbBirth(seq uint64, bdSeq uint64, metrics ...spbM) []byte {
	bd := spbM{name: ptr("bdSeq"), datatype: ptr(spbInt64), field: 11, u: bdSeq}
	return spbPayloadBytes(ptr(uint64(1700000000000)), &seq, append([]spbM{bd}, metrics...)...)
}

func spbMetrics(t *testing.T, r *connector.Record) []*connector.Struct {
	t.Helper()
	st, ok := r.Value.(*connector.Struct)
	if !ok {
		t.Fatalf("value %T", r.Value)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	ms, _ := st.Get("metrics")
	var out []*connector.Struct
	for _, m := range ms.([]any) {
		out = append(out, m.(*connector.Struct))
	}
	return out
}

func get(st *connector.Struct, f string) any {
	v, err := st.Get(f)
	if err != nil {
		panic(err)
	}
	return v
}

func hasHeader(r *connector.Record, key string) bool {
	h, ok := r.Headers.Last(key)
	return ok && h.Value == true
}

func applyOK(t *testing.T, tr connector.Transformation, r *connector.Record) *connector.Record {
	t.Helper()
	out, err := tr.Apply(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSparkplugBirthThenDataWithAliases(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	birth := spbBirth(0, 3,
		spbNamed("Temperature", 1, spbInt32, 10, uint64(uint32(21))),
		spbNamed("Counter", 2, spbUInt64, 11, 5),
	)
	in := spbRecord("spBv1.0/G1/NBIRTH/E1", birth)
	out := applyOK(t, tr, in)
	if !out.ValueSchema.Equal(spbMessageSchema) || out.Key != "spBv1.0/G1/NBIRTH/E1" || out.Topic != "mqtt" {
		t.Fatalf("record %+v", out)
	}
	if _, ok := in.Value.([]byte); !ok || len(out.Headers) != len(in.Headers) {
		t.Fatal("the input changed, or headers were added")
	}
	st := out.Value.(*connector.Struct)
	for f, want := range map[string]any{"group": "G1", "edge_node": "E1", "device": nil, "message_type": "NBIRTH",
		"seq": int64(0), "timestamp": time.UnixMilli(1700000000000).UTC()} {
		if got := get(st, f); got != want {
			t.Errorf("%s = %v, want %v", f, got, want)
		}
	}
	ms := spbMetrics(t, out)
	if len(ms) != 3 || get(ms[0], "name") != "bdSeq" || get(ms[0], "long_value") != int64(3) {
		t.Fatalf("metrics %v", ms)
	}

	// NDATA with aliases only and no datatypes: names and types come from the NBIRTH.
	data := spbPayloadBytes(ptr(uint64(1700000001000)), ptr(uint64(1)),
		spbAliasOnly(2, 11, 6), spbAliasOnly(1, 10, uint64(uint32(0xFFFFFFF6)))) // -10 as Int32
	out = applyOK(t, tr, spbRecord("spBv1.0/G1/NDATA/E1", data))
	ms = spbMetrics(t, out)
	if get(ms[0], "name") != "Counter" || get(ms[0], "datatype") != "UInt64" || get(ms[0], "long_value") != int64(6) || get(ms[0], "alias") != int64(2) {
		t.Errorf("metric 0: %v", ms[0])
	}
	if get(ms[1], "name") != "Temperature" || get(ms[1], "datatype") != "Int32" || get(ms[1], "int_value") != int32(-10) || get(ms[1], "long_value") != nil {
		t.Errorf("metric 1: %v", ms[1])
	}
	if hasHeader(out, "sparkplug.seq.gap") {
		t.Error("unexpected gap")
	}

	// DBIRTH and DDATA: device aliases, then node aliases.
	dbirth := spbPayloadBytes(nil, ptr(uint64(2)), spbNamed("Speed", 10, spbDouble, 0, 0))
	applyOK(t, tr, spbRecord("spBv1.0/G1/DBIRTH/E1/D1", dbirth))
	ddata := spbPayloadBytes(nil, ptr(uint64(3)), spbM{alias: ptr(uint64(10)), field: 13, f64: 12.5}, spbAliasOnly(1, 10, 7))
	out = applyOK(t, tr, spbRecord("spBv1.0/G1/DDATA/E1/D1", ddata))
	ms = spbMetrics(t, out)
	if get(out.Value.(*connector.Struct), "device") != "D1" || get(ms[0], "name") != "Speed" || get(ms[0], "double_value") != 12.5 || get(ms[1], "name") != "Temperature" {
		t.Errorf("ddata %v", out.Value)
	}
	// An alias no BIRTH defined fails.
	bad := spbPayloadBytes(nil, ptr(uint64(4)), spbAliasOnly(99, 10, 1))
	if _, err := tr.Apply(spbRecord("spBv1.0/G1/NDATA/E1", bad)); !isDataError(err) || !strings.Contains(err.Error(), "alias 99") {
		t.Errorf("unknown alias: %v", err)
	}
}

func isDataError(err error) bool {
	var de *connector.DataError
	return errors.As(err, &de)
}

func TestSparkplugSeqGapAndWrap(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(254, 0, spbNamed("a", 1, spbBoolean, 14, 1))))
	for _, c := range []struct {
		seq uint64
		gap bool
	}{{255, false}, {0, false}, {1, false}, {5, true}, {6, false}} {
		out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, &c.seq, spbAliasOnly(1, 14, 0))))
		if hasHeader(out, "sparkplug.seq.gap") != c.gap {
			t.Errorf("seq %d: gap header %v, want %v", c.seq, !c.gap, c.gap)
		}
		if ms := spbMetrics(t, out); get(ms[0], "boolean_value") != false || get(ms[0], "name") != "a" {
			t.Errorf("seq %d: %v", c.seq, ms[0])
		}
	}
}

func TestSparkplugDeath(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(0, 7, spbNamed("a", 1, spbInt64, 11, 1))))
	applyOK(t, tr, spbRecord("spBv1.0/G/DBIRTH/E/D", spbPayloadBytes(nil, ptr(uint64(1)), spbNamed("b", 2, spbInt8, 10, 1))))
	// DDEATH forgets the device only.
	applyOK(t, tr, spbRecord("spBv1.0/G/DDEATH/E/D", spbPayloadBytes(nil, ptr(uint64(2)))))
	if _, err := tr.Apply(spbRecord("spBv1.0/G/DDATA/E/D", spbPayloadBytes(nil, ptr(uint64(3)), spbAliasOnly(2, 10, 1)))); !isDataError(err) {
		t.Errorf("DDATA after DDEATH: %v", err)
	}
	applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(4)), spbAliasOnly(1, 11, 1))))
	// A stale NDEATH (another bdSeq) is flagged and forgets nothing.
	death := func(bd uint64) []byte {
		return spbPayloadBytes(nil, nil, spbM{name: ptr("bdSeq"), datatype: ptr(spbInt64), field: 11, u: bd})
	}
	out := applyOK(t, tr, spbRecord("spBv1.0/G/NDEATH/E", death(6)))
	if !hasHeader(out, "sparkplug.bdseq.stale") || get(out.Value.(*connector.Struct), "message_type") != "NDEATH" {
		t.Errorf("stale death %v %v", out.Headers, out.Value)
	}
	applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(5)), spbAliasOnly(1, 11, 1))))
	// The matching NDEATH forgets the node.
	out = applyOK(t, tr, spbRecord("spBv1.0/G/NDEATH/E", death(7)))
	if hasHeader(out, "sparkplug.bdseq.stale") {
		t.Error("matching death flagged stale")
	}
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(6)), spbAliasOnly(1, 11, 1)))); !isDataError(err) {
		t.Errorf("NDATA after NDEATH: %v", err)
	}
}

func TestSparkplugUnknownBirth(t *testing.T) {
	data := spbPayloadBytes(nil, ptr(uint64(9)), spbAliasOnly(4, 11, 42), spbNamed("named", 5, spbInt16, 10, 0xFFFF))
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	_, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/Nobody", data))
	if !isDataError(err) || !strings.Contains(err.Error(), "BIRTH was not seen") {
		t.Fatalf("err %v", err)
	}
	// A DBIRTH alone does not make the node's NDATA known.
	applyOK(t, tr, spbRecord("spBv1.0/G/DBIRTH/Nobody/D", spbPayloadBytes(nil, ptr(uint64(1)), spbNamed("x", 1, spbInt8, 10, 1))))
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/Nobody", data)); !isDataError(err) {
		t.Fatalf("err %v", err)
	}

	pt := mustTransform(t, sparkplugClass, connector.Config{"unknown.birth": "passthrough"})
	out := applyOK(t, pt, spbRecord("spBv1.0/G/NDATA/Nobody", data))
	if !hasHeader(out, "sparkplug.birth.unknown") {
		t.Error("no sparkplug.birth.unknown header")
	}
	ms := spbMetrics(t, out)
	if get(ms[0], "name") != nil || get(ms[0], "alias") != int64(4) || get(ms[0], "datatype") != nil || get(ms[0], "long_value") != int64(42) {
		t.Errorf("metric 0 %v", ms[0])
	}
	if get(ms[1], "name") != "named" || get(ms[1], "int_value") != int32(-1) {
		t.Errorf("metric 1 %v", ms[1])
	}

	if _, err := newTransform(t, sparkplugClass, connector.Config{"unknown.birth": "guess"}); err == nil {
		t.Error("unknown.birth=guess accepted")
	}
}

// holdClock makes a SparkplugB transform's clock the returned one's, which tests advance.
func holdClock(tr connector.Transformation) *time.Time {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tr.(*sparkplugB).now = func() time.Time { return now }
	return &now
}

func isDeferred(err error) bool { return errors.Is(err, connector.ErrDeferred) && !isDataError(err) }

// TestSparkplugHold: with unknown.birth=hold, DATA of a node (or device) whose BIRTH is
// unknown is deferred until the BIRTH arrives, then decoded with its aliases, without a seq
// check; the hold of a node expires unknown.birth.hold.ms after its first deferral.
func TestSparkplugHold(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"unknown.birth": "hold"})
	now := holdClock(tr)
	ndata := func(seq uint64, v uint64) *connector.Record {
		return spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, &seq, spbAliasOnly(1, 10, v)))
	}
	ddata := spbRecord("spBv1.0/G/DDATA/E/D", spbPayloadBytes(nil, ptr(uint64(7)), spbAliasOnly(2, 10, 70)))
	held := []*connector.Record{ndata(5, 50), ndata(6, 60), ddata}
	for round := 0; round < 3; round++ { // the runtime applies the chain to a held record again and again
		for i, r := range held {
			if _, err := tr.Apply(r); !isDeferred(err) {
				t.Fatalf("round %d, record %d: %v, want ErrDeferred", round, i, err)
			}
		}
		*now = now.Add(3 * time.Second)
	}
	// ApplyMulti defers too (a new record of the same message: recognized by its payload).
	if _, err := tr.(connector.MultiTransformation).ApplyMulti(ndata(5, 50)); !isDeferred(err) {
		t.Fatalf("ApplyMulti: %v", err)
	}
	// The BIRTHs arrive (9 s after the first deferral), then an NDATA that was not held.
	applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(0, 1, spbNamed("a", 1, spbInt32, 10, 1))))
	applyOK(t, tr, spbRecord("spBv1.0/G/DBIRTH/E/D", spbPayloadBytes(nil, ptr(uint64(1)), spbNamed("d", 2, spbInt16, 10, 2))))
	if out := applyOK(t, tr, ndata(2, 20)); hasHeader(out, "sparkplug.seq.gap") || hasHeader(out, "sparkplug.birth.held") {
		t.Fatalf("the first DATA after the BIRTHs: headers %v", out.Headers)
	}
	*now = now.Add(time.Hour) // released: the expiry no longer applies
	// The held messages decode with the BIRTHs' aliases, in their order, without a (false) gap.
	for i, want := range []struct {
		name  string
		value int32
	}{{"a", 50}, {"a", 60}, {"d", 70}} {
		out := applyOK(t, tr, held[i])
		if hasHeader(out, "sparkplug.seq.gap") || !hasHeader(out, "sparkplug.birth.held") {
			t.Errorf("held record %d: headers %v", i, out.Headers)
		}
		if ms := spbMetrics(t, out); get(ms[0], "name") != want.name || get(ms[0], "int_value") != want.value {
			t.Errorf("held record %d: %v", i, ms[0])
		}
	}
	// The node's sequence goes on from the last DATA not held (seq 2), not from the held ones.
	if out := applyOK(t, tr, ndata(3, 30)); hasHeader(out, "sparkplug.seq.gap") || hasHeader(out, "sparkplug.birth.held") {
		t.Errorf("seq 3 after the held ones: headers %v", out.Headers)
	}
	if out := applyOK(t, tr, ndata(5, 31)); !hasHeader(out, "sparkplug.seq.gap") {
		t.Errorf("a real gap: headers %v", out.Headers)
	}

	// A DDATA whose node is known and whose DBIRTH is not is held for the DBIRTH.
	dd := spbRecord("spBv1.0/G/DDATA/E/D2", spbPayloadBytes(nil, ptr(uint64(9)), spbAliasOnly(3, 14, 1)))
	if _, err := tr.Apply(dd); !isDeferred(err) {
		t.Fatalf("DDATA without its DBIRTH: %v", err)
	}
	applyOK(t, tr, spbRecord("spBv1.0/G/DBIRTH/E/D2", spbPayloadBytes(nil, ptr(uint64(6)), spbNamed("on", 3, spbBoolean, 14, 0))))
	if out := applyOK(t, tr, dd); !hasHeader(out, "sparkplug.birth.held") || get(spbMetrics(t, out)[0], "name") != "on" || hasHeader(out, "sparkplug.seq.gap") {
		t.Errorf("DDATA after its DBIRTH: %v %v", out.Headers, out.Value)
	}
	// Known BIRTH, undefined alias: fails at once, as with fail.
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(8)), spbAliasOnly(99, 10, 1)))); !isDataError(err) || !strings.Contains(err.Error(), "alias 99") {
		t.Errorf("undefined alias: %v", err)
	}
}

func TestSparkplugHoldExpiry(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"unknown.birth": "hold", "unknown.birth.hold.ms": "1000"})
	now := holdClock(tr)
	first := spbRecord("spBv1.0/G/NDATA/Late", spbPayloadBytes(nil, ptr(uint64(1)), spbAliasOnly(1, 10, 1)))
	if _, err := tr.Apply(first); !isDeferred(err) {
		t.Fatal(err)
	}
	*now = now.Add(600 * time.Millisecond)
	second := spbRecord("spBv1.0/G/NDATA/Late", spbPayloadBytes(nil, ptr(uint64(2)), spbAliasOnly(1, 10, 2)))
	if _, err := tr.Apply(second); !isDeferred(err) {
		t.Fatal(err)
	}
	// Another node's hold is its own.
	other := spbRecord("spBv1.0/G/NDATA/Other", spbPayloadBytes(nil, ptr(uint64(1)), spbAliasOnly(1, 10, 1)))
	if _, err := tr.Apply(other); !isDeferred(err) {
		t.Fatal(err)
	}
	// 1 s after the node's FIRST deferral, its held and new messages fail as with fail.
	*now = now.Add(400 * time.Millisecond)
	for i, r := range []*connector.Record{first, second,
		spbRecord("spBv1.0/G/NDATA/Late", spbPayloadBytes(nil, ptr(uint64(3)), spbAliasOnly(1, 10, 3)))} {
		if _, err := tr.Apply(r); !isDataError(err) || errors.Is(err, connector.ErrDeferred) ||
			!strings.Contains(err.Error(), "BIRTH was not seen") || !strings.Contains(err.Error(), "unknown.birth.hold.ms=1000") {
			t.Errorf("record %d after the hold: %v", i, err)
		}
	}
	if _, err := tr.Apply(other); !isDeferred(err) {
		t.Errorf("the other node: %v", err)
	}
	// Its NBIRTH ends that: DATA decodes; after its NDEATH a new hold starts.
	applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/Late", spbBirth(0, 4, spbNamed("x", 1, spbInt64, 11, 1))))
	if out := applyOK(t, tr, spbRecord("spBv1.0/G/NDATA/Late", spbPayloadBytes(nil, ptr(uint64(1)), spbAliasOnly(1, 11, 5)))); hasHeader(out, "sparkplug.birth.held") || hasHeader(out, "sparkplug.seq.gap") {
		t.Errorf("after the NBIRTH: %v", out.Headers)
	}
	applyOK(t, tr, spbRecord("spBv1.0/G/NDEATH/Late", spbPayloadBytes(nil, nil, spbM{name: ptr("bdSeq"), datatype: ptr(spbInt64), field: 11, u: 4})))
	if _, err := tr.Apply(first); !isDeferred(err) {
		t.Errorf("after the NDEATH: %v", err)
	}

	// unknown.birth.hold.ms=0 holds nothing.
	zero := mustTransform(t, sparkplugClass, connector.Config{"unknown.birth": "hold", "unknown.birth.hold.ms": "0"})
	if _, err := zero.Apply(first); !isDataError(err) {
		t.Errorf("hold.ms=0: %v", err)
	}
}

func TestSparkplugHoldMaxMessages(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"unknown.birth": "hold", "unknown.birth.hold.max.messages": "2"})
	holdClock(tr)
	msg := func(seq uint64) *connector.Record {
		return spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, &seq, spbAliasOnly(1, 10, seq)))
	}
	for _, seq := range []uint64{1, 2, 1, 2} { // the same message again (a new record) counts once
		if _, err := tr.Apply(msg(seq)); !isDeferred(err) {
			t.Fatalf("seq %d: %v", seq, err)
		}
	}
	if _, err := tr.Apply(msg(3)); !isDataError(err) || !strings.Contains(err.Error(), "unknown.birth.hold.max.messages=2") {
		t.Fatalf("a third message: %v", err)
	}
	if _, err := tr.Apply(msg(1)); !isDeferred(err) {
		t.Fatalf("a held message after the refusal: %v", err)
	}
	// The same payload on another topic is another message (of another node: its own count).
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/F", spbPayloadBytes(nil, ptr(uint64(3)), spbAliasOnly(1, 10, 3)))); !isDeferred(err) {
		t.Fatalf("another node: %v", err)
	}
	applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(0, 0, spbNamed("a", 1, spbInt32, 10, 1))))
	for _, seq := range []uint64{1, 2} {
		if out := applyOK(t, tr, msg(seq)); !hasHeader(out, "sparkplug.birth.held") || hasHeader(out, "sparkplug.seq.gap") {
			t.Errorf("seq %d: headers %v", seq, out.Headers)
		}
	}

	for name, cfg := range map[string]connector.Config{
		"negative hold.ms":   {"unknown.birth": "hold", "unknown.birth.hold.ms": "-1"},
		"negative max":       {"unknown.birth": "hold", "unknown.birth.hold.max.messages": "-1"},
		"hold.ms not long":   {"unknown.birth": "hold", "unknown.birth.hold.ms": "soon"},
		"unknown.birth=wait": {"unknown.birth": "wait"},
	} {
		if _, err := newTransform(t, sparkplugClass, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSparkplugAllDatatypesAndNulls(t *testing.T) {
	type c struct {
		m     spbM
		field string
		want  any
	}
	n := func(dt uint32, field int, u uint64) spbM {
		return spbM{name: ptr(spbTypeName(dt)), datatype: ptr(dt), field: field, u: u}
	}
	cases := []c{
		{n(spbInt8, 10, 0xFFFFFF80), "int_value", int32(-128)}, // sign-extended by Java's Tahu
		{n(spbInt8, 10, 0x80), "int_value", int32(-128)},       // + 2^8, as Python's Tahu
		{n(spbInt16, 10, 0x8000), "int_value", int32(-32768)},
		{n(spbInt32, 10, 0x80000000), "int_value", int32(math.MinInt32)},
		{n(spbInt64, 11, 1<<63), "long_value", int64(math.MinInt64)},
		{n(spbUInt8, 10, 255), "int_value", int32(255)},
		{n(spbUInt16, 10, 65535), "int_value", int32(65535)},
		{n(spbUInt32, 10, 4294967295), "long_value", int64(4294967295)},
		{n(spbUInt64, 11, math.MaxInt64), "long_value", int64(math.MaxInt64)},
		{spbM{name: ptr("f"), datatype: ptr(spbFloat), field: 12, f32: -1.25}, "float_value", float32(-1.25)},
		{spbM{name: ptr("d"), datatype: ptr(spbDouble), field: 13, f64: math.Pi}, "double_value", math.Pi},
		{spbM{name: ptr("b"), datatype: ptr(spbBoolean), field: 14, b: true}, "boolean_value", true},
		{spbM{name: ptr("s"), datatype: ptr(spbString), field: 15, s: "héllo"}, "string_value", "héllo"},
		{spbM{name: ptr("t"), datatype: ptr(spbText), field: 15, s: "text"}, "string_value", "text"},
		{spbM{name: ptr("u"), datatype: ptr(spbUUID), field: 15, s: "uuid"}, "string_value", "uuid"},
		{n(spbDateTime, 11, 1700000000123), "long_value", int64(1700000000123)},
		{spbM{name: ptr("by"), datatype: ptr(spbBytes), field: 16, raw: []byte{0, 1, 2}}, "bytes_value", []byte{0, 1, 2}},
		{spbM{name: ptr("fi"), datatype: ptr(spbFile), field: 16, raw: []byte("x")}, "bytes_value", []byte("x")},
		{spbM{name: ptr("null"), datatype: ptr(spbInt32), isNull: true}, "int_value", nil},
		{spbM{name: ptr("nullWithValue"), datatype: ptr(spbString), isNull: true, field: 15, s: "ignored"}, "string_value", nil},
		{spbM{name: ptr("ds"), datatype: ptr(spbDataSet), field: 17, raw: []byte{8, 1}}, "bytes_value", nil},
		{spbM{name: ptr("hist"), datatype: ptr(spbBoolean), hist: true, timestamp: ptr(uint64(5)), field: 14, b: false}, "boolean_value", false},
	}
	var ms []spbM
	for _, x := range cases {
		ms = append(ms, x.m)
	}
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	out := applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbPayloadBytes(nil, ptr(uint64(0)), ms...)))
	got := spbMetrics(t, out)
	valueFields := []string{"int_value", "long_value", "float_value", "double_value", "boolean_value", "string_value", "bytes_value"}
	for i, x := range cases {
		g := got[i]
		for _, f := range valueFields {
			v := get(g, f)
			if f == x.field {
				if b, ok := x.want.([]byte); ok {
					if !bytes.Equal(v.([]byte), b) {
						t.Errorf("%s: %s = %v", *x.m.name, f, v)
					}
				} else if v != x.want {
					t.Errorf("%s: %s = %#v, want %#v", *x.m.name, f, v, x.want)
				}
			} else if v != nil {
				t.Errorf("%s: %s = %v, want null", *x.m.name, f, v)
			}
		}
		if get(g, "is_null") != x.m.isNull || get(g, "is_historical") != x.m.hist || get(g, "datatype") != spbTypeName(*x.m.datatype) {
			t.Errorf("%s: %v", *x.m.name, g)
		}
	}
	if get(got[len(got)-1], "timestamp") != time.UnixMilli(5).UTC() {
		t.Errorf("metric timestamp %v", get(got[len(got)-1], "timestamp"))
	}
}

func TestSparkplugBadInput(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{})
	for name, payload := range map[string][]byte{
		"truncated":        {0x12, 0x05, 0x0a},
		"wrong wire type":  {0x0a, 0x01, 0x00}, // timestamp as bytes
		"uint64 overflow":  spbPayloadBytes(nil, nil, spbM{name: ptr("u"), datatype: ptr(spbUInt64), field: 11, u: math.MaxUint64}),
		"value vs type":    spbPayloadBytes(nil, nil, spbM{name: ptr("u"), datatype: ptr(spbFloat), field: 15, s: "x"}),
		"metric wire type": {0x12, 0x02, 0x60, 0x00}, // float_value (12) as varint
	} {
		if _, err := tr.Apply(spbRecord("spBv1.0/G/NBIRTH/E", payload)); !isDataError(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Records that are not Sparkplug B pass unchanged.
	for _, topic := range []string{"factory/line/temp", "spBv1.0/STATE/host", "spBv1.0/G/NDATA/E/extra", "spBv1.0/G/DDATA/E", "spBv1.0/G/XDATA/E", "spAv1.0/G/NDATA/E"} {
		in := spbRecord(topic, []byte{0xff})
		if out, err := tr.Apply(in); err != nil || out != in {
			t.Errorf("%s: %v %v", topic, out, err)
		}
	}
	// Without the header, a string key is the topic.
	in := spbRecord("spBv1.0/G/NBIRTH/K", spbBirth(0, 0))
	in.Headers = nil
	if out := applyOK(t, tr, in); get(out.Value.(*connector.Struct), "edge_node") != "K" {
		t.Error("key not used as the topic")
	}
	// An empty payload is an empty Payload.
	out := applyOK(t, tr, spbRecord("spBv1.0/G/NCMD/E", nil))
	if len(spbMetrics(t, out)) != 0 {
		t.Error("metrics in an empty payload")
	}
}

func TestSparkplugConcurrent(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"unknown.birth": "passthrough"})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			edge := string(rune('A' + g))
			if _, err := tr.Apply(spbRecord("spBv1.0/G/NBIRTH/"+edge, spbBirth(0, 0, spbNamed("m", 1, spbInt32, 10, 1)))); err != nil {
				t.Error(err)
				return
			}
			for i := 1; i < 300; i++ {
				seq := uint64(i % 256)
				out, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/"+edge, spbPayloadBytes(nil, &seq, spbAliasOnly(1, 10, uint64(i)))))
				if err != nil || hasHeader(out, "sparkplug.seq.gap") || get(spbMetrics(t, out)[0], "name") != "m" {
					t.Errorf("%s %d: %v", edge, i, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func applyMultiOK(t *testing.T, tr connector.Transformation, r *connector.Record) []*connector.Record {
	t.Helper()
	mt, ok := tr.(connector.MultiTransformation)
	if !ok {
		t.Fatal("SparkplugB is not a connector.MultiTransformation")
	}
	out, err := mt.ApplyMulti(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSparkplugExplode(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"explode": "true"})
	type c struct {
		m      spbM
		schema string
		typ    connector.Type
		want   any
	}
	n := func(dt uint32, field int, u uint64) spbM {
		return spbM{name: ptr(spbTypeName(dt)), alias: ptr(uint64(dt + 100)), datatype: ptr(dt), field: field, u: u}
	}
	ts := time.UnixMilli(1700000000000).UTC()
	cases := []c{
		{n(spbInt8, 10, 0xFFFFFF80), "Int8", connector.TypeInt8, int8(-128)},
		{n(spbInt16, 10, 0x8000), "Int16", connector.TypeInt16, int16(-32768)},
		{n(spbInt32, 10, 0xFFFFFFFF), "Int32", connector.TypeInt32, int32(-1)},
		{n(spbInt64, 11, 1<<63), "Int64", connector.TypeInt64, int64(math.MinInt64)},
		{n(spbUInt8, 10, 255), "UInt8", connector.TypeInt16, int16(255)},
		{n(spbUInt16, 10, 65535), "UInt16", connector.TypeInt32, int32(65535)},
		{n(spbUInt32, 10, 4294967295), "UInt32", connector.TypeInt64, int64(4294967295)},
		{n(spbUInt64, 11, math.MaxInt64), "UInt64", connector.TypeInt64, int64(math.MaxInt64)},
		{spbM{name: ptr("f"), datatype: ptr(spbFloat), field: 12, f32: -1.25}, "Float", connector.TypeFloat32, float32(-1.25)},
		{spbM{name: ptr("d"), datatype: ptr(spbDouble), field: 13, f64: math.Pi}, "Double", connector.TypeFloat64, math.Pi},
		{spbM{name: ptr("b"), datatype: ptr(spbBoolean), field: 14, b: true}, "Boolean", connector.TypeBoolean, true},
		{spbM{name: ptr("s"), datatype: ptr(spbString), field: 15, s: "héllo"}, "String", connector.TypeString, "héllo"},
		{spbM{name: ptr("t"), datatype: ptr(spbText), field: 15, s: "text"}, "Text", connector.TypeString, "text"},
		{spbM{name: ptr("u"), datatype: ptr(spbUUID), field: 15, s: "uuid"}, "UUID", connector.TypeString, "uuid"},
		{n(spbDateTime, 11, 1700000000123), "DateTime", connector.TypeInt64, time.UnixMilli(1700000000123).UTC()},
		{spbM{name: ptr("by"), datatype: ptr(spbBytes), field: 16, raw: []byte{0, 1, 2}}, "Bytes", connector.TypeBytes, []byte{0, 1, 2}},
		{spbM{name: ptr("fi"), datatype: ptr(spbFile), field: 16, raw: []byte("x")}, "File", connector.TypeBytes, []byte("x")},
		{spbM{name: ptr("arr"), datatype: ptr(uint32(24)), field: 16, raw: []byte{1, 0, 0, 0}}, "Int32Array", connector.TypeBytes, []byte{1, 0, 0, 0}},
		{spbM{name: ptr("null"), datatype: ptr(spbInt32), isNull: true}, "Int32", connector.TypeInt32, nil},
		{spbM{name: ptr("hist"), datatype: ptr(spbBoolean), hist: true, timestamp: ptr(uint64(5)), field: 14, b: false}, "Boolean", connector.TypeBoolean, false},
	}
	var ms []spbM
	for _, x := range cases {
		ms = append(ms, x.m)
	}
	in := spbRecord("spBv1.0/G/NBIRTH/E", spbPayloadBytes(ptr(uint64(1700000000000)), ptr(uint64(0)), ms...))
	out := applyMultiOK(t, tr, in)
	if len(out) != len(cases) {
		t.Fatalf("%d records, want %d", len(out), len(cases))
	}
	for i, x := range cases {
		r := out[i]
		st := r.Value.(*connector.Struct)
		if err := st.Validate(); err != nil {
			t.Fatal(err)
		}
		name := *x.m.name
		if r.ValueSchema.Name != "io.tributary.sparkplug.metric."+x.schema || st.Schema() != r.ValueSchema {
			t.Errorf("%s: schema %q", name, r.ValueSchema.Name)
		}
		f, _ := r.ValueSchema.Field("value")
		if f.Schema.Type != x.typ || !f.Schema.Optional {
			t.Errorf("%s: value schema %+v", name, f.Schema)
		}
		if x.schema == "DateTime" && f.Schema.Name != connector.TimestampName {
			t.Errorf("DateTime value schema %q", f.Schema.Name)
		}
		v := get(st, "value")
		if b, ok := x.want.([]byte); ok {
			if !bytes.Equal(v.([]byte), b) {
				t.Errorf("%s: value %v", name, v)
			}
		} else if v != x.want {
			t.Errorf("%s: value %#v, want %#v", name, v, x.want)
		}
		wantTS := ts
		if x.m.timestamp != nil {
			wantTS = time.UnixMilli(int64(*x.m.timestamp)).UTC()
		}
		if get(st, "group") != "G" || get(st, "edge_node") != "E" || get(st, "device") != nil || get(st, "message_type") != "NBIRTH" ||
			get(st, "seq") != int64(0) || get(st, "name") != name || get(st, "datatype") != spbTypeName(*x.m.datatype) ||
			get(st, "timestamp") != wantTS || get(st, "is_null") != x.m.isNull || get(st, "is_historical") != x.m.hist {
			t.Errorf("%s: %v", name, st)
		}
		if x.m.alias != nil && get(st, "alias") != int64(*x.m.alias) {
			t.Errorf("%s: alias %v", name, get(st, "alias"))
		}
		// Everything else of the input is kept: key, topic, partition, timestamp, source
		// partition and offset (the same maps), headers.
		if r.Key != in.Key || r.KeySchema != in.KeySchema || r.Topic != in.Topic || *r.Partition != *in.Partition || !r.Timestamp.Equal(in.Timestamp) ||
			r.SourceOffset["messages"] != int64(41) || r.SourcePartition["client.id"] != "iot-0" || len(r.Headers) != len(in.Headers) {
			t.Errorf("%s: record %+v", name, r)
		}
	}
	// Each record has its own header list.
	out[0].Headers.Add("x", nil, "y")
	if len(out[1].Headers) != len(in.Headers) || len(in.Headers) != 2 {
		t.Error("header lists shared")
	}

	// Apply refuses a Sparkplug message with explode=true, and passes the rest.
	if _, err := tr.Apply(spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(1)), spbAliasOnly(101, 10, 1)))); err == nil || isDataError(err) || !strings.Contains(err.Error(), "ApplyMulti") {
		t.Errorf("Apply with explode=true: %v", err)
	}
	other := spbRecord("factory/temp", []byte("21"))
	if r, err := tr.Apply(other); r != other || err != nil {
		t.Errorf("Apply of a non-Sparkplug record: %v %v", r, err)
	}
	if rs := applyMultiOK(t, tr, other); len(rs) != 1 || rs[0] != other {
		t.Errorf("ApplyMulti of a non-Sparkplug record: %v", rs)
	}

	// DATA by alias after a seq gap (Apply above consumed seq 1): each record gets the gap headers.
	out = applyMultiOK(t, tr, spbRecord("spBv1.0/G/NDATA/E", spbPayloadBytes(nil, ptr(uint64(5)), spbAliasOnly(101, 10, 0xFF), spbAliasOnly(104, 11, 9))))
	if len(out) != 2 || out[0].ValueSchema.Name != "io.tributary.sparkplug.metric.Int8" || get(out[0].Value.(*connector.Struct), "value") != int8(-1) ||
		get(out[0].Value.(*connector.Struct), "name") != "Int8" || out[1].ValueSchema.Name != "io.tributary.sparkplug.metric.Int64" ||
		get(out[1].Value.(*connector.Struct), "timestamp") != nil {
		t.Fatalf("DATA records %v", out)
	}
	for _, r := range out {
		if !hasHeader(r, "sparkplug.seq.gap") || hasHeader(r, "sparkplug.rebirth.requested") {
			t.Errorf("headers %v", r.Headers)
		}
	}

	// A message without metrics is one Message record.
	out = applyMultiOK(t, tr, spbRecord("spBv1.0/G/DDEATH/E/D", spbPayloadBytes(nil, ptr(uint64(6)))))
	if len(out) != 1 || out[0].ValueSchema != spbMessageSchema || get(out[0].Value.(*connector.Struct), "message_type") != "DDEATH" {
		t.Errorf("DDEATH %v", out)
	}
	// Errors are the record's: a DataError (for the DLQ), no partial output.
	if rs, err := tr.(connector.MultiTransformation).ApplyMulti(spbRecord("spBv1.0/G/NBIRTH/E", spbPayloadBytes(nil, ptr(uint64(0)),
		spbNamed("ok", 1, spbInt8, 10, 1), spbM{name: ptr("u"), datatype: ptr(spbUInt64), field: 11, u: math.MaxUint64}))); !isDataError(err) || rs != nil {
		t.Errorf("UInt64 overflow: %v %v", rs, err)
	}
	if _, err := tr.(connector.MultiTransformation).ApplyMulti(spbRecord("spBv1.0/G/NBIRTH/E", spbPayloadBytes(nil, nil, spbM{name: ptr("f"), datatype: ptr(spbFloat), field: 15, s: "x"}))); !isDataError(err) {
		t.Errorf("value vs type: %v", err)
	}
	if _, err := tr.(connector.MultiTransformation).ApplyMulti(spbRecord("spBv1.0/G/NDATA/Ghost", spbPayloadBytes(nil, ptr(uint64(0)), spbAliasOnly(1, 10, 1)))); !isDataError(err) {
		t.Errorf("unknown BIRTH: %v", err)
	}
}

func TestSparkplugExplodeKeyAndUnknown(t *testing.T) {
	tr := mustTransform(t, sparkplugClass, connector.Config{"explode": "true", "explode.key": "metric", "unknown.birth": "passthrough"})
	applyMultiOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(0, 0, spbNamed("Motor/Speed", 1, spbDouble, 13, 0))))
	applyMultiOK(t, tr, spbRecord("spBv1.0/G/DBIRTH/E/D", spbPayloadBytes(nil, ptr(uint64(1)), spbNamed("temp", 2, spbFloat, 12, 0))))
	out := applyMultiOK(t, tr, spbRecord("spBv1.0/G/DDATA/E/D", spbPayloadBytes(nil, ptr(uint64(2)),
		spbM{alias: ptr(uint64(2)), field: 12, f32: 1.5}, spbM{alias: ptr(uint64(1)), field: 13, f64: 2.5})))
	if len(out) != 2 || out[0].Key != "G/E/D/temp" || out[1].Key != "G/E/D/Motor/Speed" || out[0].KeySchema.Type != connector.TypeString {
		t.Fatalf("keys %v %v", out[0].Key, out[1].Key)
	}
	if get(out[0].Value.(*connector.Struct), "value") != float32(1.5) || get(out[1].Value.(*connector.Struct), "value") != 2.5 {
		t.Errorf("values %v", out)
	}
	// passthrough: unresolved aliases are read by the wire field, the key by the alias.
	out = applyMultiOK(t, tr, spbRecord("spBv1.0/G/NDATA/Ghost", spbPayloadBytes(nil, ptr(uint64(0)), spbAliasOnly(7, 11, 42), spbM{alias: ptr(uint64(8)), field: 13, f64: 0.5}, spbM{alias: ptr(uint64(9))})))
	if len(out) != 3 {
		t.Fatalf("%d records", len(out))
	}
	for i, want := range []struct {
		key, schema string
		v           any
	}{{"G/Ghost/#7", "UnknownAsLong", int64(42)}, {"G/Ghost/#8", "UnknownAsDouble", 0.5}, {"G/Ghost/#9", "UnknownAsNone", nil}} {
		st := out[i].Value.(*connector.Struct)
		if out[i].Key != want.key || out[i].ValueSchema.Name != "io.tributary.sparkplug.metric."+want.schema || get(st, "value") != want.v ||
			get(st, "name") != nil || get(st, "datatype") != nil || !hasHeader(out[i], "sparkplug.birth.unknown") {
			t.Errorf("record %d: key %v %s %v", i, out[i].Key, out[i].ValueSchema.Name, st)
		}
		if err := st.Validate(); err != nil {
			t.Error(err)
		}
	}
	// explode=false: ApplyMulti is Apply.
	plain := mustTransform(t, sparkplugClass, connector.Config{})
	rs := applyMultiOK(t, plain, spbRecord("spBv1.0/G/NBIRTH/E", spbBirth(0, 0, spbNamed("a", 1, spbInt8, 10, 1))))
	if len(rs) != 1 || rs[0].ValueSchema != spbMessageSchema || len(spbMetrics(t, rs[0])) != 2 {
		t.Errorf("explode=false: %v", rs)
	}
	if _, err := newTransform(t, sparkplugClass, connector.Config{"explode.key": "topic"}); err == nil {
		t.Error("explode.key=topic accepted")
	}
}

// spbDataSetBytes encodes a DataSet; a nil cell is an empty DataSetValue.
func spbDataSetBytes(columns []string, types []uint32, rows [][]*spbM) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(len(columns)))
	for _, c := range columns {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, c)
	}
	var packed []byte
	for _, t := range types {
		packed = protowire.AppendVarint(packed, uint64(t))
	}
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, packed)
	for _, r := range rows {
		var rb []byte
		for _, c := range r {
			var el []byte
			if c != nil {
				// DataSetValue numbers its oneof 1..6 where Metric has 10..15.
				m := c.encode()
				num, typ, n := protowire.ConsumeTag(m)
				el = protowire.AppendTag(nil, num-9, typ)
				el = append(el, m[n:]...)
			}
			rb = protowire.AppendTag(rb, 1, protowire.BytesType)
			rb = protowire.AppendBytes(rb, el)
		}
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendBytes(b, rb)
	}
	return b
}

// spbTemplateBytes encodes a Template with metrics and one string parameter.
func spbTemplateBytes(ref string, param string, metrics ...spbM) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, "v2")
	for _, m := range metrics {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, m.encode())
	}
	var p []byte
	p = protowire.AppendTag(p, 1, protowire.BytesType)
	p = protowire.AppendString(p, "p")
	p = protowire.AppendTag(p, 2, protowire.VarintType)
	p = protowire.AppendVarint(p, uint64(spbString))
	p = protowire.AppendTag(p, 8, protowire.BytesType)
	p = protowire.AppendString(p, param)
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, p)
	if ref != "" {
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendString(b, ref)
	}
	b = protowire.AppendTag(b, 5, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeBool(ref == ""))
}

func TestSparkplugDataSetAndTemplate(t *testing.T) {
	ds := spbDataSetBytes([]string{"a", "b", "c", "d"}, []uint32{spbInt16, spbDouble, spbBoolean, spbUInt32}, [][]*spbM{
		{{field: 10, u: 0xFFFF}, {field: 13, f64: 0.1}, {field: 14, b: true}, {field: 10, u: 0xFFFFFFFF}},
		{nil, {field: 13, f64: -2}, {field: 14}, {field: 10, u: 1}},
	})
	inner := spbTemplateBytes("Inner", "q", spbM{name: ptr("x"), datatype: ptr(spbBytes), field: 16, raw: []byte{0xff}})
	tmpl := spbTemplateBytes("Outer", "hello",
		spbM{name: ptr("i"), datatype: ptr(spbInt8), field: 10, u: 0xFE},
		spbM{name: ptr("nested"), datatype: ptr(spbTemplate), field: 18, raw: inner},
		spbM{name: ptr("ds"), datatype: ptr(spbDataSet), field: 17, raw: spbDataSetBytes([]string{"z"}, []uint32{spbString}, [][]*spbM{{{field: 15, s: "s"}}})},
		spbM{name: ptr("n"), datatype: ptr(spbInt8), isNull: true})
	payload := spbPayloadBytes(nil, ptr(uint64(0)),
		spbM{name: ptr("table"), datatype: ptr(spbDataSet), field: 17, raw: ds},
		spbM{name: ptr("udt"), datatype: ptr(spbTemplate), field: 18, raw: tmpl})

	wantDS := `{"num_of_columns":4,"columns":["a","b","c","d"],"types":["Int16","Double","Boolean","UInt32"],
		"rows":[["-1","0.1","true","4294967295"],[null,"-2","false","1"]]}`
	wantT := `{"version":"v2","template_ref":"Outer","is_definition":false,"parameters":[{"name":"p","type":"String","value":"hello"}],
		"metrics":[{"name":"i","alias":null,"timestamp":null,"datatype":"Int8","is_null":false,"value":"-2"},
		{"name":"nested","alias":null,"timestamp":null,"datatype":"Template","is_null":false,
		 "value":"{\"is_definition\":false,\"metrics\":[{\"datatype\":\"Bytes\",\"is_null\":false,\"name\":\"x\",\"value\":\"/w==\"}],\"parameters\":[{\"name\":\"p\",\"type\":\"String\",\"value\":\"q\"}],\"template_ref\":\"Inner\",\"version\":\"v2\"}"},
		{"name":"ds","alias":null,"timestamp":null,"datatype":"DataSet","is_null":false,"value":"{\"columns\":[\"z\"],\"num_of_columns\":1,\"rows\":[[\"s\"]],\"types\":[\"String\"]}"},
		{"name":"n","alias":null,"timestamp":null,"datatype":"Int8","is_null":true,"value":null}]}`

	tr := mustTransform(t, sparkplugClass, connector.Config{})
	ms := spbMetrics(t, applyOK(t, tr, spbRecord("spBv1.0/G/NBIRTH/E", payload)))
	if !sameJSON(t, spbConnectJSON(get(ms[0], "dataset_value")), json.RawMessage(wantDS)) || get(ms[0], "template_value") != nil || get(ms[0], "bytes_value") != nil {
		t.Errorf("dataset_value %s", mustJSON(t, spbConnectJSON(get(ms[0], "dataset_value"))))
	}
	if !sameJSON(t, spbConnectJSON(get(ms[1], "template_value")), json.RawMessage(wantT)) || get(ms[1], "dataset_value") != nil {
		t.Errorf("template_value %s", mustJSON(t, spbConnectJSON(get(ms[1], "template_value"))))
	}

	ex := mustTransform(t, sparkplugClass, connector.Config{"explode": "true"})
	out := applyMultiOK(t, ex, spbRecord("spBv1.0/G/NBIRTH/E", payload))
	if len(out) != 2 || out[0].ValueSchema.Name != "io.tributary.sparkplug.metric.DataSet" || out[1].ValueSchema.Name != "io.tributary.sparkplug.metric.Template" {
		t.Fatalf("explode %v", out)
	}
	if v := get(out[0].Value.(*connector.Struct), "value"); !sameJSON(t, spbConnectJSON(v), json.RawMessage(wantDS)) {
		t.Errorf("exploded DataSet %s", mustJSON(t, spbConnectJSON(v)))
	}
	if v := get(out[1].Value.(*connector.Struct), "value"); !sameJSON(t, spbConnectJSON(v), json.RawMessage(wantT)) {
		t.Errorf("exploded Template %s", mustJSON(t, spbConnectJSON(v)))
	}
	for _, r := range out {
		if err := r.Value.(*connector.Struct).Validate(); err != nil {
			t.Error(err)
		}
	}

	// Malformed and hostile values fail the record with a DataError.
	deep := spbTemplateBytes("", "p")
	for i := 0; i < spbMaxDepth+2; i++ {
		deep = spbTemplateBytes("", "p", spbM{name: ptr("t"), datatype: ptr(spbTemplate), field: 18, raw: deep})
	}
	for name, m := range map[string]spbM{
		"truncated dataset":  {name: ptr("d"), datatype: ptr(spbDataSet), field: 17, raw: []byte{0x22, 0x05, 0x0a}},
		"dataset wire type":  {name: ptr("d"), datatype: ptr(spbDataSet), field: 17, raw: []byte{0x0a, 0x00}},
		"dataset cell type":  {name: ptr("d"), datatype: ptr(spbDataSet), field: 17, raw: []byte{0x22, 0x04, 0x0a, 0x02, 0x18, 0x01}}, // float_value as varint
		"template wire type": {name: ptr("t"), datatype: ptr(spbTemplate), field: 18, raw: []byte{0x28, 0x00, 0x0a, 0x01}},
		"template as bytes":  {name: ptr("t"), datatype: ptr(spbTemplate), field: 16, raw: []byte{1}},
		"too deep":           {name: ptr("t"), datatype: ptr(spbTemplate), field: 18, raw: deep},
	} {
		p := spbPayloadBytes(nil, nil, m)
		if _, err := tr.Apply(spbRecord("spBv1.0/G/NCMD/E", p)); !isDataError(err) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := ex.(connector.MultiTransformation).ApplyMulti(spbRecord("spBv1.0/G/NCMD/E", p)); !isDataError(err) {
			t.Errorf("%s (explode): %v", name, err)
		}
	}
}
