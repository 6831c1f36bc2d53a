package transforms

import (
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

func TestTimestampRouter(t *testing.T) {
	const class = javaPackage + "TimestampRouter"
	for _, c := range []struct {
		cfg         connector.Config
		topic, want string
	}{
		{connector.Config{}, "mqtt", "mqtt-20231114"},
		{connector.Config{"timestamp.format": "yyyy-MM"}, "mqtt", "mqtt-2023-11"},
		// Checked against Kafka 4.1.2: replacements are literal, ${topic} first.
		{connector.Config{"topic.format": `${topic}_${timestamp}_$1\x`, "timestamp.format": "yyyy.MM.dd'T'HH:mm:ss.SSS 'x'''"}, `my$topic\`, `my$topic\_2023.11.14T22:13:20.123 x'_$1\x`},
		{connector.Config{"topic.format": "${timestamp}.${topic}.${topic}"}, "a", "20231114.a.a"},
		{connector.Config{"topic.format": "fixed"}, "a", "fixed"},
	} {
		tr := mustTransform(t, class, c.cfg)
		in := mqttRecord("a/b", "x")
		in.Topic = c.topic
		out, err := tr.Apply(in)
		if err != nil {
			t.Fatal(err)
		}
		if out.Topic != c.want {
			t.Errorf("%v: got %q, want %q", c.cfg, out.Topic, c.want)
		}
		if in.Topic != c.topic || out.Timestamp != in.Timestamp || out.Key != in.Key || len(out.Headers) != 2 {
			t.Errorf("record: %+v", out)
		}
	}
}

func TestTimestampRouterErrors(t *testing.T) {
	tr := mustTransform(t, javaPackage+"TimestampRouter", connector.Config{})
	in := mqttRecord("a/b", "x")
	in.Timestamp = time.Time{}
	in.SourceOffset = map[string]any{"messages": int64(5)}
	_, err := tr.Apply(in)
	// Kafka 4.1.2 prints the byte array's identity hash where we print a content hash.
	wantDataError(t, err, "Timestamp missing on record: SourceRecord{sourcePartition={client.id=iot-0}, sourceOffset={messages=5}} "+
		"ConnectRecord{topic='mqtt', kafkaPartition=2, key=a/b, keySchema=Schema{STRING}, value=[B@fd0c5087, valueSchema=Schema{BYTES}, timestamp=null, "+
		"headers=ConnectHeaders(headers=[ConnectHeader(key=mqtt.topic, value=a/b, schema=Schema{STRING}), ConnectHeader(key=mqtt.qos, value=1, schema=Schema{INT32})])}")
	_, err = tr.Apply(&connector.Record{Topic: "t", Value: map[string]any{"x": int64(1)}})
	wantDataError(t, err, "Timestamp missing on record: SourceRecord{sourcePartition=null, sourceOffset=null} ConnectRecord{topic='t', kafkaPartition=null, key=null, keySchema=null, value={x=1}, valueSchema=null, timestamp=null, headers=ConnectHeaders(headers=)}")

	// An illegal pattern fails the records, not the configuration (Java builds the
	// SimpleDateFormat on first use).
	tr = mustTransform(t, javaPackage+"TimestampRouter", connector.Config{"timestamp.format": "yyyy-qq"})
	if _, err := tr.Apply(mqttRecord("a", "x")); err == nil || err.Error() != "Illegal pattern character 'q'" {
		t.Errorf("got %v", err)
	}
}
