package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/tributary-connect/tributary/internal/devstack"
	"github.com/tributary-connect/tributary/runtime"
)

// devWorkerProps is the worker configuration `tributary dev` runs with, on top of the
// addresses from its flags. Internal topics have one replica: kfake has one broker.
var devWorkerProps = map[string]string{
	"group.id":                          "tributary-dev",
	"config.storage.topic":              "tributary-dev-configs",
	"offset.storage.topic":              "tributary-dev-offsets",
	"status.storage.topic":              "tributary-dev-status",
	"config.storage.replication.factor": "1",
	"offset.storage.replication.factor": "1",
	"status.storage.replication.factor": "1",
	"key.converter":                     "org.apache.kafka.connect.json.JsonConverter",
	"value.converter":                   "org.apache.kafka.connect.json.JsonConverter",
	"offset.flush.interval.ms":          "10000",
}

func runDevCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mqttAddr := fs.String("mqtt", "127.0.0.1:1883", "embedded MQTT broker address")
	kafkaAddr := fs.String("kafka", "127.0.0.1:9092", "embedded Kafka (kfake) address")
	srAddr := fs.String("schema-registry", "127.0.0.1:8081", "embedded Schema Registry (srfake) address")
	restAddr := fs.String("rest", "127.0.0.1:8083", "worker REST API address")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("dev takes no arguments, got %q", fs.Args())
	}
	loggers := newLoggers(stderr)
	log := loggers.Root()

	props := map[string]string{
		"bootstrap.servers": *kafkaAddr,
		"listeners":         "http://" + *restAddr,
	}
	for k, v := range devWorkerProps {
		props[k] = v
	}
	wc, err := runtime.NewWorkerConfig(props)
	if err != nil {
		return usageError{err}
	}

	stack, err := devstack.Start(devstack.Config{
		MQTTAddr: *mqttAddr, KafkaAddr: *kafkaAddr, SchemaRegistryAddr: *srAddr, Logger: log,
	})
	if err != nil {
		return err
	}
	defer stack.Close()

	return runWorker(ctx, wc, loggers, func() {
		log.Warn("dev mode: the MQTT broker, Kafka and Schema Registry run in this process and keep everything in memory; all data is lost when it stops")
		fmt.Fprintf(stdout, devQuickstart, *mqttAddr, *kafkaAddr, *srAddr, *restAddr, *restAddr, *restAddr, *kafkaAddr, *restAddr, *kafkaAddr)
	})
}

const devQuickstart = `
Tributary dev stack is up (in memory only; Ctrl-C stops it and forgets everything):
  MQTT broker      tcp://%s
  Kafka            %s
  Schema Registry  http://%s
  Worker REST API  http://%s

Try:
  curl -s http://%s/
  printf 'hello\nworld\n' > /tmp/tributary-quickstart.txt
  curl -s -X POST -H 'Content-Type: application/json' http://%s/connectors -d @examples/filestream-source.json
  ./bin/tributary consume --bootstrap-server %s --topic quickstart

  curl -s -X POST -H 'Content-Type: application/json' http://%s/connectors -d @examples/mqtt-source.json
  mosquitto_pub -p 1883 -q 1 -t sensors/room1/temp -m '{"c":21.5}'
  ./bin/tributary consume --bootstrap-server %s --topic sensors

More in README.md ("Quickstart").
`
