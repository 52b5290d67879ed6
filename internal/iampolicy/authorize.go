package iampolicy

import "strings"

// Authorize decides one request the way AWS's enforcement code does
// (IAM User Guide, "Policy evaluation logic" and its pages on requests
// within one account, cross-account requests and permissions boundaries;
// KMS Developer Guide, "Key policies"), with three values: Allowed,
// NotAllowed or Denied when the policies decide it, Undecided when what
// decides it is not known to the library.
//
// The rules it follows, each case of authorize_test.go naming its page:
//
//   - an explicit Deny that applies, in any policy, wins;
//   - a role's identity-based policies allow only what its permissions
//     boundary allows too (the intersection);
//   - within one account, the identity-based side or the resource-based
//     policy allowing the request is enough; a resource-based policy that
//     names the role's ARN is limited by the boundary as well (one that
//     names the role's session is not; one that grants to anyone, "*",
//     decides nothing under a boundary that does not allow the request);
//   - across accounts, both must allow: the identity-based side in the
//     caller's account, and the resource-based policy (for the role, for
//     anyone, or for the caller's account);
//   - a KMS key's policy must allow the request even within one account:
//     for the role (or anyone) directly, or for the role's account, which
//     delegates to the account's identity-based policies (the default key
//     policy's "Enable IAM policies" statement);
//   - a request a service makes (Lambda's invocation by EventBridge, SNS,
//     S3) is allowed by the resource-based policy only.
//
// What the library cannot know makes the decision Undecided when it could
// change it: a policy that cannot be read (outside the stack, or not
// known until deploy), a Condition on a key other than [ContextKeys] or
// with an operator it does not decide, a principal it cannot match (a
// role whose ARN is not known, a role session, a unique ID), and whether
// the caller and the resource are in one account when either account is
// not known. Each such unknown is taken to be independent of the others,
// so an Undecided may be one that knowing how they relate would decide;
// an Allowed, NotAllowed or Denied never is.
func Authorize(req Request, p Policies) Result {
	var worlds []bool // same account?
	switch {
	case req.Caller.Service != "":
		worlds = []bool{false}
	case req.Caller.Account != "" && req.ResourceAccount != "":
		worlds = []bool{req.Caller.Account == req.ResourceAccount}
	default:
		worlds = []bool{true, false}
	}
	e := newEvaluation(req, p)
	var results []Result
	for _, same := range worlds {
		results = append(results, e.decide(same))
	}
	out := results[0]
	for _, r := range results[1:] {
		out = merge(out, r)
	}
	if len(worlds) > 1 && out.Decision == Undecided && results[0].Decision != results[1].Decision {
		out.AccountUnknown = true
	}
	return out
}

// Caller is who sends a request: an execution role, or a service.
type Caller struct {
	// RoleARN is the role's ARN, arn:<partition>:iam::<account>:role/
	// [<path>/]<name>; "" when it is not known.
	RoleARN string
	// Account is the caller's account; "" when it is not known.
	Account string
	// Service is the service principal of a request a service makes
	// itself (events.amazonaws.com); "" for a role.
	Service string
	// SourceARN and SourceAccount are the resource and account a service
	// acts for (aws:SourceArn, aws:SourceAccount); "" when not known.
	SourceARN, SourceAccount string
}

// Request is one API call to authorize.
type Request struct {
	Caller           Caller
	Action, Resource string
	// ResourceAccount is the account that owns the resource; "" when it is
	// not known.
	ResourceAccount string
}

// Policies are the policies AWS evaluates for a request. A nil document
// is a policy that cannot be read (outside the stack, or not known until
// deploy).
type Policies struct {
	// Identity are the caller's identity-based policies.
	Identity []*Document
	// Bounded says the caller has a permissions boundary, Boundary its
	// document (nil when it cannot be read).
	Bounded  bool
	Boundary *Document
	// Resource are the resource's resource-based policies: none is a
	// resource without one.
	Resource []*Document
	// KeyPolicy says the resource is a KMS key and Resource holds its key
	// policy, which must allow the request even within one account.
	KeyPolicy bool
}

// Part is a kind of policy of [Policies].
type Part int

// The parts.
const (
	PartIdentity Part = iota
	PartBoundary
	PartResource
)

func (p Part) String() string {
	switch p {
	case PartBoundary:
		return "permissions boundary"
	case PartResource:
		return "resource-based policy"
	}
	return "identity-based policy"
}

// Where is a policy of a part (its index in the part), and a statement of
// it (its index; -1 for the policy as a whole, one that cannot be read).
type Where struct {
	Part      Part
	Policy    int
	Statement int
}

