package provider

import (
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// handlerDir is the root stack's handler, used as the function's code.
var handlerDir = filepath.Join("..", "handler")

func handlerArchive(t *testing.T) *archive.Archive {
	t.Helper()
	abs, err := filepath.Abs(handlerDir)
	require.NoError(t, err)
	a, err := archive.FromPath(abs)
	require.NoError(t, err)
	return a
}

// orderSettings is the root stack's function (stacks/orders) as schema
// inputs, and goOrderSettings the same in Go.
func orderSettings(t *testing.T) map[string]any {
	return map[string]any{
		"runtime":     "python3.12",
		"handler":     "handler.handler",
		"code":        handlerArchive(t),
		"timeout":     10.0,
		"memorySize":  128.0,
		"description": "Processes orders invoked asynchronously",
	}
}

func goOrderSettings(t *testing.T) lambda.FunctionArgs {
	abs, err := filepath.Abs(handlerDir)
	require.NoError(t, err)
	return lambda.FunctionArgs{
		Runtime:     pulumi.String("python3.12"),
		Handler:     pulumi.String("handler.handler"),
		Code:        pulumi.NewFileArchive(abs),
		Timeout:     pulumi.Int(10),
		MemorySize:  pulumi.Int(128),
		Description: pulumi.String("Processes orders invoked asynchronously"),
	}
}

// registered is what a resource looked like to the monitor, without the
// values that depend on how it was registered (sequence numbers).
type registered struct {
	URN, Type, Name, Parent string
	Custom                  bool
	Inputs                  map[string]any
	Dependencies            []string
	PropertyDependencies    map[string][]string
}

func summarize(rs []*asyncroutetest.Resource) []registered {
	var out []registered
	for _, r := range rs {
		deps := map[string][]string{}
		for k, v := range r.PropertyDependencies {
			if len(v) == 0 {
				continue
			}
			v = append([]string(nil), v...)
			sort.Strings(v)
			deps[k] = v
		}
		out = append(out, registered{URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Custom: r.Custom,
			Inputs: r.Inputs, Dependencies: r.Dependencies, PropertyDependencies: deps})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// runGo runs the Go constructor under the same mocks.
func runGo(t *testing.T, preview bool, program pulumi.RunFunc) (*asyncroutetest.Stack, error) {
	t.Helper()
	opts := []asyncroutetest.Option{asyncroutetest.Project(testProject), asyncroutetest.StackName(testStack)}
	if preview {
		opts = append(opts, asyncroutetest.Preview())
	}
	return asyncroutetest.Run(program, opts...)
}

func TestTypeTokensAreTheGoPackages(t *testing.T) {
	assert.Equal(t, asyncroute.FunctionType, Token("Function"))
	assert.Equal(t, asyncroute.AsyncInvokeType, Token("AsyncInvoke"))
	assert.Equal(t, asyncroute.EventSourceMappingType, Token("EventSourceMapping"))
}

// TestConstructRegistersWhatGoDoes constructs components through the
// provider and checks that the monitor saw exactly what the Go constructor
// registers for the same arguments: the same resources, parents, inputs
// (grant policy, invoke config, function) and dependencies.
func TestConstructRegistersWhatGoDoes(t *testing.T) {
	hour := time.Hour
	cases := []struct {
		name   string
		typ    string
		inputs func(t *testing.T) map[string]any
		goProg func(t *testing.T) pulumi.RunFunc
	}{
		{
			name: "order processor with created targets",
			typ:  Token("Function"),
			inputs: func(t *testing.T) map[string]any {
				return map[string]any{
					"function":           orderSettings(t),
					"onSuccess":          map[string]any{"kind": "newQueue", "retentionPeriodSeconds": 345600.0},
					"onFailure":          map[string]any{"kind": "newTopic"},
					"maxRetries":         1.0,
					"maxEventAgeSeconds": 3600.0,
					"tags":               map[string]any{"app": "orders"},
				}
			},
			goProg: func(t *testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					_, err := asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
						Function:    goOrderSettings(t),
						OnSuccess:   asyncroute.NewQueue{RetentionPeriod: 4 * 24 * time.Hour},
						OnFailure:   asyncroute.NewTopic{},
						MaxRetries:  pulumi.IntRef(1),
						MaxEventAge: &hour,
						Tags:        pulumi.StringMap{"app": pulumi.String("orders")},
					})
					return err
				}
			},
		},
		{
			name: "targets by ARN, dead letter, alias, role options",
			typ:  Token("Function"),
			inputs: func(t *testing.T) map[string]any {
				return map[string]any{
					"function": map[string]any{"runtime": "python3.12", "handler": "handler.handler", "code": handlerArchive(t),
						"environment": map[string]any{"STAGE": "prod"}, "architectures": []any{"arm64"}},
					"onSuccess":   map[string]any{"arn": "arn:aws:sqs:us-east-1:123456789012:processed"},
					"onFailure":   map[string]any{"kind": "sns", "arn": "arn:aws:sns:us-east-1:123456789012:alerts", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
					"deadLetter":  map[string]any{"kind": "newQueue"},
					"maxRetries":  0.0,
					"alias":       "live",
					"roleOptions": map[string]any{"path": "/service-roles/", "permissionsBoundary": "arn:aws:iam::123456789012:policy/boundary"},
				}
			},
			goProg: func(t *testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					abs, err := filepath.Abs(handlerDir)
					require.NoError(t, err)
					_, err = asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
						Function: lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("handler.handler"),
							Code:          pulumi.NewFileArchive(abs),
							Environment:   lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{"STAGE": pulumi.String("prod")}},
							Architectures: pulumi.StringArray{pulumi.String("arm64")}},
						OnSuccess: asyncroute.ARN{Arn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:processed")},
						OnFailure: asyncroute.ARN{Arn: pulumi.String("arn:aws:sns:us-east-1:123456789012:alerts"), Kind: asyncroute.KindSNS,
							KmsKeyArn: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")},
						DeadLetter: asyncroute.NewQueue{},
						MaxRetries: pulumi.IntRef(0),
						Alias:      "live",
						RoleOptions: &asyncroute.RoleOptions{Path: pulumi.String("/service-roles/"),
							PermissionsBoundary: pulumi.String("arn:aws:iam::123456789012:policy/boundary")},
					})
					return err
				}
			},
		},
		{
			name: "response-only chain and created targets with keys by ARN",
			typ:  Token("Function"),
			inputs: func(t *testing.T) map[string]any {
				return map[string]any{
					"function":   orderSettings(t),
					"onSuccess":  map[string]any{"kind": "responseOnly", "arn": nextFunctionArn},
					"onFailure":  map[string]any{"kind": "newQueue", "kmsKeyArn": keyArn, "retentionPeriodSeconds": 86400.0},
					"deadLetter": map[string]any{"kind": "newTopic", "kmsKeyArn": keyArn},
					"alias":      "live",
				}
			},
			goProg: func(t *testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					_, err := asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
						Function:   goOrderSettings(t),
						OnSuccess:  asyncroute.ResponseOnly{FunctionArn: pulumi.String(nextFunctionArn)},
						OnFailure:  asyncroute.NewQueue{KmsKeyArn: pulumi.String(keyArn), RetentionPeriod: 24 * time.Hour},
						DeadLetter: asyncroute.NewTopic{KmsKeyArn: pulumi.String(keyArn)},
						Alias:      "live",
					})
					return err
				}
			},
		},
		{
			name: "response-only on an existing function",
			typ:  Token("AsyncInvoke"),
			inputs: func(*testing.T) map[string]any {
				return map[string]any{
					"functionName": "legacy-billing",
					"qualifier":    "prod",
					"role":         map[string]any{"name": "legacy-billing-role"},
					"onFailure":    map[string]any{"kind": "responseOnly", "arn": nextFunctionArn},
				}
			},
			goProg: func(*testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					_, err := asyncroute.NewAsyncInvoke(ctx, "order-processor", &asyncroute.AsyncInvokeArgs{
						FunctionName: pulumi.String("legacy-billing"),
						Qualifier:    pulumi.String("prod"),
						Role:         &asyncroute.ExistingRole{Name: pulumi.String("legacy-billing-role")},
						OnFailure:    asyncroute.ResponseOnly{FunctionArn: pulumi.String(nextFunctionArn)},
					})
					return err
				}
			},
		},
		{
			name: "async invoke on an existing function",
			typ:  Token("AsyncInvoke"),
			inputs: func(*testing.T) map[string]any {
				return map[string]any{
					"functionName":       "legacy-billing",
					"role":               map[string]any{"name": "legacy-billing-role"},
					"onFailure":          map[string]any{"kind": "defaultEventBus"},
					"maxEventAgeSeconds": 600.0,
				}
			},
			goProg: func(*testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					age := 10 * time.Minute
					_, err := asyncroute.NewAsyncInvoke(ctx, "order-processor", &asyncroute.AsyncInvokeArgs{
						FunctionName: pulumi.String("legacy-billing"),
						Role:         &asyncroute.ExistingRole{Name: pulumi.String("legacy-billing-role")},
						OnFailure:    asyncroute.DefaultEventBus{},
						MaxEventAge:  &age,
					})
					return err
				}
			},
		},
		{
			name: "alarms on an alias, by topic ARN, changed and switched off",
			typ:  Token("Function"),
			inputs: func(t *testing.T) map[string]any {
				return map[string]any{
					"function":           orderSettings(t),
					"onFailure":          map[string]any{"kind": "newQueue"},
					"alias":              "live",
					"maxEventAgeSeconds": 3600.0,
					"tags":               map[string]any{"app": "orders"},
					"alarms": map[string]any{
						"notifyArn":                   "arn:aws:sns:us-east-1:123456789012:on-call",
						"destinationDeliveryFailures": map[string]any{"threshold": 2.5, "periodSeconds": 300.0, "evaluationPeriods": 3.0},
						"asyncEventAge":               map[string]any{"ageSeconds": 600.0},
					},
				}
			},
			goProg: func(t *testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					threshold, five, three, ten := 2.5, 5*time.Minute, 3, 10*time.Minute
					_, err := asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
						Function: goOrderSettings(t), OnFailure: asyncroute.NewQueue{}, Alias: "live", MaxEventAge: &hour,
						Tags: pulumi.StringMap{"app": pulumi.String("orders")},
						Alarms: &asyncroute.Alarms{NotifyArn: pulumi.String("arn:aws:sns:us-east-1:123456789012:on-call"),
							DestinationDeliveryFailures: &asyncroute.Alarm{Threshold: &threshold, Period: &five, EvaluationPeriods: &three},
							AsyncEventAge:               &asyncroute.Alarm{Age: &ten}},
					})
					return err
				}
			},
		},
		{
			name: "alarms on an existing function's qualifier",
			typ:  Token("AsyncInvoke"),
			inputs: func(*testing.T) map[string]any {
				return map[string]any{
					"functionName": "legacy-billing", "qualifier": "prod", "skipGrants": true, "maxRetries": 0.0,
					"alarms": map[string]any{"deadLetterErrors": map[string]any{}, "asyncEventAge": map[string]any{"off": true}},
				}
			},
			goProg: func(*testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					_, err := asyncroute.NewAsyncInvoke(ctx, "order-processor", &asyncroute.AsyncInvokeArgs{
						FunctionName: pulumi.String("legacy-billing"), Qualifier: pulumi.String("prod"), SkipGrants: true, MaxRetries: pulumi.IntRef(0),
						Alarms: &asyncroute.Alarms{DeadLetterErrors: &asyncroute.Alarm{}, AsyncEventAge: &asyncroute.Alarm{Off: true}},
					})
					return err
				}
			},
		},
		{
			name: "event source mapping from a stream",
			typ:  Token("EventSourceMapping"),
			inputs: func(*testing.T) map[string]any {
				return map[string]any{
					"eventSourceArn":             "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
					"sourceKmsKeyArn":            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
					"functionName":               "legacy-billing",
					"role":                       map[string]any{"name": "legacy-billing-role"},
					"onFailure":                  map[string]any{"kind": "newQueue"},
					"maxRetries":                 5.0,
					"maxRecordAgeSeconds":        3600.0,
					"bisectBatchOnFunctionError": true,
					"startingPosition":           "LATEST",
					"batchSize":                  100.0,
					"alarms":                     map[string]any{},
				}
			},
			goProg: func(*testing.T) pulumi.RunFunc {
				return func(ctx *pulumi.Context) error {
					_, err := asyncroute.NewEventSourceMapping(ctx, "order-processor", &asyncroute.EventSourceMappingArgs{
						Mapping:                    lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST"), BatchSize: pulumi.Int(100)},
						EventSourceArn:             pulumi.String("arn:aws:kinesis:us-east-1:123456789012:stream/orders"),
						SourceKmsKeyArn:            pulumi.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
						FunctionName:               pulumi.String("legacy-billing"),
						Role:                       &asyncroute.ExistingRole{Name: pulumi.String("legacy-billing-role")},
						OnFailure:                  asyncroute.NewQueue{},
						MaxRetries:                 pulumi.IntRef(5),
						MaxRecordAge:               &hour,
						BisectBatchOnFunctionError: pulumi.BoolRef(true),
						Alarms:                     &asyncroute.Alarms{},
					})
					return err
				}
			},
		},
	}
	for _, c := range cases {
		for _, preview := range []bool{true, false} {
			mode := map[bool]string{true: "preview", false: "update"}[preview]
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				want, err := runGo(t, preview, c.goProg(t))
				require.NoError(t, err)
				require.NotEmpty(t, want.Resources)

				w := newWorld(t, preview)
				resp, err := w.construct(c.typ, "order-processor", c.inputs(t))
				require.NoError(t, err)
				assert.Equal(t, stackURN[:len("urn:pulumi:test::asyncroute::")]+c.typ+"::order-processor", resp.GetUrn())
				assert.Equal(t, summarize(want.Resources), summarize(w.mocks.Resources()))
			})
		}
	}
}

