package asyncroute

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Kind names a destination service. Its value is the service field of the
// target's ARN.
type Kind string

// The destination kinds Lambda accepts.
const (
	KindSQS         Kind = "sqs"    // standard SQS queue
	KindSNS         Kind = "sns"    // standard SNS topic
	KindLambda      Kind = "lambda" // Lambda function
	KindEventBridge Kind = "events" // EventBridge event bus
	KindS3          Kind = "s3"     // S3 bucket, on failure only
)

// Destination is where Lambda sends an invocation record (on success, on
// failure) or the original event (dead-letter target). Use one of the types
// of this package: [SQSQueue], [SNSTopic], [LambdaFunction], [EventBus],
// [DefaultEventBus], [S3Bucket] or [ARN].
type Destination interface {
	// resolve checks the destination at preview time and describes it.
	resolve(env *resolveEnv) (*target, error)
}

// kindSpec is everything the package knows about one destination kind. Each
// kind's file declares one and registers it; nothing else looks at kinds.
type kindSpec struct {
	kind  Kind
	label string // "SQS queue"
	// onSuccess and deadLetter say where besides on-failure the kind may go.
	onSuccess, deadLetter bool
	// mapping says the kind may be an event source mapping's on-failure
	// destination; kafkaOnly that it may be nothing else, and only for a
	// Kafka source.
	mapping, kafkaOnly bool
	// uri says the destination is written as a URI (kafka://topic), not an
	// ARN, so no ARN checks apply.
	uri bool
	// keyed says the target may be encrypted with a customer-managed KMS key
	// that the sender must be allowed to use.
	keyed bool
	// checkARN reports what is wrong with a known ARN of this kind (FIFO, not
	// the right resource type), or nil.
	checkARN func(a arnParts) error
	// permissions lists what Lambda checks that the execution role may do
	// to deliver to arn.
	permissions func(arn string) []Permission
	// grants, when set, is what the component grants for arn instead of
	// exactly permissions (a superset).
	grants func(arn string) []Permission
}

var kinds = map[Kind]*kindSpec{}

func registerKind(k *kindSpec) { kinds[k.kind] = k }

// kindList renders the kinds allowed by keep, for error messages.
func kindList(keep func(*kindSpec) bool) string {
	var labels []string
	for _, k := range []Kind{KindSQS, KindSNS, KindLambda, KindEventBridge, KindS3} {
		if spec, ok := kinds[k]; ok && keep(spec) {
			labels = append(labels, spec.label)
		}
	}
	return strings.Join(labels, ", ")
}

// Permission is one IAM action on one resource that an execution role needs.
type Permission struct {
	Action   string
	Resource string
}

// grant is a list of permissions that resolves at deploy time (an output of
// []Permission); an empty list grants nothing.
type grant = pulumi.AnyOutput

// kindGrant is the grant a kind's target needs once its ARN is known.
func kindGrant(k *kindSpec, arn pulumi.StringOutput) grant {
	perms := k.permissions
	if k.grants != nil {
		perms = k.grants
	}
	return arn.ApplyT(func(s string) []Permission { return perms(s) }).(pulumi.AnyOutput)
}

// lateKindGrant is the grant of a target whose kind is read from its ARN
// at deploy time (deployCheck has checked the ARN by then).
func lateKindGrant(arn pulumi.StringOutput) grant {
	return arn.ApplyT(func(s string) ([]Permission, error) {
		a, err := parseARN(s)
		if err != nil {
			return nil, err
		}
		k, err := kindOfARN(a)
		if err != nil {
			return nil, err
		}
		if k.grants != nil {
			return k.grants(s), nil
		}
		return k.permissions(s), nil
	}).(pulumi.AnyOutput)
}

// actionsOn grants the same actions on one resource.
func actionsOn(resource string, actions ...string) []Permission {
	out := make([]Permission, len(actions))
	for i, a := range actions {
		out[i] = Permission{Action: a, Resource: resource}
	}
	return out
}

