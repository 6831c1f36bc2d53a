// Package converters turns Connect data (schema + value) into record bytes and back:
// String, ByteArray, JSON (Connect envelope) and the Schema Registry formats (Avro, JSON
// Schema, Protobuf in Confluent wire format), registered under their Java class names.
//
// Import rule: connector (the SPI), internal/jvalues (the Java value emulation shared with
// transforms) and the Schema Registry client only; never the runtime.
package converters
