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

// broughtRoleRef is a brought role (nil: none, with SkipGrants).
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
// Allow for it, is refused in the rules' words. The check runs now when
// the policies, the target's ARN and the role's ARN are known, else at
// deploy before the write that routes to the target. What depends on what
// the library cannot know (request context, a created role's ARN) is not
// refused.
func (a *assembly) checkTargetPolicies(role deliveryRole) error {
	for _, slot := range lambdafacts.Slots {
		t := a.targets[slot]
		if t == nil || t.spec == nil || len(t.policies) == 0 {
			continue
		}
		// The role's ARN is read now only: a brought role's ARN known now
		// is checked now, and the write never waits for the role (a
		// policy naming a role whose ARN is not known decides nothing).
		roleARN, err := phase.Read(a.ctx, role.arn)
		if err != nil {
			return err
		}
		inputs := []pulumi.Input{t.arn, pulumi.String(roleARN.Str())}
		labels := make([]string, len(t.policies))
		for i, p := range t.policies {
			inputs = append(inputs, p.doc)
			labels[i] = p.label
		}
		spec, what := t.spec, t.describe
		check := func(account string) phase.Check { return targetPolicyCheck(spec, what, role, labels, account) }
		var now phase.Checks
		if err := a.errs.fault(fieldOf(slot), now.Now(a.ctx, check(a.place.Account), inputs...)); err != nil {
			return err
		}
		if !now.Empty() {
			// Decided at deploy, in the account the provider deploys to
			// (known then whatever the provider; see deployCheck).
			t.policyLater = &policyLater{inputs: inputs, check: check, account: a.place.Account}
		}
	}
	return nil
}

// policyLater is a target's policy check left to deploy time: its inputs,
// and the check for the role's account (account when known while the
// program ran, else the one the component's provider deploys to).
type policyLater struct {
	inputs  []pulumi.Input
	check   func(account string) phase.Check
	account string
}

// run runs the check with the values of its inputs (vals) in place at.
func (l *policyLater) run(vals []any, at lambdafacts.Place) error {
	account := l.account
	if account == "" {
		account = at.Account
	}
	plain := make([]any, len(vals))
	for i, v := range vals {
		plain[i] = phase.Plain(v)
	}
	if err := l.check(account)(plain); err != nil && !errors.Is(err, phase.ErrLater) {
		return err
	}
	return nil
}

// targetPolicyCheck is the check of a target's policies: its values are
// the target's ARN, the role's ARN ("" for a created role) and the
// policies' documents. With every value known it decides; with the
// documents known and the target's ARN not (a target created by this
// deployment, at preview) it refuses only what a Deny for every resource
// ("*") decides, and leaves the rest to deploy time.
func targetPolicyCheck(spec *lambdafacts.KindSpec, what string, role deliveryRole, labels []string, account string) phase.Check {
	return func(v []any) error {
		for _, x := range v[1:] {
			if phase.IsUnknown(x) {
				return phase.ErrLater
			}
		}
		arn, _ := v[0].(string)
		later := phase.IsUnknown(v[0])
		if later {
			arn = "<ARN of " + what + ">"
		}
		roleARN, _ := v[1].(string)
		var pols []lambdafacts.TargetPolicy
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
				doc = everyResource(doc)
			}
			pols = append(pols, lambdafacts.TargetPolicy{Label: labels[i], Doc: &doc})
		}
		if len(pols) == 0 || arn == "" {
			return nil
		}
		caller := iampolicy.Caller{RoleARN: roleARN, Account: account}
		if a, err := lambdafacts.ParseARN(roleARN); err == nil && a.Account != "" {
			caller.Account = a.Account
		}
		resourceAccount := ""
		if a, err := lambdafacts.ParseARN(arn); err == nil {
			resourceAccount = a.Account
		}
		needs := spec.Needs(arn)
		identity := []*iampolicy.Document{nil}
		if role.granted {
			g := iampolicy.Grant(needs)
			identity = []*iampolicy.Document{&g}
		}
		var problems, fixes []string
		for _, n := range needs {
			r, req := lambdafacts.AuthorizeDelivery(caller, resourceAccount, identity, false, nil, pols, n)
			if later && r.Decision != iampolicy.Denied {
				continue
			}
			if problem, fix := lambdafacts.TargetPolicyProblem(r, req, pols, what, role.label); problem != "" {
				problems = append(problems, problem)
				fixes = append(fixes, fix)
			}
		}
		switch {
		case len(problems) > 0:
			return lambdafacts.TargetPolicyRefusal(problems, fixes)
		case later:
			return phase.ErrLater
		}
		return nil
	}
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
