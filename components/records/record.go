package records

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Version is the invocation record version Lambda writes today. Records whose
// version starts with "1." are read; anything else is rejected.
const Version = "1.0"

// TimestampLayout is the layout of [Record.Timestamp]: UTC with milliseconds,
// as in AWS's example record ("2019-11-14T18:16:05.568Z").
const TimestampLayout = "2006-01-02T15:04:05.000Z"

// Record is the invocation record Lambda sends to an on-success or on-failure
// destination of an asynchronous invocation. Field names, JSON names and their
// order are those of the record in AWS's Lambda developer guide, so that
// json.Marshal of a Record gives the bytes Lambda sends (compact).
//
// The payloads are kept as raw JSON; decode them with [RequestPayload] and
// [ResponsePayload]. A payload that is absent stays nil and is left out when
// the record is marshalled; a JSON null is kept as the four bytes "null".
type Record struct {
	// Version is "1.0".
	Version string `json:"version"`
	// Timestamp is when Lambda wrote the record, in [TimestampLayout].
	Timestamp string `json:"timestamp"`
	// RequestContext describes the invocation.
	RequestContext RequestContext `json:"requestContext"`
	// RequestPayload is the event the function was invoked with, unchanged.
	RequestPayload json.RawMessage `json:"requestPayload,omitempty"`
	// ResponseContext describes the function's last response.
	ResponseContext ResponseContext `json:"responseContext,omitzero"`
	// ResponsePayload is what the function returned, or its error object
	// (errorMessage, errorType, stackTrace) when it failed.
	ResponsePayload json.RawMessage `json:"responsePayload,omitempty"`
}

// RequestContext is the requestContext object of a [Record].
type RequestContext struct {
	// RequestID is the invocation's request ID, as in the function's logs.
	RequestID string `json:"requestId"`
	// FunctionArn is the qualified ARN of the function that ran, ending in
	// ":$LATEST", ":<version>" or ":<alias>".
	FunctionArn string `json:"functionArn"`
	// Condition says why the record was sent.
	Condition Condition `json:"condition"`
	// ApproximateInvokeCount is how many times Lambda ran the function for
	// this event (1 + retries).
	ApproximateInvokeCount int `json:"approximateInvokeCount"`
}

// ResponseContext is the responseContext object of a [Record].
type ResponseContext struct {
	// StatusCode is the status code of the last invoke (200 also when the
	// function itself failed).
	StatusCode int `json:"statusCode"`
	// ExecutedVersion is the function version that ran: "$LATEST" or a
	// version number.
	ExecutedVersion string `json:"executedVersion"`
	// FunctionError is "Handled" or "Unhandled" when the function failed and
	// empty (absent) when it succeeded.
	FunctionError string `json:"functionError,omitempty"`
}

// Condition is the requestContext.condition of a record: why Lambda sent it.
type Condition string

// The conditions. Success and RetriesExhausted appear in AWS's own material
// (see the package documentation); EventAgeExceeded is what emulators and
// third-party simulators send when an event outlives MaximumEventAgeInSeconds
// and is not confirmed by AWS's pages. Any other value is kept as read.
const (
	// Success: the function returned without error (on-success destination).
	Success Condition = "Success"
	// RetriesExhausted: every attempt failed (on-failure destination).
	RetriesExhausted Condition = "RetriesExhausted"
	// EventAgeExceeded: the event waited longer than the maximum event age
	// (on-failure destination). Seen from emulators only.
	EventAgeExceeded Condition = "EventAgeExceeded"
)

// Failed reports whether the condition sends the record to the on-failure
// destination: every condition except [Success] does.
func (c Condition) Failed() bool { return c != Success }

// DetailType is the detail-type of the EventBridge event Lambda puts on an
// EventBridge destination for a record of condition c: [DetailTypeFailure]
// when c [Condition.Failed], [DetailTypeSuccess] otherwise.
func (c Condition) DetailType() string {
	if c.Failed() {
		return DetailTypeFailure
	}
	return DetailTypeSuccess
}

// Documented reports whether AWS's own material shows this condition
// ([Success] and [RetriesExhausted]).
func (c Condition) Documented() bool { return c == Success || c == RetriesExhausted }

// Failed reports whether the record went to the on-failure destination.
func (r *Record) Failed() bool { return r.RequestContext.Condition.Failed() }

// Time parses [Record.Timestamp].
func (r *Record) Time() (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, r.Timestamp)
	if err != nil {
		return time.Time{}, fmt.Errorf("records: timestamp %q: %w", r.Timestamp, err)
	}
	return t, nil
}

// FormatTimestamp formats t the way Lambda writes [Record.Timestamp].
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampLayout) }

