package asyncroute

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file says which role a Function uses and what it routes to, as far
// as the program shows it while it runs, in words a message can quote.
// The component records them as its inputs (roleIdentity,
// routeIdentities) so that its hook, which sees the deployed inputs and
// the new ones, can tell a role change and a route that goes (see
// lifecycle.go). An identity is the same in a preview and in an update:
// it reads literals and resources' Pulumi names, never an output's value
// (an output known at a preview is not known during an update, and the
// component would show a change at every preview).

// The component's inputs that hold the identities.
const (
	inputRoleIdentity    = "roleIdentity"
	inputRouteIdentities = "routeIdentities"
)

// knownAtDeploy is the identity, or the part of one, given by a value
// known only at deploy time: it matches nothing, not even itself.
const knownAtDeploy = "a value known only at deploy time"

func atDeploy(id string) bool { return strings.Contains(id, knownAtDeploy) }

// named is a resource as the program declared it.
type named interface {
	PulumiResourceType() string
	PulumiResourceName() string
}

// resourceIdentity names a resource by its type and Pulumi name.
func resourceIdentity(r any) string {
	if isNil(r) {
		return ""
	}
	if n, ok := r.(named); ok {
		return fmt.Sprintf("%s %q", n.PulumiResourceType(), n.PulumiResourceName())
	}
	return knownAtDeploy
}

// literalIdentity is a string input's value when the program gives it as
// a literal.
func literalIdentity(ctx *pulumi.Context, in pulumi.Input) (string, error) {
	if isNil(in) {
		return "", nil
	}
	v, err := phase.Read(ctx, in)
	if err != nil {
		return "", err
	}
	if !v.Literal || !v.Known {
		return knownAtDeploy, nil
	}
	return fmt.Sprint(v.V), nil
}

// roleIdentity names the execution role of a Function: the one the
// component creates (with the options that replace it when they change),
// or the one brought, by resource, ARN or name.
func roleIdentity(ctx *pulumi.Context, brought *ExistingRole, opts *RoleOptions) (string, error) {
	if brought == nil {
		id := "the role the component creates"
		if opts == nil {
			return id, nil
		}
		for _, o := range []struct {
			name string
			in   pulumi.StringInput
		}{{"path", opts.Path}, {"name prefix", opts.NamePrefix}} {
			v, err := literalIdentity(ctx, o.in)
			if err != nil {
				return "", err
			}
			if v != "" {
				id += fmt.Sprintf(", %s %s", o.name, v)
			}
		}
		return id, nil
	}
	if brought.Role != nil {
		return resourceIdentity(brought.Role), nil
	}
	if !isNil(brought.Arn) {
		return literalIdentity(ctx, brought.Arn)
	}
	v, err := literalIdentity(ctx, brought.Name)
	return "role name " + v, err
}

// routeIdentities names the target of each destination slot a Function
// routes to, by the slot's key (onSuccess, onFailure, deadLetter).
func routeIdentities(ctx *pulumi.Context, dests map[lambdafacts.Slot]Destination) (pulumi.StringMap, error) {
	out := pulumi.StringMap{}
	for slot, d := range dests {
		id, err := targetIdentity(ctx, slot, d)
		if err != nil {
			return nil, err
		}
		out[slotKey(slot)] = pulumi.String(id)
	}
	return out, nil
}

func slotKey(slot lambdafacts.Slot) string {
	return strings.TrimSuffix(slot.InputKey(), "Kind")
}

// targetIdentity names a destination's target, with its customer-managed
// key when one is given (a change of key changes the grants too).
func targetIdentity(ctx *pulumi.Context, slot lambdafacts.Slot, d Destination) (string, error) {
	withKey := func(id string, key any, keyArn pulumi.Input) (string, error) {
		if !isNil(key) {
			return id + " with key " + resourceIdentity(key), nil
		}
		if isNil(keyArn) {
			return id, nil
		}
		k, err := literalIdentity(ctx, keyArn)
		return id + " with key " + k, err
	}
	switch v := d.(type) {
	case SQSQueue:
		return withKey(resourceIdentity(v.Queue), v.Key, nil)
	case SNSTopic:
		return withKey(resourceIdentity(v.Topic), v.Key, nil)
	case LambdaFunction:
		return resourceIdentity(v.Function), nil
	case EventBus:
		return resourceIdentity(v.Bus), nil
	case DefaultEventBus, ResponseOnly:
		// A response-only route delivers to the default bus too.
		return "the default event bus", nil
	case S3Bucket:
		bucket := resourceIdentity(v.Bucket)
		if bucket == "" {
			bucket = resourceIdentity(v.LegacyBucket)
		}
		return withKey(bucket, v.Key, nil)
	case NewQueue:
		return withKey("the queue the component creates for "+fieldOf(slot), v.KmsKey, v.KmsKeyArn)
	case NewTopic:
		return withKey("the topic the component creates for "+fieldOf(slot), v.KmsKey, v.KmsKeyArn)
	case ARN:
		return arnIdentity(ctx, v)
	case KafkaTopic:
		return "Kafka topic " + v.Topic, nil
	}
	return fmt.Sprintf("%s (%s)", knownAtDeploy, reflect.TypeOf(d)), nil
}

// arnIdentity names a target given by its ARN.
func arnIdentity(ctx *pulumi.Context, v ARN) (string, error) {
	id, err := literalIdentity(ctx, v.Arn)
	if err != nil || isNil(v.KmsKeyArn) {
		return id, err
	}
	k, err := literalIdentity(ctx, v.KmsKeyArn)
	return id + " with key " + k, err
}

// lambdaTargets are the functions of this program a Function's grants
// name (its Lambda destinations): its grant policy cannot be written
// before they are.
func lambdaTargets(dests map[lambdafacts.Slot]Destination) []*lambda.Function {
	var out []*lambda.Function
	for _, d := range dests {
		if l, ok := d.(LambdaFunction); ok && l.Function != nil {
			out = append(out, l.Function)
		}
	}
	return out
}
