package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// programFails runs build in a preview and in an update and requires the
// program itself (not the component call) to fail with want, with no
// invoke config of the component registered. It is for checks that need a
// value the provider answers (the partition), which the component reads
// after it is registered.
func programFails(t *testing.T, build func(ctx *pulumi.Context) error, want, component string) {
	t.Helper()
	for _, preview := range []bool{true, false} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st, err := asyncroutetest.Run(build, opts...)
		require.Error(t, err, "preview %v", preview)
		assert.Contains(t, err.Error(), want, "preview %v", preview)
		assert.Nil(t, st.Find(configType, component+"-async-config"), "preview %v: the config is not registered", preview)
	}
}

func kmsKeyGrant(arn string) []string { return []string{"kms:GenerateDataKey"} }

// An S3 bucket encrypted with a customer-managed key: the role gets
// kms:GenerateDataKey on the key, from Key, from the bucket's own
// encryption configuration, or from ARN.KmsKeyArn.
func TestS3BucketWithCustomerKey(t *testing.T) {
	bucket := arnOf("s3", "")[:len("arn:aws:s3:")] + "::archive"
	t.Run("Key", func(t *testing.T) {
		st := run(t, onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "archive"), Key: newKey(ctx, "key")}
		}))
		key := find(t, st, keyType, "key").Outputs["arn"].(string)
		assert.Equal(t, stmts(allow(kmsKeyGrant(key), key), allow(s3List, bucket), allow(s3Put, bucket+"/*")), statements(t, st, "orders"))
	})
	t.Run("BucketEncryptionKeyID", func(t *testing.T) {
		st := run(t, onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			b := must(s3.NewBucketV2(ctx, "archive", &s3.BucketV2Args{
				Bucket: pulumi.String("archive"),
				//lint:ignore SA1019 the deprecated inline form is what this test covers
				ServerSideEncryptionConfigurations: s3.BucketV2ServerSideEncryptionConfigurationArray{&s3.BucketV2ServerSideEncryptionConfigurationArgs{
					Rules: s3.BucketV2ServerSideEncryptionConfigurationRuleArray{&s3.BucketV2ServerSideEncryptionConfigurationRuleArgs{
						ApplyServerSideEncryptionByDefaults: s3.BucketV2ServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArray{
							&s3.BucketV2ServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: pulumi.String("1234abcd")},
						},
					}},
				}},
			}))
			return asyncroute.S3Bucket{Bucket: b}
		}))
		key := arnOf("kms", "key/1234abcd")
		assert.Equal(t, stmts(allow(kmsKeyGrant(key), key), allow(s3List, bucket), allow(s3Put, bucket+"/*")), statements(t, st, "orders"))
	})
	t.Run("LegacyBucketAWSManagedKey", func(t *testing.T) {
		st := run(t, onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			b := must(s3.NewBucket(ctx, "archive", &s3.BucketArgs{
				Bucket: pulumi.String("archive"),
				ServerSideEncryptionConfiguration: &s3.BucketServerSideEncryptionConfigurationArgs{
					Rule: &s3.BucketServerSideEncryptionConfigurationRuleArgs{
						ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("aws:kms")},
					},
				},
			}))
			return asyncroute.S3Bucket{LegacyBucket: b}
		}))
		assert.Equal(t, stmts(allow(s3List, bucket), allow(s3Put, bucket+"/*")), statements(t, st, "orders"), "aws/s3 needs no grant")
	})
	t.Run("ARNWithKmsKeyArn", func(t *testing.T) {
		key := arnOf("kms", "key/k")
		st := run(t, onFailure(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.ARN{Arn: pulumi.String("arn:aws:s3:::archive"), KmsKeyArn: pulumi.String(key)}
		}))
		assert.Equal(t, stmts(allow(kmsKeyGrant(key), key), allow(s3List, bucket), allow(s3Put, bucket+"/*")), statements(t, st, "orders"))
	})
	t.Run("CustomAlias", func(t *testing.T) {
		rejects(t, onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			b := must(s3.NewBucket(ctx, "archive", &s3.BucketArgs{
				Bucket: pulumi.String("archive"),
				ServerSideEncryptionConfiguration: &s3.BucketServerSideEncryptionConfigurationArgs{
					Rule: &s3.BucketServerSideEncryptionConfigurationRuleArgs{
						ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs{
							SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: pulumi.String("alias/archive"),
						},
					},
				},
			}))
			return asyncroute.S3Bucket{LegacyBucket: b}
		}), fPrefix+`OnFailure: S3 bucket "archive" is encrypted with the custom KMS alias "alias/archive", which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed alias/aws/s3 needs no key)`, "orders", 1)
	})
}

