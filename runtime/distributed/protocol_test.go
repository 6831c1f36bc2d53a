package distributed

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tributary-connect/tributary/runtime"
)

const (
	protoGoldenLeader    = "connect-1-5f1c1a3e-8d5e-4a4b-9a53-3c2d1e0f9b7a"
	protoGoldenLeaderURL = "http://10.0.0.1:8083/"
)

// tasks builds task ids from connector, task pairs.
func protoTasks(pairs ...any) []runtime.TaskID {
	var out []runtime.TaskID
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, runtime.TaskID{Connector: pairs[i].(string), Task: pairs[i+1].(int)})
	}
	return out
}

func protoAsg(version, errCode int16, offset int64, connectors []string, ts []runtime.TaskID, revokedConnectors []string, revokedTasks []runtime.TaskID, delay int32) Assignment {
	return Assignment{
		Version: version, Error: errCode, Leader: protoGoldenLeader, LeaderURL: protoGoldenLeaderURL, ConfigOffset: offset,
		Connectors: connectors, Tasks: ts, RevokedConnectors: revokedConnectors, RevokedTasks: revokedTasks, Delay: delay,
	}
}

// protocolEncodeCorpus is the twin of ProtocolGolden.encodeCorpus (testdata/java): the same values
// under the same names. Each value is a WorkerMetadata or an Assignment.
func protocolEncodeCorpus() map[string]any {
	v2alloc := protoAsg(1, AssignmentNoError, 1200, []string{"a", "b"}, protoTasks("a", 0, "b", 2), []string{"c"}, protoTasks("c", 0), 15000)
	v1alloc := protoAsg(1, AssignmentNoError, 7, []string{"a"}, protoTasks("a", 0, "a", 1), nil, nil, 0)
	emptyAlloc := Assignment{Version: 2, Leader: "l", LeaderURL: "u"}
	unicode := Assignment{
		Version: 2, Leader: "connect-\u00fc", LeaderURL: "http://h\u00f6st:8083/", ConfigOffset: 1,
		Connectors: []string{"\u00fcnic\u00f8de"}, Tasks: protoTasks("\u00fcnic\u00f8de", 0), Delay: -1,
	}
	return map[string]any{
		"metadata_v0":                  WorkerMetadata{Version: 0, URL: "http://127.0.0.1:8083/", ConfigOffset: 42},
		"metadata_v0_negative_offset":  WorkerMetadata{Version: 0, URL: "http://w1:8083/", ConfigOffset: -1},
		"metadata_v1_null_allocation":  WorkerMetadata{Version: 1, URL: "http://10.0.0.5:8083/", ConfigOffset: 7},
		"metadata_v2_null_allocation":  WorkerMetadata{Version: 2, URL: "http://10.0.0.5:8083/", ConfigOffset: 7},
		"metadata_v1_allocation":       WorkerMetadata{Version: 1, URL: "http://10.0.0.5:8083/", ConfigOffset: 7, Allocation: &v1alloc},
		"metadata_v2_allocation":       WorkerMetadata{Version: 2, URL: "http://10.0.0.5:8083/", ConfigOffset: 1234, Allocation: &v2alloc},
		"metadata_v2_empty_allocation": WorkerMetadata{Version: 2, URL: "http://10.0.0.5:8083/", ConfigOffset: 0, Allocation: &emptyAlloc},
		"metadata_v2_unicode_url":      WorkerMetadata{Version: 2, URL: "http://w\u00f6rker-\u00fc.example:8083/", ConfigOffset: 123456789012},

		"assignment_v0":                         protoAsg(0, AssignmentNoError, 12, []string{"a"}, protoTasks("a", 0, "a", 1, "b", 0), nil, nil, 0),
		"assignment_v0_config_mismatch":         protoAsg(0, AssignmentConfigMismatch, 99, nil, nil, nil, nil, 0),
		"assignment_v0_many":                    protoAsg(0, AssignmentNoError, 3, []string{"a", "b", "c"}, protoTasks("c", 2, "a", 0, "b", 1000, "a", 70000), nil, nil, 0),
		"assignment_v1":                         protoAsg(1, AssignmentNoError, 12, []string{"a"}, protoTasks("a", 0), []string{"b"}, protoTasks("b", 0, "b", 1), 0),
		"assignment_v2":                         protoAsg(2, AssignmentNoError, 12, []string{"a"}, protoTasks("a", 0), []string{"b"}, protoTasks("b", 0, "b", 1), 30000),
		"assignment_v2_empty":                   protoAsg(2, AssignmentNoError, 0, nil, nil, nil, nil, 0),
		"assignment_v2_revoked_only":            protoAsg(2, AssignmentNoError, 8, nil, nil, []string{"x"}, protoTasks("x", 0, "y", 3), 5),
		"assignment_v2_config_mismatch":         protoAsg(2, AssignmentConfigMismatch, 5, nil, nil, nil, nil, 0),
		"assignment_v2_tasks_without_connector": protoAsg(2, AssignmentNoError, 9, nil, protoTasks("b", 1, "a", 0, "b", 0), nil, nil, 0),
		"assignment_v2_duplicate_connector":     protoAsg(2, AssignmentNoError, 9, []string{"a", "a"}, protoTasks("a", 0), nil, nil, 0),
		"assignment_v2_unicode":                 unicode,
	}
}

