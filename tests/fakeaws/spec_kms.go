package fakeaws

import "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"

const typeKey = "aws:kms/key:Key"

// keySpec: id is the key id (a UUID); the ARN is
// arn:aws:kms:<region>:<account>:key/<id>.
var keySpec = &spec{
	token:           typeKey,
	schema:          kms.Key{},
	replaceOnChange: []string{"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
	computed: func(e env, _, old map[string]any) (string, map[string]any, error) {
		id := keep(old, "keyId", uuid())
		return id, map[string]any{"keyId": id, "arn": e.arn("kms", "key/"+id)}, nil
	},
}
