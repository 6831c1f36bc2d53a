package connector

import (
	"reflect"
	"testing"
)

var testDef = &ConfigDef{Keys: []ConfigKey{
	{Name: "group.id", Type: ConfigString, Required: true, Validate: NonEmptyString},
	{Name: "tasks", Type: ConfigInt, Default: "1", Validate: AtLeast(1)},
	{Name: "flush.ms", Type: ConfigLong, Default: 60000},
	{Name: "enabled", Type: ConfigBoolean, Default: "true"},
	{Name: "servers", Type: ConfigList, Default: "localhost:9092"},
	{Name: "mode", Type: ConfigString, Default: "eager", Validate: OneOf("eager", "sessioned")},
	{Name: "host", Type: ConfigString},
	{Name: "secret", Type: ConfigPassword},
}}

func TestParseDefaultsAndTypes(t *testing.T) {
	v, err := testDef.Parse(Config{"group.id": "g", "servers": " a:1 , b:2 ", "enabled": "FALSE", "secret": "s3"})
	if err != nil {
		t.Fatal(err)
	}
	if v.String("group.id") != "g" || v.Int("tasks") != 1 || v.Long("flush.ms") != 60000 || v.Bool("enabled") {
		t.Fatalf("unexpected values %#v", v)
	}
	if got := v.List("servers"); !reflect.DeepEqual(got, []string{"a:1", "b:2"}) {
		t.Fatalf("servers = %q", got)
	}
	if !v.IsNull("host") || v.String("host") != "" {
		t.Fatalf("host should be null, got %#v", v["host"])
	}
	if s := v.Password("secret"); s.Value() != "s3" || s.String() != "[hidden]" {
		t.Fatalf("password = %v / %q", s, s.Value())
	}
}

func TestParseErrorsUseKafkaWording(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, `Missing required configuration "group.id" which has no default value.`},
		{Config{"group.id": ""}, "Invalid value  for configuration group.id: String must be non-empty"},
		{Config{"group.id": "g", "tasks": "x"}, "Invalid value x for configuration tasks: Not a number of type INT"},
		{Config{"group.id": "g", "tasks": "0"}, "Invalid value 0 for configuration tasks: Value must be at least 1"},
		{Config{"group.id": "g", "enabled": "yes"}, "Invalid value yes for configuration enabled: Expected value to be either true or false"},
		{Config{"group.id": "g", "mode": "x"}, "Invalid value x for configuration mode: String must be one of (case insensitive): eager, sessioned"},
		{Config{"group.id": "g", "flush.ms": "1e3"}, "Invalid value 1e3 for configuration flush.ms: Not a number of type LONG"},
	} {
		_, err := testDef.Parse(tc.cfg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%v) error = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestValidateReportsEveryKey(t *testing.T) {
	got := testDef.Validate(Config{"tasks": "0", "mode": "x"})
	if len(got) != len(testDef.Keys) {
		t.Fatalf("got %d values, want %d", len(got), len(testDef.Keys))
	}
	var withErrors []string
	for _, cv := range got {
		if len(cv.Errors) > 0 {
			withErrors = append(withErrors, cv.Name)
		}
	}
	if want := []string{"group.id", "tasks", "mode"}; !reflect.DeepEqual(withErrors, want) {
		t.Fatalf("keys with errors = %v, want %v", withErrors, want)
	}
}

func TestUnknownSkipsPassThroughPrefixes(t *testing.T) {
	got := testDef.Unknown(Config{"group.id": "g", "producer.acks": "all", "typo.key": "1", "a": "b"}, "producer.")
	if want := []string{"a", "typo.key"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Unknown = %v, want %v", got, want)
	}
}