type protocolGoldenLine struct {
	name   string
	fields []string
}

func readProtocolGolden(t *testing.T, name string) []protocolGoldenLine {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "protocol", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []protocolGoldenLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		out = append(out, protocolGoldenLine{name: parts[0], fields: parts[1:]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s is empty", name)
	}
	return out
}

func protoUnhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestProtocolGoldenEncode: Tributary writes the bytes Java's ConnectProtocol and
// IncrementalCooperativeConnectProtocol wrote for the same values, and reads them back.
func TestProtocolGoldenEncode(t *testing.T) {
	corpus := protocolEncodeCorpus()
	seen := map[string]bool{}
	for _, g := range readProtocolGolden(t, "encode.golden") {
		seen[g.name] = true
		t.Run(g.name, func(t *testing.T) {
			want := protoUnhex(t, g.fields[0])
			v, ok := corpus[g.name]
			if !ok {
				t.Fatalf("golden case %s has no twin in protocolEncodeCorpus", g.name)
			}
			var got []byte
			var err error
			switch v := v.(type) {
			case WorkerMetadata:
				got, err = EncodeMetadata(v)
			case Assignment:
				got, err = EncodeAssignment(v)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("encoding differs from Java's\n got  %x\n want %x", got, want)
			}
		})
	}
	for name := range corpus {
		if !seen[name] {
			t.Errorf("corpus case %s is not in encode.golden: regenerate (testdata/java/README.md)", name)
		}
	}
}

// TestProtocolGoldenDecode: Tributary reads each input as Java's V1 parsers read it (the ones
// Connect's leader and members use), including missing trailing fields, null arrays, future
// versions and trailing bytes, and fails where Java throws.
func TestProtocolGoldenDecode(t *testing.T) {
	lines := readProtocolGolden(t, "decode.golden")
	for _, g := range lines {
		t.Run(g.name, func(t *testing.T) {
			in := protoUnhex(t, g.fields[0])
			want := g.fields[1]
			var got string
			var err error
			if strings.HasPrefix(g.name, "metadata_") {
				var md WorkerMetadata
				md, err = DecodeMetadata(in)
				got = describeProtoMetadata(md)
			} else {
				var a Assignment
				a, err = DecodeAssignment(in)
				got = describeProtoAssignment(a)
			}
			if strings.HasPrefix(want, "ERROR ") {
				if err == nil {
					t.Fatalf("Java failed (%s) but Tributary read %s", want, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Java read %s, Tributary failed: %v", want, err)
			}
			if got != want {
				t.Fatalf("decoded differently from Java\n got  %s\n want %s", got, want)
			}
		})
	}
	if len(lines) < 30 {
		t.Errorf("decode.golden has %d cases, expected at least 30", len(lines))
	}
}

// q mirrors ProtocolGolden.q: quotes, backslash-escapes " and \, and writes UTF-16 code units
// outside printable ASCII as \uXXXX.
func javaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u == '"' || u == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(u))
		case u < 0x20 || u > 0x7e:
			fmt.Fprintf(&b, "\\u%04x", u)
		default:
			b.WriteByte(byte(u))
		}
	}
	b.WriteByte('"')
	return b.String()
}

