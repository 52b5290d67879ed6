package fakeaws

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
)

const typeKey = "aws:kms/key:Key"

// keySpec: id is the key id (a UUID); the ARN is
// arn:aws:kms:<region>:<account>:key/<id>.
var keySpec = &spec{
	token:           typeKey,
	schema:          kms.Key{},
	args:            kms.KeyArgs{},
	replaceOnChange: []string{"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
	computed: func(e env, _, old map[string]any) (string, map[string]any, error) {
		id := keep(old, "keyId", uuid())
		return id, map[string]any{"keyId": id, "arn": e.arn("kms", "key/"+id)}, nil
	},
}

const typeKeyAlias = "aws:kms/alias:Alias"

// keyAliasSpec: id is the alias name (alias/<name>); the ARN is
// arn:aws:kms:<region>:<account>:alias/<name>. Without a name the real
// provider generates one under alias/terraform-.
var keyAliasSpec = &spec{
	token:           typeKeyAlias,
	schema:          kms.Alias{},
	args:            kms.AliasArgs{},
	replaceOnChange: []string{"name", "namePrefix"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := str(in, "name")
		if name == "" {
			prefix := str(in, "namePrefix")
			if prefix == "" {
				prefix = "alias/terraform-"
			}
			name = keep(old, "name", prefix+randomHex(26))
		}
		target := str(in, "targetKeyId")
		targetArn := target
		if !strings.HasPrefix(target, "arn:") {
			targetArn = e.arn("kms", "key/"+target)
		}
		return name, map[string]any{"name": name, "arn": e.arn("kms", name), "targetKeyArn": targetArn}, nil
	},
}
