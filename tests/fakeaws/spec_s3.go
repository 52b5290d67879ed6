package fakeaws

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
)

const typeBucketV2 = "aws:s3/bucketV2:BucketV2"

// bucketV2Spec: id is the (lower-case) bucket name.
var bucketV2Spec = &spec{
	token:           typeBucketV2,
	schema:          s3.BucketV2{},
	args:            s3.BucketV2Args{},
	naming:          bucketV2Naming,
	replaceOnChange: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := strings.ToLower(bucketV2Naming.nameOrPrefixed(in, old))
		return name, map[string]any{
			"bucket": name, "arn": fmt.Sprintf("arn:%s:s3:::%s", e.partition, name), "region": e.region,
			"bucketDomainName":         name + ".s3.amazonaws.com",
			"bucketRegionalDomainName": name + ".s3." + e.region + ".amazonaws.com",
			"hostedZoneId":             "Z3AQBSTGFYJSTF",
			// Every bucket has default encryption (SSE-S3 unless set):
			// the real provider reads it back after the create.
			"serverSideEncryptionConfigurations": defaultEncryption(in),
		}, nil
	},
}

var bucketV2Naming = naming{nameKey: "bucket", prefixKey: "bucketPrefix", maxLen: 63, lower: true}

// defaultEncryption is the bucket's server-side encryption as AWS reports
// it: the configuration given, or SSE-S3 (AES256) since January 2023.
func defaultEncryption(in map[string]any) any {
	if v, ok := in["serverSideEncryptionConfigurations"].([]any); ok && len(v) > 0 {
		return v
	}
	return []any{map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "AES256", "kmsMasterKeyId": ""}},
		"bucketKeyEnabled":                    false,
	}}}}
}

const typeBucketEncryption = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"

// bucketEncryptionSpec: a bucket's default encryption, a resource of its
// own; id is the bucket name.
var bucketEncryptionSpec = &spec{
	token:           typeBucketEncryption,
	schema:          s3.BucketServerSideEncryptionConfigurationV2{},
	args:            s3.BucketServerSideEncryptionConfigurationV2Args{},
	replaceOnChange: []string{"bucket", "expectedBucketOwner"},
	computed: func(_ env, in, _ map[string]any) (string, map[string]any, error) {
		return str(in, "bucket"), map[string]any{}, nil
	},
}
