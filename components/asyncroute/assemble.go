package asyncroute

import (
	"fmt"
	"time"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// assembly is the work the components share, in the order they do it:
// check the args (every fault reported together, nothing registered while
// any is left), register the component, build the routes, write the grant
// policy, register the outputs.
type assembly struct {
	ctx  *pulumi.Context
	name string
	errs *errorList
	// targets are the checked destinations by slot.
	targets map[lambdafacts.Slot]*target
}

// start begins a component of kind (Function, AsyncInvoke,
// EventSourceMapping): an empty name and nil args are the first faults.
func start(ctx *pulumi.Context, kind, name string, argsNil bool, argsHint string) (*assembly, error) {
	a := &assembly{ctx: ctx, name: name, errs: &errorList{component: fmt.Sprintf("%s %q", kind, name)}, targets: map[lambdafacts.Slot]*target{}}
	if name == "" {
		a.errs.add("name", "is empty; allowed: a non-empty name (it prefixes the name of every child)")
	}
	if argsNil {
		a.errs.add("args", "is nil; allowed: %s", argsHint)
		return nil, a.errs.err()
	}
	return a, nil
}

// env is the environment a destination of slot is checked in.
func (a *assembly) env(slot lambdafacts.Slot, src *mappingSource) *resolveEnv {
	return &resolveEnv{ctx: a.ctx, component: a.errs.component, field: fieldOf(slot), source: src}
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

// register registers the component when no fault was found.
func (a *assembly) register(typ string, c pulumi.ComponentResource, inputs pulumi.Map, opts []pulumi.ResourceOption) error {
	if err := a.errs.err(); err != nil {
		return err
	}
	return a.ctx.RegisterComponentResourceV2(typ, a.name, inputs, c, opts...)
}

// build builds the routes; grantTo is the role the grants go to (nil for
// none).
func (a *assembly) build(c pulumi.Resource, tags pulumi.StringMapInput, grantTo pulumi.StringInput, me self, src *mappingSource) (*buildEnv, builtRouting, error) {
	b := newBuildEnv(a.ctx, c, a.name, tags)
	b.grantTo, b.source = grantTo, src
	built, err := buildRouting(b, a.errs.component, a.targets, me)
	return b, built, err
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

// grantPolicy creates the inline policy holding grants on role, or nothing
// when there is nothing to grant. It is replaced, never updated, when its
// document changes (see grantPolicyOptions).
func grantPolicy(ctx *pulumi.Context, policyName string, role pulumi.StringInput, grants []grant, parent pulumi.Resource) (*iam.RolePolicy, error) {
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
	return iam.NewRolePolicy(ctx, policyName, &iam.RolePolicyArgs{Role: role, Policy: doc}, grantPolicyOptions(parent)...)
}

// invokeConfig creates the invoke config after the grant policy and
// everything the routes need (extraDeps).
func invokeConfig(ctx *pulumi.Context, name string, fn, qualifier pulumi.StringInput, r routing, built builtRouting, policy *iam.RolePolicy, parent pulumi.Resource, extraDeps ...pulumi.Resource) (*lambda.FunctionEventInvokeConfig, error) {
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
	return lambda.NewFunctionEventInvokeConfig(ctx, name+"-async-config", args, opts...)
}
