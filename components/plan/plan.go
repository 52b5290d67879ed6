// Package plan prints what a Pulumi Go program would create, without a
// cloud account, credentials or the Pulumi CLI: it runs the program
// in-process under the recording mock monitor of package mockmonitor and
// prints every resource (type, name, parent, inputs), every IAM policy
// document the program generates, and the order the engine would create
// them in.
//
// A stack's main function hands its program to [RunOrPlan]:
//
//	func main() { plan.RunOrPlan(program) }
//
// `pulumi up` then runs it as usual, and `go run . plan` prints the plan:
// resources, policy documents, the stack outputs (ctx.Export), the
// findings of the async-routing policy rules (package asyncpolicy) and the
// creation order, as text, as JSON (-json) or as a Mermaid diagram of the
// routing (-diagram).
//
// # Exit status
//
// `go run . plan` is a CI gate that needs no cloud account and no Pulumi
// CLI. It exits with
//
//	0  the plan was printed and no finding is at or above -fail-on
//	1  the program failed (the message is the one `pulumi preview` would show)
//	2  bad flags, or the project (Pulumi.yaml, Pulumi.<stack>.yaml) cannot be read
//	3  the plan was printed and it has findings at or above -fail-on
//
// -fail-on says which findings fail the plan: mandatory (the default: a
// violation of a mandatory rule), advisory (any finding) or none (never
// fail on findings). The findings are printed in the text and JSON plans
// whatever -fail-on says; when they fail the plan, standard error says so
// (and lists them for -diagram, which does not show them).
//
// `go run` reports every non-zero status of the program it runs as its own
// status 1, printing "exit status 3" on standard error. A CI step that
// tells findings from a failing program by the status runs the built
// binary instead: `go build -o bin/stack . && bin/stack plan`.
package plan

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// Options say which project and stack to plan.
type Options struct {
	// Dir holds Pulumi.yaml and Pulumi.<stack>.yaml; default ".".
	Dir string
	// Project overrides the name in Pulumi.yaml.
	Project string
	// Stack is the stack whose config file is read; default "dev".
	Stack string
	// Preview leaves values that AWS assigns unknown, as `pulumi preview`
	// of a new stack does.
	Preview bool
	// JSON prints the plan as JSON; Diagram prints the routing as Mermaid.
	JSON, Diagram bool
}

// Exit statuses of [Main], and so of `go run . plan`.
const (
	// ExitOK: the plan was printed; no finding is at or above -fail-on.
	ExitOK = 0
	// ExitProgramError: the program failed, as `pulumi preview` would.
	ExitProgramError = 1
	// ExitUsage: bad flags, or an unreadable project.
	ExitUsage = 2
	// ExitFindings: the plan was printed and has findings at or above
	// -fail-on.
	ExitFindings = 3
)

// FailOn says which policy findings fail the plan (flag -fail-on).
type FailOn string

// The values of -fail-on.
const (
	// FailOnMandatory fails on a finding of a mandatory rule (the default).
	FailOnMandatory FailOn = "mandatory"
	// FailOnAdvisory fails on any finding, mandatory or advisory.
	FailOnAdvisory FailOn = "advisory"
	// FailOnNone never fails on findings.
	FailOnNone FailOn = "none"
)

// String implements flag.Value.
func (f *FailOn) String() string { return string(*f) }

// Set implements flag.Value.
func (f *FailOn) Set(s string) error {
	switch v := FailOn(strings.ToLower(strings.TrimSpace(s))); v {
	case FailOnMandatory, FailOnAdvisory, FailOnNone:
		*f = v
		return nil
	}
	return fmt.Errorf("%q: allowed: mandatory, advisory or none", s)
}

// Failing returns the findings that fail the plan at this setting, in
// order; none for FailOnNone.
func (f FailOn) Failing(findings []asyncpolicy.Finding) []asyncpolicy.Finding {
	var out []asyncpolicy.Finding
	for _, x := range findings {
		switch {
		case f == FailOnAdvisory,
			f == FailOnMandatory && x.Level == asyncpolicy.Mandatory:
			out = append(out, x)
		}
	}
	return out
}

// RunOrPlan runs program with pulumi.Run, or plans it when the first
// command-line argument is "plan" (flags after it: -stack NAME, -dir DIR,
// -preview, -json, -diagram, -fail-on mandatory|advisory|none) and exits
// with [Main]'s status, or simulates its asynchronous invocations when it
// is "simulate" (see [SimulateMain]).
func RunOrPlan(program pulumi.RunFunc) {
	if len(os.Args) > 1 && os.Args[1] == "plan" {
		os.Exit(Main(os.Args[2:], os.Stdout, os.Stderr, program))
	}
	if len(os.Args) > 1 && os.Args[1] == "simulate" {
		os.Exit(SimulateMain(os.Args[2:], os.Stdout, os.Stderr, program))
	}
	pulumi.Run(program)
}

