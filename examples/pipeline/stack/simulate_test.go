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

// TestSimulatedPipeline runs the example's Python handlers through the
// simulator: ingest's success record invokes enrich (a Lambda
// destination), whose own success record lands on the enriched queue.
func TestSimulatedPipeline(t *testing.T) {
	dir, err := filepath.Abs("../handler")
	require.NoError(t, err)
	sim, err := simulate.Run(NewProgram(dir), simulate.Config{})
	require.NoError(t, err)
	ctx := context.Background()

	first, err := sim.InvokeAsync(ctx, "ingest", json.RawMessage(`{"customer":"c-7","amount":1500}`))
	require.NoError(t, err)
	invs := sim.Invocations()
	require.Len(t, invs, 2, "ingest, then enrich")
	enrich := invs[1]
	assert.Equal(t, "enrich", enrich.Function)
	assert.Equal(t, "on success of ingest", enrich.Source)
	assert.Equal(t, first.RequestID, enrich.Parent)

	// enrich's event is ingest's whole record (what a Lambda destination gets).
	got, err := records.FromLambda(enrich.Event)
	require.NoError(t, err)
	assert.Equal(t, first.RequestID, got.RequestContext.RequestID)
	assert.Equal(t, records.Success, got.RequestContext.Condition)

	recs := sim.Records("pipeline-enriched")
	require.Len(t, recs, 1)
	out, err := records.ResponsePayload[map[string]any](recs[0])
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"customer": "c-7", "amount": 1500.0, "priority": "high"}, out)
	inner, err := records.FromLambda(recs[0].RequestPayload)
	require.NoError(t, err, "enrich's record carries ingest's record as its request payload")
	assert.Equal(t, first.RequestID, inner.RequestContext.RequestID)

	// ingest retries nothing (MaxRetries 0): a bad event fails once and
	// lands on the shared failure queue.
	bad, err := sim.InvokeAsync(ctx, "ingest", json.RawMessage(`{"amount":3}`))
	require.NoError(t, err)
	assert.Equal(t, 1, bad.Attempts)
	fails := sim.Records("pipeline-failures")
	require.Len(t, fails, 1)
	fe, _ := fails[0].FunctionError()
	assert.Equal(t, "customer is required", fe.ErrorMessage)
	assert.Empty(t, sim.Trace().Problems())
	assert.Contains(t, sim.Trace().String(), "ingest  on success → Lambda function enrich: record Success (approximateInvokeCount 1) delivered, as its event (the role allows lambda:InvokeFunction)\n")
}
