package asyncroute

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ARN routes records to a destination that exists outside this program (or
// whose resource you do not have), given by its ARN.
//
// When the ARN is a literal or otherwise known at preview, its kind is read
// from its service field and Kind may be left empty; when set, Kind must
// agree. When the ARN is known only at deploy time, Kind is required and the
// ARN is checked against it before the invoke config is written.
//
// Queue URLs, bare names, malformed ARNs and ARNs of services Lambda cannot
// deliver to are rejected with a message that says what to pass instead.
type ARN struct {
	// Arn is the destination's ARN (a queue's Arn, not its Url).
	Arn pulumi.StringInput
	// Kind names the service; required when Arn is unknown until deploy.
	Kind Kind
	// KmsKeyArn is the ARN of the customer-managed KMS key that encrypts an
	// SQS queue or SNS topic, when it is one. Leave nil for unencrypted
	// targets and AWS-managed keys.
	KmsKeyArn pulumi.StringInput
}

func (d ARN) resolve(env *resolveEnv) (*target, error) {
	if isNil(d.Arn) {
		return nil, fmt.Errorf("ARN.Arn is nil; allowed: the destination's ARN")
	}
	var named *kindSpec
	if d.Kind != "" {
		k, ok := kinds[d.Kind]
		if !ok {
			return nil, fmt.Errorf("ARN.Kind %q is not a destination kind; allowed: %s", d.Kind, allowedServices())
		}
		named = k
	}
	v, err := await(env.ctx, d.Arn)
	if err != nil {
		return nil, err
	}
	arn := d.Arn.ToStringOutput()
	t := &target{spec: named, arn: fixedARN(arn)}
	if v.known {
		a, err := parseARN(v.str)
		if err != nil {
			return nil, err
		}
		inferred, err := kindOfARN(a)
		if err != nil {
			return nil, err
		}
		if named != nil && named != inferred {
			return nil, fmt.Errorf("%q is the ARN of %s (kind %q) but ARN.Kind is %q; allowed: Kind %q or empty", v.str, withArticle(inferred.label), inferred.kind, d.Kind, inferred.kind)
		}
		t.spec, t.known = inferred, v.str
		t.describe = fmt.Sprintf("%s %s", inferred.label, v.str)
		if name, ok := lambdaFunctionName(a); ok && inferred.kind == KindLambda {
			t.fnName = name
		}
	} else {
		if named == nil {
			return nil, fmt.Errorf("ARN.Kind is empty and the ARN is not known until deploy; allowed: %s", allowedServices())
		}
		t.describe = named.label + " (ARN known at deploy)"
	}
	if !isNil(d.KmsKeyArn) {
		if !t.spec.keyed {
			return nil, fmt.Errorf("ARN.KmsKeyArn applies to an SQS queue or SNS topic only, not to %s", withArticle(t.spec.label))
		}
		k, err := await(env.ctx, d.KmsKeyArn)
		if err != nil {
			return nil, err
		}
		if k.known {
			if !kmsARNWith(k.str, "key/") {
				return nil, fmt.Errorf("ARN.KmsKeyArn %q is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>", k.str)
			}
		}
		t.extra = []grant{keyGrant(d.KmsKeyArn.ToStringOutput())}
	}
	return t, nil
}