// Main parses plan flags, plans program and returns the exit status (see
// the package doc): [ExitOK], [ExitProgramError] when the program fails
// (printed as `pulumi preview` would), [ExitUsage] on bad flags or an
// unreadable project, [ExitFindings] when the plan has findings at or
// above -fail-on.
func Main(args []string, stdout, stderr io.Writer, program pulumi.RunFunc) int {
	var o Options
	failOn := FailOnMandatory
	fs := newFlagSet("plan", "folder holding Pulumi.yaml", stderr, &o)
	fs.BoolVar(&o.Preview, "preview", false, "leave AWS-assigned values unknown, as a first preview does")
	fs.BoolVar(&o.JSON, "json", false, "print the plan as JSON")
	fs.BoolVar(&o.Diagram, "diagram", false, "print the asynchronous routing as a Mermaid flowchart")
	fs.Var(&failOn, "fail-on", "the `level` of policy findings that fails the plan with exit status 3: mandatory, advisory (any finding) or none (never)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . plan [-stack NAME] [-dir DIR] [-preview] [-json | -diagram] [-fail-on mandatory|advisory|none]")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "exit status: 0 planned, no finding at or above -fail-on; 1 the program failed;")
		fmt.Fprintln(stderr, "2 bad flags or unreadable project; 3 planned, with findings at or above -fail-on")
	}
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if o.JSON && o.Diagram {
		fmt.Fprintln(stderr, "plan: -json and -diagram are exclusive")
		return ExitUsage
	}
	st, p, status, ok := recordFor("plan", program, o, stderr)
	if !ok {
		return status
	}
	az := analyze(st)
	if err := write(stdout, az, p, o); err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return ExitUsage
	}
	failing := failOn.Failing(az.findings)
	if len(failing) == 0 {
		return ExitOK
	}
	if o.Diagram {
		for _, f := range failing {
			fmt.Fprintf(stderr, "  %s\n", oneLine(f.String()))
		}
	}
	noun, verb := "finding", "fails"
	if len(failing) > 1 {
		noun, verb = "findings", "fail"
	}
	level := "mandatory "
	if failOn == FailOnAdvisory {
		level = ""
	}
	fmt.Fprintf(stderr, "plan: %d %s%s %s the plan (-fail-on %s)\n", len(failing), level, noun, verb, failOn)
	return ExitFindings
}

// newFlagSet is the flag set of subcommand name (plan, simulate) with
// the flags they share: -stack and -dir, whose usage is dirUsage. Errors
// and usage go to stderr.
func newFlagSet(name, dirUsage string, stderr io.Writer, o *Options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Stack, "stack", "dev", "stack whose Pulumi.<stack>.yaml config is read")
	fs.StringVar(&o.Dir, "dir", ".", dirUsage)
	return fs
}

// parseFlags parses a subcommand's arguments, which are flags only. When
// ok is false the subcommand stops with status: [ExitOK] after -help,
// [ExitUsage] on a bad flag (the flag package has said why) or a stray
// argument.
func parseFlags(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q; flags only\n", fs.Name(), fs.Arg(0))
		return ExitUsage, false
	}
	return ExitOK, true
}

// recordFor records program for subcommand cmd. When ok is false the
// subcommand stops with status, having said why on stderr:
// [ExitProgramError] when the program failed (as `pulumi preview` would
// say it), [ExitUsage] when the project cannot be read.
func recordFor(cmd string, program pulumi.RunFunc, o Options, stderr io.Writer) (st *Stack, p Project, status int, ok bool) {
	st, p, err := Record(program, o)
	var pe *programError
	switch {
	case errors.As(err, &pe):
		fmt.Fprintf(stderr, "error: %v\n", pe.Err)
		return st, p, ExitProgramError, false
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return st, p, ExitUsage, false
	}
	return st, p, ExitOK, true
}

// programError is the program's own failure (bad input, say), as opposed to
// a failure to read the project.
type programError struct{ Err error }

func (e *programError) Error() string { return e.Err.Error() }
func (e *programError) Unwrap() error { return e.Err }

// Stack is a recorded program: its stack graph and the outputs it
// exported (the library's one stack type, asyncroutetest.Stack).
type Stack = mockmonitor.Stack

