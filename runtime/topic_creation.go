package runtime

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/connector"
)

// Topic creation for source connectors (KIP-158): with the worker's topic.creation.enable
// (default true) and at least one topic.creation.* key in the connector config, a task
// creates each topic it is about to write to for the first time, with the settings of the
// first group whose include patterns match it and whose exclude patterns don't. The
// "default" group always exists, matches every topic and comes last.

const (
	topicCreationPrefix  = "topic.creation."
	topicCreationDefault = "default"
)

// topicCreationEnabled reports whether a connector uses topic creation on this worker.
func (w *Worker) topicCreationEnabled(cfg connector.Config) bool {
	if !w.cfg.Values.Bool("topic.creation.enable") {
		return false
	}
	return usesTopicCreation(cfg)
}

func usesTopicCreation(cfg connector.Config) bool {
	for k := range cfg {
		if strings.HasPrefix(k, topicCreationPrefix) {
			return true
		}
	}
	return false
}

func validPartitions(v any) error {
	if n, ok := v.(int32); ok && n != -1 && n < 1 {
		return fmt.Errorf("Number of partitions must be positive, or -1 to use the broker's default")
	}
	return nil
}

func validReplicationFactor(v any) error {
	if n, ok := v.(int16); ok && n != -1 && n < 1 {
		return fmt.Errorf("Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default")
	}
	return nil
}

func validRegexes(v any) error {
	l, _ := v.([]string)
	for _, p := range l {
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("Syntax error in regular expression: %w", err)
		}
	}
	return nil
}

const (
	includeDoc = "A list of regular expression literals used to match the topic names used by the source connector. This list is used to include topics that should be created using the topic settings defined by this group."
	excludeDoc = "A list of regular expression literals used to match the topic names used by the source connector. This list is used to exclude topics from being created with the topic settings defined by this group. Note that exclusion rules have precedent and override any inclusion rules for the topics."
	rfDoc      = "The replication factor for new topics created for this connector using this group. This value may be -1 to use the broker'sdefault replication factor, or may be a positive number not larger than the number of brokers in the Kafka cluster. A value larger than the number of brokers in the Kafka cluster will result in an error when the new topic is created. For the default group this configuration is required. For any other group defined in topic.creation.groups this config is optional and if it's missing it gets the value of the default group"
	partsDoc   = "The number of partitions new topics created for this connector. This value may be -1 to use the broker's default number of partitions, or a positive number representing the desired number of partitions. For the default group this configuration is required. For any other group defined in topic.creation.groups this config is optional and if it's missing it gets the value of the default group"
)

// topicCreationKeys are the keys of one group (TopicCreationConfig). The default group's
// include is ".*" and its replication factor and partitions are required; other groups
// inherit those two from the default group.
func topicCreationKeys(group string, rfDefault, partsDefault any) []connector.ConfigKey {
	prefix := topicCreationPrefix + group + "."
	include := any("")
	required := false
	if group == topicCreationDefault {
		include, required = ".*", true
	}
	display := group
	groupName := groupTopicCreate
	if group != topicCreationDefault {
		groupName = groupTopicCreate + ": " + group
	}
	return []connector.ConfigKey{
		{Name: prefix + "include", Type: connector.ConfigList, Default: include, Validate: validRegexes, Importance: connector.Low, Doc: includeDoc, Group: groupName, Order: 1, Width: connector.WidthLong, DisplayName: "Inclusion Topic Pattern for " + display},
		{Name: prefix + "exclude", Type: connector.ConfigList, Default: "", Validate: validRegexes, Importance: connector.Low, Doc: excludeDoc, Group: groupName, Order: 2, Width: connector.WidthLong, DisplayName: "Exclusion Topic Pattern for " + display},
		{Name: prefix + "replication.factor", Type: connector.ConfigShort, Required: required, Default: rfDefault, Validate: validReplicationFactor, Importance: connector.Low, Doc: rfDoc, Group: groupName, Order: 3, Width: connector.WidthLong, DisplayName: "Replication Factor for Topics in " + display},
		{Name: prefix + "partitions", Type: connector.ConfigInt, Required: required, Default: partsDefault, Validate: validPartitions, Importance: connector.Low, Doc: partsDoc, Group: groupName, Order: 4, Width: connector.WidthLong, DisplayName: "Partition Count for Topics in " + display},
	}
}

