package asyncroute

import (
	"fmt"
	"reflect"

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
	// A literal ARN names the target in messages; an ARN that is an
	// output (known at preview or not) does not, so that a message reads
	// the same at preview and at deploy time.
	literal := !holdsOutput(reflect.ValueOf(d.Arn))
	switch {
	case v.known:
		a, err := parseARN(v.str)
		if err != nil {
			return nil, err
		}
		inferred, err := kindOfARN(a)
		if err != nil {
			return nil, err
		}
		if named != nil && named != inferred {
			return nil, kindMismatch(v.str, inferred, d.Kind)
		}
		t.spec, t.known = inferred, v.str
	case named == nil && env.ctx.DryRun():
		return nil, fmt.Errorf("ARN.Kind is empty and the ARN is not known until deploy; allowed: %s", allowedServices())
	}
	// During an update an ARN output without Kind leaves t.spec nil: the
	// kind is read from the ARN at deploy time and checked there.
	if t.spec == nil {
		t.lateKind = arn.ApplyT(func(s string) string {
			if a, err := parseARN(s); err == nil {
				return a.service
			}
			return ""
		}).(pulumi.StringOutput)
	}
	switch {
	case literal && t.spec != nil:
		t.describe = fmt.Sprintf("%s %s", t.spec.label, v.str)
	case t.spec != nil:
		t.describe = t.spec.label + " (ARN known at deploy)"
	}
	if named != nil && !v.known {
		kind := d.Kind
		t.later = append(t.later, laterCheck{inputs: []any{arn}, check: func(v []any) error {
			a, err := parseARN(v[0].(string))
			if err != nil {
				return err
			}
			if inferred, err := kindOfARN(a); err == nil && inferred != named {
				return kindMismatch(a.String(), inferred, kind)
			}
			return nil
		}})
	}
	if !isNil(d.KmsKeyArn) {
		if t.spec != nil && !t.spec.keyed {
			return nil, kmsNotApplicable(t.spec)
		}
		if t.spec == nil {
			t.later = append(t.later, laterCheck{inputs: []any{arn}, check: func(v []any) error {
				a, err := parseARN(v[0].(string))
				if err != nil {
					return err
				}
				if k, err := kindOfARN(a); err == nil && !k.keyed {
					return kmsNotApplicable(k)
				}
				return nil
			}})
		}
		err := t.checkWhenKnown(env, func(v []any) error {
			if isUnknown(v[0]) {
				return errNeedsValues
			}
			if k, _ := v[0].(string); !kmsARNWith(k, "key/") {
				return fmt.Errorf("ARN.KmsKeyArn %q is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>", k)
			}
			return nil
		}, d.KmsKeyArn)
		if err != nil {
			return nil, err
		}
		t.extra = []grant{keyGrant(d.KmsKeyArn.ToStringOutput())}
	}
	return t, nil
}

func kindMismatch(arn string, inferred *kindSpec, named Kind) error {
	return fmt.Errorf("%q is the ARN of %s (kind %q) but ARN.Kind is %q; allowed: Kind %q or empty", arn, withArticle(inferred.label), inferred.kind, named, inferred.kind)
}

func kmsNotApplicable(k *kindSpec) error {
	return fmt.Errorf("ARN.KmsKeyArn applies to an SQS queue or SNS topic only, not to %s", withArticle(k.label))
}
