//go:build engine

package engine

import (
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badDestination routes a function's failures to a queue whose mistake the
// component sees only in the queue's outputs (its FIFO flag, or its KMS key
// naming a custom alias): known at preview, not awaited during an update.
func badDestination(kind string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		args := &sqs.QueueArgs{}
		switch kind {
		case "fifo":
			args.FifoQueue = pulumi.Bool(true)
		case "alias":
			args.KmsMasterKeyId = pulumi.String("alias/team-key")
		}
		q, err := sqs.NewQueue(ctx, "jobs", args)
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   pythonFunction(),
			OnFailure:  asyncroute.SQSQueue{Queue: q},
			MaxRetries: pulumi.IntRef(1),
		})
		return err
	}
}

// TestBadDestinationIsRefused: a preview refuses a destination whose fault
// is in an output and creates nothing; an update without a preview
// (Automation API Up, like `pulumi up --skip-preview`) refuses it before
// any invoke config exists, with the same message.
func TestBadDestinationIsRefused(t *testing.T) {
	for kind, want := range map[string]string{
		"fifo":  `asyncroute: Function "orders": OnFailure: SQS queue "jobs" is FIFO; allowed: a standard SQS queue or SNS topic (Lambda rejects FIFO destinations and dead-letter targets)`,
		"alias": `asyncroute: Function "orders": OnFailure: SQS queue "jobs" is encrypted with the custom KMS alias "alias/team-key", which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed alias/aws/sqs needs no key)`,
	} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "asyncroute-bad-"+kind, badDestination(kind))
			_, err := w.preview()
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
			assert.Empty(t, w.ops(0), "a preview creates nothing")

			err = w.upErr()
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
			for _, op := range w.ops(0) {
				assert.NotEqual(t, tInvokeConfig, op.Type, "%s %s", op.Op, op.URN)
			}
			w.destroy()
			assert.Empty(t, w.providerState().Live())
		})
	}
}

// TestQueuePolicyDenyIsRefused: a queue whose own policy denies the
// component's role (a perimeter statement on the role's account, which the
// default provider tells in both phases) is refused by a preview, which creates nothing, and by
// an update without a preview before any invoke config exists (then with
// the queue's ARN, known once the queue is).
func TestQueuePolicyDenyIsRefused(t *testing.T) {
	t.Parallel()
	const perimeter = `{"Version":"2012-10-17","Statement":[{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",` +
		`"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"999988887777"}}}]}`
	w := newWorld(t, "asyncroute-bad-policy", func(ctx *pulumi.Context) error {
		q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String("jobs"), Policy: pulumi.String(perimeter)})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: pythonFunction(), OnFailure: asyncroute.SQSQueue{Queue: q}})
		return err
	})
	want := func(on string) string {
		return `asyncroute: Function "orders": OnFailure: the policy of aws:sqs/queue:Queue "jobs" denies sqs:SendMessage on ` + on +
			` to the role (statement "Perimeter", an explicit Deny, which wins over any Allow), so every delivery is refused`
	}
	_, err := w.preview()
	require.Error(t, err)
	assert.Contains(t, err.Error(), want(`<ARN of SQS queue "jobs">`))
	assert.Empty(t, w.ops(0), "a preview creates nothing")

	err = w.upErr()
	require.Error(t, err)
	assert.Contains(t, err.Error(), want("arn:aws:sqs:"+region+":123456789012:jobs"))
	for _, op := range w.ops(0) {
		assert.NotEqual(t, tInvokeConfig, op.Type, "%s %s", op.Op, op.URN)
	}
	w.destroy()
	assert.Empty(t, w.providerState().Live())
}

// TestOutsidePolicyWarning: a destination given by ARN in another account
// than the role's is delivered to only if its own policy allows the role,
// which the component cannot read: the preview warns (what ASYNC010
// advises) and goes on.
func TestOutsidePolicyWarning(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-outside", func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: pythonFunction(),
			OnFailure: asyncroute.ARN{Arn: pulumi.String("arn:aws:sqs:" + region + ":210987654321:central-failures")}})
		return err
	})
	res, err := w.preview()
	require.NoError(t, err)
	assert.Contains(t, strings.Join(strings.Fields(res.StdOut), " "),
		`warning: asyncroute: Function "orders": OnFailure: the SQS queue is in account 210987654321 (given by ARN) and the role in account 123456789012, `+
			`and across accounts its queue policy must allow the role too: it must allow sqs:SendMessage on arn:aws:sqs:`+region+`:210987654321:central-failures `+
			`to aws:iam/role:Role "orders-role" (or its account 123456789012)`)
}
