package asyncroute

import (
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FunctionType is the type token of [Function].
const FunctionType = "asyncroute:lambda:Function"

// FunctionArgs configures [NewFunction]. Destinations and the dead-letter
// target are chosen with plain Go values because they decide which grants
// and resources exist; the function itself takes every upstream Lambda
// setting through Function.
type FunctionArgs struct {
	// Function holds the lambda.Function's arguments. Leave Role and
	// DeadLetterConfig empty: the component fills them (see Role and
	// DeadLetter).
	Function lambda.FunctionArgs

	// OnSuccess receives an invocation record for each successful
	// asynchronous invocation. Not an S3 bucket. NewQueue{} or NewTopic{}
	// creates the target; ResponseOnly{...} passes only the response to the
	// next function.
	OnSuccess Destination
	// OnFailure receives an invocation record when retries are exhausted
	// or the event is too old. NewQueue{} creates a 14-day failure queue.
	OnFailure Destination
	// DeadLetter receives the original event of a failed invocation: an
	// SQS queue or SNS topic. It may be set together with OnFailure.
	DeadLetter Destination

	// MaxRetries is how often Lambda retries a failed invocation: 0, 1 or
	// 2. Nil leaves Lambda's default (2); 0 is a value (no retry).
	MaxRetries *int
	// MaxEventAge is how long Lambda keeps an event it has not processed:
	// 60s to 6h in whole seconds. Nil leaves Lambda's default (6h).
	MaxEventAge *time.Duration

	// Alias, when set, publishes the function, creates this alias on the
	// published version and puts the invoke config on the alias instead of
	// $LATEST.
	Alias string

	// Role is an execution role you bring. Nil: the component creates one
	// (trusting lambda.amazonaws.com, with AWSLambdaBasicExecutionRole).
	Role *ExistingRole
	// RoleOptions shape the role the component creates.
	RoleOptions *RoleOptions
	// SkipGrants attaches no grant policy: you take care of the role's
	// permissions. The choice shows as the GrantsSkipped output.
	SkipGrants bool

	// Tags are added to every child that takes tags (the role, the function,
	// created queues, topics and rules); the function's own Tags win on
	// conflicts.
	Tags pulumi.StringMapInput
}

// Function is a Lambda function with asynchronous-invocation routing: its
// role, one grant policy, the function and its invoke config.
type Function struct {
	pulumi.ResourceState

	// Role is the created execution role; nil when one was brought.
	Role *iam.Role
	// Policy is the inline policy holding every grant; nil when nothing is
	// granted (SkipGrants, or no destination and no dead-letter target).
	Policy *iam.RolePolicy
	// Function is the Lambda function.
	Function *lambda.Function
	// Alias is the alias the config is on; nil without FunctionArgs.Alias.
	Alias *lambda.Alias
	// InvokeConfig is the function's asynchronous invoke config.
	InvokeConfig *lambda.FunctionEventInvokeConfig
	// OnSuccessCreated, OnFailureCreated and DeadLetterCreated hold what
	// the component created for that field: the queue of a NewQueue, the
	// topic of a NewTopic, the rule, target and permission of a
	// ResponseOnly. Nil when it created nothing for the field.
	OnSuccessCreated, OnFailureCreated, DeadLetterCreated *CreatedTarget

	// brought is the role given in FunctionArgs.Role.
	brought *ExistingRole

	FunctionArn pulumi.StringOutput `pulumi:"functionArn"` // the function's unqualified ARN
	// QualifiedArn is the ARN of the function's qualifier that has the
	// invoke config: <FunctionArn>:$LATEST, or the alias's ARN with Alias.
	// Give this ARN to asynchronous invokers (EventBridge targets, SNS
	// subscriptions, S3 notifications): an invoker of another qualifier
	// invokes a version with no config, so no destination fires.
	QualifiedArn  pulumi.StringOutput    `pulumi:"qualifiedArn"`
	FunctionName  pulumi.StringOutput    `pulumi:"functionName"`  // the function's name
	RoleArn       pulumi.StringOutput    `pulumi:"roleArn"`       // the execution role's ARN
	Qualifier     pulumi.StringOutput    `pulumi:"qualifier"`     // $LATEST or the alias name
	OnSuccessArn  pulumi.StringPtrOutput `pulumi:"onSuccessArn"`  // the on-success target; nil when none
	OnFailureArn  pulumi.StringPtrOutput `pulumi:"onFailureArn"`  // the on-failure target; nil when none
	DeadLetterArn pulumi.StringPtrOutput `pulumi:"deadLetterArn"` // the dead-letter target; nil when none
	GrantsSkipped pulumi.BoolOutput      `pulumi:"grantsSkipped"` // true when SkipGrants was set
}

// AsDestination makes this function the target of another function's
// routing.
func (f *Function) AsDestination() Destination {
	return LambdaFunction{Function: f.Function}
}

// ExecutionRole is the function's role as other components take it (the
// Role of [EventSourceMappingArgs] or [AsyncInvokeArgs]): the role the
// component created, or the one it was given.
func (f *Function) ExecutionRole() *ExistingRole {
	if f.brought != nil {
		return f.brought
	}
	return &ExistingRole{Role: f.Role}
}

// NewFunction creates a Lambda function with its destinations, dead-letter
// target, retry settings and the grants they need. Bad input returns an
// error before anything is registered; a value known only at deploy time is
// checked before the invoke config (or the function's dead-letter config)
// is written.
func NewFunction(ctx *pulumi.Context, name string, args *FunctionArgs, opts ...pulumi.ResourceOption) (*Function, error) {
	a, err := start(ctx, "Function", name, args == nil, "&asyncroute.FunctionArgs{...}")
	if err != nil {
		return nil, err
	}
	errs := a.errs
	r := routing{dests: dests(map[lambdafacts.Slot]Destination{slotSuccess: args.OnSuccess, slotFailure: args.OnFailure, slotDeadLetter: args.DeadLetter}),
		maxRetries: args.MaxRetries, maxEventAge: args.MaxEventAge,
		fields: "OnSuccess, OnFailure, DeadLetter, MaxRetries, MaxEventAge"}

	if !isNil(args.Function.Role) {
		errs.add("Function.Role", "is set by the component; allowed: leave it empty and set Role to bring your own role")
	}
	if !isNil(args.Function.DeadLetterConfig) {
		errs.add("Function.DeadLetterConfig", "is set by the component; allowed: leave it empty and set DeadLetter")
	}
	fnName, err := await(ctx, args.Function.Name)
	if err != nil {
		return nil, err
	}
	qualifier := latest
	publish := args.Function.Publish
	if args.Alias != "" {
		errs.addErr("Alias", lambdafacts.CheckAliasName(args.Alias))
		p, err := await(ctx, args.Function.Publish)
		if err != nil {
			return nil, err
		}
		switch {
		case p.known && p.set && !p.b:
			errs.add("Function.Publish", "%s", publishProblem)
		case p.known:
			publish = pulumi.Bool(true)
		default: // an output during an update: checked when it is known
			component := errs.component
			publish = args.Function.Publish.ToBoolPtrOutput().ApplyT(func(v *bool) (*bool, error) {
				if v != nil && !*v {
					return nil, newInputError(component, "Function.Publish", publishProblem)
				}
				return pulumi.BoolRef(true), nil
			}).(pulumi.BoolPtrOutput)
		}
		qualifier = args.Alias
	}
	if args.Role != nil {
		if err := checkExistingRole(ctx, errs, args.Role, args.RoleOptions, true); err != nil {
			return nil, err
		}
	}
	me := self{}
	if !isNil(args.Function.Name) {
		me.name = args.Function.Name
	}
	a.routing(r, me)
	configs := configsOf(ctx)
	if prev, ok := configs.check(functionKeys(nil, fnName.str), qualifier, errs.component); !ok {
		errs.add("Function.Name", "%s", duplicateConfig(fnName.str, qualifier, prev))
	}

	c := &Function{brought: args.Role}
	if err := a.register(FunctionType, c, a.routingInputs(r, qualifier, args.SkipGrants), opts); err != nil {
		return nil, err
	}
	configs.claim(functionKeys(nil, fnName.str), qualifier, errs.component)

	var role roleRef
	if args.Role != nil {
		role = existingRoleRef(errs.component, args.Role)
	} else {
		created, err := newExecutionRole(ctx, name, args.RoleOptions, args.Tags, c)
		if err != nil {
			return nil, err
		}
		c.Role = created
		role = roleRef{created: created, name: created.Name, arn: created.Arn}
	}

	var grantTo pulumi.StringInput
	if !args.SkipGrants {
		grantTo = role.name
	}
	b, built, err := a.build(c, args.Tags, grantTo, me, nil)
	if err != nil {
		return nil, err
	}
	if grantTo != nil {
		if c.Policy, err = grantPolicy(ctx, name+"-async-grants", grantTo, built.grants, c); err != nil {
			return nil, err
		}
	}

	fnArgs := args.Function
	fnArgs.Role = role.arn
	fnArgs.Tags = mergeTags(args.Tags, args.Function.Tags)
	fnArgs.Publish = publish
	fnOpts := []pulumi.ResourceOption{pulumi.Parent(c)}
	if c.Policy != nil {
		hook, err := waitForGrantsOnRoleChange(ctx, FunctionType, name, errs.component, c.Policy)
		if err != nil {
			return nil, err
		}
		if hook != nil {
			fnOpts = append(fnOpts, pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}))
		}
	}
	if dl := built.route(slotDeadLetter); dl != nil {
		fnArgs.DeadLetterConfig = &lambda.FunctionDeadLetterConfigArgs{TargetArn: dl.arn}
		if c.Policy != nil {
			fnOpts = append(fnOpts, pulumi.DependsOn([]pulumi.Resource{c.Policy}))
		}
	}
	if c.Function, err = lambda.NewFunction(ctx, name, &fnArgs, fnOpts...); err != nil {
		return nil, err
	}
	configs.claim(functionKeys(c.Function, ""), qualifier, errs.component)

	qualifierIn := pulumi.String(latest).ToStringOutput()
	source := pulumi.Sprintf("%s:%s", c.Function.Arn, latest)
	var extra []pulumi.Resource
	if args.Alias != "" {
		c.Alias, err = lambda.NewAlias(ctx, name+"-"+args.Alias, &lambda.AliasArgs{
			Name:            pulumi.String(args.Alias),
			FunctionName:    c.Function.Name,
			FunctionVersion: c.Function.Version,
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		qualifierIn = c.Alias.Name
		source = c.Alias.Arn
		extra = append(extra, c.Alias)
	}
	after, err := built.createAfter(b, source)
	if err != nil {
		return nil, err
	}
	extra = append(extra, after...)
	configFn := claimAtDeploy(ctx, errs.component, "Function.Name", c.Function.Name, qualifierIn, functionKeys(c.Function, ""))
	if c.InvokeConfig, err = invokeConfig(ctx, name, configFn, qualifierIn, r, built, c.Policy, c, extra...); err != nil {
		return nil, err
	}

	c.OnSuccessCreated, c.OnFailureCreated, c.DeadLetterCreated = built.created(slotSuccess), built.created(slotFailure), built.created(slotDeadLetter)
	c.FunctionArn = c.Function.Arn
	c.QualifiedArn = source
	c.FunctionName = c.Function.Name
	c.RoleArn = role.arn
	c.Qualifier = qualifierIn
	c.OnSuccessArn = built.arnPtr(slotSuccess)
	c.OnFailureArn = built.arnPtr(slotFailure)
	c.DeadLetterArn = built.arnPtr(slotDeadLetter)
	c.GrantsSkipped = pulumi.Bool(args.SkipGrants).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"functionArn":   c.FunctionArn,
		"qualifiedArn":  c.QualifiedArn,
		"functionName":  c.FunctionName,
		"roleArn":       c.RoleArn,
		"qualifier":     c.Qualifier,
		"onSuccessArn":  c.OnSuccessArn,
		"onFailureArn":  c.OnFailureArn,
		"deadLetterArn": c.DeadLetterArn,
		"grantsSkipped": c.GrantsSkipped,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// dests keeps the slots that hold a destination.
func dests(m map[lambdafacts.Slot]Destination) map[lambdafacts.Slot]Destination {
	for k, d := range m {
		if isNil(d) {
			delete(m, k)
		}
	}
	return m
}

const publishProblem = "is false but Alias needs a published version; allowed: true or unset"

// mergeTags adds the component's tags to a child's own; the child's win.
func mergeTags(component, own pulumi.StringMapInput) pulumi.StringMapInput {
	if isNil(component) {
		return own
	}
	if isNil(own) {
		return component
	}
	return pulumi.All(component, own).ApplyT(func(v []any) map[string]string {
		out := map[string]string{}
		for _, m := range v {
			for k, val := range m.(map[string]string) {
				out[k] = val
			}
		}
		return out
	}).(pulumi.StringMapOutput)
}