// The qualifier of an AsyncInvoke comes from a qualified function name or
// ARN when Qualifier is not set; both must agree; versions start at 1; and
// duplicates are found on the qualifier the config really has.
func TestQualifierFromFunctionReference(t *testing.T) {
	legacy := fnARN("legacy")
	role := &asyncroute.ExistingRole{Name: pulumi.String("legacy-role")}
	for _, ref := range []string{legacy + ":live", "legacy:live", "123456789012:function:legacy:live"} {
		st := run(t, func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(ref), Role: role, MaxRetries: pulumi.IntRef(0)})
			return err
		})
		cfg := config(t, st, "routing")
		assert.Equal(t, "legacy", cfg.Inputs["functionName"], "the config names the function by name, without its qualifier")
		assert.Equal(t, "live", cfg.Inputs["qualifier"])
		assert.Equal(t, "live", find(t, st, asyncInvokeType, "routing").Inputs["qualifier"])
	}

	ai := func(fn, q string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			args := &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(fn), Role: role, MaxRetries: pulumi.IntRef(0)}
			if q != "" {
				args.Qualifier = pulumi.String(q)
			}
			_, err := asyncroute.NewAsyncInvoke(ctx, "routing", args)
			return err
		}
	}
	mismatch := func(carried, given string) string {
		return aPrefix + `Qualifier: the function reference carries qualifier "` + carried + `" but the qualifier is "` + given + `"; allowed: the same qualifier in both, or one of them`
	}
	runBadCases(t, []badCase{
		{name: "ARNLiveQualifierProd", build: ai(legacy+":live", "prod"), want: mismatch("live", "prod")},
		{name: "ARNLiveQualifierLatest", build: ai(legacy+":live", "$LATEST"), want: mismatch("live", "$LATEST")},
		{name: "NameLiveQualifierProd", build: ai("legacy:live", "prod"), want: mismatch("live", "prod")},
		{name: "VersionZero", build: ai("legacy", "0"), want: aPrefix + `Qualifier: "0" is not a version: versions start at 1; allowed: $LATEST, a version number from 1 or an alias name`},
		{name: "VersionZeroInARN", build: ai(legacy+":0", ""), want: aPrefix + `FunctionName: "0" is not a version: versions start at 1; allowed: $LATEST, a version number from 1 or an alias name`},
	})

	// A second config for legacy on the alias live is a duplicate, however
	// the qualifier is spelled.
	st, err := runCapture(t, func(ctx *pulumi.Context) error {
		must(asyncroute.NewAsyncInvoke(ctx, "first", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(legacy + ":live"), SkipGrants: true, MaxRetries: pulumi.IntRef(1)}))
		_, err := asyncroute.NewAsyncInvoke(ctx, "second", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("legacy"), Qualifier: pulumi.String("live"), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
		return err
	}, asyncroutetest.Preview())
	require.Error(t, err)
	assert.Equal(t, `asyncroute: AsyncInvoke "second": Qualifier: function "legacy" already has an async invoke config for qualifier "live" from AsyncInvoke "first"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`, err.Error())
	assert.Len(t, st.OfType(configType), 1)
}

// An empty component name is reported like every other fault.
func TestEmptyComponentName(t *testing.T) {
	for _, tc := range []struct {
		build func(ctx *pulumi.Context) error
		want  string
	}{
		{func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewFunction(ctx, "", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), MaxRetries: pulumi.IntRef(1)})
			return err
		}, `asyncroute: Function "": name: is empty; allowed: a non-empty name (it prefixes the name of every child)`},
		{func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewAsyncInvoke(ctx, "", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("f"), SkipGrants: true, MaxRetries: pulumi.IntRef(1)})
			return err
		}, `asyncroute: AsyncInvoke "": name: is empty; allowed: a non-empty name (it prefixes the name of every child)`},
		{func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewEventSourceMapping(ctx, "", &asyncroute.EventSourceMappingArgs{FunctionName: pulumi.String("f"), SkipGrants: true,
				EventSourceArn: pulumi.String(arnOf("kinesis", "stream/s"))})
			return err
		}, `asyncroute: EventSourceMapping "": name: is empty; allowed: a non-empty name (it prefixes the name of every child)`},
		{func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewFunction(ctx, "", nil)
			return err
		}, "asyncroute: Function \"\": name: is empty; allowed: a non-empty name (it prefixes the name of every child)\nasyncroute: Function \"\": args: is nil; allowed: &asyncroute.FunctionArgs{...}"},
	} {
		st, err := runCapture(t, tc.build, asyncroutetest.Preview())
		require.Error(t, err)
		assert.Equal(t, tc.want, err.Error())
		assert.Empty(t, st.Resources)
	}
}

