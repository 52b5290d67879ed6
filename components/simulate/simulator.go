package simulate

import (
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
