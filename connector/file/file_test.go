package file

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/javautf8"
)

type fakeTaskContext struct {
	offset map[string]any
	err    error
	asked  []map[string]any
}

func (f *fakeTaskContext) Offset(_ context.Context, p map[string]any) (map[string]any, error) {
	f.asked = append(f.asked, p)
	return f.offset, f.err
}
func (f *fakeTaskContext) Logger() hclog.Logger { return hclog.NewNullLogger() }

type fakeConnectorContext struct{}

func (fakeConnectorContext) RequestTaskReconfiguration() {}
func (fakeConnectorContext) RaiseError(error)            {}
func (fakeConnectorContext) Logger() hclog.Logger        { return hclog.NewNullLogger() }

// startTask starts a task on cfg with waits that return at once (counted in *waits).
func startTask(t *testing.T, tc *fakeTaskContext, cfg connector.Config) (*sourceTask, *int) {
	t.Helper()
	task := NewSourceConnector().NewTask().(*sourceTask)
	waits := 0
	task.wait = func(ctx context.Context, _ time.Duration) error { waits++; return ctx.Err() }
	task.now = func() time.Time { return time.UnixMilli(1700000000123) }
	if err := task.Start(context.Background(), tc, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = task.Stop(context.Background()) })
	return task, &waits
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

type line struct {
	value string
	pos   int64
}

func poll(t *testing.T, task *sourceTask) []line {
	t.Helper()
	recs, err := task.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []line
	for _, r := range recs {
		out = append(out, line{r.Value.(string), r.SourceOffset[PositionField].(int64)})
	}
	return out
}

func TestConfigDefIsJavas(t *testing.T) {
	c := NewSourceConnector()
	def := c.ConfigDef()
	want := []struct {
		name     string
		typ      connector.ConfigType
		def      any
		required bool
		imp      connector.Importance
		doc      string
	}{
		{"file", connector.ConfigString, nil, false, connector.High, "Source filename. If not specified, the standard input will be used"},
		{"topic", connector.ConfigString, nil, true, connector.High, "The topic to publish data to"},
		{"batch.size", connector.ConfigInt, "2000", false, connector.Low, "The maximum number of records the source task can read from the file each time it is polled"},
	}
	if len(def.Keys) != len(want) {
		t.Fatalf("%d keys", len(def.Keys))
	}
	for i, w := range want {
		k := def.Keys[i]
		if k.Name != w.name || k.Type != w.typ || k.Default != w.def || k.Required != w.required || k.Importance != w.imp || k.Doc != w.doc {
			t.Errorf("key %d = %+v, want %+v", i, k, w)
		}
	}
	if c.TaskClass() != "org.apache.kafka.connect.file.FileStreamSourceTask" || c.Version() != "4.1.2" {
		t.Errorf("TaskClass %s, Version %s", c.TaskClass(), c.Version())
	}
}

