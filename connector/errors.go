package connector

import (
	"errors"
	"fmt"
)

// DataError is a problem with a record's data (Kafka's DataException): a value that does
// not fit its schema, a transform given the wrong kind of value. Records failing with it
// are skipped when errors.tolerance=all.
type DataError struct{ Message string }

func (e *DataError) Error() string { return e.Message }

// DataErrorf returns a *DataError.
func DataErrorf(format string, a ...any) error {
	return &DataError{Message: fmt.Sprintf(format, a...)}
}

// SchemaBuilderError is a misuse of SchemaBuilder (Kafka's SchemaBuilderException).
type SchemaBuilderError struct{ Message string }

func (e *SchemaBuilderError) Error() string { return e.Message }

// retriableError marks an error as transient (Kafka's RetriableException).
type retriableError struct{ err error }

func (e retriableError) Error() string { return e.err.Error() }
func (e retriableError) Unwrap() error { return e.err }

// Retriable marks err as transient: from Poll it means "no data this time", and the
// runtime retries (Kafka's RetriableException).
func Retriable(err error) error {
	if err == nil {
		return nil
	}
	return retriableError{err}
}

// IsRetriable reports whether err, or an error it wraps, was marked Retriable.
func IsRetriable(err error) bool {
	var r retriableError
	return errors.As(err, &r)
}

// ErrStopped is returned by a task's Poll when it was asked to stop.
var ErrStopped = errors.New("stopped")
