// Package integration holds Tributary's black-box tests. They are built only with the
// `integration` tag and run against the real stack that integration/stack/up starts
// (Apache Kafka, Apache Kafka Connect, Mosquitto, Apicurio Registry); they never use the
// in-process fakes. `make test` runs them.
package integration
