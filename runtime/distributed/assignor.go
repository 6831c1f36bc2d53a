package distributed

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-connect/tributary/runtime"
)

// This file is the leader's assignment: the incremental cooperative assignor of KIP-415
// (Kafka's IncrementalCooperativeAssignor, protocols "compatible" and "sessioned") and the
// eager round-robin assignor (EagerAssignor, protocol "default"). Both are pure: they see
// plain types and no wire format. The caller decodes the members' metadata, checks the
// leader's config snapshot against the members' config offsets (CONFIG_MISMATCH is not
// decided here), and encodes what Assign returns.

// ConnectorsAndTasks is a set of connectors and tasks.
type ConnectorsAndTasks struct {
	Connectors []string
	Tasks      []runtime.TaskID
}

// IsEmpty reports whether there is neither a connector nor a task.
func (c ConnectorsAndTasks) IsEmpty() bool { return len(c.Connectors) == 0 && len(c.Tasks) == 0 }

// MemberState is one group member as the leader sees it in JoinGroup.
type MemberState struct {
	ID  string
	URL string
	// Allocation is what the member runs now: the allocation in its V1/V2 metadata (empty
	// for a V0 member or a member that runs nothing).
	Allocation ConnectorsAndTasks
}

// AssignmentResult is one round of the incremental cooperative assignor. Every member of
// the round has an entry in Assigned, Revoked and AllAssigned, possibly empty. Lists are
// sorted (connectors by name, tasks by connector then id, in Java's String order).
type AssignmentResult struct {
	// Assigned is what each member must start: only newly assigned items.
	Assigned map[string]ConnectorsAndTasks
	// Revoked is what each member must stop. A member given a non-empty Revoked rejoins at
	// once, so the freed work is placed in a follow-up round. As in Kafka, it can name an
	// item the member does not run: lost work dealt to a returning member when the delay
	// expires and taken back by load balancing in the same round. Such a revocation is
	// load-bearing (the rejoin it causes gets that work assigned), so it is kept.
	Revoked map[string]ConnectorsAndTasks
	// AllAssigned is what each member runs once it has applied this round: its allocation
	// minus Revoked plus Assigned. It is what the leader records as its leader state (owner
	// of each connector and task, used to forward restarts).
	AllAssigned map[string]ConnectorsAndTasks
	// Delay is sent to every member. A member given a delay rejoins after it, which gives
	// the leader the follow-up round in which held-back work is placed. Whole milliseconds.
	Delay time.Duration
}

// Assignor is the incremental cooperative assignor (KIP-415). It keeps the leader's memory
// across rounds, so one Assignor must live as long as the worker (Kafka keeps it in the
// WorkerCoordinator): memory that does not belong to the last completed generation is
// discarded by Assign itself. It is not safe for concurrent use.
//
// The zero value is ready to use once MaxDelay is set.
type Assignor struct {
	// MaxDelay is scheduled.rebalance.max.delay.ms: how long the work of a member that left
	// is held for it to come back, and the cap of the revocation backoff. 0 disables both.
	MaxDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	started            bool
	previousGeneration int
	previousAssignment itemSet
	previousRevocation itemSet
	previousMembers    map[string]bool
	revokedInPrevious  bool
	// candidates are members that joined with nothing while lost work was held, in the
	// order they were first seen: the lost work goes to them when the delay expires.
	candidates []string
	// scheduledRebalance is when held work is released (Unix ms); 0 when none is.
	scheduledRebalance int64
	// delay is the delay (ms) sent with the current round; it persists between rounds.
	delay int64
	// successiveRevokingRebalances counts load-balancing revocations in consecutive rounds.
	successiveRevokingRebalances int
}

