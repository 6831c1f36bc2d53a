// Package mqtt is the MQTT source connector: it subscribes to MQTT 5 or 3.1.1 topics and
// turns each message into a source record, acknowledging the MQTT message only after Kafka
// has acknowledged its record.
//
// Import rule: connector (the SPI) and the paho MQTT clients only; never the runtime.
package mqtt