func TestStartValidatesLikeJava(t *testing.T) {
	for _, tc := range []struct {
		cfg  connector.Config
		want string
	}{
		{connector.Config{}, `Missing required configuration "topic" which has no default value.`},
		{connector.Config{"topic": ""}, "Invalid value  for configuration topic: String must be non-empty"},
		{connector.Config{"topic": "t", "batch.size": "x"}, "Invalid value x for configuration batch.size: Not a number of type INT"},
	} {
		err := NewSourceConnector().Start(context.Background(), fakeConnectorContext{}, tc.cfg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Start(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
		task := NewSourceConnector().NewTask()
		if err := task.Start(context.Background(), &fakeTaskContext{}, tc.cfg); err == nil || err.Error() != tc.want {
			t.Errorf("task Start(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestExactlyOneTaskConfigWithTheWholeConfig(t *testing.T) {
	cfg := connector.Config{"name": "f", "connector.class": "FileStreamSource", "tasks.max": "8", "topic": "t", "file": "/x"}
	c := NewSourceConnector()
	if err := c.Start(context.Background(), fakeConnectorContext{}, cfg); err != nil {
		t.Fatal(err)
	}
	for _, maxTasks := range []int{1, 3, 8} {
		got, err := c.TaskConfigs(maxTasks)
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], cfg) {
			t.Fatalf("TaskConfigs(%d) = %v, %v", maxTasks, got, err)
		}
	}
	got, _ := c.TaskConfigs(1)
	got[0]["topic"] = "changed"
	if cfg["topic"] != "t" {
		t.Fatal("the task config must be a copy")
	}
}

func TestLinesTerminatorsAndPositions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		want    []line
	}{
		{"lf", "a\nbb\n", []line{{"a", 2}, {"bb", 5}}},
		{"crlf", "a\r\nbb\r\n", []line{{"a", 3}, {"bb", 7}}},
		{"lone cr", "a\rbb\rc\n", []line{{"a", 2}, {"bb", 5}, {"c", 7}}},
		{"cr at the end waits", "a\r", nil},
		{"no terminator", "abc", nil},
		{"empty lines", "\n\r\n\r\n", []line{{"", 1}, {"", 3}, {"", 5}}},
		{"positions count UTF-16 chars, as Java's", "é€😀\nx\n", []line{{"é€😀", 5}, {"x", 7}}},
		{"invalid utf-8", "a\xffb\xe2\x82\n", []line{{"a\uFFFDb\uFFFD", 5}}},
		{"long line", string(make([]byte, 20000)) + "\n", []line{{string(make([]byte, 20000)), 20001}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.txt")
			writeFile(t, path, tc.content)
			task, _ := startTask(t, &fakeTaskContext{}, connector.Config{"topic": "t", "file": path})
			if got := poll(t, task); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHeldBackCarriageReturnCompletesLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "a\r")
	task, waits := startTask(t, &fakeTaskContext{}, connector.Config{"topic": "t", "file": path})
	if got := poll(t, task); got != nil {
		t.Fatalf("got %v", got)
	}
	if got := poll(t, task); got != nil || *waits != 1 {
		t.Fatalf("got %v, waits %d: an idle poll waits", got, *waits)
	}
	writeFile(t, path, "\nb\rc")
	if got := poll(t, task); !reflect.DeepEqual(got, []line{{"a", 3}, {"b", 5}}) {
		t.Fatalf("got %v", got)
	}
	writeFile(t, path, "\n")
	if got := poll(t, task); !reflect.DeepEqual(got, []line{{"c", 7}}) {
		t.Fatalf("got %v", got)
	}
}

func TestRecordShape(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "hello\n")
	tc := &fakeTaskContext{}
	task, _ := startTask(t, tc, connector.Config{"topic": "lines", "file": path})
	recs, err := task.Poll(context.Background())
	if err != nil || len(recs) != 1 {
		t.Fatal(recs, err)
	}
	want := &connector.Record{
		SourcePartition: map[string]any{"filename": path},
		SourceOffset:    map[string]any{"position": int64(6)},
		Topic:           "lines",
		ValueSchema:     connector.StringSchema,
		Value:           "hello",
		Timestamp:       time.UnixMilli(1700000000123),
	}
	if !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("record %+v, want %+v", recs[0], want)
	}
	if !reflect.DeepEqual(tc.asked, []map[string]any{{"filename": path}}) {
		t.Fatalf("offset asked for %v", tc.asked)
	}
}

func TestBatchSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "1\n2\n3\n4\n5\n")
	task, waits := startTask(t, &fakeTaskContext{}, connector.Config{"topic": "t", "file": path, "batch.size": "2"})
	for _, want := range [][]line{{{"1", 2}, {"2", 4}}, {{"3", 6}, {"4", 8}}, {{"5", 10}}, nil} {
		if got := poll(t, task); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if *waits != 1 {
		t.Fatalf("waits = %d: only the empty poll waits", *waits)
	}
	// batch.size has no validator in Java: zero or less means one record per poll.
	writeFile(t, path, "6\n7\n")
	task, _ = startTask(t, &fakeTaskContext{}, connector.Config{"topic": "t", "file": path, "batch.size": "0"})
	if got := poll(t, task); len(got) != 1 {
		t.Fatalf("got %v", got)
	}
}