// Assign computes one round. configured maps each connector of the leader's config snapshot
// to its number of committed task configs (tasks 0..n-1). generation is the generation of
// this rebalance and lastCompletedGeneration the last generation this worker completed (−1
// if none); the assignor's memory of the previous round is used only when that round's
// generation equals lastCompletedGeneration.
//
// The algorithm is Kafka's (IncrementalCooperativeAssignor.performTaskAssignment), with Java's
// hash-ordered iterations replaced by deterministic ones: members are taken in member-id
// order and each member's allocation in sorted order, so the result depends neither on the
// order of members nor on the order of their allocations. Load balancing revokes from an
// over-allocated member the first items of that order.
//
// Deleted work is found only in the memory of the previous round (previous − configured),
// as in Kafka: a leader without that memory (new leader, or its own SyncGroup failed) does
// not revoke deleted work a member still reports, and counts it in that member's load.
func (a *Assignor) Assign(members []MemberState, configured map[string]int, generation, lastCompletedGeneration int) AssignmentResult {
	loads := memberLoads(members)
	if len(loads) == 0 { // never happens: the leader is a member
		return AssignmentResult{
			Assigned:    map[string]ConnectorsAndTasks{},
			Revoked:     map[string]ConnectorsAndTasks{},
			AllAssigned: map[string]ConnectorsAndTasks{},
		}
	}
	now := a.nowMillis()
	maxDelay := a.maxDelayMillis()

	// Base set: what the leader assigned in the previous round, unless that round did not
	// complete for this worker (the leader failed to sync the assignment).
	if !a.started || a.previousGeneration != lastCompletedGeneration {
		a.previousAssignment = newItemSet()
	}
	a.started = true

	configuredSet := configuredItems(configured)
	active := newItemSet()
	for _, l := range loads {
		active.addLoad(l)
	}

	// A revocation of the previous round that did not take effect (the item still runs):
	// start again from what runs, so the revocation is computed again.
	if !a.previousRevocation.isEmpty() {
		if a.previousRevocation.intersects(active) {
			a.previousAssignment = active.clone()
		}
		a.previousRevocation = newItemSet()
	}

	deleted := a.previousAssignment.minus(configuredSet)
	duplicated := duplicatedItems(loads)
	lost := a.previousAssignment.minus(active, deleted)
	created := configuredSet.minus(a.previousAssignment, active)

	// current: what each member runs, deleted items excluded; the newly assigned items of a
	// member are its next assignment minus this.
	current := make(map[string]itemSet, len(loads))
	for _, l := range loads {
		s := newItemSet()
		s.addLoad(l)
		current[l.id] = s.minus(deleted)
	}

	// Deleted and duplicated items are revoked from every member that runs them.
	toRevoke := make(map[string]itemSet)
	next := make([]*workerLoad, len(loads))
	for i, l := range loads {
		n := l.clone()
		rev := newItemSet()
		for _, c := range l.connectors {
			if deleted.hasConnector(c) || duplicated.hasConnector(c) {
				rev.addConnector(c)
			}
		}
		for _, t := range l.tasks {
			if deleted.hasTask(t) || duplicated.hasTask(t) {
				rev.addTask(t)
			}
		}
		if !rev.isEmpty() {
			toRevoke[l.id] = rev
			n.remove(rev)
		}
		next[i] = n
	}

	lostToReassign := a.handleLostAssignments(lost, next, now, maxDelay)

	// No load-balancing revocation while a delay is active.
	if a.delay == 0 {
		lb := loadBalancingRevocations(configuredSet, next)
		switch {
		case a.revokedInPrevious && len(lb) > 0:
			// Revocations in consecutive rounds: postpone this one by an exponential backoff.
			a.successiveRevokingRebalances++
			a.delay = revocationBackoff(maxDelay, a.successiveRevokingRebalances)
			if a.delay != 0 {
				a.scheduledRebalance = now + a.delay
			} else {
				applyRevocations(toRevoke, next, lb)
			}
		case len(lb) > 0:
			applyRevocations(toRevoke, next, lb)
			a.revokedInPrevious = true
		case a.revokedInPrevious:
			// The previous round revoked and this one need not: the group has converged.
			a.revokedInPrevious = false
			a.successiveRevokingRebalances = 0
		}
	} else {
		a.revokedInPrevious = false
	}

	// New work, then lost work released now, to the least-loaded members.
	assignConnectors(next, append(created.sortedConnectors(), lostToReassign.sortedConnectors()...))
	assignTasks(next, append(created.sortedTasks(), lostToReassign.sortedTasks()...))

	res := AssignmentResult{
		Assigned:    make(map[string]ConnectorsAndTasks, len(next)),
		Revoked:     make(map[string]ConnectorsAndTasks, len(next)),
		AllAssigned: make(map[string]ConnectorsAndTasks, len(next)),
		Delay:       time.Duration(a.delay) * time.Millisecond,
	}
	allRevoked := newItemSet()
	for _, r := range toRevoke {
		allRevoked.addAll(r)
	}
	nextAll := newItemSet()
	for _, n := range next {
		nextAll.addLoad(n)
		nextSet := newItemSet()
		nextSet.addLoad(n)
		res.Assigned[n.id] = nextSet.minus(current[n.id]).toConnectorsAndTasks()
		res.AllAssigned[n.id] = nextSet.minus(toRevoke[n.id]).toConnectorsAndTasks()
		res.Revoked[n.id] = toRevoke[n.id].toConnectorsAndTasks()
	}

	// Memory for the next round: what will run, plus the lost work still held back.
	a.previousAssignment = nextAll.minus(allRevoked)
	a.previousAssignment.addAll(lost)
	a.previousRevocation = allRevoked
	a.previousGeneration = generation
	a.previousMembers = make(map[string]bool, len(next))
	for _, n := range next {
		a.previousMembers[n.id] = true
	}
	return res
}

