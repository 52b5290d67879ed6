package fakeaws

import (
	"encoding/json"
	"fmt"
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

// destinationNeed is the call Lambda makes to deliver to a target, and the
// resource the execution role must allow it on.
type destinationNeed struct {
	action   string // e.g. sqs:SendMessage
	call     string // the API name in Lambda's message, e.g. SendMessage
	resource string
}

// needFor returns what delivering to the target ARN needs.
func needFor(arn string) (destinationNeed, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return destinationNeed{}, fmt.Errorf("InvalidParameterValueException: The destination ARN %s is invalid.", arn)
	}
	switch parts[2] {
	case "sqs":
		return destinationNeed{"sqs:SendMessage", "SendMessage", arn}, nil
	case "sns":
		return destinationNeed{"sns:Publish", "Publish", arn}, nil
	case "lambda":
		return destinationNeed{"lambda:InvokeFunction", "InvokeFunction", arn}, nil
	case "events":
		return destinationNeed{"events:PutEvents", "PutEvents", arn}, nil
	case "s3":
		return destinationNeed{"s3:PutObject", "PutObject", arn + "/lambda-destination-record"}, nil
	}
	return destinationNeed{}, fmt.Errorf("InvalidParameterValueException: The destination ARN %s is invalid.", arn)
}
