package lambdafacts_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
)

func TestDimensions(t *testing.T) {
	assert.Equal(t, map[string]string{"FunctionName": "orders"}, lambdafacts.Dimensions("orders", "$LATEST"))
	assert.Equal(t, map[string]string{"FunctionName": "orders"}, lambdafacts.Dimensions("orders", ""))
	assert.Equal(t, map[string]string{"FunctionName": "orders", "Resource": "orders:live"}, lambdafacts.Dimensions("orders", "live"))
	assert.Equal(t, map[string]string{"FunctionName": "orders", "Resource": "orders:3"}, lambdafacts.Dimensions("orders", "3"))
}

func TestCheckAlarmPeriod(t *testing.T) {
	for _, c := range []struct {
		period time.Duration
		n      int
		want   string
	}{
		{time.Minute, 1, ""},
		{time.Minute, 1440, ""},
		{time.Minute, 1441, "1441 evaluation periods of 60 are 86460 in all; allowed: at most 86400 in all (CloudWatch's limit for this period)"},
		{time.Hour, 168, ""},
		{time.Hour, 169, "169 evaluation periods of 3600 are 608400 in all; allowed: at most 604800 in all (CloudWatch's limit for this period)"},
		{30 * time.Second, 1, "30 is not a whole number of minutes; allowed: a multiple of 60 (Lambda publishes its metrics once a minute)"},
		{0, 1, "0 is not a whole number of minutes; allowed: a multiple of 60 (Lambda publishes its metrics once a minute)"},
		{time.Minute, 0, "0 evaluation periods; allowed: 1 or more"},
	} {
		assert.Equal(t, c.want, errText(lambdafacts.CheckAlarmPeriod(c.period, c.n)), "%s × %d", c.period, c.n)
	}
	assert.Equal(t, "1441 evaluation periods of 1m0s are 24h1m0s in all; allowed: at most 24h0m0s in all (CloudWatch's limit for this period)",
		doors.Go.Render(doors.TemplateOf(lambdafacts.CheckAlarmPeriod(time.Minute, 1441))))
}

func TestAlarmTopic(t *testing.T) {
	assert.NoError(t, lambdafacts.CheckAlarmTopicKey(`SNS topic "t"`, ""))
	assert.NoError(t, lambdafacts.CheckAlarmTopicKey(`SNS topic "t"`, "arn:aws:kms:us-east-1:123456789012:key/1234"))
	assert.NoError(t, lambdafacts.CheckAlarmTopicKey(`SNS topic "t"`, "alias/on-call"))
	const tail = ", so CloudWatch cannot publish alarm notifications to it (an AWS-managed key's policy cannot be changed to let cloudwatch.amazonaws.com use it); " +
		"allowed: an unencrypted topic, or one encrypted with a customer-managed key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt"
	assert.Equal(t, `SNS topic "t" is encrypted with the AWS-managed key alias/aws/sns`+tail, errText(lambdafacts.CheckAlarmTopicKey(`SNS topic "t"`, "alias/aws/sns")))
	assert.Equal(t, `SNS topic "t" is encrypted with the AWS-managed key arn:aws:kms:us-east-1:123456789012:alias/aws/sns`+tail,
		errText(lambdafacts.CheckAlarmTopicKey(`SNS topic "t"`, "arn:aws:kms:us-east-1:123456789012:alias/aws/sns")))
	assert.Contains(t, lambdafacts.AlarmTopicSource.Says, "Use a customer managed key")

	assert.NoError(t, lambdafacts.CheckAlarmTopicARN("arn:aws:sns:us-east-1:123456789012:on-call"))
	assert.Equal(t, `"arn:aws:sns:us-east-1:123456789012:on-call:0b1c" is not an SNS topic ARN; expected arn:<partition>:sns:<region>:<account>:<topic-name>`,
		errText(lambdafacts.CheckAlarmTopicARN("arn:aws:sns:us-east-1:123456789012:on-call:0b1c")))
	assert.Equal(t, `"on-call" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`,
		errText(lambdafacts.CheckAlarmTopicARN("on-call")))
}

// TestThrottleRetry: "The retry interval increases exponentially from 1
// second after the first attempt to a maximum of 5 minutes."
func TestThrottleRetry(t *testing.T) {
	var got []time.Duration
	for n := 1; n <= 11; n++ {
		got = append(got, lambdafacts.ThrottleRetry(n))
	}
	s := time.Second
	assert.Equal(t, []time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, 64 * s, 128 * s, 256 * s, 300 * s, 300 * s}, got)
	assert.Contains(t, lambdafacts.ThrottleSource.Says, "from 1 second after the first attempt to a maximum of 5 minutes")
}

func TestMessageLimits(t *testing.T) {
	for _, c := range []struct {
		kind  lambdafacts.Kind
		limit int
	}{
		{lambdafacts.KindSNS, 262144}, {lambdafacts.KindSQS, 1048576}, {lambdafacts.KindEventBridge, 1048576},
		{lambdafacts.KindLambda, 1048576}, {lambdafacts.KindS3, 0},
	} {
		n, src := lambdafacts.MessageLimit(c.kind)
		assert.Equal(t, c.limit, n, c.kind)
		assert.Equal(t, c.limit == 0, src.URL == "", c.kind)
	}
	for k, want := range map[lambdafacts.Kind]bool{lambdafacts.KindSQS: true, lambdafacts.KindSNS: true, lambdafacts.KindS3: true,
		lambdafacts.KindLambda: true, lambdafacts.KindEventBridge: false} {
		assert.Equal(t, want, lambdafacts.DetectsLoopsThrough(k), k)
	}
}
