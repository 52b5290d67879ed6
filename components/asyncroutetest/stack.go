package asyncroutetest

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/iampolicy"
	"github.com/asyncroute/asyncroute/components/mockmonitor"
	"github.com/asyncroute/asyncroute/components/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// Fixed identity the mocks report.
const (
	Account   = mockmonitor.Account
	Region    = mockmonitor.DefaultRegion // without an aws:region config
	Partition = "aws"
)

// Type tokens of the resources the components create and the tests look
// up.
const (
	TypeFunction           = "aws:lambda/function:Function"
	TypeAlias              = "aws:lambda/alias:Alias"
	TypeInvokeConfig       = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	TypeEventSourceMapping = "aws:lambda/eventSourceMapping:EventSourceMapping"
	TypePermission         = "aws:lambda/permission:Permission"
	TypeRole               = "aws:iam/role:Role"
	TypeRolePolicy         = "aws:iam/rolePolicy:RolePolicy"
	TypeQueue              = "aws:sqs/queue:Queue"
	TypeTopic              = "aws:sns/topic:Topic"
	TypeEventBus           = "aws:cloudwatch/eventBus:EventBus"
	TypeEventRule          = "aws:cloudwatch/eventRule:EventRule"
	TypeEventTarget        = "aws:cloudwatch/eventTarget:EventTarget"
	TypeBucketV2           = "aws:s3/bucketV2:BucketV2"
	TypeKey                = "aws:kms/key:Key"

	TypeFunctionComponent           = asyncroute.FunctionType
	TypeAsyncInvokeComponent        = asyncroute.AsyncInvokeType
	TypeEventSourceMappingComponent = asyncroute.EventSourceMappingType
)

// DefaultProject is the project name when neither [Project] nor a
// Pulumi.yaml in the current directory gives one.
const DefaultProject = "asyncroute"

type (
	// Resource is one registered resource, as the engine saw it.
	Resource = stackgraph.Resource
	// Unknown stands for a value that is not known until deploy (preview).
	Unknown = stackgraph.Unknown
	// Mocks is the recording mock monitor, for callers that drive it
	// themselves (a fake engine, say).
	Mocks = mockmonitor.Monitor
)

// Stack is what a program registered: the stack graph (Resources, Find,
// OfType, ByURN, Children, Dependencies, DependsOn, Lookup) plus finders
// that fail the test.
type Stack struct {
	*stackgraph.Graph
}

// Require returns the resource of type typ named name, or fails the test
// with what the stack holds.
func (s *Stack) Require(t testing.TB, typ, name string) *Resource {
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

// Option changes how [Run] runs a program.
type Option func(*settings)

type settings struct {
	preview        bool
	project, stack string
	config         map[string]string
}

// Preview runs the program as `pulumi preview` would on a new stack: ARNs,
// URLs and ids that AWS assigns are [Unknown], and so is everything made
// from them.
func Preview() Option { return func(s *settings) { s.preview = true } }

// Project sets the project name (default: the name in ./Pulumi.yaml, or
// [DefaultProject]).
func Project(name string) Option { return func(s *settings) { s.project = name } }

// StackName sets the stack name (default "test").
func StackName(name string) Option { return func(s *settings) { s.stack = name } }

// Config sets stack configuration, keyed "project:key" as Pulumi does;
// "aws:region" is the default provider's region.
func Config(cfg map[string]string) Option { return func(s *settings) { s.config = cfg } }

// Run runs program under the recording mocks and returns what it
// registered, also when the program failed (to assert that nothing was).
func Run(program pulumi.RunFunc, opts ...Option) (*Stack, error) {
	s := settings{stack: "test"}
	for _, o := range opts {
		o(&s)
	}
	if s.project == "" {
		name, err := projectName("Pulumi.yaml")
		if err != nil {
			return &Stack{Graph: stackgraph.New(nil)}, err
		}
		s.project = name
	}
	mo := []mockmonitor.Option{mockmonitor.Project(s.project), mockmonitor.Stack(s.stack)}
	if s.preview {
		mo = append(mo, mockmonitor.Preview())
	}
	if s.config != nil {
		mo = append(mo, mockmonitor.Config(s.config))
	}
	g, err := mockmonitor.Run(program, mo...)
	return &Stack{Graph: g}, err
}

// projectName reads the project name from a Pulumi.yaml; [DefaultProject]
// when there is none.
func projectName(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return DefaultProject, nil
	} else if err != nil {
		return "", fmt.Errorf("asyncroutetest: reading the project name: %w", err)
	}
	var proj struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(raw, &proj); err != nil {
		return "", fmt.Errorf("asyncroutetest: %s: %w", path, err)
	}
	if strings.TrimSpace(proj.Name) == "" {
		return "", fmt.Errorf("asyncroutetest: %s has no name; set one or pass asyncroutetest.Project", path)
	}
	return proj.Name, nil
}

// DecodePolicy parses an IAM policy document recorded as an input or
// output. A value that is not a string is an error: an [Unknown] one (at
// preview, a document that embeds values AWS assigns) says it is unknown
// until deploy.
func DecodePolicy(doc any) (iampolicy.Document, error) { return stackgraph.DecodePolicy(doc) }
