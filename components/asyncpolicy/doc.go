// Package asyncpolicy checks a Pulumi stack for AWS Lambda asynchronous-
// invocation routing mistakes: missing grants for destinations, targets
// Lambda rejects, failure paths that do not exist, destinations that never
// fire, over-broad grants, triggers that invoke a qualifier without the
// function's invoke config, delivery failures no alarm would report, loops,
// and deliveries authorized by policies outside the stack.
//
// The rules look at one graph model ([Graph], package stackgraph's:
// resources with type, URN, name, parent, inputs, outputs and
// dependencies) and know nothing about where it came from. Each door
// produces it:
//
//   - mockmonitor.Run (and asyncroutetest.Run over it) records a program
//     run under mocks; [FromStack] takes either's result;
//   - cmd/asyncroute-check reads `pulumi stack export` and
//     `pulumi preview --json` files (package stackgraph/stackfile);
//   - policypack/ is a Go policy pack (policyx) for
//     `pulumi preview --policy-pack`.
//
// All of them call [Check], so they report the same findings for the same
// resources.
//
// # Rules
//
//	ASYNC001 destination-permission        mandatory  the execution role allows delivery to every destination, DLQ and mapping on-failure destination (and KMS for customer keys),
//	                                                  within its permissions boundary (a policy of the stack, or an AWS managed one from iampolicy's table)
//	ASYNC002 destination-validity          mandatory  S3 only on failure, no FIFO target or DLQ, no self-destination, retries and max age in Lambda's ranges;
//	                                                  mappings: no on-failure destination for an SQS source, no FIFO on-failure
//	                                                  destination, retries and record age in Lambda's ranges
//	ASYNC003 failure-path-required         advisory   an asynchronously invoked function has an on-failure destination or a DLQ
//	ASYNC004 destinations-never-fire       advisory   a function with destinations is invoked only synchronously
//	ASYNC005 broad-destination-grant       mandatory  the execution role allows destination actions on more than one resource ("*", any other wildcard
//	                                                  but a function's :* and a bucket's /*, or an ARN without region or account)
//	ASYNC006 invoked-qualifier-has-config  mandatory  a trigger invokes a qualifier that has no invoke config while another qualifier of the
//	                                                  function has one; or a qualifier none of the stack's Lambda permissions for its
//	                                                  service covers, while the stack has such permissions on other qualifiers
//	ASYNC007 delivery-failures-alarm       advisory   an invoke config with destinations (not made by an asyncroute component) has no
//	                                                  CloudWatch alarm on its function's DestinationDeliveryFailures (FunctionName, and
//	                                                  Resource for an alias or version); an alarm on a Lambda metric notifies a topic
//	                                                  encrypted with alias/aws/sns, which CloudWatch cannot publish to
//	ASYNC008 success-loop                  mandatory  on-success routes (destinations, and EventBridge rules that pass a function's
//	                                                  success records on) lead back to a function they start from
//	ASYNC009 redrive-loop                  advisory   any other loop: through an on-failure destination, a dead-letter target, or a
//	                                                  queue, topic or bucket that triggers a function of the loop again
//	ASYNC010 authorization-outside-stack   advisory   a delivery authorized by a policy outside the stack (a permissions boundary, the
//	                                                  resource-based policy of a target in another account, the key policy of a
//	                                                  customer key), once per function and target, with what it must allow and to whom
//
// Levels can be changed per rule with [Config].
//
// # How resources are related
//
// Everything is matched by value, the way AWS matches it: a function's
// `role` input is the role's ARN, an invoke config's or an event source
// mapping's `functionName` is a function name or ARN, a destination is an
// ARN, a RolePolicy's `role` is a role name. When such a value is unknown
// (a preview of resources not created yet), the resource's property
// dependencies are used instead: the single resource of the expected type
// that the input depends on.
//
// # Unknown values
//
// A value that is unknown at preview is never reported as a violation. The
// check that needs it is skipped for that value: a destination ARN that is
// unknown cannot be checked against the role's policy; a policy document
// that is unknown (it embeds ARNs of new resources) makes every permission
// that the known documents do not already allow or deny undecided; a role,
// target or key outside the stack cannot be looked at, so its grants are not
// judged. Run the checker on the stack export after deploying, or on the
// preview of an update, to check everything.
//
// # IAM evaluation
//
// The evaluator reads the role's inline policies (`inlinePolicies` and
// aws:iam/rolePolicy:RolePolicy), the customer policies attached to it
// (aws:iam/rolePolicyAttachment:RolePolicyAttachment,
// aws:iam/policyAttachment:PolicyAttachment or `managedPolicyArns`, matched
// to aws:iam/policy:Policy resources of the stack by ARN) and the AWS
// managed policies it knows by name (iampolicy.Managed). It honours `*` and
// `?` in actions (case-insensitively) and resources, NotAction and
// NotResource, and an explicit Deny over any Allow. Statements with a
// Condition are taken to apply (an Allow is granted, a Deny is ignored),
// so that a condition never causes a false violation. Permissions
// boundaries, resource-based policies and key policies of the stack are
// evaluated with iampolicy.Authorize (ASYNC001); those outside the stack
// cannot be read, and ASYNC010 says what they must allow. SCPs are not
// evaluated.
package asyncpolicy
