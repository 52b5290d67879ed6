package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
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

const (
	otherAccount = "210987654321"
	// outsideOnly denies every principal outside account 999988887777,
	// the data-perimeter statement organisations put on shared queues.
	outsideOnly = `{"Version":"2012-10-17","Statement":[{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",` +
		`"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"999988887777"}}}]}`
	allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	// vpceOnly denies what does not come through one VPC endpoint: request
	// context the library cannot know, so it decides nothing here.
	vpceOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*",` +
		`"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`
)

const deliveryRefused = `, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures) and no grant of the execution role can change that; ` +
	`allowed: a target whose policy lets the role deliver (`

// refusesPolicy runs build at preview, where the component refuses it
// with preview (or, "", accepts it: a target created by this deployment has
// no ARN yet, and only a Deny for every resource decides without it), and
// in an update, where the check runs before the config is written and
// refuses it with update (the target's ARN known).
func refusesPolicy(t *testing.T, build func(ctx *pulumi.Context) error, preview, update string, users int) {
	t.Helper()
	st, err := runCapture(t, build, asyncroutetest.Preview())
	if preview == "" {
		require.NoError(t, err, "preview")
	} else {
		require.EqualError(t, err, preview, "preview")
		requireNothingFromComponent(t, st, "orders", users)
	}
	rejectsAtUpdate(t, build, update, "orders")
}

// A queue whose own policy denies the component's role (by its account,
// known from the provider): refused at preview and before the config is
// written, in the rules' words (asyncpolicy's ASYNC001 says the same of
// the same stack: tests/rulebook).
func TestQueueOwnPolicyDeniesTheRole(t *testing.T) {
	want := func(on string) string {
		return fPrefix + `OnFailure: the policy of aws:sqs/queue:Queue "failures" denies sqs:SendMessage on ` + on +
			` to the role (statement "Perimeter", an explicit Deny, which wins over any Allow)` + deliveryRefused +
			`narrow statement "Perimeter" of the policy of aws:sqs/queue:Queue "failures" so that it does not deny sqs:SendMessage to aws:iam/role:Role "orders-role")`
	}
	refusesPolicy(t, func(ctx *pulumi.Context) error {
		q := newQueue(ctx, "failures", &sqs.QueueArgs{Policy: pulumi.String(outsideOnly)})
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q}})
		return err
	}, want(`<ARN of SQS queue "failures">`), want(arnOf("sqs", "failures")), 1)
}

// A QueuePolicy named in SQSQueue.Policy that denies a brought role by its
// ARN: refused, naming the statement; the config waits for the policy.
func TestQueuePolicyResourceDeniesBroughtRole(t *testing.T) {
	program := func(policy string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			q := newQueue(ctx, "failures", nil)
			p := must(sqs.NewQueuePolicy(ctx, "failures-policy", &sqs.QueuePolicyArgs{QueueUrl: q.Url, Policy: pulumi.String(policy)}))
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"),
				Role:      &asyncroute.ExistingRole{Arn: pulumi.String(externalRoleArn)},
				OnFailure: asyncroute.SQSQueue{Queue: q, Policy: p}})
			return err
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},` +
		`{"Sid":"NotExternal","Effect":"Deny","Principal":{"AWS":"` + externalRoleArn + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`
	want := func(on string) string {
		return fPrefix + `OnFailure: aws:sqs/queuePolicy:QueuePolicy "failures-policy" denies sqs:SendMessage on ` + on +
			` to the role (statement "NotExternal", an explicit Deny, which wins over any Allow)` + deliveryRefused +
			`narrow statement "NotExternal" of aws:sqs/queuePolicy:QueuePolicy "failures-policy" so that it does not deny sqs:SendMessage to the execution role)`
	}
	// The role's ARN is a literal and the Deny is for every resource: it
	// decides at preview.
	refusesPolicy(t, program(deny), want(`<ARN of SQS queue "failures">`), want(arnOf("sqs", "failures")), 2)

	for name, policy := range map[string]string{"allow-all": allowAll, "VPC endpoint": vpceOnly} {
		st := run(t, program(policy))
		cfg := config(t, st, "orders")
		assert.True(t, st.DependsOn(cfg, find(t, st, "aws:sqs/queuePolicy:QueuePolicy", "failures-policy")), "%s: the config is written after the queue's policy", name)
	}
}

// A policy resource of another destination than the one it is named with
// is refused, naming both.
func TestPolicyOfAnotherQueue(t *testing.T) {
	refusesPolicy(t, func(ctx *pulumi.Context) error {
		q, other := newQueue(ctx, "failures", nil), newQueue(ctx, "other", nil)
		p := must(sqs.NewQueuePolicy(ctx, "other-policy", &sqs.QueuePolicyArgs{QueueUrl: other.Url, Policy: pulumi.String(allowAll)}))
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q, Policy: p}})
		return err
	}, "", fPrefix+`OnFailure: SQSQueue.Policy is aws:sqs/queuePolicy:QueuePolicy "other-policy", the policy of the queue with URL "https://sqs.us-east-1.amazonaws.com/123456789012/other", `+
		`not of SQS queue "failures" ("https://sqs.us-east-1.amazonaws.com/123456789012/failures"); allowed: the policy of SQS queue "failures", or nil`, 0)
}