// handleLostAssignments decides what happens to work whose owner is gone. It returns the
// lost items to treat as new this round; when a held delay expires with candidates present,
// it deals the lost items to them directly in next.
func (a *Assignor) handleLostAssignments(lost itemSet, next []*workerLoad, now, maxDelay int64) itemSet {
	if lost.isEmpty() && !a.revokedInPrevious {
		a.resetDelay()
		return newItemSet()
	}
	present := make(map[string]*workerLoad, len(next))
	for _, n := range next {
		present[n.id] = n
	}
	allPresent := true
	for id := range a.previousMembers {
		if present[id] == nil {
			allPresent = false
			break
		}
	}
	if a.scheduledRebalance <= 0 && allPresent {
		// Nobody departed: the work went missing because some member did not receive the
		// previous assignment. Reassign it now.
		return lost.clone()
	}
	if maxDelay == 0 {
		return lost.clone()
	}

	if a.scheduledRebalance > 0 && now >= a.scheduledRebalance {
		// The delay expired: the lost work goes to the candidates still present, round-robin.
		var cands []*workerLoad
		for _, id := range a.candidates {
			if w := present[id]; w != nil {
				cands = append(cands, w)
			}
		}
		toReassign := newItemSet()
		if len(cands) > 0 {
			for i, c := range lost.sortedConnectors() {
				w := cands[i%len(cands)]
				w.connectors = append(w.connectors, c)
			}
			for i, t := range lost.sortedTasks() {
				w := cands[i%len(cands)]
				w.tasks = append(w.tasks, t)
			}
		} else {
			toReassign = lost.clone()
		}
		a.resetDelay()
		a.revokedInPrevious = false
		return toReassign
	}

	for _, n := range next {
		if n.isEmpty() && !slices.Contains(a.candidates, n.id) {
			a.candidates = append(a.candidates, n.id)
		}
	}
	if now < a.scheduledRebalance {
		a.delay = a.remainingDelay(now, maxDelay)
	} else {
		a.delay = maxDelay
	}
	a.scheduledRebalance = now + a.delay
	return newItemSet()
}

func (a *Assignor) resetDelay() {
	a.candidates = nil
	a.scheduledRebalance = 0
	a.delay = 0
}

func (a *Assignor) remainingDelay(now, maxDelay int64) int64 {
	if d := a.scheduledRebalance - now; d > 0 {
		return min(d, maxDelay)
	}
	return 0
}

func (a *Assignor) nowMillis() int64 {
	if a.Now != nil {
		return a.Now().UnixMilli()
	}
	return time.Now().UnixMilli()
}

func (a *Assignor) maxDelayMillis() int64 {
	return max(a.MaxDelay.Milliseconds(), 0)
}

