package simulate

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// FunctionMetrics is what Lambda's asynchronous-invocation metrics of one
// function, invoked as one qualifier, would read after what the simulator
// played: the Sum of each count over the whole simulation, and the Maximum
// of AsyncEventAge (see lambdafacts.Metrics for each metric's page).
type FunctionMetrics struct {
	// Function is the function's Pulumi name (its name outside the
	// stack), FunctionName its name in AWS (the FunctionName dimension),
	// Qualifier the qualifier it was invoked as (the Resource dimension
	// is <FunctionName>:<Qualifier> for one other than $LATEST).
	Function, FunctionName, Qualifier string

	// AsyncEventsReceived counts the events Lambda queued.
	AsyncEventsReceived int `json:"AsyncEventsReceived"`
	// AsyncEventAge is the longest an event waited in the queue before the
	// function ran it (no datapoint, zero, when none ran).
	AsyncEventAge time.Duration `json:"AsyncEventAge"`
	// AsyncEventsDropped counts the events dropped without a successful
	// run (sent to the failure targets first, when there are any).
	AsyncEventsDropped int `json:"AsyncEventsDropped"`
	// DestinationDeliveryFailures counts the records Lambda could not
	// deliver; DeadLetterErrors the dead letters it could not write.
	DestinationDeliveryFailures int `json:"DestinationDeliveryFailures"`
	DeadLetterErrors            int `json:"DeadLetterErrors"`
	// RecursiveInvocationsDropped counts the invocations recursive-loop
	// detection stopped.
	RecursiveInvocationsDropped int `json:"RecursiveInvocationsDropped"`

	// Firing lists the alarms of the stack on these metrics that the
	// values would set off: "orders-alarm-destination-delivery-failures
	// (DestinationDeliveryFailures Sum 1 > 0)".
	Firing []string `json:"firing,omitempty"`
}

// Value is the value of one metric, in its unit (milliseconds for
// AsyncEventAge).
func (m FunctionMetrics) Value(metric lambdafacts.Metric) float64 {
	switch metric {
	case lambdafacts.AsyncEventsReceived:
		return float64(m.AsyncEventsReceived)
	case lambdafacts.AsyncEventAge:
		return float64(m.AsyncEventAge.Milliseconds())
	case lambdafacts.AsyncEventsDropped:
		return float64(m.AsyncEventsDropped)
	case lambdafacts.DestinationDeliveryFailures:
		return float64(m.DestinationDeliveryFailures)
	case lambdafacts.DeadLetterErrors:
		return float64(m.DeadLetterErrors)
	case lambdafacts.RecursiveInvocationsDropped:
		return float64(m.RecursiveInvocationsDropped)
	}
	return 0
}

// label names the function and qualifier as the trace does.
func (m FunctionMetrics) label() string {
	if m.Qualifier == "" || m.Qualifier == lambdafacts.Latest {
		return m.Function
	}
	return m.Function + ":" + m.Qualifier
}

