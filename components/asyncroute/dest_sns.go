package asyncroute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
)

func init() {
	registerKind(&kindSpec{
		kind:       KindSNS,
		label:      "SNS topic",
		onSuccess:  true,
		deadLetter: true,
		keyed:      true,
		mapping:    true,
		checkARN: func(a arnParts) error {
			if a.resource == "" || strings.ContainsAny(a.resource, "/:") {
				return fmt.Errorf("%q is not an SNS topic ARN; expected arn:<partition>:sns:<region>:<account>:<topic-name>", a.String())
			}
			if strings.HasSuffix(a.resource, ".fifo") {
				return fifoError(describe("SNS topic", a.resource))
			}
			return nil
		},
		permissions: func(arn string) []Permission { return actionsOn(arn, "sns:Publish") },
	})
}

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
	name, err := await(env.ctx, d.Topic.Name)
	if err != nil {
		return nil, err
	}
	fifo, err := await(env.ctx, d.Topic.FifoTopic)
	if err != nil {
		return nil, err
	}
	what := describe("SNS topic", name.str)
	if fifo.b || strings.HasSuffix(name.str, ".fifo") {
		return nil, fifoError(what)
	}
	t := &target{spec: kinds[KindSNS], arn: fixedARN(d.Topic.Arn), describe: what, res: d.Topic}
	if err := knownARN(env, d.Topic.Arn, t); err != nil {
		return nil, err
	}
	g, err := customerKeyGrant(env, what, d.Key, d.Topic.KmsMasterKeyId, d.Topic.Arn, "alias/aws/sns")
	if err != nil {
		return nil, err
	}
	t.extra = g
	return t, nil
}
