package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// fakeConnector is a minimal source connector for registry and validation tests.
type fakeConnector struct{}

func (fakeConnector) ConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: "topic", Type: connector.ConfigString, Required: true, Importance: connector.High, Doc: "Topic.", Group: "Fake", Order: 1},
	}}
}
func (fakeConnector) Start(context.Context, connector.ConnectorContext, connector.Config) error {
	return nil
}
func (fakeConnector) TaskConfigs(int) ([]connector.Config, error) { return nil, nil }
func (fakeConnector) NewTask() connector.SourceTask               { return nil }
func (fakeConnector) TaskClass() string                           { return "com.example.FakeTask" }
func (fakeConnector) Version() string                             { return "1.0" }
func (fakeConnector) Stop(context.Context) error                  { return nil }

// upper is a transformation that upper-cases string values; drop drops every record.
type upper struct{ suffix string }

func (u *upper) ConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{{Name: "suffix", Type: connector.ConfigString, Default: ""}}}
}
func (u *upper) Configure(cfg connector.Config) error { u.suffix = cfg["suffix"]; return nil }
func (u *upper) Apply(r *connector.Record) (*connector.Record, error) {
	return r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, strings.ToUpper(r.Value.(string))+u.suffix, r.Timestamp), nil
}

type drop struct{}

func (drop) ConfigDef() *connector.ConfigDef                    { return &connector.ConfigDef{} }
func (drop) Configure(connector.Config) error                   { return nil }
func (drop) Apply(*connector.Record) (*connector.Record, error) { return nil, nil }

type topicIs struct{ topic string }

func (p *topicIs) ConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{{Name: "pattern", Type: connector.ConfigString, Required: true}}}
}
func (p *topicIs) Configure(cfg connector.Config) error   { p.topic = cfg["pattern"]; return nil }
func (p *topicIs) Test(r *connector.Record) (bool, error) { return r.Topic == p.topic, nil }

func testPlugins() *Plugins {
	p := NewPlugins()
	p.Register(Plugin{Class: "com.example.FakeSourceConnector", Kind: KindSource, NewConnector: func() connector.SourceConnector { return fakeConnector{} }})
	p.Register(Plugin{Class: "com.example.Upper", Kind: KindTransformation, NewTransformation: func() connector.Transformation { return &upper{} }})
	p.Register(Plugin{Class: "com.example.Drop", Kind: KindTransformation, NewTransformation: func() connector.Transformation { return drop{} }})
	p.Register(Plugin{Class: "com.example.TopicIs", Kind: KindPredicate, NewPredicate: func() connector.Predicate { return &topicIs{} }})
	return p
}

func TestPluginLookupAliases(t *testing.T) {
	p := testPlugins()
	for _, name := range []string{"com.example.FakeSourceConnector", "FakeSourceConnector", "FakeSource", " FakeSource "} {
		pl, err := p.Lookup(name, KindSource)
		if err != nil || pl.Class != "com.example.FakeSourceConnector" {
			t.Errorf("Lookup(%q) = %v, %v", name, pl, err)
		}
	}
	_, err := p.Lookup("Nope", KindSource)
	if err == nil || !strings.HasPrefix(err.Error(), "Failed to find any class that implements Connector and which name matches Nope, available connectors are: com.example.FakeSourceConnector") {
		t.Errorf("unknown connector error = %v", err)
	}
	if _, err := p.Lookup("Upper", KindSource); err == nil {
		t.Error("a transformation must not resolve as a connector")
	}
}

