package main

import (
	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// GraphOf converts the resources the engine passes to a stack policy. The
// engine passes each resource's outputs (its final state; at preview the
// planned state with unknowns), so they become the graph's Outputs, in
// stackgraph's plain values (secrets read through, computed values
// stackgraph.Unknown, resource references their URN).
func GraphOf(resources []policyx.AnalyzerResource) asyncpolicy.Graph {
	rs := make([]*stackgraph.Resource, 0, len(resources))
	for _, r := range resources {
		rs = append(rs, &stackgraph.Resource{
			URN:                  r.URN,
			Type:                 r.Type,
			Name:                 r.Name,
			Parent:               r.Parent,
			Provider:             r.Provider.URN, // the provider's URN: the engine passes no id
			Outputs:              stackgraph.FromProperties(r.Properties),
			Dependencies:         r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
		})
	}
	return *stackgraph.New(rs)
}
