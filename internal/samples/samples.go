// Package samples holds stacks for checking that every door of asyncpolicy
// (the library, the command and the policy pack) reports the same findings:
// Pulumi programs to run under mockmonitor or asyncroutetest, and writers for the files
// the Pulumi CLI would produce for them.
package samples

import (
	"encoding/json"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// Mixed is a stack with a finding of every rule and some clean routing.
func Mixed(ctx *pulumi.Context) error {
	b := builder{ctx: ctx}
	role := b.role("orders-role")
	failures := b.queue("failures", false)
	fifo := b.queue("jobs.fifo", true)
	alerts := b.topic("alerts")
	bucket := b.bucket("archive")
	orders := b.fn("orders", role.Arn, fifo.Arn)
	b.config("orders-config", orders.Name, bucket.Arn, failures.Arn, 5)
	b.grant("orders-grants", role.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"},{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}`, failures.Arn))

	loopRole := b.role("loop-role")
	loop := b.fn("loop", loopRole.Arn, nil)
	b.config("loop-config", loop.Name, loop.Arn, alerts.Arn, -1)
	b.grant("loop-grants", loopRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction","sns:Publish"],"Resource":["%s","%s"]}]}`, loop.Arn, alerts.Arn))

	apiRole := b.role("api-role")
	api := b.fn("api", apiRole.Arn, nil)
	b.config("api-config", api.Name, nil, alerts.Arn, -1)
	b.grant("api-grants", apiRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"%s"}]}`, alerts.Arn))
	notifyRole := b.role("notify-role")
	notify := b.fn("notify", notifyRole.Arn, nil)
	b.config("notify-config", notify.Name, alerts.Arn, nil, 0)
	b.grant("notify-grants", notifyRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"%s"}]}`, alerts.Arn))
	if b.err == nil {
		_, b.err = lambda.NewFunctionUrl(ctx, "api", &lambda.FunctionUrlArgs{FunctionName: api.Name, AuthorizationType: pulumi.String("AWS_IAM")})
	}
	// A success loop: ping on success -> pong, pong on success -> ping.
	pingRole, pongRole := b.role("ping-role"), b.role("pong-role")
	ping, pong := b.fn("ping", pingRole.Arn, nil), b.fn("pong", pongRole.Arn, nil)
	b.config("ping-config", ping.Name, pong.Arn, alerts.Arn, 0)
	b.config("pong-config", pong.Name, ping.Arn, alerts.Arn, 0)
	b.grant("ping-grants", pingRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction","sns:Publish"],"Resource":["%s","%s"]}]}`, pong.Arn, alerts.Arn))
	b.grant("pong-grants", pongRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction","sns:Publish"],"Resource":["%s","%s"]}]}`, ping.Arn, alerts.Arn))
	// A re-drive: the function's dead-letter queue triggers it again.
	redriveRole := b.role("redrive-role")
	redrive := b.fn("redrive", redriveRole.Arn, failures.Arn)
	b.grant("redrive-grants", redriveRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, failures.Arn))
	if b.err == nil {
		_, b.err = lambda.NewEventSourceMapping(ctx, "redrive", &lambda.EventSourceMappingArgs{EventSourceArn: failures.Arn, FunctionName: redrive.Name})
	}
	// A nightly trigger of $LATEST while the config is on the alias live.
	nightlyRole := b.role("nightly-role")
	nightly := b.fn("nightly", nightlyRole.Arn, nil)
	b.grant("nightly-grants", nightlyRole.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"%s"}]}`, alerts.Arn))
	if b.err == nil {
		_, b.err = lambda.NewFunctionEventInvokeConfig(ctx, "nightly-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: nightly.Name, Qualifier: pulumi.String("live"),
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: alerts.Arn},
			},
		})
	}
	if b.err == nil {
		var rule *cloudwatch.EventRule
		if rule, b.err = cloudwatch.NewEventRule(ctx, "nightly", &cloudwatch.EventRuleArgs{ScheduleExpression: pulumi.String("rate(1 day)")}); b.err == nil {
			_, b.err = cloudwatch.NewEventTarget(ctx, "nightly", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: nightly.Arn})
		}
	}
	// A topic of another account, outside the stack: its topic policy
	// must allow the role too (ASYNC010).
	const central = "arn:aws:sns:us-east-1:210987654321:central-failures"
	auditRole := b.role("audit-role")
	audit := b.fn("audit", auditRole.Arn, nil)
	b.config("audit-config", audit.Name, nil, pulumi.String(central), 2)
	b.grant("audit-grants", auditRole.Name, pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"`+central+`"}]}`))
	return b.err
}

