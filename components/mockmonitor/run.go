package mockmonitor

import (
	"github.com/asyncroute/asyncroute/components/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Option changes how [Run] runs a program.
type Option func(*settings)

type settings struct {
	preview        bool
	project, stack string
	config         map[string]string
}

// Preview runs the program as `pulumi preview` would on a new stack: ARNs,
// URLs and ids that AWS assigns are unknown.
func Preview() Option { return func(s *settings) { s.preview = true } }

// Project sets the project name (default [DefaultProject]).
func Project(name string) Option { return func(s *settings) { s.project = name } }

// Stack sets the stack name (default [DefaultStack]).
func Stack(name string) Option { return func(s *settings) { s.stack = name } }

// Config sets the stack configuration, keyed "namespace:key" as Pulumi
// does ("myproject:tier", "aws:region").
func Config(cfg map[string]string) Option { return func(s *settings) { s.config = cfg } }

// Run runs program under a recording [Monitor] and returns what it
// registered, also when the program failed (so that a caller can assert
// what was, or was not, registered before the failure).
func Run(program pulumi.RunFunc, opts ...Option) (*stackgraph.Graph, error) {
	s := settings{project: DefaultProject, stack: DefaultStack}
	for _, o := range opts {
		o(&s)
	}
	m := &Monitor{Preview: s.preview, Project: s.project, Stack: s.stack, Config: s.config}
	err := pulumi.RunErr(program, pulumi.WithMocks(s.project, s.stack, m), func(info *pulumi.RunInfo) {
		info.DryRun = s.preview
		if s.config != nil {
			info.Config = s.config
		}
	})
	return m.Graph(), err
}
