package asyncroute_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modes runs a test in preview and in an update without preview.
func modes(t *testing.T, test func(t *testing.T, opts ...asyncroutetest.Option)) {
	t.Run("preview", func(t *testing.T) { test(t, asyncroutetest.Preview()) })
	t.Run("update", func(t *testing.T) { test(t) })
}

func invoke(ctx *pulumi.Context, name string, fn string, opts ...pulumi.ResourceOption) error {
	_, err := asyncroute.NewAsyncInvoke(ctx, name, &asyncroute.AsyncInvokeArgs{
		FunctionName: pulumi.String(fn), SkipGrants: true, OnFailure: asyncroute.DefaultEventBus{},
	}, opts...)
	return err
}

// TestOneNameInTwoRegions: the same function name under the default
// provider (us-east-1) and an explicit eu-west-1 provider names two
// functions: both configs are accepted, each on its own function.
func TestOneNameInTwoRegions(t *testing.T) {
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			eu, err := aws.NewProvider(ctx, "eu", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
			if err != nil {
				return err
			}
			if err := invoke(ctx, "orders-us", "orders"); err != nil {
				return err
			}
			return invoke(ctx, "orders-eu", "orders", pulumi.Provider(eu))
		}, opts...)
		require.NoError(t, err)
		assert.Len(t, st.OfType(asyncroutetest.TypeInvokeConfig), 2)
	})
}

// TestOneNameInTwoAccounts: a function of another account, by its ARN
// (full or partial), is not the stack account's function of that name.
func TestOneNameInTwoAccounts(t *testing.T) {
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			if err := invoke(ctx, "here", "orders"); err != nil {
				return err
			}
			if err := invoke(ctx, "there", "arn:aws:lambda:us-east-1:210987654321:function:orders"); err != nil {
				return err
			}
			return invoke(ctx, "partial", "111122223333:function:orders:live")
		}, opts...)
		require.NoError(t, err)
		partial := st.Require(t, asyncroutetest.TypeInvokeConfig, "partial-async-config")
		if len(opts) == 0 { // the ARN is built from the provider's partition and region at deploy
			assert.Equal(t, "arn:aws:lambda:us-east-1:111122223333:function:orders", partial.Inputs["functionName"], "a partial ARN keeps its account")
		}
		assert.Equal(t, "live", partial.Inputs["qualifier"], "the partial ARN's qualifier, not its account, is the qualifier")
	})
}

// TestSameFunctionByNameAndARN: a name under the default provider and the
// ARN of the function of that name in the provider's account and region
// are one function: the second config is refused, in both modes, with the
// same message.
func TestSameFunctionByNameAndARN(t *testing.T) {
	rejects(t, func(ctx *pulumi.Context) error {
		if err := invoke(ctx, "first", "orders"); err != nil {
			return err
		}
		return invoke(ctx, "second", "arn:aws:lambda:us-east-1:123456789012:function:orders")
	}, `asyncroute: AsyncInvoke "second": Qualifier: function "orders" already has an async invoke config for qualifier "$LATEST" from AsyncInvoke "first"; `+
		`Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`, "second", 2)
}

// TestTwoProvidersOneAccountAndRegion: two explicit providers that both
// state the same account and region deploy to one place: one name under
// both is one function.
func TestTwoProvidersOneAccountAndRegion(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		var providers []*aws.Provider
		for _, name := range []string{"a", "b"} {
			p, err := aws.NewProvider(ctx, name, &aws.ProviderArgs{Region: pulumi.String("eu-west-1"),
				AllowedAccountIds: pulumi.StringArray{pulumi.String("123456789012")}})
			if err != nil {
				return err
			}
			providers = append(providers, p)
		}
		if err := invoke(ctx, "first", "orders", pulumi.Provider(providers[0])); err != nil {
			return err
		}
		return invoke(ctx, "second", "orders", pulumi.Provider(providers[1]))
	}
	_, err := runCapture(t, program, asyncroutetest.Preview())
	require.EqualError(t, err, `asyncroute: AsyncInvoke "second": Qualifier: function "orders" already has an async invoke config for qualifier "$LATEST" from AsyncInvoke "first"; `+
		`Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`)
}

// TestResponseOnlyNextElsewhereAtPreview: a next function by ARN in another
// region than the component's default bus is refused while the program
// runs (the default provider's place is known then), in both modes, and
// nothing is registered.
func TestResponseOnlyNextElsewhereAtPreview(t *testing.T) {
	rejects(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"),
			OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws:lambda:eu-west-1:123456789012:function:next")}})
		return err
	}, `asyncroute: Function "orders": OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:eu-west-1:123456789012:function:next" is in region "eu-west-1" `+
		`but the rule on the default event bus is in "us-east-1"; an EventBridge rule invokes functions in its own region only; `+
		`allowed: a function in region "us-east-1" (for another region, send to that region's bus with EventBus)`, "orders", 0)
}

