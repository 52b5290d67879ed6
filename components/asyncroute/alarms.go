package asyncroute

import (
	"fmt"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Alarms asks a component for CloudWatch alarms on the metrics that mean
// records are being lost after deploy. One line turns them on:
//
//	Alarms: &asyncroute.Alarms{Notify: onCall},
//
// Each alarm is a cloudwatch.MetricAlarm named
// <component>-alarm-<metric> (orders-alarm-destination-delivery-failures),
// on the metric of the qualifier the invoke config is on (dimensions
// FunctionName, and Resource for an alias or version), reading one-minute
// periods, greater than its threshold, missing data not breaching. Its
// description says what a firing means and what to look at. A function
// (or AsyncInvoke) gets:
//
//   - DestinationDeliveryFailures > 0 when the config has a destination:
//     a record could not be delivered (permission, deleted target, FIFO,
//     size);
//   - DeadLetterErrors > 0 when the function has a dead-letter target: a
//     failed event could not be written to it;
//   - AsyncEventsDropped > 0 when there is no on-failure destination and
//     no dead-letter target, so that a dropped event is a lost one;
//   - AsyncEventAge (Maximum) above half the maximum event age: a backlog
//     that will be dropped if it grows.
//
// An event source mapping of a Kinesis or DynamoDB stream with OnFailure
// gets DestinationDeliveryFailures on its function: Lambda counts a failed
// delivery of a stream's failure record there. Other mappings publish no
// metric these alarms could watch with pulumi-aws v6 (docs/destinations.md
// says which and why), so Alarms on them is an error.
//
// Each alarm can be changed or switched off through its field; setting a
// field of an alarm the component would not create asks for it.
type Alarms struct {
	// Notify is the SNS topic the alarms notify when they fire and when
	// they recover. It must be one CloudWatch can publish to: not encrypted
	// with the AWS-managed key alias/aws/sns (a customer-managed key must
	// let cloudwatch.amazonaws.com use it). Nil with NotifyArn nil: the
	// alarms notify nobody (they show in the CloudWatch console).
	Notify *sns.Topic
	// NotifyArn is the same topic by ARN, for one this program has no
	// resource for (its encryption cannot be checked). One of Notify and
	// NotifyArn at most.
	NotifyArn pulumi.StringInput

	DestinationDeliveryFailures *Alarm
	DeadLetterErrors            *Alarm
	AsyncEventsDropped          *Alarm
	AsyncEventAge               *Alarm
}

// Alarm changes one alarm of [Alarms]; nil fields keep the defaults.
type Alarm struct {
	// Off switches the alarm off.
	Off bool
	// Threshold is the count the Sum of a period must exceed (default 0),
	// for the count metrics; not for AsyncEventAge.
	Threshold *float64
	// Age is the age the oldest event must exceed, for AsyncEventAge
	// (default half of the maximum event age): whole seconds, less than
	// the maximum event age.
	Age *time.Duration
	// Period is the length of one period: whole minutes (default 1m).
	Period *time.Duration
	// EvaluationPeriods is how many periods in a row must breach (default
	// 1).
	EvaluationPeriods *int
}

// alarmPlan is a component's alarms once its args are checked.
type alarmPlan struct {
	metrics []alarmUse
	notify  pulumi.StringOutput // the topic's ARN, checked; unset: none
	hasNote bool
	// maxAge is the config's maximum event age, for AsyncEventAge.
	maxAge time.Duration
	// subject names what is watched in the descriptions ("function",
	// "event source mapping ... of function").
	mapping bool
	// fn is the watched function's reference (a mapping's); nil for a
	// config's, which finish takes from the config it writes.
	fn pulumi.StringInput
	// into is the component's Alarms field.
	into *map[string]*cloudwatch.MetricAlarm
}

// alarmUse is one alarm to create.
type alarmUse struct {
	spec        *lambdafacts.AlarmSpec
	threshold   float64
	period      time.Duration
	evaluations int
}

// alarmNeeds says which alarms a component's routing calls for, and which
// it allows when asked for explicitly (with why not, when not).
type alarmNeeds struct {
	on      map[lambdafacts.Metric]bool   // created by default
	refused map[lambdafacts.Metric]string // asking for it is a fault: why
	maxAge  time.Duration
}

// configAlarmNeeds are the needs of an invoke config's routing; dlq says
// the function's dead-letter target is set, dlqKnown that the component
// knows whether it is (an AsyncInvoke does not).
func configAlarmNeeds(r routing, dlq, dlqKnown bool) alarmNeeds {
	_, succ := r.dests[slotSuccess]
	_, fail := r.dests[slotFailure]
	n := alarmNeeds{on: map[lambdafacts.Metric]bool{lambdafacts.AsyncEventAge: true}, refused: map[lambdafacts.Metric]string{}, maxAge: lambdafacts.DefaultMaxEventAge}
	if r.maxEventAge != nil {
		n.maxAge = *r.maxEventAge
	}
	if succ || fail {
		n.on[lambdafacts.DestinationDeliveryFailures] = true
	} else {
		n.refused[lambdafacts.DestinationDeliveryFailures] = "the config has no destination, so Lambda never counts a delivery failure for it; allowed: leave it empty, or set " +
			doors.Field("OnSuccess") + " or " + doors.Field("OnFailure")
	}
	switch {
	case dlq:
		n.on[lambdafacts.DeadLetterErrors] = true
	case dlqKnown:
		n.refused[lambdafacts.DeadLetterErrors] = "the function has no dead-letter target, so Lambda never counts a dead-letter error for it; allowed: leave it empty, or set " + doors.Field("DeadLetter")
	}
	if !fail && !dlq {
		n.on[lambdafacts.AsyncEventsDropped] = true
	}
	return n
}

// mappingAlarmNeeds are the needs of an event source mapping: a stream
// source's failure records are counted in DestinationDeliveryFailures;
// nothing else a mapping publishes can be alarmed on here. why says what
// is refused for every metric.
func mappingAlarmNeeds(src *lambdafacts.SourceSpec, onFailure bool) (alarmNeeds, string) {
	n := alarmNeeds{on: map[lambdafacts.Metric]bool{}, refused: map[lambdafacts.Metric]string{}}
	const notMapping = "is a metric of asynchronous invocation, which an event source mapping does not use; allowed: leave it empty"
	for _, m := range lambdafacts.AlarmMetrics() {
		n.refused[m] = notMapping
	}
	delete(n.refused, lambdafacts.DestinationDeliveryFailures)
	switch {
	case src.Kind == SourceSQS:
		return n, "an event source mapping of an SQS queue publishes no metric that means a lost record (failing messages move to the queue's dead-letter queue by its redrive policy); allowed: leave " +
			doors.Field("Alarms") + " empty and alarm on that dead-letter queue"
	case src.Kind == SourceKafka:
		return n, "a Kafka source's failed deliveries to its on-failure destination are counted in OnFailureDestinationDeliveryErrorCount, of the mapping's ErrorCount metrics group, " +
			"which pulumi-aws v6.83.4 cannot turn on (its metrics configuration offers EventCount alone); allowed: leave " + doors.Field("Alarms") + " empty"
	case !onFailure:
		return n, "without " + doors.Field("OnFailure") + " a stream mapping sends failed batches nowhere, and Lambda counts no delivery failure to alarm on; allowed: set " +
			doors.Field("OnFailure") + " (an SQS queue, SNS topic or S3 bucket), or leave " + doors.Field("Alarms") + " empty"
	}
	n.on[lambdafacts.DestinationDeliveryFailures] = true
	return n, ""
}

// field is an Alarms field's Go path.
func alarmField(m lambdafacts.Metric) string { return "Alarms." + string(m) }

// setting is the Alarm of metric m in a.
func (a *Alarms) setting(m lambdafacts.Metric) *Alarm {
	switch m {
	case lambdafacts.DestinationDeliveryFailures:
		return a.DestinationDeliveryFailures
	case lambdafacts.DeadLetterErrors:
		return a.DeadLetterErrors
	case lambdafacts.AsyncEventsDropped:
		return a.AsyncEventsDropped
	case lambdafacts.AsyncEventAge:
		return a.AsyncEventAge
	}
	return nil
}

// checkAlarms checks a component's Alarms against what its routing calls
// for and returns the plan, or nil (no Alarms, or faults added to errs).
// why, when not "", refuses Alarms as a whole.
func checkAlarms(ctx *pulumi.Context, errs *errorList, in *Alarms, n alarmNeeds, why string) (*alarmPlan, error) {
	if in == nil {
		return nil, nil
	}
	if why != "" {
		errs.add("Alarms", "%s", why)
		return nil, nil
	}
	before := len(errs.errs)
	p := &alarmPlan{maxAge: n.maxAge}
	for _, m := range lambdafacts.AlarmMetrics() {
		set := in.setting(m)
		field := alarmField(m)
		if why, refused := n.refused[m]; refused {
			if set != nil && !set.Off {
				errs.add(field, "%s", why)
			}
			continue
		}
		if set == nil && !n.on[m] || set != nil && set.Off {
			continue
		}
		use, err := checkAlarm(m, set, n.maxAge)
		if err != nil {
			errs.addErr(field+"."+err.field, err.err)
			continue
		}
		p.metrics = append(p.metrics, use)
	}
	if err := p.checkNotify(ctx, errs, in); err != nil {
		return nil, err
	}
	if len(errs.errs) > before {
		return nil, nil
	}
	return p, nil
}

// fieldError is a fault of one member of an Alarm.
type fieldError struct {
	field string
	err   error
}

// checkAlarm checks one Alarm's settings and fills in the defaults.
func checkAlarm(m lambdafacts.Metric, set *Alarm, maxAge time.Duration) (alarmUse, *fieldError) {
	spec := lambdafacts.Alarm(m)
	use := alarmUse{spec: spec, period: lambdafacts.AlarmPeriod, evaluations: lambdafacts.AlarmEvaluationPeriods}
	age := m == lambdafacts.AsyncEventAge
	if age {
		use.threshold = float64(lambdafacts.AgeThreshold(maxAge).Milliseconds())
	}
	if set == nil {
		return use, nil
	}
	switch {
	case set.Threshold != nil && age:
		return use, &fieldError{"Threshold", doors.Errorf("does not apply to %s, an age in milliseconds; allowed: leave it empty and set %s", m, doors.Field(alarmField(m)+".Age"))}
	case set.Age != nil && !age:
		return use, &fieldError{"Age", doors.Errorf("applies to %s only; allowed: leave it empty and set %s", lambdafacts.AsyncEventAge, doors.Field(alarmField(m)+".Threshold"))}
	case set.Threshold != nil && *set.Threshold < 0:
		return use, &fieldError{"Threshold", fmt.Errorf("%v is negative; allowed: 0 or more (the alarm fires when the count is above it)", *set.Threshold)}
	case set.Threshold != nil:
		use.threshold = *set.Threshold
	case set.Age != nil:
		d, allowed := *set.Age, doors.SecondsRange(time.Second, maxAge-time.Second)
		switch {
		case d%time.Second != 0:
			return use, &fieldError{"Age", doors.Errorf("%s is not a whole number of seconds; allowed: %s", doors.Seconds(d), allowed)}
		case d < time.Second || d >= maxAge:
			return use, &fieldError{"Age", doors.Errorf("%s is out of range; allowed: %s (Lambda drops an event older than the maximum event age, %s, so a longer age never fires)",
				doors.Seconds(d), allowed, doors.Seconds(maxAge))}
		}
		use.threshold = float64(d.Milliseconds())
	}
	if set.Period != nil {
		use.period = *set.Period
	}
	if set.EvaluationPeriods != nil {
		use.evaluations = *set.EvaluationPeriods
	}
	if err := lambdafacts.CheckAlarmPeriod(use.period, use.evaluations); err != nil {
		field := "Period"
		if use.period > 0 && use.period%time.Minute == 0 {
			field = "EvaluationPeriods"
		}
		return use, &fieldError{field, err}
	}
	return use, nil
}

// checkNotify checks the notification topic: one of Notify and NotifyArn;
// a Notify topic's key (known now, or checked at deploy inside the ARN
// the alarms take); a NotifyArn that is an SNS topic's ARN.
func (p *alarmPlan) checkNotify(ctx *pulumi.Context, errs *errorList, in *Alarms) error {
	component := errs.component
	switch {
	case in.Notify != nil && !isNil(in.NotifyArn):
		errs.add("Alarms.Notify", "both Notify and NotifyArn are set; allowed: one of them")
		return nil
	case in.Notify != nil:
		var checks phase.Checks
		what := lambdafacts.Describe("SNS topic", in.Notify.PulumiResourceName())
		err := checks.Now(ctx, phase.Known(func(v []any) error {
			key, _ := v[0].(string)
			return lambdafacts.CheckAlarmTopicKey(what, key)
		}), in.Notify.KmsMasterKeyId)
		if err := errs.fault("Alarms.Notify", err); err != nil {
			return err
		}
		p.notify = phase.Gate[string](&checks, in.Notify.Arn, func(err error) error {
			return inputErrorOf(component, "Alarms.Notify", err)
		}).(pulumi.StringOutput)
		p.hasNote = true
	case !isNil(in.NotifyArn):
		var checks phase.Checks
		err := checks.Now(ctx, phase.Known(func(v []any) error {
			s, _ := v[0].(string)
			return lambdafacts.CheckAlarmTopicARN(s)
		}), in.NotifyArn)
		if err := errs.fault("Alarms.NotifyArn", err); err != nil {
			return err
		}
		p.notify = phase.Gate[string](&checks, in.NotifyArn.ToStringOutput(), func(err error) error {
			return inputErrorOf(component, "Alarms.NotifyArn", err)
		}).(pulumi.StringOutput)
		p.hasNote = true
	}
	return nil
}

// watched is the function an alarm watches: its name and the qualifier
// its metrics are reported for.
type watched struct {
	name, qualifier pulumi.StringOutput
}

// watchedFunction reads a function reference (name, ARN, partial or
// qualified) and a qualifier ("" or $LATEST for none) as the function's
// name and the qualifier its metrics carry.
func watchedFunction(ref pulumi.StringInput, qualifier pulumi.StringInput) watched {
	var q pulumi.Input = pulumi.String("")
	if !isNil(qualifier) {
		q = qualifier
	}
	parts := pulumi.All(ref, q).ApplyT(func(v []any) []string {
		s, _ := v[0].(string)
		qual, _ := v[1].(string)
		name := s
		if r, err := lambdafacts.ParseFunctionRef(s); err == nil && r.Name != "" {
			name = r.Name
			if qual == "" {
				qual = r.Qualifier
			}
		} else if i := strings.Index(s, "function:"); i >= 0 {
			name = strings.SplitN(s[i+len("function:"):], ":", 2)[0] // a partial ARN
		}
		if qual == "" {
			qual = lambdafacts.Latest
		}
		return []string{name, qual}
	}).(pulumi.StringArrayOutput)
	return watched{name: parts.Index(pulumi.Int(0)), qualifier: parts.Index(pulumi.Int(1))}
}

// build creates the alarms on w, parented to the component.
func (p *alarmPlan) build(ctx *pulumi.Context, name string, w watched, parent pulumi.Resource, tags pulumi.StringMapInput) (map[string]*cloudwatch.MetricAlarm, error) {
	out := map[string]*cloudwatch.MetricAlarm{}
	dims := pulumi.All(w.name, w.qualifier).ApplyT(func(v []any) map[string]string {
		return lambdafacts.Dimensions(v[0].(string), v[1].(string))
	}).(pulumi.StringMapOutput)
	for _, u := range p.metrics {
		m := u.spec.Metric
		threshold := thresholdWords(u)
		mapping := p.mapping
		desc := pulumi.All(w.name, w.qualifier).ApplyT(func(v []any) string {
			subject := "function " + v[0].(string)
			if q := v[1].(string); q != lambdafacts.Latest {
				subject += " (qualifier " + q + ")"
			}
			if mapping {
				subject = "an event source mapping of " + subject
			}
			return u.spec.Description(subject, threshold)
		}).(pulumi.StringOutput)
		args := &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   desc,
			Namespace:          pulumi.String(lambdafacts.MetricNamespace),
			MetricName:         pulumi.String(string(m.Name)),
			Dimensions:         dims,
			Statistic:          pulumi.String(m.Statistic),
			Period:             pulumi.Int(int(u.period / time.Second)),
			EvaluationPeriods:  pulumi.Int(u.evaluations),
			Threshold:          pulumi.Float64(u.threshold),
			ComparisonOperator: pulumi.String(lambdafacts.AlarmComparison),
			TreatMissingData:   pulumi.String(lambdafacts.AlarmMissingData),
			Tags:               tags,
		}
		if p.hasNote {
			args.AlarmActions = pulumi.Array{p.notify}
			args.OkActions = pulumi.Array{p.notify}
		}
		alarm, err := cloudwatch.NewMetricAlarm(ctx, name+"-alarm-"+kebab(string(m.Name)), args, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		out[string(m.Name)] = alarm
	}
	return out, nil
}

// thresholdWords says when an alarm fires, for its description.
func thresholdWords(u alarmUse) string {
	m := u.spec.Metric
	value := fmt.Sprintf("%v", u.threshold)
	if m.Unit == "Milliseconds" {
		value = fmt.Sprintf("%v ms (%s)", u.threshold, time.Duration(u.threshold)*time.Millisecond)
	}
	periods := "one period"
	if u.evaluations > 1 {
		periods = fmt.Sprintf("%d periods in a row", u.evaluations)
	}
	return fmt.Sprintf("the %s of %s is above %s in %s of %s", m.Statistic, m.Name, value, periods, u.period)
}

// kebab writes a metric's name as a child name's part:
// DestinationDeliveryFailures -> destination-delivery-failures.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// create builds the alarms of a component once its invoke config (w, nil
// for a mapping) is described: on the config's function and qualifier,
// or on the function a mapping invokes.
func (p *alarmPlan) create(a *assembly, d description, w *configWrite) error {
	if p == nil {
		return nil
	}
	on := watchedFunction(p.fn, nil)
	if w != nil {
		on = watchedFunction(w.fn, w.qualifier)
	}
	created, err := p.build(a.ctx, a.name, on, d.component, d.tags)
	if err != nil {
		return err
	}
	*p.into = created
	return nil
}

// checkMappingAlarms checks a mapping's Alarms. What a mapping can alarm
// on depends on its source's kind, which must be known while the program
// runs in preview and update alike: Source, or a literal EventSourceArn.
func checkMappingAlarms(ctx *pulumi.Context, errs *errorList, args *EventSourceMappingArgs, src *mappingSource, fnIn pulumi.StringInput) (*alarmPlan, error) {
	if args.Alarms == nil || src == nil {
		return nil, nil
	}
	spec := src.spec
	if args.Source == "" && src.hasARN {
		v, err := phase.Read(ctx, args.EventSourceArn)
		if err != nil {
			return nil, err
		}
		if !v.Literal {
			spec = nil
		}
	}
	if spec == nil {
		errs.add("Alarms", "which alarms a mapping gets depends on its source's kind, and %s is known only at deploy; allowed: set %s", doors.Field("EventSourceArn"), doors.Field("Source"))
		return nil, nil
	}
	n, why := mappingAlarmNeeds(spec, !isNil(args.OnFailure))
	p, err := checkAlarms(ctx, errs, args.Alarms, n, why)
	if p != nil {
		p.mapping, p.fn = true, fnIn
	}
	return p, err
}
