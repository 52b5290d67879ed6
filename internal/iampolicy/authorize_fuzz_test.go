package iampolicy_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// FuzzAuthorize checks Authorize against a brute-force reference written
// here from the IAM pages, independently of it: the reference lists every
// value the library cannot know (each condition part it does not decide,
// each principal entry it cannot match, each policy that cannot be read,
// whether the caller and the resource share an account, whether a
// boundary limits a grant to anyone), decides the request with two
// values in every assignment of them, and calls it Allowed, Denied or
// NotAllowed when every assignment agrees (a refusal either way is
// NotAllowed), Undecided otherwise.
func FuzzAuthorize(f *testing.F) {
	for _, s := range []string{
		"", "\x01\x01\x01\x01\x00\x00\x01\x02\x03",
		"\x00\x02\x01\x02\x01\x00\x03\x01\x04\x02\x02\x01\x00\x01\x05\x03\x01\x02",
		"\x05\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16",
		strings.Repeat("\x03\x07\x01\x02", 16), strings.Repeat("\x11\x04\x09", 20),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &bytesIn{data}
		req, pol := authorization(in)
		ref := &authRef{cache: map[string]*regexp.Regexp{}}
		actions := []string{"sqs:SendMessage", in.word(actionChars+"*?", 4)}
		resources := []string{"a", in.word(resourceChars+"*?", 5)}
		for _, a := range actions {
			for _, r := range resources {
				req.Action, req.Resource = a, r
				want, ok := ref.decide(req, pol)
				if !ok {
					continue // too many unknowns to enumerate
				}
				got := iampolicy.Authorize(req, pol)
				if got.Decision != want {
					t.Fatalf("Authorize(%+v, %s) = %v, reference %v", req, policiesText(pol), got.Decision, want)
				}
				switch got.Decision {
				case iampolicy.Denied:
					if got.Deny == nil || !denies(pol, *got.Deny) {
						t.Fatalf("Authorize(%+v, %s): Denied by %+v, which is no Deny statement", req, policiesText(pol), got.Deny)
					}
				case iampolicy.NotAllowed:
					if len(got.Missing) == 0 {
						t.Fatalf("Authorize(%+v, %s): NotAllowed with no missing part", req, policiesText(pol))
					}
				case iampolicy.Undecided:
					if len(got.Open) == 0 && !got.AccountUnknown {
						t.Fatalf("Authorize(%+v, %s): Undecided with nothing open", req, policiesText(pol))
					}
				}
			}
		}
	})
}

func denies(p iampolicy.Policies, w iampolicy.Where) bool {
	var docs []*iampolicy.Document
	switch w.Part {
	case iampolicy.PartIdentity:
		docs = p.Identity
	case iampolicy.PartBoundary:
		docs = []*iampolicy.Document{p.Boundary}
	default:
		docs = p.Resource
	}
	if w.Policy >= len(docs) || docs[w.Policy] == nil || w.Statement < 0 || w.Statement >= len(docs[w.Policy].Statements) {
		return false
	}
	return strings.EqualFold(docs[w.Policy].Statements[w.Statement].Effect, "Deny")
}

func policiesText(p iampolicy.Policies) string {
	text := func(d *iampolicy.Document) string {
		if d == nil {
			return "(cannot be read)"
		}
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(strings.Join(statementsText(d), " "), "\n", " "), "  ", " "))
	}
	var parts []string
	for _, d := range p.Identity {
		parts = append(parts, "identity "+text(d))
	}
	if p.Bounded {
		parts = append(parts, "boundary "+text(p.Boundary))
	}
	for _, d := range p.Resource {
		parts = append(parts, "resource "+text(d))
	}
	if p.KeyPolicy {
		parts = append(parts, "(key policy)")
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func statementsText(d *iampolicy.Document) []string {
	var out []string
	for _, s := range d.Statements {
		out = append(out, strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(fmtStatement(s)), "&"), "\n", " "))
	}
	return out
}