func TestResumeFromCommittedOffset(t *testing.T) {
	for _, tc := range []struct {
		name   string
		offset map[string]any
		want   []line
		err    string
	}{
		{"none", nil, []line{{"ab", 3}, {"cd", 6}}, ""},
		{"int64", map[string]any{"position": int64(3)}, []line{{"cd", 6}}, ""},
		{"float64 from encoding/json", map[string]any{"position": float64(3)}, []line{{"cd", 6}}, ""},
		{"json.Number", map[string]any{"position": json.Number("3")}, []line{{"cd", 6}}, ""},
		{"null position", map[string]any{"position": nil}, []line{{"ab", 3}, {"cd", 6}}, ""},
		{"no position", map[string]any{"other": int64(1)}, []line{{"ab", 3}, {"cd", 6}}, ""},
		{"mid-line", map[string]any{"position": int64(4)}, []line{{"d", 6}}, ""},
		{"negative reads from the start", map[string]any{"position": int64(-2)}, []line{{"ab", 1}, {"cd", 4}}, ""},
		{"string", map[string]any{"position": "3"}, nil, "Offset position is the incorrect type"},
		{"fraction", map[string]any{"position": 2.5}, nil, "Offset position is the incorrect type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.txt")
			writeFile(t, path, "ab\ncd\n")
			task, _ := startTask(t, &fakeTaskContext{offset: tc.offset}, connector.Config{"topic": "t", "file": path})
			recs, err := task.Poll(context.Background())
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []line
			for _, r := range recs {
				got = append(got, line{r.Value.(string), r.SourceOffset["position"].(int64)})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOffsetReadErrorFailsPoll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "a\n")
	task, _ := startTask(t, &fakeTaskContext{err: errors.New("offsets topic unavailable")}, connector.Config{"topic": "t", "file": path})
	if _, err := task.Poll(context.Background()); err == nil {
		t.Fatal("want an error")
	}
}

func TestPositionBeyondEndWaitsForTheFileToGrow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "abc\n")
	task, _ := startTask(t, &fakeTaskContext{offset: map[string]any{"position": int64(6)}}, connector.Config{"topic": "t", "file": path})
	if got := poll(t, task); got != nil {
		t.Fatalf("got %v", got)
	}
	writeFile(t, path, "de")
	if got := poll(t, task); got != nil {
		t.Fatalf("got %v", got)
	}
	writeFile(t, path, "fgh\n")
	if got := poll(t, task); !reflect.DeepEqual(got, []line{{"fgh", 10}}) {
		t.Fatalf("got %v: reading resumes at the committed position", got)
	}
}

func TestMissingFileIsWaitedFor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.txt")
	task, waits := startTask(t, &fakeTaskContext{}, connector.Config{"topic": "t", "file": path})
	if got := poll(t, task); got != nil || *waits != 1 {
		t.Fatalf("got %v, waits %d", got, *waits)
	}
	writeFile(t, path, "x\n")
	if got := poll(t, task); !reflect.DeepEqual(got, []line{{"x", 2}}) {
		t.Fatalf("got %v", got)
	}
}

func TestOpenErrorFailsPoll(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	writeFile(t, path, "x\n")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(path); err == nil {
		_ = f.Close()
		t.Skip("running as a user who can read any file")
	}
	task, _ := startTask(t, &fakeTaskContext{}, connector.Config{"topic": "t", "file": path})
	if _, err := task.Poll(context.Background()); err == nil {
		t.Fatal("want an error")
	}
}

func TestPollReturnsPromptlyOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "")
	task := newSourceTask()
	if err := task.Start(context.Background(), &fakeTaskContext{}, connector.Config{"topic": "t", "file": path}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = task.Stop(context.Background()) }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := task.Poll(ctx)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("Poll = %v after %v", err, time.Since(start))
	}
	if _, err := task.Poll(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll on a cancelled context = %v", err)
	}
}

func TestStandardInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  connector.Config
		want any
	}{
		{"file unset", connector.Config{"topic": "t"}, nil},
		{"file empty", connector.Config{"topic": "t", "file": ""}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := io.Pipe()
			old := stdin
			stdin = r
			defer func() { stdin = old }()
			tctx := &fakeTaskContext{}
			task, _ := startTask(t, tctx, tc.cfg)
			if got := poll(t, task); got != nil {
				t.Fatalf("got %v", got)
			}
			go func() { _, _ = w.Write([]byte("one\ntw")) }()
			var recs []*connector.Record
			for deadline := time.Now().Add(5 * time.Second); len(recs) == 0 && time.Now().Before(deadline); {
				var err error
				if recs, err = task.Poll(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if len(recs) != 1 || recs[0].Value != "one" {
				t.Fatalf("records %v", recs)
			}
			if !reflect.DeepEqual(recs[0].SourcePartition, map[string]any{"filename": tc.want}) ||
				!reflect.DeepEqual(recs[0].SourceOffset, map[string]any{"position": nil}) {
				t.Fatalf("partition %v offset %v", recs[0].SourcePartition, recs[0].SourceOffset)
			}
			if len(tctx.asked) != 0 {
				t.Fatal("offsets of the standard input are not read")
			}
			_ = w.Close()
		})
	}
}

