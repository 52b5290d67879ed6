package asyncpolicy

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"sort"
	"strings"
)

// anyTarget names every kind that may receive failure records, for fixes.
const anyTarget = "an SQS queue, SNS topic, Lambda function or EventBridge event bus (or, on failure, an S3 bucket)"

// invocation is an asynchronous invoker of a function at a qualifier ("" when
// the qualifier is not known); field is the invoker's input naming the
// function.
type invocation struct {
	by        *Resource
	field     string
	qualifier string
}

// invokers records who invokes which function in the stack.
type invokers struct {
	// at lists the triggers (S3 notifications, SNS subscriptions,
	// EventBridge targets) by the qualifier they invoke.
	at    map[*fnModel][]invocation
	async map[*fnModel][]*Resource // S3 notifications, SNS subscriptions, EventBridge targets
	// other async-capable invokers: functions used as destinations,
	// permissions for principals that are not synchronous callers.
	otherAsync map[*fnModel][]*Resource
	sync       map[*fnModel][]*Resource
	// unresolved is set when an asynchronous invoker points at a function
	// that cannot be told (unknown and not explained by dependencies).
	unresolved bool
}

// syncPrincipals are services that invoke synchronously.
var syncPrincipals = map[string]bool{
	"apigateway.amazonaws.com":           true,
	"elasticloadbalancing.amazonaws.com": true,
}

// invokers works out who invokes which function; Check does it once for
// the rules that need it.
func (m *model) invokers() *invokers {
	ix := m.ix
	inv := &invokers{at: map[*fnModel][]invocation{}, async: map[*fnModel][]*Resource{}, otherAsync: map[*fnModel][]*Resource{}, sync: map[*fnModel][]*Resource{}}
	add := func(to map[*fnModel][]*Resource, r *Resource, rf ref, countUnresolved bool) {
		switch {
		case rf.res != nil:
			if f := m.byRes[rf.res]; f != nil {
				to[f] = append(to[f], r)
			}
		case rf.unknown && countUnresolved:
			inv.unresolved = true
		}
	}
	// trigger records an asynchronous trigger of r (input field) at the
	// qualifier its function reference carries, or at the alias it names.
	trigger := func(r *Resource, field string, rf ref, countUnresolved bool) {
		if rf.res == nil {
			if al := m.aliasRef(r, field); al != nil {
				if f := m.byRes[al.fn]; f != nil {
					inv.async[f] = append(inv.async[f], r)
					inv.at[f] = append(inv.at[f], invocation{by: r, field: field, qualifier: al.name})
				}
				return
			}
		}
		add(inv.async, r, rf, countUnresolved)
		if f := m.byRes[rf.res]; f != nil {
			inv.at[f] = append(inv.at[f], invocation{by: r, field: field, qualifier: qualifierOf(rf.value)})
		}
	}

	for _, n := range ix.byType[tBucketNotification] {
		lf := valueOf(n, "lambdaFunctions")
		if lf.unknown() {
			fns := ix.depsOfType(n, "lambdaFunctions", tFunction)
			for _, fr := range fns {
				trigger(n, "lambdaFunctions", ref{res: fr}, true)
			}
			if len(fns) == 0 {
				inv.unresolved = true
			}
			continue
		}
		list, _ := lf.list()
		for _, e := range list {
			em, _ := e.(map[string]any)
			v := lookup(em, []string{"lambdaFunctionArn"})
			if isUnknown(e) {
				v = val{st: unknown}
			}
			switch v.st {
			case known:
				s, _ := v.str()
				trigger(n, "lambdaFunctions", ref{value: s, res: ix.function(n, s)}, true)
			default:
				// Unknown, or left out by an SDK that drops unknowns: every
				// entry names a function.
				fns := ix.depsOfType(n, "lambdaFunctions", tFunction)
				if len(fns) == 1 {
					trigger(n, "lambdaFunctions", ref{res: fns[0]}, true)
				} else {
					inv.unresolved = true
				}
			}
		}
	}
	for _, s := range ix.byType[tTopicSubscription] {
		p := valueOf(s, "protocol")
		if ps, ok := p.str(); ok && !strings.EqualFold(ps, "lambda") {
			continue
		}
		trigger(s, "endpoint", ix.functionRef(s, "endpoint"), p.known())
	}
	for _, t := range ix.byType[tEventTarget] {
		rf := ix.functionRef(t, "arn")
		if rf.value != "" && rf.res == nil {
			continue // another kind of target
		}
		trigger(t, "arn", rf, true)
	}
	for _, c := range m.configs {
		for _, d := range c.dests {
			if d.spec != nil && d.spec.Kind == lambdafacts.KindLambda && d.res != nil {
				add(inv.otherAsync, c.res, ref{res: d.res}, false)
			}
		}
	}
	for _, p := range ix.byType[tPermission] {
		if a, ok := valueOf(p, "action").str(); ok && strings.EqualFold(a, "lambda:InvokeFunctionUrl") {
			continue
		}
		if pr, ok := valueOf(p, "principal").str(); ok && syncPrincipals[pr] {
			continue
		}
		add(inv.otherAsync, p, ix.functionRef(p, "function"), true)
	}

	for _, i := range ix.byType[tAPIGatewayIntegr] {
		// A REST integration that sets X-Amz-Invocation-Type invokes
		// asynchronously (when it is 'Event').
		if params, ok := valueOf(i, "requestParameters").v.(map[string]any); ok {
			if _, async := params["integration.request.header.X-Amz-Invocation-Type"]; async {
				add(inv.otherAsync, i, ix.functionRef(i, "uri"), true)
				continue
			}
		}
		add(inv.sync, i, ix.functionRef(i, "uri"), false)
	}
	// An event source mapping polls its source and invokes the function
	// synchronously: destinations never see its records.
	for _, mm := range m.mappings {
		if mm.fn != nil {
			inv.sync[mm.fn] = append(inv.sync[mm.fn], mm.res)
		}
	}
	for _, i := range ix.byType[tAPIGatewayV2Integr] {
		add(inv.sync, i, ix.functionRef(i, "integrationUri"), false)
	}
	for _, u := range ix.byType[tFunctionURL] {
		add(inv.sync, u, ix.functionRef(u, "functionName"), false)
	}
	for _, a := range ix.ofType(tLBAttachment, tALBAttachment) {
		add(inv.sync, a, ix.functionRef(a, "targetId"), false)
	}
	return inv
}

