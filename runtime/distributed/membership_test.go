package distributed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/tributary-connect/tributary/runtime"
)

// The membership tests run a few "workers" in one process, each a loop like the herder's:
// Join, record the rebalance, wait for RejoinNeeded, Join again. The leader deals a fixed set
// of connectors and tasks round-robin over the sorted member ids (membershipTestAssign), and
// every worker reports its assignment as its allocation on the next join, as a herder would.
// The same harness runs on kfake here and on the real Kafka in membership_integration_test.go.

// membershipTestConnectors are what the test leader deals: 5 connectors, 2 tasks each.
var membershipTestConnectors = []string{"c0", "c1", "c2", "c3", "c4"}

// membershipTestAssign deals every connector and task round-robin over the sorted member ids.
// Being a pure function of the members, every test can recompute what each member must get.
func membershipTestAssign(round LeaderRound) map[string]Assignment {
	ids := slices.Sorted(maps.Keys(round.Members))
	out := make(map[string]Assignment, len(ids))
	for _, id := range ids {
		out[id] = Assignment{ConfigOffset: 42}
	}
	i := 0
	for _, c := range membershipTestConnectors {
		a := out[ids[i%len(ids)]]
		a.Connectors = append(a.Connectors, c)
		out[ids[i%len(ids)]] = a
		i++
	}
	for _, c := range membershipTestConnectors {
		for task := range 2 {
			a := out[ids[i%len(ids)]]
			a.Tasks = append(a.Tasks, runtime.TaskID{Connector: c, Task: task})
			out[ids[i%len(ids)]] = a
			i++
		}
	}
	return out
}

// testWorker is one member and its join loop.
type testWorker struct {
	name   string
	url    string
	m      *Member
	cancel context.CancelFunc
	done   chan struct{}

	mu         sync.Mutex
	rebalances []Rebalance
	rounds     map[int32]LeaderRound // what this worker saw when it led, by generation
	rejoins    int                   // RejoinNeeded signals the loop answered
	err        error
}

type testGroup struct {
	seeds       []string
	group       string
	session, hb time.Duration
	clientOpts  []kgo.Opt
	log         hclog.Logger
	workers     []*testWorker
}

func newTestGroup(t *testing.T, seeds []string, session, hb time.Duration, opts ...kgo.Opt) *testGroup {
	t.Helper()
	return &testGroup{
		seeds:      seeds,
		group:      fmt.Sprintf("tributary-membership-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano()),
		session:    session,
		hb:         hb,
		clientOpts: opts,
		log: hclog.New(&hclog.LoggerOptions{
			Name: "membership", Level: hclog.Info, Output: testLogWriter{t}, DisableTime: true,
		}),
	}
}

// testLogWriter sends log lines to t.Log.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// start adds a worker with the given connect.protocol and starts its join loop.
func (g *testGroup) start(t *testing.T, name, connectProtocol string) *testWorker {
	t.Helper()
	m, err := NewMember(MembershipConfig{
		Seeds:             g.seeds,
		ClientID:          "connect-" + name,
		ClientOpts:        g.clientOpts,
		GroupID:           g.group,
		ConnectProtocol:   connectProtocol,
		SessionTimeout:    g.session,
		RebalanceTimeout:  3 * g.session,
		HeartbeatInterval: g.hb,
		Logger:            g.log.Named(name),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &testWorker{
		name: name, url: "http://" + name + ".example:8083/", m: m, cancel: cancel,
		done: make(chan struct{}), rounds: map[int32]LeaderRound{},
	}
	g.workers = append(g.workers, w)
	t.Cleanup(func() { w.stop() })
	go w.loop(ctx)
	return w
}

func (w *testWorker) loop(ctx context.Context) {
	defer close(w.done)
	var allocation *Assignment
	offset := int64(0)
	for {
		rb, err := w.m.Join(ctx, WorkerMetadata{URL: w.url, ConfigOffset: offset, Allocation: allocation}, w.assign)
		if err != nil {
			if ctx.Err() == nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
			return
		}
		a := rb.Assignment
		allocation = &a
		offset = a.ConfigOffset
		w.mu.Lock()
		w.rebalances = append(w.rebalances, rb)
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-w.m.RejoinNeeded():
			w.mu.Lock()
			w.rejoins++
			w.mu.Unlock()
		}
	}
}

func (w *testWorker) assign(_ context.Context, round LeaderRound) (map[string]Assignment, error) {
	w.mu.Lock()
	w.rounds[round.Generation] = round
	w.mu.Unlock()
	return membershipTestAssign(round), nil
}

// stopLoop ends the join loop (it does not leave the group).
func (w *testWorker) stopLoop() {
	w.cancel()
	<-w.done
}

func (w *testWorker) stop() {
	w.stopLoop()
	w.m.Close()
}

func (w *testWorker) last() (Rebalance, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.rebalances) == 0 {
		return Rebalance{}, false
	}
	return w.rebalances[len(w.rebalances)-1], true
}

func (w *testWorker) rejoinCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rejoins
}

