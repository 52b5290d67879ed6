package asyncpolicy

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// Types of the resource-based policies of destinations.
const (
	tQueuePolicy    = "aws:sqs/queuePolicy:QueuePolicy"
	tTopicPolicy    = "aws:sns/topicPolicy:TopicPolicy"
	tEventBusPolicy = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
	tBucketPolicy   = "aws:s3/bucketPolicy:BucketPolicy"
)

// resourcePolicies are the resource-based policies of a destination of
// the stack: a queue's or topic's own policy input, and the QueuePolicy,
// TopicPolicy, EventBusPolicy and BucketPolicy resources that name it (by
// value, or by their single dependency when the value is not known).
func (m *model) resourcePolicies(t *Resource) []policySource {
	var out []policySource
	attached := func(typ, key string, matches func(string) bool) {
		for _, p := range m.ix.byType[typ] {
			v := valueOf(p, key)
			on := false
			if s, ok := v.str(); ok {
				on = matches(s)
			} else if v.unknown() {
				for _, u := range propDeps(p, key) {
					on = on || u == t.URN
				}
			}
			if on {
				out = append(out, docSource(p, "policy", labelOf(p), valueOf(p, "policy")))
			}
		}
	}
	own := func() {
		v := valueOf(t, "policy")
		if s, ok := v.str(); (ok && s != "") || v.unknown() {
			out = append(out, docSource(t, "policy", lambdafacts.OwnPolicyLabel(t.Type, t.Name), v))
		}
	}
	arn := knownARN(t)
	switch t.Type {
	case tQueue:
		own()
		url, _ := valueOf(t, "url").str()
		attached(tQueuePolicy, "queueUrl", func(s string) bool { return s != "" && s == url })
	case tTopic:
		own()
		attached(tTopicPolicy, "arn", func(s string) bool { return s != "" && s == arn })
	case tBus:
		name := physicalName(t)
		attached(tEventBusPolicy, "eventBusName", func(s string) bool { return s != "" && (s == name || s == arn) })
	case tBucket, tBucketV2:
		name, _ := valueOf(t, "bucket").str()
		attached(tBucketPolicy, "bucket", func(s string) bool { return s != "" && s == name })
	}
	return out
}

// statementName names statement i of a document: its Sid, or its number.
func statementName(d *iampolicy.Document, i int) string { return lambdafacts.StatementName(d, i) }

// accountOfARN is the account of an ARN ("" when it has none).
func accountOfARN(s string) string { return lambdafacts.AccountOf(s) }

// callerOf is a role of the stack as the caller of a request.
func (m *model) callerOf(role *Resource) iampolicy.Caller {
	return iampolicy.Caller{RoleARN: knownARN(role), Account: m.roleAccount(role)}
}

// identityOf is what decides a role's side of a request: its identity-based
// policies (srcs) and its permissions boundary.
func (m *model) identityOf(role *Resource, srcs []policySource) (identity []*iampolicy.Document, bounded bool, boundary *iampolicy.Document) {
	for _, s := range srcs {
		identity = append(identity, s.doc)
	}
	set, b := m.boundaryOf(role)
	if set {
		boundary = b.doc
	}
	return identity, set, boundary
}

// authorizeOn decides, with lambdafacts.AuthorizeDelivery (both doors'
// decision), the role's request of action on resource of target t (whose
// ARN is arn): the role's policies, its boundary and t's resource-based
// policies, within one account or across two.
func (m *model) authorizeOn(role *Resource, srcs []policySource, t *Resource, arn, action, resource string) (iampolicy.Result, iampolicy.Request, []lambdafacts.TargetPolicy) {
	var pols []lambdafacts.TargetPolicy
	for _, s := range m.resourcePolicies(t) {
		pols = append(pols, lambdafacts.TargetPolicy{Label: s.label, Doc: s.doc})
	}
	account := accountOfARN(arn)
	if account == "" {
		account = m.ix.placeOf(t).Account
	}
	identity, bounded, boundary := m.identityOf(role, srcs)
	r, req := lambdafacts.AuthorizeDelivery(m.callerOf(role), account, identity, bounded, boundary, pols, lambdafacts.Permission{Action: action, Resource: resource})
	return r, req, pols
}

