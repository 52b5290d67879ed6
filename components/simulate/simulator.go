package simulate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultStart is where the virtual clock starts unless Config.Start says
// otherwise.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxChainInvocations is how many times a function may run in one chain of
// requests before recursive-loop detection stops the next invocation
// (lambdafacts.RecursionSource: "If your function is invoked more than 16
// times in the same chain of requests, then Lambda automatically stops the
// next function invocation"), where AWS documents the detection: writes
// the functions' code makes with an AWS SDK to SQS, SNS, S3 and Lambda
// (see Write), with RecursiveLoop Terminate. It is also the default of
// Config.LoopBound, the simulator's own bound on loops AWS would not stop.
const MaxChainInvocations = lambdafacts.RecursionLimit

// MaxAsyncPayload is the largest event an asynchronous invocation takes
// (lambdafacts.AsyncPayloadSource: "For asynchronous invocations, the
// maximum payload size is 1 MB"). A larger one is refused
// (RequestEntityTooLargeException).
const MaxAsyncPayload = lambdafacts.MaxAsyncPayload

// ConditionRecursiveLoop is the condition the simulator writes on the
// record of an invocation that recursive-loop detection stopped. AWS
// documents that the event goes to the on-failure destination or DLQ, not
// which condition the record carries; the simulator uses the name of the
// error Lambda returns to a synchronous caller in that case.
const ConditionRecursiveLoop records.Condition = "RecursiveInvocationException"

// The delays Lambda waits before retrying a function error of an
// asynchronous invocation: one minute before the first retry, two before
// the second (lambdafacts.FunctionErrorRetries).
var RetryDelays = [...]time.Duration{lambdafacts.FunctionErrorRetries.Delays[0], lambdafacts.FunctionErrorRetries.Delays[1]}

// Config says how to run a program's functions.
type Config struct {
	// Handlers run functions, keyed by any reference InvokeAsync accepts
	// (Pulumi name, name, ARN or URN). They take precedence over a
	// function's own code.
	Handlers map[string]Handler
	// CodeDir is the folder a function's relative code path is read from
	// (the project folder); "" is the current folder.
	CodeDir string
	// IgnoreCode leaves functions without a handler in Handlers without a
	// handler, instead of running their Python code (runtime python3.x,
	// code a folder, handler "module.function") with Python.
	IgnoreCode bool
	// Python is the interpreter for functions' Python code; "" is python3.
	Python string
	// Start is the virtual clock's start; zero is DefaultStart.
	Start time.Time
	// Timeouts holds each handler to its function's timeout (real time):
	// a handler still running then fails with Lambda's
	// "Task timed out" error. Off by default, so that a slow machine does
	// not fail a simulation.
	Timeouts bool
	// LoopBound is the simulator's own bound on a loop AWS would not stop
	// (through a destination, an EventBridge rule, or a function whose
	// RecursiveLoop is Allow): how many times a function may run in one
	// chain of requests before the simulator stops playing it, saying
	// that AWS would go on. Zero is MaxChainInvocations.
	LoopBound int
}

// Simulator plays Lambda's asynchronous invocation on a stack, on a virtual
// clock. It is not safe for concurrent use.
type Simulator struct {
	m           *model
	cfg         Config
	start, now  time.Time
	seq, ids    int
	queue       []*task
	trace       Trace
	invocations []*Invocation
	deliveries  []*Delivery
	ctx         context.Context
	abort       error
	metrics     map[metricKey]*FunctionMetrics
	metricOrder []metricKey
}

type task struct {
	at  time.Time
	seq int
	run func()
}