func labels(rs []*Resource) string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		if l := labelOf(r); !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// checkFailurePath is ASYNC003.
func checkFailurePath(m *model, inv *invokers, emit emitFunc) {
	for _, f := range m.functions {
		by := inv.async[f]
		if len(by) == 0 && len(f.configs) == 0 {
			continue
		}
		if f.dlqSet {
			continue
		}
		how := "has an asynchronous invoke config"
		if len(by) > 0 {
			how = "is invoked asynchronously by " + labels(by)
		}
		problem := fmt.Sprintf("function %q %s but has no on-failure destination and no dead-letter target, so an event that fails every retry or grows too old is dropped", f.name, how)
		fix := "set destinationConfig.onFailure.destination (" + anyTarget + ") on its aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig, or deadLetterConfig.targetArn (an SQS queue or SNS topic) on the function"
		for _, c := range f.configs {
			if c.hasFailure {
				continue // this qualifier has a failure path
			}
			field := "destinationConfig.onFailure.destination"
			emit(c.res, field, message(c.res, field, problem, fix))
		}
		if len(f.configs) == 0 {
			field := "deadLetterConfig.targetArn"
			emit(f.res, field, message(f.res, field, problem, fix))
		}
	}
}

// checkNeverFires is ASYNC004.
func checkNeverFires(m *model, inv *invokers, emit emitFunc) {
	if inv.unresolved {
		return // an asynchronous invoker might point at any function
	}
	for _, f := range m.functions {
		syncBy := inv.sync[f]
		if !f.routes() || len(syncBy) == 0 || len(inv.async[f]) > 0 || len(inv.otherAsync[f]) > 0 {
			continue
		}
		problem := fmt.Sprintf("function %q is invoked only synchronously (by %s), and destinations and dead-letter targets receive records of asynchronous invocations only, so %%s never receives one", f.name, labels(syncBy))
		fix := "invoke the function asynchronously (InvocationType Event, or an S3, SNS or EventBridge trigger), or handle failures in the synchronous caller and remove the %s"
		for _, c := range f.configs {
			if !c.hasAny {
				continue
			}
			field := "destinationConfig"
			emit(c.res, field, message(c.res, field, fmt.Sprintf(problem, "its destinationConfig"), fmt.Sprintf(fix, "destinations")))
		}
		if f.dlqSet {
			field := "deadLetterConfig.targetArn"
			emit(f.res, field, message(f.res, field, fmt.Sprintf(problem, "its dead-letter target"), fmt.Sprintf(fix, "dead-letter target")))
		}
	}
}

