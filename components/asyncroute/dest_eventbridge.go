package asyncroute

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EventBus routes records to an EventBridge event bus created in this
// program. Lambda puts each record as an event with source "lambda",
// detail-type "Lambda Function Invocation Result - Success" or "- Failure",
// and the record as detail. The role gets events:PutEvents on the bus.
type EventBus struct {
	// Bus is the destination event bus.
	Bus *cloudwatch.EventBus
	// Policy is the bus's resource-based policy, when the program sets it
	// with a cloudwatch.EventBusPolicy (optional). The component checks it
	// against the execution role: a policy that denies the role
	// events:PutEvents, or that does not allow it to a role of another
	// account, is refused (see "Resource policies" in the package
	// documentation).
	Policy *cloudwatch.EventBusPolicy
}

func (d EventBus) resolve(env *resolveEnv) (*target, error) {
	if d.Bus == nil {
		return nil, fmt.Errorf("EventBus.Bus is nil; allowed: a *cloudwatch.EventBus, or DefaultEventBus{}")
	}
	spec, _ := lambdafacts.KindOf(KindEventBridge)
	t := resourceTarget(spec, d.Bus, d.Bus.Arn)
	if err := knownARN(env, d.Bus.Arn, t); err != nil {
		return nil, err
	}
	if d.Policy != nil {
		// A policy without a bus name is the default bus's; a bus ARN
		// names the bus after "event-bus/".
		of := d.Policy.EventBusName.ApplyT(func(s *string) string {
			if s == nil || *s == "" {
				return "default"
			}
			if i := strings.LastIndex(*s, ":event-bus/"); strings.HasPrefix(*s, "arn:") && i >= 0 {
				return (*s)[i+len(":event-bus/"):]
			}
			return *s
		}).(pulumi.StringOutput)
		if err := attachedPolicy(env, t, "EventBus.Policy", d.Policy, d.Policy.Policy, of, d.Bus.Name, "the event bus"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// DefaultEventBus routes records to the account's default event bus in the
// function's region (the provider's region and account). The role gets
// events:PutEvents on that bus's ARN.
type DefaultEventBus struct{}

// defaultBus is the route to the default bus of the component's provider.
type defaultBus struct{}

func (defaultBus) build(b *buildEnv, _ *routeUse) (pulumi.StringOutput, error) {
	return b.defaultBus(), nil
}

func (DefaultEventBus) resolve(*resolveEnv) (*target, error) {
	spec, _ := lambdafacts.KindOf(KindEventBridge)
	return &target{spec: spec, route: defaultBus{}, describe: `EventBridge event bus "default"`, fromResource: true}, nil
}
