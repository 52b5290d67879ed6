package asyncroute

import (
	"fmt"
	"sync"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Limits Lambda enforces on an asynchronous invoke config.
const (
	MinRetries     = 0
	MaxRetries     = 2
	MinMaxEventAge = 60 * time.Second
	MaxMaxEventAge = 6 * time.Hour
	latest         = "$LATEST"
)

// routing is the part of both components' args that describes where records
// go; it is checked and built the same way for both.
type routing struct {
	onSuccess, onFailure, deadLetter Destination
	maxRetries                       *int
	maxEventAge                      *time.Duration
	// fields names the routing fields of the component's args, for the
	// nothing-to-route error.
	fields string
}

// resolvedRouting holds the checked targets; nil where none was given.
type resolvedRouting struct {
	success, failure, deadLetter *target
}

// self identifies the function being configured, to reject it as its own
// destination: by resource, and by name (a name or function ARN input,
// nil when the function is auto-named).
type self struct {
	res  pulumi.Resource
	name pulumi.Input
}

// selfName is the configured function's name from a name or ARN value; ""
// when there is none.
func selfName(v any) string {
	s, _ := plainOf(v).(string)
	if name, err := functionNameOf(s); err == nil {
		return name
	}
	return ""
}

func selfError(what string) error {
	return fmt.Errorf("%s is the function being configured; a function must not be its own destination", what)
}

func checkRetries(errs *errorList, r routing) {
	if r.maxRetries != nil && (*r.maxRetries < MinRetries || *r.maxRetries > MaxRetries) {
		errs.add("MaxRetries", "%d is out of range; allowed: 0, 1 or 2", *r.maxRetries)
	}
	if r.maxEventAge != nil {
		d := *r.maxEventAge
		allowed := "60s to 6h (60 to 21600 whole seconds)"
		switch {
		case d%time.Second != 0:
			errs.add("MaxEventAge", "%s is not a whole number of seconds; allowed: %s", d, allowed)
		case d < MinMaxEventAge || d > MaxMaxEventAge:
			errs.add("MaxEventAge", "%s is out of range; allowed: %s", d, allowed)
		}
	}
}

// checkRouting resolves and checks every destination. Errors go to errs.
func checkRouting(ctx *pulumi.Context, errs *errorList, r routing, me self) resolvedRouting {
	checkRetries(errs, r)
	if r.onSuccess == nil && r.onFailure == nil && r.deadLetter == nil && r.maxRetries == nil && r.maxEventAge == nil {
		errs.add(r.fields, "none is set, so there is nothing to route; allowed: set at least one")
	}
	return resolvedRouting{
		success:    checkTarget(ctx, errs, "OnSuccess", r.onSuccess, me),
		failure:    checkTarget(ctx, errs, "OnFailure", r.onFailure, me),
		deadLetter: checkTarget(ctx, errs, "DeadLetter", r.deadLetter, me),
	}
}

func checkTarget(ctx *pulumi.Context, errs *errorList, field string, d Destination, me self) *target {
	return checkTargetFor(ctx, errs, field, d, me, nil)
}

// checkTargetFor resolves and checks one destination; src is the event
// source when the destination is an event source mapping's. What is known
// while the program runs is checked now; the rest is recorded in the
// target's later checks (see buildRouting).
func checkTargetFor(ctx *pulumi.Context, errs *errorList, field string, d Destination, me self, src *mappingSource) *target {
	if isNil(d) {
		return nil
	}
	env := &resolveEnv{ctx: ctx, component: errs.component, field: field, source: src}
	t, err := d.resolve(env)
	if err != nil {
		errs.addErr(field, err)
		return nil
	}
	t.field = field
	t.src = src
	if t.spec != nil && (src == nil || src.spec != nil) {
		if err := checkUse(field, t, src); err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	if t.known != "" && !t.spec.uri {
		if err := checkKnownARN(t.spec, t.known, "", ""); err != nil {
			errs.addErr(field, err)
			return nil
		}
		err := t.checkWhenKnown(env, func(v []any) error {
			if isUnknown(v[0]) {
				return errNeedsValues
			}
			return checkKnownARN(t.spec, t.known, selfName(v[0]), t.messageName(t.known))
		}, me.name)
		if err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	if me.res != nil && t.res == me.res {
		errs.addErr(field, selfError(t.describe))
		return nil
	}
	if !isNil(t.fnName) && !isNil(me.name) {
		what := t.describe
		err := t.checkWhenKnown(env, func(v []any) error {
			if isUnknown(v[0]) || isUnknown(v[1]) {
				return errNeedsValues
			}
			if name, _ := plainOf(v[0]).(string); name != "" && name == selfName(v[1]) {
				return selfError(what)
			}
			return nil
		}, t.fnName, me.name)
		if err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	return t
}

// messageName is how messages about the value arn name the target: by
// describe when it was given as a resource, from the ARN otherwise ("").
func (t *target) messageName(arn string) string {
	if t.fromResource {
		return t.describe
	}
	return ""
}

// checkUse rejects a kind in a place Lambda does not accept it. src is the
// event source of a mapping, nil for an invoke config.
func checkUse(field string, t *target, src *mappingSource) error {
	switch {
	case src != nil && !t.spec.mapping:
		return fmt.Errorf("%s cannot receive an event source mapping's failure records; allowed: %s", t.describe, src.allowedDestinations())
	case src != nil && t.spec.kafkaOnly && src.spec.kind != SourceKafka:
		return fmt.Errorf("%s can receive failure records of a Kafka source only, and this mapping reads %s; allowed: %s", t.describe, withArticle(src.spec.label), src.allowedDestinations())
	case src == nil && t.spec.kafkaOnly:
		return fmt.Errorf("%s can be the on-failure destination of a Kafka event source mapping only; allowed: %s", t.describe,
			kindList(func(s *kindSpec) bool { return field != "OnSuccess" || s.onSuccess }))
	case field == "OnSuccess" && !t.spec.onSuccess:
		return fmt.Errorf("%s can receive failure records only; allowed on success: %s", t.describe,
			kindList(func(s *kindSpec) bool { return s.onSuccess }))
	case field == "DeadLetter" && !t.spec.deadLetter:
		return fmt.Errorf("%s cannot be a dead-letter target; allowed: %s", t.describe,
			kindList(func(s *kindSpec) bool { return s.deadLetter }))
	}
	return nil
}

// checkKnownARN checks an ARN against the kind it must be, and that it is
// not the configured function's own (selfName; "" skips that check). what
// names the target in the self-destination message; "" names it by the
// function name in the ARN. It runs while the program runs for known ARNs
// and at deploy time for the others.
func checkKnownARN(k *kindSpec, arn, selfName, what string) error {
	a, err := parseARN(arn)
	if err != nil {
		return err
	}
	if Kind(a.service) != k.kind {
		return fmt.Errorf("%q is not an ARN of kind %q (%s); allowed: arn:<partition>:%s:...", arn, k.kind, k.label, k.kind)
	}
	if err := k.checkARN(a); err != nil {
		return err
	}
	if name, ok := lambdaFunctionName(a); ok && k.kind == KindLambda && selfName != "" && name == selfName {
		if what == "" {
			what = describe("Lambda function", name)
		}
		return selfError(what)
	}
	return nil
}

// deployCheck wraps a target's ARN in the checks that could not run while
// the program ran: its later checks, in order, then (for a kind decided at
// deploy) where the kind may go, then the ARN itself against its kind and
// the configured function. The invoke config, dead-letter config and
// mapping take this ARN, so a bad value fails their input and they are not
// written. Every message reads as it would at preview.
func deployCheck(component string, t *target, arn pulumi.StringOutput, me self) pulumi.StringOutput {
	var name any = pulumi.String("")
	if !isNil(me.name) {
		name = me.name
	}
	inputs := []any{arn, name}
	for _, c := range t.later {
		inputs = append(inputs, c.inputs...)
	}
	lateSrc := t.src != nil && t.src.spec == nil
	if lateSrc {
		inputs = append(inputs, t.src.arn)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		s, self := v[0].(string), selfName(v[1])
		fail := func(err error) (string, error) { return "", inputErrorOf(component, t.field, err) }
		i := 2
		for _, c := range t.later {
			vals := make([]any, len(c.inputs))
			for j := range vals {
				vals[j] = plainOf(v[i+j])
			}
			i += len(c.inputs)
			if err := c.check(vals); err != nil {
				return fail(err)
			}
		}
		spec, src := t.spec, t.src
		if lateSrc {
			k, _, err := sourceOfARN(v[len(v)-1].(string))
			if err != nil {
				return fail(err)
			}
			src = &mappingSource{spec: k}
		}
		if spec == nil {
			a, err := parseARN(s)
			if err != nil {
				return fail(err)
			}
			if spec, err = kindOfARN(a); err != nil {
				return fail(err)
			}
		}
		if spec != t.spec || src != t.src {
			late := *t
			late.spec = spec
			if t.spec == nil {
				late.describe = spec.label + " (ARN known at deploy)"
			}
			if err := checkUse(t.field, &late, src); err != nil {
				return fail(err)
			}
		}
		if spec.uri {
			return s, nil
		}
		if err := checkKnownARN(spec, s, self, t.messageName(s)); err != nil {
			return fail(err)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// builtRouting is the deploy-time side of a resolvedRouting.
type builtRouting struct {
	success, failure, deadLetter pulumi.StringOutput
	has                          [3]bool
	grants                       []grant
	// uses are the routes' uses (success, failure, dead letter); pending
	// are those with children to create once the function exists.
	uses    [3]*routeUse
	pending []pendingAfter
}

type pendingAfter struct {
	t *target
	u *routeUse
}

func buildRouting(b *buildEnv, component string, r resolvedRouting, me self) (builtRouting, error) {
	var out builtRouting
	build := func(i int, field string, t *target) (pulumi.StringOutput, bool, error) {
		if t == nil {
			return pulumi.StringOutput{}, false, nil
		}
		u := &routeUse{field: field, prefix: b.name + "-" + fieldPrefix(field), created: &CreatedTarget{}}
		arn, err := t.arn(b, u)
		if err != nil {
			return pulumi.StringOutput{}, false, err
		}
		// Grants are written from the target's own ARN; what delivers
		// records (the invoke config, dead-letter config or mapping)
		// takes the checked one.
		raw := arn
		arn = deployCheck(component, t, arn, me)
		switch {
		case t.spec == nil:
			out.grants = append(out.grants, lateKindGrant(raw))
		case !t.spec.uri: // a URI destination is granted by grantsAt, if at all
			out.grants = append(out.grants, kindGrant(t.spec, raw))
		}
		out.grants = append(out.grants, t.extra...)
		if t.grantsAt != nil {
			out.grants = append(out.grants, t.grantsAt(b, raw)...)
		}
		out.uses[i] = u
		if t.after != nil {
			out.pending = append(out.pending, pendingAfter{t: t, u: u})
		}
		return arn, true, nil
	}
	var err error
	if out.success, out.has[0], err = build(0, "OnSuccess", r.success); err != nil {
		return out, err
	}
	if out.failure, out.has[1], err = build(1, "OnFailure", r.failure); err != nil {
		return out, err
	}
	if out.deadLetter, out.has[2], err = build(2, "DeadLetter", r.deadLetter); err != nil {
		return out, err
	}
	return out, nil
}

// createAfter creates the children routes need once the function exists;
// source is its ARN qualified as the invoke config is. The config waits
// for what it returns.
func (r *builtRouting) createAfter(b *buildEnv, source pulumi.StringOutput) ([]pulumi.Resource, error) {
	var deps []pulumi.Resource
	for _, p := range r.pending {
		ds, err := p.t.after(b, p.u, source)
		if err != nil {
			return nil, err
		}
		deps = append(deps, ds...)
	}
	return deps, nil
}

// created returns what the component created for route i (0 success,
// 1 failure, 2 dead letter), or nil.
func (r *builtRouting) created(i int) *CreatedTarget {
	if u := r.uses[i]; u != nil && !u.created.empty() {
		return u.created
	}
	return nil
}

func optionalARN(o pulumi.StringOutput, has bool) pulumi.StringPtrOutput {
	if !has {
		return pulumi.String("").ToStringOutput().ApplyT(func(string) *string { return nil }).(pulumi.StringPtrOutput)
	}
	return o.ToStringPtrOutput()
}

// destinationConfig renders the targets as the invoke config's input.
func (r builtRouting) destinationConfig() lambda.FunctionEventInvokeConfigDestinationConfigPtrInput {
	if !r.has[0] && !r.has[1] {
		return nil
	}
	cfg := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{}
	if r.has[0] {
		cfg.OnSuccess = &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: r.success}
	}
	if r.has[1] {
		cfg.OnFailure = &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: r.failure}
	}
	return cfg
}

func newBuildEnv(ctx *pulumi.Context, parent pulumi.Resource, name string, tags pulumi.StringMapInput) *buildEnv {
	b := &buildEnv{ctx: ctx, parent: parent, name: name, tags: tags}
	b.identity = sync.OnceValue(func() identity {
		opt := pulumi.Parent(parent)
		id := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, opt)
		region := aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, opt)
		part := aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, opt)
		return identity{partition: part.Partition(), region: region.Name(), account: id.AccountId()}
	})
	b.defaultBus = sync.OnceValue(func() pulumi.StringOutput {
		i := b.identity()
		return pulumi.Sprintf("arn:%s:events:%s:%s:event-bus/default", i.partition, i.region, i.account)
	})
	return b
}

// grantPolicyResource creates the one inline policy holding every grant, or
// nothing when there is nothing to grant.
func grantPolicyResource(ctx *pulumi.Context, name string, role pulumi.StringInput, grants []grant, parent pulumi.Resource) (*iam.RolePolicy, error) {
	return namedGrantPolicy(ctx, name+"-async-grants", role, grants, parent)
}

// namedGrantPolicy is grantPolicyResource with the policy's own name.
func namedGrantPolicy(ctx *pulumi.Context, policyName string, role pulumi.StringInput, grants []grant, parent pulumi.Resource) (*iam.RolePolicy, error) {
	if len(grants) == 0 {
		return nil, nil
	}
	return iam.NewRolePolicy(ctx, policyName, &iam.RolePolicyArgs{
		Role:   role,
		Policy: grantPolicy(grants),
	}, grantPolicyOptions(parent)...)
}

// invokeConfig creates the invoke config after the grant policy.
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

// componentInputs records the plain choices as the component's inputs, so
// that they show in the engine's state and in policy checks.
func componentInputs(r routing, qualifier string, skipGrants bool, res resolvedRouting) pulumi.Map {
	m := pulumi.Map{"qualifier": pulumi.String(qualifier), "skipGrants": pulumi.Bool(skipGrants)}
	if r.maxRetries != nil {
		m["maxRetries"] = pulumi.Int(*r.maxRetries)
	}
	if r.maxEventAge != nil {
		m["maxEventAgeSeconds"] = pulumi.Int(int(*r.maxEventAge / time.Second))
	}
	for key, t := range map[string]*target{"onSuccessKind": res.success, "onFailureKind": res.failure, "deadLetterKind": res.deadLetter} {
		switch {
		case t != nil && t.spec != nil:
			m[key] = pulumi.String(string(t.spec.kind))
		case t != nil:
			m[key] = t.lateKind
		}
	}
	return m
}
