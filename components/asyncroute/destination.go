package asyncroute

import (
	"fmt"
	"sync"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Kind names a destination service. Its value is the service field of the
// target's ARN.
type Kind = lambdafacts.Kind

// The destination kinds Lambda accepts.
const (
	KindSQS         = lambdafacts.KindSQS         // standard SQS queue
	KindSNS         = lambdafacts.KindSNS         // standard SNS topic
	KindLambda      = lambdafacts.KindLambda      // Lambda function
	KindEventBridge = lambdafacts.KindEventBridge // EventBridge event bus
	KindS3          = lambdafacts.KindS3          // S3 bucket, on failure only
	// KindKafka is a Kafka topic as the on-failure destination of a Kafka
	// event source mapping. It is written as a URI (kafka://<topic>), not
	// an ARN, so it is not a kind [ARN] accepts.
	KindKafka = lambdafacts.KindKafka
)

// Destination is where Lambda sends an invocation record (on success, on
// failure) or the original event (dead-letter target). The set is closed,
// because Lambda accepts exactly these services: use one of the types of
// this package, [SQSQueue], [SNSTopic], [LambdaFunction], [EventBus],
// [DefaultEventBus], [S3Bucket], [NewQueue], [NewTopic], [ResponseOnly],
// [KafkaTopic], or [ARN] (with Kind) for a target outside the program.
type Destination interface {
	// resolve checks the destination while the program runs and
	// describes it.
	resolve(env *resolveEnv) (*target, error)
}

// Permission is one IAM action on one resource that an execution role
// needs.
type Permission = lambdafacts.Permission

// RequiredPermissions lists the permissions an execution role needs to
// deliver invocation records to the destination with this ARN (not counting
// a customer-managed KMS key; see [KMSPermissions]). The ARN must be one
// Lambda accepts as a destination.
func RequiredPermissions(arn string) ([]Permission, error) {
	return lambdafacts.RequiredPermissions(arn)
}

// KMSPermissions lists what the components grant a sender on the
// customer-managed key that encrypts an SQS queue or SNS topic.
func KMSPermissions(keyArn string) []Permission {
	k, _ := lambdafacts.KindOf(KindSQS)
	return k.KeyGrantsOn(keyArn)
}

// grant is a list of permissions that resolves at deploy time (an output of
// []Permission); an empty list grants nothing.
type grant = pulumi.AnyOutput

// grantOf grants what perms returns for a value known at deploy time.
func grantOf(in pulumi.StringOutput, perms func(string) []Permission) grant {
	return in.ApplyT(func(s string) []Permission { return perms(s) }).(pulumi.AnyOutput)
}

// target is a checked destination.
type target struct {
	// spec is the destination's kind; nil when it is decided at deploy
	// time from an ARN that is not known while the program runs (an [ARN]
	// without Kind during an update; lateKind is then the kind's name).
	spec     *lambdafacts.KindSpec
	lateKind pulumi.StringOutput
	// route builds the target once the component exists.
	route route
	// known is the ARN when it is known while the program runs.
	known string
	// describe names the target in messages, e.g. `SQS queue "jobs"`
	// (resources by their Pulumi name, so that the text is the same at
	// preview and at deploy time); fromResource says it was given as a
	// resource, so messages about its ARN name it by describe.
	describe     string
	fromResource bool
	// res is the destination resource when one was given; fnName the name
	// of a Lambda function given as a resource (for the self check).
	res    pulumi.Resource
	fnName pulumi.StringInput
	// later are the checks of values known only at deploy time; they run,
	// in order, inside the ARN that feeds the invoke config, dead-letter
	// config or mapping, so a bad value fails that resource's input.
	later phase.Checks
	// extra holds grants beyond the kind's own (customer KMS keys).
	extra []grant
	// arn is the ARN of a destination given as a resource; policies are
	// its resource-based policies given with it (see checkTargetPolicies).
	arn         pulumi.StringInput
	policies    []targetPolicy
	policyLater []policyCheck
	// key is the customer-managed key given with the destination (its
	// Key), whose key policy is checked with the target's policies.
	key *kms.Key
	// slot and src are where the target is used.
	slot lambdafacts.Slot
	src  *mappingSource
}

// route is how a target comes to exist once the component is registered:
// build returns its ARN and may create it (a NewQueue's queue), parented to
// the component and recorded in u.created; it runs before the grant policy.
type route interface {
	build(b *buildEnv, u *routeUse) (pulumi.StringOutput, error)
}

// routeAfter is a route that also needs children once the configured
// function exists (a response-only route's rule, target and permission);
// source is the function's ARN qualified exactly as the invoke config is.
// The invoke config waits for what it returns.
type routeAfter interface {
	route
	after(b *buildEnv, u *routeUse, source pulumi.StringOutput) ([]pulumi.Resource, error)
}

// routeGrants is a route whose grants come from the build environment (a
// Kafka topic's from the mapping's cluster ARN) rather than from its kind.
type routeGrants interface {
	route
	grants(b *buildEnv, arn pulumi.StringOutput) []grant
}

// existing is the route of a target that exists: its ARN.
type existing struct{ arn pulumi.StringOutput }

func (e existing) build(*buildEnv, *routeUse) (pulumi.StringOutput, error) { return e.arn, nil }

// routeUse is one use of a target by a component: the slot, the prefix of
// the children it creates, and where they are recorded.
type routeUse struct {
	slot    lambdafacts.Slot
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

// resolveEnv is what a destination sees while it is checked.
type resolveEnv struct {
	ctx       *pulumi.Context
	component string
	field     string
	// place is where the component deploys, as known now.
	place lambdafacts.Place
	// source is the event source of a mapping; nil for invoke configs.
	source *mappingSource
}

// buildEnv is what a target sees once the component is registered.
type buildEnv struct {
	ctx    *pulumi.Context
	parent pulumi.Resource
	// name is the component's name, the prefix of its children's names.
	name string
	// component names the component in messages (`Function "orders"`).
	component string
	// tags go on every child that takes tags.
	tags pulumi.StringMapInput
	// provider is the key of the component's provider (Place.Provider).
	provider string
	// identity is the provider's partition, region and account.
	identity   func() identity
	partition  func() pulumi.StringOutput
	defaultBus func() pulumi.StringOutput
	// source is the event source of a mapping; nil for invoke configs.
	source *mappingSource
	// grantTo is the name of the role the component grants to; nil when
	// it grants nothing (SkipGrants).
	grantTo pulumi.StringInput
	// grantOpts are added to every grant policy's options; policies are
	// the grant policies made so far.
	grantOpts []pulumi.ResourceOption
	policies  []*iam.RolePolicy
}

// identity is where the component's resources are created.
type identity struct {
	partition, region, account pulumi.StringOutput
}

// lookupPartition asks the provider (once per component) for its partition.
func lookupPartition(ctx *pulumi.Context, parent pulumi.Resource) func() pulumi.StringOutput {
	return sync.OnceValue(func() pulumi.StringOutput {
		return aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, pulumi.Parent(parent)).Partition()
	})
}

// lookupIdentity asks the provider (once per component) where it deploys;
// the partition comes from partition, the component's one lookup of it.
func lookupIdentity(ctx *pulumi.Context, parent pulumi.Resource, partition func() pulumi.StringOutput) func() identity {
	return sync.OnceValue(func() identity {
		opt := pulumi.Parent(parent)
		id := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, opt)
		region := aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, opt)
		return identity{partition: partition(), region: region.Name(), account: id.AccountId()}
	})
}

