package asyncpolicy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// checkDeliveryAlarms is ASYNC007: after deploy, a record Lambda cannot
// deliver (a permission revoked, a destination deleted, a record over the
// size limit) is lost, and only the DestinationDeliveryFailures metric
// says so. A raw stack's invoke config with a destination should have a
// CloudWatch alarm on that metric, on its function (FunctionName) and, for
// a config on an alias or version, its qualifier (Resource). A config made
// by an asyncroute component is not flagged: there, Alarms is the
// component's opt-in. It also flags an alarm on a Lambda metric that
// notifies a topic encrypted with alias/aws/sns, which CloudWatch cannot
// publish to.
func checkDeliveryAlarms(m *model, emit emitFunc) {
	for _, c := range m.configs {
		if !c.hasAny || c.fnUnknown || m.madeByComponent(c.res) {
			continue
		}
		name := ""
		if c.fn != nil {
			name = c.fn.name
		} else if s, ok := valueOf(c.res, "functionName").str(); ok {
			if ref, err := lambdafacts.ParseFunctionRef(s); err == nil {
				name = ref.Name
			}
		}
		if c.fn == nil && name == "" {
			continue
		}
		q := configQualifier(c)
		watched := false
		for _, a := range m.alarms {
			if a.watches(string(lambdafacts.DestinationDeliveryFailures), c.fn, name, q) {
				watched = true
				break
			}
		}
		if watched {
			continue
		}
		emit(c.res, "destinationConfig", message(c.res, "destinationConfig", deliveryAlarmProblem(c, name, q), deliveryAlarmFix(name, q)))
	}
	for _, a := range m.alarms {
		for _, t := range a.topics {
			key, ok := valueOf(t, "kmsMasterKeyId").str()
			if !ok {
				continue
			}
			// Named as the components name it, so that both doors say the
			// same.
			if err := lambdafacts.CheckAlarmTopicKey(lambdafacts.Describe(kindOfType(t.Type).Label, t.Name), key); err != nil {
				emit(a.res, "alarmActions", fmt.Sprintf("%s, field alarmActions: %s", labelOf(a.res), err))
			}
		}
	}
}

// deliveryAlarmProblem says what is missing for config c of function name
// at qualifier q.
func deliveryAlarmProblem(c *configModel, name, q string) string {
	fn := fmt.Sprintf("function %q", name)
	if c.fn != nil {
		fn = fmt.Sprintf("function %q", c.fn.res.Name)
	}
	at := ""
	if q != "" && q != lambdafacts.Latest {
		at = fmt.Sprintf(" at qualifier %q", q)
	}
	return fmt.Sprintf("%s has an asynchronous invoke config with destinations%s, but no aws:cloudwatch/metricAlarm:MetricAlarm of the stack watches its %s, "+
		"so a record Lambda fails to deliver after deploy (a permission revoked, a destination deleted, a FIFO target, a record over the size limit) is lost without anyone hearing of it",
		fn, at, lambdafacts.DestinationDeliveryFailures)
}

// deliveryAlarmFix says which alarm to add.
func deliveryAlarmFix(name, q string) string {
	dims := []string{lambdafacts.DimFunctionName + "=" + name}
	if name == "" {
		dims = []string{lambdafacts.DimFunctionName + "=<the function's name>"}
	}
	if r := lambdafacts.ResourceDimension(name, q); r != "" {
		dims = append(dims, lambdafacts.DimResource+"="+r)
	}
	sort.Strings(dims)
	spec := lambdafacts.MetricOf(lambdafacts.DestinationDeliveryFailures)
	return fmt.Sprintf("add an aws:cloudwatch/metricAlarm:MetricAlarm with namespace %s, metricName %s, statistic %s, dimensions %s, threshold 0, "+
		"comparisonOperator %s and treatMissingData %s, notifying someone (with asyncroute, set Alarms on the component)",
		lambdafacts.MetricNamespace, spec.Name, spec.Statistic, strings.Join(dims, " and "), lambdafacts.AlarmComparison, lambdafacts.AlarmMissingData)
}
