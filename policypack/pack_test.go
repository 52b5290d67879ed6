package main

import (
	"context"
	"sort"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/samples"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// violation is what a policy reported.
type violation struct {
	Policy, URN, Message string
}

// recorder is a policyx.PolicyManager that keeps the violations.
type recorder struct {
	policy string
	got    *[]violation
}

func (r recorder) ReportViolation(message, urn string) {
	*r.got = append(*r.got, violation{r.policy, urn, message})
}

// validate runs every stack policy of the pack on resources, as the
// engine's AnalyzeStack would.
func validate(t *testing.T, resources []policyx.AnalyzerResource) []violation {
	t.Helper()
	pack, err := NewPack()
	require.NoError(t, err)
	var got []violation
	for _, p := range pack.Policies() {
		sp, ok := p.(policyx.StackValidationPolicy)
		require.True(t, ok, p.Name())
		require.NoError(t, sp.Validate(context.Background(), policyx.StackValidationArgs{
			Manager:   recorder{policy: p.Name(), got: &got},
			Resources: resources,
		}))
	}
	return got
}

func TestPackMetadata(t *testing.T) {
	pack, err := NewPack()
	require.NoError(t, err)
	assert.Equal(t, "asyncroute", pack.Name())
	assert.Equal(t, "0.1.0", pack.Version().String())
	var names []string
	levels := map[string]policyx.EnforcementLevel{}
	for _, p := range pack.Policies() {
		names = append(names, p.Name())
		levels[p.Name()] = p.EnforcementLevel()
		assert.Regexp(t, `^ASYNC0\d\d: `, p.Description())
	}
	assert.Equal(t, []string{
		"async001-destination-permission", "async002-destination-validity", "async003-failure-path-required",
		"async004-destinations-never-fire", "async005-broad-destination-grant", "async006-invoked-qualifier-has-config",
		"async007-delivery-failures-alarm", "async008-success-loop", "async009-redrive-loop",
		"async010-authorization-outside-stack",
	}, names)
	assert.Equal(t, policyx.EnforcementLevelMandatory, levels["async001-destination-permission"])
	assert.Equal(t, policyx.EnforcementLevelMandatory, levels["async002-destination-validity"])
	assert.Equal(t, policyx.EnforcementLevelAdvisory, levels["async003-failure-path-required"])
	assert.Equal(t, policyx.EnforcementLevelAdvisory, levels["async004-destinations-never-fire"])
	assert.Equal(t, policyx.EnforcementLevelMandatory, levels["async005-broad-destination-grant"])
	assert.Equal(t, policyx.EnforcementLevelMandatory, levels["async006-invoked-qualifier-has-config"])
	assert.Equal(t, policyx.EnforcementLevelAdvisory, levels["async007-delivery-failures-alarm"])
	assert.Equal(t, policyx.EnforcementLevelMandatory, levels["async008-success-loop"])
	assert.Equal(t, policyx.EnforcementLevelAdvisory, levels["async009-redrive-loop"])
	assert.Equal(t, policyx.EnforcementLevelAdvisory, levels["async010-authorization-outside-stack"])
}

func str(s string) property.Value { return property.New(s) }

func obj(kv map[string]property.Value) property.Value { return property.New(kv) }

// The arguments as the engine builds them for a small stack: a function
// whose role grants nothing, sending failures to a queue.
func handArgs(destination property.Value) []policyx.AnalyzerResource {
	const p = "urn:pulumi:dev::shop::"
	return []policyx.AnalyzerResource{
		{URN: p + "aws:iam/role:Role::orders-role", Type: "aws:iam/role:Role", Name: "orders-role",
			Properties: property.NewMap(map[string]property.Value{
				"name": str("orders-role"), "arn": str("arn:aws:iam::210987654321:role/orders-role"),
				"managedPolicyArns": property.New([]property.Value{str("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")}),
			})},
		{URN: p + "aws:sqs/queue:Queue::failures", Type: "aws:sqs/queue:Queue", Name: "failures",
			Properties: property.NewMap(map[string]property.Value{"name": str("failures"), "arn": str("arn:aws:sqs:eu-west-1:210987654321:failures"), "fifoQueue": property.New(false)})},
		{URN: p + "aws:lambda/function:Function::orders", Type: "aws:lambda/function:Function", Name: "orders",
			Properties: property.NewMap(map[string]property.Value{
				"name": str("orders"), "arn": str("arn:aws:lambda:eu-west-1:210987654321:function:orders"),
				"role":        str("arn:aws:iam::210987654321:role/orders-role").WithSecret(true),
				"environment": obj(map[string]property.Value{"variables": property.New(property.Computed)}),
			}),
			Dependencies: []string{p + "aws:iam/role:Role::orders-role"}},
		{URN: p + "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-async", Type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", Name: "orders-async",
			Properties: property.NewMap(map[string]property.Value{
				"functionName":         str("orders"),
				"maximumRetryAttempts": property.New(1.0),
				"destinationConfig":    obj(map[string]property.Value{"onFailure": obj(map[string]property.Value{"destination": destination})}),
			}),
			PropertyDependencies: map[string][]string{"destinationConfig": {p + "aws:sqs/queue:Queue::failures"}}},
	}
}

func TestValidationFunctionsOnHandBuiltArgs(t *testing.T) {
	got := validate(t, handArgs(str("arn:aws:sqs:eu-west-1:210987654321:failures")))
	require.Len(t, got, 2)
	assert.Equal(t, violation{
		Policy: "async001-destination-permission",
		URN:    "urn:pulumi:dev::shop::aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-async",
		Message: `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-async", field destinationConfig.onFailure.destination: ` +
			`the on-failure destination is SQS queue "failures" (arn:aws:sqs:eu-west-1:210987654321:failures), but execution role aws:iam/role:Role "orders-role" ` +
			`of function "orders" does not allow sqs:SendMessage on arn:aws:sqs:eu-west-1:210987654321:failures, so Lambda rejects the configuration. ` +
			`Fix: allow sqs:SendMessage on arn:aws:sqs:eu-west-1:210987654321:failures in a policy of aws:iam/role:Role "orders-role" ` +
			`(for example an aws:iam/rolePolicy:RolePolicy) and make aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-async" depend on it.`,
	}, got[0])
	// No alarm watches the config's DestinationDeliveryFailures.
	assert.Equal(t, "async007-delivery-failures-alarm", got[1].Policy)
	assert.Equal(t, got[0].URN, got[1].URN)

	// At preview the destination may be computed; the config's dependency
	// on the queue (which exists, its ARN is known) still tells the target.
	computed := handArgs(property.New(property.Computed))
	assert.Equal(t, got, validate(t, computed))
	// Without that dependency nothing tells the target: no grant is
	// judged; the config still has a destination no alarm watches.
	computed[3].PropertyDependencies = nil
	assert.Equal(t, got[1:], validate(t, computed))
}

// The pack reads the engine's values through stackgraph's one converter:
// a resource reference is its URN, whatever its id, as in every other
// graph; secrets are read through; computed values are unknown.
func TestResourceReferencesAndSecrets(t *testing.T) {
	const q = "urn:pulumi:dev::shop::aws:sqs/queue:Queue::q"
	g := GraphOf([]policyx.AnalyzerResource{{URN: "urn:pulumi:dev::shop::my:index:Thing::t", Type: "my:index:Thing",
		Properties: property.NewMap(map[string]property.Value{
			"ref":       property.New(property.NewResourceReference(q, str("https://sqs/q"), "")),
			"unknownID": property.New(property.NewResourceReference(q, property.New(property.Computed), "")),
			"component": property.New(property.NewResourceReference("urn:pulumi:dev::shop::my:index:Thing::t", property.Value{}, "")),
			"secret":    str("s").WithSecret(true),
			"later":     property.New(property.Computed),
		})}})
	require.Len(t, g.Resources, 1)
	assert.Equal(t, map[string]any{"ref": q, "unknownID": q, "component": "urn:pulumi:dev::shop::my:index:Thing::t",
		"secret": "s", "later": asyncpolicy.Unknown{}}, g.Resources[0].Outputs)
	assert.Equal(t, "t", g.Resources[0].Name, "the name comes from the URN when the engine leaves it out")
}

// toValue builds the property value the engine would send for a graph
// value.
func toValue(v any) property.Value {
	switch x := v.(type) {
	case asyncpolicy.Unknown:
		return property.New(property.Computed)
	case string:
		return property.New(x)
	case float64:
		return property.New(x)
	case bool:
		return property.New(x)
	case []any:
		arr := make([]property.Value, len(x))
		for i, e := range x {
			arr[i] = toValue(e)
		}
		return property.New(arr)
	case map[string]any:
		return property.New(toMap(x))
	}
	return property.Value{}
}

func toMap(m map[string]any) map[string]property.Value {
	out := map[string]property.Value{}
	for k, v := range m {
		out[k] = toValue(v)
	}
	return out
}

// analyzerResources renders a graph as the engine's AnalyzeStack
// arguments: outputs only.
func analyzerResources(g asyncpolicy.Graph) []policyx.AnalyzerResource {
	var out []policyx.AnalyzerResource
	for _, r := range g.Resources {
		props := map[string]any{}
		for k, v := range r.Inputs {
			props[k] = v
		}
		for k, v := range r.Outputs {
			props[k] = v
		}
		out = append(out, policyx.AnalyzerResource{URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent,
			Properties: property.NewMap(toMap(props)), Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies})
	}
	return out
}

// The pack reports exactly the library's findings on the same stack.
func TestPackAgreesWithLibrary(t *testing.T) {
	for name, program := range map[string]pulumi.RunFunc{"mixed": samples.Mixed, "clean": samples.Clean} {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			st, err := asyncroutetest.Run(program, opts...)
			require.NoError(t, err)
			g := asyncpolicy.FromStack(st)
			var want []violation
			for _, f := range asyncpolicy.Check(g, asyncpolicy.Config{}) {
				r, _ := asyncpolicy.RuleByID(f.RuleID)
				want = append(want, violation{PolicyName(r), f.URN, f.Message})
			}
			got := validate(t, analyzerResources(g))
			sortViolations(want)
			sortViolations(got)
			assert.Equal(t, want, got, "%s preview=%v", name, preview)
			if name == "mixed" {
				assert.NotEmpty(t, got)
			}
		}
	}
}

func sortViolations(vs []violation) {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Policy != vs[j].Policy {
			return vs[i].Policy < vs[j].Policy
		}
		if vs[i].URN != vs[j].URN {
			return vs[i].URN < vs[j].URN
		}
		return vs[i].Message < vs[j].Message
	})
}
