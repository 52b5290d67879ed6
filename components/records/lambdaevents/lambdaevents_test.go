package lambdaevents

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/aws/aws-lambda-go/events"
)

const failure = `{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z","requestContext":{"requestId":"e4b46cbf-b738-xmpl-8880-a18cdf61200e","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":{"ORDER_IDS":["9e07af03-ce31-4ff3-xmpl-36dce652cb4f"]},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"responsePayload":{"errorMessage":"RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request"}}`

var dead = &records.DeadLetter{Event: json.RawMessage(`{"orderId":"o-18"}`), RequestID: "r-1", ErrorCode: 200, ErrorMessage: "boom"}

func record(t *testing.T) *records.Record {
	t.Helper()
	r, err := records.FromLambda([]byte(failure))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// into parses what a Wrap function built with aws-lambda-go's own types,
// as the Lambda runtime would.
func into[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("aws-lambda-go cannot read %s: %v", data, err)
	}
	return v
}

func same(t *testing.T, got *records.Record, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(record(t))
	if string(a) != string(b) {
		t.Errorf("got  %s\nwant %s", a, b)
	}
}

func TestSQS(t *testing.T) {
	body, err := records.WrapSQS(record(t))
	if err != nil {
		t.Fatal(err)
	}
	dlq, err := records.WrapDeadLetterSQS(dead, records.SQSMessage{MessageID: "m-2"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := records.WrapSQSEvent(records.SQSMessage{MessageID: "m-1", Body: string(body), EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q"}, dlq)
	if err != nil {
		t.Fatal(err)
	}
	ev := into[events.SQSEvent](t, data)
	r, err := FromSQSMessage(ev.Records[0])
	same(t, r, err)
	d, err := DeadLetterFromSQS(ev.Records[1])
	if err != nil || !reflect.DeepEqual(d, dead) {
		t.Errorf("DeadLetterFromSQS = %+v, %v", d, err)
	}
	for name, decode := range map[string]func() ([]records.Delivery, error){
		"DecodeSQSEvent":       func() ([]records.Delivery, error) { return DecodeSQSEvent(ev) },
		"records.Decode value": func() ([]records.Delivery, error) { return records.Decode(ev) },
		"records.Decode messages": func() ([]records.Delivery, error) {
			a, err := records.Decode(ev.Records[0])
			if err != nil {
				return nil, err
			}
			b, err := records.Decode(&ev.Records[1])
			return append(a, b...), err
		},
	} {
		ds, err := decode()
		if err != nil || len(ds) != 2 || ds[0].Record == nil || !reflect.DeepEqual(ds[1].DeadLetter, dead) || ds[1].MessageID != "m-2" {
			t.Errorf("%s: %+v, %v", name, ds, err)
		}
	}
}

func TestSNS(t *testing.T) {
	note, err := records.WrapSNS(record(t), records.SNSNotification{MessageID: "n-1", TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Subject: "failed"})
	if err != nil {
		t.Fatal(err)
	}
	dlq, err := records.WrapDeadLetterSNS(dead, records.SNSNotification{MessageID: "n-2", Timestamp: "2024-05-02T09:31:00.512Z"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := records.WrapSNSEvent("arn:aws:sns:us-east-1:123456789012:t:sub", note, dlq)
	if err != nil {
		t.Fatal(err)
	}
	ev := into[events.SNSEvent](t, data)
	r, err := FromSNSEntity(ev.Records[0].SNS)
	same(t, r, err)
	d, err := DeadLetterFromSNS(ev.Records[1].SNS)
	if err != nil || !reflect.DeepEqual(d, dead) {
		t.Errorf("DeadLetterFromSNS = %+v, %v", d, err)
	}
	e := SNSEntity(ev.Records[0].SNS)
	if e.Subject == nil || *e.Subject != "failed" || e.Timestamp != "2019-11-14T18:16:05.568Z" {
		t.Errorf("SNSEntity: %+v", e)
	}
	for name, decode := range map[string]func() ([]records.Delivery, error){
		"DecodeSNSEvent":       func() ([]records.Delivery, error) { return DecodeSNSEvent(ev) },
		"records.Decode value": func() ([]records.Delivery, error) { return records.Decode(ev) },
		"records.Decode entries": func() ([]records.Delivery, error) {
			a, err := records.Decode(ev.Records[0])
			if err != nil {
				return nil, err
			}
			b, err := records.Decode(ev.Records[1].SNS)
			return append(a, b...), err
		},
	} {
		ds, err := decode()
		if err != nil || len(ds) != 2 || ds[0].Record == nil || ds[0].MessageID != "n-1" || !reflect.DeepEqual(ds[1].DeadLetter, dead) {
			t.Errorf("%s: %+v, %v", name, ds, err)
		}
	}
}

func TestEventBridge(t *testing.T) {
	data, err := records.WrapEventBridge(record(t), records.EventBridgeEvent{ID: "e-1"})
	if err != nil {
		t.Fatal(err)
	}
	ev := into[events.CloudWatchEvent](t, data)
	r, err := FromEventBridge(ev)
	same(t, r, err)
	if got := EventBridgeEvent(ev).Time; got != "2019-11-14T18:16:05Z" {
		t.Errorf("time %q", got)
	}
	ds, err := records.Decode(ev)
	if err != nil || len(ds) != 1 || ds[0].Record == nil || ds[0].Via[0] != records.EnvelopeEventBridge {
		t.Errorf("records.Decode value: %+v, %v", ds, err)
	}
}

func TestSNSAttributeShapes(t *testing.T) {
	e := SNSEntity(events.SNSEntity{MessageAttributes: map[string]any{
		"a": map[string]any{"Type": "String", "Value": "x"},
		"b": map[string]any{"Type": "Number", "Value": 3.5},
		"c": "odd",
	}})
	want := map[string]records.SNSMessageAttribute{"a": {Type: "String", Value: "x"}, "b": {Type: "Number", Value: "3.5"}, "c": {Value: "odd"}}
	if !reflect.DeepEqual(e.MessageAttributes, want) {
		t.Errorf("%+v", e.MessageAttributes)
	}
}

func TestBatchItemFailures(t *testing.T) {
	body, err := records.WrapSQS(record(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := records.WrapSQSEvent(
		records.SQSMessage{MessageID: "m-1", Body: string(body)},
		records.SQSMessage{MessageID: "m-2", Body: `{"not":"a record"}`},
		records.SQSMessage{MessageID: "m-3", Body: string(body)},
	)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := DecodeSQSEvent(into[events.SQSEvent](t, data))
	if err == nil {
		t.Fatal("no error for m-2")
	}
	got := BatchItemFailures(ds, "m-3", "m-2")
	want := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: "m-2"}, {ItemIdentifier: "m-3"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%+v", got)
	}
}
