// Package rulebook runs one table of misconfigurations through both doors:
// each mistake is written once with the components (package asyncroute),
// which must refuse it at preview, and once as raw pulumi-aws resources,
// which the policy layer (asyncpolicy.Check) must flag as mandatory, with
// the same words. Both doors read package lambdafacts, so a rule is written
// once.
package rulebook

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const acct = "123456789012"

// perimeter denies every principal outside account 999988887777.
const perimeter = `{"Version":"2012-10-17","Statement":[{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",` +
	`"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"999988887777"}}}]}`

// foreignAdmins is a key policy for another account's administrators only.
const foreignAdmins = `{"Version":"2012-10-17","Statement":[{"Sid":"Admins","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/key-admin"},"Action":"kms:*","Resource":"*"}]}`

const basicExecution = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

func arnOf(service, resource string) string {
	return "arn:aws:" + service + ":us-east-1:" + acct + ":" + resource
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A few resources both sides use, named the same way on both sides.

func queue(ctx *pulumi.Context, name string, fifo bool) *sqs.Queue {
	args := &sqs.QueueArgs{Name: pulumi.String(name)}
	if fifo {
		args.Name, args.FifoQueue = pulumi.String(name+".fifo"), pulumi.Bool(true)
	}
	return must(sqs.NewQueue(ctx, name, args))
}

func topic(ctx *pulumi.Context, name string, fifo bool) *sns.Topic {
	args := &sns.TopicArgs{Name: pulumi.String(name)}
	if fifo {
		args.Name, args.FifoTopic = pulumi.String(name+".fifo"), pulumi.Bool(true)
	}
	return must(sns.NewTopic(ctx, name, args))
}

func bucket(ctx *pulumi.Context, name string) *s3.BucketV2 {
	return must(s3.NewBucketV2(ctx, name, &s3.BucketV2Args{Bucket: pulumi.String(name)}))
}

func role(ctx *pulumi.Context, name string) *iam.Role {
	return must(iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(name),
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	}))
}

func code() pulumi.Archive {
	return pulumi.NewAssetArchive(map[string]interface{}{"index.py": pulumi.NewStringAsset("def handler(e, c): pass")})
}

