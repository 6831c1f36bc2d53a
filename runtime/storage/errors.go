package storage

import (
	"errors"
)

var (
	// ErrStopped is returned by reads and writes on a store that was stopped, or that failed to
	// start.
	ErrStopped = errors.New("store is stopped")
	// ErrNotStarted is returned by reads and writes on a store whose Start has not succeeded.
	ErrNotStarted = errors.New("store is not started")
	// ErrInvalidOffset is wrapped by OffsetStore errors for source partitions and offsets that
	// Connect cannot store: keys must be strings and values primitives (Connect's
	// OffsetUtils.validateFormat).
	ErrInvalidOffset = errors.New("invalid source partition or offset")
)

// TopicConfigError reports an internal topic that exists but cannot be used: its
// cleanup.policy is not exactly compact, or the config topic has more than one partition. Its
// message is Kafka Connect's ConfigException text, word for word, so operators find the same
// advice.
type TopicConfigError struct {
	Topic    string // the topic name
	Property string // the worker property that named it, e.g. config.storage.topic
	msg      string
}

func (e *TopicConfigError) Error() string { return e.msg }
