// Package lambdaevents connects package records to the event types of
// github.com/aws/aws-lambda-go/events, for handlers written with that
// module. It is a separate package so that records itself, and the
// asyncroute construct packages, do not depend on aws-lambda-go.
//
// [records.Decode] also accepts those event values directly (their JSON is
// the shape it reads); the functions here convert field by field instead,
// and add [BatchItemFailures] for SQS partial batch responses.
package lambdaevents

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/aws/aws-lambda-go/events"
)

// SQSMessage converts an aws-lambda-go SQS message.
func SQSMessage(m events.SQSMessage) records.SQSMessage {
	var attrs map[string]records.SQSMessageAttribute
	if m.MessageAttributes != nil {
		attrs = make(map[string]records.SQSMessageAttribute, len(m.MessageAttributes))
		for k, a := range m.MessageAttributes {
			attrs[k] = records.SQSMessageAttribute{
				StringValue:      a.StringValue,
				BinaryValue:      a.BinaryValue,
				StringListValues: a.StringListValues,
				BinaryListValues: a.BinaryListValues,
				DataType:         a.DataType,
			}
		}
	}
	return records.SQSMessage{
		MessageID:              m.MessageId,
		ReceiptHandle:          m.ReceiptHandle,
		Body:                   m.Body,
		Attributes:             m.Attributes,
		MessageAttributes:      attrs,
		MD5OfBody:              m.Md5OfBody,
		MD5OfMessageAttributes: m.Md5OfMessageAttributes,
		EventSource:            m.EventSource,
		EventSourceARN:         m.EventSourceARN,
		AWSRegion:              m.AWSRegion,
	}
}

// SNSEntity converts the Sns object of an aws-lambda-go SNS event record.
// Its message attributes, untyped there, become {Type, Value} pairs.
func SNSEntity(e events.SNSEntity) records.SNSEntity {
	attrs := make(map[string]records.SNSMessageAttribute, len(e.MessageAttributes))
	for k, v := range e.MessageAttributes {
		attrs[k] = snsAttribute(v)
	}
	var subject *string
	if e.Subject != "" {
		s := e.Subject
		subject = &s
	}
	ts := ""
	if !e.Timestamp.IsZero() {
		ts = records.FormatTimestamp(e.Timestamp)
	}
	return records.SNSEntity{
		SignatureVersion:  e.SignatureVersion,
		Timestamp:         ts,
		Signature:         e.Signature,
		SigningCertURL:    e.SigningCertURL,
		MessageID:         e.MessageID,
		Message:           e.Message,
		MessageAttributes: attrs,
		Type:              e.Type,
		UnsubscribeURL:    e.UnsubscribeURL,
		TopicArn:          e.TopicArn,
		Subject:           subject,
	}
}

// snsAttribute reads one untyped SNS message attribute.
func snsAttribute(v any) records.SNSMessageAttribute {
	m, ok := v.(map[string]any)
	if !ok {
		return records.SNSMessageAttribute{Value: fmt.Sprint(v)}
	}
	str := func(k string) string {
		switch x := m[k].(type) {
		case nil:
			return ""
		case string:
			return x
		default:
			b, _ := json.Marshal(x)
			return string(b)
		}
	}
	return records.SNSMessageAttribute{Type: str("Type"), Value: str("Value")}
}

// EventBridgeEvent converts an aws-lambda-go EventBridge (CloudWatch) event.
func EventBridgeEvent(e events.CloudWatchEvent) records.EventBridgeEvent {
	t := ""
	if !e.Time.IsZero() {
		t = e.Time.UTC().Format(time.RFC3339)
	}
	return records.EventBridgeEvent{
		Version:    e.Version,
		ID:         e.ID,
		DetailType: e.DetailType,
		Source:     e.Source,
		Account:    e.AccountID,
		Time:       t,
		Region:     e.Region,
		Resources:  e.Resources,
		Detail:     e.Detail,
	}
}

// FromSQSMessage reads the record in one message of an SQS destination.
func FromSQSMessage(m events.SQSMessage) (*records.Record, error) {
	return records.FromSQSMessage(SQSMessage(m))
}

// FromSNSEntity reads the record in one message of an SNS destination, as
// a subscribed Lambda function receives it.
func FromSNSEntity(e events.SNSEntity) (*records.Record, error) {
	return records.FromSNSEntity(SNSEntity(e))
}

// FromEventBridge reads the record in an event of an EventBridge
// destination.
func FromEventBridge(e events.CloudWatchEvent) (*records.Record, error) {
	return records.FromEventBridgeEvent(EventBridgeEvent(e))
}

// DeadLetterFromSQS reads one message of a dead-letter queue.
func DeadLetterFromSQS(m events.SQSMessage) (*records.DeadLetter, error) {
	return records.DeadLetterFromSQS(SQSMessage(m))
}

// DeadLetterFromSNS reads one message of a dead-letter topic, as a
// subscribed Lambda function receives it.
func DeadLetterFromSNS(e events.SNSEntity) (*records.DeadLetter, error) {
	return records.DeadLetterFromSNSEntity(SNSEntity(e))
}

// DecodeSQSEvent reads every message of an SQS event: records from an SQS
// destination (or an SNS destination's queue subscriber) and dead letters.
// See [records.Decode] for batches with unreadable messages.
func DecodeSQSEvent(ev events.SQSEvent) ([]records.Delivery, error) {
	msgs := make([]records.SQSMessage, len(ev.Records))
	for i, m := range ev.Records {
		msgs[i] = SQSMessage(m)
	}
	return records.Decode(records.SQSEvent{Records: msgs})
}

// DecodeSNSEvent reads every message of an SNS event.
func DecodeSNSEvent(ev events.SNSEvent) ([]records.Delivery, error) {
	out := records.SNSEvent{Records: make([]records.SNSEventRecord, len(ev.Records))}
	for i, r := range ev.Records {
		out.Records[i] = records.SNSEventRecord{
			EventVersion:         r.EventVersion,
			EventSubscriptionArn: r.EventSubscriptionArn,
			EventSource:          r.EventSource,
			SNS:                  SNSEntity(r.SNS),
		}
	}
	return records.Decode(out)
}

// BatchItemFailures returns the SQS partial batch response naming the
// messages that could not be read (those whose Delivery has Err), for a
// mapping with ReportBatchItemFailures. failed adds messages the handler
// itself failed to process, by message ID.
func BatchItemFailures(ds []records.Delivery, failed ...string) events.SQSEventResponse {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
	}
	for _, d := range ds {
		if d.Err != nil {
			add(d.MessageID)
		}
	}
	for _, id := range failed {
		add(id)
	}
	return resp
}
