package letmepost

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Error codes: switch on Error.Code, never on the message.
const (
	CodeValidationFailed    = "validation_failed"
	CodePreflightFailed     = "preflight_failed"
	CodePlatformAuthFailed  = "platform_auth_failed"
	CodePlatformRejected    = "platform_rejected"
	CodePlatformUnavailable = "platform_unavailable"
	CodePlatformNotEnabled  = "platform_not_enabled"
	CodeInternalError       = "internal_error"
	CodeUnauthenticated     = "unauthenticated"
	CodeUnauthorized        = "unauthorized"
	CodeNotFound            = "not_found"
	CodeIdempotencyConflict = "idempotency_conflict"
	CodeRateLimited         = "rate_limited"
	CodeQuotaExceeded       = "quota_exceeded"
)

// Violation is one broken platform rule.
type Violation struct {
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	Message     string `json:"message"`
	Remediation string `json:"remediation,omitempty"`
	Field       string `json:"field,omitempty"`
}

// Error is an error answer from the API: the envelope's fields plus the HTTP status.
// Get it with errors.As(err, &apiErr).
type Error struct {
	Status           int             `json:"-"`
	Code             string          `json:"code"`
	Message          string          `json:"message"`
	Rule             string          `json:"rule,omitempty"`
	Platform         string          `json:"platform,omitempty"`
	PlatformVersion  string          `json:"platformVersion,omitempty"`
	PlatformResponse json.RawMessage `json:"platformResponse,omitempty"`
	Remediation      string          `json:"remediation,omitempty"`
	DocURL           string          `json:"docUrl,omitempty"`
	RuleURL          string          `json:"ruleUrl,omitempty"`
	RequestID        string          `json:"requestId,omitempty"`
	Violations       []Violation     `json:"violations,omitempty"`
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration `json:"-"`
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("letmepost: %d %s: %s", e.Status, e.Code, e.Message)
	if e.Rule != "" {
		msg += " (rule " + e.Rule + ")"
	}
	if e.RequestID != "" {
		msg += " [" + e.RequestID + "]"
	}
	return msg
}

// ErrorCode returns the API error code carried by err, or "" when err is not an API error.
func ErrorCode(err error) string {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// errorFromBody builds the typed error; a body that is not an envelope becomes internal_error.
func errorFromBody(status int, body []byte, requestID string, retryAfter time.Duration) *Error {
	var envelope struct {
		Error *Error `json:"error"`
	}
	apiErr := &Error{}
	if json.Unmarshal(body, &envelope) == nil && envelope.Error != nil && envelope.Error.Code != "" {
		apiErr = envelope.Error
	} else {
		apiErr.Code = CodeInternalError
		apiErr.Message = fmt.Sprintf("HTTP %d without a letmepost error envelope", status)
		raw, _ := json.Marshal(string(body))
		apiErr.PlatformResponse = raw
	}
	apiErr.Status = status
	apiErr.RetryAfter = retryAfter
	if apiErr.RequestID == "" {
		apiErr.RequestID = requestID
	}
	return apiErr
}

// ConnectionError means the server could not be reached or did not answer in time. Not retried.
type ConnectionError struct {
	Method, URL string
	Err         error
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("letmepost: %s %s: %v", e.Method, e.URL, e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// ErrInvalidSignature is returned by VerifyWebhook for a delivery that is not authentic.
var ErrInvalidSignature = errors.New("letmepost: the webhook signature does not match")
