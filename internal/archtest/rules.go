// Package archtest enforces the dependency rule of ../shared/design/architecture.md §3.1:
// imports point from cmd down to the connector SPI only, and each third-party client is
// confined to the package that owns it. Its test runs `go list` over the module.
package archtest

import (
	"fmt"
	"sort"
	"strings"
)

// Module is this module's path.
const Module = "github.com/tributary-connect/tributary"

// internalRules lists, for each package of ours (longest prefix wins), which packages of
// ours it may import. A package matching no rule may import nothing of ours.
var internalRules = []struct {
	pkg   string
	allow []string
}{
	{"connector", nil},
	{"connector/mqtt", []string{"connector", "internal/mqttconn"}},
	{"connector/file", []string{"connector"}},
	{"transforms", []string{"connector", "internal/jvalues", "internal/mqttconn"}},
	{"converters", []string{"connector", "internal/jvalues"}},
	{"runtime/storage", []string{"connector"}},
	{"runtime", []string{"connector", "runtime/storage"}},
	{"runtime/distributed", []string{"connector", "runtime", "runtime/storage"}},
	{"rest", []string{"connector", "runtime"}},
	{"examples", []string{"connector"}},
	{"integration", []string{"internal/testenv"}},
	{"internal/properties", nil},
	{"internal/version", nil},
	{"internal/javautf8", nil},
	{"internal/jvalues", []string{"connector"}},
	{"internal/mqttconn", nil},
	{"internal/archtest", nil},
	{"internal/devstack", nil},
	{"internal/testenv", nil},
	{"cmd", []string{""}}, // the composition root may import anything of ours
}

// thirdPartyRules confines each third-party module to the packages of ours that own it.
var thirdPartyRules = []struct {
	module string
	owners []string
	why    string
}{
	{"github.com/confluentinc/confluent-kafka-go", []string{"runtime", "internal/testenv", "cmd"}, "Kafka data traffic lives in runtime/…; rest goes through runtime.Herder"},
	{"github.com/twmb/franz-go", []string{"runtime/distributed", "internal/devstack", "internal/testenv"}, "franz-go only speaks the connect group protocol (and runs kfake/srfake for dev)"},
	{"github.com/go-chi/chi", []string{"rest"}, "HTTP lives in rest/"},
	{"github.com/eclipse/paho", []string{"connector/mqtt", "transforms"}, "MQTT clients belong to the MQTT connector (and SparkplugB's rebirth publisher)"},
	{"github.com/mochi-mqtt/server", []string{"internal/devstack", "internal/testenv"}, "the embedded broker is for the dev stack and unit tests"},
	{"github.com/riferrei/srclient", []string{"converters"}, "the registry client lives behind converters/"},
}

// spiAllowed are the only non-stdlib imports of the connector package itself.
var spiAllowed = []string{"github.com/hashicorp/go-hclog"}

// Package is one package of ours and its direct imports (non-test files).
type Package struct {
	ImportPath string
	Imports    []string
	Standard   map[string]bool // which imports are standard library
}

func rel(p string) (string, bool) {
	if p == Module {
		return "", true
	}
	if strings.HasPrefix(p, Module+"/") {
		return strings.TrimPrefix(p, Module+"/"), true
	}
	return "", false
}

// under reports whether p is pkg or below it.
func under(p, pkg string) bool {
	return pkg == "" || p == pkg || strings.HasPrefix(p, pkg+"/")
}

func ruleFor(p string) (allow []string, ok bool) {
	best := -1
	for i, r := range internalRules {
		if under(p, r.pkg) && (best < 0 || len(r.pkg) > len(internalRules[best].pkg)) {
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	return internalRules[best].allow, true
}

// Check returns every violation of the dependency rule, sorted.
func Check(pkgs []Package) []string {
	var out []string
	for _, pkg := range pkgs {
		p, ours := rel(pkg.ImportPath)
		if !ours {
			continue
		}
		allow, ok := ruleFor(p)
		if !ok {
			out = append(out, fmt.Sprintf("%s: no dependency rule covers this package; add one to internal/archtest", p))
			continue
		}
		for _, imp := range pkg.Imports {
			if pkg.Standard[imp] {
				continue
			}
			if q, isOurs := rel(imp); isOurs {
				if !allowedInternal(q, allow) {
					out = append(out, fmt.Sprintf("%s imports %s: not allowed (may import: %s)", p, q, describe(allow)))
				}
				continue
			}
			if p == "connector" && !hasPrefixAny(imp, spiAllowed) {
				out = append(out, fmt.Sprintf("connector imports %s: the SPI imports only the standard library and go-hclog", imp))
			}
			for _, r := range thirdPartyRules {
				if !strings.HasPrefix(imp, r.module) {
					continue
				}
				owned := false
				for _, o := range r.owners {
					if under(p, o) {
						owned = true
					}
				}
				if !owned {
					out = append(out, fmt.Sprintf("%s imports %s: only %s may (%s)", p, imp, strings.Join(r.owners, ", "), r.why))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func allowedInternal(q string, allow []string) bool {
	for _, a := range allow {
		if a == "" || q == a {
			return true
		}
	}
	// Leaf helpers with no dependencies of their own may be used anywhere.
	return q == "internal/properties" || q == "internal/version" || q == "internal/javautf8"
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func describe(allow []string) string {
	if len(allow) == 0 {
		return "nothing of ours"
	}
	return strings.Join(allow, ", ")
}
