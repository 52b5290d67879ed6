package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
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
		assert.Equal(t, c.want, asyncpolicy.WildcardMatch(c.pattern, c.s, c.fold), "%q ~ %q (fold %v)", c.pattern, c.s, c.fold)
	}
}

func TestParsePolicyForms(t *testing.T) {
	one, err := asyncpolicy.ParsePolicy(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}`)
	require.NoError(t, err)
	require.Len(t, one.Statements, 1)
	assert.Equal(t, []string{"sqs:SendMessage"}, one.Statements[0].Action)
	assert.Equal(t, []string{"*"}, one.Statements[0].Resource)

	cond, err := asyncpolicy.ParsePolicy(`{"Statement":[{"Effect":"Deny","Action":["sqs:*"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	require.NoError(t, err)
	assert.True(t, cond.Statements[0].HasCondition)

	for _, bad := range []string{`not json`, `{"Statement":[{"Action":5}]}`, `{"Statement":"x"}`} {
		_, err := asyncpolicy.ParsePolicy(bad)
		assert.Error(t, err, bad)
	}
}

func TestEvaluate(t *testing.T) {
	const q = "arn:aws:sqs:us-east-1:123456789012:jobs"
	const other = "arn:aws:sqs:us-east-1:123456789012:other"
	parse := func(docs ...string) []asyncpolicy.PolicyDocument {
		var out []asyncpolicy.PolicyDocument
		for _, d := range docs {
			p, err := asyncpolicy.ParsePolicy(d)
			require.NoError(t, err, d)
			out = append(out, p)
		}
		return out
	}
	cases := []struct {
		name             string
		docs             []string
		action, resource string
		want             asyncpolicy.Decision
	}{
		{"exact allow", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + q + `"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"no statement", []string{`{"Statement":[]}`}, "sqs:SendMessage", q, asyncpolicy.NotAllowed},
		{"other resource", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + other + `"}]}`}, "sqs:SendMessage", q, asyncpolicy.NotAllowed},
		{"other action", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.NotAllowed},
		{"action wildcard", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"question mark", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:?endMessage","Resource":"arn:aws:sqs:*:*:jo?s"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"action case-insensitive", []string{`{"Statement":[{"Effect":"Allow","Action":"SQS:sendmessage","Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"resource case-sensitive", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:JOBS"}]}`}, "sqs:SendMessage", q, asyncpolicy.NotAllowed},
		{"deny beats allow in the same document", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"` + q + `"}]}`}, "sqs:SendMessage", q, asyncpolicy.Denied},
		{"deny beats allow across documents", []string{
			`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + q + `"}]}`,
			`{"Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.Denied},
		{"deny elsewhere does not matter", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"` + other + `"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"conditional deny is ignored", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"conditional allow counts", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"NotAction allows the rest", []string{`{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"NotAction excludes", []string{`{"Statement":[{"Effect":"Allow","NotAction":"sqs:*","Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.NotAllowed},
		{"Deny with NotAction", []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"sns:*","Resource":"*"}]}`}, "sqs:SendMessage", q, asyncpolicy.Denied},
		{"NotResource allows others", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","NotResource":"` + other + `"}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"NotResource excludes", []string{`{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","NotResource":"` + q + `"}]}`}, "sqs:SendMessage", q, asyncpolicy.NotAllowed},
		{"multiple statements, second allows", []string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"},{"Effect":"Allow","Action":["sqs:GetQueueUrl","sqs:SendMessage"],"Resource":["` + other + `","` + q + `"]}]}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"multiple documents, second allows", []string{`{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}`, `{"Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + q + `"}}`}, "sqs:SendMessage", q, asyncpolicy.Allowed},
		{"kms GenerateDataKey*", []string{`{"Statement":[{"Effect":"Allow","Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"arn:aws:kms:us-east-1:123456789012:key/k"}]}`}, "kms:GenerateDataKey", "arn:aws:kms:us-east-1:123456789012:key/k", asyncpolicy.Allowed},
		{"s3 bucket/*", []string{`{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`}, "s3:PutObject", "arn:aws:s3:::b/*", asyncpolicy.Allowed},
		{"s3 bucket/* does not cover the bucket", []string{`{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}]}`}, "s3:ListBucket", "arn:aws:s3:::b", asyncpolicy.NotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want.String(), asyncpolicy.Evaluate(parse(c.docs...), c.action, c.resource).String())
		})
	}
}

func TestManagedPolicies(t *testing.T) {
	const q = "arn:aws:sqs:us-east-1:123456789012:jobs"
	cases := []struct {
		policy, action string
		want           asyncpolicy.Decision
	}{
		{"arn:aws:iam::aws:policy/AmazonSQSFullAccess", "sqs:SendMessage", asyncpolicy.Allowed},
		{"AmazonSNSFullAccess", "sns:Publish", asyncpolicy.Allowed},
		{"arn:aws:iam::aws:policy/AWSLambda_FullAccess", "lambda:InvokeFunction", asyncpolicy.Allowed},
		{"arn:aws:iam::aws:policy/AWSLambda_FullAccess", "sqs:SendMessage", asyncpolicy.NotAllowed},
		{"arn:aws:iam::aws:policy/AmazonEventBridgeFullAccess", "events:PutEvents", asyncpolicy.Allowed},
		{"arn:aws:iam::aws:policy/AmazonS3FullAccess", "s3:PutObject", asyncpolicy.Allowed},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "sqs:SendMessage", asyncpolicy.NotAllowed},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "sns:Publish", asyncpolicy.NotAllowed},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "lambda:InvokeFunction", asyncpolicy.NotAllowed},
		{"arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaRole", "lambda:InvokeFunction", asyncpolicy.Allowed},
		{"arn:aws:iam::aws:policy/PowerUserAccess", "sns:Publish", asyncpolicy.Allowed},
		{"arn:aws:iam::aws:policy/AdministratorAccess", "events:PutEvents", asyncpolicy.Allowed},
	}
	for _, c := range cases {
		doc, ok := asyncpolicy.ManagedPolicy(c.policy)
		require.True(t, ok, c.policy)
		assert.Equal(t, c.want.String(), asyncpolicy.Evaluate([]asyncpolicy.PolicyDocument{doc}, c.action, q).String(), "%s %s", c.policy, c.action)
	}
	_, ok := asyncpolicy.ManagedPolicy("arn:aws:iam::aws:policy/SomethingElse")
	assert.False(t, ok, "unknown managed policies are not guessed")
	_, ok = asyncpolicy.ManagedPolicy("arn:aws:iam::123456789012:policy/AmazonSQSFullAccess")
	assert.False(t, ok, "a customer policy with a managed policy's name is not the managed policy")
}
