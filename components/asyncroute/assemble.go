package asyncroute

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// assembly is the work the components share, in the order they do it:
// check the args (every fault reported together, nothing registered while
// any is left), then finish: register the component, build the routes,
// write the grant policy, the resource that delivers records and the
// invoke config, and register the outputs.
type assembly struct {
	ctx  *pulumi.Context
	name string
	errs *errorList
	// place is where the component deploys, as known while the program
	// runs (see placeNow).
	place lambdafacts.Place
	// targets are the checked destinations by slot.
	targets map[lambdafacts.Slot]*target
}

// description is a component as its constructor describes it once its
// args are checked; finish builds it from this and the blueprint's steps.
type description struct {
	typ       string                   // the component's type token
	component pulumi.ComponentResource // its pulumi-tagged fields are its outputs
	inputs    pulumi.Map               // the plain choices, recorded as the component's inputs
	opts      []pulumi.ResourceOption  // the caller's options (for the component only)
	tags      pulumi.StringMapInput    // added to every child that takes tags
	me        self                     // the configured function, for the self checks
	source    *mappingSource           // a mapping's event source; nil for an invoke config
	policy    string                   // the grant policy's name after the component's: "async-grants"
	alarms    *alarmPlan               // the CloudWatch alarms asked for; nil for none
	// policyOpts are added to the grant policy's options (Adopt.Policy's
	// alias).
	policyOpts []pulumi.ResourceOption
}

// blueprint is the part of a component's construction that differs by
// kind; finish calls its steps in order.
type blueprint interface {
	// registered runs once the component is registered, before its
	// routes are built (claims, a created role); it returns the role the
	// grants go to, nil for none.
	registered(a *assembly) (pulumi.StringInput, error)
	// deliver creates what delivers records once the grant policy exists
	// (nil when nothing is granted): the function, the mapping. It
	// returns the invoke config to write, nil for none.
	deliver(a *assembly, b *buildEnv, built builtRouting, policy *iam.RolePolicy) (*configWrite, error)
	// outputs sets the component's fields once everything is created; w
	// is the invoke config deliver described, nil for none.
	outputs(built builtRouting, w *configWrite)
}

// configWrite is the invoke config a component writes.
type configWrite struct {
	fn        pulumi.StringInput  // the function's name or ARN
	qualifier pulumi.StringOutput // the qualifier the config is for
	source    pulumi.StringOutput // the function's ARN qualified as the config is
	// field takes the fault of a second config for the function and
	// qualifier; keys identify the function besides its name.
	field string
	keys  []functionKey
	// own says the config is on the component's own function, whose
	// identity is its provider's place.
	own  bool
	deps []pulumi.Resource // what the config waits for besides grants and routes
	opts []pulumi.ResourceOption
	r    routing
	into **lambda.FunctionEventInvokeConfig
}

// finish registers the component described by d when no fault was found
// and builds it: routes, grant policy, what bp delivers, the invoke
// config, and the outputs (see outputsOf).
func (a *assembly) finish(d description, bp blueprint) error {
	if err := a.errs.err(); err != nil {
		return err
	}
	if err := a.ctx.RegisterComponentResourceV2(d.typ, a.name, d.inputs, d.component, d.opts...); err != nil {
		return err
	}
	grantTo, err := bp.registered(a)
	if err != nil {
		return err
	}
	b := newBuildEnv(a.ctx, d.component, a.name, d.tags)
	b.component, b.provider = a.errs.component, a.place.Provider
	b.grantTo, b.source = grantTo, d.source
	if g, ok := bp.(interface {
		grantOptions() []pulumi.ResourceOption
	}); ok {
		b.grantOpts = g.grantOptions()
	}
	built, err := buildRouting(b, a.errs.component, a.targets, d.me)
	if err != nil {
		return err
	}
	var policy *iam.RolePolicy
	if grantTo != nil {
		grants := built.grants
		if d.source != nil {
			grants = append(d.source.grants(), grants...)
		}
		if policy, err = b.grantPolicy(a.name+"-"+d.policy, grants, d.policyOpts...); err != nil {
			return err
		}
	}
	w, err := bp.deliver(a, b, built, policy)
	if err != nil {
		return err
	}
	if w != nil {
		after, err := built.createAfter(b, w.source)
		if err != nil {
			return err
		}
		i := b.identity()
		at := deployPlace{provider: a.place.Provider, partition: i.partition, region: i.region, account: i.account}
		fn := claimAtDeploy(a.ctx, a.errs.component, w.field, w.fn, w.qualifier, at, w.own, w.keys)
		if *w.into, err = invokeConfig(a.ctx, a.name, fn, w.qualifier, w.r, built, policy, d.component, append(w.deps, after...), w.opts...); err != nil {
			return err
		}
	}
	if err := d.alarms.create(a, d, w); err != nil {
		return err
	}
	bp.outputs(built, w)
	outputs, err := outputsOf(d.component)
	if err != nil {
		return err
	}
	return a.ctx.RegisterResourceOutputs(d.component, outputs)
}

