package asyncroutetest_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func program(ctx *pulumi.Context) error {
	key, err := kms.NewKey(ctx, "key", &kms.KeyArgs{})
	if err != nil {
		return err
	}
	q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
	if err != nil {
		return err
	}
	_, err = sqs.NewQueue(ctx, "ordered", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true), RedrivePolicy: pulumi.Sprintf(`{"deadLetterTargetArn":%q}`, q.Arn)})
	return err
}

func TestRecordsAWSShapedOutputs(t *testing.T) {
	st, err := asyncroutetest.Run(program)
	require.NoError(t, err)
	key := st.Require(t, asyncroutetest.TypeKey, "key")
	keyID := key.Outputs["keyId"].(string)
	assert.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/"+keyID, key.Outputs["arn"])

	jobs := st.Require(t, asyncroutetest.TypeQueue, "jobs")
	name := jobs.Outputs["name"].(string)
	assert.Equal(t, "arn:aws:sqs:us-east-1:123456789012:"+name, jobs.Outputs["arn"])
	assert.Equal(t, key.Outputs["arn"], jobs.Inputs["kmsMasterKeyId"])

	ordered := st.Require(t, asyncroutetest.TypeQueue, "ordered")
	assert.Equal(t, []string{"aws:sqs/queue:Queue/jobs"}, st.Dependencies(ordered))
	assert.True(t, st.DependsOn(ordered, key), "through the jobs queue")
	assert.Same(t, ordered, st.ByURN(ordered.URN))
	assert.Len(t, st.OfType(asyncroutetest.TypeQueue), 2)
	assert.Equal(t, "urn:pulumi:test::asyncroute::aws:sqs/queue:Queue::ordered", ordered.URN, "no Pulumi.yaml here: the default project")
}

func TestPreviewRecordsUnknowns(t *testing.T) {
	st, err := asyncroutetest.Run(program, asyncroutetest.Preview())
	require.NoError(t, err)
	jobs := st.Require(t, asyncroutetest.TypeQueue, "jobs")
	assert.Equal(t, asyncroutetest.Unknown{}, jobs.Outputs["arn"])
	assert.Equal(t, asyncroutetest.Unknown{}, jobs.Inputs["kmsMasterKeyId"], "the key ARN is unknown at preview")
	assert.Regexp(t, `^jobs-[0-9a-f]{7}$`, jobs.Outputs["name"], "auto-names are known at preview")
	assert.Empty(t, jobs.ID)
}

func TestFailedProgramReturnsWhatWasRegistered(t *testing.T) {
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		if _, err := sqs.NewQueue(ctx, "before", nil); err != nil {
			return err
		}
		return errors.New("boom")
	})
	require.ErrorContains(t, err, "boom")
	require.Len(t, st.Resources, 1)
	assert.Equal(t, "before", st.Resources[0].Name)
}

func TestConfigAndNames(t *testing.T) {
	var got string
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		got, _ = ctx.GetConfig("shop:tier")
		_, err := sqs.NewQueue(ctx, "q", nil)
		return err
	}, asyncroutetest.Project("shop"), asyncroutetest.StackName("prod"), asyncroutetest.Config(map[string]string{"shop:tier": "gold"}))
	require.NoError(t, err)
	assert.Equal(t, "gold", got)
	assert.Equal(t, "urn:pulumi:prod::shop::aws:sqs/queue:Queue::q", st.Resources[0].URN)
}

// Without Project, the name in ./Pulumi.yaml is the project, so URNs are
// those of `go run . plan`.
func TestProjectFromPulumiYAML(t *testing.T) {
	queue := func(ctx *pulumi.Context) error {
		_, err := sqs.NewQueue(ctx, "q", nil)
		return err
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: thumbnails\nruntime: go\n"), 0o644))
	t.Chdir(dir)
	st, err := asyncroutetest.Run(queue)
	require.NoError(t, err)
	assert.Equal(t, "urn:pulumi:test::thumbnails::aws:sqs/queue:Queue::q", st.Resources[0].URN)

	st, err = asyncroutetest.Run(queue, asyncroutetest.Project("shop"))
	require.NoError(t, err)
	assert.Equal(t, "urn:pulumi:test::shop::aws:sqs/queue:Queue::q", st.Resources[0].URN, "Project wins")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("runtime: go\n"), 0o644))
	_, err = asyncroutetest.Run(queue)
	assert.EqualError(t, err, "asyncroutetest: Pulumi.yaml has no name; set one or pass asyncroutetest.Project")
	st, err = asyncroutetest.Run(queue, asyncroutetest.Project("shop"))
	require.NoError(t, err, "with Project, Pulumi.yaml is not read")
	assert.Equal(t, "urn:pulumi:test::shop::aws:sqs/queue:Queue::q", st.Resources[0].URN)
	_, err = asyncroutetest.Run(queue, asyncroutetest.Project("shop"), asyncroutetest.Project(""))
	assert.EqualError(t, err, "asyncroutetest: Pulumi.yaml has no name; set one or pass asyncroutetest.Project", "Project(\"\") is the default")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: [\n"), 0o644))
	_, err = asyncroutetest.Run(queue)
	assert.ErrorContains(t, err, "asyncroutetest: Pulumi.yaml: yaml: ")
}

