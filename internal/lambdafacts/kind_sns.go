package lambdafacts

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"
)

func init() {
	register(&KindSpec{
		Kind:          KindSNS,
		Label:         "SNS topic",
		slots:         map[Slot]bool{SlotOnSuccess: true, SlotOnFailure: true, SlotDeadLetter: true, SlotMapping: true},
		Keyed:         true,
		KeyActions:    []string{"kms:GenerateDataKey", "kms:Decrypt"},
		KeyGrants:     []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		FIFO:          true,
		FIFOFlag:      "fifoTopic",
		ResourceTypes: []string{awstypes.TokenTopic},
		regional:      true,
		checkResource: func(a ARN) error {
			// A subscription's ARN is the topic's ARN plus ":<id>".
			if strings.ContainsAny(a.Resource, "/:") {
				return fmt.Errorf("%q is not an SNS topic ARN (a subscription's?); expected arn:<partition>:sns:<region>:<account>:<topic-name>", a.String())
			}
			if strings.HasSuffix(a.Resource, ".fifo") {
				return FIFOProblem(Describe("SNS topic", a.Resource))
			}
			return nil
		},
		needs: func(arn string) []Permission { return ActionsOn(arn, "sns:Publish") },
	})
}
