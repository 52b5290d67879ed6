package lambdafacts_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestARNName(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sqs:us-east-1:123456789012:jobs":                  "jobs",
		"arn:aws:iam::123456789012:role/service-role/worker":       "worker",
		"arn:aws:events:us-east-1:123456789012:event-bus/payments": "payments",
		"arn:aws:s3:::bucket":                                      "bucket",
		"arn:aws:lambda:us-east-1:123456789012:function:f":         "f",
		"arn:aws:lambda:us-east-1:123456789012:function:f:live":    "live",
	} {
		a, err := lambdafacts.ParseARN(arn)
		require.NoError(t, err)
		assert.Equal(t, want, a.Name(), arn)
	}
}