// checkResourcePolicies flags a destination of the stack whose
// resource-based policies, evaluated with the role's with iampolicy's
// Authorize, deny the role what it needs (an explicit Deny), or, for a
// target in another account than the role's, do not allow it.
func (m *model) checkResourcePolicies(f *fnModel, role *Resource, srcs []policySource, d dest, needs []need, emit emitFunc) {
	if d.res == nil {
		return
	}
	if len(m.resourcePolicies(d.res)) == 0 && !m.keyPolicies(needs) {
		return
	}
	var problems, fixes []string
	for _, n := range needs {
		if key := m.keyOfNeed(n); key != nil {
			m.checkKeyPolicy(role, srcs, key, n, &problems, &fixes)
			continue
		}
		r, req, pols := m.authorizeOn(role, srcs, d.res, d.arn, n.action, n.resource)
		if problem, fix := lambdafacts.TargetPolicyProblem(r, req, pols, d.describe(), labelOf(role)); problem != "" {
			problems = append(problems, problem)
			fixes = append(fixes, fix)
		}
	}
	if len(problems) == 0 {
		return
	}
	problem := fmt.Sprintf("the %s is %s, but for execution role %s of function %q %s, so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures)",
		slotLabel(d.slot), d.describeLong(), labelOf(role), f.name, strings.Join(problems, "; "))
	emit(d.owner, d.field, message(d.owner, d.field, problem, strings.Join(fixes, "; ")))
}

// keyOfNeed is the KMS key of the stack a need is on, when the stack
// writes its key policy (a key without one has the default key policy,
// which delegates to IAM).
func (m *model) keyOfNeed(n need) *Resource {
	if !strings.HasPrefix(n.action, "kms:") {
		return nil
	}
	k := m.keyFor(n.resource)
	if k == nil || valueOf(k, "policy").st == absent {
		return nil
	}
	if s, ok := valueOf(k, "policy").str(); ok && s == "" {
		return nil
	}
	return k
}

// keyPolicies says some of needs is on a key of the stack with a key
// policy.
func (m *model) keyPolicies(needs []need) bool {
	for _, n := range needs {
		if m.keyOfNeed(n) != nil {
			return true
		}
	}
	return false
}

// keyDecision decides a kms: need on a key of the stack with its key
// policy, which must allow the request even within one account: for the
// role, or for its account (delegating to the account's IAM policies).
func (m *model) keyDecision(role *Resource, srcs []policySource, key *Resource, n need) (iampolicy.Result, iampolicy.Request, lambdafacts.TargetPolicy) {
	kp := docSource(key, "policy", lambdafacts.KeyPolicyLabel(key.Name), valueOf(key, "policy"))
	tp := lambdafacts.TargetPolicy{Label: kp.label, Doc: kp.doc}
	identity, bounded, boundary := m.identityOf(role, srcs)
	r, req := lambdafacts.AuthorizeKeyUse(m.callerOf(role), identity, bounded, boundary, tp, lambdafacts.Permission{Action: n.action, Resource: n.resource})
	return r, req, tp
}

// checkKeyPolicy flags a kms: need the key policy of a key of the stack
// denies the role, or neither allows it nor delegates to IAM.
func (m *model) checkKeyPolicy(role *Resource, srcs []policySource, key *Resource, n need, problems, fixes *[]string) {
	r, req, kp := m.keyDecision(role, srcs, key, n)
	if problem, fix := lambdafacts.KeyPolicyProblem(r, req, kp, labelOf(role)); problem != "" {
		*problems = append(*problems, problem)
		*fixes = append(*fixes, fix)
	}
}

// roleAccount is the account of a role of the stack: its ARN's, else its
// provider's ("" when neither is known).
func (m *model) roleAccount(role *Resource) string {
	if a := accountOfARN(knownARN(role)); a != "" {
		return a
	}
	return m.ix.placeOf(role).Account
}