// String renders the metrics on one line, in the order of Lambda's page.
func (m FunctionMetrics) String() string {
	var parts []string
	for _, spec := range lambdafacts.Metrics() {
		v := fmt.Sprintf("%s %v", spec.Name, m.Value(spec.Name))
		if spec.Unit == "Milliseconds" {
			v += " ms"
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, ", ")
}

// Metrics are the metrics of every function and qualifier that received
// an asynchronous event, in the order they first did.
type Metrics []FunctionMetrics

// Write renders the metrics, a line each, and under it the alarms that
// would fire.
func (ms Metrics) Write(w io.Writer) error {
	width := 0
	for _, m := range ms {
		width = max(width, len(m.label()))
	}
	for _, m := range ms {
		if _, err := fmt.Fprintf(w, "%-*s  %s\n", width, m.label(), m); err != nil {
			return err
		}
		for _, f := range m.Firing {
			if _, err := fmt.Fprintf(w, "%-*s  → alarm %s would fire\n", width, "", f); err != nil {
				return err
			}
		}
	}
	return nil
}

// metricKey identifies a function's metrics at a qualifier.
type metricKey struct{ fn, qualifier string }

// count adds to one metric of inv's function and qualifier.
func (s *Simulator) count(inv *Invocation, metric lambdafacts.Metric) {
	m := s.metricsOf(inv)
	switch metric {
	case lambdafacts.AsyncEventsReceived:
		m.AsyncEventsReceived++
	case lambdafacts.AsyncEventsDropped:
		m.AsyncEventsDropped++
	case lambdafacts.DestinationDeliveryFailures:
		m.DestinationDeliveryFailures++
	case lambdafacts.DeadLetterErrors:
		m.DeadLetterErrors++
	case lambdafacts.RecursiveInvocationsDropped:
		m.RecursiveInvocationsDropped++
	}
}

// eventAge records the age of an event the function is about to run.
func (s *Simulator) eventAge(inv *Invocation) {
	m := s.metricsOf(inv)
	if age := s.now.Sub(inv.Accepted); age > m.AsyncEventAge {
		m.AsyncEventAge = age
	}
}

func (s *Simulator) metricsOf(inv *Invocation) *FunctionMetrics {
	k := metricKey{inv.Function, inv.Qualifier}
	if m := s.metrics[k]; m != nil {
		return m
	}
	if s.metrics == nil {
		s.metrics = map[metricKey]*FunctionMetrics{}
	}
	m := &FunctionMetrics{Function: inv.Function, FunctionName: inv.fn.name, Qualifier: inv.Qualifier}
	s.metrics[k] = m
	s.metricOrder = append(s.metricOrder, k)
	return m
}

// Metrics returns what each function's metrics would read now, with the
// alarms of the stack they would set off.
func (s *Simulator) Metrics() Metrics {
	var out Metrics
	for _, k := range s.metricOrder {
		m := *s.metrics[k]
		m.Firing = nil
		for _, a := range s.m.alarms {
			if why, ok := a.fires(m); ok {
				m.Firing = append(m.Firing, why)
			}
		}
		out = append(out, m)
	}
	return out
}

// alarm is a CloudWatch alarm of the stack on a Lambda metric of a
// function, as the analysis links it (asyncpolicy's watches routes).
type alarm struct {
	name       string
	fn         *function
	qualifier  string // the Resource's qualifier; $LATEST without one; "" unknown
	metric     lambdafacts.Metric
	statistic  string
	threshold  float64
	comparison string
}

// readAlarms reads the alarms the analysis says watch a function.
func readAlarms(g *stackgraph.Graph, a *asyncpolicy.Analysis, m *model) []*alarm {
	var out []*alarm
	for _, rt := range a.Routes() {
		if rt.Condition != asyncpolicy.Watches {
			continue
		}
		r, f := g.ByURN(rt.From), m.byURN(rt.To)
		if r == nil || f == nil {
			continue
		}
		th, ok := num(r, awstypes.AlarmThreshold)
		if !ok {
			continue
		}
		out = append(out, &alarm{name: r.Name, fn: f, qualifier: rt.Qualifier, metric: lambdafacts.Metric(rt.Value),
			statistic: str(r, awstypes.AlarmStatistic), threshold: th, comparison: str(r, awstypes.AlarmComparison)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// fires says whether the alarm would fire on m, and why. The simulator
// compares the value over the whole simulation (a Sum, or the Maximum of
// an age) with the threshold, not period by period.
func (a *alarm) fires(m FunctionMetrics) (string, bool) {
	if a.fn.pulumiName != m.Function || a.qualifier != "" && a.qualifier != m.Qualifier && !(a.qualifier == lambdafacts.Latest && m.Qualifier == "") {
		return "", false
	}
	spec := lambdafacts.MetricOf(a.metric)
	if spec == nil {
		return "", false
	}
	v := m.Value(a.metric)
	var op string
	var hit bool
	switch a.comparison {
	case "GreaterThanThreshold":
		op, hit = ">", v > a.threshold
	case "GreaterThanOrEqualToThreshold":
		op, hit = ">=", v >= a.threshold
	case "LessThanThreshold":
		op, hit = "<", v < a.threshold
	case "LessThanOrEqualToThreshold":
		op, hit = "<=", v <= a.threshold
	default:
		return "", false
	}
	stat := a.statistic
	if stat == "" {
		stat = spec.Statistic
	}
	return fmt.Sprintf("%s (%s %s %v %s %v)", a.name, a.metric, stat, v, op, a.threshold), hit
}