// Invocation is one invocation the simulator played: one you asked for,
// or one a destination, rule or subscription made.
type Invocation struct {
	RequestID string
	// Function is the function's Pulumi name (its name outside the stack);
	// FunctionArn the qualified ARN it was invoked as.
	Function, Qualifier, FunctionArn string
	Async                            bool
	// Source says who invoked it: "InvokeAsync", "InvokeSync", "on success
	// of ingest", "rule ingest-on-success-response", "subscription to SNS
	// topic alerts".
	Source string
	// Parent is the request ID of the invocation whose record or message
	// caused this one; "" for one you asked for.
	Parent string
	Event  json.RawMessage
	// Accepted is when Lambda took the event; Finished when it was done with
	// it.
	Accepted, Finished time.Time
	// Attempts is how many times the handler ran; MaxAttempts how many the
	// config allows.
	Attempts, MaxAttempts int
	// Condition is the record's condition once the asynchronous invocation
	// is over; "" for a synchronous one and while it is not over.
	Condition records.Condition
	// Response is the last response: what the handler returned, or the
	// error object of its failure. Error is that failure (nil on success).
	Response json.RawMessage
	Error    *Error
	// Record is the invocation record Lambda wrote (nil for a synchronous
	// invocation).
	Record *records.Record
	// NotRun says the event was kept, not run: the function had no
	// handler, or the simulator stopped playing a loop AWS would let run
	// (Config.LoopBound).
	NotRun bool

	fn      *function
	chain   map[*function]int
	handler Handler
	// tracked counts the runs recursive-loop detection sees in this chain
	// (writes of the functions' code through the services it follows);
	// untrackedVia names the last hop it does not follow ("" for none).
	tracked      map[*function]int
	untrackedVia string
	// throttles and systemErrors are the attempts still to be throttled or
	// fail with a system error (see Throttled, SystemErrors); backoffs
	// how many such retries the event had.
	throttles, systemErrors, backoffs int
	// zeroConcurrency says the event was not run: reserved concurrency 0.
	zeroConcurrency bool
	// writes are what the handler's code wrote during the running attempt.
	writes []pendingWrite
}

// Succeeded reports whether the last attempt succeeded.
func (i *Invocation) Succeeded() bool { return i.Attempts > 0 && i.Error == nil }

// InvokeOption changes one asynchronous invocation.
type InvokeOption func(*invokeOptions)

type invokeOptions struct {
	queued                  time.Duration
	handler                 Handler
	throttles, systemErrors int
}

// QueuedFor makes the event wait d in Lambda's asynchronous event queue
// before its first attempt, as it does when the function is throttled or
// the queue is long. An event that waits longer than the config's maximum
// event age expires without running.
func QueuedFor(d time.Duration) InvokeOption {
	return func(o *invokeOptions) { o.queued = d }
}

// UseHandler runs h instead of the function's handler for this event (its
// attempts only, not what its destinations invoke): a failure forced for a
// demonstration, say.
func UseHandler(h Handler) InvokeOption {
	return func(o *invokeOptions) { o.handler = h }
}

// Throttled makes the first n attempts of this event throttled (429,
// TooManyRequestsException: the function has no concurrency free). Lambda
// returns a throttled event to its queue and tries again after 1 s, 2 s,
// 4 s, ... at most 5 minutes, without counting it against
// MaximumRetryAttempts, until the event is older than its maximum event
// age (lambdafacts.ThrottleSource).
func Throttled(n int) InvokeOption {
	return func(o *invokeOptions) { o.throttles = n }
}

// SystemErrors makes the first n attempts of this event (after any
// Throttled ones) fail with a system error (500-series, Lambda's own):
// retried as throttles are.
func SystemErrors(n int) InvokeOption {
	return func(o *invokeOptions) { o.systemErrors = n }
}

// Option is an option of asyncroutetest.Run (asyncroutetest.Config,
// Project, StackName): how the program is recorded under the mocks.
type Option = mockmonitor.Option

// Stack is a recorded program (asyncroutetest.Stack, plan.Stack).
type Stack = mockmonitor.Stack

// Run records program under the mocks, as asyncroutetest.Run does, and
// returns a simulator of the stack it describes.
func Run(program pulumi.RunFunc, cfg Config, opts ...Option) (*Simulator, error) {
	st, err := mockmonitor.Run(program, opts...)
	if err != nil {
		return nil, fmt.Errorf("simulate: the program failed: %w", err)
	}
	return New(st, cfg)
}

// New returns a simulator of a recorded stack (asyncroutetest.Run,
// plan.Record), with handlers from cfg.
func New(st *Stack, cfg Config) (*Simulator, error) {
	if st == nil || st.Graph == nil {
		return nil, errors.New("simulate: no stack")
	}
	return newSimulator(st.Graph, cfg)
}

