package records

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	failure := mustRecord(t, failureRecord)
	success := mustRecord(t, successRecord)
	dead := &DeadLetter{Event: json.RawMessage(`{"orderId":"o-18","amount":-1}`), RequestID: "0a1b2c3d-0000-4000-8000-000000000002", ErrorCode: 200, ErrorMessage: "amount must be positive"}

	// An SNS notification as the body of an SQS message: a queue subscribed
	// without raw delivery, read by a Lambda consumer.
	snsInSQS, err := WrapSQSEvent(SQSMessage{MessageID: "outer-1", Body: snsNotification, EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:sub"})
	if err != nil {
		t.Fatal(err)
	}
	// An EventBridge event as the body of an SQS message: a rule targeting a queue.
	ebInSQS, err := WrapSQSEvent(SQSMessage{MessageID: "outer-2", Body: eventBridgeEvent})
	if err != nil {
		t.Fatal(err)
	}
	// A dead-letter topic's notification as an SQS body.
	dlqInSQS, err := WrapSQSEvent(SQSMessage{MessageID: "outer-3", Body: dlqSNSNotification})
	if err != nil {
		t.Fatal(err)
	}
	var sqs SQSEvent
	if err := json.Unmarshal([]byte(sqsEvent), &sqs); err != nil {
		t.Fatal(err)
	}
	var sns SNSEvent
	if err := json.Unmarshal([]byte(snsEvent), &sns); err != nil {
		t.Fatal(err)
	}
	receive := `{"Messages":[{"MessageId":"r-1","ReceiptHandle":"h","MD5OfBody":"x","Body":` + quote(successRecord) + `}]}`

	for _, tc := range []struct {
		name  string
		in    any
		want  []Delivery
		check func(t *testing.T, ds []Delivery)
	}{
		{"record bytes", []byte(failureRecord), []Delivery{{Record: failure}}, nil},
		{"record string", successRecord, []Delivery{{Record: success}}, nil},
		{"record struct", failure, []Delivery{{Record: failure}}, nil},
		{"sqs event", []byte(sqsEvent), []Delivery{{Via: []Envelope{EnvelopeSQS}, Record: success, MessageID: "059f36b4-87a3-44ab-83d2-661975830a7d"}}, nil},
		{"sqs event struct", sqs, []Delivery{{Via: []Envelope{EnvelopeSQS}, Record: success, MessageID: "059f36b4-87a3-44ab-83d2-661975830a7d"}}, nil},
		{"sqs message struct", sqs.Records[0], []Delivery{{Via: []Envelope{EnvelopeSQS}, Record: success, MessageID: "059f36b4-87a3-44ab-83d2-661975830a7d"}}, nil},
		{"receive message", receive, []Delivery{{Via: []Envelope{EnvelopeSQS}, Record: success, MessageID: "r-1"}}, nil},
		{"sns notification", snsNotification, []Delivery{{Via: []Envelope{EnvelopeSNS}, Record: failure, MessageID: "95df01b4-ee98-5cb9-9903-4c221d41eb5e"}}, nil},
		{"sns event", snsEvent, []Delivery{{Via: []Envelope{EnvelopeSNS}, Record: failure, MessageID: "95df01b4-ee98-5cb9-9903-4c221d41eb5e"}}, nil},
		{"sns event record", sns.Records[0], []Delivery{{Via: []Envelope{EnvelopeSNS}, Record: failure, MessageID: "95df01b4-ee98-5cb9-9903-4c221d41eb5e"}}, nil},
		{"sns entity", sns.Records[0].SNS, []Delivery{{Via: []Envelope{EnvelopeSNS}, Record: failure, MessageID: "95df01b4-ee98-5cb9-9903-4c221d41eb5e"}}, nil},
		{"eventbridge", json.RawMessage(eventBridgeEvent), []Delivery{{Via: []Envelope{EnvelopeEventBridge}, Record: success, MessageID: "6a7e8feb-b491-4cf7-a9f1-bf3703467718"}}, nil},
		{"sns in sqs", snsInSQS, []Delivery{{Via: []Envelope{EnvelopeSQS, EnvelopeSNS}, Record: failure, MessageID: "outer-1"}}, nil},
		{"eventbridge in sqs", ebInSQS, []Delivery{{Via: []Envelope{EnvelopeSQS, EnvelopeEventBridge}, Record: success, MessageID: "outer-2"}}, nil},
		{"dlq sqs", dlqSQSEvent, []Delivery{{Via: []Envelope{EnvelopeSQS}, DeadLetter: dead, MessageID: "c80e8021-a70a-42c7-a470-796e1186f753"}}, nil},
		{"dlq sns", dlqSNSNotification, []Delivery{{Via: []Envelope{EnvelopeSNS}, DeadLetter: dead, MessageID: "d7c0b5f2-7a1b-5a4c-9e0d-3f2a1b0c9d8e"}}, nil},
		{"dlq sns event", dlqSNSEvent, []Delivery{{Via: []Envelope{EnvelopeSNS}, DeadLetter: dead, MessageID: "d7c0b5f2-7a1b-5a4c-9e0d-3f2a1b0c9d8e"}}, nil},
		{"dlq sns in sqs", dlqInSQS, []Delivery{{Via: []Envelope{EnvelopeSQS, EnvelopeSNS}, DeadLetter: dead, MessageID: "outer-3"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !sameDeliveries(t, got, tc.want) {
				t.Errorf("got  %s\nwant %s", show(got), show(tc.want))
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func sameDeliveries(t *testing.T, a, b []Delivery) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !reflect.DeepEqual(x.Via, y.Via) || x.MessageID != y.MessageID || (x.Err == nil) != (y.Err == nil) {
			return false
		}
		if (x.Record == nil) != (y.Record == nil) || (x.Record != nil && normal(t, x.Record) != normal(t, y.Record)) {
			return false
		}
		if !reflect.DeepEqual(x.DeadLetter, y.DeadLetter) {
			return false
		}
	}
	return true
}

func show(ds []Delivery) string {
	var parts []string
	for _, d := range ds {
		b, _ := json.Marshal(d)
		parts = append(parts, string(b))
	}
	return strings.Join(parts, "\n")
}

// TestDecodeBatch: one bad message does not hide the others, and keeps its ID.
func TestDecodeBatch(t *testing.T) {
	body, err := WrapSQS(mustRecord(t, successRecord))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := WrapSQSEvent(
		SQSMessage{MessageID: "m-1", Body: string(body)},
		SQSMessage{MessageID: "m-2", Body: `{"hello":"world"}`},
		SQSMessage{MessageID: "m-3", Body: string(body)},
	)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Decode(ev)
	want := `records: SQS body (Records[1]): expected an invocation record, or an SNS notification or EventBridge event holding one, found a JSON object with keys hello`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
	if len(ds) != 3 || ds[0].Record == nil || ds[1].Err == nil || ds[1].MessageID != "m-2" || ds[2].Record == nil {
		t.Errorf("deliveries: %s", show(ds))
	}
}
