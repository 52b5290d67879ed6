package asyncpolicy

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// need is one permission the execution role must have.
type need struct {
	action, resource string
}

// required lists what the role needs to deliver to d, from the rulebook;
// nil when d's ARN or kind is unknown, or the kind cannot go in d's slot
// (ASYNC002 reports that).
func (m *model) required(d dest) []need {
	if d.arn == "" || d.spec == nil || d.spec.URI {
		return nil
	}
	if d.slot != slotEither && !d.spec.Accepts(d.slot) {
		return nil
	}
	var out []need
	for _, p := range d.spec.Needs(d.arn) {
		out = append(out, need{p.Action, p.Resource})
	}
	if d.spec.Keyed && d.res != nil {
		if key, _ := m.customerKey(d.res); key != "" {
			for _, p := range d.spec.KeyNeeds(key) {
				out = append(out, need{p.Action, p.Resource})
			}
		}
	}
	return out
}

// customerKey returns the ARN of the customer-managed KMS key of the stack
// that encrypts a queue or topic, or "" when there is none, it is
// AWS-managed, it is outside the stack or its ARN is unknown.
func (m *model) customerKey(t *Resource) (string, *Resource) {
	owner, depKey, v := m.keyReference(t)
	var key *Resource
	switch v.st {
	case absent:
		return "", nil
	case known:
		s, _ := v.str()
		if lambdafacts.IsAWSManagedAlias(s) {
			return "", nil
		}
		key = m.keyFor(s)
	default:
		if c := m.ix.depsOfType(owner, depKey, tKey, tKeyAlias); len(c) == 1 {
			key = c[0]
			if key.Type == tKeyAlias {
				key = m.aliasKey(key)
			}
		}
	}
	if key == nil {
		return "", nil
	}
	return knownARN(key), key
}

// keyReference finds where a target names the KMS key it is encrypted
// with: a queue's or topic's kmsMasterKeyId; a bucket's default
// encryption, in its own arguments or in a separate server-side
// encryption configuration of the stack. It returns the resource holding
// it and the top-level input whose dependencies explain an unknown value.
func (m *model) keyReference(t *Resource) (*Resource, string, val) {
	switch t.Type {
	case tQueue, tTopic:
		return t, "kmsMasterKeyId", valueOf(t, "kmsMasterKeyId")
	case tBucket:
		return t, "serverSideEncryptionConfiguration", valueOf(t, "serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault", "kmsMasterKeyId")
	case tBucketV2:
		for _, c := range m.ix.byType[tBucketEncryption] {
			if namesBucket(c, t) {
				return c, "rules", sseRuleKey(valueOf(c, "rules"), "applyServerSideEncryptionByDefault")
			}
		}
		return t, "serverSideEncryptionConfigurations", sseRuleKey(firstOf(valueOf(t, "serverSideEncryptionConfigurations"), "rules"), "applyServerSideEncryptionByDefaults")
	}
	return t, "", val{}
}

// firstOf is the field of the first element of a list value.
func firstOf(v val, field string) val {
	if l, ok := v.list(); ok && len(l) > 0 {
		if isUnknown(l[0]) {
			return val{st: unknown}
		}
		if e, ok := l[0].(map[string]any); ok {
			return lookup(e, []string{field})
		}
	}
	if v.unknown() {
		return v
	}
	return val{}
}

// sseRuleKey is the KMS key of the first rule with an aws:kms default
// encryption; byDefault is the rule's field holding it (a list in
// BucketV2, an object in the configuration resource).
func sseRuleKey(rules val, byDefault string) val {
	if rules.unknown() {
		return rules
	}
	list, _ := rules.list()
	for _, r := range list {
		if isUnknown(r) {
			return val{st: unknown}
		}
		rm, _ := r.(map[string]any)
		d := lookup(rm, []string{byDefault})
		if l, ok := d.list(); ok && len(l) > 0 {
			d = val{v: l[0], st: known}
		}
		dm, _ := d.v.(map[string]any)
		alg, _ := lookup(dm, []string{"sseAlgorithm"}).str()
		if d.unknown() {
			return d
		}
		if alg != "aws:kms" && alg != "aws:kms:dsse" {
			continue
		}
		k := lookup(dm, []string{"kmsMasterKeyId"})
		if k.st == absent {
			return val{} // the AWS-managed aws/s3 key
		}
		return k
	}
	return val{}
}

