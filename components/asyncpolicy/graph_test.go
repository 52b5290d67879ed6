package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	urnPrefix = "urn:pulumi:dev::shop::"
	fnType    = "aws:lambda/function:Function"
	cfgType   = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
)

// handGraph is a stack written by hand, as a converter would produce it:
// function "orders" with a role that grants nothing, an invoke config
// sending failures to a queue, and a function URL.
func handGraph(extra ...*asyncpolicy.Resource) asyncpolicy.Graph {
	g := asyncpolicy.Graph{Resources: []*asyncpolicy.Resource{
		{URN: urnPrefix + "aws:iam/role:Role::orders-role", Type: "aws:iam/role:Role",
			Outputs: map[string]any{"name": "orders-role", "arn": roleARN + "orders-role"}},
		{URN: urnPrefix + "aws:sqs/queue:Queue::failures", Type: "aws:sqs/queue:Queue",
			Outputs: map[string]any{"name": "failures", "arn": arnPrefix + "failures"}},
		{URN: urnPrefix + fnType + "::orders", Type: fnType,
			Outputs: map[string]any{"name": "orders", "arn": fnPrefix + "orders", "role": roleARN + "orders-role"}},
		{URN: urnPrefix + cfgType + "::orders-config", Type: cfgType, Inputs: map[string]any{
			"functionName":      "orders",
			"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": arnPrefix + "failures"}},
		}},
		{URN: urnPrefix + "aws:lambda/functionUrl:FunctionUrl::orders", Type: "aws:lambda/functionUrl:FunctionUrl",
			Inputs: map[string]any{"functionName": "orders"}},
	}}
	g.Resources = append(g.Resources, extra...)
	return g
}

func TestHandWrittenGraph(t *testing.T) {
	fs := asyncpolicy.Check(handGraph(), asyncpolicy.Config{})
	require.Len(t, fs, 3, dump(fs))
	assert.Equal(t, "ASYNC001", fs[0].RuleID)
	assert.Equal(t, "orders-config", fs[0].Name, "the name comes from the URN when not given")
	assert.Equal(t, "ASYNC004", fs[1].RuleID)
	assert.Equal(t, "ASYNC007", fs[2].RuleID, "no alarm watches its DestinationDeliveryFailures")
}

// An asynchronous invoker whose target is unknown and not explained by
// dependencies might invoke any function: ASYNC004 stays silent.
func TestUnknownAsyncInvokerSilencesNeverFires(t *testing.T) {
	sub := &asyncpolicy.Resource{URN: urnPrefix + "aws:sns/topicSubscription:TopicSubscription::somewhere", Type: "aws:sns/topicSubscription:TopicSubscription",
		Inputs: map[string]any{"protocol": "lambda", "endpoint": asyncpolicy.Unknown{}}}
	fs := asyncpolicy.Check(handGraph(sub), asyncpolicy.Config{})
	assert.Empty(t, of(fs, "ASYNC004"), dump(fs))

	// The same subscription explained by its dependency on another
	// function does not silence it.
	other := &asyncpolicy.Resource{URN: urnPrefix + fnType + "::other", Type: fnType, Outputs: map[string]any{"name": "other"}}
	sub.PropertyDependencies = map[string][]string{"endpoint": {other.URN}}
	fs = asyncpolicy.Check(handGraph(other, sub), asyncpolicy.Config{})
	assert.Len(t, of(fs, "ASYNC004"), 1, dump(fs))
}

// Unknown values never produce a violation: an unknown destination, an
// unknown role and an unknown policy document.
func TestUnknownValuesAreSkipped(t *testing.T) {
	g := handGraph()
	g.Resources[3].Inputs["destinationConfig"] = map[string]any{"onFailure": map[string]any{"destination": asyncpolicy.Unknown{}}}
	assert.Empty(t, of(asyncpolicy.Check(g, asyncpolicy.Config{}), "ASYNC001"))

	g = handGraph()
	g.Resources[2].Outputs["role"] = asyncroutetest.Unknown{}
	assert.Empty(t, of(asyncpolicy.Check(g, asyncpolicy.Config{}), "ASYNC001"))

	g = handGraph(&asyncpolicy.Resource{URN: urnPrefix + "aws:iam/rolePolicy:RolePolicy::grants", Type: "aws:iam/rolePolicy:RolePolicy",
		Inputs: map[string]any{"role": "orders-role", "policy": asyncpolicy.Unknown{}}})
	assert.Empty(t, of(asyncpolicy.Check(g, asyncpolicy.Config{}), "ASYNC001"))
}

func TestCheckIsDeterministicAndDoesNotChangeTheGraph(t *testing.T) {
	g := handGraph()
	g.Resources[0], g.Resources[4] = g.Resources[4], g.Resources[0]
	first := asyncpolicy.Check(g, asyncpolicy.Config{})
	for i := 0; i < 5; i++ {
		assert.Equal(t, first, asyncpolicy.Check(g, asyncpolicy.Config{}))
	}
	assert.Empty(t, g.Resources[3].Name, "Check works on a copy")
}

func TestRulesAndLevels(t *testing.T) {
	var ids []string
	for _, r := range asyncpolicy.Rules() {
		ids = append(ids, r.ID)
		assert.NotEmpty(t, r.Description)
		assert.NotEmpty(t, r.Name)
	}
	assert.Equal(t, []string{"ASYNC001", "ASYNC002", "ASYNC003", "ASYNC004", "ASYNC005", "ASYNC006", "ASYNC007", "ASYNC008", "ASYNC009", "ASYNC010"}, ids)
	l, err := asyncpolicy.ParseLevel(" Advisory ")
	require.NoError(t, err)
	assert.Equal(t, asyncpolicy.Advisory, l)
	_, err = asyncpolicy.ParseLevel("warn")
	assert.Error(t, err)
	assert.Equal(t, asyncpolicy.Mandatory, asyncpolicy.Config{}.Level("ASYNC001"))
	assert.Equal(t, asyncpolicy.Advisory, asyncpolicy.Config{}.Level("ASYNC004"))
	assert.Equal(t, asyncpolicy.Advisory, asyncpolicy.Config{}.Level("ASYNC007"))
	assert.Equal(t, asyncpolicy.Advisory, asyncpolicy.Config{}.Level(asyncpolicy.RuleOutsideStack))
}
