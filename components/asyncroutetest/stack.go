package asyncroutetest

import (
	"errors"
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"os"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
	TypeFunction           = awstypes.TokenFunction
	TypeAlias              = awstypes.TokenAlias
	TypeInvokeConfig       = awstypes.TokenInvokeConfig
	TypeEventSourceMapping = awstypes.TokenEventSourceMapping
	TypePermission         = awstypes.TokenPermission
	TypeRole               = awstypes.TokenRole
	TypeRolePolicy         = awstypes.TokenRolePolicy
	TypeQueue              = awstypes.TokenQueue
	TypeTopic              = awstypes.TokenTopic
	TypeEventBus           = awstypes.TokenEventBus
	TypeEventRule          = awstypes.TokenEventRule
	TypeEventTarget        = awstypes.TokenEventTarget
	TypeBucketV2           = awstypes.TokenBucketV2
	TypeKey                = awstypes.TokenKey

	TypeFunctionComponent           = asyncroute.FunctionType
	TypeAsyncInvokeComponent        = asyncroute.AsyncInvokeType
	TypeEventSourceMappingComponent = asyncroute.EventSourceMappingType
)

// DefaultProject is the project name when neither [Project] nor a
// Pulumi.yaml in the current directory gives one (the library's one
// default project name).
const DefaultProject = mockmonitor.DefaultProject

type (
	// Resource is one registered resource, as the engine saw it.
	Resource = stackgraph.Resource
	// Unknown stands for a value that is not known until deploy (preview).
	Unknown = stackgraph.Unknown
	// Mocks is the recording mock monitor, for callers that drive it
	// themselves (a fake engine, say).
	Mocks = mockmonitor.Monitor
)

// Stack is what a program registered and exported: the stack graph
// (Resources, Find, OfType, ByURN, Children, Dependencies, DependsOn,
// Lookup), the stack's Outputs, and Require, which fails the test when a
// resource is missing. It is the library's one stack type: package plan's
// Stack is the same type.
type Stack = mockmonitor.Stack

// Option changes how [Run] runs a program: the options of package
// mockmonitor, which [Run] passes on after its own defaults (so an option
// given later wins).
type Option = mockmonitor.Option

// Preview runs the program as `pulumi preview` would on a new stack: ARNs,
// URLs and ids that AWS assigns are [Unknown], and so is everything made
// from them.
func Preview() Option { return mockmonitor.Preview() }

// Project sets the project name (default: the name in ./Pulumi.yaml, or
// [DefaultProject]).
func Project(name string) Option {
	if name == "" {
		return projectFromFile
	}
	return mockmonitor.Project(name)
}

// StackName sets the stack name (default "test").
func StackName(name string) Option { return mockmonitor.StackName(name) }

// Config sets stack configuration, keyed "project:key" as Pulumi does;
// "aws:region" is the default provider's region.
func Config(cfg map[string]string) Option { return mockmonitor.Config(cfg) }

// Run runs program under the recording mocks and returns what it
// registered, also when the program failed (to assert that nothing was).
func Run(program pulumi.RunFunc, opts ...Option) (*Stack, error) {
	defaults := []Option{projectFromFile, mockmonitor.StackName("test")}
	return mockmonitor.Run(program, append(defaults, opts...)...)
}

// projectFromFile is the default project: the name in ./Pulumi.yaml, read
// when Run starts unless an option given later sets one.
var projectFromFile = mockmonitor.ProjectFrom(func() (string, error) { return projectName("Pulumi.yaml") })

// projectName reads the project name from a Pulumi.yaml; [DefaultProject]
// when there is none.
func projectName(path string) (string, error) {
	name, err := mockmonitor.ProjectName(path)
	var readErr *os.PathError
	switch {
	case errors.Is(err, os.ErrNotExist):
		return DefaultProject, nil
	case errors.As(err, &readErr):
		return "", fmt.Errorf("asyncroutetest: reading the project name: %w", err)
	case err != nil:
		return "", fmt.Errorf("asyncroutetest: %w", err)
	case strings.TrimSpace(name) == "":
		return "", fmt.Errorf("asyncroutetest: %s has no name; set one or pass asyncroutetest.Project", path)
	}
	return name, nil
}

type (
	// PolicyDocument is an IAM policy document as [DecodePolicy] reads it:
	// Version and Statements.
	PolicyDocument = iampolicy.Document
	// Statement is one statement of a [PolicyDocument]: Sid, Effect,
	// Principal (trust policies), Action, NotAction, Resource and
	// NotResource (each a []string whether the JSON held one string or a
	// list) and HasCondition.
	Statement = iampolicy.Statement
)

// DecodePolicy parses an IAM policy document recorded as an input or
// output: a JSON string, or the document as an object. Any other value is
// an error: an [Unknown] one (at preview, a document that embeds values
// AWS assigns) says it is unknown until deploy.
func DecodePolicy(doc any) (PolicyDocument, error) { return stackgraph.DecodePolicy(doc) }
