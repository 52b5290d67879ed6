package plan_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// routed is a stack with every kind of edge: three invokers, success,
// failure, a dead-letter queue, a target outside the stack, and a function
// whose grants were skipped.
func routed(ctx *pulumi.Context) error {
	ok, err := sqs.NewQueue(ctx, "done", &sqs.QueueArgs{})
	if err != nil {
		return err
	}
	dlq, err := sqs.NewQueue(ctx, "dlq", &sqs.QueueArgs{})
	if err != nil {
		return err
	}
	uploads, err := s3.NewBucketV2(ctx, "uploads", &s3.BucketV2Args{})
	if err != nil {
		return err
	}
	alerts, err := sns.NewTopic(ctx, "alerts", &sns.TopicArgs{})
	if err != nil {
		return err
	}
	fn, err := asyncroute.NewFunction(ctx, "worker", &asyncroute.FunctionArgs{
		Function:   lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("app.handler"), Code: pulumi.NewFileArchive("./handler")},
		OnSuccess:  asyncroute.SQSQueue{Queue: ok},
		OnFailure:  asyncroute.ARN{Arn: pulumi.String("arn:aws:sns:us-east-1:210987654321:central-failures")},
		DeadLetter: asyncroute.SQSQueue{Queue: dlq},
		MaxRetries: pulumi.IntRef(1),
	})
	if err != nil {
		return err
	}
	if _, err := sns.NewTopicSubscription(ctx, "alerts-to-worker", &sns.TopicSubscriptionArgs{
		Topic: alerts.Arn, Protocol: pulumi.String("lambda"), Endpoint: fn.FunctionArn,
	}); err != nil {
		return err
	}
	rule, err := cloudwatch.NewEventRule(ctx, "nightly", &cloudwatch.EventRuleArgs{ScheduleExpression: pulumi.String("cron(0 2 * * ? *)")})
	if err != nil {
		return err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, "nightly-worker", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: fn.FunctionArn}); err != nil {
		return err
	}
	if _, err := s3.NewBucketNotification(ctx, "uploads-notify", &s3.BucketNotificationArgs{
		Bucket: uploads.Bucket,
		LambdaFunctions: s3.BucketNotificationLambdaFunctionArray{&s3.BucketNotificationLambdaFunctionArgs{
			LambdaFunctionArn: fn.FunctionArn, Events: pulumi.StringArray{pulumi.String("s3:ObjectCreated:*")},
		}},
	}); err != nil {
		return err
	}
	// A role the program brings and grants nothing: the edge shows the
	// missing grant.
	bare, err := iam.NewRole(ctx, "ungranted-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(iampolicyTrustLambda)})
	if err != nil {
		return err
	}
	_, err = asyncroute.NewFunction(ctx, "ungranted", &asyncroute.FunctionArgs{
		Function:   lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("app.handler"), Code: pulumi.NewFileArchive("./handler")},
		OnFailure:  asyncroute.SQSQueue{Queue: dlq},
		Role:       &asyncroute.ExistingRole{Role: bare},
		SkipGrants: true,
	})
	return err
}