// Every ARN the components accept names one resource: no wildcard, and a
// region and account where the service has them.
func TestARNsNameOneResource(t *testing.T) {
	runBadCases(t, []badCase{
		{name: "WildcardQueue", build: onFailure(arnDest(arnOf("sqs", "*"), "")),
			want: fPrefix + `OnFailure: "arn:aws:sqs:us-east-1:123456789012:*" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{name: "WildcardRegion", build: onSuccess(arnDest("arn:aws:lambda:*:123456789012:function:next", "")),
			want: fPrefix + `OnSuccess: "arn:aws:lambda:*:123456789012:function:next" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{name: "QuestionMark", build: onFailure(arnDest(arnOf("sns", "alert?"), asyncroute.KindSNS)),
			want: fPrefix + `OnFailure: "arn:aws:sns:us-east-1:123456789012:alert?" has the wildcard "?", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{name: "NoRegion", build: onFailure(arnDest("arn:aws:sqs::123456789012:jobs", "")),
			want: fPrefix + `OnFailure: "arn:aws:sqs::123456789012:jobs" has no region; allowed: the ARN of one resource, with its region and account: arn:aws:sqs:<region>:<account>:jobs`},
		{name: "NoAccount", build: onSuccess(arnDest("arn:aws:events:us-east-1::event-bus/default", "")),
			want: fPrefix + `OnSuccess: "arn:aws:events:us-east-1::event-bus/default" has no account; allowed: the ARN of one resource, with its region and account: arn:aws:events:<region>:<account>:event-bus/default`},
		{name: "SubscriptionNotTopic", build: onFailure(arnDest(arnOf("sns", "alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286"), "")),
			want: fPrefix + `OnFailure: "arn:aws:sns:us-east-1:123456789012:alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286" is not an SNS topic ARN (a subscription's?); expected arn:<partition>:sns:<region>:<account>:<topic-name>`},
	})
}

// A target in another partition than the function's is refused before the
// config is written (the partition comes from the provider).
func TestCrossPartitionTarget(t *testing.T) {
	programFails(t, onFailure(arnDest("arn:aws-cn:sqs:cn-north-1:123456789012:jobs", "")),
		fPrefix+`OnFailure: "arn:aws-cn:sqs:cn-north-1:123456789012:jobs" is in partition "aws-cn" but the function is in "aws"; Lambda cannot deliver across partitions; allowed: a target in partition "aws"`, "orders")
	st := run(t, onFailure(arnDest("arn:aws:sqs:eu-west-1:210987654321:jobs", "")))
	assert.Equal(t, destinations("", "arn:aws:sqs:eu-west-1:210987654321:jobs"), config(t, st, "orders").Inputs["destinationConfig"], "another region and account of the same partition is fine")
}

// QualifiedArn is the ARN invokers must use: the qualifier with the config.
func TestQualifiedArnOutput(t *testing.T) {
	var latestArn, aliasArn pulumi.StringOutput
	run(t, func(ctx *pulumi.Context) error {
		a := must(asyncroute.NewFunction(ctx, "a", &asyncroute.FunctionArgs{Function: lambdaArgs("a"), MaxRetries: pulumi.IntRef(1)}))
		b := must(asyncroute.NewFunction(ctx, "b", &asyncroute.FunctionArgs{Function: lambdaArgs("b"), MaxRetries: pulumi.IntRef(1), Alias: "live"}))
		latestArn, aliasArn = a.QualifiedArn, b.QualifiedArn
		for o, want := range map[*pulumi.StringOutput]string{&latestArn: fnARN("a") + ":$LATEST", &aliasArn: fnARN("b") + ":live"} {
			v, known, err := awaitValue(ctx, *o)
			require.NoError(t, err)
			require.True(t, known)
			assert.Equal(t, want, v)
		}
		return nil
	})
}

// A program that returns a component's faults fails with one bulleted line
// per fault (the Pulumi SDK flattens the component's error into its own
// list), and the component's error itself reads one fault per line.
func TestProgramErrorListsEveryFault(t *testing.T) {
	build := fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) {
		a.MaxRetries = pulumi.IntRef(3)
		a.MaxEventAge = asyncroute.EventAge(59 * 1e9)
	})
	_, err := asyncroutetest.Run(build, asyncroutetest.Preview())
	require.Error(t, err)
	assert.Equal(t, "2 errors occurred:\n"+
		"\t* "+fPrefix+"MaxRetries: 3 is out of range; allowed: 0, 1 or 2\n"+
		"\t* "+fPrefix+"MaxEventAge: 59s is out of range; allowed: 60s to 6h (60 to 21600 whole seconds)\n\n", err.Error())
	assert.Len(t, asyncroute.InputErrors(err), 2)

	_, err = runCapture(t, build, asyncroutetest.Preview())
	assert.Equal(t, fPrefix+"MaxRetries: 3 is out of range; allowed: 0, 1 or 2\n"+
		fPrefix+"MaxEventAge: 59s is out of range; allowed: 60s to 6h (60 to 21600 whole seconds)", err.Error())
}

// A Lambda ARN with the configured function's name in another partition
// is another function (a function is its full ARN), which Lambda cannot
// deliver to: refused as a target of another partition, in a preview and
// in an update without one, not as the function itself.
func TestSelfARNInOtherPartition(t *testing.T) {
	rejects(t, ai(func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs {
		r, f := existing(ctx)
		return &asyncroute.AsyncInvokeArgs{Function: f, Role: &asyncroute.ExistingRole{Role: r},
			OnFailure: asyncroute.ARN{Arn: pulumi.String("arn:aws-cn:lambda:cn-north-1:123456789012:function:existing")}}
	}), aPrefix+`OnFailure: "arn:aws-cn:lambda:cn-north-1:123456789012:function:existing" is in partition "aws-cn" but the function is in "aws"; `+
		`Lambda cannot deliver across partitions; allowed: a target in partition "aws"`, "routing", 2)
}