func newSimulator(g *stackgraph.Graph, cfg Config) (*Simulator, error) {
	if g == nil {
		return nil, errors.New("simulate: no graph")
	}
	m, err := buildModel(g)
	if err != nil {
		return nil, err
	}
	start := cfg.Start
	if start.IsZero() {
		start = DefaultStart
	}
	s := &Simulator{m: m, cfg: cfg, start: start.UTC(), now: start.UTC()}
	refs := make([]string, 0, len(cfg.Handlers))
	for ref := range cfg.Handlers {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		if err := s.SetHandler(ref, cfg.Handlers[ref]); err != nil {
			return nil, err
		}
	}
	if !cfg.IgnoreCode {
		for _, f := range m.functions {
			if f.handler == nil {
				f.handler, f.handlerFrom = codeHandler(f, cfg.CodeDir, cfg.Python)
			}
		}
	}
	return s, nil
}

// SetHandler sets the handler of a function (any reference InvokeAsync
// accepts; a qualifier is ignored: the handler runs for every qualifier).
func (s *Simulator) SetHandler(ref string, h Handler) error {
	f, _, err := s.m.lookup(ref, true)
	if err != nil {
		return err
	}
	f.handler, f.handlerFrom = h, "Go"
	if _, ok := h.(*command); ok {
		f.handlerFrom = "command"
	}
	return nil
}

// Settings returns the retry and age settings Lambda applies to an
// asynchronous invocation of ref (with its qualifier): the invoke config's,
// or Lambda's defaults when there is none (configured false).
func (s *Simulator) Settings(ref string) (maxRetries int, maxEventAge time.Duration, configured bool, err error) {
	f, q, err := s.resolve(ref)
	if err != nil {
		return 0, 0, false, err
	}
	c, n, age := settings(f, q)
	return n, age, c != nil, nil
}

// Now is the virtual time.
func (s *Simulator) Now() time.Time { return s.now }

// Advance moves the virtual clock forward.
func (s *Simulator) Advance(d time.Duration) {
	if d > 0 {
		s.now = s.now.Add(d)
	}
}

// Trace returns what happened so far.
func (s *Simulator) Trace() Trace { return append(Trace(nil), s.trace...) }

// Invocations returns every invocation so far, in the order Lambda took
// them.
func (s *Simulator) Invocations() []*Invocation {
	return append([]*Invocation(nil), s.invocations...)
}

// resolve finds the function and qualifier a reference names.
func (s *Simulator) resolve(ref string) (*function, string, error) {
	f, q, err := s.m.lookup(ref, true)
	if err != nil {
		return nil, "", err
	}
	if err := f.checkQualifier(q); err != nil {
		return nil, "", err
	}
	if q == "" {
		q = lambdafacts.Latest
	}
	return f, q, nil
}

func (s *Simulator) noHandler(f *function) error {
	return fmt.Errorf("simulate: function %s has no handler: give one in Config.Handlers (a Go HandlerFunc, Command or Python); the simulator runs a function's own code only for a Python runtime whose code is a folder", f.describe())
}

// InvokeAsync invokes a function asynchronously (InvocationType Event), as
// S3, SNS, EventBridge or `aws lambda invoke --invocation-type Event` do,
// and plays everything that follows on the virtual clock until nothing is
// left to do: attempts and retries, expiry, the record to the on-success
// or on-failure destination, the dead letter, and whatever those
// destinations invoke in turn. ref is a function's Pulumi name, name, ARN
// or URN, with an optional qualifier (name:live, a qualified ARN); none
// means $LATEST, as for Lambda.
//
// The error is about the simulation (an unknown function, no handler, a
// handler that cannot start); what the function did is in the returned
// Invocation and the trace.
func (s *Simulator) InvokeAsync(ctx context.Context, ref string, payload json.RawMessage, opts ...InvokeOption) (*Invocation, error) {
	f, q, err := s.resolve(ref)
	if err != nil {
		return nil, err
	}
	if !json.Valid(payload) {
		return nil, fmt.Errorf("simulate: the payload is not JSON: %s", cut(string(payload), 80))
	}
	if len(payload) > MaxAsyncPayload {
		return nil, fmt.Errorf("simulate: the payload is %d bytes; Lambda refuses an asynchronous invocation over %d bytes (RequestEntityTooLargeException)", len(payload), MaxAsyncPayload)
	}
	var o invokeOptions
	for _, opt := range opts {
		opt(&o)
	}
	if f.handler == nil && o.handler == nil {
		return nil, s.noHandler(f)
	}
	inv := s.acceptWith(f, q, payload, "InvokeAsync", nil, o, hop{})
	return inv, s.drain(ctx)
}

