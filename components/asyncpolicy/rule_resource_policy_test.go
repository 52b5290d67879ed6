package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A queue policy of the stack that denies the role what its grant allows
// wins over the grant (IAM's explicit Deny): ASYNC001 names the
// statement. An allow-all queue policy, and a Deny that depends on request
// context (a VPC endpoint), are not flagged.
func TestQueuePolicyDeniesTheRole(t *testing.T) {
	stackWith := func(policy string) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			q := s.queue("failures", nil)
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, q.Arn)
			granted(s, r, q)
			must(sqs.NewQueuePolicy(s.ctx, "failures-policy", &sqs.QueuePolicyArgs{QueueUrl: q.Url, Policy: pulumi.String(policy)}))
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},` +
		`{"Sid":"NoOrders","Effect":"Deny","Principal":{"AWS":"` + roleARN + `orders-role"},"Action":"sqs:SendMessage","Resource":"*"}]}`
	fs := of(findings(t, stackWith(deny)), asyncpolicy.RuleDestinationPermission)
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
	assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig.onFailure.destination: `+
		`the on-failure destination is SQS queue "failures" (`+arnPrefix+`failures), but for execution role aws:iam/role:Role "orders-role" of function "orders" `+
		`aws:sqs/queuePolicy:QueuePolicy "failures-policy" denies sqs:SendMessage on `+arnPrefix+`failures to the role (statement "NoOrders", an explicit Deny, which wins over any Allow), `+
		`so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures). `+
		`Fix: narrow statement "NoOrders" of aws:sqs/queuePolicy:QueuePolicy "failures-policy" so that it does not deny sqs:SendMessage to aws:iam/role:Role "orders-role".`, fs[0].Message)

	for name, policy := range map[string]string{
		"allow-all": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}`,
		"VPC endpoint": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*",` +
			`"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`,
		"deny for other accounts": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*",` +
			`"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"` + acct + `"}}}]}`,
	} {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			fs := of(findings(t, stackWith(policy), opts...), asyncpolicy.RuleDestinationPermission)
			assert.Empty(t, fs, "%s (preview %v): %s", name, preview, dump(fs))
		}
	}
}

// A topic in another account: the topic's policy must allow the role too.
// One that allows only a third account is flagged; one that allows the
// role's account is not; in the role's own account the grant suffices.
func TestTopicPolicyAcrossAccounts(t *testing.T) {
	const other = "210987654321"
	stackWith := func(account, allowed string) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			p := must(aws.NewProvider(s.ctx, "owner", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String(account)}}))
			topic := must(sns.NewTopic(s.ctx, "alerts", &sns.TopicArgs{Name: pulumi.String("alerts"),
				Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + allowed + `"},"Action":"sns:Publish","Resource":"*"}]}`)}, pulumi.Provider(p)))
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, topic.Arn)
			s.grant("grants", r, doc(stmt("Allow", "sns:Publish", topic.Arn)))
		}
	}
	fs := of(findings(t, stackWith(other, "333333333333")), asyncpolicy.RuleDestinationPermission)
	require.Len(t, fs, 1, dump(fs))
	topicARN := "arn:aws:sns:us-east-1:" + other + ":alerts"
	assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig.onFailure.destination: `+
		`the on-failure destination is SNS topic "alerts" (`+topicARN+`), but for execution role aws:iam/role:Role "orders-role" of function "orders" `+
		`SNS topic "alerts" is in account `+other+` and the role in account `+acct+`, and across accounts the target's policy must allow the role too, `+
		`but the policy of aws:sns/topic:Topic "alerts" does not allow sns:Publish to it, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures). `+
		`Fix: allow sns:Publish on `+topicARN+` to aws:iam/role:Role "orders-role" (or its account `+acct+`) in the policy of aws:sns/topic:Topic "alerts".`, fs[0].Message)

	for name, c := range map[string][2]string{
		"allows the role's account":         {other, acct},
		"same account, another one allowed": {acct, "333333333333"},
	} {
		fs := of(findings(t, stackWith(c[0], c[1])), asyncpolicy.RuleDestinationPermission)
		assert.Empty(t, fs, "%s: %s", name, dump(fs))
	}
}

// A customer-managed key of the stack whose key policy neither allows the
// role nor delegates to IAM (the account's root principal): the role's
// kms: grants cannot be used. A key policy delegating to IAM (the
// default's statement), or no key policy at all, is clean.
func TestKeyPolicyWithoutTheRoleOrRoot(t *testing.T) {
	program := func(policy string) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			args := &kms.KeyArgs{}
			if policy != "" {
				args.Policy = pulumi.String(policy)
			}
			key := must(kms.NewKey(s.ctx, "records-key", args))
			q := s.queue("failures", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, q.Arn)
			s.grant("orders-grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn), stmt("Allow", "kms:GenerateDataKey*", key.Arn), stmt("Allow", "kms:Decrypt", key.Arn)))
		}
	}
	admins := `{"Version":"2012-10-17","Statement":[{"Sid":"Admins","Effect":"Allow","Principal":{"AWS":"` + roleARN + `key-admin"},"Action":"kms:*","Resource":"*"}]}`
	fs := of(findings(t, program(admins)), asyncpolicy.RuleDestinationPermission)
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
	assert.Regexp(t, `^aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig\.onFailure\.destination: `+
		`the on-failure destination is SQS queue "failures" \(`+arnPrefix+`failures\), but for execution role aws:iam/role:Role "orders-role" of function "orders" `+
		`the key policy of aws:kms/key:Key "records-key" neither allows kms:GenerateDataKey to the role nor delegates to IAM \(the account's root principal\), `+
		`and a key is usable only as its key policy allows, so the role's kms: grant is useless; `+
		`the key policy of aws:kms/key:Key "records-key" neither allows kms:Decrypt to the role nor delegates to IAM .*`+
		`Fix: allow kms:GenerateDataKey on the key to aws:iam/role:Role "orders-role" in the key policy of aws:kms/key:Key "records-key", `+
		`or keep its statement allowing arn:<partition>:iam::`+acct+`:root \(the default key policy's\); .*\.$`, fs[0].Message)

	root := `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"}]}`
	for name, policy := range map[string]string{"delegates to IAM": root, "default key policy": ""} {
		fs := of(findings(t, program(policy)), asyncpolicy.RuleDestinationPermission)
		assert.Empty(t, fs, "%s: %s", name, dump(fs))
	}
}
