package asyncroute

import (
	"fmt"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
)

// SNSTopic routes records to a standard SNS topic created in this program.
// The execution role gets sns:Publish on the topic, and kms:GenerateDataKey*
// plus kms:Decrypt on the topic's customer-managed key (see [SQSQueue] for
// how the key is found; alias/aws/sns needs no grant).
type SNSTopic struct {
	// Topic is the destination topic. It must not be a FIFO topic.
	Topic *sns.Topic
	// Key is the customer-managed key that encrypts the topic, when the topic
	// refers to it by a custom alias. Optional otherwise.
	Key *kms.Key
	// Policy is the topic's policy, when the program sets it with an
	// sns.TopicPolicy (optional). The component checks it, and the topic's
	// own Policy input, against the execution role: a policy that denies
	// the role sns:Publish, or that does not allow it to a role of another
	// account, is refused (see "Resource policies" in the package
	// documentation).
	Policy *sns.TopicPolicy
}

func (d SNSTopic) resolve(env *resolveEnv) (*target, error) {
	if d.Topic == nil {
		return nil, fmt.Errorf("SNSTopic.Topic is nil; allowed: an *sns.Topic")
	}
	m := messaging{
		kind: KindSNS, res: d.Topic, name: d.Topic.Name, fifo: d.Topic.FifoTopic, arn: d.Topic.Arn,
		keyID: d.Topic.KmsMasterKeyId, key: d.Key, awsManaged: lambdafacts.AWSManagedSNSKey, own: d.Topic.Policy,
	}
	if d.Policy != nil {
		m.attach = func(env *resolveEnv, t *target) error {
			return attachedPolicy(env, t, "SNSTopic.Policy", d.Policy, d.Policy.Policy, d.Policy.Arn, d.Topic.Arn, "the topic")
		}
	}
	return resolveMessaging(env, m)
}
