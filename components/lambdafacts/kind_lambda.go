package lambdafacts

import "fmt"

var lambdaKind = register(&KindSpec{
	Kind:          KindLambda,
	Label:         "Lambda function",
	slots:         map[Slot]bool{SlotOnSuccess: true, SlotOnFailure: true},
	ResourceTypes: []string{"aws:lambda/function:Function"},
	regional:      true,
	checkResource: func(a ARN) error {
		if _, err := functionOfARN(a); err != nil {
			return fmt.Errorf("%q is not a Lambda function ARN; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]", a.String())
		}
		return nil
	},
	needs: func(arn string) []Permission { return ActionsOn(arn, "lambda:InvokeFunction") },
	grants: func(arn string) []Permission {
		// The unqualified ARN and ARN:*, so that a version or alias of the
		// target can be invoked too.
		base := UnqualifiedFunctionARN(arn)
		return append(ActionsOn(base, "lambda:InvokeFunction"), ActionsOn(base+":*", "lambda:InvokeFunction")...)
	},
})
