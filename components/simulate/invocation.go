package simulate

// The life of an asynchronous invocation: Lambda's queue, its attempts,
// retries, event age and the records sent to destinations.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// hop is how an event reached a function from the invocation before it:
// through a write that function's code made with an AWS SDK to a service
// recursive-loop detection follows (via ""), or through something it does
// not follow, named by via (a destination, an EventBridge rule).
type hop struct{ via string }

// accept puts an event in the function's asynchronous queue.
func (s *Simulator) accept(f *function, q string, payload json.RawMessage, source string, parent *Invocation, h hop) *Invocation {
	return s.acceptWith(f, q, payload, source, parent, invokeOptions{}, h)
}

func (s *Simulator) acceptWith(f *function, q string, payload json.RawMessage, source string, parent *Invocation, o invokeOptions, h hop) *Invocation {
	delay := o.queued
	c, maxRetries, _ := settings(f, q)
	inv := &Invocation{RequestID: s.newID("request"), Function: f.pulumiName, Qualifier: q, FunctionArn: f.qualifiedARN(q),
		Async: true, Source: source, Event: payload, Accepted: s.now, MaxAttempts: 1 + maxRetries, fn: f,
		chain: map[*function]int{}, tracked: map[*function]int{}, handler: o.handler,
		throttles: o.throttles, systemErrors: o.systemErrors}
	if inv.handler == nil {
		inv.handler = f.handler
	}
	if parent != nil {
		inv.Parent = parent.RequestID
		for k, v := range parent.chain {
			inv.chain[k] = v
		}
		if h.via == "" {
			for k, v := range parent.tracked {
				inv.tracked[k] = v
			}
			inv.untrackedVia = parent.untrackedVia
		}
	}
	if h.via != "" {
		inv.untrackedVia = h.via
	}
	inv.chain[f]++
	inv.tracked[f]++
	if len(payload) > MaxAsyncPayload {
		inv.NotRun, inv.Finished = true, s.now
		s.emit(inv, Event{Step: StepInvoke, Outcome: OutcomeFailed, Problem: true,
			Text: fmt.Sprintf("invoke async (Event) by %s refused: the event is %d bytes, over the %d bytes Lambda takes for an asynchronous invocation (RequestEntityTooLargeException)", source, len(payload), MaxAsyncPayload)})
		return inv
	}
	s.invocations = append(s.invocations, inv)
	s.count(inv, lambdafacts.AsyncEventsReceived)
	by := ""
	if source != "InvokeAsync" {
		by = " by " + source
	}
	s.emit(inv, Event{Step: StepInvoke, Text: fmt.Sprintf("invoke async (Event)%s, request %s: %s", by, short(inv.RequestID), jsonString(payload, 120))})
	if c == nil && len(f.configs) > 0 {
		var qs []string
		for k := range f.configs {
			qs = append(qs, k)
		}
		sort.Strings(qs)
		s.emit(inv, Event{Step: StepNote, Text: fmt.Sprintf("no invoke config for qualifier %s (the stack configures %s): Lambda's defaults apply (%d retries, %s, no destinations); invoke %s:%s to use it",
			q, strings.Join(qs, ", "), DefaultMaxRetries, human(DefaultMaxEventAge), f.pulumiName, qs[0])})
	}
	if f.zeroConcurrency {
		inv.zeroConcurrency, inv.Finished = true, s.now
		s.emit(inv, Event{Step: StepThrottled, Outcome: OutcomeFailed,
			Text: "reserved concurrency is 0: Lambda runs none of this function's events; it sends this one to the failure targets at once, without retries"})
		s.fail(inv, records.RetriesExhausted)
		return inv
	}
	if s.loop(inv) {
		return inv
	}
	if inv.handler == nil {
		inv.NotRun = true
		s.emit(inv, Event{Step: StepNote, Text: fmt.Sprintf("%s has no handler in the simulation: the event is kept, not run", f.describe())})
		return inv
	}
	if delay > 0 {
		s.emit(inv, Event{Step: StepNote, Text: fmt.Sprintf("the event waits %s in Lambda's queue before its first attempt", human(delay))})
	}
	s.schedule(s.now.Add(delay), func() { s.attempt(inv) })
	return inv
}

