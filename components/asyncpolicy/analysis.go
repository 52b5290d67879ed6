package asyncpolicy

import (
	"sort"
	"sync"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// Analysis is a stack's asynchronous routing as the rules read it: which
// function each invoke config configures, where its records go, who
// invokes which qualifier, and what each execution role may do. It is
// built once by [Analyze] and read by the rules ([Analysis.Check]), the
// planner's routes and diagram ([Analysis.Routes], [Analysis.Configs]) and
// the simulator, so an edge the planner draws, a finding the rules report
// and a delivery the simulator makes never disagree.
type Analysis struct {
	m *model

	invOnce sync.Once
	inv     *invokers

	routesOnce sync.Once
	routes     []Route
}

// Analyze reads g's routing once.
func Analyze(g Graph) *Analysis { return &Analysis{m: modelOf(g)} }

// invokers is who invokes which function, worked out on first use.
func (a *Analysis) invokers() *invokers {
	a.invOnce.Do(func() { a.inv = a.m.invokers() })
	return a.inv
}

// Routes are the stack's routing edges, sorted (see [Route]).
func (a *Analysis) Routes() []Route {
	a.routesOnce.Do(func() { a.routes = routesOf(a.m) })
	return append([]Route(nil), a.routes...)
}

// ConfiguredFunctions maps the URN of each asynchronous invoke config
// (FunctionEventInvokeConfig) whose function is in the stack to that
// function's URN: functionName as the function's name or ARN (qualified or
// not), a partial ARN, or, when it is not known until deploy, the function
// it depends on. A config whose function is outside the stack or cannot be
// told is left out.
func (a *Analysis) ConfiguredFunctions() map[string]string {
	out := map[string]string{}
	for _, c := range a.m.configs {
		if c.fn != nil {
			out[c.res.URN] = c.fn.res.URN
		}
	}
	return out
}

// ConfigSettings are an invoke config's settings as the rules read them.
type ConfigSettings struct {
	// URN is the config's; Function the configured function's URN, "" when
	// it is outside the stack (FunctionName then holds what the config
	// names).
	URN, Function, FunctionName string
	// Qualifier is the qualifier the config applies to ("$LATEST" when it
	// names none; "" when not known until deploy or not valid).
	Qualifier string
	// WrittenQualifier is the config's qualifier input as written, when it
	// is set and known (even when not valid); nil otherwise.
	WrittenQualifier *string
	// MaxRetries and MaxEventAgeSeconds are nil when the config leaves
	// them out (Lambda's defaults apply) or they are not known.
	MaxRetries, MaxEventAgeSeconds *int
}

// Configs are the stack's invoke configs, sorted by URN.
func (a *Analysis) Configs() []ConfigSettings {
	var out []ConfigSettings
	for _, c := range a.m.configs {
		s := ConfigSettings{URN: c.res.URN, Qualifier: configQualifier(c)}
		if c.fn != nil {
			s.Function = c.fn.res.URN
		}
		if v, ok := valueOf(c.res, "functionName").str(); ok {
			s.FunctionName = v
		}
		if q, ok := c.res.Inputs["qualifier"].(string); ok {
			s.WrittenQualifier = &q
		}
		if n, ok := valueOf(c.res, "maximumRetryAttempts").num(); ok {
			v := int(n)
			s.MaxRetries = &v
		}
		if n, ok := valueOf(c.res, "maximumEventAgeInSeconds").num(); ok {
			v := int(n)
			s.MaxEventAgeSeconds = &v
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Permissions answers what the execution role of a function of the stack
// may do.
func (a *Analysis) Permissions() *Permissions { return &Permissions{m: a.m} }

// Decide is shorthand for a.Permissions().Decide.
func (a *Analysis) Decide(fnURN, action, resource string) iampolicy.Decision {
	return a.Permissions().Decide(fnURN, action, resource)
}
