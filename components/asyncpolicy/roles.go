package asyncpolicy

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// policySource is one policy document attached to a role.
type policySource struct {
	res   *Resource           // the resource to change to change the grant
	field string              // its input holding the document or reference
	label string              // names the document in messages
	doc   *iampolicy.Document // nil when the document is not known
}

// roleSources collects every policy document attached to role.
func (m *model) roleSources(role *Resource) []policySource {
	ix := m.ix
	var out []policySource
	unknownSrc := func(r *Resource, field, label string) {
		out = append(out, policySource{res: r, field: field, label: label})
	}

	// Inline policies on the role itself.
	inline := valueOf(role, "inlinePolicies")
	if inline.unknown() {
		unknownSrc(role, "inlinePolicies", "inline policies of "+labelOf(role))
	} else if list, ok := inline.list(); ok {
		for i, e := range list {
			field := fmt.Sprintf("inlinePolicies[%d].policy", i)
			if isUnknown(e) {
				unknownSrc(role, field, "inline policy of "+labelOf(role))
				continue
			}
			em, _ := e.(map[string]any)
			pv := lookup(em, []string{"policy"})
			name, named := lookup(em, []string{"name"}).str()
			if pv.st == absent {
				if named {
					// Named but without a document: the document was
					// unknown and left out. (The provider writes an entry
					// with empty name and policy when there is none.)
					unknownSrc(role, field, "inline policy of "+labelOf(role))
				}
				continue
			}
			out = append(out, docSource(role, field, fmt.Sprintf("inline policy %q of %s", name, labelOf(role)), pv))
		}
	}

	// aws:iam/rolePolicy:RolePolicy resources.
	for _, rp := range ix.byType[tRolePolicy] {
		switch attachedTo(ix, rp, "role", role) {
		case yes:
			out = append(out, docSource(rp, "policy", labelOf(rp), valueOf(rp, "policy")))
		case maybe:
			unknownSrc(rp, "policy", labelOf(rp))
		}
	}

	// Managed policies: attachments and the role's managedPolicyArns.
	for _, a := range ix.byType[tRolePolicyAttachment] {
		switch attachedTo(ix, a, "role", role) {
		case yes:
			out = append(out, m.attachedPolicy(a, "policyArn", valueOf(a, "policyArn")))
		case maybe:
			unknownSrc(a, "policyArn", labelOf(a))
		}
	}
	for _, a := range ix.byType[tPolicyAttachment] {
		switch listAttachedTo(ix, a, "roles", role) {
		case yes:
			out = append(out, m.attachedPolicy(a, "policyArn", valueOf(a, "policyArn")))
		case maybe:
			unknownSrc(a, "policyArn", labelOf(a))
		}
	}
	arns := valueOf(role, "managedPolicyArns")
	if arns.unknown() {
		unknownSrc(role, "managedPolicyArns", "managed policies of "+labelOf(role))
	} else if list, ok := arns.list(); ok {
		for _, e := range list {
			v := val{v: e, st: known}
			if isUnknown(e) {
				v = val{st: unknown}
			}
			out = append(out, m.attachedPolicy(role, "managedPolicyArns", v))
		}
	}
	return out
}

// docSource parses a policy document value.
func docSource(r *Resource, field, label string, v val) policySource {
	src := policySource{res: r, field: field, label: label}
	if !v.known() {
		return src
	}
	doc, err := stackgraph.DecodePolicy(v.v)
	if err != nil {
		return src // an invalid document fails at deploy; it is not judged here
	}
	src.doc = &doc
	return src
}

// attachedPolicy resolves a policy ARN attached by owner.field.
func (m *model) attachedPolicy(owner *Resource, field string, v val) policySource {
	by := " (attached by " + labelOf(owner) + ")"
	if s, ok := v.str(); ok {
		if p := m.policyNamed(s); p != nil {
			return docSource(p, "policy", labelOf(p)+by, valueOf(p, "policy"))
		}
		if doc, ok := iampolicy.Managed(s); ok {
			name := s[strings.LastIndex(s, "/")+1:]
			return policySource{res: owner, field: field, label: "AWS managed policy " + name + by, doc: &doc}
		}
		return policySource{res: owner, field: field, label: "policy " + s + by}
	}
	if ps := m.ix.depsOfType(owner, strings.SplitN(field, ".", 2)[0], tPolicy); len(ps) == 1 && field != "managedPolicyArns" {
		return docSource(ps[0], "policy", labelOf(ps[0])+by, valueOf(ps[0], "policy"))
	}
	return policySource{res: owner, field: field, label: "a policy" + by}
}

