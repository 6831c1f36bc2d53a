package distributed

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/tributary-connect/tributary/runtime"
)

// This file is the Connect group protocol's wire format: the member metadata a worker sends
// in JoinGroup and the assignment the leader hands out in SyncGroup, byte for byte as Kafka's
// ConnectProtocol (V0) and IncrementalCooperativeConnectProtocol (V1, V2) write them
// (../shared/reference/connect-runtime.md §5.2). kmsg.ConnectMemberAssignment cannot be used:
// it declares task ids as int16 where Kafka writes INT32, and its arrays are not nullable.
// testdata/protocol/*.golden hold what the Java classes produce; see testdata/java/README.md.

// ConnectProtocolType is the JoinGroup protocol type of Kafka Connect workers.
const ConnectProtocolType = "connect"

// Protocol is one of the sub-protocols a worker offers in JoinGroup.
type Protocol string

// The Connect sub-protocols (ConnectProtocolCompatibility).
const (
	// ProtocolSessioned is incremental cooperative rebalancing with KIP-507 request signing
	// (metadata and assignment V2).
	ProtocolSessioned Protocol = "sessioned"
	// ProtocolCompatible is incremental cooperative rebalancing (V1).
	ProtocolCompatible Protocol = "compatible"
	// ProtocolDefault is eager rebalancing (V0): connect.protocol=eager.
	ProtocolDefault Protocol = "default"
)

// Version is the metadata and assignment version the protocol writes: 2, 1 or 0. An unknown
// protocol gives -1.
func (p Protocol) Version() int16 {
	switch p {
	case ProtocolSessioned:
		return 2
	case ProtocolCompatible:
		return 1
	case ProtocolDefault:
		return 0
	}
	return -1
}

// Cooperative reports whether the protocol is incremental cooperative (V1 or V2): members keep
// running their work through a rebalance, and assignments list only what changes.
func (p Protocol) Cooperative() bool { return p.Version() >= 1 }

