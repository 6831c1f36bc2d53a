// Package mqtt is the MQTT source connector: it subscribes to MQTT 5 or 3.1.1 topics and
// turns each message into a source record, acknowledging the MQTT message only after Kafka
// has acknowledged its record.
//
// # Names and configuration
//
// The connector is registered as io.tributary.connect.mqtt.MqttSourceConnector (aliases
// MqttSourceConnector and MqttSource) and as io.confluent.connect.mqtt.MqttSourceConnector,
// so a Confluent connector JSON works unchanged: Confluent's keys (mqtt.server.uri,
// mqtt.topics, kafka.topic, mqtt.qos, mqtt.clean.session.enabled, mqtt.username, mqtt.ssl.*
// key and trust stores, records.buffer.queue.*, max.retry.time.ms …) mean what they mean
// there. Two defaults differ, towards not losing data: mqtt.qos is 1 (Confluent: 0) and
// mqtt.clean.session.enabled is false (Confluent: true). Unknown keys (confluent.license,
// confluent.topic.*) are ignored. Every key, with its documentation, is in the ConfigDef.
//
// # Delivery
//
// At QoS 1 and 2 a message's PUBACK (QoS 1) or PUBREC (QoS 2) is sent only once Kafka has
// acknowledged its record (SourceTask.commitRecord), and in the order the messages arrived,
// as MQTT requires, although Kafka acknowledges per partition (see ackQueue). A worker that
// dies therefore loses nothing: the broker sends every unacknowledged message again, flagged
// DUP, when the task's client id reconnects. DUP messages are always forwarded. The number
// of duplicates a crash can cause is bounded by the in-flight window: mqtt.receive.maximum
// (announced as MQTT 5 Receive Maximum, capped by the buffer, and enforced by the task
// itself, which stops reading while the window is full, because Mosquitto before 2.0.13
// sends more than a client announced) or, on 3.1.1, the broker's own limit
// (Mosquitto's max_inflight_messages, 20 by default, which also caps a 3.1.1 task's rate at
// about 20 messages per Kafka round trip). When Kafka is slow, the buffer and the in-flight
// window fill, the task stops acknowledging and the broker stops sending: memory stays
// bounded and the broker holds the rest (up to its own queue limits: Mosquitto's
// max_queued_messages is 1000 by default, and beyond it the broker drops messages, so raise
// it for outages longer than the in-flight window covers).
//
// Sessions are persistent by default (Clean Start 0 with mqtt.session.expiry.interval.seconds,
// or clean session 0 on 3.1.1) under a stable client id per task, <mqtt.client.id.prefix,
// default the connector name>-<task number>, so a restarted or moved task resumes its
// broker session. Lost connections are retried with back-off across the server URIs, and
// every connection subscribes again. Refused credentials, an unauthorized client and
// certificate problems fail the task with the broker's reason in the trace.
//
// # Scale-out
//
// With MQTT 5 and tasks.max > 1 every task subscribes to $share/<group>/<filter>, so the
// broker spreads the messages across the tasks; with MQTT 3.1.1 (or mqtt.shared.subscription
// =never) the filters are dealt out to the tasks instead. A task unsubscribes from the forms
// of the filters that are not its own, so a session kept from another layout cannot keep
// delivering messages twice. It subscribes first and unsubscribes after, so that a message
// published in between is not lost: one published while both subscriptions exist arrives
// twice (at least once, as in any Kafka Connect reconfiguration). When tasks.max is lowered, the removed tasks' sessions would keep their
// queued messages, and, as members of the shared subscription, keep receiving a share of the
// new ones (Mosquitto queues shares for offline members) until they expire. Task 0 therefore
// drains them: it connects as each removed client id, unsubscribes, forwards the queued
// messages and ends the session (drain.go).
//
// # Records
//
// Value: the payload bytes (schema BYTES). Key: the MQTT topic (kafka.key.mode=topic, as
// Confluent's connector), one topic level (segment) or null (none). Topic: kafka.topic, a
// template over the MQTT topic's levels ({1}, {2} …, {topic}), sanitised into a legal Kafka
// topic name. Headers: mqtt.topic, mqtt.qos, mqtt.retained, mqtt.duplicate, mqtt.message.id
// (the packet identifier), and from MQTT 5 every user property under its own name plus
// mqtt.content.type, mqtt.payload.format, mqtt.correlation.data, mqtt.response.topic and
// mqtt.message.expiry.interval. mqtt.retained.policy: keep forwards retained messages,
// skip acknowledges and drops them, skip-on-resubscribe asks an MQTT 5 broker (Retain
// Handling 1) to send them only for new subscriptions.
//
// # Source offsets
//
// MQTT cannot replay, so an offset does not position anything. The source partition is
// {"client.id": "<client id>"} and the offset {"messages": N, "tasks": T}: the count of
// messages that client id has delivered to Kafka (committed in order, so every one of the
// first N is in Kafka) and the task count when it was written. GET /connectors/{c}/offsets
// shows them. Altering or resetting them changes only these counters (the count restarts from
// the new value) and, for task 0's "tasks", which removed sessions it looks for to drain. It
// does not touch the broker's sessions or the messages queued there.
//
// Import rule: connector (the SPI), the paho MQTT clients, and the TLS and WebSocket
// libraries they need; never the runtime.
package mqtt
