package awstypes

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTable(t *testing.T) {
	for tok, typ := range byToken {
		assert.Equal(t, tok, typ.Token)
		assert.NotEmpty(t, typ.Label, tok)
		assert.Same(t, typ, Of(tok))
		assert.True(t, strings.HasPrefix(tok, "aws:"), tok)
	}
	assert.Nil(t, Of("aws:ec2/instance:Instance"))
	assert.Equal(t, "aws:ec2/instance:Instance", LabelOf("aws:ec2/instance:Instance"))
	assert.Equal(t, "SQS queue", LabelOf(TokenQueue))
}

func TestFakes(t *testing.T) {
	suffix := func(string) string { return "abcdef0123456789abcdef0123456789" }
	f := Faker{Place: PlaceIn("123456789012", "us-gov-west-1"), Suffix: suffix}
	id, outs := Function.Fake(f, Resource{URN: "u", Name: "orders", Inputs: map[string]any{"publish": true}})
	assert.Equal(t, "orders-abcdef0123456789abcdef0123456789", id)
	assert.Equal(t, "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:"+id, outs["arn"])
	assert.Equal(t, outs["arn"].(string)+":1", outs["qualifiedArn"])

	id, outs = Queue.Fake(Faker{Place: PlaceIn("123456789012", "cn-north-1"), Suffix: suffix}, Resource{Name: "q", Inputs: map[string]any{"name": "jobs", "fifoQueue": true}})
	assert.Equal(t, "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs.fifo", id)
	assert.Equal(t, "arn:aws-cn:sqs:cn-north-1:123456789012:jobs.fifo", outs["arn"])

	id, outs = Role.Fake(f, Resource{Name: "r", Inputs: map[string]any{"name": "exec", "path": "/service/"}})
	assert.Equal(t, "exec", id)
	assert.Equal(t, "arn:aws-us-gov:iam::123456789012:role/service/exec", outs["arn"])

	var unknown *Type
	id, outs = unknown.Fake(f, Resource{URN: "u", Name: "x"})
	assert.Equal(t, "x-abcdef0123456789abcdef0123456789", id)
	assert.Nil(t, outs)
	require.False(t, unknown.IsComputed("arn"))
	assert.True(t, Queue.IsComputed("url"))
	assert.False(t, Queue.IsComputed("name"))
}

func TestAlarmFake(t *testing.T) {
	f := Faker{Place: PlaceIn("123456789012", "eu-west-1"), Suffix: func(string) string { return "abc1234" }}
	id, outs := MetricAlarm.Fake(f, Resource{URN: "u", Name: "orders-alarm-dead-letter-errors"})
	assert.Equal(t, "orders-alarm-dead-letter-errors-abc1234", id)
	assert.Equal(t, "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-alarm-dead-letter-errors-abc1234", outs["arn"])
	id, _ = RecursionConfig.Fake(f, Resource{Name: "r", Inputs: map[string]any{"functionName": "orders"}})
	assert.Equal(t, "orders", id)
}
