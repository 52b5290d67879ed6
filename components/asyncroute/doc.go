// Package asyncroute provides Pulumi components that wire AWS Lambda
// asynchronous-invocation routing correctly by construction.
//
// One component bundles a function, its on-success and on-failure
// destinations, its retry settings and the least-privilege IAM grants those
// destinations need:
//
//   - [NewFunction] creates the execution role (unless you bring one), one
//     inline grant policy, the lambda.Function and its
//     lambda.FunctionEventInvokeConfig.
//   - [NewAsyncInvoke] attaches the same routing and grants to a function that
//     already exists (CDK's configureAsyncInvoke case).
//   - [NewEventSourceMapping] maps a Kinesis stream, DynamoDB stream, Kafka
//     cluster or SQS queue to a function, with the mapping's own on-failure
//     destination, retry bounds and the grants they need.
//
// Each of them takes [Alarms]: CloudWatch alarms on the metrics that mean
// records are lost after deploy (DestinationDeliveryFailures,
// DeadLetterErrors, AsyncEventsDropped, AsyncEventAge), on the qualifier
// the invoke config is on.
//
// Destinations are values of the [Destination] interface, one type per kind:
// [SQSQueue], [SNSTopic], [LambdaFunction], [EventBus], [DefaultEventBus],
// [S3Bucket] (on failure only) and [ARN] for a target that exists elsewhere.
// [NewQueue] and [NewTopic] ask the component to create the target;
// [ResponseOnly] chains functions by their response payload through the
// default event bus; [KafkaTopic] is a Kafka mapping's dead-letter topic.
//
// # What the components guarantee
//
// Every grant Lambda checks when the invoke config is written exists before
// the config (the config depends on the grant policy, on create and on
// update; a function with a dead-letter target depends on it too; an event
// source mapping depends on the grants to read its source and deliver its
// failures; a response-only route's rule, target and permission exist
// before the config that feeds them). Actions
// are AWS's minimal set: sqs:SendMessage, sns:Publish, lambda:InvokeFunction
// (on the function ARN and ARN:* so qualified ARNs work), events:PutEvents,
// s3:PutObject on bucket/* plus s3:ListBucket on the bucket, and
// kms:GenerateDataKey* plus kms:Decrypt on a customer-managed key that
// encrypts a queue or topic. No statement has a wildcard resource.
//
// Bad input fails while the program runs, before any resource is registered,
// so `pulumi preview` reports it with a message that names the field and the
// allowed values:
//
//	asyncroute: Function "orders": MaxRetries: 3 is out of range; allowed: 0, 1 or 2
//
// Resources are named in messages by their Pulumi name (`SQS queue "jobs"`),
// targets given by a literal ARN by that ARN.
//
// # Preview, update and the time a deployment takes
//
// The components never hold the program up waiting for AWS. During
// `pulumi preview` an output of a resource resolves as soon as the engine
// has planned that resource, so the components read the outputs of their
// destinations (a queue's name and FIFO flag, its KMS key, an ARN) and
// report every fault before they register anything. During `pulumi up` an
// output resolves only once the resource has been created in AWS; waiting
// for it there would make every component wait for its destinations, and a
// chain of functions would deploy one after another. So during an update
// the components read literals only and register their children at once;
// each check that needs an output runs inside the outputs that feed the
// resources that deliver records: the invoke config's destinations, the
// function's dead-letter target, the event source mapping's source and
// on-failure destination, and the function name the config is written for
// (the one-config-per-qualifier check); a response-only route's next
// function given by ARN is checked in its rule target and permission too,
// and a created queue's or topic's key given by ARN in its key grant and
// the queue or topic. The check is the same function
// either way, so the message is the same; a bad value fails the input of
// the resource that would deliver records, which is then never written
// (the role, the grant policy and the function may already exist). An
// update run without a preview (`pulumi up --skip-preview`, the Automation
// API's Up) is therefore as safe as one after a preview, and a first
// deployment is as parallel as the same resources written by hand.
//
// # Changing a deployed stack
//
// A permission must exist before the first write that needs it and outlive
// the last write that uses it. The engine orders creates and updates by
// dependency and runs deletes at the end; the components use that:
//
//   - the grant policy is replaced, not updated in place, when its
//     document changes (the policy's name is its child name and a hash of
//     its document, and the provider replaces an inline policy whose name
//     changes, so old and new exist side by side; a write retried after a
//     lost answer or an interrupted `pulumi up` overwrites the same policy
//     instead of leaving another on the role; a document changed outside
//     Pulumi is written back in place): the new policy is created before the
//     invoke config (or the function with a dead-letter target, or the
//     mapping) is updated to use what it grants, and the old policy is
//     deleted with the deletes, after every dependent has stopped using
//     what only the old one granted. Adding, removing and switching
//     destinations (queue to topic, queue A to queue B, a destination
//     leaving the program with its queue) never leave a route without its
//     grant. While both exist, the role carries both documents: mind IAM's
//     limit on the size of a role's inline policies (10,240 characters in
//     all) when a role is shared by many functions;
//   - a function's execution role may change (a created role for a brought
//     one or back). Between the function's update and its invoke config's,
//     Lambda delivers on the config's old routes with the new role. The
//     component records the role and each route's target as far as the
//     program shows them (resources by their Pulumi names, literal ARNs
//     and names) as its inputs roleIdentity and routeIdentities, and a
//     BeforeUpdate hook on the component compares the deployed ones with
//     the new ones before any child is written: a role change together
//     with a route the config stops using is refused with a message that
//     says to split it into two deployments (no single deployment can be
//     safe: the new role would have to grant the old route and then stop,
//     and a resource is updated once per deployment); a role change alone
//     makes the function's role input wait until the grant policies on the
//     new role exist, so the function's update is sent only then, and a
//     failure of the grants, or of what they wait for, ends the
//     deployment at once with its own message. A create does not wait (no
//     invoke config uses the function yet), so first deployments are not
//     serialized. A change the component cannot see (a role given by a
//     value known only at deploy time, a role resource replaced under the
//     same name) is handled by the function's BeforeUpdate hook, which
//     waits for the grants (learning of a failed policy write at once from
//     the policy's error hook). Two functions that route to each other and
//     both change roles in one deployment would wait for each other: the
//     second to wait fails at once, naming the first (change one role per
//     deployment); through an ARN the component cannot follow, the wait
//     gives up after 15 minutes;
//   - a queue or topic the component creates with a customer-managed key
//     (NewQueue{KmsKey: ...}, NewTopic{KmsKey: ...}, or KmsKeyArn, the
//     key's ARN) waits for a policy of its own that grants the key, so the
//     role may use the key before the first message is encrypted with it,
//     and the grant goes only after the queue stops using the key. A queue
//     or topic you create and pass as
//     SQSQueue or SNSTopic is updated by your program, not by the
//     component: when you add a customer-managed key to one already in use,
//     deploy the key's grant first (add the Key, or the key id, in a
//     deployment of its own) or use NewQueue;
//   - the invoke config depends on the grant policy and on everything the
//     route creates (a response-only route's rule, target and permission),
//     so on destroy it goes first, then the grants, the function, the role
//     and the targets. It names its function by name (a function of the
//     provider's account and region given by ARN included) with the
//     qualifier apart, so naming the function another way is an update in
//     place: Lambda keeps one config per function and qualifier, and a
//     replacement would write it and then delete it.
//
// [Adopt] moves a function routed by hand (raw resources, or resources
// imported from the console, SAM, CloudFormation or Terraform) under a
// component without replacing it: each child takes an alias of the
// resource it replaces, the function keeps its role in the adopting
// deployment, and the adopted grant policy is deleted only after the
// component's exists (docs/adopting.md).
//
// # Resource policies
//
// The components create identity grants only: a target's own policy can
// still refuse every delivery. A queue's or topic's Policy input, and the
// policy resource given with a destination ([SQSQueue].Policy,
// [SNSTopic].Policy, [EventBus].Policy, [S3Bucket].Policy), are evaluated
// with the execution role as AWS evaluates them (the same decision as
// package asyncpolicy's ASYNC001): an explicit Deny that applies to the
// role, or, for a target in another account than the role's, no Allow
// for it, is refused naming the statement. The check runs at preview when
// a Deny for every resource decides it, else before the config is written
// (a new target's ARN is not known at preview); a statement that depends
// on request context (a VPC endpoint, TLS, tags) or on the ARN of the role
// the component creates decides nothing. The config is written after the
// policy resource given with it.
//
// The key policy of a customer-managed key given with a destination (its
// Key) is read the same way: one that denies the role, or neither allows
// it nor delegates to IAM (the account's root principal, as the default
// key policy does), makes the role's kms: grant useless and is refused.
//
// These components do not manage the roles and functions you bring with
// ExistingRole or NewAsyncInvoke: a change of role you make to such a
// function outside the component is not ordered by it.
//
// Destinations fire only for asynchronous invocations (InvocationType=Event,
// S3/SNS/EventBridge triggers). Event source mappings (SQS, Kinesis,
// DynamoDB, Kafka) invoke the function synchronously and have their own
// on-failure setting: configure it with [NewEventSourceMapping], not with a
// function's OnFailure.
package asyncroute
