package simulate

import (
	"encoding/json"
	"fmt"
	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Step says what a trace event is. The steps that deliver to a
// destination are the routing conditions of package asyncpolicy (one
// spelling for the rules, the planner and the simulator); the others are
// the simulator's own.
type Step = asyncpolicy.Condition

// The steps of a trace.
const (
	// StepInvoke: Lambda accepted an event (asynchronous) or a synchronous
	// invocation started.
	StepInvoke Step = "invoke"
	// StepAttempt: the handler ran once; Outcome is OutcomeOK or
	// OutcomeFailed.
	StepAttempt Step = "attempt"
	// StepLog: a line the handler logged.
	StepLog Step = "log"
	// StepExpired: the event outlived the maximum event age.
	StepExpired Step = "expired"
	// StepLoop: recursive-loop detection stopped the invocation, or the
	// simulator stopped playing a loop AWS would let run.
	StepLoop Step = "loop"
	// StepThrottled: an attempt that was throttled or failed with a system
	// error and is tried again later, or an event not run at all
	// (reserved concurrency 0).
	StepThrottled Step = "throttled"
	// StepWrite: what a handler's code wrote with an AWS SDK (see Write).
	StepWrite Step = "write"
	// StepOnSuccess, StepOnFailure, StepDeadLetter: a record or dead letter
	// sent to the destination or dead-letter target (Outcome
	// OutcomeDelivered, OutcomeDeliveryFailed or OutcomeNone).
	StepOnSuccess  Step = asyncpolicy.OnSuccess
	StepOnFailure  Step = asyncpolicy.OnFailure
	StepDeadLetter Step = asyncpolicy.DeadLetter
	// StepDiscarded: a failed event with neither an on-failure destination
	// nor a dead-letter target: Lambda drops it.
	StepDiscarded Step = "discarded"
	// StepSync: a synchronous invocation; destinations and the DLQ are not
	// used (Outcome OutcomeNotUsed).
	StepSync Step = "sync"
	// StepRule: an EventBridge rule on a bus that got an event (Outcome
	// OutcomeMatched or OutcomeNoMatch), and what its targets got.
	StepRule Step = "rule"
	// StepSubscription: an SNS topic's subscriber got a message.
	StepSubscription Step = "subscription"
	// StepNote: anything else worth knowing (a target the simulator does
	// not model further).
	StepNote Step = "note"
)

// Outcomes of trace events.
const (
	OutcomeOK             = "ok"
	OutcomeFailed         = "failed"
	OutcomeDelivered      = "delivered"
	OutcomeDeliveryFailed = "delivery failed"
	OutcomeNone           = "none"
	OutcomeNotUsed        = "not used"
	OutcomeMatched        = "matched"
	OutcomeNoMatch        = "no match"
)

// Event is one line of the trace.
type Event struct {
	// Time is the virtual time; Elapsed the time since the simulator
	// started.
	Time    time.Time     `json:"time"`
	Elapsed time.Duration `json:"elapsed"`
	// Function is the function's Pulumi name (its name, for a function
	// outside the stack) and Qualifier the qualifier it was invoked with.
	Function  string `json:"function,omitempty"`
	Qualifier string `json:"qualifier,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	// Attempt is the attempt's number, from 1; MaxAttempts how many the
	// config allows (1 + MaxRetries).
	Attempt     int    `json:"attempt,omitempty"`
	MaxAttempts int    `json:"maxAttempts,omitempty"`
	Step        Step   `json:"step"`
	Outcome     string `json:"outcome,omitempty"`
	// Target names where a record, dead letter or event went ("SQS queue
	// orders-processed").
	Target string `json:"target,omitempty"`
	// Text is the line's text after time and function.
	Text string `json:"text"`
	// Problem marks what did not arrive where the stack routes it: a
	// delivery the role is not allowed to make (or that a FIFO target or a
	// size limit fails), an event discarded with no failure target, a
	// recursive loop stopped by Lambda or by the simulator.
	Problem bool `json:"problem,omitempty"`
}

// Trace is what the simulator did, in order.
type Trace []Event

// String renders the trace, one event a line:
//
//	00:01:00.000  order-processor  attempt 2 of 2: failed: ValueError: order_id is required
func (t Trace) String() string {
	var b strings.Builder
	t.Write(&b)
	return b.String()
}

// Write writes the trace as String renders it.
func (t Trace) Write(w io.Writer) error {
	width := 0
	for _, e := range t {
		if n := utf8.RuneCountInString(e.label()); n > width {
			width = n
		}
	}
	for _, e := range t {
		if _, err := fmt.Fprintf(w, "%s  %-*s  %s\n", clock(e.Elapsed), width, e.label(), e.Text); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the trace as JSON lines, one event each.
func (t Trace) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range t {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

// String renders one event as a trace line.
func (e Event) String() string {
	return fmt.Sprintf("%s  %s  %s", clock(e.Elapsed), e.label(), e.Text)
}

func (e Event) label() string {
	if e.Function == "" {
		return "-"
	}
	if e.Qualifier == "" || e.Qualifier == "$LATEST" {
		return e.Function
	}
	return e.Function + ":" + e.Qualifier
}

// Lines returns the trace's lines.
func (t Trace) Lines() []string {
	return strings.Split(strings.TrimSuffix(t.String(), "\n"), "\n")
}

// Problems returns the events marked Problem.
func (t Trace) Problems() Trace {
	var out Trace
	for _, e := range t {
		if e.Problem {
			out = append(out, e)
		}
	}
	return out
}

// clock renders an elapsed virtual time as hh:mm:ss.mmm.
func clock(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// human renders a duration the short way: 1m, 2m30s, 1h0m1s.
func human(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
