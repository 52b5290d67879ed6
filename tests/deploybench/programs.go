// Package deploybench holds the programs of the deploy-time benchmark: the
// asyncroute construct against the same AWS resources written by hand,
// deployed with `pulumi up` by the real engine against the test-double
// provider (tests/fakeaws) with create latency on. cmd/deploybench runs
// one deployment; scripts/bench-deploy.sh runs the series and prints the
// medians. The engine tests (tests/engine) reuse the programs.
package deploybench

import (
	"encoding/json"
	"fmt"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Scenario sizes of the benchmark.
const (
	ChainLength = 6
	FanWidth    = 20
)

// ChainName is the component (or, raw, the function) name of step i
// (1-based) of the chain.
func ChainName(i int) string { return fmt.Sprintf("chain-%d", i) }

// FanName is the component (or, raw, the function) name of function i of
// the fan.
func FanName(i int) string { return fmt.Sprintf("fan-%d", i) }

func functionArgs(handlerDir string) lambda.FunctionArgs {
	return lambda.FunctionArgs{
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String("handler.handler"),
		Code:    pulumi.NewFileArchive(handlerDir),
	}
}

// Chain is n functions through the construct, function i's on-success
// destination function i+1, the last one's an SQS queue; declared from
// the end as people write it: the queue, then function n, n-1, ... 1.
func Chain(n int, handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, "chain-results", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		var next asyncroute.Destination = asyncroute.SQSQueue{Queue: queue}
		for i := n; i >= 1; i-- {
			fn, err := asyncroute.NewFunction(ctx, ChainName(i), &asyncroute.FunctionArgs{
				Function:  functionArgs(handlerDir),
				OnSuccess: next,
			})
			if err != nil {
				return err
			}
			next = asyncroute.LambdaFunction{Function: fn.Function}
		}
		return nil
	}
}

// ChainRaw is Chain written by hand (see rawFunction).
func ChainRaw(n int, handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, "chain-results", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		onSuccess := queue.Arn
		grants := func(success, _ string) []statement { return []statement{{"sqs:SendMessage", []string{success}}} }
		for i := n; i >= 1; i-- {
			fn, err := rawFunction(ctx, ChainName(i), handlerDir, rawRoutes{onSuccess: onSuccess, grants: grants})
			if err != nil {
				return err
			}
			onSuccess = fn.Arn
			grants = func(success, _ string) []statement {
				return []statement{{"lambda:InvokeFunction", []string{success, success + ":*"}}}
			}
		}
		return nil
	}
}

// Fan is n functions through the construct, each with its own SQS queue on
// success and SNS topic on failure declared just before it, and one retry.
func Fan(n int, handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := 1; i <= n; i++ {
			q, t, err := fanTargets(ctx, i)
			if err != nil {
				return err
			}
			if _, err := asyncroute.NewFunction(ctx, FanName(i), &asyncroute.FunctionArgs{
				Function:   functionArgs(handlerDir),
				OnSuccess:  asyncroute.SQSQueue{Queue: q},
				OnFailure:  asyncroute.SNSTopic{Topic: t},
				MaxRetries: pulumi.IntRef(1),
			}); err != nil {
				return err
			}
		}
		return nil
	}
}

// FanRaw is Fan written by hand (see rawFunction).
func FanRaw(n int, handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		retries := 1
		for i := 1; i <= n; i++ {
			q, t, err := fanTargets(ctx, i)
			if err != nil {
				return err
			}
			if _, err := rawFunction(ctx, FanName(i), handlerDir, rawRoutes{
				onSuccess: q.Arn, onFailure: t.Arn, hasFailure: true, retries: &retries,
				grants: func(success, failure string) []statement {
					return []statement{{"sns:Publish", []string{failure}}, {"sqs:SendMessage", []string{success}}}
				},
			}); err != nil {
				return err
			}
		}
		return nil
	}
}

func fanTargets(ctx *pulumi.Context, i int) (*sqs.Queue, *sns.Topic, error) {
	q, err := sqs.NewQueue(ctx, FanName(i)+"-ok", &sqs.QueueArgs{})
	if err != nil {
		return nil, nil, err
	}
	t, err := sns.NewTopic(ctx, FanName(i)+"-failed", &sns.TopicArgs{})
	return q, t, err
}

// statement is one Allow statement of a hand-written grant policy.
type statement struct {
	action    string
	resources []string
}

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`

func policyJSON(sts []statement) (string, error) {
	list := make([]map[string]any, len(sts))
	for i, st := range sts {
		list[i] = map[string]any{"Effect": "Allow", "Action": []string{st.action}, "Resource": st.resources}
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": list})
	return string(b), err
}

// rawRoutes are the targets of a hand-written function.
type rawRoutes struct {
	onSuccess  pulumi.StringOutput
	onFailure  pulumi.StringOutput // used when hasFailure
	hasFailure bool
	retries    *int
	// grants makes the policy statements from the targets' ARNs (failure
	// is "" without an on-failure target).
	grants func(success, failure string) []statement
}

// rawFunction writes by hand what a careful user writes without the
// library: an execution role (Lambda trust, AWSLambdaBasicExecutionRole),
// an inline policy with the statements r.grants makes, the function, and
// its invoke config on $LATEST depending on the policy.
func rawFunction(ctx *pulumi.Context, name, handlerDir string, r rawRoutes) (*lambda.Function, error) {
	var doc pulumi.StringOutput
	if r.hasFailure {
		doc = pulumi.All(r.onSuccess, r.onFailure).ApplyT(func(v []any) (string, error) {
			return policyJSON(r.grants(v[0].(string), v[1].(string)))
		}).(pulumi.StringOutput)
	} else {
		doc = r.onSuccess.ApplyT(func(s string) (string, error) { return policyJSON(r.grants(s, "")) }).(pulumi.StringOutput)
	}
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		AssumeRolePolicy:  pulumi.String(lambdaTrust),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
	})
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-async-grants", &iam.RolePolicyArgs{Role: role.Name, Policy: doc})
	if err != nil {
		return nil, err
	}
	args := functionArgs(handlerDir)
	args.Role = role.Arn
	fn, err := lambda.NewFunction(ctx, name, &args)
	if err != nil {
		return nil, err
	}
	dest := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
		OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: r.onSuccess},
	}
	if r.hasFailure {
		dest.OnFailure = &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: r.onFailure}
	}
	cfg := &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:      fn.Name,
		Qualifier:         pulumi.String("$LATEST"),
		DestinationConfig: dest,
	}
	if r.retries != nil {
		cfg.MaximumRetryAttempts = pulumi.Int(*r.retries)
	}
	_, err = lambda.NewFunctionEventInvokeConfig(ctx, name+"-async-config", cfg, pulumi.DependsOn([]pulumi.Resource{policy}))
	return fn, err
}