// InvokeSync invokes a function synchronously (InvocationType
// RequestResponse), as API Gateway, the console's Test button or an SDK
// call with RequestResponse do: the handler runs once and its response or
// error goes back to the caller. Lambda does not retry it and sends
// nothing to destinations or the dead-letter target; the trace says so.
func (s *Simulator) InvokeSync(ctx context.Context, ref string, payload json.RawMessage) (*Invocation, error) {
	f, q, err := s.resolve(ref)
	if err != nil {
		return nil, err
	}
	if !json.Valid(payload) {
		return nil, fmt.Errorf("simulate: the payload is not JSON: %s", cut(string(payload), 80))
	}
	if f.handler == nil {
		return nil, s.noHandler(f)
	}
	s.ctx = ctx
	inv := &Invocation{RequestID: s.newID("request"), Function: f.pulumiName, Qualifier: q, FunctionArn: f.qualifiedARN(q),
		Source: "InvokeSync", Event: payload, Accepted: s.now, MaxAttempts: 1, fn: f, handler: f.handler}
	s.invocations = append(s.invocations, inv)
	s.emit(inv, Event{Step: StepInvoke, Text: fmt.Sprintf("invoke sync (RequestResponse), request %s: %s", short(inv.RequestID), jsonString(payload, 120))})
	inv.Attempts = 1
	resp, ferr, err := s.run(f, inv)
	if err != nil {
		return inv, err
	}
	s.playWrites(inv)
	inv.Finished = s.now
	if ferr == nil {
		inv.Response = resp
		s.emit(inv, Event{Step: StepAttempt, Attempt: 1, MaxAttempts: 1, Outcome: OutcomeOK,
			Text: "attempt 1 of 1: ok → " + jsonString(resp, 120) + " (returned to the caller)"})
	} else {
		inv.Response, inv.Error = ferr.payload(), ferr
		s.emit(inv, Event{Step: StepAttempt, Attempt: 1, MaxAttempts: 1, Outcome: OutcomeFailed,
			Text: "attempt 1 of 1: failed: " + ferr.Error() + " (returned to the caller; Lambda does not retry a synchronous invocation)"})
	}
	s.emit(inv, Event{Step: StepSync, Outcome: OutcomeNotUsed, Text: s.syncNote(f, q)})
	return inv, nil
}

// syncNote says what a synchronous invocation does not reach.
func (s *Simulator) syncNote(f *function, q string) string {
	var missed []string
	if c := f.configs[q]; c != nil {
		if c.onSuccess != nil {
			missed = append(missed, "on success → "+c.onSuccess.target.String())
		}
		if c.onFailure != nil {
			missed = append(missed, "on failure → "+c.onFailure.target.String())
		}
	}
	if f.dlq != nil {
		missed = append(missed, "dead letter → "+f.dlq.target.String())
	}
	const why = "synchronous invocation: no record and no dead letter (destinations are for asynchronous invocations only)"
	if len(missed) == 0 {
		return why + "; none is set for " + f.label(q)
	}
	return why + ": " + strings.Join(missed, ", ") + " get nothing"
}

// settings are the retry and age settings of a function's qualifier.
func settings(f *function, q string) (*asyncConfig, int, time.Duration) {
	if c := f.configs[q]; c != nil {
		return c, c.maxRetries, c.maxAge
	}
	return nil, DefaultMaxRetries, DefaultMaxEventAge
}

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

// newID returns the next pseudo-random UUID: deterministic, so that traces
// and tests repeat.
func (s *Simulator) newID(kind string) string {
	s.ids++
	return pseudoUUID(kind, fmt.Sprint(s.ids))
}

func pseudoUUID(kind, seed string) string {
	h := sha256.Sum256([]byte("asyncroute/simulate\x00" + kind + "\x00" + seed))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
