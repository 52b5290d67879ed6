package stack

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSimulatedDeadLetterAndExistingFunction: the exporter's failed events
// reach its KMS-encrypted DLQ as the original event with Lambda's three
// attributes; the function outside the stack (given a Go handler) sends its
// failure records to the encrypted queue the stack granted its role.
func TestSimulatedDeadLetterAndExistingFunction(t *testing.T) {
	dir, err := filepath.Abs("../handler")
	require.NoError(t, err)
	legacy := simulate.HandlerFunc(func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return nil, errors.New("ledger locked")
	})
	sim, err := simulate.Run(NewProgram(dir), simulate.Config{Handlers: map[string]simulate.Handler{"legacy-billing": legacy}})
	require.NoError(t, err)
	ctx := context.Background()

	inv, err := sim.InvokeAsync(ctx, "invoice-exporter", json.RawMessage(`{"customer":"c-9"}`))
	require.NoError(t, err)
	assert.Equal(t, 3, inv.Attempts)
	ds := sim.DeliveriesTo("exporter-dlq")
	require.Len(t, ds, 1)
	require.NotNil(t, ds[0].SQS)
	dl, err := records.DeadLetterFromSQS(*ds[0].SQS) // what a consumer of the DLQ reads
	require.NoError(t, err)
	assert.JSONEq(t, `{"customer":"c-9"}`, string(dl.Event), "the original event only, no record")
	assert.Equal(t, inv.RequestID, dl.RequestID)
	assert.Equal(t, 200, dl.ErrorCode)
	assert.Equal(t, "invoice_id is required", dl.ErrorMessage)
	assert.Contains(t, sim.Trace().String(), "(the role allows sqs:SendMessage, kms:GenerateDataKey, kms:Decrypt)\n",
		"the DLQ's customer-managed key is granted too")

	legacyInv, err := sim.InvokeAsync(ctx, "legacy-billing", json.RawMessage(`{"invoice":"i-1"}`))
	require.NoError(t, err)
	assert.Equal(t, 2, legacyInv.Attempts, "MaxRetries 1")
	assert.Equal(t, "arn:aws:lambda:us-east-1:123456789012:function:legacy-billing:$LATEST", legacyInv.FunctionArn)
	recs := sim.Records("billing-failures")
	require.Len(t, recs, 1)
	fe, _ := recs[0].FunctionError()
	assert.Equal(t, "ledger locked", fe.ErrorMessage)
	assert.Empty(t, sim.Trace().Problems())
}
