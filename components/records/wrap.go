package records

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// marshal encodes v compactly without escaping <, > and &.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// check refuses a record this package would not read back.
func check(r *Record) error {
	if r == nil {
		return fmt.Errorf("records: wrap: nil record")
	}
	b, err := marshal(r)
	if err != nil {
		return fmt.Errorf("records: wrap: %w", err)
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("records: wrap: the record holds bytes that are not UTF-8 (Lambda, SQS and SNS carry UTF-8 text only)")
	}
	if _, err := parseRecord("record to wrap", b); err != nil {
		return err
	}
	return nil
}

// WrapLambda returns the event a Lambda function that is a destination
// receives: the record's JSON.
func WrapLambda(r *Record) ([]byte, error) {
	if err := check(r); err != nil {
		return nil, err
	}
	return marshal(r)
}

// WrapSQS returns the body of the message an SQS destination receives: the
// record's JSON. It is also the body a queue subscribed with raw message
// delivery to an SNS destination receives. Put it in an [SQSMessage] and use
// [WrapSQSEvent] for what a Lambda consumer of the queue receives.
func WrapSQS(r *Record) ([]byte, error) { return WrapLambda(r) }

// WrapSNS returns the notification JSON an SNS destination delivers to a
// queue subscribed without raw message delivery (the SQS body) or to an
// HTTP/S subscriber. n supplies the notification's metadata (MessageID,
// TopicArn, Signature, ...); Type is set to "Notification", Message to the
// record, and Timestamp (when empty) and SignatureVersion (when empty) to
// the record's timestamp and "1". Use [WrapSNSEvent] for a Lambda
// subscriber.
func WrapSNS(r *Record, n SNSNotification) ([]byte, error) {
	body, err := WrapLambda(r)
	if err != nil {
		return nil, err
	}
	return marshal(notification(n, string(body), r.Timestamp))
}

func notification(n SNSNotification, msg, ts string) SNSNotification {
	n.Type = "Notification"
	n.Message = msg
	if n.Timestamp == "" {
		n.Timestamp = ts
	}
	if n.SignatureVersion == "" {
		n.SignatureVersion = "1"
	}
	return n
}

// WrapSNSEvent turns notifications (from [WrapSNS] or [WrapDeadLetterSNS])
// into the event a Lambda function subscribed to the topic receives, one
// Records entry each, with EventSubscriptionArn subscriptionArn.
func WrapSNSEvent(subscriptionArn string, notifications ...[]byte) ([]byte, error) {
	ev := SNSEvent{Records: []SNSEventRecord{}}
	for i, data := range notifications {
		s := sniff(data)
		if s.kind != kindNotification {
			return nil, mismatch(fmt.Sprintf("WrapSNSEvent notification %d", i), expectNotification, s)
		}
		var n SNSNotification
		if err := json.Unmarshal(data, &n); err != nil {
			return nil, fmt.Errorf("records: WrapSNSEvent notification %d: %w", i, err)
		}
		var subject *string
		if n.Subject != "" {
			subject = &n.Subject
		}
		attrs := n.MessageAttributes
		if attrs == nil {
			attrs = map[string]SNSMessageAttribute{}
		}
		ev.Records = append(ev.Records, SNSEventRecord{
			EventVersion:         "1.0",
			EventSubscriptionArn: subscriptionArn,
			EventSource:          "aws:sns",
			SNS: SNSEntity{
				Signature:         n.Signature,
				MessageID:         n.MessageID,
				Type:              n.Type,
				TopicArn:          n.TopicArn,
				MessageAttributes: attrs,
				SignatureVersion:  n.SignatureVersion,
				Timestamp:         n.Timestamp,
				SigningCertURL:    n.SigningCertURL,
				Message:           n.Message,
				UnsubscribeURL:    n.UnsubscribeURL,
				Subject:           subject,
			},
		})
	}
	return marshal(ev)
}

// WrapSQSEvent returns the event a Lambda function consuming a queue receives
// for msgs (bodies from [WrapSQS], [WrapSNS] or [WrapEventBridge], or a
// message from [WrapDeadLetterSQS]). Empty fields get what SQS sets:
// EventSource "aws:sqs", MD5OfBody the body's MD5, empty Attributes and
// MessageAttributes maps; AWSRegion is taken from EventSourceARN.
func WrapSQSEvent(msgs ...SQSMessage) ([]byte, error) {
	ev := SQSEvent{Records: make([]SQSMessage, 0, len(msgs))}
	for _, m := range msgs {
		if m.EventSource == "" {
			m.EventSource = "aws:sqs"
		}
		if m.MD5OfBody == "" {
			sum := md5.Sum([]byte(m.Body))
			m.MD5OfBody = hex.EncodeToString(sum[:])
		}
		if m.Attributes == nil {
			m.Attributes = map[string]string{}
		}
		if m.MessageAttributes == nil {
			m.MessageAttributes = map[string]SQSMessageAttribute{}
		}
		if m.AWSRegion == "" {
			m.AWSRegion = arnField(m.EventSourceARN, 3)
		}
		ev.Records = append(ev.Records, m)
	}
	return marshal(ev)
}

