// Package connector is Tributary's SPI, the Go counterpart of Kafka Connect's connect-api:
// the data model, the source connector and task contracts, transformations, predicates,
// converters and the declarative ConfigDef that drives config validation and the REST
// /validate answer.
//
// Import rule: this package imports only the standard library and go-hclog. Plugins
// (connector/mqtt, transforms, converters) and the runtime depend on it; it depends on
// nothing of this module. internal/archtest enforces the rule.
package connector
