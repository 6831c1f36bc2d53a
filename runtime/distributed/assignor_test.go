package distributed

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/runtime"
)

// The scenarios below are ported from Apache Kafka's IncrementalCooperativeAssignorTest
// (each test names the Java test it follows), WorkerCoordinatorIncrementalTest and
// WorkerCoordinatorTest (eager). The harness mirrors Kafka's: a simulated member applies
// running = (running − revoked) ∪ assigned after every delivered round.

const asgDefaultMaxDelay = 300000 * time.Millisecond // scheduled.rebalance.max.delay.ms default

type asgClock struct{ now time.Time }

func newAsgClock() *asgClock               { return &asgClock{now: time.UnixMilli(1_700_000_000_000)} }
func (c *asgClock) Now() time.Time         { return c.now }
func (c *asgClock) sleep(ms int64)         { c.now = c.now.Add(time.Duration(ms) * time.Millisecond) }
func (c *asgClock) sleepD(d time.Duration) { c.now = c.now.Add(d) }

// running is what one simulated member runs.
type asgRunning struct {
	connectors map[string]bool
	tasks      map[runtime.TaskID]bool
}

func newAsgRunning(connectors []string, tasks []runtime.TaskID) *asgRunning {
	r := &asgRunning{connectors: map[string]bool{}, tasks: map[runtime.TaskID]bool{}}
	for _, c := range connectors {
		r.connectors[c] = true
	}
	for _, t := range tasks {
		r.tasks[t] = true
	}
	return r
}

func (r *asgRunning) allocation() ConnectorsAndTasks {
	var out ConnectorsAndTasks
	for c := range r.connectors {
		out.Connectors = append(out.Connectors, c)
	}
	for t := range r.tasks {
		out.Tasks = append(out.Tasks, t)
	}
	// Hand the assignor an unsorted allocation on purpose: it must not depend on the order.
	return out
}

type asgHarness struct {
	t          *testing.T
	clock      *asgClock
	maxDelay   time.Duration
	a          *Assignor
	generation int
	connectors map[string]int
	members    map[string]*asgRunning
	res        AssignmentResult
}

// newHarness is Kafka's setup(): connector1 and connector2 with 4 tasks each, one empty
// worker, generation 1000 and the default max delay.
func newAsgHarness(t *testing.T) *asgHarness {
	h := &asgHarness{
		t:          t,
		clock:      newAsgClock(),
		maxDelay:   asgDefaultMaxDelay,
		generation: 1000,
		connectors: map[string]int{"connector1": 4, "connector2": 4},
		members:    map[string]*asgRunning{},
	}
	h.addEmptyWorkers("worker1")
	h.initAssignor()
	return h
}

func (h *asgHarness) initAssignor() {
	h.a = &Assignor{MaxDelay: h.maxDelay, Now: h.clock.Now}
}

func (h *asgHarness) setMaxDelay(d time.Duration) {
	h.maxDelay = d
	h.initAssignor()
}

func (h *asgHarness) addEmptyWorkers(ids ...string) {
	for _, id := range ids {
		h.addWorker(id, nil, nil)
	}
}

func (h *asgHarness) addWorker(id string, connectors []string, tasks []runtime.TaskID) {
	h.t.Helper()
	if _, ok := h.members[id]; ok {
		h.t.Fatalf("worker %s already exists", id)
	}
	h.members[id] = newAsgRunning(connectors, tasks)
}

func (h *asgHarness) removeWorkers(ids ...string) {
	h.t.Helper()
	for _, id := range ids {
		if _, ok := h.members[id]; !ok {
			h.t.Fatalf("worker %s does not exist", id)
		}
		delete(h.members, id)
	}
}

func (h *asgHarness) memberStates() []MemberState {
	var ms []MemberState
	for id, r := range h.members {
		ms = append(ms, MemberState{ID: id, URL: "http://" + id + ":8083", Allocation: r.allocation()})
	}
	return ms
}

func (h *asgHarness) rebalance()                     { h.t.Helper(); h.perform(false, false) }
func (h *asgHarness) failedRebalance()               { h.t.Helper(); h.perform(true, false) }
func (h *asgHarness) mismatchedGenerationRebalance() { h.t.Helper(); h.perform(false, true) }

// perform is Kafka's performRebalance: a failed round is computed but never reaches the
// members; a mismatched one tells the assignor that the previous generation did not complete.
func (h *asgHarness) perform(assignmentFailure, generationMismatch bool) {
	h.t.Helper()
	h.generation++
	last := h.generation - 1
	if generationMismatch {
		last = h.generation - 2
	}
	h.res = h.a.Assign(h.memberStates(), asgCopyCounts(h.connectors), h.generation, last)
	if got := h.res.Delay; got != time.Duration(h.a.delay)*time.Millisecond {
		h.t.Fatalf("result delay %v, assignor delay %d ms", got, h.a.delay)
	}
	h.assertNoRedundantAssignments()
	if !assignmentFailure {
		h.apply()
	}
}

func asgCopyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (h *asgHarness) apply() {
	h.t.Helper()
	for id := range h.res.Assigned {
		r := h.members[id]
		if r == nil {
			h.t.Fatalf("assignment for unknown member %s", id)
		}
		for _, c := range h.res.Revoked[id].Connectors {
			delete(r.connectors, c)
		}
		for _, t := range h.res.Revoked[id].Tasks {
			delete(r.tasks, t)
		}
		for _, c := range h.res.Assigned[id].Connectors {
			r.connectors[c] = true
		}
		for _, t := range h.res.Assigned[id].Tasks {
			r.tasks[t] = true
		}
		all := h.res.AllAssigned[id]
		if !reflect.DeepEqual(asgSortedKeys(r.connectors), asgOrEmpty(all.Connectors)) ||
			!reflect.DeepEqual(asgSortedTaskKeys(r.tasks), asgOrEmptyTasks(all.Tasks)) {
			h.t.Fatalf("member %s runs %v %v after applying the round, leader state says %v", id,
				asgSortedKeys(r.connectors), asgSortedTaskKeys(r.tasks), all)
		}
	}
}

func asgOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func asgOrEmptyTasks(s []runtime.TaskID) []runtime.TaskID {
	if s == nil {
		return []runtime.TaskID{}
	}
	return s
}

func asgSortedKeys(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func asgSortedTaskKeys(m map[runtime.TaskID]bool) []runtime.TaskID {
	out := []runtime.TaskID{}
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, compareTaskIDs)
	return out
}

