// Package runtime is the Connect worker: its configuration, the Herder interface the REST
// layer drives, the plugin registry, and (in later issues) the source task loop that polls
// connectors, applies transforms and converters, produces to Kafka and commits offsets.
//
// Import rule: connector, runtime/storage, confluent-kafka-go and hclog. The runtime never
// imports rest or a concrete plugin (connector/mqtt, transforms, converters): cmd/tributary
// registers those. internal/archtest enforces the rule.
package runtime
