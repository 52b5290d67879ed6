package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/records/lambdaevents"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FailedOrder is what the on-call channel is told about an order the
// processor gave up on.
type FailedOrder struct {
	OrderID   string
	Condition records.Condition
	Attempts  int
	Reason    string
	RequestID string
}

// handleFailedOrders is the handler of a Lambda function subscribed to the
// orders-failed topic (the consumer half of the root stack's failure
// route): each SNS message is the processor's invocation record, read with
// package records; the order is the record's request payload.
func handleFailedOrders(_ context.Context, ev events.SNSEvent) ([]FailedOrder, error) {
	var out []FailedOrder
	for _, r := range ev.Records {
		rec, err := lambdaevents.FromSNSEntity(r.SNS)
		if err != nil {
			return nil, fmt.Errorf("message %s: %w", r.SNS.MessageID, err)
		}
		order, err := records.RequestPayload[struct {
			OrderID string `json:"order_id"`
		}](rec)
		if err != nil {
			return nil, err
		}
		f := FailedOrder{OrderID: order.OrderID, Condition: rec.RequestContext.Condition,
			Attempts: rec.RequestContext.ApproximateInvokeCount, RequestID: rec.RequestContext.RequestID}
		if fe, ok := rec.FunctionError(); ok {
			f.Reason = fe.ErrorType + ": " + fe.ErrorMessage
		} else {
			f.Reason = "not processed in time (" + string(rec.RequestContext.Condition) + ")"
		}
		out = append(out, f)
	}
	return out, nil
}

// TestFailureTopicConsumerReadsWhatTheSimulatorDelivered: the two halves
// agree. The simulator runs the real processor and publishes its failure
// records on the topic; the consumer gets the SNS event a Lambda
// subscriber of the topic receives and reads it through package records.
func TestFailureTopicConsumerReadsWhatTheSimulatorDelivered(t *testing.T) {
	sim := simulateRootStack(t)
	ctx := context.Background()
	missing, err := sim.InvokeAsync(ctx, "order-processor", json.RawMessage(`{"items":[]}`))
	require.NoError(t, err)
	late, err := sim.InvokeAsync(ctx, "order-processor", json.RawMessage(`{"order_id":"o-4004"}`), simulate.QueuedFor(2*time.Hour))
	require.NoError(t, err)
	bad, err := sim.InvokeAsync(ctx, "order-processor", json.RawMessage(`{"order_id":"o-5005","items":[{"sku":"mug","qty":0}]}`))
	require.NoError(t, err)

	var got []FailedOrder
	for _, d := range sim.DeliveriesTo("orders-failed") {
		raw, err := d.LambdaEvent()
		require.NoError(t, err)
		var ev events.SNSEvent
		require.NoError(t, json.Unmarshal(raw, &ev))
		fs, err := handleFailedOrders(ctx, ev)
		require.NoError(t, err)
		got = append(got, fs...)
	}
	assert.Equal(t, []FailedOrder{
		{OrderID: "", Condition: records.RetriesExhausted, Attempts: 2, Reason: "ValueError: order_id is required", RequestID: missing.RequestID},
		{OrderID: "o-4004", Condition: records.EventAgeExceeded, Attempts: 0, Reason: "not processed in time (EventAgeExceeded)", RequestID: late.RequestID},
		{OrderID: "o-5005", Condition: records.RetriesExhausted, Attempts: 2, Reason: "ValueError: item 'mug' has no positive qty", RequestID: bad.RequestID},
	}, got)

	// The success queue's consumer reads its SQS event the same way.
	_, err = sim.InvokeAsync(ctx, "order-processor", json.RawMessage(`{"order_id":"o-6006"}`))
	require.NoError(t, err)
	ds := sim.DeliveriesTo("orders-processed")
	require.Len(t, ds, 1)
	raw, err := ds[0].LambdaEvent()
	require.NoError(t, err)
	var sqsEvent events.SQSEvent
	require.NoError(t, json.Unmarshal(raw, &sqsEvent))
	read, err := lambdaevents.DecodeSQSEvent(sqsEvent)
	require.NoError(t, err)
	require.Len(t, read, 1)
	assert.Equal(t, records.Success, read[0].Record.RequestContext.Condition)
	assert.Equal(t, ds[0].SQS.MessageID, read[0].MessageID)
}
