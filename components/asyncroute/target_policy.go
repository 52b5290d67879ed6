package asyncroute

import (
	"errors"
	"fmt"
	"slices"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// targetPolicy is a resource-based policy of a destination given with it:
// a queue's or topic's own policy input, or the policy resource named in
// the destination's Policy field. label names it as the rules do.
type targetPolicy struct {
	label string
	doc   pulumi.StringInput
}

// ownPolicy is the policy input of a queue or topic destination.
func ownPolicy(res pulumi.Resource, doc pulumi.StringOutput) targetPolicy {
	return targetPolicy{label: lambdafacts.OwnPolicyLabel(res.PulumiResourceType(), res.PulumiResourceName()), doc: doc}
}

// attachedPolicy is a policy resource named in a destination's Policy
// field. It must be the policy of that destination: of (the policy's
// queue URL, topic ARN, bus or bucket name) must be want (the
// destination's), checked when both are known (else at deploy).
func attachedPolicy(env *resolveEnv, t *target, field string, res pulumi.Resource, doc pulumi.StringOutput, of, want pulumi.StringInput, what string) error {
	label := lambdafacts.ResourceLabel(res.PulumiResourceType(), res.PulumiResourceName())
	describe := t.describe
	err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
		got, _ := v[0].(string)
		exp, _ := v[1].(string)
		if got != exp {
			return fmt.Errorf("%s is %s, the policy of %s %q, not of %s (%q); allowed: the policy of %s, or nil", field, label, what, got, describe, exp, describe)
		}
		return nil
	}), of, want)
	if err != nil {
		return err
	}
	t.policies = append(t.policies, targetPolicy{label: label, doc: doc})
	return nil
}

// deliveryRole is the execution role a component's deliveries come from, as
// the check of its targets' policies sees it.
type deliveryRole struct {
	// label names the role in messages.
	label string
	// arn is a brought role's ARN; nil for the role the component creates
	// (no policy of the program can name it before it exists).
	arn pulumi.StringInput
	// granted says the component grants the role what its targets need;
	// false with SkipGrants, when the role's own policies are not known.
	granted bool
}

// createdRole is the role a Function component creates.
func createdRole(a *assembly) deliveryRole {
	return deliveryRole{label: lambdafacts.ResourceLabel("aws:iam/role:Role", a.name+"-role"), granted: true}
}

// broughtDeliveryRole is a brought role (nil: none, with SkipGrants).
func broughtDeliveryRole(b *broughtRole, granted bool) deliveryRole {
	if b == nil || b.r == nil {
		return deliveryRole{label: "the execution role", granted: granted}
	}
	r := b.r
	if r.Role != nil {
		return deliveryRole{label: lambdafacts.ResourceLabel(r.Role.PulumiResourceType(), r.Role.PulumiResourceName()), arn: r.Role.Arn, granted: granted}
	}
	return deliveryRole{label: "the execution role", arn: r.Arn, granted: granted}
}

