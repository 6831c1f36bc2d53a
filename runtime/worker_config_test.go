package runtime

import (
	"reflect"
	"strings"
	"testing"
)

func baseProps() map[string]string {
	return map[string]string{
		"bootstrap.servers":    "127.0.0.1:9092",
		"group.id":             "connect-cluster",
		"config.storage.topic": "connect-configs",
		"offset.storage.topic": "connect-offsets",
		"status.storage.topic": "connect-status",
		"key.converter":        "org.apache.kafka.connect.json.JsonConverter",
		"value.converter":      "org.apache.kafka.connect.json.JsonConverter",
	}
}

func TestWorkerConfigDefaults(t *testing.T) {
	wc, err := NewWorkerConfig(baseProps())
	if err != nil {
		t.Fatal(err)
	}
	if got := wc.Values.Long(KeyOffsetFlushIntervalMs); got != 60000 {
		t.Errorf("offset.flush.interval.ms = %d, want Kafka's 60000", got)
	}
	if got := wc.Values.Int("offset.storage.partitions"); got != 25 {
		t.Errorf("offset.storage.partitions = %d, want 25", got)
	}
	if got := wc.AdvertisedURL(); got != "http://localhost:8083/" {
		t.Errorf("advertised URL = %q", got)
	}
	if wc.UnknownWarning() != "" {
		t.Errorf("no unknown keys expected, got %v", wc.Unknown)
	}
}

func TestWorkerConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		set, del, want string
	}{
		{del: "group.id", want: `Missing required configuration "group.id" which has no default value.`},
		{set: "offset.flush.interval.ms=soon", want: "Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG"},
		{set: "listeners=tcp://x:1", want: `configuration listeners: listener "tcp://x:1" is not of the form`},
		{set: "connect.protocol=fast", want: "Invalid value fast for configuration connect.protocol"},
		{set: "rest.advertised.port=70000", want: "Value must be no more than 65535"},
		{set: "exactly.once.source.support=enabled", want: "exactly-once source support is not implemented yet"},
	} {
		p := baseProps()
		delete(p, tc.del)
		if k, v, ok := strings.Cut(tc.set, "="); ok {
			p[k] = v
		}
		_, err := NewWorkerConfig(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error = %v, want one line containing %q", tc, err, tc.want)
		}
	}
}

func TestWorkerConfigUnknownKeysAndPassThrough(t *testing.T) {
	p := baseProps()
	p["producer.linger.ms"] = "5"
	p["key.converter.schemas.enable"] = "false"
	p["offset.storage.cleanup.policy"] = "compact"
	p["grop.id"] = "typo"
	p["zzz"] = "1"
	wc, err := NewWorkerConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "These configurations '[grop.id, zzz]' were supplied but are not used yet."; wc.UnknownWarning() != want {
		t.Fatalf("warning = %q, want %q", wc.UnknownWarning(), want)
	}
}

func TestAdvertisedURLAndWorkerID(t *testing.T) {
	p := baseProps()
	p["listeners"] = "http://127.0.0.1:18083,https://0.0.0.0:18443"
	p["rest.advertised.host.name"] = "worker-1.example"
	wc, err := NewWorkerConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := wc.AdvertisedURL(); got != "http://worker-1.example:18083/" {
		t.Errorf("advertised URL = %q", got)
	}
	if got := wc.WorkerID(); got != "worker-1.example:18083" {
		t.Errorf("worker id = %q", got)
	}
	if len(wc.Listeners) != 2 || wc.Listeners[1].Addr() != "0.0.0.0:18443" {
		t.Errorf("listeners = %+v", wc.Listeners)
	}
}

func TestClientConfigPrefixWins(t *testing.T) {
	p := baseProps()
	p["sasl.mechanism"] = "PLAIN"
	p["admin.request.timeout.ms"] = "1000"
	p["admin.bootstrap.servers"] = "other:9092"
	p["producer.acks"] = "1"
	wc, err := NewWorkerConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	got := wc.ClientConfig("admin.")
	want := map[string]string{
		"bootstrap.servers":  "other:9092",
		"security.protocol":  "PLAINTEXT",
		"sasl.mechanisms":    "PLAIN",
		"request.timeout.ms": "1000",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("admin client config = %v, want %v", got, want)
	}
}

func TestEnvOverrides(t *testing.T) {
	got := EnvOverrides([]string{
		"CONNECT_BOOTSTRAP_SERVERS=kafka:9092",
		"CONNECT_PRODUCER_CLIENT__RACK=r1",
		"CONNECT_SOME___DASHED_KEY=x",
		"CONNECT_LOG4J_ROOT_LOGLEVEL=DEBUG",
		"CONNECT_=ignored",
		"PATH=/bin",
		"CONNECT_VALUE=a=b",
	})
	want := map[string]string{
		"bootstrap.servers":    "kafka:9092",
		"producer.client_rack": "r1",
		"some-dashed.key":      "x",
		"value":                "a=b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// BenchmarkNewWorkerConfig measures validating a typical worker file (done once per start;
// the figure keeps ConfigDef's cost visible as it grows).
func BenchmarkNewWorkerConfig(b *testing.B) {
	p := baseProps()
	p["listeners"] = "http://127.0.0.1:8083"
	p["producer.linger.ms"] = "5"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewWorkerConfig(p); err != nil {
			b.Fatal(err)
		}
	}
}
