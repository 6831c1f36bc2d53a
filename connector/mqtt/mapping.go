package mqtt

import (
	"fmt"
	"strconv"
	"strings"
)

// topicTemplate renders a Kafka topic name from an MQTT topic: literal text, {N} for the
// N-th level (1-based) and {topic} for the whole topic.
type topicTemplate struct {
	parts  []templatePart
	static string // the rendered name when the template has no placeholder
}

type templatePart struct {
	literal string
	level   int // > 0: that level; -1: the whole topic; 0: literal
}

// maxTopicLen is Kafka's limit on topic name length.
const maxTopicLen = 249

func parseTopicTemplate(s string) (*topicTemplate, error) {
	if s == "" {
		return nil, fmt.Errorf("the topic must not be empty")
	}
	t := &topicTemplate{}
	dynamic := false
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t.parts = append(t.parts, templatePart{literal: s})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, templatePart{literal: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unclosed '{' in %q", s)
		}
		name := s[i+1 : i+j]
		switch n, err := strconv.Atoi(name); {
		case name == "topic":
			t.parts = append(t.parts, templatePart{level: -1})
		case err == nil && n >= 1:
			t.parts = append(t.parts, templatePart{level: n})
		default:
			return nil, fmt.Errorf("{%s} is not a placeholder: use {topic} or a level number {1}, {2} …", name)
		}
		dynamic = true
		s = s[i+j+1:]
	}
	if !dynamic {
		t.static = sanitizeTopic(t.parts[0].literal)
		if err := checkTopicName(t.static); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// render returns the Kafka topic for an MQTT topic, or an error if the result is not a
// legal Kafka topic name.
func (t *topicTemplate) render(mqttTopic string) (string, error) {
	if t.static != "" {
		return t.static, nil
	}
	var b strings.Builder
	var levels []string
	for _, p := range t.parts {
		switch {
		case p.level == 0:
			b.WriteString(p.literal)
		case p.level < 0:
			b.WriteString(mqttTopic)
		default:
			if levels == nil {
				levels = strings.Split(mqttTopic, "/")
			}
			if p.level <= len(levels) {
				b.WriteString(levels[p.level-1])
			}
		}
	}
	name := sanitizeTopic(b.String())
	if err := checkTopicName(name); err != nil {
		return "", fmt.Errorf("MQTT topic %q maps to an illegal Kafka topic: %w", mqttTopic, err)
	}
	return name, nil
}

// sanitizeTopic makes a Kafka topic name: '/' becomes '.', every character outside
// [a-zA-Z0-9._-] becomes '_', and the name is cut at Kafka's 249 characters.
func sanitizeTopic(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c == '/':
			b[i] = '.'
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			b[i] = '_'
		}
	}
	if len(b) > maxTopicLen {
		b = b[:maxTopicLen]
	}
	return string(b)
}

func checkTopicName(s string) error {
	switch s {
	case "":
		return fmt.Errorf("the topic name is empty")
	case ".", "..":
		return fmt.Errorf("topic name %q is illegal", s)
	}
	return nil
}

// topicLevel returns the n-th level (1-based) of an MQTT topic.
func topicLevel(topic string, n int) (string, bool) {
	for i := 1; ; i++ {
		j := strings.IndexByte(topic, '/')
		if i == n {
			if j < 0 {
				return topic, true
			}
			return topic[:j], true
		}
		if j < 0 {
			return "", false
		}
		topic = topic[j+1:]
	}
}
