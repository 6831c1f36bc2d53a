package runtime

import (
	"bytes"
	"flag"
	"os"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestMetricsGoldenText checks the whole Prometheus exposition against testdata/metrics.golden
// (go test ./runtime -run MetricsGolden -update rewrites it).
func TestMetricsGoldenText(t *testing.T) {
	m := NewMetrics()
	st := m.SourceTask("file-src", 0)
	st.RecordPoll(10, 4*time.Millisecond)
	st.RecordPoll(2, 2*time.Millisecond)
	st.RecordWrite(11)
	st.SetActive(3)
	st.SetActive(1)
	st.RecordOffsetCommit(20*time.Millisecond, true)
	st.RecordOffsetCommit(10*time.Millisecond, true)
	st.RecordOffsetCommit(time.Second, false)
	m.SourceTask("a\"b", 1) // created, nothing recorded: averages and maxima are NaN
	m.SetConnectorStatus("file-src", "RUNNING")
	m.SetConnectorInfo("file-src", "org.apache.kafka.connect.file.FileStreamSourceConnector", "source", "4.1.2")
	m.SetTaskStatus("file-src", 0, "running")
	m.SetTaskStatus("file-src", 1, "failed")
	m.SetConnectorStatus("gone", "paused")
	m.RemoveConnector("gone")
	m.SourceTask("gone", 0)
	m.RemoveSourceTask("gone", 0)
	m.RecordConnectorStartup(true)
	m.RecordTaskStartup(true)
	m.RecordTaskStartup(false)

	var got bytes.Buffer
	if err := m.WriteText(&got); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/metrics.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("metrics text differs from %s:\n%s", golden, got.String())
	}
	var again bytes.Buffer
	_ = m.WriteText(&again)
	if !bytes.Equal(got.Bytes(), again.Bytes()) {
		t.Fatal("two renderings of the same state differ")
	}
}

func TestMetricsEmptyRegistry(t *testing.T) {
	var b bytes.Buffer
	if err := NewMetrics().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"kafka_connect_connect_worker_metrics_connector_count 0\n",
		"kafka_connect_connect_worker_metrics_task_count 0\n",
		"kafka_connect_connect_worker_metrics_task_startup_success_percentage 0\n",
	} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
	if bytes.Contains(b.Bytes(), []byte("source_task_metrics")) {
		t.Errorf("task families without tasks:\n%s", b.String())
	}
}

// TestSourceTaskMetricsAllocationFree keeps the hot path free of allocations.
func TestSourceTaskMetricsAllocationFree(t *testing.T) {
	st := NewMetrics().SourceTask("c", 0)
	allocs := testing.AllocsPerRun(1000, func() {
		st.RecordPoll(5, time.Millisecond)
		st.RecordWrite(1)
		st.SetActive(4)
		st.RecordOffsetCommit(time.Millisecond, true)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}

func TestMetricsConcurrentUse(t *testing.T) {
	m := NewMetrics()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := m.SourceTask("c", i)
			for j := 0; j < 500; j++ {
				st.RecordPoll(1, time.Microsecond)
				st.RecordWrite(1)
				m.SetTaskStatus("c", i, "running")
				if j%100 == 0 {
					var b bytes.Buffer
					_ = m.WriteText(&b)
				}
			}
		}()
	}
	wg.Wait()
	if got := m.SourceTask("c", 2).writeRecords.Load(); got != 500 {
		t.Fatalf("write total %d", got)
	}
}

func BenchmarkSourceTaskRecordWrite(b *testing.B) {
	st := NewMetrics().SourceTask("c", 0)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			st.RecordWrite(1)
		}
	})
}