// The ARNs of the response-only and key cases.
const (
	nextFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:enrich"
	keyArn          = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// TestConstructResponseOnlyAndKeys checks the children a response-only
// route and a created queue with a key by ARN make through the provider:
// the rule target and the permission take the next function's ARN, and the
// queue is encrypted with the key, which the role is granted in a policy
// the queue waits for.
func TestConstructResponseOnlyAndKeys(t *testing.T) {
	w := newWorld(t, false)
	_, err := w.construct(Token("Function"), "orders", map[string]any{
		"function":  orderSettings(t),
		"onSuccess": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn},
		"onFailure": map[string]any{"kind": "newQueue", "kmsKeyArn": keyArn},
	})
	require.NoError(t, err)
	find := func(typ, name string) *asyncroutetest.Resource {
		for _, r := range w.mocks.Resources() {
			if r.Type == typ && r.Name == name {
				return r
			}
		}
		t.Fatalf("no %s %q", typ, name)
		return nil
	}
	target := find("aws:cloudwatch/eventTarget:EventTarget", "orders-on-success-response-target")
	assert.Equal(t, nextFunctionArn, target.Inputs["arn"])
	assert.Equal(t, "$.detail.responsePayload", target.Inputs["inputPath"])
	perm := find("aws:lambda/permission:Permission", "orders-on-success-response-permission")
	assert.Equal(t, nextFunctionArn, perm.Inputs["function"])
	assert.Equal(t, "events.amazonaws.com", perm.Inputs["principal"])
	queue := find("aws:sqs/queue:Queue", "orders-on-failure")
	assert.Equal(t, map[string]any{"kmsMasterKeyId": keyArn, "messageRetentionSeconds": 1209600.0}, queue.Inputs)
	keyGrants := find("aws:iam/rolePolicy:RolePolicy", "orders-on-failure-key-grants")
	doc, err := asyncroutetest.DecodePolicy(keyGrants.Inputs["policy"])
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1)
	assert.Equal(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, doc.Statements[0].Action)
	assert.Equal(t, []string{keyArn}, doc.Statements[0].Resource)
	assert.Contains(t, queue.Dependencies, keyGrants.URN)
}

