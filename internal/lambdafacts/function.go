package lambdafacts

import (
	"fmt"
	"regexp"
	"strings"
)

// Latest is the qualifier of a function's unpublished code.
const Latest = "$LATEST"

// FunctionRef is a function as an invoke config or mapping names it.
type FunctionRef struct {
	// Name is the function's name; Qualifier the version or alias the
	// reference carries ("" for none).
	Name, Qualifier string
	// Account is the account a partial ARN (123456789012:function:name)
	// or a full ARN names; "" for a plain name.
	Account string
	// ARN is the reference when it was a full ARN.
	ARN *ARN
}

func functionOfARN(a ARN) (FunctionRef, error) {
	f := strings.Split(a.Resource, ":")
	if a.Service != "lambda" || len(f) < 2 || len(f) > 3 || f[0] != "function" || f[1] == "" || len(f) == 3 && f[2] == "" {
		return FunctionRef{}, fmt.Errorf("%q is not a Lambda function ARN; allowed: a function name or arn:<partition>:lambda:<region>:<account>:function:<name>", a.String())
	}
	ref := FunctionRef{Name: f[1], Account: a.Account, ARN: &a}
	if len(f) == 3 {
		ref.Qualifier = f[2]
	}
	return ref, nil
}

// ParseFunctionRef reads a function reference in every form Lambda's API
// accepts for FunctionName (API reference, PutFunctionEventInvokeConfig
// and CreateEventSourceMapping): a name, name:qualifier, a partial ARN
// 123456789012:function:name[:qualifier], or a full function ARN with or
// without a qualifier.
func ParseFunctionRef(s string) (FunctionRef, error) {
	if s == "" {
		return FunctionRef{}, nil
	}
	if strings.HasPrefix(s, "arn:") {
		a, err := ParseARN(s)
		if err != nil {
			return FunctionRef{}, err
		}
		return functionOfARN(a)
	}
	bad := func() (FunctionRef, error) {
		return FunctionRef{}, fmt.Errorf("%q is not a function reference; allowed: a function name, <name>:<qualifier>, "+
			"a partial ARN <account>:function:<name>[:<qualifier>] or a function ARN", s)
	}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) >= 3 && parts[1] == "function": // a partial ARN
		if len(parts) > 4 || !accountID.MatchString(parts[0]) || parts[2] == "" || len(parts) == 4 && parts[3] == "" {
			return bad()
		}
		ref := FunctionRef{Account: parts[0], Name: parts[2]}
		if len(parts) == 4 {
			ref.Qualifier = parts[3]
		}
		return ref, nil
	case len(parts) > 2 || parts[0] == "" || len(parts) == 2 && parts[1] == "":
		return bad()
	case len(parts) == 2:
		return FunctionRef{Name: parts[0], Qualifier: parts[1]}, nil
	}
	return FunctionRef{Name: s}, nil
}

// accountID is an AWS account id: twelve digits.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// FunctionName returns the function name of a Lambda function ARN.
func FunctionName(a ARN) (string, bool) {
	ref, err := functionOfARN(a)
	return ref.Name, err == nil
}

// UnqualifiedFunctionARN drops the qualifier of a function ARN.
func UnqualifiedFunctionARN(s string) string {
	a, err := ParseARN(s)
	if err != nil {
		return s
	}
	if ref, err := functionOfARN(a); err == nil {
		a.Resource = "function:" + ref.Name
	}
	return a.String()
}

var (
	aliasName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,128}$`)
	allDigits = regexp.MustCompile(`^[0-9]+$`)
)

// CheckAliasName checks the name of an alias the components create.
func CheckAliasName(name string) error {
	if !aliasName.MatchString(name) || allDigits.MatchString(name) {
		return fmt.Errorf("%q is not an alias name; allowed: 1 to 128 letters, digits, - or _, not all digits (leave empty for $LATEST)", name)
	}
	return nil
}

// CheckQualifier checks a qualifier: $LATEST, a version (from 1) or an
// alias name.
func CheckQualifier(q string) error {
	const allowed = "allowed: $LATEST, a version number from 1 or an alias name"
	switch {
	case q == "":
		return fmt.Errorf("is empty; %s (or nil for $LATEST)", allowed)
	case q == Latest:
		return nil
	case len(q) > 128:
		return fmt.Errorf("%q is not a qualifier: it has %d characters; %s, of 1 to 128 characters", q, len(q), allowed)
	case allDigits.MatchString(q):
		if strings.TrimLeft(q, "0") == "" {
			return fmt.Errorf("%q is not a version: versions start at 1; %s", q, allowed)
		}
		return nil
	case !aliasName.MatchString(q):
		return fmt.Errorf("%q is not a qualifier; %s", q, allowed)
	}
	return nil
}

// ResolveQualifier works out the qualifier a config applies to from a
// function reference (which may carry one) and an explicit qualifier (""
// when not given): they must agree; neither means $LATEST.
func ResolveQualifier(ref FunctionRef, explicit string) (string, error) {
	switch {
	case ref.Qualifier == "" && explicit == "":
		return Latest, nil
	case ref.Qualifier == "":
		return explicit, CheckQualifierValue(explicit)
	case explicit == "" || explicit == ref.Qualifier:
		return ref.Qualifier, CheckQualifierValue(ref.Qualifier)
	}
	return "", fmt.Errorf("the function reference carries qualifier %q but the qualifier is %q; allowed: the same qualifier in both, or one of them", ref.Qualifier, explicit)
}

// CheckQualifierValue is CheckQualifier for a qualifier that is set.
func CheckQualifierValue(q string) error {
	if q == "" {
		return nil
	}
	return CheckQualifier(q)
}

// DuplicateConfig is the error for a second invoke config of a function and
// qualifier, whoever declared the two: Lambda keeps one config object per
// function and qualifier, so each write overwrites the other's settings
// and deleting either resource removes the config both manage; previous
// names the owner of the first.
func DuplicateConfig(function, qualifier, previous string) error {
	return fmt.Errorf("function %q already has an async invoke config for qualifier %q from %s; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier", function, qualifier, previous)
}
