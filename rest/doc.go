// Package rest serves Kafka Connect's REST API (same paths, status codes and JSON shapes)
// over the runtime.Herder interface, with chi, plus GET /metrics (Prometheus text format).
//
// Handlers are thin: they read path and query parameters and the body, call the Herder, and
// return (status, body, error). One wrapper (server.go) does content negotiation as Jersey
// does (415 for a non-JSON Content-Type, 406 for an Accept without JSON) and writes the
// answer; one mapper (errors.go) turns errors into Connect's {"error_code","message"} body:
// a *runtime.Error answers with its kind's status and its own message, anything else is a 500.
//
// Request bodies are decoded as Connect's Jackson decodes them (jsonbody.go): malformed JSON,
// wrong types, unknown fields and missing entities get Jackson's or the JVM's exact messages,
// and connector configs keep the order Connect prints them in.
//
// Import rule: runtime (the Herder and its types) and connector; never confluent-kafka-go,
// runtime/distributed or a plugin.
package rest