func fmtStatement(s iampolicy.Statement) string {
	var b strings.Builder
	b.WriteString("{" + s.Effect + " A=" + strings.Join(s.Action, ",") + " NA=" + strings.Join(s.NotAction, ",") +
		" R=" + strings.Join(s.Resource, ",") + " NR=" + strings.Join(s.NotResource, ","))
	for name, p := range map[string]*iampolicy.Principals{"P": s.Principals, "NP": s.NotPrincipals} {
		if p != nil {
			b.WriteString(" " + name + "=" + strings.Join(append(append(append([]string{}, p.AWS...), p.Service...), p.Other...), ","))
			if p.Any {
				b.WriteString(",*")
			}
			if p.Unreadable {
				b.WriteString(",?")
			}
		}
	}
	if s.HasCondition {
		b.WriteString(" C=")
		if s.Conditions == nil {
			b.WriteString("?")
		}
		for _, c := range s.Conditions {
			b.WriteString(c.Operator + ":" + c.Key + "=" + strings.Join(c.Values, "|") + ";")
		}
	}
	return b.String() + "}"
}

// Pools the fuzz input draws from.
var (
	fuzzAccounts = []string{"", "111111111111", "222222222222"}
	fuzzRoles    = []string{"", "arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/p/a", "arn:aws:iam::222222222222:role/a"}
	fuzzEntries  = []string{
		"111111111111", "222222222222", "arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root",
		"arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/p/a", "arn:aws:iam::222222222222:role/a", "arn:aws:iam::111111111111:role/b",
		"arn:aws:sts::111111111111:assumed-role/a/s", "arn:aws:sts::222222222222:assumed-role/a/s", "arn:aws:iam::111111111111:user/u",
		"AROAEXAMPLE", "*",
	}
	fuzzServices = []string{"events.amazonaws.com", "sns.amazonaws.com", "EVENTS.amazonaws.com"}
	fuzzSources  = []string{"", "arn:aws:events:us-east-1:111111111111:rule/r", "arn:aws:events:us-east-1:111111111111:rule/s"}
	fuzzOps      = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
		"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "StringEqualsIfExists", "ArnNotLikeIfExists", "ForAnyValue:StringEquals", "Bool", "NumericEquals"}
	fuzzKeys   = []string{"aws:PrincipalArn", "AWS:PrincipalAccount", "aws:SourceArn", "aws:sourceaccount", "aws:SourceVpce", "aws:PrincipalOrgID"}
	fuzzValues = []string{"111111111111", "222222222222", "11111111111?", "arn:aws:iam::111111111111:role/a", "arn:aws:iam::*:role/*", "arn:aws:iam::111111111111:ROLE/a",
		"arn:aws:events:us-east-1:111111111111:rule/r", "arn:aws:events:*:*:rule/*", "arn:aws:events:us-east-1:111111111111:rule/?", "vpce-1", "*", "true"}
)

func pick(in *bytesIn, pool []string) string { return pool[int(in.next())%len(pool)] }

// authorization draws a request (without action and resource) and its
// policies from the fuzz input.
func authorization(in *bytesIn) (iampolicy.Request, iampolicy.Policies) {
	var req iampolicy.Request
	if in.next()%4 == 0 {
		req.Caller = iampolicy.Caller{Service: pick(in, fuzzServices), SourceARN: pick(in, fuzzSources), SourceAccount: pick(in, fuzzAccounts)}
	} else {
		req.Caller = iampolicy.Caller{RoleARN: pick(in, fuzzRoles), Account: pick(in, fuzzAccounts)}
	}
	req.ResourceAccount = pick(in, fuzzAccounts)
	var p iampolicy.Policies
	docs := func(n int, principals bool) []*iampolicy.Document {
		out := make([]*iampolicy.Document, n)
		for i := range out {
			out[i] = fuzzDocument(in, principals)
		}
		return out
	}
	p.Identity = docs(int(in.next())%3, false)
	if in.next()%3 == 0 {
		p.Bounded = true
		p.Boundary = fuzzDocument(in, false)
	}
	p.Resource = docs(int(in.next())%3, true)
	p.KeyPolicy = in.next()%3 == 0
	return req, p
}