// A topic in another account whose policy allows only a third account:
// across accounts the topic's policy must allow the role too. One that
// allows the role's account is clean.
func TestTopicOfAnotherAccountWithoutAllow(t *testing.T) {
	program := func(allowed string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			p := must(aws.NewProvider(ctx, "owner", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String(otherAccount)}}))
			topic := must(sns.NewTopic(ctx, "alerts", &sns.TopicArgs{Name: pulumi.String("alerts"),
				Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + allowed + `"},"Action":"sns:Publish","Resource":"*"}]}`)}, pulumi.Provider(p)))
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SNSTopic{Topic: topic}})
			return err
		}
	}
	topicARN := "arn:aws:sns:us-east-1:" + otherAccount + ":alerts"
	refusesPolicy(t, program("333333333333"), "", fPrefix+`OnFailure: SNS topic "alerts" is in account `+otherAccount+` and the role in account 123456789012, `+
		`and across accounts the target's policy must allow the role too, but the policy of aws:sns/topic:Topic "alerts" does not allow sns:Publish to it`+deliveryRefused+
		`allow sns:Publish on `+topicARN+` to aws:iam/role:Role "orders-role" (or its account 123456789012) in the policy of aws:sns/topic:Topic "alerts")`, 0)
	for _, preview := range []bool{true, false} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st, err := runCapture(t, program("123456789012"), opts...)
		require.NoError(t, err, "preview %v", preview)
		assert.NotNil(t, st.Find(configType, "orders-async-config"), "preview %v", preview)
	}
}

// A bus in another account: its EventBusPolicy must allow the role's
// account; named with the bus, one that allows it is clean, one that
// allows another account is refused.
func TestBusOfAnotherAccountPolicy(t *testing.T) {
	program := func(allowed string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			p := must(aws.NewProvider(ctx, "owner", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String(otherAccount)}}))
			bus := must(cloudwatch.NewEventBus(ctx, "records", &cloudwatch.EventBusArgs{Name: pulumi.String("records")}, pulumi.Provider(p)))
			pol := must(cloudwatch.NewEventBusPolicy(ctx, "records-policy", &cloudwatch.EventBusPolicyArgs{EventBusName: bus.Name,
				Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Partners","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + allowed + `:root"},"Action":"events:PutEvents","Resource":"*"}]}`)}, pulumi.Provider(p)))
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnSuccess: asyncroute.EventBus{Bus: bus, Policy: pol}})
			return err
		}
	}
	busARN := "arn:aws:events:us-east-1:" + otherAccount + ":event-bus/records"
	refusesPolicy(t, program("333333333333"), "", fPrefix+`OnSuccess: EventBridge event bus "records" is in account `+otherAccount+` and the role in account 123456789012, `+
		`and across accounts the target's policy must allow the role too, but aws:cloudwatch/eventBusPolicy:EventBusPolicy "records-policy" does not allow events:PutEvents to it`+deliveryRefused+
		`allow events:PutEvents on `+busARN+` to aws:iam/role:Role "orders-role" (or its account 123456789012) in aws:cloudwatch/eventBusPolicy:EventBusPolicy "records-policy")`, 0)
	st := run(t, program("123456789012"))
	assert.NotNil(t, st.Find(configType, "orders-async-config"))
}