// keyFor finds the kms Key a key id, key ARN, alias name or alias ARN
// refers to.
func (m *model) keyFor(s string) *Resource {
	id := s
	if a, ok := parseARN(s); ok {
		if a.Service != "kms" {
			return nil
		}
		if strings.HasPrefix(a.Resource, "alias/") {
			return m.aliasKey(m.aliasNamed(a.Resource, s))
		}
		id = strings.TrimPrefix(a.Resource, "key/")
	} else if strings.HasPrefix(s, "alias/") {
		return m.aliasKey(m.aliasNamed(s, ""))
	}
	for _, k := range m.ix.byType[tKey] {
		if knownARN(k) == s {
			return k
		}
		if kid, ok := valueOf(k, "keyId").str(); ok && kid == id {
			return k
		}
	}
	return nil
}

func (m *model) aliasNamed(name, arnStr string) *Resource {
	for _, al := range m.ix.byType[tKeyAlias] {
		if physicalName(al) == name || (arnStr != "" && knownARN(al) == arnStr) {
			return al
		}
	}
	return nil
}

// aliasKey returns the key a kms Alias points at.
func (m *model) aliasKey(al *Resource) *Resource {
	if al == nil {
		return nil
	}
	v := valueOf(al, "targetKeyId")
	if s, ok := v.str(); ok {
		if strings.HasPrefix(s, "alias/") {
			return nil
		}
		return m.keyFor(s)
	}
	if c := m.ix.depsOfType(al, "targetKeyId", tKey); len(c) == 1 {
		return c[0]
	}
	return nil
}

// checkPermissions is ASYNC001.
func checkPermissions(m *model, emit emitFunc) {
	for _, f := range m.functions {
		role := f.role.res
		if role == nil {
			continue // the role is outside the stack or unknown
		}
		srcs := m.roleSources(role)
		for _, d := range f.destinations() {
			needs := m.required(d)
			if len(needs) == 0 {
				continue
			}
			var missing []need
			var denied []string
			var denyFix []string
			var allowed []iampolicy.Permission
			for _, n := range needs {
				dec, src := decide(srcs, n.action, n.resource)
				switch dec {
				case iampolicy.NotAllowed:
					missing = append(missing, n)
				case iampolicy.Denied:
					denied = append(denied, fmt.Sprintf("denies %s on %s (explicit Deny in %s)", n.action, n.resource, src.label))
					denyFix = append(denyFix, fmt.Sprintf("remove the Deny of %s on %s from %s", n.action, n.resource, src.label))
				case iampolicy.Allowed:
					allowed = append(allowed, iampolicy.Permission{Action: n.action, Resource: n.resource})
				}
			}
			// What the role's policies allow, its permissions boundary
			// must allow too.
			if bounded, b := m.boundaryOf(role); bounded && b.doc != nil && len(allowed) > 0 {
				blocked, bDenied, _ := lambdafacts.BoundaryBlocks(*b.doc, allowed)
				if len(blocked) > 0 {
					denied = append(denied, lambdafacts.BoundaryProblem(b.label, blocked, false))
					denyFix = append(denyFix, lambdafacts.BoundaryFix(b.label, blocked))
				}
				if len(bDenied) > 0 {
					denied = append(denied, lambdafacts.BoundaryProblem(b.label, bDenied, true))
					denyFix = append(denyFix, fmt.Sprintf("remove the Deny of %s from the permissions boundary %s", strings.Join(bDenied, ", "), b.label))
				}
			}
			m.checkResourcePolicies(f, role, srcs, d, needs, emit)
			if len(missing) == 0 && len(denied) == 0 {
				continue
			}
			var parts, fixes []string
			if len(missing) > 0 {
				parts = append(parts, "does not allow "+groupNeeds(missing))
				fixes = append(fixes, fmt.Sprintf("allow %s in a policy of %s (for example an aws:iam/rolePolicy:RolePolicy) and make %s depend on it", groupNeeds(missing), labelOf(role), labelOf(d.owner)))
			}
			parts = append(parts, denied...)
			fixes = append(fixes, denyFix...)
			problem := fmt.Sprintf("the %s is %s, but execution role %s of function %q %s, so Lambda rejects the configuration",
				slotLabel(d.slot), d.describeLong(), labelOf(role), f.name, strings.Join(parts, "; "))
			emit(d.owner, d.field, message(d.owner, d.field, problem, strings.Join(fixes, "; ")))
		}
		for _, d := range f.destinations() {
			checkOutsideKey(m, f, role, srcs, d, emit)
		}
		for _, mm := range f.mappings {
			checkSourceKey(m, role, srcs, mm, emit)
		}
	}
}

