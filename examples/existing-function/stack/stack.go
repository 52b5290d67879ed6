// Package stack is the program of the existing-function example:
// asynchronous routing for functions whose roles are not ours.
//
//   - A function deployed outside this stack (by name, with its role's
//     name) gets an on-failure queue encrypted with a customer-managed KMS
//     key: NewAsyncInvoke attaches the invoke config and grants
//     sqs:SendMessage plus kms:GenerateDataKey*/kms:Decrypt to its role.
//   - A new function runs with a role the platform team provides and sends
//     failed events to a KMS-encrypted dead-letter queue.
package stack

import (
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// DefaultHandlerDir is the handler's folder relative to the example's
// project folder, where `pulumi up` and `go run . plan` run.
const DefaultHandlerDir = "./handler"

// Program is the example's stack, reading the handler from
// [DefaultHandlerDir].
func Program(ctx *pulumi.Context) error { return NewProgram(DefaultHandlerDir)(ctx) }

// NewProgram returns the example's program with the handler code read from
// handlerDir (tests that do not run in the project folder pass an absolute
// path).
func NewProgram(handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error { return program(ctx, handlerDir) }
}

func program(ctx *pulumi.Context, handlerDir string) error {
	cfg := config.New(ctx, "")
	fnName := cfg.Get("existingFunctionName")
	if fnName == "" {
		fnName = "legacy-billing"
	}
	roleName := cfg.Get("existingRoleName")
	if roleName == "" {
		roleName = "legacy-billing-role"
	}

	key, err := kms.NewKey(ctx, "failures-key", &kms.KeyArgs{
		Description:       pulumi.String("Encrypts the failure queues"),
		EnableKeyRotation: pulumi.Bool(true),
	})
	if err != nil {
		return err
	}
	failures, err := sqs.NewQueue(ctx, "billing-failures", &sqs.QueueArgs{
		KmsMasterKeyId:          key.Arn,
		MessageRetentionSeconds: pulumi.Int(14 * 24 * 3600),
	})
	if err != nil {
		return err
	}

	// 1. A function that exists already.
	age := 2 * time.Hour
	if _, err := asyncroute.NewAsyncInvoke(ctx, "legacy-billing", &asyncroute.AsyncInvokeArgs{
		FunctionName: pulumi.String(fnName),
		Role:         &asyncroute.ExistingRole{Name: pulumi.String(roleName)},
		OnFailure:    asyncroute.SQSQueue{Queue: failures, Key: key},
		MaxRetries:   pulumi.IntRef(1),
		MaxEventAge:  &age,
	}); err != nil {
		return err
	}

	// 2. A new function with a role provided by the platform team.
	platformRole, err := iam.NewRole(ctx, "platform-exporter-role", &iam.RoleArgs{
		AssumeRolePolicy:  pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
	})
	if err != nil {
		return err
	}
	dlq, err := sqs.NewQueue(ctx, "exporter-dlq", &sqs.QueueArgs{
		KmsMasterKeyId:          key.KeyId,
		MessageRetentionSeconds: pulumi.Int(14 * 24 * 3600),
	})
	if err != nil {
		return err
	}
	exporter, err := asyncroute.NewFunction(ctx, "invoice-exporter", &asyncroute.FunctionArgs{
		Function: lambda.FunctionArgs{
			Runtime: pulumi.String("python3.12"),
			Handler: pulumi.String("app.handler"),
			Code:    pulumi.NewFileArchive(handlerDir),
		},
		Role:       &asyncroute.ExistingRole{Role: platformRole},
		DeadLetter: asyncroute.SQSQueue{Queue: dlq},
		MaxRetries: pulumi.IntRef(2),
	})
	if err != nil {
		return err
	}

	ctx.Export("exporterFunction", exporter.FunctionName)
	ctx.Export("failureQueueUrl", failures.Url)
	ctx.Export("deadLetterQueueUrl", dlq.Url)
	return nil
}