func TestValidateConnectorRendersConfigInfos(t *testing.T) {
	p := testPlugins()
	infos, _, err := p.ValidateConnector(connector.Config{
		"connector.class": "FakeSource", "name": "c", "tasks.max": "0",
		"transforms": "u,missing", "transforms.u.type": "com.example.Upper",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string][]string{}
	for _, c := range infos.Configs {
		if len(c.Value.Errors) > 0 {
			errs[c.Definition.Name] = c.Value.Errors
		}
	}
	want := map[string]string{
		"tasks.max":               "Invalid value 0 for configuration tasks.max: Value must be at least 1",
		"topic":                   `Missing required configuration "topic" which has no default value.`,
		"transforms.missing.type": `Missing required configuration "transforms.missing.type" which has no default value.`,
	}
	if len(errs) != len(want) || infos.ErrorCount != len(want) {
		t.Fatalf("errors = %v (count %d), want %v", errs, infos.ErrorCount, want)
	}
	for k, msg := range want {
		if len(errs[k]) != 1 || errs[k][0] != msg {
			t.Errorf("%s errors = %q, want %q", k, errs[k], msg)
		}
	}
	if infos.Groups[0] != "Common" || !contains(infos.Groups, "Transforms: u") || !contains(infos.Groups, "Fake") {
		t.Errorf("groups = %v", infos.Groups)
	}
	// The transform's own keys are embedded under its prefix.
	found := false
	for _, c := range infos.Configs {
		if c.Definition.Name == "transforms.u.suffix" {
			found = true
		}
	}
	if !found {
		t.Error("transforms.u.suffix missing from the validate answer")
	}
	if err := InvalidConfigError(infos); !strings.HasPrefix(err.Error(), "Connector configuration is invalid and contains the following 3 error(s):\n") {
		t.Errorf("InvalidConfigError = %q", err)
	}

	_, _, err = p.ValidateConnector(connector.Config{"name": "c"}, nil)
	if KindOf(err) != KindBadRequest || !strings.Contains(err.Error(), "contains no connector type") {
		t.Errorf("missing connector.class: %v", err)
	}
	_, _, err = p.ValidateConnector(connector.Config{"name": "c", "connector.class": "Nope"}, nil)
	if KindOf(err) != KindBadRequest {
		t.Errorf("unknown class must be a 400 as in Connect 4.1, got %v", err)
	}
}

func TestTransformChainPredicatesAndDrops(t *testing.T) {
	p := testPlugins()
	chain, err := p.buildChain(connector.Config{
		"transforms":                      "up,dropOthers",
		"transforms.up.type":              "com.example.Upper",
		"transforms.up.suffix":            "!",
		"transforms.up.predicate":         "isA",
		"transforms.dropOthers.type":      "com.example.Drop",
		"transforms.dropOthers.predicate": "isA",
		"transforms.dropOthers.negate":    "true",
		"predicates":                      "isA",
		"predicates.isA.type":             "com.example.TopicIs",
		"predicates.isA.pattern":          "a",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := &connector.Record{Topic: "a", Value: "x"}
	out, err := chain.apply(in)
	if err != nil || out == nil || out.Value != "X!" || in.Value != "x" {
		t.Fatalf("topic a: got %+v, %v (input must be untouched: %v)", out, err, in.Value)
	}
	out, err = chain.apply(&connector.Record{Topic: "b", Value: "y"})
	if err != nil || out != nil {
		t.Fatalf("topic b must be dropped by the negated predicate, got %+v, %v", out, err)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestValidateReportsForbiddenProducerOverrides(t *testing.T) {
	p := testPlugins()
	cfg := connector.Config{"connector.class": "FakeSource", "name": "c", "topic": "t", "producer.override.linger.ms": "5"}
	infos, _, err := p.ValidateConnector(cfg, map[string]string{keyOverridePolicy: "None"})
	if err != nil {
		t.Fatal(err)
	}
	last := infos.Configs[len(infos.Configs)-1]
	if infos.ErrorCount != 1 || last.Definition != nil || last.Value.Name != "producer.override.linger.ms" ||
		last.Value.Errors[0] != "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration." {
		t.Fatalf("error count %d, last entry %+v", infos.ErrorCount, last)
	}
	infos, _, _ = p.ValidateConnector(cfg, map[string]string{keyOverridePolicy: "All"})
	if infos.ErrorCount != 0 {
		t.Fatalf("policy All allows overrides, got %d errors", infos.ErrorCount)
	}
}
