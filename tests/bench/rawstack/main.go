// Command rawstack is the root stack written without asyncroute: the same
// queue, topic, role, inline policy, function and invoke config, registered
// by hand. It exists to compare cold build times (scripts/bench-build.sh).
package main

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		q, err := sqs.NewQueue(ctx, "orders-processed", &sqs.QueueArgs{SqsManagedSseEnabled: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		t, err := sns.NewTopic(ctx, "orders-failed", &sns.TopicArgs{KmsMasterKeyId: pulumi.String("alias/aws/sns")})
		if err != nil {
			return err
		}
		if email := cfg.Get("alertEmail"); email != "" {
			if _, err := sns.NewTopicSubscription(ctx, "orders-failed-email", &sns.TopicSubscriptionArgs{
				Topic: t.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(email),
			}); err != nil {
				return err
			}
		}
		role, err := iam.NewRole(ctx, "order-processor-role", &iam.RoleArgs{
			AssumeRolePolicy:  pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
		})
		if err != nil {
			return err
		}
		doc := pulumi.All(q.Arn, t.Arn).ApplyT(func(v []any) (string, error) {
			b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{
				{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": v[0]},
				{"Effect": "Allow", "Action": "sns:Publish", "Resource": v[1]},
			}})
			return string(b), err
		}).(pulumi.StringOutput)
		policy, err := iam.NewRolePolicy(ctx, "order-processor-grants", &iam.RolePolicyArgs{Role: role.Name, Policy: doc})
		if err != nil {
			return err
		}
		fn, err := lambda.NewFunction(ctx, "order-processor", &lambda.FunctionArgs{
			Runtime: pulumi.String("python3.12"), Handler: pulumi.String("handler.handler"),
			Code: pulumi.NewFileArchive("./handler"), Role: role.Arn,
		})
		if err != nil {
			return err
		}
		_, err = lambda.NewFunctionEventInvokeConfig(ctx, "order-processor-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: fn.Name, MaximumRetryAttempts: pulumi.Int(1), MaximumEventAgeInSeconds: pulumi.Int(3600),
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: q.Arn},
				OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: t.Arn},
			},
		}, pulumi.DependsOn([]pulumi.Resource{policy}))
		return err
	})
}
