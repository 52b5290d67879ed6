package asyncroute

import (
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// awaited is the preview-time state of an input.
type awaited struct {
	set   bool   // a non-nil value was given
	known bool   // the value is known now (always true for literals)
	str   string // the value for string inputs
	b     bool   // the value for bool inputs
	// deps are the resources the value comes from (for outputs).
	deps []pulumi.Resource
}

func isNil(in any) bool {
	if in == nil {
		return true
	}
	v := reflect.ValueOf(in)
	switch v.Kind() {
	case reflect.Ptr, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func:
		return v.IsNil()
	}
	return false
}

// await resolves an input far enough to check it before anything is
// registered. Literals resolve at once; outputs of resources registered
// earlier resolve when the engine has answered for them, which it does at
// preview with every value that is not computed by the provider.
func await(ctx *pulumi.Context, in pulumi.Input) (awaited, error) {
	if isNil(in) {
		return awaited{known: true}, nil
	}
	res, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(in))
	if err != nil {
		return awaited{}, err
	}
	if !res.Known {
		return awaited{set: true, deps: res.Dependencies}, nil
	}
	a := awaited{set: true, known: true, deps: res.Dependencies}
	switch v := res.Value.(type) {
	case nil:
		a.set = false
	case string:
		a.str = v
	case *string:
		if v == nil {
			a.set = false
		} else {
			a.str = *v
		}
	case bool:
		a.b = v
	case *bool:
		if v == nil {
			a.set = false
		} else {
			a.b = *v
		}
	default:
		return awaited{}, fmt.Errorf("unexpected value of type %T", v)
	}
	return a, nil
}
