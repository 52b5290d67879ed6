package lambdafacts

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"
)

func init() {
	register(&KindSpec{
		Kind:          KindEventBridge,
		Label:         "EventBridge event bus",
		slots:         map[Slot]bool{SlotOnSuccess: true, SlotOnFailure: true},
		ResourceTypes: []string{awstypes.TokenEventBus},
		regional:      true,
		checkResource: func(a ARN) error {
			name, ok := strings.CutPrefix(a.Resource, "event-bus/")
			if !ok || name == "" || strings.Contains(name, "/") {
				what := "an EventBridge event bus ARN"
				if strings.HasPrefix(a.Resource, "rule/") {
					what += " (a rule's?)"
				}
				return fmt.Errorf("%q is not %s; expected arn:<partition>:events:<region>:<account>:event-bus/<name>", a.String(), what)
			}
			return nil
		},
		needs: func(arn string) []Permission { return ActionsOn(arn, "events:PutEvents") },
	})
}

// DefaultBusARN is the ARN of the account's default event bus.
func DefaultBusARN(partition, region, account string) string {
	return ARN{Partition: partition, Service: "events", Region: region, Account: account, Resource: "event-bus/default"}.String()
}
