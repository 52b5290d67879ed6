package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoutesAndPermissions(t *testing.T) {
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) { granted(s, r, q) })(stack{ctx})
		return nil
	})
	require.NoError(t, err)
	a := asyncpolicy.Analyze(asyncpolicy.FromStack(st))
	routes := a.Routes()
	require.Len(t, routes, 1)
	fn := st.Find("aws:lambda/function:Function", "orders")
	q := st.Find("aws:sqs/queue:Queue", "failures")
	assert.Equal(t, asyncpolicy.Route{From: fn.URN, To: q.URN, Condition: asyncpolicy.OnFailure, Value: arnPrefix + "failures", Via: st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "orders-config").URN,
		Qualifier: "$LATEST", Needs: []iampolicy.Permission{{Action: "sqs:SendMessage", Resource: arnPrefix + "failures"}}, Granted: []bool{true}, Grant: "granted"}, routes[0])
	p := a.Permissions()
	assert.Equal(t, iampolicy.Allowed, p.Decide(fn.URN, "sqs:SendMessage", arnPrefix+"failures"))
	assert.Equal(t, iampolicy.NotAllowed, p.Decide(fn.URN, "sns:Publish", snsPrefix+"alerts"))
	assert.Equal(t, iampolicy.Undecided, p.Decide("urn:pulumi:test::x::aws:lambda/function:Function::nope", "sqs:SendMessage", arnPrefix+"failures"))
}

// ConfiguredFunctions links each invoke config to its function as the
// rules do: by name, by qualified ARN, or through its dependency when
// functionName is unknown; a config whose function is not in the stack is
// left out. Neither it nor Routes or PermissionsOf changes the graph.
func TestConfiguredFunctions(t *testing.T) {
	other := &asyncpolicy.Resource{URN: urnPrefix + fnType + "::other", Type: fnType,
		Outputs: map[string]any{"name": "other", "arn": asyncpolicy.Unknown{}}}
	byARN := &asyncpolicy.Resource{URN: urnPrefix + cfgType + "::by-arn", Type: cfgType,
		Inputs: map[string]any{"functionName": fnPrefix + "orders:live"}}
	byDep := &asyncpolicy.Resource{URN: urnPrefix + cfgType + "::by-dep", Type: cfgType,
		Inputs:               map[string]any{"functionName": asyncpolicy.Unknown{}},
		PropertyDependencies: map[string][]string{"functionName": {other.URN}}}
	outside := &asyncpolicy.Resource{URN: urnPrefix + cfgType + "::outside", Type: cfgType,
		Inputs: map[string]any{"functionName": "legacy"}}
	g := handGraph(other, byARN, byDep, outside)
	orders := urnPrefix + fnType + "::orders"
	assert.Equal(t, map[string]string{
		urnPrefix + cfgType + "::orders-config": orders,
		byARN.URN:                               orders,
		byDep.URN:                               other.URN,
	}, asyncpolicy.Analyze(g).ConfiguredFunctions())

	a := asyncpolicy.Analyze(g)
	a.Routes()
	a.Decide(orders, "sqs:SendMessage", arnPrefix+"failures")
	a.Configs()
	for _, r := range g.Resources {
		assert.Empty(t, r.Name, "the graph is not changed: %s", r.URN)
	}
}
