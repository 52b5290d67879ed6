package asyncroute

import (
	"github.com/asyncroute/asyncroute/internal/doors"
	"time"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Retention limits of an SQS queue, and what a queue the component creates
// for failures keeps its messages by default.
const (
	MinQueueRetention     = time.Minute
	MaxQueueRetention     = 14 * 24 * time.Hour
	FailureQueueRetention = MaxQueueRetention
)

// NewQueue asks the component to create the target: a standard SQS queue
// named after the component and the field (<component>-on-failure, say; the
// physical name is auto-named from it), tagged with the component's tags and
// returned in the component's CreatedTarget for that field. Use it wherever
// an [SQSQueue] may go, including an event source mapping's OnFailure.
//
// Defaults: encryption on (SQS-managed SSE, which needs no grant), and for a
// failure or dead-letter queue 14 days of retention, SQS's maximum, so a
// failure outlives a long weekend; a success queue keeps SQS's default. The
// role is granted like any queue's (sqs:SendMessage, plus the key actions
// when KmsKey or KmsKeyArn is set). Each use creates its own queue: to
// share one queue between fields or functions, create it and pass
// [SQSQueue].
type NewQueue struct {
	// RetentionPeriod is how long the queue keeps a message: 60s to 14 days
	// in whole seconds. Zero takes the default described above.
	RetentionPeriod time.Duration
	// KmsKey, when set, encrypts the queue with this customer-managed key
	// instead of SQS-managed SSE, and the role gets kms:GenerateDataKey* and
	// kms:Decrypt on it.
	KmsKey *kms.Key
	// KmsKeyArn is the same by the key's ARN
	// (arn:<partition>:kms:<region>:<account>:key/<key-id>), for a key
	// this program has no resource for; an alternative to KmsKey (set one
	// of them at most). Aliases and key ids are refused: the grant needs
	// the key's ARN.
	KmsKeyArn pulumi.StringInput
}

func checkRetention(what string, d time.Duration) error {
	allowed := doors.SecondsRange(MinQueueRetention, MaxQueueRetention) + ", or 0 for the default"
	switch {
	case d == 0:
		return nil
	case d%time.Second != 0:
		return doors.Errorf("%s %s is not a whole number of seconds; allowed: %s", doors.Field(what), doors.Seconds(d), allowed)
	case d < MinQueueRetention || d > MaxQueueRetention:
		return doors.Errorf("%s %s is out of range; allowed: %s", doors.Field(what), doors.Seconds(d), allowed)
	}
	return nil
}

// newQueueRoute creates the queue once the component exists.
type newQueueRoute struct {
	d   NewQueue
	key createdKey
}

func (r newQueueRoute) build(b *buildEnv, u *routeUse) (pulumi.StringOutput, error) {
	d := r.d
	args := &sqs.QueueArgs{Tags: b.tags}
	retention := d.RetentionPeriod
	if retention == 0 && u.slot != slotSuccess {
		retention = FailureQueueRetention
	}
	if retention != 0 {
		args.MessageRetentionSeconds = pulumi.Int(int(retention / time.Second))
	}
	opts := b.childOpts()
	if r.key.set {
		args.KmsMasterKeyId = r.key.arn
		spec, _ := lambdafacts.KindOf(KindSQS)
		var err error
		if opts, err = b.keyGrantBefore(u, spec, r.key.arn); err != nil {
			return pulumi.StringOutput{}, err
		}
	} else {
		args.SqsManagedSseEnabled = pulumi.Bool(true)
	}
	q, err := sqs.NewQueue(b.ctx, u.childName(""), args, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	u.created.Queue = q
	return q.Arn, nil
}

func (d NewQueue) resolve(env *resolveEnv) (*target, error) {
	if err := checkRetention("NewQueue.RetentionPeriod", d.RetentionPeriod); err != nil {
		return nil, err
	}
	spec, _ := lambdafacts.KindOf(KindSQS)
	t := &target{spec: spec, describe: "SQS queue created by the component", fromResource: true}
	key, err := resolveCreatedKey(env, t, "NewQueue", d.KmsKey, d.KmsKeyArn)
	if err != nil {
		return nil, err
	}
	t.route = newQueueRoute{d: d, key: key}
	return t, nil
}
