package plan

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"io"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// policyInputs are the inputs of a type that hold IAM policy documents
// (package awstypes' table).
func policyInputs(typ string) []string {
	if t := awstypes.Of(typ); t != nil {
		return t.PolicyInputs
	}
	return nil
}

// label names a resource in the text plan: its type and Pulumi name, each
// shown with [shown].
func label(r *stackgraph.Resource) string { return shown(r.Type) + " " + shown(r.Name) }

// writeText prints the plan for people. Strings from the program (names,
// URNs, ARNs, input and output values, actions) are shown as they are, or
// Go-quoted ("a\nb") when they hold a control, line-separator or
// bidirectional formatting character, are not valid UTF-8, start with a
// double quote or start or end with white space: a line of the plan is
// never broken, reordered or made ambiguous by a name.
func writeText(w io.Writer, az *analyzed, p Project) {
	rec, findings := az.Stack, az.findings
	st := rec.Graph
	fmt.Fprintf(w, "Offline plan of project %q, stack %q\n", p.Name, p.Stack)
	fmt.Fprintf(w, "(mock AWS account %s in %s: no cloud, no credentials, no Pulumi CLI)\n\n", mockmonitor.Account, mockmonitor.ConfiguredRegion(p.Config))

	order := creationOrder(st)
	fmt.Fprintf(w, "Resources (%d, in creation order):\n", len(order))
	for _, r := range order {
		fmt.Fprintf(w, "\n  %s  %s\n", shown(r.Type), shown(r.Name))
		parent := "(stack)"
		if pr := st.ByURN(r.Parent); pr != nil {
			parent = label(pr)
		}
		fmt.Fprintf(w, "    parent: %s\n", parent)
		skip := map[string]bool{}
		for _, k := range policyInputs(r.Type) {
			skip[k] = true
		}
		for _, line := range flatten("", r.Inputs, skip) {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}

	fmt.Fprintf(w, "\nStack outputs (ctx.Export):\n")
	if len(rec.Outputs) == 0 {
		fmt.Fprintf(w, "  (none)\n")
	}
	for _, line := range flatten("", rec.Outputs, nil) {
		fmt.Fprintf(w, "  %s\n", line)
	}

	fmt.Fprintf(w, "\nPolicy documents:\n")
	any := false
	for _, r := range order {
		for _, k := range policyInputs(r.Type) {
			v, ok := r.Inputs[k]
			if !ok {
				continue
			}
			any = true
			fmt.Fprintf(w, "\n  %s  %s  (%s)\n", shown(r.Type), shown(r.Name), k)
			doc, err := stackgraph.DecodePolicy(v)
			if err != nil {
				fmt.Fprintf(w, "    %s\n", oneLine(err.Error()))
				continue
			}
			for _, s := range doc.Statements {
				what := "Action"
				acts := s.Action
				if len(s.NotAction) > 0 {
					what, acts = "NotAction", s.NotAction
				}
				fmt.Fprintf(w, "    %s %s %s\n", shown(s.Effect), what, shownList(acts, ", "))
				if s.Principal != nil {
					fmt.Fprintf(w, "      principal: %s\n", oneLine(fmt.Sprint(s.Principal)))
				}
				for _, res := range s.Resource {
					fmt.Fprintf(w, "      on %s\n", shown(res))
				}
			}
		}
	}
	if !any {
		fmt.Fprintf(w, "  (none)\n")
	}

	fmt.Fprintf(w, "\nPolicy findings (asyncpolicy rules):\n")
	if len(findings) == 0 {
		fmt.Fprintf(w, "  none\n")
	}
	for _, f := range findings {
		fmt.Fprintf(w, "  %s\n", oneLine(f.String()))
	}

	fmt.Fprintf(w, "\nCreation order (each after its parent and dependencies):\n")
	for i, r := range order {
		deps := st.Dependencies(r)
		after := ""
		if len(deps) > 0 {
			after = "  after " + shownList(deps, ", ")
		}
		fmt.Fprintf(w, "  %2d. %s%s\n", i+1, label(r), after)
	}
}

// flatten renders inputs as sorted "a.b: value" lines.
func flatten(prefix string, m map[string]any, skip map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !skip[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		name := shown(k)
		if prefix != "" {
			name = prefix + "." + name
		}
		switch v := m[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				out = append(out, name+": {}")
			}
			out = append(out, flatten(name, v, nil)...)
		case []any:
			parts := make([]string, len(v))
			for i, e := range v {
				parts[i] = shownValue(e)
			}
			out = append(out, fmt.Sprintf("%s: [%s]", name, strings.Join(parts, ", ")))
		default:
			out = append(out, name+": "+shownValue(v))
		}
	}
	return out
}

// shownList shows each string with [shown] and joins them with sep.
func shownList(list []string, sep string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = shown(s)
	}
	return strings.Join(out, sep)
}
