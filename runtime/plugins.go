package runtime

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tributary-connect/tributary/connector"
)

// PluginKind is the kind of a plugin, with the names GET /connector-plugins reports.
type PluginKind string

// The plugin kinds.
const (
	KindSource          PluginKind = "source"
	KindTransformation  PluginKind = "transformation"
	KindPredicate       PluginKind = "predicate"
	KindConverter       PluginKind = "converter"
	KindHeaderConverter PluginKind = "header_converter"
)

// kindSuffix is the suffix Kafka strips from a simple class name to make the short alias.
var kindSuffix = map[PluginKind]string{
	KindSource:          "Connector",
	KindTransformation:  "",
	KindPredicate:       "",
	KindConverter:       "Converter",
	KindHeaderConverter: "Converter",
}

// Plugin is one registered plugin.
type Plugin struct {
	Class   string // the Java class name it is registered under
	Kind    PluginKind
	Version string
	// Exactly one constructor is set, matching Kind (converters may set both
	// NewConverter and NewHeaderConverter).
	NewConnector       func() connector.SourceConnector
	NewTransformation  func() connector.Transformation
	NewPredicate       func() connector.Predicate
	NewConverter       func() connector.Converter
	NewHeaderConverter func() connector.HeaderConverter
	// ClassNameOnly plugins answer only to their full class name, so a compatibility
	// registration (e.g. Confluent's class name for our MQTT connector) leaves the short
	// aliases to the primary plugin instead of making them ambiguous.
	ClassNameOnly bool
}

// Plugins is the plugin registry, keyed by Java class name. Kafka Connect also accepts a
// plugin's simple class name and, for connectors and converters, the simple name without its
// "Connector"/"Converter" suffix, where that alias is unique; Lookup does the same. cmd
// registers every plugin before the worker starts; the registry is read-only afterwards.
type Plugins struct {
	byClass map[string]*Plugin
}

// NewPlugins returns an empty registry.
func NewPlugins() *Plugins { return &Plugins{byClass: map[string]*Plugin{}} }

// Register adds a plugin. Registering a class twice panics: it is a wiring mistake.
func (p *Plugins) Register(pl Plugin) {
	if _, dup := p.byClass[pl.Class]; dup && pl.Kind != KindHeaderConverter {
		panic("runtime: plugin registered twice: " + pl.Class)
	}
	if prev, ok := p.byClass[pl.Class]; ok {
		// A converter that is also a header converter registers once per kind.
		if pl.NewHeaderConverter != nil {
			prev.NewHeaderConverter = pl.NewHeaderConverter
		}
		return
	}
	cp := pl
	p.byClass[pl.Class] = &cp
}

// simpleName is the class name after its last '.' (nested classes keep their '$').
func simpleName(class string) string {
	if i := strings.LastIndex(class, "."); i >= 0 {
		return class[i+1:]
	}
	return class
}

// aliases returns the aliases of a plugin of the given kind.
func aliases(class string, kind PluginKind) []string {
	s := simpleName(class)
	out := []string{s}
	if suf := kindSuffix[kind]; suf != "" && strings.HasSuffix(s, suf) && len(s) > len(suf) {
		out = append(out, strings.TrimSuffix(s, suf))
	}
	return out
}

// Lookup resolves a class name or alias for plugins that can serve as the given kind.
// An alias that matches several plugins is an error, as in Kafka.
func (p *Plugins) Lookup(name string, kind PluginKind) (*Plugin, error) {
	name = strings.TrimSpace(name)
	if pl, ok := p.byClass[name]; ok && pl.serves(kind) {
		return pl, nil
	}
	var matches []*Plugin
	for _, pl := range p.byClass {
		if !pl.serves(kind) || pl.ClassNameOnly {
			continue
		}
		for _, a := range aliases(pl.Class, kind) {
			if a == name {
				matches = append(matches, pl)
				break
			}
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return nil, &PluginNotFoundError{Name: name, Kind: kind, Available: p.classes(kind)}
	default:
		var names []string
		for _, m := range matches {
			names = append(names, m.Class)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("more than one %s matches %s: %s", kind, name, strings.Join(names, ", "))
	}
}

func (pl *Plugin) serves(kind PluginKind) bool {
	switch kind {
	case KindHeaderConverter:
		return pl.NewHeaderConverter != nil
	case KindConverter:
		return pl.NewConverter != nil
	default:
		return pl.Kind == kind
	}
}

func (p *Plugins) classes(kind PluginKind) []string {
	var out []string
	for c, pl := range p.byClass {
		if pl.serves(kind) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// All returns every plugin that serves kind, sorted by class name.
func (p *Plugins) All(kind PluginKind) []*Plugin {
	var out []*Plugin
	for _, c := range p.classes(kind) {
		out = append(out, p.byClass[c])
	}
	return out
}

// PluginNotFoundError is an unknown class or alias.
type PluginNotFoundError struct {
	Name      string
	Kind      PluginKind
	Available []string
}

func (e *PluginNotFoundError) Error() string {
	what := map[PluginKind]string{
		KindSource: "Connector", KindTransformation: "Transformation", KindPredicate: "Predicate",
		KindConverter: "Converter", KindHeaderConverter: "HeaderConverter",
	}[e.Kind]
	if e.Kind == KindSource {
		return fmt.Sprintf("Failed to find any class that implements Connector and which name matches %s, available connectors are: %s",
			e.Name, strings.Join(e.Available, ", "))
	}
	return fmt.Sprintf("Class %s could not be found (no %s of that name is installed).", e.Name, what)
}
