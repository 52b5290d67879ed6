package asyncpolicy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// Route is one edge of a stack's asynchronous routing, as the rules see
// it: a trigger invoking a function, a function reaching a destination, an
// event source mapping polling its source, a bus matching a rule.
// Condition is the kind of a routing edge: one spelling for the rules,
// the planner's routes and diagram, and the simulator's trace.
type Condition string

// The conditions of [Route].
const (
	// Invokes: an asynchronous trigger (EventBridge target, SNS
	// subscription, S3 notification) or an event source mapping (which
	// invokes synchronously) invokes the function.
	Invokes Condition = "invokes"
	// OnSuccess and OnFailure: an invoke config's destinations.
	OnSuccess Condition = "on success"
	OnFailure Condition = "on failure"
	// AnyDestination: an invoke config's destination whose slot is not
	// known until deploy.
	AnyDestination Condition = "destination"
	// DeadLetter: the function's dead-letter target.
	DeadLetter Condition = "dead letter"
	// MappingOnFailure: an event source mapping's on-failure destination.
	MappingOnFailure Condition = "mapping on failure"
	// PolledBy: a source polled by an event source mapping.
	PolledBy Condition = "polled by"
	// Matches: a bus whose events an EventBridge rule matches.
	Matches Condition = "matches"
	// Watches: a CloudWatch alarm (From) on a metric of a function (To);
	// Value is the metric's name, Qualifier the qualifier of its Resource
	// dimension ($LATEST without one).
	Watches Condition = "watches"
	// Notifies: a CloudWatch alarm (From) that notifies a topic (To).
	Notifies Condition = "notifies"
)

// conditionOf is the condition of an invoke config's slot.
func conditionOf(s lambdafacts.Slot) Condition {
	switch s {
	case slotSuccess:
		return OnSuccess
	case slotFailure:
		return OnFailure
	}
	return AnyDestination
}

type Route struct {
	// From and To are URNs of the stack's resources, ARNs of things
	// outside it, or Unknown's text when not known until deploy.
	From string `json:"from"`
	To   string `json:"to"`
	// Condition is what the edge is (see the Condition constants).
	Condition Condition `json:"condition"`
	// Via is the URN of the resource that makes the edge (the invoke
	// config, subscription, event target, mapping).
	Via string `json:"via,omitempty"`
	// Value is a destination as the stack writes it, when known: the ARN
	// in the invoke config, dead-letter config or mapping (a function's
	// may carry a qualifier); "" for other edges.
	Value string `json:"value,omitempty"`
	// Qualifier is the qualifier a destination's config applies to, or the
	// one a trigger invokes; "" where it does not apply or is not known.
	Qualifier string `json:"qualifier,omitempty"`
	// Needs lists what the function's role needs for a destination edge,
	// and Granted whether the role's policies in the stack allow each.
	Needs   []lambdafacts.Permission `json:"needs,omitempty"`
	Granted []bool                   `json:"granted,omitempty"`
	// Grant sums up the edge's grants: "granted", "missing", "denied",
	// "decided at deploy" (a value the grant depends on is unknown, or a
	// policy that might decide it is), or "" for edges that need none.
	Grant string `json:"grant,omitempty"`
}

// routesOf derives the routing edges of a model, sorted.
func routesOf(m *model) []Route {
	var out []Route
	unknownNode := Unknown{}.String()
	node := func(d dest) string {
		switch {
		case d.res != nil:
			return d.res.URN
		case d.arn != "":
			return d.arn
		case d.value != "":
			return d.value
		}
		return unknownNode
	}
	edge := func(from string, f *fnModel, d dest, condition Condition, qualifier string) {
		r := Route{From: from, To: node(d), Condition: condition, Via: d.owner.URN, Qualifier: qualifier, Value: d.value}
		m.grantStatus(f, d, &r)
		out = append(out, r)
	}
	for _, c := range m.configs {
		from := unknownNode
		if c.fn != nil {
			from = c.fn.res.URN
		} else if s, ok := valueOf(c.res, "functionName").str(); ok {
			from = s
		}
		q := configQualifier(c)
		for _, d := range c.dests {
			edge(from, c.fn, d, conditionOf(d.slot), q)
		}
	}
	for _, f := range m.functions {
		if f.dlq != nil {
			edge(f.res.URN, f, *f.dlq, DeadLetter, "")
		}
	}
	for _, mm := range m.mappings {
		if s, ok := valueOf(mm.res, "eventSourceArn").str(); ok {
			from := s
			if t := m.ix.byARN[s]; t != nil {
				from = t.URN
			}
			out = append(out, Route{From: from, To: mm.res.URN, Condition: PolledBy, Via: mm.res.URN})
		} else if c := m.ix.depsOfType(mm.res, "eventSourceArn", destinationTypes...); len(c) == 1 {
			out = append(out, Route{From: c[0].URN, To: mm.res.URN, Condition: PolledBy, Via: mm.res.URN})
		}
		if mm.fn != nil {
			out = append(out, Route{From: mm.res.URN, To: mm.fn.res.URN, Condition: Invokes, Via: mm.res.URN})
			if mm.onFailure != nil {
				edge(mm.fn.res.URN, mm.fn, *mm.onFailure, MappingOnFailure, "")
			}
		}
	}
	inv := m.invokers()
	for _, f := range m.functions {
		for _, i := range inv.at[f] {
			out = append(out, Route{From: m.triggerSource(i.by), To: f.res.URN, Condition: Invokes, Via: i.by.URN, Qualifier: i.qualifier})
		}
	}
	out = append(out, m.busRules(out)...)
	out = append(out, m.alarmRoutes()...)
	rank := map[Condition]int{PolledBy: 0, Matches: 0, Invokes: 0, OnSuccess: 1, OnFailure: 2, AnyDestination: 3, DeadLetter: 4, MappingOnFailure: 5, Watches: 6, Notifies: 7}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return fmt.Sprint(a.From, "\x00", rank[a.Condition], a.Qualifier, "\x00", a.To) < fmt.Sprint(b.From, "\x00", rank[b.Condition], b.Qualifier, "\x00", b.To)
	})
	return out
}