// revocationBackoff is Kafka's ExponentialBackoff(initial 1 ms, multiplier 40, max maxDelay,
// no jitter) after attempts consecutive revoking rounds; 0 when maxDelay is 0.
func revocationBackoff(maxDelay int64, attempts int) int64 {
	initial := min(maxDelay, 1)
	expMax := 0.0
	if maxDelay > initial {
		expMax = math.Log(float64(maxDelay)/float64(max(initial, 1))) / math.Log(40)
	}
	if expMax == 0 {
		return initial
	}
	term := float64(initial) * math.Pow(40, math.Min(float64(attempts), expMax))
	return min(int64(term), maxDelay)
}

// loadBalancingRevocations revokes from each over-allocated member what exceeds its balanced
// share, connectors and tasks separately: every member should run floor(total/members), and
// total%members members one more. The share counts configured items, not running ones.
func loadBalancingRevocations(configured itemSet, workers []*workerLoad) map[string]itemSet {
	allEmpty := true
	for _, w := range workers {
		if !w.isEmpty() {
			allEmpty = false
			break
		}
	}
	if allEmpty || configured.isEmpty() {
		return nil
	}
	result := make(map[string]itemSet)
	for id, revoked := range balanceRevocations(len(configured.connectors), workers, func(w *workerLoad) []string { return w.connectors }) {
		s := newItemSet()
		for _, c := range revoked {
			s.addConnector(c)
		}
		result[id] = s
	}
	for id, revoked := range balanceRevocations(len(configured.tasks), workers, func(w *workerLoad) []runtime.TaskID { return w.tasks }) {
		s, ok := result[id]
		if !ok {
			s = newItemSet()
			result[id] = s
		}
		for _, t := range revoked {
			s.addTask(t)
		}
	}
	return result
}

func balanceRevocations[E any](total int, workers []*workerLoad, items func(*workerLoad) []E) map[string][]E {
	n := len(workers)
	minPer := total / n
	extras := total % n
	atMin, atMinPlusOne := 0, 0
	for _, w := range workers {
		switch len(items(w)) {
		case minPer:
			atMin++
		case minPer + 1:
			atMinPlusOne++
		}
	}
	if atMinPlusOne == extras && atMin+atMinPlusOne == n {
		return nil
	}
	result := make(map[string][]E)
	allocatedExtras := 0
	for _, w := range workers {
		its := items(w)
		size := len(its)
		if size <= minPer {
			continue
		}
		allowed := minPer
		if allocatedExtras < extras {
			allocatedExtras++
			if size == minPer+1 {
				continue
			}
			allowed = minPer + 1
		}
		result[w.id] = slices.Clone(its[:size-allowed])
	}
	return result
}

func applyRevocations(toRevoke map[string]itemSet, next []*workerLoad, revocations map[string]itemSet) {
	for id, r := range revocations {
		s, ok := toRevoke[id]
		if !ok {
			s = newItemSet()
			toRevoke[id] = s
		}
		s.addAll(r)
	}
	for _, n := range next {
		if r, ok := revocations[n.id]; ok {
			n.remove(r)
		}
	}
}

// assignConnectors deals connectors to the least-loaded members: sorted by connector count
// then member id, the lowest tier is filled first, round-robin, one at a time.
func assignConnectors(workers []*workerLoad, connectors []string) {
	if len(workers) == 0 || len(connectors) == 0 {
		return
	}
	slices.SortStableFunc(workers, func(x, y *workerLoad) int {
		if d := len(x.connectors) - len(y.connectors); d != 0 {
			return d
		}
		return javaCompare(x.id, y.id)
	})
	first := workers[0]
	for i := 0; i < len(connectors); {
		firstLoad := len(first.connectors)
		upTo := len(workers)
		for j, w := range workers {
			if len(w.connectors) > firstLoad {
				upTo = j
				break
			}
		}
		for _, w := range workers[:upTo] {
			w.connectors = append(w.connectors, connectors[i])
			i++
			if i == len(connectors) {
				break
			}
		}
	}
}

