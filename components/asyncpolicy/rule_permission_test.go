package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cfgLabel = `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config"`

// onFailureQueue: function "orders" sends failures to queue "failures";
// grant adds whatever the test needs to the role.
func onFailureQueue(grant func(s stack, r *iam.Role, q *sqs.Queue)) func(s stack) {
	return func(s stack) {
		r := s.role("orders-role")
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
		if grant != nil {
			grant(s, r, q)
		}
	}
}

func TestPermissionMissing(t *testing.T) {
	fs := findings(t, onFailureQueue(nil))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Finding{
		RuleID: "ASYNC001", Level: asyncpolicy.Mandatory,
		URN:   "urn:pulumi:test::asyncroute::aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-config",
		Type:  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
		Name:  "orders-config",
		Field: "destinationConfig.onFailure.destination",
		Message: cfgLabel + `, field destinationConfig.onFailure.destination: the on-failure destination is SQS queue "failures" (` + arnPrefix + `failures), ` +
			`but execution role aws:iam/role:Role "orders-role" of function "orders" does not allow sqs:SendMessage on ` + arnPrefix + `failures, ` +
			`so Lambda rejects the configuration. Fix: allow sqs:SendMessage on ` + arnPrefix + `failures in a policy of aws:iam/role:Role "orders-role" ` +
			`(for example an aws:iam/rolePolicy:RolePolicy) and make ` + cfgLabel + ` depend on it.`,
	}, fs[0])
}

func TestPermissionGrantedByRolePolicy(t *testing.T) {
	fs := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) {
		s.grant("orders-grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn)))
	}))
	assert.Empty(t, fs, dump(fs))
}

func TestPermissionGrantedInlineWithWildcards(t *testing.T) {
	fs := findings(t, func(s stack) {
		q := s.queue("failures", nil)
		r := must(iam.NewRole(s.ctx, "orders-role", &iam.RoleArgs{
			Name:             pulumi.String("orders-role"),
			AssumeRolePolicy: pulumi.String(trustPolicy),
			InlinePolicies: iam.RoleInlinePolicyArray{&iam.RoleInlinePolicyArgs{
				Name:   pulumi.String("send"),
				Policy: doc(stmt("Allow", "SQS:Send*", pulumi.String("arn:aws:sqs:*:"+acct+":fail?res"))),
			}},
		}))
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
	})
	// The wildcards grant the permission (no ASYNC001), and are broad.
	assert.Empty(t, of(fs, asyncpolicy.RuleDestinationPermission), dump(fs))
	assert.Equal(t, []string{asyncpolicy.RuleBroadGrant}, func() []string {
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.RuleID)
		}
		return ids
	}(), dump(fs))
}

func TestPermissionGrantedByAttachedCustomerPolicy(t *testing.T) {
	fs := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) {
		p := must(iam.NewPolicy(s.ctx, "send-failures", &iam.PolicyArgs{Name: pulumi.String("send-failures"), Policy: doc(stmt("Allow", "sqs:SendMessage", q.Arn))}))
		must(iam.NewRolePolicyAttachment(s.ctx, "attach", &iam.RolePolicyAttachmentArgs{Role: r.Name, PolicyArn: p.Arn}))
	}))
	assert.Empty(t, fs, dump(fs))
}

func TestPermissionAttachedPolicyOfOtherActionDoesNotGrant(t *testing.T) {
	fs := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) {
		p := must(iam.NewPolicy(s.ctx, "read-failures", &iam.PolicyArgs{Name: pulumi.String("read-failures"), Policy: doc(stmt("Allow", "sqs:ReceiveMessage", q.Arn))}))
		must(iam.NewRolePolicyAttachment(s.ctx, "attach", &iam.RolePolicyAttachmentArgs{Role: r.Name, PolicyArn: p.Arn}))
	}))
	assert.Len(t, of(fs, "ASYNC001"), 1, dump(fs))
}

func TestPermissionGrantedByManagedPolicy(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role", "arn:aws:iam::aws:policy/AmazonSQSFullAccess")
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
	})
	assert.Empty(t, of(fs, "ASYNC001"), dump(fs))
	assert.Len(t, of(fs, "ASYNC005"), 1, "the managed policy is over-broad:\n%s", dump(fs))
}