// assertNoRedundantAssignments: nothing newly assigned already runs somewhere, and nothing
// is newly assigned twice.
func (h *asgHarness) assertNoRedundantAssignments() {
	h.t.Helper()
	seenC := map[string]string{}
	seenT := map[runtime.TaskID]string{}
	for id, as := range h.res.Assigned {
		for _, c := range as.Connectors {
			if other, ok := seenC[c]; ok {
				h.t.Fatalf("connector %s newly assigned to both %s and %s", c, other, id)
			}
			seenC[c] = id
			for mid, r := range h.members {
				if r.connectors[c] {
					h.t.Fatalf("connector %s newly assigned to %s but already runs on %s", c, id, mid)
				}
			}
		}
		for _, t := range as.Tasks {
			if other, ok := seenT[t]; ok {
				h.t.Fatalf("task %s newly assigned to both %s and %s", t, other, id)
			}
			seenT[t] = id
			for mid, r := range h.members {
				if r.tasks[t] {
					h.t.Fatalf("task %s newly assigned to %s but already runs on %s", t, id, mid)
				}
			}
		}
	}
}

func (h *asgHarness) assertDelay(ms int64) {
	h.t.Helper()
	if h.a.delay != ms {
		h.t.Fatalf("delay = %d ms, want %d", h.a.delay, ms)
	}
}

func (h *asgHarness) assertWorkers(ids ...string) {
	h.t.Helper()
	var got []string
	for id := range h.res.Assigned {
		got = append(got, id)
	}
	sort.Strings(got)
	sort.Strings(ids)
	if !slices.Equal(got, ids) {
		h.t.Fatalf("workers = %v, want %v", got, ids)
	}
}

func (h *asgHarness) allocations(tasks bool) []int {
	var counts []int
	for _, r := range h.members {
		if tasks {
			counts = append(counts, len(r.tasks))
		} else {
			counts = append(counts, len(r.connectors))
		}
	}
	sort.Ints(counts)
	return counts
}

func (h *asgHarness) assertConnectorAllocations(want ...int) {
	h.t.Helper()
	sort.Ints(want)
	if got := h.allocations(false); !slices.Equal(got, want) {
		h.t.Fatalf("connector allocations = %v, want %v", got, want)
	}
}

func (h *asgHarness) assertTaskAllocations(want ...int) {
	h.t.Helper()
	sort.Ints(want)
	if got := h.allocations(true); !slices.Equal(got, want) {
		h.t.Fatalf("task allocations = %v, want %v", got, want)
	}
}

func (h *asgHarness) assertNoRevocations() {
	h.t.Helper()
	for id, r := range h.res.Revoked {
		if !r.IsEmpty() {
			h.t.Fatalf("expected no revocations, %s was revoked %v", id, r)
		}
	}
}

func (h *asgHarness) assertEmptyAssignment() {
	h.t.Helper()
	for id := range h.res.Assigned {
		if !h.res.Assigned[id].IsEmpty() || !h.res.Revoked[id].IsEmpty() {
			h.t.Fatalf("expected an empty round, %s: assigned %v revoked %v", id, h.res.Assigned[id], h.res.Revoked[id])
		}
	}
}

func (h *asgHarness) assertBalancedAndCompleteAllocation() {
	h.t.Helper()
	for _, tasks := range []bool{false, true} {
		counts := h.allocations(tasks)
		if counts[len(counts)-1]-counts[0] > 1 {
			h.t.Fatalf("imbalanced (tasks=%v): %v", tasks, counts)
		}
	}
	wantC := sortedConnectorNames(h.connectors)
	var gotC []string
	gotT := map[runtime.TaskID]int{}
	for _, r := range h.members {
		for c := range r.connectors {
			gotC = append(gotC, c)
		}
		for t := range r.tasks {
			gotT[t]++
		}
	}
	sort.Strings(gotC)
	if !slices.Equal(asgOrEmpty(gotC), asgOrEmpty(wantC)) {
		h.t.Fatalf("connectors running %v, configured %v", gotC, wantC)
	}
	want := 0
	for c, n := range h.connectors {
		want += n
		for i := range n {
			if gotT[runtime.TaskID{Connector: c, Task: i}] != 1 {
				h.t.Fatalf("task %s-%d runs %d times", c, i, gotT[runtime.TaskID{Connector: c, Task: i}])
			}
		}
	}
	if len(gotT) != want {
		h.t.Fatalf("%d tasks run, %d configured", len(gotT), want)
	}
}

// ---- IncrementalCooperativeAssignorTest ----

func TestAssignTaskAssignmentWhenWorkerJoins(t *testing.T) { // testTaskAssignmentWhenWorkerJoins
	h := newAsgHarness(t)
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1")
	h.assertConnectorAllocations(2)
	h.assertTaskAllocations(8)
	h.assertBalancedAndCompleteAllocation()

	// A second worker joins: only the excess is revoked from worker1, nothing is assigned yet.
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2")
	h.assertConnectorAllocations(0, 1)
	h.assertTaskAllocations(0, 4)
	if !h.res.Assigned["worker1"].IsEmpty() || !h.res.Assigned["worker2"].IsEmpty() {
		t.Fatalf("nothing may be assigned in the revoking round: %v", h.res.Assigned)
	}
	if got := h.res.Revoked["worker1"]; len(got.Connectors) != 1 || len(got.Tasks) != 4 {
		t.Fatalf("worker1 revoked %v, want 1 connector and 4 tasks", got)
	}

	// The follow-up round gives the revoked work to worker2 and moves nothing else.
	h.rebalance()
	h.assertNoRevocations()
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()
	if !h.res.Assigned["worker1"].IsEmpty() {
		t.Fatalf("worker1 got %v", h.res.Assigned["worker1"])
	}

	h.clock.sleep(h.a.delay)
	h.rebalance()
	h.assertDelay(0)
	h.assertEmptyAssignment()
}

