// Package bench measures the cost of the asyncroute construct against the
// same resources registered raw, under the recording mocks (the offline
// plan's engine). See BENCHMARKS.md at the repository root.
package bench

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

func functionArgs() lambda.FunctionArgs {
	return lambda.FunctionArgs{
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String("app.handler"),
		Code:    pulumi.NewFileArchive("./handler"),
	}
}

func destinations(ctx *pulumi.Context, i int) (*sqs.Queue, *sns.Topic, error) {
	q, err := sqs.NewQueue(ctx, fmt.Sprintf("ok-%d", i), &sqs.QueueArgs{})
	if err != nil {
		return nil, nil, err
	}
	t, err := sns.NewTopic(ctx, fmt.Sprintf("failed-%d", i), &sns.TopicArgs{})
	return q, t, err
}

// Construct registers n functions through asyncroute.NewFunction, each with
// an SQS queue on success and an SNS topic on failure.
func Construct(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := 0; i < n; i++ {
			q, t, err := destinations(ctx, i)
			if err != nil {
				return err
			}
			if _, err := asyncroute.NewFunction(ctx, fmt.Sprintf("fn-%d", i), &asyncroute.FunctionArgs{
				Function:   functionArgs(),
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

// ConstructDestinationsFirst registers the same stack as Construct, but all
// queues and topics before the first function, as programs that declare
// their shared infrastructure first do. The construct then rarely waits for
// a destination's registration.
func ConstructDestinationsFirst(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queues := make([]*sqs.Queue, n)
		topics := make([]*sns.Topic, n)
		for i := 0; i < n; i++ {
			var err error
			if queues[i], topics[i], err = destinations(ctx, i); err != nil {
				return err
			}
		}
		for i := 0; i < n; i++ {
			if _, err := asyncroute.NewFunction(ctx, fmt.Sprintf("fn-%d", i), &asyncroute.FunctionArgs{
				Function:   functionArgs(),
				OnSuccess:  asyncroute.SQSQueue{Queue: queues[i]},
				OnFailure:  asyncroute.SNSTopic{Topic: topics[i]},
				MaxRetries: pulumi.IntRef(1),
			}); err != nil {
				return err
			}
		}
		return nil
	}
}

// Raw registers the same resources as Construct without the library: role,
// inline policy, function and invoke config, written by hand.
func Raw(n int) pulumi.RunFunc {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`
	return func(ctx *pulumi.Context) error {
		for i := 0; i < n; i++ {
			q, t, err := destinations(ctx, i)
			if err != nil {
				return err
			}
			name := fmt.Sprintf("fn-%d", i)
			role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
				AssumeRolePolicy:  pulumi.String(trust),
				ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
			})
			if err != nil {
				return err
			}
			doc := pulumi.All(q.Arn, t.Arn).ApplyT(func(v []any) (string, error) {
				b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{
					{"Effect": "Allow", "Action": []string{"sns:Publish"}, "Resource": []string{v[1].(string)}},
					{"Effect": "Allow", "Action": []string{"sqs:SendMessage"}, "Resource": []string{v[0].(string)}},
				}})
				return string(b), err
			}).(pulumi.StringOutput)
			policy, err := iam.NewRolePolicy(ctx, name+"-async-grants", &iam.RolePolicyArgs{Role: role.Name, Policy: doc})
			if err != nil {
				return err
			}
			args := functionArgs()
			args.Role = role.Arn
			fn, err := lambda.NewFunction(ctx, name, &args)
			if err != nil {
				return err
			}
			if _, err := lambda.NewFunctionEventInvokeConfig(ctx, name+"-async-config", &lambda.FunctionEventInvokeConfigArgs{
				FunctionName:         fn.Name,
				Qualifier:            pulumi.String("$LATEST"),
				MaximumRetryAttempts: pulumi.Int(1),
				DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
					OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: q.Arn},
					OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: t.Arn},
				},
			}, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
				return err
			}
		}
		return nil
	}
}
