//go:build engine

package engine

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/tests/deploybench"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/stretchr/testify/require"
)

// TestChainIsNotSerialized deploys the benchmark's chain (six functions,
// each the on-success destination of the one declared after it, the last
// one's a queue; declared from the end) with every create taking 1 s, and
// checks from the provider's log that the construct does not serialize the
// program behind the destinations' creation: all six execution roles start
// being created before the first function's creation has ended.
func TestChainIsNotSerialized(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-deploy-chain", deploybench.Chain(deploybench.ChainLength, filepath.Join(repoRoot, "handler")))
	w.stack.Workspace().SetEnvVar(fakeaws.EnvLatency, "create=1s")
	_, err := w.up()
	require.NoError(t, err)

	ops := w.ops(0)
	var firstFunctionEnd time.Time
	functions := 0
	for _, op := range ops {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
		if op.Op == "create" && op.Type == tFunction {
			functions++
			if firstFunctionEnd.IsZero() || op.End.Before(firstFunctionEnd) {
				firstFunctionEnd = op.End
			}
		}
	}
	require.Equal(t, deploybench.ChainLength, functions)
	for i := 1; i <= deploybench.ChainLength; i++ {
		name := deploybench.ChainName(i) + "-role"
		role, ok := find(ops, "create", tRole, name)
		require.True(t, ok, "%s created", name)
		require.Truef(t, role.Start.Before(firstFunctionEnd),
			"role %s started at %s, after the first function's creation ended at %s: the construct waits for its destination before registering (%s later)",
			name, role.Start.Format(time.RFC3339Nano), firstFunctionEnd.Format(time.RFC3339Nano), role.Start.Sub(firstFunctionEnd).Round(time.Millisecond))
	}
	w.assertNoWindows("up", 0)
}