// outputsOf is a component's outputs as RegisterResourceOutputs takes
// them: every field tagged `pulumi:"<name>"`, by that name. A tagged field
// left unset is an error, so an output is neither left out of the map nor
// registered unset.
func outputsOf(c pulumi.ComponentResource) (pulumi.Map, error) {
	v := reflect.ValueOf(c).Elem()
	m := pulumi.Map{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		tag, ok := f.Tag.Lookup("pulumi")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		var in pulumi.Input
		if f.IsExported() && !v.Field(i).IsZero() {
			in, _ = v.Field(i).Interface().(pulumi.Input)
		}
		if in == nil {
			return nil, fmt.Errorf("asyncroute: %s.%s (output %q) is not set", v.Type().Name(), f.Name, name)
		}
		m[name] = in
	}
	return m, nil
}

// start begins a component of kind (Function, AsyncInvoke,
// EventSourceMapping): an empty name and nil args are the first faults.
func start(ctx *pulumi.Context, kind, name string, argsNil bool, argsHint string, opts []pulumi.ResourceOption) (*assembly, error) {
	a := &assembly{ctx: ctx, name: name, errs: &errorList{component: fmt.Sprintf("%s %q", kind, name)}, targets: map[lambdafacts.Slot]*target{}}
	place, err := placeNow(ctx, opts)
	if err != nil {
		return nil, err
	}
	a.place = place
	if name == "" {
		a.errs.add("name", "is empty; allowed: a non-empty name (it prefixes the name of every child)")
	}
	a.errs.addErr("name", lambdafacts.CheckDerivedName(name))
	if argsNil {
		a.errs.add("args", "is nil; allowed: %s", argsHint)
		return nil, a.errs.err()
	}
	return a, nil
}

// env is the environment a destination of slot is checked in.
func (a *assembly) env(slot lambdafacts.Slot, src *mappingSource) *resolveEnv {
	return &resolveEnv{ctx: a.ctx, component: a.errs.component, field: fieldOf(slot), source: src, place: a.place}
}

// route checks one destination in a slot.
func (a *assembly) route(slot lambdafacts.Slot, d Destination, me self, src *mappingSource) {
	if t := checkTarget(a.env(slot, src), a.errs, slot, d, me); t != nil {
		a.targets[slot] = t
	}
}

// routing checks an invoke config's routing.
func (a *assembly) routing(r routing, me self) {
	checkRetries(a.errs, r)
	if len(r.dests) == 0 && r.maxRetries == nil && r.maxEventAge == nil {
		a.errs.add(r.fields, "none is set, so there is nothing to route; allowed: set at least one")
	}
	for _, slot := range lambdafacts.Slots {
		if d, ok := r.dests[slot]; ok {
			a.route(slot, d, me, nil)
		}
	}
}

