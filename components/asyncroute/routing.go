package asyncroute

import (
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Limits Lambda enforces on an asynchronous invoke config.
const (
	MinRetries     = lambdafacts.MinRetries
	MaxRetries     = lambdafacts.MaxRetries
	MinMaxEventAge = lambdafacts.MinMaxEventAge
	MaxMaxEventAge = lambdafacts.MaxMaxEventAge
	latest         = lambdafacts.Latest
)

// EventAge returns d as the *time.Duration MaxEventAge takes, so that
// MaxEventAge: asyncroute.EventAge(time.Hour) needs no variable.
func EventAge(d time.Duration) *time.Duration { return &d }

// The slots of the components' routing, and their fields.
const (
	slotSuccess    = lambdafacts.SlotOnSuccess
	slotFailure    = lambdafacts.SlotOnFailure
	slotDeadLetter = lambdafacts.SlotDeadLetter
	slotMapping    = lambdafacts.SlotMapping
)

// fieldOf is the Args field that holds a slot's destination.
func fieldOf(s lambdafacts.Slot) string {
	if s == slotMapping {
		return "OnFailure"
	}
	return string(s)
}

// prefixOf is the child-name part of a slot.
func prefixOf(s lambdafacts.Slot) string {
	switch s {
	case slotSuccess:
		return "on-success"
	case slotDeadLetter:
		return "dead-letter"
	}
	return "on-failure"
}

// routing is the part of the components' args that describes where records
// go; it is checked and built the same way for every component.
type routing struct {
	dests       map[lambdafacts.Slot]Destination
	maxRetries  *int
	maxEventAge *time.Duration
	// fields names the routing fields of the component's args, for the
	// nothing-to-route error.
	fields string
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
	ref, err := lambdafacts.ParseFunctionRef(selfRef(v))
	if err != nil {
		return ""
	}
	return ref.Name
}

// selfRef is the configured function's name or ARN as given ("" when
// there is none).
func selfRef(v any) string {
	s, _ := phase.Plain(v).(string)
	return s
}

// checkRetries checks the retry settings of an invoke config.
func checkRetries(errs *errorList, r routing) {
	if r.maxRetries != nil {
		errs.addErr("MaxRetries", lambdafacts.CheckRetries(*r.maxRetries))
	}
	if r.maxEventAge != nil {
		errs.addErr("MaxEventAge", lambdafacts.CheckEventAge(*r.maxEventAge))
	}
}

// checkTarget resolves and checks one destination in a slot; src is the
// event source when the slot is a mapping's. What is known while the
// program runs is checked now; the rest is kept in the target's later
// checks, which run inside the ARN that feeds the write (deployCheck).
func checkTarget(env *resolveEnv, errs *errorList, slot lambdafacts.Slot, d Destination, me self) *target {
	if isNil(d) {
		return nil
	}
	field := fieldOf(slot)
	t, err := d.resolve(env)
	if err != nil {
		errs.addErr(field, err)
		return nil
	}
	t.slot, t.src = slot, env.source
	if t.spec != nil && (t.src == nil || t.src.spec != nil) {
		if err := lambdafacts.CheckUse(t.spec, slot, t.src.specOrNil(), t.describe); err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	if t.known != "" && !t.spec.URI {
		if err := t.spec.CheckARN(t.known); err != nil {
			errs.addErr(field, err)
			return nil
		}
		if a, err := lambdafacts.ParseARN(t.known); err == nil && !t.fromResource {
			// The provider's partition known now: a target of another
			// partition is refused now (else at deploy, see buildRouting).
			if err := lambdafacts.CheckPartition(a, env.place.Partition); err != nil {
				errs.addErr(field, err)
				return nil
			}
		}
		// With the function's name unknown this is deferred, not left to
		// deployCheck's final self check: as a later check it runs before
		// the partition check and a late source's, so an ARN that is both
		// the function and wrong otherwise reads as it does at preview
		// (TestSelfARNInOtherPartition).
		err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
			return checkSelfARN(t.spec, t.known, selfRef(v[0]), env.place, t.messageName())
		}), me.name)
		if err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	if me.res != nil && t.res == me.res {
		errs.addErr(field, lambdafacts.SelfDestination(t.describe))
		return nil
	}
	if !isNil(t.fnName) && !isNil(me.name) {
		what := t.describe
		err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
			if name, _ := v[0].(string); name != "" && name == selfName(v[1]) {
				return lambdafacts.SelfDestination(what)
			}
			return nil
		}), t.fnName, me.name)
		if err != nil {
			errs.addErr(field, err)
			return nil
		}
	}
	return t
}