// loop stops an invocation of a loop, and says whether it did: when
// recursive-loop detection sees the function run more than 16 times in the
// chain and its RecursiveLoop is Terminate, Lambda stops it and sends the
// event to the failure targets; when the chain reaches the simulator's own
// bound, the simulator stops playing a loop AWS would let run, and says
// why AWS would not stop it.
func (s *Simulator) loop(inv *Invocation) bool {
	f := inv.fn
	detected := inv.tracked[f] > MaxChainInvocations
	if detected && f.recursiveLoop != lambdafacts.RecursiveLoopAllow {
		s.emit(inv, Event{Step: StepLoop, Outcome: OutcomeFailed, Problem: true,
			Text: fmt.Sprintf("recursive loop: %s ran %d times in this chain of requests, through writes of the functions' code that Lambda's recursive-loop detection follows; "+
				"Lambda stops the next invocation (RecursiveInvocationException, RecursiveLoop %s) and sends the event to the on-failure destination or DLQ", f.pulumiName, MaxChainInvocations, f.recursiveLoop)})
		inv.Finished = s.now
		s.count(inv, lambdafacts.RecursiveInvocationsDropped)
		s.fail(inv, ConditionRecursiveLoop)
		return true
	}
	bound := s.cfg.LoopBound
	if bound <= 0 {
		bound = MaxChainInvocations
	}
	if inv.chain[f] <= bound {
		return false
	}
	const follows = "writes the functions' code makes with an AWS SDK to SQS, SNS, S3 and Lambda"
	why := "Lambda's recursive-loop detection follows only " + follows
	switch {
	case detected:
		by := "its setting"
		if f.recursionBy != "" {
			by = "recursion config " + f.recursionBy
		}
		why = fmt.Sprintf("the function's RecursiveLoop is %s (%s), so Lambda lets the loop run", f.recursiveLoop, by)
	case inv.untrackedVia != "":
		why = "the loop passes through " + inv.untrackedVia + ", which Lambda's recursive-loop detection does not follow: it follows only " + follows
	}
	inv.NotRun, inv.Finished = true, s.now
	s.emit(inv, Event{Step: StepLoop, Outcome: OutcomeNone, Problem: true,
		Text: fmt.Sprintf("loop: %s ran %d times in this chain of requests; AWS would not stop this loop (%s): it goes on in AWS, with every cost and side effect; the simulator stops here (its bound, Config.LoopBound %d)",
			f.pulumiName, bound, why, bound)})
	return true
}

func (s *Simulator) schedule(at time.Time, run func()) {
	s.seq++
	s.queue = append(s.queue, &task{at: at, seq: s.seq, run: run})
}

// drain runs what is scheduled, in time order, until nothing is left.
func (s *Simulator) drain(ctx context.Context) error {
	s.ctx = ctx
	for len(s.queue) > 0 && s.abort == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		sort.SliceStable(s.queue, func(i, j int) bool {
			if !s.queue[i].at.Equal(s.queue[j].at) {
				return s.queue[i].at.Before(s.queue[j].at)
			}
			return s.queue[i].seq < s.queue[j].seq
		})
		t := s.queue[0]
		s.queue = s.queue[1:]
		if t.at.After(s.now) {
			s.now = t.at
		}
		t.run()
	}
	if s.abort != nil {
		err := s.abort
		s.abort, s.queue = nil, nil
		return err
	}
	return nil
}

