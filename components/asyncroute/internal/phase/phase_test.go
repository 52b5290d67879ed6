package phase_test

import (
	"errors"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errFIFO = errors.New("is a FIFO queue")

// fifoCheck is a check that decides on a known name and waits for an
// unknown one.
var fifoCheck = phase.Known(func(v []any) error {
	if s, _ := v[0].(string); s == "jobs.fifo" {
		return errFIFO
	}
	return nil
})

// During an update a literal is checked now; an output is checked inside
// the output Gate makes, which fails with the check's error.
func TestChecksNowOrInsideTheOutput(t *testing.T) {
	_, err := mockmonitor.Run(func(ctx *pulumi.Context) error {
		var now phase.Checks
		assert.ErrorIs(t, now.Now(ctx, fifoCheck, pulumi.String("jobs.fifo")), errFIFO)
		assert.NoError(t, now.Now(ctx, fifoCheck, pulumi.String("jobs")))
		assert.True(t, now.Empty())
		out := pulumi.String("x").ToStringOutput()
		assert.Equal(t, out, phase.Gate[string](&now, out, nil), "no check: the output itself")

		for name, want := range map[string]error{"jobs.fifo": errFIFO, "jobs": nil} {
			q, err := sqs.NewQueue(ctx, name, &sqs.QueueArgs{Name: pulumi.String(name)})
			require.NoError(t, err)
			var later phase.Checks
			require.NoError(t, later.Now(ctx, fifoCheck, q.Name), "not known now: not checked now")
			assert.False(t, later.Empty())
			gated := phase.Gate[string](&later, q.Arn, func(err error) error { return errors.Join(errors.New("OnFailure"), err) }).(pulumi.StringOutput)
			r, err := internals.UnsafeAwaitOutput(ctx.Context(), gated)
			if want != nil {
				assert.ErrorIs(t, err, want)
				assert.ErrorContains(t, err, "OnFailure")
				continue
			}
			require.NoError(t, err)
			assert.Equal(t, "arn:aws:sqs:us-east-1:123456789012:jobs", r.Value)
		}
		return nil
	})
	require.NoError(t, err)
}

// A check that needs no unknown value decides now; Later defers without
// running.
func TestChecksDecideWithWhatIsKnown(t *testing.T) {
	_, err := mockmonitor.Run(func(ctx *pulumi.Context) error {
		q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String("jobs")})
		require.NoError(t, err)
		var c phase.Checks
		calls := 0
		partial := func(v []any) error {
			calls++
			if b, _ := v[1].(bool); b {
				return errFIFO // decided by the flag alone
			}
			if phase.IsUnknown(v[0]) {
				return phase.ErrLater
			}
			return nil
		}
		assert.ErrorIs(t, c.Now(ctx, partial, q.Name, pulumi.Bool(true)), errFIFO)
		assert.True(t, c.Empty())
		c.Later(func([]any) error { calls++; return nil }, q.Arn)
		assert.Equal(t, 1, calls)
		assert.False(t, c.Empty())
		return nil
	})
	require.NoError(t, err)
}
