package fakeaws

import (
	"fmt"
	"strings"

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

// Plain turns property values into plain JSON values: secrets are unwrapped,
// unknowns become "<unknown>", archives and assets maps of their path,
// hash and URI, resource references their URN. Keys starting with "__"
// (the engine's bookkeeping) are dropped.
func Plain(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
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
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return Plain(v.ObjectValue())
	case v.IsSecret():
		return plainValue(v.SecretValue().Element)
	case v.IsComputed():
		return "<unknown>"
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return "<unknown>"
		}
		return plainValue(o.Element)
	case v.IsAsset():
		a := v.AssetValue()
		return map[string]any{"asset": map[string]any{"path": a.Path, "hash": a.Hash, "uri": a.URI}}
	case v.IsArchive():
		a := v.ArchiveValue()
		return map[string]any{"archive": map[string]any{"path": a.Path, "hash": a.Hash, "uri": a.URI}}
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return fmt.Sprint(v)
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