const iampolicyTrustLambda = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`

func render(t *testing.T, o plan.Options) string {
	t.Helper()
	var buf bytes.Buffer
	o.Project = "plantest"
	o.Dir = t.TempDir()
	require.NoError(t, plan.Plan(&buf, routed, o))
	return buf.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./components/plan -update to create it")
	assert.Equal(t, string(want), got)
}

func TestDiagramGolden(t *testing.T) {
	got := render(t, plan.Options{Diagram: true})
	golden(t, "routed.mmd", got)
	// Spot checks that hold whatever the golden file says.
	assert.Contains(t, got, `-.->|"dead letter<br/>sqs:SendMessage ✓"|`)
	assert.Contains(t, got, `sqs:SendMessage ✗ missing`, "the ungranted function's edge shows the missing grant")
	assert.Contains(t, got, `outside the stack<br/>arn:aws:sns:us-east-1:210987654321:central-failures`)
	assert.Equal(t, 3, strings.Count(got, `|"invokes"|`), "SNS subscription, EventBridge target and S3 notification")
}

func TestJSONGolden(t *testing.T) {
	got := render(t, plan.Options{JSON: true})
	golden(t, "routed.json", got)
	var p plan.JSONPlan
	require.NoError(t, json.Unmarshal([]byte(got), &p))
	assert.Equal(t, "plantest", p.Project)
	assert.Equal(t, 17, len(p.Resources))
	assert.Equal(t, len(p.Resources), len(p.CreationOrder))
	for i := 1; i < len(p.Resources); i++ {
		assert.Less(t, p.Resources[i-1].URN, p.Resources[i].URN, "resources are sorted by URN")
	}
}

func TestDeterministic(t *testing.T) {
	for _, o := range []plan.Options{{JSON: true}, {Diagram: true}, {}} {
		assert.Equal(t, render(t, o), render(t, o))
	}
}

func TestCreationOrderRespectsDependencies(t *testing.T) {
	var p plan.JSONPlan
	require.NoError(t, json.Unmarshal([]byte(render(t, plan.Options{JSON: true})), &p))
	pos := map[string]int{}
	for i, u := range p.CreationOrder {
		pos[u] = i
	}
	for _, r := range p.Resources {
		for _, d := range r.Dependencies {
			assert.Less(t, pos[d], pos[r.URN], "%s after %s", r.URN, d)
		}
		if r.Parent != "" {
			assert.Less(t, pos[r.Parent], pos[r.URN])
		}
	}
}

func TestProgramErrorExitCode(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: broken\nruntime: go\n"), 0o644))
	var out, errOut bytes.Buffer
	code := plan.Main([]string{"-dir", dir}, &out, &errOut, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "bad", &asyncroute.FunctionArgs{MaxRetries: pulumi.IntRef(5)})
		return err
	})
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), `asyncroute: Function "bad": MaxRetries: 5 is out of range; allowed: 0, 1 or 2`)
	assert.Empty(t, out.String())
}

func TestConfigFromStackFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: cfgtest\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte("config:\n  cfgtest:queueName: jobs-prod\n  aws:region: eu-west-1\n"), 0o644))
	p, err := plan.LoadProject(plan.Options{Dir: dir, Stack: "prod"})
	require.NoError(t, err)
	assert.Equal(t, plan.Project{Name: "cfgtest", Stack: "prod", Config: map[string]string{"cfgtest:queueName": "jobs-prod", "aws:region": "eu-west-1"}}, p)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.sec.yaml"), []byte("config:\n  cfgtest:token:\n    secure: AAAB\n"), 0o644))
	_, err = plan.LoadProject(plan.Options{Dir: dir, Stack: "sec"})
	assert.EqualError(t, err, "Pulumi.sec.yaml: cfgtest:token is a secret; the offline plan cannot decrypt it")
}

func TestBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, plan.Main([]string{"-json", "-diagram"}, &out, &errOut, routed))
	assert.Equal(t, "plan: -json and -diagram are exclusive\n", errOut.String())
	errOut.Reset()
	assert.Equal(t, 2, plan.Main([]string{"-dir", t.TempDir()}, &out, &errOut, routed))
	assert.Contains(t, errOut.String(), "plan: reading the project:")
	errOut.Reset()
	assert.Equal(t, 2, plan.Main([]string{"-fail-on", "warning"}, &out, &errOut, routed))
	assert.Contains(t, errOut.String(), `invalid value "warning" for flag -fail-on: "warning": allowed: mandatory, advisory or none`)
	errOut.Reset()
	assert.Equal(t, 2, plan.Main([]string{"json"}, &out, &errOut, routed))
	assert.Equal(t, "plan: unexpected argument \"json\"; flags only\n", errOut.String())
	assert.Empty(t, out.String())
}

// planDir writes a Pulumi.yaml for project name and returns its folder.
func planDir(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: "+name+"\nruntime: go\n"), 0o644))
	return dir
}

// advisoryOnly has one advisory finding and no mandatory one: a function
// that an SNS topic invokes asynchronously with no failure path (ASYNC003).
func advisoryOnly(ctx *pulumi.Context) error {
	done, err := sqs.NewQueue(ctx, "done", &sqs.QueueArgs{})
	if err != nil {
		return err
	}
	alerts, err := sns.NewTopic(ctx, "alerts", &sns.TopicArgs{})
	if err != nil {
		return err
	}
	fn, err := asyncroute.NewFunction(ctx, "worker", &asyncroute.FunctionArgs{
		Function:  lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("app.handler"), Code: pulumi.NewFileArchive("./handler")},
		OnSuccess: asyncroute.SQSQueue{Queue: done},
	})
	if err != nil {
		return err
	}
	_, err = sns.NewTopicSubscription(ctx, "alerts-to-worker", &sns.TopicSubscriptionArgs{
		Topic: alerts.Arn, Protocol: pulumi.String("lambda"), Endpoint: fn.FunctionArn,
	})
	return err
}

// The plan is a CI gate: findings at or above -fail-on give exit status 3,
// distinct from a failing program (1) and bad flags (2), in every format;
// the findings are printed as always.
func TestFindingsExitCode(t *testing.T) {
	dir := planDir(t, "gate")
	const (
		mandatory = "Policy findings (asyncpolicy rules):\n  ASYNC001 [mandatory] "
		advisory  = "Policy findings (asyncpolicy rules):\n  ASYNC003 [advisory] "
		failing   = "plan: 1 mandatory finding fails the plan (-fail-on mandatory)\n"
	)
	for _, c := range []struct {
		name     string
		program  pulumi.RunFunc
		args     []string
		code     int
		stderr   string
		findings string // what the text plan shows of them
	}{
		{"mandatory finding fails by default", routed, nil, plan.ExitFindings, failing, mandatory},
		{"mandatory finding, -fail-on mandatory", routed, []string{"-fail-on", "mandatory"}, plan.ExitFindings, failing, mandatory},
		// The worker's topic of another account adds an advisory
		// (ASYNC010: its topic policy is outside the stack).
		{"mandatory finding, -fail-on advisory", routed, []string{"-fail-on=advisory"}, plan.ExitFindings, "plan: 2 findings fail the plan (-fail-on advisory)\n", mandatory},
		{"mandatory finding, -fail-on none", routed, []string{"-fail-on", "none"}, plan.ExitOK, "", mandatory},
		{"mandatory finding, JSON", routed, []string{"-json"}, plan.ExitFindings, failing, ""},
		// A first preview cannot decide the grant: its policy embeds ARNs
		// AWS has not assigned yet, and an unknown is never a violation.
		{"undecided at preview", routed, []string{"-preview"}, plan.ExitOK, "", "Policy findings (asyncpolicy rules):\n  none\n"},
		{"advisory finding passes by default", advisoryOnly, nil, plan.ExitOK, "", advisory},
		{"advisory finding, -fail-on advisory", advisoryOnly, []string{"-fail-on", "advisory"}, plan.ExitFindings, "plan: 1 finding fails the plan (-fail-on advisory)\n", advisory},
		{"advisory finding, -fail-on none", advisoryOnly, []string{"-fail-on", "none"}, plan.ExitOK, "", advisory},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := plan.Main(append([]string{"-dir", dir}, c.args...), &out, &errOut, c.program)
			assert.Equal(t, c.code, code, "stderr:\n%s", errOut.String())
			assert.Equal(t, c.stderr, errOut.String())
			if c.findings == "" { // JSON
				var p plan.JSONPlan
				require.NoError(t, json.Unmarshal(out.Bytes(), &p))
				require.Len(t, p.Findings, 2)
				assert.Equal(t, "ASYNC001", p.Findings[0].RuleID)
				assert.Equal(t, "ASYNC010", p.Findings[1].RuleID)
			} else {
				assert.Contains(t, out.String(), c.findings, "the findings are printed whatever -fail-on says")
			}
		})
	}

	// The diagram does not show findings: standard error lists those that fail.
	var out, errOut bytes.Buffer
	assert.Equal(t, plan.ExitFindings, plan.Main([]string{"-dir", dir, "-diagram"}, &out, &errOut, routed))
	assert.True(t, strings.HasPrefix(out.String(), "flowchart LR\n"))
	assert.Regexp(t, `^  ASYNC001 \[mandatory\] .*\nplan: 1 mandatory finding fails the plan \(-fail-on mandatory\)\n$`, errOut.String())

	// A failing program is 1 whatever -fail-on says.
	errOut.Reset()
	assert.Equal(t, plan.ExitProgramError, plan.Main([]string{"-dir", dir, "-fail-on", "none"}, &out, &errOut, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "bad", &asyncroute.FunctionArgs{MaxRetries: pulumi.IntRef(5)})
		return err
	}))
}

// exporting exports every kind of value a program may export.
func exporting(ctx *pulumi.Context) error {
	q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{})
	if err != nil {
		return err
	}
	ctx.Export("queueUrl", q.Url)
	ctx.Export("queueArn", q.Arn)
	ctx.Export("queue", q)
	ctx.Export("greeting", pulumi.String("hello"))
	ctx.Export("retries", pulumi.Int(2))
	ctx.Export("enabled", pulumi.Bool(true))
	ctx.Export("names", pulumi.StringArray{pulumi.String("a"), q.Name})
	ctx.Export("endpoints", pulumi.Map{"queue": q.Url, "region": pulumi.String("us-east-1")})
	ctx.Export("command", pulumi.Sprintf("aws sqs send-message --queue-url %s", q.Url))
	ctx.Export("token", pulumi.ToSecret(pulumi.String("s3cr3t")))
	return nil
}

func TestStackOutputs(t *testing.T) {
	dir := planDir(t, "outs")
	var buf bytes.Buffer
	require.NoError(t, plan.Plan(&buf, exporting, plan.Options{Dir: dir, JSON: true}))
	var p plan.JSONPlan
	require.NoError(t, json.Unmarshal(buf.Bytes(), &p))
	url := "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-"
	require.Contains(t, p.Outputs, "queueUrl")
	assert.True(t, strings.HasPrefix(p.Outputs["queueUrl"].(string), url), p.Outputs["queueUrl"])
	assert.Equal(t, "urn:pulumi:dev::outs::aws:sqs/queue:Queue::jobs", p.Outputs["queue"], "a resource is its URN")
	assert.Equal(t, "hello", p.Outputs["greeting"])
	assert.Equal(t, 2.0, p.Outputs["retries"])
	assert.Equal(t, true, p.Outputs["enabled"])
	assert.Equal(t, "[secret]", p.Outputs["token"])
	assert.Equal(t, "aws sqs send-message --queue-url "+p.Outputs["queueUrl"].(string), p.Outputs["command"])
	assert.Equal(t, map[string]any{"queue": p.Outputs["queueUrl"], "region": "us-east-1"}, p.Outputs["endpoints"])
	names := p.Outputs["names"].([]any)
	require.Len(t, names, 2)
	assert.Equal(t, "a", names[0])
	assert.True(t, strings.HasPrefix(names[1].(string), "jobs-"))
	assert.Len(t, p.Outputs, 10)

	buf.Reset()
	require.NoError(t, plan.Plan(&buf, exporting, plan.Options{Dir: dir}))
	text := buf.String()
	assert.Contains(t, text, "\nStack outputs (ctx.Export):\n  command: aws sqs send-message --queue-url "+url)
	assert.Contains(t, text, "\n  endpoints.region: us-east-1\n")
	assert.Contains(t, text, "\n  names: [a, jobs-")
	assert.Contains(t, text, "\n  queue: urn:pulumi:dev::outs::aws:sqs/queue:Queue::jobs\n")
	assert.Contains(t, text, "\n  token: [secret]\n")
	assert.Less(t, strings.Index(text, "Stack outputs"), strings.Index(text, "Policy documents:"))

	// A first preview: what AWS assigns, and what is made of it, is unknown.
	buf.Reset()
	require.NoError(t, plan.Plan(&buf, exporting, plan.Options{Dir: dir, Preview: true}))
	text = buf.String()
	assert.Contains(t, text, "\n  command: <unknown until deploy>\n")
	assert.Contains(t, text, "\n  queueArn: <unknown until deploy>\n")
	assert.Contains(t, text, "\n  queueUrl: <unknown until deploy>\n")
	assert.Contains(t, text, "\n  greeting: hello\n")
	buf.Reset()
	require.NoError(t, plan.Plan(&buf, exporting, plan.Options{Dir: dir, Preview: true, JSON: true}))
	require.NoError(t, json.Unmarshal(buf.Bytes(), &p))
	assert.Equal(t, "<unknown until deploy>", p.Outputs["queueUrl"])
	assert.Equal(t, "<unknown until deploy>", p.Outputs["command"])
	assert.Equal(t, "urn:pulumi:dev::outs::aws:sqs/queue:Queue::jobs", p.Outputs["queue"])

	// No export: the sections say so.
	buf.Reset()
	require.NoError(t, plan.Plan(&buf, routed, plan.Options{Dir: dir}))
	assert.Contains(t, buf.String(), "\nStack outputs (ctx.Export):\n  (none)\n")
}

func TestFindingsInPlan(t *testing.T) {
	var p plan.JSONPlan
	require.NoError(t, json.Unmarshal([]byte(render(t, plan.Options{JSON: true})), &p))
	require.Len(t, p.Findings, 2, "the function whose grants were skipped is flagged, and the worker's target of another account is reported")
	assert.Equal(t, "ASYNC001", p.Findings[0].RuleID)
	assert.Equal(t, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", p.Findings[0].Type)
	assert.Equal(t, asyncpolicy.Finding{RuleID: "ASYNC010", Level: asyncpolicy.Advisory,
		URN:  "urn:pulumi:dev::plantest::asyncroute:lambda:Function$aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::worker-async-config",
		Type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", Name: "worker-async-config", Field: "destinationConfig.onFailure.destination",
		Message: `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "worker-async-config", field destinationConfig.onFailure.destination: ` +
			`the on-failure destination of function "worker-13d6956" is SNS topic arn:aws:sns:us-east-1:210987654321:central-failures, ` +
			`and whether execution role aws:iam/role:Role "worker-role" may deliver to it depends on policies outside the stack, which the rules cannot read: ` +
			`the SNS topic is in account 210987654321 (outside the stack) and the role in account 123456789012, and across accounts its topic policy must allow the role too: ` +
			`it must allow sns:Publish on arn:aws:sns:us-east-1:210987654321:central-failures to arn:aws:iam::123456789012:role/worker-role-def9d19 (or its account 123456789012). ` +
			`Fix: make sure that the topic policy of SNS topic arn:aws:sns:us-east-1:210987654321:central-failures allows it, or bring it into the stack so that ASYNC001 checks it.`,
	}, p.Findings[1])
	assert.Contains(t, render(t, plan.Options{}), "Policy findings (asyncpolicy rules):\n  ASYNC001 [mandatory]")
}

// The stack's aws:region is where the plan's resources are: the header,
// the JSON's region and every ARN.
func TestRegionFromStackConfig(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: regional\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  aws:region: eu-west-1\n"), 0o644))
	var buf bytes.Buffer
	require.NoError(t, plan.Plan(&buf, routed, plan.Options{Dir: dir, JSON: true}))
	var p plan.JSONPlan
	require.NoError(t, json.Unmarshal(buf.Bytes(), &p))
	assert.Equal(t, "eu-west-1", p.Region)
	assert.NotContains(t, buf.String(), "arn:aws:sqs:us-east-1:")
	assert.Contains(t, buf.String(), `"arn:aws:sqs:eu-west-1:123456789012:done-`)

	buf.Reset()
	require.NoError(t, plan.Plan(&buf, routed, plan.Options{Dir: dir}))
	assert.Contains(t, buf.String(), "(mock AWS account 123456789012 in eu-west-1:")
}

