package converters

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

func loadGoldenJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// goldenKey starts every entry of the Java goldens (testdata/java/*.golden.json): the corpus
// case and the converter config it was generated under.
type goldenKey struct {
	ID     string            `json:"id"`
	Config map[string]string `json:"config"`
}

func (k goldenKey) key() goldenKey { return k }

// forEachGolden pairs each of n corpus cases (caseAt gives its id and configs; no config
// means the default, {}) under each config with the golden entry at the same position, which
// must be that case and config, and runs fn on them as a subtest.
func forEachGolden[G interface{ key() goldenKey }](t *testing.T, golden []G, n int,
	caseAt func(i int) (string, []map[string]string), fn func(t *testing.T, c int, cfg map[string]string, g G)) {
	t.Helper()
	i := 0
	for c := range n {
		id, configs := caseAt(c)
		if len(configs) == 0 {
			configs = []map[string]string{{}}
		}
		for _, cfg := range configs {
			if i >= len(golden) || golden[i].key().ID != id || fmt.Sprint(golden[i].key().Config) != fmt.Sprint(cfg) {
				t.Fatalf("golden entry %d is not case %s %v: regenerate with converters/testdata/java/regen-schema.sh", i, id, cfg)
			}
			g := golden[i]
			i++
			name := id
			if len(cfg) > 0 {
				name += "/" + strings.ReplaceAll(fmt.Sprint(cfg), " ", ",")
			}
			t.Run(name, func(t *testing.T) { fn(t, c, cfg, g) })
		}
	}
	if i != len(golden) {
		t.Errorf("%d golden entries for %d corpus entries: regenerate with converters/testdata/java/regen-schema.sh", len(golden), i)
	}
}

// javaDiff compares Tributary's schema (or error) with Java's: "" when they agree (or both
// failed, which is logged), else what differs.
func javaDiff(t *testing.T, javaErr, javaSchema *string, got string, err error) string {
	switch {
	case javaErr != nil && err == nil:
		return fmt.Sprintf("Java failed with %s; Tributary gave\n%s", *javaErr, got)
	case javaErr != nil:
		t.Logf("both fail: Java %s; Tributary %v", *javaErr, err)
	case err != nil:
		return fmt.Sprintf("Tributary failed: %v; Java gave\n%s", err, *javaSchema)
	case got != *javaSchema:
		return fmt.Sprintf("schema differs from Java's\n got: %s\nwant: %s", got, *javaSchema)
	}
	return ""
}
