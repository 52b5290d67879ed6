package simulate

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// Delivery is one message, event or object an in-memory target got.
type Delivery struct {
	Time time.Time
	// Target names the target ("SQS queue orders-processed"); TargetName
	// is its Pulumi name (or, outside the stack, the name in its ARN),
	// TargetURN its URN ("" outside the stack), TargetARN its ARN.
	Target, TargetName, TargetURN, TargetARN string
	Kind                                     lambdafacts.Kind
	// From is the function (Pulumi name) whose record, dead letter or
	// event this is; RequestID its invocation's request ID.
	From, RequestID string
	// Via is how it got there: "on success", "on failure", "dead letter",
	// "rule <name>", "subscription to <topic>".
	Via string
	// Body is what the consumer reads: an SQS message's body, an SNS
	// notification's JSON (what an SQS subscriber without raw delivery or
	// an HTTP subscriber gets), the EventBridge event, an S3 object's
	// body, a function's event.
	Body []byte
	// Key is an S3 object's key.
	Key string
	// SQS is the message of a queue, as a Lambda consumer of the queue
	// sees it (pass it to records.WrapSQSEvent for the whole event).
	SQS *records.SQSMessage
	// Record and DeadLetter are what package records reads from it (the
	// consumer's half): one of them for a destination's or dead-letter
	// target's delivery, neither for an event a rule or subscription
	// passed on that holds neither (a response-only event).
	Record     *records.Record
	DeadLetter *records.DeadLetter
	// Err is set when package records could not read what the simulator
	// delivered (a bug in one of them).
	Err error
}

// LambdaEvent returns the event a Lambda function consuming this delivery
// receives: the SQS event of a queue's message, the SNS event of a topic's
// notification (for a made-up subscription), the event itself otherwise.
func (d *Delivery) LambdaEvent() ([]byte, error) {
	switch {
	case d.SQS != nil:
		return records.WrapSQSEvent(*d.SQS)
	case d.Kind == lambdafacts.KindSNS:
		return records.WrapSNSEvent(d.TargetARN+":"+pseudoUUID("subscription", d.TargetARN), d.Body)
	}
	return d.Body, nil
}

// Deliveries returns everything every target got, in order.
func (s *Simulator) Deliveries() []*Delivery { return append([]*Delivery(nil), s.deliveries...) }

// DeliveriesTo returns what one target got, in order. ref is its Pulumi
// name, URN, name in AWS or ARN.
func (s *Simulator) DeliveriesTo(ref string) []*Delivery {
	var out []*Delivery
	for _, d := range s.deliveries {
		if d.TargetName == ref || d.TargetURN == ref || d.TargetARN == ref || (ref != "" && s.rawName(d) == ref) {
			out = append(out, d)
		}
	}
	return out
}

// Records returns the invocation records a target got (read through
// package records), in order.
func (s *Simulator) Records(ref string) []*records.Record {
	var out []*records.Record
	for _, d := range s.DeliveriesTo(ref) {
		if d.Record != nil {
			out = append(out, d.Record)
		}
	}
	return out
}

// DeadLetters returns the dead letters a target got, in order.
func (s *Simulator) DeadLetters(ref string) []*records.DeadLetter {
	var out []*records.DeadLetter
	for _, d := range s.DeliveriesTo(ref) {
		if d.DeadLetter != nil {
			out = append(out, d.DeadLetter)
		}
	}
	return out
}

func (s *Simulator) rawName(d *Delivery) string {
	for _, t := range s.m.targets {
		if t.arn == d.TargetARN {
			return t.rawName
		}
	}
	return ""
}

// store keeps a delivery on its target, read through package records.
func (s *Simulator) store(t *target, inv *Invocation, via string, d *Delivery) *Delivery {
	d.Time = s.now
	d.Target, d.TargetName, d.TargetARN, d.Kind, d.Via = t.String(), t.name, t.arn, t.kind, via
	if t.res != nil {
		d.TargetURN = t.res.URN
	}
	if inv != nil {
		d.From, d.RequestID = inv.Function, inv.RequestID
	}
	s.read(d)
	t.deliveries = append(t.deliveries, d)
	s.deliveries = append(s.deliveries, d)
	return d
}

