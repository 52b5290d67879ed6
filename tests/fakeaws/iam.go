package fakeaws

// This file is the IAM evaluation: which calls a delivery needs and whether
// a role's inline policy documents allow them.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// policyDoc is the part of an IAM policy document the check reads.
type policyDoc struct {
	Statement oneOrMany[statement] `json:"Statement"`
}

type statement struct {
	Effect      string             `json:"Effect"`
	Action      oneOrMany[string]  `json:"Action"`
	Resource    oneOrMany[string]  `json:"Resource"`
	NotAction   *oneOrMany[string] `json:"NotAction,omitempty"`
	NotResource *oneOrMany[string] `json:"NotResource,omitempty"`
	Condition   map[string]any     `json:"Condition,omitempty"`
}

// oneOrMany decodes IAM's "a string or a list of strings" (and "an object or
// a list of objects").
type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var many []T
	if err := json.Unmarshal(b, &many); err == nil {
		*o = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// allows reports whether the policy documents allow action on resource:
// some Allow statement matches and no Deny statement does. Statements with
// NotAction, NotResource or a Condition never allow (the check stays strict).
func allows(docs []string, action, resource string) (bool, error) {
	allowed := false
	for _, d := range docs {
		var doc policyDoc
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			return false, fmt.Errorf("MalformedPolicyDocument: %v", err)
		}
		for _, st := range doc.Statement {
			if st.NotAction != nil || st.NotResource != nil {
				continue
			}
			if !matchAny(st.Action, action, true) || !matchAny(st.Resource, resource, false) {
				continue
			}
			switch st.Effect {
			case "Deny":
				return false, nil
			case "Allow":
				if len(st.Condition) == 0 {
					allowed = true
				}
			}
		}
	}
	return allowed, nil
}

func matchAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			if glob(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		} else if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches IAM wildcards: * any run of characters, ? one character.
func glob(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if glob(p, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return s == ""
}

// need is one call Lambda makes to deliver to a target, and the resource
// the execution role must allow it on.
type need struct {
	action   string // e.g. sqs:SendMessage
	call     string // the API name in Lambda's message, e.g. SendMessage
	resource string
}

// needFor returns the call delivering to the target ARN needs.
func needFor(arn string) (need, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		//lint:ignore ST1005 Lambda's own message, word for word
		return need{}, fmt.Errorf("InvalidParameterValueException: The destination ARN %s is invalid.", arn)
	}
	switch parts[2] {
	case "sqs":
		return need{"sqs:SendMessage", "SendMessage", arn}, nil
	case "sns":
		return need{"sns:Publish", "Publish", arn}, nil
	case "lambda":
		return need{"lambda:InvokeFunction", "InvokeFunction", arn}, nil
	case "events":
		return need{"events:PutEvents", "PutEvents", arn}, nil
	case "s3":
		return need{"s3:PutObject", "PutObject", arn + "/lambda-destination-record"}, nil
	}
	//lint:ignore ST1005 Lambda's own message, word for word
	return need{}, fmt.Errorf("InvalidParameterValueException: The destination ARN %s is invalid.", arn)
}

// kmsNeeds returns what sending to a queue or topic encrypted with keyRef
// (its kmsMasterKeyId) needs: kms:GenerateDataKey and kms:Decrypt on the
// key's ARN when keyRef is a customer-managed key, given as a key id
// (made into arn:<partition>:kms:<target's region>:<target's
// account>:key/<id>) or a key ARN. No key, an AWS-managed alias
// (alias/aws/...) and any other alias (which the double cannot resolve to a
// key) need nothing.
func kmsNeeds(keyRef, targetArn string) []need {
	keyArn := customerKeyArn(keyRef, targetArn)
	if keyArn == "" {
		return nil
	}
	return []need{
		{"kms:GenerateDataKey", "GenerateDataKey", keyArn},
		{"kms:Decrypt", "Decrypt", keyArn},
	}
}

// customerKeyArn is the ARN of the customer-managed key keyRef names, or ""
// (see kmsNeeds).
func customerKeyArn(keyRef, targetArn string) string {
	switch {
	case keyRef == "" || keyRef == "<unknown>" || strings.HasPrefix(keyRef, "alias/"):
		return ""
	case strings.HasPrefix(keyRef, "arn:"):
		parts := strings.SplitN(keyRef, ":", 6)
		if len(parts) == 6 && parts[2] == "kms" && strings.HasPrefix(parts[5], "key/") {
			return keyRef
		}
		return ""
	}
	t := strings.SplitN(targetArn, ":", 6)
	if len(t) < 6 {
		return ""
	}
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", t[1], t[3], t[4], keyRef)
}

// missingActions returns the actions of needs the policy documents do not
// allow, sorted and without repeats. A malformed document allows nothing.
func missingActions(docs []string, needs []need) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range needs {
		ok, err := allows(docs, n.action, n.resource)
		if (err == nil && ok) || seen[n.action] {
			continue
		}
		seen[n.action] = true
		out = append(out, n.action)
	}
	sort.Strings(out)
	return out
}
