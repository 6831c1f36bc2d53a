package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestModuleFollowsDependencyRule lists every package of the module (integration tests
// included) with `go list` and checks its direct imports.
func TestModuleFollowsDependencyRule(t *testing.T) {
	cmd := exec.Command("go", "list", "-tags", "integration", "-json=ImportPath,Imports", "../../...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	std := standardPackages(t)
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		p.Standard = std
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages; is the pattern right?", len(pkgs))
	}
	for _, v := range Check(pkgs) {
		t.Error(v)
	}
}

func standardPackages(t *testing.T) map[string]bool {
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatalf("go list std: %v", err)
	}
	std := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		std[p] = true
	}
	return std
}

// TestCheckCatchesViolations proves the checker fails on the imports the rule forbids.
func TestCheckCatchesViolations(t *testing.T) {
	std := map[string]bool{"fmt": true}
	m := Module + "/"
	for _, tc := range []struct {
		pkg, imp, want string
	}{
		{"connector", m + "runtime", "connector imports runtime"},
		{"connector", "github.com/go-chi/chi/v5", "the SPI imports only the standard library and go-hclog"},
		{"runtime", m + "rest", "runtime imports rest"},
		{"runtime", m + "connector/mqtt", "runtime imports connector/mqtt"},
		{"runtime", m + "transforms", "runtime imports transforms"},
		{"rest", "github.com/confluentinc/confluent-kafka-go/v2/kafka", "rest imports github.com/confluentinc/confluent-kafka-go"},
		{"rest", m + "runtime/distributed", "rest imports runtime/distributed"},
		{"transforms", m + "runtime", "transforms imports runtime"},
		{"runtime", "github.com/twmb/franz-go/pkg/kgo", "only runtime/distributed"},
		{"converters", m + "rest", "converters imports rest"},
		{"newpkg", "fmt", "no dependency rule covers this package"},
	} {
		got := Check([]Package{{ImportPath: m + tc.pkg, Imports: []string{"fmt", tc.imp}, Standard: std}})
		if !strings.Contains(strings.Join(got, "\n"), tc.want) {
			t.Errorf("%s importing %s: violations %q, want one containing %q", tc.pkg, tc.imp, got, tc.want)
		}
	}
	ok := []Package{
		{ImportPath: m + "connector", Imports: []string{"fmt", "github.com/hashicorp/go-hclog"}, Standard: std},
		{ImportPath: m + "runtime/distributed", Imports: []string{m + "runtime", "github.com/twmb/franz-go/pkg/kmsg"}, Standard: std},
		{ImportPath: m + "cmd/tributary", Imports: []string{m + "rest", m + "runtime", m + "internal/devstack"}, Standard: std},
		{ImportPath: m + "runtime", Imports: []string{m + "connector", "github.com/confluentinc/confluent-kafka-go/v2/kafka"}, Standard: std},
	}
	if got := Check(ok); len(got) != 0 {
		t.Errorf("allowed imports reported: %q", got)
	}
}
