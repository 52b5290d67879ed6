// Package phase is how the asyncroute components check an input in the two
// phases of a Pulumi program without ever holding a deployment up (see the
// asyncroute package documentation, "Preview, update and the time a
// deployment takes"). A check runs now, while the program runs, when the
// values it needs are known now; otherwise it runs inside the output that
// feeds the write of the resource it guards, at deploy time:
//
//   - a literal (pulumi.String("x"), pulumi.Bool(true), ...) is known now,
//     in preview and in update;
//   - during preview (ctx.DryRun) an output resolves as soon as the engine
//     has planned the resource it comes from, so [Read] awaits it: every
//     value a preview can show is checked before anything is registered;
//   - during an update an output of a resource resolves only once that
//     resource has been created in AWS, so [Read] never awaits it: it is
//     reported unknown at once, and the check runs inside the output
//     ([Gate]).
//
// A check is one function of the input values ([Check]). [Checks.Now] runs
// it now, with [IsUnknown] values for those not known now; when it returns
// [ErrLater] (the values known now do not decide it) it is kept, and
// [Gate] runs it again with every value inside the output that feeds the
// write, so a bad value fails that resource's input and the resource is
// never written. The same function runs in both phases, so its message is
// the same.
//
// The contract test of package asyncroute (sdk_contract_test.go) pins the
// behaviour of the Go SDK this rests on.
package phase

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Value is an input as the program sees it while it runs.
// V holds a string, bool, []string, map[string]string (tags) or a
// number.
type Value struct {
	// Set says a non-nil value was given (known now or not).
	Set bool
	// Known says the value is known now: always for literals and nil.
	Known bool
	// Literal says the input holds no output, so it is known in every
	// phase and may name a target in messages.
	Literal bool
	// V is the plain value (see [Plain]): a string, bool or []string; nil
	// when unset or not known now.
	V any
	// Deps are the resources an output comes from.
	Deps []pulumi.Resource
}

// Str is the value of a string input; "" when unset or unknown.
func (v Value) Str() string { s, _ := v.V.(string); return s }

// Bool is the value of a bool input; false when unset or unknown.
func (v Value) Bool() bool { b, _ := v.V.(bool); return b }

// Read reads an input as far as the phase allows, without ever holding the
// program up during an update: a literal now; an output awaited during
// preview and reported unknown at once during an update.
func Read(ctx *pulumi.Context, in pulumi.Input) (Value, error) {
	if IsNil(in) {
		return Value{Known: true, Literal: true}, nil
	}
	literal := !holdsOutput(reflect.ValueOf(in))
	if !ctx.DryRun() && !literal {
		return Value{Set: true}, nil
	}
	res, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(in))
	if err != nil {
		return Value{}, err
	}
	if !res.Known {
		return Value{Set: true, Literal: literal, Deps: res.Dependencies}, nil
	}
	v := Value{Set: true, Known: true, Literal: literal, Deps: res.Dependencies, V: Plain(res.Value)}
	switch x := v.V.(type) {
	case nil:
		v.Set = false
	case string, bool, []string, map[string]string, int, float64:
	default:
		return Value{}, fmt.Errorf("unexpected value of type %T", x)
	}
	return v, nil
}

// IsNil says whether v is nil or a nil pointer, interface, map, slice or
// function (an input left out).
func IsNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Ptr, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func:
		return r.IsNil()
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

// Plain dereferences the pointers of optional values (*string, *bool,
// *int), so that a check sees the same Go value now and at deploy time.
func Plain(v any) any {
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

// ReadError is an input [Checks.Now] could not read (an output the SDK
// rejected): a failure of the program, not a fault of the input.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// unknown stands, among the values a check receives now, for a value that
// is known only at deploy time.
type unknown struct{}

// IsUnknown says whether a value a check received is known only at deploy
// time.
func IsUnknown(v any) bool { _, ok := v.(unknown); return ok }

// ErrLater is what a check returns when the values known now do not decide
// it: it then runs at deploy time, inside the output [Gate] makes.
var ErrLater = errors.New("needs values known only at deploy time")

// Check checks the values of its inputs, in the order they were given.
// Unset inputs are nil; values not known now are [IsUnknown].
type Check func(vals []any) error

// Known is check run only with every value known: ErrLater until then.
func Known(check Check) Check {
	return func(vals []any) error {
		for _, v := range vals {
			if IsUnknown(v) {
				return ErrLater
			}
		}
		return check(vals)
	}
}

// Checks are the checks a write waits for: those that needed values known
// only at deploy time. The zero value is empty and ready to use.
type Checks struct {
	list []deferred
}

type deferred struct {
	inputs []any // pulumi inputs or outputs
	check  Check
}

// Now runs check now on the values of inputs (see [Read]); when it returns
// ErrLater it is kept, to run inside the output [Gate] makes with every
// value. Its other errors are returned, and so is a [ReadError] when an
// input could not be read.
func (c *Checks) Now(ctx *pulumi.Context, check Check, inputs ...pulumi.Input) error {
	vals := make([]any, len(inputs))
	all := make([]any, len(inputs))
	for i, in := range inputs {
		all[i] = in
		v, err := Read(ctx, in)
		if err != nil {
			return &ReadError{Err: err}
		}
		if v.Known {
			vals[i] = v.V
		} else {
			vals[i] = unknown{}
		}
	}
	err := check(vals)
	if errors.Is(err, ErrLater) {
		c.Later(check, all...)
		return nil
	}
	return err
}

// Later keeps check to run at deploy time only: for values the caller
// already knows are not known now (inputs are pulumi inputs or outputs).
func (c *Checks) Later(check Check, inputs ...any) {
	c.list = append(c.list, deferred{inputs: inputs, check: check})
}

// Add keeps the checks of other too, after c's own.
func (c *Checks) Add(other *Checks) { c.list = append(c.list, other.list...) }

// Empty says no check waits for deploy time.
func (c *Checks) Empty() bool { return len(c.list) == 0 }

// Gate is out (an output of T) once every check in c has passed, in order,
// with the values of its inputs: the resource that takes it as an input is
// not written when one fails. fail turns a check's error into the one the
// output fails with. With no check, Gate is out.
func Gate[T any](c *Checks, out pulumi.Output, fail func(error) error) pulumi.Output {
	if c.Empty() {
		return out
	}
	list := append([]deferred(nil), c.list...)
	inputs := []any{out}
	for _, d := range list {
		inputs = append(inputs, d.inputs...)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (T, error) {
		var zero T
		i := 1
		for _, d := range list {
			vals := make([]any, len(d.inputs))
			for j := range vals {
				vals[j] = Plain(v[i+j])
			}
			i += len(d.inputs)
			if err := d.check(vals); err != nil {
				return zero, fail(err)
			}
		}
		out, _ := v[0].(T)
		return out, nil
	})
}
