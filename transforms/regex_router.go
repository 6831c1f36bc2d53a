package transforms

import "github.com/tributary-connect/tributary/connector"

// RegexRouter (org.apache.kafka.connect.transforms.RegexRouter) updates the record topic
// using the configured regular expression and replacement string. When the regex matches
// the whole topic (Java's Matcher.matches()), the new topic is Matcher.replaceFirst(
// replacement): $1 … and ${name} insert groups, \ escapes the next character. Otherwise the
// record passes unchanged. The regex is a Java regular expression, translated to Go's RE2
// (javaregex.go lists what is supported); a bad replacement (such as $2 with one group)
// fails the record when the topic matches, as in Java.
type regexRouter struct {
	re          *javaRegex
	replacement *javaReplacement
}

var regexRouterConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "regex", Type: connector.ConfigString, Required: true, Validate: javaRegexValidator(false), Importance: connector.High,
		Doc: "Regular expression to use for matching."},
	{Name: "replacement", Type: connector.ConfigString, Required: true, Importance: connector.High,
		Doc: "Replacement string."},
}}

func init() {
	newFn := func() connector.Transformation { return &regexRouter{} }
	registerTransformation(javaPackage+"RegexRouter", newFn)
}

func (t *regexRouter) ConfigDef() *connector.ConfigDef { return regexRouterConfigDef }

func (t *regexRouter) Configure(cfg connector.Config) error {
	v, err := regexRouterConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	re, err := compileJavaRegex(v.String("regex"))
	if err != nil { // unreachable: the validator compiled it
		return err
	}
	t.re, t.replacement = re, re.replacement(v.String("replacement"))
	return nil
}

func (t *regexRouter) Apply(r *connector.Record) (*connector.Record, error) {
	if !t.re.matches(r.Topic) {
		return r, nil
	}
	topic, err := t.re.replaceFirst(r.Topic, t.replacement)
	if err != nil {
		return nil, err
	}
	return r.NewRecord(topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp), nil
}
