package rest

import (
	"errors"
	"net/http"

	"github.com/tributary-connect/tributary/runtime"
)

// Error is an error with the HTTP status (and Connect error_code) to answer with.
type Error struct {
	Code    int
	Message string
	// bare marks the errors Jersey itself answers before a resource runs (no route: 404,
	// wrong method: 405, unsupported Content-Type: 415, unacceptable Accept: 406). Connect
	// sends those without a Content-Type header.
	bare bool
}

func (e *Error) Error() string { return e.Message }

// ErrorMessage is Kafka Connect's error body (rest/entities/ErrorMessage).
type ErrorMessage struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// The answers Jersey gives on its own, with its wording.
var (
	errNoRoute          = &Error{Code: http.StatusNotFound, Message: "HTTP 404 Not Found", bare: true}
	errBadPathParam     = &Error{Code: http.StatusNotFound, Message: "HTTP 404 Not Found"} // a path parameter that does not convert
	errMethodNotAllowed = &Error{Code: http.StatusMethodNotAllowed, Message: "HTTP 405 Method Not Allowed", bare: true}
	errUnsupportedMedia = &Error{Code: http.StatusUnsupportedMediaType, Message: "HTTP 415 Unsupported Media Type", bare: true}
	errNoEntityReader   = &Error{Code: http.StatusUnsupportedMediaType, Message: "HTTP 415 Unsupported Media Type"} // a body without Content-Type
	errNotAcceptable    = &Error{Code: http.StatusNotAcceptable, Message: "HTTP 406 Not Acceptable", bare: true}
)

// statusOf is the status Connect's ConnectExceptionMapper answers for each herder error kind.
func statusOf(kind runtime.ErrorKind) int {
	switch kind {
	case runtime.KindBadRequest:
		return http.StatusBadRequest
	case runtime.KindForbidden:
		return http.StatusForbidden
	case runtime.KindNotFound:
		return http.StatusNotFound
	case runtime.KindConflict, runtime.KindAlreadyExists:
		return http.StatusConflict
	case runtime.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// toErrorMessage maps any error to its status and body. It is the one place errors become
// HTTP: a *rest.Error carries its own status; a *runtime.Error (anywhere in the chain) answers
// with its kind's status and its own message, unchanged by any wrapping; anything else is a
// 500 with the error's text, as Connect's ConnectExceptionMapper answers an unexpected
// exception.
func toErrorMessage(err error) ErrorMessage {
	var e *Error
	if errors.As(err, &e) {
		return ErrorMessage{ErrorCode: e.Code, Message: e.Message}
	}
	var re *runtime.Error
	if errors.As(err, &re) {
		return ErrorMessage{ErrorCode: statusOf(re.Kind), Message: re.Message}
	}
	return ErrorMessage{ErrorCode: http.StatusInternalServerError, Message: err.Error()}
}

// isBare reports whether err is answered without a Content-Type (see Error.bare).
func isBare(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.bare
}

// asyncExceptionMessage is how Connect words a herder failure that reaches the REST layer
// wrapped in an ExecutionException (PUT /connector-plugins/{p}/config/validate waits on a
// future and does not unwrap it): HTTP 500 with the cause's toString(), i.e. its Java class
// name, ": ", and its message.
func asyncExceptionMessage(err error) error {
	var re *runtime.Error
	if !errors.As(err, &re) {
		return err
	}
	class := "org.apache.kafka.connect.errors.ConnectException"
	switch re.Kind {
	case runtime.KindBadRequest:
		class = "org.apache.kafka.connect.runtime.rest.errors.BadRequestException"
	case runtime.KindNotFound:
		class = "org.apache.kafka.connect.errors.NotFoundException"
	case runtime.KindAlreadyExists:
		class = "org.apache.kafka.connect.errors.AlreadyExistsException"
	}
	return &Error{Code: http.StatusInternalServerError, Message: class + ": " + re.Message}
}
