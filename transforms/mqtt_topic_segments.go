package transforms

import (
	"strconv"
	"strings"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// MqttTopicSegments (io.tributary.transforms.MqttTopicSegments) copies levels of the MQTT
// topic a record came from into fields of its value and/or into headers. The topic is read
// from the header named by topic.header (mqtt.topic, which the MQTT connector sets), or,
// when the record has no such header (or it is not a string), from the record key (the MQTT
// connector's default key is the topic).
//
// segments lists name:level pairs: segments=site:1,device:3 on the topic
// factory/line-4/press-7/temperature gives site=factory and device=press-7. Levels count
// from 1; a negative level counts from the end (-1 is the last level). A level the topic
// does not have gives a null field and no header.
//
// With target=value (the default) or both, the value must be a Struct (each name becomes
// an optional STRING field appended to the schema; a name the schema already has fails the
// record) or a schemaless map (each name is set, replacing an existing key). A payload that
// is still bytes must first be parsed, for instance with JsonPayload$Value. A null value
// passes unchanged. With target=headers or both, each level is appended as a STRING header
// named after its segment.
type mqttTopicSegments struct {
	segments    []topicSegment
	toValue     bool
	toHeaders   bool
	topicHeader string
}

type topicSegment struct {
	name  string
	level int // 1-based; negative from the end
}

var mqttTopicSegmentsConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "segments", Type: connector.ConfigList, Required: true, Validate: validateTopicSegments, Importance: connector.High,
		Doc: "The topic levels to extract, as name:level pairs, for example <code>site:1,device:3</code>. Levels count from 1; a negative level counts from the end (-1 is the last level)."},
	{Name: "target", Type: connector.ConfigString, Default: "value", Validate: javaValidStringIn("value", "headers", "both"), Importance: connector.High,
		Doc: "Where the levels go: <code>value</code> (fields of the value Struct or map), <code>headers</code> (one STRING header per segment) or <code>both</code>."},
	{Name: "topic.header", Type: connector.ConfigString, Default: "mqtt.topic", Validate: connector.NonEmptyString, Importance: connector.Low,
		Doc: "The header holding the MQTT topic. When a record has no such header, its key is used as the topic (it must be a string)."},
}}

func init() {
	registerTransformation("io.tributary.transforms.MqttTopicSegments", func() connector.Transformation { return &mqttTopicSegments{} })
}

func parseTopicSegments(items []string) ([]topicSegment, string) {
	seen := map[string]bool{}
	out := make([]topicSegment, 0, len(items))
	for _, item := range items {
		name, level, ok := strings.Cut(item, ":")
		name, level = strings.TrimSpace(name), strings.TrimSpace(level)
		if !ok || name == "" {
			return nil, "Each segment must be name:level, such as site:1, not '" + item + "'"
		}
		n, err := strconv.Atoi(level)
		if err != nil || n == 0 {
			return nil, "The level of segment '" + name + "' must be a non-zero integer (1 is the first level, -1 the last), not '" + level + "'"
		}
		if seen[name] {
			return nil, "Segment name '" + name + "' is used twice"
		}
		seen[name] = true
		out = append(out, topicSegment{name: name, level: n})
	}
	if len(out) == 0 {
		return nil, "Empty list"
	}
	return out, ""
}

func validateTopicSegments(v any) error {
	items, _ := v.([]string)
	if _, msg := parseTopicSegments(items); msg != "" {
		return &javaRuntimeError{msg: msg}
	}
	return nil
}

func (t *mqttTopicSegments) ConfigDef() *connector.ConfigDef { return mqttTopicSegmentsConfigDef }

func (t *mqttTopicSegments) Configure(cfg connector.Config) error {
	v, err := mqttTopicSegmentsConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.segments, _ = parseTopicSegments(v.List("segments"))
	target := v.String("target")
	t.toValue = target == "value" || target == "both"
	t.toHeaders = target == "headers" || target == "both"
	t.topicHeader = v.String("topic.header")
	return nil
}

// topic returns the record's MQTT topic.
func (t *mqttTopicSegments) topic(r *connector.Record) (string, error) {
	text := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case []byte:
			return string(x), true
		}
		return "", false
	}
	if h, ok := r.Headers.Last(t.topicHeader); ok {
		if s, ok := text(h.Value); ok {
			return s, nil
		}
	}
	if s, ok := text(r.Key); ok {
		return s, nil
	}
	return "", connector.DataErrorf("MqttTopicSegments: the record has no %s header and its key is not a string (found: %s)", t.topicHeader, jvalues.JavaClassName(r.Key))
}

// levels returns the configured levels of topic; ok is false where the topic is too short.
func (t *mqttTopicSegments) levels(topic string) ([]string, []bool) {
	parts := strings.Split(topic, "/")
	vals := make([]string, len(t.segments))
	ok := make([]bool, len(t.segments))
	for i, s := range t.segments {
		j := s.level - 1
		if s.level < 0 {
			j = len(parts) + s.level
		}
		if j >= 0 && j < len(parts) {
			vals[i], ok[i] = parts[j], true
		}
	}
	return vals, ok
}

func (t *mqttTopicSegments) Apply(r *connector.Record) (*connector.Record, error) {
	if t.toValue && !t.toHeaders && r.Value == nil {
		return r, nil
	}
	topic, err := t.topic(r)
	if err != nil {
		return nil, err
	}
	vals, present := t.levels(topic)
	out := r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp)
	if t.toValue && r.Value != nil {
		if out.ValueSchema, out.Value, err = t.insert(r.ValueSchema, r.Value, vals, present); err != nil {
			return nil, err
		}
	}
	if t.toHeaders {
		for i, s := range t.segments {
			if present[i] {
				out.Headers.Add(s.name, connector.StringSchema, vals[i])
			}
		}
	}
	return out, nil
}

const topicSegmentsPurpose = "MQTT topic segment insertion"

func (t *mqttTopicSegments) insert(schema *connector.Schema, value any, vals []string, present []bool) (*connector.Schema, any, error) {
	field := func(i int) any {
		if present[i] {
			return vals[i]
		}
		return nil
	}
	if schema == nil {
		m, err := requireMap(value, topicSegmentsPurpose)
		if err != nil {
			return nil, nil, err
		}
		updated := make(map[string]any, len(m)+len(t.segments))
		for k, x := range m {
			updated[k] = x
		}
		for i, s := range t.segments {
			updated[s.name] = field(i)
		}
		return nil, updated, nil
	}
	st, err := requireStruct(value, topicSegmentsPurpose)
	if err != nil {
		return nil, nil, err
	}
	b := copySchemaBasics(schema, connector.TypeStruct)
	if schema.Optional {
		b.Optional()
	}
	for _, f := range schema.Fields {
		b.Field(f.Name, f.Schema)
	}
	for _, s := range t.segments {
		if _, dup := schema.Field(s.name); dup {
			return nil, nil, connector.DataErrorf("MqttTopicSegments: the value already has a field named %s", s.name)
		}
		b.Field(s.name, connector.OptionalStringSchema)
	}
	updatedSchema, err := b.Build()
	if err != nil {
		return nil, nil, err
	}
	updated, err := connector.NewStruct(updatedSchema)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range schema.Fields {
		x, err := st.Get(f.Name)
		if err != nil {
			return nil, nil, err
		}
		if err := updated.Put(f.Name, x); err != nil {
			return nil, nil, err
		}
	}
	for i, s := range t.segments {
		if err := updated.Put(s.name, field(i)); err != nil {
			return nil, nil, err
		}
	}
	return updatedSchema, updated, nil
}
