package distributed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// This file is the worker's membership in the Connect group (Kafka's WorkerCoordinator and
// AbstractCoordinator): JoinGroup and SyncGroup with protocol type "connect", the heartbeat,
// and LeaveGroup, spoken with franz-go. kgo.Client only carries the requests: it finds the
// group coordinator for requests that name a group, and retries network errors and
// NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS itself
// (Client.Request); everything else is handled here.

// Membership is what the herder needs from group membership. *Member implements it; a fake
// can stand in for it in herder tests.
type Membership interface {
	// Join joins the group (JoinGroup, then SyncGroup) and returns this member's assignment.
	// self is this worker's URL, config offset and current allocation; its Version is ignored
	// (each offered protocol gets its own). If the coordinator elects this member leader,
	// assign is called with every member's metadata and must return every member's
	// assignment. Rejoins the coordinator asks for (MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID,
	// ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS) and coordinator or network errors are retried
	// inside Join, with backoff, until ctx ends. Other errors are returned.
	Join(ctx context.Context, self WorkerMetadata, assign AssignFunc) (Rebalance, error)
	// RejoinNeeded receives a value when this member must call Join again: the coordinator
	// answered a heartbeat with REBALANCE_IN_PROGRESS (another member joined or left),
	// ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID, heartbeats failed for a whole session timeout,
	// or RequestRejoin was called. Signals coalesce; those raised before a Join starts are
	// answered by that Join.
	RejoinNeeded() <-chan struct{}
	// RequestRejoin asks for a rebalance: it makes RejoinNeeded ready. Safe from any goroutine.
	RequestRejoin()
	// Leave sends LeaveGroup so the other members rebalance at once instead of after the
	// session timeout. The member can Join again afterwards, with a new member id.
	Leave(ctx context.Context) error
	// Close stops the heartbeat goroutine and closes the connections. It does not leave the
	// group. Join and Leave in progress return with an error.
	Close()
}

// AssignFunc computes, on the elected leader, every member's assignment. It must return an
// assignment for each member id in round.Members and no other. Version is set by Join (the
// chosen protocol's), and Leader and LeaderURL are filled in when left empty.
type AssignFunc func(ctx context.Context, round LeaderRound) (map[string]Assignment, error)

// LeaderRound is what the leader assigns from.
type LeaderRound struct {
	// LeaderID is this member's id.
	LeaderID string
	// Generation is the generation being formed.
	Generation int32
	// Protocol is the sub-protocol the coordinator chose; the assignments are written in its
	// version.
	Protocol Protocol
	// Members are every member's metadata for the chosen protocol, by member id (this member
	// included), decoded with the V1 parser: a V0 member has no Allocation.
	Members map[string]WorkerMetadata
}

// Rebalance is the outcome of a Join.
type Rebalance struct {
	MemberID   string
	LeaderID   string
	Generation int32
	Protocol   Protocol
	// Assignment is this member's assignment, decoded with the V1 parser.
	Assignment Assignment
}

// IsLeader reports whether this member leads the generation.
func (r Rebalance) IsLeader() bool { return r.MemberID == r.LeaderID }

// MembershipConfig configures a Member.
type MembershipConfig struct {
	// Seeds are the bootstrap brokers, host:port (bootstrap.servers).
	Seeds []string
	// ClientID is the Kafka client id, as in the broker's group description (Java workers use
	// "connect-<n>"). Default "connect".
	ClientID string
	// ClientOpts are further kgo options (TLS, SASL, dialer). They are applied last, so they
	// can override what the Member sets.
	ClientOpts []kgo.Opt
	// GroupID is group.id.
	GroupID string
	// ConnectProtocol is connect.protocol: "sessioned" (the default), "compatible" or "eager".
	ConnectProtocol string
	// SessionTimeout (session.timeout.ms, default 10 s), RebalanceTimeout (rebalance.timeout.ms,
	// default 60 s) and HeartbeatInterval (heartbeat.interval.ms, default 3 s), as the worker
	// configuration sets them.
	SessionTimeout, RebalanceTimeout, HeartbeatInterval time.Duration
	// RetryBackoff is the first wait before retrying a coordinator or network error
	// (retry.backoff.ms, default 100 ms); it doubles up to RetryBackoffMax
	// (retry.backoff.max.ms, default 1 s).
	RetryBackoff, RetryBackoffMax time.Duration
	// Logger receives membership events; kgo's own log goes to it at Debug. Default: none.
	Logger hclog.Logger
}

