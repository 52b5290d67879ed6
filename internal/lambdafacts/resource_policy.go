package lambdafacts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// TargetPolicy is a resource-based policy of a destination (a queue's,
// topic's, bus's or bucket's), as both doors name it in messages: Label is
// `aws:sqs/queuePolicy:QueuePolicy "jobs-policy"` for a policy resource,
// `the policy of aws:sqs/queue:Queue "jobs"` for a queue's or topic's own
// policy input. Doc is nil when the document cannot be read.
type TargetPolicy struct {
	Label string
	Doc   *iampolicy.Document
}

// OwnPolicyLabel labels the policy input of a queue or topic of type typ
// and Pulumi name name.
func OwnPolicyLabel(typ, name string) string {
	return "the policy of " + ResourceLabel(typ, name)
}

// ResourceLabel names a resource of the stack by type token and Pulumi
// name, as the rules name resources: `aws:iam/role:Role "orders-role"`.
func ResourceLabel(typ, name string) string { return typ + ` "` + name + `"` }

// StatementName names statement i of a document: its Sid, or its number.
func StatementName(d *iampolicy.Document, i int) string {
	if d != nil && i >= 0 && i < len(d.Statements) && d.Statements[i].Sid != "" {
		return fmt.Sprintf("statement %q", d.Statements[i].Sid)
	}
	return fmt.Sprintf("statement %d", i+1)
}

// AuthorizeDelivery decides, with iampolicy's Authorize, the request of an
// execution role (caller) for need n on a destination owned by
// resourceAccount ("" when not known), whose resource-based policies are
// pols: identity are the role's identity-based policies, boundary its
// permissions boundary (bounded says it has one; a nil document cannot be
// read).
func AuthorizeDelivery(caller iampolicy.Caller, resourceAccount string, identity []*iampolicy.Document, bounded bool, boundary *iampolicy.Document, pols []TargetPolicy, n Permission) (iampolicy.Result, iampolicy.Request) {
	p := iampolicy.Policies{Identity: identity, Bounded: bounded, Boundary: boundary}
	for _, s := range pols {
		p.Resource = append(p.Resource, s.Doc)
	}
	req := iampolicy.Request{Caller: caller, Action: n.Action, Resource: n.Resource, ResourceAccount: resourceAccount}
	return iampolicy.Authorize(req, p), req
}

// TargetPolicyProblem is what the resource-based policies of a destination
// (what names it) do to an execution role's request (role names the role
// in the fix), given Authorize's decision r of req: "" when they do not
// block it. Two cases block it: an explicit Deny of one of them, which
// wins over any Allow; and, for a destination in another account than the
// role's, no Allow for the role (across accounts both sides must allow).
// A decision that depends on what the library cannot know blocks nothing.
func TargetPolicyProblem(r iampolicy.Result, req iampolicy.Request, pols []TargetPolicy, what, role string) (problem, fix string) {
	switch {
	case r.Decision == iampolicy.Denied && r.Deny != nil && r.Deny.Part == iampolicy.PartResource && r.Deny.Policy < len(pols):
		return denyProblem(pols[r.Deny.Policy], r.Deny.Statement, req, role)
	case missingResourceAllow(r):
		labels := make([]string, len(pols))
		for i, s := range pols {
			labels[i] = s.Label
		}
		on := strings.Join(labels, " and ")
		return fmt.Sprintf("%s is in account %s and the role in account %s, and across accounts the target's policy must allow the role too, but %s does not allow %s to it",
				what, req.ResourceAccount, req.Caller.Account, on, req.Action),
			fmt.Sprintf("allow %s on %s to %s (or its account %s) in %s", req.Action, req.Resource, role, req.Caller.Account, on)
	}
	return "", ""
}

// TargetPolicyRefusal is the construct's error for a destination whose
// resource-based policies block its execution role (problems and fixes
// from [TargetPolicyProblem]): the component creates identity grants
// only, so no grant of its own can make up for them.
func TargetPolicyRefusal(problems, fixes []string) error {
	return fmt.Errorf("%s, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures) and no grant of the execution role can change that; allowed: a target whose policy lets the role deliver (%s)",
		strings.Join(problems, "; "), strings.Join(fixes, "; "))
}

// KeyPolicyRefusal is the construct's error for a customer-managed key
// whose key policy blocks the execution role (problems and fixes from
// [KeyPolicyProblem]).
func KeyPolicyRefusal(problems, fixes []string) error {
	return fmt.Errorf("%s, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures) and no grant of the execution role can change that; allowed: a key whose key policy lets the role use it (%s)",
		strings.Join(problems, "; "), strings.Join(fixes, "; "))
}

