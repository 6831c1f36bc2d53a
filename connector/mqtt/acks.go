package mqtt

import "sync"

// ackQueue releases the MQTT acknowledgements of one connection in the order the messages
// arrived, as MQTT requires (PUBACK/PUBREC in PUBLISH order), although Kafka acknowledges
// records per partition, in any order across partitions. A message's ack is sent once it
// and every message received before it on the connection are done.
//
// When the connection is lost the queue is closed: pending acks are dropped (the broker
// sends those messages again, flagged DUP, on the next connection) and later marks are
// ignored, so an ack never reaches a connection that did not deliver its message.
type ackQueue struct {
	// window holds a token for every QoS 1/2 message from receipt until its ack is sent or
	// dropped (nil: no window): the task's in-flight limit.
	window chan struct{}

	mu     sync.Mutex
	head   uint64 // sequence number of items[0]
	items  []pendingAck
	start  int // items[:start] are released
	closed bool
}

type pendingAck struct {
	done bool
	ack  func() // nil for QoS 0 messages, which have no acknowledgement
}

// ackRef names one message in one connection's queue.
type ackRef struct {
	q   *ackQueue
	seq uint64
}

func newAckQueue(window chan struct{}) *ackQueue { return &ackQueue{window: window} }

// add appends a message and returns its reference. A message with an ack takes a window
// token first, waiting while the window is full; ok is false if ctx ended first.
func (q *ackQueue) add(done <-chan struct{}, ack func()) (ref ackRef, ok bool) {
	if ack != nil && q.window != nil {
		select {
		case q.window <- struct{}{}:
		case <-done:
			return ackRef{}, false
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	seq := q.head + uint64(len(q.items)-q.start)
	q.items = append(q.items, pendingAck{ack: ack})
	return ackRef{q: q, seq: seq}, true
}

// releaseToken frees the window token of a message whose ack was sent or dropped.
func (q *ackQueue) releaseToken(p pendingAck) {
	if p.ack != nil && q.window != nil {
		<-q.window
	}
}

// done marks a message done and sends every ack that is now in order.
func (r ackRef) done() {
	q := r.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || r.seq < q.head {
		return
	}
	q.items[q.start+int(r.seq-q.head)].done = true
	for q.start < len(q.items) && q.items[q.start].done {
		if a := q.items[q.start].ack; a != nil {
			a()
		}
		q.releaseToken(q.items[q.start])
		q.items[q.start] = pendingAck{}
		q.start++
		q.head++
	}
	// Reuse the slice once it is drained or mostly released.
	switch {
	case q.start == len(q.items):
		q.items, q.start = q.items[:0], 0
	case q.start > 1024 && q.start > len(q.items)/2:
		n := copy(q.items, q.items[q.start:])
		q.items, q.start = q.items[:n], 0
	}
}

// pending is the number of messages not yet released.
func (q *ackQueue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.start
}

// close drops every pending ack (and frees their window tokens); later marks are ignored.
func (q *ackQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	for _, p := range q.items[q.start:] {
		q.releaseToken(p)
	}
	q.closed, q.items, q.start = true, nil, 0
}
