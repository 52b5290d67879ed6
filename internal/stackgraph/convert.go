package stackgraph

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// FromPropertyMap turns engine property values into plain Go values (see
// the package doc). Null entries are left out; nil gives nil.
func FromPropertyMap(pm resource.PropertyMap) map[string]any {
	if pm == nil {
		return nil
	}
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		if v.IsNull() {
			continue
		}
		out[string(k)] = FromPropertyValue(v)
	}
	return out
}

// FromPropertyValue turns one engine property value into a plain Go value:
// secrets are read through, computed values and unknown outputs become
// [Unknown], resource references their URN, assets and archives
// "asset:<path or URI>" and "archive:<path or URI>".
func FromPropertyValue(v resource.PropertyValue) any {
	switch {
	case v.IsComputed():
		return Unknown{}
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return Unknown{}
		}
		return FromPropertyValue(o.Element)
	case v.IsSecret():
		return FromPropertyValue(v.SecretValue().Element)
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
			out[i] = FromPropertyValue(e)
		}
		return out
	case v.IsObject():
		return FromPropertyMap(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset():
		a := v.AssetValue()
		return "asset:" + a.Path + a.URI
	case v.IsArchive():
		a := v.ArchiveValue()
		return "archive:" + a.Path + a.URI
	}
	return nil
}

// FromProperties reads the property.Map a policy pack receives, through
// [FromPropertyMap].
func FromProperties(m property.Map) map[string]any {
	return FromPropertyMap(resource.ToResourcePropertyMap(m))
}
