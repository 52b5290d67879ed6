package records

import "strings"

// Error reports an envelope that is not what the function reading it
// expected. Its message names the envelope, what was expected, what was
// found and, when the input is a different envelope this package knows, the
// function that reads it:
//
//	records: SQS body: expected an invocation record (version "1.0" with requestContext), found an SNS notification; use FromSNSNotification or Decode
type Error struct {
	// Where names the envelope or field being read, e.g. "SQS body" or
	// "SNS notification Message".
	Where string
	// Expected describes what should have been there.
	Expected string
	// Found describes what was there.
	Found string
	// Hint names the function that reads what was found, if any.
	Hint string
	// Err is the underlying decoding error, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("records: ")
	b.WriteString(e.Where)
	b.WriteString(": expected ")
	b.WriteString(e.Expected)
	b.WriteString(", found ")
	b.WriteString(e.Found)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying decoding error.
func (e *Error) Unwrap() error { return e.Err }

// What each reader expects.
const (
	expectRecord       = `an invocation record (version "1.0" with requestContext)`
	expectNotification = `an SNS notification (Type "Notification" with Message)`
	expectEventBridge  = `an EventBridge event from a Lambda destination (source "lambda", detail-type "` + DetailTypeSuccess + `" or "` + DetailTypeFailure + `")`
	expectDeadLetter   = `a dead-letter message (the original event with RequestID and ErrorCode attributes)`
	expectS3Key        = `an S3 key "aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>"`
	expectResponseOnly = `a response payload (what a rule target with InputPath $.detail.responsePayload receives)`
	expectEnvelope     = `an invocation record, a dead-letter message or an envelope of one (SQS, SNS, EventBridge)`
)
