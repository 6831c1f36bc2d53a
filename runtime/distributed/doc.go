// Package distributed is the distributed herder: worker membership through Kafka's group
// protocol with protocol type "connect" (spoken with franz-go's kgo + kmsg, which
// librdkafka cannot do), the leader's incremental cooperative assignment, and config writes
// through the leader.
//
// Import rule: runtime, runtime/storage, confluent-kafka-go, franz-go; never rest or a plugin.
package distributed
