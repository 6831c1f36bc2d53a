package mqtt

import (
	"strings"
	"testing"
)

func TestTopicTemplate(t *testing.T) {
	for _, tc := range []struct {
		template, mqttTopic, want, wantErr string
	}{
		{template: "mqtt", mqttTopic: "a/b", want: "mqtt"},
		{template: "iot.{1}.{3}", mqttTopic: "plant/line4/temp", want: "iot.plant.temp"},
		{template: "{topic}", mqttTopic: "sensors/room 1/t°", want: "sensors.room_1.t__"},
		{template: "x.{2}", mqttTopic: "a/b+c", want: "x.b_c"},
		{template: "x{4}", mqttTopic: "a/b", want: "x"},            // a missing level renders empty
		{template: "{1}", mqttTopic: "/leading", wantErr: "empty"}, // the first level is empty
		{template: "{2}", mqttTopic: "a/..", wantErr: "illegal"},
		{template: strings.Repeat("t", 300), mqttTopic: "a", want: strings.Repeat("t", maxTopicLen)},
	} {
		tt, err := parseTopicTemplate(tc.template)
		if err != nil {
			t.Fatalf("%q: %v", tc.template, err)
		}
		got, err := tt.render(tc.mqttTopic)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q on %q: err %v, want %q", tc.template, tc.mqttTopic, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q on %q = %q, %v; want %q", tc.template, tc.mqttTopic, got, err, tc.want)
		}
	}
}

func TestTopicTemplateErrors(t *testing.T) {
	for _, s := range []string{"", "a.{", "a.{0}", "a.{x}", ".."} {
		if _, err := parseTopicTemplate(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

func TestTopicLevel(t *testing.T) {
	for _, tc := range []struct {
		topic string
		n     int
		want  string
		ok    bool
	}{
		{"a/b/c", 1, "a", true}, {"a/b/c", 2, "b", true}, {"a/b/c", 3, "c", true}, {"a/b/c", 4, "", false},
		{"a", 1, "a", true}, {"/x", 1, "", true}, {"/x", 2, "x", true},
	} {
		got, ok := topicLevel(tc.topic, tc.n)
		if got != tc.want || ok != tc.ok {
			t.Errorf("topicLevel(%q, %d) = %q, %v; want %q, %v", tc.topic, tc.n, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFilterValidation(t *testing.T) {
	for f, ok := range map[string]bool{
		"a/b": true, "a/+/c": true, "#": true, "a/#": true, "$share/g/a/#": true,
		"": false, "a/#/b": false, "a/b#": false, "a+/b": false, "$share//a": false, "$share/g": false, "$share/g+/a": false,
	} {
		if err := validFilter(f); (err == nil) != ok {
			t.Errorf("validFilter(%q) = %v, want ok=%v", f, err, ok)
		}
	}
}

func TestServerURIs(t *testing.T) {
	us, err := parseServerURIs([]string{"tcp://h", "ssl://h2:8884", " mqtt://h3:1 ", "ws://h4/mqtt"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range us {
		got = append(got, u.String())
	}
	if want := "tcp://h:1883 ssl://h2:8884 mqtt://h3:1 ws://h4/mqtt"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	for _, bad := range [][]string{{}, {"http://h"}, {"tcp://"}, {"h:1883"}} {
		if _, err := parseServerURIs(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