// TestGovCloudProvider: a component under an aws-us-gov provider deploys
// there: its role's managed policy, its function's ARN and the default bus
// it sends to are in the aws-us-gov partition; the service principal stays
// lambda.amazonaws.com.
func TestGovCloudProvider(t *testing.T) {
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			gov, err := aws.NewProvider(ctx, "gov", &aws.ProviderArgs{Region: pulumi.String("us-gov-west-1")})
			if err != nil {
				return err
			}
			_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"),
				OnFailure: asyncroute.DefaultEventBus{}}, pulumi.Provider(gov))
			return err
		}, opts...)
		require.NoError(t, err)
		role := st.Require(t, asyncroutetest.TypeRole, "orders-role")
		assert.Equal(t, []any{"arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}, role.Inputs["managedPolicyArns"])
		assert.Contains(t, role.Inputs["assumeRolePolicy"], `"Service":"lambda.amazonaws.com"`)
		if len(opts) == 0 {
			cfg := st.Require(t, asyncroutetest.TypeInvokeConfig, "orders-async-config")
			assert.Equal(t, destinations("", "arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/default"), cfg.Inputs["destinationConfig"])
			assert.Regexp(t, `^arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders$`,
				st.Require(t, asyncroutetest.TypeFunction, "orders").Outputs["arn"])
		}
	})
}

// TestSharedRolePolicySize: many components granting on one brought role
// would take its inline policies over IAM's 10,240 characters (white
// space not counted, one replacement in flight counted): the grant policy
// that would go over is refused, naming the role, the policies and the
// total, in both modes, and never written.
func TestSharedRolePolicySize(t *testing.T) {
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			for i := 0; i < 80; i++ {
				name := fmt.Sprintf("f%02d", i)
				if _, err := asyncroute.NewAsyncInvoke(ctx, name, &asyncroute.AsyncInvokeArgs{
					FunctionName: pulumi.String(name),
					Role:         &asyncroute.ExistingRole{Name: pulumi.String("shared")},
					OnFailure:    asyncroute.ARN{Arn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:failures-of-function-" + name)},
				}); err != nil {
					return err
				}
			}
			return nil
		}, opts...)
		require.Error(t, err)
		assert.Regexp(t, `asyncroute: AsyncInvoke "f\d\d": Role: role shared gets \d+ characters of inline policies from f00-async-grants, f01-async-grants, .*-async-grants `+
			`\(white space not counted, a replaced grant policy counted with its successor\); allowed: at most 10240 per role; give each function its own role \(the default: leave Role unset\)`, err.Error())
		written := len(st.OfType(asyncroutetest.TypeRolePolicy))
		assert.Less(t, written, 80, "the policies that would go over are not written")
	})
}

