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
// `pulumi up` then runs it as usual, and `go run . plan` prints the plan.
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
	"github.com/asyncroute/asyncroute/components/mockmonitor"
	"github.com/asyncroute/asyncroute/components/stackgraph"
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

// RunOrPlan runs program with pulumi.Run, or plans it when the first
// command-line argument is "plan" (flags after it: -stack NAME, -dir DIR,
// -preview, -json, -diagram).
func RunOrPlan(program pulumi.RunFunc) {
	if len(os.Args) > 1 && os.Args[1] == "plan" {
		os.Exit(Main(os.Args[2:], os.Stdout, os.Stderr, program))
	}
	pulumi.Run(program)
}

// Main parses plan flags, plans program and returns the exit code: 0 on
// success, 1 when the program fails (printed as `pulumi preview` would),
// 2 on bad flags or an unreadable project.
func Main(args []string, stdout, stderr io.Writer, program pulumi.RunFunc) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Stack, "stack", "dev", "stack whose Pulumi.<stack>.yaml config is read")
	fs.StringVar(&o.Dir, "dir", ".", "folder holding Pulumi.yaml")
	fs.BoolVar(&o.Preview, "preview", false, "leave AWS-assigned values unknown, as a first preview does")
	fs.BoolVar(&o.JSON, "json", false, "print the plan as JSON")
	fs.BoolVar(&o.Diagram, "diagram", false, "print the asynchronous routing as a Mermaid flowchart")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.JSON && o.Diagram {
		fmt.Fprintln(stderr, "plan: -json and -diagram are exclusive")
		return 2
	}
	err := Plan(stdout, program, o)
	var pe *ProgramError
	switch {
	case errors.As(err, &pe):
		fmt.Fprintf(stderr, "error: %v\n", pe.Err)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 2
	}
	return 0
}

// ProgramError is the program's own failure (bad input, say), as opposed to
// a failure to read the project.
type ProgramError struct{ Err error }

func (e *ProgramError) Error() string { return e.Err.Error() }
func (e *ProgramError) Unwrap() error { return e.Err }

// Record runs program under the mocks with the project's name and config.
func Record(program pulumi.RunFunc, o Options) (*stackgraph.Graph, Project, error) {
	p, err := LoadProject(o)
	if err != nil {
		return nil, p, err
	}
	opts := []mockmonitor.Option{mockmonitor.Project(p.Name), mockmonitor.Stack(p.Stack), mockmonitor.Config(p.Config)}
	if o.Preview {
		opts = append(opts, mockmonitor.Preview())
	}
	st, err := mockmonitor.Run(program, opts...)
	if err != nil {
		return st, p, &ProgramError{Err: err}
	}
	return st, p, nil
}

// Plan writes the plan of program to w, as text, JSON or a diagram.
func Plan(w io.Writer, program pulumi.RunFunc, o Options) error {
	st, p, err := Record(program, o)
	if err != nil {
		return err
	}
	switch {
	case o.JSON:
		return WriteJSON(w, st, p)
	case o.Diagram:
		WriteDiagram(w, st)
	default:
		WriteText(w, st, p)
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
	raw, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil && p.Name == "" {
		return p, fmt.Errorf("reading the project: %w", err)
	}
	if err == nil {
		var proj struct {
			Name string `yaml:"name"`
		}
		if err := yaml.Unmarshal(raw, &proj); err != nil {
			//lint:ignore ST1005 the message starts with the file name
			return p, fmt.Errorf("Pulumi.yaml: %w", err)
		}
		if p.Name == "" {
			p.Name = proj.Name
		}
	}
	raw, err = os.ReadFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
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

// Findings runs the async-routing policy rules on the recorded stack, at
// their default enforcement levels.
func Findings(st *stackgraph.Graph) []asyncpolicy.Finding {
	f := asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{})
	if f == nil {
		f = []asyncpolicy.Finding{}
	}
	return f
}

// CreationOrder sorts resources so that each comes after its parent and
// its dependencies; resources at the same depth are sorted by URN, so the
// order does not depend on goroutine scheduling.
func CreationOrder(st *stackgraph.Graph) []*stackgraph.Resource {
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
