package lambdafacts_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ref(t *testing.T, s string) lambdafacts.FunctionRef {
	t.Helper()
	r, err := lambdafacts.ParseFunctionRef(s)
	require.NoError(t, err, s)
	return r
}

// TestFunctionRefForms: every form Lambda's API accepts for FunctionName.
func TestFunctionRefForms(t *testing.T) {
	for s, want := range map[string]lambdafacts.FunctionRef{
		"orders":                         {Name: "orders"},
		"orders:live":                    {Name: "orders", Qualifier: "live"},
		"123456789012:function:orders":   {Name: "orders", Account: "123456789012"},
		"123456789012:function:orders:7": {Name: "orders", Qualifier: "7", Account: "123456789012"},
		"arn:aws:lambda:eu-west-1:210987654321:function:orders": {Name: "orders", Account: "210987654321",
			ARN: &lambdafacts.ARN{Partition: "aws", Service: "lambda", Region: "eu-west-1", Account: "210987654321", Resource: "function:orders"}},
		"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders:$LATEST": {Name: "orders", Qualifier: "$LATEST", Account: "123456789012",
			ARN: &lambdafacts.ARN{Partition: "aws-us-gov", Service: "lambda", Region: "us-gov-west-1", Account: "123456789012", Resource: "function:orders:$LATEST"}},
	} {
		assert.Equal(t, want, ref(t, s), s)
	}
	for _, bad := range []string{":", "orders:", ":live", "a:b:c", "12345:function:orders", "123456789012:function:", "123456789012:function:o:", "123456789012:function:o:q:r"} {
		_, err := lambdafacts.ParseFunctionRef(bad)
		assert.Error(t, err, bad)
	}
}

// TestFunctionIdentity: two references name one function only when every
// part is known and equal, or taken from one provider.
func TestFunctionIdentity(t *testing.T) {
	east := lambdafacts.Place{Region: "us-east-1", Partition: "aws"}
	eu := lambdafacts.Place{Provider: "eu", Region: "eu-west-1", Partition: "aws"}
	euAcct := lambdafacts.Place{Provider: "eu2", Region: "eu-west-1", Partition: "aws", Account: "123456789012"}
	eastAcct := lambdafacts.Place{Provider: "east2", Region: "us-east-1", Partition: "aws", Account: "123456789012"}
	unknownRegion := lambdafacts.Place{Provider: "p"}
	fullEast := "arn:aws:lambda:us-east-1:123456789012:function:orders"
	for _, c := range []struct {
		a, b       string
		pa, pb     lambdafacts.Place
		same, note string
	}{
		{"orders", "orders", east, east, "y", "one provider, one name: the same, though the account is not known"},
		{"orders", "orders:live", east, east, "y", "the qualifier is not part of the function"},
		{"orders", "orders", east, eu, "", "two regions"},
		{"orders", "orders", unknownRegion, unknownRegion, "y", "one provider whose region is not known"},
		{"orders", "orders", unknownRegion, lambdafacts.Place{Provider: "q"}, "", "two providers, nothing known"},
		{"orders", "orders", east, eastAcct, "", "two providers: the default's account is not known"},
		{"orders", "orders", eastAcct, lambdafacts.Place{Provider: "east3", Region: "us-east-1", Partition: "aws", Account: "123456789012"}, "y", "two providers, every part known and equal"},
		{"orders", fullEast, eastAcct, eu, "y", "a full ARN in any provider"},
		{"orders", fullEast, east, east, "", "a full ARN against a name whose account is not known"},
		{"123456789012:function:orders", "orders", east, eastAcct, "y", "a partial ARN takes the default's region: every part known and equal"},
		{"123456789012:function:orders", "orders", eastAcct, eastAcct, "y", "partial ARN and name under one provider with that account"},
		{"210987654321:function:orders", "orders", eastAcct, eastAcct, "", "another account"},
		{"orders", "billing", east, east, "", "two names"},
		{"orders", "orders", euAcct, eastAcct, "", "two regions, accounts known"},
	} {
		ia, ib := ref(t, c.a).In(c.pa), ref(t, c.b).In(c.pb)
		assert.Equal(t, c.same == "y", ia.Same(ib), "%s: %s (%+v) vs %s (%+v)", c.note, c.a, c.pa, c.b, c.pb)
		assert.Equal(t, ia.Same(ib), ib.Same(ia), "symmetric: %s", c.note)
	}
	assert.Equal(t, "arn:aws:lambda:us-east-1:<unknown>:function:orders", ref(t, "orders").In(east).String())
	for region, partition := range map[string]string{"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "": ""} {
		assert.Equal(t, partition, lambdafacts.PartitionOfRegion(region), region)
	}
}

func TestDeployedIdentity(t *testing.T) {
	east := lambdafacts.Place{Provider: "", Region: "us-east-1", Partition: "aws"}
	eu := lambdafacts.Place{Provider: "eu", Region: "eu-west-1", Partition: "aws"}
	fn := lambdafacts.Deployed("orders", east, "arn:aws:lambda:us-east-1:123456789012:function:orders")
	assert.True(t, ref(t, "orders").In(east).Same(fn), "a name in the function's own provider, whose account the provider does not state")
	assert.True(t, ref(t, "arn:aws:lambda:us-east-1:123456789012:function:orders:live").In(eu).Same(fn), "its ARN from anywhere")
	assert.False(t, ref(t, "orders").In(eu).Same(fn), "the same name in another region")
	assert.False(t, ref(t, "210987654321:function:orders").In(east).Same(fn), "another account")
	preview := lambdafacts.Deployed("orders", lambdafacts.Place{Provider: "p"}, "")
	assert.True(t, ref(t, "orders").In(lambdafacts.Place{Provider: "p"}).Same(preview), "ARN not known yet: the same provider")
	assert.False(t, ref(t, "orders").In(east).Same(preview), "ARN not known yet: another provider")
}
