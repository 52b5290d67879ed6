package asyncroute_test

import (
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	boundary   = "arn:aws:iam::123456789012:policy/org-boundary"
	vpcAccess  = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
	awsProvTyp = "pulumi:providers:aws"
)

func TestRoleOptionsReachTheRole(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			RoleOptions: &asyncroute.RoleOptions{
				PermissionsBoundary: pulumi.String(boundary),
				Path:                pulumi.String("/service-roles/"),
				NamePrefix:          pulumi.String("svc-orders-"),
				ManagedPolicyArns:   pulumi.StringArray{pulumi.String(basicExecution), pulumi.String(vpcAccess)},
			},
		})
		return err
	})
	role := find(t, st, roleType, "orders-role")
	assert.Equal(t, map[string]any{
		"assumeRolePolicy":    role.Inputs["assumeRolePolicy"],
		"permissionsBoundary": boundary,
		"path":                "/service-roles/",
		"namePrefix":          "svc-orders-",
		"managedPolicyArns":   []any{basicExecution, vpcAccess},
	}, role.Inputs)
	name := role.Outputs["name"].(string)
	require.True(t, strings.HasPrefix(name, "svc-orders-"), name)
	roleArn := "arn:aws:iam::123456789012:role/service-roles/" + name
	assert.Equal(t, roleArn, role.Outputs["arn"])
	// The function runs as that role, and the grants are attached to it.
	assert.Equal(t, roleArn, find(t, st, lambdaType, "orders").Inputs["role"])
	assert.Equal(t, name, find(t, st, rolePolicyType, "orders-async-grants").Inputs["role"])
}

func TestTags(t *testing.T) {
	for _, tc := range []struct {
		name           string
		component, own pulumi.StringMapInput
		role, function any
	}{
		{"ComponentAndOwn",
			pulumi.StringMap{"team": pulumi.String("payments"), "env": pulumi.String("prod")},
			pulumi.StringMap{"env": pulumi.String("dev"), "app": pulumi.String("orders")},
			map[string]any{"team": "payments", "env": "prod"},
			map[string]any{"team": "payments", "env": "dev", "app": "orders"}},
		{"ComponentOnly",
			pulumi.StringMap{"team": pulumi.String("payments")}, nil,
			map[string]any{"team": "payments"}, map[string]any{"team": "payments"}},
		{"OwnOnly",
			nil, pulumi.StringMap{"app": pulumi.String("orders")},
			nil, map[string]any{"app": "orders"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := run(t, func(ctx *pulumi.Context) error {
				args := lambdaArgs("orders")
				args.Tags = tc.own
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: args, OnSuccess: asyncroute.DefaultEventBus{}, Tags: tc.component})
				return err
			})
			assert.Equal(t, tc.role, find(t, st, roleType, "orders-role").Inputs["tags"])
			assert.Equal(t, tc.function, find(t, st, lambdaType, "orders").Inputs["tags"])
		})
	}
}

func providerRef(t *testing.T, st *asyncroutetest.Stack, name string) string {
	t.Helper()
	p := find(t, st, awsProvTyp, name)
	require.NotEmpty(t, p.ID)
	return p.URN + "::" + p.ID
}

func TestExplicitProviderReachesEveryChild(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		p := must(aws.NewProvider(ctx, "euw1", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")}))
		if _, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnSuccess:  asyncroute.DefaultEventBus{},
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			DeadLetter: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "dead"))},
			Alias:      "live",
		}, pulumi.Provider(p)); err != nil {
			return err
		}
		_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("existing"),
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("existing-role")},
			OnFailure:    asyncroute.DefaultEventBus{},
		}, pulumi.Provider(p))
		return err
	})
	ref := providerRef(t, st, "euw1")
	for _, name := range []string{"orders", "routing"} {
		typ := functionComponentType
		if name == "routing" {
			typ = asyncInvokeType
		}
		comp := find(t, st, typ, name)
		children := st.Children(comp)
		require.NotEmpty(t, children)
		for _, c := range children {
			require.True(t, c.Custom, "%s/%s", c.Type, c.Name)
			assert.Equal(t, ref, c.Provider, "%s/%s", c.Type, c.Name)
		}
	}
	assert.Len(t, st.Children(find(t, st, functionComponentType, "orders")), 5)
	// The user's queue, made without the option, keeps the default provider.
	assert.NotEqual(t, ref, find(t, st, queueType, "failed").Provider)
}

func TestNestedInUserComponent(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		outer := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("acme:platform:Service", "payments", outer); err != nil {
			return err
		}
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
		}, pulumi.Parent(outer))
		if err != nil {
			return err
		}
		return ctx.RegisterResourceOutputs(outer, pulumi.Map{})
	})
	outer := find(t, st, "acme:platform:Service", "payments")
	comp := find(t, st, functionComponentType, "orders")
	assert.Equal(t, outer.URN, comp.Parent)
	assert.Equal(t, "urn:pulumi:test::asyncroute::acme:platform:Service$asyncroute:lambda:Function::orders", comp.URN)
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"),
		dep(lambdaType, "orders"), dep(configType, "orders-async-config")), childNames(st, comp))
	for _, c := range st.Children(comp) {
		assert.True(t, strings.HasPrefix(c.URN, "urn:pulumi:test::asyncroute::acme:platform:Service$asyncroute:lambda:Function$"), c.URN)
	}
	assert.Equal(t, []string{dep(functionComponentType, "orders")}, childNames(st, outer))
}

func TestProtectReachesChildren(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			Alias:     "live",
		}, pulumi.Protect(true))
		return err
	})
	comp := find(t, st, functionComponentType, "orders")
	assert.True(t, comp.Protect)
	children := st.Children(comp)
	require.Len(t, children, 5)
	for _, c := range children {
		assert.True(t, c.Protect, "%s/%s", c.Type, c.Name)
	}
	assert.False(t, find(t, st, queueType, "failed").Protect)
}

// A permissions boundary of the created role that does not allow what the
// destinations need makes the grants useless: refused at preview, with
// the rules' decision and words (AWS managed boundaries, from iampolicy's
// table); one that allows them, or one the component cannot read, is not.
func TestBoundaryThatBlocksTheGrants(t *testing.T) {
	const basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	program := func(boundary string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
				Function:    lambdaArgs("orders"),
				OnSuccess:   asyncroute.DefaultEventBus{},
				OnFailure:   asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
				RoleOptions: &asyncroute.RoleOptions{PermissionsBoundary: pulumi.String(boundary)},
			})
			return err
		}
	}
	rejects(t, program(basic), `asyncroute: Function "orders": RoleOptions.PermissionsBoundary: "`+basic+`": the role has permissions boundary AWS managed policy AWSLambdaBasicExecutionRole, `+
		`which does not allow events:PutEvents on EventBridge event bus "default", sqs:SendMessage on SQS queue "failed" (a role may do only what both its policies and its permissions boundary allow), `+
		`so Lambda rejects the configuration; allowed: a boundary that allows events:PutEvents, sqs:SendMessage`, "orders", 1)
	for _, ok := range []string{"arn:aws:iam::aws:policy/PowerUserAccess", boundary} {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			_, err := asyncroutetest.Run(program(ok), opts...)
			assert.NoError(t, err, "%s (preview %v)", ok, preview)
		}
	}
}