func fnArgs(name string) lambda.FunctionArgs {
	return lambda.FunctionArgs{Name: pulumi.String(name), Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"), Code: code()}
}

// plainFn is a function outside the components, with its role.
func plainFn(ctx *pulumi.Context, name string, dlq pulumi.StringInput) *lambda.Function {
	args := fnArgs(name)
	args.Role = role(ctx, name+"-role").Arn
	if dlq != nil {
		args.DeadLetterConfig = &lambda.FunctionDeadLetterConfigArgs{TargetArn: dlq}
	}
	return must(lambda.NewFunction(ctx, name, &args))
}

// Construct side: components named "orders" (Function), "routing"
// (AsyncInvoke) and "stream" (EventSourceMapping).

func onSlot(ctx *pulumi.Context, slot string, d asyncroute.Destination) error {
	a := &asyncroute.FunctionArgs{Function: fnArgs("orders")}
	switch slot {
	case "success":
		a.OnSuccess = d
	case "failure":
		a.OnFailure = d
	case "dlq":
		a.DeadLetter = d
	}
	_, err := asyncroute.NewFunction(ctx, "orders", a)
	return err
}

// Raw side: the same mistake with plain resources; the config is
// "orders-config" on function "orders".

func rawConfig(ctx *pulumi.Context, fn pulumi.StringInput, onSuccess, onFailure pulumi.StringInput, mod func(*lambda.FunctionEventInvokeConfigArgs)) {
	args := &lambda.FunctionEventInvokeConfigArgs{FunctionName: fn}
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
	if mod != nil {
		mod(args)
	}
	must(lambda.NewFunctionEventInvokeConfig(ctx, "orders-config", args))
}

func rawSlot(ctx *pulumi.Context, slot string, target pulumi.StringInput) {
	if slot == "dlq" {
		plainFn(ctx, "orders", target)
		return
	}
	f := plainFn(ctx, "orders", nil)
	if slot == "success" {
		rawConfig(ctx, f.Name, target, nil, nil)
	} else {
		rawConfig(ctx, f.Name, nil, target, nil)
	}
}

func rawMapping(ctx *pulumi.Context, source string, onFailure pulumi.StringInput, mod func(*lambda.EventSourceMappingArgs)) {
	f := plainFn(ctx, "clicks", nil)
	args := &lambda.EventSourceMappingArgs{FunctionName: f.Name, EventSourceArn: pulumi.String(source), StartingPosition: pulumi.String("LATEST")}
	if onFailure != nil {
		args.DestinationConfig = &lambda.EventSourceMappingDestinationConfigArgs{OnFailure: &lambda.EventSourceMappingDestinationConfigOnFailureArgs{DestinationArn: onFailure}}
	}
	if mod != nil {
		mod(args)
	}
	must(lambda.NewEventSourceMapping(ctx, "stream", args))
}

func mapping(ctx *pulumi.Context, source string, onFailure asyncroute.Destination, mod func(*asyncroute.EventSourceMappingArgs)) error {
	f := plainFn(ctx, "clicks", nil)
	args := &asyncroute.EventSourceMappingArgs{Function: f, EventSourceArn: pulumi.String(source), SkipGrants: true, OnFailure: onFailure,
		Mapping: lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST")}}
	if mod != nil {
		mod(args)
	}
	_, err := asyncroute.NewEventSourceMapping(ctx, "stream", args)
	return err
}

type row struct {
	name      string
	construct func(ctx *pulumi.Context) error
	raw       func(ctx *pulumi.Context)
	// want is the problem both doors must state: one text, whose marks
	// (package internal/doors) each door writes in its user's words (a
	// duration as Go prints it for the components, in whole seconds for
	// the rules). The construct's error ends with its Go rendering; some
	// finding's message ends with its rules' rendering, unless prefix is
	// set (the part after it names each door's own resources).
	want   string
	prefix bool
}

const (
	fifo    = "is FIFO; allowed: a standard SQS queue or SNS topic (Lambda rejects FIFO destinations and dead-letter targets)"
	selfMsg = "is the function being configured; a function must not be its own destination"
	wildMsg = "so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource"
)

func rows() []row {
	literal := func(slot, arn string, want string) row {
		return row{
			construct: func(ctx *pulumi.Context) error {
				return onSlot(ctx, slot, asyncroute.ARN{Arn: pulumi.String(arn)})
			},
			raw:  func(ctx *pulumi.Context) { rawSlot(ctx, slot, pulumi.String(arn)) },
			want: want,
		}
	}
	named := func(name string, r row) row { r.name = name; return r }
	return []row{
		// A permissions boundary that does not allow the destination's
		// action (an AWS managed one, which both doors read from
		// iampolicy's table): the grant is useless.
		{name: "BoundaryBlocksTheGrant",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"),
					OnFailure:   asyncroute.SQSQueue{Queue: queue(ctx, "failures", false)},
					RoleOptions: &asyncroute.RoleOptions{PermissionsBoundary: pulumi.String(basicExecution)}})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				q := queue(ctx, "failures", false)
				args := fnArgs("orders")
				r := must(iam.NewRole(ctx, "orders-role", &iam.RoleArgs{Name: pulumi.String("orders-role"), PermissionsBoundary: pulumi.String(basicExecution),
					AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))
				must(iam.NewRolePolicy(ctx, "orders-grants", &iam.RolePolicyArgs{Role: r.Name,
					Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, q.Arn)}))
				args.Role = r.Arn
				f := must(lambda.NewFunction(ctx, "orders", &args))
				rawConfig(ctx, f.Name, nil, q.Arn, nil)
			},
			want:   "has permissions boundary AWS managed policy AWSLambdaBasicExecutionRole, which does not allow sqs:SendMessage on ",
			prefix: true},
		// A queue policy of the stack that denies the role (the
		// data-perimeter statement, by the role's account): no grant of
		// the role can make up for an explicit Deny. (At preview the
		// component does not know the new queue's ARN yet and names it
		// "<ARN of SQS queue "failures">"; the rest is the same words.)
		{name: "QueuePolicyDeniesTheRole",
			construct: func(ctx *pulumi.Context) error {
				q := must(sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{Name: pulumi.String("failures"), Policy: pulumi.String(perimeter)}))
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q}})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				q := must(sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{Name: pulumi.String("failures"), Policy: pulumi.String(perimeter)}))
				r := role(ctx, "orders-role")
				must(iam.NewRolePolicy(ctx, "orders-grants", &iam.RolePolicyArgs{Role: r.Name,
					Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, q.Arn)}))
				args := fnArgs("orders")
				args.Role = r.Arn
				f := must(lambda.NewFunction(ctx, "orders", &args))
				rawConfig(ctx, f.Name, nil, q.Arn, nil)
			},
			want:   `the policy of aws:sqs/queue:Queue "failures" denies sqs:SendMessage on `,
			prefix: true},
		// A customer-managed key whose key policy neither allows the role
		// nor delegates to IAM (another account's administrators only):
		// the role's kms: grant is useless.
		{name: "KeyPolicyWithoutRoleOrRoot",
			construct: func(ctx *pulumi.Context) error {
				key := must(kms.NewKey(ctx, "records-key", &kms.KeyArgs{Policy: pulumi.String(foreignAdmins)}))
				q := must(sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{Name: pulumi.String("failures"), KmsMasterKeyId: key.Arn}))
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q, Key: key}})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				key := must(kms.NewKey(ctx, "records-key", &kms.KeyArgs{Policy: pulumi.String(foreignAdmins)}))
				q := must(sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{Name: pulumi.String("failures"), KmsMasterKeyId: key.Arn}))
				r := role(ctx, "orders-role")
				must(iam.NewRolePolicy(ctx, "orders-grants", &iam.RolePolicyArgs{Role: r.Name,
					Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"},`+
						`{"Effect":"Allow","Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"%s"}]}`, q.Arn, key.Arn)}))
				args := fnArgs("orders")
				args.Role = r.Arn
				f := must(lambda.NewFunction(ctx, "orders", &args))
				rawConfig(ctx, f.Name, nil, q.Arn, nil)
			},
			want: `the key policy of aws:kms/key:Key "records-key" neither allows kms:GenerateDataKey to the role nor delegates to IAM (the account's root principal), ` +
				`and a key is usable only as its key policy allows, so the role's kms: grant is useless`,
			prefix: true},
		// AWS's limits (lambdafacts' quotas), through both doors.
		{name: "FunctionNameTooLong",
			construct: func(ctx *pulumi.Context) error {
				a := &asyncroute.FunctionArgs{Function: fnArgs(strings.Repeat("f", 65)), OnFailure: asyncroute.DefaultEventBus{}}
				_, err := asyncroute.NewFunction(ctx, "orders", a)
				return err
			},
			raw:  func(ctx *pulumi.Context) { plainFn(ctx, strings.Repeat("f", 65), nil) },
			want: `"` + strings.Repeat("f", 65) + `" has 65 characters; allowed: at most 64`},
		{name: "TagWithAWSPrefix",
			construct: func(ctx *pulumi.Context) error {
				a := &asyncroute.FunctionArgs{Function: fnArgs("orders"), OnFailure: asyncroute.DefaultEventBus{},
					Tags: pulumi.StringMap{"aws:team": pulumi.String("x")}}
				_, err := asyncroute.NewFunction(ctx, "orders", a)
				return err
			},
			raw: func(ctx *pulumi.Context) {
				args := fnArgs("orders")
				args.Role = role(ctx, "orders-role").Arn
				args.Tags = pulumi.StringMap{"aws:team": pulumi.String("x")}
				must(lambda.NewFunction(ctx, "orders", &args))
			},
			want: `tag "aws:team" has the prefix aws:, which AWS reserves; allowed: another key`},
		{name: "FIFOSourceBatchSize",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewEventSourceMapping(ctx, "clicks-mapping", &asyncroute.EventSourceMappingArgs{
					EventSourceArn: pulumi.String(arnOf("sqs", "jobs.fifo")), FunctionName: pulumi.String("clicks"),
					Role: &asyncroute.ExistingRole{Name: pulumi.String("clicks-role")}, Mapping: lambda.EventSourceMappingArgs{BatchSize: pulumi.Int(20)},
				})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("sqs", "jobs.fifo"), nil, func(a *lambda.EventSourceMappingArgs) {
					a.StartingPosition, a.BatchSize = nil, pulumi.Int(20)
				})
			},
			want: `20 is more than a FIFO queue allows; allowed: 1 to 10`},
		{name: "AsymmetricKey",
			construct: func(ctx *pulumi.Context) error {
				k := must(kms.NewKey(ctx, "signing", &kms.KeyArgs{CustomerMasterKeySpec: pulumi.String("RSA_2048")}))
				q := must(sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String("jobs"), KmsMasterKeyId: k.Arn}))
				return onSlot(ctx, "failure", asyncroute.SQSQueue{Queue: q, Key: k})
			},
			raw: func(ctx *pulumi.Context) {
				k := must(kms.NewKey(ctx, "signing", &kms.KeyArgs{CustomerMasterKeySpec: pulumi.String("RSA_2048")}))
				q := must(sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String("jobs"), KmsMasterKeyId: k.Arn}))
				rawSlot(ctx, "failure", q.Arn)
			},
			want: `SQS queue "jobs" is encrypted with a KMS key of spec RSA_2048; allowed: a symmetric key (SYMMETRIC_DEFAULT): SQS, SNS and Kinesis encrypt with symmetric keys only`},
		{name: "SharedRoleInlinePoliciesTooLarge", prefix: true,
			construct: func(ctx *pulumi.Context) error {
				for i := 0; i < 80; i++ {
					name := fmt.Sprintf("f%02d", i)
					if _, err := asyncroute.NewAsyncInvoke(ctx, name, &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(name),
						Role:      &asyncroute.ExistingRole{Name: pulumi.String("shared")},
						OnFailure: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failures-of-function-"+name))}}); err != nil {
						return err
					}
				}
				return nil
			},
			raw: func(ctx *pulumi.Context) {
				shared := role(ctx, "shared")
				for i := 0; i < 80; i++ {
					name := fmt.Sprintf("f%02d", i)
					must(iam.NewRolePolicy(ctx, name+"-grants", &iam.RolePolicyArgs{Role: shared.Name,
						Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":["` +
							arnOf("sqs", "failures-of-function-"+name) + `"]}]}`)}))
				}
			},
			want: `allowed: at most 10240 per role; give each function its own role (` + doors.Term(doors.RolePerFunction) + `)`},
		{name: "S3OnSuccess",
			construct: func(ctx *pulumi.Context) error {
				return onSlot(ctx, "success", asyncroute.S3Bucket{Bucket: bucket(ctx, "failures")})
			},
			raw:  func(ctx *pulumi.Context) { rawSlot(ctx, "success", bucket(ctx, "failures").Arn) },
			want: `S3 bucket "failures" can receive failure records only; allowed on success: SQS queue, SNS topic, Lambda function, EventBridge event bus`},
		{name: "FIFOQueue",
			construct: func(ctx *pulumi.Context) error {
				return onSlot(ctx, "failure", asyncroute.SQSQueue{Queue: queue(ctx, "jobs", true)})
			},
			raw:  func(ctx *pulumi.Context) { rawSlot(ctx, "failure", queue(ctx, "jobs", true).Arn) },
			want: `SQS queue "jobs" ` + fifo},
		{name: "FIFOTopicDeadLetter",
			construct: func(ctx *pulumi.Context) error {
				return onSlot(ctx, "dlq", asyncroute.SNSTopic{Topic: topic(ctx, "dead", true)})
			},
			raw:  func(ctx *pulumi.Context) { rawSlot(ctx, "dlq", topic(ctx, "dead", true).Arn) },
			want: `SNS topic "dead" ` + fifo},
		named("FIFOQueueARN", literal("failure", arnOf("sqs", "jobs.fifo"), `SQS queue "jobs.fifo" `+fifo)),
		{name: "SelfByResource",
			construct: func(ctx *pulumi.Context) error {
				f := plainFn(ctx, "existing", nil)
				_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{Function: f, SkipGrants: true, OnFailure: asyncroute.LambdaFunction{Function: f}})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				f := plainFn(ctx, "existing", nil)
				rawConfig(ctx, f.Name, nil, f.Arn, nil)
			},
			want: `Lambda function "existing" ` + selfMsg},
		{name: "SelfByARNOutsideTheStack",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("legacy"), SkipGrants: true,
					OnSuccess: asyncroute.ARN{Arn: pulumi.String(arnOf("lambda", "function:legacy"))}})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				// The stack's own resources say which account and region it
				// deploys to (here the legacy function's role): "legacy" is
				// that account's function, the one the ARN names.
				role(ctx, "legacy-role")
				rawConfig(ctx, pulumi.String("legacy"), pulumi.String(arnOf("lambda", "function:legacy")), nil, nil)
			},
			want: `Lambda function "legacy" ` + selfMsg},
		named("QueueURL", literal("failure", "https://sqs.us-east-1.amazonaws.com/"+acct+"/jobs",
			`"https://sqs.us-east-1.amazonaws.com/123456789012/jobs" is a URL, not an ARN; pass the ARN (`+doors.Term(doors.QueueArnNotURL)+`): arn:<partition>:sqs:<region>:<account>:<queue-name>`)),
		named("BareName", literal("failure", "jobs", `"jobs" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`)),
		named("MalformedARN", literal("failure", "arn:aws:sqs", `"arn:aws:sqs" is a malformed ARN; expected arn:<partition>:<service>:<region>:<account>:<resource>`)),
		named("AnotherService", literal("failure", arnOf("dynamodb", "table/t"), `"arn:aws:dynamodb:us-east-1:123456789012:table/t" is an ARN of service "dynamodb", which cannot be a destination; allowed services: events, lambda, s3, sns, sqs`)),
		named("RuleARNAsBus", literal("success", arnOf("events", "rule/r"), `"arn:aws:events:us-east-1:123456789012:rule/r" is not an EventBridge event bus ARN (a rule's?); expected arn:<partition>:events:<region>:<account>:event-bus/<name>`)),
		named("SubscriptionARN", literal("failure", arnOf("sns", "alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286"), `"arn:aws:sns:us-east-1:123456789012:alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286" is not an SNS topic ARN (a subscription's?); expected arn:<partition>:sns:<region>:<account>:<topic-name>`)),
		named("S3ObjectARN", literal("failure", "arn:aws:s3:::failures/key", `"arn:aws:s3:::failures/key" is not an S3 bucket ARN (an object's?); expected arn:<partition>:s3:::<bucket-name>`)),
		named("WildcardARN", literal("failure", arnOf("sqs", "*"), `"arn:aws:sqs:us-east-1:123456789012:*" has the wildcard "*", `+wildMsg)),
		named("NoRegion", literal("failure", "arn:aws:sqs::"+acct+":jobs", `"arn:aws:sqs::123456789012:jobs" has no region; allowed: the ARN of one resource, with its region and account: arn:aws:sqs:<region>:<account>:jobs`)),
		named("AnotherPartition", literal("failure", "arn:aws-cn:sqs:cn-north-1:"+acct+":jobs", `"arn:aws-cn:sqs:cn-north-1:123456789012:jobs" is in partition "aws-cn" but the function is in "aws"; Lambda cannot deliver across partitions; allowed: a target in partition "aws"`)),
		{name: "LambdaDeadLetter",
			construct: func(ctx *pulumi.Context) error {
				return onSlot(ctx, "dlq", asyncroute.LambdaFunction{Function: plainFn(ctx, "next", nil)})
			},
			raw:  func(ctx *pulumi.Context) { rawSlot(ctx, "dlq", plainFn(ctx, "next", nil).Arn) },
			want: `Lambda function "next" cannot be a dead-letter target; allowed: SQS queue, SNS topic`},
		{name: "BusDeadLetter",
			construct: func(ctx *pulumi.Context) error {
				return onSlot(ctx, "dlq", asyncroute.EventBus{Bus: must(cloudwatch.NewEventBus(ctx, "bus", &cloudwatch.EventBusArgs{Name: pulumi.String("bus")}))})
			},
			raw: func(ctx *pulumi.Context) {
				rawSlot(ctx, "dlq", must(cloudwatch.NewEventBus(ctx, "bus", &cloudwatch.EventBusArgs{Name: pulumi.String("bus")})).Arn)
			},
			want: `EventBridge event bus "bus" cannot be a dead-letter target; allowed: SQS queue, SNS topic`},
		{name: "Retries",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"), MaxRetries: pulumi.IntRef(3)})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				rawConfig(ctx, plainFn(ctx, "orders", nil).Name, nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) { a.MaximumRetryAttempts = pulumi.Int(3) })
			},
			want: `3 is out of range; allowed: 0, 1 or 2`},
		{name: "EventAge",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"), MaxEventAge: asyncroute.EventAge(59e9)})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				rawConfig(ctx, plainFn(ctx, "orders", nil).Name, nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) { a.MaximumEventAgeInSeconds = pulumi.Int(59) })
			},
			want: doors.Seconds(59*time.Second) + ` is out of range; allowed: ` + doors.SecondsRange(time.Minute, 6*time.Hour)},
		{name: "TwoConfigs",
			construct: func(ctx *pulumi.Context) error {
				must(asyncroute.NewAsyncInvoke(ctx, "first", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("legacy"), SkipGrants: true, MaxRetries: pulumi.IntRef(1)}))
				_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("legacy"), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				must(lambda.NewFunctionEventInvokeConfig(ctx, "a-config", &lambda.FunctionEventInvokeConfigArgs{FunctionName: pulumi.String("legacy"), MaximumRetryAttempts: pulumi.Int(1)}))
				must(lambda.NewFunctionEventInvokeConfig(ctx, "b-config", &lambda.FunctionEventInvokeConfigArgs{FunctionName: pulumi.String("legacy"), MaximumRetryAttempts: pulumi.Int(0)}))
			},
			want: `function "legacy" already has an async invoke config for qualifier "$LATEST" from `, prefix: true},
		{name: "QualifierMismatch",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(arnOf("lambda", "function:legacy:live")),
					Qualifier: pulumi.String("prod"), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				rawConfig(ctx, pulumi.String(arnOf("lambda", "function:legacy:live")), nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) {
					a.Qualifier, a.MaximumRetryAttempts = pulumi.String("prod"), pulumi.Int(0)
				})
			},
			want: `the function reference carries qualifier "live" but the qualifier is "prod"; allowed: the same qualifier in both, or one of them`},
		{name: "VersionZero",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("legacy"), Qualifier: pulumi.String("0"), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				rawConfig(ctx, pulumi.String("legacy"), nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) {
					a.Qualifier, a.MaximumRetryAttempts = pulumi.String("0"), pulumi.Int(0)
				})
			},
			want: `"0" is not a version: versions start at 1; allowed: $LATEST, a version number from 1 or an alias name`},
		{name: "MappingOfQueueWithOnFailure",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("sqs", "clicks"), asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failures"))}, nil)
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("sqs", "clicks"), pulumi.String(arnOf("sqs", "failures")), nil)
			},
			want: `an event source mapping of an SQS queue has no on-failure destination; allowed: leave it empty and give the source queue a dead-letter queue (its RedrivePolicy)`},
		{name: "MappingToAFunction",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("kinesis", "stream/clicks"), asyncroute.LambdaFunction{Function: plainFn(ctx, "next", nil)}, nil)
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("kinesis", "stream/clicks"), plainFn(ctx, "next", nil).Arn, nil)
			},
			want: `Lambda function "next" cannot receive an event source mapping's failure records; allowed: SQS queue, SNS topic, S3 bucket`},
		{name: "MappingToABus",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("kinesis", "stream/clicks"), asyncroute.ARN{Arn: pulumi.String(arnOf("events", "event-bus/default"))}, nil)
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("kinesis", "stream/clicks"), pulumi.String(arnOf("events", "event-bus/default")), nil)
			},
			want: `EventBridge event bus arn:aws:events:us-east-1:123456789012:event-bus/default cannot receive an event source mapping's failure records; allowed: SQS queue, SNS topic, S3 bucket`},
		{name: "KafkaTopicOnAStream",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("kinesis", "stream/clicks"), asyncroute.KafkaTopic{Topic: "dlq"}, nil)
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("kinesis", "stream/clicks"), pulumi.String("kafka://dlq"), nil)
			},
			want: `Kafka topic "dlq" can receive failure records of a Kafka source only, and this mapping reads a Kinesis stream; allowed: SQS queue, SNS topic, S3 bucket`},
		{name: "MappingFIFOQueue",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("kinesis", "stream/clicks"), asyncroute.SQSQueue{Queue: queue(ctx, "failures", true)}, nil)
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("kinesis", "stream/clicks"), queue(ctx, "failures", true).Arn, nil)
			},
			want: `SQS queue "failures" ` + fifo},
		{name: "MappingRetries",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("kinesis", "stream/clicks"), nil, func(a *asyncroute.EventSourceMappingArgs) { a.MaxRetries = pulumi.IntRef(10001) })
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("kinesis", "stream/clicks"), nil, func(a *lambda.EventSourceMappingArgs) { a.MaximumRetryAttempts = pulumi.Int(10001) })
			},
			want: `10001 is out of range; allowed: ` + doors.Term(doors.RetryForever) + ` or 0 to 10000`},
		{name: "MappingRecordAge",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, arnOf("kinesis", "stream/clicks"), nil, func(a *asyncroute.EventSourceMappingArgs) { a.MaxRecordAge = asyncroute.EventAge(59e9) })
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, arnOf("kinesis", "stream/clicks"), nil, func(a *lambda.EventSourceMappingArgs) { a.MaximumRecordAgeInSeconds = pulumi.Int(59) })
			},
			want: doors.Seconds(59*time.Second) + ` is out of range; allowed: ` + doors.Term(doors.RecordAgeForever) + ` or ` + doors.SecondsRange(time.Minute, 7*24*time.Hour)},
		// Loops: on-success routes back to where they start.
		{name: "SuccessLoop",
			construct: func(ctx *pulumi.Context) error {
				for _, c := range [][3]string{{"first", "b", "a"}, {"routing", "a", "b"}} {
					_, err := asyncroute.NewAsyncInvoke(ctx, c[0], &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(c[1]), SkipGrants: true,
						OnSuccess: asyncroute.ARN{Arn: pulumi.String(arnOf("lambda", "function:"+c[2]))}})
					if err != nil {
						return err
					}
				}
				return nil
			},
			raw: func(ctx *pulumi.Context) {
				a, b := plainFn(ctx, "a", nil), plainFn(ctx, "b", nil)
				for _, c := range []struct {
					name     string
					fn, next *lambda.Function
				}{{"a-config", a, b}, {"b-config", b, a}} {
					must(lambda.NewFunctionEventInvokeConfig(ctx, c.name, &lambda.FunctionEventInvokeConfigArgs{FunctionName: c.fn.Name,
						DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
							OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: c.next.Arn}}}))
				}
			},
			want: `closes a loop of on-success routes (a -(on success)-> b -(on success)-> a): each success invokes the loop again for as long as its functions succeed, ` +
				`and Lambda's recursive loop detection does not follow destinations or EventBridge rules; ` +
				`allowed: on-success routes that end (remove one route of the loop, or send it to a queue, topic or bus no function of the loop reads)`},
		// Places: a function's role is of its account and partition; an
		// SQS source is in its function's region.
		{name: "RoleOfAnotherAccount",
			construct: func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"),
					Role: &asyncroute.ExistingRole{Arn: pulumi.String("arn:aws:iam::210987654321:role/orders")}, OnFailure: asyncroute.DefaultEventBus{}})
				return err
			},
			raw: func(ctx *pulumi.Context) {
				a := fnArgs("orders")
				a.Role = pulumi.String("arn:aws:iam::210987654321:role/orders")
				must(lambda.NewFunction(ctx, "orders", &a))
			},
			want: `"arn:aws:iam::210987654321:role/orders" is a role of account 210987654321, but the function is created in account 123456789012; ` +
				`allowed: a role of account 123456789012 (Lambda takes the execution role with iam:PassRole, and a role cannot be passed to another account)`},
		{name: "SQSSourceInAnotherRegion",
			construct: func(ctx *pulumi.Context) error {
				return mapping(ctx, "arn:aws:sqs:eu-west-1:123456789012:jobs", nil, nil)
			},
			raw: func(ctx *pulumi.Context) {
				rawMapping(ctx, "arn:aws:sqs:eu-west-1:123456789012:jobs", nil, nil)
			},
			want: `the SQS queue "arn:aws:sqs:eu-west-1:123456789012:jobs" is in region eu-west-1, but the function it feeds is in us-east-1; ` +
				`allowed: a queue in us-east-1 (an SQS event source must be in its function's region)`},
	}
}

