package asyncroute

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// customerKeyGrant decides whether the role needs a KMS grant for a queue
// or topic encrypted with keyID (its KmsMasterKeyId). An explicit key wins.
// A key id or key ARN is granted; an AWS-managed alias or no key needs
// nothing; a custom alias cannot be resolved without an account lookup, so
// it is an error asking for the key. A value not known while the program
// runs is decided the same way at deploy time, before the invoke config is
// written.
func customerKeyGrant(env *resolveEnv, t *target, explicit *kms.Key, keyID pulumi.StringPtrOutput, targetArn pulumi.StringOutput, awsManaged string) ([]grant, error) {
	if explicit != nil {
		if err := t.later.Now(env.ctx, symmetric(t.describe), explicit.CustomerMasterKeySpec); err != nil {
			return nil, err
		}
		// The key given must be the one the target is encrypted with: a
		// grant on another key would leave the target's key ungranted.
		what := t.describe
		err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
			return sameKey(what, phase.Plain(v[0]), v[1], v[2])
		}), keyID, explicit.KeyId, explicit.Arn)
		if err != nil {
			return nil, err
		}
		t.key = explicit
		return []grant{grantOf(explicit.Arn, t.spec.KeyGrantsOn)}, nil
	}
	id, err := phase.Read(env.ctx, keyID)
	if err != nil {
		return nil, err
	}
	if id.Known && (!id.Set || id.Str() == "") {
		return nil, nil
	}
	what, spec := t.describe, t.spec
	err = t.later.Now(env.ctx, phase.Known(func(v []any) error {
		key, _ := v[0].(string)
		return lambdafacts.CheckKeyRef(what, key, awsManaged)
	}), keyID)
	if err != nil {
		return nil, err
	}
	perms := pulumi.All(keyID, targetArn).ApplyT(func(v []any) []Permission {
		key, _ := phase.Plain(v[0]).(string)
		if key == "" || lambdafacts.IsAWSManagedAlias(key) || lambdafacts.CheckKeyRef(what, key, awsManaged) != nil {
			return nil // a bad reference fails the config's input instead
		}
		arn, err := lambdafacts.KeyARN(key, v[1].(string), "", "")
		if err != nil {
			return nil
		}
		return spec.KeyGrantsOn(arn)
	}).(pulumi.AnyOutput)
	return []grant{perms}, nil
}

// symmetric checks the spec of a customer-managed key that encrypts a
// queue or topic (its customerMasterKeySpec).
func symmetric(what string) phase.Check {
	return phase.Known(func(v []any) error {
		spec, _ := phase.Plain(v[0]).(string)
		return lambdafacts.CheckSymmetricKey(what, spec)
	})
}

// sameKey checks that the key a queue or topic is encrypted with (its
// kmsMasterKeyId: a key id or key ARN; an alias cannot be compared) is the
// key given as Key.
func sameKey(what string, encrypted, keyID, keyArn any) error {
	e, _ := encrypted.(string)
	id, _ := keyID.(string)
	arn, _ := keyArn.(string)
	if e == "" || strings.HasPrefix(e, "alias/") || strings.Contains(e, ":alias/") || e == id || e == arn {
		return nil
	}
	return fmt.Errorf("%s is encrypted with %q but Key is the key %q; allowed: the key the target is encrypted with (or no Key: the grant follows %q)", what, e, arn, e)
}
