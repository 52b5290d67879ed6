package asyncroute

import (
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
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
// a customer-managed key (KmsKey or KmsKeyArn), for which the role gets
// kms:GenerateDataKey* and kms:Decrypt. Subscribe to the topic to receive
// the records.
type NewTopic struct {
	// KmsKey, when set, encrypts the topic with this customer-managed key.
	KmsKey *kms.Key
	// KmsKeyArn is the same by the key's ARN
	// (arn:<partition>:kms:<region>:<account>:key/<key-id>), for a key
	// this program has no resource for; an alternative to KmsKey (set one
	// of them at most). Aliases and key ids are refused: the grant needs
	// the key's ARN.
	KmsKeyArn pulumi.StringInput
}

// newTopicRoute creates the topic once the component exists.
type newTopicRoute struct{ key createdKey }

func (r newTopicRoute) build(b *buildEnv, u *routeUse) (pulumi.StringOutput, error) {
	args := &sns.TopicArgs{Tags: b.tags, KmsMasterKeyId: pulumi.String(lambdafacts.AWSManagedSNSKey)}
	opts := b.childOpts()
	if r.key.set {
		args.KmsMasterKeyId = r.key.arn
		spec, _ := lambdafacts.KindOf(KindSNS)
		var err error
		if opts, err = b.keyGrantBefore(u, spec, r.key.arn); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	topic, err := sns.NewTopic(b.ctx, u.childName(""), args, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	u.created.Topic = topic
	return topic.Arn, nil
}

func (d NewTopic) resolve(env *resolveEnv) (*target, error) {
	spec, _ := lambdafacts.KindOf(KindSNS)
	t := &target{spec: spec, describe: "SNS topic created by the component", fromResource: true}
	key, err := resolveCreatedKey(env, t, "NewTopic", d.KmsKey, d.KmsKeyArn)
	if err != nil {
		return nil, err
	}
	t.route = newTopicRoute{key: key}
	return t, nil
}
