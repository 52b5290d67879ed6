package asyncroute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
)

// CreatedTarget holds what a component created for one routing field
// besides its usual children (role, policy, function, config). Each field is
// filled by one kind of destination; the others stay nil:
//
//   - Queue by [NewQueue], named <component>-on-success, -on-failure or
//     -dead-letter;
//   - Topic by [NewTopic], named the same way;
//   - Rule, RuleTarget and Permission by [ResponseOnly], named
//     <component>-on-success-response (-target, -permission), and the same
//     with on-failure.
//
// A component leaves the CreatedTarget of a field nil when it created
// nothing for it.
type CreatedTarget struct {
	// Queue is the SQS queue created for a NewQueue destination.
	Queue *sqs.Queue
	// Topic is the SNS topic created for a NewTopic destination.
	Topic *sns.Topic
	// Rule is the EventBridge rule on the default bus that matches the
	// function's invocation results for a ResponseOnly destination.
	Rule *cloudwatch.EventRule
	// RuleTarget sends each matched result's response payload to the next
	// function.
	RuleTarget *cloudwatch.EventTarget
	// Permission lets EventBridge invoke the next function from Rule only.
	Permission *lambda.Permission
	// KeyPolicy grants the role the use of the KmsKey (or KmsKeyArn) of a
	// NewQueue or NewTopic, in a policy the queue or topic waits for (named
	// <component>-on-failure-key-grants, say); nil without a key or with
	// SkipGrants.
	KeyPolicy *iam.RolePolicy
}

func (c *CreatedTarget) empty() bool {
	return c == nil || (c.Queue == nil && c.Topic == nil && c.Rule == nil && c.RuleTarget == nil && c.Permission == nil && c.KeyPolicy == nil)
}
