package iampolicy

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// Principals is a Principal or NotPrincipal element of a resource-based
// policy (IAM User Guide, "AWS JSON policy elements: Principal"): "*"
// (anyone), or principals by kind, each a string or a list as written.
type Principals struct {
	// Any is "*", or {"AWS": "*"}: every principal.
	Any bool
	// AWS lists account IDs, account root ARNs, role, user and role
	// session ARNs (and unique IDs).
	AWS []string
	// Service lists service principals (events.amazonaws.com).
	Service []string
	// Other lists the entries of other kinds (Federated, CanonicalUser),
	// as kind:value; none of them is ever a role or a service.
	Other []string
	// Unreadable says the element is there but is neither "*" nor an
	// object of strings or lists of strings: who it names is not known.
	Unreadable bool
}

// parsePrincipals reads a Principal or NotPrincipal element; nil when it
// is absent or null.
func parsePrincipals(raw json.RawMessage) *Principals {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil
	}
	var star string
	if json.Unmarshal(t, &star) == nil {
		if star == "*" {
			return &Principals{Any: true}
		}
		return &Principals{Unreadable: true}
	}
	var byKind map[string]json.RawMessage
	if json.Unmarshal(t, &byKind) != nil {
		return &Principals{Unreadable: true}
	}
	p := &Principals{}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		var list stringOrList
		if list.UnmarshalJSON(byKind[kind]) != nil {
			p.Unreadable = true
			continue
		}
		switch kind {
		case "AWS":
			for _, v := range list {
				if v == "*" {
					p.Any = true
					continue
				}
				p.AWS = append(p.AWS, v)
			}
		case "Service":
			p.Service = append(p.Service, list...)
		default:
			for _, v := range list {
				p.Other = append(p.Other, kind+":"+v)
			}
		}
	}
	return p
}

// accountID is a 12-digit AWS account ID.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// principalEntry is how one AWS entry of a Principal element names a role
// caller.
type principalEntry int

const (
	// entryNone never names the caller (a user, another service's kind).
	entryNone principalEntry = iota
	// entryAccount names an account: a 12-digit ID or
	// arn:<partition>:iam::<account>:root. In a resource-based policy it
	// grants to the account, whose own policies must then allow the
	// caller (the key policy's "Enable IAM policies" statement).
	entryAccount
	// entryRole names a role by its ARN.
	entryRole
	// entrySession names a role session
	// (arn:<partition>:sts::<account>:assumed-role/<role>/<session>).
	entrySession
	// entryOther is anything else (a unique ID, a malformed entry): it
	// might name the caller.
	entryOther
)

// classify reads one AWS entry; account is the account it names, and
// name the role name (roles and sessions).
func classify(entry string) (kind principalEntry, account, name string) {
	if accountID.MatchString(entry) {
		return entryAccount, entry, ""
	}
	f := strings.SplitN(entry, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return entryOther, "", ""
	}
	switch {
	case f[2] == "iam" && f[5] == "root":
		return entryAccount, f[4], ""
	case f[2] == "iam" && strings.HasPrefix(f[5], "role/"):
		return entryRole, f[4], f[5][strings.LastIndex(f[5], "/")+1:]
	case f[2] == "sts" && strings.HasPrefix(f[5], "assumed-role/"):
		parts := strings.Split(f[5], "/")
		if len(parts) == 3 {
			return entrySession, f[4], parts[1]
		}
	case f[2] == "iam" && (strings.HasPrefix(f[5], "user/") || strings.HasPrefix(f[5], "group/")):
		return entryNone, f[4], ""
	}
	return entryOther, "", ""
}

// roleNameOf is the role name of a role ARN ("" when it is none).
func roleNameOf(arn string) (account, name string) {
	kind, account, name := classify(arn)
	if kind != entryRole {
		return "", ""
	}
	return account, name
}
