package records

import (
	"errors"
	"strings"
	"testing"
)

// TestErrors pins the exact messages: each names the envelope, what was
// expected, what was found and the function that reads it.
func TestErrors(t *testing.T) {
	badCount := strings.Replace(failureRecord, `"approximateInvokeCount": 3`, `"approximateInvokeCount": "3"`, 1)
	v2 := strings.Replace(failureRecord, `"version": "1.0"`, `"version": "2.0"`, 1)
	mismatched := strings.Replace(eventBridgeEvent, "Result - Success", "Result - Failure", 1)
	const rec = `expected an invocation record (version "1.0" with requestContext), found `
	const readers = `use FromLambda (Lambda destination, S3 object), FromSQSBody (SQS body, SNS raw delivery) or Decode`
	const s3 = `records: S3 key: expected an S3 key "aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>", found `
	const dec = `records: Decode: expected an invocation record, a dead-letter message or an envelope of one (SQS, SNS, EventBridge), found `
	const resp = `records: response-only event: expected a response payload (what a rule target with InputPath $.detail.responsePayload receives), found `
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"sqs body holds sns notification", func() error { _, err := FromSQSBody([]byte(snsNotification)); return err },
			`records: SQS body: ` + rec + `an SNS notification; use FromSNSNotification or Decode`},
		{"sqs body holds sqs event", func() error { _, err := FromSQSBody([]byte(sqsEvent)); return err },
			`records: SQS body: ` + rec + `a Lambda SQS event (Records[].body); use FromSQSMessage on each Records[] entry, or Decode`},
		{"sqs body holds eventbridge event", func() error { _, err := FromSQSBody([]byte(eventBridgeEvent)); return err },
			`records: SQS body: ` + rec + `an EventBridge event (source "lambda", detail-type "Lambda Function Invocation Result - Success"); use FromEventBridge or Decode`},
		{"not json", func() error { _, err := FromSQSBody([]byte("hello")); return err },
			`records: SQS body: ` + rec + `bytes that are not JSON (invalid character 'h' looking for beginning of value)`},
		{"empty", func() error { _, err := FromSQSBody(nil); return err },
			`records: SQS body: ` + rec + `nothing (empty input)`},
		{"encoded twice", func() error { _, err := FromSQSBody([]byte(quote(successRecord))); return err },
			`records: SQS body: ` + rec + `a JSON string holding an invocation record (encoded twice?); unquote the string first`},
		{"field of wrong type", func() error { _, err := FromLambda([]byte(badCount)); return err },
			`records: Lambda event: ` + rec + `an invocation record that does not decode (json: cannot unmarshal string into Go struct field RequestContext.requestContext.approximateInvokeCount of type int)`},
		{"other version", func() error { _, err := FromLambda([]byte(v2)); return err },
			`records: Lambda event: ` + rec + `an invocation record of version "2.0"; this package reads records of version "1.x"`},
		{"api gateway v1 event", func() error { _, err := FromLambda([]byte(apiGatewayV1)); return err },
			`records: Lambda event: ` + rec + `an API Gateway or load balancer request event`},
		{"some object", func() error {
			_, err := FromLambda([]byte(`{"orderId":"o-1","amount":3,"currency":"EUR","a":1,"b":2,"c":3,"d":4}`))
			return err
		}, `records: Lambda event: ` + rec + `a JSON object with keys a, amount, b, c, currency, d and 1 more`},
		{"s3 notification", func() error { _, err := FromLambda([]byte(s3Notification)); return err },
			`records: Lambda event: ` + rec + `an S3 event notification; an S3 notification only names the object: read it and use FromS3Object`},
		{"sns event to lambda reader", func() error { _, err := FromLambda([]byte(snsEvent)); return err },
			`records: Lambda event: ` + rec + `a Lambda SNS event (Records[].Sns); use FromSNSEntity on each Records[].Sns, or Decode`},
		{"raw delivery read as notification", func() error { _, err := FromSNSNotification([]byte(failureRecord)); return err },
			`records: SNS notification: expected an SNS notification (Type "Notification" with Message), found an invocation record; the subscription uses raw message delivery: use FromSQSBody`},
		{"dead letter read as record", func() error { _, err := FromSNSNotification([]byte(dlqSNSNotification)); return err },
			`records: SNS notification: ` + rec + `a dead-letter message (RequestID and ErrorCode attributes); use DeadLetterFromSNSNotification or Decode`},
		{"dead letter read as record from sqs", func() error {
			_, err := FromSQSMessage(SQSMessage{Body: "{}", MessageAttributes: (&DeadLetter{RequestID: "r", ErrorCode: 200}).SQSMessageAttributes()})
			return err
		}, `records: SQS message: ` + rec + `a dead-letter message (RequestID and ErrorCode attributes); use DeadLetterFromSQS or Decode`},
		{"sns subscription confirmation", func() error {
			_, err := FromSNSNotification([]byte(`{"Type":"SubscriptionConfirmation","TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Token":"x"}`))
			return err
		}, `records: SNS notification: expected an SNS notification (Type "Notification" with Message), found an SNS message of Type "SubscriptionConfirmation"`},
		{"detail-type disagrees with condition", func() error { _, err := FromEventBridge([]byte(mismatched)); return err },
			`records: EventBridge event: expected detail-type "Lambda Function Invocation Result - Success" for condition "Success", found detail-type "Lambda Function Invocation Result - Failure"`},
		{"other eventbridge event", func() error {
			_, err := FromEventBridge([]byte(`{"source":"aws.s3","detail-type":"Object Created","detail":{}}`))
			return err
		}, `records: EventBridge event: expected an EventBridge event from a Lambda destination (source "lambda", detail-type "Lambda Function Invocation Result - Success" or "Lambda Function Invocation Result - Failure"), found an EventBridge event with source "aws.s3" and detail-type "Object Created"`},
		{"eventbridge detail not a record", func() error {
			_, err := FromEventBridgeEvent(EventBridgeEvent{Source: "lambda", DetailType: DetailTypeSuccess, Detail: []byte(`{"status":"ok"}`)})
			return err
		}, `records: EventBridge detail: ` + rec + `a JSON object with keys status`},
		{"response-only gets the record", func() error { _, err := FromResponseOnly([]byte(failureRecord)); return err },
			resp + `an invocation record; the whole record arrives, so the function is a plain Lambda destination: use FromLambda`},
		{"response-only gets the event", func() error { _, err := FromResponseOnly([]byte(eventBridgeEvent)); return err },
			resp + `an EventBridge event (source "lambda", detail-type "Lambda Function Invocation Result - Success"); the rule target has no InputPath $.detail.responsePayload: use FromEventBridge`},
		{"response-only not json", func() error { _, err := ResponseOnly[int]([]byte("{")); return err },
			resp + `bytes that are not JSON (unexpected end of JSON input)`},
		{"s3 key prefix", func() error { _, err := ParseS3Key("aws/lambda/my-function/2019/11/14/x"); return err },
			s3 + `"aws/lambda/my-function/2019/11/14/x", which does not start with "aws/lambda/async/"`},
		{"s3 key segments", func() error { _, err := ParseS3Key("aws/lambda/async/my-function/2019-11-14T18.16.05-abc"); return err },
			s3 + `"aws/lambda/async/my-function/2019-11-14T18.16.05-abc", which has 2 segments after "aws/lambda/async/" instead of 5`},
		{"s3 key folders", func() error {
			_, err := ParseS3Key("aws/lambda/async/my-function/2019/11/15/2019-11-14T18.16.05-abc")
			return err
		},
			s3 + `"aws/lambda/async/my-function/2019/11/15/2019-11-14T18.16.05-abc", whose folders 2019/11/15 do not match its time (2019/11/14)`},
		{"s3 key time", func() error {
			_, err := ParseS3Key("aws/lambda/async/my-function/2019/11/14/2019-11-14T18:16:05-abc")
			return err
		},
			s3 + `"aws/lambda/async/my-function/2019/11/14/2019-11-14T18:16:05-abc", whose time "2019-11-14T18:16:05" does not parse`},
		{"s3 key no id", func() error { _, err := ParseS3Key("aws/lambda/async/fn/2019/11/14/2019-11-14T18.16.05"); return err },
			s3 + `"aws/lambda/async/fn/2019/11/14/2019-11-14T18.16.05", whose last segment is not YYYY-MM-DDTHH.MM.SS-<UUID>`},
		{"s3 key no function", func() error { _, err := ParseS3Key("aws/lambda/async//2019/11/14/2019-11-14T18.16.05-a"); return err },
			s3 + `"aws/lambda/async//2019/11/14/2019-11-14T18.16.05-a", which has an empty function name`},
		{"s3 object with bad key", func() error { _, _, err := FromS3Object("failed/x.json", []byte(failureRecord)); return err },
			s3 + `"failed/x.json", which does not start with "aws/lambda/async/"`},
		{"record without attributes read as dead letter", func() error { _, err := DeadLetterFromAttributes([]byte(failureRecord), nil); return err },
			`records: dead letter: expected a dead-letter message (the original event with RequestID and ErrorCode attributes), found a message without the RequestID and ErrorCode attributes holding an invocation record; ` + readers},
		{"dead letter without error code", func() error {
			_, err := DeadLetterFromAttributes([]byte(`{}`), map[string]string{"RequestID": "x"})
			return err
		}, `records: dead letter: expected a dead-letter message (the original event with RequestID and ErrorCode attributes), found a message without the ErrorCode attribute`},
		{"dead letter error code not a number", func() error {
			_, err := DeadLetterFromAttributes([]byte(`{}`), map[string]string{"RequestID": "x", "ErrorCode": "abc"})
			return err
		}, `records: dead letter: expected a dead-letter message (the original event with RequestID and ErrorCode attributes), found ErrorCode "abc", which is not a number`},
		{"dead letter event not json", func() error {
			_, err := DeadLetterFromAttributes([]byte(`oops`), map[string]string{"RequestID": "x", "ErrorCode": "500"})
			return err
		}, `records: dead letter event: expected the original event (JSON), found bytes that are not JSON (invalid character 'o' looking for beginning of value)`},
		{"decode array", func() error { _, err := Decode([]byte(`[1,2]`)); return err }, dec + `a JSON array`},
		{"decode nil", func() error { _, err := Decode(nil); return err }, dec + `nil`},
		{"decode unmarshalable", func() error { _, err := Decode(make(chan int)); return err },
			dec + `a chan int that does not marshal to JSON (json: unsupported type: chan int)`},
		{"decode no records", func() error { _, err := Decode(`{"Records":[]}`); return err }, dec + `an event with no Records`},
		{"decode s3 notification", func() error { _, err := Decode(s3Notification); return err },
			dec + `an S3 event notification; an S3 notification only names the object: read it and use FromS3Object`},
		{"decode sns message holding junk", func() error {
			_, err := Decode(strings.Replace(dlqSNSNotification, `"ErrorCode"`, `"Other"`, 1))
			return err
		}, `records: SNS Message: expected an invocation record, or an SNS notification or EventBridge event holding one, found a JSON object with keys amount, orderId`},
		{"decode too deep", func() error {
			body, _ := WrapSQS(mustRecord(t, successRecord))
			msg := string(body)
			for range 4 {
				b, _ := marshal(SNSNotification{Type: "Notification", MessageID: "m", Message: msg})
				msg = string(b)
			}
			_, err := Decode(msg)
			return err
		}, `records: SNS Message: expected an invocation record, or an SNS notification or EventBridge event holding one, found envelopes nested more than 3 deep`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("\n got %s\nwant %s", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%T is not a *records.Error", err)
			}
		})
	}
}
