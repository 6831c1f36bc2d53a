package sequence

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
)

type taskContext struct {
	offsets map[int64]map[string]any
}

func (c taskContext) Offset(_ context.Context, p map[string]any) (map[string]any, error) {
	return c.offsets[p[PartitionTask].(int64)], nil
}
func (taskContext) Logger() hclog.Logger { return hclog.NewNullLogger() }

type connectorContext struct{}

func (connectorContext) RequestTaskReconfiguration() {}
func (connectorContext) RaiseError(error)            {}
func (connectorContext) Logger() hclog.Logger        { return hclog.NewNullLogger() }

// run starts the connector with cfg and len(want) tasks, polls task i until it has
// len(want[i]) records, then once more, and checks the values, which must be want[i] exactly.
func run(t *testing.T, cfg connector.Config, offsets map[int64]map[string]any, want [][]int64) {
	t.Helper()
	old := idleWait
	idleWait = 10 * time.Millisecond
	defer func() { idleWait = old }()
	c := NewSourceConnector()
	if err := c.Start(context.Background(), connectorContext{}, cfg); err != nil {
		t.Fatal(err)
	}
	tcs, err := c.TaskConfigs(len(want))
	if err != nil || len(tcs) != len(want) {
		t.Fatalf("TaskConfigs = %d configs, %v", len(tcs), err)
	}
	for i, tc := range tcs {
		task := c.NewTask()
		if err := task.Start(context.Background(), taskContext{offsets}, tc); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var got []int64
		for polls := 0; ctx.Err() == nil && (len(got) < len(want[i]) || polls == 0); polls++ {
			recs, err := task.Poll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				if key := strconv.Itoa(i); r.Key != key || r.KeySchema != connector.StringSchema ||
					r.ValueSchema != connector.Int64Schema || r.Topic != "seq" {
					t.Fatalf("task %d record %+v", i, r)
				}
				if !reflect.DeepEqual(r.SourcePartition, map[string]any{"task": int64(i)}) ||
					!reflect.DeepEqual(r.SourceOffset, map[string]any{"seq": r.Value}) {
					t.Fatalf("partition %v offset %v", r.SourcePartition, r.SourceOffset)
				}
				got = append(got, r.Value.(int64))
			}
		}
		if cfg[CountConfig] != "" && cfg[CountConfig] != "0" {
			// A bounded sequence emits nothing more.
			if recs, err := task.Poll(ctx); err != nil || len(recs) != 0 {
				t.Fatalf("task %d: extra records %d, %v", i, len(recs), err)
			}
		} else if len(got) > len(want[i]) {
			got = got[:len(want[i])]
		}
		cancel()
		if err := task.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[i]) {
			if len(got) > 20 || len(want[i]) > 20 {
				t.Fatalf("task %d: %d values, want %d", i, len(got), len(want[i]))
			}
			t.Fatalf("task %d: got %v, want %v", i, got, want[i])
		}
	}
}

func seq(from, to int64) []int64 {
	var s []int64
	for v := from; v <= to; v++ {
		s = append(s, v)
	}
	return s
}

func TestSequences(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     connector.Config
		offsets map[int64]map[string]any
		want    [][]int64
	}{
		{"defaults", connector.Config{"topic": "seq"}, nil, [][]int64{seq(0, 2499)}},
		{"count per task", connector.Config{"topic": "seq", "sequence.count": "3"}, nil,
			[][]int64{seq(0, 2), seq(0, 2), seq(0, 2)}},
		{"start", connector.Config{"topic": "seq", "sequence.count": "2", "sequence.start": "-1"}, nil,
			[][]int64{{-1, 0}, {-1, 0}}},
		{"resume after the committed offset", connector.Config{"topic": "seq", "sequence.count": "5"},
			map[int64]map[string]any{0: {"seq": int64(2)}, 1: {"seq": float64(4)}},
			[][]int64{{3, 4}, nil}},
		{"json.Number offsets", connector.Config{"topic": "seq", "sequence.count": "3", "sequence.start": "10"},
			map[int64]map[string]any{0: {"seq": json.Number("10")}}, [][]int64{{11, 12}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run(t, tc.cfg, tc.offsets, tc.want)
		})
	}
}

func TestRateIsPerTask(t *testing.T) {
	start := time.Now()
	run(t, connector.Config{"topic": "seq", "sequence.rate.per.second": "100", "sequence.count": "30"}, nil, [][]int64{seq(0, 29)})
	if d := time.Since(start); d < 250*time.Millisecond || d > 3*time.Second {
		t.Fatalf("30 records at 100/s took %v", d)
	}
}

func TestPollReturnsOnCancel(t *testing.T) {
	c := NewSourceConnector()
	cfg := connector.Config{"topic": "seq", "sequence.count": "1"}
	if err := c.Start(context.Background(), connectorContext{}, cfg); err != nil {
		t.Fatal(err)
	}
	tcs, _ := c.TaskConfigs(1)
	task := c.NewTask()
	if err := task.Start(context.Background(), taskContext{}, tcs[0]); err != nil {
		t.Fatal(err)
	}
	if recs, err := task.Poll(context.Background()); err != nil || len(recs) != 1 {
		t.Fatalf("%v %v", recs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := task.Poll(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll after the end on a cancelled context = %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  connector.Config
		want string
	}{
		{connector.Config{}, `Missing required configuration "topic" which has no default value.`},
		{connector.Config{"topic": "t", "sequence.count": "-1"}, "Invalid value -1 for configuration sequence.count: Value must be at least 0"},
		{connector.Config{"topic": "t", "sequence.rate.per.second": "-1"}, "Invalid value -1 for configuration sequence.rate.per.second: Value must be at least 0"},
		{connector.Config{"topic": "t", "sequence.start": "x"}, "Invalid value x for configuration sequence.start: Not a number of type LONG"},
	} {
		if err := NewSourceConnector().Start(context.Background(), connectorContext{}, tc.cfg); err == nil || err.Error() != tc.want {
			t.Errorf("Start(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
	task := NewSourceConnector().NewTask()
	if err := task.Start(context.Background(), taskContext{}, connector.Config{"topic": "t"}); err == nil {
		t.Error("a task config without sequence.task must be refused")
	}
	if err := task.Start(context.Background(), taskContext{offsets: map[int64]map[string]any{0: {"seq": "x"}}},
		connector.Config{"topic": "t", "sequence.task": "0"}); err == nil {
		t.Error("a non-integer offset must be refused")
	}
}
