package connector

import "time"

// Header is one record header (org.apache.kafka.connect.header.Header). Schema nil means
// the value is schemaless.
type Header struct {
	Key    string
	Schema *Schema
	Value  any
}

// Headers is an ordered multi-map of headers; Add appends.
type Headers []Header

// Add appends a header.
func (h *Headers) Add(key string, s *Schema, v any) {
	*h = append(*h, Header{Key: key, Schema: s, Value: v})
}

// Last returns the last header with the key.
func (h Headers) Last(key string) (Header, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i], true
		}
	}
	return Header{}, false
}

// Remove deletes every header with the key.
func (h *Headers) Remove(key string) {
	out := (*h)[:0]
	for _, x := range *h {
		if x.Key != key {
			out = append(out, x)
		}
	}
	*h = out
}

// Clone returns an independent copy of the header list (the values are shared).
func (h Headers) Clone() Headers { return append(Headers(nil), h...) }

// Record is a source record (org.apache.kafka.connect.source.SourceRecord): where it came
// from (SourcePartition, SourceOffset) and what to write to Kafka.
//
// SourcePartition and SourceOffset must hold string keys and primitive values (nil, bool,
// integers, floats, string, []byte), as Kafka's OffsetUtils requires; they are stored in
// the offsets topic as JSON.
type Record struct {
	SourcePartition map[string]any
	SourceOffset    map[string]any
	Topic           string
	// Partition is the Kafka partition; nil lets the producer's partitioner decide.
	Partition   *int32
	KeySchema   *Schema
	Key         any
	ValueSchema *Schema
	Value       any
	// Timestamp is the record timestamp; the zero time means none (Kafka's null).
	Timestamp time.Time
	Headers   Headers
}

// NewRecord returns a copy of r with a new topic, partition, key, value and timestamp,
// keeping the source partition and offset and duplicating the headers, like
// SourceRecord.newRecord. Transformations use it instead of modifying their input.
func (r *Record) NewRecord(topic string, partition *int32, keySchema *Schema, key any, valueSchema *Schema, value any, ts time.Time) *Record {
	return &Record{
		SourcePartition: r.SourcePartition, SourceOffset: r.SourceOffset,
		Topic: topic, Partition: partition,
		KeySchema: keySchema, Key: key, ValueSchema: valueSchema, Value: value,
		Timestamp: ts, Headers: r.Headers.Clone(),
	}
}

// Copy returns a shallow copy with its own header list.
func (r *Record) Copy() *Record {
	c := *r
	c.Headers = r.Headers.Clone()
	return &c
}

// RecordMetadata is where Kafka stored a record.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
}
