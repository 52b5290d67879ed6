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
}

func (d SNSTopic) resolve(env *resolveEnv) (*target, error) {
	if d.Topic == nil {
		return nil, fmt.Errorf("SNSTopic.Topic is nil; allowed: an *sns.Topic")
	}
	return resolveMessaging(env, messaging{
		kind: KindSNS, res: d.Topic, name: d.Topic.Name, fifo: d.Topic.FifoTopic, arn: d.Topic.Arn,
		keyID: d.Topic.KmsMasterKeyId, key: d.Key, awsManaged: lambdafacts.AWSManagedSNSKey,
	})
}
