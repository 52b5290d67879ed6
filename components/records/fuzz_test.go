package records

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzDecode feeds arbitrary bytes to every reader. None may panic; every
// error is a *Error; a record that is read can be wrapped and read back
// unchanged; a parsed S3 key lays out to the same string.
// Seeds: testdata/fuzz/FuzzDecode and the fixtures below.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		failureRecord, successRecord, handledRecord, sqsEvent, snsNotification, snsEvent,
		eventBridgeEvent, dlqSQSEvent, dlqSNSNotification, dlqSNSEvent, apiGatewayV1, s3Notification, s3Key,
		`{"Messages":[{"Body":"{}"}]}`, `"{\"version\":\"1.0\",\"requestContext\":{\"condition\":\"Success\"}}"`, `{"Records":[]}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		isErr := func(name string, err error) {
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Errorf("%s: error %T is not a *Error: %v", name, err, err)
			}
		}
		ds, err := Decode(data)
		isErr("Decode", err)
		for _, d := range ds {
			isErr("Delivery", d.Err)
			if d.Err == nil && d.Record != nil {
				roundTrip(t, d.Record)
			}
		}
		for name, read := range map[string]func([]byte) (*Record, error){
			"FromLambda": FromLambda, "FromSQSBody": FromSQSBody, "FromSNSNotification": FromSNSNotification, "FromEventBridge": FromEventBridge,
		} {
			r, err := read(data)
			isErr(name, err)
			if err == nil {
				roundTrip(t, r)
			}
		}
		_, err = FromResponseOnly(data)
		isErr("FromResponseOnly", err)
		_, err = DeadLetterFromSNSNotification(data)
		isErr("DeadLetterFromSNSNotification", err)
		_, err = DeadLetterFromAttributes(data, map[string]string{AttrRequestID: string(data), AttrErrorCode: string(data)})
		isErr("DeadLetterFromAttributes", err)
		if _, err := WrapSNSEvent("arn:aws:sns:us-east-1:123456789012:t:s", data); err != nil {
			isErr("WrapSNSEvent", err)
		}
		if k, err := ParseS3Key(string(data)); err == nil {
			if k.String() != string(data) {
				t.Errorf("ParseS3Key(%q).String() = %q", data, k.String())
			}
		} else {
			isErr("ParseS3Key", err)
		}
	})
}

// roundTrip wraps r in every envelope and reads it back.
func roundTrip(t *testing.T, r *Record) {
	t.Helper()
	want, err := marshal(r)
	if err != nil {
		t.Fatalf("marshal %+v: %v", r, err)
	}
	if !utf8.Valid(want) {
		if _, err := WrapLambda(r); err == nil {
			t.Fatalf("WrapLambda accepted a record that is not UTF-8: %q", want)
		}
		return
	}
	same := func(how string, got *Record, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s of %s: %v", how, want, err)
		}
		if b, _ := marshal(got); string(b) != string(want) {
			t.Fatalf("%s:\n got %s\nwant %s", how, b, want)
		}
	}
	b, err := WrapLambda(r)
	if err != nil {
		t.Fatalf("WrapLambda(%s): %v", want, err)
	}
	got, err := FromLambda(b)
	same("lambda", got, err)
	n, err := WrapSNS(r, SNSNotification{MessageID: "m"})
	if err != nil {
		t.Fatalf("WrapSNS: %v", err)
	}
	got, err = FromSNSNotification(n)
	same("sns", got, err)
	e, err := WrapEventBridge(r, EventBridgeEvent{ID: "e"})
	if err != nil {
		t.Fatalf("WrapEventBridge: %v", err)
	}
	got, err = FromEventBridge(e)
	same("eventbridge", got, err)
}