// read decodes a delivery the way its consumer would, with package records.
func (s *Simulator) read(d *Delivery) {
	var err error
	switch {
	case d.SQS != nil:
		var ds []records.Delivery
		ds, err = records.Decode(*d.SQS)
		if err == nil && len(ds) == 1 {
			d.Record, d.DeadLetter = ds[0].Record, ds[0].DeadLetter
		}
	case d.Kind == lambdafacts.KindSNS:
		var ds []records.Delivery
		ds, err = records.Decode(d.Body)
		if err == nil && len(ds) == 1 {
			d.Record, d.DeadLetter = ds[0].Record, ds[0].DeadLetter
		}
	case d.Kind == lambdafacts.KindEventBridge:
		d.Record, err = records.FromEventBridge(d.Body)
	case d.Kind == lambdafacts.KindS3:
		d.Record, _, err = records.FromS3Object(d.Key, d.Body)
	case d.Kind == lambdafacts.KindLambda && (d.Via == string(asyncpolicy.OnSuccess) || d.Via == string(asyncpolicy.OnFailure)):
		d.Record, err = records.FromLambda(d.Body)
	case d.Kind == lambdafacts.KindLambda:
		// An event a rule or subscription passed on: a record inside it,
		// if any (not for a response-only route).
		if ds, derr := records.Decode(d.Body); derr == nil && len(ds) == 1 {
			d.Record, d.DeadLetter = ds[0].Record, ds[0].DeadLetter
		}
	}
	if err != nil && (d.Via == string(asyncpolicy.OnSuccess) || d.Via == string(asyncpolicy.OnFailure) || d.Via == string(asyncpolicy.DeadLetter)) {
		d.Err = err
	}
}

