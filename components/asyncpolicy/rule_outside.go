package asyncpolicy

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// checkOutsideStack is ASYNC010: a delivery that AWS authorizes with a
// policy the stack does not hold, which the rules therefore cannot read.
// Once per function and target, it says which policy that is and exactly
// what it must allow, to which role or account:
//
//   - the role's permissions boundary, when it is a policy outside the
//     stack that is not an AWS managed policy of iampolicy's table: it
//     must allow what the delivery needs;
//   - the target's resource-based policy, when the target is in another
//     account than the role's and the stack holds no resource-based
//     policy of it (a target outside the stack given by ARN, or a queue,
//     topic, bus or bucket of the stack without one): across accounts it
//     must allow the role too;
//   - the key policy of the customer-managed KMS key outside the stack
//     that encrypts a target of the stack: it must allow the role, or
//     delegate to IAM. (When the role has no KMS statement at all,
//     ASYNC001 reports the key instead: see checkOutsideKey.)
//
// What the stack holds is judged by ASYNC001; this rule is advisory.
func checkOutsideStack(m *model, emit emitFunc) {
	for _, f := range m.functions {
		role := f.role.res
		if role == nil {
			continue // a role outside the stack: nothing of it is read
		}
		srcs := m.roleSources(role)
		roleARN := knownARN(role)
		place := m.ix.placeOf(role)
		roleAccount := accountOfARN(roleARN)
		if roleAccount == "" {
			roleAccount = place.Account
		}
		partition := place.Partition
		if a, ok := parseARN(roleARN); ok {
			partition = a.Partition
		}
		if partition == "" {
			partition = "aws"
		}
		principal := roleARN
		if principal == "" {
			principal = labelOf(role)
		}
		boundary := outsideBoundary(m, role)
		done := map[string]bool{}
		for _, d := range f.destinations() {
			needs := m.required(d)
			if len(needs) == 0 || d.spec.CheckARN(d.arn) != nil {
				continue // nothing to deliver, or a target Lambda refuses (ASYNC002)
			}
			target := d.arn
			if d.res != nil {
				target = d.res.URN
			}
			if done[target] {
				continue
			}
			// policies name the policies outside the stack; checkable
			// those ASYNC001 would read in the stack (all but a function's
			// permissions).
			var parts, policies, checkable []string
			all := append([]need(nil), needs...)
			var keyPart, keyPolicy string
			if ref, ok := outsideKeyRef(m, d); ok && !noKMSStatement(srcs) {
				at := m.ix.placeOf(d.res)
				key, err := lambdafacts.KeyARN(ref, d.arn, at.Region, at.Account)
				known := err == nil && !lambdafacts.IsCustomAlias(ref)
				if known {
					for _, p := range d.spec.KeyNeeds(key) {
						all = append(all, need{p.Action, p.Resource})
					}
				}
				keyPolicy = "the key policy of " + key
				if !known {
					keyPolicy = "the key policy of the key behind " + ref
				}
				who := principal
				if acct := accountOfARN(key); known && acct != "" && roleAccount != "" && acct != roleAccount {
					who += fmt.Sprintf(" (or its account %s; across accounts the key policy cannot delegate to the role's IAM policies)", roleAccount)
				} else if roleAccount != "" {
					who += fmt.Sprintf(", or delegate to IAM (allow arn:%s:iam::%s:root, as the default key policy does)", partition, roleAccount)
				}
				keyPart = fmt.Sprintf("it is encrypted with the customer-managed KMS key %q, which is not in the stack: %s must allow %s to %s",
					ref, keyPolicy, strings.Join(d.spec.KeyActions, ", "), who)
			}
			if boundary != "" {
				parts = append(parts, fmt.Sprintf("the role's permissions boundary %s is not in the stack: it must allow %s", boundary, groupNeeds(all)))
				policies = append(policies, "the permissions boundary "+boundary)
				checkable = append(checkable, "the permissions boundary "+boundary)
			}
			if p, pol := m.outsideResourcePolicy(d, needs, roleAccount, principal); p != "" {
				parts = append(parts, p)
				policies = append(policies, pol)
				if d.spec.Kind != lambdafacts.KindLambda {
					checkable = append(checkable, pol)
				}
			}
			if keyPart != "" {
				parts = append(parts, keyPart)
				policies = append(policies, keyPolicy)
				checkable = append(checkable, keyPolicy)
			}
			if len(parts) == 0 {
				continue
			}
			done[target] = true
			problem := fmt.Sprintf("the %s of function %q is %s, and whether execution role %s may deliver to it depends on policies outside the stack, which the rules cannot read: %s",
				slotLabel(d.slot), f.name, d.describeLong(), labelOf(role), strings.Join(parts, "; "))
			verb := "allows"
			if len(policies) > 1 {
				verb = "allow"
			}
			fix := fmt.Sprintf("make sure that %s %s it", strings.Join(policies, " and "), verb)
			switch {
			case len(checkable) == 1 && len(policies) == 1:
				fix += ", or bring it into the stack so that ASYNC001 checks it"
			case len(checkable) == len(policies):
				fix += ", or bring them into the stack so that ASYNC001 checks them"
			case len(checkable) > 0:
				// A function outside the stack, with a boundary outside it
				// (a key policy is only read for targets of the stack).
				fix += fmt.Sprintf(", or bring %s into the stack so that ASYNC001 checks it", strings.Join(checkable, " and "))
			}
			emit(d.owner, d.field, message(d.owner, d.field, problem, fix))
		}
	}
}

