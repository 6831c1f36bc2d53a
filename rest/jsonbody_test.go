package rest

import (
	"encoding/json"
	"os"
	"testing"
)

// testdata/jackson_errors.json holds Apache Kafka Connect 4.1.2's answers to malformed and
// odd bodies, captured from the live oracle (PUT /connector-plugins/X/config/validate for a
// Map<String,String> body, POST /connectors, PATCH /connectors/<unknown>/offsets). Where
// Connect failed in Jackson (jackson_error), the decoder must fail with exactly that message;
// elsewhere it must accept the body.
func TestDecodersMatchJackson(t *testing.T) {
	raw, err := os.ReadFile("testdata/jackson_errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Kind         string `json:"kind"`
		Body         string `json:"body"`
		Message      string `json:"message"`
		JacksonError bool   `json:"jackson_error"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		var err error
		switch tc.Kind {
		case "config":
			_, err = decodeConfig([]byte(tc.Body))
		case "create":
			_, err = decodeCreateRequest([]byte(tc.Body))
		case "offsets":
			_, err = decodeOffsetsRequest([]byte(tc.Body))
		}
		switch {
		case tc.JacksonError && err == nil:
			t.Errorf("%s %q: accepted, Connect answered %q", tc.Kind, tc.Body, tc.Message)
		case tc.JacksonError && err.Error() != tc.Message:
			t.Errorf("%s %q:\n got  %q\n want %q", tc.Kind, tc.Body, err.Error(), tc.Message)
		case !tc.JacksonError && err != nil:
			t.Errorf("%s %q: rejected with %q, Connect accepted it", tc.Kind, tc.Body, err)
		}
	}
}

// TestJavaMapString checks the config rendering against messages captured from Connect 4.1.2
// on Java 17 ("Connector config {…} contains no connector type").
func TestJavaMapString(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		cfg  orderedConfig
		want string
	}{
		{orderedConfig{{"topic", str("t")}, {"tasks.max", str("1")}, {"name", str("zz")}}, "{name=zz, topic=t, tasks.max=1}"},
		{orderedConfig{{"z", str("1")}, {"b", str("true")}, {"a", nil}, {"name", str("zz")}}, "{name=zz, a=null, z=1, b=true}"},
		{orderedConfig{{"z", str("1")}, {"b", str("true")}, {"a", nil}}, "{a=null, z=1, b=true}"},
		{orderedConfig{{"topic", str("t")}, {"tasks.max", str("1")}}, "{topic=t, tasks.max=1}"},
		{orderedConfig{{"x", str("1")}, {"name", str("a")}}, "{x=1, name=a}"},
		{orderedConfig{}, "{}"},
		{orderedConfig{{"tasks.max", str("1")}, {"topic", str("t")}, {"file", str("f")}, {"batch.size", str("3")}, {"a", str("1")}, {"b", str("2")}, {"c", str("3")}, {"d", str("4")}, {"e", str("5")}, {"f", str("6")}, {"g", str("7")}, {"h", str("8")}, {"i", str("9")}, {"j", str("10")}, {"name", str("zz")}},
			"{a=1, b=2, c=3, d=4, e=5, tasks.max=1, f=6, batch.size=3, g=7, h=8, i=9, j=10, file=f, name=zz, topic=t}"},
	} {
		if got := tc.cfg.javaString(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}