// grantStatus fills a destination edge's needs and how the role's
// policies decide them.
func (m *model) grantStatus(f *fnModel, d dest, r *Route) {
	if d.spec == nil || d.spec.URI || (d.slot != slotEither && !d.spec.Accepts(d.slot)) {
		return
	}
	needs := m.required(d)
	if f == nil && len(needs) > 0 {
		if docs := m.componentGrants(d.owner); docs != nil {
			// A function outside the stack configured by a component: its
			// role is outside too, and the component's grant policy on it
			// is what the stack adds.
			sum := "granted"
			for _, n := range needs {
				ok := iampolicy.Evaluate(docs, n.action, n.resource) == iampolicy.Allowed
				r.Needs = append(r.Needs, lambdafacts.Permission{Action: n.action, Resource: n.resource})
				r.Granted = append(r.Granted, ok)
				if !ok {
					sum = "decided at deploy" // the role may hold other policies
				}
			}
			r.Grant = sum
			return
		}
	}
	if len(needs) == 0 || f == nil || f.role.res == nil {
		if d.arn == "" || (f != nil && f.role.res == nil && f.role.unknown) {
			r.Grant = "decided at deploy"
		}
		for _, n := range needs {
			r.Needs = append(r.Needs, lambdafacts.Permission{Action: n.action, Resource: n.resource})
		}
		return
	}
	srcs := m.roleSources(f.role.res)
	sum := "granted"
	for _, n := range needs {
		dec, _ := decide(srcs, n.action, n.resource)
		r.Needs = append(r.Needs, lambdafacts.Permission{Action: n.action, Resource: n.resource})
		r.Granted = append(r.Granted, dec == iampolicy.Allowed)
		switch {
		case dec == iampolicy.Denied:
			sum = "denied"
		case dec == iampolicy.NotAllowed && sum != "denied":
			sum = "missing"
		case dec == iampolicy.Undecided && sum == "granted":
			sum = "decided at deploy"
		}
	}
	r.Grant = sum
}

// triggerSource is where a trigger's events come from: the topic of a
// subscription, the rule of an event target, the bucket of a notification
// (URNs when in the stack).
func (m *model) triggerSource(by *Resource) string {
	var key string
	switch by.Type {
	case tTopicSubscription:
		key = "topic"
	case tEventTarget:
		key = "rule"
	case tBucketNotification:
		key = "bucket"
	default:
		return by.URN
	}
	if c := propDeps(by, key); len(c) > 0 {
		for _, u := range c {
			if r := m.ix.byURN[u]; r != nil && r.Type != tFunction {
				return r.URN
			}
		}
	}
	s, ok := valueOf(by, key).str()
	if !ok {
		return by.URN
	}
	if r := m.ix.byARN[s]; r != nil {
		return r.URN
	}
	for _, r := range m.ix.all {
		if n, ok := valueOf(r, "name").str(); ok && n == s && r.Type != tFunction {
			return r.URN
		}
		if n, ok := valueOf(r, "bucket").str(); ok && n == s {
			return r.URN
		}
	}
	return s
}