// TestConstructChecksOutputsAtDeploy passes the ARNs as a TypeScript
// program passes another resource's output (next.arn, key.arn): a preview
// rejects a bad value with Go's message and registers nothing; an update
// checks it inside the outputs that feed the rule target, the permission,
// the key grant, the queue and the invoke config, none of which is
// registered.
func TestConstructChecksOutputsAtDeploy(t *testing.T) {
	output := func(v string) resource.PropertyValue {
		return resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty(v), Known: true,
			Dependencies: []resource.URN{resource.URN(stackURN[:len("urn:pulumi:test::asyncroute::")] + "aws:lambda/function:Function::enrich")}})
	}
	cases := []struct {
		name   string
		inputs map[string]any
		want   string
		never  []string // type/name of children an update must not register
	}{
		{
			name:   "response-only to a queue",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": output("arn:aws:sqs:us-east-1:123456789012:jobs")}},
			want: `asyncroute: Function "orders": onSuccess.arn: "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; ` +
				`allowed: the next function's unqualified ARN, arn:<partition>:lambda:<region>:<account>:function:<name>`,
			never: []string{"aws:cloudwatch/eventTarget:EventTarget/orders-on-success-response-target", "aws:lambda/permission:Permission/orders-on-success-response-permission"},
		},
		{
			name:   "created queue with a key alias",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newQueue", "kmsKeyArn": output("arn:aws:kms:us-east-1:123456789012:alias/orders")}},
			want: `asyncroute: Function "orders": onFailure.kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/orders" is not a KMS key ARN; ` +
				`expected arn:<partition>:kms:<region>:<account>:key/<key-id>`,
			never: []string{"aws:iam/rolePolicy:RolePolicy/orders-on-failure-key-grants", "aws:sqs/queue:Queue/orders-on-failure"},
		},
	}
	for _, c := range cases {
		inputs := map[string]any{"function": orderSettings(t)}
		for k, v := range c.inputs {
			inputs[k] = v
		}
		t.Run(c.name+"/preview", func(t *testing.T) {
			w := newWorld(t, true)
			assert.Equal(t, c.want, constructErr(t, w, Token("Function"), inputs))
			assert.Empty(t, w.mocks.Resources(), "nothing registered")
		})
		t.Run(c.name+"/update", func(t *testing.T) {
			w := newWorld(t, false)
			_, err := w.construct(Token("Function"), "orders", inputs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			for _, r := range w.mocks.Resources() {
				assert.NotContains(t, append(c.never, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig/orders-async-config"), r.Type+"/"+r.Name)
			}
		})
	}
}

// TestConstructOutputs checks that the component's state is the Go
// component's pulumi-tagged outputs.
func TestConstructOutputs(t *testing.T) {
	w := newWorld(t, false)
	resp, err := w.construct(Token("Function"), "order-processor", map[string]any{
		"function":   orderSettings(t),
		"onSuccess":  map[string]any{"kind": "newQueue"},
		"onFailure":  map[string]any{"kind": "sns", "arn": "arn:aws:sns:us-east-1:123456789012:alerts"},
		"maxRetries": 1.0,
	})
	require.NoError(t, err)
	state := resp.GetState().AsMap()
	assert.Equal(t, "$LATEST", state["qualifier"])
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:alerts", state["onFailureArn"])
	assert.Regexp(t, `^arn:aws:sqs:us-east-1:123456789012:order-processor-on-success-[0-9a-f]{7}$`, state["onSuccessArn"])
	assert.Regexp(t, `^arn:aws:lambda:us-east-1:123456789012:function:order-processor-[0-9a-f]{7}$`, state["functionArn"])
	assert.Equal(t, state["functionArn"].(string)+":$LATEST", state["qualifiedArn"])
	assert.Regexp(t, `^arn:aws:iam::123456789012:role/`, state["roleArn"])
	assert.Equal(t, false, state["grantsSkipped"])
	assert.NotContains(t, state, "deadLetterArn", "no dead-letter target: the output is absent")
}
