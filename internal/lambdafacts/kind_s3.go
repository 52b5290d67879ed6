package lambdafacts

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"
)

func init() {
	register(&KindSpec{
		Kind:  KindS3,
		Label: "S3 bucket",
		slots: map[Slot]bool{SlotOnFailure: true, SlotMapping: true},
		// Writing an object to a bucket whose default encryption is SSE-KMS
		// with a customer-managed key needs kms:GenerateDataKey on the key (S3
		// User Guide, "Using server-side encryption with AWS KMS keys";
		// kms:Decrypt is needed only for multipart uploads and reads, and
		// Lambda writes each record with one PutObject).
		Keyed:         true,
		KeyActions:    []string{"kms:GenerateDataKey"},
		KeyGrants:     []string{"kms:GenerateDataKey"},
		ResourceTypes: []string{awstypes.TokenBucketV2, awstypes.TokenBucket},
		checkResource: func(a ARN) error {
			if a.Region != "" || a.Account != "" || strings.Contains(a.Resource, "/") {
				what := "an S3 bucket ARN"
				if strings.Contains(a.Resource, "/") {
					what += " (an object's?)"
				}
				return fmt.Errorf("%q is not %s; expected arn:<partition>:s3:::<bucket-name>", a.String(), what)
			}
			return nil
		},
		needs: func(arn string) []Permission {
			return append(ActionsOn(arn+"/*", "s3:PutObject"), ActionsOn(arn, "s3:ListBucket")...)
		},
	})
}
