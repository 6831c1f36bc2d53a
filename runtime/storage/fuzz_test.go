package storage

import (
	"testing"

	"github.com/hashicorp/go-hclog"
)

// FuzzApplyRecords feeds arbitrary records to the three topic readers: whatever another writer
// put in the topics, reading must never panic. `go test` runs the seeds; `go test -fuzz
// FuzzApplyRecords` explores further.
func FuzzApplyRecords(f *testing.F) {
	seeds := []struct{ key, value string }{
		{"connector-a", `{"properties":{"k":"v"}}`},
		{"task-a-0", `{"properties":{"k":"v"}}`},
		{"commit-a", `{"tasks":1}`},
		{"target-state-a", `{"state":"PAUSED","state.v2":"STOPPED"}`},
		{"restart-connector-a", `{"include-tasks":true,"only-failed":false}`},
		{"session-key", `{"key":"AAEC","algorithm":"HmacSHA256","creation-timestamp":1}`},
		{"tasks-fencing-a", `{"task-count":1}`},
		{"logger-cluster-x", `{"level":"DEBUG"}`},
		{`["c",{"a":1,"b":[1,{"x":null}]}]`, `{"position":1e400}`},
		{"status-task-a-0", `{"state":"RUNNING","trace":null,"worker_id":"h","generation":1,"version":null}`},
		{"status-topic-t:connector-a", `{"topic":{"name":"t","connector":"a","task":0,"discoverTimestamp":1}}`},
		{"task--", `[]`},
		{"", ``},
	}
	for _, s := range seeds {
		f.Add([]byte(s.key), []byte(s.value), false)
	}
	f.Fuzz(func(t *testing.T, key, value []byte, tombstone bool) {
		if tombstone {
			value = nil
		}
		log := hclog.NewNullLogger()
		rec := consumedRecord{Key: key, Value: value, Offset: 7}
		cs := newConfigState()
		cs.apply(consumedRecord{Key: []byte("connector-a"), Value: []byte(`{"properties":{}}`)}, log)
		cs.apply(rec, log)
		_ = cs.snapshot()
		os := newOffsetState()
		os.apply(rec, log)
		for id := range os.entries {
			if _, err := os.keyFor(id.connector, os.entries[id].partition); err != nil {
				t.Fatalf("an indexed partition cannot be keyed: %v", err)
			}
		}
		ss := newStatusState()
		ss.apply(rec, log)
	})
}
