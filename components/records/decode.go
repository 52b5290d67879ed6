package records

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Envelope names a layer a record or dead letter arrived in.
type Envelope string

// The envelopes [Decode] unwraps.
const (
	// EnvelopeSQS is an SQS message: an entry of a Lambda SQS event or of a
	// ReceiveMessage response.
	EnvelopeSQS Envelope = "sqs"
	// EnvelopeSNS is an SNS notification: the JSON an SQS (without raw
	// delivery) or HTTP/S subscriber gets, or an entry of a Lambda SNS event.
	EnvelopeSNS Envelope = "sns"
	// EnvelopeEventBridge is an EventBridge event whose detail is the record.
	EnvelopeEventBridge Envelope = "eventbridge"
)

// Delivery is one record or dead letter found by [Decode].
type Delivery struct {
	// Via lists the envelopes around it, outermost first: [sqs sns] is a
	// record an SNS destination sent to a queue subscribed without raw
	// delivery. Empty for a bare record (a Lambda destination's event, an SQS
	// body, an S3 object's body).
	Via []Envelope
	// Record is the invocation record, for a destination's delivery.
	Record *Record
	// DeadLetter is set instead of Record for a dead-letter message.
	DeadLetter *DeadLetter
	// MessageID is the ID of the outermost message (SQS messageId, SNS
	// MessageId or EventBridge id), when there is one.
	MessageID string
	// Err is set when this entry of a batch could not be read.
	Err error
}

// maxDepth bounds how many envelopes Decode opens inside one another.
const maxDepth = 3

// Decode finds the records and dead letters in whatever a consumer received,
// telling the envelope from the JSON itself. envelope is the raw bytes
// ([]byte, json.RawMessage or string) or any value that marshals to them:
// this package's envelope types, or aws-lambda-go's events.SQSEvent,
// events.SQSMessage, events.SNSEvent, events.SNSEventRecord,
// events.SNSEntity and events.CloudWatchEvent, whose JSON is the same.
//
// It reads a bare invocation record; a Lambda SQS event, one SQS message or
// a ReceiveMessage response; an SNS notification, a Lambda SNS event or one
// entry of it; an EventBridge event from a Lambda destination; and those
// nested as AWS nests them (an SNS notification or EventBridge event as an
// SQS body, an EventBridge event as an SNS Message). A message carrying the
// RequestID and ErrorCode attributes is a dead letter.
//
// It cannot recognise a response-only event (any JSON value; use
// [FromResponseOnly]) nor a dead letter without its attributes (a bare SQS
// body; use [DeadLetterFromAttributes]).
//
// A batch gives one Delivery per entry, in order. When some entries cannot
// be read, those carry Err (and their MessageID, for a partial batch
// response) and the returned error joins their errors.
func Decode(envelope any) ([]Delivery, error) {
	data, err := toJSON(envelope)
	if err != nil {
		return nil, err
	}
	s := sniff(data)
	switch s.kind {
	case kindRecord:
		r, err := parseRecord("Decode", data)
		if err != nil {
			return nil, err
		}
		return []Delivery{{Record: r}}, nil
	case kindSQSEvent, kindSQSReceive:
		var batch struct {
			Records  []SQSMessage `json:"Records"`
			Messages []SQSMessage `json:"Messages"`
		}
		if err := json.Unmarshal(data, &batch); err != nil {
			return nil, &Error{Where: "Decode", Expected: expectEnvelope, Found: fmt.Sprintf("%s that does not decode (%v)", s.describe(), err), Err: err}
		}
		msgs := batch.Records
		if s.kind == kindSQSReceive {
			msgs = batch.Messages
		}
		return collect(len(msgs), func(i int) Delivery {
			return decodeSQS(msgs[i], fmt.Sprintf(" (Records[%d])", i), 0)
		})
	case kindSQSMessage:
		var m SQSMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, &Error{Where: "Decode", Expected: expectEnvelope, Found: fmt.Sprintf("an SQS message that does not decode (%v)", err), Err: err}
		}
		return collect(1, func(int) Delivery { return decodeSQS(m, "", 0) })
	case kindSNSEvent:
		var ev SNSEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			return nil, &Error{Where: "Decode", Expected: expectEnvelope, Found: fmt.Sprintf("a Lambda SNS event that does not decode (%v)", err), Err: err}
		}
		return collect(len(ev.Records), func(i int) Delivery {
			e := ev.Records[i].SNS
			return decodeSNS(e.Type, e.Message, e.MessageAttributes, e.MessageID, fmt.Sprintf(" (Records[%d])", i), 0)
		})
	case kindSNSRecord:
		var rec SNSEventRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return nil, &Error{Where: "Decode", Expected: expectEnvelope, Found: fmt.Sprintf("an SNS event record that does not decode (%v)", err), Err: err}
		}
		e := rec.SNS
		return collect(1, func(int) Delivery {
			return decodeSNS(e.Type, e.Message, e.MessageAttributes, e.MessageID, "", 0)
		})
	case kindNotification, kindEventBridge:
		return collect(1, func(int) Delivery { return decodeInner("Decode", data, 0) })
	}
	return nil, mismatch("Decode", expectEnvelope, s)
}