// TestQuotas: AWS's limits refused with lambdafacts' words, in both modes,
// with nothing of the component registered.
func TestQuotas(t *testing.T) {
	const f = `asyncroute: Function "orders": `
	fn := func(mod func(*asyncroute.FunctionArgs)) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			args := &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.DefaultEventBus{}}
			mod(args)
			_, err := asyncroute.NewFunction(ctx, "orders", args)
			return err
		}
	}
	tags := pulumi.StringMap{}
	for i := 0; i < 51; i++ {
		tags[fmt.Sprintf("t%02d", i)] = pulumi.String("x")
	}
	for name, c := range map[string]struct {
		build func(ctx *pulumi.Context) error
		want  string
	}{
		"function name": {fn(func(a *asyncroute.FunctionArgs) { a.Function.Name = pulumi.String(strings.Repeat("x", 65)) }),
			f + `Function.Name: "` + strings.Repeat("x", 65) + `" has 65 characters; allowed: at most 64`},
		"role name prefix": {fn(func(a *asyncroute.FunctionArgs) {
			a.RoleOptions = &asyncroute.RoleOptions{NamePrefix: pulumi.String(strings.Repeat("p", 39))}
		}), f + `RoleOptions.NamePrefix: "` + strings.Repeat("p", 39) + `" has 39 characters; allowed: at most 38 (the provider appends 26 to make the role's name, which has at most 64)`},
		"51 tags": {fn(func(a *asyncroute.FunctionArgs) { a.Tags = tags }),
			f + `Tags: 51 tags; allowed: at most 50 per resource, counting the component's tags and the resource's own`},
		"aws: tag": {fn(func(a *asyncroute.FunctionArgs) {
			a.Function.Tags = pulumi.StringMap{"aws:owner": pulumi.String("me")}
		}), f + `Tags: tag "aws:owner" has the prefix aws:, which AWS reserves; allowed: another key`},
		"asymmetric key": {func(ctx *pulumi.Context) error {
			k := must(kms.NewKey(ctx, "signing", &kms.KeyArgs{CustomerMasterKeySpec: pulumi.String("RSA_2048")}))
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.NewQueue{KmsKey: k}})
			return err
		}, f + `OnFailure: SQS queue created by the component is encrypted with a KMS key of spec RSA_2048; allowed: a symmetric key (SYMMETRIC_DEFAULT): SQS, SNS and Kinesis encrypt with symmetric keys only`},
	} {
		t.Run(name, func(t *testing.T) {
			users := 0
			if name == "asymmetric key" {
				users = 1
			}
			rejects(t, c.build, c.want, "orders", users)
		})
	}
	t.Run("component name", func(t *testing.T) {
		rejects(t, func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewFunction(ctx, "bestellungen-ü", &asyncroute.FunctionArgs{Function: lambdaArgs("b"), OnFailure: asyncroute.DefaultEventBus{}})
			return err
		}, `asyncroute: Function "bestellungen-ü": name: "bestellungen-ü" has 'ü', which the physical names of the children ("bestellungen-ü-role", ...) cannot hold; `+
			`allowed: a name of letters, digits, - and _`, "bestellungen-ü", 0)
	})
	t.Run("FIFO batch size", func(t *testing.T) {
		rejects(t, func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewEventSourceMapping(ctx, "jobs", &asyncroute.EventSourceMappingArgs{
				EventSourceArn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:jobs.fifo"), FunctionName: pulumi.String("worker"),
				Role: &asyncroute.ExistingRole{Name: pulumi.String("worker-role")}, Mapping: lambda.EventSourceMappingArgs{BatchSize: pulumi.Int(20)},
			})
			return err
		}, `asyncroute: EventSourceMapping "jobs": Mapping.BatchSize: 20 is more than a FIFO queue allows; allowed: 1 to 10`, "jobs", 0)
	})
}

// TestSQSSourceRegion: an SQS source must be in its function's region: a
// queue in eu-west-1 for a function of the default provider (us-east-1) is
// refused; the same queue for a function under an eu-west-1 provider, and
// a Kinesis stream elsewhere (not decided by this fact), are accepted.
func TestSQSSourceRegion(t *testing.T) {
	euQueue := "arn:aws:sqs:eu-west-1:123456789012:jobs"
	m := func(ctx *pulumi.Context, src, fn string, opts ...pulumi.ResourceOption) error {
		_, err := asyncroute.NewEventSourceMapping(ctx, "jobs", &asyncroute.EventSourceMappingArgs{
			EventSourceArn: pulumi.String(src), FunctionName: pulumi.String(fn),
			Role: &asyncroute.ExistingRole{Name: pulumi.String("worker-role")},
		}, opts...)
		return err
	}
	rejects(t, func(ctx *pulumi.Context) error { return m(ctx, euQueue, "worker") },
		`asyncroute: EventSourceMapping "jobs": EventSourceArn: the SQS queue "`+euQueue+`" is in region eu-west-1, but the function it feeds is in us-east-1; `+
			`allowed: a queue in us-east-1 (an SQS event source must be in its function's region)`, "jobs", 0)
	rejects(t, func(ctx *pulumi.Context) error {
		return m(ctx, euQueue, "arn:aws:lambda:us-west-2:123456789012:function:worker")
	}, `asyncroute: EventSourceMapping "jobs": EventSourceArn: the SQS queue "`+euQueue+`" is in region eu-west-1, but the function it feeds is in us-west-2; `+
		`allowed: a queue in us-west-2 (an SQS event source must be in its function's region)`, "jobs", 0)
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			eu, err := aws.NewProvider(ctx, "eu", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
			if err != nil {
				return err
			}
			if err := m(ctx, euQueue, "worker", pulumi.Provider(eu)); err != nil {
				return err
			}
			_, err = asyncroute.NewEventSourceMapping(ctx, "stream", &asyncroute.EventSourceMappingArgs{
				EventSourceArn: pulumi.String("arn:aws:kinesis:eu-west-1:123456789012:stream/orders"), FunctionName: pulumi.String("worker"),
				Role: &asyncroute.ExistingRole{Name: pulumi.String("worker-role")}, Mapping: lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST")},
			})
			return err
		}, opts...)
		require.NoError(t, err)
		assert.Len(t, st.OfType(asyncroutetest.TypeEventSourceMapping), 2)
	})
}

