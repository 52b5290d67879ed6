package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ExitNotDelivered is the status of `go run . simulate` when something did
// not arrive where the stack routes it: a record or dead letter the
// execution role may not deliver, a failed event with neither an
// on-failure destination nor a dead-letter target, a recursive loop
// stopped.
const ExitNotDelivered = 3

// The scenarios of `go run . simulate -scenario`.
var scenarios = []struct{ name, about string }{
	{"async", "invoke %s asynchronously with the payload"},
	{"fail", "invoke %s asynchronously with a handler that fails every attempt (retries, then the failure routing)"},
	{"expired", "invoke %s asynchronously; the event waits in Lambda's queue past the maximum event age"},
	{"sync", "invoke %s synchronously (RequestResponse): destinations are not used"},
}

// SimulateMain parses simulate flags, records program the way `plan` does
// (same -stack and -dir) and plays asynchronous invocations of one of its
// functions on a virtual clock with package simulate, running the
// functions' own Python code: it prints the trace and what each target
// holds at the end. It returns the exit status:
//
//	0  simulated; everything arrived where the stack routes it
//	1  the program failed (as `pulumi preview` would say)
//	2  bad flags, an unreadable project or payload file, an unknown
//	   function, a function nothing can run, or a handler that cannot start
//	3  simulated, and something did not arrive (ExitNotDelivered): a
//	   delivery the role is not allowed to make, a failed event with no
//	   failure target, a recursive loop stopped
//
// After the trace it prints what each target holds and what each
// function's metrics would read (with the stack's alarms that would fire);
// with -json, a JSON line {"metrics": ...} per function after the trace's.
//
// Flags: -function REF (Pulumi name, name or ARN, optionally qualified:
// ingest:live; default: the first function with routing that nothing else
// invokes), -payload JSON or @file (default {}), -scenario
// async|fail|expired|sync|tour or a comma-separated list (default tour:
// all four), -sync (the same as -scenario sync), -queued DURATION (the
// event waits that long before its first attempt), -json (the trace as
// JSON lines), -list (the functions and exit), -stack, -dir.
func SimulateMain(args []string, stdout, stderr io.Writer, program pulumi.RunFunc) int {
	var o Options
	var fn, payloadArg, scenarioArg string
	var sync, asJSON, list bool
	var queued time.Duration
	fs := newFlagSet("simulate", "folder holding Pulumi.yaml (function code paths are read from there)", stderr, &o)
	fs.StringVar(&fn, "function", "", "the `function` to invoke: Pulumi name, name or ARN, optionally qualified (ingest:live)")
	fs.StringVar(&payloadArg, "payload", "{}", "the event: JSON, or @file to read it from a file")
	fs.StringVar(&scenarioArg, "scenario", "tour", "what to play: async, fail, expired, sync, or a comma-separated list; tour is all four")
	fs.BoolVar(&sync, "sync", false, "invoke synchronously (the same as -scenario sync)")
	fs.DurationVar(&queued, "queued", 0, "the event waits this long in Lambda's queue before its first attempt (async and fail)")
	fs.BoolVar(&asJSON, "json", false, "print the trace as JSON lines")
	fs.BoolVar(&list, "list", false, "list the functions the simulator can invoke, and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . simulate [-function REF] [-payload JSON|@file] [-scenario async|fail|expired|sync|tour] [-sync] [-queued DURATION] [-json] [-list] [-stack NAME] [-dir DIR]")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "scenarios:")
		for _, s := range scenarios {
			fmt.Fprintf(stderr, "  %-8s %s\n", s.name, fmt.Sprintf(s.about, "the function"))
		}
		fmt.Fprintln(stderr, "  tour     async, fail, expired and sync in turn")
		fmt.Fprintln(stderr, "exit status: 0 simulated, everything arrived where the stack routes it; 1 the program failed;")
		fmt.Fprintln(stderr, "2 bad flags, project, payload or function, or a handler that cannot run; 3 simulated, and something did not arrive")
	}
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	plays, err := parseScenarios(scenarioArg, sync)
	if err != nil {
		fmt.Fprintf(stderr, "simulate: -scenario: %v\n", err)
		return ExitUsage
	}
	payload, err := readPayload(payloadArg)
	if err != nil {
		fmt.Fprintf(stderr, "simulate: -payload: %v\n", err)
		return ExitUsage
	}
	st, _, status, ok := recordFor("simulate", program, o, stderr)
	if !ok {
		return status
	}
	sim, err := simulate.New(st, simulate.Config{CodeDir: o.Dir})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitUsage
	}
	if list {
		for _, f := range sim.Functions() {
			fmt.Fprintln(stdout, f)
		}
		return ExitOK
	}
	if fn == "" {
		if fn = defaultFunction(sim.Functions()); fn == "" {
			fmt.Fprintln(stderr, "simulate: no function of the stack can run here (the simulator runs Python code from a folder); -list shows them")
			return ExitUsage
		}
	}
	ctx := context.Background()
	shown := 0
	flush := func() error {
		t := sim.Trace()[shown:]
		shown += len(t)
		if asJSON {
			return t.WriteJSON(stdout)
		}
		return t.Write(stdout)
	}
	for _, play := range plays {
		if !asJSON {
			fmt.Fprintf(stdout, "== %s: %s\n", play, fmt.Sprintf(about(play), fn))
		}
		var err error
		switch play {
		case "async":
			_, err = sim.InvokeAsync(ctx, fn, payload, simulate.QueuedFor(queued))
		case "fail":
			_, err = sim.InvokeAsync(ctx, fn, payload, simulate.QueuedFor(queued), simulate.UseHandler(forcedFailure))
		case "expired":
			_, age, _, serr := sim.Settings(fn)
			if serr != nil {
				err = serr
				break
			}
			_, err = sim.InvokeAsync(ctx, fn, payload, simulate.QueuedFor(age+time.Minute))
		case "sync":
			_, err = sim.InvokeSync(ctx, fn, payload)
		}
		if ferr := flush(); ferr != nil {
			fmt.Fprintf(stderr, "simulate: %v\n", ferr)
			return ExitUsage
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return ExitUsage
		}
		if !asJSON {
			fmt.Fprintln(stdout)
		}
	}
	if !asJSON {
		writeArrivals(stdout, sim)
		fmt.Fprintln(stdout)
		writeMetrics(stdout, sim)
	} else {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, m := range sim.Metrics() {
			if err := enc.Encode(map[string]any{"metrics": m}); err != nil {
				fmt.Fprintf(stderr, "simulate: %v\n", err)
				return ExitUsage
			}
		}
	}
	if problems := sim.Trace().Problems(); len(problems) > 0 {
		fmt.Fprintf(stderr, "simulate: %d thing(s) did not arrive where the stack routes them:\n", len(problems))
		for _, p := range problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return ExitNotDelivered
	}
	return ExitOK
}

