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
// destination.
type self struct {
	res  pulumi.Resource
	name string
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
	if isNil(d) {
		return nil
	}
	t, err := d.resolve(&resolveEnv{ctx: ctx, component: errs.component, field: field})
	if err != nil {
		errs.addErr(field, err)
		return nil
	}
	if err := checkUse(field, t); err != nil {
		errs.addErr(field, err)
		return nil
	}
	if t.known != "" {
		if err := checkKnownARN(t.spec, t.known, me.name); err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	if (me.res != nil && t.res == me.res) || (me.name != "" && t.fnName == me.name) {
		errs.add(field, "%s is the function being configured; a function must not be its own destination", t.describe)
		return nil
	}
	return t
}

// checkUse rejects a kind in a place Lambda does not accept it.
func checkUse(field string, t *target) error {
	switch {
	case field == "OnSuccess" && !t.spec.onSuccess:
		return fmt.Errorf("%s can receive failure records only; allowed on success: %s", t.describe,
			kindList(func(s *kindSpec) bool { return s.onSuccess }))
	case field == "DeadLetter" && !t.spec.deadLetter:
		return fmt.Errorf("%s cannot be a dead-letter target; allowed: %s", t.describe,
			kindList(func(s *kindSpec) bool { return s.deadLetter }))
	}
	return nil
}

// checkKnownARN checks an ARN against the kind it must be; it runs at
// preview for known ARNs and at deploy for the others.
func checkKnownARN(k *kindSpec, arn, selfName string) error {
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
		return fmt.Errorf("Lambda function %q is the function being configured; a function must not be its own destination", name)
	}
	return nil
}

// builtRouting is the deploy-time side of a resolvedRouting.
type builtRouting struct {
	success, failure, deadLetter pulumi.StringOutput
	has                          [3]bool
	grants                       []grant
}

func buildRouting(b *buildEnv, component string, r resolvedRouting, selfName pulumi.StringOutput) builtRouting {
	var out builtRouting
	build := func(field string, t *target) (pulumi.StringOutput, bool) {
		if t == nil {
			return pulumi.StringOutput{}, false
		}
		arn := t.arn(b)
		if t.known == "" {
			spec := t.spec
			arn = pulumi.All(arn, selfName).ApplyT(func(v []any) (string, error) {
				s, name := v[0].(string), v[1].(string)
				if err := checkKnownARN(spec, s, name); err != nil {
					return "", &InputError{Component: component, Field: field, Problem: err.Error()}
				}
				return s, nil
			}).(pulumi.StringOutput)
		}
		out.grants = append(out.grants, kindGrant(t.spec, arn))
		out.grants = append(out.grants, t.extra...)
		return arn, true
	}
	out.success, out.has[0] = build("OnSuccess", r.success)
	out.failure, out.has[1] = build("OnFailure", r.failure)
	out.deadLetter, out.has[2] = build("DeadLetter", r.deadLetter)
	return out
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

func newBuildEnv(ctx *pulumi.Context, parent pulumi.Resource) *buildEnv {
	b := &buildEnv{ctx: ctx, parent: parent}
	b.defaultBus = sync.OnceValue(func() pulumi.StringOutput {
		opt := pulumi.Parent(parent)
		id := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, opt)
		region := aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, opt)
		part := aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, opt)
		return pulumi.Sprintf("arn:%s:events:%s:%s:event-bus/default", part.Partition(), region.Name(), id.AccountId())
	})
	return b
}

// grantPolicyResource creates the one inline policy holding every grant, or
// nothing when there is nothing to grant.
func grantPolicyResource(ctx *pulumi.Context, name string, role pulumi.StringInput, grants []grant, parent pulumi.Resource) (*iam.RolePolicy, error) {
	if len(grants) == 0 {
		return nil, nil
	}
	return iam.NewRolePolicy(ctx, name+"-async-grants", &iam.RolePolicyArgs{
		Role:   role,
		Policy: grantPolicy(grants),
	}, pulumi.Parent(parent))
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
		if t != nil {
			m[key] = pulumi.String(string(t.spec.kind))
		}
	}
	return m
}
