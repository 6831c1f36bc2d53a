package runtime

// Herder is the worker's control plane as the REST layer sees it, after Kafka Connect's
// Herder interface: "the non-Java interfaces to the cluster (REST API and CLI) are very
// simple wrappers of the functionality provided by this interface". Methods are safe for
// concurrent use. It grows with the REST API (issue 3).
type Herder interface {
	// KafkaClusterID is the id of the Kafka cluster that holds this worker's internal
	// topics, as GET / reports it.
	KafkaClusterID() string
}