// Result is a decision and what makes it.
type Result struct {
	Decision Decision
	// Deny is the Deny statement that decides a Denied request (the first
	// one, identity-based policies first, then the boundary, then the
	// resource's).
	Deny *Where
	// Missing lists the parts whose Allow a NotAllowed request lacks:
	// PartIdentity (no identity-based policy allows it), PartBoundary (the
	// boundary does not), PartResource (the resource-based policy does
	// not, where it must: across accounts, and a key policy always).
	Missing []Part
	// Open lists, for an Undecided request, the statements (and policies
	// that cannot be read) whose outcome is not known.
	Open []Where
	// AccountUnknown says an Undecided request would be decided by knowing
	// whether the caller and the resource are in one account.
	AccountUnknown bool
}

// tri is a three-valued truth: no, yes, or maybe (it depends on what is
// not known). The evaluation is Kleene's logic, exact for these formulas:
// every unknown appears in them with one sign only.
type tri uint8

const (
	no tri = iota
	yes
	maybe
)

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == yes && b == yes:
		return yes
	}
	return maybe
}

func or(a, b tri) tri {
	switch {
	case a == yes || b == yes:
		return yes
	case a == no && b == no:
		return no
	}
	return maybe
}

func not(a tri) tri {
	switch a {
	case yes:
		return no
	case no:
		return yes
	}
	return maybe
}

// evaluation holds what the worlds share: the request's condition
// context and each part's outcome.
type evaluation struct {
	req Request
	p   Policies
	// identity and boundary allow; the boundary's is yes without one.
	identity, boundary tri
	// session, role and account are the resource-based policy's Allows
	// for anyone (and named sessions), for the role's ARN, and for the
	// caller's account.
	session, role, account tri
	deny                   tri
	denyAt                 *Where
	open                   []Where
	// anyoneAt are the resource-based Allows for anyone, which a boundary
	// leaves open.
	anyoneAt []Where
}

func newEvaluation(req Request, p Policies) *evaluation {
	e := &evaluation{req: req, p: p, boundary: yes, deny: no}
	ctx := map[string]contextValue{}
	c := req.Caller
	if c.Service == "" {
		ctx["aws:principalarn"] = contextValue{c.RoleARN, c.RoleARN != ""}
		ctx["aws:principalaccount"] = contextValue{c.Account, c.Account != ""}
	} else {
		ctx["aws:sourcearn"] = contextValue{c.SourceARN, c.SourceARN != ""}
		ctx["aws:sourceaccount"] = contextValue{c.SourceAccount, c.SourceAccount != ""}
	}
	if c.Service == "" {
		e.identity = e.part(PartIdentity, p.Identity, ctx, nil)
		if p.Bounded {
			e.boundary = e.part(PartBoundary, []*Document{p.Boundary}, ctx, nil)
		}
	}
	e.part(PartResource, p.Resource, ctx, e)
	return e
}

// part evaluates the documents of one part: its Allow (for identity-based
// policies and the boundary), or, for the resource's, each class of its
// Allows (into e). Its Denies go into e.deny.
func (e *evaluation) part(part Part, docs []*Document, ctx map[string]contextValue, res *evaluation) tri {
	allow := no
	for i, d := range docs {
		if d == nil {
			e.open = append(e.open, Where{part, i, -1})
			e.deny = or(e.deny, maybe)
			if res != nil {
				res.session = or(res.session, maybe)
			} else {
				allow = or(allow, maybe)
			}
			continue
		}
		for j, s := range d.Statements {
			if !s.Matches(e.req.Action, e.req.Resource) {
				continue
			}
			cond := conditionOf(s, ctx)
			var who classes
			if res != nil {
				who = e.principalOf(s)
			} else {
				who = classes{session: yes} // an identity-based policy applies to its identity
			}
			applies := and(cond, who.any())
			if applies == no {
				continue
			}
			at := Where{part, i, j}
			if applies == maybe {
				e.open = append(e.open, at)
			}
			switch {
			case s.Denies():
				if applies == yes && e.denyAt == nil {
					e.denyAt = &at
				}
				e.deny = or(e.deny, applies)
			case !s.Allows():
			case res != nil:
				if and(cond, who.session) != no {
					res.anyoneAt = append(res.anyoneAt, at)
				}
				res.session = or(res.session, and(cond, who.session))
				res.role = or(res.role, and(cond, who.role))
				res.account = or(res.account, and(cond, who.account))
			default:
				allow = or(allow, applies)
			}
		}
	}
	return allow
}

// conditionOf decides a statement's Condition: every part must hold.
func conditionOf(s Statement, ctx map[string]contextValue) tri {
	if !s.HasCondition {
		return yes
	}
	if s.Conditions == nil {
		return maybe
	}
	out := yes
	for _, c := range s.Conditions {
		out = and(out, evalCondition(c, ctx))
	}
	return out
}

