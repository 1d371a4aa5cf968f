package ecsapi

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes sgref answers with, as ECS spells them.
const (
	CodeMissingParameter      = "MissingParameter"
	CodeInvalidParameter      = "InvalidParameter"
	CodeInvalidAction         = "InvalidAction.NotFound"
	CodeInvalidRegion         = "InvalidRegionId.NotFound"
	CodeGroupIDMalformed      = "InvalidSecurityGroupId.Malformed"
	CodeGroupIDNotFound       = "InvalidSecurityGroupId.NotFound"
	CodeForbidden             = "Forbidden.RAM"
	CodeInternalError         = "InternalError"
	CodeServiceUnavailable    = "ServiceUnavailable"
	CodeThrottling            = "Throttling"
	CodeAccessKeyNotFound     = "InvalidAccessKeyId.NotFound"
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	CodeIncompleteSignature   = "IncompleteSignature"
	CodeNonceUsed             = "SignatureNonceUsed"
	CodeTimestampExpired      = "InvalidTimeStamp.Expired"
)

// codes is the one table of every code's HTTP status and fixed message. A message with a
// %s takes the parameter name.
var codes = map[string]struct {
	status  int
	message string
}{
	CodeMissingParameter:      {http.StatusBadRequest, `The input parameter "%s" that is mandatory for processing this request is not supplied.`},
	CodeInvalidParameter:      {http.StatusBadRequest, `The specified parameter "%s" is not valid.`},
	CodeInvalidAction:         {http.StatusNotFound, "Specified api is not found, please check your url and method."},
	CodeInvalidRegion:         {http.StatusNotFound, "The RegionId provided does not exist in our records."},
	CodeGroupIDMalformed:      {http.StatusBadRequest, "The specified parameter SecurityGroupId is essential and size should less than 10"},
	CodeGroupIDNotFound:       {http.StatusNotFound, "The SecurityGroupId provided does not exist in our records."},
	CodeForbidden:             {http.StatusForbidden, "User not authorized to operate on the specified resource, or this API doesn't support RAM."},
	CodeInternalError:         {http.StatusInternalServerError, "The request processing has failed due to some unknown error."},
	CodeServiceUnavailable:    {http.StatusServiceUnavailable, "The request has failed due to a temporary failure of the server."},
	CodeThrottling:            {http.StatusBadRequest, "Request was denied due to request throttling."},
	CodeAccessKeyNotFound:     {http.StatusNotFound, "Specified access key is not found."},
	CodeSignatureDoesNotMatch: {http.StatusBadRequest, "Specified signature is not matched with our calculation."},
	CodeIncompleteSignature:   {http.StatusBadRequest, "The request signature does not conform to Aliyun standards."},
	CodeNonceUsed:             {http.StatusBadRequest, "Specified signature nonce was used already."},
	CodeTimestampExpired:      {http.StatusBadRequest, "Specified time stamp or date value is expired."},
}

// Error is the one error type of the API: an ECS error code, its HTTP status and the
// message the client sees. Anything else that reaches the edge is answered as InternalError.
type Error struct {
	Code    string
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns the error for code, its message formatted with args when the table's
// message takes a parameter name.
func Errorf(code string, args ...any) *Error {
	c, ok := codes[code]
	if !ok {
		c = codes[CodeInternalError]
		code = CodeInternalError
	}
	msg := c.message
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return &Error{Code: code, Status: c.status, Message: msg}
}

// WithMessage returns the error for code with a message of the caller's.
func WithMessage(code, message string) *Error {
	e := Errorf(code)
	e.Message = message
	return e
}

// asAPIError returns err as an *Error, or nil when it is something else.
func asAPIError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
