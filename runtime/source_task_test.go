package runtime

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
)

// recordingStatus collects status changes.
type recordingStatus struct {
	mu     sync.Mutex
	states []string
	traces map[TaskID]string
	ch     chan State
}

func newRecordingStatus() *recordingStatus {
	return &recordingStatus{traces: map[TaskID]string{}, ch: make(chan State, 16)}
}

func (r *recordingStatus) OnTaskState(id TaskID, s State, trace string) {
	r.mu.Lock()
	r.states = append(r.states, id.String()+"="+string(s))
	if trace != "" {
		r.traces[id] = trace
	}
	r.mu.Unlock()
	r.ch <- s
}
func (r *recordingStatus) OnConnectorState(string, State, string) {}
func (r *recordingStatus) OnTopicUsed(TaskID, string)             {}

// scriptedTask polls what poll returns.
type scriptedTask struct {
	poll    func(ctx context.Context) ([]*connector.Record, error)
	stopped chan struct{}
}

func (s *scriptedTask) Start(context.Context, connector.TaskContext, connector.Config) error {
	return nil
}
func (s *scriptedTask) Poll(ctx context.Context) ([]*connector.Record, error) { return s.poll(ctx) }
func (s *scriptedTask) Stop(context.Context) error {
	close(s.stopped)
	return nil
}

type noOffsets struct{}

func (noOffsets) Offset(context.Context, string, map[string]any) (map[string]any, error) {
	return nil, nil
}
func (noOffsets) PutOffsets(context.Context, string, []ConnectorOffset) error { return nil }

func newTestRunner(id TaskID, task connector.SourceTask, status StatusListener) *sourceTask {
	changed := make(chan struct{})
	return newSourceTask(sourceTaskConfig{
		id: id, task: task, chain: &transformChain{},
		// librdkafka creates a producer without reaching a broker; nothing is produced here.
		producerConfig: map[string]string{"bootstrap.servers": "127.0.0.1:1"},
		offsets:        noOffsets{}, status: status, errors: errorHandling{tolerance: "none"},
		flushInterval: time.Hour, flushTimeout: time.Second,
		log:         hclog.NewNullLogger(),
		targetState: func() TargetState { return TargetStarted }, stateChanged: changed,
	})
}

func waitState(t *testing.T, r *recordingStatus, want State) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case s := <-r.ch:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("state %s never reported; saw %v", want, r.states)
		}
	}
}

// TestPanickingTaskFailsAloneWithTrace: a panic in Poll fails that task with the panic and
// its stack as the trace; another task keeps running until it is stopped.
func TestPanickingTaskFailsAloneWithTrace(t *testing.T) {
	status := newRecordingStatus()
	bad := &scriptedTask{stopped: make(chan struct{}), poll: func(context.Context) ([]*connector.Record, error) {
		panic("boom in plugin code")
	}}
	good := &scriptedTask{stopped: make(chan struct{}), poll: func(ctx context.Context) ([]*connector.Record, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	badID, goodID := TaskID{Connector: "c", Task: 0}, TaskID{Connector: "c", Task: 1}

	goodStop, stopGood := context.WithCancel(context.Background())
	goodDone := make(chan struct{})
	go func() { defer close(goodDone); newTestRunner(goodID, good, status).run(goodStop, context.Background()) }()
	waitState(t, status, StateRunning)

	badDone := make(chan struct{})
	go func() {
		defer close(badDone)
		newTestRunner(badID, bad, status).run(context.Background(), context.Background())
	}()
	waitState(t, status, StateFailed)
	<-badDone

	status.mu.Lock()
	trace := status.traces[badID]
	status.mu.Unlock()
	if !strings.HasPrefix(trace, "poll: panic: boom in plugin code\n") || !strings.Contains(trace, "source_task_test.go") {
		t.Fatalf("trace = %q, want the panic and the stack that shows where it happened", trace)
	}
	select {
	case <-goodDone:
		t.Fatal("the healthy task stopped because another one panicked")
	default:
	}
	stopGood()
	<-goodDone
	select {
	case <-good.stopped:
	default:
		t.Fatal("the healthy task's Stop was not called on a graceful stop")
	}
	waitState(t, status, StateUnassigned)
}

// TestPollErrorFailsTask: a non-retriable Poll error fails the task with the error as trace;
// a retriable one is retried.
func TestPollErrorFailsTask(t *testing.T) {
	status := newRecordingStatus()
	calls := 0
	task := &scriptedTask{stopped: make(chan struct{}), poll: func(context.Context) ([]*connector.Record, error) {
		calls++
		if calls < 3 {
			return nil, connector.Retriable(context.DeadlineExceeded)
		}
		return nil, connector.DataErrorf("source went away")
	}}
	id := TaskID{Connector: "c", Task: 0}
	newTestRunner(id, task, status).run(context.Background(), context.Background())
	if calls != 3 {
		t.Fatalf("poll called %d times, want 3 (two retriable errors, then the fatal one)", calls)
	}
	if got := status.traces[id]; got != "poll: source went away" {
		t.Fatalf("trace = %q", got)
	}
}
