package asyncroute

import (
	"fmt"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
)

// LambdaFunction routes records to another Lambda function, which receives
// the whole invocation record as its event. The execution role gets
// lambda:InvokeFunction on the function's ARN and ARN:* (its versions and
// aliases). A function must not be its own destination.
//
// To target a function made with [NewFunction], use its Function field:
// LambdaFunction{Function: next.Function}, or next.AsDestination().
type LambdaFunction struct {
	// Function is the destination function.
	Function *lambda.Function
}

func (d LambdaFunction) resolve(env *resolveEnv) (*target, error) {
	if d.Function == nil {
		return nil, fmt.Errorf("LambdaFunction.Function is nil; allowed: a *lambda.Function")
	}
	spec, _ := lambdafacts.KindOf(KindLambda)
	t := resourceTarget(spec, d.Function, d.Function.Arn)
	t.fnName = d.Function.Name
	if err := knownARN(env, d.Function.Arn, t); err != nil {
		return nil, err
	}
	return t, nil
}
