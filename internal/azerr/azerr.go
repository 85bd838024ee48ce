// Package azerr is the Azure error model of the CLU APIs: the codes of the
// spec's ErrorCode and InnerErrorCode enums and the {"error": {...}} body.
// Services return *Error; the api package maps its Code to an HTTP status in
// one table.
package azerr

import (
	"errors"
	"fmt"
)

// Code is a top-level error code from the spec's ErrorCode enum, or one of the
// gateway's numeric codes ("401", "404").
type Code string

// Codes of the spec's ErrorCode enum, plus the gateway's numeric codes.
const (
	InvalidRequest      Code = "InvalidRequest"
	InvalidArgument     Code = "InvalidArgument"
	Unauthorized        Code = "Unauthorized"
	Forbidden           Code = "Forbidden"
	NotFound            Code = "NotFound"
	ProjectNotFound     Code = "ProjectNotFound"
	OperationNotFound   Code = "OperationNotFound"
	TooManyRequests     Code = "TooManyRequests"
	InternalServerError Code = "InternalServerError"
	ServiceUnavailable  Code = "ServiceUnavailable"
	Timeout             Code = "Timeout"
	QuotaExceeded       Code = "QuotaExceeded"
	Conflict            Code = "Conflict"
	Warning             Code = "Warning"

	// NotImplemented is Parley's own code, not the spec's: an operation of
	// the API that Parley does not carry out yet (docs/compatibility.md).
	NotImplemented Code = "NotImplemented"

	// GatewayUnauthorized is the APIM gateway's answer to a missing or wrong key.
	GatewayUnauthorized Code = "401"
	// GatewayNotFound is the gateway's answer to an unknown route or api-version.
	GatewayNotFound Code = "404"
	// MethodNotAllowed answers a known path called with the wrong method.
	MethodNotAllowed Code = "405"
	// PayloadTooLarge answers a request body above the configured limit.
	PayloadTooLarge Code = "413"
)

// InnerCode is a code from the spec's InnerErrorCode enum.
type InnerCode string

// Codes of the spec's InnerErrorCode enum that Parley uses.
const (
	InnerInvalidRequest           InnerCode = "InvalidRequest"
	InnerInvalidParameterValue    InnerCode = "InvalidParameterValue"
	InnerInvalidRequestBodyFormat InnerCode = "InvalidRequestBodyFormat"
	InnerEmptyRequest             InnerCode = "EmptyRequest"
	InnerUnsupportedLanguageCode  InnerCode = "UnsupportedLanguageCode"
)

// Error is the body of {"error": {...}}; Details and Inner nest the same way.
//
// It carries the spec's JSON names because this shape is the same on the wire,
// in a failed job's errors array, and in the store.
type Error struct {
	Code    Code        `json:"code"`
	Message string      `json:"message"`
	Target  string      `json:"target,omitempty"`
	Details []*Error    `json:"details,omitempty"`
	Inner   *InnerError `json:"innererror,omitempty"`
}

// InnerError is the spec's InnerErrorModel.
type InnerError struct {
	Code    InnerCode `json:"code"`
	Message string    `json:"message"`
	Target  string    `json:"target,omitempty"`
}

// New returns an error with code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns the 400 InvalidArgument/InvalidParameterValue error the
// contract (§4.2) gives for a bad field or query value; target names it.
func Invalid(target, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{
		Code:    InvalidArgument,
		Message: msg,
		Target:  target,
		Inner:   &InnerError{Code: InnerInvalidParameterValue, Message: msg, Target: target},
	}
}

// BadBody returns the 400 InvalidRequest/InvalidRequestBodyFormat error for a
// body that is not the JSON the operation takes.
func BadBody(format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{
		Code:    InvalidRequest,
		Message: msg,
		Inner:   &InnerError{Code: InnerInvalidRequestBodyFormat, Message: msg},
	}
}

// Error implements error.
func (e *Error) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("%s: %s (target %s)", e.Code, e.Message, e.Target)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// CodeOf returns the Code of the first *Error in err's chain, or
// InternalServerError when there is none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalServerError
}
