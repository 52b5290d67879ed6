package asyncroute

import (
	"errors"
	"fmt"
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
}

// Error implements error.
func (e *InputError) Error() string {
	return fmt.Sprintf("asyncroute: %s: %s: %s", e.Component, e.Field, e.Problem)
}

// errorList collects every input error of one component so that the user
// sees all of them in one preview.
type errorList struct {
	component string
	errs      []error
}

func (l *errorList) add(field, format string, args ...any) {
	l.errs = append(l.errs, &InputError{Component: l.component, Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (l *errorList) addErr(field string, err error) {
	if err == nil {
		return
	}
	var ie *InputError
	if errors.As(err, &ie) {
		l.errs = append(l.errs, err)
		return
	}
	l.errs = append(l.errs, &InputError{Component: l.component, Field: field, Problem: err.Error()})
}

func (l *errorList) err() error {
	return errors.Join(l.errs...)
}
