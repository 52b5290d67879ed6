package iampolicy

import "strings"

// WildcardMatch reports whether s matches pattern, where `*` matches any
// run of characters (also none) and `?` exactly one.
func WildcardMatch(pattern, s string, foldCase bool) bool {
	if foldCase {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, t := []rune(pattern), []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		// A * is a wildcard even where the text holds a * too ("*" matches
		// "*s"): it is tried before the plain comparison.
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func anyMatch(patterns []string, s string, foldCase bool) bool {
	for _, p := range patterns {
		if WildcardMatch(p, s, foldCase) {
			return true
		}
	}
	return false
}

// MatchesAction reports whether the statement covers action (case-
// insensitive, as IAM compares actions).
func (s Statement) MatchesAction(action string) bool {
	switch {
	case len(s.Action) > 0:
		return anyMatch(s.Action, action, true)
	case len(s.NotAction) > 0:
		return !anyMatch(s.NotAction, action, true)
	}
	return false
}

// MatchesResource reports whether the statement covers resource (case-
// sensitive).
func (s Statement) MatchesResource(resource string) bool {
	switch {
	case len(s.Resource) > 0:
		return anyMatch(s.Resource, resource, false)
	case len(s.NotResource) > 0:
		return !anyMatch(s.NotResource, resource, false)
	}
	return false
}

// Matches reports whether the statement covers action on resource.
func (s Statement) Matches(action, resource string) bool {
	return s.MatchesAction(action) && s.MatchesResource(resource)
}

// Allows and Denies report the statement's effect (case-insensitive).
func (s Statement) Allows() bool { return strings.EqualFold(s.Effect, "Allow") }

// Denies reports whether the statement's effect is Deny.
func (s Statement) Denies() bool { return strings.EqualFold(s.Effect, "Deny") }

// Decision is the outcome of evaluating policies for one request.
type Decision int

// Decisions. Undecided means a policy that might decide it is unknown.
const (
	NotAllowed Decision = iota // no statement allows it (implicit deny)
	Allowed
	Denied // an explicit Deny matches
	Undecided
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case Denied:
		return "denied"
	case Undecided:
		return "undecided"
	}
	return "not allowed"
}

// Evaluate decides action on resource for a set of policy documents
// attached to one principal: an explicit Deny wins, then any Allow. A Deny
// with a Condition is ignored and an Allow with a Condition counts, so that
// a condition never turns into a false violation.
func Evaluate(docs []Document, action, resource string) Decision {
	d, _ := EvaluateWhich(docs, action, resource)
	return d
}

// EvaluateWhich is Evaluate that also returns the index of the document
// that decided (-1 for NotAllowed).
func EvaluateWhich(docs []Document, action, resource string) (Decision, int) {
	allowedBy := -1
	for i, doc := range docs {
		for _, s := range doc.Statements {
			if !s.Matches(action, resource) {
				continue
			}
			switch {
			case s.Denies() && !s.HasCondition:
				return Denied, i
			case s.Allows() && allowedBy < 0:
				allowedBy = i
			}
		}
	}
	if allowedBy >= 0 {
		return Allowed, allowedBy
	}
	return NotAllowed, -1
}
