package asyncroute_test

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/require"
)

// Type tokens of everything the tests look up.
const (
	functionComponentType = asyncroute.FunctionType
	asyncInvokeType       = asyncroute.AsyncInvokeType
	roleType              = "aws:iam/role:Role"
	rolePolicyType        = "aws:iam/rolePolicy:RolePolicy"
	lambdaType            = "aws:lambda/function:Function"
	aliasType             = "aws:lambda/alias:Alias"
	configType            = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	queueType             = "aws:sqs/queue:Queue"
	topicType             = "aws:sns/topic:Topic"
	busType               = "aws:cloudwatch/eventBus:EventBus"
	bucketV2Type          = "aws:s3/bucketV2:BucketV2"
	bucketType            = "aws:s3/bucket:Bucket"
	keyType               = "aws:kms/key:Key"
)

// Actions the grant policy may hold.
var (
	sqsSend     = []string{"sqs:SendMessage"}
	snsPublish  = []string{"sns:Publish"}
	lambdaCall  = []string{"lambda:InvokeFunction"}
	putEvents   = []string{"events:PutEvents"}
	s3Put       = []string{"s3:PutObject"}
	s3List      = []string{"s3:ListBucket"}
	kmsUse      = []string{"kms:Decrypt", "kms:GenerateDataKey*"}
	defaultBus  = "arn:aws:events:us-east-1:123456789012:event-bus/default"
	allServices = "events, lambda, s3, sns, sqs"
)

// arnOf is the ARN the mock gives a resource of service in the test account.
func arnOf(service, resource string) string {
	return "arn:aws:" + service + ":us-east-1:123456789012:" + resource
}

func fnARN(name string) string { return arnOf("lambda", "function:"+name) }

// dep renders a dependency as Stack.Dependencies does.
func dep(typ, name string) string { return typ + "/" + name }

func deps(ds ...string) []string {
	if len(ds) == 0 {
		return nil
	}
	out := append([]string(nil), ds...)
	sort.Strings(out)
	return out
}

func secs(n float64) *time.Duration {
	d := time.Duration(n * float64(time.Second))
	return &d
}

// lambdaArgs are a function's upstream arguments with a fixed name, so
// that ARNs are exact.
func lambdaArgs(name string) lambda.FunctionArgs {
	return lambda.FunctionArgs{
		Name:    pulumi.String(name),
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String("index.handler"),
		Code:    pulumi.NewFileArchive("./app"),
	}
}

