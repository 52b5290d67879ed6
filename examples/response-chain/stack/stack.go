// Package stack is the program of the response-chain example.
//
//   - "ingest" is published with the alias "live", and its invoke config is
//     on that alias. On success only its response payload goes to
//     "enrich" (asyncroute.ResponseOnly): the config's destination is the
//     default event bus, and a rule matching ingest's results on
//     ...:function:ingest:live (not :$LATEST, which would never match)
//     invokes enrich with $.detail.responsePayload. On failure the
//     component creates an encrypted queue that keeps records 14 days
//     (asyncroute.NewQueue); so does enrich, which EventBridge invokes
//     asynchronously.
//   - "clicks" consumes a Kinesis stream through an event source mapping
//     whose failed batches go to a queue the mapping component creates,
//     after at most 3 retries with batch bisection and a one-hour maximum
//     record age. The role gets the stream's read actions and the queue's
//     sqs:SendMessage before the mapping exists.
package stack

import (
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

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

func python(handlerDir, handler string) lambda.FunctionArgs {
	return lambda.FunctionArgs{
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String(handler),
		Code:    pulumi.NewFileArchive(handlerDir),
	}
}

func program(ctx *pulumi.Context, handlerDir string) error {
	// EventBridge invokes enrich asynchronously, so it has failure
	// routing of its own.
	enrich, err := asyncroute.NewFunction(ctx, "enrich", &asyncroute.FunctionArgs{
		Function:   python(handlerDir, "app.enrich"),
		MaxRetries: pulumi.IntRef(1),
		OnFailure:  asyncroute.NewQueue{},
	})
	if err != nil {
		return err
	}
	ingest, err := asyncroute.NewFunction(ctx, "ingest", &asyncroute.FunctionArgs{
		Function:  python(handlerDir, "app.ingest"),
		Alias:     "live",
		OnSuccess: asyncroute.ResponseOnly{Function: enrich.Function},
		OnFailure: asyncroute.NewQueue{},
	})
	if err != nil {
		return err
	}

	// The mapping invokes "clicks" synchronously, so it has no invoke
	// config: a plain function with a plain role, which the mapping
	// component grants to.
	clicksRole, err := iam.NewRole(ctx, "clicks-role", &iam.RoleArgs{
		AssumeRolePolicy:  pulumi.String(lambdaTrust),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
	})
	if err != nil {
		return err
	}
	clicksArgs := python(handlerDir, "app.clicks")
	clicksArgs.Role = clicksRole.Arn
	clicks, err := lambda.NewFunction(ctx, "clicks", &clicksArgs)
	if err != nil {
		return err
	}
	hour := time.Hour
	mapping, err := asyncroute.NewEventSourceMapping(ctx, "clicks-stream", &asyncroute.EventSourceMappingArgs{
		Function:       clicks,
		Role:           &asyncroute.ExistingRole{Role: clicksRole},
		EventSourceArn: streamArn(ctx),
		Source:         asyncroute.SourceKinesis,
		Mapping: lambda.EventSourceMappingArgs{
			StartingPosition: pulumi.String("LATEST"),
			BatchSize:        pulumi.Int(100),
		},
		OnFailure:                  asyncroute.NewQueue{},
		MaxRetries:                 pulumi.IntRef(3),
		MaxRecordAge:               &hour,
		BisectBatchOnFunctionError: pulumi.BoolRef(true),
	})
	if err != nil {
		return err
	}

	ctx.Export("ingestFunction", ingest.FunctionName)
	ctx.Export("ingestQualifier", ingest.Qualifier)
	ctx.Export("ingestFailureQueueUrl", ingest.OnFailureCreated.Queue.Url)
	ctx.Export("enrichFailureQueueUrl", enrich.OnFailureCreated.Queue.Url)
	ctx.Export("responseRule", ingest.OnSuccessCreated.Rule.Name)
	ctx.Export("clicksFailureQueueUrl", mapping.OnFailureCreated.Queue.Url)
	ctx.Export("clicksMappingUuid", mapping.Uuid)
	return nil
}

// streamArn is the configured stream, or the stream "clicks" in the
// deploying account and region.
func streamArn(ctx *pulumi.Context) pulumi.StringInput {
	if arn := config.Get(ctx, "streamArn"); arn != "" {
		return pulumi.String(arn)
	}
	id := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{})
	region := aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{})
	part := aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{})
	return pulumi.Sprintf("arn:%s:kinesis:%s:%s:stream/clicks", part.Partition(), region.Name(), id.AccountId())
}
