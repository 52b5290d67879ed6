package iampolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Regressions found by the fuzz targets (seeds in testdata/fuzz).

// A * in the pattern is a wildcard even where the text holds a literal *
// at that place: it was compared as a plain character first, so "*"
// did not match "*s" (FuzzEvaluate, FuzzGrant, FuzzWildcardMatch).
func TestWildcardAgainstALiteralStar(t *testing.T) {
	for _, c := range [][2]string{
		{"*", "*s"}, {"*a", "*aa"}, {"/?b*", "/?b*a"}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b/*/key"}, {"a*", "a*"}, {"**", "*"},
	} {
		assert.True(t, iampolicy.WildcardMatch(c[0], c[1], false), "%q ~ %q", c[0], c[1])
		assert.True(t, iampolicy.WildcardMatch(c[0], c[1], true), "%q ~ %q (fold)", c[0], c[1])
	}
	assert.False(t, iampolicy.WildcardMatch("*a", "*b", false))
	doc, err := iampolicy.Parse(`{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`)
	require.NoError(t, err)
	assert.Equal(t, iampolicy.Allowed, iampolicy.Evaluate([]iampolicy.Document{doc}, "s3:PutObject", "arn:aws:s3:::b/*/key"))
}

// Parse (FuzzParse): an element written null is missing (it read as [""],
// so a Deny's "Action": null next to its NotAction denied nothing); a
// Condition that is an empty object with spaces inside is no condition
// (it made a Deny conditional, so ignored); a Principal that is not a map
// of strings is not kept (part of it was).
func TestParseNullsEmptyConditionsAndPrincipals(t *testing.T) {
	allowAll, err := iampolicy.Parse(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	require.NoError(t, err)

	deny, err := iampolicy.Parse(`{"Statement":[{"Effect":"Deny","Action":null,"NotAction":"sqs:*","Resource":null,"NotResource":"arn:aws:sqs:us-east-1:1:q"}]}`)
	require.NoError(t, err)
	require.Len(t, deny.Statements, 1)
	assert.Nil(t, deny.Statements[0].Action)
	assert.Nil(t, deny.Statements[0].Resource)
	assert.Equal(t, iampolicy.Denied, iampolicy.Evaluate([]iampolicy.Document{allowAll, deny}, "sns:Publish", "arn:aws:sns:us-east-1:1:t"))
	assert.Equal(t, iampolicy.Allowed, iampolicy.Evaluate([]iampolicy.Document{allowAll, deny}, "sqs:SendMessage", "arn:aws:sns:us-east-1:1:t"))

	empty, err := iampolicy.Parse(`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{ }}]}`)
	require.NoError(t, err)
	assert.False(t, empty.Statements[0].HasCondition)
	assert.Equal(t, iampolicy.Denied, iampolicy.Evaluate([]iampolicy.Document{allowAll, empty}, "sqs:SendMessage", "q"))
	cond, err := iampolicy.Parse(`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{ "Bool" : {"aws:SecureTransport":"false"} }}]}`)
	require.NoError(t, err)
	assert.True(t, cond.Statements[0].HasCondition)

	mixed, err := iampolicy.Parse(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com","AWS":["arn:aws:iam::1:root"]},"Action":"sts:AssumeRole"}]}`)
	require.NoError(t, err)
	assert.Nil(t, mixed.Statements[0].Principal)
}
