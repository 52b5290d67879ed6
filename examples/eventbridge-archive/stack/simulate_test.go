package stack

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSimulatedBusAndArchive runs the payment scorer through the
// simulator: a scored payment is put on the payments bus, where the
// stack's rule matches it; a payment that fails three times is archived in
// S3 under the key AWS documents.
func TestSimulatedBusAndArchive(t *testing.T) {
	dir, err := filepath.Abs("../handler")
	require.NoError(t, err)
	sim, err := simulate.Run(NewProgram(dir), simulate.Config{})
	require.NoError(t, err)
	ctx := context.Background()

	_, err = sim.InvokeAsync(ctx, "payment-scorer", json.RawMessage(`{"payment_id":"p-1","amount":9000}`))
	require.NoError(t, err)
	bus := sim.DeliveriesTo("payments")
	require.Len(t, bus, 1)
	var ev records.EventBridgeEvent
	require.NoError(t, json.Unmarshal(bus[0].Body, &ev))
	assert.Equal(t, records.EventBridgeSource, ev.Source)
	assert.Equal(t, records.DetailTypeSuccess, ev.DetailType)
	rec, err := records.FromEventBridge(bus[0].Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"payment_id":"p-1","risk":"review"}`, string(rec.ResponsePayload))
	assert.Contains(t, sim.Trace().String(), "payment-scorer  rule scored-payments on EventBridge event bus payments: matched; it has no targets in the stack\n")

	failed, err := sim.InvokeAsync(ctx, "payment-scorer", json.RawMessage(`{"payment_id":"p-2","amount":-5}`))
	require.NoError(t, err)
	assert.Equal(t, 3, failed.Attempts)
	objects := sim.DeliveriesTo("payment-failures")
	require.Len(t, objects, 1)
	rec, key, err := records.FromS3Object(objects[0].Key, objects[0].Body)
	require.NoError(t, err)
	assert.Equal(t, records.RetriesExhausted, rec.RequestContext.Condition)
	assert.Equal(t, 3, rec.RequestContext.ApproximateInvokeCount)
	assert.Equal(t, rec.FunctionName(), key.FunctionName)
	assert.Regexp(t, `^aws/lambda/async/payment-scorer-[0-9a-f]+/2025/01/01/2025-01-01T00\.03\.00-[0-9a-f-]{36}$`, objects[0].Key,
		"two retries: one minute, then two")
	assert.Len(t, sim.DeliveriesTo("payments"), 1, "no record of a failure on the success bus")
	assert.Empty(t, sim.Trace().Problems())
}
