package records

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The Wrap functions build what AWS delivers; reading it back gives the
// same record, and where a fixture has AWS's field order the bytes match.

func TestWrapSNSMatchesAWSShape(t *testing.T) {
	r := mustRecord(t, failureRecord)
	got, err := WrapSNS(r, SNSNotification{
		MessageID:      "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
		TopicArn:       "arn:aws:sns:us-east-1:123456789012:orders-failed",
		Timestamp:      "2019-11-14T18:16:05.601Z",
		Signature:      "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
		SigningCertURL: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
		UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:orders-failed:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := compact(t, snsNotification); !bytes.Equal(got, want) {
		t.Errorf("WrapSNS:\n got %s\nwant %s", got, want)
	}
	ev, err := WrapSNSEvent("arn:aws:sns:us-east-1:123456789012:orders-failed:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55", got)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's Signature is shorter; put the long one in to compare.
	want := strings.Replace(snsEvent, `"Signature": "EXAMPLE"`, `"Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q="`, 1)
	if w := compact(t, want); !bytes.Equal(ev, w) {
		t.Errorf("WrapSNSEvent:\n got %s\nwant %s", ev, w)
	}
}

func TestWrapEventBridgeMatchesAWSShape(t *testing.T) {
	r := mustRecord(t, successRecord)
	got, err := WrapEventBridge(r, EventBridgeEvent{
		ID:        "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
		Resources: []string{"arn:aws:events:eu-west-1:111122223333:event-bus/default", "arn:aws:lambda:eu-west-1:111122223333:function:orders:live"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := compact(t, eventBridgeEvent); !bytes.Equal(got, want) {
		t.Errorf("WrapEventBridge:\n got %s\nwant %s", got, want)
	}
	// Defaults: resources = the function ARN; failure detail-type for a failure.
	got, err = WrapEventBridge(mustRecord(t, failureRecord), EventBridgeEvent{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var e EventBridgeEvent
	if err := json.Unmarshal(got, &e); err != nil {
		t.Fatal(err)
	}
	if e.DetailType != DetailTypeFailure || e.Source != "lambda" || e.Time != "2019-11-14T18:16:05Z" || e.Account != "123456789012" || e.Region != "us-east-1" ||
		!reflect.DeepEqual(e.Resources, []string{"arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST"}) {
		t.Errorf("defaults: %+v", e)
	}
}

func TestRoundTrips(t *testing.T) {
	for _, src := range []string{failureRecord, successRecord, handledRecord} {
		r := mustRecord(t, src)
		want := normal(t, r)
		name := string(r.RequestContext.Condition) + "/" + r.FunctionName()
		check := func(t *testing.T, how string, got *Record, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", how, err)
			}
			if normal(t, got) != want {
				t.Errorf("%s:\n got %s\nwant %s", how, normal(t, got), want)
			}
		}
		decodeOne := func(t *testing.T, in any, via ...Envelope) (*Record, error) {
			t.Helper()
			ds, err := Decode(in)
			if err != nil {
				return nil, err
			}
			if len(ds) != 1 || !reflect.DeepEqual(ds[0].Via, via) {
				t.Errorf("Decode: %s, want via %v", show(ds), via)
			}
			return ds[0].Record, nil
		}
		t.Run(name, func(t *testing.T) {
			lambda, err := WrapLambda(r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromLambda(lambda)
			check(t, "lambda", got, err)
			got, err = decodeOne(t, lambda)
			check(t, "lambda decode", got, err)

			body, err := WrapSQS(r)
			if err != nil {
				t.Fatal(err)
			}
			got, err = FromSQSBody(body)
			check(t, "sqs body", got, err)
			ev, err := WrapSQSEvent(SQSMessage{MessageID: "m", Body: string(body), EventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:q"})
			if err != nil {
				t.Fatal(err)
			}
			var sqs SQSEvent
			if err := json.Unmarshal(ev, &sqs); err != nil {
				t.Fatal(err)
			}
			m := sqs.Records[0]
			if m.EventSource != "aws:sqs" || m.AWSRegion != "eu-west-1" || len(m.MD5OfBody) != 32 {
				t.Errorf("sqs defaults: %+v", m)
			}
			got, err = FromSQSMessage(m)
			check(t, "sqs message", got, err)
			got, err = decodeOne(t, ev, EnvelopeSQS)
			check(t, "sqs decode", got, err)

			note, err := WrapSNS(r, SNSNotification{MessageID: "n", TopicArn: "arn:aws:sns:eu-west-1:111122223333:t", Subject: "s"})
			if err != nil {
				t.Fatal(err)
			}
			got, err = FromSNSNotification(note)
			check(t, "sns notification", got, err)
			got, err = decodeOne(t, note, EnvelopeSNS)
			check(t, "sns decode", got, err)
			snsEv, err := WrapSNSEvent("arn:aws:sns:eu-west-1:111122223333:t:sub", note)
			if err != nil {
				t.Fatal(err)
			}
			var sns SNSEvent
			if err := json.Unmarshal(snsEv, &sns); err != nil {
				t.Fatal(err)
			}
			if s := sns.Records[0].SNS.Subject; s == nil || *s != "s" {
				t.Errorf("subject %v", s)
			}
			got, err = FromSNSEntity(sns.Records[0].SNS)
			check(t, "sns entity", got, err)
			got, err = decodeOne(t, snsEv, EnvelopeSNS)
			check(t, "sns event decode", got, err)
			inQueue, err := WrapSQSEvent(SQSMessage{MessageID: "q", Body: string(note)})
			if err != nil {
				t.Fatal(err)
			}
			got, err = decodeOne(t, inQueue, EnvelopeSQS, EnvelopeSNS)
			check(t, "sns in sqs decode", got, err)

			eb, err := WrapEventBridge(r, EventBridgeEvent{ID: "e"})
			if err != nil {
				t.Fatal(err)
			}
			got, err = FromEventBridge(eb)
			check(t, "eventbridge", got, err)
			got, err = decodeOne(t, eb, EnvelopeEventBridge)
			check(t, "eventbridge decode", got, err)

			if r.Failed() {
				key, obj, err := WrapS3(r, "3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41")
				if err != nil {
					t.Fatal(err)
				}
				got, k, err := FromS3Object(key, obj)
				check(t, "s3", got, err)
				if k.FunctionName != r.FunctionName() || k.String() != key {
					t.Errorf("s3 key %q → %+v", key, k)
				}
			}

			resp, err := WrapResponseOnly(r)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := FromResponseOnly(resp)
			if err != nil || !bytes.Equal(raw, compact(t, string(r.ResponsePayload))) {
				t.Errorf("response only: %s, %v", raw, err)
			}
		})
	}
}

func TestWrapS3Key(t *testing.T) {
	key, _, err := WrapS3(mustRecord(t, failureRecord), "3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41")
	if err != nil || key != s3Key {
		t.Errorf("WrapS3 key = %q, %v", key, err)
	}
}

func TestWrapDeadLetters(t *testing.T) {
	d := &DeadLetter{Event: json.RawMessage(`{"orderId":"o-18","amount":-1}`), RequestID: "0a1b2c3d-0000-4000-8000-000000000002", ErrorCode: 200, ErrorMessage: "amount must be positive"}
	m, err := WrapDeadLetterSQS(d, SQSMessage{MessageID: "m", EventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:orders-dlq", MessageAttributes: map[string]SQSMessageAttribute{"Other": {DataType: "String"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.MessageAttributes) != 4 || m.Body != string(d.Event) {
		t.Errorf("WrapDeadLetterSQS: %+v", m)
	}
	got, err := DeadLetterFromSQS(m)
	if err != nil || !reflect.DeepEqual(got, d) {
		t.Errorf("DeadLetterFromSQS = %+v, %v", got, err)
	}
	ev, err := WrapSQSEvent(m)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Decode(ev)
	if err != nil || len(ds) != 1 || !reflect.DeepEqual(ds[0].DeadLetter, d) {
		t.Errorf("Decode sqs dead letter: %s, %v", show(ds), err)
	}

	note, err := WrapDeadLetterSNS(d, SNSNotification{MessageID: "n", TopicArn: "arn:aws:sns:eu-west-1:111122223333:orders-dlq", Timestamp: "2024-05-02T09:31:00.512Z"})
	if err != nil {
		t.Fatal(err)
	}
	got, err = DeadLetterFromSNSNotification(note)
	if err != nil || !reflect.DeepEqual(got, d) {
		t.Errorf("DeadLetterFromSNSNotification = %+v, %v", got, err)
	}
	snsEv, err := WrapSNSEvent("arn:aws:sns:eu-west-1:111122223333:orders-dlq:sub", note)
	if err != nil {
		t.Fatal(err)
	}
	ds, err = Decode(snsEv)
	if err != nil || len(ds) != 1 || !reflect.DeepEqual(ds[0].DeadLetter, d) || ds[0].MessageID != "n" {
		t.Errorf("Decode sns dead letter: %s, %v", show(ds), err)
	}
	// The fixture (attributes in AWS's order) and the wrapped one agree.
	fromFixture, err := DeadLetterFromSNSNotification([]byte(dlqSNSNotification))
	if err != nil || !reflect.DeepEqual(fromFixture, d) {
		t.Errorf("fixture: %+v, %v", fromFixture, err)
	}
}

// TestWrapDeadLetterSQSMD5 is a regression test: a message whose
// MD5OfBody was set for another body (the simulator passed one built for an
// empty body) must carry the MD5 of the original event, as SQS sets it, in
// the message and in the Lambda event.
func TestWrapDeadLetterSQSMD5(t *testing.T) {
	d := &DeadLetter{Event: json.RawMessage(`{"orderId":"o-18","amount":-1}`), RequestID: "0a1b2c3d-0000-4000-8000-000000000002", ErrorCode: 200, ErrorMessage: "amount must be positive"}
	const want = "8a48e050a54f02903fd7d996769dc9f3" // md5 of the event's bytes
	for _, stale := range []string{"", "d41d8cd98f00b204e9800998ecf8427e"} {
		m, err := WrapDeadLetterSQS(d, SQSMessage{MessageID: "m", MD5OfBody: stale})
		if err != nil {
			t.Fatal(err)
		}
		if m.MD5OfBody != want {
			t.Errorf("MD5OfBody given %q = %q, want %q (the MD5 of %s)", stale, m.MD5OfBody, want, m.Body)
		}
		ev, err := WrapSQSEvent(m)
		if err != nil {
			t.Fatal(err)
		}
		var got SQSEvent
		if err := json.Unmarshal(ev, &got); err != nil || len(got.Records) != 1 || got.Records[0].MD5OfBody != want {
			t.Errorf("WrapSQSEvent md5OfBody: %s, %v", ev, err)
		}
	}
}

func TestWrapErrors(t *testing.T) {
	success := mustRecord(t, successRecord)
	noPayload := mustRecord(t, successRecord)
	noPayload.ResponsePayload = nil
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"nil record", func() error { _, err := WrapLambda(nil); return err }, "records: wrap: nil record"},
		{"empty record", func() error { _, err := WrapSQS(&Record{}); return err },
			`records: record to wrap: expected an invocation record (version "1.0" with requestContext), found an invocation record of version ""; this package reads records of version "1.x"`},
		{"bad payload", func() error {
			r := *success
			r.RequestPayload = json.RawMessage("{")
			_, err := WrapLambda(&r)
			return err
		}, "records: wrap: json: error calling MarshalJSON for type json.RawMessage: unexpected end of JSON input"},
		{"s3 on success", func() error { _, _, err := WrapS3(success, "id"); return err },
			`records: WrapS3: S3 destinations are on-failure only, and the record's condition is "Success"`},
		{"s3 without id", func() error { _, _, err := WrapS3(mustRecord(t, failureRecord), ""); return err }, "records: WrapS3: empty object id"},
		{"response only without payload", func() error { _, err := WrapResponseOnly(noPayload); return err },
			"records: WrapResponseOnly: the record has no responsePayload"},
		{"sns event from a record", func() error { _, err := WrapSNSEvent("arn", []byte(successRecord)); return err },
			`records: WrapSNSEvent notification 0: expected an SNS notification (Type "Notification" with Message), found an invocation record; ` +
				`use FromLambda (Lambda destination, S3 object), FromSQSBody (SQS body, SNS raw delivery) or Decode`},
		{"not utf-8", func() error {
			r := *success
			r.RequestPayload = json.RawMessage("{\"\xaf\":1}")
			_, err := WrapSNS(&r, SNSNotification{})
			return err
		}, "records: wrap: the record holds bytes that are not UTF-8 (Lambda, SQS and SNS carry UTF-8 text only)"},
		{"dead letter not utf-8", func() error {
			_, err := WrapDeadLetterSNS(&DeadLetter{Event: []byte("\"\xaf\"")}, SNSNotification{})
			return err
		}, "records: wrap: the dead letter's event holds bytes that are not UTF-8"},
		{"nil dead letter", func() error { _, err := WrapDeadLetterSNS(nil, SNSNotification{}); return err }, "records: wrap: nil dead letter"},
		{"dead letter not json", func() error { _, err := WrapDeadLetterSQS(&DeadLetter{Event: []byte("x")}, SQSMessage{}); return err },
			"records: wrap: the dead letter's event is not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || err.Error() != tc.want {
				t.Errorf("\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}
