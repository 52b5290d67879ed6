package asyncroute

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file is the one place where IAM policy JSON is written.

// PolicyDocument is an IAM policy document as the components write it.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a [PolicyDocument]. Action and Resource are
// always lists, sorted.
type Statement struct {
	Effect    string            `json:"Effect"`
	Principal map[string]string `json:"Principal,omitempty"`
	Action    []string          `json:"Action"`
	Resource  []string          `json:"Resource,omitempty"`
}

const policyVersion = "2012-10-17"

func marshalPolicy(doc PolicyDocument) string {
	b, err := json.Marshal(doc)
	if err != nil {
		// Only strings and lists of strings are marshalled; this cannot fail.
		return "{}"
	}
	return string(b)
}

// lambdaTrustPolicy lets the Lambda service assume the execution role.
func lambdaTrustPolicy() string {
	return marshalPolicy(PolicyDocument{Version: policyVersion, Statement: []Statement{{
		Effect:    "Allow",
		Principal: map[string]string{"Service": "lambda.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
	}}})
}

// grantPolicy renders grants as one policy document: each resource collects
// the actions granted on it, and resources with the same action set share a
// statement. Statements are ordered by their first resource, so the document
// is stable across runs.
func grantPolicy(grants []grant) pulumi.StringOutput {
	all := make([]any, len(grants))
	for i, g := range grants {
		all[i] = g
	}
	return pulumi.All(all...).ApplyT(func(resolved []any) string {
		actions := map[string]map[string]bool{}
		for _, r := range resolved {
			perms, _ := r.([]Permission)
			for _, p := range perms {
				if actions[p.Resource] == nil {
					actions[p.Resource] = map[string]bool{}
				}
				actions[p.Resource][p.Action] = true
			}
		}
		return marshalPolicy(mergeStatements(actions))
	}).(pulumi.StringOutput)
}

func mergeStatements(actions map[string]map[string]bool) PolicyDocument {
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
	doc := PolicyDocument{Version: policyVersion, Statement: []Statement{}}
	for _, st := range byActions {
		sort.Strings(st.Resource)
		doc.Statement = append(doc.Statement, *st)
	}
	sort.Slice(doc.Statement, func(i, j int) bool {
		return doc.Statement[i].Resource[0] < doc.Statement[j].Resource[0]
	})
	return doc
}
