package mockmonitor

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// Option changes how [Run] runs a program. Run applies options in order:
// of two that set the same thing, the later wins.
type Option func(*settings)

type settings struct {
	preview        bool
	project, stack string
	// projectFrom, when set, gives the project name when Run starts.
	projectFrom func() (string, error)
	config      map[string]string
}

// Preview runs the program as `pulumi preview` would on a new stack: ARNs,
// URLs and ids that AWS assigns are unknown.
func Preview() Option { return func(s *settings) { s.preview = true } }

// Project sets the project name (default [DefaultProject]).
func Project(name string) Option {
	return func(s *settings) { s.project, s.projectFrom = name, nil }
}

// ProjectFrom makes [Run] take the project name from name, called once
// before the program runs, unless a later [Project] sets the name. When
// name fails, Run returns its error and an empty graph without running the
// program.
func ProjectFrom(name func() (string, error)) Option {
	return func(s *settings) { s.projectFrom = name }
}

// StackName sets the stack name (default [DefaultStack]).
func StackName(name string) Option { return func(s *settings) { s.stack = name } }

// Config sets the stack configuration, keyed "namespace:key" as Pulumi
// does ("myproject:tier", "aws:region").
func Config(cfg map[string]string) Option { return func(s *settings) { s.config = cfg } }

// Stack is what a program registered under the mocks: the stack graph
// (Resources, Find, OfType, ByURN, Children, Dependencies, DependsOn,
// Lookup) and the stack outputs it exported. It is the one stack type of
// the library's public packages (asyncroutetest.Stack, plan.Stack).
type Stack struct {
	*stackgraph.Graph
	// Outputs are the stack outputs the program exported with ctx.Export,
	// as plain values (see package stackgraph): a value AWS assigns is
	// [stackgraph.Unknown] under [Preview], a resource is its URN, and a
	// secret is "[secret]", as `pulumi stack output` shows it.
	Outputs map[string]any
}

// TB is the part of testing.TB that [Stack.Require] uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Require returns the resource of type typ named name, or fails the test
// with what the stack holds.
func (s *Stack) Require(t TB, typ, name string) *stackgraph.Resource {
	t.Helper()
	var g *stackgraph.Graph
	if s != nil {
		g = s.Graph
	}
	r, err := g.Lookup(typ, name)
	if err != nil {
		t.Fatalf("asyncroutetest: %v", err)
		return nil
	}
	return r
}

// Run runs program under a recording [Monitor] and returns what it
// registered and exported, also when the program failed (so that a caller
// can assert what was, or was not, registered before the failure).
func Run(program pulumi.RunFunc, opts ...Option) (*Stack, error) {
	s := settings{project: DefaultProject, stack: DefaultStack}
	for _, o := range opts {
		o(&s)
	}
	if s.projectFrom != nil {
		name, err := s.projectFrom()
		if err != nil {
			return &Stack{Graph: stackgraph.New(nil), Outputs: map[string]any{}}, err
		}
		s.project = name
	}
	m := &Monitor{Preview: s.preview, Project: s.project, Stack: s.stack, Config: s.config}
	var outputs map[string]any
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := program(ctx); err != nil {
			return err
		}
		var err error
		outputs, err = stackOutputs(ctx)
		return err
	}, pulumi.WithMocks(s.project, s.stack, m), func(info *pulumi.RunInfo) {
		info.DryRun = s.preview
		if s.config != nil {
			info.Config = s.config
		}
	})
	if outputs == nil {
		outputs = map[string]any{}
	}
	return &Stack{Graph: m.Graph(), Outputs: outputs}, err
}

// ProjectName reads the project name (the name field) of the Pulumi.yaml
// at path; "" when it has none. A failure to read the file is returned as
// os.ReadFile returns it (an *fs.PathError: errors.Is(err, fs.ErrNotExist)
// when there is no file); a file that is not valid YAML gives an error
// that starts with the file's base name ("Pulumi.yaml: yaml: ...").
func ProjectName(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var proj struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(raw, &proj); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return proj.Name, nil
}
