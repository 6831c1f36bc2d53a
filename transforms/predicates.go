package transforms

import "github.com/tributary-connect/tributary/connector"

// The predicates of org.apache.kafka.connect.transforms.predicates, which decide whether a
// transformation applies to a record (transforms.<alias>.predicate, .negate).

// topicNameMatches (TopicNameMatches) is true for records with a topic name that the
// configured Java regular expression matches as a whole (Matcher.matches()). The pattern is
// translated to Go's RE2: javaregex.go lists what is supported.
type topicNameMatches struct{ re *javaRegex }

var topicNameMatchesConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "pattern", Type: connector.ConfigString, Required: true, Validate: javaRegexValidator(true), Importance: connector.Medium,
		Doc: "A Java regular expression for matching against the name of a record's topic."},
}}

// hasHeaderKey (HasHeaderKey) is true for records with at least one header with the
// configured name.
type hasHeaderKey struct{ name string }

var hasHeaderKeyConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "name", Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString, Importance: connector.Medium,
		Doc: "The header name."},
}}

// recordIsTombstone (RecordIsTombstone) is true for records which are tombstones (i.e. have
// null value); the key is not looked at.
type recordIsTombstone struct{}

var recordIsTombstoneConfigDef = &connector.ConfigDef{}

func init() {
	registerPredicate(javaPredicatePackage+"TopicNameMatches", func() connector.Predicate { return &topicNameMatches{} })
	registerPredicate(javaPredicatePackage+"HasHeaderKey", func() connector.Predicate { return &hasHeaderKey{} })
	registerPredicate(javaPredicatePackage+"RecordIsTombstone", func() connector.Predicate { return recordIsTombstone{} })
}

func (p *topicNameMatches) ConfigDef() *connector.ConfigDef { return topicNameMatchesConfigDef }

func (p *topicNameMatches) Configure(cfg connector.Config) error {
	v, err := topicNameMatchesConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	p.re, err = compileJavaRegex(v.String("pattern"))
	return err
}

// Test matches the topic as a string; Go has no null topic, so the empty topic is matched
// like any other (Java returns false for a null topic).
func (p *topicNameMatches) Test(r *connector.Record) (bool, error) { return p.re.matches(r.Topic), nil }

func (p *hasHeaderKey) ConfigDef() *connector.ConfigDef { return hasHeaderKeyConfigDef }

func (p *hasHeaderKey) Configure(cfg connector.Config) error {
	v, err := hasHeaderKeyConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	p.name = v.String("name")
	return nil
}

func (p *hasHeaderKey) Test(r *connector.Record) (bool, error) {
	_, ok := r.Headers.Last(p.name)
	return ok, nil
}

func (recordIsTombstone) ConfigDef() *connector.ConfigDef { return recordIsTombstoneConfigDef }

func (recordIsTombstone) Configure(connector.Config) error { return nil }

func (recordIsTombstone) Test(r *connector.Record) (bool, error) { return r.Value == nil, nil }
