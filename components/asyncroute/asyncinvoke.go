package asyncroute

import (
	"fmt"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AsyncInvokeType is the type token of [AsyncInvoke].
const AsyncInvokeType = "asyncroute:lambda:AsyncInvoke"

// AsyncInvokeArgs configures [NewAsyncInvoke]. Give the function as a
// resource (Function) or by name or ARN (FunctionName), and the role to
// grant to (Role) unless SkipGrants is set.
type AsyncInvokeArgs struct {
	// Function is the function to configure, when it is in this program.
	Function *lambda.Function
	// FunctionName is the name or ARN of the function, when Function is
	// not given.
	FunctionName pulumi.StringInput
	// Qualifier is the version or alias the config applies to; default
	// $LATEST. Pass an alias's Name output so the config waits for it.
	Qualifier pulumi.StringInput
	// Role is the function's execution role, which receives the grants.
	Role *ExistingRole
	// SkipGrants attaches no grant policy (GrantsSkipped output is true).
	SkipGrants bool

	// OnSuccess receives a record for each successful invocation. Not S3.
	OnSuccess Destination
	// OnFailure receives a record when retries are exhausted or the event
	// is too old.
	OnFailure Destination
	// MaxRetries: 0, 1 or 2; nil leaves Lambda's default (2).
	MaxRetries *int
	// MaxEventAge: 60s to 6h in whole seconds; nil leaves Lambda's default.
	MaxEventAge *time.Duration

	// Alarms, when set, creates CloudWatch alarms on the metrics that mean
	// records of the configured qualifier are being lost (see [Alarms]).
	// The component does not know the function's dead-letter target:
	// DeadLetterErrors is created only when asked for, and
	// AsyncEventsDropped whenever there is no OnFailure.
	Alarms *Alarms

	// Adopt names a deployed grant policy and invoke config of the stack
	// that the component takes over (Policy and InvokeConfig only).
	Adopt *Adopt
}

// AsyncInvoke is asynchronous-invocation routing attached to a function
// that already exists: one grant policy on its role and the invoke config.
type AsyncInvoke struct {
	pulumi.ResourceState

	// Policy is the inline policy on the function's role; nil when nothing
	// is granted.
	Policy *iam.RolePolicy
	// InvokeConfig is the function's asynchronous invoke config.
	InvokeConfig *lambda.FunctionEventInvokeConfig
	// OnSuccessCreated and OnFailureCreated hold what the component
	// created for that field (see [CreatedTarget]); nil when nothing.
	OnSuccessCreated, OnFailureCreated *CreatedTarget
	// Alarms are the CloudWatch alarms AsyncInvokeArgs.Alarms asked for,
	// by metric name; nil without it.
	Alarms map[string]*cloudwatch.MetricAlarm

	FunctionName pulumi.StringOutput `pulumi:"functionName"` // the function's name or ARN as given
	// QualifiedArn is the ARN of the qualifier that has the invoke config;
	// give it to asynchronous invokers.
	QualifiedArn  pulumi.StringOutput    `pulumi:"qualifiedArn"`
	Qualifier     pulumi.StringOutput    `pulumi:"qualifier"`     // $LATEST or the qualifier given
	OnSuccessArn  pulumi.StringPtrOutput `pulumi:"onSuccessArn"`  // nil when none
	OnFailureArn  pulumi.StringPtrOutput `pulumi:"onFailureArn"`  // nil when none
	GrantsSkipped pulumi.BoolOutput      `pulumi:"grantsSkipped"` // true when SkipGrants was set
}

// NewAsyncInvoke attaches destinations, retry settings and grants to an
// existing function. Bad input returns an error before anything is
// registered. Functions made with [NewFunction] already have their config;
// a second one for the same qualifier is an error.
func NewAsyncInvoke(ctx *pulumi.Context, name string, args *AsyncInvokeArgs, opts ...pulumi.ResourceOption) (*AsyncInvoke, error) {
	a, err := start(ctx, "AsyncInvoke", name, args == nil, "&asyncroute.AsyncInvokeArgs{...}", opts)
	if err != nil {
		return nil, err
	}
	p, err := checkAsyncInvoke(a, args)
	if err != nil {
		return nil, err
	}
	// The component records the qualifier only when the program gave it
	// by literals: one derived from an output is known at a preview of a
	// deployed stack but not during an update, and a recorded input that
	// differs between the two would show as a change on every preview.
	recorded := p.fn.qualifier
	if !p.fn.literal {
		recorded = ""
	}
	d := description{typ: AsyncInvokeType, component: p.c, inputs: a.routingInputs(p.r, recorded, args.SkipGrants),
		opts: opts, me: p.fn.me, policy: "async-grants", alarms: p.alarms}
	if args.Adopt != nil {
		d.policyOpts = adoptOpts(args.Adopt.Policy)
	}
	if err := a.finish(d, p); err != nil {
		return nil, err
	}
	return p.c, nil
}

// asyncInvokePlan is an AsyncInvoke once its args are checked.
type asyncInvokePlan struct {
	args *AsyncInvokeArgs
	c    *AsyncInvoke
	r    routing
	fn   configuredFunction
	role *broughtRole
	// keys identify the function now; deployKeys at deploy time, with its
	// name then known.
	keys, deployKeys []functionKey
	alarms           *alarmPlan
}

// checkAsyncInvoke checks an AsyncInvoke's args, adding every fault to
// a.errs.
func checkAsyncInvoke(a *assembly, args *AsyncInvokeArgs) (*asyncInvokePlan, error) {
	p := &asyncInvokePlan{args: args, c: &AsyncInvoke{},
		r: routing{dests: dests(map[lambdafacts.Slot]Destination{slotSuccess: args.OnSuccess, slotFailure: args.OnFailure}),
			maxRetries: args.MaxRetries, maxEventAge: args.MaxEventAge,
			fields: "OnSuccess, OnFailure, MaxRetries, MaxEventAge"}}
	var err error
	if p.fn, err = checkConfiguredFunction(a, args); err != nil {
		return nil, err
	}
	if p.role, err = checkGrantRole(a.ctx, a.errs, args.Role, args.SkipGrants); err != nil {
		return nil, err
	}
	a.routing(p.r, p.fn.me)
	if err := a.checkTargetPolicies(broughtDeliveryRole(p.role, !args.SkipGrants)); err != nil {
		return nil, err
	}
	checkAdoptAsyncInvoke(a.errs, args.Adopt)
	if p.alarms, err = checkAlarms(a.ctx, a.errs, args.Alarms, configAlarmNeeds(p.r, false, false), ""); err != nil {
		return nil, err
	}
	if p.alarms != nil {
		p.alarms.into = &p.c.Alarms
	}
	var res pulumi.Resource
	if args.Function != nil {
		res = args.Function
	}
	var id *lambdafacts.FunctionID
	if p.fn.ref.Name != "" {
		resolved := p.fn.ref.In(a.place)
		id = &resolved
	}
	p.keys, p.deployKeys = functionKeys(res, id), functionKeys(res, nil)
	for _, f := range p.fn.depFns {
		p.keys = append(p.keys, functionKeys(f, nil)...)
		p.deployKeys = append(p.deployKeys, functionKeys(f, nil)...)
	}
	if q := p.fn.qualifier; q != "" {
		if prev, ok := configsOf(a.ctx).check(p.keys, q, a.errs.component); !ok {
			label := p.fn.ref.Name // a function given as a resource is named by its Pulumi name
			if args.Function != nil {
				label = args.Function.PulumiResourceName()
			}
			a.errs.add("Qualifier", "%s", duplicateConfig(label, q, prev))
		}
	}
	if a.errs.err() == nil {
		name := p.fn.ref.Name
		if args.Function != nil {
			name = args.Function.PulumiResourceName()
		}
		if _, err := a.checkLoops(p.keys, name); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// configuredFunction is the function an AsyncInvoke configures, as far as
// it is known while the program runs.
type configuredFunction struct {
	in pulumi.StringInput // its reference: name or ARN, maybe qualified
	me self
	// ref is the reference when known now (a function given as a
	// resource carries no qualifier in its name).
	ref lambdafacts.FunctionRef
	// depFns are the functions of this program a name output comes from
	// (an auto-named NewFunction's FunctionName, say).
	depFns []pulumi.Resource
	// qualifier is the config's qualifier, "" when it is known only at
	// deploy time; literal says the reference and Qualifier hold no
	// output.
	qualifier string
	literal   bool
}

// checkConfiguredFunction checks Function or FunctionName, and Qualifier:
// given, carried by the reference, or $LATEST.
func checkConfiguredFunction(a *assembly, args *AsyncInvokeArgs) (configuredFunction, error) {
	errs := a.errs
	f := configuredFunction{literal: true}
	refQualifierKnown := true
	switch {
	case !oneFunction(errs, args.Function, args.FunctionName):
	case args.Function != nil:
		f.in, f.me = args.Function.Name, self{res: args.Function, name: args.Function.Name}
		n, err := phase.Read(a.ctx, args.Function.Name)
		if err != nil {
			return f, err
		}
		f.ref = lambdafacts.FunctionRef{Name: n.Str()}
	default:
		f.in, f.me = args.FunctionName, self{name: args.FunctionName}
		n, err := phase.Read(a.ctx, args.FunctionName)
		if err != nil {
			return f, err
		}
		for _, d := range n.Deps {
			if fn, ok := d.(*lambda.Function); ok {
				f.depFns = append(f.depFns, fn)
			}
		}
		refQualifierKnown, f.literal = n.Known, n.Literal
		if f.ref, err = lambdafacts.ParseFunctionRef(n.Str()); err != nil {
			errs.addErr("FunctionName", err)
		}
	}
	explicit, explicitKnown := "", true
	if !isNil(args.Qualifier) {
		q, err := phase.Read(a.ctx, args.Qualifier)
		if err != nil {
			return f, err
		}
		explicit, explicitKnown, f.literal = q.Str(), q.Known, f.literal && q.Literal
		if q.Known && q.Str() == "" {
			errs.addErr("Qualifier", lambdafacts.CheckQualifier(""))
		}
	}
	if refQualifierKnown && explicitKnown {
		q, err := resolveQualifier(f.ref, explicit)
		if err != nil {
			errs.addErr(err.field, err.err)
		}
		f.qualifier = q
	}
	return f, nil
}

// oneFunction checks that exactly one of Function and FunctionName is set.
func oneFunction(errs *errorList, fn *lambda.Function, name pulumi.StringInput) bool {
	switch {
	case fn != nil && !isNil(name):
		errs.add("Function", "both Function and FunctionName are set; allowed: one of them")
	case fn == nil && isNil(name):
		errs.add("Function", "neither Function nor FunctionName is set; allowed: the *lambda.Function, or its name or ARN")
	default:
		return true
	}
	return false
}

// registered claims the config's function and qualifier; the grants go to
// the brought role.
func (p *asyncInvokePlan) registered(a *assembly) (pulumi.StringInput, error) {
	if q := p.fn.qualifier; q != "" {
		configsOf(a.ctx).claim(p.keys, q, a.errs.component)
	}
	return p.role.grantTo(a.errs.component, p.args.SkipGrants), nil
}

// deliver describes the invoke config: for the function without a
// qualifier, and the qualifier, worked out from the reference and
// Qualifier once they are known (with the checks they passed now, for
// values known only at deploy time).
func (p *asyncInvokePlan) deliver(a *assembly, b *buildEnv, built builtRouting, policy *iam.RolePolicy) (*configWrite, error) {
	c := p.c
	c.Policy = policy
	var qualIn pulumi.Input = pulumi.String("")
	if !isNil(p.args.Qualifier) {
		qualIn = p.args.Qualifier
	}
	component := a.errs.component
	id := b.identity()
	target := pulumi.All(p.fn.in, qualIn, id.partition, id.region, id.account).ApplyT(func(v []any) ([]string, error) {
		ref, err := lambdafacts.ParseFunctionRef(v[0].(string))
		if err != nil {
			return nil, inputErrorOf(component, "FunctionName", err)
		}
		q, qerr := resolveQualifier(ref, v[1].(string))
		if qerr != nil {
			return nil, inputErrorOf(component, qerr.field, qerr.err)
		}
		return []string{configFunctionName(ref, v[2].(string), v[3].(string), v[4].(string)), q}, nil
	}).(pulumi.StringArrayOutput)
	fn, qualifier := target.Index(pulumi.Int(0)), target.Index(pulumi.Int(1))
	if p.fn.qualifier != "" {
		qualifier = pulumi.String(p.fn.qualifier).ToStringOutput()
	}
	w := &configWrite{fn: fn, qualifier: qualifier, source: qualifiedSource(b, p.args.Function, fn, qualifier),
		field: "Qualifier", keys: p.deployKeys, r: p.r, into: &c.InvokeConfig}
	if p.args.Adopt != nil {
		w.opts = adoptedConfigOpts(p.args.Adopt.InvokeConfig)
	}
	return w, nil
}

// configFunctionName is how the invoke config names its function: by name
// when the function is in the provider's partition, region and account
// (however the program named it: name, name:qualifier, partial or full
// ARN), else by its unqualified ARN (a partial ARN of another account
// becomes the full ARN in the provider's partition and region, so that
// the account it names is kept); the qualifier goes in the config's
// qualifier. So a program that names the same function another way
// updates the config in place: the provider replaces a config whose
// functionName changes, and a replacement of the one config a function
// and qualifier have writes it and then deletes it.
func configFunctionName(ref lambdafacts.FunctionRef, partition, region, account string) string {
	switch a := ref.ARN; {
	case a != nil && a.Partition == partition && a.Region == region && a.Account == account:
		return ref.Name
	case a != nil:
		return lambdafacts.UnqualifiedFunctionARN(a.String())
	case ref.Account != "" && ref.Account != account:
		return lambdafacts.ARN{Partition: partition, Service: "lambda", Region: region, Account: ref.Account, Resource: "function:" + ref.Name}.String()
	}
	return ref.Name
}

// outputs sets the AsyncInvoke's fields.
func (p *asyncInvokePlan) outputs(built builtRouting, w *configWrite) {
	c := p.c
	c.FunctionName, c.Qualifier, c.QualifiedArn = p.fn.in.ToStringOutput(), w.qualifier, w.source
	c.OnSuccessCreated, c.OnFailureCreated = built.created(slotSuccess), built.created(slotFailure)
	c.OnSuccessArn, c.OnFailureArn = built.arnPtr(slotSuccess), built.arnPtr(slotFailure)
	c.GrantsSkipped = pulumi.Bool(p.args.SkipGrants).ToBoolOutput()
}

// qualifierError is a qualifier fault and the field it is reported on.
type qualifierError struct {
	field string
	err   error
}

// resolveQualifier works out the qualifier of a config: the one given
// (explicit; "" when not), the one the function reference carries, or
// $LATEST. They must agree; a version starts at 1.
func resolveQualifier(ref lambdafacts.FunctionRef, explicit string) (string, *qualifierError) {
	if explicit != "" {
		if err := lambdafacts.CheckQualifier(explicit); err != nil {
			return "", &qualifierError{"Qualifier", err}
		}
	}
	if ref.Qualifier != "" {
		if err := lambdafacts.CheckQualifier(ref.Qualifier); err != nil {
			return "", &qualifierError{"FunctionName", err}
		}
	}
	q, err := lambdafacts.ResolveQualifier(ref, explicit)
	if err != nil {
		return "", &qualifierError{"Qualifier", err}
	}
	return q, nil
}

// qualifiedSource is the configured function's ARN qualified as the config
// is, as Lambda names it in the records it sends: from the resource, from
// an ARN given as FunctionName, or built from a name and the provider's
// partition, region and account.
func qualifiedSource(b *buildEnv, fn *lambda.Function, fnIn pulumi.StringOutput, qualifier pulumi.StringOutput) pulumi.StringOutput {
	if fn != nil {
		return pulumi.Sprintf("%s:%s", fn.Arn, qualifier)
	}
	id := b.identity()
	return pulumi.All(fnIn, qualifier, id.partition, id.region, id.account).ApplyT(func(v []any) string {
		ref, q := v[0].(string), v[1].(string)
		if strings.HasPrefix(ref, "arn:") {
			return lambdafacts.UnqualifiedFunctionARN(ref) + ":" + q
		}
		return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s:%s", v[2], v[3], v[4], ref, q)
	}).(pulumi.StringOutput)
}