// checkTargetPolicies checks, for every destination given with resource
// policies of the program, that they let the role deliver, with the rules'
// decision (lambdafacts.AuthorizeDelivery and TargetPolicyProblem): an
// explicit Deny for the role, or, for a target in another account, no
// Allow for it, is refused in the rules' words; and the key policy of a
// customer-managed key given with the destination (its Key), which must
// allow the role or delegate to IAM (lambdafacts.KeyPolicyProblem). Each
// check runs now when the values it needs are known, else at deploy
// before the write that routes to the target (deployCheck). What depends
// on what the library cannot know (request context, a created role's
// ARN) is not refused.
func (a *assembly) checkTargetPolicies(role deliveryRole) error {
	// The role's ARN is read now only: a brought role's ARN known now is
	// checked now, and the write never waits for the role (a policy
	// naming a role whose ARN is not known decides nothing).
	roleARN, err := phase.Read(a.ctx, role.arn)
	if err != nil {
		return err
	}
	for _, slot := range lambdafacts.Slots {
		t := a.targets[slot]
		if t == nil || t.spec == nil {
			continue
		}
		if err := a.warnOutside(t, role, roleARN.Str()); err != nil {
			return err
		}
		var checks []policyCheck
		if len(t.policies) > 0 {
			inputs := []pulumi.Input{t.arn, pulumi.String(roleARN.Str())}
			labels := make([]string, len(t.policies))
			for i, p := range t.policies {
				inputs = append(inputs, p.doc)
				labels[i] = p.label
			}
			spec, what := t.spec, t.describe
			checks = append(checks, policyCheck{inputs: inputs, check: func(account string) phase.Check {
				return targetPolicyCheck(spec, what, role, labels, account)
			}})
		}
		if k := t.key; k != nil {
			spec, label, what := t.spec, lambdafacts.KeyPolicyLabel(k.PulumiResourceName()), lambdafacts.Describe("KMS key", k.PulumiResourceName())
			checks = append(checks, policyCheck{inputs: []pulumi.Input{k.Arn, pulumi.String(roleARN.Str()), k.Policy}, check: func(account string) phase.Check {
				return keyPolicyCheck(spec, what, label, role, account)
			}})
		}
		for _, c := range checks {
			var now phase.Checks
			if err := a.errs.fault(fieldOf(slot), now.Now(a.ctx, c.check(a.place.Account), c.inputs...)); err != nil {
				return err
			}
			if !now.Empty() {
				// Decided at deploy, in the account the provider deploys
				// to (known then whatever the provider; see deployCheck).
				c.account = a.place.Account
				t.policyLater = append(t.policyLater, c)
			}
		}
	}
	return nil
}

// warnOutside warns, as rule ASYNC010 advises, when a target given by ARN
// is in another account than the role's: across accounts its own policy
// must allow the role too, and the component cannot read it. (A target in
// the role's account, or whose account is not known now, is not warned
// of.)
func (a *assembly) warnOutside(t *target, role deliveryRole, roleARN string) error {
	if t.fromResource || t.known == "" || t.spec.URI {
		return nil
	}
	account := callerOf(roleARN, a.place.Account).Account
	targetAccount := lambdafacts.AccountOf(t.known)
	if targetAccount == "" || account == "" || targetAccount == account {
		return nil
	}
	principal := role.label
	if roleARN != "" {
		principal = roleARN
	}
	part := lambdafacts.OutsideResourcePolicy(t.spec, targetAccount, "given by ARN", account, t.spec.Needs(t.known), principal)
	return a.warn(fieldOf(t.slot), errors.New(part))
}

// policyCheck is a check of a target's policies: its inputs, and the
// check for the role's account (account when known while the program
// ran, else the one the component's provider deploys to).
type policyCheck struct {
	inputs  []pulumi.Input
	check   func(account string) phase.Check
	account string
}

// run runs the check with the values of its inputs (vals) in place at.
func (c policyCheck) run(vals []any, at lambdafacts.Place) error {
	account := c.account
	if account == "" {
		account = at.Account
	}
	plain := make([]any, len(vals))
	for i, v := range vals {
		plain[i] = phase.Plain(v)
	}
	if err := c.check(account)(plain); err != nil && !errors.Is(err, phase.ErrLater) {
		return err
	}
	return nil
}

// policyValues reads the values a policy check receives: the resource's
// ARN, the role's ARN and the documents (labelled by labels). An unknown
// ARN (a resource created by this deployment, at preview) stands as
// "<ARN of what>" and keeps only the statements for every resource
// ("*"), which apply whatever the ARN; partial says a statement was left
// out, so that only a Deny decides. ErrLater when a role ARN or document
// is not known.
func policyValues(v []any, what string, labels []string) (arn, roleARN string, pols []lambdafacts.TargetPolicy, partial bool, err error) {
	for _, x := range v[1:] {
		if phase.IsUnknown(x) {
			return "", "", nil, false, phase.ErrLater
		}
	}
	arn, _ = v[0].(string)
	later := phase.IsUnknown(v[0])
	if later {
		arn = "<ARN of " + what + ">"
	}
	roleARN, _ = v[1].(string)
	for i, d := range v[2:] {
		s, _ := d.(string)
		if s == "" {
			continue
		}
		doc, err := iampolicy.Parse(s)
		if err != nil {
			continue // AWS refuses a document it cannot read when it is written
		}
		if later {
			kept := everyResource(doc)
			partial = partial || len(kept.Statements) < len(doc.Statements)
			doc = kept
		}
		pols = append(pols, lambdafacts.TargetPolicy{Label: labels[i], Doc: &doc})
	}
	return arn, roleARN, pols, partial, nil
}

