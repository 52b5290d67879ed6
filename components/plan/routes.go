package plan

import (
	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// Route is one edge of a stack's asynchronous routing (see
// asyncpolicy.Route): the planner draws what the rules check.
type Route = asyncpolicy.Route

// Routes derives the asynchronous routing of a recorded stack, sorted.
func Routes(st *stackgraph.Graph) []Route {
	return routesOf(asyncpolicy.Analyze(asyncpolicy.FromStack(st)))
}

// routesOf is an analysis' routes, never nil (the JSON plan shows []).
func routesOf(a *asyncpolicy.Analysis) []Route {
	routes := a.Routes()
	if routes == nil {
		routes = []Route{}
	}
	return routes
}