// collect runs one decode per entry and joins the entries' errors.
func collect(n int, one func(i int) Delivery) ([]Delivery, error) {
	out := make([]Delivery, n)
	var errs []error
	for i := range n {
		out[i] = one(i)
		if out[i].Err != nil {
			errs = append(errs, out[i].Err)
		}
	}
	return out, errors.Join(errs...)
}

// toJSON turns Decode's argument into bytes.
func toJSON(v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, &Error{Where: "Decode", Expected: expectEnvelope, Found: "nil"}
	case []byte:
		return x, nil
	case json.RawMessage:
		return x, nil
	case string:
		return []byte(x), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Where: "Decode", Expected: expectEnvelope, Found: fmt.Sprintf("a %T that does not marshal to JSON (%v)", v, err), Err: err}
	}
	return b, nil
}

// expectInner is what may be inside an SQS body or SNS Message.
const expectInner = `an invocation record, or an SNS notification or EventBridge event holding one`

// decodeInner reads what an SQS body or SNS Message holds (or a top-level
// notification or EventBridge event).
func decodeInner(where string, data []byte, depth int) Delivery {
	s := sniff(data)
	switch s.kind {
	case kindRecord:
		r, err := parseRecord(where, data)
		return Delivery{Record: r, Err: err}
	case kindEventBridge:
		var e EventBridgeEvent
		if err := json.Unmarshal(data, &e); err != nil {
			return Delivery{Err: &Error{Where: where, Expected: expectInner, Found: fmt.Sprintf("an EventBridge event that does not decode (%v)", err), Err: err}}
		}
		r, err := FromEventBridgeEvent(e)
		return Delivery{Via: []Envelope{EnvelopeEventBridge}, Record: r, MessageID: e.ID, Err: err}
	case kindNotification:
		var n SNSNotification
		if err := json.Unmarshal(data, &n); err != nil {
			return Delivery{Err: &Error{Where: where, Expected: expectInner, Found: fmt.Sprintf("an SNS notification that does not decode (%v)", err), Err: err}}
		}
		return decodeSNS(n.Type, n.Message, n.MessageAttributes, n.MessageID, "", depth)
	}
	e := mismatch(where, expectInner, s)
	if depth > 0 {
		e.Hint = ""
	}
	return Delivery{Err: e}
}

// decodeSQS reads one SQS message.
func decodeSQS(m SQSMessage, at string, depth int) Delivery {
	if _, ok := sqsDeadLetterAttrs(m.MessageAttributes); ok {
		d, err := DeadLetterFromSQS(m)
		return Delivery{Via: []Envelope{EnvelopeSQS}, DeadLetter: d, MessageID: m.MessageID, Err: err}
	}
	return nest(EnvelopeSQS, m.MessageID, "SQS body"+at, []byte(m.Body), depth)
}

// decodeSNS reads one SNS message, from a notification or a Lambda event.
func decodeSNS(typ, msg string, attrs map[string]SNSMessageAttribute, id, at string, depth int) Delivery {
	if typ != "" && typ != "Notification" {
		return Delivery{Via: []Envelope{EnvelopeSNS}, MessageID: id, Err: &Error{Where: "SNS record" + at, Expected: expectNotification, Found: fmt.Sprintf("an SNS message of Type %q", typ)}}
	}
	if _, ok := snsDeadLetterAttrs(attrs); ok {
		got, _ := snsDeadLetterAttrs(attrs)
		d, err := deadLetter("SNS dead letter"+at, []byte(msg), got)
		return Delivery{Via: []Envelope{EnvelopeSNS}, DeadLetter: d, MessageID: id, Err: err}
	}
	return nest(EnvelopeSNS, id, "SNS Message"+at, []byte(msg), depth)
}

// nest reads the content of one envelope and puts the envelope in front.
func nest(env Envelope, id, where string, content []byte, depth int) Delivery {
	var d Delivery
	if depth >= maxDepth {
		d = Delivery{Err: &Error{Where: where, Expected: expectInner, Found: fmt.Sprintf("envelopes nested more than %d deep", maxDepth)}}
	} else {
		d = decodeInner(where, content, depth+1)
	}
	d.Via = append([]Envelope{env}, d.Via...)
	d.MessageID = id
	return d
}
