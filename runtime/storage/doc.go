// Package storage keeps the worker's durable state in Kafka's internal topics (connector
// configs, source offsets, status) in exactly the record formats Apache Kafka Connect uses,
// so a Java Connect cluster's topics can be taken over and vice versa.
//
// Import rule: connector and confluent-kafka-go; never the rest of the runtime.
//
// # Stores
//
//   - ConfigStore is KafkaConfigBackingStore (config.storage.topic, one partition).
//   - OffsetStore is KafkaOffsetBackingStore (offset.storage.topic, 25 partitions by default).
//   - StatusStore is KafkaStatusBackingStore (status.storage.topic, 5 partitions by default).
//
// Each sits on a kafkaLog, Connect's KafkaBasedLog: at Start it creates its topic compacted (or
// refuses an existing one whose cleanup.policy is not exactly compact, with Connect's message),
// assigns a consumer every partition from the beginning (no group membership, no commits),
// reads to the end and keeps tailing. ReadToEnd lists the end offsets and waits until the
// tailing goroutine has consumed up to them. The producer uses partitioner=murmur2_random, the
// Java producer's key partitioner, with acks=all; every write waits for its acks.
//
// Record formats are those of Connect 4.1: values are compact JSON written as Jackson writes
// them (json.go); offsets keys keep the exact bytes last read for a partition
// (offset_records.go); status values carry 4.1's trailing "version" field.
//
// # Goroutines and locks
//
// Per store: the tailing goroutine (started by Start, ended by Stop), the librdkafka log
// forwarder (librdkafka logs reach hclog at Debug, never stderr) and the producer event drain
// (both end after Stop closes the clients). Stop waits for all three.
//
// Lock order: a store's mutex (its view of the topic) may be taken while the tailing goroutine
// applies a record; kafkaLog.mu (read positions, waiters) and kafkaLog.clientsMu (client
// handles) are leaves. ConfigListener methods run on the tailing goroutine with no lock held.
package storage
