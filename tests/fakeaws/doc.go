// Package fakeaws is a TEST DOUBLE of the Pulumi AWS provider
// (pulumi-resource-aws 6.83.4). It never talks to AWS. The engine tests
// build ./tests/fakeaws/cmd/pulumi-resource-aws into a temporary folder put
// on PATH for the tests only, so that the real Pulumi engine runs our stacks
// against it.
//
// What it does, for the resource types and invokes our stacks use:
//
//   - answers with ids, names and ARNs in the real AWS formats (account
//     123456789012, the configured region, default us-east-1), auto-naming
//     resources like the real provider (logical name plus 7 hex characters,
//     kept across updates);
//   - marks the fields that force replacement in the real provider as
//     replaces in Diff (see replaceOnChange);
//   - appends every Create, Update and Delete, with its URN, inputs, start
//     and end time and error, to a JSON-lines log ([EnvLog]) the tests read
//     with [ReadLog];
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
//     not looked up;
//   - stores a role policy only after a delay ([EnvRolePolicyDelay],
//     default 2s), as IAM propagates slowly, so a missing ordering
//     dependency shows as a failed update rather than a lucky race.
//
// Each engine run starts a new plugin process, so the provider keeps what it
// has "deployed" in a JSON state file ([EnvState]). Tests seed resources
// that exist outside the stack (a function and its role) with [Seed].
package fakeaws

// Environment variables the plugin reads.
const (
	// EnvState is the path of the state file (required).
	EnvState = "FAKEAWS_STATE"
	// EnvLog is the path of the JSON-lines operation log (optional).
	EnvLog = "FAKEAWS_LOG"
	// EnvRolePolicyDelay is how long a role policy write takes before the
	// policy is stored, as a Go duration; default 2s.
	EnvRolePolicyDelay = "FAKEAWS_ROLE_POLICY_DELAY"
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
