package asyncroute

import (
	"github.com/asyncroute/asyncroute/components/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NewTopic asks the component to create the target: a standard SNS topic
// named after the component and the field (<component>-on-failure, say),
// tagged with the component's tags and returned in the component's
// CreatedTarget for that field. Use it wherever an [SNSTopic] may go.
//
// Encryption is on: the AWS-managed key alias/aws/sns (no grant needed), or
// KmsKey, for which the role gets kms:GenerateDataKey* and kms:Decrypt.
// Subscribe to the topic to receive the records.
type NewTopic struct {
	// KmsKey, when set, encrypts the topic with this customer-managed key.
	KmsKey *kms.Key
}

// newTopicRoute creates the topic once the component exists.
type newTopicRoute struct{ d NewTopic }

func (r newTopicRoute) build(b *buildEnv, u *routeUse) (pulumi.StringOutput, error) {
	args := &sns.TopicArgs{Tags: b.tags, KmsMasterKeyId: pulumi.String(lambdafacts.AWSManagedSNSKey)}
	if r.d.KmsKey != nil {
		args.KmsMasterKeyId = r.d.KmsKey.Arn
	}
	spec, _ := lambdafacts.KindOf(KindSNS)
	opts, err := b.keyGrantBefore(u, spec, r.d.KmsKey)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	topic, err := sns.NewTopic(b.ctx, u.childName(""), args, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	u.created.Topic = topic
	return topic.Arn, nil
}

func (d NewTopic) resolve(*resolveEnv) (*target, error) {
	spec, _ := lambdafacts.KindOf(KindSNS)
	return &target{spec: spec, route: newTopicRoute{d}, describe: "SNS topic created by the component", fromResource: true}, nil
}