func TestPermissionUnknownManagedPolicyIsNotJudged(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role", "arn:aws:iam::aws:policy/SomeTeamPolicy", "arn:aws:iam::"+acct+":policy/outside-the-stack")
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
	})
	assert.Empty(t, fs, dump(fs))
}

func TestPermissionExplicitDeny(t *testing.T) {
	fs := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) {
		s.grant("orders-grants", r, doc(stmt("Allow", "sqs:*", pulumi.String("*"))))
		s.grant("guardrail", r, doc(stmt("Deny", "sqs:SendMessage", q.Arn)))
	}))
	got := of(fs, "ASYNC001")
	require.Len(t, got, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: the on-failure destination is SQS queue "failures" (`+arnPrefix+`failures), `+
		`but execution role aws:iam/role:Role "orders-role" of function "orders" denies sqs:SendMessage on `+arnPrefix+`failures `+
		`(explicit Deny in aws:iam/rolePolicy:RolePolicy "guardrail"), so Lambda rejects the configuration. `+
		`Fix: remove the Deny of sqs:SendMessage on `+arnPrefix+`failures from aws:iam/rolePolicy:RolePolicy "guardrail".`, got[0].Message)
}

func TestPermissionCustomerKey(t *testing.T) {
	program := func(grantKMS bool) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			key := must(kms.NewKey(s.ctx, "records-key", &kms.KeyArgs{}))
			q := s.queue("failures", &sqs.QueueArgs{KmsMasterKeyId: key.KeyId})
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, q.Arn)
			stmts := []pulumi.StringOutput{stmt("Allow", "sqs:SendMessage", q.Arn)}
			if grantKMS {
				stmts = append(stmts, stmt("Allow", "kms:GenerateDataKey*", key.Arn), stmt("Allow", "kms:Decrypt", key.Arn))
			}
			s.grant("orders-grants", r, doc(stmts...))
		}
	}
	fs := findings(t, program(false))
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `does not allow kms:GenerateDataKey, kms:Decrypt on arn:aws:kms:us-east-1:`+acct+`:key/`)
	assert.Empty(t, findings(t, program(true)))
}

// A destination encrypted with a customer key the stack does not hold:
// flagged when the role has no KMS statement at all; a role with one (on
// any key) is given the benefit of the doubt, since the key's policy is not
// in the stack: ASYNC010 (advisory) then says what that policy must allow,
// and only then (rule_outside_test.go).
func TestPermissionOutsideCustomerKey(t *testing.T) {
	const outside = "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	program := func(key string, kmsStmt bool) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			q := s.queue("failures", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(key)})
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, q.Arn)
			stmts := []pulumi.StringOutput{stmt("Allow", "sqs:SendMessage", q.Arn)}
			if kmsStmt {
				stmts = append(stmts, stmt("Allow", "kms:GenerateDataKey*", pulumi.String(outside)), stmt("Allow", "kms:Decrypt", pulumi.String(outside)))
			}
			s.grant("orders-grants", r, doc(stmts...))
		}
	}
	fs := findings(t, program(outside, false))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleDestinationPermission, fs[0].RuleID)
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: the on-failure destination is SQS queue "failures" (`+arnPrefix+`failures), `+
		`encrypted with the customer-managed key "`+outside+`", which is not in the stack, and execution role aws:iam/role:Role "orders-role" of function "orders" `+
		`has no KMS statement at all, so no delivery can use the key. Fix: allow kms:Decrypt, kms:GenerateDataKey* on `+outside+` in a policy of `+
		`aws:iam/role:Role "orders-role" (and keep the key's policy delegating to IAM, or naming the role).`, fs[0].Message)

	// A key id is the key of the queue's account and region; an alias
	// outside the stack cannot be resolved and is named as such.
	fs = findings(t, program("1234abcd-12ab-34cd-56ef-1234567890ab", false))
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `Fix: allow kms:Decrypt, kms:GenerateDataKey* on `+outside+` in a policy`)
	fs = findings(t, program("alias/records", false))
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `Fix: allow kms:Decrypt, kms:GenerateDataKey* on the key behind alias/records in a policy`)

	fs = findings(t, program(outside, true))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleOutsideStack, fs[0].RuleID)
	assert.Empty(t, findings(t, program("alias/aws/sqs", false)))
}