// fuzzDocument is a document of up to three statements, or (one time in
// eight) nil: a policy that cannot be read.
func fuzzDocument(in *bytesIn, principals bool) *iampolicy.Document {
	if in.next()%8 == 0 {
		return nil
	}
	d := &iampolicy.Document{Version: iampolicy.Version, Statements: make([]iampolicy.Statement, int(in.next())%4)}
	for i := range d.Statements {
		s := &d.Statements[i]
		s.Effect = effects[int(in.next())%len(effects)]
		switch in.next() % 3 {
		case 0:
			s.Action = []string{"*"}
		case 1:
			s.Action = in.words(actionChars+"*?", maxPattern)
		default:
			s.NotAction = in.words(actionChars+"*?", maxPattern)
		}
		switch in.next() % 3 {
		case 0, 1:
			s.Resource = in.words(resourceChars+"*?", maxPattern+1)
		default:
			s.NotResource = in.words(resourceChars+"*?", maxPattern+1)
		}
		if principals {
			switch in.next() % 6 {
			case 0:
				s.Principals = &iampolicy.Principals{Any: true}
			case 1, 2:
				s.Principals = fuzzPrincipals(in)
			case 3:
				s.NotPrincipals = fuzzPrincipals(in)
			case 4:
				s.Principals = &iampolicy.Principals{Unreadable: true}
			}
		}
		switch in.next() % 5 {
		case 0:
			s.HasCondition = true // one that cannot be read
		case 1, 2:
			s.HasCondition = true
			for range 1 + int(in.next())%2 {
				s.Conditions = append(s.Conditions, iampolicy.Condition{Operator: pick(in, fuzzOps), Key: pick(in, fuzzKeys),
					Values: []string{pick(in, fuzzValues), pick(in, fuzzValues)}[:1+int(in.next())%2]})
			}
		}
	}
	return d
}

func fuzzPrincipals(in *bytesIn) *iampolicy.Principals {
	p := &iampolicy.Principals{}
	for range 1 + int(in.next())%3 {
		switch in.next() % 5 {
		case 0:
			p.Service = append(p.Service, pick(in, fuzzServices))
		case 1:
			p.Other = append(p.Other, "Federated:cognito-identity.amazonaws.com")
		default:
			e := pick(in, fuzzEntries)
			if e == "*" {
				p.Any = true
			} else {
				p.AWS = append(p.AWS, e)
			}
		}
	}
	return p
}

// authRef is the brute-force reference.
type authRef struct {
	reference
	cache map[string]*regexp.Regexp
}

// assignment hands out the values of the unknowns, one bit each, in the
// order the evaluation meets them; used counts them.
type assignment struct {
	bits uint32
	used int
}

func (a *assignment) choose() bool {
	b := a.bits>>a.used&1 == 1
	a.used++
	return b
}

const maxUnknowns = 14

func (r *authRef) decide(req iampolicy.Request, p iampolicy.Policies) (iampolicy.Decision, bool) {
	r.reference.cache = r.cache
	probe := &assignment{}
	r.once(req, p, probe)
	if probe.used > maxUnknowns {
		return 0, false
	}
	var allowed, denied, refusedOnly int
	n := 1 << probe.used
	for bits := 0; bits < n; bits++ {
		switch r.once(req, p, &assignment{bits: uint32(bits)}) {
		case iampolicy.Allowed:
			allowed++
		case iampolicy.Denied:
			denied++
		default:
			refusedOnly++
		}
	}
	switch {
	case allowed == n:
		return iampolicy.Allowed, true
	case denied == n:
		return iampolicy.Denied, true
	case allowed == 0:
		return iampolicy.NotAllowed, true
	}
	return iampolicy.Undecided, true
}