// Member is one worker's membership in the Connect group. Join and Leave are meant to be
// called from one goroutine (the herder loop; they serialise anyway). A goroutine owned by
// the Member heartbeats while the member is in a generation, until Close.
type Member struct {
	cfg       MembershipConfig
	protocols []Protocol
	client    *kgo.Client
	log       hclog.Logger

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once

	rejoin chan struct{} // cap 1: RejoinNeeded
	kick   chan struct{} // cap 1: restart the heartbeat timer after a join

	joinMu sync.Mutex // one Join or Leave at a time

	mu            sync.Mutex
	memberID      string // "" until the coordinator gives one
	generation    int32  // -1 outside a generation
	stable        bool   // joined and synced: heartbeats run
	lastHeartbeat time.Time
}

var _ Membership = (*Member)(nil)

// Defaults of the worker configuration (DistributedConfig).
const (
	defaultSessionTimeout    = 10 * time.Second
	defaultRebalanceTimeout  = 60 * time.Second
	defaultHeartbeatInterval = 3 * time.Second
	defaultRetryBackoff      = 100 * time.Millisecond
	defaultRetryBackoffMax   = time.Second
)

// NewMember creates the member's Kafka client and starts its heartbeat goroutine. It does
// not contact Kafka: Join does.
func NewMember(cfg MembershipConfig) (*Member, error) {
	if cfg.GroupID == "" {
		return nil, errors.New("group membership: no group id")
	}
	if len(cfg.Seeds) == 0 {
		return nil, errors.New("group membership: no bootstrap servers")
	}
	if cfg.ConnectProtocol == "" {
		cfg.ConnectProtocol = "sessioned"
	}
	protocols, err := OfferedProtocols(cfg.ConnectProtocol)
	if err != nil {
		return nil, fmt.Errorf("group membership: %w", err)
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "connect"
	}
	setDefault := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	setDefault(&cfg.SessionTimeout, defaultSessionTimeout)
	setDefault(&cfg.RebalanceTimeout, defaultRebalanceTimeout)
	setDefault(&cfg.HeartbeatInterval, defaultHeartbeatInterval)
	setDefault(&cfg.RetryBackoff, defaultRetryBackoff)
	setDefault(&cfg.RetryBackoffMax, defaultRetryBackoffMax)
	if cfg.HeartbeatInterval >= cfg.SessionTimeout {
		return nil, fmt.Errorf("group membership: the heartbeat interval (%v) must be lower than the session timeout (%v)", cfg.HeartbeatInterval, cfg.SessionTimeout)
	}
	log := cfg.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}

	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Seeds...),
		kgo.ClientID(cfg.ClientID),
		kgo.WithLogger(kgoLogger{log.Named("kgo")}),
		// kgo's defaults assume its own consumer group (45 s session): bound retries by ours.
		kgo.RetryTimeoutFn(func(key int16) time.Duration {
			switch key {
			case kmsg.JoinGroup.Int16(), kmsg.SyncGroup.Int16():
				return cfg.RebalanceTimeout
			case kmsg.Heartbeat.Int16():
				return cfg.HeartbeatInterval
			}
			return 30 * time.Second
		}),
	}
	client, err := kgo.NewClient(append(opts, cfg.ClientOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("group membership: Kafka client: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Member{
		cfg:        cfg,
		protocols:  protocols,
		client:     client,
		log:        log,
		ctx:        ctx,
		cancel:     cancel,
		rejoin:     make(chan struct{}, 1),
		kick:       make(chan struct{}, 1),
		generation: -1,
	}
	m.wg.Add(1)
	go m.heartbeatLoop()
	return m, nil
}

// RejoinNeeded implements Membership.
func (m *Member) RejoinNeeded() <-chan struct{} { return m.rejoin }

// RequestRejoin implements Membership.
func (m *Member) RequestRejoin() { m.signalRejoin() }

func (m *Member) signalRejoin() {
	select {
	case m.rejoin <- struct{}{}:
	default:
	}
}

// Close implements Membership.
func (m *Member) Close() {
	m.closed.Do(func() {
		m.cancel()
		m.wg.Wait()
		m.client.Close()
	})
}

// Join implements Membership.
func (m *Member) Join(ctx context.Context, self WorkerMetadata, assign AssignFunc) (Rebalance, error) {
	m.joinMu.Lock()
	defer m.joinMu.Unlock()
	if m.ctx.Err() != nil {
		return Rebalance{}, fmt.Errorf("join group %q: the member is closed", m.cfg.GroupID)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(m.ctx, cancel)()

	m.mu.Lock()
	m.stable = false
	m.mu.Unlock()
	select { // this join answers the rejoins asked for so far
	case <-m.rejoin:
	default:
	}

	protocols := make([]kmsg.JoinGroupRequestProtocol, 0, len(m.protocols))
	for _, p := range m.protocols {
		md := self
		md.Version = p.Version()
		b, err := EncodeMetadata(md)
		if err != nil {
			return Rebalance{}, fmt.Errorf("join group %q: %w", m.cfg.GroupID, err)
		}
		jp := kmsg.NewJoinGroupRequestProtocol()
		jp.Name = string(p)
		jp.Metadata = b
		protocols = append(protocols, jp)
	}

	backoff := m.cfg.RetryBackoff
	retry := func(why string, err error) error {
		m.log.Debug("retrying group join", "group", m.cfg.GroupID, "step", why, "error", err, "backoff", backoff)
		t := time.NewTimer(backoff)
		defer t.Stop()
		backoff = min(2*backoff, m.cfg.RetryBackoffMax)
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("join group %q: %w (last error: %w)", m.cfg.GroupID, context.Cause(ctx), err)
		}
	}

	for {
		if err := ctx.Err(); err != nil {
			return Rebalance{}, fmt.Errorf("join group %q: %w", m.cfg.GroupID, err)
		}
		rb, again, err := m.joinOnce(ctx, protocols, self, assign)
		if err == nil {
			return rb, nil
		}
		switch {
		case ctx.Err() != nil:
			return Rebalance{}, fmt.Errorf("join group %q: %w", m.cfg.GroupID, ctx.Err())
		case again == rejoinNow:
			m.log.Debug("rejoining group", "group", m.cfg.GroupID, "reason", err)
		case again == rejoinAfterBackoff:
			if werr := retry("join", err); werr != nil {
				return Rebalance{}, werr
			}
		default:
			return Rebalance{}, err
		}
	}
}

// How joinOnce's caller continues after an error.
type joinRetry int

const (
	joinFatal          joinRetry = iota // return the error
	rejoinNow                           // the coordinator asked for it: rejoin at once
	rejoinAfterBackoff                  // coordinator or network trouble: wait, then rejoin
)

// classify maps a group error code to how Join continues, and forgets the member id or
// generation where the coordinator no longer knows them.
func (m *Member) classify(err error) joinRetry {
	switch {
	case errors.Is(err, kerr.UnknownMemberID), errors.Is(err, kerr.FencedInstanceID):
		m.setMember("", -1)
		return rejoinNow
	case errors.Is(err, kerr.IllegalGeneration), errors.Is(err, kerr.RebalanceInProgress):
		return rejoinNow
	case errors.Is(err, kerr.NotCoordinator), errors.Is(err, kerr.CoordinatorNotAvailable),
		errors.Is(err, kerr.CoordinatorLoadInProgress):
		return rejoinAfterBackoff
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return joinFatal // INCONSISTENT_GROUP_PROTOCOL, GROUP_AUTHORIZATION_FAILED, INVALID_SESSION_TIMEOUT, …
	}
	return rejoinAfterBackoff // transport errors kgo gave up on
}

func (m *Member) setMember(id string, generation int32) {
	m.mu.Lock()
	m.memberID, m.generation = id, generation
	m.mu.Unlock()
}

// joinOnce is one JoinGroup + SyncGroup round.
func (m *Member) joinOnce(ctx context.Context, protocols []kmsg.JoinGroupRequestProtocol, self WorkerMetadata, assign AssignFunc) (Rebalance, joinRetry, error) {
	m.mu.Lock()
	memberID := m.memberID
	m.mu.Unlock()

	join := kmsg.NewPtrJoinGroupRequest()
	join.Group = m.cfg.GroupID
	join.SessionTimeoutMillis = int32(m.cfg.SessionTimeout.Milliseconds())
	join.RebalanceTimeoutMillis = int32(m.cfg.RebalanceTimeout.Milliseconds())
	join.MemberID = memberID
	join.ProtocolType = ConnectProtocolType
	join.Protocols = protocols
	jr, err := join.RequestWith(ctx, m.client)
	if err != nil {
		return Rebalance{}, m.classify(err), fmt.Errorf("join group %q: JoinGroup: %w", m.cfg.GroupID, err)
	}
	if err := kerr.ErrorForCode(jr.ErrorCode); err != nil {
		if errors.Is(err, kerr.MemberIDRequired) { // KIP-394: rejoin with the id we were given
			m.setMember(jr.MemberID, -1)
			return Rebalance{}, rejoinNow, fmt.Errorf("join group %q: JoinGroup: %w", m.cfg.GroupID, err)
		}
		return Rebalance{}, m.classify(err), fmt.Errorf("join group %q: JoinGroup: %w", m.cfg.GroupID, err)
	}
	m.setMember(jr.MemberID, jr.Generation)
	if jr.SkipAssignment {
		return Rebalance{}, joinFatal, fmt.Errorf("join group %q: the coordinator asked the leader to skip assignment, which only static membership does; Connect does not support it", m.cfg.GroupID)
	}
	var chosen Protocol
	if jr.Protocol != nil {
		chosen = Protocol(*jr.Protocol)
	}
	if !slices.Contains(m.protocols, chosen) {
		return Rebalance{}, joinFatal, fmt.Errorf("join group %q: the coordinator chose protocol %q, which this worker did not offer", m.cfg.GroupID, chosen)
	}
	leader := jr.LeaderID == jr.MemberID
	m.log.Debug("joined group", "group", m.cfg.GroupID, "member_id", jr.MemberID, "generation", jr.Generation,
		"protocol", chosen, "leader", leader)

	var plan []kmsg.SyncGroupRequestGroupAssignment
	if leader {
		plan, err = m.leaderAssign(ctx, jr, chosen, self, assign)
		if err != nil {
			return Rebalance{}, joinFatal, fmt.Errorf("join group %q as leader of generation %d: %w", m.cfg.GroupID, jr.Generation, err)
		}
	}

	sync := kmsg.NewPtrSyncGroupRequest()
	sync.Group = m.cfg.GroupID
	sync.Generation = jr.Generation
	sync.MemberID = jr.MemberID
	sync.ProtocolType = kmsg.StringPtr(ConnectProtocolType)
	sync.Protocol = kmsg.StringPtr(string(chosen))
	sync.GroupAssignment = plan
	sr, err := sync.RequestWith(ctx, m.client)
	if err != nil {
		return Rebalance{}, m.classify(err), fmt.Errorf("join group %q: SyncGroup: %w", m.cfg.GroupID, err)
	}
	if err := kerr.ErrorForCode(sr.ErrorCode); err != nil {
		return Rebalance{}, m.classify(err), fmt.Errorf("join group %q: SyncGroup: %w", m.cfg.GroupID, err)
	}
	a, err := DecodeAssignment(sr.MemberAssignment)
	if err != nil {
		return Rebalance{}, joinFatal, fmt.Errorf("join group %q: the assignment from leader %s: %w", m.cfg.GroupID, jr.LeaderID, err)
	}

	m.mu.Lock()
	m.stable = true
	m.lastHeartbeat = time.Now()
	m.mu.Unlock()
	select { // the next heartbeat is one interval from now
	case m.kick <- struct{}{}:
	default:
	}
	m.log.Info("joined group", "group", m.cfg.GroupID, "member_id", jr.MemberID, "generation", jr.Generation,
		"protocol", chosen, "leader_id", jr.LeaderID, "leader_url", a.LeaderURL)
	return Rebalance{
		MemberID:   jr.MemberID,
		LeaderID:   jr.LeaderID,
		Generation: jr.Generation,
		Protocol:   chosen,
		Assignment: a,
	}, 0, nil
}

// leaderAssign decodes the members' metadata, calls assign and encodes its answer.
func (m *Member) leaderAssign(ctx context.Context, jr *kmsg.JoinGroupResponse, chosen Protocol, self WorkerMetadata, assign AssignFunc) ([]kmsg.SyncGroupRequestGroupAssignment, error) {
	if assign == nil {
		return nil, errors.New("elected leader but no assign function was given")
	}
	round := LeaderRound{
		LeaderID:   jr.MemberID,
		Generation: jr.Generation,
		Protocol:   chosen,
		Members:    make(map[string]WorkerMetadata, len(jr.Members)),
	}
	for _, mem := range jr.Members {
		md, err := DecodeMetadata(mem.ProtocolMetadata)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", mem.MemberID, err)
		}
		round.Members[mem.MemberID] = md
	}
	leaderURL := self.URL
	if md, ok := round.Members[jr.MemberID]; ok {
		leaderURL = md.URL
	}
	assignments, err := assign(ctx, round)
	if err != nil {
		return nil, fmt.Errorf("assign: %w", err)
	}
	plan := make([]kmsg.SyncGroupRequestGroupAssignment, 0, len(round.Members))
	for _, mem := range jr.Members {
		a, ok := assignments[mem.MemberID]
		if !ok {
			return nil, fmt.Errorf("assign returned no assignment for member %s", mem.MemberID)
		}
		a.Version = chosen.Version()
		if a.Leader == "" {
			a.Leader = jr.MemberID
		}
		if a.LeaderURL == "" {
			a.LeaderURL = leaderURL
		}
		b, err := EncodeAssignment(a)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", mem.MemberID, err)
		}
		ga := kmsg.NewSyncGroupRequestGroupAssignment()
		ga.MemberID = mem.MemberID
		ga.MemberAssignment = b
		plan = append(plan, ga)
	}
	for id := range assignments {
		if _, ok := round.Members[id]; !ok {
			return nil, fmt.Errorf("assign returned an assignment for %s, which is not a member", id)
		}
	}
	return plan, nil
}