// classes are how a resource-based statement's principals name the
// caller: as anyone or by a session (not limited by a boundary), by the
// role's ARN, or by its account.
type classes struct{ session, role, account tri }

func (c classes) any() tri { return or(c.session, or(c.role, c.account)) }

// principalOf matches a resource-based statement's Principal or
// NotPrincipal with the caller.
func (e *evaluation) principalOf(s Statement) classes {
	switch {
	case s.Principals != nil:
		return e.principals(*s.Principals)
	case s.NotPrincipals != nil:
		// Everyone but those listed: as anyone.
		return classes{session: not(e.principals(*s.NotPrincipals).any()), role: no, account: no}
	}
	return classes{} // a resource-based statement without a principal applies to no one
}

func (e *evaluation) principals(p Principals) classes {
	c := e.req.Caller
	out := classes{}
	if p.Any {
		out.session = yes
	}
	if p.Unreadable {
		out.session = or(out.session, maybe)
	}
	if c.Service != "" {
		for _, s := range p.Service {
			if strings.EqualFold(s, c.Service) {
				out.session = yes
			}
		}
		return out
	}
	roleAccount, roleName := roleNameOf(c.RoleARN)
	for _, entry := range p.AWS {
		kind, account, name := classify(entry)
		// An entry of another account than the caller's, when that is
		// known, never names it.
		other := c.Account != "" && account != "" && account != c.Account
		switch kind {
		case entryAccount:
			switch {
			case c.Account == "":
				out.account = or(out.account, maybe)
			case account == c.Account:
				out.account = yes
			}
		case entryRole:
			switch {
			case c.RoleARN != "":
				out.role = or(out.role, triOf(entry == c.RoleARN))
			case !other:
				out.role = or(out.role, maybe)
			}
		case entrySession:
			// Lambda's session of the role: its session name is not known.
			switch {
			case c.RoleARN != "":
				if account == roleAccount && name == roleName {
					out.session = or(out.session, maybe)
				}
			case !other:
				out.session = or(out.session, maybe)
			}
		case entryOther:
			out.role = or(out.role, maybe)
		}
	}
	return out
}

// decide is the decision in one world: the caller and the resource in one
// account (same) or not.
func (e *evaluation) decide(same bool) Result {
	var allow tri
	idEff := and(e.identity, e.boundary)
	// A grant to anyone within the account: the IAM User Guide says a
	// boundary limits a grant to the role's ARN and not one to its
	// session, and not which of the two "*" is: under a boundary that does
	// not allow the request, such a grant decides nothing.
	anyone := e.session
	if e.p.Bounded {
		anyone = and(anyone, or(e.boundary, maybe))
	}
	switch {
	case e.req.Caller.Service != "":
		allow = e.session
	case !same:
		allow = and(idEff, or(e.session, or(e.role, e.account)))
	case e.p.KeyPolicy:
		allow = or(anyone, or(and(e.role, e.boundary), and(e.account, idEff)))
	default:
		allow = or(idEff, or(anyone, and(e.role, e.boundary)))
	}
	if e.deny == yes {
		return Result{Decision: Denied, Deny: e.denyAt}
	}
	switch and(allow, not(e.deny)) {
	case yes:
		return Result{Decision: Allowed}
	case no:
		return Result{Decision: NotAllowed, Missing: e.missing(same)}
	}
	open := append([]Where(nil), e.open...)
	if e.p.Bounded {
		open = unionWhere(open, e.anyoneAt)
	}
	return Result{Decision: Undecided, Open: open}
}

// missing lists the parts whose Allow a request that is not allowed
// lacks.
func (e *evaluation) missing(same bool) []Part {
	if e.req.Caller.Service != "" {
		return []Part{PartResource}
	}
	var out []Part
	if e.identity == no {
		out = append(out, PartIdentity)
	}
	if e.p.Bounded && e.boundary == no {
		out = append(out, PartBoundary)
	}
	if (!same || e.p.KeyPolicy) && or(e.session, or(e.role, e.account)) == no {
		out = append(out, PartResource)
	}
	return out
}

// merge is the decision of two worlds together: the same decision, a
// refusal either way (NotAllowed), or Undecided.
func merge(a, b Result) Result {
	switch {
	case a.Decision == b.Decision:
		if a.Decision == Undecided {
			a.Open = unionWhere(a.Open, b.Open)
		}
		return a
	case refused(a.Decision) && refused(b.Decision):
		if a.Decision == NotAllowed {
			return a
		}
		return b
	}
	open := unionWhere(a.Open, b.Open)
	return Result{Decision: Undecided, Open: open}
}

func refused(d Decision) bool { return d == NotAllowed || d == Denied }

func unionWhere(a, b []Where) []Where {
	out := append([]Where(nil), a...)
	for _, w := range b {
		found := false
		for _, x := range out {
			found = found || x == w
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}
