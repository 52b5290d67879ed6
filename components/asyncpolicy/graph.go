package asyncpolicy

import (
	"encoding/json"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

type (
	// Resource is one resource of a stack as the rules see it: a
	// stackgraph.Resource. The rules read URN, Type, Name, Parent, Inputs,
	// Outputs, Dependencies and PropertyDependencies; either of Inputs and
	// Outputs may be nil (a policy pack sees outputs only, a hand-written
	// graph may have inputs only).
	Resource = stackgraph.Resource
	// Graph is a stack: the resources the rules check.
	Graph = stackgraph.Graph
	// Unknown stands for a value that is not known until deploy.
	Unknown = stackgraph.Unknown
	// Holder is anything that carries a stack graph: a *Graph, or a
	// recorded stack (asyncroutetest.Stack, plan.Stack).
	Holder = stackgraph.Holder
)

func isUnknown(v any) bool { return stackgraph.IsUnknown(v) }

// FromStack returns the graph that h carries: a *Graph or a recorded
// stack (asyncroutetest.Stack, plan.Stack). The graph is not copied; the
// rules never change it.
func FromStack(h Holder) Graph {
	if h == nil {
		return Graph{}
	}
	g := h.StackGraph()
	if g == nil {
		return Graph{}
	}
	return *g
}

// state says whether a looked-up value is there, unknown or known.
type state int

const (
	absent state = iota
	unknown
	known
)

// val is a looked-up value.
type val struct {
	v  any
	st state
}

func (v val) known() bool   { return v.st == known }
func (v val) unknown() bool { return v.st == unknown }

// str returns the value as a string; ok is false for anything else.
func (v val) str() (string, bool) {
	s, ok := v.v.(string)
	return s, ok && v.st == known
}

// num returns the value as a number (float64 or a numeric string).
func (v val) num() (float64, bool) {
	if v.st != known {
		return 0, false
	}
	switch n := v.v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func (v val) boolean() (bool, bool) {
	if v.st != known {
		return false, false
	}
	b, ok := v.v.(bool)
	return b, ok
}

func (v val) list() ([]any, bool) {
	l, ok := v.v.([]any)
	return l, ok && v.st == known
}

// lookup walks path through nested maps. A nil or empty-string leaf counts
// as absent: the engine's state writes unset optional fields that way.
func lookup(m map[string]any, path []string) val {
	var cur any = m
	for _, key := range path {
		if isUnknown(cur) {
			return val{st: unknown}
		}
		mm, ok := cur.(map[string]any)
		if !ok {
			return val{}
		}
		cur, ok = mm[key]
		if !ok {
			return val{}
		}
	}
	switch {
	case isUnknown(cur):
		return val{st: unknown}
	case cur == nil:
		return val{}
	case cur == "":
		return val{}
	}
	return val{v: cur, st: known}
}

// valueOf looks a property up in the outputs, then in the inputs: a known value
// wins, then an unknown one.
func valueOf(r *Resource, path ...string) val {
	o := lookup(r.Outputs, path)
	if o.known() {
		return o
	}
	i := lookup(r.Inputs, path)
	if i.known() {
		return i
	}
	if o.unknown() || i.unknown() {
		return val{st: unknown}
	}
	return val{}
}

// inputOf prefers what the program set over what the provider reports;
// used for settings whose output may be a provider default.
func inputOf(r *Resource, path ...string) val {
	i := lookup(r.Inputs, path)
	if i.st != absent {
		return i
	}
	return lookup(r.Outputs, path)
}

// propDeps returns the URNs input key depends on.
func propDeps(r *Resource, key string) []string {
	return r.PropertyDependencies[key]
}

// labelOf names the resource in messages: `<type> "<name>"`.
func labelOf(r *Resource) string { return lambdafacts.ResourceLabel(r.Type, r.Name) }

// nameFromURN returns the last "::"-separated part of a URN.
func nameFromURN(urn string) string { return stackgraph.NameFromURN(urn) }

// typeFromURN returns the resource type of a URN (the last type of the
// qualified type).
func typeFromURN(urn string) string { return stackgraph.TypeFromURN(urn) }