func TestAssignWhenWorkersJoinAfterRevocations(t *testing.T) { // testAssignmentsWhenWorkersJoinAfterRevocations
	h := newAsgHarness(t)
	h.connectors["connector3"] = 4
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1")
	h.assertConnectorAllocations(3)
	h.assertTaskAllocations(12)
	h.assertBalancedAndCompleteAllocation()

	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertWorkers("worker1", "worker2")
	h.assertConnectorAllocations(0, 2)
	h.assertTaskAllocations(0, 6)

	// A successive revoking rebalance: no revocation, a backoff delay instead.
	h.addEmptyWorkers("worker3")
	h.rebalance()
	if h.a.delay <= 0 {
		t.Fatalf("delay = %d, want > 0", h.a.delay)
	}
	h.assertNoRevocations()
	h.assertWorkers("worker1", "worker2", "worker3")
	h.assertConnectorAllocations(0, 1, 2)
	h.assertTaskAllocations(3, 3, 6)

	h.clock.sleep(h.a.delay)
	h.addEmptyWorkers("worker4")
	h.rebalance()
	h.assertWorkers("worker1", "worker2", "worker3", "worker4")
	h.assertConnectorAllocations(0, 0, 1, 1)
	h.assertTaskAllocations(0, 3, 3, 3)

	// Another revoking rebalance right after: a longer backoff.
	h.addEmptyWorkers("worker5")
	h.rebalance()
	if h.a.delay <= 40 {
		t.Fatalf("delay = %d, want > 40", h.a.delay)
	}
	h.assertWorkers("worker1", "worker2", "worker3", "worker4", "worker5")
	h.assertConnectorAllocations(0, 0, 1, 1, 1)
	h.assertTaskAllocations(1, 2, 3, 3, 3)

	h.clock.sleep(h.a.delay)
	h.addEmptyWorkers("worker6")
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2", "worker3", "worker4", "worker5", "worker6")
	h.assertConnectorAllocations(0, 0, 0, 1, 1, 1)
	h.assertTaskAllocations(0, 1, 2, 2, 2, 2)

	h.rebalance()
	h.assertWorkers("worker1", "worker2", "worker3", "worker4", "worker5", "worker6")
	h.assertConnectorAllocations(0, 0, 0, 1, 1, 1)
	h.assertTaskAllocations(2, 2, 2, 2, 2, 2)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignImmediateRevocationsWhenMaxDelayIs0(t *testing.T) { // testImmediateRevocationsWhenMaxDelayIs0
	h := newAsgHarness(t)
	h.setMaxDelay(0)
	h.connectors["connector3"] = 4
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(3)
	h.assertTaskAllocations(12)
	h.assertBalancedAndCompleteAllocation()

	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(0, 2)
	h.assertTaskAllocations(0, 6)

	// Successive revoking rebalance, but with max delay 0 the revocation happens at once.
	h.addEmptyWorkers("worker3")
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2", "worker3")
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(3, 3, 4)

	h.rebalance()
	h.assertNoRevocations()
	h.assertConnectorAllocations(1, 1, 1)
	h.assertTaskAllocations(4, 4, 4)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignSuccessiveRevocationsWhenMaxDelayIsEqualToExpBackOffInitialInterval(t *testing.T) { // testSuccessiveRevocationsWhenMaxDelayIsEqualToExpBackOffInitialInterval
	h := newAsgHarness(t)
	h.setMaxDelay(time.Millisecond)
	h.connectors["connector3"] = 4
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(3)
	h.assertTaskAllocations(12)

	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(0, 2)
	h.assertTaskAllocations(0, 6)

	h.addEmptyWorkers("worker3")
	h.rebalance()
	h.assertDelay(1)
	h.assertNoRevocations()
	h.assertConnectorAllocations(0, 1, 2)
	h.assertTaskAllocations(3, 3, 6)
}

func TestAssignWorkerJoiningDuringDelayedRebalance(t *testing.T) { // testWorkerJoiningDuringDelayedRebalance
	h := newAsgHarness(t)
	h.connectors["connector3"] = 4
	h.rebalance()
	h.assertConnectorAllocations(3)
	h.assertTaskAllocations(12)

	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(0, 2)
	h.assertTaskAllocations(0, 6)

	h.addEmptyWorkers("worker3")
	h.rebalance()
	if h.a.delay <= 0 {
		t.Fatalf("delay = %d, want > 0", h.a.delay)
	}
	h.assertNoRevocations()
	h.assertConnectorAllocations(0, 1, 2)
	h.assertTaskAllocations(3, 3, 6)

	// A fourth worker joins while the backoff runs: still no revocation.
	h.clock.sleep(h.a.delay / 2)
	h.addEmptyWorkers("worker4")
	h.rebalance()
	if h.a.delay <= 0 {
		t.Fatalf("delay = %d, want > 0", h.a.delay)
	}
	h.assertNoRevocations()
	h.assertConnectorAllocations(0, 0, 1, 2)
	h.assertTaskAllocations(0, 3, 3, 6)

	h.clock.sleep(h.a.delay)
	h.addEmptyWorkers("worker5")
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(0, 0, 0, 1, 1)
	h.assertTaskAllocations(0, 0, 2, 3, 3)

	h.rebalance()
	h.assertDelay(0)
	h.assertNoRevocations()
	h.assertConnectorAllocations(0, 0, 1, 1, 1)
	h.assertTaskAllocations(2, 2, 2, 3, 3)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenWorkerLeavesPermanently(t *testing.T) { // testTaskAssignmentWhenWorkerLeavesPermanently
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()

	// worker2 leaves: its work is held for the max delay.
	h.removeWorkers("worker2")
	h.rebalance()
	h.assertDelay(300000)
	h.assertWorkers("worker1")
	h.assertEmptyAssignment()
	if h.res.Delay != asgDefaultMaxDelay {
		t.Fatalf("result delay %v", h.res.Delay)
	}

	h.clock.sleep(150000)
	h.rebalance()
	h.assertDelay(150000) // the remaining time
	h.assertEmptyAssignment()

	h.clock.sleep(150000 + 1)
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(2)
	h.assertTaskAllocations(8)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenWorkerBounces(t *testing.T) { // testTaskAssignmentWhenWorkerBounces
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	lostConnectors := asgSortedKeys(h.members["worker2"].connectors)
	lostTasks := asgSortedTaskKeys(h.members["worker2"].tasks)

	h.removeWorkers("worker2")
	h.rebalance()
	h.assertDelay(300000)
	h.assertWorkers("worker1")
	h.assertEmptyAssignment()

	h.clock.sleep(150000)
	h.rebalance()
	h.assertDelay(150000)
	h.assertEmptyAssignment()

	// worker2 comes back (empty) within the delay: it becomes a candidate; nothing moves yet.
	h.clock.sleep(75000)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertDelay(75000)
	h.assertWorkers("worker1", "worker2")
	h.assertEmptyAssignment()

	// The delay expires: worker2 gets its own work back, and nothing is revoked.
	h.clock.sleep(75000)
	h.rebalance()
	h.assertDelay(0)
	h.assertNoRevocations()
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()
	got := h.res.Assigned["worker2"]
	if !slices.Equal(got.Connectors, lostConnectors) || !slices.Equal(got.Tasks, lostTasks) {
		t.Fatalf("worker2 got %v, it ran %v %v", got, lostConnectors, lostTasks)
	}
}

func TestAssignWhenLeaderLeavesPermanently(t *testing.T) { // testTaskAssignmentWhenLeaderLeavesPermanently
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2", "worker3")
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(2, 3, 3)
	h.assertBalancedAndCompleteAllocation()

	// The leader left: the new leader starts with no memory, so nothing is "lost" and the
	// leader's work is new work, assigned at once.
	h.removeWorkers("worker1")
	h.initAssignor()
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker2", "worker3")
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()

	h.rebalance()
	h.assertDelay(0)
	h.assertEmptyAssignment()
}

func TestAssignWhenLeaderBounces(t *testing.T) { // testTaskAssignmentWhenLeaderBounces
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2", "worker3")
	h.rebalance()
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(2, 3, 3)

	h.removeWorkers("worker1")
	h.initAssignor()
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()

	// The old leader returns as a follower: a new worker, so revocation happens at once.
	h.addEmptyWorkers("worker1")
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2", "worker3")
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 3, 3)

	h.rebalance()
	h.assertDelay(0)
	h.assertNoRevocations()
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(2, 3, 3)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenFirstAssignmentAttemptFails(t *testing.T) { // testTaskAssignmentWhenFirstAssignmentAttemptFails
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2")
	h.failedRebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2")
	h.assertConnectorAllocations(0, 0)
	h.assertTaskAllocations(0, 0)

	// Same members, same (empty) allocations: the lost work is reassigned without delay.
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenSubsequentAssignmentAttemptFails(t *testing.T) { // testTaskAssignmentWhenSubsequentAssignmentAttemptFails
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)

	h.addEmptyWorkers("worker3")
	h.failedRebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 4, 4)

	// The revocation did not happen; this is a consecutive revoking round: backoff.
	h.rebalance()
	if h.a.delay <= 0 {
		t.Fatalf("delay = %d, want > 0", h.a.delay)
	}
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 4, 4)

	h.clock.sleep(h.a.delay)
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 3, 3)

	h.rebalance()
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(2, 3, 3)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenSubsequentAssignmentAttemptFailsOutsideTheAssignor(t *testing.T) { // testTaskAssignmentWhenSubsequentAssignmentAttemptFailsOutsideTheAssignor
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)

	h.addEmptyWorkers("worker3")
	h.failedRebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 4, 4)

	// The leader's sync failed too: its memory is stale and discarded.
	h.mismatchedGenerationRebalance()
	if h.a.delay <= 0 {
		t.Fatalf("delay = %d, want > 0", h.a.delay)
	}
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 4, 4)

	h.clock.sleep(h.a.delay)
	h.rebalance()
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(0, 3, 3)

	h.rebalance()
	h.assertConnectorAllocations(0, 1, 1)
	h.assertTaskAllocations(2, 3, 3)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenConnectorsAreDeleted(t *testing.T) { // testTaskAssignmentWhenConnectorsAreDeleted
	h := newAsgHarness(t)
	h.connectors["connector3"] = 4
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 2)
	h.assertTaskAllocations(6, 6)
	h.assertBalancedAndCompleteAllocation()

	delete(h.connectors, "connector3")
	h.rebalance()
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()
	var revoked []string
	for _, r := range h.res.Revoked {
		revoked = append(revoked, r.Connectors...)
		for _, task := range r.Tasks {
			if task.Connector != "connector3" {
				t.Fatalf("revoked %s, only connector3's tasks were deleted", task)
			}
		}
	}
	if !slices.Equal(revoked, []string{"connector3"}) {
		t.Fatalf("revoked connectors %v", revoked)
	}
}

