package runtime

import (
	"errors"
	"fmt"
)

// ErrorKind classifies herder errors; the REST layer maps each kind to one status code.
type ErrorKind int

// The kinds, with the status Kafka Connect answers for them.
const (
	KindInternal      ErrorKind = iota // 500
	KindBadRequest                     // 400
	KindForbidden                      // 403
	KindNotFound                       // 404
	KindConflict                       // 409 (rebalance, routing)
	KindAlreadyExists                  // 409
	KindUnavailable                    // 503
)

// Error is a herder error with Kafka Connect's message.
type Error struct {
	Kind    ErrorKind
	Message string
	Err     error // the cause, if any
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind.
func Errorf(kind ErrorKind, format string, a ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, a...)}
}

// KindOf returns the kind of err (KindInternal for errors that are not *Error).
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Common herder errors, worded as Kafka Connect's.

// ErrUnknownConnector is "Connector X not found" (GET /connectors/{c}).
func ErrUnknownConnector(name string) error {
	return Errorf(KindNotFound, "Connector %s not found", name)
}

// RequestTargetError says another worker must serve the request: the leader for writes
// (Kafka's NotLeaderException) or the owner of a connector or task for plain restarts
// (NotAssignedException). The REST layer forwards the request to TargetURL; an empty URL
// means no leader is known (a rebalance is under way).
type RequestTargetError struct {
	Message   string
	TargetURL string
}

func (e *RequestTargetError) Error() string { return e.Message }
