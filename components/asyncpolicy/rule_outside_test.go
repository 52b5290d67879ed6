package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	otherAcct    = "210987654321"
	ordersRole   = roleARN + "orders-role"
	outsideHead  = `the on-failure destination of function "orders" is `
	outsideWhose = `, and whether execution role aws:iam/role:Role "orders-role" may deliver to it depends on policies outside the stack, which the rules cannot read: `
)

// outside runs program and returns its ASYNC010 findings, checking that
// they are advisory.
func outside(t *testing.T, program func(s stack), opts ...asyncroutetest.Option) []asyncpolicy.Finding {
	t.Helper()
	fs := of(findings(t, program, opts...), asyncpolicy.RuleOutsideStack)
	for _, f := range fs {
		assert.Equal(t, asyncpolicy.Advisory, f.Level, f.Message)
	}
	return fs
}

// A permissions boundary outside the stack (a customer policy by ARN) is
// reported once per function and target, here a queue that is both the
// on-failure destination and the dead-letter queue, with what the
// boundary must allow. A boundary of the stack, an AWS managed one of
// iampolicy's table or none says nothing.
func TestOutsideBoundary(t *testing.T) {
	program := func(boundary func(s stack) pulumi.StringInput) func(s stack) {
		return func(s stack) {
			r := must(iam.NewRole(s.ctx, "orders-role", &iam.RoleArgs{
				Name: pulumi.String("orders-role"), AssumeRolePolicy: pulumi.String(trustPolicy),
				ManagedPolicyArns:   pulumi.StringArray{pulumi.String(basicExec)},
				PermissionsBoundary: boundary(s),
			}))
			q := s.queue("failures", nil)
			f := s.fn("orders", r, q.Arn)
			s.config("orders-config", f, nil, q.Arn)
			granted(s, r, q)
		}
	}
	const orgBoundary = "arn:aws:iam::" + acct + ":policy/org-boundary"
	fs := outside(t, program(func(stack) pulumi.StringInput { return pulumi.String(orgBoundary) }))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: `+outsideHead+`SQS queue "failures" (`+arnPrefix+`failures)`+outsideWhose+
		`the role's permissions boundary `+orgBoundary+` is not in the stack: it must allow sqs:SendMessage on `+arnPrefix+`failures. `+
		`Fix: make sure that the permissions boundary `+orgBoundary+` allows it, or bring it into the stack so that ASYNC001 checks it.`, fs[0].Message)

	// At preview the queue's ARN is not known: nothing is said.
	assert.Empty(t, outside(t, program(func(stack) pulumi.StringInput { return pulumi.String(orgBoundary) }), asyncroutetest.Preview()))

	for name, boundary := range map[string]func(s stack) pulumi.StringInput{
		"in the stack": func(s stack) pulumi.StringInput {
			return boundaryPolicy(s, "org-boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*","sqs:SendMessage"],"Resource":"*"}]}`)
		},
		"AWS managed, in the table": func(stack) pulumi.StringInput { return pulumi.String("arn:aws:iam::aws:policy/PowerUserAccess") },
		"none":                      func(stack) pulumi.StringInput { return nil },
	} {
		fs := findings(t, program(boundary))
		assert.Empty(t, fs, "%s: %s", name, dump(fs))
	}
}

// A destination outside the stack, given by ARN, in another account than
// the role's: its resource-based policy must allow the role too. The
// finding names the policy of the kind of target (a topic's, a function's
// Lambda permissions), the actions on the target and the role's ARN and
// account. In the role's own account, or for a bucket (whose ARN has no
// account), nothing is said.
func TestOutsideTargetInAnotherAccount(t *testing.T) {
	program := func(target string, action string) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, pulumi.String(target))
			s.grant("grants", r, doc(stmt("Allow", action, pulumi.String(target))))
		}
	}
	topic := "arn:aws:sns:us-east-1:" + otherAcct + ":central-failures"
	fs := outside(t, program(topic, "sns:Publish"))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: `+outsideHead+`SNS topic `+topic+outsideWhose+
		`the SNS topic is in account `+otherAcct+` (outside the stack) and the role in account `+acct+`, and across accounts its topic policy must allow the role too: `+
		`it must allow sns:Publish on `+topic+` to `+ordersRole+` (or its account `+acct+`). `+
		`Fix: make sure that the topic policy of SNS topic `+topic+` allows it, or bring it into the stack so that ASYNC001 checks it.`, fs[0].Message)
	assert.Empty(t, of(findings(t, program(topic, "sns:Publish")), asyncpolicy.RuleDestinationPermission), "the grant is there: ASYNC001 says nothing")

	fn := "arn:aws:lambda:us-east-1:" + otherAcct + ":function:ledger"
	fs = outside(t, program(fn, "lambda:InvokeFunction"))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: `+outsideHead+`Lambda function `+fn+outsideWhose+
		`the Lambda function is in account `+otherAcct+` (outside the stack) and the role in account `+acct+`, and across accounts its resource-based policy (its Lambda permissions) must allow the role too: `+
		`it must allow lambda:InvokeFunction on `+fn+` to `+ordersRole+` (or its account `+acct+`). `+
		`Fix: make sure that the resource-based policy (its Lambda permissions) of Lambda function `+fn+` allows it.`, fs[0].Message)

	for name, c := range map[string][2]string{
		"same account":      {"arn:aws:sns:us-east-1:" + acct + ":central-failures", "sns:Publish"},
		"another region":    {"arn:aws:sqs:eu-west-1:" + acct + ":central-failures", "sqs:SendMessage"},
		"bucket by ARN":     {"arn:aws:s3:::central-archive", "s3:PutObject"},
		"FIFO (ASYNC002's)": {"arn:aws:sqs:us-east-1:" + otherAcct + ":jobs.fifo", "sqs:SendMessage"},
	} {
		fs := outside(t, program(c[0], c[1]))
		assert.Empty(t, fs, "%s: %s", name, dump(fs))
	}
}

// A role whose boundary is outside the stack, sending to a target outside
// it in another account: one finding names both policies (and the fix
// would bring into the stack only what ASYNC001 can read there: not a
// function's permissions).
func TestOutsideBoundaryAndTarget(t *testing.T) {
	const orgBoundary = "arn:aws:iam::" + acct + ":policy/org-boundary"
	program := func(target, action string) func(s stack) {
		return func(s stack) {
			r := must(iam.NewRole(s.ctx, "orders-role", &iam.RoleArgs{
				Name: pulumi.String("orders-role"), AssumeRolePolicy: pulumi.String(trustPolicy),
				ManagedPolicyArns:   pulumi.StringArray{pulumi.String(basicExec)},
				PermissionsBoundary: pulumi.String(orgBoundary),
			}))
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, pulumi.String(target))
			s.grant("grants", r, doc(stmt("Allow", action, pulumi.String(target))))
		}
	}
	fn := "arn:aws:lambda:us-east-1:" + otherAcct + ":function:ledger"
	fs := outside(t, program(fn, "lambda:InvokeFunction"))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: `+outsideHead+`Lambda function `+fn+outsideWhose+
		`the role's permissions boundary `+orgBoundary+` is not in the stack: it must allow lambda:InvokeFunction on `+fn+`; `+
		`the Lambda function is in account `+otherAcct+` (outside the stack) and the role in account `+acct+`, and across accounts its resource-based policy (its Lambda permissions) must allow the role too: `+
		`it must allow lambda:InvokeFunction on `+fn+` to `+ordersRole+` (or its account `+acct+`). `+
		`Fix: make sure that the permissions boundary `+orgBoundary+` and the resource-based policy (its Lambda permissions) of Lambda function `+fn+` allow it, `+
		`or bring the permissions boundary `+orgBoundary+` into the stack so that ASYNC001 checks it.`, fs[0].Message)

	queue := "arn:aws:sqs:us-east-1:" + otherAcct + ":central-failures"
	fs = outside(t, program(queue, "sqs:SendMessage"))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: `+outsideHead+`SQS queue `+queue+outsideWhose+
		`the role's permissions boundary `+orgBoundary+` is not in the stack: it must allow sqs:SendMessage on `+queue+`; `+
		`the SQS queue is in account `+otherAcct+` (outside the stack) and the role in account `+acct+`, and across accounts its queue policy must allow the role too: `+
		`it must allow sqs:SendMessage on `+queue+` to `+ordersRole+` (or its account `+acct+`). `+
		`Fix: make sure that the permissions boundary `+orgBoundary+` and the queue policy of SQS queue `+queue+` allow it, `+
		`or bring them into the stack so that ASYNC001 checks them.`, fs[0].Message)
}