// A first preview's unknowns are shown, not left out: the grant policy
// that embeds unknown ARNs and the destinations of the invoke config.
func TestPreviewShowsUnknowns(t *testing.T) {
	text := render(t, plan.Options{Preview: true})
	assert.Contains(t, text, "destinationConfig.onSuccess.destination: <unknown until deploy>")
	assert.Contains(t, text, "aws:iam/rolePolicy:RolePolicy  worker-async-grants  (policy)\n    policy is unknown until deploy")

	var p plan.JSONPlan
	require.NoError(t, json.Unmarshal([]byte(render(t, plan.Options{Preview: true, JSON: true})), &p))
	found := false
	for _, pol := range p.Policies {
		if pol.Name == "worker-async-grants" {
			found = true
			assert.Nil(t, pol.Document)
			assert.Contains(t, pol.Error, "unknown until deploy")
		}
	}
	assert.True(t, found, "the grant policy is listed")
	for _, r := range p.Resources {
		if r.Name == "worker-async-config" {
			assert.Equal(t, map[string]any{"destination": "<unknown until deploy>"}, r.Inputs["destinationConfig"].(map[string]any)["onSuccess"])
		}
	}
}

// In a preview (AWS-assigned values unknown) every route stays in the
// diagram, its grants shown as decided at deploy.
func TestPreviewDiagramKeepsEveryRoute(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, plan.Plan(&out, orders.NewProgram("../../handler"), plan.Options{Project: "orders", Dir: t.TempDir(), Diagram: true, Preview: true}))
	assert.Contains(t, out.String(), `-->|"on success<br/>grants decided at deploy"|`)
	assert.Contains(t, out.String(), `-->|"on failure<br/>grants decided at deploy"|`)
	assert.Contains(t, out.String(), `legend[`)
}
