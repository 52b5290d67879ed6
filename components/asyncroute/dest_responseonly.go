package asyncroute

import (
	"encoding/json"
	"fmt"

	"github.com/asyncroute/asyncroute/components/lambdafacts"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Detail types of the events Lambda puts on an event bus destination, and
// the path of the function's response in them.
const (
	ResultSuccessDetailType = "Lambda Function Invocation Result - Success"
	ResultFailureDetailType = "Lambda Function Invocation Result - Failure"
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
// ResponseOnly is a type of its own rather than a flag on LambdaFunction
// because everything about the route differs: its kind (an event bus), its
// grant, the resources it creates and what the next function receives.
type ResponseOnly struct {
	// Function is the next function. To chain a function made with
	// [NewFunction], pass its Function field.
	Function *lambda.Function
}

// responseRoute is the route through the default bus to the next function.
type responseRoute struct{ next *lambda.Function }

func (r responseRoute) build(b *buildEnv, _ *routeUse) (pulumi.StringOutput, error) {
	return b.defaultBus(), nil
}

func (d ResponseOnly) resolve(env *resolveEnv) (*target, error) {
	if d.Function == nil {
		return nil, fmt.Errorf("ResponseOnly.Function is nil; allowed: a *lambda.Function")
	}
	spec, _ := lambdafacts.KindOf(KindEventBridge)
	next := d.Function
	return &target{
		spec:         spec,
		route:        responseRoute{next},
		describe:     lambdafacts.Describe("Lambda function", next.PulumiResourceName()) + " (response only, through the default event bus)",
		fnName:       next.Name,
		res:          next,
		fromResource: true,
	}, nil
}

// eventPattern is the rule's pattern, with keys in the order people write
// them.
type eventPattern struct {
	Source     []string `json:"source"`
	DetailType []string `json:"detail-type"`
	Resources  []string `json:"resources"`
}

func (r responseRoute) after(b *buildEnv, u *routeUse, source pulumi.StringOutput) ([]pulumi.Resource, error) {
	next := r.next
	detailType, side := ResultSuccessDetailType, "success"
	if u.slot == slotFailure {
		detailType, side = ResultFailureDetailType, "failure"
	}
	pattern := source.ApplyT(func(arn string) (string, error) {
		p, err := json.Marshal(eventPattern{Source: []string{"lambda"}, DetailType: []string{detailType}, Resources: []string{arn}})
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
		Arn:       next.Arn,
		InputPath: pulumi.String(ResponsePayloadPath),
	}, b.childOpts()...)
	if err != nil {
		return nil, err
	}
	perm, err := lambda.NewPermission(b.ctx, u.childName("response-permission"), &lambda.PermissionArgs{
		Action:    pulumi.String("lambda:InvokeFunction"),
		Function:  next.Name,
		Principal: pulumi.String("events.amazonaws.com"),
		SourceArn: rule.Arn,
	}, b.childOpts()...)
	if err != nil {
		return nil, err
	}
	u.created.Rule, u.created.RuleTarget, u.created.Permission = rule, ruleTarget, perm
	return []pulumi.Resource{rule, ruleTarget, perm}, nil
}
