package lambdafacts_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func spec(t *testing.T, k lambdafacts.Kind) *lambdafacts.KindSpec {
	t.Helper()
	s, ok := lambdafacts.KindOf(k)
	require.True(t, ok, k)
	return s
}

func TestCheckARN(t *testing.T) {
	const acct = "123456789012"
	for _, c := range []struct {
		kind lambdafacts.Kind
		arn  string
		want string
	}{
		{lambdafacts.KindSQS, "arn:aws:sqs:us-east-1:" + acct + ":jobs", ""},
		{lambdafacts.KindSQS, "arn:aws:sqs:us-east-1:" + acct + ":jobs.fifo", `SQS queue "jobs.fifo" is FIFO; allowed: a standard SQS queue or SNS topic (Lambda rejects FIFO destinations and dead-letter targets)`},
		{lambdafacts.KindSQS, "arn:aws:sqs:us-east-1:" + acct + ":*", `"arn:aws:sqs:us-east-1:123456789012:*" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{lambdafacts.KindSQS, "arn:aws:sqs:*:" + acct + ":jobs", `"arn:aws:sqs:*:123456789012:jobs" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{lambdafacts.KindSQS, "arn:aws:sqs:us-east-1:" + acct + ":job?", `"arn:aws:sqs:us-east-1:123456789012:job?" has the wildcard "?", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{lambdafacts.KindSQS, "arn:aws:sqs::" + acct + ":jobs", `"arn:aws:sqs::123456789012:jobs" has no region; allowed: the ARN of one resource, with its region and account: arn:aws:sqs:<region>:<account>:jobs`},
		{lambdafacts.KindSNS, "arn:aws:sns:us-east-1::alerts", `"arn:aws:sns:us-east-1::alerts" has no account; allowed: the ARN of one resource, with its region and account: arn:aws:sns:<region>:<account>:alerts`},
		{lambdafacts.KindLambda, "arn:aws:lambda:::function:next", `"arn:aws:lambda:::function:next" has no region and no account; allowed: the ARN of one resource, with its region and account: arn:aws:lambda:<region>:<account>:function:next`},
		{lambdafacts.KindSNS, "arn:aws:sns:us-east-1:" + acct + ":alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286", `"arn:aws:sns:us-east-1:123456789012:alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286" is not an SNS topic ARN (a subscription's?); expected arn:<partition>:sns:<region>:<account>:<topic-name>`},
		{lambdafacts.KindEventBridge, "arn:aws:events:us-east-1:" + acct + ":rule/r", `"arn:aws:events:us-east-1:123456789012:rule/r" is not an EventBridge event bus ARN (a rule's?); expected arn:<partition>:events:<region>:<account>:event-bus/<name>`},
		{lambdafacts.KindS3, "arn:aws:s3:::failures/key", `"arn:aws:s3:::failures/key" is not an S3 bucket ARN (an object's?); expected arn:<partition>:s3:::<bucket-name>`},
		{lambdafacts.KindS3, "arn:aws:s3:::failures", ""},
		{lambdafacts.KindS3, "arn:aws:s3:us-east-1::failures", `"arn:aws:s3:us-east-1::failures" is not an S3 bucket ARN; expected arn:<partition>:s3:::<bucket-name>`},
		{lambdafacts.KindLambda, "arn:aws:lambda:us-east-1:" + acct + ":function:next:live", ""},
		{lambdafacts.KindLambda, "arn:aws:lambda:us-east-1:" + acct + ":function:next:*", `"arn:aws:lambda:us-east-1:123456789012:function:next:*" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{lambdafacts.KindSQS, "arn:aws:sns:us-east-1:" + acct + ":jobs", `"arn:aws:sns:us-east-1:123456789012:jobs" is not an ARN of kind "sqs" (SQS queue); allowed: arn:<partition>:sqs:<region>:<account>:<resource>`},
		{lambdafacts.KindSQS, "arn:awz:sqs:us-east-1:" + acct + ":jobs", `"arn:awz:sqs:us-east-1:123456789012:jobs" is in partition "awz", which is not an AWS partition; allowed: aws, aws-cn, aws-us-gov (or an isolated aws-iso* partition)`},
		{lambdafacts.KindSQS, "arn:aws-cn:sqs:cn-north-1:" + acct + ":jobs", ""},
	} {
		assert.Equal(t, c.want, errText(spec(t, c.kind).CheckARN(c.arn)), c.arn)
	}
}

func TestParseARNMistakes(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "the ARN is empty; pass a full ARN such as arn:aws:sqs:us-east-1:123456789012:my-queue",
		"https://sqs.x/1/jobs": `"https://sqs.x/1/jobs" is a URL, not an ARN; pass the ARN (for a queue, its arn, not its url): arn:<partition>:sqs:<region>:<account>:<queue-name>`,
		"jobs":                 `"jobs" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`,
		"arn:aws:sqs":          `"arn:aws:sqs" is a malformed ARN; expected arn:<partition>:<service>:<region>:<account>:<resource>`,
	} {
		_, err := lambdafacts.ParseARN(in)
		assert.Equal(t, want, errText(err), in)
	}
}

func TestCheckUse(t *testing.T) {
	kinesis, _ := lambdafacts.SourceOf(lambdafacts.SourceKinesis)
	kafka, _ := lambdafacts.SourceOf(lambdafacts.SourceKafka)
	for _, c := range []struct {
		kind   lambdafacts.Kind
		slot   lambdafacts.Slot
		source *lambdafacts.SourceSpec
		want   string
	}{
		{lambdafacts.KindS3, lambdafacts.SlotOnSuccess, nil, `X can receive failure records only; allowed on success: SQS queue, SNS topic, Lambda function, EventBridge event bus`},
		{lambdafacts.KindS3, lambdafacts.SlotOnFailure, nil, ""},
		{lambdafacts.KindLambda, lambdafacts.SlotDeadLetter, nil, `X cannot be a dead-letter target; allowed: SQS queue, SNS topic`},
		{lambdafacts.KindEventBridge, lambdafacts.SlotDeadLetter, nil, `X cannot be a dead-letter target; allowed: SQS queue, SNS topic`},
		{lambdafacts.KindSNS, lambdafacts.SlotDeadLetter, nil, ""},
		{lambdafacts.KindLambda, lambdafacts.SlotMapping, kinesis, `X cannot receive an event source mapping's failure records; allowed: SQS queue, SNS topic, S3 bucket`},
		{lambdafacts.KindEventBridge, lambdafacts.SlotMapping, kafka, `X cannot receive an event source mapping's failure records; allowed: SQS queue, SNS topic, S3 bucket, Kafka topic`},
		{lambdafacts.KindKafka, lambdafacts.SlotMapping, kinesis, `X can receive failure records of a Kafka source only, and this mapping reads a Kinesis stream; allowed: SQS queue, SNS topic, S3 bucket`},
		{lambdafacts.KindKafka, lambdafacts.SlotMapping, kafka, ""},
		{lambdafacts.KindKafka, lambdafacts.SlotOnFailure, nil, `X can be the on-failure destination of a Kafka event source mapping only; allowed: SQS queue, SNS topic, Lambda function, EventBridge event bus, S3 bucket`},
	} {
		assert.Equal(t, c.want, errText(lambdafacts.CheckUse(spec(t, c.kind), c.slot, c.source, "X")), "%s in %s", c.kind, c.slot)
	}
}

func TestFunctionRefsAndQualifiers(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:legacy"
	for _, c := range []struct {
		ref, explicit, want, err string
	}{
		{"legacy", "", "$LATEST", ""},
		{"legacy", "live", "live", ""},
		{"legacy:live", "", "live", ""},
		{fn + ":live", "", "live", ""},
		{fn + ":live", "live", "live", ""},
		{fn + ":7", "", "7", ""},
		{fn + ":live", "prod", "", `the function reference carries qualifier "live" but the qualifier is "prod"; allowed: the same qualifier in both, or one of them`},
		{fn + ":live", "$LATEST", "", `the function reference carries qualifier "live" but the qualifier is "$LATEST"; allowed: the same qualifier in both, or one of them`},
		{"legacy:live", "prod", "", `the function reference carries qualifier "live" but the qualifier is "prod"; allowed: the same qualifier in both, or one of them`},
		{"legacy", "0", "", `"0" is not a version: versions start at 1; allowed: $LATEST, a version number from 1 or an alias name`},
		{"legacy:00", "", "", `"00" is not a version: versions start at 1; allowed: $LATEST, a version number from 1 or an alias name`},
		{"legacy", "bad name!", "", `"bad name!" is not a qualifier; allowed: $LATEST, a version number from 1 or an alias name`},
	} {
		ref, err := lambdafacts.ParseFunctionRef(c.ref)
		require.NoError(t, err, c.ref)
		assert.Equal(t, "legacy", ref.Name, c.ref)
		q, err := lambdafacts.ResolveQualifier(ref, c.explicit)
		assert.Equal(t, c.err, errText(err), "%s + %q", c.ref, c.explicit)
		if c.err == "" {
			assert.Equal(t, c.want, q, "%s + %q", c.ref, c.explicit)
		}
	}
	_, err := lambdafacts.ParseFunctionRef("arn:aws:sqs:us-east-1:123456789012:jobs")
	assert.Equal(t, `"arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; allowed: a function name or arn:<partition>:lambda:<region>:<account>:function:<name>`, errText(err))
	assert.Equal(t, fn, lambdafacts.UnqualifiedFunctionARN(fn+":live"))
}

func TestKMSRules(t *testing.T) {
	const q = "arn:aws:sqs:eu-west-1:123456789012:jobs"
	k, err := lambdafacts.KeyARN("1234abcd-12ab-34cd-56ef-1234567890ab", q, "", "")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", k)
	k, err = lambdafacts.KeyARN("1234", "arn:aws:s3:::bucket", "us-west-2", "210987654321")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:kms:us-west-2:210987654321:key/1234", k, "a bucket's key id takes the function's region and account")
	assert.Equal(t, "", errText(lambdafacts.CheckKeyRef(`SQS queue "jobs"`, "alias/aws/sqs", lambdafacts.AWSManagedSQSKey)))
	assert.Equal(t, `SQS queue "jobs" is encrypted with the custom KMS alias "alias/foo", which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed alias/aws/sqs needs no key)`,
		errText(lambdafacts.CheckKeyRef(`SQS queue "jobs"`, "alias/foo", lambdafacts.AWSManagedSQSKey)))
	s3, _ := lambdafacts.KindOf(lambdafacts.KindS3)
	assert.Equal(t, []lambdafacts.Permission{{Action: "kms:GenerateDataKey", Resource: "K"}}, s3.KeyGrantsOn("K"))
	sqs, _ := lambdafacts.KindOf(lambdafacts.KindSQS)
	assert.Equal(t, []lambdafacts.Permission{{Action: "kms:Decrypt", Resource: "K"}, {Action: "kms:GenerateDataKey*", Resource: "K"}}, sqs.KeyGrantsOn("K"))
	assert.Equal(t, []lambdafacts.Permission{{Action: "kms:GenerateDataKey", Resource: "K"}, {Action: "kms:Decrypt", Resource: "K"}}, sqs.KeyNeeds("K"))
}

func TestPartition(t *testing.T) {
	a, err := lambdafacts.ParseARN("arn:aws-cn:sqs:cn-north-1:123456789012:jobs")
	require.NoError(t, err)
	assert.Equal(t, `"arn:aws-cn:sqs:cn-north-1:123456789012:jobs" is in partition "aws-cn" but the function is in "aws"; Lambda cannot deliver across partitions; allowed: a target in partition "aws"`, errText(lambdafacts.CheckPartition(a, "aws")))
	assert.NoError(t, lambdafacts.CheckPartition(a, "aws-cn"))
	assert.NoError(t, lambdafacts.CheckPartition(a, ""), "an unknown partition decides nothing")
}

func TestPermissionsAndLimits(t *testing.T) {
	perms, err := lambdafacts.RequiredPermissions("arn:aws:s3:::b")
	require.NoError(t, err)
	assert.Equal(t, []lambdafacts.Permission{{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*"}, {Action: "s3:ListBucket", Resource: "arn:aws:s3:::b"}}, perms)
	l, _ := lambdafacts.KindOf(lambdafacts.KindLambda)
	assert.Equal(t, []lambdafacts.Permission{
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:1:function:f"},
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:1:function:f:*"},
	}, l.Grants("arn:aws:lambda:us-east-1:1:function:f:live"))
	assert.Equal(t, "3 is out of range; allowed: 0, 1 or 2", errText(lambdafacts.CheckRetries(3)))
	// The message has marks (package internal/doors): its text is the
	// rules' words (whole seconds), the Go components render Go durations.
	assert.Equal(t, "90.5 is not a whole number of seconds; allowed: 60 to 21600 whole seconds", errText(lambdafacts.CheckEventAge(90500*time.Millisecond)))
	assert.Equal(t, "1m30.5s is not a whole number of seconds; allowed: 60s to 6h (60 to 21600 whole seconds)",
		doors.Go.Render(doors.TemplateOf(lambdafacts.CheckEventAge(90500*time.Millisecond))))
	assert.NoError(t, lambdafacts.CheckRecordAge(lambdafacts.RecordAgeForever))
	assert.Equal(t, "events, lambda, s3, sns, sqs", lambdafacts.AllowedServices())
	assert.Equal(t, lambdafacts.KindS3, lambdafacts.KindOfResourceType("aws:s3/bucket:Bucket").Kind)
}

func TestRoleNameFromARN(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::123456789012:role/orders":                    "orders",
		"arn:aws:iam::123456789012:role/service-roles/orders-role": "orders-role",
		"arn:aws-us-gov:iam::123456789012:role/a/b/c+=,.@_-":       "c+=,.@_-",
	} {
		got, err := lambdafacts.RoleNameFromARN(arn)
		require.NoError(t, err, arn)
		assert.Equal(t, want, got, arn)
	}
	for arn, msg := range map[string]string{
		"arn:aws:iam::123456789012:user/orders": `"arn:aws:iam::123456789012:user/orders" is not an IAM role ARN; expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`,
		"arn:aws:sqs:us-east-1:123456789012:q":  `"arn:aws:sqs:us-east-1:123456789012:q" is not an IAM role ARN; expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`,
		"arn:aws:iam:us-east-1:123456789012:role/orders": `"arn:aws:iam:us-east-1:123456789012:role/orders" is not an IAM role ARN: IAM ARNs have an account and no region; ` +
			`expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`,
		"arn:aws:iam::123456789012:role/": `"arn:aws:iam::123456789012:role/" does not end in a role name; allowed: 1 to 64 letters, digits or + = , . @ _ -; ` +
			`expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`,
		"arn:aws:iam::123456789012:role/*": `"arn:aws:iam::123456789012:role/*" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`,
		"orders":                           `"orders" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`,
	} {
		_, err := lambdafacts.RoleNameFromARN(arn)
		require.Error(t, err, arn)
		assert.Equal(t, msg, err.Error(), arn)
	}
	require.NoError(t, lambdafacts.SameRole("orders", "arn:aws:iam::123456789012:role/app/orders"))
	assert.EqualError(t, lambdafacts.SameRole("orders", "arn:aws:iam::123456789012:role/billing"),
		`name "orders" and ARN "arn:aws:iam::123456789012:role/billing" name different roles; allowed: the name and the ARN of one role (or only one of them)`)
}

func TestCheckRolePlace(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/orders"
	here := lambdafacts.Place{Partition: "aws", Region: "eu-west-1", Account: "123456789012"}
	assert.NoError(t, lambdafacts.CheckRolePlace(role, here))
	assert.NoError(t, lambdafacts.CheckRolePlace(role, lambdafacts.Place{Partition: "aws", Region: "us-east-1"}), "account not known: not compared")
	assert.NoError(t, lambdafacts.CheckRolePlace(role, lambdafacts.Place{}))
	assert.NoError(t, lambdafacts.CheckRolePlace("orders", here), "not an ARN: RoleNameFromARN's to refuse")
	assert.EqualError(t, lambdafacts.CheckRolePlace("arn:aws:iam::210987654321:role/orders", here),
		`"arn:aws:iam::210987654321:role/orders" is a role of account 210987654321, but the function is created in account 123456789012; allowed: a role of account 123456789012 (Lambda takes the execution role with iam:PassRole, and a role cannot be passed to another account)`)
	assert.EqualError(t, lambdafacts.CheckRolePlace(role, lambdafacts.Place{Partition: "aws-us-gov", Region: "us-gov-west-1", Account: "123456789012"}),
		`"arn:aws:iam::123456789012:role/orders" is a role of partition aws, but the function is created in partition aws-us-gov (region us-gov-west-1); allowed: a role of partition aws-us-gov`)
}
