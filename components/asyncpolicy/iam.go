package asyncpolicy

import (
	"encoding/json"
	"fmt"
	"strings"
)

// PolicyDocument is a parsed IAM identity policy.
type PolicyDocument struct {
	Version    string
	Statements []Statement
}

// Statement is one statement of a [PolicyDocument]. Action, NotAction,
// Resource and NotResource are lists whether the JSON held a string or a
// list.
type Statement struct {
	Sid          string
	Effect       string // "Allow" or "Deny"
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	HasCondition bool
}

// ParsePolicy parses an IAM policy document. Statement may be one object
// or a list; Action and Resource may be a string or a list.
func ParsePolicy(doc string) (PolicyDocument, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return PolicyDocument{}, fmt.Errorf("policy is not valid JSON: %w", err)
	}
	var stmts []json.RawMessage
	trimmed := strings.TrimSpace(string(raw.Statement))
	switch {
	case trimmed == "" || trimmed == "null":
		return PolicyDocument{Version: raw.Version}, nil
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			return PolicyDocument{}, fmt.Errorf("policy Statement: %w", err)
		}
	default:
		stmts = []json.RawMessage{raw.Statement}
	}
	out := PolicyDocument{Version: raw.Version}
	for i, s := range stmts {
		var st struct {
			Sid         string          `json:"Sid"`
			Effect      string          `json:"Effect"`
			Action      stringOrList    `json:"Action"`
			NotAction   stringOrList    `json:"NotAction"`
			Resource    stringOrList    `json:"Resource"`
			NotResource stringOrList    `json:"NotResource"`
			Condition   json.RawMessage `json:"Condition"`
		}
		if err := json.Unmarshal(s, &st); err != nil {
			return PolicyDocument{}, fmt.Errorf("policy Statement[%d]: %w", i, err)
		}
		cond := strings.TrimSpace(string(st.Condition))
		out.Statements = append(out.Statements, Statement{
			Sid:          st.Sid,
			Effect:       st.Effect,
			Action:       st.Action,
			NotAction:    st.NotAction,
			Resource:     st.Resource,
			NotResource:  st.NotResource,
			HasCondition: cond != "" && cond != "null" && cond != "{}",
		})
	}
	return out, nil
}

type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringOrList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or a list of strings")
	}
	*l = many
	return nil
}

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
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
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

func (s Statement) allow() bool { return strings.EqualFold(s.Effect, "Allow") }
func (s Statement) deny() bool  { return strings.EqualFold(s.Effect, "Deny") }

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
func Evaluate(docs []PolicyDocument, action, resource string) Decision {
	d, _ := evaluate(docs, action, resource)
	return d
}

// evaluate also returns the index of the document that decided.
func evaluate(docs []PolicyDocument, action, resource string) (Decision, int) {
	allowedBy := -1
	for i, doc := range docs {
		for _, s := range doc.Statements {
			if !s.Matches(action, resource) {
				continue
			}
			switch {
			case s.deny() && !s.HasCondition:
				return Denied, i
			case s.allow() && allowedBy < 0:
				allowedBy = i
			}
		}
	}
	if allowedBy >= 0 {
		return Allowed, allowedBy
	}
	return NotAllowed, -1
}
