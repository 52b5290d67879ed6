// Package stackfile reads the JSON files the Pulumi CLI writes about a
// stack into a stackgraph.Graph:
//
//   - `pulumi stack export`: {"version": 3, "deployment": {"manifest": ...,
//     "resources": [{"urn", "type", "inputs", "outputs", "parent",
//     "dependencies", "propertyDependencies", ...}]}} (apitype.
//     UntypedDeployment holding an apitype.DeploymentV3). A DIY backend's
//     checkpoint file ({"checkpoint": {"latest": <deployment>}}) is read
//     the same way.
//   - `pulumi preview --json`: the preview digest {"config", "steps":
//     [{"op", "urn", "oldState", "newState"}], "diagnostics",
//     "changeSummary"}, where each state is an apitype.ResourceV3.
//   - `go run . plan -json`, the offline plan of package plan: {"project",
//     "stack", "resources": [{"urn", "type", "name", "parent", "component",
//     "id", "inputs", "outputs", "dependencies", "propertyDependencies"}],
//     "creationOrder", ...}. Its values are plain values already (the plan
//     is written from a stackgraph.Graph); the string
//     "<unknown until deploy>", which the plan writes for
//     stackgraph.Unknown, is read back as stackgraph.Unknown.
//
// The serialized property values are read back into engine values
// (resource.PropertyValue) and converted by stackgraph's one converter, so
// a file gives the same plain values as the mock monitor and the policy
// pack: values the engine could not know, written as sentinel strings
// ("04da6b54-80e4-46f7-96ec-b56ff0331ba9" and its typed siblings), become
// stackgraph.Unknown, as do secrets that cannot be read (shown as
// "[secret]" in a preview, or as ciphertext in an export made without
// --show-secrets); readable secrets are read through; a resource
// reference becomes the URN it refers to.
package stackfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

// Format names what a file turned out to be.
type Format string

// The formats Decode reads.
const (
	StackExport Format = "stack export"
	Preview     Format = "preview"
	Plan        Format = "plan"
)

// expected names the formats in messages.
const expected = "expected the output of `pulumi stack export`, `pulumi preview --json` or `go run . plan -json`"

