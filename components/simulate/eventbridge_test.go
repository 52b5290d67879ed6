package simulate

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleEvent = `{"version":"0","id":"1","detail-type":"Lambda Function Invocation Result - Success","source":"lambda",
"account":"123456789012","time":"2025-01-01T00:00:00Z","region":"us-east-1",
"resources":["arn:aws:lambda:us-east-1:123456789012:function:ingest:live","arn:aws:events:us-east-1:123456789012:event-bus/default"],
"detail":{"version":"1.0","requestContext":{"condition":"Success","approximateInvokeCount":1},"responsePayload":{"amount":1200,"customer":"c1","tags":["a","b"]}}}`

func TestMatchPattern(t *testing.T) {
	var ev any
	require.NoError(t, json.Unmarshal([]byte(sampleEvent), &ev))
	for _, c := range []struct {
		pattern string
		match   bool
		why     string
	}{
		{`{"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Success"]}`, true, ""},
		{`{"source":["lambda"],"resources":["arn:aws:lambda:us-east-1:123456789012:function:ingest:live"]}`, true, ""},
		// CDK pins $LATEST: its rule never fires for a config on an alias.
		{`{"source":["lambda"],"resources":["arn:aws:lambda:us-east-1:123456789012:function:ingest:$LATEST"]}`, false,
			`resources is ["arn:aws:lambda:us-east-1:123456789012:function:ingest:live","arn:aws:events:us-east-1:123456789012:event-bus/default"], the rule wants ["arn:aws:lambda:us-east-1:123456789012:function:ingest:$LATEST"]`},
		{`{"detail-type":["Lambda Function Invocation Result - Failure"]}`, false,
			`detail-type is "Lambda Function Invocation Result - Success", the rule wants ["Lambda Function Invocation Result - Failure"]`},
		{`{"source":["aws.lambda","lambda"]}`, true, ""},
		{`{"detail":{"requestContext":{"condition":["Success"]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"amount":[{"numeric":[">=",1000]}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"amount":[{"numeric":[">",0,"<",1000]}]}}}`, false, `detail.responsePayload.amount is 1200, the rule wants [{"numeric":[">",0,"<",1000]}]`},
		{`{"detail":{"responsePayload":{"customer":[{"prefix":"c"}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"customer":[{"suffix":"1"}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"customer":[{"equals-ignore-case":"C1"}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"customer":[{"wildcard":"c*"}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"customer":[{"anything-but":["c1","c2"]}]}}}`, false, `detail.responsePayload.customer is "c1", the rule wants [{"anything-but":["c1","c2"]}]`},
		{`{"detail":{"responsePayload":{"customer":[{"anything-but":{"prefix":"x"}}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"tags":["b"]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"missing":[{"exists":false}]}}}`, true, ""},
		{`{"detail":{"responsePayload":{"missing":[{"exists":true}]}}}`, false, `detail.responsePayload.missing is absent, the rule wants [{"exists":true}]`},
		{`{"detail":{"nope":{"x":["y"]}}}`, false, "detail.nope is absent"},
		{``, false, "the rule has no event pattern"},
	} {
		ok, why, err := matchPattern(c.pattern, ev)
		require.NoError(t, err, c.pattern)
		assert.Equal(t, c.match, ok, c.pattern)
		assert.Equal(t, c.why, why, c.pattern)
	}
	_, _, err := matchPattern(`{"source":"lambda"}`, ev)
	assert.EqualError(t, err, "source: a pattern value must be an array or an object")
	_, _, err = matchPattern(`{"source":[{"cidr":"10.0.0.0/8"}]}`, ev)
	assert.EqualError(t, err, `source: unsupported filter "cidr"`)
}

func TestTargetInput(t *testing.T) {
	in, how, err := targetInput(&ruleTarget{inputPath: "$.detail.responsePayload"}, []byte(sampleEvent))
	require.NoError(t, err)
	assert.Equal(t, `{"amount":1200,"customer":"c1","tags":["a","b"]}`, string(in), "the payload's bytes, as they were")
	assert.Equal(t, "InputPath $.detail.responsePayload", how)
	in, _, err = targetInput(&ruleTarget{input: `{"fixed":true}`}, []byte(sampleEvent))
	require.NoError(t, err)
	assert.Equal(t, `{"fixed":true}`, string(in))
	in, how, err = targetInput(&ruleTarget{}, []byte(sampleEvent))
	require.NoError(t, err)
	assert.Equal(t, sampleEvent, string(in))
	assert.Equal(t, "the whole event", how)
	_, _, err = targetInput(&ruleTarget{inputPath: "$.detail.nope"}, []byte(sampleEvent))
	assert.EqualError(t, err, `InputPath "$.detail.nope": nope is not in the event`)
	_, _, err = targetInput(&ruleTarget{inputPath: "$['detail']"}, []byte(sampleEvent))
	assert.EqualError(t, err, `InputPath "$['detail']": only $ and $.a.b paths are simulated`)
}

func TestWildcard(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{{"a*c", "abc", true}, {"a*c", "ab", false}, {"*", "", true}, {"a*b*c", "aXbYc", true}, {"abc", "abc", true}, {"a*", "b", false}} {
		assert.Equal(t, c.ok, wildcard(c.p, c.s), c)
	}
}