// checkSourceKey flags a mapping whose source (a queue of the stack,
// or a Kinesis stream) is encrypted with a customer-managed key of the
// stack the role may not decrypt with.
func checkSourceKey(m *model, role *Resource, srcs []policySource, mm *mappingModel, emit emitFunc) {
	q := m.mappingQueue(mm)
	if q == nil {
		return
	}
	key, _ := m.customerKey(q)
	if key == "" {
		return
	}
	for _, n := range lambdafacts.SourceKeyNeeds(key) {
		dec, src := decide(srcs, n.Action, n.Resource)
		var fix string
		switch dec {
		case iampolicy.NotAllowed:
			fix = fmt.Sprintf("allow %s on %s in a policy of %s and make %s depend on it", n.Action, n.Resource, labelOf(role), labelOf(mm.res))
		case iampolicy.Denied:
			fix = fmt.Sprintf("remove the Deny of %s on %s from %s", n.Action, n.Resource, src.label)
		default:
			continue
		}
		problem := lambdafacts.SourceKeyMissing(labelOf(q), key, labelOf(role))
		emit(mm.res, "eventSourceArn", message(mm.res, "eventSourceArn", problem, fix))
	}
}

// mappingQueue is the SQS queue of the stack a mapping reads (by its ARN,
// or the one queue its unknown ARN depends on); nil otherwise.
func (m *model) mappingQueue(mm *mappingModel) *Resource {
	r := mm.res
	v := valueOf(r, "eventSourceArn")
	if s, ok := v.str(); ok {
		if t := m.ix.target(r, s); t != nil && t.Type == tQueue {
			return t
		}
		return nil
	}
	if v.unknown() {
		if c := m.ix.depsOfType(r, "eventSourceArn", tQueue); len(c) == 1 && len(propDeps(r, "eventSourceArn")) == 1 {
			return c[0]
		}
	}
	return nil
}

// checkOutsideKey flags a destination encrypted with a customer-managed
// key the stack does not hold when the role has no KMS statement at all:
// under a key policy that delegates to IAM (the default), the role can
// then not use the key. (A key policy naming the role would grant it
// without one, which the stack cannot show; a role with any KMS statement
// is given the benefit of the doubt.)
func checkOutsideKey(m *model, f *fnModel, role *Resource, srcs []policySource, d dest, emit emitFunc) {
	ref, ok := outsideKeyRef(m, d)
	if !ok || !noKMSStatement(srcs) {
		return // no key outside the stack, or ASYNC010 says what its policy must allow
	}
	key, err := lambdafacts.KeyARN(ref, d.arn, "", "")
	if err != nil || lambdafacts.IsCustomAlias(ref) {
		key = "the key behind " + ref
	}
	var actions []string
	for _, p := range d.spec.KeyGrantsOn(key) {
		actions = append(actions, p.Action)
	}
	problem := fmt.Sprintf("the %s is %s, encrypted with the customer-managed key %q, which is not in the stack, and execution role %s of function %q has no KMS statement at all, so no delivery can use the key",
		slotLabel(d.slot), d.describeLong(), ref, labelOf(role), f.name)
	fix := fmt.Sprintf("allow %s on %s in a policy of %s (and keep the key's policy delegating to IAM, or naming the role)", strings.Join(actions, ", "), key, labelOf(role))
	emit(d.owner, d.field, message(d.owner, d.field, problem, fix))
}

// groupNeeds renders needs as "a, b on X and c on Y", keeping their order.
func groupNeeds(ns []need) string {
	ps := make([]lambdafacts.Permission, len(ns))
	for i, n := range ns {
		ps[i] = lambdafacts.Permission{Action: n.action, Resource: n.resource}
	}
	return lambdafacts.GroupNeeds(ps)
}

// namesBucket reports whether r's bucket input is bucket t: its name or
// id, or (when unknown) a dependency on it.
func namesBucket(r, t *Resource) bool {
	v := valueOf(r, "bucket")
	if s, ok := v.str(); ok {
		name, _ := valueOf(t, "bucket").str()
		return s == name || (t.ID != "" && s == t.ID)
	}
	for _, u := range propDeps(r, "bucket") {
		if u == t.URN {
			return true
		}
	}
	return false
}

// mayAllowKMS reports whether an Allow statement may cover a kms: action:
// one of its actions is kms:..., * or a pattern that matches kms:, or it
// lists NotAction.
func mayAllowKMS(st iampolicy.Statement) bool {
	if len(st.NotAction) > 0 {
		return true
	}
	for _, a := range st.Action {
		l := strings.ToLower(a)
		if strings.HasPrefix(l, "kms:") || iampolicy.WildcardMatch(l, "kms:", true) || iampolicy.WildcardMatch(l, "kms:x", true) {
			return true
		}
	}
	return false
}
