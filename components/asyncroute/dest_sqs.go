package asyncroute

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SQSQueue routes records to a standard SQS queue created in this program.
// The execution role gets sqs:SendMessage on the queue. When the queue is
// encrypted with a customer-managed KMS key the role also gets
// kms:GenerateDataKey* and kms:Decrypt on that key: the key ARN is derived
// from the queue's KmsMasterKeyId (a key id or key ARN); set Key when the
// queue names the key through a custom alias. AWS-managed encryption
// (alias/aws/sqs, SQS-managed SSE) needs no grant.
type SQSQueue struct {
	// Queue is the destination queue. It must not be a FIFO queue.
	Queue *sqs.Queue
	// Key is the customer-managed key that encrypts the queue, when the queue
	// refers to it by a custom alias. Optional otherwise.
	Key *kms.Key
}

func (d SQSQueue) resolve(env *resolveEnv) (*target, error) {
	if d.Queue == nil {
		return nil, fmt.Errorf("SQSQueue.Queue is nil; allowed: an *sqs.Queue")
	}
	return resolveMessaging(env, messaging{
		kind: KindSQS, res: d.Queue, name: d.Queue.Name, fifo: d.Queue.FifoQueue, arn: d.Queue.Arn,
		keyID: d.Queue.KmsMasterKeyId, key: d.Key, awsManaged: lambdafacts.AWSManagedSQSKey,
	})
}

// messaging is what a queue or topic destination shares: a name, a FIFO
// flag, an ARN and an optional customer-managed key.
type messaging struct {
	kind       Kind
	res        pulumi.Resource
	name, arn  pulumi.StringOutput
	fifo       pulumi.BoolPtrOutput
	keyID      pulumi.StringPtrOutput
	key        *kms.Key
	awsManaged string
}

// resolveMessaging rejects a FIFO queue or topic (by flag or name) and
// adds the KMS grant of a customer-managed key.
func resolveMessaging(env *resolveEnv, m messaging) (*target, error) {
	spec, _ := lambdafacts.KindOf(m.kind)
	t := resourceTarget(spec, m.res, m.arn)
	what := t.describe
	err := t.later.Now(env.ctx, func(v []any) error {
		name, _ := v[0].(string)
		fifo, _ := v[1].(bool)
		switch {
		case fifo || strings.HasSuffix(name, ".fifo"):
			return lambdafacts.FIFOProblem(what)
		case phase.IsUnknown(v[0]) || phase.IsUnknown(v[1]):
			return phase.ErrLater
		}
		return nil
	}, m.name, m.fifo)
	if err != nil {
		return nil, err
	}
	if err := knownARN(env, m.arn, t); err != nil {
		return nil, err
	}
	if t.extra, err = customerKeyGrant(env, t, m.key, m.keyID, m.arn, m.awsManaged); err != nil {
		return nil, err
	}
	return t, nil
}

// resourceTarget is the target of a destination given as a resource,
// named in messages by its Pulumi name.
func resourceTarget(spec *lambdafacts.KindSpec, res pulumi.Resource, arn pulumi.StringOutput) *target {
	return &target{spec: spec, route: existing{arn}, describe: lambdafacts.Describe(spec.Label, res.PulumiResourceName()), res: res, fromResource: true}
}

// knownARN records a resource's ARN in t when it is known while the
// program runs.
func knownARN(env *resolveEnv, arn pulumi.StringOutput, t *target) error {
	a, err := phase.Read(env.ctx, arn)
	if err != nil {
		return err
	}
	if a.Known {
		t.known = a.Str()
	}
	return nil
}
