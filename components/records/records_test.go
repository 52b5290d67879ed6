package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func compact(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("compact: %v", err)
	}
	return b.Bytes()
}

func mustRecord(t *testing.T, s string) *Record {
	t.Helper()
	r, err := FromLambda([]byte(s))
	if err != nil {
		t.Fatalf("FromLambda: %v", err)
	}
	return r
}

func TestAWSExampleRecord(t *testing.T) {
	r := mustRecord(t, failureRecord)
	want := RequestContext{
		RequestID:              "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
		FunctionArn:            "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
		Condition:              RetriesExhausted,
		ApproximateInvokeCount: 3,
	}
	if r.RequestContext != want {
		t.Errorf("requestContext = %+v, want %+v", r.RequestContext, want)
	}
	if r.Version != "1.0" || r.Timestamp != "2019-11-14T18:16:05.568Z" {
		t.Errorf("version, timestamp = %q, %q", r.Version, r.Timestamp)
	}
	if (r.ResponseContext != ResponseContext{StatusCode: 200, ExecutedVersion: "$LATEST", FunctionError: "Unhandled"}) {
		t.Errorf("responseContext = %+v", r.ResponseContext)
	}
	if !r.Failed() || r.FunctionName() != "my-function" || r.Qualifier() != "$LATEST" {
		t.Errorf("Failed, FunctionName, Qualifier = %v, %q, %q", r.Failed(), r.FunctionName(), r.Qualifier())
	}
	tm, err := r.Time()
	if err != nil || !tm.Equal(time.Date(2019, 11, 14, 18, 16, 5, 568e6, time.UTC)) {
		t.Errorf("Time = %v, %v", tm, err)
	}
	if got := FormatTimestamp(tm); got != r.Timestamp {
		t.Errorf("FormatTimestamp = %q", got)
	}
	fe, ok := r.FunctionError()
	wantFE := FunctionError{Kind: "Unhandled", ErrorMessage: "RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request"}
	if !ok || !reflect.DeepEqual(fe, wantFE) {
		t.Errorf("FunctionError = %+v, %v", fe, ok)
	}
	// Marshalling gives back AWS's bytes, compacted.
	out, err := WrapLambda(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := compact(t, failureRecord); !bytes.Equal(out, want) {
		t.Errorf("WrapLambda:\n got %s\nwant %s", out, want)
	}
}

func TestConditions(t *testing.T) {
	for _, tc := range []struct {
		c                  Condition
		failed, documented bool
	}{
		{Success, false, true},
		{RetriesExhausted, true, true},
		{EventAgeExceeded, true, false},
		{"RecursiveInvocationDetected", true, false},
	} {
		if tc.c.Failed() != tc.failed || tc.c.Documented() != tc.documented {
			t.Errorf("%s: Failed %v Documented %v", tc.c, tc.c.Failed(), tc.c.Documented())
		}
		want := DetailTypeSuccess
		if tc.failed {
			want = DetailTypeFailure
		}
		if got := tc.c.DetailType(); got != want {
			t.Errorf("%s: DetailType %q, want %q", tc.c, got, want)
		}
	}
}

type order struct {
	OrderID string `json:"orderId"`
	Amount  int    `json:"amount"`
}

func TestPayloads(t *testing.T) {
	r := mustRecord(t, successRecord)
	in, err := RequestPayload[order](r)
	if err != nil || in != (order{"o-17", 42}) {
		t.Errorf("RequestPayload = %+v, %v", in, err)
	}
	type result struct {
		Status string `json:"status"`
	}
	out, err := ResponsePayload[result](r)
	if err != nil || out.Status != "processed" {
		t.Errorf("ResponsePayload = %+v, %v", out, err)
	}
	if _, ok := r.FunctionError(); ok {
		t.Error("FunctionError on a success")
	}

	r.ResponsePayload = nil
	if _, err := ResponsePayload[result](r); err == nil || err.Error() != "records: responsePayload is absent" {
		t.Errorf("absent: %v", err)
	}
	_, err = RequestPayload[[]string](r)
	want := "records: requestPayload: decoding into []string: json: cannot unmarshal object into Go value of type []string"
	if err == nil || err.Error() != want {
		t.Errorf("wrong type:\n got %v\nwant %s", err, want)
	}
	var se *json.UnmarshalTypeError
	if !errors.As(err, &se) {
		t.Errorf("error does not wrap the json error: %T", errors.Unwrap(err))
	}
}

func TestFunctionError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload string
		want    FunctionError
	}{
		{"python", `{"errorMessage":"amount must be positive","errorType":"ValueError","stackTrace":["  File \"/var/task/handler.py\", line 9, in handler\n"]}`,
			FunctionError{Kind: "Handled", ErrorMessage: "amount must be positive", ErrorType: "ValueError", StackTrace: []string{"  File \"/var/task/handler.py\", line 9, in handler\n"}}},
		{"go frames", `{"errorMessage":"boom","errorType":"errorString","stackTrace":[{"path":"github.com/x/y/main.go","line":12,"label":"handle"}]}`,
			FunctionError{Kind: "Handled", ErrorMessage: "boom", ErrorType: "errorString", StackTrace: []string{"handle (github.com/x/y/main.go:12)"}}},
		{"timeout", `{"errorMessage":"2024-05-02T09:31:03.000Z 0a1b Task timed out after 3.00 seconds"}`,
			FunctionError{Kind: "Handled", ErrorMessage: "2024-05-02T09:31:03.000Z 0a1b Task timed out after 3.00 seconds"}},
		{"string payload", `"plain failure"`, FunctionError{Kind: "Handled", ErrorMessage: "plain failure"}},
		{"number message", `{"errorMessage":42}`, FunctionError{Kind: "Handled", ErrorMessage: "42"}},
		{"null", `null`, FunctionError{Kind: "Handled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRecord(t, handledRecord)
			r.ResponsePayload = json.RawMessage(tc.payload)
			got, ok := r.FunctionError()
			if !ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, %v\nwant %+v", got, ok, tc.want)
			}
		})
	}
}

