package asyncroute

import (
	"fmt"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// S3Bucket stores failure records as objects in an S3 bucket. Lambda accepts
// S3 on failure only. The role gets s3:PutObject on bucket/* and
// s3:ListBucket on the bucket. Set exactly one of Bucket and LegacyBucket.
//
// A bucket whose default encryption is SSE-KMS with a customer-managed key
// needs kms:GenerateDataKey on that key as well (S3 asks KMS for a data key
// for every object it encrypts): the component grants it on Key when set,
// and otherwise on the key the bucket's own server-side encryption
// configuration names (a key id or key ARN). A configuration made with a
// separate s3.BucketServerSideEncryptionConfigurationV2 is not seen on the
// bucket: set Key. The AWS-managed key aws/s3 and SSE-S3 need nothing.
type S3Bucket struct {
	// Bucket is the destination bucket.
	Bucket *s3.BucketV2
	// LegacyBucket is the destination bucket when it is an s3.Bucket.
	LegacyBucket *s3.Bucket
	// Key is the customer-managed key of the bucket's default encryption.
	Key *kms.Key
	// Policy is the bucket's policy, when the program sets it with an
	// s3.BucketPolicy (optional). The component checks it against the
	// execution role: a policy that denies the role s3:PutObject or
	// s3:ListBucket, or that does not allow them to a role of another
	// account, is refused (see "Resource policies" in the package
	// documentation).
	Policy *s3.BucketPolicy
}

// s3Route is a bucket's ARN and, when its encryption is not known while the
// program runs, the key reference read from it at deploy time.
type s3Route struct {
	arn   pulumi.StringOutput
	key   *kms.Key
	keyID pulumi.StringPtrOutput // the bucket's own SSE-KMS key, without key
	read  bool                   // keyID is set
}

func (r s3Route) build(*buildEnv, *routeUse) (pulumi.StringOutput, error) { return r.arn, nil }

func (r s3Route) grants(b *buildEnv, arn pulumi.StringOutput) []grant {
	spec, _ := lambdafacts.KindOf(KindS3)
	out := []grant{grantOf(arn, spec.Grants)}
	switch {
	case r.key != nil:
		out = append(out, grantOf(r.key.Arn, spec.KeyGrantsOn))
	case r.read:
		id := b.identity()
		out = append(out, pulumi.All(r.keyID, arn, id.region, id.account).ApplyT(func(v []any) []Permission {
			key, _ := phase.Plain(v[0]).(string)
			if key == "" || lambdafacts.IsAWSManagedAlias(key) {
				return nil
			}
			k, err := lambdafacts.KeyARN(key, v[1].(string), v[2].(string), v[3].(string))
			if err != nil {
				return nil // CheckKeyRef reported it before the config
			}
			return spec.KeyGrantsOn(k)
		}).(pulumi.AnyOutput))
	}
	return out
}

// sseKey is the KMS key reference of an aws:kms default encryption rule.
func sseKey(algorithm string, key *string) *string {
	if algorithm == "aws:kms" || algorithm == "aws:kms:dsse" {
		if key == nil {
			managed := lambdafacts.AWSManagedS3Key
			return &managed
		}
		return key
	}
	return nil
}

func (d S3Bucket) resolve(env *resolveEnv) (*target, error) {
	var arn, name pulumi.StringOutput
	var res pulumi.Resource
	var keyID pulumi.StringPtrOutput
	switch {
	case d.Bucket != nil && d.LegacyBucket != nil:
		return nil, fmt.Errorf("S3Bucket has both Bucket and LegacyBucket; allowed: exactly one")
	case d.Bucket != nil:
		arn, name, res = d.Bucket.Arn, d.Bucket.Bucket, d.Bucket
		//lint:ignore SA1019 a bucket's own (deprecated) encryption arguments are still read
		keyID = d.Bucket.ServerSideEncryptionConfigurations.ApplyT(func(cs []s3.BucketV2ServerSideEncryptionConfiguration) *string {
			for _, c := range cs {
				for _, r := range c.Rules {
					for _, e := range r.ApplyServerSideEncryptionByDefaults {
						if k := sseKey(e.SseAlgorithm, e.KmsMasterKeyId); k != nil {
							return k
						}
					}
				}
			}
			return nil
		}).(pulumi.StringPtrOutput)
	case d.LegacyBucket != nil:
		arn, name, res = d.LegacyBucket.Arn, d.LegacyBucket.Bucket, d.LegacyBucket
		keyID = d.LegacyBucket.ServerSideEncryptionConfiguration.ApplyT(func(c s3.BucketServerSideEncryptionConfiguration) *string {
			e := c.Rule.ApplyServerSideEncryptionByDefault
			return sseKey(e.SseAlgorithm, e.KmsMasterKeyId)
		}).(pulumi.StringPtrOutput)
	default:
		return nil, fmt.Errorf("S3Bucket has neither Bucket nor LegacyBucket; allowed: exactly one")
	}
	spec, _ := lambdafacts.KindOf(KindS3)
	t := resourceTarget(spec, res, arn)
	route := s3Route{arn: arn, key: d.Key}
	t.key = d.Key
	if d.Key == nil {
		route.keyID, route.read = keyID, true
		what := t.describe
		err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
			key, _ := v[0].(string)
			return lambdafacts.CheckKeyRef(what, key, lambdafacts.AWSManagedS3Key)
		}), keyID)
		if err != nil {
			return nil, err
		}
	}
	t.route = route
	if err := knownARN(env, arn, t); err != nil {
		return nil, err
	}
	if d.Policy != nil {
		if err := attachedPolicy(env, t, "S3Bucket.Policy", d.Policy, d.Policy.Policy, d.Policy.Bucket, name, "the bucket"); err != nil {
			return nil, err
		}
	}
	return t, nil
}
