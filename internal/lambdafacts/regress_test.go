package lambdafacts_test

import (
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
)

// Regressions found by FuzzARN (seeds in testdata/fuzz/FuzzARN).

// A Kafka topic is named by URI: its kind's CheckARN refuses every ARN
// (it dereferenced a nil resource check for a kafka ARN).
func TestCheckARNOfAKindNamedByURI(t *testing.T) {
	kafka := spec(t, lambdafacts.KindKafka)
	assert.Equal(t, `"arn:aws:kafka:us-east-1:123456789012:cluster/c/u" is an ARN, but a Kafka topic is named by URI, not by ARN; allowed: kafka://<topic>`,
		errText(kafka.CheckARN("arn:aws:kafka:us-east-1:123456789012:cluster/c/u")))
	assert.Equal(t, `"arn:aws:sqs:us-east-1:123456789012:jobs" is an ARN, but a Kafka topic is named by URI, not by ARN; allowed: kafka://<topic>`,
		errText(kafka.CheckARN("arn:aws:sqs:us-east-1:123456789012:jobs")))
	_, err := lambdafacts.RequiredPermissions("arn:aws:kafka:us-east-1:123456789012:cluster/c/u")
	assert.Equal(t, `"arn:aws:kafka:us-east-1:123456789012:cluster/c/u" is an ARN of service "kafka", which cannot be a destination; allowed services: events, lambda, s3, sns, sqs`, errText(err))
}

// A qualified function ARN given as a destination names a version or an
// alias: an empty qualifier ("function:f:"), version 0 or a name Lambda
// refuses is not one (they were accepted and granted on).
func TestLambdaDestinationQualifier(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:f"
	lambda := spec(t, lambdafacts.KindLambda)
	for arn, want := range map[string]string{
		fn + ":":          `"arn:aws:lambda:us-east-1:123456789012:function:f:" is not a Lambda function ARN; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`,
		fn + ":0":         `"arn:aws:lambda:us-east-1:123456789012:function:f:0" has the qualifier "0", which is not a version or alias; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], the qualifier $LATEST, a version number from 1 or an alias name`,
		fn + ":bad name!": `"arn:aws:lambda:us-east-1:123456789012:function:f:bad name!" has the qualifier "bad name!", which is not a version or alias; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], the qualifier $LATEST, a version number from 1 or an alias name`,
		fn + ":*":         `"arn:aws:lambda:us-east-1:123456789012:function:f:*" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`,
		fn:                "",
		fn + ":7":         "",
		fn + ":live":      "",
		fn + ":$LATEST":   "",
	} {
		assert.Equal(t, want, errText(lambda.CheckARN(arn)), arn)
		_, err := lambdafacts.RequiredPermissions(arn)
		assert.Equal(t, want, errText(err), arn)
	}
}

// Regressions found by FuzzFunctionRef (seeds in
// testdata/fuzz/FuzzFunctionRef): a reference with an empty name or an
// empty qualifier after its colon was read as a name (":live" as the
// function "" and "legacy:" or a function ARN ending in ":" as
// unqualified, so $LATEST); a version of more than 128 digits was
// accepted (Lambda's qualifiers have 1 to 128 characters).
func TestFunctionRefsWithEmptyParts(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:legacy"
	for ref, want := range map[string]string{
		":live":   `":live" is not a function reference; allowed: a function name, <name>:<qualifier>, a partial ARN <account>:function:<name>[:<qualifier>] or a function ARN`,
		"legacy:": `"legacy:" is not a function reference; allowed: a function name, <name>:<qualifier>, a partial ARN <account>:function:<name>[:<qualifier>] or a function ARN`,
		":":       `":" is not a function reference; allowed: a function name, <name>:<qualifier>, a partial ARN <account>:function:<name>[:<qualifier>] or a function ARN`,
		fn + ":":  `"arn:aws:lambda:us-east-1:123456789012:function:legacy:" is not a Lambda function ARN; allowed: a function name or arn:<partition>:lambda:<region>:<account>:function:<name>`,
		"legacy":  "",
		"l:live":  "",
	} {
		_, err := lambdafacts.ParseFunctionRef(ref)
		assert.Equal(t, want, errText(err), ref)
	}
	assert.Equal(t, fn+":", lambdafacts.UnqualifiedFunctionARN(fn+":"), "not a function ARN: left as it is")

	long := strings.Repeat("1", 129)
	assert.Equal(t, `"`+long+`" is not a qualifier: it has 129 characters; allowed: $LATEST, a version number from 1 or an alias name, of 1 to 128 characters`,
		errText(lambdafacts.CheckQualifier(long)))
	assert.NoError(t, lambdafacts.CheckQualifier(long[:128]))
	_, err := lambdafacts.ResolveQualifier(lambdafacts.FunctionRef{Name: "legacy"}, long)
	assert.Error(t, err)
}