// fakeT records what Require reports instead of failing the test.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestRequireListsWhatExists(t *testing.T) {
	st, err := asyncroutetest.Run(program)
	require.NoError(t, err)

	ft := &fakeT{}
	assert.Nil(t, st.Require(ft, asyncroutetest.TypeQueue, "job"))
	assert.Equal(t, `asyncroutetest: no aws:sqs/queue:Queue named "job"; the stack has these of that type: jobs, ordered`, ft.failed)

	ft = &fakeT{}
	assert.Nil(t, st.Require(ft, asyncroutetest.TypeTopic, "jobs"))
	assert.Equal(t, `asyncroutetest: no aws:sns/topic:Topic named "jobs"; the stack has none of that type, only: `+
		`aws:kms/key:Key/key, aws:sqs/queue:Queue/jobs, aws:sqs/queue:Queue/ordered`, ft.failed)

	ft = &fakeT{}
	assert.NotNil(t, st.Require(ft, asyncroutetest.TypeQueue, "jobs"))
	assert.Empty(t, ft.failed)
}

// The child names and type tokens in the package doc are what the
// components create.
func TestChildNamesAndTypes(t *testing.T) {
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		next, err := asyncroute.NewFunction(ctx, "next", &asyncroute.FunctionArgs{
			Function:  lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("a.h"), Code: pulumi.NewFileArchive("./app")},
			OnFailure: asyncroute.NewQueue{},
		})
		if err != nil {
			return err
		}
		key, err := kms.NewKey(ctx, "key", &kms.KeyArgs{})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("a.h"), Code: pulumi.NewFileArchive("./app")},
			OnSuccess: asyncroute.ResponseOnly{Function: next.Function},
			OnFailure: asyncroute.NewQueue{KmsKey: key},
			Alias:     "live",
		})
		return err
	})
	require.NoError(t, err)
	comp := st.Require(t, asyncroutetest.TypeFunctionComponent, "orders")
	for _, c := range []struct{ typ, name string }{
		{asyncroutetest.TypeRole, "orders-role"},
		{asyncroutetest.TypeRolePolicy, "orders-async-grants"},
		{asyncroutetest.TypeFunction, "orders"},
		{asyncroutetest.TypeAlias, "orders-live"},
		{asyncroutetest.TypeInvokeConfig, "orders-async-config"},
		{asyncroutetest.TypeQueue, "orders-on-failure"},
		{asyncroutetest.TypeRolePolicy, "orders-on-failure-key-grants"},
		{asyncroutetest.TypeEventRule, "orders-on-success-response"},
		{asyncroutetest.TypeEventTarget, "orders-on-success-response-target"},
		{asyncroutetest.TypePermission, "orders-on-success-response-permission"},
	} {
		r := st.Require(t, c.typ, c.name)
		assert.Equal(t, comp.URN, r.Parent, c.name)
	}
}

// An explicit provider's region reaches the ARNs the components build.
func TestRegionOfAnExplicitProvider(t *testing.T) {
	for _, preview := range []bool{false, true} {
		opts := []asyncroutetest.Option{asyncroutetest.Config(map[string]string{"aws:region": "eu-west-1"})}
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			sydney, err := aws.NewProvider(ctx, "sydney", &aws.ProviderArgs{Region: pulumi.String("ap-southeast-2")})
			if err != nil {
				return err
			}
			for name, opts := range map[string][]pulumi.ResourceOption{"home": nil, "away": {pulumi.Provider(sydney)}} {
				if _, err := asyncroute.NewFunction(ctx, name, &asyncroute.FunctionArgs{
					Function:  lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("a.h"), Code: pulumi.NewFileArchive("./app")},
					OnFailure: asyncroute.DefaultEventBus{},
				}, opts...); err != nil {
					return err
				}
			}
			return nil
		}, opts...)
		require.NoError(t, err)
		for name, region := range map[string]string{"home": "eu-west-1", "away": "ap-southeast-2"} {
			doc, err := asyncroutetest.DecodePolicy(st.Require(t, asyncroutetest.TypeRolePolicy, name+"-async-grants").Inputs["policy"])
			require.NoError(t, err, "the default bus's ARN is known at preview")
			assert.Equal(t, []string{"arn:aws:events:" + region + ":123456789012:event-bus/default"}, doc.Statements[0].Resource, "%s preview=%v", name, preview)
		}
	}
}

func TestDecodePolicy(t *testing.T) {
	p, err := asyncroutetest.DecodePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":["a","b"]},{"Effect":"Deny","NotAction":["s3:*"],"Resource":"*"}]}`)
	require.NoError(t, err)
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statements: []iampolicy.Statement{
		{Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{"a", "b"}},
		{Effect: "Deny", NotAction: []string{"s3:*"}, Resource: []string{"*"}},
	}}, p)

	obj, err := asyncroutetest.DecodePolicy(map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": []any{"a", "b"}},
		map[string]any{"Effect": "Deny", "NotAction": []any{"s3:*"}, "Resource": "*"},
	}})
	require.NoError(t, err)
	assert.Equal(t, p, obj, "the document as an object reads as the same JSON string")

	_, err = asyncroutetest.DecodePolicy(asyncroutetest.Unknown{})
	assert.EqualError(t, err, "policy is unknown until deploy (it embeds values AWS assigns when it creates resources)")
	_, err = asyncroutetest.DecodePolicy(nil)
	assert.EqualError(t, err, "policy is not set")
	_, err = asyncroutetest.DecodePolicy(3.0)
	assert.EqualError(t, err, "policy is 3 (float64), not a JSON string")
	_, err = asyncroutetest.DecodePolicy(`{"Statement":[{"Action":3}]}`)
	assert.ErrorContains(t, err, "expected a string or a list of strings")
}
