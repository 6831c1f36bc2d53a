//go:build integration

package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// TestMQTTServerFailover: mqtt.server.uri is a list tried in order (Confluent's fail-over
// list). With a first URI that refuses connections, each protocol version connects through
// the second and the records arrive.
func TestMQTTServerFailover(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	w := startWorker(t, ctx, nil)
	dead := fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)) // nothing listens there
	servers := dead + "," + testenv.Get(t, testenv.MQTT)
	for _, version := range []string{"5", "3.1.1"} {
		t.Run("v"+version, func(t *testing.T) {
			names := newMQTTNames("failover")
			createConnector(t, w.URL, names.Conn, mqttConfig(servers, names.MQTT+"/#", names.Kafka, "mqtt.version", version, "mqtt.qos", "1"))
			t.Cleanup(func() { deleteMQTTConnector(t, w.URL, names.Conn, names.Conn+"-0") })
			waitTasksRunning(ctx, t, w.URL, names.Conn, 1)
			sent := publishNumbered(ctx, t, mqttPublisher(ctx, t), names.MQTT+"/x", 1, "fo", 0, 20)
			recs := consumeAll(ctx, t, names.Kafka, len(sent))
			for i, r := range recs {
				if string(r.Value) != string(sent[i]) {
					t.Fatalf("record %d = %q, want %q", i, r.Value, sent[i])
				}
			}
		})
	}
}