// RequiredPermissions lists the permissions an execution role needs to
// deliver invocation records to the destination with this ARN (not counting
// a customer-managed KMS key; see [KMSPermissions]). The ARN must be one
// Lambda accepts as a destination.
func RequiredPermissions(arn string) ([]Permission, error) {
	a, err := parseARN(arn)
	if err != nil {
		return nil, err
	}
	k, err := kindOfARN(a)
	if err != nil {
		return nil, err
	}
	if err := k.checkARN(a); err != nil {
		return nil, err
	}
	return k.permissions(arn), nil
}

// KMSPermissions lists what a sender needs on the customer-managed key that
// encrypts an SQS queue or SNS topic.
func KMSPermissions(keyArn string) []Permission {
	return actionsOn(keyArn, kmsActions...)
}

// target is a resolved destination.
type target struct {
	// spec is the destination's kind; nil when it is decided at deploy
	// time from an ARN that is not known while the program runs (an [ARN]
	// without Kind during an update).
	spec *kindSpec
	// arn builds the target's ARN once the component exists. It may create
	// the target (an auto-created queue), parented to the component and
	// recorded in u.created; it runs before the grant policy.
	arn func(b *buildEnv, u *routeUse) (pulumi.StringOutput, error)
	// after, when set, creates what the route needs once the configured
	// function exists (a response-only route's EventBridge rule, target and
	// permission). source is the function's ARN qualified exactly as the
	// invoke config is. The invoke config waits for what it returns.
	after func(b *buildEnv, u *routeUse, source pulumi.StringOutput) ([]pulumi.Resource, error)
	// grantsAt, when set, adds grants that need the build environment (a
	// Kafka topic's grant comes from the mapping's cluster ARN).
	grantsAt func(b *buildEnv, arn pulumi.StringOutput) []grant
	// known is the ARN when it is known at preview time.
	known string
	// describe names the target in messages, e.g. `SQS queue "jobs"`
	// (resources by their Pulumi name, so that the text is the same at
	// preview and at deploy time).
	describe string
	// fromResource says the target was given as a resource; messages then
	// name it by describe rather than by its ARN.
	fromResource bool
	// later are the checks of values known only at deploy time; they run,
	// in order, inside the ARN that feeds the invoke config, dead-letter
	// config or mapping, so a bad value fails that resource's input.
	later []laterCheck
	// fnName is the name of a Lambda function given as a resource, for the
	// self-destination check (a target given by ARN is checked by its ARN).
	fnName pulumi.StringInput
	// res is the destination resource when one was given.
	res pulumi.Resource
	// extra holds grants beyond the kind's own (customer KMS keys).
	extra []grant
	// lateKind is the kind read from the ARN at deploy time, when spec is
	// nil.
	lateKind pulumi.StringOutput
	// field and src are where the target is used (set by checkTargetFor).
	field string
	src   *mappingSource
}

func fixedARN(o pulumi.StringOutput) func(*buildEnv, *routeUse) (pulumi.StringOutput, error) {
	return func(*buildEnv, *routeUse) (pulumi.StringOutput, error) { return o, nil }
}

// routeUse is one use of a target by a component: the routing field, the
// prefix of the children it creates, and where they are recorded.
type routeUse struct {
	field   string // "OnSuccess", "OnFailure" or "DeadLetter"
	prefix  string // component name + "-on-success" and so on
	created *CreatedTarget
}

// childName names a child of the component made for this use.
func (u *routeUse) childName(suffix string) string {
	if suffix == "" {
		return u.prefix
	}
	return u.prefix + "-" + suffix
}

// fieldPrefix is the child-name part of a routing field.
func fieldPrefix(field string) string {
	switch field {
	case "OnSuccess":
		return "on-success"
	case "OnFailure":
		return "on-failure"
	case "DeadLetter":
		return "dead-letter"
	}
	return strings.ToLower(field)
}

// resolveEnv is what a destination sees while it is checked.
type resolveEnv struct {
	ctx       *pulumi.Context
	component string
	field     string
	// source is the event source of a mapping; nil for invoke configs.
	source *mappingSource
}

