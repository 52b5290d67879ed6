package records

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// DeadLetter is what Lambda sends to a function's dead-letter queue or topic
// (DeadLetterConfig) when an asynchronous event is discarded: the original
// event as the message body (SQS) or Message (SNS), with three message
// attributes. It holds no response: only destinations get the record.
type DeadLetter struct {
	// Event is the event the function was invoked with, unchanged.
	Event json.RawMessage
	// RequestID is the RequestID attribute: the invocation's request ID.
	RequestID string
	// ErrorCode is the ErrorCode attribute (Number): an HTTP status code.
	ErrorCode int
	// ErrorMessage is the ErrorMessage attribute: the first 1 KB of the
	// error message. Empty when the attribute is absent.
	ErrorMessage string
}

// DeadLetterEvent decodes the dead letter's original event into a T.
func DeadLetterEvent[T any](d *DeadLetter) (T, error) {
	return decodePayload[T]("dead-letter event", d.Event)
}

// SQSMessageAttributes returns the dead letter's attributes as SQS message
// attributes (what a dead-letter queue's message carries).
func (d *DeadLetter) SQSMessageAttributes() map[string]SQSMessageAttribute {
	str := func(dataType, v string) SQSMessageAttribute {
		return SQSMessageAttribute{StringValue: &v, StringListValues: []string{}, BinaryListValues: [][]byte{}, DataType: dataType}
	}
	return map[string]SQSMessageAttribute{
		AttrRequestID:    str("String", d.RequestID),
		AttrErrorCode:    str("Number", strconv.Itoa(d.ErrorCode)),
		AttrErrorMessage: str("String", d.ErrorMessage),
	}
}

// SNSMessageAttributes returns the dead letter's attributes as SNS message
// attributes (what a dead-letter topic's notification carries).
func (d *DeadLetter) SNSMessageAttributes() map[string]SNSMessageAttribute {
	return map[string]SNSMessageAttribute{
		AttrRequestID:    {Type: "String", Value: d.RequestID},
		AttrErrorCode:    {Type: "Number", Value: strconv.Itoa(d.ErrorCode)},
		AttrErrorMessage: {Type: "String", Value: d.ErrorMessage},
	}
}

// sqsDeadLetterAttrs reads the dead-letter attributes from SQS attributes;
// ok is false unless RequestID and ErrorCode are both there.
func sqsDeadLetterAttrs(attrs map[string]SQSMessageAttribute) (map[string]string, bool) {
	out := map[string]string{}
	for _, name := range []string{AttrRequestID, AttrErrorCode, AttrErrorMessage} {
		if a, ok := attrs[name]; ok && a.StringValue != nil {
			out[name] = *a.StringValue
		}
	}
	_, id := out[AttrRequestID]
	_, code := out[AttrErrorCode]
	return out, id && code
}

// snsDeadLetterAttrs reads the dead-letter attributes from SNS attributes.
func snsDeadLetterAttrs(attrs map[string]SNSMessageAttribute) (map[string]string, bool) {
	out := map[string]string{}
	for _, name := range []string{AttrRequestID, AttrErrorCode, AttrErrorMessage} {
		if a, ok := attrs[name]; ok {
			out[name] = a.Value
		}
	}
	_, id := out[AttrRequestID]
	_, code := out[AttrErrorCode]
	return out, id && code
}

// DeadLetterFromAttributes builds a dead letter from a message body and its
// attributes given as name → string value, e.g. read with the AWS SDK's
// ReceiveMessage (MessageAttributeNames "All").
func DeadLetterFromAttributes(event []byte, attrs map[string]string) (*DeadLetter, error) {
	return deadLetter("dead letter", event, attrs)
}

func deadLetter(where string, event []byte, attrs map[string]string) (*DeadLetter, error) {
	var missing []string
	for _, name := range []string{AttrRequestID, AttrErrorCode} {
		if _, ok := attrs[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		found := "a message without the " + strings.Join(missing, " and ") + " attribute"
		if len(missing) > 1 {
			found += "s"
		}
		e := &Error{Where: where, Expected: expectDeadLetter, Found: found}
		if s := sniff(event); s.kind != kindObject && s.kind != kindNotJSON {
			e.Found += " holding " + s.describe()
			e.Hint = s.hint()
		}
		return nil, e
	}
	code, err := strconv.Atoi(strings.TrimSpace(attrs[AttrErrorCode]))
	if err != nil {
		return nil, &Error{Where: where, Expected: expectDeadLetter, Found: fmt.Sprintf("ErrorCode %q, which is not a number", attrs[AttrErrorCode]), Err: err}
	}
	if !json.Valid(event) {
		return nil, mismatch(where+" event", "the original event (JSON)", sniff(event))
	}
	return &DeadLetter{
		Event:        json.RawMessage(append([]byte(nil), event...)),
		RequestID:    attrs[AttrRequestID],
		ErrorCode:    code,
		ErrorMessage: attrs[AttrErrorMessage],
	}, nil
}

// DeadLetterFromSQS reads one message of a dead-letter queue in the Lambda
// SQS event shape (or decoded from a ReceiveMessage response): the body is
// the original event, the attributes say why it was discarded.
func DeadLetterFromSQS(m SQSMessage) (*DeadLetter, error) {
	attrs, _ := sqsDeadLetterAttrs(m.MessageAttributes)
	return deadLetter("SQS dead letter", []byte(m.Body), attrs)
}

// DeadLetterFromSNSNotification reads the JSON notification a dead-letter
// topic delivers to an SQS subscriber without raw message delivery (or an
// HTTP/S subscriber): Message is the original event, MessageAttributes say
// why it was discarded. With raw delivery the queue's message carries them as
// SQS attributes: use [DeadLetterFromSQS].
func DeadLetterFromSNSNotification(data []byte) (*DeadLetter, error) {
	s := sniff(data)
	if s.kind != kindNotification {
		return nil, mismatch("SNS dead letter", expectNotification, s)
	}
	var n SNSNotification
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, &Error{Where: "SNS dead letter", Expected: expectNotification, Found: fmt.Sprintf("an SNS notification that does not decode (%v)", err), Err: err}
	}
	attrs, _ := snsDeadLetterAttrs(n.MessageAttributes)
	return deadLetter("SNS dead letter", []byte(n.Message), attrs)
}

// DeadLetterFromSNSEntity reads the Sns object of an SNS event entry a Lambda
// function subscribed to a dead-letter topic receives.
func DeadLetterFromSNSEntity(e SNSEntity) (*DeadLetter, error) {
	attrs, _ := snsDeadLetterAttrs(e.MessageAttributes)
	return deadLetter("SNS dead letter", []byte(e.Message), attrs)
}
