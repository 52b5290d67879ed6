package offline

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
)

// Report prints what an offline run leaves: the resources the double holds
// for the stack (type, logical name, id), the stack's asynchronous routing
// as the rules read it from the stack's state (data: `pulumi stack export`
// or `pulumi preview --json`), with each destination's grant status, and
// the rules' findings. It returns the findings.
func Report(out io.Writer, w Workspace, data []byte) ([]asyncpolicy.Finding, error) {
	st, err := fakeaws.LoadState(w.State())
	if err != nil {
		return nil, err
	}
	live := st.Live()
	sort.Slice(live, func(i, j int) bool {
		if live[i].Type != live[j].Type {
			return live[i].Type < live[j].Type
		}
		return live[i].URN < live[j].URN
	})
	fmt.Fprintf(out, "In the test double (%d resources):\n", len(live))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, r := range live {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Type, stackgraph.NameFromURN(r.URN), r.ID)
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, nil
	}
	g, _, err := stackfile.Decode(data)
	if err != nil {
		return nil, err
	}
	a := asyncpolicy.Analyze(asyncpolicy.FromStack(g))
	routes := a.Routes()
	fmt.Fprintf(out, "\nAsynchronous routing (%d routes):\n", len(routes))
	if len(routes) == 0 {
		fmt.Fprintf(out, "  none\n")
	}
	for _, r := range routes {
		fmt.Fprintf(out, "  %s\n", routeLine(r))
	}
	findings := a.Check(asyncpolicy.Config{})
	fmt.Fprintf(out, "\nFindings (asyncpolicy rules):\n")
	if len(findings) == 0 {
		fmt.Fprintf(out, "  none\n")
	}
	for _, f := range findings {
		fmt.Fprintf(out, "  %s\n", f)
	}
	return findings, nil
}

// routeLine renders a route as "from --condition [qualifier]--> to (grant)".
func routeLine(r asyncpolicy.Route) string {
	cond := string(r.Condition)
	if r.Qualifier != "" {
		cond += " " + r.Qualifier
	}
	line := fmt.Sprintf("%s --%s--> %s", nodeName(r.From), cond, nodeName(r.To))
	if r.Grant != "" {
		line += " (" + r.Grant + ")"
	}
	return line
}

// nodeName is a resource's logical name for a URN, anything else as it is.
func nodeName(s string) string {
	if strings.HasPrefix(s, "urn:pulumi:") {
		return stackgraph.NameFromURN(s)
	}
	return s
}
