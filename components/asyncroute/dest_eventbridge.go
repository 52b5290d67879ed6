package asyncroute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func init() {
	registerKind(&kindSpec{
		kind:      KindEventBridge,
		label:     "EventBridge event bus",
		onSuccess: true,
		checkARN: func(a arnParts) error {
			name, ok := strings.CutPrefix(a.resource, "event-bus/")
			if !ok || name == "" || strings.Contains(name, "/") {
				return fmt.Errorf("%q is not an EventBridge event bus ARN; expected arn:<partition>:events:<region>:<account>:event-bus/<name>", a.String())
			}
			return nil
		},
		permissions: func(arn string) []Permission { return actionsOn(arn, "events:PutEvents") },
	})
}

// EventBus routes records to an EventBridge event bus created in this
// program. Lambda puts each record as an event with source "lambda",
// detail-type "Lambda Function Invocation Result - Success" or "- Failure",
// and the record as detail. The role gets events:PutEvents on the bus.
type EventBus struct {
	// Bus is the destination event bus.
	Bus *cloudwatch.EventBus
}

func (d EventBus) resolve(env *resolveEnv) (*target, error) {
	if d.Bus == nil {
		return nil, fmt.Errorf("EventBus.Bus is nil; allowed: a *cloudwatch.EventBus, or DefaultEventBus{}")
	}
	t := &target{spec: kinds[KindEventBridge], arn: fixedARN(d.Bus.Arn), describe: describe("EventBridge event bus", d.Bus.PulumiResourceName()), res: d.Bus, fromResource: true}
	if err := knownARN(env, d.Bus.Arn, t); err != nil {
		return nil, err
	}
	return t, nil
}

// DefaultEventBus routes records to the account's default event bus in the
// function's region (the provider's region and account). The role gets
// events:PutEvents on that bus's ARN.
type DefaultEventBus struct{}

func defaultBusARN(b *buildEnv, _ *routeUse) (pulumi.StringOutput, error) {
	return b.defaultBus(), nil
}

func (DefaultEventBus) resolve(*resolveEnv) (*target, error) {
	return &target{
		spec:     kinds[KindEventBridge],
		arn:      defaultBusARN,
		describe: `EventBridge event bus "default"`,
	}, nil
}
