package runtime

import (
	"encoding/json"
	"strconv"
	"sync"
)

// submittedRecords tracks records sent to Kafka per source partition, so that only offsets
// whose record and every earlier record of the same source partition were acknowledged are
// committed (Kafka Connect's SubmittedRecords). Safe for concurrent use: the task goroutine
// submits, the delivery goroutine acks, the commit loop reads.
type submittedRecords struct {
	mu      sync.Mutex
	queues  map[string]*partitionQueue
	pending int
	drained chan struct{} // closed and replaced when pending reaches 0
}

type partitionQueue struct {
	partition map[string]any
	recs      []*submittedRecord
}

// submittedRecord is one record in flight.
type submittedRecord struct {
	key    string
	offset map[string]any
	acked  bool
}

// committableOffset is a source partition and the offset that may be committed for it.
type committableOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

func newSubmittedRecords() *submittedRecords {
	return &submittedRecords{queues: map[string]*partitionQueue{}, drained: make(chan struct{})}
}

// partitionKey is the canonical identity of a source partition. It runs for every record,
// so the common shapes (a few string or integer values) are keyed without encoding/json;
// anything else falls back to sorted-key JSON. Keys only need to be equal for equal maps
// within this process.
func partitionKey(p map[string]any) string {
	if len(p) == 1 {
		for k, v := range p {
			switch x := v.(type) {
			case string:
				return k + "\x00s" + x
			case int64:
				return k + "\x00i" + strconv.FormatInt(x, 10)
			case int:
				return k + "\x00i" + strconv.Itoa(x)
			case int32:
				return k + "\x00i" + strconv.FormatInt(int64(x), 10)
			case nil:
				return k + "\x00n"
			}
		}
	}
	b, err := json.Marshal(p) // encoding/json sorts map keys
	if err != nil {
		return "!" + err.Error()
	}
	return "\x01" + string(b)
}

// submit records a record about to be produced. A record without a source partition or
// offset is tracked for the in-flight count only.
func (s *submittedRecords) submit(partition, offset map[string]any) *submittedRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending++
	r := &submittedRecord{offset: offset}
	if partition == nil || offset == nil {
		r.key = ""
		return r
	}
	r.key = partitionKey(partition)
	q, ok := s.queues[r.key]
	if !ok {
		q = &partitionQueue{partition: partition}
		s.queues[r.key] = q
	}
	q.recs = append(q.recs, r)
	return r
}

// ack marks a record acknowledged (or dropped and therefore done).
func (s *submittedRecords) ack(r *submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.acked {
		return
	}
	r.acked = true
	s.pending--
	if s.pending == 0 {
		close(s.drained)
		s.drained = make(chan struct{})
	}
}

// committable removes acknowledged records from the head of every partition queue and
// returns, per partition, the offset of the last one removed. A partition whose head is
// unacknowledged contributes nothing, others still commit.
func (s *submittedRecords) committable() []committableOffset {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []committableOffset
	for key, q := range s.queues {
		n := 0
		for n < len(q.recs) && q.recs[n].acked {
			n++
		}
		if n == 0 {
			continue
		}
		out = append(out, committableOffset{Partition: q.partition, Offset: q.recs[n-1].offset})
		q.recs = q.recs[n:]
		if len(q.recs) == 0 {
			delete(s.queues, key)
		}
	}
	return out
}

// inFlight is the number of records submitted and not yet acknowledged.
func (s *submittedRecords) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}

// drainedCh returns a channel closed when nothing is in flight (already closed if so).
func (s *submittedRecords) drainedCh() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	return s.drained
}

// forget removes a record that will never be acknowledged (dropped by a transform or
// tolerated): it stops blocking its partition and its offset is not committed.
func (s *submittedRecords) forget(r *submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.acked {
		return
	}
	if q, ok := s.queues[r.key]; ok {
		for i, x := range q.recs {
			if x == r {
				q.recs = append(q.recs[:i], q.recs[i+1:]...)
				break
			}
		}
		if len(q.recs) == 0 {
			delete(s.queues, r.key)
		}
	}
	r.acked = true
	s.pending--
	if s.pending == 0 {
		close(s.drained)
		s.drained = make(chan struct{})
	}
}

// requeue puts back an offset whose commit failed, as an acknowledged head entry of its
// partition, so the next commit writes it again (unless a later one supersedes it).
func (s *submittedRecords) requeue(partition, offset map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := partitionKey(partition)
	q, ok := s.queues[key]
	if !ok {
		q = &partitionQueue{partition: partition}
		s.queues[key] = q
	}
	q.recs = append([]*submittedRecord{{key: key, offset: offset, acked: true}}, q.recs...)
}
