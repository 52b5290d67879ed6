package asyncroute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// kmsActions is what a sender needs on the customer-managed key of an
// encrypted queue or topic.
var kmsActions = []string{"kms:Decrypt", "kms:GenerateDataKey*"}

// customerKeyGrant decides whether the role needs a KMS grant for a target
// encrypted with keyID (a queue's or topic's KmsMasterKeyId). An explicit key
// wins. A key id or key ARN is granted; an AWS-managed alias or no key needs
// nothing; a custom alias cannot be resolved without an account lookup, so
// it is an error asking for the key. A value not known while the program
// runs is decided the same way at deploy time, before the invoke config is
// written.
func customerKeyGrant(env *resolveEnv, t *target, explicit *kms.Key, keyID pulumi.StringPtrOutput, targetArn pulumi.StringOutput, awsManaged string) ([]grant, error) {
	if explicit != nil {
		return []grant{keyGrant(explicit.Arn)}, nil
	}
	id, err := await(env.ctx, keyID)
	if err != nil {
		return nil, err
	}
	if id.known && (!id.set || id.str == "") {
		return nil, nil
	}
	what := t.describe
	err = t.checkWhenKnown(env, func(v []any) error {
		if isUnknown(v[0]) {
			return errNeedsValues
		}
		key, _ := v[0].(string)
		if key == "" {
			return nil
		}
		return checkKeyID(what, key, awsManaged)
	}, keyID)
	if err != nil {
		return nil, err
	}
	perms := pulumi.All(keyID, targetArn).ApplyT(func(v []any) ([]Permission, error) {
		key, _ := plainOf(v[0]).(string)
		if key == "" || isAWSManagedAlias(key) {
			return nil, nil
		}
		if err := checkKeyID(what, key, awsManaged); err != nil {
			return nil, env.inputError(err)
		}
		arn, err := keyARN(key, v[1].(string))
		if err != nil {
			return nil, env.inputError(err)
		}
		return KMSPermissions(arn), nil
	}).(pulumi.AnyOutput)
	return []grant{perms}, nil
}

// keyGrant grants the KMS actions on a key ARN known at deploy time.
func keyGrant(keyArn pulumi.StringOutput) grant {
	return keyArn.ApplyT(func(s string) []Permission { return KMSPermissions(s) }).(pulumi.AnyOutput)
}

// kmsARNWith reports whether s is a KMS ARN whose resource starts with
// prefix ("key/", "alias/", "alias/aws/").
func kmsARNWith(s, prefix string) bool {
	a, err := parseARN(s)
	return err == nil && a.service == "kms" && strings.HasPrefix(a.resource, prefix)
}

func isAWSManagedAlias(key string) bool {
	return strings.HasPrefix(key, "alias/aws/") || kmsARNWith(key, "alias/aws/")
}

// checkKeyID rejects key references that cannot be turned into a key ARN.
func checkKeyID(what, key, awsManaged string) error {
	if isAWSManagedAlias(key) {
		return nil
	}
	if strings.HasPrefix(key, "alias/") || kmsARNWith(key, "alias/") {
		return fmt.Errorf("%s is encrypted with the custom KMS alias %q, which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed %s needs no key)", what, key, awsManaged)
	}
	if strings.HasPrefix(key, "arn:") && !kmsARNWith(key, "key/") {
		return fmt.Errorf("%s is encrypted with %q, which is not a KMS key id, key ARN or alias; expected <key-id>, arn:<partition>:kms:<region>:<account>:key/<key-id> or alias/<name>", what, key)
	}
	return nil
}

// keyARN turns a key id or key ARN into the key ARN, taking partition,
// region and account from the encrypted target's ARN.
func keyARN(key, targetArn string) (string, error) {
	if strings.HasPrefix(key, "arn:") {
		if !kmsARNWith(key, "key/") {
			return "", fmt.Errorf("%q is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>", key)
		}
		return key, nil
	}
	t, err := parseARN(targetArn)
	if err != nil {
		return "", err
	}
	return regionalARN(t, "kms", "key/"+key), nil
}
