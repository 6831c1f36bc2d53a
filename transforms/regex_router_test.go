package transforms

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// Helpers shared by the tests of RegexRouter, TimestampRouter, InsertHeader, DropHeaders,
// HeaderFrom, Filter, the predicates and the IoT transforms.

// mqttRecord is a record as the MQTT connector makes it.
func mqttRecord(topic string, payload string) *connector.Record {
	p := int32(2)
	r := &connector.Record{
		SourcePartition: map[string]any{"client.id": "iot-0"},
		SourceOffset:    map[string]any{"messages": int64(41), "tasks": int64(1)},
		Topic:           "mqtt",
		Partition:       &p,
		KeySchema:       connector.OptionalStringSchema,
		Key:             topic,
		ValueSchema:     connector.BytesSchema,
		Value:           []byte(payload),
		Timestamp:       time.UnixMilli(1700000000123),
	}
	r.Headers.Add("mqtt.topic", connector.StringSchema, topic)
	r.Headers.Add("mqtt.qos", connector.Int32Schema, int32(1))
	return r
}

func newTransform(t *testing.T, class string, cfg connector.Config) (connector.Transformation, error) {
	t.Helper()
	newFn, ok := Transformations()[class]
	if !ok {
		t.Fatalf("%s is not registered", class)
	}
	tr := newFn()
	return tr, tr.Configure(cfg)
}

func mustTransform(t *testing.T, class string, cfg connector.Config) connector.Transformation {
	t.Helper()
	tr, err := newTransform(t, class, cfg)
	if err != nil {
		t.Fatalf("%s %v: %v", class, cfg, err)
	}
	return tr
}

func newPredicate(t *testing.T, class string, cfg connector.Config) (connector.Predicate, error) {
	t.Helper()
	newFn, ok := Predicates()[class]
	if !ok {
		t.Fatalf("%s is not registered", class)
	}
	p := newFn()
	return p, p.Configure(cfg)
}

// wantConfigError checks that err is a *connector.ConfigError with the message.
func wantConfigError(t *testing.T, err error, msg string) {
	t.Helper()
	var ce *connector.ConfigError
	if !errors.As(err, &ce) || ce.Message != msg {
		t.Errorf("got error %v, want config error %q", err, msg)
	}
}

// wantDataError checks that err is a *connector.DataError with the message.
func wantDataError(t *testing.T, err error, msg string) {
	t.Helper()
	var de *connector.DataError
	if !errors.As(err, &de) || de.Message != msg {
		t.Errorf("got error %v, want data error %q", err, msg)
	}
}

func TestRegexRouter(t *testing.T) {
	const class = javaPackage + "RegexRouter"
	for _, c := range []struct {
		regex, replacement, topic, want string
	}{
		{"foo", "bar", "foo", "bar"},                                           // RegexRouterTest.staticReplacement
		{"foo", "bar", "orig", "orig"},                                         // doesntMatch
		{"(.*)", "$1", "orig", "orig"},                                         // identity
		{"(.*)", "prefix-$1", "orig", "prefix-orig"},                           // addPrefix
		{"(.*)", "$1-suffix", "orig", "orig-suffix"},                           // addSuffix
		{`(.*)-(\d\d\d\d\d\d\d\d)`, "$1", "index-20160117", "index"},           // slice
		{"foo", "bar", "foobar", "foobar"},                                     // matches() is a whole match
		{"foo", "bar", "xfoo", "xfoo"},                                         //
		{"a|ab", "X", "ab", "Xb"},                                              // replaceFirst searches again
		{`sensors\.(?<site>\w+)\.(\w+)`, "${site}_$2", "sensors.s1.t", "s1_t"}, // named groups
		{"(a)", `\$1`, "a", "$1"},                                              // escapes
		{"(a)", "$11", "a", "a1"},                                              // the longest existing group
		{" (x) ", " y$1 ", "x", "yx"},                                          // both values are trimmed
		{"(?i)SENSORS-(.*)", "s-$1", "sensors-1", "s-1"},
	} {
		tr := mustTransform(t, class, connector.Config{"regex": c.regex, "replacement": c.replacement})
		in := mqttRecord("a/b", "x")
		in.Topic = c.topic
		out, err := tr.Apply(in)
		if err != nil {
			t.Fatalf("%q %q on %q: %v", c.regex, c.replacement, c.topic, err)
		}
		if out.Topic != c.want {
			t.Errorf("%q %q on %q: got %q, want %q", c.regex, c.replacement, c.topic, out.Topic, c.want)
		}
		if in.Topic != c.topic {
			t.Error("the input record changed")
		}
		if c.want != c.topic && (out == in || out.Key != in.Key || out.Timestamp != in.Timestamp || *out.Partition != 2 || len(out.Headers) != 2 || out.SourceOffset["messages"] != int64(41)) {
			t.Errorf("the routed record lost data: %+v", out)
		}
	}
}

func TestRegexRouterErrors(t *testing.T) {
	const class = javaPackage + "RegexRouter"
	_, err := newTransform(t, class, connector.Config{"replacement": "x"})
	wantConfigError(t, err, `Missing required configuration "regex" which has no default value.`)
	_, err = newTransform(t, class, connector.Config{"regex": "x"})
	wantConfigError(t, err, `Missing required configuration "replacement" which has no default value.`)
	_, err = newTransform(t, class, connector.Config{"regex": "[", "replacement": "x"})
	wantConfigError(t, err, "Invalid value [ for configuration regex: Invalid regex: Unclosed character class near index 0\n[\n^")
	_, err = newTransform(t, class, connector.Config{"regex": "(?<=a)b", "replacement": "x"})
	if err == nil || !strings.Contains(err.Error(), "Look-behind groups are not supported") {
		t.Errorf("got %v", err)
	}
	// A bad replacement fails the records that match, with Java's exception message.
	tr := mustTransform(t, class, connector.Config{"regex": "(a)", "replacement": "$2"})
	if out, err := tr.Apply(&connector.Record{Topic: "b"}); err != nil || out.Topic != "b" {
		t.Errorf("non-matching topic: %v %v", out, err)
	}
	if _, err := tr.Apply(&connector.Record{Topic: "a"}); err == nil || err.Error() != "No group 2" {
		t.Errorf("got %v, want No group 2", err)
	}
	// The empty regex matches only the empty topic.
	tr = mustTransform(t, class, connector.Config{"regex": "", "replacement": "x"})
	if out, _ := tr.Apply(&connector.Record{Topic: "a"}); out.Topic != "a" {
		t.Errorf("got %q", out.Topic)
	}
}
