package plan_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// A function's node lists the invoke configs asyncpolicy links to it: at
// preview a config whose functionName is unknown belongs to the function
// it depends on only (not to every function whose ARN is unknown too), and
// a config naming its function by a qualified ARN belongs to it.
func TestDiagramFunctionSettingsFollowTheConfigsFunction(t *testing.T) {
	queueARN := "arn:aws:sqs:us-east-1:" + fzAcct + ":dlq"
	aURN, bURN, queueURN := fzURN(tyFunction, "a"), fzURN(tyFunction, "b"), fzURN(tyQueue, "dlq")
	fn := func(urn, name string) *stackgraph.Resource {
		return &stackgraph.Resource{URN: urn, Type: tyFunction, Name: name, Custom: true,
			Inputs: map[string]any{"deadLetterConfig": map[string]any{"targetArn": queueARN}},
			Outputs: map[string]any{"arn": stackgraph.Unknown{}, "name": "fn-" + name,
				"deadLetterConfig": map[string]any{"targetArn": queueARN}},
			PropertyDependencies: map[string][]string{"deadLetterConfig": {queueURN}}}
	}
	g := stackgraph.New([]*stackgraph.Resource{
		{URN: queueURN, Type: tyQueue, Name: "dlq", Custom: true, Outputs: map[string]any{"arn": queueARN, "name": "dlq"}},
		fn(aURN, "a"),
		fn(bURN, "b"),
		{URN: fzURN(tyConfig, "a-config"), Type: tyConfig, Name: "a-config", Custom: true,
			Inputs:               map[string]any{"functionName": stackgraph.Unknown{}, "qualifier": "$LATEST", "maximumRetryAttempts": 1.0},
			PropertyDependencies: map[string][]string{"functionName": {aURN}}},
		{URN: fzURN(tyConfig, "b-config"), Type: tyConfig, Name: "b-config", Custom: true,
			Inputs: map[string]any{"functionName": "arn:aws:lambda:us-east-1:" + fzAcct + ":function:fn-b:live", "qualifier": "live", "maximumRetryAttempts": 2.0}},
	})
	var out bytes.Buffer
	require.NoError(t, plan.Write(&out, &plan.Stack{Graph: g}, plan.Project{}, plan.Options{Diagram: true}))
	d := out.String()
	checkMermaid(t, d)
	for _, want := range []string{
		`["Lambda function<br/>a<br/>$LATEST · retries 1"]`,
		`["Lambda function<br/>b<br/>live · retries 2"]`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram has no node %s:\n%s", want, d)
		}
	}
}

// The diagram draws a function's alarms (a circle each, dotted edges
// labelled with the metric and the qualifier) and the topic they notify.
func TestDiagramShowsAlarms(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, plan.Plan(&out, func(ctx *pulumi.Context) error {
		topic, err := sns.NewTopic(ctx, "on-call", &sns.TopicArgs{Name: pulumi.String("on-call")})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{Name: pulumi.String("orders"), Runtime: pulumi.String("python3.12"), Handler: pulumi.String("h.h"),
				Code: pulumi.NewAssetArchive(map[string]interface{}{"h.py": pulumi.NewStringAsset("def h(e, c): pass")})},
			OnFailure: asyncroute.NewQueue{}, Alias: "live",
			Alarms: &asyncroute.Alarms{Notify: topic},
		})
		return err
	}, plan.Options{Project: "orders", Dir: t.TempDir(), Diagram: true}))
	d := out.String()
	checkMermaid(t, d)
	for _, want := range []string{
		`(("CloudWatch alarm<br/>orders-alarm-destination-delivery-failures"))`,
		`(("CloudWatch alarm<br/>orders-alarm-async-event-age"))`,
		`-.->|"watches · live<br/>DestinationDeliveryFailures"|`,
		`-.->|"watches · live<br/>AsyncEventAge"|`,
		`-.->|"notifies"|`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram has no %s:\n%s", want, d)
		}
	}
}
