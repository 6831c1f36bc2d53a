package distributed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/runtime"
)

// leaderInfo is what REST calls need to know about the current generation. It is replaced
// whole (an atomic pointer) by the loop after each rebalance.
type leaderInfo struct {
	memberID   string
	leaderID   string
	leaderURL  string
	generation int32
	// owners maps connector names and task ids to the URL of the worker running them, as
	// the leader assigned them (Kafka's LeaderState); empty on followers.
	connectorOwners map[string]string
	taskOwners      map[runtime.TaskID]string
	// mine is a copy of what this worker was assigned.
	mine allocation
}

func (l *leaderInfo) isLeader() bool { return l != nil && l.memberID != "" && l.memberID == l.leaderID }

func (l *leaderInfo) ownsConnector(name string) bool  { return l != nil && l.mine.connectors[name] }
func (l *leaderInfo) ownsTask(id runtime.TaskID) bool { return l != nil && l.mine.tasks[id] }

func (l *leaderInfo) connectorOwner(name string) string {
	if l == nil {
		return ""
	}
	return l.connectorOwners[name]
}

func (l *leaderInfo) taskOwner(id runtime.TaskID) string {
	if l == nil {
		return ""
	}
	return l.taskOwners[id]
}

// notLeader is the error of a leader-only request on a follower: REST forwards it.
func (h *Herder) notLeader() error {
	li := h.leader.Load()
	url := ""
	if li != nil {
		url = li.leaderURL
	}
	return &runtime.RequestTargetError{Message: "Cannot complete request because this worker is not the leader", TargetURL: url}
}

// requireLeader returns nil on the leader, the forwarding error elsewhere.
func (h *Herder) requireLeader() error {
	if h.leader.Load().isLeader() {
		return nil
	}
	return h.notLeader()
}

// allocation is what this worker runs, by assignment.
type allocation struct {
	connectors map[string]bool
	tasks      map[runtime.TaskID]bool
}

func newAllocation() allocation {
	return allocation{connectors: map[string]bool{}, tasks: map[runtime.TaskID]bool{}}
}

func (a allocation) clone() allocation {
	c := newAllocation()
	for k := range a.connectors {
		c.connectors[k] = true
	}
	for k := range a.tasks {
		c.tasks[k] = true
	}
	return c
}

func (a allocation) asAssignment() *Assignment {
	out := &Assignment{}
	for c := range a.connectors {
		out.Connectors = append(out.Connectors, c)
	}
	for t := range a.tasks {
		out.Tasks = append(out.Tasks, t)
	}
	sort.Strings(out.Connectors)
	sort.Slice(out.Tasks, func(i, j int) bool { return taskLess(out.Tasks[i], out.Tasks[j]) })
	return out
}

func taskLess(a, b runtime.TaskID) bool {
	if a.Connector != b.Connector {
		return a.Connector < b.Connector
	}
	return a.Task < b.Task
}

// shape is what a rebalance depends on: every connector and its committed task count.
func shapeOf(s *snapshot) map[string]int {
	out := make(map[string]int, len(s.configs))
	for name := range s.configs {
		out[name] = len(s.tasks[name])
	}
	return out
}

