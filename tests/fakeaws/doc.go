// Package fakeaws is a TEST DOUBLE of the Pulumi AWS provider
// (pulumi-resource-aws 6.83.4). It never talks to AWS. The engine tests
// build ./tests/fakeaws/cmd/pulumi-resource-aws into a temporary folder put
// on PATH for the tests only, so that the real Pulumi engine runs our stacks
// against it.
//
// What it does, for the resource types and invokes our stacks use:
//
//   - answers with ids, names and ARNs in the real AWS formats (in the
//     provider's place: the configured region, default us-east-1, its
//     partition, aws-us-gov for us-gov-* and aws-cn for cn-*, and the
//     account allowedAccountIds names, default 123456789012), auto-naming
//     resources like the real provider (logical name plus 7 hex characters,
//     kept across updates, new on a replacement);
//   - marks the fields that force replacement in the real provider as
//     replaces in Diff;
//   - appends every Create, Update and Delete, with its URN, inputs, start
//     and end time and error, to a JSON-lines log ([EnvLog]) the tests read
//     with [ReadLog];
//   - refuses or merges what AWS does where names and objects are shared:
//     CreateFunction with a name the account and region have fails with
//     ResourceConflictException; CreateRole with a name the account has, in
//     any case, fails with EntityAlreadyExists; CreateQueue with a taken
//     name returns that queue when the attributes match and fails with
//     QueueAlreadyExists when they differ; CreateTopic with a taken name
//     returns that topic; an invoke config is one object per function and
//     qualifier (however a resource names the function: name, ARN,
//     name:qualifier), so a create puts it over what another resource
//     wrote and a delete removes it whichever resource asks, and a
//     function's delete removes its configs; an inline role policy is
//     <role>:<name>, so a write of the same name overwrites; DeleteRole
//     fails with DeleteConflict while the role has inline policies (unless
//     forceDetachPolicies), so an orphaned grant shows as a failure;
//   - enforces Lambda's write-time check: writing an invoke config with a
//     destination, a function with a dead-letter target, or an event source
//     mapping (reading a Kinesis stream, SQS queue or DynamoDB stream, with
//     an on-failure destination) fails with Lambda's
//     InvalidParameterValueException text unless the inline policies of the
//     function's execution role, as this provider has stored them so far,
//     allow the needed actions (sqs:SendMessage, sns:Publish,
//     lambda:InvokeFunction, events:PutEvents, s3:PutObject; the source's
//     read actions) on the target. Functions and roles must exist (created
//     by the stack or seeded); event sources and destinations themselves are
//     not looked up, and KMS keys are not checked at write time;
//   - refuses a CloudWatch metric alarm PutMetricAlarm would refuse (a
//     period other than 10, 20, 30 or a multiple of 60 seconds, an
//     evaluation range over one day for periods under an hour or over seven
//     days, a value outside its enumerations);
//   - stores a role policy only after a delay ([EnvRolePolicyDelay],
//     default 2s), as IAM propagates slowly, so a missing ordering
//     dependency shows as a failed update rather than a lucky race;
//   - makes each operation take as long as [EnvLatency] says (default: no
//     latency), to measure deploy times;
//   - records Lambda's delivery-time view as windows (see below);
//   - fails chosen writes once, before or after storing them ([EnvFaults],
//     [InjectFaults]; see "Faults");
//   - answers Read (refresh, import) with what it has stored, so a change
//     made outside the stack ([EditOutOfBand]) shows on refresh;
//   - answers GetSchema with a schema of the types it implements, read from
//     the pulumi-aws Go SDK's types (schema.go), so that Pulumi YAML
//     programs may declare them.
//
// The double is an independent oracle on purpose: it does not read the
// library's table of AWS types (internal/awstypes), its IAM evaluator or
// its facts (internal/lambdafacts), but keeps its own per-type specs
// (spec_<service>.go) and checks, written from AWS's and the pulumi-aws
// provider's behaviour, so that an engine test can catch the library and
// the double disagreeing.
//
// Each engine run starts a new plugin process, so the provider keeps what it
// has "deployed" in a JSON state file ([EnvState]). Tests seed resources
// that exist outside the stack (a function and its role) with [Seed].
//
// # Files
//
// rpc.go is the gRPC layer; plain.go converts property values to plain
// values; provider.go holds the settings and the three writes; state.go and
// oplog.go persist the state file and the operation log; latency.go parses
// [EnvLatency]; lambda_checks.go is Lambda's write-time checks and
// lambda_delivery.go its delivery-time view; iam.go evaluates IAM policies;
// spec.go and spec_<service>.go describe each resource type (naming,
// replace-on-change fields, computed outputs, checks).
//
// # Latency
//
// [EnvLatency] is a comma-separated list of rules; blanks around rules,
// selectors and durations are ignored, and an empty value means no latency:
//
//	value    = "" | rule { "," rule }
//	rule     = selector "=" duration
//	selector = op [ ":" type ]
//	op       = "create" | "update" | "delete" | "*"
//	type     = a type token the double implements, e.g. aws:iam/rolePolicy:RolePolicy
//	duration = a Go duration (time.ParseDuration), not negative: 1s, 500ms, 1m30s
//
// A rule is split at its first "=" (no op, type token or duration contains
// one) and its selector at its first ":" (no op contains one), so type
// tokens keep their own ":" and "/". Examples: `create=1s` (every create),
// `create:aws:iam/rolePolicy:RolePolicy=2s`, `update=500ms`,
// `delete:aws:lambda/function:Function=3s`, `*=100ms`,
// `*:aws:lambda/function:Function=3s`.
//
// The most specific matching rule wins: op:type, then *:type, then op, then
// *. An unknown op, a type the double does not implement, an empty rule, a
// missing "=", a bad or negative duration or the same selector twice is an
// error: the plugin does not start and the engine shows the message
// ([ParseLatency]).
//
// The operation sleeps at its start, inside the Start..End interval the log
// records, before anything is checked or stored. A role policy's
// propagation delay ([EnvRolePolicyDelay]) comes on top of it.
//
// # Faults
//
// A fault fails one write: the first create, update or delete of a
// resource whose logical name (the last component of its URN) or type
// token is the fault's target. Before: the write is refused with an HTTP
// 500 InternalFailure and nothing is stored. After: the write is stored
// (and the windows updated) and the engine still gets an error, as when
// the answer is lost (a connection reset): AWS has the change, Pulumi's
// state does not. Each fault fires once per state file, whichever plugin
// process makes the write; the message names the fault, and [Faults]
// lists them with when they fired and on which URN.
//
// Faults come from [InjectFaults] (tests, between engine runs) or from
// [EnvFaults], read when the plugin starts and recorded in the state file
// once (a rule already recorded, fired or not, is not added again):
//
//	value  = "" | rule { "," rule }
//	rule   = op ":" target "=" when
//	op     = "create" | "update" | "delete"
//	target = a logical name, or a type token the double implements
//	when   = "before" | "after"
//
// Examples: `create:router-async-grants=before` (the grant policy's
// create, refused), `update:router-async-config=after` (the invoke
// config's update, stored but answered with an error),
// `delete:aws:iam/rolePolicy:RolePolicy=before` (the first role policy
// delete). A rule is split at its first "=" and its selector at its first
// ":", so type tokens keep their own ":" and "/". An unknown op or timing,
// a missing target, a type the double does not implement, an empty rule
// or the same rule twice is an error: the plugin does not start.
//
// [EditOutOfBand] changes the stored state as a console user or another
// tool would (a grant deleted, a policy edited): the windows follow, and
// the next refresh reads the change.
//
// # Delivery-time windows
//
// Lambda checks grants when a config is written, but delivers later, with
// whatever the execution role allows then. After every mutation of the
// state (create, update or delete of any record, a delayed role policy
// being stored, a [Seed]) the provider evaluates every live route:
//
//   - each invoke config's destinationConfig.onSuccess.destination and
//     destinationConfig.onFailure.destination;
//   - each function's deadLetterConfig.targetArn;
//   - each event source mapping's destinationConfig.onFailure.destinationArn;
//
// against the inline role policies stored for the current execution role
// of the route's function (function record's role ARN, that role's name,
// its RolePolicy records; managed policies are ignored). A route is live
// while its record and its function are stored. The needs are those of
// the write-time check (sqs:SendMessage on a queue, sns:Publish on a topic,
// lambda:InvokeFunction on a function, events:PutEvents on a bus,
// s3:PutObject on bucket/*) plus, when the target is an SQS queue or SNS
// topic stored in the state whose kmsMasterKeyId is a customer-managed key
// (a key id or key ARN; not empty, not alias/aws/..., not another alias,
// which the double cannot resolve), kms:GenerateDataKey and kms:Decrypt on
// the key's ARN (a key id becomes arn:aws:kms:<queue's region>:<queue's
// account>:key/<id>).
//
// Every interval during which a live route's needs are not all allowed is
// a [Window]: it opens at the mutation that made the route unpermitted and
// closes at the mutation that makes it permitted again or makes it stop
// existing (its config updated or deleted, the function's dead-letter
// target changed, the mapping changed or deleted, the function deleted). A
// change of the role or of the set of missing actions closes one window
// and opens another at the same instant. Windows are stored in the state
// file itself (the "windows" list, written under the same lock as the
// mutation) and read with [Windows].
package fakeaws

// Environment variables the plugin reads.
const (
	// EnvState is the path of the state file (required). It also holds the
	// delivery-time windows ([Windows]).
	EnvState = "FAKEAWS_STATE"
	// EnvLog is the path of the JSON-lines operation log (optional).
	EnvLog = "FAKEAWS_LOG"
	// EnvRolePolicyDelay is how long a role policy write takes before the
	// policy is stored, as a Go duration; default 2s. It adds to the
	// latency of EnvLatency.
	EnvRolePolicyDelay = "FAKEAWS_ROLE_POLICY_DELAY"
	// EnvLatency sets how long each operation takes, per operation and
	// resource type (grammar in the package documentation); default none.
	EnvLatency = "FAKEAWS_LATENCY"
	// EnvFaults fails named writes once each (grammar in the package
	// documentation, "Faults"); default none.
	EnvFaults = "FAKEAWS_FAULTS"
)

// Fixed identity the provider reports, the same as package asyncroutetest's
// mocks.
const (
	Account       = "123456789012"
	DefaultRegion = "us-east-1"
	Partition     = "aws"
	// Version is the AWS provider version this double stands in for.
	Version = "6.83.4"
)