// Leave implements Membership.
func (m *Member) Leave(ctx context.Context) error {
	m.joinMu.Lock()
	defer m.joinMu.Unlock()
	m.mu.Lock()
	id := m.memberID
	m.memberID, m.generation, m.stable = "", -1, false
	m.mu.Unlock()
	if id == "" {
		return nil
	}
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group = m.cfg.GroupID
	req.MemberID = id // v0-v2
	lm := kmsg.NewLeaveGroupRequestMember()
	lm.MemberID = id
	lm.Reason = kmsg.StringPtr("the worker is stopping")
	req.Members = append(req.Members, lm) // v3+
	resp, err := req.RequestWith(ctx, m.client)
	if err != nil {
		return fmt.Errorf("leave group %q as %s: %w", m.cfg.GroupID, id, err)
	}
	leaveErr := func(code int16) error {
		if err := kerr.ErrorForCode(code); err != nil && !errors.Is(err, kerr.UnknownMemberID) {
			return fmt.Errorf("leave group %q as %s: %w", m.cfg.GroupID, id, err)
		}
		return nil // UNKNOWN_MEMBER_ID: the coordinator already dropped us
	}
	if err := leaveErr(resp.ErrorCode); err != nil {
		return err
	}
	for _, rm := range resp.Members {
		if err := leaveErr(rm.ErrorCode); err != nil {
			return err
		}
	}
	m.log.Info("left group", "group", m.cfg.GroupID, "member_id", id)
	return nil
}

