package asyncroute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// awsManagedSNSKey is the key a topic the component creates is encrypted
// with when no customer-managed key is given.
const awsManagedSNSKey = "alias/aws/sns"

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

func (d NewTopic) resolve(*resolveEnv) (*target, error) {
	t := &target{spec: kinds[KindSNS], describe: "SNS topic created by the component"}
	t.arn = func(b *buildEnv, u *routeUse) (pulumi.StringOutput, error) {
		args := &sns.TopicArgs{Tags: b.tags, KmsMasterKeyId: pulumi.String(awsManagedSNSKey)}
		if d.KmsKey != nil {
			args.KmsMasterKeyId = d.KmsKey.Arn
		}
		opts, err := b.keyGrantBefore(u, d.KmsKey)
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
	return t, nil
}
