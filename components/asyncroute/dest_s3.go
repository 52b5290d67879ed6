package asyncroute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	registerKind(&kindSpec{
		kind:    KindS3,
		label:   "S3 bucket",
		mapping: true,
		checkARN: func(a arnParts) error {
			if a.region != "" || a.account != "" || a.resource == "" || strings.Contains(a.resource, "/") {
				return fmt.Errorf("%q is not an S3 bucket ARN; expected arn:<partition>:s3:::<bucket-name>", a.String())
			}
			return nil
		},
		permissions: func(arn string) []Permission {
			return append(actionsOn(arn+"/*", "s3:PutObject"), actionsOn(arn, "s3:ListBucket")...)
		},
	})
}

// S3Bucket stores failure records as objects in an S3 bucket. Lambda accepts
// S3 on failure only. The role gets s3:PutObject on bucket/* and
// s3:ListBucket on the bucket. Set exactly one of Bucket and LegacyBucket.
type S3Bucket struct {
	// Bucket is the destination bucket.
	Bucket *s3.BucketV2
	// LegacyBucket is the destination bucket when it is an s3.Bucket.
	LegacyBucket *s3.Bucket
}

func (d S3Bucket) resolve(env *resolveEnv) (*target, error) {
	var arn pulumi.StringOutput
	var res pulumi.Resource
	switch {
	case d.Bucket != nil && d.LegacyBucket != nil:
		return nil, fmt.Errorf("S3Bucket has both Bucket and LegacyBucket; allowed: exactly one")
	case d.Bucket != nil:
		arn, res = d.Bucket.Arn, d.Bucket
	case d.LegacyBucket != nil:
		arn, res = d.LegacyBucket.Arn, d.LegacyBucket
	default:
		return nil, fmt.Errorf("S3Bucket has neither Bucket nor LegacyBucket; allowed: exactly one")
	}
	t := &target{spec: kinds[KindS3], arn: fixedARN(arn), describe: describe("S3 bucket", res.PulumiResourceName()), res: res, fromResource: true}
	if err := knownARN(env, arn, t); err != nil {
		return nil, err
	}
	return t, nil
}
