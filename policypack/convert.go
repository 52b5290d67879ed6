package main

import (
	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// GraphOf converts the resources the engine passes to a stack policy. The
// engine passes each resource's outputs (its final state; at preview the
// planned state with unknowns), so they become the graph's Outputs.
func GraphOf(resources []policyx.AnalyzerResource) asyncpolicy.Graph {
	g := asyncpolicy.Graph{Resources: make([]asyncpolicy.Resource, 0, len(resources))}
	for _, r := range resources {
		g.Resources = append(g.Resources, asyncpolicy.Resource{
			URN:                  r.URN,
			Type:                 r.Type,
			Name:                 r.Name,
			Parent:               r.Parent,
			Outputs:              plainMap(r.Properties),
			Dependencies:         r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
		})
	}
	return g
}

func plainMap(m property.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		out[k] = plain(v)
	}
	return out
}

// plain turns a property value into the graph's plain Go values; secrets
// are read through, computed values become asyncpolicy.Unknown.
func plain(v property.Value) any {
	switch {
	case v.IsComputed():
		return asyncpolicy.Unknown{}
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		arr := v.AsArray()
		out := make([]any, 0, arr.Len())
		for _, e := range arr.All {
			out = append(out, plain(e))
		}
		return out
	case v.IsMap():
		return plainMap(v.AsMap())
	case v.IsResourceReference():
		ref := v.AsResourceReference()
		if id, ok := ref.IDString(); ok && id != "" {
			return id
		}
		if ref.ID.IsComputed() {
			return asyncpolicy.Unknown{}
		}
		return string(ref.URN)
	case v.IsAsset():
		return "asset"
	case v.IsArchive():
		return "archive"
	}
	return nil
}