// outsideBoundary is the ARN of the role's permissions boundary when it
// is a policy outside the stack that iampolicy's table does not know
// either; "" otherwise (no boundary, one of the stack, an AWS managed one
// of the table, or one not known until deploy).
func outsideBoundary(m *model, role *Resource) string {
	s, ok := valueOf(role, "permissionsBoundary").str()
	if !ok || s == "" || m.policyNamed(s) != nil {
		return ""
	}
	if _, managed := iampolicy.Managed(s); managed {
		return ""
	}
	return s
}

// outsideResourcePolicy says what the resource-based policy of d's target
// must allow when it is in another account than the role's and the stack
// holds none of its resource-based policies: a target outside the stack
// (by ARN), or a queue, topic, bus or bucket of the stack without one.
// It returns the part of the message and the policy's name for the fix.
func (m *model) outsideResourcePolicy(d dest, needs []need, roleAccount, principal string) (string, string) {
	if roleAccount == "" || d.spec == nil {
		return "", ""
	}
	account := m.accountOutside(d.res, d.arn, roleAccount)
	if account == "" {
		return "", ""
	}
	where := "outside the stack"
	if d.res != nil {
		where = "in the stack, which holds none of its resource-based policies"
	}
	var resourceNeeds []lambdafacts.Permission
	for _, n := range needs {
		if !strings.HasPrefix(n.action, "kms:") {
			resourceNeeds = append(resourceNeeds, lambdafacts.Permission{Action: n.action, Resource: n.resource})
		}
	}
	part := lambdafacts.OutsideResourcePolicy(d.spec, account, where, roleAccount, resourceNeeds, principal)
	return part, "the " + lambdafacts.ResourcePolicyName(d.spec) + " of " + d.describe()
}

// accountOutside is the account of a target (t, nil when it is outside the
// stack, with ARN arn) whose resource-based policy decides a request of a
// role of roleAccount but is not in the stack: a target in another
// account, outside the stack or of the stack without a policy of it in the
// stack; "" otherwise (one account, not known, or a function of the
// stack, whose Lambda permissions no rule reads for destinations). The
// rules say it (ASYNC010) and the simulator leaves such a delivery
// undecided (Permissions.Explain).
func (m *model) accountOutside(t *Resource, arn, roleAccount string) string {
	account := accountOfARN(arn)
	if t != nil {
		switch t.Type {
		case tQueue, tTopic, tBus, tBucket, tBucketV2:
		default:
			return ""
		}
		if len(m.resourcePolicies(t)) > 0 {
			return "" // ASYNC001 decides with them
		}
		if account == "" {
			account = m.ix.placeOf(t).Account
		}
	}
	if account == "" || roleAccount == "" || account == roleAccount {
		return ""
	}
	return account
}

// outsideKeyRef is the reference to the customer-managed KMS key outside
// the stack that encrypts d's target, a resource of the stack whose kind
// can be encrypted (ok is false when there is none, it is AWS managed, a
// key of the stack, or not known).
func outsideKeyRef(m *model, d dest) (string, bool) {
	if d.arn == "" || d.spec == nil || !d.spec.Keyed || d.res == nil {
		return "", false
	}
	if d.slot != slotEither && !d.spec.Accepts(d.slot) {
		return "", false
	}
	_, _, v := m.keyReference(d.res)
	ref, ok := v.str()
	if !ok || ref == "" || lambdafacts.IsAWSManagedAlias(ref) {
		return "", false
	}
	if _, k := m.customerKey(d.res); k != nil || m.keyFor(ref) != nil {
		return "", false // a key of the stack: required() covers it
	}
	if lambdafacts.IsCustomAlias(ref) {
		name := ref
		if a, ok := parseARN(ref); ok {
			name = a.Resource
		}
		if m.aliasNamed(name, ref) != nil {
			return "", false // an alias of the stack, whose key is not known yet
		}
	}
	return ref, true
}

// noKMSStatement reports whether every policy of the role is known and
// none has an Allow statement that may cover a kms: action.
func noKMSStatement(srcs []policySource) bool {
	for _, s := range srcs {
		if s.doc == nil {
			return false // a document not known may hold one
		}
		for _, st := range s.doc.Statements {
			if st.Allows() && mayAllowKMS(st) {
				return false
			}
		}
	}
	return true
}