var (
	reRoot    = regexp.MustCompile(`^arn:[^:]*:iam:[^:]*:([^:]*):root$`)
	reRole    = regexp.MustCompile(`^arn:[^:]*:iam:[^:]*:([^:]*):role/(?:.*/)?([^/]*)$`)
	reSession = regexp.MustCompile(`^arn:[^:]*:sts:[^:]*:([^:]*):assumed-role/([^/]*)/[^/]*$`)
	reUser    = regexp.MustCompile(`^arn:[^:]*:iam:[^:]*:[^:]*:(user|group)/`)
	reAccount = regexp.MustCompile(`^[0-9]{12}$`)
)

// once decides the request in one assignment of the unknowns, by the IAM
// pages: an explicit Deny wins; within one account the identity-based
// policies (within the boundary) or the resource-based policy allow it
// (a grant to the role's ARN within the boundary; a grant to anyone
// within it when the boundary limits such grants, which is an unknown); a
// key policy must allow the role, anyone, or the account (whose
// identity-based policies must then allow it); across accounts both
// sides must allow it; a service needs the resource-based policy.
func (r *authRef) once(req iampolicy.Request, p iampolicy.Policies, a *assignment) iampolicy.Decision {
	c := req.Caller
	service := c.Service != ""
	same := false
	switch {
	case service:
	case c.Account != "" && req.ResourceAccount != "":
		same = c.Account == req.ResourceAccount
	default:
		same = a.choose()
	}
	deny := false
	identityAllows, boundaryAllows := false, !p.Bounded
	anyone, roleARN, account := false, false, false

	unreadable := func() (allow, deny bool) {
		x, y := a.choose(), a.choose()
		return x && !y, y
	}
	if !service {
		for _, d := range p.Identity {
			if d == nil {
				al, de := unreadable()
				identityAllows, deny = identityAllows || al, deny || de
				continue
			}
			for _, s := range d.Statements {
				if !r.covers(s, req.Action, req.Resource) {
					continue
				}
				if cond := r.condition(s, req, a); cond {
					identityAllows = identityAllows || strings.EqualFold(s.Effect, "allow")
					deny = deny || strings.EqualFold(s.Effect, "deny")
				}
			}
		}
		if p.Bounded {
			if p.Boundary == nil {
				al, de := unreadable()
				boundaryAllows, deny = al, deny || de
			} else {
				for _, s := range p.Boundary.Statements {
					if r.covers(s, req.Action, req.Resource) && r.condition(s, req, a) {
						boundaryAllows = boundaryAllows || strings.EqualFold(s.Effect, "allow")
						deny = deny || strings.EqualFold(s.Effect, "deny")
					}
				}
			}
		}
	}
	for _, d := range p.Resource {
		if d == nil {
			al, de := unreadable()
			anyone, deny = anyone || al, deny || de
			continue
		}
		for _, s := range d.Statements {
			if !r.covers(s, req.Action, req.Resource) {
				continue
			}
			cond := r.condition(s, req, a)
			an, ro, ac := r.principal(s, req, a)
			if !cond || !(an || ro || ac) {
				continue
			}
			if strings.EqualFold(s.Effect, "deny") {
				deny = true
			}
			if strings.EqualFold(s.Effect, "allow") {
				anyone, roleARN, account = anyone || an, roleARN || ro, account || ac
			}
		}
	}
	limited := p.Bounded && !service && a.choose() // does the boundary limit a grant to anyone?
	if deny {
		return iampolicy.Denied
	}
	identity := identityAllows && boundaryAllows
	var ok bool
	switch {
	case service:
		ok = anyone
	case !same:
		ok = identity && (anyone || roleARN || account)
	default:
		grantToAnyone := anyone && (boundaryAllows || !limited)
		if p.KeyPolicy {
			ok = grantToAnyone || roleARN && boundaryAllows || account && identity
		} else {
			ok = identity || grantToAnyone || roleARN && boundaryAllows
		}
	}
	if ok {
		return iampolicy.Allowed
	}
	return iampolicy.NotAllowed
}

