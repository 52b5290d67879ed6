package main

import (
	"encoding/json"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncpolicy/samples"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command reports on a stack export or preview file exactly what the
// library reports on the stack the mocks recorded.
func TestCommandAgreesWithLibrary(t *testing.T) {
	programs := map[string]pulumi.RunFunc{"mixed": samples.Mixed, "clean": samples.Clean}
	for name, program := range programs {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			st, err := asyncroutetest.Run(program, opts...)
			require.NoError(t, err)
			g := asyncpolicy.FromStack(st)
			want := asyncpolicy.Check(g, asyncpolicy.Config{})
			if name == "mixed" {
				require.NotEmpty(t, want)
			} else {
				require.Empty(t, want)
			}

			write := samples.StackExport
			if preview {
				write = samples.PreviewJSON
			}
			data, err := write(g)
			require.NoError(t, err)
			code, out, errOut := runCmd(t, string(data), "--format", "json", "-")
			require.Empty(t, errOut)
			var rep struct {
				Findings []asyncpolicy.Finding `json:"findings"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			if len(want) == 0 {
				want = []asyncpolicy.Finding{}
			}
			assert.Equal(t, want, rep.Findings, "%s preview=%v", name, preview)
			wantCode := 0
			if asyncpolicy.HasMandatory(want) {
				wantCode = 1
			}
			assert.Equal(t, wantCode, code)
		}
	}
}

// Every rule fires on the mixed sample once it is deployed.
func TestMixedSampleCoversEveryRule(t *testing.T) {
	st, err := asyncroutetest.Run(samples.Mixed)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, f := range asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}) {
		seen[f.RuleID] = true
	}
	for _, r := range asyncpolicy.Rules() {
		assert.True(t, seen[r.ID], r.ID)
	}
}