func sameShape(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// rebalance joins the group, applies this worker's assignment and, on the leader, cleans up
// statuses. It returns with h.needJoin set when another round is needed at once.
func (h *Herder) rebalance(ctx context.Context) error {
	h.needJoin = false
	h.assignedShape = nil
	snap := h.stores.snapshot()
	self := WorkerMetadata{URL: h.w.Config().AdvertisedURL(), ConfigOffset: snap.offset, Allocation: h.alloc.asAssignment()}
	rb, err := h.member.Join(ctx, self, h.assign)
	if errors.Is(err, errMixedGroup) {
		// Leave, so a Java member can lead, and come back later.
		if lerr := h.member.Leave(ctx); lerr != nil {
			h.log.Warn("leaving the group failed", "error", lerr)
		}
		h.scheduleRejoin(mixedGroupBackoff)
		h.mixedUntil = time.Now().Add(mixedGroupBackoff)
		return nil
	}
	if err != nil {
		h.needJoin = true
		return fmt.Errorf("joining the group: %w", err)
	}
	if !rb.IsLeader() {
		if foreign := h.foreignMembers(ctx); len(foreign) > 0 {
			h.log.Error("the group has members that are not Tributary workers; mixed Tributary/Apache Kafka Connect clusters are not supported", "foreign_members", strings.Join(foreign, ", "))
		}
	}
	a := rb.Assignment
	h.protocol = rb.Protocol
	h.protocolV.Store(int32(rb.Protocol.Version()))
	h.generation = int(rb.Generation)
	if a.Failed() {
		// CONFIG_MISMATCH: the leader was behind some member; everyone reads to the end.
		h.log.Info("assignment failed: config mismatch; reading the config topic and rejoining", "generation", rb.Generation)
		if err := h.syncConfig(ctx); err != nil {
			h.log.Warn("reading the config topic failed", "error", err)
		}
		h.needJoin = true
		return nil
	}
	if h.stores.snapshot().offset < a.ConfigOffset {
		if err := h.syncConfig(ctx); err != nil || h.stores.snapshot().offset < a.ConfigOffset {
			h.log.Warn("this worker is behind the leader's config offset; rejoining", "want", a.ConfigOffset, "error", err)
			h.needJoin = true
			return nil
		}
	}

	revokedConnectors, revokedTasks := a.RevokedConnectors, a.RevokedTasks
	if !rb.Protocol.Cooperative() {
		// Eager: the assignment is everything this worker runs; stop what it no longer has.
		keepC, keepT := map[string]bool{}, map[runtime.TaskID]bool{}
		for _, c := range a.Connectors {
			keepC[c] = true
		}
		for _, t := range a.Tasks {
			keepT[t] = true
		}
		revokedConnectors, revokedTasks = nil, nil
		for c := range h.alloc.connectors {
			if !keepC[c] {
				revokedConnectors = append(revokedConnectors, c)
			}
		}
		for t := range h.alloc.tasks {
			if !keepT[t] {
				revokedTasks = append(revokedTasks, t)
			}
		}
	}
	// Revocations of work this worker does not run are ignored (the assignor may send them).
	for _, t := range revokedTasks {
		delete(h.alloc.tasks, t)
	}
	for _, c := range revokedConnectors {
		delete(h.alloc.connectors, c)
	}
	for _, c := range a.Connectors {
		h.alloc.connectors[c] = true
	}
	for _, t := range a.Tasks {
		h.alloc.tasks[t] = true
	}
	li := &leaderInfo{memberID: rb.MemberID, leaderID: a.Leader, leaderURL: a.LeaderURL, generation: rb.Generation, mine: h.alloc.clone()}
	if rb.IsLeader() {
		li.connectorOwners, li.taskOwners = h.lastOwners.connectors, h.lastOwners.tasks
	}
	h.leader.Store(li)
	// The shape this round placed: on the leader, that of the snapshot it assigned from. A
	// fresh snapshot could hold a connector created since, which this round did not place,
	// and its wake would then compare equal and never start it.
	if rb.IsLeader() && h.assignedShape != nil {
		h.lastShape = h.assignedShape
	} else {
		h.lastShape = shapeOf(h.stores.snapshot())
	}
	h.lastCompletedGen = int(rb.Generation)
	h.log.Info("rebalance completed", "generation", rb.Generation, "protocol", rb.Protocol, "leader", a.LeaderURL,
		"assigned_connectors", len(a.Connectors), "assigned_tasks", len(a.Tasks),
		"revoked_connectors", len(revokedConnectors), "revoked_tasks", len(revokedTasks), "delay_ms", a.Delay)
	if len(revokedConnectors)+len(revokedTasks) > 0 && rb.Protocol.Cooperative() {
		h.needJoin = true // freed work is placed in a follow-up round
	}
	if a.Delay > 0 {
		h.scheduleRejoin(time.Duration(a.Delay) * time.Millisecond)
	}
	h.reconcile(ctx)
	if rb.IsLeader() {
		h.leaderAfterAssign(ctx)
		h.ensureSessionKey(ctx)
	}
	if !h.ready.Load() {
		h.ready.Store(true)
		close(h.started)
	}
	return nil
}

// syncConfig reads the config topic to the end within worker.sync.timeout.ms.
func (h *Herder) syncConfig(ctx context.Context) error {
	timeout := time.Duration(h.w.Config().Values.Int("worker.sync.timeout.ms")) * time.Millisecond
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return h.stores.readToEnd(ctx)
}

func (h *Herder) scheduleRejoin(d time.Duration) {
	if h.rejoinTimer != nil {
		h.rejoinTimer.Stop()
	}
	h.rejoinTimer = time.NewTimer(d)
}

// owners is the leader's view of where everything runs after its last assignment.
type owners struct {
	connectors map[string]string
	tasks      map[runtime.TaskID]string
	// unassigned are configured tasks and connectors no member runs (held during a delay).
	unassignedConnectors []string
	unassignedTasks      []runtime.TaskID
}

// errMixedGroup is the leader's refusal to assign a group that has Apache Kafka Connect
// members: they could be handed connectors only they can run, and ours theirs.
var errMixedGroup = errors.New("the group has Apache Kafka Connect members; mixed clusters are not supported")

// mixedGroupBackoff is how long a worker that refused to lead waits before rejoining, so a
// Java member can lead in the meantime.
const mixedGroupBackoff = 30 * time.Second

// foreignMembers lists the group's members that are not Tributary workers, by client id.
func (h *Herder) foreignMembers(ctx context.Context) []string {
	d, ok := h.member.(MemberDescriber)
	if !ok {
		return nil
	}
	members, err := d.DescribeMembers(ctx)
	if err != nil {
		h.log.Debug("describing the group failed", "error", err)
		return nil
	}
	var out []string
	for id, client := range members {
		if !strings.HasPrefix(client, "tributary-") {
			out = append(out, client+" ("+id+")")
		}
	}
	sort.Strings(out)
	return out
}

// assign runs on the elected leader, inside Join (so on the loop goroutine).
func (h *Herder) assign(ctx context.Context, round LeaderRound) (map[string]Assignment, error) {
	if foreign := h.foreignMembers(ctx); len(foreign) > 0 {
		h.log.Error("refusing to lead: the group has members that are not Tributary workers; mixed Tributary/Apache Kafka Connect clusters are not supported (migrate with a cutover: stop one cluster, then start the other on the same group and topics)",
			"foreign_members", strings.Join(foreign, ", "))
		return nil, errMixedGroup
	}
	if err := h.syncConfig(ctx); err != nil {
		h.log.Warn("leader could not read the config topic to the end", "error", err)
	}
	snap := h.stores.snapshot()
	h.assignedShape = shapeOf(snap)
	var maxOffset int64 = -1
	for _, md := range round.Members {
		maxOffset = max(maxOffset, md.ConfigOffset)
	}
	out := make(map[string]Assignment, len(round.Members))
	leaderURL := round.Members[round.LeaderID].URL
	if snap.offset < maxOffset {
		h.log.Warn("leader is behind a member's config offset: asking everyone to read to the end", "leader_offset", snap.offset, "max_offset", maxOffset)
		for id := range round.Members {
			out[id] = Assignment{Error: AssignmentConfigMismatch, Leader: round.LeaderID, LeaderURL: leaderURL, ConfigOffset: maxOffset}
		}
		return out, nil
	}
	configured := shapeOf(snap)
	ids := make([]string, 0, len(round.Members))
	for id := range round.Members {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	own := owners{connectors: map[string]string{}, tasks: map[runtime.TaskID]string{}}
	if !round.Protocol.Cooperative() {
		for id, ct := range EagerAssign(ids, configured) {
			out[id] = Assignment{Leader: round.LeaderID, LeaderURL: leaderURL, ConfigOffset: snap.offset, Connectors: ct.Connectors, Tasks: ct.Tasks}
			own.record(ct, round.Members[id].URL)
		}
	} else {
		members := make([]MemberState, 0, len(ids))
		for _, id := range ids {
			md := round.Members[id]
			ms := MemberState{ID: id, URL: md.URL}
			if md.Allocation != nil {
				ms.Allocation = ConnectorsAndTasks{Connectors: md.Allocation.Connectors, Tasks: md.Allocation.Tasks}
			}
			members = append(members, ms)
		}
		res := h.assignor.Assign(members, configured, int(round.Generation), h.lastCompletedGen)
		for _, id := range ids {
			as, rv := res.Assigned[id], res.Revoked[id]
			out[id] = Assignment{
				Leader: round.LeaderID, LeaderURL: leaderURL, ConfigOffset: snap.offset,
				Connectors: as.Connectors, Tasks: as.Tasks, RevokedConnectors: rv.Connectors, RevokedTasks: rv.Tasks,
				Delay: int32(res.Delay / time.Millisecond),
			}
			own.record(res.AllAssigned[id], round.Members[id].URL)
		}
	}
	for name, n := range configured {
		if _, ok := own.connectors[name]; !ok {
			own.unassignedConnectors = append(own.unassignedConnectors, name)
		}
		for i := 0; i < n; i++ {
			if id := (runtime.TaskID{Connector: name, Task: i}); own.tasks[id] == "" {
				own.unassignedTasks = append(own.unassignedTasks, id)
			}
		}
	}
	h.lastOwners = own
	return out, nil
}

func (o *owners) record(ct ConnectorsAndTasks, url string) {
	for _, c := range ct.Connectors {
		o.connectors[c] = url
	}
	for _, t := range ct.Tasks {
		o.tasks[t] = url
	}
}

// leaderAfterAssign writes what only the leader knows: work no member runs (a departed
// worker's, held during the scheduled delay) is UNASSIGNED, with this generation, so the
// status no longer names the dead worker.
func (h *Herder) leaderAfterAssign(context.Context) {
	for _, c := range h.lastOwners.unassignedConnectors {
		if st, ok := h.stores.connectorStatus(c); ok && st.State != runtime.StateUnassigned && st.WorkerID != h.workerID {
			h.putConnectorStatus(c, runtime.StateUnassigned, "", true)
		}
	}
	for _, t := range h.lastOwners.unassignedTasks {
		for _, st := range h.stores.taskStatuses(t.Connector) {
			if st.ID == t.Task && st.State != runtime.StateUnassigned && st.WorkerID != h.workerID {
				h.putTaskStatus(t, runtime.StateUnassigned, "", true)
			}
		}
	}
}

// writeTaskConfigs stores a connector's new task configs: the leader writes them to the
// config topic; any other worker POSTs them to the leader's internal endpoint
// (POST /connectors/{c}/tasks), as Kafka's workers do.
func (h *Herder) writeTaskConfigs(ctx context.Context, name string, cfgs []map[string]string) error {
	li := h.leader.Load()
	if li.isLeader() {
		return h.stores.putTaskConfigs(ctx, name, cfgs)
	}
	if li == nil || li.leaderURL == "" {
		return fmt.Errorf("no known leader to write task configs of %s", name)
	}
	body, err := json.Marshal(cfgs)
	if err != nil {
		return err
	}
	u := strings.TrimSuffix(li.leaderURL, "/") + "/connectors/" + url.PathEscape(name) + "/tasks?forward=true"
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	for k, v := range h.sign(body) {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("sending task configs of %s to the leader: %w", name, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("the leader refused task configs of %s: %s %s", name, resp.Status, msg)
	}
	return nil
}

// newMember builds the group membership from the worker configuration: bootstrap.servers,
// group.id, connect.protocol and the session, rebalance and heartbeat timeouts. The client
// id is "tributary-<worker id>", so a group description tells Tributary workers from Java
// ones ("connect-…").
func newMember(wc *runtime.WorkerConfig, log hclog.Logger) (*Member, error) {
	v := wc.Values
	ms := func(key string) time.Duration { return time.Duration(v.Int(key)) * time.Millisecond }
	if p := v.String(runtime.KeySecurityProtocol); !strings.EqualFold(p, "PLAINTEXT") {
		return nil, fmt.Errorf("group membership over %s is not supported yet; use PLAINTEXT", p)
	}
	return NewMember(MembershipConfig{
		Seeds: v.List(runtime.KeyBootstrapServers), ClientID: "tributary-" + wc.WorkerID(),
		GroupID: v.String(runtime.KeyGroupID), ConnectProtocol: v.String(runtime.KeyConnectProtocol),
		SessionTimeout: ms("session.timeout.ms"), RebalanceTimeout: ms("rebalance.timeout.ms"), HeartbeatInterval: ms("heartbeat.interval.ms"),
		RetryBackoff: time.Duration(v.Long("retry.backoff.ms")) * time.Millisecond, RetryBackoffMax: time.Duration(v.Long("retry.backoff.max.ms")) * time.Millisecond,
		Logger: log,
	})
}