func (w *testWorker) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// stableGeneration is a generation every worker of ws completed, led by one of them, whose
// leader assigned exactly ws.
type stableGeneration struct {
	generation int32
	leader     *testWorker
	round      LeaderRound
	rebalances map[*testWorker]Rebalance
}

// converged reports the generation ws agree on, if they do.
func converged(ws []*testWorker) (stableGeneration, bool) {
	sg := stableGeneration{rebalances: map[*testWorker]Rebalance{}}
	for i, w := range ws {
		rb, ok := w.last()
		if !ok || (i > 0 && rb.Generation != sg.generation) {
			return sg, false
		}
		sg.generation = rb.Generation
		sg.rebalances[w] = rb
	}
	for _, w := range ws {
		if sg.rebalances[w].IsLeader() {
			w.mu.Lock()
			round, ok := w.rounds[sg.generation]
			w.mu.Unlock()
			if !ok || len(round.Members) != len(ws) {
				return sg, false
			}
			sg.leader, sg.round = w, round
		}
	}
	return sg, sg.leader != nil
}

// waitConverged waits until ws agree on a generation and checks it: one leader, every
// member's id is in the leader's round, and each got what the leader computed for it.
func waitConverged(t *testing.T, ws []*testWorker, timeout time.Duration) stableGeneration {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, w := range ws {
			if err := w.failure(); err != nil {
				t.Fatalf("worker %s: %v", w.name, err)
			}
		}
		if sg, ok := converged(ws); ok {
			checkGeneration(t, ws, sg)
			return sg
		}
		if time.Now().After(deadline) {
			var states []string
			for _, w := range ws {
				rb, _ := w.last()
				states = append(states, fmt.Sprintf("%s: generation %d leader=%v", w.name, rb.Generation, rb.IsLeader()))
			}
			t.Fatalf("the %d workers did not agree on a generation within %v: %s", len(ws), timeout, strings.Join(states, "; "))
		}
		<-time.After(20 * time.Millisecond) // poll interval
	}
}

func checkGeneration(t *testing.T, ws []*testWorker, sg stableGeneration) {
	t.Helper()
	leaders := 0
	want := membershipTestAssign(sg.round)
	leaderRB := sg.rebalances[sg.leader]
	for _, w := range ws {
		rb := sg.rebalances[w]
		if rb.IsLeader() {
			leaders++
		}
		if rb.LeaderID != leaderRB.MemberID {
			t.Errorf("%s: leader %s, but %s leads", w.name, rb.LeaderID, leaderRB.MemberID)
		}
		md, ok := sg.round.Members[rb.MemberID]
		if !ok {
			t.Errorf("%s (%s) is not in the leader's round", w.name, rb.MemberID)
			continue
		}
		if md.URL != w.url {
			t.Errorf("%s: the leader saw URL %q, want %q", w.name, md.URL, w.url)
		}
		if md.Version != rb.Protocol.Version() {
			t.Errorf("%s: the leader saw metadata version %d for protocol %s", w.name, md.Version, rb.Protocol)
		}
		exp := want[rb.MemberID]
		exp.Version = rb.Protocol.Version()
		exp.Leader = leaderRB.MemberID
		exp.LeaderURL = sg.leader.url
		exp = wireRoundTrip(t, exp) // tasks come back grouped by connector
		if !reflect.DeepEqual(rb.Assignment, exp) {
			t.Errorf("%s: assignment\n got  %+v\n want %+v", w.name, rb.Assignment, exp)
		}
	}
	if leaders != 1 {
		t.Errorf("%d leaders in generation %d", leaders, sg.generation)
	}
}

