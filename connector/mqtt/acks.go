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
	q        *ackQueue
	seq      uint64
	windowed bool // holds a token of the task's in-flight window
}

// add appends a message and returns its reference.
func (q *ackQueue) add(ack func()) ackRef {
	q.mu.Lock()
	defer q.mu.Unlock()
	seq := q.head + uint64(len(q.items)-q.start)
	q.items = append(q.items, pendingAck{ack: ack})
	return ackRef{q: q, seq: seq}
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

// close drops every pending ack; later marks are ignored.
func (q *ackQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed, q.items, q.start = true, nil, 0
}
