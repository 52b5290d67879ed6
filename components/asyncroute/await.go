package asyncroute

import (
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// awaited is the state of an input while the program runs.
type awaited struct {
	set   bool     // a non-nil value was given
	known bool     // the value is known now (always true for literals)
	str   string   // the value for string inputs
	b     bool     // the value for bool inputs
	list  []string // the value for string-list inputs
	raw   any      // the plain value (see plainOf); nil when unset
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

var outputType = reflect.TypeOf((*pulumi.Output)(nil)).Elem()

// holdsOutput reports whether an input is, or contains, an output: a value
// that may resolve only when the engine has deployed a resource.
func holdsOutput(v reflect.Value) bool {
	if !v.IsValid() {
		return false
	}
	if v.Type().Implements(outputType) {
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Ptr:
		return !v.IsNil() && holdsOutput(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if holdsOutput(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if holdsOutput(it.Value()) {
				return true
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && holdsOutput(v.Field(i)) {
				return true
			}
		}
	}
	return false
}

// await resolves an input far enough to check it before anything is
// registered, without ever holding the program up during a deployment:
//
//   - a literal (pulumi.String("x"), pulumi.Bool(true), ...) is known at
//     once, in preview and in update;
//   - during preview an output resolves as soon as the engine has planned
//     the resource it comes from, so it is awaited: every value the
//     engine can show in a preview is checked before anything of the
//     component is registered;
//   - during an update an output of a resource resolves only after that
//     resource has been created in AWS, so it is NOT awaited: it is
//     reported as unknown, and whoever needs it checks it inside the
//     outputs that feed the resources that deliver records (see
//     resolveEnv.later).
func await(ctx *pulumi.Context, in pulumi.Input) (awaited, error) {
	if isNil(in) {
		return awaited{known: true}, nil
	}
	if !ctx.DryRun() && holdsOutput(reflect.ValueOf(in)) {
		return awaited{set: true}, nil
	}
	res, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(in))
	if err != nil {
		return awaited{}, err
	}
	if !res.Known {
		return awaited{set: true, deps: res.Dependencies}, nil
	}
	a := awaited{set: true, known: true, deps: res.Dependencies, raw: plainOf(res.Value)}
	switch v := a.raw.(type) {
	case nil:
		a.set = false
	case string:
		a.str = v
	case bool:
		a.b = v
	case []string:
		a.list = v
	default:
		return awaited{}, fmt.Errorf("unexpected value of type %T", v)
	}
	return a, nil
}

// plainOf dereferences the pointers of optional values (*string, *bool),
// so that a check sees the same Go value whether it runs while the program
// runs or inside an output at deploy time.
func plainOf(v any) any {
	switch p := v.(type) {
	case *string:
		if p == nil {
			return nil
		}
		return *p
	case *bool:
		if p == nil {
			return nil
		}
		return *p
	case *int:
		if p == nil {
			return nil
		}
		return *p
	}
	return v
}

// value is the known value: nil when unset.
func (a awaited) value() any { return a.raw }