// qualifierOf is the qualifier a function reference invokes: the one it
// carries, or $LATEST; "" when the reference is not known.
func qualifierOf(ref string) string {
	if ref == "" {
		return ""
	}
	r, err := lambdafacts.ParseFunctionRef(functionARNInURI(ref))
	if err != nil {
		return ""
	}
	if r.Qualifier == "" {
		return lambdafacts.Latest
	}
	return r.Qualifier
}

// aliasRefTo is an invoker's reference to an alias of the stack.
type aliasRefTo struct {
	fn   *Resource
	name string
}

// aliasRef finds the alias of the stack an invoker's field names (by its
// ARN, or through its single dependency when the ARN is unknown).
func (m *model) aliasRef(r *Resource, field string) *aliasRefTo {
	var al *Resource
	if s, ok := valueOf(r, field).str(); ok {
		for _, a := range m.ix.byType[tAlias] {
			if knownARN(a) == s {
				al = a
			}
		}
	} else if c := m.ix.depsOfType(r, field, tAlias); len(c) == 1 {
		al = c[0]
	}
	if al == nil {
		return nil
	}
	name, _ := valueOf(al, "name").str()
	fr := m.ix.functionRef(al, "functionName")
	if fr.res == nil || name == "" {
		return nil
	}
	return &aliasRefTo{fn: fr.res, name: name}
}

// configQualifier is the qualifier an invoke config applies to ("" when
// not known).
func configQualifier(c *configModel) string {
	_, _, q, ok, err := configTarget(c)
	if !ok || err != nil {
		return ""
	}
	return q
}

// checkInvokedQualifiers is ASYNC006: a trigger invokes a qualifier of a
// function that has no asynchronous invoke config, while another qualifier
// of it has one: records of those invocations never reach its
// destinations.
func checkInvokedQualifiers(m *model, inv *invokers, emit emitFunc) {
	for _, f := range m.functions {
		configured := map[string]*configModel{}
		var names []string
		for _, c := range f.configs {
			q := configQualifier(c)
			if q == "" {
				configured = nil // a config on an unknown qualifier might be the one
				break
			}
			if configured[q] == nil {
				names = append(names, q)
			}
			configured[q] = c
		}
		if len(configured) == 0 {
			continue
		}
		sort.Strings(names)
		for _, i := range inv.at[f] {
			if i.qualifier == "" || configured[i.qualifier] != nil {
				continue
			}
			use := make([]string, len(names))
			for k, q := range names {
				use[k] = fmt.Sprintf("qualifier %q", q)
				if f.arn != "" {
					use[k] = f.arn + ":" + q
				}
			}
			problem := fmt.Sprintf("invokes function %q at qualifier %q, which has no asynchronous invoke config, while %s has one (%s), so the records of these invocations never reach its destinations",
				f.name, i.qualifier, quoteList("qualifier", names), labelOf(configured[names[0]].res))
			fix := "invoke " + strings.Join(use, " or ") + " (with asyncroute, the component's QualifiedArn output)"
			emit(i.by, i.field, message(i.by, i.field, problem, fix))
		}
	}
}

func quoteList(what string, names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return what + " " + q[0]
	}
	return what + "s " + strings.Join(q, ", ")
}
