package records_test

import (
	"encoding/json"
	"fmt"

	"github.com/asyncroute/asyncroute/components/records"
)

// A failed invocation's record, as a simulator or test would build it.
func failed() *records.Record {
	return &records.Record{
		Version:   records.Version,
		Timestamp: "2024-05-02T09:31:00.250Z",
		RequestContext: records.RequestContext{
			RequestID:              "7c1e5c52-0000-4000-8000-00000000beef",
			FunctionArn:            "arn:aws:lambda:eu-west-1:111122223333:function:orders:live",
			Condition:              records.RetriesExhausted,
			ApproximateInvokeCount: 3,
		},
		RequestPayload:  json.RawMessage(`{"orderId":"o-18","amount":-1}`),
		ResponseContext: records.ResponseContext{StatusCode: 200, ExecutedVersion: "7", FunctionError: "Handled"},
		ResponsePayload: json.RawMessage(`{"errorMessage":"amount must be positive","errorType":"ValueError","stackTrace":[]}`),
	}
}

type Order struct {
	OrderID string `json:"orderId"`
	Amount  int    `json:"amount"`
}

// Decode reads whatever arrived: here a queue subscribed (without raw
// delivery) to an SNS on-failure destination, read by a Lambda consumer.
func ExampleDecode() {
	notification, _ := records.WrapSNS(failed(), records.SNSNotification{MessageID: "sns-1", TopicArn: "arn:aws:sns:eu-west-1:111122223333:orders-failed"})
	event, _ := records.WrapSQSEvent(records.SQSMessage{MessageID: "sqs-1", Body: string(notification)})

	deliveries, err := records.Decode(event)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range deliveries {
		r := d.Record
		order, _ := records.RequestPayload[Order](r)
		fe, _ := r.FunctionError()
		fmt.Println(d.Via, d.MessageID, r.RequestContext.Condition, r.FunctionName(), r.Qualifier())
		fmt.Printf("order %s failed after %d attempts: %s: %s\n", order.OrderID, r.RequestContext.ApproximateInvokeCount, fe.ErrorType, fe.ErrorMessage)
	}
	// Output:
	// [sqs sns] sqs-1 RetriesExhausted orders live
	// order o-18 failed after 3 attempts: ValueError: amount must be positive
}

// Reading an envelope with the wrong function says what was found instead.
func ExampleFromSQSBody_wrongEnvelope() {
	notification, _ := records.WrapSNS(failed(), records.SNSNotification{MessageID: "sns-1"})
	_, err := records.FromSQSBody(notification)
	fmt.Println(err)
	// Output:
	// records: SQS body: expected an invocation record (version "1.0" with requestContext), found an SNS notification; use FromSNSNotification or Decode
}

func ExampleRequestPayload() {
	order, err := records.RequestPayload[Order](failed())
	fmt.Println(order, err)
	// Output:
	// {o-18 -1} <nil>
}

func ExampleRecord_FunctionError() {
	fe, ok := failed().FunctionError()
	fmt.Println(ok, fe.Kind, fe.ErrorType, fe.ErrorMessage)
	// Output:
	// true Handled ValueError amount must be positive
}

// The event an EventBridge destination puts on its bus, as a rule target
// receives it.
func ExampleWrapEventBridge() {
	r := failed()
	r.RequestPayload = json.RawMessage(`{}`)
	r.ResponsePayload = json.RawMessage(`{"errorMessage":"x"}`)
	event, _ := records.WrapEventBridge(r, records.EventBridgeEvent{ID: "0d9f6a4e-0000-4000-8000-000000000001"})
	fmt.Println(string(event))
	// Output:
	// {"version":"0","id":"0d9f6a4e-0000-4000-8000-000000000001","detail-type":"Lambda Function Invocation Result - Failure","source":"lambda","account":"111122223333","time":"2024-05-02T09:31:00Z","region":"eu-west-1","resources":["arn:aws:lambda:eu-west-1:111122223333:function:orders:live"],"detail":{"version":"1.0","timestamp":"2024-05-02T09:31:00.250Z","requestContext":{"requestId":"7c1e5c52-0000-4000-8000-00000000beef","functionArn":"arn:aws:lambda:eu-west-1:111122223333:function:orders:live","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":{},"responseContext":{"statusCode":200,"executedVersion":"7","functionError":"Handled"},"responsePayload":{"errorMessage":"x"}}}
}

// An S3 on-failure destination writes one object per record.
func ExampleWrapS3() {
	key, body, _ := records.WrapS3(failed(), "3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41")
	fmt.Println(key)

	r, k, err := records.FromS3Object(key, body)
	fmt.Println(k.FunctionName, k.Time, k.ID, r.RequestContext.RequestID, err)
	// Output:
	// aws/lambda/async/orders/2024/05/02/2024-05-02T09.31.00-3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41
	// orders 2024-05-02 09:31:00 +0000 UTC 3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41 7c1e5c52-0000-4000-8000-00000000beef <nil>
}

// A dead-letter queue gets the original event and three attributes, no
// response.
func ExampleDeadLetterFromSQS() {
	d := &records.DeadLetter{Event: json.RawMessage(`{"orderId":"o-18","amount":-1}`), RequestID: "7c1e5c52-0000-4000-8000-00000000beef", ErrorCode: 200, ErrorMessage: "amount must be positive"}
	msg, _ := records.WrapDeadLetterSQS(d, records.SQSMessage{MessageID: "dlq-1"})

	got, err := records.DeadLetterFromSQS(msg)
	if err != nil {
		fmt.Println(err)
		return
	}
	order, _ := records.DeadLetterEvent[Order](got)
	fmt.Println(order.OrderID, got.RequestID, got.ErrorCode, got.ErrorMessage)
	// Output:
	// o-18 7c1e5c52-0000-4000-8000-00000000beef 200 amount must be positive
}

// A function chained with a response-only route receives only what the
// previous function returned.
func ExampleResponseOnly() {
	type Receipt struct {
		OrderID string `json:"orderId"`
		Status  string `json:"status"`
	}
	receipt, err := records.ResponseOnly[Receipt]([]byte(`{"orderId":"o-17","status":"processed"}`))
	fmt.Println(receipt, err)

	_, err = records.ResponseOnly[Receipt]([]byte(`{"version":"1.0","requestContext":{"condition":"Success"}}`))
	fmt.Println(err)
	// Output:
	// {o-17 processed} <nil>
	// records: response-only event: expected a response payload (what a rule target with InputPath $.detail.responsePayload receives), found an invocation record; the whole record arrives, so the function is a plain Lambda destination: use FromLambda
}

func ExampleParseS3Key() {
	k, err := records.ParseS3Key("aws/lambda/async/orders/2024/05/02/2024-05-02T09.31.00-3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41")
	fmt.Println(k.FunctionName, k.Time.Format("2006-01-02 15:04:05"), k.ID, err)
	// Output:
	// orders 2024-05-02 09:31:00 3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41 <nil>
}