func asgTask(connector string, task int) runtime.TaskID {
	return runtime.TaskID{Connector: connector, Task: task}
}

func asgWorkerLoad(id string, connectorStart, connectorNum, taskStart, taskNum int) *workerLoad {
	w := &workerLoad{id: id}
	w.connectors = asgConnectorNames(connectorStart, connectorStart+connectorNum)
	w.tasks = asgTaskIDs("task", taskStart, taskStart+taskNum)
	return w
}

func asgConnectorNames(start, end int) []string {
	var out []string
	for i := start; i < end; i++ {
		out = append(out, fmt.Sprintf("connector%d", i))
	}
	return out
}

func asgTaskIDs(connector string, start, end int) []runtime.TaskID {
	var out []runtime.TaskID
	for i := start; i < end; i++ {
		out = append(out, runtime.TaskID{Connector: connector, Task: i})
	}
	return out
}

func TestAssignConnectorsWhenBalanced(t *testing.T) { // testAssignConnectorsWhenBalanced
	var existing []*workerLoad
	for i := range 3 {
		existing = append(existing, asgWorkerLoad(fmt.Sprintf("worker%d", i), i*2, 2, i*2, 2))
	}
	assignConnectors(existing, asgConnectorNames(6, 11))
	want := map[string][]string{
		"worker0": {"connector0", "connector1", "connector6", "connector9"},
		"worker1": {"connector2", "connector3", "connector7", "connector10"},
		"worker2": {"connector4", "connector5", "connector8"},
	}
	for _, w := range existing {
		if !slices.Equal(w.connectors, want[w.id]) {
			t.Fatalf("%s has %v, want %v", w.id, w.connectors, want[w.id])
		}
	}
}

func TestAssignTasksWhenBalanced(t *testing.T) { // testAssignTasksWhenBalanced
	var existing []*workerLoad
	for i := range 3 {
		existing = append(existing, asgWorkerLoad(fmt.Sprintf("worker%d", i), i*2, 2, i*2, 2))
	}
	assignConnectors(existing, asgConnectorNames(6, 11))
	assignTasks(existing, asgTaskIDs("task", 6, 11))
	wantTasks := map[string][]int{"worker0": {0, 1, 6, 9}, "worker1": {2, 3, 7, 10}, "worker2": {4, 5, 8}}
	for _, w := range existing {
		var got []int
		for _, task := range w.tasks {
			got = append(got, task.Task)
		}
		if !slices.Equal(got, wantTasks[w.id]) {
			t.Fatalf("%s has tasks %v, want %v", w.id, got, wantTasks[w.id])
		}
	}
}

func TestAssignConnectorsWhenImbalanced(t *testing.T) { // testAssignConnectorsWhenImbalanced
	existing := []*workerLoad{
		asgWorkerLoad("worker0", 0, 2, 0, 2),
		asgWorkerLoad("worker1", 2, 3, 2, 3),
		asgWorkerLoad("worker2", 5, 4, 5, 4),
		{id: "worker3"},
	}
	assignConnectors(existing, asgConnectorNames(9, 24))
	assignTasks(existing, asgTaskIDs("task", 9, 24))
	for _, w := range existing {
		if len(w.connectors) != 6 || len(w.tasks) != 6 {
			t.Fatalf("%s has %d connectors and %d tasks, want 6 and 6", w.id, len(w.connectors), len(w.tasks))
		}
	}
}

// lostFixture is the fixture of Kafka's testLostAssignmentHandling* tests: three workers
// with 2 connectors and 4 tasks each, and an assignor whose previous members are all three.
func asgLostFixture(t *testing.T, maxDelay time.Duration) (*Assignor, *asgClock, map[string]*workerLoad) {
	clock := newAsgClock()
	a := &Assignor{MaxDelay: maxDelay, Now: clock.Now}
	loads := map[string]*workerLoad{
		"worker0": asgWorkerLoad("worker0", 0, 2, 0, 4),
		"worker1": asgWorkerLoad("worker1", 2, 2, 4, 4),
		"worker2": asgWorkerLoad("worker2", 4, 2, 8, 4),
	}
	// No lost assignments.
	a.handleLostAssignments(newItemSet(), asgLoadList(loads), clock.Now().UnixMilli(), maxDelay.Milliseconds())
	if len(a.candidates) != 0 || a.scheduledRebalance != 0 || a.delay != 0 {
		t.Fatalf("state after a round with nothing lost: %v %d %d", a.candidates, a.scheduledRebalance, a.delay)
	}
	a.previousMembers = asgMemberSet(loads)
	return a, clock, loads
}

