//go:build integration

package distributed

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// The membership scenario (membership_test.go) against the real Kafka of the test stack.
// Kafka's minimum session timeout is 6 s; the workers use 10 s (Connect's default) and
// heartbeat every 500 ms.
func TestMembershipKafka(t *testing.T) {
	seeds := []string{testenv.Get(t, testenv.Kafka)}
	for _, tc := range []struct {
		name, connectProtocol string
		want                  Protocol
	}{
		{"sessioned", "sessioned", ProtocolSessioned},
		{"eager", "eager", ProtocolDefault},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newTestGroup(t, seeds, 10*time.Second, 500*time.Millisecond)
			runMembershipScenario(t, g, tc.connectProtocol, tc.want)
		})
	}
}

// TestMembershipKafkaMixedProtocols: Kafka's coordinator picks "sessioned" when every member
// offers it, and "default" once one member is configured connect.protocol=eager.
func TestMembershipKafkaMixedProtocols(t *testing.T) {
	t.Parallel()
	seeds := []string{testenv.Get(t, testenv.Kafka)}
	g := newTestGroup(t, seeds, 10*time.Second, 500*time.Millisecond)
	a, b := g.start(t, "a", "sessioned"), g.start(t, "b", "sessioned")
	sg := waitConverged(t, []*testWorker{a, b}, 30*time.Second)
	if p := sg.rebalances[a].Protocol; p != ProtocolSessioned {
		t.Fatalf("two sessioned workers: protocol %s", p)
	}
	c := g.start(t, "c", "eager")
	sg = waitConverged(t, []*testWorker{a, b, c}, 30*time.Second)
	if p := sg.rebalances[a].Protocol; p != ProtocolDefault {
		t.Fatalf("with an eager worker: protocol %s, want default", p)
	}
	for id, md := range sg.round.Members {
		if md.Version != 0 || md.Allocation != nil {
			t.Errorf("member %s sent %+v under the eager protocol", id, md)
		}
	}
}

// TestMembershipJavaInterop reads the member metadata and assignment of the Apache Kafka
// Connect worker of the test stack (group oracle-connect) with DescribeGroups and decodes
// them with Tributary's codec: the bytes a live Java worker wrote.
func TestMembershipJavaInterop(t *testing.T) {
	seeds := []string{testenv.Get(t, testenv.Kafka)}
	connectURL := testenv.Get(t, testenv.Connect) // http://127.0.0.1:18083
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The oracle may be between rebalances (Stable is when assignments are there).
	var group kmsg.DescribeGroupsResponseGroup
	for {
		req := kmsg.NewPtrDescribeGroupsRequest()
		req.Groups = []string{"oracle-connect"}
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Groups) != 1 {
			t.Fatalf("DescribeGroups returned %d groups", len(resp.Groups))
		}
		group = resp.Groups[0]
		if group.ErrorCode == 0 && group.State == "Stable" && len(group.Members) > 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("group oracle-connect is not Stable with members (state %q, error %d, %d members): is the Connect oracle running (integration/stack/status)?",
				group.State, group.ErrorCode, len(group.Members))
		}
		<-time.After(500 * time.Millisecond) // poll interval
	}
	if group.ProtocolType != ConnectProtocolType || group.Protocol != string(ProtocolSessioned) {
		t.Fatalf("oracle-connect: protocol type %q, protocol %q; want connect/sessioned", group.ProtocolType, group.Protocol)
	}
	wantURL := strings.TrimSuffix(connectURL, "/") + "/"
	var leaderID string
	for _, mem := range group.Members {
		md, err := DecodeMetadata(mem.ProtocolMetadata)
		if err != nil {
			t.Fatalf("member %s's metadata %x: %v", mem.MemberID, mem.ProtocolMetadata, err)
		}
		a, err := DecodeAssignment(mem.MemberAssignment)
		if err != nil {
			t.Fatalf("member %s's assignment %x: %v", mem.MemberID, mem.MemberAssignment, err)
		}
		t.Logf("Java member %s (client %s): metadata %+v", mem.MemberID, mem.ClientID, md)
		if md.Allocation != nil {
			t.Logf("  allocation: %+v", *md.Allocation)
		}
		t.Logf("  assignment: %+v", a)
		if md.Version != 2 || md.URL != wantURL {
			t.Errorf("metadata version %d URL %q, want 2 and %q", md.Version, md.URL, wantURL)
		}
		// The config offset is -1 while the oracle's config topic is still empty (a fresh
		// stack, before any test created a connector on it).
		if a.Version != 2 || a.Error != AssignmentNoError || a.LeaderURL != wantURL || a.ConfigOffset < -1 {
			t.Errorf("assignment %+v: want version 2, no error, leader URL %q, a config offset (-1 or more)", a, wantURL)
		}
		if leaderID == "" {
			leaderID = a.Leader
		} else if a.Leader != leaderID {
			t.Errorf("members disagree on the leader: %s and %s", leaderID, a.Leader)
		}
		// Our encoding of what we decoded is Java's bytes again (connectors aside, whose order
		// Java takes from a HashSet: with at most one connector per list it is fixed).
		if len(a.Connectors) <= 1 {
			re, err := EncodeAssignment(a)
			if err != nil {
				t.Fatal(err)
			}
			if string(re) != string(mem.MemberAssignment) {
				t.Errorf("re-encoded assignment differs from Java's:\n got  %x\n want %x", re, mem.MemberAssignment)
			}
		}
		if md.Allocation == nil || len(md.Allocation.Connectors) <= 1 {
			re, err := EncodeMetadata(md)
			if err != nil {
				t.Fatal(err)
			}
			if string(re) != string(mem.ProtocolMetadata) {
				t.Errorf("re-encoded metadata differs from Java's:\n got  %x\n want %x", re, mem.ProtocolMetadata)
			}
		}
	}
	found := false
	for _, mem := range group.Members {
		found = found || mem.MemberID == leaderID
	}
	if !found {
		t.Errorf("the assignments name leader %q, which is not a member", leaderID)
	}
}