// policyNamed finds the customer managed policy with this ARN.
func (m *model) policyNamed(s string) *Resource {
	if r := m.ix.byARN[s]; r != nil && r.Type == tPolicy {
		return r
	}
	a, ok := parseARN(s)
	if !ok || a.Service != "iam" || iampolicy.IsAWSManagedARN(s) {
		return nil
	}
	for _, p := range m.ix.byType[tPolicy] {
		if knownARN(p) == "" && physicalName(p) == a.Name() {
			return p
		}
	}
	return nil
}

type tri int

const (
	no tri = iota
	yes
	maybe
)

// attachedTo tells whether r.key (a role name or ARN) names role.
func attachedTo(ix *index, r *Resource, key string, role *Resource) tri {
	v := valueOf(r, key)
	switch v.st {
	case absent:
		return no
	case known:
		s, _ := v.str()
		if namesRole(s, role) {
			return yes
		}
		return no
	}
	return depTri(r, key, role)
}

// listAttachedTo is attachedTo for a list of role names.
func listAttachedTo(ix *index, r *Resource, key string, role *Resource) tri {
	v := valueOf(r, key)
	switch v.st {
	case absent:
		return no
	case known:
		list, _ := v.list()
		anyUnknown := false
		for _, e := range list {
			if s, ok := e.(string); ok && namesRole(s, role) {
				return yes
			}
			if isUnknown(e) {
				anyUnknown = true
			}
		}
		if !anyUnknown {
			return no
		}
	}
	return depTri(r, key, role)
}

func depTri(r *Resource, key string, role *Resource) tri {
	deps := propDeps(r, key)
	for _, u := range deps {
		if u == role.URN {
			return yes
		}
	}
	if len(deps) > 0 {
		return no
	}
	return maybe
}

func namesRole(s string, role *Resource) bool {
	name, roleARN := physicalName(role), knownARN(role)
	switch {
	case s == "":
		return false
	case name != "" && s == name:
		return true
	case roleARN != "" && s == roleARN:
		return true
	}
	if a, ok := parseARN(s); ok && roleARN == "" && a.Service == "iam" {
		return name != "" && a.Name() == name
	}
	return false
}

// decide evaluates action on resource against a role's sources.
func decide(srcs []policySource, action, resource string) (iampolicy.Decision, *policySource) {
	var docs []iampolicy.Document
	var from []int
	undecided := false
	for i, s := range srcs {
		if s.doc == nil {
			undecided = true
			continue
		}
		docs = append(docs, *s.doc)
		from = append(from, i)
	}
	d, at := iampolicy.EvaluateWhich(docs, action, resource)
	switch {
	case d == iampolicy.Denied || d == iampolicy.Allowed:
		return d, &srcs[from[at]]
	case undecided:
		return iampolicy.Undecided, nil
	}
	return iampolicy.NotAllowed, nil
}

// boundaryOf is a role's permissions boundary: set says it has one, src
// its document (src.doc nil when it is outside the stack or not known
// until deploy). A policy of the stack is read from the stack; an AWS
// managed one from iampolicy's table.
func (m *model) boundaryOf(role *Resource) (set bool, src policySource) {
	const field = "permissionsBoundary"
	v := valueOf(role, field)
	switch v.st {
	case absent:
		return false, policySource{}
	case unknown:
		if ps := m.ix.depsOfType(role, field, tPolicy); len(ps) == 1 {
			return true, docSource(ps[0], "policy", labelOf(ps[0]), valueOf(ps[0], "policy"))
		}
		return true, policySource{res: role, field: field, label: "a policy not known until deploy"}
	}
	s, ok := v.str()
	if !ok || s == "" {
		return false, policySource{}
	}
	if p := m.policyNamed(s); p != nil {
		return true, docSource(p, "policy", labelOf(p), valueOf(p, "policy"))
	}
	if doc, ok := iampolicy.Managed(s); ok {
		return true, policySource{res: role, field: field, label: "AWS managed policy " + s[strings.LastIndex(s, "/")+1:], doc: &doc}
	}
	return true, policySource{res: role, field: field, label: "policy " + s}
}

// decideRole is decide with the role's permissions boundary: what the
// role's policies allow and its boundary does not is NotAllowed (or
// Denied by the boundary, or Undecided when the boundary is not known).
func (m *model) decideRole(role *Resource, srcs []policySource, action, resource string) (iampolicy.Decision, *policySource) {
	d, src := decide(srcs, action, resource)
	if d != iampolicy.Allowed {
		return d, src
	}
	set, b := m.boundaryOf(role)
	if !set {
		return d, src
	}
	if b.doc == nil {
		return iampolicy.Undecided, nil
	}
	blocked, denied, open := lambdafacts.BoundaryBlocks(*b.doc, []iampolicy.Permission{{Action: action, Resource: resource}})
	switch {
	case len(denied) > 0:
		return iampolicy.Denied, &b
	case len(blocked) > 0:
		return iampolicy.NotAllowed, &b
	case len(open) > 0:
		return iampolicy.Undecided, nil
	}
	return d, src
}