// FunctionName is the function's name taken from RequestContext.FunctionArn
// (without qualifier), or "" when the ARN is not a Lambda function ARN.
func (r *Record) FunctionName() string {
	name, _ := splitFunctionArn(r.RequestContext.FunctionArn)
	return name
}

// Qualifier is the qualifier of RequestContext.FunctionArn ("$LATEST", a
// version or an alias), or "" when the ARN has none.
func (r *Record) Qualifier() string {
	_, q := splitFunctionArn(r.RequestContext.FunctionArn)
	return q
}

// splitFunctionArn splits arn:partition:lambda:region:account:function:name[:qualifier].
func splitFunctionArn(arn string) (name, qualifier string) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return "", ""
	}
	name = parts[6]
	if len(parts) > 7 {
		qualifier = strings.Join(parts[7:], ":")
	}
	return name, qualifier
}

// arnField returns field i (0-based) of an ARN, or "".
func arnField(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[i]
}

// FunctionError is a failed invocation's error as the runtimes report it in
// responsePayload, together with responseContext.functionError. To build a
// failure record, json.Marshal a FunctionError into ResponsePayload (Kind is
// left out) and put Kind in ResponseContext.FunctionError.
type FunctionError struct {
	// Kind is responseContext.functionError: "Handled" or "Unhandled".
	Kind string `json:"-"`
	// ErrorMessage is the error's message. When responsePayload is not an
	// object it holds the payload's text (a JSON string is unquoted).
	ErrorMessage string `json:"errorMessage"`
	// ErrorType is the error's type or class, when the runtime reports one.
	ErrorType string `json:"errorType,omitempty"`
	// StackTrace holds the frames the runtime reports, one string each; a
	// frame reported as an object ({"path","line","label"} from the Go
	// runtime) is rendered as "label (path:line)".
	StackTrace []string `json:"stackTrace,omitempty"`
}

// FunctionError returns the error the function failed with, and false when
// the record has no responseContext.functionError (a success, or a failure
// without a function error such as an expired event).
func (r *Record) FunctionError() (FunctionError, bool) {
	if r.ResponseContext.FunctionError == "" {
		return FunctionError{}, false
	}
	fe := FunctionError{Kind: r.ResponseContext.FunctionError}
	p := bytes.TrimSpace(r.ResponsePayload)
	if len(p) == 0 || bytes.Equal(p, []byte("null")) {
		return fe, true
	}
	var obj struct {
		ErrorMessage json.RawMessage   `json:"errorMessage"`
		ErrorType    json.RawMessage   `json:"errorType"`
		StackTrace   []json.RawMessage `json:"stackTrace"`
	}
	if p[0] != '{' || json.Unmarshal(p, &obj) != nil {
		var s string
		if json.Unmarshal(p, &s) == nil {
			fe.ErrorMessage = s
		} else {
			fe.ErrorMessage = string(p)
		}
		return fe, true
	}
	fe.ErrorMessage = text(obj.ErrorMessage)
	fe.ErrorType = text(obj.ErrorType)
	for _, f := range obj.StackTrace {
		fe.StackTrace = append(fe.StackTrace, frame(f))
	}
	return fe, true
}

// text renders a JSON value as text: strings unquoted, others as JSON.
func text(v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// frame renders one stack frame.
func frame(v json.RawMessage) string {
	var f struct {
		Path  *string `json:"path"`
		Line  *int    `json:"line"`
		Label *string `json:"label"`
	}
	if len(v) > 0 && v[0] == '{' && json.Unmarshal(v, &f) == nil && f.Path != nil && f.Line != nil {
		label := ""
		if f.Label != nil {
			label = *f.Label
		}
		return fmt.Sprintf("%s (%s:%d)", label, *f.Path, *f.Line)
	}
	return text(v)
}

// RequestPayload decodes the record's requestPayload (the event the function
// was invoked with) into a T.
func RequestPayload[T any](r *Record) (T, error) {
	return decodePayload[T]("requestPayload", r.RequestPayload)
}

// ResponsePayload decodes the record's responsePayload (what the function
// returned) into a T. For a failure use [Record.FunctionError] instead.
func ResponsePayload[T any](r *Record) (T, error) {
	return decodePayload[T]("responsePayload", r.ResponsePayload)
}

func decodePayload[T any](name string, raw json.RawMessage) (T, error) {
	var v T
	if len(bytes.TrimSpace(raw)) == 0 {
		return v, fmt.Errorf("records: %s is absent", name)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("records: %s: decoding into %s: %w", name, typeName[T](), err)
	}
	return v, nil
}

func typeName[T any]() string {
	t := reflect.TypeFor[T]()
	if s := t.String(); s != "" {
		return s
	}
	return "the target type"
}