// denyProblem is statement i of policy p denying req to the role.
func denyProblem(p TargetPolicy, i int, req iampolicy.Request, role string) (problem, fix string) {
	st := StatementName(p.Doc, i)
	return fmt.Sprintf("%s denies %s on %s to the role (%s, an explicit Deny, which wins over any Allow)", p.Label, req.Action, req.Resource, st),
		fmt.Sprintf("narrow %s of %s so that it does not deny %s to %s", st, p.Label, req.Action, role)
}

// MissingResourceAllow says r is NotAllowed for want of the resource's own
// Allow alone (the identity side allows it): across accounts, or a key
// policy.
func MissingResourceAllow(r iampolicy.Result) bool { return missingResourceAllow(r) }

func missingResourceAllow(r iampolicy.Result) bool {
	return r.Decision == iampolicy.NotAllowed && slices.Contains(r.Missing, iampolicy.PartResource) && !slices.Contains(r.Missing, iampolicy.PartIdentity)
}

// KeyPolicyLabel labels the key policy of a kms.Key of Pulumi name name.
func KeyPolicyLabel(name string) string {
	return "the key policy of " + ResourceLabel("aws:kms/key:Key", name)
}

// AuthorizeKeyUse decides, with iampolicy's Authorize, an execution role's
// request for need n on a customer-managed key whose key policy is kp: the
// key policy must allow it even within one account, for the role or for
// its account (delegating to IAM).
func AuthorizeKeyUse(caller iampolicy.Caller, identity []*iampolicy.Document, bounded bool, boundary *iampolicy.Document, kp TargetPolicy, n Permission) (iampolicy.Result, iampolicy.Request) {
	req := iampolicy.Request{Caller: caller, Action: n.Action, Resource: n.Resource, ResourceAccount: AccountOf(n.Resource)}
	p := iampolicy.Policies{Identity: identity, Bounded: bounded, Boundary: boundary, Resource: []*iampolicy.Document{kp.Doc}, KeyPolicy: true}
	return iampolicy.Authorize(req, p), req
}

// KeyPolicyProblem is what a key policy (kp) does to an execution role's
// kms: request, given Authorize's decision r of req (role names the role
// in the fix): "" when it does not block it. It blocks it with an explicit
// Deny, and when it neither allows the role nor delegates to IAM (the
// account's root principal).
func KeyPolicyProblem(r iampolicy.Result, req iampolicy.Request, kp TargetPolicy, role string) (problem, fix string) {
	switch {
	case r.Decision == iampolicy.Denied && r.Deny != nil && r.Deny.Part == iampolicy.PartResource:
		return denyProblem(kp, r.Deny.Statement, req, role)
	case missingResourceAllow(r):
		return fmt.Sprintf("%s neither allows %s to the role nor delegates to IAM (the account's root principal), and a key is usable only as its key policy allows, so the role's kms: grant is useless", kp.Label, req.Action),
			fmt.Sprintf("allow %s on the key to %s in %s, or keep its statement allowing arn:<partition>:iam::%s:root (the default key policy's)", req.Action, role, kp.Label, req.Caller.Account)
	}
	return "", ""
}

// AccountOf is the account of an ARN ("" when it has none or is not one).
func AccountOf(s string) string {
	if a, err := ParseARN(s); err == nil {
		return a.Account
	}
	return ""
}

// GroupNeeds lists permissions grouped by resource, in order:
// "sqs:SendMessage on arn:... and s3:PutObject on arn:.../*".
func GroupNeeds(ps []Permission) string {
	var order []string
	byRes := map[string][]string{}
	for _, p := range ps {
		if _, ok := byRes[p.Resource]; !ok {
			order = append(order, p.Resource)
		}
		byRes[p.Resource] = append(byRes[p.Resource], p.Action)
	}
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = strings.Join(byRes[r], ", ") + " on " + r
	}
	return strings.Join(parts, " and ")
}

// ResourcePolicyName names the resource-based policy of a kind of target.
func ResourcePolicyName(k *KindSpec) string {
	switch k.Kind {
	case KindSQS:
		return "queue policy"
	case KindSNS:
		return "topic policy"
	case KindLambda:
		return "resource-based policy (its Lambda permissions)"
	case KindEventBridge:
		return "event bus policy"
	case KindS3:
		return "bucket policy"
	}
	return "resource-based policy"
}

// OutsideResourcePolicy says what the resource-based policy of a target
// in another account must allow when it cannot be read (where says why:
// "outside the stack", ...): across accounts it must allow the role
// (principal) too. needs are the target's, without kms: ones.
func OutsideResourcePolicy(k *KindSpec, account, where, roleAccount string, needs []Permission, principal string) string {
	return fmt.Sprintf("the %s is in account %s (%s) and the role in account %s, and across accounts its %s must allow the role too: it must allow %s to %s (or its account %s)",
		k.Label, account, where, roleAccount, ResourcePolicyName(k), GroupNeeds(needs), principal, roleAccount)
}
