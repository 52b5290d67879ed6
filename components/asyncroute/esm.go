package asyncroute

import (
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
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
	// SourceKmsKeyArn is the ARN of the customer-managed KMS key an SQS
	// queue or Kinesis stream source is encrypted with (a key's Arn output,
	// arn:<partition>:kms:<region>:<account>:key/<key-id>; not an alias):
	// reading the records needs kms:Decrypt on it, which the role is
	// granted. Leave it nil for a source that is not encrypted or uses its
	// service's AWS-managed key (alias/aws/sqs, alias/aws/kinesis); a
	// DynamoDB stream or Kafka cluster takes none. The component cannot see
	// how a source given by ARN is encrypted: the rules (ASYNC001) flag a
	// mapping of an encrypted queue in the stack whose role may not
	// decrypt.
	SourceKmsKeyArn pulumi.StringInput

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

	// Tags are added to the mapping, to a created queue or topic and to
	// the alarms; the mapping's own Tags win on conflicts.
	Tags pulumi.StringMapInput

	// Alarms, when set, creates a CloudWatch alarm on the function's
	// DestinationDeliveryFailures, where Lambda counts a stream mapping's
	// failed deliveries to OnFailure (Kinesis and DynamoDB sources with
	// OnFailure; Source must be set when EventSourceArn is not a literal).
	// Other mappings publish nothing these alarms can watch: Alarms on them
	// is an error that says why (see [Alarms]).
	Alarms *Alarms
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
	// Alarms are the CloudWatch alarms EventSourceMappingArgs.Alarms asked
	// for, by metric name; nil without it.
	Alarms map[string]*cloudwatch.MetricAlarm

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
	a, err := start(ctx, "EventSourceMapping", name, args == nil, "&asyncroute.EventSourceMappingArgs{...}", opts)
	if err != nil {
		return nil, err
	}
	p, err := checkMapping(a, args)
	if err != nil {
		return nil, err
	}
	d := description{typ: EventSourceMappingType, component: p.c, inputs: mappingInputs(args, p.src, a.targets[slotMapping]),
		opts: opts, tags: args.Tags, source: p.src, policy: "mapping-grants", alarms: p.alarms}
	if err := a.finish(d, p); err != nil {
		return nil, err
	}
	return p.c, nil
}

// mappingPlan is an EventSourceMapping once its args are checked.
type mappingPlan struct {
	args   *EventSourceMappingArgs
	c      *EventSourceMapping
	fnIn   pulumi.StringInput // the function's name or ARN as the mapping takes it
	role   *broughtRole
	src    *mappingSource
	alarms *alarmPlan
	// fnRegion is the function's region when known while the program runs
	// (a FunctionName ARN's, else the component's place's); "" leaves the
	// source's region check to deploy time.
	fnRegion string
}

// checkMapping checks an EventSourceMapping's args, adding every fault to
// a.errs.
func checkMapping(a *assembly, args *EventSourceMappingArgs) (*mappingPlan, error) {
	errs := a.errs
	p := &mappingPlan{args: args, c: &EventSourceMapping{}}
	checkOwnedMappingFields(errs, &args.Mapping)
	var err error
	if p.fnIn, err = checkMappingFunction(a, args); err != nil {
		return nil, err
	}
	if p.role, err = checkGrantRole(a.ctx, errs, args.Role, args.SkipGrants); err != nil {
		return nil, err
	}
	if p.src, err = checkMappingSource(a.ctx, errs, args); err != nil {
		return nil, err
	}
	if err := checkSourceKey(a.ctx, errs, args, p.src); err != nil {
		return nil, err
	}
	if p.fnRegion, err = checkSourceRegion(a, args, p.src); err != nil {
		return nil, err
	}
	checkMappingErrorHandling(errs, args, p.src)
	if p.alarms, err = checkMappingAlarms(a.ctx, errs, args, p.src, p.fnIn); err != nil {
		return nil, err
	}
	if p.alarms != nil {
		p.alarms.into = &p.c.Alarms
	}
	if p.src != nil && !isNil(args.OnFailure) {
		if p.src.spec != nil && !p.src.spec.Failure {
			errs.addErr("OnFailure", lambdafacts.NoMappingFailure(p.src.spec))
		} else {
			a.route(slotMapping, args.OnFailure, self{}, p.src)
			if err := a.checkTargetPolicies(broughtDeliveryRole(p.role, !args.SkipGrants)); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// registered puts the source's checks that wait for deploy time in the
// ARN the grants and the mapping take; the grants go to the brought role.
func (p *mappingPlan) registered(a *assembly) (pulumi.StringInput, error) {
	if p.src.hasARN {
		p.src.arn = phase.Gate[string](&p.src.checks, p.src.arn, func(err error) error { return err }).(pulumi.StringOutput)
	}
	return p.role.grantTo(a.errs.component, p.args.SkipGrants), nil
}

// deliver creates the mapping, after the grants.
func (p *mappingPlan) deliver(a *assembly, b *buildEnv, built builtRouting, policy *iam.RolePolicy) (*configWrite, error) {
	args, c := p.args, p.c
	c.Policy = policy
	m := args.Mapping
	m.FunctionName = p.fnIn
	if p.src.hasARN {
		arn := p.src.arn
		if p.fnRegion == "" {
			// The function is in the provider's region, asked now.
			component := a.errs.component
			arn = pulumi.All(arn, b.identity().region).ApplyT(func(v []any) (string, error) {
				s, _ := v[0].(string)
				r, _ := v[1].(string)
				if err := lambdafacts.CheckSourceRegion(s, r); err != nil {
					return "", inputErrorOf(component, "EventSourceArn", err)
				}
				return s, nil
			}).(pulumi.StringOutput)
		}
		m.EventSourceArn = arn.ToStringPtrOutput()
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
	var err error
	if c.Mapping, err = lambda.NewEventSourceMapping(a.ctx, a.name, &m, mOpts...); err != nil {
		return nil, err
	}
	return nil, nil
}

// outputs sets the EventSourceMapping's fields.
func (p *mappingPlan) outputs(built builtRouting, _ *configWrite) {
	c := p.c
	c.OnFailureCreated = built.created(slotMapping)
	c.Uuid, c.FunctionArn, c.Source = c.Mapping.Uuid, c.Mapping.FunctionArn, p.src.kindOutput()
	c.OnFailureArn = built.arnPtr(slotMapping)
	c.GrantsSkipped = pulumi.Bool(p.args.SkipGrants).ToBoolOutput()
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

// checkMappingFunction checks Function or FunctionName and returns the
// function's name or ARN as the mapping takes it.
func checkMappingFunction(a *assembly, args *EventSourceMappingArgs) (pulumi.StringInput, error) {
	switch {
	case !oneFunction(a.errs, args.Function, args.FunctionName):
		return nil, nil
	case args.Function != nil:
		return args.Function.Name, nil
	}
	var checks phase.Checks
	err := checks.Now(a.ctx, phase.Known(func(v []any) error {
		s, _ := v[0].(string)
		_, err := lambdafacts.ParseFunctionRef(s)
		return err
	}), args.FunctionName)
	if err := a.errs.fault("FunctionName", err); err != nil || checks.Empty() {
		return args.FunctionName, err
	}
	component := a.errs.component
	return phase.Gate[string](&checks, args.FunctionName.ToStringOutput(), func(err error) error {
		return inputErrorOf(component, "FunctionName", err)
	}).(pulumi.StringOutput), nil
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