func asgLoadList(m map[string]*workerLoad) []*workerLoad {
	var out []*workerLoad
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, m[id])
	}
	return out
}

func asgMemberSet(m map[string]*workerLoad) map[string]bool {
	out := map[string]bool{}
	for id := range m {
		out[id] = true
	}
	return out
}

func asgLoadItems(w *workerLoad) itemSet {
	s := newItemSet()
	s.addLoad(w)
	return s
}

func asgSubset(a, b itemSet) bool { return a.minus(b).isEmpty() }

func (a *Assignor) handleLostForTest(lost itemSet, loads map[string]*workerLoad, clock *asgClock) itemSet {
	return a.handleLostAssignments(lost, asgLoadList(loads), clock.Now().UnixMilli(), a.maxDelayMillis())
}

func asgAssertLostState(t *testing.T, a *Assignor, clock *asgClock, candidates []string, delay int64) {
	t.Helper()
	got := slices.Clone(a.candidates)
	sort.Strings(got)
	if !slices.Equal(asgOrEmpty(got), asgOrEmpty(candidates)) {
		t.Fatalf("candidates %v, want %v", a.candidates, candidates)
	}
	wantScheduled := int64(0)
	if delay != 0 {
		wantScheduled = clock.Now().UnixMilli() + delay
	}
	if a.scheduledRebalance != wantScheduled || a.delay != delay {
		t.Fatalf("scheduled %d delay %d, want %d and %d", a.scheduledRebalance, a.delay, wantScheduled, delay)
	}
}

func TestAssignLostAssignmentHandlingWhenWorkerBounces(t *testing.T) { // testLostAssignmentHandlingWhenWorkerBounces
	a, clock, loads := asgLostFixture(t, asgDefaultMaxDelay)
	lost := asgLoadItems(loads["worker1"])
	delete(loads, "worker1")

	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, nil, 300000)

	a.previousMembers = asgMemberSet(loads)
	clock.sleep(150000)
	loads["worker1"] = &workerLoad{id: "worker1"} // returns empty
	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, []string{"worker1"}, 150000)

	a.previousMembers = asgMemberSet(loads)
	clock.sleep(150000)
	a.handleLostForTest(lost, loads, clock)
	if !asgSubset(lost, asgLoadItems(loads["worker1"])) {
		t.Fatalf("worker1 got %v, lost was %v", loads["worker1"], lost.toConnectorsAndTasks())
	}
	asgAssertLostState(t, a, clock, nil, 0)
}

func TestAssignLostAssignmentHandlingWhenWorkerLeavesPermanently(t *testing.T) { // testLostAssignmentHandlingWhenWorkerLeavesPermanently
	a, clock, loads := asgLostFixture(t, asgDefaultMaxDelay)
	lost := asgLoadItems(loads["worker1"])
	delete(loads, "worker1")

	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, nil, 300000)

	clock.sleep(150000)
	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, nil, 150000)

	clock.sleep(150000)
	toReassign := a.handleLostForTest(lost, loads, clock)
	if !asgSubset(lost, toReassign) {
		t.Fatalf("to reassign %v, lost %v", toReassign.toConnectorsAndTasks(), lost.toConnectorsAndTasks())
	}
	asgAssertLostState(t, a, clock, nil, 0)
}

func TestAssignLostAssignmentHandlingWithMoreThanOneCandidates(t *testing.T) { // testLostAssignmentHandlingWithMoreThanOneCandidates
	a, clock, loads := asgLostFixture(t, asgDefaultMaxDelay)
	lost := asgLoadItems(loads["worker1"])
	delete(loads, "worker1")
	loads["worker3"] = &workerLoad{id: "worker3"} // a new worker, not the one that left

	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, []string{"worker3"}, 300000)

	a.previousMembers = asgMemberSet(loads)
	clock.sleep(150000)
	loads["worker1"] = &workerLoad{id: "worker1"}
	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, []string{"worker1", "worker3"}, 150000)

	// By the time the delay expires both have other work; they still get the lost work.
	a.previousMembers = asgMemberSet(loads)
	clock.sleep(150000)
	loads["worker1"] = asgWorkerLoad("worker1", 6, 2, 8, 4)
	loads["worker3"] = asgWorkerLoad("worker3", 8, 2, 12, 4)
	a.handleLostForTest(lost, loads, clock)
	both := asgLoadItems(loads["worker1"])
	both.addAll(asgLoadItems(loads["worker3"]))
	if !asgSubset(lost, both) {
		t.Fatalf("lost %v not given to the two candidates", lost.toConnectorsAndTasks())
	}
	if len(loads["worker1"].tasks) != 6 || len(loads["worker3"].tasks) != 6 {
		t.Fatalf("lost tasks not dealt round-robin: %v / %v", loads["worker1"].tasks, loads["worker3"].tasks)
	}
	asgAssertLostState(t, a, clock, nil, 0)
}

func TestAssignLostAssignmentHandlingWhenWorkerBouncesBackButFinallyLeaves(t *testing.T) { // testLostAssignmentHandlingWhenWorkerBouncesBackButFinallyLeaves
	a, clock, loads := asgLostFixture(t, asgDefaultMaxDelay)
	lost := asgLoadItems(loads["worker1"])
	delete(loads, "worker1")

	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, nil, 300000)

	a.previousMembers = asgMemberSet(loads)
	clock.sleep(150000)
	loads["worker1"] = &workerLoad{id: "worker1"}
	a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, []string{"worker1"}, 150000)

	// The candidate leaves again before the delay expires: the lost work is treated as new.
	a.previousMembers = asgMemberSet(loads)
	clock.sleep(150000)
	delete(loads, "worker1")
	toReassign := a.handleLostForTest(lost, loads, clock)
	if !asgSubset(lost, toReassign) {
		t.Fatalf("to reassign %v, lost %v", toReassign.toConnectorsAndTasks(), lost.toConnectorsAndTasks())
	}
	asgAssertLostState(t, a, clock, nil, 0)
}

func TestAssignLostAssignmentHandlingWhenScheduledDelayIsDisabled(t *testing.T) { // testLostAssignmentHandlingWhenScheduledDelayIsDisabled
	a, clock, loads := asgLostFixture(t, 0)
	lost := asgLoadItems(loads["worker1"])
	delete(loads, "worker1")

	toReassign := a.handleLostForTest(lost, loads, clock)
	asgAssertLostState(t, a, clock, nil, 0)
	if !reflect.DeepEqual(toReassign.toConnectorsAndTasks(), lost.toConnectorsAndTasks()) {
		t.Fatalf("to reassign %v, lost %v", toReassign.toConnectorsAndTasks(), lost.toConnectorsAndTasks())
	}
}

