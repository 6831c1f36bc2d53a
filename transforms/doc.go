// Package transforms holds the Single Message Transforms and predicates, registered under
// Kafka Connect's Java class names (org.apache.kafka.connect.transforms.InsertField$Value …)
// so connector JSON written for Apache Kafka Connect works unchanged.
//
// Import rule: connector (the SPI) and internal/jvalues (the Java value emulation shared with
// converters) only; never the runtime.
package transforms