// constructProblems runs the construct side in a preview and returns the
// problems it reported (the component's and the program's).
func constructProblems(t *testing.T, build func(ctx *pulumi.Context) error) []string {
	t.Helper()
	var call error
	_, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		call = build(ctx)
		return nil
	}, asyncroutetest.Preview())
	var out []string
	for _, e := range append(asyncroute.InputErrors(call), asyncroute.InputErrors(err)...) {
		out = append(out, e.Problem)
	}
	if len(out) == 0 && err != nil {
		out = append(out, err.Error())
	}
	return out
}

func TestOneRulebookTwoDoors(t *testing.T) {
	for _, r := range rows() {
		t.Run(r.name, func(t *testing.T) {
			problems := constructProblems(t, r.construct)
			want := doors.Go.Render(r.want)
			matches := func(s string) bool {
				if r.prefix {
					return strings.Contains(s, want)
				}
				return strings.HasSuffix(s, want)
			}
			found := false
			for _, p := range problems {
				found = found || matches(p)
			}
			require.True(t, found, "the components must refuse it with\n  %s\ngot\n  %s", want, strings.Join(problems, "\n  "))

			st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error { r.raw(ctx); return nil })
			require.NoError(t, err)
			var got []string
			found = false
			want = doors.Raw.Render(r.want)
			for _, f := range asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}) {
				got = append(got, fmt.Sprintf("%s [%s] %s", f.RuleID, f.Level, f.Message))
				if f.Level == asyncpolicy.Mandatory && matches(f.Message) {
					found = true
				}
			}
			require.True(t, found, "the policy layer must flag it (mandatory) with\n  %s\ngot\n  %s", want, strings.Join(got, "\n  "))
		})
	}
}