func TestAssignScheduledDelayIsDisabled(t *testing.T) { // testScheduledDelayIsDisabled
	h := newAsgHarness(t)
	h.setMaxDelay(0)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)

	// A follower leaves: its work is reassigned immediately.
	h.removeWorkers("worker2")
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1")
	h.assertConnectorAllocations(2)
	h.assertTaskAllocations(8)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignWhenTasksDuplicatedInWorkerAssignment(t *testing.T) { // testTaskAssignmentWhenTasksDuplicatedInWorkerAssignment
	h := newAsgHarness(t)
	h.rebalance()
	h.assertConnectorAllocations(2)
	h.assertTaskAllocations(8)

	// worker2 joins already running connector1 and its tasks: revoked from both holders.
	h.addWorker("worker2", asgConnectorNames(1, 2), asgTaskIDs("connector1", 0, 4))
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2")
	h.assertConnectorAllocations(0, 1)
	h.assertTaskAllocations(0, 4)
	for _, id := range []string{"worker1", "worker2"} {
		if got := h.res.Revoked[id]; !slices.Equal(got.Connectors, []string{"connector1"}) || len(got.Tasks) != 4 {
			t.Fatalf("%s revoked %v", id, got)
		}
	}

	h.rebalance()
	h.assertDelay(0)
	h.assertNoRevocations()
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(4, 4)
	h.assertBalancedAndCompleteAllocation()

	h.rebalance()
	h.assertDelay(0)
	h.assertEmptyAssignment()
}

func TestAssignDuplicatedAssignmentHandleWhenTheDuplicatedAssignmentsDeleted(t *testing.T) { // testDuplicatedAssignmentHandleWhenTheDuplicatedAssignmentsDeleted
	h := newAsgHarness(t)
	h.rebalance()
	h.assertConnectorAllocations(2)
	h.assertTaskAllocations(8)

	delete(h.connectors, "connector1")
	h.addWorker("worker2", asgConnectorNames(1, 2), asgTaskIDs("connector1", 0, 4))
	h.rebalance()
	h.assertDelay(0)
	h.assertWorkers("worker1", "worker2")
	h.assertConnectorAllocations(0, 1)
	h.assertTaskAllocations(0, 2)

	h.rebalance()
	h.assertDelay(0)
	h.assertNoRevocations()
	h.assertConnectorAllocations(0, 1)
	h.assertTaskAllocations(2, 2)
	h.assertBalancedAndCompleteAllocation()

	h.clock.sleep(h.a.delay)
	h.rebalance()
	h.assertDelay(0)
	h.assertEmptyAssignment()
}

// ---- WorkerCoordinatorIncrementalTest (per-member counts) ----

// coordinatorHarness is WorkerCoordinatorIncrementalTest's fixture: connector1 and
// connector2 with 4 tasks each, leader worker1, members worker2 and worker3.
func asgCoordinatorHarness(t *testing.T) *asgHarness {
	h := newAsgHarness(t)
	h.generation = 3
	return h
}

func (h *asgHarness) assertMember(id string, connectors, tasks, revokedConnectors, revokedTasks int, delay time.Duration) {
	h.t.Helper()
	a, r := h.res.Assigned[id], h.res.Revoked[id]
	if len(a.Connectors) != connectors || len(a.Tasks) != tasks || len(r.Connectors) != revokedConnectors ||
		len(r.Tasks) != revokedTasks || h.res.Delay != delay {
		h.t.Fatalf("%s: assigned %v revoked %v delay %v; want %d/%d assigned, %d/%d revoked, delay %v",
			id, a, r, h.res.Delay, connectors, tasks, revokedConnectors, revokedTasks, delay)
	}
}

func TestAssignCoordinatorWhenWorkerJoins(t *testing.T) { // WorkerCoordinatorIncrementalTest.testTaskAssignmentWhenWorkerJoins
	h := asgCoordinatorHarness(t)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertMember("worker1", 1, 4, 0, 0, 0)
	h.assertMember("worker2", 1, 4, 0, 0, 0)
	if !slices.Equal(h.res.Assigned["worker1"].Connectors, []string{"connector1"}) ||
		!slices.Equal(h.res.Assigned["worker2"].Connectors, []string{"connector2"}) {
		t.Fatalf("connectors %v", h.res.Assigned)
	}

	h.addEmptyWorkers("worker3")
	h.rebalance()
	h.assertMember("worker1", 0, 0, 0, 1, 0)
	h.assertMember("worker2", 0, 0, 0, 1, 0)
	h.assertMember("worker3", 0, 0, 0, 0, 0)
}

func TestAssignCoordinatorWhenWorkerLeavesPermanently(t *testing.T) { // WorkerCoordinatorIncrementalTest.testTaskAssignmentWhenWorkerLeavesPermanently
	h := asgCoordinatorHarness(t)
	h.addEmptyWorkers("worker2", "worker3")
	h.rebalance()
	h.assertMember("worker1", 1, 3, 0, 0, 0)
	h.assertMember("worker2", 1, 3, 0, 0, 0)
	h.assertMember("worker3", 0, 2, 0, 0, 0)

	h.removeWorkers("worker3")
	h.rebalance()
	h.assertMember("worker1", 0, 0, 0, 0, asgDefaultMaxDelay)
	h.assertMember("worker2", 0, 0, 0, 0, asgDefaultMaxDelay)

	h.clock.sleepD(asgDefaultMaxDelay / 2)
	h.rebalance()
	h.assertMember("worker1", 0, 0, 0, 0, asgDefaultMaxDelay/2)
	h.assertMember("worker2", 0, 0, 0, 0, asgDefaultMaxDelay/2)

	h.clock.sleepD(asgDefaultMaxDelay/2 + time.Millisecond)
	h.rebalance()
	h.assertMember("worker1", 0, 1, 0, 0, 0)
	h.assertMember("worker2", 0, 1, 0, 0, 0)
}

func TestAssignCoordinatorWhenWorkerBounces(t *testing.T) { // WorkerCoordinatorIncrementalTest.testTaskAssignmentWhenWorkerBounces
	h := asgCoordinatorHarness(t)
	h.addEmptyWorkers("worker2", "worker3")
	h.rebalance()
	h.assertMember("worker3", 0, 2, 0, 0, 0)

	h.removeWorkers("worker3")
	h.rebalance()
	h.assertMember("worker1", 0, 0, 0, 0, asgDefaultMaxDelay)

	h.clock.sleepD(asgDefaultMaxDelay / 2)
	h.addEmptyWorkers("worker3")
	h.rebalance()
	for _, id := range []string{"worker1", "worker2", "worker3"} {
		h.assertMember(id, 0, 0, 0, 0, asgDefaultMaxDelay/2)
	}

	h.clock.sleepD(asgDefaultMaxDelay/2 + time.Millisecond)
	h.rebalance()
	h.assertMember("worker1", 0, 0, 0, 0, 0)
	h.assertMember("worker2", 0, 0, 0, 0, 0)
	h.assertMember("worker3", 0, 2, 0, 0, 0)
}

// ---- further scenarios ----

