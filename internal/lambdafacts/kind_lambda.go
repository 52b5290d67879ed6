package lambdafacts

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"
)

func init() {
	register(&KindSpec{
		Kind:          KindLambda,
		Label:         "Lambda function",
		slots:         map[Slot]bool{SlotOnSuccess: true, SlotOnFailure: true},
		ResourceTypes: []string{awstypes.TokenFunction},
		regional:      true,
		checkResource: func(a ARN) error {
			ref, err := functionOfARN(a)
			if err != nil {
				return fmt.Errorf("%q is not a Lambda function ARN; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]", a.String())
			}
			// A qualified ARN names a version or alias: its qualifier must be
			// one. A wildcard is reported as one, by checkConcrete.
			if q := ref.Qualifier; q != "" && !strings.ContainsAny(q, "*?") && CheckQualifier(q) != nil {
				return fmt.Errorf("%q has the qualifier %q, which is not a version or alias; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], the qualifier $LATEST, a version number from 1 or an alias name", a.String(), q)
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
}
