package asyncroute

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/programscope"
	"github.com/hashicorp/go-multierror"
)

// InputError reports one invalid argument of a component. Field names the
// argument as it is spelled in the Args struct; Problem says what is wrong and
// which values are allowed.
type InputError struct {
	// Component is the component's kind and name, e.g. `Function "orders"`.
	Component string
	// Field is the argument at fault, e.g. "MaxRetries" or "OnSuccess".
	Field string
	// Problem describes the fault and the allowed values.
	Problem string

	// template is Problem with the marks of package internal/doors, from
	// which the component provider writes the same message in the
	// schema's words; "" when Problem has none.
	template string
}

// newInputError makes an InputError from a problem text with marks (see
// package internal/doors); Problem is its Go rendering.
func newInputError(component, field, template string) *InputError {
	return &InputError{Component: component, Field: field, Problem: doors.Go.Render(template), template: template}
}

// inputErrorOf is err as an InputError of component and field, keeping an
// InputError as it is and the marks of a doors.Error.
func inputErrorOf(component, field string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return newInputError(component, field, doors.TemplateOf(err))
}

func init() {
	doors.Faults = func(err error) []doors.Fault {
		var out []doors.Fault
		for _, ie := range InputErrors(err) {
			t := ie.template
			if t == "" {
				t = ie.Problem
			}
			out = append(out, doors.Fault{Component: ie.Component, Field: ie.Field, Template: t})
		}
		return out
	}
}

// Error implements error.
func (e *InputError) Error() string {
	return fmt.Sprintf("asyncroute: %s: %s: %s", e.Component, e.Field, e.Problem)
}

// warn logs a warning about field (what the rules advise, not a fault),
// in the words of the program's door: the Go package's, or a component
// provider's (programscope.WithRender).
func (a *assembly) warn(field string, problem error) error {
	return a.ctx.Log.Warn(programscope.Render(a.ctx, newInputError(a.errs.component, field, doors.TemplateOf(problem))), nil)
}

// errorList collects every input error of one component so that the user
// sees all of them in one preview.
type errorList struct {
	component string
	errs      []error
}

// add records a fault; format and args may hold marks (package
// internal/doors).
func (l *errorList) add(field, format string, args ...any) {
	l.errs = append(l.errs, newInputError(l.component, field, fmt.Sprintf(format, args...)))
}

func (l *errorList) addErr(field string, err error) {
	if err == nil {
		return
	}
	var re *phase.ReadError
	if errors.As(err, &re) {
		err = re.Err
	}
	l.errs = append(l.errs, inputErrorOf(l.component, field, err))
}

// fault records what a check of field returned (see phase.Checks.Now): a
// fault of the input (an InputError keeps its own field), or, returned,
// an input that could not be read.
func (l *errorList) fault(field string, err error) error {
	var re *phase.ReadError
	if errors.As(err, &re) {
		return re.Err
	}
	l.addErr(field, err)
	return nil
}

// err returns nil, the one fault, or every fault together: a
// *multierror.Error whose text is one fault per line (as docs/destinations.md's
// table shows them). The Pulumi SDK flattens such an error into the
// program's own list of errors, so `pulumi preview` bullets every fault
// instead of printing the second one unbulleted under the first.
func (l *errorList) err() error {
	switch len(l.errs) {
	case 0:
		return nil
	case 1:
		return l.errs[0]
	}
	return &multierror.Error{Errors: append([]error(nil), l.errs...), ErrorFormat: oneLineEach}
}

func oneLineEach(errs []error) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// InputErrors returns the faults a component reported in err (as returned
// by a constructor, or by a program that returned it), in the order found.
func InputErrors(err error) []*InputError {
	var out []*InputError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		var ie *InputError
		if me, ok := e.(*multierror.Error); ok {
			for _, x := range me.Errors {
				walk(x)
			}
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if errors.As(e, &ie) {
			out = append(out, ie)
		}
	}
	walk(err)
	return out
}
