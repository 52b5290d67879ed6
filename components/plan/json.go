package plan

import (
	"encoding/json"
	"io"
	"sort"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// JSONPlan is the machine-readable plan (`plan --json`). Every list is
// sorted, and the mock's ids and names are derived from URNs, so the same
// program gives the same bytes.
type JSONPlan struct {
	Project   string         `json:"project"`
	Stack     string         `json:"stack"`
	Account   string         `json:"account"`
	Region    string         `json:"region"`
	Resources []JSONResource `json:"resources"`
	// Outputs are the stack outputs (ctx.Export); unknowns are
	// "<unknown until deploy>", secrets "[secret]".
	Outputs       map[string]any `json:"outputs"`
	Policies      []JSONPolicy   `json:"policies"`
	CreationOrder []string       `json:"creationOrder"`
	Routes        []Route        `json:"routes"`
	// Findings are the async-routing policy rules' findings for the stack
	// (package asyncpolicy), sorted.
	Findings []asyncpolicy.Finding `json:"findings"`
}

// JSONResource is one resource of a [JSONPlan].
type JSONResource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Parent       string         `json:"parent,omitempty"`
	Component    bool           `json:"component,omitempty"`
	ID           string         `json:"id,omitempty"`
	Inputs       map[string]any `json:"inputs"`
	Outputs      map[string]any `json:"outputs,omitempty"`
	Dependencies []string       `json:"dependencies"`
	// PropertyDependencies lists, per input, the URNs the input's value
	// depends on (sorted; inputs that depend on nothing are left out).
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
}

// JSONPolicy is a policy document found in a resource's inputs, decoded.
type JSONPolicy struct {
	URN   string `json:"urn"`
	Type  string `json:"type"`
	Name  string `json:"name"`
	Input string `json:"input"`
	// Document is the decoded document as iampolicy writes it (Action,
	// Resource and the other lists always lists).
	Document json.RawMessage `json:"document,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// BuildJSON converts a recorded stack into a [JSONPlan].
func BuildJSON(rec *Stack, p Project) JSONPlan {
	return buildJSON(analyze(rec), p)
}

// buildJSON is [BuildJSON] with the stack analysed.
func buildJSON(az *analyzed, p Project) JSONPlan {
	rec, st := az.Stack, az.Graph
	out := JSONPlan{Project: p.Name, Stack: p.Stack, Account: mockmonitor.Account, Region: mockmonitor.ConfiguredRegion(p.Config),
		Resources: []JSONResource{}, Outputs: map[string]any{}, Policies: []JSONPolicy{}, CreationOrder: []string{}}
	if rec.Outputs != nil {
		out.Outputs = jsonSafe(rec.Outputs).(map[string]any)
	}
	for _, r := range st.Resources {
		deps := append([]string{}, r.Dependencies...)
		sort.Strings(deps)
		parent := r.Parent
		if st.ByURN(parent) == nil {
			parent = "" // the stack itself
		}
		jr := JSONResource{URN: r.URN, Type: r.Type, Name: r.Name, Parent: parent, Component: !r.Custom, ID: r.ID,
			Inputs: jsonSafe(r.Inputs).(map[string]any), Dependencies: deps, PropertyDependencies: propertyDependencies(r)}
		if r.Custom {
			jr.Outputs = jsonSafe(r.Outputs).(map[string]any)
		}
		out.Resources = append(out.Resources, jr)
		for _, k := range policyInputs(r.Type) {
			v, ok := r.Inputs[k]
			if !ok {
				continue
			}
			jp := JSONPolicy{URN: r.URN, Type: r.Type, Name: r.Name, Input: k}
			if doc, err := stackgraph.DecodePolicy(v); err != nil {
				jp.Error = err.Error()
			} else {
				jp.Document = json.RawMessage(doc.JSON())
			}
			out.Policies = append(out.Policies, jp)
		}
	}
	sort.Slice(out.Resources, func(i, j int) bool { return out.Resources[i].URN < out.Resources[j].URN })
	sort.Slice(out.Policies, func(i, j int) bool {
		if out.Policies[i].URN != out.Policies[j].URN {
			return out.Policies[i].URN < out.Policies[j].URN
		}
		return out.Policies[i].Input < out.Policies[j].Input
	})
	for _, r := range creationOrder(st) {
		out.CreationOrder = append(out.CreationOrder, r.URN)
	}
	out.Routes = routesOf(az.a)
	out.Findings = az.findings
	return out
}

// propertyDependencies returns r's property dependencies sorted, without
// the inputs that depend on nothing; nil when none does.
func propertyDependencies(r *stackgraph.Resource) map[string][]string {
	var out map[string][]string
	for k, urns := range r.PropertyDependencies {
		if len(urns) == 0 {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		s := append([]string(nil), urns...)
		sort.Strings(s)
		out[k] = s
	}
	return out
}

// jsonSafe replaces values JSON cannot show as they are (unknowns).
func jsonSafe(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = jsonSafe(e)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = jsonSafe(e)
		}
		return a
	case stackgraph.Unknown:
		return v.String()
	}
	return v
}

// writeJSON is [WriteJSON] with the stack analysed.
func writeJSON(w io.Writer, az *analyzed, p Project) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildJSON(az, p))
}