func TestAssignFirstAssignmentBalanced(t *testing.T) {
	h := newAsgHarness(t)
	h.connectors = map[string]int{"a": 3, "b": 3, "c": 3, "d": 3}
	h.addEmptyWorkers("worker2", "worker3")
	h.rebalance()
	h.assertDelay(0)
	h.assertNoRevocations()
	h.assertConnectorAllocations(1, 1, 2)
	h.assertTaskAllocations(4, 4, 4)
	h.assertBalancedAndCompleteAllocation()
	// Deterministic: least loaded first, member id breaking ties.
	want := map[string]ConnectorsAndTasks{
		"worker1": {Connectors: []string{"a", "d"}, Tasks: []runtime.TaskID{asgTask("a", 0), asgTask("b", 0), asgTask("c", 0), asgTask("d", 0)}},
		"worker2": {Connectors: []string{"b"}, Tasks: []runtime.TaskID{asgTask("a", 1), asgTask("b", 1), asgTask("c", 1), asgTask("d", 1)}},
		"worker3": {Connectors: []string{"c"}, Tasks: []runtime.TaskID{asgTask("a", 2), asgTask("b", 2), asgTask("c", 2), asgTask("d", 2)}},
	}
	if !reflect.DeepEqual(h.res.Assigned, want) {
		t.Fatalf("assigned %v, want %v", h.res.Assigned, want)
	}
}

