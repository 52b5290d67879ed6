package asyncroute

import (
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EventSourceMappingType is the type token of [EventSourceMapping].
const EventSourceMappingType = "asyncroute:lambda:EventSourceMapping"

// Limits Lambda enforces on the error handling of a stream or Kafka event
// source mapping.
const (
	// RetryForever as MaxRetries retries a failing batch until its records
	// expire (Lambda's default, -1).
	RetryForever      = lambdafacts.RetryForever
	MaxMappingRetries = lambdafacts.MaxMappingRetries
	// RecordAgeForever as MaxRecordAge never discards a record for its age
	// (Lambda's default, -1).
	RecordAgeForever = lambdafacts.RecordAgeForever
	MinMaxRecordAge  = lambdafacts.MinMaxRecordAge
	MaxMaxRecordAge  = lambdafacts.MaxMaxRecordAge
)

// EventSourceMappingArgs configures [NewEventSourceMapping]. The function is
// given like [AsyncInvokeArgs]' (Function or FunctionName, and Role to grant
// to unless SkipGrants); the source by its ARN; the error handling by plain
// Go values, checked before anything is registered.
type EventSourceMappingArgs struct {
	// Mapping holds every other lambda.EventSourceMapping argument
	// (BatchSize, StartingPosition, Topics, ProvisionedPollerConfig, ...).
	// Leave FunctionName, EventSourceArn, DestinationConfig,
	// MaximumRetryAttempts, MaximumRecordAgeInSeconds and
	// BisectBatchOnFunctionError empty: the component sets them from the
	// fields below.
	Mapping lambda.EventSourceMappingArgs

	// EventSourceArn is the ARN of the Kinesis stream (or stream consumer),
	// DynamoDB stream, Amazon MSK cluster or SQS queue to read. Leave it nil
	// for self-managed Kafka (set Mapping.SelfManagedEventSource).
	EventSourceArn pulumi.StringInput
	// Source names the kind of source. It is inferred from a known
	// EventSourceArn (and must agree when set); required when the ARN is
	// known only at deploy time.
	Source SourceKind

	// Function is the function to invoke, when it is in this program.
	Function *lambda.Function
	// FunctionName is the function's name or (qualified) ARN, when Function
	// is not given.
	FunctionName pulumi.StringInput
	// Role is the function's execution role, which receives the grants
	// (for a function made with NewFunction: fn.ExecutionRole()).
	Role *ExistingRole
	// SkipGrants attaches no grant policy (GrantsSkipped output is true).
	SkipGrants bool

	// OnFailure receives a record for each batch the mapping discards: an
	// SQS queue, SNS topic or S3 bucket, or a [KafkaTopic] of the source
	// cluster for a Kafka source. Not for an SQS source.
	OnFailure Destination
	// MaxRetries is how often a failing batch is retried: RetryForever (-1)
	// or 0 to 10000. Nil leaves Lambda's default (-1).
	MaxRetries *int
	// MaxRecordAge discards records older than this: RecordAgeForever or
	// 60s to 7 days in whole seconds. Nil leaves Lambda's default (-1).
	MaxRecordAge *time.Duration
	// BisectBatchOnFunctionError splits a failing batch in two and retries
	// each half. Nil leaves Lambda's default (false).
	BisectBatchOnFunctionError *bool

	// Tags are added to the mapping and to a created queue or topic; the
	// mapping's own Tags win on conflicts.
	Tags pulumi.StringMapInput
}

// EventSourceMapping is an event source mapping with its on-failure
// destination, error handling and the grants they need: one grant policy
// on the function's role and the lambda.EventSourceMapping.
//
// Event source mapping destinations are not async-invocation destinations:
// the mapping polls the source and invokes the function synchronously, so
// the function's invoke config (OnSuccess, OnFailure, MaxRetries,
// MaxEventAge of [NewFunction]) never applies to these records. A failed
// batch is retried per MaxRetries, MaxRecordAge and
// BisectBatchOnFunctionError of the mapping, and when it is discarded the
// mapping sends a record describing it (with the batch's shard and sequence
// numbers, not the records; S3 and Kafka topics also get the records) to
// its own OnFailure. There is no on-success destination. An SQS source has
// neither: its queue's redrive policy moves failing messages to a
// dead-letter queue.
type EventSourceMapping struct {
	pulumi.ResourceState

	// Policy is the inline policy on the function's role; nil when nothing
	// is granted.
	Policy *iam.RolePolicy
	// Mapping is the event source mapping.
	Mapping *lambda.EventSourceMapping
	// OnFailureCreated holds the queue or topic created for a NewQueue or
	// NewTopic OnFailure; nil otherwise.
	OnFailureCreated *CreatedTarget

	Uuid          pulumi.StringOutput    `pulumi:"uuid"`          // the mapping's UUID
	FunctionArn   pulumi.StringOutput    `pulumi:"functionArn"`   // the ARN of the function invoked
	Source        pulumi.StringOutput    `pulumi:"source"`        // the source kind, e.g. "kinesis"
	OnFailureArn  pulumi.StringPtrOutput `pulumi:"onFailureArn"`  // the on-failure destination; nil when none
	GrantsSkipped pulumi.BoolOutput      `pulumi:"grantsSkipped"` // true when SkipGrants was set
}

// NewEventSourceMapping maps a Kinesis stream, DynamoDB stream, Kafka
// cluster or SQS queue to a function, with the on-failure destination and
// error handling of stream and Kafka sources, and grants the function's role
// what reading the source and delivering failures need before the mapping
// is created or updated. Bad input returns an error before anything is
// registered.
func NewEventSourceMapping(ctx *pulumi.Context, name string, args *EventSourceMappingArgs, opts ...pulumi.ResourceOption) (*EventSourceMapping, error) {
	a, err := start(ctx, "EventSourceMapping", name, args == nil, "&asyncroute.EventSourceMappingArgs{...}")
	if err != nil {
		return nil, err
	}
	errs := a.errs
	checkOwnedMappingFields(errs, &args.Mapping)
	fnIn, err := checkMappingFunction(ctx, errs, args)
	if err != nil {
		return nil, err
	}
	switch {
	case args.Role != nil:
		if err := checkExistingRole(ctx, errs, args.Role, nil, false); err != nil {
			return nil, err
		}
	case !args.SkipGrants:
		errs.add("Role", "is nil; allowed: the function's execution role (%s), or %s: true to attach no grants", doors.Term(doors.RoleChoices), doors.Field("SkipGrants"))
	}
	src, err := checkMappingSource(ctx, errs, args)
	if err != nil {
		return nil, err
	}
	checkMappingErrorHandling(errs, args, src)
	if src != nil && !isNil(args.OnFailure) {
		if src.spec != nil && !src.spec.Failure {
			errs.addErr("OnFailure", lambdafacts.NoMappingFailure(src.spec))
		} else {
			a.route(slotMapping, args.OnFailure, self{}, src)
		}
	}

	c := &EventSourceMapping{}
	if err := a.register(EventSourceMappingType, c, mappingInputs(args, src, a.targets[slotMapping]), opts); err != nil {
		return nil, err
	}
	if src.hasARN {
		src.arn = lateSource(errs.component, args, src)
	}
	var grantTo pulumi.StringInput
	if !args.SkipGrants {
		grantTo = existingRoleRef(errs.component, args.Role).name
	}
	_, built, err := a.build(c, args.Tags, grantTo, self{}, src)
	if err != nil {
		return nil, err
	}
	if grantTo != nil {
		if c.Policy, err = grantPolicy(ctx, name+"-mapping-grants", grantTo, append(src.grants(), built.grants...), c); err != nil {
			return nil, err
		}
	}

	m := args.Mapping
	m.FunctionName = fnIn
	if src.hasARN {
		m.EventSourceArn = src.arn.ToStringPtrOutput()
	}
	if br := built.route(slotMapping); br != nil {
		m.DestinationConfig = &lambda.EventSourceMappingDestinationConfigArgs{
			OnFailure: &lambda.EventSourceMappingDestinationConfigOnFailureArgs{DestinationArn: br.arn},
		}
	}
	if args.MaxRetries != nil {
		m.MaximumRetryAttempts = pulumi.IntPtr(*args.MaxRetries)
	}
	if args.MaxRecordAge != nil {
		m.MaximumRecordAgeInSeconds = pulumi.IntPtr(recordAgeSeconds(*args.MaxRecordAge))
	}
	if args.BisectBatchOnFunctionError != nil {
		m.BisectBatchOnFunctionError = pulumi.BoolPtr(*args.BisectBatchOnFunctionError)
	}
	m.Tags = mergeTags(args.Tags, args.Mapping.Tags)
	mOpts := []pulumi.ResourceOption{pulumi.Parent(c)}
	if c.Policy != nil {
		mOpts = append(mOpts, pulumi.DependsOn([]pulumi.Resource{c.Policy}))
	}
	if c.Mapping, err = lambda.NewEventSourceMapping(ctx, name, &m, mOpts...); err != nil {
		return nil, err
	}

	c.OnFailureCreated = built.created(slotMapping)
	c.Uuid = c.Mapping.Uuid
	c.FunctionArn = c.Mapping.FunctionArn
	c.Source = src.kindOutput()
	c.OnFailureArn = built.arnPtr(slotMapping)
	c.GrantsSkipped = pulumi.Bool(args.SkipGrants).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"uuid":          c.Uuid,
		"functionArn":   c.FunctionArn,
		"source":        c.Source,
		"onFailureArn":  c.OnFailureArn,
		"grantsSkipped": c.GrantsSkipped,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

func recordAgeSeconds(d time.Duration) int {
	if d == RecordAgeForever {
		return -1
	}
	return int(d / time.Second)
}

// checkOwnedMappingFields rejects upstream arguments the component sets.
func checkOwnedMappingFields(errs *errorList, m *lambda.EventSourceMappingArgs) {
	for _, f := range []struct {
		in           any
		field, instd string
	}{
		{m.FunctionName, "FunctionName", "Function or FunctionName"},
		{m.EventSourceArn, "EventSourceArn", "EventSourceArn"},
		{m.DestinationConfig, "DestinationConfig", "OnFailure"},
		{m.MaximumRetryAttempts, "MaximumRetryAttempts", "MaxRetries"},
		{m.MaximumRecordAgeInSeconds, "MaximumRecordAgeInSeconds", "MaxRecordAge"},
		{m.BisectBatchOnFunctionError, "BisectBatchOnFunctionError", "BisectBatchOnFunctionError"},
	} {
		if !isNil(f.in) {
			errs.add("Mapping."+f.field, "is set by the component; allowed: leave it empty and set %s", f.instd)
		}
	}
}

func checkMappingFunction(ctx *pulumi.Context, errs *errorList, args *EventSourceMappingArgs) (pulumi.StringInput, error) {
	switch {
	case args.Function != nil && !isNil(args.FunctionName):
		errs.add("Function", "both Function and FunctionName are set; allowed: one of them")
	case args.Function != nil:
		return args.Function.Name, nil
	case !isNil(args.FunctionName):
		n, err := await(ctx, args.FunctionName)
		if err != nil {
			return nil, err
		}
		if !n.known {
			component := errs.component
			return args.FunctionName.ToStringOutput().ApplyT(func(s string) (string, error) {
				if _, err := lambdafacts.ParseFunctionRef(s); err != nil {
					return "", inputErrorOf(component, "FunctionName", err)
				}
				return s, nil
			}).(pulumi.StringOutput), nil
		}
		if _, err := lambdafacts.ParseFunctionRef(n.str); err != nil {
			errs.addErr("FunctionName", err)
		}
		return args.FunctionName, nil
	default:
		errs.add("Function", "neither Function nor FunctionName is set; allowed: the *lambda.Function, or its name or ARN")
	}
	return nil, nil
}

// mappingInputs records the plain choices as the component's inputs.
func mappingInputs(args *EventSourceMappingArgs, src *mappingSource, failure *target) pulumi.Map {
	m := pulumi.Map{"skipGrants": pulumi.Bool(args.SkipGrants)}
	if src != nil {
		m["source"] = src.kindOutput()
	}
	if args.MaxRetries != nil {
		m["maxRetries"] = pulumi.Int(*args.MaxRetries)
	}
	if args.MaxRecordAge != nil {
		m["maxRecordAgeSeconds"] = pulumi.Int(recordAgeSeconds(*args.MaxRecordAge))
	}
	if args.BisectBatchOnFunctionError != nil {
		m["bisectBatchOnFunctionError"] = pulumi.Bool(*args.BisectBatchOnFunctionError)
	}
	if failure != nil {
		m[slotMapping.InputKey()] = failure.kindInput()
	}
	return m
}