// Clean is a stack without findings.
func Clean(ctx *pulumi.Context) error {
	b := builder{ctx: ctx}
	role := b.role("orders-role")
	failures := b.queue("failures", false)
	dead := b.topic("dead")
	orders := b.fn("orders", role.Arn, dead.Arn)
	b.config("orders-config", orders.Name, nil, failures.Arn, 1)
	b.grant("orders-grants", role.Name, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"},{"Effect":"Allow","Action":"sns:Publish","Resource":"%s"}]}`, failures.Arn, dead.Arn))
	if b.err == nil {
		// ASYNC007: someone hears of a record Lambda fails to deliver.
		_, b.err = cloudwatch.NewMetricAlarm(ctx, "orders-delivery-failures", &cloudwatch.MetricAlarmArgs{
			Namespace: pulumi.String("AWS/Lambda"), MetricName: pulumi.String("DestinationDeliveryFailures"), Dimensions: pulumi.StringMap{"FunctionName": orders.Name},
			Statistic: pulumi.String("Sum"), Period: pulumi.Int(60), EvaluationPeriods: pulumi.Int(1), Threshold: pulumi.Float64(0),
			ComparisonOperator: pulumi.String("GreaterThanThreshold"), TreatMissingData: pulumi.String("notBreaching")})
	}
	return b.err
}

type builder struct {
	ctx *pulumi.Context
	err error
}

func (b *builder) role(name string) *iam.Role {
	r := &iam.Role{}
	if b.err == nil {
		r, b.err = iam.NewRole(b.ctx, name, &iam.RoleArgs{Name: pulumi.String(name), AssumeRolePolicy: pulumi.String(trust),
			ManagedPolicyArns: pulumi.StringArray{pulumi.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")}})
	}
	return r
}

func (b *builder) queue(name string, fifo bool) *sqs.Queue {
	q := &sqs.Queue{}
	if b.err == nil {
		args := &sqs.QueueArgs{Name: pulumi.String(name)}
		if fifo {
			args.FifoQueue = pulumi.Bool(true)
		}
		q, b.err = sqs.NewQueue(b.ctx, name, args)
	}
	return q
}

func (b *builder) topic(name string) *sns.Topic {
	t := &sns.Topic{}
	if b.err == nil {
		t, b.err = sns.NewTopic(b.ctx, name, &sns.TopicArgs{Name: pulumi.String(name)})
	}
	return t
}

func (b *builder) bucket(name string) *s3.BucketV2 {
	bk := &s3.BucketV2{}
	if b.err == nil {
		bk, b.err = s3.NewBucketV2(b.ctx, name, &s3.BucketV2Args{Bucket: pulumi.String(name)})
	}
	return bk
}

func (b *builder) fn(name string, role pulumi.StringInput, dlq pulumi.StringInput) *lambda.Function {
	f := &lambda.Function{}
	if b.err == nil {
		args := &lambda.FunctionArgs{Name: pulumi.String(name), Role: role, Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"),
			Code: pulumi.NewAssetArchive(map[string]interface{}{"index.py": pulumi.NewStringAsset("def handler(e, c): pass")})}
		if dlq != nil {
			args.DeadLetterConfig = &lambda.FunctionDeadLetterConfigArgs{TargetArn: dlq}
		}
		f, b.err = lambda.NewFunction(b.ctx, name, args)
	}
	return f
}

func (b *builder) config(name string, fn pulumi.StringInput, onSuccess, onFailure pulumi.StringInput, retries int) {
	if b.err != nil {
		return
	}
	args := &lambda.FunctionEventInvokeConfigArgs{FunctionName: fn}
	if onSuccess != nil || onFailure != nil {
		dc := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{}
		if onSuccess != nil {
			dc.OnSuccess = &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: onSuccess}
		}
		if onFailure != nil {
			dc.OnFailure = &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: onFailure}
		}
		args.DestinationConfig = dc
	}
	if retries >= 0 {
		args.MaximumRetryAttempts = pulumi.Int(retries)
	}
	_, b.err = lambda.NewFunctionEventInvokeConfig(b.ctx, name, args)
}

func (b *builder) grant(name string, role pulumi.StringInput, policy pulumi.StringInput) {
	if b.err == nil {
		_, b.err = iam.NewRolePolicy(b.ctx, name, &iam.RolePolicyArgs{Name: pulumi.String(name), Role: role, Policy: policy})
	}
}

// resourceJSON is an apitype.ResourceV3 as `pulumi stack export` writes it.
type resourceJSON struct {
	URN                  string              `json:"urn"`
	Custom               bool                `json:"custom"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs,omitempty"`
	Outputs              map[string]any      `json:"outputs,omitempty"`
	Parent               string              `json:"parent,omitempty"`
	Dependencies         []string            `json:"dependencies,omitempty"`
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
}

func serialize(r *asyncpolicy.Resource) resourceJSON {
	return resourceJSON{URN: r.URN, Custom: true, Type: r.Type, Inputs: values(r.Inputs), Outputs: values(r.Outputs),
		Parent: r.Parent, Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies}
}

// values writes unknowns as the engine's sentinel.
func values(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = value(v)
	}
	return out
}

func value(v any) any {
	switch x := v.(type) {
	case asyncpolicy.Unknown:
		return sig.UnknownStringValue
	case map[string]any:
		return values(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = value(e)
		}
		return out
	}
	return v
}

// StackExport renders g as `pulumi stack export` would.
func StackExport(g asyncpolicy.Graph) ([]byte, error) {
	res := make([]resourceJSON, len(g.Resources))
	for i, r := range g.Resources {
		res[i] = serialize(r)
	}
	return json.MarshalIndent(map[string]any{
		"version": 3,
		"deployment": map[string]any{
			"manifest":  map[string]any{"time": "2026-01-01T00:00:00Z", "magic": "", "version": "v3.274.1"},
			"resources": res,
		},
	}, "", "  ")
}

// PreviewJSON renders g as `pulumi preview --json` of a new stack would:
// one create step per resource.
func PreviewJSON(g asyncpolicy.Graph) ([]byte, error) {
	steps := make([]map[string]any, len(g.Resources))
	counts := map[string]int{}
	for i, r := range g.Resources {
		steps[i] = map[string]any{"op": "create", "urn": r.URN, "newState": serialize(r), "detailedDiff": nil}
		counts["create"]++
	}
	return json.MarshalIndent(map[string]any{"config": map[string]string{}, "steps": steps, "changeSummary": counts}, "", "  ")
}
