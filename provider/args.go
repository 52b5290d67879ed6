package provider

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The types of this file are the components' arguments as the schema
// describes them and as Construct decodes them (pulumi tags are the
// schema's property names; ",optional" marks the properties a program may
// leave out). The schema is derived from them by reflection (schema.go),
// so they cannot drift apart. Fields typed pulumi.XInput take values known
// only at deploy time; the others are plain: they decide which resources
// exist, so they must be known while the program runs, as in Go.

// Whole is a number that must be a whole number (the schema says
// "integer"). It is decoded as a float so that 90.5 is reported, not
// truncated to 90.
type Whole float64

// Number is any number (the schema says "number").
type Number float64

// DestinationKind says what a [Destination] is.
type DestinationKind string

// The destination kinds.
const (
	KindSQS             DestinationKind = "sqs"
	KindSNS             DestinationKind = "sns"
	KindLambda          DestinationKind = "lambda"
	KindEvents          DestinationKind = "events"
	KindS3              DestinationKind = "s3"
	KindDefaultEventBus DestinationKind = "defaultEventBus"
	KindNewQueue        DestinationKind = "newQueue"
	KindNewTopic        DestinationKind = "newTopic"
	KindResponseOnly    DestinationKind = "responseOnly"
	KindKafkaTopic      DestinationKind = "kafkaTopic"
)

// SourceKind names the service an event source mapping reads.
type SourceKind string

// The event source kinds.
const (
	SourceKinesis  SourceKind = "kinesis"
	SourceDynamoDB SourceKind = "dynamodb"
	SourceKafka    SourceKind = "kafka"
	SourceSQS      SourceKind = "sqs"
)

// Destination is one routing target: a tagged input whose Kind says which
// of the other fields apply. It stands for the Go package's Destination
// values that a program in another language can express: asyncroute.ARN
// (kind sqs, sns, lambda, events, s3, or empty), DefaultEventBus,
// NewQueue and NewTopic (with KmsKeyArn), ResponseOnly (by FunctionArn)
// and KafkaTopic.
type Destination struct {
	Kind                   DestinationKind    `pulumi:"kind,optional"`
	Arn                    pulumi.StringInput `pulumi:"arn,optional"`
	KmsKeyArn              pulumi.StringInput `pulumi:"kmsKeyArn,optional"`
	RetentionPeriodSeconds *Whole             `pulumi:"retentionPeriodSeconds,optional"`
	Topic                  *string            `pulumi:"topic,optional"`
}

// ExistingRole is a role the program brings (asyncroute.ExistingRole
// without the iam.Role resource).
type ExistingRole struct {
	Name pulumi.StringInput `pulumi:"name,optional"`
	Arn  pulumi.StringInput `pulumi:"arn,optional"`
}

// RoleOptions mirrors asyncroute.RoleOptions.
type RoleOptions struct {
	PermissionsBoundary pulumi.StringInput      `pulumi:"permissionsBoundary,optional"`
	Path                pulumi.StringInput      `pulumi:"path,optional"`
	NamePrefix          pulumi.StringInput      `pulumi:"namePrefix,optional"`
	ManagedPolicyArns   pulumi.StringArrayInput `pulumi:"managedPolicyArns,optional"`
}

// FunctionSettings are the lambda.FunctionArgs a program in another
// language sets through the component (a subset of the Go struct).
type FunctionSettings struct {
	Name                         pulumi.StringInput      `pulumi:"name,optional"`
	Description                  pulumi.StringInput      `pulumi:"description,optional"`
	Runtime                      pulumi.StringInput      `pulumi:"runtime,optional"`
	Handler                      pulumi.StringInput      `pulumi:"handler,optional"`
	Code                         pulumi.ArchiveInput     `pulumi:"code,optional"`
	ImageUri                     pulumi.StringInput      `pulumi:"imageUri,optional"`
	PackageType                  pulumi.StringInput      `pulumi:"packageType,optional"`
	MemorySize                   pulumi.IntInput         `pulumi:"memorySize,optional"`
	Timeout                      pulumi.IntInput         `pulumi:"timeout,optional"`
	Environment                  pulumi.StringMapInput   `pulumi:"environment,optional"`
	Architectures                pulumi.StringArrayInput `pulumi:"architectures,optional"`
	Layers                       pulumi.StringArrayInput `pulumi:"layers,optional"`
	ReservedConcurrentExecutions pulumi.IntInput         `pulumi:"reservedConcurrentExecutions,optional"`
	KmsKeyArn                    pulumi.StringInput      `pulumi:"kmsKeyArn,optional"`
	TracingMode                  pulumi.StringInput      `pulumi:"tracingMode,optional"`
	Tags                         pulumi.StringMapInput   `pulumi:"tags,optional"`
}

// Alarms mirrors asyncroute.Alarms: the topic by ARN (a program in another
// language has no *sns.Topic to give), and each alarm's settings.
type Alarms struct {
	NotifyArn                   pulumi.StringInput `pulumi:"notifyArn,optional"`
	DestinationDeliveryFailures *AlarmSettings     `pulumi:"destinationDeliveryFailures,optional"`
	DeadLetterErrors            *AlarmSettings     `pulumi:"deadLetterErrors,optional"`
	AsyncEventsDropped          *AlarmSettings     `pulumi:"asyncEventsDropped,optional"`
	AsyncEventAge               *AlarmSettings     `pulumi:"asyncEventAge,optional"`
}