// busRules are the edges from an event bus to the rules on it that match
// events (scheduled rules match none).
func (m *model) busRules(routes []Route) []Route {
	var out []Route
	for _, rule := range m.ix.byType[tEventRule] {
		if valueOf(rule, "scheduleExpression").st != absent {
			continue
		}
		bus, _ := valueOf(rule, "eventBusName").str()
		from := ""
		for _, b := range m.ix.byType[tBus] {
			if bus != "" && (physicalName(b) == bus || knownARN(b) == bus) {
				from = b.URN
			}
		}
		if from == "" && (bus == "" || bus == "default") {
			// The default bus is outside the stack: use the ARN a route
			// already reaches, if any.
			for _, r := range routes {
				if strings.HasSuffix(r.To, ":event-bus/default") {
					from = r.To
				}
			}
		}
		if from != "" {
			out = append(out, Route{From: from, To: rule.URN, Condition: Matches, Via: rule.URN})
		}
	}
	return out
}

// Permissions answers, for the stack it was made from, what the execution
// role of a function of the stack may do, as the rules evaluate it (inline
// and attached policies, well-known AWS managed policies, explicit Deny).
type Permissions struct{ m *model }

// Decide evaluates action on resource for the execution role of the
// function with URN fnURN: Undecided when the function, its role or one of
// its policies is not in the stack or not known.
func (p *Permissions) Decide(fnURN, action, resource string) iampolicy.Decision {
	for _, f := range p.m.functions {
		if f.res.URN != fnURN {
			continue
		}
		if f.role.res == nil {
			return iampolicy.Undecided
		}
		d, _ := p.m.decideRole(f.role.res, p.m.roleSources(f.role.res), action, resource)
		return d
	}
	return iampolicy.Undecided
}

// Explain is Decide with the policy that decides: for Allowed and Denied
// the policy whose statement allows or denies (its label), for NotAllowed
// the role's permissions boundary when it is what does not allow it
// (boundary is then set), "" otherwise.
func (p *Permissions) Explain(fnURN, action, resource string) (d iampolicy.Decision, policy string, boundary bool) {
	for _, f := range p.m.functions {
		if f.res.URN != fnURN {
			continue
		}
		if f.role.res == nil {
			return iampolicy.Undecided, "", false
		}
		srcs := p.m.roleSources(f.role.res)
		d, src := p.m.decideRole(f.role.res, srcs, action, resource)
		if src != nil {
			policy = src.label
			_, b := p.m.boundaryOf(f.role.res)
			boundary = b.res == src.res && b.field == src.field && b.label == src.label
		}
		if d == iampolicy.Allowed {
			// The target's resource-based policies, when the stack
			// holds them (ASYNC001's decision).
			if key := p.m.keyOfNeed(need{action, resource}); key != nil {
				r, _, kp := p.m.keyDecision(f.role.res, srcs, key, need{action, resource})
				switch {
				case r.Decision == iampolicy.Denied && r.Deny != nil && r.Deny.Part == iampolicy.PartResource:
					return iampolicy.Denied, kp.Label + " (" + statementName(kp.Doc, r.Deny.Statement) + ")", false
				case lambdafacts.MissingResourceAllow(r):
					return iampolicy.NotAllowed, kp.Label, false
				}
				return d, policy, boundary
			}
			arn := strings.TrimSuffix(resource, "/*")
			t := p.m.ix.target(f.res, arn)
			if p.m.accountOutside(t, arn, p.m.roleAccount(f.role.res)) != "" {
				// Across accounts the target's own policy must allow the
				// role too, and the stack does not hold it (ASYNC010).
				return iampolicy.Undecided, "", false
			}
			if t != nil && len(p.m.resourcePolicies(t)) > 0 {
				r, _, pols := p.m.authorizeOn(f.role.res, srcs, t, arn, action, resource)
				switch {
				case r.Decision == iampolicy.Denied && r.Deny != nil && r.Deny.Part == iampolicy.PartResource:
					return iampolicy.Denied, pols[r.Deny.Policy].Label + " (" + statementName(pols[r.Deny.Policy].Doc, r.Deny.Statement) + ")", false
				case lambdafacts.MissingResourceAllow(r):
					return iampolicy.NotAllowed, pols[0].Label, false
				}
			}
		}
		return d, policy, boundary
	}
	return iampolicy.Undecided, "", false
}

// componentGrants are the documents of the grant policies an asyncroute
// component (the parent of owner) attaches, or nil when owner is not a
// component's child or they are not known.
func (m *model) componentGrants(owner *Resource) []iampolicy.Document {
	parent := m.ix.byURN[owner.Parent]
	if parent == nil || !strings.HasPrefix(parent.Type, "asyncroute:") {
		return nil
	}
	var docs []iampolicy.Document
	for _, rp := range m.ix.byType[tRolePolicy] {
		if rp.Parent != parent.URN {
			continue
		}
		src := docSource(rp, "policy", labelOf(rp), valueOf(rp, "policy"))
		if src.doc == nil {
			return nil
		}
		docs = append(docs, *src.doc)
	}
	return docs
}
