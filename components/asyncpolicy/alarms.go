package asyncpolicy

import (
	"strings"

	"github.com/asyncroute/asyncroute/internal/awstypes"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

const tMetricAlarm = awstypes.TokenMetricAlarm

// alarmModel is an aws:cloudwatch MetricAlarm on one of Lambda's metrics,
// as the rules read it: which function (and qualifier) it watches, on
// which metric, and whom it notifies. An alarm with metricQueries counts
// once per Lambda metric it queries.
type alarmModel struct {
	res *Resource
	// metric is the metric's name; "" when it is not known until deploy.
	metric string
	// fn is the function its FunctionName dimension names (or depends on,
	// when unknown); nil when that function is not in the stack.
	fn *fnModel
	// name is the FunctionName dimension when known; anyFunction says it
	// is unknown and no single function of the stack explains it.
	name        string
	anyFunction bool
	// resource is the Resource dimension ("" when absent); anyResource
	// says it is unknown.
	resource    string
	anyResource bool
	// topics are the SNS topics of the stack its actions notify; actions
	// the ARNs of the others, as written.
	topics  []*Resource
	actions []string
}

// lambdaMetric is one metric an alarm reads: its name, namespace and
// dimensions, where path is where they are (for dependencies).
type lambdaMetric struct {
	metric, namespace val
	dims              val
	depKey            string
}

// buildAlarms reads the stack's metric alarms on Lambda's metrics.
func (m *model) buildAlarms() {
	for _, r := range m.ix.byType[tMetricAlarm] {
		var metrics []lambdaMetric
		if valueOf(r, awstypes.AlarmMetricName).st != absent {
			metrics = append(metrics, lambdaMetric{metric: valueOf(r, awstypes.AlarmMetricName), namespace: valueOf(r, awstypes.AlarmNamespace),
				dims: valueOf(r, awstypes.AlarmDimensions), depKey: awstypes.AlarmDimensions})
		}
		if qs, ok := valueOf(r, awstypes.AlarmMetricQuery).list(); ok {
			for _, q := range qs {
				qm, _ := q.(map[string]any)
				metric := lookup(qm, []string{"metric"})
				if !metric.known() {
					continue
				}
				mm, _ := metric.v.(map[string]any)
				metrics = append(metrics, lambdaMetric{metric: lookup(mm, []string{"metricName"}), namespace: lookup(mm, []string{"namespace"}),
					dims: lookup(mm, []string{"dimensions"}), depKey: awstypes.AlarmMetricQuery})
			}
		}
		topics, actions := m.alarmActions(r)
		for _, lm := range metrics {
			if ns, ok := lm.namespace.str(); ok && ns != lambdafacts.MetricNamespace {
				continue
			}
			a := &alarmModel{res: r, topics: topics, actions: actions}
			if s, ok := lm.metric.str(); ok {
				a.metric = s
			}
			m.alarmDimensions(a, lm)
			m.alarms = append(m.alarms, a)
		}
	}
}

// alarmDimensions reads which function and qualifier an alarm watches.
func (m *model) alarmDimensions(a *alarmModel, lm lambdaMetric) {
	dims, _ := lm.dims.v.(map[string]any)
	fn := lookup(dims, []string{lambdafacts.DimFunctionName})
	if lm.dims.unknown() {
		fn = val{st: unknown}
	}
	switch {
	case fn.known():
		a.name, _ = fn.str()
		if f := m.ix.function(a.res, a.name); f != nil {
			a.fn = m.byRes[f]
		}
	case fn.unknown():
		if c := m.ix.depsOfType(a.res, lm.depKey, tFunction); len(c) == 1 {
			a.fn = m.byRes[c[0]]
		} else {
			a.anyFunction = true
		}
	default:
		return // no FunctionName: not a function's metric
	}
	res := lookup(dims, []string{lambdafacts.DimResource})
	switch {
	case lm.dims.unknown() || res.unknown():
		a.anyResource = true
	case res.known():
		a.resource, _ = res.str()
	}
}

// alarmActions are the topics of the stack an alarm notifies (alarm and
// OK actions), and the ARNs of the others.
func (m *model) alarmActions(r *Resource) ([]*Resource, []string) {
	var topics []*Resource
	var actions []string
	seen := map[string]bool{}
	for _, key := range []string{awstypes.AlarmActions, awstypes.AlarmOKActions} {
		v := valueOf(r, key)
		if v.unknown() {
			for _, t := range m.ix.depsOfType(r, key, tTopic) {
				if !seen[t.URN] {
					seen[t.URN] = true
					topics = append(topics, t)
				}
			}
			continue
		}
		list, _ := v.list()
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				continue
			}
			if t := m.ix.byARN[s]; t != nil && t.Type == tTopic {
				if !seen[t.URN] {
					seen[t.URN] = true
					topics = append(topics, t)
				}
				continue
			}
			if !seen[s] {
				seen[s] = true
				actions = append(actions, s)
			}
		}
	}
	return topics, actions
}