// parentWith is a component resource whose children inherit provider p:
// a component under it knows its place only when asked, which happens at
// preview; during an update its checks of the place run at deploy time.
func parentWith(ctx *pulumi.Context, p *aws.Provider) (pulumi.Resource, error) {
	var parent struct{ pulumi.ResourceState }
	if err := ctx.RegisterComponentResource("test:index:Group", "group", &parent, pulumi.Providers(p)); err != nil {
		return nil, err
	}
	return &parent, nil
}

// TestSQSSourceRegionAtDeploy: under a parent's eu-west-1 provider, an
// SQS source in us-east-1 is refused at preview and, during an update,
// before the mapping is written.
func TestSQSSourceRegionAtDeploy(t *testing.T) {
	rejects(t, func(ctx *pulumi.Context) error {
		eu, err := aws.NewProvider(ctx, "eu", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		parent, err := parentWith(ctx, eu)
		if err != nil {
			return err
		}
		_, err = asyncroute.NewEventSourceMapping(ctx, "jobs", &asyncroute.EventSourceMappingArgs{
			EventSourceArn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:jobs"), FunctionName: pulumi.String("worker"),
			Role: &asyncroute.ExistingRole{Name: pulumi.String("worker-role")},
		}, pulumi.Parent(parent))
		return err
	}, `asyncroute: EventSourceMapping "jobs": EventSourceArn: the SQS queue "arn:aws:sqs:us-east-1:123456789012:jobs" is in region us-east-1, but the function it feeds is in eu-west-1; `+
		`allowed: a queue in eu-west-1 (an SQS event source must be in its function's region)`, "jobs", 2)
}

// TestBroughtRoleOfAnotherPlace: a function takes an execution role of its
// own account and partition only (iam:PassRole does not cross accounts):
// a role ARN of another account, or of the aws partition under a GovCloud
// provider, is refused in both modes; the role of the function's account
// is accepted.
func TestBroughtRoleOfAnotherPlace(t *testing.T) {
	fn := func(ctx *pulumi.Context, role string, opts ...pulumi.ResourceOption) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"),
			Role:      &asyncroute.ExistingRole{Arn: pulumi.String(role)},
			OnFailure: asyncroute.DefaultEventBus{}}, opts...)
		return err
	}
	rejects(t, func(ctx *pulumi.Context) error { return fn(ctx, "arn:aws:iam::210987654321:role/orders") },
		`asyncroute: Function "orders": Role.Arn: "arn:aws:iam::210987654321:role/orders" is a role of account 210987654321, but the function is created in account 123456789012; `+
			`allowed: a role of account 123456789012 (Lambda takes the execution role with iam:PassRole, and a role cannot be passed to another account)`, "orders", 0)
	rejects(t, func(ctx *pulumi.Context) error {
		gov, err := aws.NewProvider(ctx, "gov", &aws.ProviderArgs{Region: pulumi.String("us-gov-west-1")})
		if err != nil {
			return err
		}
		return fn(ctx, "arn:aws:iam::123456789012:role/orders", pulumi.Provider(gov))
	}, `asyncroute: Function "orders": Role.Arn: "arn:aws:iam::123456789012:role/orders" is a role of partition aws, but the function is created in partition aws-us-gov (region us-gov-west-1); `+
		`allowed: a role of partition aws-us-gov`, "orders", 1)
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			gov, err := aws.NewProvider(ctx, "gov", &aws.ProviderArgs{Region: pulumi.String("us-gov-west-1")})
			if err != nil {
				return err
			}
			if err := fn(ctx, "arn:aws:iam::123456789012:role/orders"); err != nil {
				return err
			}
			_, err = asyncroute.NewFunction(ctx, "gov-orders", &asyncroute.FunctionArgs{Function: lambdaArgs("gov-orders"),
				Role:      &asyncroute.ExistingRole{Arn: pulumi.String("arn:aws-us-gov:iam::123456789012:role/orders")},
				OnFailure: asyncroute.DefaultEventBus{}}, pulumi.Provider(gov))
			return err
		}, opts...)
		require.NoError(t, err)
		assert.Equal(t, "arn:aws:iam::123456789012:role/orders", st.Require(t, asyncroutetest.TypeFunction, "orders").Inputs["role"])
		assert.Equal(t, "arn:aws-us-gov:iam::123456789012:role/orders", st.Require(t, asyncroutetest.TypeFunction, "gov-orders").Inputs["role"])
	})
}
