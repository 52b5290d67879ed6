package stackgraph

import (
	"fmt"
	"sort"
	"strings"
)

// Graph is a stack: its resources and indexes over them.
//
// A Graph made by [New] (or grown with [Graph.Add]) is indexed by URN; one
// written as a literal, Graph{Resources: ...}, works too and is scanned.
// Change Resources of an indexed graph only through Add.
type Graph struct {
	// Resources in registration order (in file order for a graph read
	// from a file).
	Resources []*Resource
	// DefaultRegion is the region of the stack's default AWS provider when
	// no resource of the graph holds it (a program recorded under the
	// mocks, whose default provider is not a resource): "" when not known.
	DefaultRegion string
	byURN         map[string]*Resource
}

// New returns a graph of rs, indexed. A resource without a Name or Type
// gets them from its URN; nil entries are left out.
func New(rs []*Resource) *Graph {
	g := &Graph{Resources: make([]*Resource, 0, len(rs)), byURN: make(map[string]*Resource, len(rs))}
	for _, r := range rs {
		g.Add(r)
	}
	return g
}

// Add appends r to the graph. A resource without a Name or Type gets them
// from its URN; nil is ignored. When two resources share a URN, ByURN
// returns the first.
func (g *Graph) Add(r *Resource) {
	if r == nil {
		return
	}
	if r.Name == "" {
		r.Name = NameFromURN(r.URN)
	}
	if r.Type == "" {
		r.Type = TypeFromURN(r.URN)
	}
	if g.byURN == nil {
		g.byURN = make(map[string]*Resource, len(g.Resources)+1)
		for _, x := range g.Resources {
			if x == nil {
				continue
			}
			if _, dup := g.byURN[x.URN]; !dup {
				g.byURN[x.URN] = x
			}
		}
	}
	if _, dup := g.byURN[r.URN]; !dup {
		g.byURN[r.URN] = r
	}
	g.Resources = append(g.Resources, r)
}

// StackGraph returns g. It lets functions that read a graph take anything
// that carries one ([Holder]), such as a test helper's stack that embeds a
// *Graph.
func (g *Graph) StackGraph() *Graph { return g }

// Holder is anything that carries a graph: a *Graph, or a type that embeds
// one.
type Holder interface {
	StackGraph() *Graph
}

// ByURN returns the resource with that URN, or nil.
func (g *Graph) ByURN(urn string) *Resource {
	if g == nil || urn == "" {
		return nil
	}
	if g.byURN != nil {
		return g.byURN[urn]
	}
	for _, r := range g.Resources {
		if r != nil && r.URN == urn {
			return r
		}
	}
	return nil
}

// OfType returns the resources of type typ in graph order.
func (g *Graph) OfType(typ string) []*Resource {
	if g == nil {
		return nil
	}
	var out []*Resource
	for _, r := range g.Resources {
		if r != nil && r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the first resource of type typ named name, or nil.
func (g *Graph) Find(typ, name string) *Resource {
	if g == nil {
		return nil
	}
	for _, r := range g.Resources {
		if r != nil && r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// Lookup is [Graph.Find] with an error for a resource that is not there:
// the error lists what the graph holds of that type, or of any type when
// it holds none of it.
func (g *Graph) Lookup(typ, name string) (*Resource, error) {
	if r := g.Find(typ, name); r != nil {
		return r, nil
	}
	var same, all []string
	if g != nil {
		for _, r := range g.Resources {
			if r == nil {
				continue
			}
			all = append(all, r.Key())
			if r.Type == typ {
				same = append(same, r.Name)
			}
		}
	}
	sort.Strings(same)
	sort.Strings(all)
	switch {
	case len(same) > 0:
		return nil, fmt.Errorf("no %s named %q; the stack has these of that type: %s", typ, name, strings.Join(same, ", "))
	case len(all) > 0:
		return nil, fmt.Errorf("no %s named %q; the stack has none of that type, only: %s", typ, name, strings.Join(all, ", "))
	}
	return nil, fmt.Errorf("no %s named %q; the stack is empty", typ, name)
}

// Children returns the resources whose parent is r, in graph order.
func (g *Graph) Children(r *Resource) []*Resource {
	if g == nil || r == nil {
		return nil
	}
	var out []*Resource
	for _, x := range g.Resources {
		if x != nil && x.Parent == r.URN {
			out = append(out, x)
		}
	}
	return out
}

// Dependencies returns what r depends on directly, as sorted "type/name";
// a URN of a resource outside the graph is returned as it is.
func (g *Graph) Dependencies(r *Resource) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, u := range r.Dependencies {
		if d := g.ByURN(u); d != nil {
			out = append(out, d.Key())
		} else {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

// DependsOn reports whether r depends on other, directly or through the
// dependencies of its dependencies.
func (g *Graph) DependsOn(r, other *Resource) bool {
	if r == nil || other == nil {
		return false
	}
	seen := map[string]bool{}
	stack := []*Resource{r}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, u := range x.Dependencies {
			if u == other.URN {
				return true
			}
			if seen[u] {
				continue
			}
			seen[u] = true
			if d := g.ByURN(u); d != nil {
				stack = append(stack, d)
			}
		}
	}
	return false
}