// inputError wraps a deploy-time problem the way preview-time ones read.
func (env *resolveEnv) inputError(err error) error {
	return inputErrorOf(env.component, env.field, err)
}

func inputErrorOf(component, field string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return &InputError{Component: component, Field: field, Problem: err.Error()}
}

// laterCheck is a check of values that are not known while the program
// runs. inputs are pulumi inputs or outputs; check receives their values.
type laterCheck struct {
	inputs []any
	check  func(vals []any) error
}

// unknown stands for a value that is not known while the program runs.
type unknown struct{}

func isUnknown(v any) bool { _, ok := v.(unknown); return ok }

// errNeedsValues is what a check returns when the values it was given,
// some of them unknown, do not decide it.
var errNeedsValues = errors.New("needs values known only at deploy time")

// checkWhenKnown runs check on inputs now, with unknown{} for the values not
// known yet; when check returns errNeedsValues it is recorded to run at
// deploy time with every value. The same function makes the same message
// either way; its other errors are returned.
func (t *target) checkWhenKnown(env *resolveEnv, check func(vals []any) error, inputs ...pulumi.Input) error {
	vals := make([]any, len(inputs))
	all := make([]any, len(inputs))
	for i, in := range inputs {
		all[i] = in
		a, err := await(env.ctx, in)
		if err != nil {
			return err
		}
		if a.known {
			vals[i] = a.value()
		} else {
			vals[i] = unknown{}
		}
	}
	err := check(vals)
	if errors.Is(err, errNeedsValues) {
		t.later = append(t.later, laterCheck{inputs: all, check: check})
		return nil
	}
	return err
}

// buildEnv is what a target sees once the component is registered.
type buildEnv struct {
	ctx    *pulumi.Context
	parent pulumi.Resource
	// name is the component's name, the prefix of its children's names.
	name string
	// tags go on every child that takes tags.
	tags pulumi.StringMapInput
	// identity is the provider's partition, region and account.
	identity   func() identity
	defaultBus func() pulumi.StringOutput
	// source is the event source of a mapping; nil for invoke configs.
	source *mappingSource
	// grantTo is the name of the role the component grants to; nil when
	// it grants nothing (SkipGrants).
	grantTo pulumi.StringInput
}

// keyGrantBefore grants the KMS actions on a customer-managed key that a
// target the component creates is encrypted with, in a policy of its own
// that the target waits for: when the key is added to a deployed queue or
// topic, the role may use the key before the first message is encrypted
// with it; when it is removed, the grant goes only after the target no
// longer uses the key. It returns the options for the target.
func (b *buildEnv) keyGrantBefore(u *routeUse, key *kms.Key) ([]pulumi.ResourceOption, error) {
	if key == nil || isNil(b.grantTo) {
		return b.childOpts(), nil
	}
	p, err := namedGrantPolicy(b.ctx, u.childName("key-grants"), b.grantTo, []grant{keyGrant(key.Arn)}, b.parent)
	if err != nil {
		return nil, err
	}
	u.created.KeyPolicy = p
	return b.childOpts(p), nil
}

// identity is where the component's resources are created.
type identity struct {
	partition, region, account pulumi.StringOutput
}

// childOpts are the options of a child created for a route.
func (b *buildEnv) childOpts(deps ...pulumi.Resource) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{pulumi.Parent(b.parent)}
	if len(deps) > 0 {
		opts = append(opts, pulumi.DependsOn(deps))
	}
	return opts
}

// withArticle puts "a" or "an" before a kind's label, as it is read aloud
// ("an SQS queue", "a Lambda function").
func withArticle(label string) string {
	if label != "" && strings.ContainsRune("AEIOSaeio", rune(label[0])) {
		return "an " + label
	}
	return "a " + label
}

func describe(label, name string) string {
	if name == "" {
		return label
	}
	return fmt.Sprintf("%s %q", label, name)
}