// Record runs program under the mocks with the project's name and config.
// It returns what was recorded also when the program fails.
func Record(program pulumi.RunFunc, o Options) (*Stack, Project, error) {
	p, err := LoadProject(o)
	if err != nil {
		return nil, p, err
	}
	opts := []mockmonitor.Option{mockmonitor.Project(p.Name), mockmonitor.StackName(p.Stack), mockmonitor.Config(p.Config)}
	if o.Preview {
		opts = append(opts, mockmonitor.Preview())
	}
	st, err := mockmonitor.Run(program, opts...)
	if err != nil {
		return st, p, &programError{Err: err}
	}
	return st, p, nil
}

// Plan writes the plan of program to w, as text, JSON or a diagram.
func Plan(w io.Writer, program pulumi.RunFunc, o Options) error {
	st, p, err := Record(program, o)
	if err != nil {
		return err
	}
	return Write(w, st, p, o)
}

// Write writes a recorded stack's plan to w, as text, JSON or a diagram.
func Write(w io.Writer, st *Stack, p Project, o Options) error {
	return write(w, analyze(st), p, o)
}

// analyzed is a recorded stack with the rules' analysis of it, made once
// and read by the text, the JSON, the diagram and the findings.
type analyzed struct {
	*Stack
	a        *asyncpolicy.Analysis
	findings []asyncpolicy.Finding
}

// analyze analyses st and runs the rules at their default levels.
func analyze(st *Stack) *analyzed {
	a := asyncpolicy.Analyze(asyncpolicy.FromStack(st.Graph))
	f := a.Check(asyncpolicy.Config{})
	if f == nil {
		f = []asyncpolicy.Finding{}
	}
	return &analyzed{Stack: st, a: a, findings: f}
}

// write is [Write] with the stack analysed.
func write(w io.Writer, az *analyzed, p Project, o Options) error {
	switch {
	case o.JSON:
		return writeJSON(w, az, p)
	case o.Diagram:
		writeDiagram(w, az.Graph, az.a)
	default:
		writeText(w, az, p)
	}
	return nil
}

// Project is the project and stack being planned.
type Project struct {
	Name   string
	Stack  string
	Config map[string]string
}

// LoadProject reads Pulumi.yaml and, when present, Pulumi.<stack>.yaml.
func LoadProject(o Options) (Project, error) {
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	stack := o.Stack
	if stack == "" {
		stack = "dev"
	}
	p := Project{Name: o.Project, Stack: stack, Config: map[string]string{}}
	name, err := mockmonitor.ProjectName(filepath.Join(dir, "Pulumi.yaml"))
	var readErr *os.PathError
	switch {
	case errors.As(err, &readErr):
		if p.Name == "" {
			return p, fmt.Errorf("reading the project: %w", err)
		}
	case err != nil:
		return p, err // "Pulumi.yaml: ..."
	case p.Name == "":
		p.Name = name
	}
	raw, err := os.ReadFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	} else if err != nil {
		return p, err
	}
	var cfg struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		//lint:ignore ST1005 the message starts with the file name
		return p, fmt.Errorf("Pulumi.%s.yaml: %w", stack, err)
	}
	for k, v := range cfg.Config {
		if !strings.Contains(k, ":") {
			k = p.Name + ":" + k
		}
		switch v := v.(type) {
		case string:
			p.Config[k] = v
		case map[string]any:
			if _, secret := v["secure"]; secret {
				//lint:ignore ST1005 the message starts with the file name
				return p, fmt.Errorf("Pulumi.%s.yaml: %s is a secret; the offline plan cannot decrypt it", stack, k)
			}
			b, _ := json.Marshal(v)
			p.Config[k] = string(b)
		default:
			b, _ := json.Marshal(v)
			p.Config[k] = string(b)
		}
	}
	return p, nil
}

// creationOrder sorts resources so that each comes after its parent and
// its dependencies; resources at the same depth are sorted by URN, so the
// order does not depend on goroutine scheduling.
func creationOrder(st *stackgraph.Graph) []*stackgraph.Resource {
	level := map[string]int{}
	var depth func(r *stackgraph.Resource, seen map[string]bool) int
	depth = func(r *stackgraph.Resource, seen map[string]bool) int {
		if l, ok := level[r.URN]; ok {
			return l
		}
		if seen[r.URN] {
			return 0
		}
		seen[r.URN] = true
		l := 0
		before := append([]string{r.Parent}, r.Dependencies...)
		for _, u := range before {
			if d := st.ByURN(u); d != nil {
				if dl := depth(d, seen) + 1; dl > l {
					l = dl
				}
			}
		}
		level[r.URN] = l
		return l
	}
	out := append([]*stackgraph.Resource(nil), st.Resources...)
	for _, r := range out {
		depth(r, map[string]bool{})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if level[out[i].URN] != level[out[j].URN] {
			return level[out[i].URN] < level[out[j].URN]
		}
		return out[i].URN < out[j].URN
	})
	return out
}
