package stackgraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// Unknown stands for a value that is not known until deploy: an output of
// a resource not created yet, at preview.
type Unknown struct{}

// String renders the marker as plans show it.
func (Unknown) String() string { return "<unknown until deploy>" }

// IsUnknown reports whether v is the [Unknown] marker.
func IsUnknown(v any) bool {
	switch v.(type) {
	case Unknown, *Unknown:
		return true
	}
	return false
}

// Resource is one resource of a stack, as the engine saw it.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string // parent URN; "" for children of the stack
	Custom bool   // false for component resources
	// Provider is the provider reference ("<provider URN>::<provider id>")
	// the resource was registered with; "" for the default provider.
	Provider string
	ID       string
	// Inputs and Outputs are plain Go values (see the package doc). Either
	// may be nil: a policy pack sees outputs only, a hand-written graph may
	// have inputs only.
	Inputs  map[string]any
	Outputs map[string]any
	// Dependencies are the URNs the resource depends on (explicitly and
	// through its inputs); PropertyDependencies lists them per top-level
	// input.
	Dependencies         []string
	PropertyDependencies map[string][]string
	Protect              bool
	// Aliases is the number of aliases the resource was registered with.
	Aliases int
	// Seq is the order of registration, from 0; 0 for resources read from
	// a file.
	Seq int
}

// Key renders the resource as "type/name", the form [Graph.Dependencies]
// uses.
func (r *Resource) Key() string { return r.Type + "/" + r.Name }

// NameFromURN returns the resource name of a URN: what follows its last
// "::".
func NameFromURN(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// TypeFromURN returns the resource type of a URN: the last type of its
// qualified type ("parent$child" gives "child"); "" when urn is not a URN.
func TypeFromURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	qt := parts[len(parts)-2]
	if i := strings.LastIndex(qt, "$"); i >= 0 {
		qt = qt[i+1:]
	}
	return qt
}

// DecodePolicy reads an IAM policy document held as a plain value (the
// policy input of a role policy, a role's assumeRolePolicy): a JSON
// string, or the document as an object (map[string]any, as a state file
// or a YAML program may hold it). Any other value is an error; an
// [Unknown] one (a document that embeds values AWS assigns, at preview)
// says it is unknown until deploy.
func DecodePolicy(doc any) (iampolicy.Document, error) {
	switch v := doc.(type) {
	case string:
		return iampolicy.Parse(v)
	case map[string]any:
		b, err := json.Marshal(v)
		if err != nil {
			return iampolicy.Document{}, fmt.Errorf("policy: %w", err)
		}
		return iampolicy.Parse(string(b))
	case nil:
		return iampolicy.Document{}, errors.New("policy is not set")
	}
	if IsUnknown(doc) {
		return iampolicy.Document{}, errors.New("policy is unknown until deploy (it embeds values AWS assigns when it creates resources)")
	}
	return iampolicy.Document{}, fmt.Errorf("policy is %v (%T), not a JSON string", doc, doc)
}
