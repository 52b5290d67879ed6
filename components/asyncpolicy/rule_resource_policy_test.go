package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
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

// An EventBridge bus of the stack in another account (its provider's):
// across accounts the bus's policy must allow the role too. An
// EventBusPolicy of the stack (naming the bus by name or by ARN) that
// allows only a third account is ASYNC001 (mandatory); one that allows the
// role's account is clean. Without any EventBusPolicy in the stack, the
// bus's policy lives outside it: ASYNC001 cannot decide, and ASYNC010
// (advisory) says what that policy must allow.
func TestEventBusPolicyAcrossAccounts(t *testing.T) {
	const other = "210987654321"
	// allowed is the account the EventBusPolicy allows ("": no policy in
	// the stack); byARN names the bus by its ARN in the policy.
	stackWith := func(allowed string, byARN bool) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			p := must(aws.NewProvider(s.ctx, "owner", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String(other)}}))
			bus := must(cloudwatch.NewEventBus(s.ctx, "shared", &cloudwatch.EventBusArgs{Name: pulumi.String("shared")}, pulumi.Provider(p)))
			if allowed != "" {
				name := bus.Name
				if byARN {
					name = bus.Arn
				}
				must(cloudwatch.NewEventBusPolicy(s.ctx, "shared-policy", &cloudwatch.EventBusPolicyArgs{EventBusName: name,
					Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Partners","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + allowed + `:root"},"Action":"events:PutEvents","Resource":"*"}]}`)},
					pulumi.Provider(p)))
			}
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, bus.Arn)
			s.grant("grants", r, doc(stmt("Allow", "events:PutEvents", bus.Arn)))
		}
	}
	busARN := "arn:aws:events:us-east-1:" + other + ":event-bus/shared"
	for _, byARN := range []bool{false, true} {
		fs := findings(t, stackWith("333333333333", byARN))
		require.Len(t, fs, 1, dump(fs))
		assert.Equal(t, asyncpolicy.RuleDestinationPermission, fs[0].RuleID)
		assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
		assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig.onFailure.destination: `+
			`the on-failure destination is EventBridge event bus "shared" (`+busARN+`), but for execution role aws:iam/role:Role "orders-role" of function "orders" `+
			`EventBridge event bus "shared" is in account `+other+` and the role in account `+acct+`, and across accounts the target's policy must allow the role too, `+
			`but aws:cloudwatch/eventBusPolicy:EventBusPolicy "shared-policy" does not allow events:PutEvents to it, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures). `+
			`Fix: allow events:PutEvents on `+busARN+` to aws:iam/role:Role "orders-role" (or its account `+acct+`) in aws:cloudwatch/eventBusPolicy:EventBusPolicy "shared-policy".`,
			fs[0].Message, "by ARN %v", byARN)

		fs = findings(t, stackWith(acct, byARN))
		assert.Empty(t, fs, "allows the role's account (by ARN %v): %s", byARN, dump(fs))
	}

	fs := findings(t, stackWith("", false))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleOutsideStack, fs[0].RuleID, "no policy of the bus in the stack: not ASYNC001's")
	assert.Equal(t, asyncpolicy.Advisory, fs[0].Level)
	assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig.onFailure.destination: `+
		`the on-failure destination of function "orders" is EventBridge event bus "shared" (`+busARN+`), and whether execution role aws:iam/role:Role "orders-role" `+
		`may deliver to it depends on policies outside the stack, which the rules cannot read: `+
		`the EventBridge event bus is in account `+other+` (in the stack, which holds none of its resource-based policies) and the role in account `+acct+`, `+
		`and across accounts its event bus policy must allow the role too: it must allow events:PutEvents on `+busARN+` to `+roleARN+`orders-role (or its account `+acct+`). `+
		`Fix: make sure that the event bus policy of EventBridge event bus "shared" allows it, or bring it into the stack so that ASYNC001 checks it.`, fs[0].Message)
}

// A bucket policy of the stack that denies the role s3:PutObject on an S3
// on-failure destination wins over the role's grant: ASYNC001 names the
// statement. An allow-all bucket policy is clean.
func TestBucketPolicyDeniesTheRole(t *testing.T) {
	stackWith := func(policy string) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			b := must(s3.NewBucketV2(s.ctx, "archive", &s3.BucketV2Args{Bucket: pulumi.String("archive")}))
			must(s3.NewBucketPolicy(s.ctx, "archive-policy", &s3.BucketPolicyArgs{Bucket: b.Bucket, Policy: pulumi.String(policy)}))
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, b.Arn)
			s.grant("grants", r, doc(stmt("Allow", "s3:PutObject", pulumi.Sprintf("%s/*", b.Arn)), stmt("Allow", "s3:ListBucket", b.Arn)))
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},` +
		`{"Sid":"NoRecords","Effect":"Deny","Principal":{"AWS":"` + roleARN + `orders-role"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::archive/*"}]}`
	fs := findings(t, stackWith(deny))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleDestinationPermission, fs[0].RuleID)
	assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
	assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig.onFailure.destination: `+
		`the on-failure destination is S3 bucket "archive" (arn:aws:s3:::archive), but for execution role aws:iam/role:Role "orders-role" of function "orders" `+
		`aws:s3/bucketPolicy:BucketPolicy "archive-policy" denies s3:PutObject on arn:aws:s3:::archive/* to the role (statement "NoRecords", an explicit Deny, which wins over any Allow), `+
		`so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures). `+
		`Fix: narrow statement "NoRecords" of aws:s3/bucketPolicy:BucketPolicy "archive-policy" so that it does not deny s3:PutObject to aws:iam/role:Role "orders-role".`, fs[0].Message)

	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		fs := findings(t, stackWith(allowAll), opts...)
		assert.Empty(t, fs, "allow-all (preview %v): %s", preview, dump(fs))
	}
}