// assignTasks is assignConnectors for tasks.
func assignTasks(workers []*workerLoad, tasks []runtime.TaskID) {
	if len(workers) == 0 || len(tasks) == 0 {
		return
	}
	slices.SortStableFunc(workers, func(x, y *workerLoad) int {
		if d := len(x.tasks) - len(y.tasks); d != 0 {
			return d
		}
		return javaCompare(x.id, y.id)
	})
	first := workers[0]
	for i := 0; i < len(tasks); {
		firstLoad := len(first.tasks)
		upTo := len(workers)
		for j, w := range workers {
			if len(w.tasks) > firstLoad {
				upTo = j
				break
			}
		}
		for _, w := range workers[:upTo] {
			w.tasks = append(w.tasks, tasks[i])
			i++
			if i == len(tasks) {
				break
			}
		}
	}
}

// EagerAssign is the eager (V0) assignor: members sorted by id and connectors by name; one
// circular iterator over the members deals every connector, then every task (connectors in
// name order, each connector's tasks in id order), continuing the same iterator. Members
// revoke everything before joining, so these are complete assignments; every member has an
// entry, possibly empty.
func EagerAssign(members []string, configured map[string]int) map[string]ConnectorsAndTasks {
	ids := slices.Clone(members)
	slices.SortFunc(ids, javaCompare)
	ids = slices.Compact(ids)
	out := make(map[string]ConnectorsAndTasks, len(ids))
	if len(ids) == 0 {
		return out
	}
	for _, id := range ids {
		out[id] = ConnectorsAndTasks{}
	}
	connectors := sortedConnectorNames(configured)
	next := 0
	member := func() string {
		id := ids[next%len(ids)]
		next++
		return id
	}
	for _, c := range connectors {
		id := member()
		m := out[id]
		m.Connectors = append(m.Connectors, c)
		out[id] = m
	}
	for _, c := range connectors {
		for t := range max(configured[c], 0) {
			id := member()
			m := out[id]
			m.Tasks = append(m.Tasks, runtime.TaskID{Connector: c, Task: t})
			out[id] = m
		}
	}
	return out
}

// workerLoad is one member's connectors and tasks, in order.
type workerLoad struct {
	id         string
	connectors []string
	tasks      []runtime.TaskID
}

func (w *workerLoad) isEmpty() bool { return len(w.connectors) == 0 && len(w.tasks) == 0 }

func (w *workerLoad) clone() *workerLoad {
	return &workerLoad{id: w.id, connectors: slices.Clone(w.connectors), tasks: slices.Clone(w.tasks)}
}

func (w *workerLoad) remove(s itemSet) {
	w.connectors = slices.DeleteFunc(w.connectors, s.hasConnector)
	w.tasks = slices.DeleteFunc(w.tasks, s.hasTask)
}

// memberLoads turns the members into loads sorted by member id, each allocation de-duplicated
// and sorted. A member id given twice keeps its first entry.
func memberLoads(members []MemberState) []*workerLoad {
	loads := make([]*workerLoad, 0, len(members))
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		s := newItemSet()
		for _, c := range m.Allocation.Connectors {
			s.addConnector(c)
		}
		for _, t := range m.Allocation.Tasks {
			s.addTask(t)
		}
		loads = append(loads, &workerLoad{id: m.ID, connectors: s.sortedConnectors(), tasks: s.sortedTasks()})
	}
	slices.SortFunc(loads, func(x, y *workerLoad) int { return javaCompare(x.id, y.id) })
	return loads
}

func configuredItems(configured map[string]int) itemSet {
	s := newItemSet()
	for c, n := range configured {
		s.addConnector(c)
		for t := range max(n, 0) {
			s.addTask(runtime.TaskID{Connector: c, Task: t})
		}
	}
	return s
}

// duplicatedItems are the items that more than one member runs.
func duplicatedItems(loads []*workerLoad) itemSet {
	connectorCount := make(map[string]int)
	taskCount := make(map[runtime.TaskID]int)
	for _, l := range loads {
		for _, c := range l.connectors {
			connectorCount[c]++
		}
		for _, t := range l.tasks {
			taskCount[t]++
		}
	}
	s := newItemSet()
	for c, n := range connectorCount {
		if n > 1 {
			s.addConnector(c)
		}
	}
	for t, n := range taskCount {
		if n > 1 {
			s.addTask(t)
		}
	}
	return s
}

func sortedConnectorNames(configured map[string]int) []string {
	names := make([]string, 0, len(configured))
	for c := range configured {
		names = append(names, c)
	}
	slices.SortFunc(names, javaCompare)
	return names
}