// messageName is how messages about the target's ARN name it: by describe
// when it was given as a resource, from the ARN otherwise ("").
func (t *target) messageName() string {
	if t.fromResource {
		return t.describe
	}
	return ""
}

// checkSelfARN rejects a Lambda target whose ARN names the configured
// function (selfName; "" skips the check). what names the target; ""
// names it by the function name in the ARN.
func checkSelfARN(k *lambdafacts.KindSpec, arn, self string, at lambdafacts.Place, what string) error {
	if k.Kind != KindLambda || self == "" {
		return nil
	}
	target, err := lambdafacts.ParseFunctionRef(arn)
	if err != nil || target.Name == "" {
		return nil
	}
	me, err := lambdafacts.ParseFunctionRef(self)
	if err != nil || me.Name != target.Name {
		return nil
	}
	// One name in another region, account or partition is another
	// function; a part not known on one side is not a reason to refuse.
	if !me.In(at).Same(target.In(at)) {
		return nil
	}
	if what == "" {
		what = lambdafacts.Describe("Lambda function", target.Name)
	}
	return lambdafacts.SelfDestination(what)
}

// deployCheck wraps a target's ARN in the checks that could not run while
// the program ran: its later checks, in order, then (for a kind or source
// decided at deploy) where the kind may go, then the ARN against its kind
// and the configured function. The invoke config, dead-letter config and
// mapping take this ARN, so a bad value fails their input and they are not
// written. Every message reads as it would at preview.
func deployCheck(component string, t *target, arn pulumi.StringOutput, me self, at deployPlace) pulumi.StringOutput {
	field := fieldOf(t.slot)
	fail := func(err error) error { return inputErrorOf(component, field, err) }
	checked := phase.Gate[string](&t.later, arn, fail).(pulumi.StringOutput)
	var name any = pulumi.String("")
	if !isNil(me.name) {
		name = me.name
	}
	inputs := []any{checked, name, at.partition, at.region, at.account}
	lateSrc := t.src != nil && t.src.spec == nil
	if lateSrc {
		inputs = append(inputs, t.src.arn)
	}
	first := len(inputs)
	for _, c := range t.policyLater {
		for _, in := range c.inputs {
			inputs = append(inputs, in)
		}
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		s := v[0].(string)
		var srcARN string
		if lateSrc {
			srcARN = v[5].(string)
		}
		place := lambdafacts.Place{Provider: at.provider, Partition: v[2].(string), Region: v[3].(string), Account: v[4].(string)}
		if err := checkKindAtDeploy(t, s, selfRef(v[1]), place, lateSrc, srcARN); err != nil {
			return "", fail(err)
		}
		at := first
		for _, c := range t.policyLater {
			if err := c.run(v[at:at+len(c.inputs)], place); err != nil {
				return "", fail(err)
			}
			at += len(c.inputs)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// checkKindAtDeploy checks a target's ARN s once it is known: (for a kind
// or source decided at deploy) where the kind may go, then the ARN
// against its kind and the configured function (self).
func checkKindAtDeploy(t *target, s, self string, at lambdafacts.Place, lateSrc bool, srcARN string) error {
	spec, src := t.spec, t.src.specOrNil()
	if lateSrc {
		k, _, err := lambdafacts.SourceOfARN(srcARN)
		if err != nil {
			return err
		}
		src = k
	}
	if spec == nil {
		a, err := lambdafacts.ParseARN(s)
		if err != nil {
			return err
		}
		if spec, err = lambdafacts.KindOfARN(a); err != nil {
			return err
		}
	}
	if spec != t.spec || lateSrc {
		what := t.describe
		if t.spec == nil {
			what = spec.Label + " (ARN known at deploy)"
		}
		if err := lambdafacts.CheckUse(spec, t.slot, src, what); err != nil {
			return err
		}
	}
	if spec.URI {
		return nil
	}
	if err := spec.CheckARN(s); err != nil {
		return err
	}
	return checkSelfARN(spec, s, self, at, t.messageName())
}

// builtRoute is a target once the component exists.
type builtRoute struct {
	t *target
	// arn is the checked ARN that the resource delivering records takes.
	arn pulumi.StringOutput
	use *routeUse
}

// builtRouting is the deploy-time side of the checked targets.
type builtRouting struct {
	routes map[lambdafacts.Slot]*builtRoute
	grants []grant
}

func (r builtRouting) route(s lambdafacts.Slot) *builtRoute { return r.routes[s] }

// arnPtr is the ARN of a slot's target as an optional output (nil when
// the slot is empty).
func (r builtRouting) arnPtr(s lambdafacts.Slot) pulumi.StringPtrOutput {
	if br := r.routes[s]; br != nil {
		return br.arn.ToStringPtrOutput()
	}
	return pulumi.String("").ToStringOutput().ApplyT(func(string) *string { return nil }).(pulumi.StringPtrOutput)
}

// created returns what the component created for a slot, or nil.
func (r builtRouting) created(s lambdafacts.Slot) *CreatedTarget {
	if br := r.routes[s]; br != nil && !br.use.created.empty() {
		return br.use.created
	}
	return nil
}

// buildRouting builds every checked target of the component.
func buildRouting(b *buildEnv, component string, targets map[lambdafacts.Slot]*target, me self) (builtRouting, error) {
	out := builtRouting{routes: map[lambdafacts.Slot]*builtRoute{}}
	for _, slot := range lambdafacts.Slots {
		t := targets[slot]
		if t == nil {
			continue
		}
		u := &routeUse{slot: slot, prefix: b.name + "-" + prefixOf(slot), created: &CreatedTarget{}}
		raw, err := t.route.build(b, u)
		if err != nil {
			return out, err
		}
		if !t.fromResource && (t.spec == nil || !t.spec.URI) {
			// A target given by its ARN may be in another partition than
			// the function (resources of the program are in the
			// provider's): Lambda cannot deliver across partitions.
			t.later.Later(func(v []any) error {
				a, err := lambdafacts.ParseARN(v[1].(string))
				if err != nil {
					return nil // the ARN check reports it
				}
				return lambdafacts.CheckPartition(a, v[0].(string))
			}, b.partition(), raw)
		}
		// Grants are written from the target's own ARN; what delivers
		// records (the invoke config, dead-letter config or mapping) takes
		// the checked one.
		switch rg, ok := t.route.(routeGrants); {
		case ok:
			out.grants = append(out.grants, rg.grants(b, raw)...)
		case t.spec == nil:
			out.grants = append(out.grants, lateKindGrant(raw))
		default:
			out.grants = append(out.grants, grantOf(raw, t.spec.Grants))
		}
		out.grants = append(out.grants, t.extra...)
		i := b.identity()
		at := deployPlace{provider: b.provider, partition: i.partition, region: i.region, account: i.account}
		out.routes[slot] = &builtRoute{t: t, arn: deployCheck(component, t, raw, me, at), use: u}
	}
	return out, nil
}

// lateKindGrant is the grant of a target whose kind is read from its ARN
// at deploy time.
func lateKindGrant(arn pulumi.StringOutput) grant {
	return arn.ApplyT(func(s string) ([]Permission, error) {
		a, err := lambdafacts.ParseARN(s)
		if err != nil {
			return nil, err
		}
		k, err := lambdafacts.KindOfARN(a)
		if err != nil {
			return nil, err
		}
		return k.Grants(s), nil
	}).(pulumi.AnyOutput)
}

// createAfter creates the children routes need once the function exists;
// source is its ARN qualified as the invoke config is. The config waits
// for what it returns.
func (r builtRouting) createAfter(b *buildEnv, source pulumi.StringOutput) ([]pulumi.Resource, error) {
	var deps []pulumi.Resource
	for _, slot := range lambdafacts.Slots {
		br := r.routes[slot]
		if br == nil {
			continue
		}
		if ra, ok := br.t.route.(routeAfter); ok {
			ds, err := ra.after(b, br.use, source)
			if err != nil {
				return nil, err
			}
			deps = append(deps, ds...)
		}
	}
	return deps, nil
}

// destinationConfig renders the targets as the invoke config's input.
func (r builtRouting) destinationConfig() lambda.FunctionEventInvokeConfigDestinationConfigPtrInput {
	success, failure := r.routes[slotSuccess], r.routes[slotFailure]
	if success == nil && failure == nil {
		return nil
	}
	cfg := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{}
	if success != nil {
		cfg.OnSuccess = &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: success.arn}
	}
	if failure != nil {
		cfg.OnFailure = &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: failure.arn}
	}
	return cfg
}

// kindInput is a target's kind as a component input.
func (t *target) kindInput() pulumi.StringInput {
	if t.spec != nil {
		return pulumi.String(string(t.spec.Kind))
	}
	return t.lateKind
}
