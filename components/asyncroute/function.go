package asyncroute

import (
	"errors"
	"sort"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
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
	// permissions, so bring the role (Role): with destinations and a role
	// the component creates, no one else could grant it, and SkipGrants is
	// refused. The choice shows as the GrantsSkipped output.
	SkipGrants bool

	// Tags are added to every child that takes tags (the role, the function,
	// created queues, topics, rules and alarms); the function's own Tags
	// win on conflicts.
	Tags pulumi.StringMapInput

	// Alarms, when set, creates CloudWatch alarms on the metrics that mean
	// the function's records are being lost (see [Alarms]).
	Alarms *Alarms

	// RecursiveLoop, when set, writes the function's recursive loop
	// detection setting (a lambda.FunctionRecursionConfig): Terminate
	// (Lambda's default) stops the function once the same chain of
	// requests has invoked it more than 16 times; Allow lets it run.
	// Empty leaves the function's setting as it is. Lambda follows only
	// what the function's own code writes with an AWS SDK to SQS, SNS, S3
	// and Lambda; it does not follow destinations, dead-letter targets or
	// EventBridge rules, which is why a loop of on-success routes is
	// refused (see docs/destinations.md, "Loops").
	RecursiveLoop RecursiveLoop

	// Adopt names deployed resources of the stack that the component
	// takes over (updated in place) instead of creating new ones: a
	// function, role, policy, invoke config and alias written by hand.
	Adopt *Adopt
}

// RecursiveLoop is Lambda's recursive loop detection setting for a
// function (PutFunctionRecursionConfig).
type RecursiveLoop string

// The values of [FunctionArgs.RecursiveLoop].
const (
	RecursiveLoopTerminate RecursiveLoop = lambdafacts.RecursiveLoopTerminate
	RecursiveLoopAllow     RecursiveLoop = lambdafacts.RecursiveLoopAllow
)

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
	// Alarms are the CloudWatch alarms FunctionArgs.Alarms asked for, by
	// metric name ("DestinationDeliveryFailures"); nil without it.
	Alarms map[string]*cloudwatch.MetricAlarm
	// RecursionConfig holds FunctionArgs.RecursiveLoop; nil without it.
	RecursionConfig *lambda.FunctionRecursionConfig

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
	a, err := start(ctx, "Function", name, args == nil, "&asyncroute.FunctionArgs{...}", opts)
	if err != nil {
		return nil, err
	}
	p, err := checkFunction(a, args)
	if err != nil {
		return nil, err
	}
	inputs := a.routingInputs(p.r, p.qualifier, args.SkipGrants)
	if err := p.identities(a, inputs); err != nil {
		return nil, err
	}
	if a.errs.err() == nil {
		hook, key, err := componentHook(ctx, FunctionType, name, a.errs.component, p.rc)
		if err != nil {
			return nil, err
		}
		p.key = key
		if hook != nil {
			opts = append(append([]pulumi.ResourceOption{}, opts...), pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}))
		}
	}
	d := description{typ: FunctionType, component: p.c, inputs: inputs,
		opts: opts, tags: args.Tags, me: p.me, policy: "async-grants", alarms: p.alarms}
	if args.Adopt != nil {
		d.policyOpts = adoptOpts(args.Adopt.Policy)
	}
	if err := a.finish(d, p); err != nil {
		return nil, err
	}
	return p.c, nil
}

// functionPlan is a Function once its args are checked.
type functionPlan struct {
	args      *FunctionArgs
	c         *Function
	r         routing
	me        self
	fnName    string              // the function's name when known now
	qualifier string              // $LATEST or the alias
	publish   pulumi.BoolPtrInput // the function's Publish (true with an alias)
	brought   *broughtRole        // nil: the component creates the role
	role      roleRef
	alarms    *alarmPlan
	loopNode  int // the function's node in the program's routes (see loops.go)
	// rc is what the component's hook learns of a role change; key names
	// the component in the program run ("" in a preview); ready and
	// failed watch the grant policies for the function's hook.
	rc     *roleChange
	key    string
	ready  *policyReady
	failed *pulumi.ErrorHook
}

// identities records the role and the routes as the component's inputs
// (see identity.go).
func (p *functionPlan) identities(a *assembly, inputs pulumi.Map) error {
	role, err := roleIdentity(a.ctx, p.args.Role, p.args.RoleOptions)
	if err != nil {
		return err
	}
	routes, err := routeIdentities(a.ctx, p.r.dests)
	if err != nil {
		return err
	}
	inputs[inputRoleIdentity], inputs[inputRouteIdentities] = pulumi.String(role), routes
	return nil
}