// A queue of the stack encrypted with a customer-managed key outside it,
// when the role has a KMS statement: the key's policy must allow the role,
// or (in the role's account) delegate to IAM; a key in another account
// must allow the role or its account. The boundary outside the stack must
// allow the key's actions too. A role with no KMS statement at all is
// ASYNC001's (TestPermissionOutsideCustomerKey), and a key of the stack,
// or the AWS managed one, is not reported.
func TestOutsideKeyPolicy(t *testing.T) {
	// key returns the queue's kmsMasterKeyId and the key the role's
	// statements name.
	program := func(key func(s stack) (pulumi.StringInput, pulumi.StringInput), boundary string) func(s stack) {
		return func(s stack) {
			args := &iam.RoleArgs{Name: pulumi.String("orders-role"), AssumeRolePolicy: pulumi.String(trustPolicy), ManagedPolicyArns: pulumi.StringArray{pulumi.String(basicExec)}}
			if boundary != "" {
				args.PermissionsBoundary = pulumi.String(boundary)
			}
			r := must(iam.NewRole(s.ctx, "orders-role", args))
			ref, k := key(s)
			q := s.queue("failures", &sqs.QueueArgs{KmsMasterKeyId: ref})
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, q.Arn)
			s.grant("grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn), stmt("Allow", "kms:GenerateDataKey*", k), stmt("Allow", "kms:Decrypt", k)))
		}
	}
	at := func(key string) func(s stack) (pulumi.StringInput, pulumi.StringInput) {
		return func(stack) (pulumi.StringInput, pulumi.StringInput) { return pulumi.String(key), pulumi.String(key) }
	}
	sameKey := "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	head := cfgLabel + `, field destinationConfig.onFailure.destination: ` + outsideHead + `SQS queue "failures" (` + arnPrefix + `failures)` + outsideWhose
	fs := outside(t, program(at(sameKey), ""))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, head+`it is encrypted with the customer-managed KMS key "`+sameKey+`", which is not in the stack: `+
		`the key policy of `+sameKey+` must allow kms:GenerateDataKey, kms:Decrypt to `+ordersRole+`, `+
		`or delegate to IAM (allow arn:aws:iam::`+acct+`:root, as the default key policy does). `+
		`Fix: make sure that the key policy of `+sameKey+` allows it, or bring it into the stack so that ASYNC001 checks it.`, fs[0].Message)

	otherKey := "arn:aws:kms:us-east-1:" + otherAcct + ":key/0987dcba-09fe-87dc-65ba-ab0987654321"
	const orgBoundary = "arn:aws:iam::" + acct + ":policy/org-boundary"
	fs = outside(t, program(at(otherKey), orgBoundary))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, head+`the role's permissions boundary `+orgBoundary+` is not in the stack: it must allow sqs:SendMessage on `+arnPrefix+`failures `+
		`and kms:GenerateDataKey, kms:Decrypt on `+otherKey+`; `+
		`it is encrypted with the customer-managed KMS key "`+otherKey+`", which is not in the stack: `+
		`the key policy of `+otherKey+` must allow kms:GenerateDataKey, kms:Decrypt to `+ordersRole+` `+
		`(or its account `+acct+`; across accounts the key policy cannot delegate to the role's IAM policies). `+
		`Fix: make sure that the permissions boundary `+orgBoundary+` and the key policy of `+otherKey+` allow it, `+
		`or bring them into the stack so that ASYNC001 checks them.`, fs[0].Message)

	// An alias outside the stack is named as such.
	fs = outside(t, program(at("alias/records"), ""))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, head+`it is encrypted with the customer-managed KMS key "alias/records", which is not in the stack: `+
		`the key policy of the key behind alias/records must allow kms:GenerateDataKey, kms:Decrypt to `+ordersRole+`, `+
		`or delegate to IAM (allow arn:aws:iam::`+acct+`:root, as the default key policy does). `+
		`Fix: make sure that the key policy of the key behind alias/records allows it, or bring it into the stack so that ASYNC001 checks it.`, fs[0].Message)

	for name, key := range map[string]func(s stack) (pulumi.StringInput, pulumi.StringInput){
		"key of the stack": func(s stack) (pulumi.StringInput, pulumi.StringInput) {
			k := must(kms.NewKey(s.ctx, "records-key", &kms.KeyArgs{}))
			return k.Arn, k.Arn
		},
		"alias of the stack": func(s stack) (pulumi.StringInput, pulumi.StringInput) {
			k := must(kms.NewKey(s.ctx, "records-key", &kms.KeyArgs{}))
			must(kms.NewAlias(s.ctx, "records", &kms.AliasArgs{Name: pulumi.String("alias/records"), TargetKeyId: k.KeyId}))
			return pulumi.String("alias/records"), k.Arn
		},
		"AWS managed": at("alias/aws/sqs"),
	} {
		fs := findings(t, program(key, ""))
		assert.Empty(t, fs, "%s: %s", name, dump(fs))
	}
}

