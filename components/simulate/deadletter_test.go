package simulate_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// TestDeadLetterQueueMessageMD5 is a regression test: the message a
// dead-letter queue gets carries the MD5 of its body (the original event),
// not of an empty body, in the message and in the consumer's SQS event.
func TestDeadLetterQueueMessageMD5(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		dlq := must(sqs.NewQueue(ctx, "dlq", &sqs.QueueArgs{}))
		_, err := asyncroute.NewFunction(ctx, "charge", &asyncroute.FunctionArgs{
			Function:   lambda.FunctionArgs{Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()},
			DeadLetter: asyncroute.SQSQueue{Queue: dlq},
			MaxRetries: pulumi.IntRef(0),
		})
		return err
	}
	sim, err := simulate.Run(program, simulate.Config{Handlers: map[string]simulate.Handler{"charge": failing}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{"amount":12}`))
	require.NoError(t, err)
	ds := sim.DeliveriesTo("dlq")
	require.Len(t, ds, 1)
	require.NotNil(t, ds[0].SQS)
	require.NotNil(t, ds[0].DeadLetter)
	assert.JSONEq(t, `{"amount":12}`, ds[0].SQS.Body)
	assert.Equal(t, md5Hex([]byte(ds[0].SQS.Body)), ds[0].SQS.MD5OfBody)
	assert.NotEqual(t, md5Hex(nil), ds[0].SQS.MD5OfBody, "not the MD5 of an empty body")

	ev, err := ds[0].LambdaEvent()
	require.NoError(t, err)
	var got struct {
		Records []struct {
			Body      string `json:"body"`
			MD5OfBody string `json:"md5OfBody"`
		}
	}
	require.NoError(t, json.Unmarshal(ev, &got))
	require.Len(t, got.Records, 1)
	assert.Equal(t, md5Hex([]byte(got.Records[0].Body)), got.Records[0].MD5OfBody)
	assert.Empty(t, sim.Trace().Problems())
}
