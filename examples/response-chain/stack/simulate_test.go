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

// TestSimulatedResponseChain: ingest invoked on its alias puts its success
// record on the default bus; the component's rule matches
// ...:function:ingest:live and invokes enrich with the bare response
// payload. Invoked unqualified, ingest runs as $LATEST, whose config does
// not exist, so nothing is routed.
func TestSimulatedResponseChain(t *testing.T) {
	dir, err := filepath.Abs("../handler")
	require.NoError(t, err)
	sim, err := simulate.Run(NewProgram(dir), simulate.Config{})
	require.NoError(t, err)
	ctx := context.Background()

	inv, err := sim.InvokeAsync(ctx, "ingest:live", json.RawMessage(`{"customer":"c-1","amount":250}`))
	require.NoError(t, err)
	assert.Regexp(t, `:function:ingest-[0-9a-f]+:live$`, inv.FunctionArn)
	assert.Equal(t, "1", inv.Record.ResponseContext.ExecutedVersion, "the alias points at version 1")
	invs := sim.Invocations()
	require.Len(t, invs, 2)
	enrich := invs[1]
	assert.Equal(t, "enrich", enrich.Function)
	assert.Equal(t, "rule ingest-on-success-response", enrich.Source)
	got, err := records.ResponseOnly[map[string]any](enrich.Event)
	require.NoError(t, err, "enrich gets the response payload alone")
	assert.Equal(t, map[string]any{"customer": "c-1", "amount": 250.0}, got)
	assert.JSONEq(t, `{"customer":"c-1","amount":250.0,"priority":"normal"}`, string(enrich.Response))
	assert.Equal(t, records.Success, enrich.Condition)
	assert.Empty(t, sim.Trace().Problems())

	// Unqualified: $LATEST has no config, so the record goes nowhere.
	_, err = sim.InvokeAsync(ctx, "ingest", json.RawMessage(`{"customer":"c-2"}`))
	require.NoError(t, err)
	assert.Len(t, sim.Invocations(), 3, "enrich is not invoked")
	assert.Regexp(t, `\n00:00:00\.000  ingest +no invoke config for qualifier \$LATEST \(the stack configures live\): Lambda's defaults apply \(2 retries, 6h, no destinations\); invoke ingest:live to use it\n`,
		sim.Trace().String())
}
