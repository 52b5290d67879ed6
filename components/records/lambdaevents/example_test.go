package lambdaevents_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/records/lambdaevents"
	"github.com/aws/aws-lambda-go/events"
)

// handle is a Lambda handler for a queue that is an on-failure destination
// and a dead-letter queue at once; unreadable messages are retried.
func handle(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	deliveries, _ := lambdaevents.DecodeSQSEvent(ev)
	for _, d := range deliveries {
		switch {
		case d.Err != nil:
			fmt.Println("unreadable:", d.MessageID)
		case d.DeadLetter != nil:
			fmt.Println("dead letter:", d.DeadLetter.RequestID, d.DeadLetter.ErrorMessage)
		default:
			fe, _ := d.Record.FunctionError()
			fmt.Println("record:", d.Record.RequestContext.Condition, fe.ErrorMessage)
		}
	}
	return lambdaevents.BatchItemFailures(deliveries), nil
}

func ExampleDecodeSQSEvent() {
	body, _ := records.WrapSQS(&records.Record{
		Version:         records.Version,
		Timestamp:       "2024-05-02T09:31:00.250Z",
		RequestContext:  records.RequestContext{RequestID: "req-1", FunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:orders:$LATEST", Condition: records.RetriesExhausted, ApproximateInvokeCount: 3},
		RequestPayload:  json.RawMessage(`{"orderId":"o-18"}`),
		ResponseContext: records.ResponseContext{StatusCode: 200, ExecutedVersion: "$LATEST", FunctionError: "Unhandled"},
		ResponsePayload: json.RawMessage(`{"errorMessage":"Task timed out after 3.00 seconds"}`),
	})
	dlq, _ := records.WrapDeadLetterSQS(&records.DeadLetter{Event: json.RawMessage(`{"orderId":"o-19"}`), RequestID: "req-2", ErrorCode: 200, ErrorMessage: "boom"}, records.SQSMessage{MessageID: "m-2"})
	data, _ := records.WrapSQSEvent(records.SQSMessage{MessageID: "m-1", Body: string(body)}, dlq, records.SQSMessage{MessageID: "m-3", Body: "hello"})

	var ev events.SQSEvent
	_ = json.Unmarshal(data, &ev)
	resp, _ := handle(context.Background(), ev)
	fmt.Println(resp.BatchItemFailures)
	// Output:
	// record: RetriesExhausted Task timed out after 3.00 seconds
	// dead letter: req-2 boom
	// unreadable: m-3
	// [{m-3}]
}
