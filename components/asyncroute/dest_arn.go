package asyncroute

import (
	"fmt"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ARN routes records to a destination that exists outside this program (or
// whose resource you do not have), given by its ARN.
//
// When the ARN is a literal or otherwise known at preview, its kind is read
// from its service field and Kind may be left empty; when set, Kind must
// agree. When the ARN is known only at deploy time, Kind is required by a
// preview (an update reads the kind from the ARN), and the ARN is checked
// against it before the invoke config is written.
//
// Queue URLs, bare names, malformed ARNs, ARNs with wildcards or without a
// region or account, ARNs in another partition than the function's and
// ARNs of services Lambda cannot deliver to are rejected with a message
// that says what to pass instead.
type ARN struct {
	// Arn is the destination's ARN (a queue's Arn, not its Url).
	Arn pulumi.StringInput
	// Kind names the service; required when Arn is unknown until deploy.
	Kind Kind
	// KmsKeyArn is the ARN of the customer-managed KMS key that encrypts
	// an SQS queue or SNS topic, or is an S3 bucket's default encryption
	// key, when it is one. Leave nil for unencrypted targets and
	// AWS-managed keys.
	KmsKeyArn pulumi.StringInput
}

func (d ARN) resolve(env *resolveEnv) (*target, error) {
	if isNil(d.Arn) {
		return nil, fmt.Errorf("ARN.Arn is nil; allowed: the destination's ARN")
	}
	var named *lambdafacts.KindSpec
	if d.Kind != "" {
		k, ok := lambdafacts.KindOf(d.Kind)
		if !ok || k.URI {
			return nil, doors.Errorf("%s %q is not a destination kind; allowed: %s", doors.Field("ARN.Kind"), d.Kind, lambdafacts.AllowedServices())
		}
		named = k
	}
	t, err := d.resolveKind(env, named)
	if err != nil {
		return nil, err
	}
	if !isNil(d.KmsKeyArn) {
		if err := d.keyGrant(env, t); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// resolveKind reads the ARN's kind from a known ARN (which must agree with
// named, the Kind given), or takes named and checks the ARN against it at
// deploy time. During an update an ARN output without Kind leaves the
// target's spec nil: the kind is read from the ARN at deploy time and
// checked there.
func (d ARN) resolveKind(env *resolveEnv, named *lambdafacts.KindSpec) (*target, error) {
	v, err := phase.Read(env.ctx, d.Arn)
	if err != nil {
		return nil, err
	}
	arn := d.Arn.ToStringOutput()
	t := &target{spec: named, route: existing{arn}}
	switch {
	case v.Known:
		a, err := lambdafacts.ParseARN(v.Str())
		if err != nil {
			return nil, err
		}
		inferred, err := lambdafacts.KindOfARN(a)
		if err != nil {
			return nil, err
		}
		if named != nil && named != inferred {
			return nil, kindMismatch(v.Str(), inferred, d.Kind)
		}
		t.spec, t.known = inferred, v.Str()
	case named == nil && env.ctx.DryRun():
		return nil, doors.Errorf("%s is empty and the ARN is not known until deploy; allowed: %s", doors.Field("ARN.Kind"), lambdafacts.AllowedServices())
	case named == nil:
		t.lateKind = arn.ApplyT(func(s string) string {
			if a, err := lambdafacts.ParseARN(s); err == nil {
				return a.Service
			}
			return ""
		}).(pulumi.StringOutput)
	default:
		kind := d.Kind
		t.later.Later(func(v []any) error {
			a, err := lambdafacts.ParseARN(v[0].(string))
			if err != nil {
				return err
			}
			if inferred, err := lambdafacts.KindOfARN(a); err == nil && inferred != named {
				return kindMismatch(a.String(), inferred, kind)
			}
			return nil
		}, arn)
	}
	// A literal ARN names the target in messages; an ARN that is an
	// output (known at preview or not) does not, so that a message reads
	// the same at preview and at deploy time.
	switch {
	case v.Literal && t.spec != nil:
		t.describe = fmt.Sprintf("%s %s", t.spec.Label, v.Str())
	case t.spec != nil:
		t.describe = t.spec.Label + " (ARN known at deploy)"
	}
	return t, nil
}

// keyGrant checks KmsKeyArn (and that the kind takes a key, at deploy time
// when the kind is decided there) and grants the key's use.
func (d ARN) keyGrant(env *resolveEnv, t *target) error {
	arn := d.Arn.ToStringOutput()
	if t.spec != nil && !t.spec.Keyed {
		return kmsNotApplicable(t.spec)
	}
	if t.spec == nil {
		t.later.Later(func(v []any) error {
			a, err := lambdafacts.ParseARN(v[0].(string))
			if err != nil {
				return err
			}
			if k, err := lambdafacts.KindOfARN(a); err == nil && !k.Keyed {
				return kmsNotApplicable(k)
			}
			return nil
		}, arn)
	}
	err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
		k, _ := v[0].(string)
		return lambdafacts.CheckKeyARN("ARN.KmsKeyArn", k)
	}), d.KmsKeyArn)
	if err != nil {
		return err
	}
	spec := t.spec
	t.extra = []grant{pulumi.All(d.KmsKeyArn, arn).ApplyT(func(v []any) []Permission {
		k := spec
		if k == nil {
			a, err := lambdafacts.ParseARN(v[1].(string))
			if err != nil {
				return nil
			}
			if k, err = lambdafacts.KindOfARN(a); err != nil {
				return nil
			}
		}
		return k.KeyGrantsOn(v[0].(string))
	}).(pulumi.AnyOutput)}
	return nil
}

func kindMismatch(arn string, inferred *lambdafacts.KindSpec, named Kind) error {
	return doors.Errorf("%q is the ARN of %s (kind %q) but %s is %q; allowed: %s %q or empty", arn, lambdafacts.WithArticle(inferred.Label), inferred.Kind, doors.Field("ARN.Kind"), named, doors.Field("ARN.Kind"), inferred.Kind)
}

func kmsNotApplicable(k *lambdafacts.KindSpec) error {
	return fmt.Errorf("ARN.KmsKeyArn applies to an SQS queue, SNS topic or S3 bucket only, not to %s", lambdafacts.WithArticle(k.Label))
}
