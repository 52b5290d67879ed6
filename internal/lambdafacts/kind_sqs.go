package lambdafacts

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"
)

func init() {
	register(&KindSpec{
		Kind:          KindSQS,
		Label:         "SQS queue",
		slots:         map[Slot]bool{SlotOnSuccess: true, SlotOnFailure: true, SlotDeadLetter: true, SlotMapping: true},
		Keyed:         true,
		KeyActions:    []string{"kms:GenerateDataKey", "kms:Decrypt"},
		KeyGrants:     []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		FIFO:          true,
		FIFOFlag:      "fifoQueue",
		ResourceTypes: []string{awstypes.TokenQueue},
		regional:      true,
		checkResource: func(a ARN) error {
			if strings.ContainsAny(a.Resource, "/:") {
				return fmt.Errorf("%q is not an SQS queue ARN; expected arn:<partition>:sqs:<region>:<account>:<queue-name>", a.String())
			}
			if strings.HasSuffix(a.Resource, ".fifo") {
				return FIFOProblem(Describe("SQS queue", a.Resource))
			}
			return nil
		},
		needs: func(arn string) []Permission { return ActionsOn(arn, "sqs:SendMessage") },
	})
}
