package simulate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// matchPattern applies an EventBridge event pattern to an event: every key
// of the pattern must match. A pattern value that is an object matches
// the event's field of that name as a nested pattern; an array lists
// alternatives, each a literal (string, number, boolean, null) or a
// filter: prefix, suffix, equals-ignore-case, wildcard, anything-but,
// exists, numeric. An event field that is an array matches when any of
// its elements does. why names the first key that did not match.
func matchPattern(pattern string, event any) (ok bool, why string, err error) {
	if strings.TrimSpace(pattern) == "" {
		return false, "the rule has no event pattern", nil
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(pattern), &p); err != nil {
		return false, "", fmt.Errorf("%v", err)
	}
	return matchObject(p, event, "")
}

func matchObject(p map[string]any, v any, at string) (bool, string, error) {
	obj, _ := v.(map[string]any)
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if at != "" {
			name = at + "." + k
		}
		field, present := obj[k]
		switch pv := p[k].(type) {
		case map[string]any:
			if !present {
				return false, name + " is absent", nil
			}
			ok, why, err := matchObject(pv, field, name)
			if err != nil || !ok {
				return ok, why, err
			}
		case []any:
			ok, err := matchValues(pv, field, present)
			if err != nil {
				return false, "", fmt.Errorf("%s: %v", name, err)
			}
			if !ok {
				return false, fmt.Sprintf("%s is %s, the rule wants %s", name, show(field, present), show(pv, true)), nil
			}
		default:
			return false, "", fmt.Errorf("%s: a pattern value must be an array or an object", name)
		}
	}
	return true, "", nil
}

func show(v any, present bool) string {
	if !present {
		return "absent"
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return cut(strings.TrimSuffix(b.String(), "\n"), 160)
}

// matchValues matches one field against a list of alternatives.
func matchValues(alts []any, field any, present bool) (bool, error) {
	values := []any{field}
	if arr, ok := field.([]any); ok {
		values = arr
	}
	for _, a := range alts {
		if f, ok := a.(map[string]any); ok {
			if ex, ok := f["exists"]; ok && len(f) == 1 {
				want, _ := ex.(bool)
				if present == want {
					return true, nil
				}
				continue
			}
			if !present {
				continue
			}
			for _, v := range values {
				ok, err := matchFilter(f, v)
				if err != nil {
					return false, err
				}
				if ok {
					return true, nil
				}
			}
			continue
		}
		if !present {
			continue
		}
		for _, v := range values {
			if equal(a, v) {
				return true, nil
			}
		}
	}
	return false, nil
}

func equal(a, b any) bool {
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return string(ab) == string(bb)
}

// matchFilter applies one content filter to one value.
func matchFilter(f map[string]any, v any) (bool, error) {
	if len(f) != 1 {
		return false, fmt.Errorf("a filter must have one key: %s", show(f, true))
	}
	for op, arg := range f {
		s, isString := v.(string)
		switch op {
		case "prefix", "suffix":
			if m, ok := arg.(map[string]any); ok {
				if x, ok := m["equals-ignore-case"].(string); ok && isString {
					if op == "prefix" {
						return strings.HasPrefix(strings.ToLower(s), strings.ToLower(x)), nil
					}
					return strings.HasSuffix(strings.ToLower(s), strings.ToLower(x)), nil
				}
				return false, fmt.Errorf("unsupported %s filter %s", op, show(arg, true))
			}
			x, _ := arg.(string)
			if op == "prefix" {
				return isString && strings.HasPrefix(s, x), nil
			}
			return isString && strings.HasSuffix(s, x), nil
		case "equals-ignore-case":
			x, _ := arg.(string)
			return isString && strings.EqualFold(s, x), nil
		case "wildcard":
			x, _ := arg.(string)
			return isString && wildcard(x, s), nil
		case "anything-but":
			switch a := arg.(type) {
			case []any:
				for _, x := range a {
					if equal(x, v) {
						return false, nil
					}
				}
				return true, nil
			case map[string]any:
				ok, err := matchFilter(a, v)
				return !ok, err
			default:
				return !equal(a, v), nil
			}
		case "numeric":
			n, ok := v.(float64)
			if !ok {
				return false, nil
			}
			conds, _ := arg.([]any)
			if len(conds)%2 != 0 {
				return false, fmt.Errorf("numeric filter %s", show(arg, true))
			}
			for i := 0; i < len(conds); i += 2 {
				opn, _ := conds[i].(string)
				x, _ := conds[i+1].(float64)
				var hold bool
				switch opn {
				case "=":
					hold = n == x
				case "<":
					hold = n < x
				case "<=":
					hold = n <= x
				case ">":
					hold = n > x
				case ">=":
					hold = n >= x
				default:
					return false, fmt.Errorf("numeric operator %q", opn)
				}
				if !hold {
					return false, nil
				}
			}
			return true, nil
		default:
			return false, fmt.Errorf("unsupported filter %q", op)
		}
	}
	return false, nil
}

// wildcard matches s against a pattern where * matches any run of
// characters.
func wildcard(p, s string) bool {
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return p == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// targetInput is what a rule's target receives: the whole event, the
// part InputPath selects, or the constant Input.
func targetInput(t *ruleTarget, event []byte) (json.RawMessage, string, error) {
	switch {
	case t.input != "":
		if !json.Valid([]byte(t.input)) {
			return nil, "", fmt.Errorf("its Input is not JSON")
		}
		return json.RawMessage(t.input), "constant Input", nil
	case t.inputPath != "":
		sel, err := jsonPath(t.inputPath, event)
		if err != nil {
			return nil, "", err
		}
		return sel, "InputPath " + t.inputPath, nil
	case t.transformer:
		return json.RawMessage(event), "the whole event: its InputTransformer is not simulated", nil
	}
	return json.RawMessage(event), "the whole event", nil
}

// jsonPath reads a JSONPath of the form EventBridge's InputPath takes ($
// or $.a.b, dots only) from raw JSON, keeping the selected value's bytes.
func jsonPath(p string, doc json.RawMessage) (json.RawMessage, error) {
	if p == "$" {
		return doc, nil
	}
	if !strings.HasPrefix(p, "$.") {
		return nil, fmt.Errorf("InputPath %q: only $ and $.a.b paths are simulated", p)
	}
	v := doc
	for _, k := range strings.Split(p[2:], ".") {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("InputPath %q: %s is not in the event", p, k)
		}
		next, ok := m[k]
		if !ok {
			return nil, fmt.Errorf("InputPath %q: %s is not in the event", p, k)
		}
		v = next
	}
	return v, nil
}
