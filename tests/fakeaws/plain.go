package fakeaws

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/asyncroute/asyncroute/internal/stackgraph"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"google.golang.org/protobuf/types/known/structpb"
)

// This file converts between the engine's property values and the plain
// JSON values the provider stores, checks and logs.

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, SkipNulls: false}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

// Plain turns property values into plain JSON values with the library's one
// converter (stackgraph.FromPropertyMap: secrets unwrapped, resource
// references as their URN, assets and archives as "asset:<path>" and
// "archive:<path>", null entries left out); unknowns become the string
// "<unknown>", so that the state and the op log stay JSON. Keys starting
// with "__" (the engine's bookkeeping) are dropped.
func Plain(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range stackgraph.FromPropertyMap(m) {
		if !strings.HasPrefix(k, "__") {
			out[k] = unknownAsText(v)
		}
	}
	return out
}

func unknownAsText(v any) any {
	switch x := v.(type) {
	case stackgraph.Unknown:
		return "<unknown>"
	case []any:
		for i, e := range x {
			x[i] = unknownAsText(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = unknownAsText(e)
		}
	}
	return v
}

// withOutputs returns the engine's state of a resource: its inputs
// overlaid with the plain outputs the provider computed.
func withOutputs(inputs resource.PropertyMap, outs map[string]any) resource.PropertyMap {
	state := inputs.Copy()
	for k, v := range outs {
		state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return state
}

// jsonEqual compares two plain values as JSON.
func jsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}