// principal matches a resource-based statement's principals with the
// caller: as anyone (or a session), by the role's ARN, by its account.
func (r *authRef) principal(s iampolicy.Statement, req iampolicy.Request, a *assignment) (anyone, role, account bool) {
	switch {
	case s.Principals != nil:
		return r.principals(*s.Principals, req, a)
	case s.NotPrincipals != nil:
		an, ro, ac := r.principals(*s.NotPrincipals, req, a)
		return !(an || ro || ac), false, false
	}
	return false, false, false
}

func (r *authRef) principals(p iampolicy.Principals, req iampolicy.Request, a *assignment) (anyone, role, account bool) {
	c := req.Caller
	anyone = p.Any
	if p.Unreadable {
		anyone = a.choose() || anyone
	}
	if c.Service != "" {
		for _, s := range p.Service {
			anyone = anyone || strings.EqualFold(s, c.Service)
		}
		return anyone, false, false
	}
	callerAccount, callerRole := "", ""
	if m := reRole.FindStringSubmatch(c.RoleARN); m != nil {
		callerAccount, callerRole = m[1], m[2]
	}
	elsewhere := func(acct string) bool { return c.Account != "" && acct != "" && acct != c.Account }
	for _, e := range p.AWS {
		switch {
		case reAccount.MatchString(e) || reRoot.MatchString(e):
			acct := e
			if m := reRoot.FindStringSubmatch(e); m != nil {
				acct = m[1]
			}
			if c.Account == "" {
				account = a.choose() || account
			} else {
				account = account || acct == c.Account
			}
		case reRole.MatchString(e):
			m := reRole.FindStringSubmatch(e)
			switch {
			case c.RoleARN != "":
				role = role || e == c.RoleARN
			case !elsewhere(m[1]):
				role = a.choose() || role
			}
		case reSession.MatchString(e):
			m := reSession.FindStringSubmatch(e)
			switch {
			case c.RoleARN != "":
				if m[1] == callerAccount && m[2] == callerRole {
					anyone = a.choose() || anyone
				}
			case !elsewhere(m[1]):
				anyone = a.choose() || anyone
			}
		case reUser.MatchString(e):
		default:
			role = a.choose() || role
		}
	}
	return anyone, role, account
}

// condition decides a statement's Condition: each part on the keys the
// library knows, an unknown for every other part.
func (r *authRef) condition(s iampolicy.Statement, req iampolicy.Request, a *assignment) bool {
	if !s.HasCondition {
		return true
	}
	if s.Conditions == nil {
		return a.choose()
	}
	known := map[string]string{}
	if c := req.Caller; c.Service == "" {
		known["aws:principalarn"], known["aws:principalaccount"] = c.RoleARN, c.Account
	} else {
		known["aws:sourcearn"], known["aws:sourceaccount"] = c.SourceARN, c.SourceAccount
	}
	all := true
	for _, c := range s.Conditions {
		op := strings.TrimSuffix(c.Operator, "IfExists")
		negated := strings.Contains(op, "Not")
		base := strings.Replace(op, "Not", "", 1)
		v := known[strings.ToLower(c.Key)]
		decided := v != "" && map[string]bool{"StringEquals": true, "StringEqualsIgnoreCase": true, "StringLike": true, "ArnEquals": true, "ArnLike": true}[base]
		if !decided {
			all = a.choose() && all
			continue
		}
		any := false
		for _, want := range c.Values {
			switch base {
			case "StringEquals":
				any = any || want == v
			case "StringEqualsIgnoreCase":
				any = any || strings.EqualFold(want, v)
			case "StringLike":
				any = any || r.match(want, v, false)
			default:
				p, w := strings.SplitN(want, ":", 6), strings.SplitN(v, ":", 6)
				ok := len(p) == 6 && len(w) == 6
				for i := 0; ok && i < 6; i++ {
					ok = r.match(p[i], w[i], false)
				}
				any = any || ok
			}
		}
		all = all && any != negated
	}
	return all
}
