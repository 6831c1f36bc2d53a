package storage

import (
	"fmt"
	"math"

	"github.com/hashicorp/go-hclog"
)

// Offsets topic records (KafkaOffsetBackingStore, OffsetStorageWriter, OffsetUtils).
//
// Key:   ["<connector>",{<source partition>}]   (JsonConverter, schemas.enable=false)
// Value: {<source offset>}, or a tombstone for "no offset".
//
// Java's worker keys its view by the raw key bytes and looks offsets up by serializing
// [connector, partition] again, in the iteration order of the connector's Map (hash order for a
// HashMap). Two serializations of the same partition with different key orders are different
// keys to Java, and compaction keeps both. So this store
//   - indexes what it reads by semantic identity: the connector and the partition in canonical
//     form (keys sorted, integers and decimals distinct, as Java's Long and Double are);
//   - remembers the exact key bytes last seen for each identity and reuses them when it writes
//     that partition again, so Java readers keep finding the value under the key they know;
//   - writes a partition it has never seen with compact JSON and sorted keys — the canonical
//     form, deterministic across Tributary workers and restarts.

// validateOffsetMap is Connect's OffsetUtils.validateFormat: string keys (guaranteed by the Go
// type) and primitive values — nil, bool, integers, floats, string, []byte. Nested maps and
// arrays are refused.
func validateOffsetMap(what string, m map[string]any) error {
	for k, v := range m {
		switch x := v.(type) {
		case nil, bool, string, []byte, int, int8, int16, int32, int64, uint8, uint16, uint32:
		case uint, uint64:
			if toUint64(x) > math.MaxInt64 {
				return fmt.Errorf("%w: %s field %q: %d does not fit a Java long", ErrInvalidOffset, what, k, toUint64(x))
			}
		case float32:
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("%w: %s field %q: %v cannot be written as JSON", ErrInvalidOffset, what, k, x)
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%w: %s field %q: %v cannot be written as JSON", ErrInvalidOffset, what, k, x)
			}
		default:
			return fmt.Errorf("%w: %ss may only contain primitive types as values, but field %q contains %T",
				ErrInvalidOffset, what, k, v)
		}
	}
	return nil
}

// encodeOffsetKey writes ["<connector>",{partition}] with the partition's keys sorted. A nil
// partition is written as null, as Java does for a null source partition.
func encodeOffsetKey(connector string, partition map[string]any) ([]byte, error) {
	b := []byte{'['}
	b = appendJSONString(b, connector)
	b = append(b, ',')
	var err error
	if partition == nil {
		b = append(b, "null"...)
	} else if b, err = appendJSONObject(b, partition); err != nil {
		return nil, fmt.Errorf("%w: source partition: %w", ErrInvalidOffset, err)
	}
	return append(b, ']'), nil
}

// encodeOffsetValue writes the offset map with sorted keys; nil is a tombstone.
func encodeOffsetValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	b, err := appendJSONObject(nil, offset)
	if err != nil {
		return nil, fmt.Errorf("%w: source offset: %w", ErrInvalidOffset, err)
	}
	return b, nil
}

// offsetIdentity is the semantic identity of an offsets key: the connector and the canonical
// (sorted) serialization of the partition.
type offsetIdentity struct {
	connector string
	partition string
}

func identityOf(connector string, partition map[string]any) (offsetIdentity, error) {
	var p []byte
	if partition == nil {
		p = []byte("null")
	} else {
		var err error
		if p, err = appendJSONObject(nil, partition); err != nil {
			return offsetIdentity{}, fmt.Errorf("%w: source partition: %w", ErrInvalidOffset, err)
		}
	}
	return offsetIdentity{connector: connector, partition: string(p)}, nil
}

// decodeOffsetKey parses ["<connector>",{partition}] or ["<connector>",null].
func decodeOffsetKey(key []byte) (string, map[string]any, error) {
	v, err := parseJSON(key)
	if err != nil {
		return "", nil, fmt.Errorf("not JSON: %w", err)
	}
	list, ok := v.([]any)
	if !ok {
		return "", nil, fmt.Errorf("expected a JSON array, found %s", jsonKind(v))
	}
	if len(list) != 2 {
		return "", nil, fmt.Errorf("expected 2 elements, found %d", len(list))
	}
	connector, ok := list[0].(string)
	if !ok {
		return "", nil, fmt.Errorf("the first element is %s, not a string", jsonKind(list[0]))
	}
	if list[1] == nil {
		return connector, nil, nil
	}
	partition, ok := list[1].(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("the second element is %s, not an object", jsonKind(list[1]))
	}
	return connector, partition, nil
}

// offsetEntry is what the view knows about one partition.
type offsetEntry struct {
	key       []byte         // the exact key bytes last read
	partition map[string]any // parsed from key
	offset    map[string]any // nil: tombstone (or JSON null)
}

// offsetState is the offsets topic's view.
type offsetState struct {
	entries map[offsetIdentity]*offsetEntry
}

func newOffsetState() *offsetState {
	return &offsetState{entries: map[offsetIdentity]*offsetEntry{}}
}

// apply processes one offsets-topic record. Keys that are not [connector, partition] are logged
// and skipped (Connect ignores them too, with a warning).
func (s *offsetState) apply(rec consumedRecord, log hclog.Logger) {
	warn := func(msg string, args ...any) {
		log.Warn(msg, append([]any{"key", string(rec.Key), "partition", rec.Partition, "offset", rec.Offset}, args...)...)
	}
	if rec.Key == nil {
		warn("skipping an offset record without a key")
		return
	}
	connector, partition, err := decodeOffsetKey(rec.Key)
	if err != nil {
		warn("skipping an offset record whose key is not [connector, partition]", "error", err)
		return
	}
	id, err := identityOf(connector, partition)
	if err != nil {
		warn("skipping an offset record whose partition cannot be indexed", "error", err)
		return
	}
	var offset map[string]any
	if rec.Value != nil {
		v, err := parseJSON(rec.Value)
		if err != nil {
			warn("skipping an offset record whose value is not JSON", "error", err)
			return
		}
		if v != nil {
			m, ok := v.(map[string]any)
			if !ok {
				warn("skipping an offset record whose value is not a JSON object", "found", jsonKind(v))
				return
			}
			offset = m
		}
	}
	s.entries[id] = &offsetEntry{key: append([]byte(nil), rec.Key...), partition: partition, offset: offset}
}

// keyFor returns the bytes to write for a partition: the key last read for it, or the
// canonical encoding when it is new.
func (s *offsetState) keyFor(connector string, partition map[string]any) ([]byte, error) {
	id, err := identityOf(connector, partition)
	if err != nil {
		return nil, err
	}
	if e, ok := s.entries[id]; ok {
		return e.key, nil
	}
	return encodeOffsetKey(connector, partition)
}
