package mqtt

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
)

type testContext struct{}

func (testContext) RequestTaskReconfiguration() {}
func (testContext) RaiseError(error)            {}
func (testContext) Logger() hclog.Logger        { return hclog.NewNullLogger() }

func startConnector(t *testing.T, cfg connector.Config) *sourceConnector {
	t.Helper()
	c := NewSourceConnector().(*sourceConnector)
	if err := c.Start(context.Background(), testContext{}, cfg); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTaskConfigsSharedSubscriptions(t *testing.T) {
	c := startConnector(t, connector.Config{"name": "plant", ServerURIConfig: "tcp://b", TopicsConfig: "a/#,b/+"})
	tcs, err := c.TaskConfigs(3)
	if err != nil || len(tcs) != 3 {
		t.Fatalf("%d configs, %v", len(tcs), err)
	}
	for i, tc := range tcs {
		if got, want := tc[taskClientIDConfig], "plant-"+string(rune('0'+i)); got != want {
			t.Errorf("task %d client id %q, want %q", i, got, want)
		}
		if got, want := splitList(tc[taskSubscribeConfig]), []string{"$share/plant/a/#", "$share/plant/b/+"}; !reflect.DeepEqual(got, want) {
			t.Errorf("task %d subscribes %v, want %v", i, got, want)
		}
		if got, want := splitList(tc[taskUnsubscribeConfig]), []string{"a/#", "b/+"}; !reflect.DeepEqual(got, want) {
			t.Errorf("task %d unsubscribes %v, want %v", i, got, want)
		}
		if tc[taskCountConfig] != "3" || tc[ServerURIConfig] != "tcp://b" {
			t.Errorf("task %d config %v", i, tc)
		}
	}
}

func TestTaskConfigsOneTaskSubscribesPlainly(t *testing.T) {
	c := startConnector(t, connector.Config{"name": "p", ServerURIConfig: "tcp://b", TopicsConfig: "a/#", SharedGroupConfig: "g"})
	tcs, _ := c.TaskConfigs(1)
	if len(tcs) != 1 || tcs[0][taskSubscribeConfig] != "a/#" || tcs[0][taskUnsubscribeConfig] != "$share/g/a/#" {
		t.Fatalf("%v", tcs)
	}
}

func TestTaskConfigsSplitsTopicsOn311(t *testing.T) {
	c := startConnector(t, connector.Config{
		"name": "p", ServerURIConfig: "tcp://b", TopicsConfig: "a,b,c", VersionConfig: Version311, ClientIDPrefixConfig: "dev",
	})
	tcs, _ := c.TaskConfigs(5) // at most one task per filter
	var got []string
	for _, tc := range tcs {
		got = append(got, tc[taskClientIDConfig]+":"+strings.ReplaceAll(tc[taskSubscribeConfig], "\n", "+")+":"+strings.ReplaceAll(tc[taskUnsubscribeConfig], "\n", "+"))
	}
	want := []string{"dev-0:a:b+c", "dev-1:b:a+c", "dev-2:c:a+b"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	tcs, _ = c.TaskConfigs(2)
	if tcs[0][taskSubscribeConfig] != "a\nc" || tcs[1][taskSubscribeConfig] != "b" {
		t.Fatalf("two tasks: %v / %v", tcs[0][taskSubscribeConfig], tcs[1][taskSubscribeConfig])
	}
}

func TestConfluentClassNamesItsTask(t *testing.T) {
	if got := NewConfluentSourceConnector().TaskClass(); got != ConfluentTaskClass {
		t.Fatal(got)
	}
	if got := NewSourceConnector().TaskClass(); got != TaskClass {
		t.Fatal(got)
	}
}

func TestValidateConfig(t *testing.T) {
	c := NewSourceConnector().(*sourceConnector)
	cfg := connector.Config{
		"name": "v", ServerURIConfig: "ssl://b", TopicsConfig: "$share/g/a", VersionConfig: Version311,
		CAFileConfig: "/nonexistent/ca.pem",
	}
	values := c.ValidateConfig(cfg, configDef.Validate(cfg))
	errs := map[string]string{}
	for _, v := range values {
		if len(v.Errors) > 0 {
			errs[v.Name] = strings.Join(v.Errors, "; ")
		}
	}
	if !strings.Contains(errs[CAFileConfig], "/nonexistent/ca.pem") {
		t.Errorf("%s: %q", CAFileConfig, errs[CAFileConfig])
	}
	if !strings.Contains(errs[TopicsConfig], "mqtt.version=5") {
		t.Errorf("%s: %q", TopicsConfig, errs[TopicsConfig])
	}
	if len(errs) != 2 {
		t.Errorf("errors %v", errs)
	}

	bad := connector.Config{"name": "v", ServerURIConfig: "http://b", TopicsConfig: "a/#/b", QoSConfig: "3", KafkaTopicConfig: "x.{y}"}
	errs = map[string]string{}
	for _, v := range c.ValidateConfig(bad, configDef.Validate(bad)) {
		if len(v.Errors) > 0 {
			errs[v.Name] = strings.Join(v.Errors, "; ")
		}
	}
	for _, k := range []string{ServerURIConfig, TopicsConfig, QoSConfig, KafkaTopicConfig} {
		if errs[k] == "" {
			t.Errorf("no error on %s (errors: %v)", k, errs)
		}
	}
}

func TestReceiveBuildsTheRecord(t *testing.T) {
	s, err := parseSettings(connector.Config{
		"name": "r", ServerURIConfig: "tcp://b", TopicsConfig: "#", KafkaTopicConfig: "iot.{1}",
		KeyModeConfig: KeySegment, KeySegmentConfig: "2", taskClientIDConfig: "r-0", taskCountConfig: "1",
	})
	if err != nil {
		t.Fatal(err)
	}
	task := &sourceTask{s: s, log: hclog.NewNullLogger(), buf: make(chan inbound, 4), fatal: make(chan error, 1),
		pending: map[*connector.Record]ackRef{}, own: &origin{partition: map[string]any{PartitionClientID: "r-0"}}}
	task.own.messages.Store(41)
	q := newAckQueue(nil)
	acked := 0
	task.receive(context.Background(), task.own, message{
		topic: "plant/line4", payload: []byte("x"), qos: 1, duplicate: true, packetID: 7,
		headers: func(h *connector.Headers) { h.Add("site", connector.StringSchema, "north") },
	}, q, func() { acked++ })
	recs, err := task.Poll(context.Background())
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	r := recs[0]
	if r.Topic != "iot.plant" || r.Key != "line4" || string(r.Value.([]byte)) != "x" {
		t.Errorf("record %+v", r)
	}
	if got := r.SourceOffset; got[OffsetMessages] != int64(42) || got[OffsetTasks] != int64(1) {
		t.Errorf("offset %v", got)
	}
	var hs []string
	for _, h := range r.Headers {
		hs = append(hs, h.Key)
	}
	if want := "mqtt.topic mqtt.qos mqtt.retained mqtt.duplicate mqtt.message.id site"; strings.Join(hs, " ") != want {
		t.Errorf("headers %v, want %s", hs, want)
	}
	if acked != 0 {
		t.Fatal("acknowledged before Kafka had the record")
	}
	if err := task.CommitRecord(context.Background(), r, &connector.RecordMetadata{}); err != nil {
		t.Fatal(err)
	}
	if acked != 1 {
		t.Fatalf("acked %d times after the commit", acked)
	}

	// A topic that renders an illegal Kafka topic fails the task and is not acknowledged.
	task.s.topic, _ = parseTopicTemplate("{1}")
	task.receive(context.Background(), task.own, message{topic: "/x", qos: 1}, q, func() { acked++ })
	if _, err := task.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "illegal Kafka topic") {
		t.Fatalf("Poll error %v", err)
	}
	if acked != 1 {
		t.Fatal("a message that failed the task was acknowledged")
	}
}

func TestRetainedSkipIsAcknowledgedNotForwarded(t *testing.T) {
	s, _ := parseSettings(connector.Config{
		"name": "r", ServerURIConfig: "tcp://b", TopicsConfig: "#", RetainedPolicyConfig: RetainedSkip, BufferEmptyTimeout: "1",
	})
	task := &sourceTask{s: s, log: hclog.NewNullLogger(), buf: make(chan inbound, 4), fatal: make(chan error, 1),
		pending: map[*connector.Record]ackRef{}, own: &origin{}}
	q := newAckQueue(nil)
	acked := 0
	task.receive(context.Background(), task.own, message{topic: "a", qos: 1, retained: true}, q, func() { acked++ })
	if recs, err := task.Poll(context.Background()); len(recs) != 0 || err != nil {
		t.Fatalf("%v %v", recs, err)
	}
	if acked != 1 || task.skipped.Load() != 1 {
		t.Fatalf("acked %d, skipped %d", acked, task.skipped.Load())
	}
}
