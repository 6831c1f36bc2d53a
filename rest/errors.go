package rest

import (
	"errors"
	"net/http"
)

// Error is an error with the HTTP status (and Connect error_code) to answer with.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return e.Message }

// ErrorMessage is Kafka Connect's error body (rest/entities/ErrorMessage).
type ErrorMessage struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// toErrorMessage maps any error to its status and body; unknown errors are a 500, as
// Connect's ConnectExceptionMapper answers them.
func toErrorMessage(err error) ErrorMessage {
	var e *Error
	if errors.As(err, &e) {
		return ErrorMessage{ErrorCode: e.Code, Message: e.Message}
	}
	return ErrorMessage{ErrorCode: http.StatusInternalServerError, Message: err.Error()}
}