// callerOf is the role as a caller: its ARN when known, and its account
// (the ARN's, else account).
func callerOf(roleARN, account string) iampolicy.Caller {
	if a := lambdafacts.AccountOf(roleARN); a != "" {
		account = a
	}
	return iampolicy.Caller{RoleARN: roleARN, Account: account}
}

// identityOf is the role's identity-based side for needs: the grant the
// component makes, or a policy that cannot be read (SkipGrants).
func identityOf(role deliveryRole, grants []Permission) []*iampolicy.Document {
	if !role.granted {
		return []*iampolicy.Document{nil}
	}
	g := iampolicy.Grant(grants)
	return []*iampolicy.Document{&g}
}

// targetPolicyCheck is the check of a target's resource-based policies:
// its values are the target's ARN, the role's ARN ("" for a created role)
// and the policies' documents (see policyValues).
func targetPolicyCheck(spec *lambdafacts.KindSpec, what string, role deliveryRole, labels []string, account string) phase.Check {
	return func(v []any) error {
		arn, roleARN, pols, partial, err := policyValues(v, what, labels)
		if err != nil || len(pols) == 0 {
			return err
		}
		caller, needs := callerOf(roleARN, account), spec.Needs(arn)
		identity := identityOf(role, needs)
		return refuse(needs, partial, func(n Permission) (string, string) {
			r, req := lambdafacts.AuthorizeDelivery(caller, lambdafacts.AccountOf(arn), identity, false, nil, pols, n)
			return decided(r, partial, func() (string, string) { return lambdafacts.TargetPolicyProblem(r, req, pols, what, role.label) })
		}, lambdafacts.TargetPolicyRefusal)
	}
}

// keyPolicyCheck is the check of the key policy of a customer-managed key
// given with a destination: its values are the key's ARN, the role's ARN
// and the key policy (none: the default key policy, which delegates to
// IAM).
func keyPolicyCheck(spec *lambdafacts.KindSpec, what, label string, role deliveryRole, account string) phase.Check {
	return func(v []any) error {
		arn, roleARN, pols, partial, err := policyValues(v, what, []string{label})
		if err != nil || len(pols) == 0 {
			return err
		}
		caller, identity := callerOf(roleARN, account), identityOf(role, spec.KeyGrantsOn(arn))
		return refuse(spec.KeyNeeds(arn), partial, func(n Permission) (string, string) {
			r, req := lambdafacts.AuthorizeKeyUse(caller, identity, false, nil, pols[0], n)
			return decided(r, partial, func() (string, string) { return lambdafacts.KeyPolicyProblem(r, req, pols[0], role.label) })
		}, lambdafacts.KeyPolicyRefusal)
	}
}

// decided is problem's answer, unless the policies were read in part
// (partial: the ARN is not known yet), where only a Deny decides.
func decided(r iampolicy.Result, partial bool, problem func() (string, string)) (string, string) {
	if partial && r.Decision != iampolicy.Denied {
		return "", ""
	}
	return problem()
}

// refuse is the refusal (made by refusal) of what problem finds for each
// need, nil when it finds nothing; ErrLater when nothing was found in
// policies read in part, so that the check runs again at deploy.
func refuse(needs []Permission, partial bool, problem func(Permission) (string, string), refusal func(problems, fixes []string) error) error {
	var problems, fixes []string
	for _, n := range needs {
		if p, fix := problem(n); p != "" {
			problems = append(problems, p)
			fixes = append(fixes, fix)
		}
	}
	switch {
	case len(problems) > 0:
		return refusal(problems, fixes)
	case partial:
		return phase.ErrLater
	}
	return nil
}

// everyResource keeps the statements of d that cover every resource (a
// Resource of "*"): those that apply whatever the target's ARN, which is
// not known yet. Statement indexes change; Sids name them.
func everyResource(d iampolicy.Document) iampolicy.Document {
	var keep []iampolicy.Statement
	for i, s := range d.Statements {
		if slices.Contains(s.Resource, "*") {
			if s.Sid == "" {
				s.Sid = fmt.Sprint(i + 1)
			}
			keep = append(keep, s)
		}
	}
	d.Statements = keep
	return d
}
