package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	eventbridge "github.com/asyncroute/asyncroute/examples/eventbridge-archive/stack"
	existing "github.com/asyncroute/asyncroute/examples/existing-function/stack"
	pipeline "github.com/asyncroute/asyncroute/examples/pipeline/stack"
	responsechain "github.com/asyncroute/asyncroute/examples/response-chain/stack"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The root stack and every example, built with the components, have no
// findings, deployed or at preview. Without their grant policies the
// checker does find the missing grants: it really looked.
func TestRootStackAndExamplesHaveNoFindings(t *testing.T) {
	programs := map[string]pulumi.RunFunc{
		"stacks/orders":                orders.Program,
		"examples/eventbridge-archive": eventbridge.Program,
		"examples/existing-function":   existing.Program,
		"examples/pipeline":            pipeline.Program,
		"examples/response-chain":      responsechain.Program,
	}
	for name, program := range programs {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			st, err := asyncroutetest.Run(program, opts...)
			require.NoError(t, err, name)
			g := asyncpolicy.FromStack(st)
			fs := asyncpolicy.Check(g, asyncpolicy.Config{})
			assert.Empty(t, fs, "%s preview=%v:\n%s", name, preview, dump(fs))
			if preview {
				continue
			}
			var stripped asyncpolicy.Graph
			for _, r := range g.Resources {
				if r.Type != "aws:iam/rolePolicy:RolePolicy" {
					stripped.Resources = append(stripped.Resources, r)
				}
			}
			assert.NotEmpty(t, of(asyncpolicy.Check(stripped, asyncpolicy.Config{}), "ASYNC001"), "%s without its grants", name)
		}
	}
}