// AlarmSettings mirrors asyncroute.Alarm, durations in whole seconds.
type AlarmSettings struct {
	Off               *bool   `pulumi:"off,optional"`
	Threshold         *Number `pulumi:"threshold,optional"`
	AgeSeconds        *Whole  `pulumi:"ageSeconds,optional"`
	PeriodSeconds     *Whole  `pulumi:"periodSeconds,optional"`
	EvaluationPeriods *Whole  `pulumi:"evaluationPeriods,optional"`
}

// FunctionArgs are the inputs of asyncroute:lambda:Function.
type FunctionArgs struct {
	Function           *FunctionSettings     `pulumi:"function"`
	OnSuccess          *Destination          `pulumi:"onSuccess,optional"`
	OnFailure          *Destination          `pulumi:"onFailure,optional"`
	DeadLetter         *Destination          `pulumi:"deadLetter,optional"`
	MaxRetries         *Whole                `pulumi:"maxRetries,optional"`
	MaxEventAgeSeconds *Whole                `pulumi:"maxEventAgeSeconds,optional"`
	Alias              *string               `pulumi:"alias,optional"`
	Role               *ExistingRole         `pulumi:"role,optional"`
	RoleOptions        *RoleOptions          `pulumi:"roleOptions,optional"`
	SkipGrants         *bool                 `pulumi:"skipGrants,optional"`
	Tags               pulumi.StringMapInput `pulumi:"tags,optional"`
	Alarms             *Alarms               `pulumi:"alarms,optional"`
	RecursiveLoop      *string               `pulumi:"recursiveLoop,optional"`
	Adopt              *Adopt                `pulumi:"adopt,optional"`
}

// Adopt names deployed resources of the stack that the component takes
// over (asyncroute.Adopt): each by its logical name or URN.
type Adopt struct {
	Function     *string `pulumi:"function,optional"`
	Role         *string `pulumi:"role,optional"`
	Policy       *string `pulumi:"policy,optional"`
	InvokeConfig *string `pulumi:"invokeConfig,optional"`
	Alias        *string `pulumi:"alias,optional"`
}

// AsyncInvokeArgs are the inputs of asyncroute:lambda:AsyncInvoke.
type AsyncInvokeArgs struct {
	FunctionName       pulumi.StringInput `pulumi:"functionName"`
	Qualifier          pulumi.StringInput `pulumi:"qualifier,optional"`
	Role               *ExistingRole      `pulumi:"role,optional"`
	SkipGrants         *bool              `pulumi:"skipGrants,optional"`
	OnSuccess          *Destination       `pulumi:"onSuccess,optional"`
	OnFailure          *Destination       `pulumi:"onFailure,optional"`
	MaxRetries         *Whole             `pulumi:"maxRetries,optional"`
	MaxEventAgeSeconds *Whole             `pulumi:"maxEventAgeSeconds,optional"`
	Alarms             *Alarms            `pulumi:"alarms,optional"`
	Adopt              *Adopt             `pulumi:"adopt,optional"`
}

// EventSourceMappingArgs are the inputs of
// asyncroute:lambda:EventSourceMapping.
type EventSourceMappingArgs struct {
	EventSourceArn             pulumi.StringInput      `pulumi:"eventSourceArn"`
	Source                     SourceKind              `pulumi:"source,optional"`
	SourceKmsKeyArn            pulumi.StringInput      `pulumi:"sourceKmsKeyArn,optional"`
	FunctionName               pulumi.StringInput      `pulumi:"functionName"`
	Role                       *ExistingRole           `pulumi:"role,optional"`
	SkipGrants                 *bool                   `pulumi:"skipGrants,optional"`
	OnFailure                  *Destination            `pulumi:"onFailure,optional"`
	MaxRetries                 *Whole                  `pulumi:"maxRetries,optional"`
	MaxRecordAgeSeconds        *Whole                  `pulumi:"maxRecordAgeSeconds,optional"`
	BisectBatchOnFunctionError *bool                   `pulumi:"bisectBatchOnFunctionError,optional"`
	BatchSize                  pulumi.IntInput         `pulumi:"batchSize,optional"`
	MaximumBatchingWindow      pulumi.IntInput         `pulumi:"maximumBatchingWindowInSeconds,optional"`
	StartingPosition           pulumi.StringInput      `pulumi:"startingPosition,optional"`
	ParallelizationFactor      pulumi.IntInput         `pulumi:"parallelizationFactor,optional"`
	Enabled                    pulumi.BoolInput        `pulumi:"enabled,optional"`
	Topics                     pulumi.StringArrayInput `pulumi:"topics,optional"`
	FunctionResponseTypes      pulumi.StringArrayInput `pulumi:"functionResponseTypes,optional"`
	Tags                       pulumi.StringMapInput   `pulumi:"tags,optional"`
	Alarms                     *Alarms                 `pulumi:"alarms,optional"`
}
