// Package stackfile reads the JSON files the Pulumi CLI writes about a
// stack into an asyncpolicy.Graph:
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
//
// Values the engine could not know are written as sentinel strings
// ("04da6b54-80e4-46f7-96ec-b56ff0331ba9" and its typed siblings); they
// become asyncpolicy.Unknown, as do secrets (shown as "[secret]" in a
// preview, or as ciphertext in an export made without --show-secrets).
package stackfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

// Format names what a file turned out to be.
type Format string

// The formats Decode reads.
const (
	StackExport Format = "stack export"
	Preview     Format = "preview"
)

// Decode detects the format of data and converts it.
func Decode(data []byte) (asyncpolicy.Graph, Format, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return asyncpolicy.Graph{}, "", errors.New("the file is empty; expected the output of `pulumi stack export` or `pulumi preview --json`")
	}
	if trimmed[0] != '{' {
		return asyncpolicy.Graph{}, "", errors.New("the file is not a JSON object; expected the output of `pulumi stack export` or `pulumi preview --json`")
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&top); err != nil {
		return asyncpolicy.Graph{}, "", fmt.Errorf("the file is not valid JSON: %w", err)
	}
	if dec.More() {
		return asyncpolicy.Graph{}, "", errors.New("the file holds more than one JSON value (streamed engine events?); run `pulumi preview --json` without ENABLE_STREAMING_JSON_PREVIEW, or `pulumi stack export`")
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
			return asyncpolicy.Graph{}, "", fmt.Errorf("checkpoint: %w", err)
		}
		if len(cp.Latest) == 0 || string(cp.Latest) == "null" {
			return asyncpolicy.Graph{}, StackExport, nil
		}
		g, err := decodeDeployment(cp.Latest, "checkpoint.latest")
		return g, StackExport, err
	case has(top, "steps") || has(top, "changeSummary"):
		g, err := decodePreview(top)
		return g, Preview, err
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	return asyncpolicy.Graph{}, "", fmt.Errorf("the JSON object has neither \"deployment\" (pulumi stack export) nor \"steps\" (pulumi preview --json); its keys are %s", strings.Join(sorted(keys), ", "))
}

func has(m map[string]json.RawMessage, k string) bool {
	_, ok := m[k]
	return ok
}

// resource is the part of an apitype.ResourceV3 the rules read.
type resource struct {
	URN                  string              `json:"urn"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	Parent               string              `json:"parent"`
	Dependencies         []string            `json:"dependencies"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
	Delete               bool                `json:"delete"`
}

func decodeResource(raw json.RawMessage, where string) (resource, error) {
	var r resource
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

func (r resource) toGraph() asyncpolicy.Resource {
	return asyncpolicy.Resource{
		URN:                  r.URN,
		Type:                 r.Type,
		Name:                 urnName(r.URN),
		Parent:               r.Parent,
		Inputs:               convertMap(r.Inputs),
		Outputs:              convertMap(r.Outputs),
		Dependencies:         r.Dependencies,
		PropertyDependencies: r.PropertyDependencies,
	}
}

func decodeDeployment(raw json.RawMessage, where string) (asyncpolicy.Graph, error) {
	var d struct {
		Resources json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return asyncpolicy.Graph{}, fmt.Errorf("%s: expected an object with \"resources\": %w", where, err)
	}
	var g asyncpolicy.Graph
	if len(d.Resources) == 0 || string(d.Resources) == "null" {
		return g, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(d.Resources, &list); err != nil {
		return g, fmt.Errorf("%s.resources: expected a list of resources: %w", where, err)
	}
	for i, item := range list {
		r, err := decodeResource(item, fmt.Sprintf("%s.resources[%d]", where, i))
		if err != nil {
			return asyncpolicy.Graph{}, err
		}
		if r.Delete {
			continue // pending deletion: not part of the stack any more
		}
		g.Resources = append(g.Resources, r.toGraph())
	}
	return g, nil
}

// removed lists the preview operations after which a resource is gone.
var removed = map[string]bool{
	"delete": true, "delete-replaced": true, "discard": true, "discard-replaced": true,
	"remove-pending-replace": true, "read-discard": true,
}

func decodePreview(top map[string]json.RawMessage) (asyncpolicy.Graph, error) {
	var g asyncpolicy.Graph
	raw, ok := top["steps"]
	if !ok || string(raw) == "null" {
		return g, nil
	}
	var steps []json.RawMessage
	if err := json.Unmarshal(raw, &steps); err != nil {
		return g, fmt.Errorf("steps: expected a list of steps: %w", err)
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
			return asyncpolicy.Graph{}, fmt.Errorf("%s: %w", where, err)
		}
		if step.Op == "" {
			return asyncpolicy.Graph{}, fmt.Errorf("%s: the step has no \"op\"", where)
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
			return asyncpolicy.Graph{}, err
		}
		if step.URN != "" && step.URN != r.URN {
			return asyncpolicy.Graph{}, fmt.Errorf("%s: step urn %q and %s urn %q differ", where, step.URN, field, r.URN)
		}
		res := r.toGraph()
		if idx, ok := at[r.URN]; ok {
			g.Resources[idx] = res // a later step of the same resource (replace) wins
			continue
		}
		at[r.URN] = len(g.Resources)
		g.Resources = append(g.Resources, res)
	}
	return g, nil
}

func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

func convertMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = convert(v)
	}
	return out
}

// secretShown is what a preview shows instead of a secret's value.
const secretShown = "[secret]"

// convert turns serialized property values into the graph's plain values.
func convert(v any) any {
	switch x := v.(type) {
	case string:
		if sig.IsUnknown(x) || x == secretShown {
			return asyncpolicy.Unknown{}
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = convert(e)
		}
		return out
	case map[string]any:
		kind, ok := x[sig.Key].(string)
		if !ok {
			return convertMap(x)
		}
		switch kind {
		case sig.Secret:
			if p, ok := x["plaintext"].(string); ok {
				var inner any
				if err := json.Unmarshal([]byte(p), &inner); err == nil {
					return convert(inner)
				}
			}
			return asyncpolicy.Unknown{} // encrypted: not readable here
		case sig.ResourceReference:
			if id, ok := x["id"].(string); ok && id != "" && !sig.IsUnknown(id) {
				return id
			}
			urn, _ := x["urn"].(string)
			return urn
		case sig.OutputValue:
			if inner, ok := x["value"]; ok {
				return convert(inner)
			}
			return asyncpolicy.Unknown{}
		case sig.AssetSig:
			return "asset"
		case sig.ArchiveSig:
			return "archive"
		}
		return asyncpolicy.Unknown{}
	}
	return v
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}
