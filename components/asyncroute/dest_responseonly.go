package asyncroute

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Detail types of the events Lambda puts on an event bus destination (the
// records package's [records.DetailTypeSuccess] and
// [records.DetailTypeFailure]), and the path of the function's response in
// them.
const (
	ResultSuccessDetailType = records.DetailTypeSuccess
	ResultFailureDetailType = records.DetailTypeFailure
	ResponsePayloadPath     = "$.detail.responsePayload"
)

// ResponseOnly chains functions by their results: the next function
// receives only the configured function's response payload as its event,
// not the whole invocation record that [LambdaFunction] delivers.
//
// Lambda cannot do this by itself, so the route goes through the account's
// default event bus, as CDK's LambdaDestination{responseOnly: true} does:
//
//   - the invoke config's destination is the default bus, and the role gets
//     events:PutEvents on it;
//   - an EventBridge rule on the default bus matches source "lambda", detail
//     type [ResultSuccessDetailType] (on success) or [ResultFailureDetailType]
//     (on failure), and resources [the function's ARN qualified exactly as
//     the config is: ":$LATEST" or ":<alias>"] — CDK always pins $LATEST, so
//     its rule never matches a config on an alias;
//   - a rule target invokes the next function with [ResponsePayloadPath];
//   - a lambda.Permission lets events.amazonaws.com invoke the next function,
//     scoped to that rule's ARN.
//
// Used on success and on failure, each side gets its own rule. On failure
// the payload is Lambda's error object (errorMessage, errorType, ...). The
// rule, target and permission are children of the component (see
// [CreatedTarget]) and exist before the invoke config does, so no result is
// dropped on the first deployment.
//
// SkipGrants leaves out the role's events:PutEvents only: the permission on
// the next function is part of the route and is always created.
//
// The next function is given either as a resource (Function) or by its
// unqualified ARN (FunctionArn), exactly one of them. An ARN known while
// the program runs is checked before anything is registered; one known
// only at deploy time is checked inside the inputs of the rule target, the
// permission and the invoke config, with the same message.
//
// ResponseOnly is a type of its own rather than a flag on LambdaFunction
// because everything about the route differs: its kind (an event bus), its
// grant, the resources it creates and what the next function receives.
type ResponseOnly struct {
	// Function is the next function. To chain a function made with
	// [NewFunction], pass its Function field.
	Function *lambda.Function
	// FunctionArn is the next function by its unqualified ARN
	// (arn:<partition>:lambda:<region>:<account>:function:<name>), for a
	// function this program has no resource for; an alternative to
	// Function. The rule target invokes this ARN, and the permission is
	// added to it. A qualified ARN (a version or alias) is refused, and so
	// is a function in another partition, region or account than the
	// default bus the rule is on: a rule invokes functions in its own
	// region only, and the permission can be added only by the function's
	// own account (send to that account's or region's bus with [EventBus]
	// instead). The same holds for Function.
	FunctionArn pulumi.StringInput
}

// responseRoute is the route through the default bus to the next function.
// A function given as a resource is invoked by its ARN and permitted by
// its name; one given by its ARN (byARN) is both, checked at deploy time
// (when it was not known while the program ran) and against the default
// bus's partition, region and account inside the inputs of the rule target
// and the permission, whose messages name component and field.
type responseRoute struct {
	next, function   pulumi.StringInput
	byARN            bool
	component, field string
	// nextChecks are the checks of a next function's ARN known only at
	// deploy time.
	nextChecks *phase.Checks
}

func (r responseRoute) build(b *buildEnv, _ *routeUse) (pulumi.StringOutput, error) {
	return b.defaultBus(), nil
}

func (d ResponseOnly) resolve(env *resolveEnv) (*target, error) {
	switch {
	case d.Function == nil && isNil(d.FunctionArn):
		return nil, fmt.Errorf("ResponseOnly has neither Function nor FunctionArn; allowed: the next function as a *lambda.Function in Function, or its unqualified ARN in FunctionArn")
	case d.Function != nil && !isNil(d.FunctionArn):
		return nil, fmt.Errorf("ResponseOnly has both Function and FunctionArn; allowed: exactly one")
	case d.Function == nil:
		return d.resolveARN(env)
	}
	spec, _ := lambdafacts.KindOf(KindEventBridge)
	next := d.Function
	return &target{
		spec:         spec,
		route:        responseRoute{next: next.Arn, function: next.Name, component: env.component, field: env.field},
		describe:     lambdafacts.Describe("Lambda function", next.PulumiResourceName()) + viaDefaultBus,
		fnName:       next.Name,
		res:          next,
		fromResource: true,
	}, nil
}

// viaDefaultBus ends the description of a response-only target.
const viaDefaultBus = " (response only, through the default event bus)"

// resolveARN checks a next function given by its ARN. The target's own
// ARN is the default bus, which the component builds; the next function's
// ARN is checked now when it is known, and otherwise inside the outputs
// that feed the rule target and the permission (responseRoute.checkedNext)
// and the invoke config (the target's later checks).
func (d ResponseOnly) resolveARN(env *resolveEnv) (*target, error) {
	spec, _ := lambdafacts.KindOf(KindEventBridge)
	v, err := phase.Read(env.ctx, d.FunctionArn)
	if err != nil {
		return nil, err
	}
	arn := d.FunctionArn.ToStringOutput()
	t := &target{spec: spec, fromResource: true}
	// As for an ARN destination: a literal names the target in messages,
	// an output does not, so that a message reads the same at preview and
	// at deploy time.
	if v.Literal {
		t.describe = "Lambda function " + v.Str() + viaDefaultBus
	} else {
		t.describe = "Lambda function (ARN known at deploy)" + viaDefaultBus
	}
	next := &phase.Checks{}
	err = next.Now(env.ctx, phase.Known(func(v []any) error {
		s, _ := v[0].(string)
		if err := checkNextFunctionARN(s); err != nil {
			return err
		}
		// The default bus is in the component's place: when that is known
		// now, a next function elsewhere is refused now too.
		if p := env.place; p.Partition != "" && p.Region != "" && p.Account != "" {
			return checkNextBeside("ResponseOnly.FunctionArn", s, lambdafacts.DefaultBusARN(p.Partition, p.Region, p.Account))
		}
		return nil
	}), d.FunctionArn)
	if err != nil {
		return nil, err
	}
	t.later.Add(next)
	// The self check compares function names, as it does for a Lambda
	// ARN destination; a bad ARN has none (its own check reports it).
	if v.Known {
		t.fnName = pulumi.String(nextFunctionName(v.Str()))
	} else {
		t.fnName = arn.ApplyT(nextFunctionName).(pulumi.StringOutput)
	}
	t.route = responseRoute{next: arn, function: arn, byARN: true, nextChecks: next, component: env.component, field: env.field}
	return t, nil
}

// checkedNext is the next function's ARN as the rule target and the
// permission take it: for a function given by its ARN, the ARN once it
// passed the checks that could not run while the program ran; for either
// form, once it is known to be in the partition, region and account of
// the default event bus the rule is on. An EventBridge rule invokes a
// function in its own region only (another region is reached through an
// event bus), and the permission the route adds to the next function can
// only be added in the function's own account.
func (r responseRoute) checkedNext(b *buildEnv) pulumi.StringOutput {
	field := "ResponseOnly.Function"
	if r.byARN {
		field = "ResponseOnly.FunctionArn"
	}
	next := r.next.ToStringOutput()
	if r.nextChecks != nil {
		next = phase.Gate[string](r.nextChecks, next, func(err error) error {
			return inputErrorOf(r.component, r.field, err)
		}).(pulumi.StringOutput)
	}
	return pulumi.All(next, b.defaultBus()).ApplyT(func(v []any) (string, error) {
		s, bus := v[0].(string), v[1].(string)
		if err := checkNextBeside(field, s, bus); err != nil {
			return "", inputErrorOf(r.component, r.field, err)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// checkNextBeside checks that the next function's ARN is in the partition,
// region and account of the default bus whose ARN is bus.
func checkNextBeside(field, next, bus string) error {
	a, err := lambdafacts.ParseARN(next)
	if err != nil {
		return nil // reported by the ARN's own check
	}
	busARN, err := lambdafacts.ParseARN(bus)
	if err != nil {
		return nil
	}
	if partition := busARN.Partition; lambdafacts.CheckPartition(a, partition) != nil {
		return doors.Errorf("%s %q is in partition %q but the rule on the default event bus is in %q; an EventBridge rule cannot invoke a function in another partition; allowed: a function in partition %q",
			doors.Field(field), next, a.Partition, partition, partition)
	}
	if a.Region != "" && a.Region != busARN.Region {
		return doors.Errorf("%s %q is in region %q but the rule on the default event bus is in %q; an EventBridge rule invokes functions in its own region only; allowed: a function in region %q (for another region, send to that region's bus%s)",
			doors.Field(field), next, a.Region, busARN.Region, busARN.Region, doors.Term(doors.WithEventBus))
	}
	if a.Account != "" && a.Account != busARN.Account {
		return doors.Errorf("%s %q is in account %q but the rule on the default event bus is in %q; the route adds EventBridge's permission to the next function, which only its own account can do; allowed: a function in account %q (for another account, send to its event bus%s)",
			doors.Field(field), next, a.Account, busARN.Account, busARN.Account, doors.Term(doors.WithEventBus))
	}
	return nil
}

// checkNextFunctionARN checks the ARN of a response-only route's next
// function: a Lambda function ARN of one function, without a qualifier.
func checkNextFunctionARN(s string) error {
	const field = "ResponseOnly.FunctionArn"
	const allowed = "allowed: the next function's unqualified ARN, arn:<partition>:lambda:<region>:<account>:function:<name>"
	a, err := lambdafacts.ParseARN(s)
	if err != nil {
		return doors.Errorf("%s: %s", doors.Field(field), doors.TemplateOf(err))
	}
	ref, err := lambdafacts.ParseFunctionRef(a.String())
	if err != nil {
		return doors.Errorf("%s %q is not a Lambda function ARN; %s", doors.Field(field), s, allowed)
	}
	if ref.Qualifier != "" {
		return doors.Errorf("%s %q is qualified with %q; allowed: the function's unqualified ARN %q (a response-only route invokes the function, not a version or alias)",
			doors.Field(field), s, ref.Qualifier, lambdafacts.UnqualifiedFunctionARN(s))
	}
	lambdaSpec, _ := lambdafacts.KindOf(KindLambda)
	if err := lambdaSpec.CheckARN(s); err != nil {
		return doors.Errorf("%s: %s", doors.Field(field), doors.TemplateOf(err))
	}
	return nil
}

// nextFunctionName is the function name in a next function's ARN, "" when
// it is no function ARN.
func nextFunctionName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		if ref, err := lambdafacts.ParseFunctionRef(s); err == nil {
			return ref.Name
		}
	}
	return ""
}

// eventPattern is the rule's pattern, with keys in the order people write
// them.
type eventPattern struct {
	Source     []string `json:"source"`
	DetailType []string `json:"detail-type"`
	Resources  []string `json:"resources"`
}

func (r responseRoute) after(b *buildEnv, u *routeUse, source pulumi.StringOutput) ([]pulumi.Resource, error) {
	next := r.checkedNext(b)
	function := r.function
	if r.byARN {
		function = next
	}
	detailType, side := ResultSuccessDetailType, "success"
	if u.slot == slotFailure {
		detailType, side = ResultFailureDetailType, "failure"
	}
	pattern := source.ApplyT(func(arn string) (string, error) {
		p, err := json.Marshal(eventPattern{Source: []string{records.EventBridgeSource}, DetailType: []string{detailType}, Resources: []string{arn}})
		return string(p), err
	}).(pulumi.StringOutput)
	rule, err := cloudwatch.NewEventRule(b.ctx, u.childName("response"), &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("asyncroute: response payload on " + side + " to the next function"),
		EventPattern: pattern,
		Tags:         b.tags,
	}, b.childOpts()...)
	if err != nil {
		return nil, err
	}
	ruleTarget, err := cloudwatch.NewEventTarget(b.ctx, u.childName("response-target"), &cloudwatch.EventTargetArgs{
		Rule:      rule.Name,
		Arn:       next,
		InputPath: pulumi.String(ResponsePayloadPath),
	}, b.childOpts()...)
	if err != nil {
		return nil, err
	}
	perm, err := lambda.NewPermission(b.ctx, u.childName("response-permission"), &lambda.PermissionArgs{
		Action:    pulumi.String("lambda:InvokeFunction"),
		Function:  function,
		Principal: pulumi.String("events.amazonaws.com"),
		// The rule's ARN, once the next function's ARN passed its checks:
		// a function given as a resource is permitted by its name, so the
		// permission waits for the checks here (the rule's ARN is unknown
		// at preview anyway).
		SourceArn: pulumi.All(rule.Arn, next).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput),
	}, b.childOpts()...)
	if err != nil {
		return nil, err
	}
	u.created.Rule, u.created.RuleTarget, u.created.Permission = rule, ruleTarget, perm
	return []pulumi.Resource{rule, ruleTarget, perm}, nil
}
