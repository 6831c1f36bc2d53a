package distributed

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// MemberDescriber is optional for Membership: it lists the group's members with their Kafka
// client ids (DescribeGroups), which tells Tributary workers ("tributary-…") from Apache
// Kafka Connect workers ("connect-…").
type MemberDescriber interface {
	DescribeMembers(ctx context.Context) (map[string]string, error)
}

var _ MemberDescriber = (*Member)(nil)

// DescribeMembers returns member id → client id of every member of the group.
func (m *Member) DescribeMembers(ctx context.Context) (map[string]string, error) {
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{m.cfg.GroupID}
	resp, err := req.RequestWith(ctx, m.client)
	if err != nil {
		return nil, fmt.Errorf("describe group %q: %w", m.cfg.GroupID, err)
	}
	out := map[string]string{}
	for _, g := range resp.Groups {
		if err := kerr.ErrorForCode(g.ErrorCode); err != nil {
			return nil, fmt.Errorf("describe group %q: %w", m.cfg.GroupID, err)
		}
		for _, mem := range g.Members {
			out[mem.MemberID] = mem.ClientID
		}
	}
	return out, nil
}
