package records

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// parseRecord reads an invocation record found at where.
func parseRecord(where string, data []byte) (*Record, error) {
	s := sniff(data)
	if s.kind != kindRecord {
		return nil, mismatch(where, expectRecord, s)
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, &Error{Where: where, Expected: expectRecord, Found: fmt.Sprintf("an invocation record that does not decode (%v)", err), Err: err}
	}
	return &r, nil
}

// FromLambda reads the event a Lambda function receives when it is a
// destination: the invocation record itself. It also reads the body of an
// object an S3 destination wrote (see [FromS3Object] for the key).
func FromLambda(event []byte) (*Record, error) { return parseRecord("Lambda event", event) }

// FromSQSBody reads the body of a message an SQS destination received: the
// invocation record. A queue subscribed to an SNS destination with raw
// message delivery receives the same body. Without raw delivery the body is
// an SNS notification: use [FromSNSNotification].
func FromSQSBody(body []byte) (*Record, error) { return parseRecord("SQS body", body) }

// FromSQSMessage reads one entry of the SQS event a Lambda function consuming
// an SQS destination receives. A message carrying the dead-letter attributes
// is refused: use [DeadLetterFromSQS].
func FromSQSMessage(m SQSMessage) (*Record, error) {
	if _, ok := sqsDeadLetterAttrs(m.MessageAttributes); ok {
		return nil, &Error{Where: "SQS message", Expected: expectRecord, Found: "a dead-letter message (RequestID and ErrorCode attributes)", Hint: "use DeadLetterFromSQS or Decode"}
	}
	return parseRecord("SQS body", []byte(m.Body))
}

// FromSNSNotification reads the JSON notification SNS delivers for an SNS
// destination to an SQS subscriber without raw message delivery (the SQS
// body) or to an HTTP/S subscriber: the record is its Message.
func FromSNSNotification(data []byte) (*Record, error) {
	s := sniff(data)
	if s.kind != kindNotification {
		e := mismatch("SNS notification", expectNotification, s)
		if s.kind == kindRecord {
			e.Hint = "the subscription uses raw message delivery: use FromSQSBody"
		}
		return nil, e
	}
	var n SNSNotification
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, &Error{Where: "SNS notification", Expected: expectNotification, Found: fmt.Sprintf("an SNS notification that does not decode (%v)", err), Err: err}
	}
	if _, ok := snsDeadLetterAttrs(n.MessageAttributes); ok {
		return nil, &Error{Where: "SNS notification", Expected: expectRecord, Found: "a dead-letter message (RequestID and ErrorCode attributes)", Hint: "use DeadLetterFromSNSNotification or Decode"}
	}
	return parseRecord("SNS notification Message", []byte(n.Message))
}

// FromSNSEntity reads the Sns object of one entry of the SNS event a Lambda
// function subscribed to an SNS destination receives: the record is its
// Message.
func FromSNSEntity(e SNSEntity) (*Record, error) {
	if e.Type != "" && e.Type != "Notification" {
		return nil, &Error{Where: "SNS record", Expected: expectNotification, Found: fmt.Sprintf("an SNS message of Type %q", e.Type)}
	}
	if _, ok := snsDeadLetterAttrs(e.MessageAttributes); ok {
		return nil, &Error{Where: "SNS record", Expected: expectRecord, Found: "a dead-letter message (RequestID and ErrorCode attributes)", Hint: "use DeadLetterFromSNSEntity or Decode"}
	}
	return parseRecord("SNS Message", []byte(e.Message))
}

// FromEventBridge reads the event a rule on the bus of an EventBridge
// destination delivers to its target (without an InputPath): the record is
// its detail.
func FromEventBridge(event []byte) (*Record, error) {
	s := sniff(event)
	if s.kind != kindEventBridge {
		return nil, mismatch("EventBridge event", expectEventBridge, s)
	}
	var e EventBridgeEvent
	if err := json.Unmarshal(event, &e); err != nil {
		return nil, &Error{Where: "EventBridge event", Expected: expectEventBridge, Found: fmt.Sprintf("an EventBridge event that does not decode (%v)", err), Err: err}
	}
	return FromEventBridgeEvent(e)
}

// FromEventBridgeEvent is [FromEventBridge] for an event already decoded. It
// checks source and detail-type, and that the detail-type agrees with the
// record's condition.
func FromEventBridgeEvent(e EventBridgeEvent) (*Record, error) {
	if (e.Source != EventBridgeSource && e.Source != "aws.lambda") || (e.DetailType != DetailTypeSuccess && e.DetailType != DetailTypeFailure) {
		return nil, &Error{Where: "EventBridge event", Expected: expectEventBridge, Found: fmt.Sprintf("source %q and detail-type %q", e.Source, e.DetailType)}
	}
	r, err := parseRecord("EventBridge detail", e.Detail)
	if err != nil {
		return nil, err
	}
	if want := r.RequestContext.Condition.DetailType(); want != e.DetailType {
		return nil, &Error{Where: "EventBridge event", Expected: fmt.Sprintf("detail-type %q for condition %q", want, r.RequestContext.Condition), Found: fmt.Sprintf("detail-type %q", e.DetailType)}
	}
	return r, nil
}

// FromResponseOnly reads the event a function receives through a
// response-only route (an EventBridge rule whose target has InputPath
// $.detail.responsePayload): the bare responsePayload of the source
// function's record, which may be any JSON value. It refuses a whole record
// or a whole EventBridge event, which mean the route is not response-only.
func FromResponseOnly(event []byte) (json.RawMessage, error) {
	s := sniff(event)
	switch s.kind {
	case kindNotJSON, kindEmpty:
		return nil, mismatch("response-only event", expectResponseOnly, s)
	case kindRecord:
		e := mismatch("response-only event", expectResponseOnly, s)
		e.Hint = "the whole record arrives, so the function is a plain Lambda destination: use FromLambda"
		return nil, e
	case kindEventBridge:
		e := mismatch("response-only event", expectResponseOnly, s)
		e.Hint = "the rule target has no InputPath $.detail.responsePayload: use FromEventBridge"
		return nil, e
	}
	return json.RawMessage(bytes.Clone(bytes.TrimSpace(event))), nil
}

// ResponseOnly decodes the event of a response-only route (see
// [FromResponseOnly]) into a T.
func ResponseOnly[T any](event []byte) (T, error) {
	raw, err := FromResponseOnly(event)
	if err != nil {
		var zero T
		return zero, err
	}
	return decodePayload[T]("response-only event", raw)
}