// OfferedProtocols returns the protocols a worker with the given connect.protocol setting
// ("sessioned", "compatible" or "eager", case-insensitive as Kafka's ConnectProtocolCompatibility
// compares) offers in JoinGroup, most preferred first.
func OfferedProtocols(connectProtocol string) ([]Protocol, error) {
	switch lowerASCII(connectProtocol) {
	case "sessioned":
		return []Protocol{ProtocolSessioned, ProtocolCompatible, ProtocolDefault}, nil
	case "compatible":
		return []Protocol{ProtocolCompatible, ProtocolDefault}, nil
	case "eager":
		return []Protocol{ProtocolDefault}, nil
	}
	return nil, fmt.Errorf("Unknown Connect protocol compatibility mode: %s", connectProtocol)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// The assignment error codes (ConnectProtocol.Assignment).
const (
	// AssignmentNoError: the assignment can be used.
	AssignmentNoError int16 = 0
	// AssignmentConfigMismatch: the leader could not catch up with the members' config offsets.
	// Every member gets it, with nothing assigned, reads the config topic to the end and rejoins.
	AssignmentConfigMismatch int16 = 1
)

// connectorTask is the task id that stands for the connector instance itself.
const connectorTask int32 = -1

// WorkerMetadata is a worker's JoinGroup member metadata (Connect's WorkerState and
// ExtendedWorkerState).
type WorkerMetadata struct {
	// Version is 0 (default), 1 (compatible) or 2 (sessioned). Decoding keeps what was read,
	// which may be higher.
	Version int16
	// URL is the worker's advertised REST URL, e.g. "http://10.0.0.5:8083/".
	URL string
	// ConfigOffset is the worker's position in the config topic (-1 before it read anything).
	ConfigOffset int64
	// Allocation is what the worker runs now: its last assignment with Connectors and Tasks
	// holding the whole running set. Only V1 and V2 carry it; nil is null (nothing). When
	// encoding it is written with the metadata's version, as Java does, whatever its own
	// Version says.
	Allocation *Assignment
}

// Assignment is the leader's answer to one member (Connect's Assignment and
// ExtendedAssignment). Connectors and Tasks are grouped by connector on the wire, the
// connector instance itself written as task -1.
type Assignment struct {
	// Version is 0 (eager), 1 or 2. Decoding keeps what was read, which may be higher.
	Version int16
	// Error is AssignmentNoError or AssignmentConfigMismatch.
	Error int16
	// Leader is the leader's member id and LeaderURL its REST URL.
	Leader, LeaderURL string
	// ConfigOffset is the config topic offset the leader computed the assignment at.
	ConfigOffset int64
	// Connectors and Tasks are, for V1/V2, what the member must start (newly assigned); for V0,
	// everything it runs.
	Connectors []string
	Tasks      []runtime.TaskID
	// RevokedConnectors and RevokedTasks are what the member must stop (V1/V2 only).
	RevokedConnectors []string
	RevokedTasks      []runtime.TaskID
	// Delay, in ms, is how long the member waits before rejoining so the leader can place work
	// lost with a departed member (V1/V2 only; scheduled.rebalance.max.delay.ms).
	Delay int32
}

// Failed reports whether the assignment carries an error (Assignment.failed).
func (a *Assignment) Failed() bool { return a.Error != AssignmentNoError }

// EncodeMetadata writes member metadata in md.Version's layout: V0 is version, url and config
// offset; V1 and higher add the allocation as nullable bytes.
func EncodeMetadata(md WorkerMetadata) ([]byte, error) {
	if md.Version < 0 {
		return nil, fmt.Errorf("encode Connect member metadata: unsupported version %d", md.Version)
	}
	var w writer
	w.int16(md.Version)
	w.string(md.URL)
	w.int64(md.ConfigOffset)
	if md.Version >= 1 {
		if md.Allocation == nil {
			w.int32(-1)
		} else {
			alloc := *md.Allocation
			alloc.Version = md.Version
			b, err := EncodeAssignment(alloc)
			if err != nil {
				return nil, fmt.Errorf("encode Connect member metadata allocation: %w", err)
			}
			w.int32(int32(len(b)))
			w.buf = append(w.buf, b...)
		}
	}
	if w.err != nil {
		return nil, fmt.Errorf("encode Connect member metadata: %w", w.err)
	}
	return w.buf, nil
}

// DecodeMetadata reads member metadata of any version ≥ 0 with the V1 parser, as Kafka's
// leader does: a V0 payload (no allocation field) gives a nil Allocation, as does a null one.
// Bytes after the known fields are ignored.
func DecodeMetadata(b []byte) (WorkerMetadata, error) {
	r := reader{buf: b}
	var md WorkerMetadata
	md.Version = r.int16("version")
	if r.err == nil && md.Version < 0 {
		return md, fmt.Errorf("decode Connect member metadata: Unsupported subscription version: %d", md.Version)
	}
	md.URL = r.string("url")
	md.ConfigOffset = r.int64("config-offset")
	if r.err == nil && r.more() {
		alloc, null := r.nullableBytes("allocation")
		if r.err == nil && !null {
			a, err := DecodeAssignment(alloc)
			if err != nil {
				return md, fmt.Errorf("decode Connect member metadata allocation: %w", err)
			}
			md.Allocation = &a
		}
	}
	if r.err != nil {
		return md, fmt.Errorf("decode Connect member metadata: %w", r.err)
	}
	return md, nil
}

// EncodeAssignment writes an assignment in a.Version's layout: V0 ends after the assignment
// array, V1 and higher add the revoked array and the delay. Arrays are never written as null
// (Java does not either), and an empty one has a zero count.
func EncodeAssignment(a Assignment) ([]byte, error) {
	if a.Version < 0 {
		return nil, fmt.Errorf("encode Connect assignment: unsupported version %d", a.Version)
	}
	var w writer
	w.int16(a.Version)
	w.int16(a.Error)
	w.string(a.Leader)
	w.string(a.LeaderURL)
	w.int64(a.ConfigOffset)
	w.connectorAssignments(a.Connectors, a.Tasks)
	if a.Version >= 1 {
		w.connectorAssignments(a.RevokedConnectors, a.RevokedTasks)
		w.int32(a.Delay)
	}
	if w.err != nil {
		return nil, fmt.Errorf("encode Connect assignment: %w", w.err)
	}
	return w.buf, nil
}

// DecodeAssignment reads an assignment of any version ≥ 0 with the V1 parser, as every Connect
// member does: missing trailing fields (assignment, revoked, delay) are tolerated and read as
// nothing and 0, so a V0 assignment decodes too; a null array reads as an empty one. Bytes after
// the known fields are ignored.
func DecodeAssignment(b []byte) (Assignment, error) {
	r := reader{buf: b}
	var a Assignment
	a.Version = r.int16("version")
	if r.err == nil && a.Version < 0 {
		return a, fmt.Errorf("decode Connect assignment: Unsupported subscription version: %d", a.Version)
	}
	a.Error = r.int16("error")
	a.Leader = r.string("leader")
	a.LeaderURL = r.string("leader-url")
	a.ConfigOffset = r.int64("config-offset")
	if r.err == nil && r.more() {
		a.Connectors, a.Tasks = r.connectorAssignments("assignment")
	}
	if r.err == nil && r.more() {
		a.RevokedConnectors, a.RevokedTasks = r.connectorAssignments("revoked")
	}
	if r.err == nil && r.more() {
		a.Delay = r.int32("delay")
	}
	if r.err != nil {
		return a, fmt.Errorf("decode Connect assignment: %w", r.err)
	}
	return a, nil
}

// writer appends Kafka's classic (non-flexible) protocol types.
type writer struct {
	buf []byte
	err error
}

func (w *writer) int16(v int16) { w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(v)) }
func (w *writer) int32(v int32) { w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(v)) }
func (w *writer) int64(v int64) { w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(v)) }

