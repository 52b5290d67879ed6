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
	// Policy is the queue's policy, when the program sets it with an
	// sqs.QueuePolicy (optional). The component checks it, and the queue's
	// own Policy input, against the execution role: a policy that denies
	// the role sqs:SendMessage, or that does not allow it to a role of
	// another account, is refused (see "Resource policies" in the package
	// documentation).
	Policy *sqs.QueuePolicy
}

func (d SQSQueue) resolve(env *resolveEnv) (*target, error) {
	if d.Queue == nil {
		return nil, fmt.Errorf("SQSQueue.Queue is nil; allowed: an *sqs.Queue")
	}
	m := messaging{
		kind: KindSQS, res: d.Queue, name: d.Queue.Name, fifo: d.Queue.FifoQueue, arn: d.Queue.Arn,
		keyID: d.Queue.KmsMasterKeyId, key: d.Key, awsManaged: lambdafacts.AWSManagedSQSKey, own: d.Queue.Policy,
	}
	if d.Policy != nil {
		m.attach = func(env *resolveEnv, t *target) error {
			return attachedPolicy(env, t, "SQSQueue.Policy", d.Policy, d.Policy.Policy, d.Policy.QueueUrl, d.Queue.Url, "the queue with URL")
		}
	}
	return resolveMessaging(env, m)
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
	// own is the queue's or topic's policy input; attach, when set, adds
	// the policy resource of the destination's Policy field.
	own    pulumi.StringOutput
	attach func(*resolveEnv, *target) error
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
	// A policy resource sets the queue's or topic's one policy, in place
	// of its own policy input.
	if m.attach == nil {
		t.policies = append(t.policies, ownPolicy(m.res, m.own))
	} else if err := m.attach(env, t); err != nil {
		return nil, err
	}
	return t, nil
}

// resourceTarget is the target of a destination given as a resource,
// named in messages by its Pulumi name.
func resourceTarget(spec *lambdafacts.KindSpec, res pulumi.Resource, arn pulumi.StringOutput) *target {
	return &target{spec: spec, route: existing{arn}, describe: lambdafacts.Describe(spec.Label, res.PulumiResourceName()), res: res, fromResource: true, arn: arn}
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
