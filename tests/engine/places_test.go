//go:build engine

package engine

import (
	"regexp"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placesProgram is an organisation's stack over places: the default
// provider (us-east-1, account 123456789012), eu-west-1, another account
// (210987654321, stated by allowedAccountIds) and GovCloud. Each place
// has a Function with a created failure queue and an on-success chain to
// a function of its place, and an AsyncInvoke of that function by its
// partial ARN; the test double writes in each provider's place.
func placesProgram(ctx *pulumi.Context) error {
	places := []struct {
		name string
		args *aws.ProviderArgs
	}{
		{"home", nil},
		{"eu", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")}},
		{"other", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String("210987654321")}}},
		{"gov", &aws.ProviderArgs{Region: pulumi.String("us-gov-west-1")}},
	}
	for _, p := range places {
		var opts []pulumi.ResourceOption
		if p.args != nil {
			prov, err := aws.NewProvider(ctx, p.name, p.args)
			if err != nil {
				return err
			}
			opts = append(opts, pulumi.Provider(prov))
		}
		results, err := sqs.NewQueue(ctx, p.name+"-results", &sqs.QueueArgs{}, opts...)
		if err != nil {
			return err
		}
		last, err := asyncroute.NewFunction(ctx, p.name+"-last", &asyncroute.FunctionArgs{Function: pythonFunction(),
			OnSuccess: asyncroute.SQSQueue{Queue: results}, OnFailure: asyncroute.NewQueue{}, MaxRetries: pulumi.IntRef(1)}, opts...)
		if err != nil {
			return err
		}
		if _, err := asyncroute.NewFunction(ctx, p.name+"-first", &asyncroute.FunctionArgs{Function: pythonFunction(),
			OnSuccess: last.AsDestination(), OnFailure: asyncroute.NewQueue{}}, opts...); err != nil {
			return err
		}
	}
	return nil
}

// TestRegionsAccountsAndGovCloud: one program over two regions, two
// accounts and GovCloud plans and deploys; every ARN the double assigns
// and every ARN the components derive (grants, managed policy,
// destinations) is of the place of the component's provider; no record
// would be lost while deploying; a second preview changes nothing;
// destroy leaves nothing.
func TestRegionsAccountsAndGovCloud(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-places", placesProgram)
	_, err := w.preview()
	require.NoError(t, err, "preview")
	_, err = w.up()
	require.NoError(t, err, "up")
	w.assertNoWindows("up", 0)

	want := map[string]*regexp.Regexp{
		"home":  regexp.MustCompile(`^arn:aws:lambda:us-east-1:123456789012:function:`),
		"eu":    regexp.MustCompile(`^arn:aws:lambda:eu-west-1:123456789012:function:`),
		"other": regexp.MustCompile(`^arn:aws:lambda:us-east-1:210987654321:function:`),
		"gov":   regexp.MustCompile(`^arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:`),
	}
	_, d := w.export()
	seen := map[string]int{}
	for _, r := range d.Resources {
		for place, re := range want {
			switch {
			case r.Type == "aws:lambda/function:Function" && (r.URN == urnOf(d, place+"-first") || r.URN == urnOf(d, place+"-last")):
				assert.Regexp(t, re, r.Outputs["arn"], r.URN)
				seen[place]++
			case r.Type == "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig" && r.URN == configURN(d, place+"-first"):
				dc := r.Inputs["destinationConfig"].(map[string]any)
				onSuccess := dc["onSuccess"].(map[string]any)["destination"].(string)
				assert.Regexp(t, re, onSuccess, "the chain stays in its place")
			case r.Type == "aws:iam/role:Role" && r.URN == roleURN(d, place+"-first") && place == "gov":
				assert.Equal(t, []any{"arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}, r.Inputs["managedPolicyArns"])
				assert.Regexp(t, `^arn:aws-us-gov:iam::123456789012:role/`, r.Outputs["arn"])
			}
		}
	}
	for place := range want {
		assert.Equal(t, 2, seen[place], "functions of %s", place)
	}

	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err, "no changes after up")
	w.destroy()
	assert.Empty(t, w.providerState().Live())
}

// urnOf, configURN and roleURN find a component's function, invoke
// config and created role in an export ("" when absent).
func urnOf(d deployment, component string) string {
	return childURN(d, "aws:lambda/function:Function", component)
}

func configURN(d deployment, component string) string {
	return childURN(d, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", component+"-async-config")
}

func roleURN(d deployment, component string) string {
	return childURN(d, "aws:iam/role:Role", component+"-role")
}

func childURN(d deployment, typ, name string) string {
	for _, r := range d.Resources {
		if r.Type == typ && len(r.URN) > len(name) && r.URN[len(r.URN)-len(name)-2:] == "::"+name {
			return r.URN
		}
	}
	return ""
}
