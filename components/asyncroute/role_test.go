package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBringYourOwnRoleResource(t *testing.T) {
	var comp *asyncroute.Function
	var outs functionOutputs
	st := run(t, func(ctx *pulumi.Context) error {
		r := newRole(ctx, "my-role")
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			Role:      &asyncroute.ExistingRole{Role: r},
		})
		if err != nil {
			return err
		}
		comp = c
		outs, err = readFunctionOutputs(ctx, c)
		return err
	})
	c := find(t, st, functionComponentType, "orders")
	userRole := find(t, st, roleType, "my-role")
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	fn := find(t, st, lambdaType, "orders")
	myRoleArn := "arn:aws:iam::123456789012:role/my-role"

	// No role is created; the grants go to the brought role by name.
	assert.Nil(t, comp.Role)
	assert.Len(t, st.OfType(roleType), 1)
	assert.Equal(t, stackURN, userRole.Parent)
	assert.Equal(t, "my-role", policy.Inputs["role"])
	assert.Equal(t, stmts(allow(sqsSend, arnOf("sqs", "failed"))), statements(t, st, "orders"))
	assert.Equal(t, deps(dep(roleType, "my-role"), dep(queueType, "failed")), st.Dependencies(policy))

	assert.Equal(t, wantFunctionInputs("orders", map[string]any{"role": myRoleArn}), fn.Inputs)
	assert.Equal(t, deps(dep(roleType, "my-role")), st.Dependencies(fn))
	assert.Equal(t, myRoleArn, outs.roleArn)
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(configType, "orders-async-config")), childNames(st, c))
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(queueType, "failed")), st.Dependencies(config(t, st, "orders")))
}

func TestBringYourOwnRoleByNameAndArn(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			DeadLetter: asyncroute.SNSTopic{Topic: newTopic(ctx, "dead", nil)},
			Role:       &asyncroute.ExistingRole{Name: pulumi.String("external"), Arn: pulumi.String(externalRoleArn)},
		})
		return err
	})
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	fn := find(t, st, lambdaType, "orders")
	assert.Empty(t, st.OfType(roleType))
	assert.Equal(t, "external", policy.Inputs["role"])
	assert.Equal(t, stmts(allow(snsPublish, arnOf("sns", "dead")), allow(sqsSend, arnOf("sqs", "failed"))), statements(t, st, "orders"))
	assert.Equal(t, deps(dep(queueType, "failed"), dep(topicType, "dead")), st.Dependencies(policy))
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{
		"role": externalRoleArn, "deadLetterConfig": map[string]any{"targetArn": arnOf("sns", "dead")},
	}), fn.Inputs)
	// The DLQ makes the function wait for the grant.
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(topicType, "dead")), st.Dependencies(fn))
}

// TestSkipGrantsWithCreatedRole: SkipGrants on a component that creates
// the function's role would leave the role without what its routing
// needs (no one else can grant a role the component creates): refused,
// in both modes, with nothing registered. With nothing to grant (retry
// settings only) it is accepted.
func TestSkipGrantsWithCreatedRole(t *testing.T) {
	rejects(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			DeadLetter: asyncroute.SQSQueue{Queue: newQueue(ctx, "dead", nil)},
			SkipGrants: true,
		})
		return err
	}, `asyncroute: Function "orders": SkipGrants: is true but the component creates the function's role, which would then have no grant for its destinations or dead-letter target; `+
		`allowed: false, or bring the role with Role (and grant it yourself)`, "orders", 2)

	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambdaArgs("orders"), MaxRetries: pulumi.IntRef(0), SkipGrants: true,
		})
		return err
	})
	assert.Empty(t, st.OfType(rolePolicyType))
	assert.NotNil(t, st.Find(roleType, "orders-role"))
}

func TestSkipGrantsWithRoleKnownByArnOnly(t *testing.T) {
	var skipped any
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnSuccess:  asyncroute.DefaultEventBus{},
			Role:       &asyncroute.ExistingRole{Arn: pulumi.String(externalRoleArn)},
			SkipGrants: true,
		})
		if err != nil {
			return err
		}
		skipped, _, err = awaitValue(ctx, c.GrantsSkipped)
		return err
	})
	assert.Equal(t, true, skipped)
	assert.Empty(t, st.OfType(rolePolicyType))
	assert.Empty(t, st.OfType(roleType))
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{"role": externalRoleArn}), find(t, st, lambdaType, "orders").Inputs)
	assert.Equal(t, deps(dep(lambdaType, "orders")), st.Dependencies(config(t, st, "orders")))
}