// A bucket policy that denies a brought role s3:PutObject (every principal
// but one role, by its ARN): both of S3's needs are checked, and the one
// denied is named. (A role the component creates has no ARN until it
// exists, so a condition on aws:PrincipalArn decides nothing for it.)
func TestBucketPolicyDeniesPutObject(t *testing.T) {
	program := func(policy string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			b := newBucketV2(ctx, "failed")
			p := must(s3.NewBucketPolicy(ctx, "failed-policy", &s3.BucketPolicyArgs{Bucket: b.Bucket, Policy: pulumi.String(policy)}))
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"),
				Role: &asyncroute.ExistingRole{Arn: pulumi.String(externalRoleArn)}, OnFailure: asyncroute.S3Bucket{Bucket: b, Policy: p}})
			return err
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"WriteOnce","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::failed/*",` +
		`"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/archiver"}}}]}`
	refusesPolicy(t, program(deny), "", fPrefix+`OnFailure: aws:s3/bucketPolicy:BucketPolicy "failed-policy" denies s3:PutObject on arn:aws:s3:::failed/* `+
		`to the role (statement "WriteOnce", an explicit Deny, which wins over any Allow)`+deliveryRefused+
		`narrow statement "WriteOnce" of aws:s3/bucketPolicy:BucketPolicy "failed-policy" so that it does not deny s3:PutObject to the execution role)`, 0)
	for name, policy := range map[string]string{"allow-all": allowAll, "VPC endpoint": vpceOnly} {
		st := run(t, program(policy))
		assert.NotNil(t, st.Find(configType, "orders-async-config"), name)
	}
}

// NewAsyncInvoke checks its targets' policies for the role it grants to,
// named by its resource.
func TestAsyncInvokeTopicPolicyDeniesTheRole(t *testing.T) {
	want := func(on string) string {
		return `asyncroute: AsyncInvoke "billing": OnSuccess: the policy of aws:sns/topic:Topic "done" denies sns:Publish on ` + on +
			` to the role (statement "Perimeter", an explicit Deny, which wins over any Allow)` + deliveryRefused +
			`narrow statement "Perimeter" of the policy of aws:sns/topic:Topic "done" so that it does not deny sns:Publish to aws:iam/role:Role "billing-role")`
	}
	build := func(ctx *pulumi.Context) error {
		r := newRole(ctx, "billing-role")
		topic := newTopic(ctx, "done", &sns.TopicArgs{Policy: pulumi.String(outsideOnly)})
		_, err := asyncroute.NewAsyncInvoke(ctx, "billing", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("billing"),
			Role: &asyncroute.ExistingRole{Role: r}, OnSuccess: asyncroute.SNSTopic{Topic: topic}})
		return err
	}
	st, err := runCapture(t, build, asyncroutetest.Preview())
	require.EqualError(t, err, want(`<ARN of SNS topic "done">`))
	assert.Nil(t, st.Find(configType, "billing-async-config"))
	up, err := asyncroutetest.Run(build)
	require.ErrorContains(t, err, want(arnOf("sns", "done")))
	assert.Nil(t, up.Find(configType, "billing-async-config"))
}

// Under an explicit provider, whose account the component reads at
// preview only, an update decides a statement on the role's account with
// the account the provider deploys to.
func TestPolicyOnAccountUnderExplicitProvider(t *testing.T) {
	build := func(ctx *pulumi.Context) error {
		p := must(aws.NewProvider(ctx, "home", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String("123456789012")}}))
		q := newQueue(ctx, "failures", &sqs.QueueArgs{Policy: pulumi.String(outsideOnly)})
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q}}, pulumi.Provider(p))
		return err
	}
	rejectsAtUpdate(t, build, fPrefix+`OnFailure: the policy of aws:sqs/queue:Queue "failures" denies sqs:SendMessage on `+arnOf("sqs", "failures")+
		` to the role (statement "Perimeter", an explicit Deny, which wins over any Allow)`, "orders")
}

// A customer-managed key given with the destination whose key policy
// neither allows the role nor delegates to IAM (the account's root
// principal): the role's kms: grant is useless. Refused at preview (the
// key policy's statements are for every resource, so the key's ARN is not
// needed to decide) and before the config is written; a key policy that
// delegates to IAM, and a key without one (the default key policy), are
// accepted.
func TestKeyPolicyWithoutRoleOrRoot(t *testing.T) {
	program := func(policy string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			args := &kms.KeyArgs{}
			if policy != "" {
				args.Policy = pulumi.String(policy)
			}
			key := must(kms.NewKey(ctx, "records-key", args))
			q := newQueue(ctx, "failures", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
			_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q, Key: key}})
			return err
		}
	}
	// A key policy for another account's administrators only (copied from
	// it, say). (One naming a role of the account could name the role the
	// component creates, whose ARN is not known: that decides nothing.)
	admins := `{"Version":"2012-10-17","Statement":[{"Sid":"Admins","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/key-admin"},"Action":"kms:*","Resource":"*"}]}`
	problem := func(action string) string {
		return `the key policy of aws:kms/key:Key "records-key" neither allows ` + action + ` to the role nor delegates to IAM (the account's root principal), ` +
			`and a key is usable only as its key policy allows, so the role's kms: grant is useless`
	}
	fix := func(action string) string {
		return `allow ` + action + ` on the key to aws:iam/role:Role "orders-role" in the key policy of aws:kms/key:Key "records-key", ` +
			`or keep its statement allowing arn:<partition>:iam::123456789012:root (the default key policy's)`
	}
	want := fPrefix + `OnFailure: ` + problem("kms:GenerateDataKey") + `; ` + problem("kms:Decrypt") +
		`, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures) and no grant of the execution role can change that; ` +
		`allowed: a key whose key policy lets the role use it (` + fix("kms:GenerateDataKey") + `; ` + fix("kms:Decrypt") + `)`
	rejects(t, program(admins), want, "orders", 2)

	root := `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`
	for name, policy := range map[string]string{"delegates to IAM": root, "default key policy": ""} {
		for _, preview := range []bool{true, false} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			st, err := runCapture(t, program(policy), opts...)
			require.NoError(t, err, "%s (preview %v)", name, preview)
			assert.NotNil(t, st.Find(configType, "orders-async-config"), "%s (preview %v)", name, preview)
		}
	}
}
