package mockmonitor

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// secretShown is how the plan shows a secret stack output.
const secretShown = "[secret]"

// stackOutputs awaits the values the program exported with ctx.Export
// and returns them as plain values. It runs at the end of the program,
// before the SDK registers the same values as the stack's outputs.
func stackOutputs(ctx *pulumi.Context) (map[string]any, error) {
	exports := ctx.GetCurrentExportMap()
	names := make([]string, 0, len(exports))
	for k := range exports {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string]any, len(exports))
	for _, k := range names {
		v, err := exported(ctx, exports[k])
		if err != nil {
			return nil, fmt.Errorf("stack output %q: %w", k, err)
		}
		if v != nil {
			out[k] = v
		}
	}
	return out, nil
}

// exported awaits one exported input: unknown gives stackgraph.Unknown,
// a secret "[secret]".
func exported(ctx *pulumi.Context, in pulumi.Input) (any, error) {
	if in == nil {
		return nil, nil
	}
	r, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(in))
	switch {
	case err != nil:
		return nil, err
	case !r.Known:
		return stackgraph.Unknown{}, nil
	case r.Secret:
		return secretShown, nil
	}
	return plainValue(ctx, r.Value)
}

// plainValue turns an awaited Go value into the plain values of package
// stackgraph: strings, float64 for every number, bools, []any,
// map[string]any (nil entries left out), a resource as its URN, an asset
// or archive as "asset:<path or URI>" or "archive:<path or URI>".
func plainValue(ctx *pulumi.Context, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case pulumi.Resource:
		return exported(ctx, x.URN())
	case pulumi.Asset:
		return "asset:" + x.Path() + x.URI(), nil
	case pulumi.Archive:
		return "archive:" + x.Path() + x.URI(), nil
	case pulumi.URN:
		return string(x), nil
	case pulumi.ID:
		return string(x), nil
	case pulumi.Output:
		return exported(ctx, x)
	case pulumi.Input:
		// An input that is not an output yet (pulumi.String, a map of
		// them): its value, through ToOutput.
		if reflect.TypeOf(x).Kind() != reflect.Struct {
			return exported(ctx, x)
		}
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return plainValue(ctx, rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil, nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			e, err := plainValue(ctx, rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map:
		if rv.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			e, err := plainValue(ctx, iter.Value().Interface())
			if err != nil {
				return nil, err
			}
			if e != nil {
				out[fmt.Sprint(iter.Key().Interface())] = e
			}
		}
		return out, nil
	case reflect.Struct:
		// An output type of a provider (a struct with pulumi tags): its
		// fields by their Pulumi names.
		out := map[string]any{}
		t := rv.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
			if name == "" {
				name = f.Name
			}
			e, err := plainValue(ctx, rv.Field(i).Interface())
			if err != nil {
				return nil, err
			}
			if e != nil {
				out[name] = e
			}
		}
		return out, nil
	}
	return fmt.Sprint(v), nil
}