func TestBadRoles(t *testing.T) {
	const prefix = `asyncroute: Function "orders": `
	for _, tc := range []struct {
		name  string
		role  func(ctx *pulumi.Context) *asyncroute.ExistingRole
		opts  *asyncroute.RoleOptions
		want  string
		users int
	}{
		{"ArnOfAUser", func(*pulumi.Context) *asyncroute.ExistingRole {
			return &asyncroute.ExistingRole{Arn: pulumi.String("arn:aws:iam::123456789012:user/external")}
		}, nil, prefix + `Role.Arn: "arn:aws:iam::123456789012:user/external" is not an IAM role ARN; expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`, 0},
		{"NameAndArnDiffer", func(*pulumi.Context) *asyncroute.ExistingRole {
			return &asyncroute.ExistingRole{Name: pulumi.String("billing"), Arn: pulumi.String(externalRoleArn)}
		}, nil, prefix + `Role: name "billing" and ARN "` + externalRoleArn + `" name different roles; allowed: the name and the ARN of one role (or only one of them)`, 0},
		{"NameOnly", func(*pulumi.Context) *asyncroute.ExistingRole {
			return &asyncroute.ExistingRole{Name: pulumi.String("external")}
		}, nil, prefix + "Role.Arn: is required to create the function with a brought role; allowed: the role's ARN, or Role.Role", 0},
		{"Empty", func(*pulumi.Context) *asyncroute.ExistingRole { return &asyncroute.ExistingRole{} }, nil,
			prefix + "Role.Arn: is required to create the function with a brought role; allowed: the role's ARN, or Role.Role\n" +
				prefix + "Role: is empty; allowed: Role.Role, Role.Arn or Role.Name", 0},
		{"RoleAndName", func(ctx *pulumi.Context) *asyncroute.ExistingRole {
			return &asyncroute.ExistingRole{Role: newRole(ctx, "my-role"), Name: pulumi.String("my-role")}
		}, nil, prefix + "Role: both Role.Role and Role.Name/Role.Arn are set; allowed: the iam.Role, or its Arn and/or Name", 1},
		{"RoleOptionsWithRole", func(ctx *pulumi.Context) *asyncroute.ExistingRole {
			return &asyncroute.ExistingRole{Role: newRole(ctx, "my-role")}
		}, &asyncroute.RoleOptions{Path: pulumi.String("/service/")},
			prefix + "RoleOptions: shape a role the component creates and cannot apply to Role; allowed: set RoleOptions or Role, not both", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := runCapture(t, func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
					Function: lambdaArgs("orders"), OnSuccess: asyncroute.DefaultEventBus{}, Role: tc.role(ctx), RoleOptions: tc.opts,
				})
				return err
			})
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			requireNothingFromComponent(t, st, "orders", tc.users)
		})
	}
}

// TestBringYourOwnRoleByArnOnly: the grant policy goes to the role the ARN
// names (its last segment, after the path), for each component.
func TestBringYourOwnRoleByArnOnly(t *testing.T) {
	const withPath = "arn:aws:iam::123456789012:role/service-roles/external"
	st := run(t, func(ctx *pulumi.Context) error {
		if _, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			Role:      &asyncroute.ExistingRole{Arn: pulumi.String(withPath)},
		}); err != nil {
			return err
		}
		r := newRole(ctx, "my-role")
		_, err := asyncroute.NewAsyncInvoke(ctx, "legacy", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("legacy"),
			OnFailure:    asyncroute.DefaultEventBus{},
			Role:         &asyncroute.ExistingRole{Arn: r.Arn},
		})
		return err
	})
	assert.Equal(t, "external", find(t, st, rolePolicyType, "orders-async-grants").Inputs["role"])
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{"role": withPath}), find(t, st, lambdaType, "orders").Inputs)
	legacy := find(t, st, rolePolicyType, "legacy-async-grants")
	assert.Equal(t, "my-role", legacy.Inputs["role"], "read from the role's ARN output")
	assert.Equal(t, deps(dep(roleType, "my-role")), st.Dependencies(legacy))
}

// TestRoleNameAndArnOutputsDiffer: a name and ARN that name different
// roles, the ARN known only at deploy (a created role's ARN is unknown at
// preview too): refused in the grant policy's role, so no policy and no
// config is written.
func TestRoleNameAndArnOutputsDiffer(t *testing.T) {
	rejectsAtUpdate(t, func(ctx *pulumi.Context) error {
		r := newRole(ctx, "my-role")
		_, err := asyncroute.NewAsyncInvoke(ctx, "legacy", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("legacy"),
			OnFailure:    asyncroute.DefaultEventBus{},
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("billing"), Arn: r.Arn},
		})
		return err
	}, `asyncroute: AsyncInvoke "legacy": Role: name "billing" and ARN "arn:aws:iam::123456789012:role/my-role" name different roles; `+
		`allowed: the name and the ARN of one role (or only one of them)`, "legacy")
}

// TestRoleArnOutputNotARoleWithName: an ARN known only at deploy that is
// no role's, given with a name, is reported on Role.Arn as it is at
// preview when known there (one check for both phases), in the grant
// policy's role, so no policy and no config is written.
func TestRoleArnOutputNotARoleWithName(t *testing.T) {
	rejectsAtUpdate(t, func(ctx *pulumi.Context) error {
		q := newQueue(ctx, "jobs", nil)
		_, err := asyncroute.NewAsyncInvoke(ctx, "legacy", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("legacy"),
			OnFailure:    asyncroute.DefaultEventBus{},
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("billing"), Arn: q.Arn},
		})
		return err
	}, `asyncroute: AsyncInvoke "legacy": Role.Arn: "`+arnOf("sqs", "jobs")+`" is not an IAM role ARN; expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`, "legacy")
}