func describeProtoConnectors(cs []string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = javaQuote(c)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func describeProtoTasks(ts []runtime.TaskID) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s:%d", javaQuote(t.Connector), t.Task)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// describeAssignment mirrors ProtocolGolden.describe(ExtendedAssignment).
func describeProtoAssignment(a Assignment) string {
	return fmt.Sprintf("version=%d error=%d leader=%s leaderUrl=%s offset=%d connectors=%s tasks=%s revokedConnectors=%s revokedTasks=%s delay=%d",
		a.Version, a.Error, javaQuote(a.Leader), javaQuote(a.LeaderURL), a.ConfigOffset,
		describeProtoConnectors(a.Connectors), describeProtoTasks(a.Tasks),
		describeProtoConnectors(a.RevokedConnectors), describeProtoTasks(a.RevokedTasks), a.Delay)
}

// describeMetadata mirrors ProtocolGolden.describe(short, ExtendedWorkerState).
func describeProtoMetadata(md WorkerMetadata) string {
	alloc := "null"
	if md.Allocation != nil {
		alloc = "{" + describeProtoAssignment(*md.Allocation) + "}"
	}
	return fmt.Sprintf("version=%d url=%s offset=%d allocation=%s", md.Version, javaQuote(md.URL), md.ConfigOffset, alloc)
}

func TestProtocolRoundTrip(t *testing.T) {
	alloc := protoAsg(2, AssignmentNoError, 10, []string{"x", "y"}, protoTasks("x", 0, "y", 1, "y", 0), []string{"z"}, protoTasks("z", 3), 123)
	for _, md := range []WorkerMetadata{
		{Version: 0, URL: "http://a:1/", ConfigOffset: 5},
		{Version: 1, URL: "http://a:1/", ConfigOffset: -1},
		{Version: 2, URL: "", ConfigOffset: 1 << 40, Allocation: &alloc},
	} {
		b, err := EncodeMetadata(md)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeMetadata(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, md) {
			t.Errorf("metadata round trip:\n got  %+v\n want %+v", got, md)
		}
	}
	for _, a := range []Assignment{
		protoAsg(0, AssignmentNoError, 1, []string{"c1"}, protoTasks("c1", 0, "c1", 1), nil, nil, 0),
		alloc,
		protoAsg(1, AssignmentConfigMismatch, 1, nil, nil, nil, nil, 0),
		// Grouped by connector on the wire, so tasks come back grouped.
		protoAsg(2, AssignmentNoError, 1, []string{"a"}, protoTasks("a", 0, "b", 5, "a", 1, "b", 4), nil, nil, 9),
	} {
		b, err := EncodeAssignment(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeAssignment(b)
		if err != nil {
			t.Fatal(err)
		}
		want := a
		if a.Connectors != nil && len(a.Tasks) == 4 {
			want.Tasks = protoTasks("a", 0, "a", 1, "b", 5, "b", 4)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("assignment round trip:\n got  %+v\n want %+v", got, want)
		}
	}
}

// TestProtocolAllocationTakesMetadataVersion: the embedded allocation is written with the
// metadata's version header, as Java's serializeMetadata(state, sessioned) does.
func TestProtocolAllocationTakesMetadataVersion(t *testing.T) {
	a := protoAsg(0, AssignmentNoError, 1, []string{"c"}, nil, nil, nil, 0)
	for _, v := range []int16{1, 2} {
		b, err := EncodeMetadata(WorkerMetadata{Version: v, URL: "u", Allocation: &a})
		if err != nil {
			t.Fatal(err)
		}
		md, err := DecodeMetadata(b)
		if err != nil {
			t.Fatal(err)
		}
		if md.Allocation == nil || md.Allocation.Version != v {
			t.Fatalf("metadata v%d: allocation %+v", v, md.Allocation)
		}
	}
	// V0 metadata has no allocation field at all.
	b, err := EncodeMetadata(WorkerMetadata{Version: 0, URL: "u", Allocation: &a})
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 + 3 + 8; len(b) != want {
		t.Fatalf("V0 metadata is %d bytes, want %d", len(b), want)
	}
}

// TestProtocolNullAndEmptyArrays: Java never writes a null array (its collections cannot be
// null), and reads null and empty alike; so do we.
func TestProtocolNullAndEmptyArrays(t *testing.T) {
	b, err := EncodeAssignment(Assignment{Version: 2, Leader: "L", LeaderURL: "U"})
	if err != nil {
		t.Fatal(err)
	}
	tail := b[len(b)-12:]
	if !bytes.Equal(tail, make([]byte, 12)) {
		t.Fatalf("empty arrays and delay should be 12 zero bytes, got %x", tail)
	}
	null, err := DecodeAssignment(append(b[:len(b)-12:len(b)-12], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := DecodeAssignment(append(b[:len(b)-12:len(b)-12], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(null, empty) || null.Delay != 1 || len(null.Connectors)+len(null.Tasks)+len(null.RevokedConnectors)+len(null.RevokedTasks) != 0 {
		t.Fatalf("null %+v, empty %+v", null, empty)
	}
}

func TestProtocolEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 1<<15)
	if _, err := EncodeMetadata(WorkerMetadata{Version: -1}); err == nil {
		t.Error("negative metadata version accepted")
	}
	if _, err := EncodeAssignment(Assignment{Version: -1}); err == nil {
		t.Error("negative assignment version accepted")
	}
	if _, err := EncodeMetadata(WorkerMetadata{URL: long}); err == nil {
		t.Error("URL longer than an INT16 length accepted")
	}
	if _, err := EncodeAssignment(Assignment{Version: 1, Connectors: []string{long}}); err == nil {
		t.Error("connector name longer than an INT16 length accepted")
	}
	if _, err := EncodeAssignment(Assignment{Version: 1, Tasks: []runtime.TaskID{{Connector: "c", Task: 1 << 31}}}); err == nil {
		t.Error("task id beyond INT32 accepted")
	}
	long2 := strings.Repeat("y", 1<<15)
	if _, err := EncodeMetadata(WorkerMetadata{Version: 2, Allocation: &Assignment{Leader: long2}}); err == nil {
		t.Error("allocation with a too long leader accepted")
	}
}

func TestOfferedProtocols(t *testing.T) {
	for in, want := range map[string][]Protocol{
		"sessioned":  {ProtocolSessioned, ProtocolCompatible, ProtocolDefault},
		"SESSIONED":  {ProtocolSessioned, ProtocolCompatible, ProtocolDefault},
		"compatible": {ProtocolCompatible, ProtocolDefault},
		"eager":      {ProtocolDefault},
	} {
		got, err := OfferedProtocols(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("OfferedProtocols(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := OfferedProtocols("default"); err == nil {
		t.Error(`OfferedProtocols("default") accepted: "default" is a protocol name, not a connect.protocol value`)
	}
	for p, v := range map[Protocol]int16{ProtocolSessioned: 2, ProtocolCompatible: 1, ProtocolDefault: 0, "x": -1} {
		if p.Version() != v {
			t.Errorf("%s.Version() = %d, want %d", p, p.Version(), v)
		}
	}
	if ProtocolDefault.Cooperative() || !ProtocolCompatible.Cooperative() || !ProtocolSessioned.Cooperative() {
		t.Error("Cooperative is wrong")
	}
}

// FuzzProtocolDecode: any input decodes or fails without panicking, and what decodes
// re-encodes; encoding is stable from then on (the first pass may regroup tasks by connector
// and drop duplicate connectors).
func FuzzProtocolDecode(f *testing.F) {
	for _, v := range protocolEncodeCorpus() {
		switch v := v.(type) {
		case Assignment:
			b, _ := EncodeAssignment(v)
			f.Add(b)
		case WorkerMetadata:
			b, _ := EncodeMetadata(v)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := DecodeAssignment(b); err == nil {
			re1, err := EncodeAssignment(a)
			if err != nil {
				t.Fatal(err)
			}
			a2, err := DecodeAssignment(re1)
			if err != nil {
				t.Fatal(err)
			}
			re2, err := EncodeAssignment(a2)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(re1, re2) {
				t.Fatalf("encoding is not stable:\n %x\n %x", re1, re2)
			}
		}
		if md, err := DecodeMetadata(b); err == nil {
			re, err := EncodeMetadata(md)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := DecodeMetadata(re); err != nil {
				t.Fatal(err)
			}
		}
	})
}