// topicCreationDef returns the topic-creation keys for cfg: the default group, then each
// group of topic.creation.groups. They are checked when a connector starts (Kafka's
// SourceConnectorConfig), not by /validate.
func topicCreationDef(cfg connector.Config) []connector.ConfigKey {
	if !usesTopicCreation(cfg) {
		return nil
	}
	keys := topicCreationKeys(topicCreationDefault, nil, nil)
	rf, parts := any(nil), any(nil)
	if v, ok := cfg[topicCreationPrefix+"default.replication.factor"]; ok {
		rf = v
	}
	if v, ok := cfg[topicCreationPrefix+"default.partitions"]; ok {
		parts = v
	}
	groups, _ := connector.ParseValue(connector.ConfigList, cfg[KeyTopicCreationGroups])
	for _, g := range uniq(groups.([]string)) {
		if g == topicCreationDefault || g == "" {
			continue
		}
		keys = append(keys, topicCreationKeys(g, rf, parts)...)
	}
	return keys
}

// topicGroup is one parsed topic-creation group.
type topicGroup struct {
	name       string
	include    []*regexp.Regexp
	exclude    []*regexp.Regexp
	partitions int
	rf         int
	configs    map[string]string
}

func (g *topicGroup) matches(topic string) bool {
	for _, re := range g.exclude {
		if re.MatchString(topic) {
			return false
		}
	}
	for _, re := range g.include {
		if re.MatchString(topic) {
			return true
		}
	}
	return false
}

// parseTopicGroups builds the groups of a validated connector config, default last.
func parseTopicGroups(cfg connector.Config) ([]*topicGroup, error) {
	vals, err := (&connector.ConfigDef{Keys: topicCreationDef(cfg)}).Parse(cfg)
	if err != nil {
		return nil, err
	}
	groups, _ := connector.ParseValue(connector.ConfigList, cfg[KeyTopicCreationGroups])
	names := []string{}
	for _, g := range uniq(groups.([]string)) {
		if g != topicCreationDefault && g != "" {
			names = append(names, g)
		}
	}
	names = append(names, topicCreationDefault)
	var out []*topicGroup
	for _, name := range names {
		prefix := topicCreationPrefix + name + "."
		g := &topicGroup{
			name: name, partitions: int(vals.Int(prefix + "partitions")), rf: int(vals.Short(prefix + "replication.factor")),
			configs: map[string]string{},
		}
		for _, p := range vals.List(prefix + "include") {
			g.include = append(g.include, regexp.MustCompile("^(?:"+p+")$")) // validated; Java matches the whole name
		}
		for _, p := range vals.List(prefix + "exclude") {
			g.exclude = append(g.exclude, regexp.MustCompile("^(?:"+p+")$"))
		}
		for k, v := range withPrefix(cfg, prefix) {
			switch k {
			case "include", "exclude", "replication.factor", "partitions":
			default:
				g.configs[k] = v
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// topicCreator creates topics for one task, once per topic.
type topicCreator struct {
	groups []*topicGroup
	admin  *kafka.AdminClient
	mu     sync.Mutex
	known  map[string]bool
}

// ensure makes sure topic exists before the first record is sent to it.
func (c *topicCreator) ensure(ctx context.Context, topic string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.known[topic] {
		return nil
	}
	var group *topicGroup
	for _, g := range c.groups {
		if g.matches(topic) {
			group = g
			break
		}
	}
	if group == nil { // excluded by the default group too: leave it to the broker
		c.known[topic] = true
		return nil
	}
	spec := kafka.TopicSpecification{Topic: topic, NumPartitions: group.partitions, ReplicationFactor: group.rf, Config: group.configs}
	res, err := c.admin.CreateTopics(ctx, []kafka.TopicSpecification{spec})
	if err != nil {
		return fmt.Errorf("Task failed to create new topic %s. Ensure that the task is authorized to create topics or that the topic exists and restart the task: %w", topic, err)
	}
	if code := res[0].Error.Code(); code != kafka.ErrNoError && code != kafka.ErrTopicAlreadyExists {
		return fmt.Errorf("Task failed to create new topic %s. Ensure that the task is authorized to create topics or that the topic exists and restart the task: %w", topic, res[0].Error)
	}
	c.known[topic] = true
	return nil
}