// allowed checks, with asyncpolicy's evaluation of the execution role,
// that the function may deliver along a route. It returns the problem
// ("" when allowed) and a note on the grants.
func (s *Simulator) allowed(f *function, rt *route) (problem, note string) {
	needs := rt.policy.Needs
	if len(needs) == 0 {
		return "", ""
	}
	var ok, missing, denied, open []string
	for i, n := range needs {
		var d iampolicy.Decision
		switch {
		case f.res != nil:
			d = s.m.perms.Decide(f.res.URN, n.Action, n.Resource)
		case i < len(rt.policy.Granted) && rt.policy.Granted[i]:
			d = iampolicy.Allowed
		default:
			d = iampolicy.Undecided
		}
		p := n.Action + " on " + n.Resource
		switch d {
		case iampolicy.Allowed:
			ok = append(ok, n.Action)
		case iampolicy.Denied:
			denied = append(denied, p)
		case iampolicy.NotAllowed:
			missing = append(missing, p)
		default:
			open = append(open, n.Action)
		}
	}
	metric := "DestinationDeliveryFailures"
	if rt.slot == asyncpolicy.DeadLetter {
		metric = "DeadLetterErrors"
	}
	switch {
	case len(denied) > 0:
		return fmt.Sprintf("the execution role is denied %s (an explicit Deny); Lambda drops it and counts %s", strings.Join(denied, ", "), metric), ""
	case len(missing) > 0:
		return fmt.Sprintf("the execution role is not allowed %s (no policy of the role grants it); Lambda drops it and counts %s", strings.Join(missing, ", "), metric), ""
	case len(open) > 0 && f.res == nil:
		return "", fmt.Sprintf("%s not decided by the stack (the role is outside it): delivered as if granted", strings.Join(open, ", "))
	case len(open) > 0:
		return "", fmt.Sprintf("%s not decided by the stack's policies: delivered as if granted", strings.Join(open, ", "))
	case f.res == nil:
		return "", "the stack's grant policy on the role allows " + strings.Join(dedupe(ok), ", ")
	}
	return "", "the role allows " + strings.Join(dedupe(ok), ", ")
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// deliver sends a record along an on-success or on-failure route.
func (s *Simulator) deliver(inv *Invocation, rec *records.Record, rt *route, step Step) {
	t := rt.target
	head := string(step) + " → "
	if t == nil {
		s.emit(inv, Event{Step: step, Outcome: OutcomeDeliveryFailed, Problem: true,
			Text: head + rt.policy.To + ": a destination the simulator cannot resolve (not known until deploy?)"})
		return
	}
	head += t.String()
	what := fmt.Sprintf("record %s (approximateInvokeCount %d)", rec.RequestContext.Condition, rec.RequestContext.ApproximateInvokeCount)
	failed := func(problem string) {
		s.count(inv, lambdafacts.DestinationDeliveryFailures)
		s.emit(inv, Event{Step: step, Outcome: OutcomeDeliveryFailed, Target: t.String(), Problem: true,
			Text: head + ": " + what + " NOT delivered: " + problem})
	}
	problem, note := s.allowed(inv.fn, rt)
	if problem != "" {
		failed(problem)
		return
	}
	if fifo := s.fifo(t); fifo != "" {
		failed(fifo + ", and Lambda cannot deliver to a FIFO queue or topic; Lambda drops it and counts DestinationDeliveryFailures")
		return
	}
	if t.kind == lambdafacts.KindSNS && len(rec.RequestPayload)+len(rec.ResponsePayload) > lambdafacts.MaxSNSMessage {
		// lambdafacts.SNSDestinationSource: the payload is dropped, the
		// rest delivered.
		dropped := *rec
		dropped.RequestPayload, dropped.ResponsePayload = nil, nil
		note = joinNotes(fmt.Sprintf("requestPayload and responsePayload dropped: together %d bytes, over the %d bytes of an SNS destination",
			len(rec.RequestPayload)+len(rec.ResponsePayload), lambdafacts.MaxSNSMessage), note)
		rec = &dropped
	}
	oversize := func(body []byte) bool {
		limit, _ := lambdafacts.MessageLimit(t.kind)
		if limit == 0 || len(body) <= limit {
			return false
		}
		failed(fmt.Sprintf("it is %d bytes, over the %d bytes %s takes; Lambda drops it and counts DestinationDeliveryFailures", len(body), limit, lambdafacts.WithArticle(t.label)))
		return true
	}
	emit := func(extra string) {
		text := head + ": " + what + " delivered"
		if extra != "" {
			text += ", " + extra
		}
		if note != "" {
			text += " (" + note + ")"
		}
		s.emit(inv, Event{Step: step, Outcome: OutcomeDelivered, Target: t.String(), Text: text})
	}
	switch t.kind {
	case lambdafacts.KindSQS:
		body, err := records.WrapSQS(rec)
		if s.wrapErr(inv, step, t, err) || oversize(body) {
			return
		}
		msg := s.sqsMessage(t, body)
		s.store(t, inv, string(step), &Delivery{Body: body, SQS: &msg})
		emit("message " + short(msg.MessageID))
		s.polled(inv, t)
	case lambdafacts.KindSNS:
		body, err := records.WrapSNS(rec, s.notification(t))
		if s.wrapErr(inv, step, t, err) {
			return
		}
		s.store(t, inv, string(step), &Delivery{Body: body})
		emit(s.subscribers(t))
		s.fanout(inv, t, body, hop{via: string(step) + " of " + inv.fn.label(inv.Qualifier) + " → " + t.String() + " (a destination)"})
	case lambdafacts.KindEventBridge:
		body, err := records.WrapEventBridge(rec, records.EventBridgeEvent{ID: s.newID("event"), Resources: []string{rec.RequestContext.FunctionArn, t.arn}})
		if s.wrapErr(inv, step, t, err) || oversize(body) {
			return
		}
		s.store(t, inv, string(step), &Delivery{Body: body})
		emit(fmt.Sprintf("as detail of an event (detail-type %q)", rec.RequestContext.Condition.DetailType()))
		s.applyRules(inv, t, body, 0)
	case lambdafacts.KindS3:
		key, body, err := records.WrapS3(rec, s.newID("object"))
		if s.wrapErr(inv, step, t, err) {
			return
		}
		s.store(t, inv, string(step), &Delivery{Body: body, Key: key})
		emit("object " + key)
	case lambdafacts.KindLambda:
		body, err := records.WrapLambda(rec)
		if s.wrapErr(inv, step, t, err) || oversize(body) {
			return
		}
		ref := rt.dest
		if ref == "" {
			ref = t.arn
		}
		next, q, err := s.resolve(ref)
		if err != nil {
			s.store(t, inv, string(step), &Delivery{Body: body})
			emit("as its event (the function is outside the stack: not run)")
			return
		}
		s.store(t, inv, string(step), &Delivery{Body: body})
		emit("as its event")
		s.accept(next, q, body, string(step)+" of "+inv.fn.label(inv.Qualifier), inv, hop{via: string(step) + " of " + inv.fn.label(inv.Qualifier) + " (a Lambda destination)"})
	default:
		s.emit(inv, Event{Step: step, Outcome: OutcomeNone, Target: t.String(), Text: head + ": " + what + " sent to a target the simulator does not model"})
	}
}

func (s *Simulator) wrapErr(inv *Invocation, step Step, t *target, err error) bool {
	if err == nil {
		return false
	}
	s.emit(inv, Event{Step: step, Outcome: OutcomeDeliveryFailed, Target: t.String(), Problem: true,
		Text: fmt.Sprintf("%s → %s: cannot be delivered: %v", step, t, err)})
	return true
}

// deliverDeadLetter sends the original event to the dead-letter target.
func (s *Simulator) deliverDeadLetter(inv *Invocation, rt *route) {
	t := rt.target
	if t == nil {
		s.emit(inv, Event{Step: StepDeadLetter, Outcome: OutcomeDeliveryFailed, Problem: true,
			Text: "dead letter → " + rt.policy.To + ": a target the simulator cannot resolve"})
		return
	}
	dl := &records.DeadLetter{Event: inv.Event, RequestID: inv.RequestID}
	switch {
	case inv.Error != nil:
		dl.ErrorCode, dl.ErrorMessage = 200, inv.Error.Message
	case inv.Condition == ConditionRecursiveLoop:
		dl.ErrorCode, dl.ErrorMessage = 400, "RecursiveInvocationException: Lambda stopped a recursive invocation loop"
	case inv.zeroConcurrency:
		dl.ErrorCode, dl.ErrorMessage = 429, "TooManyRequestsException: the function's reserved concurrency is 0"
	default:
		dl.ErrorCode, dl.ErrorMessage = 429, "Event age exceeded: the event expired in the queue before its first attempt"
	}
	dl.ErrorMessage = firstKB(dl.ErrorMessage)
	head := "dead letter → " + t.String()
	what := fmt.Sprintf("original event (RequestID %s, ErrorCode %d)", short(inv.RequestID), dl.ErrorCode)
	failed := func(problem string) {
		s.count(inv, lambdafacts.DeadLetterErrors)
		s.emit(inv, Event{Step: StepDeadLetter, Outcome: OutcomeDeliveryFailed, Target: t.String(), Problem: true,
			Text: head + ": " + what + " NOT delivered: " + problem})
	}
	problem, note := s.allowed(inv.fn, rt)
	if problem != "" {
		failed(problem)
		return
	}
	if fifo := s.fifo(t); fifo != "" {
		failed(fifo + ", and Lambda cannot write a dead letter to a FIFO queue or topic; Lambda drops it and counts DeadLetterErrors")
		return
	}
	if limit, _ := lambdafacts.MessageLimit(t.kind); limit > 0 {
		// The message is the event and its attributes.
		size := len(dl.Event) + len("RequestID") + len(dl.RequestID) + len("ErrorCode") + len(fmt.Sprint(dl.ErrorCode)) + len("ErrorMessage") + len(dl.ErrorMessage)
		if size > limit {
			failed(fmt.Sprintf("the event and its attributes are %d bytes, over the %d bytes %s takes; Lambda drops it and counts DeadLetterErrors", size, limit, lambdafacts.WithArticle(t.label)))
			return
		}
	}
	text := head + ": " + what + " delivered"
	if note != "" {
		note = " (" + note + ")"
	}
	switch t.kind {
	case lambdafacts.KindSQS:
		msg, err := records.WrapDeadLetterSQS(dl, s.sqsMessage(t, nil))
		if s.wrapErr(inv, StepDeadLetter, t, err) {
			return
		}
		s.store(t, inv, string(StepDeadLetter), &Delivery{Body: []byte(msg.Body), SQS: &msg})
		s.emit(inv, Event{Step: StepDeadLetter, Outcome: OutcomeDelivered, Target: t.String(), Text: text + ", message " + short(msg.MessageID) + note})
		s.polled(inv, t)
	case lambdafacts.KindSNS:
		n := s.notification(t)
		body, err := records.WrapDeadLetterSNS(dl, n)
		if s.wrapErr(inv, StepDeadLetter, t, err) {
			return
		}
		s.store(t, inv, string(StepDeadLetter), &Delivery{Body: body})
		sub := s.subscribers(t)
		if sub != "" {
			sub = ", " + sub
		}
		s.emit(inv, Event{Step: StepDeadLetter, Outcome: OutcomeDelivered, Target: t.String(), Text: text + sub + note})
		s.fanout(inv, t, body, hop{via: "dead letter of " + inv.fn.label(inv.Qualifier) + " → " + t.String()})
	default:
		s.count(inv, lambdafacts.DeadLetterErrors)
		s.emit(inv, Event{Step: StepDeadLetter, Outcome: OutcomeDeliveryFailed, Target: t.String(), Problem: true,
			Text: head + ": not a queue or topic; Lambda accepts only those as dead-letter targets"})
	}
}

func firstKB(s string) string {
	if len(s) <= 1024 {
		return s
	}
	s = s[:1024]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// sqsMessage is a message of queue t with body, as SQS hands it to a
// consumer.
func (s *Simulator) sqsMessage(t *target, body []byte) records.SQSMessage {
	id := s.newID("message")
	sum := md5.Sum(body)
	ms := fmt.Sprint(s.now.UnixMilli())
	return records.SQSMessage{
		MessageID: id, ReceiptHandle: "simulated-" + id, Body: string(body),
		Attributes:        map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": ms, "ApproximateFirstReceiveTimestamp": ms},
		MessageAttributes: map[string]records.SQSMessageAttribute{},
		MD5OfBody:         hex.EncodeToString(sum[:]), EventSource: "aws:sqs", EventSourceARN: t.arn, AWSRegion: s.m.region,
	}
}

// notification is the metadata of a message SNS publishes on topic t.
func (s *Simulator) notification(t *target) records.SNSNotification {
	region := s.m.region
	if a, err := lambdafacts.ParseARN(t.arn); err == nil && a.Region != "" {
		region = a.Region
	}
	return records.SNSNotification{
		MessageID: s.newID("notification"), TopicArn: t.arn, Timestamp: records.FormatTimestamp(s.now), SignatureVersion: "1",
		Signature:      "c2ltdWxhdGVkIGJ5IGFzeW5jcm91dGUvc2ltdWxhdGU=",
		SigningCertURL: "https://sns." + region + ".amazonaws.com/SimpleNotificationService-simulated.pem",
		UnsubscribeURL: "https://sns." + region + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + t.arn + ":simulated",
	}
}

// polled notes an event source mapping reading a queue: the simulator
// keeps the message instead of running the mapping.
func (s *Simulator) polled(inv *Invocation, t *target) {
	for _, mp := range s.m.mappings[t.arn] {
		s.emit(inv, Event{Step: StepNote, Text: fmt.Sprintf("%s is polled by event source mapping %s (function %s): mappings are not simulated; the message stays in the queue",
			t, mp.Name, str(mp, "functionName"))})
	}
}

// subscribers describes a topic's subscriptions for the delivery line.
func (s *Simulator) subscribers(t *target) string {
	n := len(s.m.subs[t.key])
	switch n {
	case 0:
		return "no subscriptions in the stack"
	case 1:
		return "1 subscription"
	}
	return fmt.Sprintf("%d subscriptions", n)
}

// fanout delivers a topic's notification to its subscribers; h is how the
// notification reached the topic (a function's own write, or not).
func (s *Simulator) fanout(inv *Invocation, topic *target, notification []byte, h hop) {
	for _, sub := range s.m.subs[topic.key] {
		via := "subscription to " + topic.String()
		filter := ""
		if sub.filter {
			filter = " (its filter policy is not evaluated)"
		}
		switch sub.protocol {
		case "lambda":
			next, q, err := s.resolve(sub.endpoint)
			if err != nil {
				s.emit(inv, Event{Step: StepSubscription, Outcome: OutcomeNone, Text: fmt.Sprintf("%s → Lambda function %s: outside the stack, not run%s", topic, sub.endpoint, filter)})
				continue
			}
			event, err := records.WrapSNSEvent(sub.arn, notification)
			if err != nil {
				s.emit(inv, Event{Step: StepSubscription, Outcome: OutcomeFailed, Problem: true, Text: fmt.Sprintf("%s → %s: %v", topic, next.pulumiName, err)})
				continue
			}
			ft := s.m.target(next.res.URN, sub.endpoint)
			s.store(ft, inv, via, &Delivery{Body: event})
			s.emit(inv, Event{Step: StepSubscription, Outcome: OutcomeDelivered, Target: ft.String(),
				Text: fmt.Sprintf("%s → %s (subscription %s): invoked asynchronously with an SNS event%s", topic, ft, sub.res.Name, filter)})
			s.accept(next, q, event, via, inv, h)
		case "sqs":
			qt := s.m.target(sub.endpoint, sub.endpoint)
			if qt == nil {
				continue
			}
			body := notification
			var attrs map[string]records.SNSMessageAttribute
			if sub.raw {
				var n records.SNSNotification
				if err := json.Unmarshal(notification, &n); err == nil {
					body, attrs = []byte(n.Message), n.MessageAttributes
				}
			}
			msg := s.sqsMessage(qt, body)
			for k, v := range attrs {
				val := v.Value
				msg.MessageAttributes[k] = records.SQSMessageAttribute{StringValue: &val, DataType: v.Type, StringListValues: []string{}, BinaryListValues: [][]byte{}}
			}
			s.store(qt, inv, via, &Delivery{Body: body, SQS: &msg})
			raw := "as an SNS notification"
			if sub.raw {
				raw = "raw"
			}
			s.emit(inv, Event{Step: StepSubscription, Outcome: OutcomeDelivered, Target: qt.String(),
				Text: fmt.Sprintf("%s → %s (subscription %s): message %s, %s%s", topic, qt, sub.res.Name, short(msg.MessageID), raw, filter)})
		default:
			s.emit(inv, Event{Step: StepSubscription, Outcome: OutcomeNone,
				Text: fmt.Sprintf("%s → %s %s (subscription %s): sent outside the simulator%s", topic, sub.protocol, sub.endpoint, sub.res.Name, filter)})
		}
	}
}

// applyRules runs the rules of a bus on an event put on it.
func (s *Simulator) applyRules(inv *Invocation, bus *target, event []byte, depth int) {
	rules := s.m.rules[bus.key]
	if len(rules) == 0 {
		s.emit(inv, Event{Step: StepRule, Outcome: OutcomeNone, Text: fmt.Sprintf("%s: no rule of the stack is on it", bus)})
		return
	}
	var ev any
	if err := json.Unmarshal(event, &ev); err != nil {
		return
	}
	for _, r := range rules {
		ok, why, err := matchPattern(r.pattern, ev)
		head := fmt.Sprintf("rule %s on %s", r.name, bus)
		switch {
		case err != nil:
			s.emit(inv, Event{Step: StepRule, Outcome: OutcomeNoMatch, Text: head + ": pattern not understood: " + err.Error()})
			continue
		case !ok:
			s.emit(inv, Event{Step: StepRule, Outcome: OutcomeNoMatch, Text: head + ": no match (" + why + ")"})
			continue
		case len(r.targets) == 0:
			s.emit(inv, Event{Step: StepRule, Outcome: OutcomeMatched, Text: head + ": matched; it has no targets in the stack"})
			continue
		}
		s.emit(inv, Event{Step: StepRule, Outcome: OutcomeMatched, Text: head + fmt.Sprintf(": matched; %d target(s)", len(r.targets))})
		for _, rt := range r.targets {
			s.ruleTarget(inv, r, rt, event, depth)
		}
	}
}

// ruleTarget hands an event a rule matched to one of its targets.
func (s *Simulator) ruleTarget(inv *Invocation, r *rule, rt *ruleTarget, event []byte, depth int) {
	via := "rule " + r.name
	// Recursive-loop detection does not follow EventBridge rules.
	h := hop{via: "rule " + r.name + " (EventBridge)"}
	input, how, err := targetInput(rt, event)
	if err != nil {
		s.emit(inv, Event{Step: StepRule, Outcome: OutcomeFailed, Problem: true, Text: fmt.Sprintf("%s → %s: %v", via, rt.arn, err)})
		return
	}
	t := s.m.target(rt.arn, rt.arn)
	if t == nil {
		s.emit(inv, Event{Step: StepRule, Outcome: OutcomeNone, Text: fmt.Sprintf("%s → %s: a target the simulator does not know", via, rt.arn)})
		return
	}
	line := func(extra string) {
		s.emit(inv, Event{Step: StepRule, Outcome: OutcomeDelivered, Target: t.String(), Text: fmt.Sprintf("%s → %s (%s)%s", via, t, how, extra)})
	}
	switch t.kind {
	case lambdafacts.KindLambda:
		next, q, err := s.resolve(rt.arn)
		s.store(t, inv, via, &Delivery{Body: input})
		if err != nil {
			line(": outside the stack, not run")
			return
		}
		line(": invoked asynchronously")
		s.accept(next, q, input, via, inv, h)
	case lambdafacts.KindSQS:
		msg := s.sqsMessage(t, input)
		s.store(t, inv, via, &Delivery{Body: input, SQS: &msg})
		line(": message " + short(msg.MessageID))
		s.polled(inv, t)
	case lambdafacts.KindSNS:
		n := s.notification(t)
		n.Type, n.Message = "Notification", string(input)
		body, _ := json.Marshal(n)
		s.store(t, inv, via, &Delivery{Body: body})
		line(": published")
		s.fanout(inv, t, body, h)
	case lambdafacts.KindEventBridge:
		s.store(t, inv, via, &Delivery{Body: input})
		line(": put on the bus")
		if depth < 4 {
			s.applyRules(inv, t, input, depth+1)
		}
	default:
		s.emit(inv, Event{Step: StepRule, Outcome: OutcomeNone, Target: t.String(), Text: fmt.Sprintf("%s → %s: a kind of target the simulator does not model", via, t)})
	}
}

// fifo says why a target is FIFO ("" when it is not): a queue or topic of
// the stack with its FIFO flag (lambdafacts' KindSpec.FIFOFlag), or a name
// ending in .fifo.
func (s *Simulator) fifo(t *target) string {
	spec, ok := lambdafacts.KindOf(t.kind)
	if !ok || !spec.FIFO {
		return ""
	}
	if (t.res != nil && boolProp(t.res, spec.FIFOFlag)) || strings.HasSuffix(t.rawName, ".fifo") || strings.HasSuffix(t.arn, ".fifo") {
		return t.String() + " is FIFO"
	}
	return ""
}

// joinNotes joins the notes of a delivery line.
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