func newBuildEnv(ctx *pulumi.Context, parent pulumi.Resource, name string, tags pulumi.StringMapInput) *buildEnv {
	b := &buildEnv{ctx: ctx, parent: parent, name: name, tags: tags}
	b.partition = lookupPartition(ctx, parent)
	b.identity = lookupIdentity(ctx, parent, b.partition)
	b.defaultBus = sync.OnceValue(func() pulumi.StringOutput {
		i := b.identity()
		return pulumi.All(i.partition, i.region, i.account).ApplyT(func(v []any) string {
			return lambdafacts.DefaultBusARN(v[0].(string), v[1].(string), v[2].(string))
		}).(pulumi.StringOutput)
	})
	return b
}

// childOpts are the options of a child created for a route.
func (b *buildEnv) childOpts(deps ...pulumi.Resource) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{pulumi.Parent(b.parent)}
	if len(deps) > 0 {
		opts = append(opts, pulumi.DependsOn(deps))
	}
	return opts
}

// keyGrantBefore grants the KMS actions on a customer-managed key that a
// target the component creates is encrypted with (keyArn, the key's ARN),
// in a policy of its own that the target waits for: when the key is added
// to a deployed queue or topic, the role may use the key before the first
// message is encrypted with it; when it is removed, the grant goes only
// after the target no longer uses the key. It returns the options for the
// target.
func (b *buildEnv) keyGrantBefore(u *routeUse, spec *lambdafacts.KindSpec, keyArn pulumi.StringOutput) ([]pulumi.ResourceOption, error) {
	if isNil(b.grantTo) {
		return b.childOpts(), nil
	}
	p, err := b.grantPolicy(u.childName("key-grants"), []grant{grantOf(keyArn, spec.KeyGrantsOn)})
	if err != nil {
		return nil, err
	}
	u.created.KeyPolicy = p
	return b.childOpts(p), nil
}

// createdKey is the customer-managed key of a queue or topic the component
// creates, given as a resource (KmsKey) or by its ARN (KmsKeyArn).
type createdKey struct {
	// arn is the key's ARN, checked at deploy time when it was not known
	// while the program ran; set says there is a key.
	arn pulumi.StringOutput
	set bool
}

// resolveCreatedKey checks the key fields of a NewQueue or NewTopic (what
// names the type): at most one of them; a key ARN known while the program
// runs is checked now, one known only at deploy time inside the key ARN
// that the key grant and the queue or topic take, and inside the invoke
// config's (or mapping's) input, with the same message.
func resolveCreatedKey(env *resolveEnv, t *target, what string, key *kms.Key, keyArn pulumi.StringInput) (createdKey, error) {
	switch {
	case key != nil && !isNil(keyArn):
		return createdKey{}, fmt.Errorf("%s has both KmsKey and KmsKeyArn; allowed: one of them, or neither", what)
	case key != nil:
		if err := t.later.Now(env.ctx, symmetric(t.describe), key.CustomerMasterKeySpec); err != nil {
			return createdKey{}, err
		}
		return createdKey{arn: key.Arn, set: true}, nil
	case isNil(keyArn):
		return createdKey{}, nil
	}
	field := what + ".KmsKeyArn"
	var checks phase.Checks
	err := checks.Now(env.ctx, phase.Known(func(v []any) error {
		k, _ := v[0].(string)
		return lambdafacts.CheckKeyARN(field, k)
	}), keyArn)
	if err != nil {
		return createdKey{}, err
	}
	t.later.Add(&checks)
	component, slot := env.component, env.field
	arn := phase.Gate[string](&checks, keyArn.ToStringOutput(), func(err error) error {
		return inputErrorOf(component, slot, err)
	}).(pulumi.StringOutput)
	return createdKey{arn: arn, set: true}, nil
}