// attempt runs one attempt of an asynchronous event.
func (s *Simulator) attempt(inv *Invocation) {
	f, q := inv.fn, inv.Qualifier
	_, maxRetries, maxAge := settings(f, q)
	if age := s.now.Sub(inv.Accepted); age > maxAge {
		when := "before its first attempt"
		if inv.Attempts > 0 {
			when = fmt.Sprintf("after %d of %d attempts", inv.Attempts, inv.MaxAttempts)
		}
		s.emit(inv, Event{Step: StepExpired, Outcome: OutcomeFailed,
			Text: fmt.Sprintf("event expired: it is %s old, past the maximum event age %s (MaximumEventAgeInSeconds %d); Lambda discards it %s",
				human(age), human(maxAge), int(maxAge.Seconds()), when)})
		inv.Finished = s.now
		s.fail(inv, records.EventAgeExceeded)
		return
	}
	if inv.throttles > 0 || inv.systemErrors > 0 {
		what := "throttled (429, TooManyRequestsException: the function has no concurrency free)"
		if inv.throttles > 0 {
			inv.throttles--
		} else {
			inv.systemErrors--
			what = "failed with a system error (500-series, Lambda's own)"
		}
		inv.backoffs++
		d := lambdafacts.ThrottleRetry(inv.backoffs)
		s.emit(inv, Event{Step: StepThrottled, Outcome: OutcomeFailed,
			Text: fmt.Sprintf("%s: Lambda returns the event to its queue and tries again in %s (not counted against MaximumRetryAttempts)", what, human(d))})
		s.schedule(s.now.Add(d), func() { s.attempt(inv) })
		return
	}
	inv.Attempts++
	s.eventAge(inv)
	resp, ferr, err := s.run(f, inv)
	if err != nil {
		s.abort = err
		return
	}
	s.playWrites(inv)
	n := fmt.Sprintf("attempt %d of %d", inv.Attempts, inv.MaxAttempts)
	if ferr == nil {
		inv.Response, inv.Error, inv.Finished = resp, nil, s.now
		s.emit(inv, Event{Step: StepAttempt, Attempt: inv.Attempts, MaxAttempts: inv.MaxAttempts, Outcome: OutcomeOK, Text: n + ": ok → " + jsonString(resp, 120)})
		s.succeed(inv)
		return
	}
	inv.Response, inv.Error = ferr.payload(), ferr
	if inv.Attempts <= maxRetries {
		d := RetryDelays[min(inv.Attempts, len(RetryDelays))-1]
		s.emit(inv, Event{Step: StepAttempt, Attempt: inv.Attempts, MaxAttempts: inv.MaxAttempts, Outcome: OutcomeFailed,
			Text: fmt.Sprintf("%s: failed: %s; retry in %s", n, ferr.Error(), human(d))})
		s.schedule(s.now.Add(d), func() { s.attempt(inv) })
		return
	}
	inv.Finished = s.now
	s.emit(inv, Event{Step: StepAttempt, Attempt: inv.Attempts, MaxAttempts: inv.MaxAttempts, Outcome: OutcomeFailed,
		Text: fmt.Sprintf("%s: failed: %s; retries exhausted (MaximumRetryAttempts %d)", n, ferr.Error(), maxRetries)})
	s.fail(inv, records.RetriesExhausted)
}