// forcedFailure is the handler of the fail scenario.
var forcedFailure = simulate.HandlerFunc(func(context.Context, json.RawMessage) (json.RawMessage, error) {
	return nil, &simulate.Error{Type: "SimulatedFailure", Message: "failure forced by -scenario fail"}
})

func about(play string) string {
	for _, s := range scenarios {
		if s.name == play {
			return s.about
		}
	}
	return ""
}

func parseScenarios(arg string, sync bool) ([]string, error) {
	if sync {
		return []string{"sync"}, nil
	}
	var out []string
	for _, p := range strings.Split(arg, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "tour" {
			for _, s := range scenarios {
				out = append(out, s.name)
			}
			continue
		}
		if about(p) == "" {
			return nil, fmt.Errorf("%q: allowed: async, fail, expired, sync, tour", p)
		}
		out = append(out, p)
	}
	return out, nil
}

func readPayload(arg string) (json.RawMessage, error) {
	b := []byte(arg)
	if strings.HasPrefix(arg, "@") {
		var err error
		if b, err = os.ReadFile(arg[1:]); err != nil {
			return nil, err
		}
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("not JSON: %s", arg)
	}
	return json.RawMessage(b), nil
}

// defaultFunction picks the head of the stack's routing: a function with
// routing that nothing else invokes and that has a handler.
func defaultFunction(fs []simulate.FunctionInfo) string {
	pick := func(ok func(simulate.FunctionInfo) bool) string {
		for _, f := range fs {
			if f.Handler == "" || !ok(f) {
				continue
			}
			if len(f.Configured) == 1 && f.Configured[0] != "$LATEST" {
				// The config is on an alias or version: invoke that.
				return f.Name + ":" + f.Configured[0]
			}
			return f.Name
		}
		return ""
	}
	if n := pick(func(f simulate.FunctionInfo) bool { return f.Routed() && !f.Invoked && !f.Outside }); n != "" {
		return n
	}
	if n := pick(func(f simulate.FunctionInfo) bool { return f.Routed() }); n != "" {
		return n
	}
	return pick(func(simulate.FunctionInfo) bool { return true })
}

// writeArrivals sums up what each target holds.
func writeArrivals(w io.Writer, sim *simulate.Simulator) {
	type held struct {
		target string
		what   []string
	}
	var order []string
	by := map[string]*held{}
	for _, d := range sim.Deliveries() {
		h := by[d.Target]
		if h == nil {
			h = &held{target: d.Target}
			by[d.Target] = h
			order = append(order, d.Target)
		}
		switch {
		case d.Record != nil:
			h.what = append(h.what, "record "+string(d.Record.RequestContext.Condition))
		case d.DeadLetter != nil:
			h.what = append(h.what, "dead letter")
		default:
			h.what = append(h.what, "event")
		}
	}
	fmt.Fprintln(w, "== what arrived")
	if len(order) == 0 {
		fmt.Fprintln(w, "nothing")
		return
	}
	width := 0
	for _, t := range order {
		width = max(width, len(t))
	}
	for _, t := range order {
		fmt.Fprintf(w, "%-*s  %s\n", width, t, countWhat(by[t].what))
	}
}

// writeMetrics says what Lambda's metrics of each function would read
// after the scenarios, and which alarms of the stack would fire.
func writeMetrics(w io.Writer, sim *simulate.Simulator) {
	fmt.Fprintln(w, "== what the metrics would read (AWS/Lambda; counts are sums, AsyncEventAge the maximum)")
	ms := sim.Metrics()
	if len(ms) == 0 {
		fmt.Fprintln(w, "nothing: no asynchronous event")
		return
	}
	ms.Write(w)
}

func countWhat(what []string) string {
	n := map[string]int{}
	var order []string
	for _, w := range what {
		if n[w] == 0 {
			order = append(order, w)
		}
		n[w]++
	}
	var parts []string
	for _, w := range order {
		parts = append(parts, fmt.Sprintf("%d %s", n[w], w))
	}
	return strings.Join(parts, ", ")
}