// routingInputs records the plain choices as the component's inputs, so
// that they show in the engine's state and in policy checks.
func (a *assembly) routingInputs(r routing, qualifier string, skipGrants bool) pulumi.Map {
	m := pulumi.Map{"qualifier": pulumi.String(qualifier), "skipGrants": pulumi.Bool(skipGrants)}
	if r.maxRetries != nil {
		m["maxRetries"] = pulumi.Int(*r.maxRetries)
	}
	if r.maxEventAge != nil {
		m["maxEventAgeSeconds"] = pulumi.Int(int(*r.maxEventAge / time.Second))
	}
	for _, slot := range []lambdafacts.Slot{slotSuccess, slotFailure, slotDeadLetter} {
		if t := a.targets[slot]; t != nil {
			m[slot.InputKey()] = t.kindInput()
		}
	}
	return m
}

// grantPolicy creates an inline policy holding grants on the role the
// component grants to, or nothing when there is nothing to grant. It is
// named after its document (see policyName) and so replaced, not updated,
// when the document changes (see grantPolicyOptions).
//
// Its document counts towards the role's inline policy size, with every
// other grant policy of the program on that role (see
// configSet.addRoleDocument): a document that would take the role over
// IAM's limit fails the policy's input, so it is never written.
func (b *buildEnv) grantPolicy(logical string, grants []grant, extra ...pulumi.ResourceOption) (*iam.RolePolicy, error) {
	if len(grants) == 0 {
		return nil, nil
	}
	all := make([]any, len(grants))
	for i, g := range grants {
		all[i] = g
	}
	doc := pulumi.All(all...).ApplyT(func(resolved []any) string {
		var perms []Permission
		for _, r := range resolved {
			p, _ := r.([]Permission)
			perms = append(perms, p...)
		}
		return iampolicy.Grant(perms).JSON()
	}).(pulumi.StringOutput)
	configs := configsOf(b.ctx)
	base := configs.policyBase(logical)
	name := doc.ApplyT(func(d string) string { return policyName(base, d) }).(pulumi.StringOutput)
	component := b.component
	checked := pulumi.All(b.grantTo, doc).ApplyT(func(v []any) (string, error) {
		role, d := v[0].(string), v[1].(string)
		if err := configs.addRoleDocument(role, base, lambdafacts.PolicySize(d)); err != nil {
			return "", inputErrorOf(component, "Role", err)
		}
		return d, nil
	}).(pulumi.StringOutput)
	p, err := iam.NewRolePolicy(b.ctx, logical, &iam.RolePolicyArgs{Role: b.grantTo, Policy: checked, Name: name}, grantPolicyOptions(b.parent, append(append([]pulumi.ResourceOption{}, b.grantOpts...), extra...)...)...)
	if err != nil {
		return nil, err
	}
	b.policies = append(b.policies, p)
	return p, nil
}

// invokeConfig creates the invoke config after the grant policy and
// everything the routes need (extraDeps), with extraOpts (an adopted
// config's alias).
func invokeConfig(ctx *pulumi.Context, name string, fn, qualifier pulumi.StringInput, r routing, built builtRouting, policy *iam.RolePolicy, parent pulumi.Resource, extraDeps []pulumi.Resource, extraOpts ...pulumi.ResourceOption) (*lambda.FunctionEventInvokeConfig, error) {
	args := &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:      fn,
		Qualifier:         qualifier,
		DestinationConfig: built.destinationConfig(),
	}
	if r.maxRetries != nil {
		args.MaximumRetryAttempts = pulumi.IntPtr(*r.maxRetries)
	}
	if r.maxEventAge != nil {
		args.MaximumEventAgeInSeconds = pulumi.IntPtr(int(*r.maxEventAge / time.Second))
	}
	deps := append([]pulumi.Resource{}, extraDeps...)
	if policy != nil {
		deps = append(deps, policy)
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	if len(deps) > 0 {
		opts = append(opts, pulumi.DependsOn(deps))
	}
	opts = append(opts, extraOpts...)
	return lambda.NewFunctionEventInvokeConfig(ctx, name+"-async-config", args, opts...)
}

// isNil says whether an input, destination or option was left out.
func isNil(v any) bool { return phase.IsNil(v) }
