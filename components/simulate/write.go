package simulate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

type writerKey struct{}

// writer takes what a handler writes (see Write).
type writer func(target string, body json.RawMessage) error

// Write is what a Go handler's code sends with an AWS SDK while it runs,
// to the target with this ARN: an SQS message (SendMessage), an SNS
// message (Publish), an S3 object (PutObject), an asynchronous invocation
// of a function (Invoke with InvocationType Event) or an EventBridge event
// (PutEvents; body is then the event: source, detail-type, detail). The
// execution role must allow it, as the stack's policies say: otherwise
// Write returns the AccessDeniedException the SDK would, and nothing is
// sent. What is written is played once the attempt is over, at the same
// virtual time: a topic's subscriptions, a bus's rules and the invoked
// function run, so that loops a function's code makes (a function that
// publishes to the topic that invokes it) run as in AWS, where Lambda's
// recursive-loop detection follows writes to SQS, SNS, S3 and Lambda (and
// not to EventBridge).
//
// Call it from the handler's goroutine, with the context the handler got.
// Outside the simulator it returns an error.
func Write(ctx context.Context, arn string, body json.RawMessage) error {
	w, ok := ctx.Value(writerKey{}).(writer)
	if !ok {
		return errors.New("simulate.Write: not in a handler the simulator runs")
	}
	return w(arn, body)
}

// pendingWrite is a write of a handler, played after its attempt.
type pendingWrite struct {
	t    *target
	arn  string
	body json.RawMessage
}

// write checks a handler's write and keeps it for after the attempt.
func (s *Simulator) write(inv *Invocation, arn string, body json.RawMessage) error {
	if !json.Valid(body) {
		return fmt.Errorf("simulate.Write: the body is not JSON: %s", cut(string(body), 80))
	}
	t := s.m.target(arn, arn)
	if t == nil || t.kind == "" {
		return fmt.Errorf("ResourceNotFoundException: %s is not a queue, topic, bucket, function or event bus the simulator knows", arn)
	}
	spec, _ := lambdafacts.KindOf(t.kind)
	if spec == nil || spec.URI {
		return fmt.Errorf("simulate.Write: %s cannot be written to", t)
	}
	if inv.fn.res != nil {
		for _, n := range spec.Needs(t.arn) {
			if d := s.m.perms.Decide(inv.fn.res.URN, n.Action, n.Resource); d == iampolicy.NotAllowed || d == iampolicy.Denied {
				s.emit(inv, Event{Step: StepWrite, Outcome: OutcomeFailed, Target: t.String(),
					Text: fmt.Sprintf("write → %s refused: the execution role is not allowed %s on %s (AccessDeniedException, returned to the code)", t, n.Action, n.Resource)})
				return fmt.Errorf("AccessDeniedException: %s is not authorized to perform: %s on resource: %s", inv.fn.name, n.Action, n.Resource)
			}
		}
	}
	inv.writes = append(inv.writes, pendingWrite{t: t, arn: arn, body: append(json.RawMessage(nil), body...)})
	return nil
}

// playWrites plays what the handler wrote during the attempt that just
// ran, in order.
func (s *Simulator) playWrites(inv *Invocation) {
	writes := inv.writes
	inv.writes = nil
	by := "the code of " + inv.fn.label(inv.Qualifier)
	for _, w := range writes {
		t := w.t
		via := "write by " + by
		line := func(extra string) {
			s.emit(inv, Event{Step: StepWrite, Outcome: OutcomeDelivered, Target: t.String(), Text: fmt.Sprintf("write → %s: %s", t, extra)})
		}
		switch t.kind {
		case lambdafacts.KindSQS:
			msg := s.sqsMessage(t, w.body)
			s.store(t, inv, via, &Delivery{Body: w.body, SQS: &msg})
			line("message " + short(msg.MessageID) + " (sqs:SendMessage)")
			s.polled(inv, t)
		case lambdafacts.KindSNS:
			n := s.notification(t)
			n.Type, n.Message = "Notification", string(w.body)
			notification, _ := json.Marshal(n)
			s.store(t, inv, via, &Delivery{Body: notification})
			line("published (sns:Publish), " + s.subscribers(t))
			s.fanout(inv, t, notification, hop{})
		case lambdafacts.KindS3:
			key := "simulate/" + s.newID("object")
			s.store(t, inv, via, &Delivery{Body: w.body, Key: key})
			line("object " + key + " (s3:PutObject; bucket notifications are not simulated)")
		case lambdafacts.KindLambda:
			next, q, err := s.resolve(w.arn)
			s.store(t, inv, via, &Delivery{Body: w.body})
			if err != nil {
				line("invoked asynchronously (the function is outside the stack: not run)")
				continue
			}
			line("invoked asynchronously (lambda:InvokeFunction, InvocationType Event)")
			s.accept(next, q, w.body, "Invoke by "+by, inv, hop{})
		case lambdafacts.KindEventBridge:
			s.store(t, inv, via, &Delivery{Body: w.body})
			line("put on the bus (events:PutEvents)")
			s.applyRules(inv, t, w.body, 0)
		default:
			line("sent to a target the simulator does not model")
		}
	}
}
