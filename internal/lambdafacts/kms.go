package lambdafacts

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/doors"
	"strings"
)

// AWS-managed keys of the services that encrypt destinations; they need no
// grant from the sender's role.
const (
	AWSManagedSQSKey = "alias/aws/sqs"
	AWSManagedSNSKey = "alias/aws/sns"
	AWSManagedS3Key  = "alias/aws/s3"
)

// KeyNeeds lists what a sender needs on the customer-managed key that
// encrypts a target of kind k.
func (k *KindSpec) KeyNeeds(keyArn string) []Permission { return ActionsOn(keyArn, k.KeyActions...) }

// KeyGrantsOn lists what the components grant on such a key.
func (k *KindSpec) KeyGrantsOn(keyArn string) []Permission { return ActionsOn(keyArn, k.KeyGrants...) }

// KMSARNWith reports whether s is a KMS ARN whose resource starts with
// prefix ("key/", "alias/", "alias/aws/").
func KMSARNWith(s, prefix string) bool {
	a, err := ParseARN(s)
	return err == nil && a.Service == "kms" && strings.HasPrefix(a.Resource, prefix)
}

// IsAWSManagedAlias reports whether a key reference is an AWS-managed
// alias (alias/aws/..., by name or ARN).
func IsAWSManagedAlias(key string) bool {
	return strings.HasPrefix(key, "alias/aws/") || KMSARNWith(key, "alias/aws/")
}

// IsCustomAlias reports whether a key reference is a custom alias.
func IsCustomAlias(key string) bool {
	return !IsAWSManagedAlias(key) && (strings.HasPrefix(key, "alias/") || KMSARNWith(key, "alias/"))
}

// CheckKeyRef rejects key references that cannot be turned into a key ARN
// without an account lookup. what names the encrypted target; awsManaged
// is its service's AWS-managed alias.
func CheckKeyRef(what, key, awsManaged string) error {
	switch {
	case IsAWSManagedAlias(key):
		return nil
	case IsCustomAlias(key):
		return fmt.Errorf("%s is encrypted with the custom KMS alias %q, which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed %s needs no key)", what, key, awsManaged)
	case strings.HasPrefix(key, "arn:") && !KMSARNWith(key, "key/"):
		return fmt.Errorf("%s is encrypted with %q, which is not a KMS key id, key ARN or alias; expected <key-id>, arn:<partition>:kms:<region>:<account>:key/<key-id> or alias/<name>", what, key)
	}
	return nil
}

// CheckKeyARN checks a KMS key ARN given where one is required.
func CheckKeyARN(field, key string) error {
	if !KMSARNWith(key, "key/") {
		return doors.Errorf("%s %q is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>", doors.Field(field), key)
	}
	return nil
}

// KeyARN turns a key id or key ARN into the key ARN, taking partition,
// region and account from the encrypted target's ARN (a bucket's ARN has
// neither region nor account: pass the region and account to use).
func KeyARN(key, targetArn, region, account string) (string, error) {
	if strings.HasPrefix(key, "arn:") {
		if !KMSARNWith(key, "key/") {
			return "", fmt.Errorf("%q is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>", key)
		}
		return key, nil
	}
	t, err := ParseARN(targetArn)
	if err != nil {
		return "", err
	}
	if t.Region == "" {
		t.Region = region
	}
	if t.Account == "" {
		t.Account = account
	}
	return t.Regional("kms", "key/"+key), nil
}
