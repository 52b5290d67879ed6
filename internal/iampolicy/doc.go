// Package iampolicy is the one place where asyncroute writes, reads and
// evaluates IAM identity policy documents: the components write their
// grant policies with [Grant], the policy rules and the offline planner
// read stacks' policies with [Parse] and decide requests with [Evaluate]
// (wildcards, explicit Deny, NotAction and NotResource, well-known AWS
// managed policies through [Managed]), and [Authorize] decides a request
// as AWS does from every policy that applies to it: the caller's
// identity-based policies, its permissions boundary, the resource's
// resource-based or key policy, within one account or across two, with a
// third value for what the library cannot know. It imports no Pulumi
// package.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Version is the policy language version every document is written in.
const Version = "2012-10-17"

// Permission is one IAM action on one resource.
type Permission struct {
	Action   string
	Resource string
}

// Document is an IAM policy document.
type Document struct {
	Version    string
	Statements []Statement
}

// Statement is one statement of a [Document]. Action, NotAction, Resource
// and NotResource are lists whether the JSON held a string or a list.
type Statement struct {
	Sid         string
	Effect      string            // "Allow" or "Deny"
	Principal   map[string]string // trust policies only
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	// HasCondition says the statement has a Condition. [Evaluate] does
	// not read it; [Authorize] reads Conditions.
	HasCondition bool
	// Principals and NotPrincipals are the Principal and NotPrincipal
	// elements of a resource-based policy, read whatever their form ("*",
	// one string or a list per kind); nil when absent. Principal above
	// keeps the elements of one string per kind, as trust policies write
	// them.
	Principals, NotPrincipals *Principals
	// Conditions are the parts of the Condition element, sorted by
	// operator and key; nil when there is none, or when it cannot be read
	// (HasCondition is then set, and [Authorize] takes the statement to
	// depend on what it cannot know).
	Conditions []Condition
}

// wire is a statement as written: fields in the order people write them,
// lists always lists.
type wire struct {
	Sid         string            `json:"Sid,omitempty"`
	Effect      string            `json:"Effect"`
	Principal   map[string]string `json:"Principal,omitempty"`
	Action      []string          `json:"Action,omitempty"`
	NotAction   []string          `json:"NotAction,omitempty"`
	Resource    []string          `json:"Resource,omitempty"`
	NotResource []string          `json:"NotResource,omitempty"`
}

// JSON renders the document. Statements with a Condition cannot be
// written by this package (it never writes one).
func (d Document) JSON() string {
	out := struct {
		Version   string `json:"Version"`
		Statement []wire `json:"Statement"`
	}{Version: d.Version, Statement: []wire{}}
	for _, s := range d.Statements {
		out.Statement = append(out.Statement, wire{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, Action: s.Action,
			NotAction: s.NotAction, Resource: s.Resource, NotResource: s.NotResource})
	}
	b, err := json.Marshal(out)
	if err != nil {
		// Only strings and lists of strings are marshalled; this cannot fail.
		return "{}"
	}
	return string(b)
}

// Grant renders permissions as one Allow document: each resource collects
// the actions granted on it, and resources with the same action set share a
// statement. Statements are ordered by their first resource, so the
// document is the same for the same permissions in any order.
func Grant(perms []Permission) Document {
	actions := map[string]map[string]bool{}
	for _, p := range perms {
		if actions[p.Resource] == nil {
			actions[p.Resource] = map[string]bool{}
		}
		actions[p.Resource][p.Action] = true
	}
	byActions := map[string]*Statement{}
	for res, set := range actions {
		list := make([]string, 0, len(set))
		for a := range set {
			list = append(list, a)
		}
		sort.Strings(list)
		key := strings.Join(list, ",")
		st := byActions[key]
		if st == nil {
			st = &Statement{Effect: "Allow", Action: list}
			byActions[key] = st
		}
		st.Resource = append(st.Resource, res)
	}
	doc := Document{Version: Version}
	for _, st := range byActions {
		sort.Strings(st.Resource)
		doc.Statements = append(doc.Statements, *st)
	}
	sort.Slice(doc.Statements, func(i, j int) bool {
		return doc.Statements[i].Resource[0] < doc.Statements[j].Resource[0]
	})
	return doc
}

// TrustPolicy lets an AWS service (lambda.amazonaws.com) assume a role.
func TrustPolicy(service string) Document {
	return Document{Version: Version, Statements: []Statement{{
		Effect: "Allow", Principal: map[string]string{"Service": service}, Action: []string{"sts:AssumeRole"},
	}}}
}

// Parse reads an IAM policy document. Statement may be one object or a
// list; Action and Resource may be a string or a list.
func Parse(doc string) (Document, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return Document{}, fmt.Errorf("policy is not valid JSON: %w", err)
	}
	var stmts []json.RawMessage
	trimmed := strings.TrimSpace(string(raw.Statement))
	switch {
	case trimmed == "" || trimmed == "null":
		return Document{Version: raw.Version}, nil
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			return Document{}, fmt.Errorf("policy Statement: %w", err)
		}
	default:
		stmts = []json.RawMessage{raw.Statement}
	}
	out := Document{Version: raw.Version}
	for i, s := range stmts {
		var st struct {
			Sid         string          `json:"Sid"`
			Effect      string          `json:"Effect"`
			Principal   json.RawMessage `json:"Principal"`
			NotPrinc    json.RawMessage `json:"NotPrincipal"`
			Action      stringOrList    `json:"Action"`
			NotAction   stringOrList    `json:"NotAction"`
			Resource    stringOrList    `json:"Resource"`
			NotResource stringOrList    `json:"NotResource"`
			Condition   json.RawMessage `json:"Condition"`
		}
		if err := json.Unmarshal(s, &st); err != nil {
			return Document{}, fmt.Errorf("policy Statement[%d]: %w", i, err)
		}
		var principal map[string]string
		if json.Unmarshal(st.Principal, &principal) != nil {
			principal = nil // "*" or lists of principals are not kept
		}
		stmt := Statement{
			Sid:           st.Sid,
			Effect:        st.Effect,
			Principal:     principal,
			Action:        st.Action,
			NotAction:     st.NotAction,
			Resource:      st.Resource,
			NotResource:   st.NotResource,
			HasCondition:  hasCondition(st.Condition),
			Principals:    parsePrincipals(st.Principal),
			NotPrincipals: parsePrincipals(st.NotPrinc),
		}
		if stmt.HasCondition {
			stmt.Conditions = parseConditions(st.Condition)
		}
		out.Statements = append(out.Statements, stmt)
	}
	return out, nil
}

// hasCondition says a statement's Condition holds something: it is not
// missing, null or an empty object (whitespace inside it included).
func hasCondition(raw json.RawMessage) bool {
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return len(bytes.TrimSpace(raw)) > 0
	}
	c := compact.String()
	return c != "" && c != "null" && c != "{}"
}

type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*l = nil // as if the element were missing
		return nil
	}
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
