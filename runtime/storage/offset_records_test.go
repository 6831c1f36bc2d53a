package storage

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestOffsetKeyAndValueFormat(t *testing.T) {
	key, err := encodeOffsetKey("my-file-source", map[string]any{"filename": "/tmp/in.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `["my-file-source",{"filename":"/tmp/in.txt"}]`; string(key) != want {
		t.Fatalf("key %s, want %s", key, want)
	}
	// Sorted keys, compact, Java number formats.
	key, _ = encodeOffsetKey("c", map[string]any{"z": 1, "a": 2.0, "m": "x", "b": nil, "t": true})
	if want := `["c",{"a":2.0,"b":null,"m":"x","t":true,"z":1}]`; string(key) != want {
		t.Fatalf("key %s, want %s", key, want)
	}
	key, _ = encodeOffsetKey("c", nil)
	if string(key) != `["c",null]` {
		t.Fatalf("null partition key %s", key)
	}
	val, _ := encodeOffsetValue(map[string]any{"position": int64(4711)})
	if string(val) != `{"position":4711}` {
		t.Fatalf("value %s", val)
	}
	if val, _ := encodeOffsetValue(nil); val != nil {
		t.Fatalf("nil offset must be a tombstone, got %q", val)
	}
}

func TestValidateOffsetMap(t *testing.T) {
	ok := map[string]any{"a": nil, "b": true, "c": 1, "d": int64(2), "e": 1.5, "f": float32(2), "g": "s", "h": []byte{1}, "i": uint32(3)}
	if err := validateOffsetMap("source offset", ok); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []map[string]any{
		{"nested": map[string]any{"x": 1}},
		{"list": []any{1}},
		{"struct": struct{}{}},
	} {
		err := validateOffsetMap("source offset", bad)
		if !errors.Is(err, ErrInvalidOffset) {
			t.Errorf("validateOffsetMap(%v) = %v", bad, err)
		}
	}
}

func TestOffsetStateIdentityAndKeyReuse(t *testing.T) {
	var buf bytes.Buffer
	st := newOffsetState()
	// A Java worker wrote this key in HashMap order (b before a).
	javaKey := []byte(`["conn",{"b":"x","a":1}]`)
	st.apply(consumedRecord{Key: javaKey, Value: []byte(`{"position":10}`), Offset: 0}, testLogger(&buf))

	// Looking it up by the semantic partition works whatever the Go map looks like.
	id, _ := identityOf("conn", map[string]any{"a": 1, "b": "x"})
	e := st.entries[id]
	if e == nil || !reflect.DeepEqual(e.offset, map[string]any{"position": int64(10)}) {
		t.Fatalf("entry %+v", e)
	}
	// Writing that partition again reuses Java's exact key bytes.
	key, err := st.keyFor("conn", map[string]any{"a": int64(1), "b": "x"})
	if err != nil || !bytes.Equal(key, javaKey) {
		t.Fatalf("keyFor = %s, %v; want %s", key, err, javaKey)
	}
	// A new partition gets the canonical key.
	key, _ = st.keyFor("conn", map[string]any{"b": "y", "a": 1})
	if string(key) != `["conn",{"a":1,"b":"y"}]` {
		t.Fatalf("new key %s", key)
	}
	// An integer and a decimal are different partitions (Java's Long and Double).
	key, _ = st.keyFor("conn", map[string]any{"a": 1.0, "b": "x"})
	if string(key) != `["conn",{"a":1.0,"b":"x"}]` {
		t.Fatalf("decimal partition reused the integer key: %s", key)
	}
	// Another connector with the same partition is another identity.
	key, _ = st.keyFor("other", map[string]any{"a": 1, "b": "x"})
	if string(key) != `["other",{"a":1,"b":"x"}]` {
		t.Fatalf("other connector key %s", key)
	}

	// Our canonical key for the same partition, read later, updates the same identity, and the
	// latest key bytes win for further writes.
	st.apply(consumedRecord{Key: []byte(`["conn",{"a":1,"b":"x"}]`), Value: []byte(`{"position":20}`), Offset: 1}, testLogger(&buf))
	if e := st.entries[id]; !reflect.DeepEqual(e.offset, map[string]any{"position": int64(20)}) {
		t.Fatalf("after update %+v", e)
	}
	if key, _ := st.keyFor("conn", map[string]any{"a": 1, "b": "x"}); string(key) != `["conn",{"a":1,"b":"x"}]` {
		t.Fatalf("latest key not reused: %s", key)
	}
	// Tombstone: no offset any more.
	st.apply(consumedRecord{Key: javaKey, Offset: 2}, testLogger(&buf))
	if e := st.entries[id]; e.offset != nil {
		t.Fatalf("tombstone kept offset %v", e.offset)
	}
	if w := warnings(&buf); len(w) != 0 {
		t.Fatalf("unexpected warnings %v", w)
	}
}

func TestOffsetStateSkipsMalformedRecords(t *testing.T) {
	var buf bytes.Buffer
	st := newOffsetState()
	bad := []consumedRecord{
		{Key: []byte(`not json`), Value: []byte(`{}`)},
		{Key: []byte(`{"a":1}`), Value: []byte(`{}`)},
		{Key: []byte(`["c"]`), Value: []byte(`{}`)},
		{Key: []byte(`[1,{"a":1}]`), Value: []byte(`{}`)},
		{Key: []byte(`["c",[1]]`), Value: []byte(`{}`)},
		{Key: []byte(`["c",{"a":1}]`), Value: []byte(`[1]`)},
		{Key: []byte(`["c",{"a":1}]`), Value: []byte(`{`)},
		{Value: []byte(`{}`)},
	}
	for i, r := range bad {
		r.Offset = int64(100 + i)
		st.apply(r, testLogger(&buf))
	}
	if len(st.entries) != 0 {
		t.Fatalf("malformed records were indexed: %v", st.entries)
	}
	w := warnings(&buf)
	if len(w) != len(bad) {
		t.Fatalf("want %d warnings, got %v", len(bad), w)
	}
	if !bytes.Contains([]byte(w[0]), []byte("offset=100")) {
		t.Fatalf("warning without offset: %s", w[0])
	}
}