// heartbeatLoop heartbeats every HeartbeatInterval while the member is in a generation.
func (m *Member) heartbeatLoop() {
	defer m.wg.Done()
	t := time.NewTimer(m.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-m.kick:
			t.Reset(m.cfg.HeartbeatInterval)
			continue
		case <-t.C:
		}
		m.heartbeat()
		t.Reset(m.cfg.HeartbeatInterval)
	}
}

func (m *Member) heartbeat() {
	m.mu.Lock()
	id, gen, stable := m.memberID, m.generation, m.stable
	m.mu.Unlock()
	if !stable {
		return
	}
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.SessionTimeout)
	defer cancel()
	req := kmsg.NewPtrHeartbeatRequest()
	req.Group = m.cfg.GroupID
	req.Generation = gen
	req.MemberID = id
	resp, err := req.RequestWith(ctx, m.client)
	if m.ctx.Err() != nil {
		return
	}
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.stable || m.memberID != id || m.generation != gen {
		return // a join or leave started meanwhile: this answer is about the old generation
	}
	switch {
	case err == nil:
		m.lastHeartbeat = time.Now()
	case errors.Is(err, kerr.RebalanceInProgress):
		m.lastHeartbeat = time.Now()
		m.log.Debug("the group is rebalancing: rejoin needed", "group", m.cfg.GroupID, "generation", gen)
		m.signalRejoin()
	case errors.Is(err, kerr.IllegalGeneration):
		m.stable = false
		m.log.Info("generation is no longer valid: rejoin needed", "group", m.cfg.GroupID, "generation", gen)
		m.signalRejoin()
	case errors.Is(err, kerr.UnknownMemberID), errors.Is(err, kerr.FencedInstanceID):
		m.stable = false
		m.memberID, m.generation = "", -1
		m.log.Info("the coordinator no longer knows this member: rejoin needed", "group", m.cfg.GroupID, "member_id", id, "error", err)
		m.signalRejoin()
	default: // kgo already retried coordinator and network errors for one interval
		if since := time.Since(m.lastHeartbeat); since >= m.cfg.SessionTimeout {
			m.stable = false
			m.log.Warn("heartbeats failed for a whole session timeout: rejoin needed", "group", m.cfg.GroupID, "since", since, "error", err)
			m.signalRejoin()
		} else {
			m.log.Debug("heartbeat failed", "group", m.cfg.GroupID, "error", err)
		}
	}
}

// kgoLogger passes kgo's log to hclog at Debug (kgo logs connection churn at Warn/Error that
// the membership code already handles).
type kgoLogger struct{ log hclog.Logger }

func (l kgoLogger) Level() kgo.LogLevel {
	if l.log.IsDebug() {
		return kgo.LogLevelDebug
	}
	return kgo.LogLevelNone
}

func (l kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	l.log.Debug(msg, append(keyvals, "kgo_level", level.String())...)
}
