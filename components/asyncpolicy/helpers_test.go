package asyncpolicy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// ARNs the mock assigns to resources with explicit names.
const (
	acct      = "123456789012"
	arnPrefix = "arn:aws:sqs:us-east-1:" + acct + ":"
	snsPrefix = "arn:aws:sns:us-east-1:" + acct + ":"
	fnPrefix  = "arn:aws:lambda:us-east-1:" + acct + ":function:"
	roleARN   = "arn:aws:iam::" + acct + ":role/"
	basicExec = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// stack builds raw pulumi-aws resources with explicit physical names, so
// that ARNs in messages are readable.
type stack struct{ ctx *pulumi.Context }

const trustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func (s stack) role(name string, managed ...string) *iam.Role {
	arns := pulumi.StringArray{pulumi.String(basicExec)}
	for _, m := range managed {
		arns = append(arns, pulumi.String(m))
	}
	return must(iam.NewRole(s.ctx, name, &iam.RoleArgs{
		Name:              pulumi.String(name),
		AssumeRolePolicy:  pulumi.String(trustPolicy),
		ManagedPolicyArns: arns,
	}))
}

func (s stack) fn(name string, role *iam.Role, dlq pulumi.StringInput) *lambda.Function {
	return s.fnRole(name, role.Arn, dlq)
}

// fnRole creates a function whose role is given by ARN.
func (s stack) fnRole(name string, roleArn, dlq pulumi.StringInput) *lambda.Function {
	args := &lambda.FunctionArgs{
		Name:    pulumi.String(name),
		Role:    roleArn,
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String("index.handler"),
		Code:    pulumi.NewAssetArchive(map[string]interface{}{"index.py": pulumi.NewStringAsset("def handler(e, c): pass")}),
	}
	if dlq != nil {
		args.DeadLetterConfig = &lambda.FunctionDeadLetterConfigArgs{TargetArn: dlq}
	}
	return must(lambda.NewFunction(s.ctx, name, args))
}

func (s stack) queue(name string, args *sqs.QueueArgs) *sqs.Queue {
	if args == nil {
		args = &sqs.QueueArgs{}
	}
	args.Name = pulumi.String(name)
	return must(sqs.NewQueue(s.ctx, name, args))
}

func (s stack) topic(name string, args *sns.TopicArgs) *sns.Topic {
	if args == nil {
		args = &sns.TopicArgs{}
	}
	args.Name = pulumi.String(name)
	return must(sns.NewTopic(s.ctx, name, args))
}

func (s stack) grant(name string, role *iam.Role, policy pulumi.StringInput) *iam.RolePolicy {
	return must(iam.NewRolePolicy(s.ctx, name, &iam.RolePolicyArgs{Name: pulumi.String(name), Role: role.Name, Policy: policy}))
}

// config creates an invoke config; empty destinations are left out.
func (s stack) config(name string, f *lambda.Function, onSuccess, onFailure pulumi.StringInput, opts ...func(*lambda.FunctionEventInvokeConfigArgs)) *lambda.FunctionEventInvokeConfig {
	args := &lambda.FunctionEventInvokeConfigArgs{FunctionName: f.Name}
	if onSuccess != nil || onFailure != nil {
		dc := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{}
		if onSuccess != nil {
			dc.OnSuccess = &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: onSuccess}
		}
		if onFailure != nil {
			dc.OnFailure = &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: onFailure}
		}
		args.DestinationConfig = dc
	}
	for _, o := range opts {
		o(args)
	}
	return must(lambda.NewFunctionEventInvokeConfig(s.ctx, name, args))
}

// raw registers a resource of a type whose SDK package the tests do not
// import (API Gateway, load balancers).
func (s stack) raw(typ, name string, props pulumi.Map) {
	var r pulumi.CustomResourceState
	must(0, s.ctx.RegisterResource(typ, name, props, &r))
}

// stmt renders one policy statement; resources may be outputs.
func stmt(effect, action string, resources ...pulumi.StringInput) pulumi.StringOutput {
	parts := make([]any, len(resources))
	format := make([]string, len(resources))
	for i, r := range resources {
		parts[i] = r
		format[i] = "%q"
	}
	return pulumi.Sprintf(`{"Effect":%q,"Action":%q,"Resource":[`+strings.Join(format, ",")+`]}`, append([]any{effect, action}, parts...)...)
}

// doc renders a policy document of statements.
func doc(stmts ...pulumi.StringOutput) pulumi.StringOutput {
	parts := make([]any, len(stmts))
	format := make([]string, len(stmts))
	for i, s := range stmts {
		parts[i] = s
		format[i] = "%s"
	}
	return pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[`+strings.Join(format, ",")+`]}`, parts...)
}

// findings runs program under the recording mocks and checks it with
// every rule but ASYNC007: the other rules' tests use raw stacks without
// alarms, on which ASYNC007 would add its advisory to every config with
// destinations; its own tests (rule_alarms_test.go) turn it on.
func findings(t *testing.T, program func(s stack), opts ...asyncroutetest.Option) []asyncpolicy.Finding {
	t.Helper()
	return findingsWith(t, asyncpolicy.Config{Levels: map[string]asyncpolicy.Level{asyncpolicy.RuleDeliveryAlarm: asyncpolicy.Disabled}}, program, opts...)
}

func findingsWith(t *testing.T, cfg asyncpolicy.Config, program func(s stack), opts ...asyncroutetest.Option) []asyncpolicy.Finding {
	t.Helper()
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		program(stack{ctx})
		return nil
	}, opts...)
	require.NoError(t, err)
	return asyncpolicy.Check(asyncpolicy.FromStack(st), cfg)
}

// of keeps the findings of one rule.
func of(fs []asyncpolicy.Finding, rule string) []asyncpolicy.Finding {
	var out []asyncpolicy.Finding
	for _, f := range fs {
		if f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

func messages(fs []asyncpolicy.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Message
	}
	return out
}

func dump(fs []asyncpolicy.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s %s %s\n  %s\n", f.RuleID, f.Level, f.Type+"/"+f.Name, f.Field, f.Message)
	}
	return b.String()
}