func (w *writer) string(s string) {
	if len(s) > math.MaxInt16 {
		if w.err == nil {
			w.err = fmt.Errorf("string of %d bytes is longer than the maximum string length %d", len(s), math.MaxInt16)
		}
		return
	}
	w.int16(int16(len(s)))
	w.buf = append(w.buf, s...)
}

// connectorAssignments writes an array of ConnectorAssignment (connector, [int32 task]) the
// way Java's asMap groups it: one element per connector in order of first appearance, first
// the connectors (task -1, duplicates dropped), then the tasks in order.
func (w *writer) connectorAssignments(connectors []string, tasks []runtime.TaskID) {
	type group struct {
		name  string
		tasks []int32
	}
	var groups []group
	index := map[string]int{}
	add := func(name string, task int32) {
		i, ok := index[name]
		if !ok {
			i = len(groups)
			index[name] = i
			groups = append(groups, group{name: name})
		}
		groups[i].tasks = append(groups[i].tasks, task)
	}
	seen := map[string]bool{}
	for _, c := range connectors {
		if !seen[c] {
			seen[c] = true
			add(c, connectorTask)
		}
	}
	for _, t := range tasks {
		if t.Task < math.MinInt32 || t.Task > math.MaxInt32 {
			if w.err == nil {
				w.err = fmt.Errorf("task id %d of connector %q does not fit an INT32", t.Task, t.Connector)
			}
			return
		}
		add(t.Connector, int32(t.Task))
	}
	w.int32(int32(len(groups)))
	for _, g := range groups {
		w.string(g.name)
		w.int32(int32(len(g.tasks)))
		for _, t := range g.tasks {
			w.int32(t)
		}
	}
}

// reader reads Kafka's classic protocol types; the first error sticks and names the field.
type reader struct {
	buf []byte
	off int
	err error
}

var errShort = errors.New("not enough bytes")

func (r *reader) more() bool { return r.off < len(r.buf) }

func (r *reader) fail(field string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("Error reading field '%s': %w", field, err)
	}
}

func (r *reader) take(field string, n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.buf)-r.off < n {
		r.fail(field, errShort)
		return nil
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b
}

func (r *reader) int16(field string) int16 {
	b := r.take(field, 2)
	if b == nil {
		return 0
	}
	return int16(binary.BigEndian.Uint16(b))
}

func (r *reader) int32(field string) int32 {
	b := r.take(field, 4)
	if b == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(b))
}

func (r *reader) int64(field string) int64 {
	b := r.take(field, 8)
	if b == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

func (r *reader) string(field string) string {
	n := r.int16(field)
	if r.err != nil {
		return ""
	}
	if n < 0 {
		r.fail(field, fmt.Errorf("string length %d cannot be negative", n))
		return ""
	}
	return string(r.take(field, int(n)))
}

// nullableBytes returns the bytes and whether they were null (a negative length).
func (r *reader) nullableBytes(field string) ([]byte, bool) {
	n := r.int32(field)
	if r.err != nil {
		return nil, false
	}
	if n < 0 {
		return nil, true
	}
	return r.take(field, int(n)), false
}

// arrayLen reads an array count: -1 (any negative, as Java reads it) is null when nullable. The
// count is checked against the bytes left so a corrupt count cannot allocate much.
func (r *reader) arrayLen(field string, nullable bool, minElemSize int) (n int, null bool) {
	c := r.int32(field)
	if r.err != nil {
		return 0, false
	}
	if c < 0 {
		if nullable {
			return 0, true
		}
		r.fail(field, fmt.Errorf("array size %d cannot be negative", c))
		return 0, false
	}
	if int64(c)*int64(minElemSize) > int64(len(r.buf)-r.off) {
		r.fail(field, fmt.Errorf("array of size %d does not fit in the %d bytes left", c, len(r.buf)-r.off))
		return 0, false
	}
	return int(c), false
}

// connectorAssignments reads a nullable array of ConnectorAssignment into connectors (task -1)
// and tasks, in the order written. Null gives nil slices.
func (r *reader) connectorAssignments(field string) (connectors []string, tasks []runtime.TaskID) {
	n, _ := r.arrayLen(field, true, 6)
	for i := 0; i < n && r.err == nil; i++ {
		name := r.string(field)
		m, _ := r.arrayLen(field, false, 4)
		for j := 0; j < m && r.err == nil; j++ {
			t := r.int32(field)
			if r.err != nil {
				break
			}
			if t == connectorTask {
				connectors = append(connectors, name)
			} else {
				tasks = append(tasks, runtime.TaskID{Connector: name, Task: int(t)})
			}
		}
	}
	return connectors, tasks
}
