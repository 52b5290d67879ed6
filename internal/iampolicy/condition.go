package iampolicy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Condition is one part of a statement's Condition element: an operator,
// a condition key and the values it compares the key with (IAM User
// Guide, "IAM JSON policy elements: Condition").
type Condition struct {
	Operator string
	Key      string
	Values   []string
}

// parseConditions reads a Condition element; nil when it cannot be read
// (not an object of objects, or values that are not strings, numbers,
// booleans or lists of them).
func parseConditions(raw json.RawMessage) []Condition {
	var ops map[string]map[string]json.RawMessage
	if json.Unmarshal(raw, &ops) != nil {
		return nil
	}
	var out []Condition
	for op, keys := range ops {
		for key, v := range keys {
			values, ok := conditionValues(v)
			if !ok {
				return nil
			}
			out = append(out, Condition{Operator: op, Key: key, Values: values})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func conditionValues(raw json.RawMessage) ([]string, bool) {
	var one any
	if json.Unmarshal(raw, &one) != nil {
		return nil, false
	}
	list, isList := one.([]any)
	if !isList {
		list = []any{one}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool, float64:
			out = append(out, fmt.Sprint(x))
		default:
			return nil, false
		}
	}
	return out, true
}

// ContextKeys are the condition keys [Authorize] decides: for a role's
// request, aws:PrincipalArn and aws:PrincipalAccount; for a service's
// request on behalf of a resource, aws:SourceArn and aws:SourceAccount.
// Any other key depends on the request context (a VPC endpoint, an IP
// address, TLS, tags, the time), which the library cannot know.
var ContextKeys = []string{"aws:PrincipalArn", "aws:PrincipalAccount", "aws:SourceArn", "aws:SourceAccount"}

// The operators [Authorize] decides on the keys it knows; every other
// operator (and the ForAnyValue: and ForAllValues: set operators) is
// taken to depend on what the library cannot know.
var conditionOperators = map[string]struct {
	negated, like, arn, fold bool
}{
	"StringEquals":              {},
	"StringNotEquals":           {negated: true},
	"StringEqualsIgnoreCase":    {fold: true},
	"StringNotEqualsIgnoreCase": {negated: true, fold: true},
	"StringLike":                {like: true},
	"StringNotLike":             {negated: true, like: true},
	"ArnEquals":                 {arn: true},
	"ArnLike":                   {arn: true},
	"ArnNotEquals":              {negated: true, arn: true},
	"ArnNotLike":                {negated: true, arn: true},
}

// contextValue is the request's value of a condition key: known says the
// library knows it.
type contextValue struct {
	value string
	known bool
}

// evalCondition decides one part of a Condition for the request: yes or
// no when the key and operator are ones Authorize decides and the value
// is known, maybe otherwise.
func evalCondition(c Condition, ctx map[string]contextValue) tri {
	// ...IfExists is its operator when the key is present, as every key
	// decided here is whenever it is known.
	op, _ := strings.CutSuffix(c.Operator, "IfExists")
	spec, ok := conditionOperators[op]
	if !ok {
		return maybe
	}
	v, ok := ctx[strings.ToLower(c.Key)]
	if !ok || !v.known {
		return maybe
	}
	matched := false
	for _, want := range c.Values {
		var m bool
		switch {
		case spec.arn:
			m = arnMatch(want, v.value)
		case spec.like:
			m = WildcardMatch(want, v.value, false)
		case spec.fold:
			m = strings.EqualFold(want, v.value)
		default:
			m = want == v.value
		}
		if m {
			matched = true
			break
		}
	}
	if spec.negated {
		matched = !matched
	}
	return triOf(matched)
}

// arnMatch compares an ARN with a pattern as ArnEquals and ArnLike do:
// each of the six colon-separated parts on its own, with * and ?
// wildcards (case-sensitive).
func arnMatch(pattern, arn string) bool {
	p := strings.SplitN(pattern, ":", 6)
	a := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || len(a) != 6 {
		return false
	}
	for i := range p {
		if !WildcardMatch(p[i], a[i], false) {
			return false
		}
	}
	return true
}
