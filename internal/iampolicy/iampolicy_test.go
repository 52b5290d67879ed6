package iampolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"sqs:*", "sqs:SendMessage", false, true},
		{"sqs:Send*", "sqs:SendMessage", false, true},
		{"sqs:Send*", "sqs:SendMessageBatch", false, true},
		{"sqs:Send*", "sns:SendMessage", false, false},
		{"kms:GenerateDataKey*", "kms:GenerateDataKey", false, true},
		{"sqs:?endMessage", "sqs:SendMessage", false, true},
		{"sqs:?endMessage", "sqs:endMessage", false, false},
		{"arn:aws:sqs:*:*:jobs", "arn:aws:sqs:us-east-1:123456789012:jobs", false, true},
		{"arn:aws:sqs:*:*:jobs", "arn:aws:sqs:us-east-1:123456789012:jobs-2", false, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/*", false, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"SQS:SENDMESSAGE", "sqs:SendMessage", true, true},
		{"SQS:SENDMESSAGE", "sqs:SendMessage", false, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, iampolicy.WildcardMatch(c.pattern, c.s, c.fold), "%q ~ %q (fold %v)", c.pattern, c.s, c.fold)
	}
}

func TestParsePolicyForms(t *testing.T) {
	one, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}`)
	require.NoError(t, err)
	require.Len(t, one.Statements, 1)
	assert.Equal(t, []string{"sqs:SendMessage"}, one.Statements[0].Action)
	assert.Equal(t, []string{"*"}, one.Statements[0].Resource)

	cond, err := iampolicy.Parse(`{"Statement":[{"Effect":"Deny","Action":["sqs:*"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	require.NoError(t, err)
	assert.True(t, cond.Statements[0].HasCondition)

	for _, bad := range []string{`not json`, `{"Statement":[{"Action":5}]}`, `{"Statement":"x"}`} {
		_, err := iampolicy.Parse(bad)
		assert.Error(t, err, bad)
	}
}

func TestEvaluate(t *testing.T) {
	const q = "arn:aws:sqs:us-east-1:123456789012:jobs"
	const other = "arn:aws:sqs:us-east-1:123456789012:other"
	parse := func(docs ...string) []iampolicy.Document {
		var out []iampolicy.Document
		for _, d := range docs {
			p, err := iampolicy.Parse(d)
			require.NoError(t, err, d)
			out = append(out, p)
		}
		return out
	}
	cases := []struct {
		name             string
		docs             []string
		action, resource string
		want             iampolicy.Decision
	}{
		{"exact allow", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + q + `"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"no statement", []string{`{"Statement":[]}`}, "sqs:SendMessage", q, iampolicy.NotAllowed},
		{"other resource", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + other + `"}]}`}, "sqs:SendMessage", q, iampolicy.NotAllowed},
		{"other action", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.NotAllowed},
		{"action wildcard", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"question mark", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:?endMessage","Resource":"arn:aws:sqs:*:*:jo?s"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"action case-insensitive", []string{`{"Statement":[{"Effect":"Allow","Action":"SQS:sendmessage","Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"resource case-sensitive", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:JOBS"}]}`}, "sqs:SendMessage", q, iampolicy.NotAllowed},
		{"deny beats allow in the same document", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"` + q + `"}]}`}, "sqs:SendMessage", q, iampolicy.Denied},
		{"deny beats allow across documents", []string{
			`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + q + `"}]}`,
			`{"Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.Denied},
		{"deny elsewhere does not matter", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"` + other + `"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"conditional deny is ignored", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"conditional allow counts", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"NotAction allows the rest", []string{`{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"NotAction excludes", []string{`{"Statement":[{"Effect":"Allow","NotAction":"sqs:*","Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.NotAllowed},
		{"Deny with NotAction", []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"sns:*","Resource":"*"}]}`}, "sqs:SendMessage", q, iampolicy.Denied},
		{"NotResource allows others", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","NotResource":"` + other + `"}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"NotResource excludes", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","NotResource":"` + q + `"}]}`}, "sqs:SendMessage", q, iampolicy.NotAllowed},
		{"multiple statements, second allows", []string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"},{"Effect":"Allow","Action":["sqs:GetQueueUrl","sqs:SendMessage"],"Resource":["` + other + `","` + q + `"]}]}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"multiple documents, second allows", []string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}`, `{"Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + q + `"}}`}, "sqs:SendMessage", q, iampolicy.Allowed},
		{"kms GenerateDataKey*", []string{`{"Statement":[{"Effect":"Allow","Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"arn:aws:kms:us-east-1:123456789012:key/k"}]}`}, "kms:GenerateDataKey", "arn:aws:kms:us-east-1:123456789012:key/k", iampolicy.Allowed},
		{"s3 bucket/*", []string{`{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`}, "s3:PutObject", "arn:aws:s3:::b/*", iampolicy.Allowed},
		{"s3 bucket/* does not cover the bucket", []string{`{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}]}`}, "s3:ListBucket", "arn:aws:s3:::b", iampolicy.NotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want.String(), iampolicy.Evaluate(parse(c.docs...), c.action, c.resource).String())
		})
	}
}

func TestManagedPolicies(t *testing.T) {
	const q = "arn:aws:sqs:us-east-1:123456789012:jobs"
	cases := []struct {
		policy, action string
		want           iampolicy.Decision
	}{
		{"arn:aws:iam::aws:policy/AmazonSQSFullAccess", "sqs:SendMessage", iampolicy.Allowed},
		{"AmazonSNSFullAccess", "sns:Publish", iampolicy.Allowed},
		{"arn:aws:iam::aws:policy/AWSLambda_FullAccess", "lambda:InvokeFunction", iampolicy.Allowed},
		{"arn:aws:iam::aws:policy/AWSLambda_FullAccess", "sqs:SendMessage", iampolicy.NotAllowed},
		{"arn:aws:iam::aws:policy/AmazonEventBridgeFullAccess", "events:PutEvents", iampolicy.Allowed},
		{"arn:aws:iam::aws:policy/AmazonS3FullAccess", "s3:PutObject", iampolicy.Allowed},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "sqs:SendMessage", iampolicy.NotAllowed},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "sns:Publish", iampolicy.NotAllowed},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "lambda:InvokeFunction", iampolicy.NotAllowed},
		{"arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaRole", "lambda:InvokeFunction", iampolicy.Allowed},
		{"arn:aws:iam::aws:policy/PowerUserAccess", "sns:Publish", iampolicy.Allowed},
		{"arn:aws:iam::aws:policy/AdministratorAccess", "events:PutEvents", iampolicy.Allowed},
	}
	for _, c := range cases {
		doc, ok := iampolicy.Managed(c.policy)
		require.True(t, ok, c.policy)
		assert.Equal(t, c.want.String(), iampolicy.Evaluate([]iampolicy.Document{doc}, c.action, q).String(), "%s %s", c.policy, c.action)
	}
	_, ok := iampolicy.Managed("arn:aws:iam::aws:policy/SomethingElse")
	assert.False(t, ok, "unknown managed policies are not guessed")
	_, ok = iampolicy.Managed("arn:aws:iam::123456789012:policy/AmazonSQSFullAccess")
	assert.False(t, ok, "a customer policy with a managed policy's name is not the managed policy")
}

func TestGrantMergesAndSorts(t *testing.T) {
	q, k := "arn:aws:sqs:us-east-1:123456789012:jobs", "arn:aws:kms:us-east-1:123456789012:key/k"
	doc := iampolicy.Grant([]iampolicy.Permission{
		{Action: "kms:GenerateDataKey*", Resource: k},
		{Action: "sqs:SendMessage", Resource: q},
		{Action: "kms:Decrypt", Resource: k},
		{Action: "sqs:SendMessage", Resource: q},
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:b"},
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:a"},
	})
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":["arn:aws:kms:us-east-1:123456789012:key/k"]},`+
		`{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["arn:aws:lambda:us-east-1:123456789012:function:a","arn:aws:lambda:us-east-1:123456789012:function:b"]},`+
		`{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":["arn:aws:sqs:us-east-1:123456789012:jobs"]}]}`, doc.JSON())
	back, err := iampolicy.Parse(doc.JSON())
	require.NoError(t, err)
	assert.Equal(t, doc, back, "a written document reads back the same")
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[]}`, iampolicy.Grant(nil).JSON())
}

func TestTrustPolicy(t *testing.T) {
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`,
		iampolicy.TrustPolicy("lambda.amazonaws.com").JSON())
}
