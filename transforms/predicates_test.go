package transforms

import (
	"strings"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestTopicNameMatches(t *testing.T) {
	const class = javaPredicatePackage + "TopicNameMatches"
	p, err := newPredicate(t, class, connector.Config{"pattern": "my-prefix-.*"})
	if err != nil {
		t.Fatal(err)
	}
	for topic, want := range map[string]bool{ // TopicNameMatchesTest.testTest
		"my-prefix-": true, "my-prefix-foo": true, "x-my-prefix-": false, "x-my-prefix-foo": false,
		"your-prefix-": false, "your-prefix-foo": false, "my-prefix": false,
	} {
		if got, err := p.Test(&connector.Record{Topic: topic}); err != nil || got != want {
			t.Errorf("%q: got %v %v, want %v", topic, got, err, want)
		}
	}
	p, _ = newPredicate(t, class, connector.Config{"pattern": `telemetry\.(temp|hum)`})
	for topic, want := range map[string]bool{"telemetry.temp": true, "telemetry.hum": true, "telemetry.temp2": false, "xtelemetry.temp": false} {
		if got, _ := p.Test(&connector.Record{Topic: topic}); got != want {
			t.Errorf("%q: got %v, want %v", topic, got, want)
		}
	}

	_, err = newPredicate(t, class, connector.Config{})
	wantConfigError(t, err, `Missing required configuration "pattern" which has no default value.`)
	_, err = newPredicate(t, class, connector.Config{"pattern": ""})
	wantConfigError(t, err, "Invalid value  for configuration pattern: String must be non-empty")
	_, err = newPredicate(t, class, connector.Config{"pattern": "*"})
	wantConfigError(t, err, "Invalid value * for configuration pattern: Invalid regex: Dangling meta character '*' near index 0\n*\n^")
	// The REST validation reports the same (TopicNameMatchesTest.testConfig).
	vals := topicNameMatchesConfigDef.Validate(connector.Config{"pattern": "*"})
	if len(vals) != 1 || len(vals[0].Errors) != 1 || !strings.Contains(vals[0].Errors[0], "Invalid regex") {
		t.Errorf("validate: %+v", vals)
	}
}

func TestHasHeaderKey(t *testing.T) {
	const class = javaPredicatePackage + "HasHeaderKey"
	p, err := newPredicate(t, class, connector.Config{"name": "mqtt.retained"})
	if err != nil {
		t.Fatal(err)
	}
	r := mqttRecord("a/b", "{}")
	if got, _ := p.Test(r); got {
		t.Error("matched a record without the header")
	}
	r.Headers.Add("mqtt.retained", connector.BooleanSchema, true)
	r.Headers.Add("mqtt.retained", nil, nil)
	if got, _ := p.Test(r); !got {
		t.Error("did not match a record with the header")
	}
	if got, _ := p.Test(&connector.Record{}); got {
		t.Error("matched a record without headers")
	}
	_, err = newPredicate(t, class, connector.Config{})
	wantConfigError(t, err, `Missing required configuration "name" which has no default value.`)
	_, err = newPredicate(t, class, connector.Config{"name": " "})
	wantConfigError(t, err, "Invalid value  for configuration name: String must be non-empty")
}

func TestRecordIsTombstone(t *testing.T) {
	p, err := newPredicate(t, javaPredicatePackage+"RecordIsTombstone", connector.Config{"ignored": "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    *connector.Record
		want bool
	}{
		{&connector.Record{Key: "k"}, true},
		{&connector.Record{Key: "k", ValueSchema: connector.OptionalBytesSchema}, true},
		{&connector.Record{Value: []byte{}}, false},
		{&connector.Record{Value: map[string]any{}}, false},
		{mqttRecord("a", ""), false},
	} {
		if got, _ := p.Test(c.r); got != c.want {
			t.Errorf("%+v: got %v", c.r, got)
		}
	}
}

func TestFilter(t *testing.T) {
	tr := mustTransform(t, javaPackage+"Filter", connector.Config{"anything": "x"})
	for _, r := range []*connector.Record{mqttRecord("a", "x"), {}} {
		if out, err := tr.Apply(r); out != nil || err != nil {
			t.Errorf("got %v %v, want the record dropped", out, err)
		}
	}
	if len(tr.ConfigDef().Keys) != 0 {
		t.Error("Filter has no configuration")
	}
}

func TestDropHeaders(t *testing.T) {
	const class = javaPackage + "DropHeaders"
	tr := mustTransform(t, class, connector.Config{"headers": "mqtt.qos, dup,absent"})
	in := mqttRecord("a/b", "x")
	in.Headers.Add("dup", nil, "1")
	in.Headers.Add("keep", connector.StringSchema, "k")
	in.Headers.Add("dup", nil, "2")
	out, err := tr.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Headers) != 5 {
		t.Error("the input record changed")
	}
	var keys []string
	for _, h := range out.Headers {
		keys = append(keys, h.Key)
	}
	if strings.Join(keys, ",") != "mqtt.topic,keep" {
		t.Errorf("kept %v", keys)
	}
	if out.Topic != in.Topic || string(out.Value.([]byte)) != "x" || out.Key != "a/b" {
		t.Errorf("record changed: %+v", out)
	}
	// No headers at all.
	if out, err := tr.Apply(&connector.Record{Topic: "t"}); err != nil || len(out.Headers) != 0 || out.Topic != "t" {
		t.Errorf("got %+v %v", out, err)
	}

	_, err = newTransform(t, class, connector.Config{})
	wantConfigError(t, err, `Missing required configuration "headers" which has no default value.`)
	_, err = newTransform(t, class, connector.Config{"headers": ""})
	wantConfigError(t, err, "Invalid value [] for configuration headers: Empty list")
}
