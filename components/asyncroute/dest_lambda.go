package asyncroute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
)

func init() {
	registerKind(&kindSpec{
		kind:      KindLambda,
		label:     "Lambda function",
		onSuccess: true,
		checkARN: func(a arnParts) error {
			if _, ok := lambdaFunctionName(a); !ok {
				return fmt.Errorf("%q is not a Lambda function ARN; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]", a.String())
			}
			return nil
		},
		permissions: func(arn string) []Permission { return actionsOn(arn, "lambda:InvokeFunction") },
		grants: func(arn string) []Permission {
			// The unqualified ARN and ARN:*, so that a version or alias of
			// the target can be invoked too.
			base := unqualifiedFunctionARN(arn)
			return append(actionsOn(base, "lambda:InvokeFunction"), actionsOn(base+":*", "lambda:InvokeFunction")...)
		},
	})
}

// lambdaFunctionName returns the function name of a Lambda function ARN.
func lambdaFunctionName(a arnParts) (string, bool) {
	f := strings.Split(a.resource, ":")
	if len(f) < 2 || len(f) > 3 || f[0] != "function" || f[1] == "" {
		return "", false
	}
	return f[1], true
}

func unqualifiedFunctionARN(s string) string {
	a, err := parseARN(s)
	if err != nil {
		return s
	}
	if name, ok := lambdaFunctionName(a); ok {
		a.resource = "function:" + name
	}
	return a.String()
}

// LambdaFunction routes records to another Lambda function, which receives
// the whole invocation record as its event. The execution role gets
// lambda:InvokeFunction on the function's ARN and ARN:* (its versions and
// aliases). A function must not be its own destination.
//
// To target a function made with [NewFunction], use its Function field:
// LambdaFunction{Function: next.Function}.
type LambdaFunction struct {
	// Function is the destination function.
	Function *lambda.Function
}

func (d LambdaFunction) resolve(env *resolveEnv) (*target, error) {
	if d.Function == nil {
		return nil, fmt.Errorf("LambdaFunction.Function is nil; allowed: a *lambda.Function")
	}
	t := &target{spec: kinds[KindLambda], arn: fixedARN(d.Function.Arn), describe: describe("Lambda function", d.Function.PulumiResourceName()),
		fnName: d.Function.Name, res: d.Function, fromResource: true}
	if err := knownARN(env, d.Function.Arn, t); err != nil {
		return nil, err
	}
	return t, nil
}