// A mapping of a queue encrypted with a customer key of the stack needs
// kms:Decrypt on the key in the function's role.
func TestPermissionSourceQueueKey(t *testing.T) {
	program := func(decrypt bool) func(s stack) {
		return func(s stack) {
			r := s.role("worker-role")
			key := must(kms.NewKey(s.ctx, "jobs-key", &kms.KeyArgs{}))
			q := s.queue("jobs", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
			f := s.fn("worker", r, nil)
			stmts := []pulumi.StringOutput{stmt("Allow", "sqs:ReceiveMessage", q.Arn)}
			if decrypt {
				stmts = append(stmts, stmt("Allow", "kms:Decrypt", key.Arn))
			}
			s.grant("worker-grants", r, doc(stmts...))
			must(lambda.NewEventSourceMapping(s.ctx, "jobs", &lambda.EventSourceMappingArgs{FunctionName: f.Name, EventSourceArn: q.Arn}))
		}
	}
	fs := findings(t, program(false))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleDestinationPermission, fs[0].RuleID)
	assert.Equal(t, "eventSourceArn", fs[0].Field)
	assert.Regexp(t, `^aws:lambda/eventSourceMapping:EventSourceMapping "jobs", field eventSourceArn: the event source aws:sqs/queue:Queue "jobs" is encrypted `+
		`with the customer-managed key arn:aws:kms:us-east-1:`+acct+`:key/[0-9a-f-]+, but execution role aws:iam/role:Role "worker-role" does not allow kms:Decrypt on it, `+
		`so the mapping cannot read a record\. Fix: allow kms:Decrypt on arn:aws:kms:us-east-1:`+acct+`:key/[0-9a-f-]+ in a policy of aws:iam/role:Role "worker-role" `+
		`and make aws:lambda/eventSourceMapping:EventSourceMapping "jobs" depend on it\.$`, fs[0].Message)
	assert.Empty(t, findings(t, program(true)))
}

func TestPermissionAWSManagedKeyNeedsNoGrant(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role")
		q := s.queue("failures", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String("alias/aws/sqs")})
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
		s.grant("orders-grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn)))
	})
	assert.Empty(t, fs, dump(fs))
}

func TestPermissionDeadLetterTopic(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role")
		tp := s.topic("dead", nil)
		s.fn("orders", r, tp.Arn)
	})
	got := of(fs, "ASYNC001")
	require.Len(t, got, 1, dump(fs))
	assert.Equal(t, "deadLetterConfig.targetArn", got[0].Field)
	assert.Equal(t, `aws:lambda/function:Function "orders", field deadLetterConfig.targetArn: the dead-letter target is SNS topic "dead" (`+snsPrefix+`dead), `+
		`but execution role aws:iam/role:Role "orders-role" of function "orders" does not allow sns:Publish on `+snsPrefix+`dead, so Lambda rejects the configuration. `+
		`Fix: allow sns:Publish on `+snsPrefix+`dead in a policy of aws:iam/role:Role "orders-role" (for example an aws:iam/rolePolicy:RolePolicy) `+
		`and make aws:lambda/function:Function "orders" depend on it.`, got[0].Message)
}

func TestPermissionS3NeedsBothActions(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role")
		b := must(s3.NewBucketV2(s.ctx, "archive", &s3.BucketV2Args{Bucket: pulumi.String("archive")}))
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, b.Arn)
		s.grant("orders-grants", r, doc(stmt("Allow", "s3:PutObject", pulumi.Sprintf("%s/*", b.Arn))))
	})
	got := of(fs, "ASYNC001")
	require.Len(t, got, 1, dump(fs))
	assert.Contains(t, got[0].Message, "does not allow s3:ListBucket on arn:aws:s3:::archive,")
}

