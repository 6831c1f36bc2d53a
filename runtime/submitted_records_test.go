package runtime

import (
	"testing"
)

func TestSubmittedRecordsCommitOnlyContiguousAcks(t *testing.T) {
	s := newSubmittedRecords()
	pa := map[string]any{"file": "a"}
	pb := map[string]any{"file": "b"}
	a1 := s.submit(pa, map[string]any{"pos": int64(1)})
	a2 := s.submit(pa, map[string]any{"pos": int64(2)})
	a3 := s.submit(pa, map[string]any{"pos": int64(3)})
	b1 := s.submit(pb, map[string]any{"pos": int64(10)})

	s.ack(a2) // out of order: a1 still blocks partition a
	s.ack(b1)
	got := s.committable()
	if len(got) != 1 || got[0].Partition["file"] != "b" || got[0].Offset["pos"] != int64(10) {
		t.Fatalf("committable = %v, want only b@10", got)
	}
	s.ack(a1)
	got = s.committable()
	if len(got) != 1 || got[0].Offset["pos"] != int64(2) {
		t.Fatalf("committable = %v, want a@2", got)
	}
	if n := s.inFlight(); n != 1 {
		t.Fatalf("in flight = %d, want 1", n)
	}
	select {
	case <-s.drainedCh():
		t.Fatal("drained while a3 is in flight")
	default:
	}
	s.ack(a3)
	s.ack(a3) // idempotent
	select {
	case <-s.drainedCh():
	default:
		t.Fatal("not drained after the last ack")
	}
	if got := s.committable(); len(got) != 1 || got[0].Offset["pos"] != int64(3) {
		t.Fatalf("committable = %v, want a@3", got)
	}
	if got := s.committable(); len(got) != 0 {
		t.Fatalf("nothing new to commit, got %v", got)
	}
}
