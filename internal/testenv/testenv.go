// Package testenv gives tests the addresses of the real test stack that
// integration/stack/up starts (Apache Kafka, Apache Kafka Connect, Mosquitto, Apicurio
// Registry). The stack writes them to .stack/env as TRIBUTARY_TEST_* variables, which
// `make test` exports.
package testenv

import (
	"os"
	"testing"
)

// The variables the stack exports.
const (
	Kafka            = "TRIBUTARY_TEST_KAFKA"              // host:port of the Kafka broker
	Connect          = "TRIBUTARY_TEST_CONNECT"            // base URL of the Apache Kafka Connect oracle
	SchemaRegistry   = "TRIBUTARY_TEST_SR"                 // Confluent-compatible registry base URL
	MQTT             = "TRIBUTARY_TEST_MQTT"               // tcp:// plain listener
	MQTTTLS          = "TRIBUTARY_TEST_MQTT_TLS"           // ssl:// listener, server certificate only
	MQTTMTLS         = "TRIBUTARY_TEST_MQTT_MTLS"          // ssl:// listener that requires a client certificate
	MQTTAuth         = "TRIBUTARY_TEST_MQTT_AUTH"          // tcp:// listener that requires username and password
	MQTTWebSocket    = "TRIBUTARY_TEST_MQTT_WS"            // ws:// listener (MQTT over WebSockets, anonymous)
	MQTTUsername     = "TRIBUTARY_TEST_MQTT_USERNAME"      // the user the auth listener accepts
	MQTTPassword     = "TRIBUTARY_TEST_MQTT_PASSWORD"      // its password
	TLSCA            = "TRIBUTARY_TEST_TLS_CA"             // PEM of the CA that signed the server and client certs
	TLSClientCert    = "TRIBUTARY_TEST_TLS_CLIENT_CERT"    // PEM client certificate the mTLS listener trusts
	TLSClientKey     = "TRIBUTARY_TEST_TLS_CLIENT_KEY"     // its key
	TLSUntrustedCert = "TRIBUTARY_TEST_TLS_UNTRUSTED_CERT" // PEM client certificate from another CA
	TLSUntrustedKey  = "TRIBUTARY_TEST_TLS_UNTRUSTED_KEY"  // its key
	MQTTPIDFile      = "TRIBUTARY_TEST_MQTT_PIDFILE"       // file holding the pid of the Mosquitto process
	MQTTRestart      = "TRIBUTARY_TEST_MQTT_RESTART"       // script that restarts Mosquitto gracefully (queued messages and sessions survive) and waits for every listener
	KafkaPIDFile     = "TRIBUTARY_TEST_KAFKA_PIDFILE"      // file holding the pid of the Kafka broker (SIGSTOP/SIGCONT it to simulate an outage)
	StackDir         = "TRIBUTARY_TEST_STACK_DIR"          // the stack's working folder (.stack)
)

// Get returns the value of a TRIBUTARY_TEST_* variable and fails the test — it does not
// skip — when it is missing: integration tests must run against the real stack.
func Get(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: integration tests run against the real stack; use `make test`, or `make up` and then `. .stack/env`", name)
	}
	return v
}