// TestAlarmTopicTwoDoors: a topic encrypted with alias/aws/sns cannot
// receive CloudWatch's alarm notifications. The components refuse it as
// Alarms.Notify; the rules flag a raw alarm notifying it (ASYNC007, which
// is advisory, so it is not a row of the table above), with the same
// words.
func TestAlarmTopicTwoDoors(t *testing.T) {
	const want = `SNS topic "on-call" is encrypted with the AWS-managed key alias/aws/sns, so CloudWatch cannot publish alarm notifications to it ` +
		`(an AWS-managed key's policy cannot be changed to let cloudwatch.amazonaws.com use it); ` +
		`allowed: an unencrypted topic, or one encrypted with a customer-managed key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt`
	onCall := func(ctx *pulumi.Context) *sns.Topic {
		return must(sns.NewTopic(ctx, "on-call", &sns.TopicArgs{Name: pulumi.String("on-call"), KmsMasterKeyId: pulumi.String("alias/aws/sns")}))
	}
	problems := constructProblems(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: fnArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: queue(ctx, "failures", false)}, Alarms: &asyncroute.Alarms{Notify: onCall(ctx)}})
		return err
	})
	require.Equal(t, []string{want}, problems)

	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		f := plainFn(ctx, "orders", nil)
		rawConfig(ctx, f.Name, nil, queue(ctx, "failures", false).Arn, nil)
		must(cloudwatch.NewMetricAlarm(ctx, "orders-delivery", &cloudwatch.MetricAlarmArgs{Namespace: pulumi.String("AWS/Lambda"),
			MetricName: pulumi.String("DestinationDeliveryFailures"), Dimensions: pulumi.StringMap{"FunctionName": f.Name},
			Statistic: pulumi.String("Sum"), Period: pulumi.Int(60), EvaluationPeriods: pulumi.Int(1), Threshold: pulumi.Float64(0),
			ComparisonOperator: pulumi.String("GreaterThanThreshold"), AlarmActions: pulumi.Array{onCall(ctx).Arn}}))
		return nil
	})
	require.NoError(t, err)
	var got []string
	for _, f := range asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}) {
		if f.RuleID == asyncpolicy.RuleDeliveryAlarm {
			got = append(got, f.Message)
		}
	}
	require.Len(t, got, 1, "the alarm watches the config: only its topic is reported")
	require.True(t, strings.HasSuffix(got[0], want), got[0])
}