// TestPaths reads each documented delivery path with its own function.
func TestPaths(t *testing.T) {
	failure := mustRecord(t, failureRecord)
	success := mustRecord(t, successRecord)

	var sqs SQSEvent
	if err := json.Unmarshal([]byte(sqsEvent), &sqs); err != nil {
		t.Fatal(err)
	}
	var sns SNSEvent
	if err := json.Unmarshal([]byte(snsEvent), &sns); err != nil {
		t.Fatal(err)
	}
	var eb EventBridgeEvent
	if err := json.Unmarshal([]byte(eventBridgeEvent), &eb); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		read func() (*Record, error)
		want *Record
	}{
		{"lambda destination", func() (*Record, error) { return FromLambda([]byte(failureRecord)) }, failure},
		{"sqs body", func() (*Record, error) { return FromSQSBody([]byte(sqs.Records[0].Body)) }, success},
		{"sqs message", func() (*Record, error) { return FromSQSMessage(sqs.Records[0]) }, success},
		{"sns to sqs, raw delivery", func() (*Record, error) { return FromSQSBody(compact(t, failureRecord)) }, failure},
		{"sns to sqs", func() (*Record, error) { return FromSNSNotification([]byte(snsNotification)) }, failure},
		{"sns to lambda", func() (*Record, error) { return FromSNSEntity(sns.Records[0].SNS) }, failure},
		{"eventbridge bytes", func() (*Record, error) { return FromEventBridge([]byte(eventBridgeEvent)) }, success},
		{"eventbridge struct", func() (*Record, error) { return FromEventBridgeEvent(eb) }, success},
		{"s3 object", func() (*Record, error) {
			r, k, err := FromS3Object(s3Key, []byte(failureRecord))
			if err == nil && k.FunctionName != "my-function" {
				t.Errorf("key function %q", k.FunctionName)
			}
			return r, err
		}, failure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normal(t, got), normal(t, tc.want)) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// normal marshals a record so that payload whitespace does not matter.
func normal(t *testing.T, r *Record) string {
	t.Helper()
	b, err := marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEventBridgeSourceAWSLambda(t *testing.T) {
	ev := strings.Replace(eventBridgeEvent, `"source": "lambda"`, `"source": "aws.lambda"`, 1)
	if _, err := FromEventBridge([]byte(ev)); err != nil {
		t.Errorf("source aws.lambda: %v", err)
	}
}

func TestResponseOnly(t *testing.T) {
	type result struct {
		Status  string `json:"status"`
		OrderID string `json:"orderId"`
	}
	got, err := ResponseOnly[result]([]byte(`{"status":"processed","orderId":"o-17"}`))
	if err != nil || got != (result{"processed", "o-17"}) {
		t.Errorf("ResponseOnly = %+v, %v", got, err)
	}
	raw, err := FromResponseOnly([]byte(" 42 \n"))
	if err != nil || string(raw) != "42" {
		t.Errorf("FromResponseOnly(42) = %s, %v", raw, err)
	}
	raw, err = FromResponseOnly([]byte("null"))
	if err != nil || string(raw) != "null" {
		t.Errorf("FromResponseOnly(null) = %s, %v", raw, err)
	}
}

func TestDeadLetters(t *testing.T) {
	want := &DeadLetter{
		Event:        json.RawMessage(`{"orderId":"o-18","amount":-1}`),
		RequestID:    "0a1b2c3d-0000-4000-8000-000000000002",
		ErrorCode:    200,
		ErrorMessage: "amount must be positive",
	}
	var sqs SQSEvent
	if err := json.Unmarshal([]byte(dlqSQSEvent), &sqs); err != nil {
		t.Fatal(err)
	}
	var sns SNSEvent
	if err := json.Unmarshal([]byte(dlqSNSEvent), &sns); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		read func() (*DeadLetter, error)
	}{
		{"sqs", func() (*DeadLetter, error) { return DeadLetterFromSQS(sqs.Records[0]) }},
		{"sns to sqs", func() (*DeadLetter, error) { return DeadLetterFromSNSNotification([]byte(dlqSNSNotification)) }},
		{"sns to lambda", func() (*DeadLetter, error) { return DeadLetterFromSNSEntity(sns.Records[0].SNS) }},
		{"sdk attributes", func() (*DeadLetter, error) {
			return DeadLetterFromAttributes([]byte(`{"orderId":"o-18","amount":-1}`), map[string]string{
				"RequestID": "0a1b2c3d-0000-4000-8000-000000000002", "ErrorCode": "200", "ErrorMessage": "amount must be positive",
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			ev, err := DeadLetterEvent[order](got)
			if err != nil || ev != (order{"o-18", -1}) {
				t.Errorf("DeadLetterEvent = %+v, %v", ev, err)
			}
		})
	}
}

func TestS3Key(t *testing.T) {
	k, err := ParseS3Key(s3Key)
	if err != nil {
		t.Fatal(err)
	}
	want := S3Key{FunctionName: "my-function", Time: time.Date(2019, 11, 14, 18, 16, 5, 0, time.UTC), ID: "3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41"}
	if k != want {
		t.Errorf("ParseS3Key = %+v", k)
	}
	if k.String() != s3Key {
		t.Errorf("String = %q", k.String())
	}
}
