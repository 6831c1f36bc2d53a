package storage

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// DefaultOffsetPartitions is Connect's offset.storage.partitions default.
const DefaultOffsetPartitions = 25

// PartitionOffset is one source partition and its offset. A nil Offset is "no offset": when
// written, a tombstone.
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// OffsetStore is Kafka Connect's KafkaOffsetBackingStore: source offsets on the compacted
// offsets topic, keyed ["<connector>",{partition}], in Connect's format.
//
// Values read back follow Connect's schemaless JSON: integers are int64, other numbers
// float64. Partitions and offsets written must have primitive values (nil, bool, integers,
// floats, string, []byte); anything else is refused with ErrInvalidOffset. For how keys are
// written so that Java readers find them, see offset_records.go.
//
// All methods are safe for concurrent use.
type OffsetStore struct {
	log  hclog.Logger
	klog *kafkaLog

	mu    sync.Mutex
	state *offsetState
}

// NewOffsetStore returns a store for cfg.Topic; Start connects it. cfg.Partitions 0 means 25.
func NewOffsetStore(cfg LogConfig) *OffsetStore {
	lg := cfg.Logger
	if lg == nil {
		lg = hclog.NewNullLogger()
	}
	s := &OffsetStore{log: lg.Named("offset-store"), state: newOffsetState()}
	cfg.Logger = s.log
	partitions := cfg.Partitions
	if partitions == 0 {
		partitions = DefaultOffsetPartitions
	}
	s.klog = newKafkaLog(logSpec{
		cfg:           cfg,
		topicProperty: "offset.storage.topic",
		purpose:       "source connector offsets",
		partitions:    partitions,
		consume:       s.consume,
	})
	return s
}

// Start creates the topic (compacted) or checks the existing one, reads it to the end and keeps
// tailing it. It fails with a *TopicConfigError when the topic is not compacted.
func (s *OffsetStore) Start(ctx context.Context) error {
	if err := s.klog.start(ctx); err != nil {
		return fmt.Errorf("starting the offset store: %w", err)
	}
	return nil
}

// Stop stops tailing, closes the Kafka clients and waits for the store's goroutines.
func (s *OffsetStore) Stop() { s.klog.stop() }

// ReadToEnd waits until every record written before the call has been read.
func (s *OffsetStore) ReadToEnd(ctx context.Context) error {
	if err := s.klog.readToEnd(ctx); err != nil {
		return fmt.Errorf("reading the offsets topic to the end: %w", err)
	}
	return nil
}

func (s *OffsetStore) consume(rec consumedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.apply(rec, s.log)
}

// Offsets reads the offsets topic to the end, as Connect does for every offset read, and returns
// the offset of each partition (nil when it has none), in the order asked.
func (s *OffsetStore) Offsets(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	ids := make([]offsetIdentity, len(partitions))
	for i, p := range partitions {
		if err := validateOffsetMap("source partition", p); err != nil {
			return nil, fmt.Errorf("reading offsets of connector %s: %w", connector, err)
		}
		id, err := identityOf(connector, p)
		if err != nil {
			return nil, fmt.Errorf("reading offsets of connector %s: %w", connector, err)
		}
		ids[i] = id
	}
	if err := s.klog.readToEnd(ctx); err != nil {
		return nil, fmt.Errorf("reading offsets of connector %s: %w", connector, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, len(ids))
	for i, id := range ids {
		if e, ok := s.state.entries[id]; ok {
			out[i] = maps.Clone(e.offset)
		}
	}
	return out, nil
}

// Offset is Offsets for one partition: the TaskContext.Offset of a source task.
func (s *OffsetStore) Offset(ctx context.Context, connector string, partition map[string]any) (map[string]any, error) {
	out, err := s.Offsets(ctx, connector, []map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// ConnectorOffsets reads the topic to the end and returns every partition of the connector that
// has an offset (GET /connectors/{c}/offsets), sorted by the partition's canonical JSON. A null
// source partition is not listed, as in Connect.
func (s *OffsetStore) ConnectorOffsets(ctx context.Context, connector string) ([]PartitionOffset, error) {
	if err := s.klog.readToEnd(ctx); err != nil {
		return nil, fmt.Errorf("reading offsets of connector %s: %w", connector, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []offsetIdentity
	for id, e := range s.state.entries {
		if id.connector == connector && e.partition != nil && e.offset != nil {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].partition < ids[j].partition })
	out := make([]PartitionOffset, len(ids))
	for i, id := range ids {
		e := s.state.entries[id]
		out[i] = PartitionOffset{Partition: maps.Clone(e.partition), Offset: maps.Clone(e.offset)}
	}
	return out, nil
}

// Put writes the offsets of a connector's partitions (Offset nil = tombstone) and waits for
// every ack: the write step of Connect's offset flush (OffsetStorageWriter.doFlush). A
// partition already in the topic is written under the exact key bytes last read for it. It does
// not wait for the records to be read back; Offsets does that.
func (s *OffsetStore) Put(ctx context.Context, connector string, entries []PartitionOffset) error {
	kvs := make([]keyValue, len(entries))
	s.mu.Lock()
	for i, e := range entries {
		err := validateOffsetMap("source partition", e.Partition)
		if err == nil {
			err = validateOffsetMap("source offset", e.Offset)
		}
		var key, value []byte
		if err == nil {
			key, err = s.state.keyFor(connector, e.Partition)
		}
		if err == nil {
			value, err = encodeOffsetValue(e.Offset)
		}
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("writing offsets of connector %s: %w", connector, err)
		}
		kvs[i] = keyValue{key: key, value: value}
	}
	s.mu.Unlock()
	ctx, cancel := writeContext(ctx)
	defer cancel()
	if _, err := s.klog.send(ctx, kvs); err != nil {
		return fmt.Errorf("writing offsets of connector %s: %w", connector, err)
	}
	return nil
}