// run calls the handler once.
func (s *Simulator) run(f *function, inv *Invocation) (json.RawMessage, *Error, error) {
	var logs bytes.Buffer
	info := Info{RequestID: inv.RequestID, FunctionName: f.name, InvokedFunctionArn: inv.FunctionArn, Qualifier: inv.Qualifier,
		Version: f.executedVersion(inv.Qualifier), Attempt: inv.Attempts, Async: inv.Async, Timeout: f.timeout, Log: &logs}
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	hctx := context.WithValue(context.WithValue(ctx, infoKey{}, info), writerKey{}, writer(func(target string, body json.RawMessage) error {
		return s.write(inv, target, body)
	}))
	cancel := func() {}
	if s.cfg.Timeouts {
		hctx, cancel = context.WithTimeout(hctx, f.timeout)
	}
	h := inv.handler
	if h == nil {
		h = f.handler
	}
	resp, err := h.Invoke(hctx, append(json.RawMessage(nil), inv.Event...))
	timedOut := s.cfg.Timeouts && errors.Is(hctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	cancel()
	s.logLines(inv, logs.String())
	if timedOut {
		return nil, &Error{Type: "Sandbox.Timedout", Message: fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.RequestID, f.timeout.Seconds())}, nil
	}
	var setup *SetupError
	switch {
	case errors.As(err, &setup):
		return nil, nil, fmt.Errorf("%s: %w", f.pulumiName, err)
	case err != nil && ctx.Err() != nil:
		return nil, nil, ctx.Err()
	case err != nil:
		return nil, functionError(err), nil
	}
	resp = bytes.TrimSpace(resp)
	if len(resp) == 0 {
		resp = json.RawMessage("null")
	}
	if len(resp) > lambdafacts.MaxResponse {
		// lambdafacts.ResponseSource: the runtime's own error.
		return nil, &Error{Type: "Function.ResponseSizeTooLarge", Message: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", lambdafacts.MaxResponse)}, nil
	}
	if !json.Valid(resp) {
		return nil, &Error{Type: "Runtime.InvalidResponse", Message: "the handler returned bytes that are not JSON: " + cut(string(resp), 80)}, nil
	}
	return resp, nil, nil
}

// logLines puts what a handler logged in the trace (20 lines at most).
func (s *Simulator) logLines(inv *Invocation, logs string) {
	lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
	if strings.TrimSpace(logs) == "" {
		return
	}
	const most = 20
	for i, l := range lines {
		if i == most {
			s.emit(inv, Event{Step: StepLog, Text: fmt.Sprintf("log: … %d more lines", len(lines)-most)})
			break
		}
		s.emit(inv, Event{Step: StepLog, Attempt: inv.Attempts, Text: "log: " + cut(l, 160)})
	}
}

// record builds the invocation record Lambda sends to a destination.
func (s *Simulator) record(inv *Invocation, cond records.Condition) *records.Record {
	rec := &records.Record{
		Version:   records.Version,
		Timestamp: records.FormatTimestamp(s.now),
		RequestContext: records.RequestContext{
			RequestID: inv.RequestID, FunctionArn: inv.FunctionArn, Condition: cond, ApproximateInvokeCount: inv.Attempts,
		},
		RequestPayload: inv.Event,
	}
	if inv.Attempts > 0 {
		rec.ResponseContext = records.ResponseContext{StatusCode: 200, ExecutedVersion: inv.fn.executedVersion(inv.Qualifier)}
		if inv.Error != nil {
			rec.ResponseContext.FunctionError = "Unhandled"
		}
		rec.ResponsePayload = inv.Response
	}
	return rec
}

// succeed sends the success record to the on-success destination.
func (s *Simulator) succeed(inv *Invocation) {
	inv.Condition = records.Success
	rec := s.record(inv, records.Success)
	inv.Record = rec
	c, _, _ := settings(inv.fn, inv.Qualifier)
	if c == nil || c.onSuccess == nil {
		s.emit(inv, Event{Step: StepOnSuccess, Outcome: OutcomeNone, Text: "on success: no destination; the response goes nowhere"})
		return
	}
	s.deliver(inv, rec, c.onSuccess, StepOnSuccess)
}

// fail sends the failure record to the on-failure destination, then the
// original event to the dead-letter target. AWS documents that both
// receive, not in which order; the simulator sends the record first.
func (s *Simulator) fail(inv *Invocation, cond records.Condition) {
	inv.Condition = cond
	s.count(inv, lambdafacts.AsyncEventsDropped)
	rec := s.record(inv, cond)
	inv.Record = rec
	c, _, _ := settings(inv.fn, inv.Qualifier)
	sent := false
	if c != nil && c.onFailure != nil {
		s.deliver(inv, rec, c.onFailure, StepOnFailure)
		sent = true
	}
	if inv.fn.dlq != nil {
		s.deliverDeadLetter(inv, inv.fn.dlq)
		sent = true
	}
	if !sent {
		text := fmt.Sprintf("discarded: %s has no on-failure destination and no dead-letter target; Lambda drops the event", inv.fn.label(inv.Qualifier))
		if inv.fn.res == nil {
			text += " (as far as the stack shows: a DLQ of a function outside it is not known)"
		}
		s.emit(inv, Event{Step: StepDiscarded, Outcome: OutcomeNone, Problem: true, Text: text})
	}
}

func (s *Simulator) emit(inv *Invocation, e Event) {
	e.Time = s.now
	e.Elapsed = s.now.Sub(s.start)
	if inv != nil {
		e.Function, e.Qualifier, e.RequestID = inv.Function, inv.Qualifier, inv.RequestID
	}
	s.trace = append(s.trace, e)
}