func TestAssignTaskCountChange(t *testing.T) {
	h := newAsgHarness(t)
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertTaskAllocations(4, 4)

	// connector1 grows from 4 to 8 tasks: the new tasks are spread, nothing moves.
	h.connectors["connector1"] = 8
	h.rebalance()
	h.assertNoRevocations()
	h.assertTaskAllocations(6, 6)
	h.assertBalancedAndCompleteAllocation()

	// connector2 shrinks from 4 to 1 task: tasks 1..3 are revoked wherever they run...
	h.connectors["connector2"] = 1
	h.rebalance()
	for _, r := range h.res.Revoked {
		for _, task := range r.Tasks {
			if task.Connector != "connector2" || task.Task == 0 {
				t.Fatalf("revoked %s", task)
			}
		}
	}
	h.assertConnectorAllocations(1, 1)
	// ...and the group is rebalanced if that left it uneven.
	for range 3 {
		h.rebalance()
	}
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignConnectorsAndTasksBalancedSeparately(t *testing.T) {
	h := newAsgHarness(t)
	// worker1 runs every connector, worker2 every task; both counts are out of balance.
	h.connectors = map[string]int{"a": 2, "b": 2}
	h.members = map[string]*asgRunning{}
	h.addWorker("worker1", []string{"a", "b"}, nil)
	h.addWorker("worker2", nil, asgTaskIDs("a", 0, 2))
	h.members["worker2"].tasks[runtime.TaskID{Connector: "b", Task: 0}] = true
	h.members["worker2"].tasks[runtime.TaskID{Connector: "b", Task: 1}] = true
	h.rebalance()
	if got := h.res.Revoked["worker1"]; len(got.Connectors) != 1 || len(got.Tasks) != 0 {
		t.Fatalf("worker1 revoked %v, want one connector", got)
	}
	if got := h.res.Revoked["worker2"]; len(got.Connectors) != 0 || len(got.Tasks) != 2 {
		t.Fatalf("worker2 revoked %v, want two tasks", got)
	}
	h.rebalance()
	h.assertNoRevocations()
	if got := h.res.Assigned["worker2"]; len(got.Connectors) != 1 || len(got.Tasks) != 0 {
		t.Fatalf("worker2 got %v, want the revoked connector", got)
	}
	if got := h.res.Assigned["worker1"]; len(got.Connectors) != 0 || len(got.Tasks) != 2 {
		t.Fatalf("worker1 got %v, want the two revoked tasks", got)
	}
	h.assertConnectorAllocations(1, 1)
	h.assertTaskAllocations(2, 2)
	h.assertBalancedAndCompleteAllocation()
}

func TestAssignManyWorkersFewTasks(t *testing.T) {
	h := newAsgHarness(t)
	h.connectors = map[string]int{"only": 2}
	for i := 2; i <= 10; i++ {
		h.addEmptyWorkers(fmt.Sprintf("worker%02d", i))
	}
	h.rebalance()
	h.assertConnectorAllocations(0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
	h.assertTaskAllocations(0, 0, 0, 0, 0, 0, 0, 0, 1, 1)
	h.assertBalancedAndCompleteAllocation()
	// Ten idle-ish workers are balanced: further joins and rounds change nothing.
	h.addEmptyWorkers("worker11")
	h.rebalance()
	h.assertEmptyAssignment()
	h.assertDelay(0)
}

func TestAssignRevocationBackoff(t *testing.T) {
	// Kafka's ExponentialBackoff(1, 40, maxDelay, 0) after n consecutive revoking rounds.
	for _, c := range []struct {
		maxDelay int64
		attempts int
		want     int64
	}{
		{300000, 1, 40}, {300000, 2, 1600}, {300000, 3, 64000}, {300000, 4, 300000}, {300000, 50, 300000},
		{1000, 1, 40}, {1000, 2, 1000}, {1, 1, 1}, {1, 7, 1}, {0, 1, 0}, {0, 9, 0}, {40, 1, 40}, {39, 1, 39},
	} {
		if got := revocationBackoff(c.maxDelay, c.attempts); got != c.want {
			t.Errorf("backoff(max %d, attempt %d) = %d, want %d", c.maxDelay, c.attempts, got, c.want)
		}
	}
}

func TestAssignRevocationBackoffBetweenConsecutiveRounds(t *testing.T) {
	h := newAsgHarness(t)
	h.connectors = map[string]int{"c": 24}
	h.rebalance()
	h.addEmptyWorkers("worker2")
	h.rebalance() // revokes 12
	if h.res.Revoked["worker1"].IsEmpty() {
		t.Fatal("expected a load-balancing revocation")
	}
	h.addEmptyWorkers("worker3")
	h.rebalance() // would revoke again: postponed 40 ms
	h.assertDelay(40)
	h.assertNoRevocations()
	h.clock.sleep(40)
	h.addEmptyWorkers("worker4")
	h.rebalance() // the backoff expired: revokes
	h.assertDelay(0)
	if h.res.Revoked["worker1"].IsEmpty() && h.res.Revoked["worker2"].IsEmpty() {
		t.Fatal("expected a revocation once the backoff expired")
	}
	h.addEmptyWorkers("worker5")
	h.rebalance() // second consecutive: 40*40
	h.assertDelay(1600)
	h.clock.sleep(1600)
	h.rebalance()
	h.assertDelay(0)
	h.rebalance() // assigns what was revoked; no revocation: the counter resets
	h.assertNoRevocations()
	h.assertBalancedAndCompleteAllocation()
	if h.a.successiveRevokingRebalances != 0 || h.a.revokedInPrevious {
		t.Fatalf("backoff state not reset: %d %v", h.a.successiveRevokingRebalances, h.a.revokedInPrevious)
	}
	h.addEmptyWorkers("worker6")
	h.rebalance()
	h.assertDelay(0) // a fresh revocation is immediate again
}

func TestAssignNothingConfigured(t *testing.T) {
	h := newAsgHarness(t)
	h.connectors = map[string]int{}
	h.addEmptyWorkers("worker2")
	h.rebalance()
	h.assertEmptyAssignment()
	h.assertDelay(0)
	if got := (&Assignor{}).Assign(nil, map[string]int{"x": 1}, 1, 0); len(got.Assigned) != 0 {
		t.Fatalf("no members: %v", got)
	}
}

// A leader with no memory (it just took over) does not know that a connector a member still
// reports has been deleted, so it does not revoke it: Kafka behaves the same way.
func TestAssignNewLeaderDoesNotRevokeUnknownDeletedConnector(t *testing.T) {
	h := newAsgHarness(t)
	h.members = map[string]*asgRunning{}
	h.addWorker("worker1", []string{"connector1", "gone"}, asgTaskIDs("connector1", 0, 4))
	h.addEmptyWorkers("worker2")
	h.rebalance()
	for _, r := range h.res.Revoked {
		if slices.Contains(r.Connectors, "gone") {
			t.Fatalf("revoked %v", r)
		}
	}
}

func TestAssignJavaStringOrder(t *testing.T) {
	// U+FF21 (FULLWIDTH A) sorts after U+1F600 in Java (0xFF21 > 0xD83D), before it in UTF-8.
	a, b := "\uff21", "\U0001F600"
	if javaCompare(a, b) <= 0 || javaCompare(b, a) >= 0 {
		t.Fatalf("javaCompare(%q, %q) = %d", a, b, javaCompare(a, b))
	}
	if javaCompare("a", "ab") >= 0 || javaCompare("b", "ab") <= 0 || javaCompare("x", "x") != 0 {
		t.Fatal("plain ASCII order")
	}
	if javaCompare("\xff", "\xfe") == 0 {
		t.Fatal("distinct invalid strings must not compare equal")
	}
	if compareTaskIDs(runtime.TaskID{Connector: "c", Task: 2}, runtime.TaskID{Connector: "c", Task: 10}) >= 0 {
		t.Fatal("task ids compare numerically")
	}
}

// ---- eager (WorkerCoordinatorTest.testLeaderPerformAssignment*) ----

func TestEagerAssign(t *testing.T) {
	for _, c := range []struct {
		name       string
		configured map[string]int
		want       map[string]ConnectorsAndTasks
	}{
		{ // testLeaderPerformAssignment1
			"one connector one task", map[string]int{"connector1": 1},
			map[string]ConnectorsAndTasks{
				"leader": {Connectors: []string{"connector1"}},
				"member": {Tasks: []runtime.TaskID{asgTask("connector1", 0)}},
			},
		},
		{ // testLeaderPerformAssignment2
			"two connectors three tasks", map[string]int{"connector1": 2, "connector2": 1},
			map[string]ConnectorsAndTasks{
				"leader": {Connectors: []string{"connector1"}, Tasks: []runtime.TaskID{asgTask("connector1", 0), asgTask("connector2", 0)}},
				"member": {Connectors: []string{"connector2"}, Tasks: []runtime.TaskID{asgTask("connector1", 1)}},
			},
		},
		{ // testLeaderPerformAssignmentSingleTaskConnectors
			"single task connectors", map[string]int{"connector1": 1, "connector2": 1, "connector3": 1},
			map[string]ConnectorsAndTasks{
				"leader": {Connectors: []string{"connector1", "connector3"}, Tasks: []runtime.TaskID{asgTask("connector2", 0)}},
				"member": {Connectors: []string{"connector2"}, Tasks: []runtime.TaskID{asgTask("connector1", 0), asgTask("connector3", 0)}},
			},
		},
		{
			"nothing configured", map[string]int{},
			map[string]ConnectorsAndTasks{"leader": {}, "member": {}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := EagerAssign([]string{"member", "leader"}, c.configured)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
	if got := EagerAssign(nil, map[string]int{"x": 1}); len(got) != 0 {
		t.Fatalf("no members: %v", got)
	}
}

func TestEagerAssignBalanced(t *testing.T) {
	got := EagerAssign([]string{"w3", "w1", "w2"}, map[string]int{"a": 3, "b": 3, "c": 3, "d": 3})
	// 4 connectors dealt w1 w2 w3 w1; the 12 tasks continue at w2.
	if c := got["w1"].Connectors; !slices.Equal(c, []string{"a", "d"}) {
		t.Fatalf("w1 connectors %v", c)
	}
	if tk := got["w2"].Tasks; len(tk) != 4 || tk[0] != (runtime.TaskID{Connector: "a", Task: 0}) {
		t.Fatalf("w2 tasks %v", tk)
	}
	for id, a := range got {
		if len(a.Tasks) != 4 {
			t.Fatalf("%s has %d tasks", id, len(a.Tasks))
		}
	}
}

// Kafka's backoff between consecutive revoking rounds postpones the revocation only until
// the next round: a round during the backoff clears revokedInPrevious, so the round after
// it revokes at once even though the backoff has not expired.
func TestAssignBackoffHoldsOnlyOneRound(t *testing.T) {
	h := newAsgHarness(t)
	h.connectors = map[string]int{"c": 24}
	h.rebalance()
	h.addEmptyWorkers("worker2")
	h.rebalance() // revokes
	h.addEmptyWorkers("worker3")
	h.rebalance() // would revoke again: 40 ms backoff
	h.assertDelay(40)
	h.assertNoRevocations()

	h.clock.sleep(10)
	h.addEmptyWorkers("worker4")
	h.rebalance() // within the backoff: no revocation, the remaining 30 ms
	h.assertDelay(30)
	h.assertNoRevocations()

	h.clock.sleep(10)
	h.rebalance() // still within the original 40 ms, yet it revokes
	h.assertDelay(0)
	if !asgRevokes(h.res) {
		t.Fatal("expected the revocation before the backoff expired, as Kafka does")
	}
}

// Right after a revoking round, a member leaving with nothing to lose still gets the full
// max delay sent to everyone (Kafka's handleLostAssignments runs while revokedInPrevious is
// set). The assignor forgets that delay at the next round, as nothing is lost.
func TestAssignEmptyMemberLeavingAfterRevocationStartsDelay(t *testing.T) {
	h := newAsgHarness(t)
	h.rebalance()
	h.addEmptyWorkers("worker2")
	h.rebalance() // revokes half of worker1's work for worker2
	h.removeWorkers("worker2")
	h.rebalance()
	h.assertDelay(300000)
	// The revoked work is new work and is placed at once; nothing was lost.
	h.assertConnectorAllocations(2)
	h.assertTaskAllocations(8)
	h.addEmptyWorkers("worker3")
	h.rebalance() // the delay is dropped and load balancing happens at once
	h.assertDelay(0)
	h.assertConnectorAllocations(1, 0)
	h.assertTaskAllocations(4, 0)
	h.rebalance()
	h.assertBalancedAndCompleteAllocation()
}
