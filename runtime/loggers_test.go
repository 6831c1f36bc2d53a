package runtime

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

func newTestLoggers(level hclog.Level) (*Loggers, *syncBuffer) {
	out := &syncBuffer{}
	l := NewLoggers(&hclog.LoggerOptions{Name: "tributary", Level: level, Output: out, DisableTime: true})
	l.now = func() time.Time { return time.UnixMilli(1729800000000) }
	return l, out
}

func TestLoggersLevelsFollowTheRegistry(t *testing.T) {
	l, out := newTestLoggers(hclog.Info)
	worker := l.Root().Named("worker")                  // tributary.worker
	task := worker.Named("task").With("connector", "c") // tributary.worker.task, created before the change
	worker.Debug("hidden")
	task.Debug("hidden")
	if got := out.take(); got != "" {
		t.Fatalf("Debug at INFO printed %q", got)
	}

	affected, err := l.SetLevel("tributary.worker", "debug")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"tributary.worker", "tributary.worker.task"}; !reflect.DeepEqual(affected, want) {
		t.Fatalf("affected %v, want %v", affected, want)
	}
	task.Debug("shown")
	if got := out.take(); !strings.Contains(got, "[DEBUG] tributary.worker.task: shown: connector=c") {
		t.Fatalf("Debug after SetLevel printed %q", got)
	}
	l.Root().Debug("root stays at info")
	if got := out.take(); got != "" {
		t.Fatalf("root printed %q", got)
	}
	// A logger created after the change starts at its nearest ancestor's level.
	worker.Named("offsets").Debug("inherited")
	if got := out.take(); !strings.Contains(got, "tributary.worker.offsets: inherited") {
		t.Fatalf("new sub-logger printed %q", got)
	}
	if !task.IsDebug() || task.IsTrace() || task.GetLevel() != hclog.Debug {
		t.Fatalf("Is*/GetLevel disagree with the registry")
	}
}

func TestLoggersSetLevelSemantics(t *testing.T) {
	l, _ := newTestLoggers(hclog.Info)
	l.Named("a.b")
	l.Named("a.bc") // Connect 4.x matches by plain prefix: "a.b" covers "a.bc" too
	l.Named("x")

	affected, err := l.SetLevel("a.b", "WARN")
	if err != nil || !reflect.DeepEqual(affected, []string{"a.b", "a.bc"}) {
		t.Fatalf("SetLevel(a.b) = %v, %v", affected, err)
	}
	// Unchanged loggers are not reported and keep their last_modified.
	affected, _ = l.SetLevel("a.b", "warn")
	if len(affected) != 0 {
		t.Fatalf("second SetLevel affected %v", affected)
	}
	// A new namespace is created; it inherits INFO from the root, so it is not reported.
	affected, _ = l.SetLevel("new.ns", "INFO")
	if len(affected) != 0 {
		t.Fatalf("SetLevel(new.ns, INFO) affected %v", affected)
	}
	if lv, ok := l.Level("new.ns"); !ok || lv.Level != "INFO" || lv.LastModified != nil {
		t.Fatalf("Level(new.ns) = %+v, %v", lv, ok)
	}
	// The root covers everything.
	affected, _ = l.SetLevel("ROOT", "error")
	if want := []string{"a.b", "a.bc", "new.ns", "root", "x"}; !reflect.DeepEqual(affected, want) {
		t.Fatalf("SetLevel(root) affected %v, want %v", affected, want)
	}
	ms := int64(1729800000000)
	all := l.AllLevels()
	want := map[string]LoggerLevel{
		"root": {"ERROR", &ms}, "a.b": {"ERROR", &ms}, "a.bc": {"ERROR", &ms}, "new.ns": {"ERROR", &ms}, "x": {"ERROR", &ms},
	}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("AllLevels = %v", all)
	}
	if _, ok := l.Level("nope"); ok {
		t.Fatal("Level(nope) found")
	}
	if lv, ok := l.Level(""); !ok || lv.Level != "ERROR" {
		t.Fatalf(`Level("") = %+v, %v`, lv, ok)
	}

	_, err = l.SetLevel("x", "verbose")
	var re *Error
	if !errors.As(err, &re) || re.Kind != KindNotFound || re.Message != "invalid log level 'verbose'." {
		t.Fatalf("SetLevel(verbose) = %v", err)
	}
}

func TestLoggersLog4jLevels(t *testing.T) {
	l, out := newTestLoggers(hclog.Info)
	log := l.Named("p")
	for _, tc := range []struct {
		level  string
		prints []hclog.Level
	}{
		{"ALL", []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error}},
		{"TRACE", []hclog.Level{hclog.Trace, hclog.Error}},
		{"FATAL", []hclog.Level{hclog.Error}},
		{"OFF", nil},
	} {
		if _, err := l.SetLevel("p", tc.level); err != nil {
			t.Fatal(err)
		}
		if lv, _ := l.Level("p"); lv.Level != tc.level {
			t.Fatalf("reported level %q, want %q", lv.Level, tc.level)
		}
		for _, lvl := range []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error} {
			log.Log(lvl, "m")
			got := out.take() != ""
			want := false
			for _, p := range tc.prints {
				want = want || p == lvl
			}
			if lvl == hclog.Debug || lvl == hclog.Info || lvl == hclog.Warn {
				if tc.level == "TRACE" {
					want = true
				}
			}
			if got != want {
				t.Fatalf("at %s, %s printed: %v, want %v", tc.level, lvl, got, want)
			}
		}
	}
	for _, v := range []string{"all", "Trace", "debug", "INFO", "warn", "error", "fatal", "off"} {
		if !ValidLogLevel(v) {
			t.Errorf("ValidLogLevel(%q) = false", v)
		}
	}
	for _, v := range []string{"", "WARNING", "3", "verbose"} {
		if ValidLogLevel(v) {
			t.Errorf("ValidLogLevel(%q) = true", v)
		}
	}
}

func TestLoggersStandardWriterAndSetLevel(t *testing.T) {
	l, out := newTestLoggers(hclog.Warn)
	log := l.Named("std")
	log.StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Error}).Print("from the standard library")
	if got := out.take(); !strings.Contains(got, "[ERROR] std: from the standard library") {
		t.Fatalf("standard logger printed %q", got)
	}
	_, _ = log.StandardWriter(nil).Write([]byte("info is below warn\n"))
	if got := out.take(); got != "" {
		t.Fatalf("standard writer at Info printed %q", got)
	}
	log.SetLevel(hclog.Debug)
	if lv, _ := l.Level("std"); lv.Level != "DEBUG" || lv.LastModified != nil {
		t.Fatalf("after SetLevel: %+v", lv)
	}
	l.Named("std").Debug("same entry")
	if got := out.take(); !strings.Contains(got, "same entry") {
		t.Fatalf("a second logger of the same name printed %q", got)
	}
}

func TestLoggersConcurrentUse(t *testing.T) {
	l, _ := newTestLoggers(hclog.Info)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log := l.Root().Named("w").With("i", i)
			for j := 0; j < 200; j++ {
				log.Debug("x")
				if j%50 == 0 {
					_, _ = l.SetLevel("tributary.w", []string{"DEBUG", "INFO"}[j%2])
					_ = l.AllLevels()
				}
			}
		}()
	}
	wg.Wait()
}