// itemSet is a set of connectors and tasks. The zero value is an empty, read-only set.
type itemSet struct {
	connectors map[string]struct{}
	tasks      map[runtime.TaskID]struct{}
}

func newItemSet() itemSet {
	return itemSet{connectors: map[string]struct{}{}, tasks: map[runtime.TaskID]struct{}{}}
}

func (s itemSet) isEmpty() bool                 { return len(s.connectors) == 0 && len(s.tasks) == 0 }
func (s itemSet) hasConnector(c string) bool    { _, ok := s.connectors[c]; return ok }
func (s itemSet) hasTask(t runtime.TaskID) bool { _, ok := s.tasks[t]; return ok }
func (s itemSet) addConnector(c string)         { s.connectors[c] = struct{}{} }
func (s itemSet) addTask(t runtime.TaskID)      { s.tasks[t] = struct{}{} }
func (s itemSet) clone() itemSet                { c := newItemSet(); c.addAll(s); return c }
func (s itemSet) toConnectorsAndTasks() ConnectorsAndTasks {
	return ConnectorsAndTasks{Connectors: s.sortedConnectors(), Tasks: s.sortedTasks()}
}

func (s itemSet) addAll(o itemSet) {
	for c := range o.connectors {
		s.connectors[c] = struct{}{}
	}
	for t := range o.tasks {
		s.tasks[t] = struct{}{}
	}
}

func (s itemSet) addLoad(w *workerLoad) {
	for _, c := range w.connectors {
		s.addConnector(c)
	}
	for _, t := range w.tasks {
		s.addTask(t)
	}
}

// minus returns s without the items of every other set.
func (s itemSet) minus(others ...itemSet) itemSet {
	out := newItemSet()
	for c := range s.connectors {
		if !slices.ContainsFunc(others, func(o itemSet) bool { return o.hasConnector(c) }) {
			out.addConnector(c)
		}
	}
	for t := range s.tasks {
		if !slices.ContainsFunc(others, func(o itemSet) bool { return o.hasTask(t) }) {
			out.addTask(t)
		}
	}
	return out
}

func (s itemSet) intersects(o itemSet) bool {
	for c := range s.connectors {
		if o.hasConnector(c) {
			return true
		}
	}
	for t := range s.tasks {
		if o.hasTask(t) {
			return true
		}
	}
	return false
}

func (s itemSet) sortedConnectors() []string {
	if len(s.connectors) == 0 {
		return nil
	}
	out := make([]string, 0, len(s.connectors))
	for c := range s.connectors {
		out = append(out, c)
	}
	slices.SortFunc(out, javaCompare)
	return out
}

func (s itemSet) sortedTasks() []runtime.TaskID {
	if len(s.tasks) == 0 {
		return nil
	}
	out := make([]runtime.TaskID, 0, len(s.tasks))
	for t := range s.tasks {
		out = append(out, t)
	}
	slices.SortFunc(out, compareTaskIDs)
	return out
}

// compareTaskIDs is ConnectorTaskId.compareTo: connector name, then task number.
func compareTaskIDs(x, y runtime.TaskID) int {
	if c := javaCompare(x.Connector, y.Connector); c != 0 {
		return c
	}
	switch {
	case x.Task < y.Task:
		return -1
	case x.Task > y.Task:
		return 1
	}
	return 0
}

// javaCompare orders strings as Java's String.compareTo does: by UTF-16 code unit. That is
// code point (and UTF-8 byte) order, except that a supplementary character (a surrogate pair
// in UTF-16) sorts before U+E000..U+FFFF.
func javaCompare(a, b string) int {
	if c := compareUTF16(a, b); c != 0 {
		return c
	}
	// Equal only because invalid UTF-8 decoded to U+FFFD on both sides: keep a total order.
	return strings.Compare(a, b)
}

func compareUTF16(a, b string) int {
	for len(a) > 0 && len(b) > 0 {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			if ra >= 0x10000 && rb >= 0x10000 {
				return int(ra - rb)
			}
			return int(firstUTF16Unit(ra) - firstUTF16Unit(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func firstUTF16Unit(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}