// A queue of the stack in another account (its provider's) with no
// resource-based policy in the stack: the policy it has lives outside the
// stack. With a policy in the stack, ASYNC001 decides
// (TestTopicPolicyAcrossAccounts) and ASYNC010 says nothing.
func TestOutsideStackTargetWithoutPolicy(t *testing.T) {
	program := func(policy string) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			p := must(aws.NewProvider(s.ctx, "owner", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String(otherAcct)}}))
			args := &sqs.QueueArgs{Name: pulumi.String("central-failures")}
			if policy != "" {
				args.Policy = pulumi.String(policy)
			}
			q := must(sqs.NewQueue(s.ctx, "central-failures", args, pulumi.Provider(p)))
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, q.Arn)
			granted(s, r, q)
		}
	}
	queue := "arn:aws:sqs:us-east-1:" + otherAcct + ":central-failures"
	fs := outside(t, program(""))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: `+outsideHead+`SQS queue "central-failures" (`+queue+`)`+outsideWhose+
		`the SQS queue is in account `+otherAcct+` (in the stack, which holds none of its resource-based policies) and the role in account `+acct+`, `+
		`and across accounts its queue policy must allow the role too: it must allow sqs:SendMessage on `+queue+` to `+ordersRole+` (or its account `+acct+`). `+
		`Fix: make sure that the queue policy of SQS queue "central-failures" allows it, or bring it into the stack so that ASYNC001 checks it.`, fs[0].Message)
	assert.Empty(t, of(findings(t, program("")), asyncpolicy.RuleDestinationPermission))

	allows := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + ordersRole + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`
	fs = findings(t, program(allows))
	assert.Empty(t, fs, dump(fs))
}
