package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/components/iampolicy"
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
	g := asyncpolicy.FromStack(st)
	routes := asyncpolicy.Routes(g)
	require.Len(t, routes, 1)
	fn := st.Find("aws:lambda/function:Function", "orders")
	q := st.Find("aws:sqs/queue:Queue", "failures")
	assert.Equal(t, asyncpolicy.Route{From: fn.URN, To: q.URN, Condition: "on failure", Via: st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "orders-config").URN,
		Qualifier: "$LATEST", Needs: []iampolicy.Permission{{Action: "sqs:SendMessage", Resource: arnPrefix + "failures"}}, Granted: []bool{true}, Grant: "granted"}, routes[0])
	p := asyncpolicy.PermissionsOf(g)
	assert.Equal(t, iampolicy.Allowed, p.Decide(fn.URN, "sqs:SendMessage", arnPrefix+"failures"))
	assert.Equal(t, iampolicy.NotAllowed, p.Decide(fn.URN, "sns:Publish", snsPrefix+"alerts"))
	assert.Equal(t, iampolicy.Undecided, p.Decide("urn:pulumi:test::x::aws:lambda/function:Function::nope", "sqs:SendMessage", arnPrefix+"failures"))
}
