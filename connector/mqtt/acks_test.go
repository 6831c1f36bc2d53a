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
			refs[i], _ = q.add(nil, nil) // a QoS 0 message: nothing to send, but it keeps its place
			continue
		}
		refs[i], _ = q.add(nil, func() { sent = append(sent, i) })
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
	a, _ := q.add(nil, func() { sent++ })
	b, _ := q.add(nil, func() { sent++ })
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
		ref, _ := q.add(nil, func() {
			if i != next {
				t.Fatalf("ack %d sent, want %d", i, next)
			}
			next++
		})
		refs = append(refs, ref)
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

func TestAckQueueWindow(t *testing.T) {
	window := make(chan struct{}, 2)
	q := newAckQueue(window)
	a, _ := q.add(nil, func() {})
	b, _ := q.add(nil, func() {})
	q0, _ := q.add(nil, nil) // QoS 0 takes no token
	stop := make(chan struct{})
	close(stop)
	if _, ok := q.add(stop, func() {}); ok {
		t.Fatal("a third message got into a window of 2")
	}
	b.done() // not sent yet: a is still pending, so the token stays taken
	if len(window) != 2 {
		t.Fatalf("window %d, want 2 while b's ack waits for a", len(window))
	}
	a.done()
	q0.done()
	if len(window) != 0 {
		t.Fatalf("window %d after both acks were sent", len(window))
	}
	c, _ := q.add(nil, func() {})
	_ = c
	q.close() // a lost connection frees the tokens of dropped acks
	if len(window) != 0 {
		t.Fatalf("window %d after close", len(window))
	}
}