// watches says whether the alarm may watch metric of function f's config
// at qualifier q (a known config's qualifier, "" when not known): its
// FunctionName is f's (or unknown), and its Resource is the qualifier's
// (none for $LATEST), or unknown.
func (a *alarmModel) watches(metric string, f *fnModel, name, q string) bool {
	if a.metric != "" && a.metric != metric {
		return false
	}
	switch {
	case a.anyFunction:
	case a.fn != nil && f != nil:
		if a.fn != f {
			return false
		}
	case a.name == "" || a.name != name:
		return false
	}
	if a.anyResource || q == "" {
		return true
	}
	if n := a.functionName(f, name); n != "" {
		return a.resource == lambdafacts.ResourceDimension(n, q) || q == lambdafacts.Latest && a.resource == n+":"+lambdafacts.Latest
	}
	// The function's name is not known: any Resource of the form
	// <name>:<q> may be it.
	return (q == lambdafacts.Latest && a.resource == "") || strings.HasSuffix(a.resource, ":"+q)
}

// functionName is the name the alarm's dimensions use: its own, or the
// function's.
func (a *alarmModel) functionName(f *fnModel, name string) string {
	switch {
	case a.name != "":
		return a.name
	case f != nil && f.name != "":
		return f.name
	}
	return name
}

// qualifier is the qualifier an alarm's Resource names ($LATEST without
// one; "" when unknown).
func (a *alarmModel) qualifier() string {
	switch {
	case a.anyResource:
		return ""
	case a.resource == "":
		return lambdafacts.Latest
	}
	if i := strings.LastIndex(a.resource, ":"); i >= 0 {
		return a.resource[i+1:]
	}
	return ""
}

// madeByComponent says whether r is a child of an asyncroute component.
func (m *model) madeByComponent(r *Resource) bool {
	parent := m.ix.byURN[r.Parent]
	return parent != nil && strings.HasPrefix(parent.Type, "asyncroute:")
}

// alarmRoutes are the edges of the alarms on the stack's functions: the
// alarm watches the function, and notifies its topics.
func (m *model) alarmRoutes() []Route {
	var out []Route
	for _, a := range m.alarms {
		if a.fn == nil {
			continue
		}
		out = append(out, Route{From: a.res.URN, To: a.fn.res.URN, Condition: Watches, Via: a.res.URN, Value: a.metric, Qualifier: a.qualifier()})
	}
	notified := map[string]bool{}
	for _, a := range m.alarms {
		if a.fn == nil {
			continue
		}
		for _, t := range a.topics {
			if key := a.res.URN + "\x00" + t.URN; !notified[key] {
				notified[key] = true
				out = append(out, Route{From: a.res.URN, To: t.URN, Condition: Notifies, Via: a.res.URN})
			}
		}
		for _, s := range a.actions {
			if key := a.res.URN + "\x00" + s; !notified[key] {
				notified[key] = true
				out = append(out, Route{From: a.res.URN, To: s, Condition: Notifies, Via: a.res.URN})
			}
		}
	}
	return out
}
