package asyncpolicy

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
)

// Resource is one resource of a stack as the rules see it.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string // parent URN; "" for children of the stack
	// Inputs and Outputs hold plain Go values: string, float64, bool,
	// []any, map[string]any, nil, and Unknown for a value that is not known
	// (asyncroutetest.Unknown is accepted too). Either may be nil: a policy
	// pack sees outputs only, a hand-written graph may have inputs only.
	Inputs  map[string]any
	Outputs map[string]any
	// Dependencies are the URNs the resource depends on.
	Dependencies []string
	// PropertyDependencies lists, per top-level input, the URNs that input
	// depends on. Optional; when present it relates resources whose
	// references are unknown at preview.
	PropertyDependencies map[string][]string
}

// Graph is a stack: the resources the rules check.
type Graph struct {
	Resources []Resource
}

// Unknown stands for a value that is not known until deploy.
type Unknown struct{}

func (Unknown) String() string { return "<unknown until deploy>" }

func isUnknown(v any) bool {
	switch v.(type) {
	case Unknown, *Unknown, asyncroutetest.Unknown, *asyncroutetest.Unknown:
		return true
	}
	return false
}

// FromStack converts what asyncroutetest.Run recorded into a Graph. The
// stack's own Unknown values become this package's Unknown.
func FromStack(st *asyncroutetest.Stack) Graph {
	var g Graph
	if st == nil {
		return g
	}
	for _, r := range st.Resources {
		if r == nil {
			continue
		}
		res := Resource{
			URN:          r.URN,
			Type:         r.Type,
			Name:         r.Name,
			Parent:       r.Parent,
			Inputs:       plainMap(r.Inputs),
			Outputs:      plainMap(r.Outputs),
			Dependencies: append([]string(nil), r.Dependencies...),
		}
		if len(r.PropertyDependencies) > 0 {
			res.PropertyDependencies = map[string][]string{}
			for k, v := range r.PropertyDependencies {
				res.PropertyDependencies[k] = append([]string(nil), v...)
			}
		}
		markDropped(res.Inputs, r.PropertyDependencies)
		markDropped(res.Outputs, r.PropertyDependencies)
		g.Resources = append(g.Resources, res)
	}
	return g
}

// markDropped restores unknowns that the mock monitor never saw: at
// preview the Go SDK leaves an unknown input out of what it sends, so an
// input that depends on other resources but is missing, or an object of it
// that came out empty, was unknown.
func markDropped(m map[string]any, deps map[string][]string) {
	if m == nil {
		return
	}
	for key, urns := range deps {
		if len(urns) == 0 {
			continue
		}
		v, ok := m[key]
		if !ok || v == nil {
			m[key] = Unknown{}
			continue
		}
		m[key] = emptyToUnknown(v)
	}
}

func emptyToUnknown(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return Unknown{}
		}
		for k, e := range x {
			x[k] = emptyToUnknown(e)
		}
	case []any:
		for i, e := range x {
			x[i] = emptyToUnknown(e)
		}
	}
	return v
}

func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v any) any {
	switch x := v.(type) {
	case asyncroutetest.Unknown, *asyncroutetest.Unknown:
		return Unknown{}
	case map[string]any:
		return plainMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	}
	return v
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

// get looks a property up in the outputs, then in the inputs: a known value
// wins, then an unknown one.
func (r *Resource) get(path ...string) val {
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

// getInput prefers what the program set over what the provider reports;
// used for settings whose output may be a provider default.
func (r *Resource) getInput(path ...string) val {
	i := lookup(r.Inputs, path)
	if i.st != absent {
		return i
	}
	return lookup(r.Outputs, path)
}

// propDeps returns the URNs input key depends on.
func (r *Resource) propDeps(key string) []string {
	return r.PropertyDependencies[key]
}

// label names the resource in messages: `<type> "<name>"`.
func (r *Resource) label() string {
	return r.Type + ` "` + r.Name + `"`
}

// nameFromURN returns the last "::"-separated part of a URN.
func nameFromURN(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// typeFromURN returns the resource type of a URN (the last type of the
// qualified type).
func typeFromURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	qt := parts[len(parts)-2]
	if i := strings.LastIndex(qt, "$"); i >= 0 {
		qt = qt[i+1:]
	}
	return qt
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
