package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// boundedStack: function orders sends its failures to a queue its role is
// granted, and the role is bounded by what boundary returns.
func boundedStack(boundary func(s stack) pulumi.StringInput) func(s stack) {
	return func(s stack) {
		r := must(iam.NewRole(s.ctx, "orders-role", &iam.RoleArgs{
			Name: pulumi.String("orders-role"), AssumeRolePolicy: pulumi.String(trustPolicy),
			ManagedPolicyArns:   pulumi.StringArray{pulumi.String(basicExec)},
			PermissionsBoundary: boundary(s),
		}))
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
		granted(s, r, q)
	}
}

func boundaryPolicy(s stack, name, document string) pulumi.StringInput {
	return must(iam.NewPolicy(s.ctx, name, &iam.PolicyArgs{Name: pulumi.String(name), Policy: pulumi.String(document)})).Arn
}

// A role's grants count only within its permissions boundary: a boundary
// of the stack, or an AWS managed one from the table, that does not allow
// the destination's action is ASYNC001; one that allows it, or one outside
// the stack, is not.
func TestBoundaryBlocksTheGrant(t *testing.T) {
	const basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	const logsOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`
	head := `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig.onFailure.destination: ` +
		`the on-failure destination is SQS queue "failures" (` + arnPrefix + `failures), but execution role aws:iam/role:Role "orders-role" of function "orders" `
	for name, c := range map[string]struct {
		boundary func(s stack) pulumi.StringInput
		want     string
	}{
		"AWS managed, logs only": {func(stack) pulumi.StringInput { return pulumi.String(basic) },
			head + `has permissions boundary AWS managed policy AWSLambdaBasicExecutionRole, which does not allow sqs:SendMessage on ` + arnPrefix + `failures ` +
				`(a role may do only what both its policies and its permissions boundary allow), so Lambda rejects the configuration. ` +
				`Fix: allow sqs:SendMessage on ` + arnPrefix + `failures in the permissions boundary AWS managed policy AWSLambdaBasicExecutionRole, or bound the role with a policy that allows it.`},
		"in the stack, logs only": {func(s stack) pulumi.StringInput { return boundaryPolicy(s, "org-boundary", logsOnly) },
			head + `has permissions boundary aws:iam/policy:Policy "org-boundary", which does not allow sqs:SendMessage on ` + arnPrefix + `failures ` +
				`(a role may do only what both its policies and its permissions boundary allow), so Lambda rejects the configuration. ` +
				`Fix: allow sqs:SendMessage on ` + arnPrefix + `failures in the permissions boundary aws:iam/policy:Policy "org-boundary", or bound the role with a policy that allows it.`},
		"in the stack, denies": {func(s stack) pulumi.StringInput {
			return boundaryPolicy(s, "org-boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoQueues","Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`)
		}, head + `has permissions boundary aws:iam/policy:Policy "org-boundary", which denies sqs:SendMessage on ` + arnPrefix + `failures ` +
			`(a role may do only what both its policies and its permissions boundary allow), so Lambda rejects the configuration. ` +
			`Fix: remove the Deny of sqs:SendMessage on ` + arnPrefix + `failures from the permissions boundary aws:iam/policy:Policy "org-boundary".`},
		"in the stack, allows the destinations": {func(s stack) pulumi.StringInput {
			return boundaryPolicy(s, "org-boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*","sqs:SendMessage","sns:Publish"],"Resource":"*"}]}`)
		}, ""},
		"AWS managed, allows": {func(stack) pulumi.StringInput { return pulumi.String("arn:aws:iam::aws:policy/PowerUserAccess") }, ""},
		"outside the stack":   {func(stack) pulumi.StringInput { return pulumi.String("arn:aws:iam::" + acct + ":policy/org-boundary") }, ""},
	} {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			fs := of(findings(t, boundedStack(c.boundary), opts...), asyncpolicy.RuleDestinationPermission)
			if c.want == "" || preview {
				// At preview the queue's ARN is not known: nothing is said.
				assert.Empty(t, fs, "%s (preview %v): %s", name, preview, dump(fs))
				continue
			}
			require.Len(t, fs, 1, "%s: %s", name, dump(fs))
			assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
			assert.Equal(t, c.want, fs[0].Message, name)
		}
	}
}