// wireRoundTrip is what a member decodes from a encoded assignment.
func wireRoundTrip(t *testing.T, a Assignment) Assignment {
	t.Helper()
	b, err := EncodeAssignment(a)
	if err != nil {
		t.Fatal(err)
	}
	a, err = DecodeAssignment(b)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// runMembershipScenario is the main scenario: three workers form a group, a fourth joins and
// the others notice through their heartbeats and rejoin, the fourth leaves and the others
// rebalance well before the session timeout.
func runMembershipScenario(t *testing.T, g *testGroup, connectProtocol string, wantProtocol Protocol) {
	a := g.start(t, "a", connectProtocol)
	b := g.start(t, "b", connectProtocol)
	c := g.start(t, "c", connectProtocol)
	three := []*testWorker{a, b, c}
	sg := waitConverged(t, three, 3*g.session)
	if got := sg.rebalances[a].Protocol; got != wantProtocol {
		t.Fatalf("protocol %s, want %s", got, wantProtocol)
	}
	t.Logf("3 workers: generation %d, leader %s, protocol %s", sg.generation, sg.leader.name, sg.rebalances[a].Protocol)

	before := map[*testWorker]int{}
	for _, w := range three {
		before[w] = w.rejoinCount()
	}
	start := time.Now()
	d := g.start(t, "d", connectProtocol)
	four := []*testWorker{a, b, c, d}
	sg4 := waitConverged(t, four, 3*g.session)
	t.Logf("4 workers: generation %d after %v, leader %s", sg4.generation, time.Since(start).Round(time.Millisecond), sg4.leader.name)
	for _, w := range three {
		if w.rejoinCount() <= before[w] {
			t.Errorf("%s did not hear about the rebalance through its heartbeat", w.name)
		}
		// With a cooperative protocol the members report what they run.
		md := sg4.round.Members[sg4.rebalances[w].MemberID]
		if wantProtocol.Cooperative() {
			if md.Allocation == nil {
				t.Errorf("%s sent no allocation", w.name)
			} else if !slices.Equal(md.Allocation.Connectors, sg.rebalances[w].Assignment.Connectors) {
				t.Errorf("%s's allocation has connectors %v, it was assigned %v", w.name, md.Allocation.Connectors, sg.rebalances[w].Assignment.Connectors)
			}
		} else if md.Allocation != nil {
			t.Errorf("%s: a V0 member has an allocation: %+v", w.name, md.Allocation)
		}
	}

	d.stopLoop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start = time.Now()
	if err := d.m.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	sg3 := waitConverged(t, three, g.session)
	took := time.Since(start)
	t.Logf("after Leave: 3 workers in generation %d after %v (session timeout %v, heartbeat %v)", sg3.generation, took.Round(time.Millisecond), g.session, g.hb)
	if took >= g.session {
		t.Errorf("the group took %v to rebalance after a Leave, not less than the session timeout %v", took, g.session)
	}
	if err := d.m.Leave(ctx); err != nil {
		t.Errorf("a second Leave: %v", err)
	}
}

func newKfake(t *testing.T) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func TestMembershipKfake(t *testing.T) {
	for _, tc := range []struct {
		name, connectProtocol string
		want                  Protocol
		opts                  []kgo.Opt
	}{
		{"sessioned", "sessioned", ProtocolSessioned, nil},
		{"compatible", "compatible", ProtocolCompatible, nil},
		{"eager", "eager", ProtocolDefault, nil},
		// Kafka 2.3's request versions: JoinGroup v5 (no protocol in the response before v7),
		// SyncGroup v3, LeaveGroup v2 (a member id, not a member list).
		{"old-request-versions", "sessioned", ProtocolSessioned, []kgo.Opt{kgo.MaxVersions(kversion.V2_3_0())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGroup(t, newKfake(t), 3*time.Second, 100*time.Millisecond, tc.opts...)
			runMembershipScenario(t, g, tc.connectProtocol, tc.want)
		})
	}
}

// TestMembershipKfakeMixedProtocols: one eager worker downgrades the group to "default".
func TestMembershipKfakeMixedProtocols(t *testing.T) {
	t.Parallel()
	g := newTestGroup(t, newKfake(t), 3*time.Second, 100*time.Millisecond)
	ws := []*testWorker{g.start(t, "a", "sessioned"), g.start(t, "b", "compatible"), g.start(t, "c", "eager")}
	sg := waitConverged(t, ws, 10*time.Second)
	if p := sg.rebalances[ws[0]].Protocol; p != ProtocolDefault {
		t.Fatalf("protocol %s, want default", p)
	}
}

// TestMembershipRequestRejoin: RequestRejoin makes RejoinNeeded ready, and Join answers it.
func TestMembershipRequestRejoin(t *testing.T) {
	t.Parallel()
	m, err := NewMember(MembershipConfig{Seeds: newKfake(t), GroupID: "g", SessionTimeout: 3 * time.Second, HeartbeatInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.RequestRejoin()
	m.RequestRejoin() // coalesces
	select {
	case <-m.RejoinNeeded():
	default:
		t.Fatal("RejoinNeeded not ready after RequestRejoin")
	}
	m.RequestRejoin()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rb, err := m.Join(ctx, WorkerMetadata{URL: "http://x:1/"}, func(_ context.Context, r LeaderRound) (map[string]Assignment, error) {
		return membershipTestAssign(r), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rb.IsLeader() || rb.Assignment.LeaderURL != "http://x:1/" || len(rb.Assignment.Connectors) != len(membershipTestConnectors) {
		t.Fatalf("single member: %+v", rb)
	}
	select {
	case <-m.RejoinNeeded():
		t.Fatal("a rejoin requested before Join is still pending after it")
	default:
	}
	// A lone member's heartbeats succeed: no rejoin is asked for.
	select {
	case <-m.RejoinNeeded():
		t.Fatal("rejoin needed in a stable one-member group")
	case <-time.After(500 * time.Millisecond):
	}
	if err := m.Leave(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestMembershipAssignErrors: a leader whose assign fails or forgets a member gets an error
// from Join; Close ends a Join in progress.
func TestMembershipAssignErrors(t *testing.T) {
	t.Parallel()
	seeds := newKfake(t)
	newM := func(group string) *Member {
		m, err := NewMember(MembershipConfig{Seeds: seeds, GroupID: group, SessionTimeout: 3 * time.Second, HeartbeatInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	boom := errors.New("boom")
	m := newM("g1")
	defer m.Close()
	if _, err := m.Join(ctx, WorkerMetadata{URL: "u"}, func(context.Context, LeaderRound) (map[string]Assignment, error) {
		return nil, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Join with a failing assign: %v", err)
	}
	m2 := newM("g2")
	defer m2.Close()
	if _, err := m2.Join(ctx, WorkerMetadata{URL: "u"}, func(context.Context, LeaderRound) (map[string]Assignment, error) {
		return map[string]Assignment{}, nil
	}); err == nil || !strings.Contains(err.Error(), "no assignment for member") {
		t.Fatalf("Join with an assign that forgets a member: %v", err)
	}
	m3 := newM("g3")
	if _, err := m3.Join(ctx, WorkerMetadata{URL: "u"}, nil); err == nil {
		t.Fatal("Join as leader without an assign function succeeded")
	}
	m3.Close()
	if _, err := m3.Join(ctx, WorkerMetadata{URL: "u"}, nil); err == nil {
		t.Fatal("Join after Close succeeded")
	}
	m3.Close() // idempotent
}

func TestNewMemberValidation(t *testing.T) {
	for _, cfg := range []MembershipConfig{
		{Seeds: []string{"x:1"}},
		{GroupID: "g"},
		{Seeds: []string{"x:1"}, GroupID: "g", ConnectProtocol: "default"},
		{Seeds: []string{"x:1"}, GroupID: "g", SessionTimeout: time.Second, HeartbeatInterval: time.Second},
	} {
		if m, err := NewMember(cfg); err == nil {
			m.Close()
			t.Errorf("NewMember(%+v) succeeded", cfg)
		}
	}
}

// TestMembershipHeartbeatErrors: heartbeat answers that need a rejoin make RejoinNeeded ready,
// and the next Join recovers: ILLEGAL_GENERATION keeps the member id, UNKNOWN_MEMBER_ID
// forgets it, and heartbeats failing for a whole session timeout (NOT_COORDINATOR every time)
// count as lost membership.
func TestMembershipHeartbeatErrors(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const session = 2 * time.Second
	m, err := NewMember(MembershipConfig{
		Seeds: c.ListenAddrs(), GroupID: "hb", SessionTimeout: session, HeartbeatInterval: 100 * time.Millisecond,
		RetryBackoff: 20 * time.Millisecond, RetryBackoffMax: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assign := func(_ context.Context, r LeaderRound) (map[string]Assignment, error) {
		return membershipTestAssign(r), nil
	}
	join := func() Rebalance {
		t.Helper()
		rb, err := m.Join(ctx, WorkerMetadata{URL: "http://x:1/"}, assign)
		if err != nil {
			t.Fatal(err)
		}
		return rb
	}
	// injectHeartbeatError answers the next heartbeat (keep: every heartbeat, until the
	// returned function is called) with code.
	injectHeartbeatError := func(code int16, keep bool) (stop func()) {
		var stopped atomic.Bool
		c.ControlKey(12, func(req kmsg.Request) (kmsg.Response, error, bool) {
			if stopped.Load() {
				c.DropControl()
				return nil, nil, false
			}
			if keep {
				c.KeepControl()
			}
			resp := req.ResponseKind().(*kmsg.HeartbeatResponse)
			resp.ErrorCode = code
			return resp, nil, true
		})
		return func() { stopped.Store(true) }
	}
	waitRejoin := func(within time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		select {
		case <-m.RejoinNeeded():
			return time.Since(start)
		case <-time.After(within):
			t.Fatalf("no rejoin signal within %v", within)
			return 0
		}
	}

	first := join()
	injectHeartbeatError(kerr.IllegalGeneration.Code, false)
	waitRejoin(time.Second)
	rb := join()
	if rb.MemberID != first.MemberID || rb.Generation <= first.Generation {
		t.Fatalf("after ILLEGAL_GENERATION: member %s generation %d, before %s generation %d", rb.MemberID, rb.Generation, first.MemberID, first.Generation)
	}

	stop := injectHeartbeatError(kerr.NotCoordinator.Code, true)
	took := waitRejoin(3 * session)
	stop()
	t.Logf("heartbeats failing with NOT_COORDINATOR: rejoin asked for after %v (session timeout %v)", took.Round(time.Millisecond), session)
	if took < session/2 {
		t.Errorf("rejoin asked for after %v, before the session timeout %v could pass", took, session)
	}
	rb = join() // the coordinator evicted us meanwhile: UNKNOWN_MEMBER_ID, then a new id
	if rb.MemberID == first.MemberID {
		t.Errorf("the member kept id %s after its session expired", rb.MemberID)
	}

	injectHeartbeatError(kerr.UnknownMemberID.Code, false)
	waitRejoin(time.Second)
	prev := rb
	rb = join()
	if rb.MemberID == prev.MemberID {
		t.Errorf("the member kept id %s after UNKNOWN_MEMBER_ID", rb.MemberID)
	}
}

// TestMembershipJoinErrors: coordinator errors and REBALANCE_IN_PROGRESS during the join are
// retried inside Join; an error the coordinator means (INCONSISTENT_GROUP_PROTOCOL) is
// returned.
func TestMembershipJoinErrors(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, err := NewMember(MembershipConfig{
		Seeds: c.ListenAddrs(), GroupID: "je", SessionTimeout: 2 * time.Second, HeartbeatInterval: 100 * time.Millisecond,
		RetryBackoff: 10 * time.Millisecond, ClientOpts: []kgo.Opt{kgo.RequestRetries(1)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assign := func(_ context.Context, r LeaderRound) (map[string]Assignment, error) {
		return membershipTestAssign(r), nil
	}

	var joins, syncs atomic.Int32
	c.ControlKey(11, func(req kmsg.Request) (kmsg.Response, error, bool) {
		if joins.Add(1) > 4 {
			c.DropControl()
			return nil, nil, false
		}
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
		resp.ErrorCode = kerr.CoordinatorLoadInProgress.Code
		return resp, nil, true
	})
	c.ControlKey(14, func(req kmsg.Request) (kmsg.Response, error, bool) {
		syncs.Add(1)
		resp := req.ResponseKind().(*kmsg.SyncGroupResponse)
		resp.ErrorCode = kerr.RebalanceInProgress.Code
		return resp, nil, true
	})
	rb, err := m.Join(ctx, WorkerMetadata{URL: "http://x:1/"}, assign)
	if err != nil {
		t.Fatal(err)
	}
	if joins.Load() < 5 || syncs.Load() != 1 || !rb.IsLeader() {
		t.Fatalf("joins %d, syncs %d, rebalance %+v", joins.Load(), syncs.Load(), rb)
	}

	c.ControlKey(11, func(req kmsg.Request) (kmsg.Response, error, bool) {
		resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
		resp.ErrorCode = kerr.InconsistentGroupProtocol.Code
		return resp, nil, true
	})
	if _, err := m.Join(ctx, WorkerMetadata{URL: "http://x:1/"}, assign); !errors.Is(err, kerr.InconsistentGroupProtocol) {
		t.Fatalf("Join answered INCONSISTENT_GROUP_PROTOCOL returned %v", err)
	}

	// ctx ending stops a Join that keeps being told to retry.
	c.ControlKey(11, func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
		resp.ErrorCode = kerr.CoordinatorNotAvailable.Code
		return resp, nil, true
	})
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if _, err := m.Join(short, WorkerMetadata{URL: "http://x:1/"}, assign); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Join with an expiring context returned %v", err)
	}
}
