// Package storage keeps the worker's durable state in Kafka's internal topics (connector
// configs, source offsets, status) in exactly the record formats Apache Kafka Connect uses,
// so a Java Connect cluster's topics can be taken over and vice versa.
//
// Import rule: connector and confluent-kafka-go; never the rest of the runtime.
package storage