// Decode detects the format of data and converts it. A file beyond the
// limits (MaxFileSize, MaxDepth, MaxValues) is an error.
func Decode(data []byte) (*stackgraph.Graph, Format, error) {
	if err := checkLimits(data); err != nil {
		return nil, "", err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, "", errors.New("the file is empty; " + expected)
	}
	if trimmed[0] != '{' {
		return nil, "", errors.New("the file is not a JSON object; " + expected)
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&top); err != nil {
		return nil, "", fmt.Errorf("the file is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, "", errors.New("the file holds more than one JSON value (streamed engine events?); run `pulumi preview --json` without ENABLE_STREAMING_JSON_PREVIEW, or `pulumi stack export`")
	}
	switch {
	case has(top, "deployment"):
		g, err := decodeDeployment(top["deployment"], "deployment")
		return g, StackExport, err
	case has(top, "checkpoint"):
		var cp struct {
			Latest json.RawMessage `json:"latest"`
		}
		if err := json.Unmarshal(top["checkpoint"], &cp); err != nil {
			return nil, "", fmt.Errorf("checkpoint: %w", err)
		}
		if len(cp.Latest) == 0 || string(cp.Latest) == "null" {
			return stackgraph.New(nil), StackExport, nil
		}
		g, err := decodeDeployment(cp.Latest, "checkpoint.latest")
		return g, StackExport, err
	case has(top, "steps") || has(top, "changeSummary"):
		g, err := decodePreview(top)
		return g, Preview, err
	case has(top, "resources") && has(top, "creationOrder"):
		g, err := decodePlan(top["resources"])
		return g, Plan, err
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	return nil, "", fmt.Errorf("the JSON object has neither \"deployment\" (pulumi stack export), \"steps\" (pulumi preview --json) nor \"resources\" and \"creationOrder\" (go run . plan -json); its keys are %s", strings.Join(sorted(keys), ", "))
}

func has(m map[string]json.RawMessage, k string) bool {
	_, ok := m[k]
	return ok
}

// state is the part of an apitype.ResourceV3 the graph holds.
type state struct {
	URN                  string              `json:"urn"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	Parent               string              `json:"parent"`
	Dependencies         []string            `json:"dependencies"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
	Delete               bool                `json:"delete"`
	Custom               bool                `json:"custom"`
	Provider             string              `json:"provider"`
	ID                   string              `json:"id"`
	Protect              bool                `json:"protect"`
}

func decodeResource(raw json.RawMessage, where string) (state, error) {
	var r state
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("%s: %w", where, err)
	}
	if r.URN == "" {
		return r, fmt.Errorf("%s: the resource has no \"urn\"", where)
	}
	if r.Type == "" {
		return r, fmt.Errorf("%s (%s): the resource has no \"type\"", where, r.URN)
	}
	return r, nil
}

func (r state) toGraph() *stackgraph.Resource {
	return &stackgraph.Resource{
		URN:                  r.URN,
		Type:                 r.Type,
		Name:                 stackgraph.NameFromURN(r.URN),
		Parent:               r.Parent,
		Custom:               r.Custom,
		Provider:             r.Provider,
		ID:                   r.ID,
		Inputs:               convertMap(r.Inputs),
		Outputs:              convertMap(r.Outputs),
		Dependencies:         r.Dependencies,
		PropertyDependencies: r.PropertyDependencies,
		Protect:              r.Protect,
	}
}

func decodeDeployment(raw json.RawMessage, where string) (*stackgraph.Graph, error) {
	var d struct {
		Resources json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: expected an object with \"resources\": %w", where, err)
	}
	g := stackgraph.New(nil)
	if len(d.Resources) == 0 || string(d.Resources) == "null" {
		return g, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(d.Resources, &list); err != nil {
		return nil, fmt.Errorf("%s.resources: expected a list of resources: %w", where, err)
	}
	for i, item := range list {
		r, err := decodeResource(item, fmt.Sprintf("%s.resources[%d]", where, i))
		if err != nil {
			return nil, err
		}
		if r.Delete {
			continue // pending deletion: not part of the stack any more
		}
		g.Add(r.toGraph())
	}
	return g, nil
}

// removed lists the preview operations after which a resource is gone.
var removed = map[string]bool{
	"delete": true, "delete-replaced": true, "discard": true, "discard-replaced": true,
	"remove-pending-replace": true, "read-discard": true,
}

func decodePreview(top map[string]json.RawMessage) (*stackgraph.Graph, error) {
	var rs []*stackgraph.Resource
	raw, ok := top["steps"]
	if !ok || string(raw) == "null" {
		return stackgraph.New(nil), nil
	}
	var steps []json.RawMessage
	if err := json.Unmarshal(raw, &steps); err != nil {
		return nil, fmt.Errorf("steps: expected a list of steps: %w", err)
	}
	at := map[string]int{}
	for i, s := range steps {
		where := fmt.Sprintf("steps[%d]", i)
		var step struct {
			Op       string          `json:"op"`
			URN      string          `json:"urn"`
			OldState json.RawMessage `json:"oldState"`
			NewState json.RawMessage `json:"newState"`
		}
		if err := json.Unmarshal(s, &step); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if step.Op == "" {
			return nil, fmt.Errorf("%s: the step has no \"op\"", where)
		}
		if removed[step.Op] {
			continue // the resource leaves the stack (or its replacement stays)
		}
		state, field := step.NewState, "newState"
		if len(state) == 0 || string(state) == "null" {
			state, field = step.OldState, "oldState"
		}
		if len(state) == 0 || string(state) == "null" {
			continue // a step without state says nothing about properties
		}
		r, err := decodeResource(state, where+"."+field)
		if err != nil {
			return nil, err
		}
		if step.URN != "" && step.URN != r.URN {
			return nil, fmt.Errorf("%s: step urn %q and %s urn %q differ", where, step.URN, field, r.URN)
		}
		res := r.toGraph()
		if idx, ok := at[r.URN]; ok {
			rs[idx] = res // a later step of the same resource (replace) wins
			continue
		}
		at[r.URN] = len(rs)
		rs = append(rs, res)
	}
	return stackgraph.New(rs), nil
}

// planResource is a resource of the offline plan's JSON (plan.JSONResource;
// this package does not import the planner).
type planResource struct {
	URN                  string              `json:"urn"`
	Type                 string              `json:"type"`
	Parent               string              `json:"parent"`
	Component            bool                `json:"component"`
	ID                   string              `json:"id"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	Dependencies         []string            `json:"dependencies"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

// unknownShown is how the plan writes stackgraph.Unknown.
var unknownShown = stackgraph.Unknown{}.String()

func decodePlan(raw json.RawMessage) (*stackgraph.Graph, error) {
	g := stackgraph.New(nil)
	if string(raw) == "null" {
		return g, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("resources: expected a list of resources: %w", err)
	}
	for i, item := range list {
		where := fmt.Sprintf("resources[%d]", i)
		var r planResource
		if err := json.Unmarshal(item, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if r.URN == "" {
			return nil, fmt.Errorf("%s: the resource has no \"urn\"", where)
		}
		if r.Type == "" {
			return nil, fmt.Errorf("%s (%s): the resource has no \"type\"", where, r.URN)
		}
		var deps []string
		if len(r.Dependencies) > 0 {
			deps = r.Dependencies
		}
		g.Add(&stackgraph.Resource{
			URN:                  r.URN,
			Type:                 r.Type,
			Name:                 stackgraph.NameFromURN(r.URN),
			Parent:               r.Parent,
			Custom:               !r.Component,
			ID:                   r.ID,
			Inputs:               plainMap(r.Inputs),
			Outputs:              plainMap(r.Outputs),
			Dependencies:         deps,
			PropertyDependencies: r.PropertyDependencies,
		})
	}
	return g, nil
}

// plainMap reads a map of the plan's JSON: nulls left out, as in every
// graph, and the unknown marker read back.
func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = plainValue(v)
		}
	}
	return out
}