func TestPermissionLambdaAndEventBridgeTargets(t *testing.T) {
	program := func(grant bool) func(s stack) {
		return func(s stack) {
			r := s.role("orders-role")
			next := s.fn("next", s.role("next-role"), nil)
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, next.Arn, pulumi.String("arn:aws:events:us-east-1:"+acct+":event-bus/default"))
			if grant {
				s.grant("orders-grants", r, doc(
					stmt("Allow", "lambda:InvokeFunction", next.Arn, pulumi.Sprintf("%s:*", next.Arn)),
					stmt("Allow", "events:PutEvents", pulumi.String("arn:aws:events:us-east-1:"+acct+":event-bus/default"))))
			}
		}
	}
	fs := of(findings(t, program(false)), "ASYNC001")
	require.Len(t, fs, 2, dump(fs))
	assert.Contains(t, fs[0].Message+fs[1].Message, "does not allow lambda:InvokeFunction on "+fnPrefix+"next,")
	assert.Contains(t, fs[0].Message+fs[1].Message, "does not allow events:PutEvents on arn:aws:events:us-east-1:"+acct+":event-bus/default,")
	assert.Empty(t, of(findings(t, program(true)), "ASYNC001"))
}

// At preview the queue's ARN and the grant are unknown: nothing is
// reported, the check runs once they are known.
func TestPermissionUnknownAtPreviewIsSkipped(t *testing.T) {
	fs := findings(t, onFailureQueue(nil), asyncroutetest.Preview())
	assert.Empty(t, of(fs, "ASYNC001"), dump(fs))
}

// A known target ARN with a grant whose document is unknown at preview is
// undecided, not a violation.
func TestPermissionUnknownPolicyDocumentIsUndecided(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role")
		q := s.queue("other", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, pulumi.String(arnPrefix+"external"))
		s.grant("orders-grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn, pulumi.String(arnPrefix+"external"))))
	}, asyncroutetest.Preview())
	assert.Empty(t, of(fs, "ASYNC001"), dump(fs))
}

// A role outside the stack cannot be read: nothing is reported.
func TestPermissionRoleOutsideStackIsSkipped(t *testing.T) {
	fs := findings(t, func(s stack) {
		q := s.queue("failures", nil)
		f := s.fnRole("orders", pulumi.String(roleARN+"shared-role"), nil)
		s.config("orders-config", f, nil, q.Arn)
	})
	assert.Empty(t, of(fs, "ASYNC001"), dump(fs))
}

// An S3 failure bucket encrypted with a customer-managed key of the stack
// (in its own arguments or in a separate encryption configuration): the
// role also needs kms:GenerateDataKey on the key.
func TestPermissionS3BucketCustomerKey(t *testing.T) {
	for _, separate := range []bool{false, true} {
		fs := of(findings(t, func(s stack) {
			key := must(kms.NewKey(s.ctx, "archive-key", &kms.KeyArgs{}))
			args := &s3.BucketV2Args{Bucket: pulumi.String("archive")}
			if !separate {
				//lint:ignore SA1019 the deprecated inline form is what this case covers
				args.ServerSideEncryptionConfigurations = s3.BucketV2ServerSideEncryptionConfigurationArray{&s3.BucketV2ServerSideEncryptionConfigurationArgs{
					Rules: s3.BucketV2ServerSideEncryptionConfigurationRuleArray{&s3.BucketV2ServerSideEncryptionConfigurationRuleArgs{
						ApplyServerSideEncryptionByDefaults: s3.BucketV2ServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArray{
							&s3.BucketV2ServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.Arn},
						},
					}},
				}}
			}
			b := must(s3.NewBucketV2(s.ctx, "archive", args))
			if separate {
				must(s3.NewBucketServerSideEncryptionConfigurationV2(s.ctx, "archive", &s3.BucketServerSideEncryptionConfigurationV2Args{
					Bucket: b.ID(),
					Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
						ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
							SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.KeyId,
						},
					}},
				}))
			}
			r := s.role("orders-role")
			f := s.fn("orders", r, nil)
			s.config("orders-config", f, nil, b.Arn)
			s.grant("grants", r, doc(stmt("Allow", "s3:PutObject", pulumi.Sprintf("%s/*", b.Arn)), stmt("Allow", "s3:ListBucket", b.Arn)))
		}), asyncpolicy.RuleDestinationPermission)
		require.Len(t, fs, 1, "separate %v: %s", separate, dump(fs))
		assert.Contains(t, fs[0].Message, `the on-failure destination is S3 bucket "archive" (arn:aws:s3:::archive), but execution role aws:iam/role:Role "orders-role" of function "orders" does not allow kms:GenerateDataKey on arn:aws:kms:us-east-1:`+acct+`:key/`, "separate %v", separate)
	}
}
