package asyncroutetest

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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

// Project sets the project name (default "asyncroute").
func Project(name string) Option { return func(s *settings) { s.project = name } }

// StackName sets the stack name (default "test").
func StackName(name string) Option { return func(s *settings) { s.stack = name } }

// Config sets stack configuration, keyed "project:key" as Pulumi does.
func Config(cfg map[string]string) Option { return func(s *settings) { s.config = cfg } }

// Stack is what a program registered.
type Stack struct {
	// Resources in registration order.
	Resources []*Resource
	byURN     map[string]*Resource
}

// Run runs program under the recording mocks and returns what it
// registered, also when the program failed (to assert that nothing was).
func Run(program pulumi.RunFunc, opts ...Option) (*Stack, error) {
	s := settings{project: "asyncroute", stack: "test"}
	for _, o := range opts {
		o(&s)
	}
	m := &Mocks{Preview: s.preview, Project: s.project, Stack: s.stack}
	err := pulumi.RunErr(program, pulumi.WithMocks(s.project, s.stack, m), func(info *pulumi.RunInfo) {
		info.DryRun = s.preview
		if s.config != nil {
			info.Config = s.config
		}
	})
	return newStack(m.Resources()), err
}

func newStack(rs []*Resource) *Stack {
	st := &Stack{Resources: rs, byURN: map[string]*Resource{}}
	for _, r := range rs {
		st.byURN[r.URN] = r
	}
	return st
}

// Find returns the resource of type typ named name, or nil.
func (s *Stack) Find(typ, name string) *Resource {
	for _, r := range s.Resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// OfType returns the resources of type typ in registration order.
func (s *Stack) OfType(typ string) []*Resource {
	var out []*Resource
	for _, r := range s.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// ByURN returns the resource with that URN, or nil.
func (s *Stack) ByURN(urn string) *Resource { return s.byURN[urn] }

// Dependencies returns the "type/name" of every resource r depends on,
// sorted; URNs of resources outside the stack are returned as they are.
func (s *Stack) Dependencies(r *Resource) []string {
	var out []string
	for _, u := range r.Dependencies {
		if d := s.byURN[u]; d != nil {
			out = append(out, d.Type+"/"+d.Name)
		} else {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

// DependsOn reports whether r depends on other, directly or through other
// dependencies.
func (s *Stack) DependsOn(r, other *Resource) bool {
	seen := map[string]bool{}
	var walk func(*Resource) bool
	walk = func(x *Resource) bool {
		for _, u := range x.Dependencies {
			if u == other.URN {
				return true
			}
			if !seen[u] {
				seen[u] = true
				if d := s.byURN[u]; d != nil && walk(d) {
					return true
				}
			}
		}
		return false
	}
	return walk(r)
}

// Children returns the resources whose parent is r.
func (s *Stack) Children(r *Resource) []*Resource {
	var out []*Resource
	for _, x := range s.Resources {
		if x.Parent == r.URN {
			out = append(out, x)
		}
	}
	return out
}

// Policy is a decoded IAM policy document. Action, NotAction and Resource
// are always lists, whether the JSON held a string or a list.
type Policy struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a [Policy].
type PolicyStatement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    string     `json:"Effect"`
	Principal any        `json:"Principal,omitempty"`
	Action    StringList `json:"Action,omitempty"`
	NotAction StringList `json:"NotAction,omitempty"`
	Resource  StringList `json:"Resource,omitempty"`
}

// StringList decodes a JSON string or list of strings.
type StringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or a list of strings: %w", err)
	}
	*l = many
	return nil
}

// DecodePolicy parses an IAM policy document. A value that is not a string
// (unknown at preview, say) is an error.
func DecodePolicy(doc any) (Policy, error) {
	s, ok := doc.(string)
	if !ok {
		return Policy{}, fmt.Errorf("policy is %v (%T), not a JSON string", doc, doc)
	}
	var p Policy
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return Policy{}, fmt.Errorf("policy is not valid JSON: %w", err)
	}
	return p, nil
}

// plainMap turns engine property values into plain Go values.
func plainMap(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		if v.IsNull() {
			continue
		}
		out[string(k)] = plain(v)
	}
	return out
}

func plain(v resource.PropertyValue) any {
	switch {
	case v.IsComputed():
		return Unknown{}
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return Unknown{}
		}
		return plain(o.Element)
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset():
		a := v.AssetValue()
		return "asset:" + a.Path + a.URI
	case v.IsArchive():
		a := v.ArchiveValue()
		return "archive:" + a.Path + a.URI
	}
	return v.String()
}
