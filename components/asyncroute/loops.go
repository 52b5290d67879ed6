package asyncroute

import (
	"slices"
	"strconv"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
)

// Loops between the functions the program's components configure (see
// lambdafacts.FindLoops). Each component records the routes it makes
// from its function to another function: on success (a LambdaFunction, a
// function's ARN, a ResponseOnly next function) and on failure. A
// component whose routes close a loop of on-success routes only is
// refused, on the field of the route; one that closes any other loop gets
// a warning. The components see the routes between functions; a loop
// through a queue or topic that triggers a function again is found by the
// rules (ASYNC009), which see every resource of the stack.

// loopNode is a function of the program's routes: the keys it is known by
// (its resource, its identity) and the name messages give it.
type loopNode struct {
	keys []functionKey
	name string
}

// loopFlow is a route from one node to another.
type loopFlow struct {
	from, to int
	how      lambdafacts.LoopRoute
}

// node returns the node one of keys names, adding the keys it lacks, or a
// new node. The caller holds s.mu.
func (s *configSet) node(keys []functionKey, name string) int {
	for i, n := range s.nodes {
		for _, k := range keys {
			for _, nk := range n.keys {
				if k.same(nk) {
					n.keys = append(n.keys, keys...)
					if n.name == "" {
						n.name = name
					}
					return i
				}
			}
		}
	}
	s.nodes = append(s.nodes, &loopNode{keys: append([]functionKey(nil), keys...), name: name})
	return len(s.nodes) - 1
}

// knownAs adds a key to the node of the component's own function (its
// resource, once created).
func (s *configSet) knownAs(node int, k functionKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if node >= 0 && node < len(s.nodes) {
		s.nodes[node].keys = append(s.nodes[node].keys, k)
	}
}

// loopsWith records the component's routes from its function (own, named
// ownName) and returns the loops they close, with the field of the route
// that closes each.
func (s *configSet) loopsWith(own []functionKey, ownName string, routes []pendingRoute) (int, []closedLoop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	me := s.node(own, ownName)
	byHop := map[lambdafacts.LoopHop]string{}
	for _, r := range routes {
		to := s.node(r.to, r.name)
		s.flows = append(s.flows, loopFlow{from: me, to: to, how: r.how})
		byHop[lambdafacts.LoopHop{From: nodeID(me), To: nodeID(to), How: r.how}] = r.field
	}
	if len(routes) == 0 {
		return me, nil
	}
	hops := make([]lambdafacts.LoopHop, 0, len(s.flows))
	// The component's routes first: a loop is given from the route that
	// closes it.
	for h := range byHop {
		hops = append(hops, h)
	}
	sortHops(hops)
	for _, f := range s.flows {
		h := lambdafacts.LoopHop{From: nodeID(f.from), To: nodeID(f.to), How: f.how}
		if _, mine := byHop[h]; !mine {
			hops = append(hops, h)
		}
	}
	var out []closedLoop
	for _, loop := range lambdafacts.FindLoops(hops) {
		field, mine := byHop[loop[0]]
		if !mine {
			continue // a loop of earlier components, reported by them
		}
		named := make([]lambdafacts.LoopHop, len(loop))
		full := sharedNames(s, loop)
		for i, h := range loop {
			named[i] = lambdafacts.LoopHop{From: s.nameOf(h.From, full), To: s.nameOf(h.To, full), How: h.How}
		}
		out = append(out, closedLoop{field: field, loop: named})
	}
	return me, out
}

// pendingRoute is a route of the component being checked to a function.
type pendingRoute struct {
	to    []functionKey
	name  string
	how   lambdafacts.LoopRoute
	field string
}

// closedLoop is a loop a component's route closes.
type closedLoop struct {
	field string
	loop  []lambdafacts.LoopHop
}

func nodeID(i int) string { return strconv.Itoa(i) }

// nameOf is a node's name in messages: the function's name, or its ARN
// (parts not known shown as <unknown>) when full.
func (s *configSet) nameOf(id string, full bool) string {
	i, _ := strconv.Atoi(id)
	n := s.nodes[i]
	if full {
		for _, k := range n.keys {
			if k.id != nil {
				return k.id.String()
			}
		}
	}
	if n.name != "" {
		return n.name
	}
	return "function #" + id
}

// sharedNames says whether two functions of a loop have one name (in two
// regions or accounts), so that messages name them by ARN.
func sharedNames(s *configSet, loop []lambdafacts.LoopHop) bool {
	seen := map[string]string{}
	for _, h := range loop {
		for _, id := range []string{h.From, h.To} {
			name := s.nameOf(id, false)
			if other, ok := seen[name]; ok && other != id {
				return true
			}
			seen[name] = id
		}
	}
	return false
}

// sortHops orders the component's own hops: on-success first, then by
// target, so that a loop is told from the same route every run.
func sortHops(hops []lambdafacts.LoopHop) {
	slices.SortStableFunc(hops, func(a, b lambdafacts.LoopHop) int {
		if (a.How == lambdafacts.LoopOnSuccess) != (b.How == lambdafacts.LoopOnSuccess) {
			if a.How == lambdafacts.LoopOnSuccess {
				return -1
			}
			return 1
		}
		return strings.Compare(a.To, b.To)
	})
}

// checkLoops records the routes from the component's function (own,
// named ownName) to functions and refuses a success loop they close;
// another loop is a warning. It returns the node of the component's
// function (see knownAs).
func (a *assembly) checkLoops(own []functionKey, ownName string) (int, error) {
	var routes []pendingRoute
	for _, slot := range []lambdafacts.Slot{slotSuccess, slotFailure} {
		t := a.targets[slot]
		if t == nil {
			continue
		}
		keys, name, err := a.functionTarget(t)
		if err != nil {
			return -1, err
		}
		if keys == nil {
			continue
		}
		how := lambdafacts.LoopOnSuccess
		if slot == slotFailure {
			how = lambdafacts.LoopOnFailure
		}
		routes = append(routes, pendingRoute{to: keys, name: name, how: how, field: fieldOf(slot)})
	}
	node, loops := configsOf(a.ctx).loopsWith(own, ownName, routes)
	for _, l := range loops {
		if lambdafacts.SuccessOnly(l.loop) {
			a.errs.addErr(l.field, lambdafacts.SuccessLoop(l.loop))
			continue
		}
		if err := a.warn(l.field, lambdafacts.RedriveLoop(l.loop)); err != nil {
			return -1, err
		}
	}
	return node, nil
}

// functionTarget is the function a target routes to, when it is one: a
// LambdaFunction, a function's ARN, a ResponseOnly next function. Its
// keys are nil otherwise.
func (a *assembly) functionTarget(t *target) ([]functionKey, string, error) {
	_, response := t.route.(responseRoute)
	isFunction := response || (t.spec != nil && t.spec.Kind == lambdafacts.KindLambda)
	if !isFunction {
		return nil, "", nil
	}
	var keys []functionKey
	name := ""
	if fn, ok := t.res.(*lambda.Function); ok && fn != nil {
		keys = append(keys, functionKey{res: fn})
		name = fn.PulumiResourceName()
	}
	ref := t.known
	if ref == "" && !isNil(t.fnName) {
		v, err := phase.Read(a.ctx, t.fnName)
		if err != nil {
			return nil, "", err
		}
		if v.Known {
			ref = v.Str()
		}
	}
	if ref != "" {
		if r, err := lambdafacts.ParseFunctionRef(ref); err == nil && r.Name != "" {
			id := r.In(a.place)
			keys = append(keys, functionKeys(nil, &id)...)
			name = r.Name
		}
	}
	return keys, name, nil
}