// WrapEventBridge returns the event Lambda puts on an EventBridge
// destination's bus, as a rule's target receives it. e supplies the event's
// metadata (ID, Resources, ...); Source is set to [EventBridgeSource],
// DetailType from the record's condition, Detail to the record, and when
// empty: Version "0", Time the record's timestamp to the second, Account
// and Region from the function ARN, Resources the function ARN.
func WrapEventBridge(r *Record, e EventBridgeEvent) ([]byte, error) {
	body, err := WrapLambda(r)
	if err != nil {
		return nil, err
	}
	e.Source = EventBridgeSource
	e.DetailType = r.RequestContext.Condition.DetailType()
	e.Detail = body
	if e.Version == "" {
		e.Version = "0"
	}
	if e.Time == "" {
		if t, err := r.Time(); err == nil {
			e.Time = t.UTC().Truncate(time.Second).Format(time.RFC3339)
		}
	}
	if e.Account == "" {
		e.Account = arnField(r.RequestContext.FunctionArn, 4)
	}
	if e.Region == "" {
		e.Region = arnField(r.RequestContext.FunctionArn, 3)
	}
	if e.Resources == nil {
		e.Resources = []string{r.RequestContext.FunctionArn}
	}
	return marshal(e)
}

// WrapS3 returns the key and body of the object an S3 on-failure destination
// writes for r: the key from the function's name, the record's timestamp (to
// the second) and id as the random UUID; the body is the record's JSON.
func WrapS3(r *Record, id string) (key string, body []byte, err error) {
	body, err = WrapLambda(r)
	if err != nil {
		return "", nil, err
	}
	if !r.Failed() {
		return "", nil, fmt.Errorf("records: WrapS3: S3 destinations are on-failure only, and the record's condition is %q", r.RequestContext.Condition)
	}
	name := r.FunctionName()
	if name == "" {
		return "", nil, fmt.Errorf("records: WrapS3: functionArn %q is not a Lambda function ARN", r.RequestContext.FunctionArn)
	}
	t, err := r.Time()
	if err != nil {
		return "", nil, err
	}
	if id == "" {
		return "", nil, fmt.Errorf("records: WrapS3: empty object id")
	}
	return S3Key{FunctionName: name, Time: t.UTC().Truncate(time.Second), ID: id}.String(), body, nil
}

// WrapResponseOnly returns the event a response-only route (an EventBridge
// rule target with InputPath $.detail.responsePayload) delivers: the
// record's responsePayload.
func WrapResponseOnly(r *Record) ([]byte, error) {
	if err := check(r); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(r.ResponsePayload)) == 0 {
		return nil, fmt.Errorf("records: WrapResponseOnly: the record has no responsePayload")
	}
	var v any
	if err := json.Unmarshal(r.ResponsePayload, &v); err != nil {
		return nil, fmt.Errorf("records: WrapResponseOnly: %w", err)
	}
	return marshal(r.ResponsePayload)
}

// WrapDeadLetterSQS returns m with the dead letter in it: the original event
// as Body, MD5OfBody its MD5 (replacing any m has), and the RequestID,
// ErrorCode and ErrorMessage attributes (added to any m already has). Pass
// it to [WrapSQSEvent] for a Lambda consumer.
func WrapDeadLetterSQS(d *DeadLetter, m SQSMessage) (SQSMessage, error) {
	if err := checkDeadLetter(d); err != nil {
		return SQSMessage{}, err
	}
	m.Body = string(d.Event)
	sum := md5.Sum(d.Event)
	m.MD5OfBody = hex.EncodeToString(sum[:])
	attrs := make(map[string]SQSMessageAttribute, len(m.MessageAttributes)+3)
	for k, v := range m.MessageAttributes {
		attrs[k] = v
	}
	for k, v := range d.SQSMessageAttributes() {
		attrs[k] = v
	}
	m.MessageAttributes = attrs
	return m, nil
}

// WrapDeadLetterSNS returns the notification JSON a dead-letter topic
// delivers to a queue subscribed without raw delivery or to an HTTP/S
// subscriber: Message is the original event, MessageAttributes the dead
// letter's. n supplies the metadata as for [WrapSNS]; its Timestamp should
// be set (there is no record to take it from).
func WrapDeadLetterSNS(d *DeadLetter, n SNSNotification) ([]byte, error) {
	if err := checkDeadLetter(d); err != nil {
		return nil, err
	}
	attrs := make(map[string]SNSMessageAttribute, len(n.MessageAttributes)+3)
	for k, v := range n.MessageAttributes {
		attrs[k] = v
	}
	for k, v := range d.SNSMessageAttributes() {
		attrs[k] = v
	}
	n.MessageAttributes = attrs
	return marshal(notification(n, string(d.Event), n.Timestamp))
}

func checkDeadLetter(d *DeadLetter) error {
	if d == nil {
		return fmt.Errorf("records: wrap: nil dead letter")
	}
	if !json.Valid(d.Event) {
		return fmt.Errorf("records: wrap: the dead letter's event is not JSON")
	}
	if !utf8.Valid(d.Event) {
		return fmt.Errorf("records: wrap: the dead letter's event holds bytes that are not UTF-8")
	}
	return nil
}