func plainValue(v any) any {
	switch x := v.(type) {
	case string:
		if x == unknownShown {
			return stackgraph.Unknown{}
		}
	case map[string]any:
		return plainMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	}
	return v
}

// convertMap converts a serialized property map into plain values.
func convertMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return stackgraph.FromPropertyMap(propertyMap(m))
}

func propertyMap(m map[string]any) resource.PropertyMap {
	pm := make(resource.PropertyMap, len(m))
	for k, v := range m {
		pm[resource.PropertyKey(k)] = property(v)
	}
	return pm
}

// secretShown is what a preview shows instead of a secret's value.
const secretShown = "[secret]"

// computed is a value the engine could not know.
var computed = resource.MakeComputed(resource.NewProperty(""))

// property reads a serialized property value (as `pulumi stack export` and
// `pulumi preview --json` write them) back into an engine value.
func property(v any) resource.PropertyValue {
	switch x := v.(type) {
	case nil:
		return resource.NewNullProperty()
	case bool:
		return resource.NewProperty(x)
	case float64:
		return resource.NewProperty(x)
	case string:
		if sig.IsUnknown(x) || x == secretShown {
			return computed
		}
		return resource.NewProperty(x)
	case []any:
		arr := make([]resource.PropertyValue, len(x))
		for i, e := range x {
			arr[i] = property(e)
		}
		return resource.NewProperty(arr)
	case map[string]any:
		kind, ok := x[sig.Key].(string)
		if !ok {
			return resource.NewProperty(propertyMap(x))
		}
		return signed(kind, x)
	}
	return computed
}

// signed reads an object marked with a signature key: a secret, a
// resource reference, an output value, an asset or an archive.
func signed(kind string, x map[string]any) resource.PropertyValue {
	text := func(k string) string { s, _ := x[k].(string); return s }
	switch kind {
	case sig.Secret:
		if p, ok := x["plaintext"].(string); ok {
			var inner any
			if err := json.Unmarshal([]byte(p), &inner); err == nil {
				return resource.MakeSecret(property(inner))
			}
		}
		return computed // encrypted: not readable here
	case sig.ResourceReference:
		urn := resource.URN(text("urn"))
		if _, custom := x["id"]; custom {
			return resource.MakeCustomResourceReference(urn, resource.ID(text("id")), text("packageVersion"))
		}
		return resource.MakeComponentResourceReference(urn, text("packageVersion"))
	case sig.OutputValue:
		inner, known := x["value"]
		secret, _ := x["secret"].(bool)
		out := resource.Output{Known: known, Secret: secret}
		if known {
			out.Element = property(inner)
		}
		return resource.NewProperty(out)
	case sig.AssetSig:
		return resource.NewProperty(&asset.Asset{Sig: asset.AssetSig, Hash: text("hash"), Text: text("text"), Path: text("path"), URI: text("uri")})
	case sig.ArchiveSig:
		a := &archive.Archive{Sig: archive.ArchiveSig, Hash: text("hash"), Path: text("path"), URI: text("uri")}
		if assets, ok := x["assets"].(map[string]any); ok {
			a.Assets = assets
		}
		return resource.NewProperty(a)
	}
	return computed
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}
