package mqtt

import (
	"reflect"
	"testing"
)

func TestAckQueueReleasesInArrivalOrder(t *testing.T) {
	q := &ackQueue{}
	var sent []int
	refs := make([]ackRef, 6)
	for i := range refs {
		if i == 3 {
			refs[i] = q.add(nil) // a QoS 0 message: nothing to send, but it keeps its place
			continue
		}
		refs[i] = q.add(func() { sent = append(sent, i) })
	}
	refs[2].done()
	refs[1].done()
	if len(sent) != 0 {
		t.Fatalf("acks sent before the first message was done: %v", sent)
	}
	refs[0].done()
	if want := []int{0, 1, 2}; !reflect.DeepEqual(sent, want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	refs[5].done()
	refs[3].done()
	if want := []int{0, 1, 2}; !reflect.DeepEqual(sent, want) {
		t.Fatalf("sent %v, want %v (4 is not done)", sent, want)
	}
	refs[4].done()
	if want := []int{0, 1, 2, 4, 5}; !reflect.DeepEqual(sent, want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	if q.pending() != 0 {
		t.Fatalf("pending = %d", q.pending())
	}
}

func TestAckQueueClosedDropsAcks(t *testing.T) {
	q := &ackQueue{}
	sent := 0
	a := q.add(func() { sent++ })
	b := q.add(func() { sent++ })
	b.done()
	q.close()
	a.done()
	if sent != 0 {
		t.Fatalf("%d acks sent after the connection was lost", sent)
	}
}

func TestAckQueueLongRun(t *testing.T) {
	q := &ackQueue{}
	next := 0
	var refs []ackRef
	for i := range 100_000 {
		refs = append(refs, q.add(func() {
			if i != next {
				t.Fatalf("ack %d sent, want %d", i, next)
			}
			next++
		}))
		// Complete in pairs, the second first, to exercise out-of-order marks.
		if i%2 == 1 {
			refs[i].done()
			refs[i-1].done()
		}
	}
	if next != 100_000 || q.pending() != 0 {
		t.Fatalf("released %d, pending %d", next, q.pending())
	}
}
