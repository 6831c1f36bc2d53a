// Package rest serves Kafka Connect's REST API (same paths, status codes and JSON shapes)
// over the runtime.Herder interface, with chi. Handlers return (status, body, error) and one
// wrapper turns errors into Connect's {"error_code","message"} body.
//
// Import rule: runtime (the Herder and its types) and connector; never confluent-kafka-go,
// runtime/distributed or a plugin.
package rest
