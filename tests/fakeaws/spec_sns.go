package fakeaws

import "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"

const (
	typeTopic        = "aws:sns/topic:Topic"
	typeSubscription = "aws:sns/topicSubscription:TopicSubscription"
)

// topicSpec: id is the topic ARN. kmsMasterKeyId (a customer-managed key)
// matters to Lambda's delivery-time view. CreateTopic with a name the
// region already has returns that topic (same ARN, so the second resource
// shares it and deleting either deletes it).
var topicSpec = &spec{
	token:           typeTopic,
	schema:          sns.Topic{},
	args:            sns.TopicArgs{},
	naming:          topicNaming,
	replaceOnChange: []string{"name", "namePrefix", "fifoTopic"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := topicNaming.nameOrPrefixed(in, old)
		arn := e.arn("sns", name)
		return arn, map[string]any{"name": name, "arn": arn, "owner": e.account}, nil
	},
}

var subscriptionSpec = &spec{
	token:           typeSubscription,
	schema:          sns.TopicSubscription{},
	args:            sns.TopicSubscriptionArgs{},
	replaceOnChange: []string{"topic", "protocol", "endpoint"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		arn := keep(old, "arn", str(in, "topic")+":"+uuid())
		return arn, map[string]any{"arn": arn, "ownerId": e.account}, nil
	},
}

var topicNaming = naming{nameKey: "name", prefixKey: "namePrefix", maxLen: 256}
