package plan

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"io"
	"sort"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// writeDiagram prints the stack's asynchronous routing as a Mermaid
// flowchart (Options.Diagram): invokers → function → on-success /
// on-failure / dead-letter targets, each edge labelled with its condition
// and the grants it relies on (✓ granted by the role's policies in the
// stack, ✗ missing); CloudWatch alarms on a function's metrics, dotted,
// labelled with the metric and the qualifier, and the topics they notify. Names, ARNs, qualifiers and actions are shown as the
// text plan shows them (Go-quoted when they would break a line, see
// writeText) and written with Mermaid entity codes for the characters
// that mean something to Mermaid or to HTML, so any name gives a valid
// diagram that shows it.
func writeDiagram(w io.Writer, st *stackgraph.Graph, a *asyncpolicy.Analysis) {
	routes := routesOf(a)
	ids := map[string]string{}
	var keys []string
	for _, r := range routes {
		for _, k := range []string{r.From, r.To} {
			if _, ok := ids[k]; !ok {
				ids[k] = ""
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	fmt.Fprintln(w, "flowchart LR")
	if len(keys) == 0 {
		fmt.Fprintln(w, `  empty["no asynchronous routing in this stack"]`)
		return
	}
	configs := a.Configs()
	for i, k := range keys {
		ids[k] = fmt.Sprintf("n%d", i+1)
		fmt.Fprintf(w, "  %s%s\n", ids[k], nodeLabel(st, k, configs))
	}
	qualifiers := map[string]map[string]bool{}
	for _, r := range routes {
		if r.Qualifier != "" && r.Condition != asyncpolicy.Invokes {
			if qualifiers[r.From] == nil {
				qualifiers[r.From] = map[string]bool{}
			}
			qualifiers[r.From][r.Qualifier] = true
		}
	}
	for _, r := range routes {
		first := string(r.Condition)
		// Say which qualifier an edge belongs to when it is not the only
		// one, or not $LATEST; a trigger, which qualifier it invokes.
		switch {
		case r.Qualifier == "":
		case r.Condition == asyncpolicy.Invokes:
			to := qualifiers[r.To]
			if r.Qualifier != "$LATEST" || (len(to) > 0 && !(len(to) == 1 && to["$LATEST"])) {
				first += " · " + shown(r.Qualifier)
			}
		case len(qualifiers[r.From]) > 1 || r.Qualifier != "$LATEST":
			first += " · " + shown(r.Qualifier)
		}
		lines := []string{first}
		if r.Condition == asyncpolicy.Watches && r.Value != "" {
			lines = append(lines, shown(r.Value))
		}
		for i, p := range r.Needs {
			mark := "?"
			if i < len(r.Granted) {
				mark = "✓"
				if !r.Granted[i] {
					mark = "✗ missing"
				}
			}
			lines = append(lines, shown(p.Action)+" "+mark)
		}
		if r.Grant == "decided at deploy" && len(r.Granted) == 0 {
			lines = append(lines, "grants decided at deploy")
		}
		arrow := "-->"
		switch r.Condition {
		case asyncpolicy.DeadLetter, asyncpolicy.MappingOnFailure, asyncpolicy.Watches, asyncpolicy.Notifies:
			arrow = "-.->"
		}
		fmt.Fprintf(w, "  %s %s|\"%s\"| %s\n", ids[r.From], arrow, mermaidLines(lines...), ids[r.To])
	}
	fmt.Fprintln(w, `  legend["✓ granted by the role's policies in the stack<br/>✗ missing or denied<br/>? or 'decided at deploy': depends on values known only at deploy"]`)
}

// nodeLabel is a node's shape and label: its kind, its Pulumi name (a
// target outside the stack: its ARN or what the stack holds of it) and,
// for a function, its invoke configs. Every string from the stack is
// shown with [shown] and escaped with [mermaidText].
func nodeLabel(st *stackgraph.Graph, key string, configs []asyncpolicy.ConfigSettings) string {
	r := st.ByURN(key)
	if r == nil {
		return `>"` + mermaidLines("outside the stack", shown(key)) + `"]`
	}
	// Each type's label and shape come from package awstypes' table; a
	// type the table does not draw is a box named by its token.
	label, shape := shown(r.Type), awstypes.Key.Shape
	if t := awstypes.Of(r.Type); t != nil && t.Shape != (awstypes.Shape{}) {
		label, shape = t.Label, t.Shape
	}
	lines := []string{label, shown(r.Name)}
	if r.Type == awstypes.TokenFunction {
		lines = append(lines, functionSettings(r, configs)...)
	}
	return shape.Open + mermaidLines(lines...) + shape.Close
}

// functionSettings summarises the retry settings of a function's configs,
// one line each, as the rules' analysis reads them (see
// asyncpolicy.Analysis.Configs): the qualifier as written (the one it
// applies to when it writes none; "decided at deploy" when not known yet),
// retries and maximum age when the config sets them.
func functionSettings(fn *stackgraph.Resource, configs []asyncpolicy.ConfigSettings) []string {
	var lines []string
	for _, c := range configs {
		if c.Function != fn.URN {
			continue
		}
		var s string
		switch {
		case c.WrittenQualifier != nil:
			s = shown(*c.WrittenQualifier)
		case c.Qualifier != "":
			s = shown(c.Qualifier)
		default:
			s = "decided at deploy"
		}
		if c.MaxRetries != nil {
			s += fmt.Sprintf(" · retries %d", *c.MaxRetries)
		}
		if c.MaxEventAgeSeconds != nil {
			s += fmt.Sprintf(" · max age %ds", *c.MaxEventAgeSeconds)
		}
		lines = append(lines, s)
	}
	return lines
}