// wantFunctionInputs is what the lambda.Function child receives for
// lambdaArgs(name) plus the component's additions.
func wantFunctionInputs(name string, extra map[string]any) map[string]any {
	m := map[string]any{
		"name":    name,
		"runtime": "python3.12",
		"handler": "index.handler",
		"code":    "archive:./app",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// must panics on a registration error, which mocks never produce; it keeps
// test programs short.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func newQueue(ctx *pulumi.Context, name string, args *sqs.QueueArgs) *sqs.Queue {
	if args == nil {
		args = &sqs.QueueArgs{}
	}
	if args.Name == nil {
		args.Name = pulumi.String(name)
	}
	return must(sqs.NewQueue(ctx, name, args))
}

func newTopic(ctx *pulumi.Context, name string, args *sns.TopicArgs) *sns.Topic {
	if args == nil {
		args = &sns.TopicArgs{}
	}
	if args.Name == nil {
		args.Name = pulumi.String(name)
	}
	return must(sns.NewTopic(ctx, name, args))
}

func newBus(ctx *pulumi.Context, name string) *cloudwatch.EventBus {
	return must(cloudwatch.NewEventBus(ctx, name, &cloudwatch.EventBusArgs{Name: pulumi.String(name)}))
}

func newBucketV2(ctx *pulumi.Context, name string) *s3.BucketV2 {
	return must(s3.NewBucketV2(ctx, name, &s3.BucketV2Args{Bucket: pulumi.String(name)}))
}

func newLegacyBucket(ctx *pulumi.Context, name string) *s3.Bucket {
	return must(s3.NewBucket(ctx, name, &s3.BucketArgs{Bucket: pulumi.String(name)}))
}

func newKey(ctx *pulumi.Context, name string) *kms.Key {
	return must(kms.NewKey(ctx, name, &kms.KeyArgs{}))
}

func newRole(ctx *pulumi.Context, name string) *iam.Role {
	return must(iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(name),
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`),
	}))
}

// newPlainFunction is a lambda.Function made outside the components.
func newPlainFunction(ctx *pulumi.Context, name string, role pulumi.StringInput) *lambda.Function {
	args := lambdaArgs(name)
	args.Role = role
	return must(lambda.NewFunction(ctx, name, &args))
}

// stackURN is the parent of every top-level resource.
const stackURN = "urn:pulumi:test::asyncroute::pulumi:pulumi:Stack::asyncroute-test"

const externalRoleArn = "arn:aws:iam::123456789012:role/external"

// run runs program under the recording mocks and requires it to succeed.
func run(t *testing.T, program pulumi.RunFunc, opts ...asyncroutetest.Option) *asyncroutetest.Stack {
	t.Helper()
	st, err := asyncroutetest.Run(program, opts...)
	require.NoError(t, err)
	return st
}

// runCapture runs build, which returns the error of the component call it
// makes, and returns that error; the program itself succeeds.
func runCapture(t *testing.T, build func(ctx *pulumi.Context) error, opts ...asyncroutetest.Option) (*asyncroutetest.Stack, error) {
	t.Helper()
	var got error
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		got = build(ctx)
		return nil
	}, opts...)
	require.NoError(t, err)
	return st, got
}

func find(t *testing.T, st *asyncroutetest.Stack, typ, name string) *asyncroutetest.Resource {
	t.Helper()
	r := st.Find(typ, name)
	require.NotNil(t, r, "no %s named %q; have %v", typ, name, names(st))
	return r
}

func names(st *asyncroutetest.Stack) []string {
	var out []string
	for _, r := range st.Resources {
		out = append(out, r.Type+"/"+r.Name)
	}
	return out
}

// statements decodes the grant policy of the component named component.
func statements(t *testing.T, st *asyncroutetest.Stack, component string) []iampolicy.Statement {
	t.Helper()
	p := find(t, st, rolePolicyType, component+"-async-grants")
	doc, err := asyncroutetest.DecodePolicy(p.Inputs["policy"])
	require.NoError(t, err)
	require.Equal(t, "2012-10-17", doc.Version)
	return doc.Statements
}

func allow(actions []string, resources ...string) iampolicy.Statement {
	return iampolicy.Statement{
		Effect:   "Allow",
		Action:   actions,
		Resource: resources,
	}
}

func stmts(s ...iampolicy.Statement) []iampolicy.Statement { return s }

// destinations renders the invoke config's destinationConfig input; ""
// leaves a side out.
func destinations(onSuccess, onFailure string) map[string]any {
	m := map[string]any{}
	if onSuccess != "" {
		m["onSuccess"] = map[string]any{"destination": onSuccess}
	}
	if onFailure != "" {
		m["onFailure"] = map[string]any{"destination": onFailure}
	}
	return m
}

// config returns the invoke config of the component named component.
func config(t *testing.T, st *asyncroutetest.Stack, component string) *asyncroutetest.Resource {
	t.Helper()
	return find(t, st, configType, component+"-async-config")
}

// childNames lists "type/name" of r's children, sorted.
func childNames(st *asyncroutetest.Stack, r *asyncroutetest.Resource) []string {
	var out []string
	for _, c := range st.Children(r) {
		out = append(out, c.Type+"/"+c.Name)
	}
	sort.Strings(out)
	return out
}

// requireNothingFromComponent asserts that a failed component call added
// nothing: the stack holds exactly the user resources registered before
// it, none of the component's types and none named after it.
func requireNothingFromComponent(t *testing.T, st *asyncroutetest.Stack, component string, userResources int) {
	t.Helper()
	require.Len(t, st.Resources, userResources, "registered: %v", names(st))
	for _, r := range st.Resources {
		require.False(t, r.Name == component || strings.HasPrefix(r.Name, component+"-"),
			"%s/%s was registered for the failed component", r.Type, r.Name)
		if r.Type == functionComponentType || r.Type == asyncInvokeType {
			continue // an earlier, valid component of the same program
		}
		require.False(t, strings.HasPrefix(r.Type, "asyncroute:"), "unexpected %s/%s", r.Type, r.Name)
	}
}

// inputErrors unwraps a component's error into its InputErrors, and
// requires that there is nothing else in it.
func inputErrors(t *testing.T, err error) []*asyncroute.InputError {
	t.Helper()
	out := asyncroute.InputErrors(err)
	require.NotEmpty(t, out, "%v (%T) holds no InputError", err, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, len(out), "one line per fault: %q", err.Error())
	return out
}

// awaitValue reads an output inside a program.
func awaitValue(ctx *pulumi.Context, o pulumi.Output) (any, bool, error) {
	r, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
	return r.Value, r.Known, err
}

// rejects checks a bad program both ways Pulumi runs it, and returns the
// preview's stack:
//
//   - preview (every output the engine can show is awaited): the component
//     call fails with exactly want and registers nothing;
//   - update without a preview (outputs of resources are not awaited, so
//     some checks run inside the outputs that feed the resources that
//     deliver records): the program fails with every line of want, and no
//     invoke config, event source mapping or dead-letter config of the
//     component is registered.
func rejects(t *testing.T, build func(ctx *pulumi.Context) error, want, component string, users int) *asyncroutetest.Stack {
	t.Helper()
	st, err := runCapture(t, build, asyncroutetest.Preview())
	require.Error(t, err, "preview")
	require.Equal(t, want, err.Error(), "preview")
	requireNothingFromComponent(t, st, component, users)
	rejectsAtUpdate(t, build, want, component)
	return st
}

// rejectsAtUpdate is rejects' second half: an update without a preview.
func rejectsAtUpdate(t *testing.T, build func(ctx *pulumi.Context) error, want, component string) {
	t.Helper()
	up, err := asyncroutetest.Run(build)
	require.Error(t, err, "update without preview")
	for _, line := range strings.Split(want, "\n") {
		require.Contains(t, err.Error(), line, "update without preview")
	}
	for _, r := range up.Resources {
		if r.Name != component && !strings.HasPrefix(r.Name, component+"-") {
			continue
		}
		require.NotEqual(t, configType, r.Type, "update without preview registered %s", r.Name)
		require.NotEqual(t, mappingType, r.Type, "update without preview registered %s", r.Name)
		if r.Type == lambdaType {
			require.Nil(t, r.Inputs["deadLetterConfig"], "update without preview registered %s with a dead-letter target", r.Name)
		}
	}
}

// policyName is the name a grant policy takes for its document: its
// Pulumi name and the first 12 hex characters of the document's SHA-256.
func policyName(base string, doc any) string {
	s, _ := doc.(string)
	sum := sha256.Sum256([]byte(s))
	return base + "-" + hex.EncodeToString(sum[:])[:12]
}