func TestDecodeUTF8LikeJava(t *testing.T) {
	// Expected strings come from new String(bytes, UTF_8) on OpenJDK 17.
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\xff", "\uFFFD"},
		{"\xc0\x80", "\uFFFD\uFFFD"},
		{"\xe2\x82", "\uFFFD"},
		{"\xe2\x82a", "\uFFFDa"},
		{"\xe2a", "\uFFFDa"},
		{"\xed\xa0\x80", "\uFFFD"},
		{"\xed\xa0a", "\uFFFDa"},
		{"\xe0\x80\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xf0\x9f\x98", "\uFFFD"},
		{"\xf0\x9f\x98a", "\uFFFDa"},
		{"\xf0\x9fa", "\uFFFDa"},
		{"\xf0\x80\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xf5\x80", "\uFFFD\uFFFD"},
		{"\x80\xbf", "\uFFFD\uFFFD"},
		{"\xef\xbf\xbd", "\uFFFD"},
	} {
		if got := javautf8.Decode([]byte(tc.in)); got != tc.want {
			t.Errorf("javautf8.Decode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAlterOffsets(t *testing.T) {
	c := NewSourceConnector().(*sourceConnector)
	cfg := connector.Config{"topic": "t", "file": "/f"}
	p := map[string]any{"filename": "/f"}
	for _, tc := range []struct {
		cfg     connector.Config
		offsets []PartitionOffset
		want    string
	}{
		{cfg, []PartitionOffset{{Partition: p, Offset: map[string]any{"position": int64(5)}}, {Partition: map[string]any{"x": 1}, Offset: nil}}, ""},
		{connector.Config{"topic": "t"}, nil, "Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used for input and offsets are not tracked."},
		{cfg, []PartitionOffset{{Partition: p, Offset: map[string]any{"pos": int64(5)}}}, "Offset objects should either be null or contain the key 'position'"},
		{cfg, []PartitionOffset{{Partition: p, Offset: map[string]any{"position": "5"}}}, "The value for the 'position' key in the offset is expected to be a Long value"},
		{cfg, []PartitionOffset{{Partition: p, Offset: map[string]any{"position": int64(-1)}}}, "The value for the 'position' key in the offset should be a non-negative value"},
		{cfg, []PartitionOffset{{Partition: nil, Offset: map[string]any{"position": int64(1)}}}, "Partition objects cannot be null"},
		{cfg, []PartitionOffset{{Partition: map[string]any{"file": "/f"}, Offset: map[string]any{"position": int64(1)}}}, "Partition objects should contain the key 'filename'"},
	} {
		ok, err := c.AlterOffsets(tc.cfg, tc.offsets)
		if tc.want == "" {
			if !ok || err != nil {
				t.Errorf("AlterOffsets = %v, %v", ok, err)
			}
		} else if err == nil || err.Error() != tc.want {
			t.Errorf("AlterOffsets = %v, want %q", err, tc.want)
		}
	}
	if ok, _ := c.ExactlyOnceSupported(cfg); !ok {
		t.Error("a file supports exactly-once")
	}
	if ok, _ := c.ExactlyOnceSupported(connector.Config{"topic": "t", "file": ""}); ok {
		t.Error("stdin does not")
	}
}

// TestResumeAfterNonASCIILine resumes from a position Java wrote (UTF-16 chars) on a file
// whose first line is not ASCII: reading continues at the right byte.
func TestResumeAfterNonASCIILine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, path, "é😀\nnext\n")
	task, _ := startTask(t, &fakeTaskContext{offset: map[string]any{"position": int64(4)}}, connector.Config{"topic": "t", "file": path})
	if got := poll(t, task); !reflect.DeepEqual(got, []line{{"next", 9}}) {
		t.Fatalf("got %v, want [{next 9}]", got)
	}
}