// grantOptions bind the grant policies' error hook, which tells the
// function's hook at once when a policy cannot be written.
func (p *functionPlan) grantOptions() []pulumi.ResourceOption {
	if p.failed == nil {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.ResourceHooks(&pulumi.ResourceHookBinding{OnError: []*pulumi.ErrorHook{p.failed}})}
}

// checkFunction checks a Function's args, adding every fault to a.errs.
func checkFunction(a *assembly, args *FunctionArgs) (*functionPlan, error) {
	errs := a.errs
	p := &functionPlan{args: args, c: &Function{brought: args.Role}, qualifier: latest, publish: args.Function.Publish,
		rc: &roleChange{adopted: args.Adopt != nil && args.Adopt.Function != ""},
		r: routing{dests: dests(map[lambdafacts.Slot]Destination{slotSuccess: args.OnSuccess, slotFailure: args.OnFailure, slotDeadLetter: args.DeadLetter}),
			maxRetries: args.MaxRetries, maxEventAge: args.MaxEventAge,
			fields: "OnSuccess, OnFailure, DeadLetter, MaxRetries, MaxEventAge"}}
	if !isNil(args.Function.Role) {
		errs.add("Function.Role", "is set by the component; allowed: leave it empty and set Role to bring your own role")
	}
	if !isNil(args.Function.DeadLetterConfig) {
		errs.add("Function.DeadLetterConfig", "is set by the component; allowed: leave it empty and set DeadLetter")
	}
	fnName, err := phase.Read(a.ctx, args.Function.Name)
	if err != nil {
		return nil, err
	}
	if fnName.Known && fnName.Set {
		errs.addErr("Function.Name", lambdafacts.CheckFunctionName(fnName.Str()))
	}
	if err := checkTags(a, "Tags", args.Tags, args.Function.Tags); err != nil {
		return nil, err
	}
	if o := args.RoleOptions; o != nil && !isNil(o.NamePrefix) {
		v, err := phase.Read(a.ctx, o.NamePrefix)
		if err != nil {
			return nil, err
		}
		if v.Known {
			errs.addErr("RoleOptions.NamePrefix", lambdafacts.CheckRoleNamePrefix(v.Str()))
		}
	}
	p.fnName = fnName.Str()
	if args.Alias != "" {
		errs.addErr("Alias", lambdafacts.CheckAliasName(args.Alias))
		if p.publish, err = checkPublish(a, args.Function.Publish); err != nil {
			return nil, err
		}
		p.qualifier = args.Alias
	}
	switch args.RecursiveLoop {
	case "", RecursiveLoopTerminate, RecursiveLoopAllow:
	default:
		errs.add("RecursiveLoop", "%q is not a recursive loop setting; allowed: %q, %q or empty (the function's setting is left as it is)", args.RecursiveLoop, RecursiveLoopTerminate, RecursiveLoopAllow)
	}
	if args.Role != nil {
		if p.brought, err = checkExistingRole(a.ctx, errs, args.Role, args.RoleOptions, true, a.place); err != nil {
			return nil, err
		}
	} else if args.SkipGrants && len(p.r.dests) > 0 {
		// The component creates the role: no one else can grant it what
		// its routing needs, so every record would be undeliverable.
		errs.add("SkipGrants", "%s", skipGrantsProblem)
	}
	if !isNil(args.Function.Name) {
		p.me.name = args.Function.Name
	}
	a.routing(p.r, p.me)
	role := createdRole(a)
	if args.Role == nil {
		if err := checkBoundary(a, args.RoleOptions); err != nil {
			return nil, err
		}
	} else {
		role = broughtDeliveryRole(p.brought, !args.SkipGrants)
	}
	if err := a.checkTargetPolicies(role); err != nil {
		return nil, err
	}
	checkAdoptFunction(errs, args)
	if p.alarms, err = checkAlarms(a.ctx, errs, args.Alarms, configAlarmNeeds(p.r, !isNil(args.DeadLetter), true), ""); err != nil {
		return nil, err
	}
	if p.alarms != nil {
		p.alarms.into = &p.c.Alarms
	}
	if prev, ok := configsOf(a.ctx).check(functionKeys(nil, p.ownID(a)), p.qualifier, errs.component); !ok {
		errs.add("Function.Name", "%s", duplicateConfig(p.fnName, p.qualifier, prev))
	}
	p.loopNode = -1
	if errs.err() == nil {
		name := p.fnName
		if name == "" {
			name = a.name
		}
		if p.loopNode, err = a.checkLoops(functionKeys(nil, p.ownID(a)), name); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkPublish checks Function.Publish of a function with an alias, which
// needs a published version: true or unset. The function is published.
func checkPublish(a *assembly, in pulumi.BoolPtrInput) (pulumi.BoolPtrInput, error) {
	var checks phase.Checks
	err := checks.Now(a.ctx, phase.Known(func(v []any) error {
		if b, ok := v[0].(bool); ok && !b {
			return errors.New(publishProblem)
		}
		return nil
	}), in)
	if err := a.errs.fault("Function.Publish", err); err != nil {
		return nil, err
	}
	if checks.Empty() {
		return pulumi.Bool(true), nil
	}
	component := a.errs.component
	return phase.Gate[*bool](&checks, pulumi.Bool(true).ToBoolPtrOutput(), func(err error) error {
		return inputErrorOf(component, "Function.Publish", err)
	}).(pulumi.BoolPtrOutput), nil
}

// registered claims the config's function and qualifier and creates the
// role unless one was brought; the grants go to the role.
func (p *functionPlan) registered(a *assembly) (pulumi.StringInput, error) {
	configsOf(a.ctx).claim(functionKeys(nil, p.ownID(a)), p.qualifier, a.errs.component)
	if p.brought != nil {
		p.role = p.brought.ref(a.errs.component)
	} else {
		var adopt []pulumi.ResourceOption
		if p.args.Adopt != nil {
			adopt = adoptOpts(p.args.Adopt.Role)
		}
		created, err := newExecutionRole(a.ctx, a.name, a.place.Partition, p.args.RoleOptions, p.args.Tags, p.c, adopt...)
		if err != nil {
			return nil, err
		}
		p.c.Role = created
		p.role = roleRef{created: created, name: created.Name, arn: created.Arn}
	}
	if p.args.SkipGrants {
		return nil, nil
	}
	p.ready = newPolicyReady()
	failed, err := policyFailedHook(a.ctx, FunctionType, a.name, p.ready)
	if err != nil {
		return nil, err
	}
	p.failed = failed
	return p.role.name, nil
}

// deliver creates the function (and its alias) and describes its invoke
// config.
func (p *functionPlan) deliver(a *assembly, b *buildEnv, built builtRouting, policy *iam.RolePolicy) (*configWrite, error) {
	c := p.c
	c.Policy = policy
	var err error
	if c.Function, err = p.function(a, b, built, b.policies); err != nil {
		return nil, err
	}
	if p.args.RecursiveLoop != "" {
		c.RecursionConfig, err = lambda.NewFunctionRecursionConfig(a.ctx, a.name+"-recursion", &lambda.FunctionRecursionConfigArgs{
			FunctionName:  c.Function.Name,
			RecursiveLoop: pulumi.String(string(p.args.RecursiveLoop)),
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
	}
	keys := functionKeys(c.Function, nil)
	configsOf(a.ctx).claim(keys, p.qualifier, a.errs.component)
	configsOf(a.ctx).knownAs(p.loopNode, functionKey{res: c.Function})
	w := &configWrite{fn: c.Function.Name, qualifier: pulumi.String(latest).ToStringOutput(), source: pulumi.Sprintf("%s:%s", c.Function.Arn, latest),
		field: "Function.Name", keys: keys, own: true, r: p.r, into: &c.InvokeConfig}
	var adopt Adopt
	if p.args.Adopt != nil {
		adopt = *p.args.Adopt
	}
	w.opts = adoptedConfigOpts(adopt.InvokeConfig)
	if alias := p.args.Alias; alias != "" {
		c.Alias, err = lambda.NewAlias(a.ctx, a.name+"-"+alias, &lambda.AliasArgs{
			Name:            pulumi.String(alias),
			FunctionName:    c.Function.Name,
			FunctionVersion: c.Function.Version,
		}, append([]pulumi.ResourceOption{pulumi.Parent(c)}, adoptOpts(adopt.Alias)...)...)
		if err != nil {
			return nil, err
		}
		w.qualifier, w.source, w.deps = c.Alias.Name, c.Alias.Arn, []pulumi.Resource{c.Alias}
	}
	return w, nil
}

// outputs sets the Function's fields.
func (p *functionPlan) outputs(built builtRouting, w *configWrite) {
	c := p.c
	c.QualifiedArn, c.Qualifier = w.source, w.qualifier
	c.OnSuccessCreated, c.OnFailureCreated, c.DeadLetterCreated = built.created(slotSuccess), built.created(slotFailure), built.created(slotDeadLetter)
	c.FunctionArn, c.FunctionName, c.RoleArn = c.Function.Arn, c.Function.Name, p.role.arn
	c.OnSuccessArn, c.OnFailureArn, c.DeadLetterArn = built.arnPtr(slotSuccess), built.arnPtr(slotFailure), built.arnPtr(slotDeadLetter)
	c.GrantsSkipped = pulumi.Bool(p.args.SkipGrants).ToBoolOutput()
}

// function creates the lambda.Function: on the role (its ARN checked
// against the provider's place when that was not known while the program
// ran, and waiting for the grant policies when the component's hook saw
// the role change, see gatedRole), with the dead-letter target, with the
// hook that guards a change of role (see functionHook) and, with a
// dead-letter target, waiting for the grants on every write.
func (p *functionPlan) function(a *assembly, b *buildEnv, built builtRouting, policies []*iam.RolePolicy) (*lambda.Function, error) {
	c := p.c
	fnArgs := p.args.Function
	fnArgs.Role = p.role.arn
	if p.brought != nil && p.brought.r.Role == nil && (a.place.Partition == "" || a.place.Account == "") {
		// The place was not all known while the program ran (an explicit
		// provider during an update): the role's ARN is checked against
		// the provider's answer before the function takes it.
		i, component := b.identity(), a.errs.component
		fnArgs.Role = pulumi.All(p.role.arn, i.partition, i.region, i.account).ApplyT(func(v []any) (string, error) {
			at := lambdafacts.Place{Partition: v[1].(string), Region: v[2].(string), Account: v[3].(string)}
			if err := lambdafacts.CheckRolePlace(v[0].(string), at); err != nil {
				return "", inputErrorOf(component, "Role.Arn", err)
			}
			return v[0].(string), nil
		}).(pulumi.StringOutput)
	}
	fnArgs.Tags = mergeTags(p.args.Tags, p.args.Function.Tags)
	fnArgs.Publish = p.publish
	fnOpts := []pulumi.ResourceOption{pulumi.Parent(c)}
	if p.args.Adopt != nil {
		fnOpts = append(fnOpts, adoptOpts(p.args.Adopt.Function)...)
	}
	if len(policies) > 0 {
		fnArgs.Role = gatedRole(a.ctx, c, p.key, a.errs.component, fnArgs.Role.ToStringOutput(), p.rc, policies)
		hook, err := functionHook(a.ctx, FunctionType, a.name, a.errs.component, p.rc, p.ready)
		if err != nil {
			return nil, err
		}
		if hook != nil {
			p.ready.watch(policies)
			fnOpts = append(fnOpts, pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}))
		}
	}
	if dl := built.route(slotDeadLetter); dl != nil {
		fnArgs.DeadLetterConfig = &lambda.FunctionDeadLetterConfigArgs{TargetArn: dl.arn}
		if c.Policy != nil {
			fnOpts = append(fnOpts, pulumi.DependsOn([]pulumi.Resource{c.Policy}))
		}
	}
	fn, err := lambda.NewFunction(a.ctx, a.name, &fnArgs, fnOpts...)
	if err != nil {
		return nil, err
	}
	if p.key != "" {
		configsOf(a.ctx).waits.add(p.key, a.errs.component, fn, lambdaTargets(p.r.dests))
	}
	return fn, nil
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

const skipGrantsProblem = "is true but the component creates the function's role, which would then have no grant for its destinations or dead-letter target; " +
	"allowed: false, or bring the role with Role (and grant it yourself)"

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

// ownID is the identity of the component's function when its name is
// known now: in the place of the component's provider.
func (p *functionPlan) ownID(a *assembly) *lambdafacts.FunctionID {
	if p.fnName == "" {
		return nil
	}
	id := lambdafacts.Deployed(p.fnName, a.place, "")
	return &id
}

// checkTags checks the tags a resource of the component gets, the
// component's and the resource's own together, when both are known now.
func checkTags(a *assembly, field string, component, own pulumi.StringMapInput) error {
	keys := map[string]bool{}
	for _, in := range []pulumi.StringMapInput{component, own} {
		if isNil(in) {
			continue
		}
		v, err := phase.Read(a.ctx, in)
		if err != nil {
			return err
		}
		if !v.Known {
			return nil
		}
		m, _ := v.V.(map[string]string)
		for k := range m {
			keys[k] = true
		}
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Strings(list)
	a.errs.addErr(field, lambdafacts.CheckTags(list))
	return nil
}
