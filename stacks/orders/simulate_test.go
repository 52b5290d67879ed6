package orders

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simulateRootStack records the root stack with the real handler folder;
// the simulator runs handler/handler.py unchanged with python3.
func simulateRootStack(t *testing.T) *simulate.Simulator {
	t.Helper()
	dir, err := filepath.Abs("../../handler")
	require.NoError(t, err)
	sim, err := simulate.Run(NewProgram(dir), simulate.Config{})
	require.NoError(t, err)
	fns := sim.Functions()
	require.Len(t, fns, 1)
	require.Contains(t, fns[0].Handler, "handler.handler", "the order processor runs its own Python code")
	return sim
}

// order is the processor's result, as handler.py returns it.
type order struct {
	OrderID   string  `json:"order_id"`
	Status    string  `json:"status"`
	ItemCount int     `json:"item_count"`
	Total     float64 `json:"total"`
}

func TestSimulatedValidOrderLandsOnTheSuccessQueue(t *testing.T) {
	sim := simulateRootStack(t)
	inv, err := sim.InvokeAsync(context.Background(), "order-processor",
		json.RawMessage(`{"order_id":"o-1001","items":[{"sku":"book","qty":2,"price":12.5}]}`))
	require.NoError(t, err)
	assert.Equal(t, records.Success, inv.Condition)
	assert.Equal(t, 1, inv.Attempts)

	ds := sim.DeliveriesTo("orders-processed")
	require.Len(t, ds, 1)
	require.NotNil(t, ds[0].SQS)
	rec, err := records.FromSQSMessage(*ds[0].SQS) // what a consumer of the queue reads
	require.NoError(t, err)
	assert.Equal(t, records.Success, rec.RequestContext.Condition)
	assert.Equal(t, 1, rec.RequestContext.ApproximateInvokeCount)
	assert.Regexp(t, `^arn:aws:lambda:us-east-1:123456789012:function:order-processor-[0-9a-f]+:\$LATEST$`, rec.RequestContext.FunctionArn)
	assert.Equal(t, "$LATEST", rec.ResponseContext.ExecutedVersion)
	got, err := records.ResponsePayload[order](rec)
	require.NoError(t, err)
	assert.Equal(t, order{OrderID: "o-1001", Status: "processed", ItemCount: 2, Total: 25}, got)
	assert.Empty(t, sim.DeliveriesTo("orders-failed"))
	assert.Empty(t, sim.Trace().Problems())
}

func TestSimulatedMissingOrderIDExhaustsOneRetry(t *testing.T) {
	sim := simulateRootStack(t)
	inv, err := sim.InvokeAsync(context.Background(), "order-processor", json.RawMessage(`{"items":[{"sku":"pen","qty":1}]}`))
	require.NoError(t, err)
	assert.Equal(t, 2, inv.Attempts, "MaxRetries 1: the first attempt and one retry")
	assert.Equal(t, records.RetriesExhausted, inv.Condition)

	var attempts []time.Duration
	for _, e := range sim.Trace() {
		if e.Step == simulate.StepAttempt {
			attempts = append(attempts, e.Elapsed)
		}
	}
	assert.Equal(t, []time.Duration{0, time.Minute}, attempts, "Lambda waits a minute before the retry")

	ds := sim.DeliveriesTo("orders-failed")
	require.Len(t, ds, 1)
	rec, err := records.FromSNSNotification(ds[0].Body) // what an SQS or HTTP subscriber of the topic reads
	require.NoError(t, err)
	assert.Equal(t, records.RetriesExhausted, rec.RequestContext.Condition)
	assert.Equal(t, 2, rec.RequestContext.ApproximateInvokeCount)
	assert.JSONEq(t, `{"items":[{"sku":"pen","qty":1}]}`, string(rec.RequestPayload))
	assert.Equal(t, "Unhandled", rec.ResponseContext.FunctionError)
	fe, failed := rec.FunctionError()
	require.True(t, failed)
	assert.Equal(t, "ValueError", fe.ErrorType)
	assert.Equal(t, "order_id is required", fe.ErrorMessage)
	require.NotEmpty(t, fe.StackTrace)
	assert.Contains(t, fe.StackTrace[0], `File "/var/task/handler.py"`)
	assert.Empty(t, sim.DeliveriesTo("orders-processed"))
}

func TestSimulatedEventOlderThanAnHourExpires(t *testing.T) {
	sim := simulateRootStack(t)
	inv, err := sim.InvokeAsync(context.Background(), "order-processor", json.RawMessage(`{"order_id":"o-2002"}`),
		simulate.QueuedFor(time.Hour+time.Second))
	require.NoError(t, err)
	assert.Equal(t, records.EventAgeExceeded, inv.Condition)
	assert.Equal(t, 0, inv.Attempts, "the handler never ran")

	recs := sim.Records("orders-failed")
	require.Len(t, recs, 1)
	assert.Equal(t, records.EventAgeExceeded, recs[0].RequestContext.Condition)
	assert.Equal(t, 0, recs[0].RequestContext.ApproximateInvokeCount)
	_, failed := recs[0].FunctionError()
	assert.False(t, failed, "no function error: it expired")
	assert.Equal(t, "2025-01-01T01:00:01.000Z", recs[0].Timestamp)
	assert.Contains(t, sim.Trace().String(),
		"01:00:01.000  order-processor  event expired: it is 1h0m1s old, past the maximum event age 1h (MaximumEventAgeInSeconds 3600); Lambda discards it before its first attempt\n")

	// An hour exactly is not too old.
	inv, err = sim.InvokeAsync(context.Background(), "order-processor", json.RawMessage(`{"order_id":"o-2003"}`), simulate.QueuedFor(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, records.Success, inv.Condition)
}

func TestSimulatedSyncInvokeReachesNeither(t *testing.T) {
	sim := simulateRootStack(t)
	for _, payload := range []string{`{"order_id":"o-3003"}`, `{}`} {
		inv, err := sim.InvokeSync(context.Background(), "order-processor", json.RawMessage(payload))
		require.NoError(t, err)
		assert.Nil(t, inv.Record)
		assert.Equal(t, 1, inv.Attempts, "no retry")
	}
	assert.Empty(t, sim.Deliveries(), "neither the queue nor the topic gets anything")
	lines := sim.Trace().Lines()
	assert.Contains(t, lines, `00:00:00.000  order-processor  attempt 1 of 1: ok → {"order_id":"o-3003","status":"processed","item_count":0,"total":0} (returned to the caller)`)
	assert.Contains(t, lines, `00:00:00.000  order-processor  attempt 1 of 1: failed: ValueError: order_id is required (returned to the caller; Lambda does not retry a synchronous invocation)`)
	assert.Contains(t, lines, `00:00:00.000  order-processor  synchronous invocation: no record and no dead letter (destinations are for asynchronous invocations only): `+
		`on success → SQS queue orders-processed, on failure → SNS topic orders-failed get nothing`)
}
