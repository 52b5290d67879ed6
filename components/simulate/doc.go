// Package simulate plays AWS Lambda's asynchronous invocation on a Pulumi
// stack, offline and on a virtual clock: you invoke a function, and the
// simulator runs its handler, retries it, expires the event, builds the
// invocation record and delivers it where the stack routes it, checking
// the execution role on the way, into in-memory queues, topics, buses,
// buckets and the next functions, until nothing is left to do. It needs no
// cloud account, no Docker and no Pulumi CLI.
//
//	sim, _ := simulate.Run(orders.Program, simulate.Config{})       // the stack, recorded under mocks
//	sim.InvokeAsync(ctx, "order-processor", json.RawMessage(`{"order_id":"o-1"}`))
//	fmt.Print(sim.Trace())                                         // what happened, line by line
//	recs := sim.Records("orders-processed")                        // what the queue got, read with package records
//
// `go run . simulate` (package plan) does the same for a stack's main
// program and prints the trace.
//
// # The stack
//
// The simulator reads the graph mockmonitor.Run records (or a stack export
// read by stackgraph/stackfile): functions, aliases, invoke configs,
// dead-letter configs, EventBridge rules and targets, SNS subscriptions.
// The destination edges and what each needs from the execution role come
// from asyncpolicy.Routes, and whether the role allows it from
// asyncpolicy.Analysis.Decide, so the simulator, the planner and
// the policy rules read a stack the same way. What a rule or a
// subscription does with an event (its pattern, InputPath, protocol, raw
// delivery) the simulator reads itself.
//
// # Handlers
//
// A Handler runs a function's code. Give Go functions
// (HandlerFunc: func(ctx, json.RawMessage) (json.RawMessage, error)) or
// commands (Command: JSON on standard input and output) in Config.Handlers.
// A function with a Python runtime whose code is a folder (the root stack's
// order processor, the examples' functions) runs its own code unchanged
// through Python: one python3 process per attempt, called as the Lambda
// runtime calls it, its exceptions turned into the runtime's error object.
// InfoFrom gives a Go handler its request ID, ARN and attempt.
//
// # What it plays
//
//   - InvokeAsync: Lambda queues the event and runs the handler; a function
//     error is retried up to the config's MaximumRetryAttempts (default 2),
//     one minute before the first retry and two before the second; an event
//     older than MaximumEventAgeInSeconds (default 6 hours) when an attempt
//     is due expires (QueuedFor makes an event wait in the queue first, as
//     throttling does). The config of the invoked qualifier applies: an
//     unqualified invocation uses $LATEST's, and the trace says so when the
//     config is on an alias.
//   - On success the record (condition Success) goes to the on-success
//     destination; on failure the record (RetriesExhausted,
//     EventAgeExceeded) goes to the on-failure destination and then the
//     original event, with the RequestID, ErrorCode and ErrorMessage
//     attributes, to the dead-letter target. Records and envelopes are
//     built with package records (Wrap*), and every delivery is read back
//     with it (Delivery.Record, Delivery.DeadLetter).
//   - Every delivery is checked against the execution role: a permission
//     the role lacks (or is denied) makes the delivery fail, in the trace
//     and in Trace.Problems, as Lambda drops the record and counts
//     DestinationDeliveryFailures (DeadLetterErrors for a DLQ).
//   - SQS queues keep messages (Delivery.SQS, as a Lambda consumer of the
//     queue gets them); SNS topics keep notifications and deliver them to
//     their subscriptions of the stack (SQS, raw or not; Lambda, invoked
//     asynchronously with the SNS event); EventBridge buses keep events and
//     run the stack's rules on them (source, detail-type, resources and any
//     other field; prefix, suffix, anything-but, exists, numeric,
//     wildcard and equals-ignore-case filters; InputPath $.a.b and Input on
//     targets), so a response-only rule passes $.detail.responsePayload to
//     the next function; a Lambda destination invokes the next function
//     asynchronously with the record, so chains run end to end; S3 buckets
//     keep objects under aws/lambda/async/<function>/YYYY/MM/DD/....
//   - InvokeSync runs the handler once; nothing is retried and nothing is
//     sent to destinations or the dead-letter target (the trace names what
//     would not receive anything).
//   - A function run more than MaxChainInvocations (16) times in one chain
//     of requests is stopped; the event goes to its on-failure destination
//     or DLQ. An asynchronous event over MaxAsyncPayload (1 MB) is refused.
//
// # Sources
//
//   - Retries, delays, expiry: AWS Lambda Developer Guide, "How Lambda
//     handles errors and retries with asynchronous invocation"
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
//     "by default Lambda attempts to run it two more times, with a
//     one-minute wait between the first two attempts, and two minutes
//     between the second and third attempts"; events that expire or fail
//     all attempts are discarded (or sent to the failure targets).
//   - Destinations, DLQ, delivery failures: "Capturing records of Lambda
//     asynchronous invocations"
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
//     the record per destination, the DLQ's original event and attributes,
//     DestinationDeliveryFailures for permission errors and size limits;
//     and PutFunctionEventInvokeConfig: destinations may be configured "in
//     addition to or instead of a dead-letter queue".
//   - DeadLetterErrors ("the number of times that Lambda attempts to send an
//     event to a dead-letter queue (DLQ) but fails") and
//     DestinationDeliveryFailures: "Types of metrics for Lambda functions"
//     (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
//   - Recursive loops: AWS What's New, July 2023, "AWS Lambda detects and
//     stops recursive loops": "If a function is invoked by the same
//     triggering event more than 16 times, Lambda will stop the next
//     invocation and sends the event to a Dead-Letter Queue or on-failure
//     destination, if configured"; the Developer Guide's
//     "Use Lambda recursive loop detection to prevent infinite loops".
//   - Payload size: the Invoke API reference: "For asynchronous
//     invocations, the maximum payload size is 1 MB".
//   - Synchronous invocations: destinations and dead-letter queues are
//     features of asynchronous invocation (the pages above), and "When you
//     invoke a function directly ... Lambda does not automatically retry
//     these types of errors on your behalf" (Developer Guide,
//     "Understanding retry behavior in Lambda").
//
// # Decisions where AWS says nothing
//
//   - Order when both an on-failure destination and a DLQ are set: AWS says
//     both receive, not in which order. The simulator sends the record
//     first, then the dead letter.
//   - The condition of a record for an expired event: EventAgeExceeded (what
//     emulators send; see package records). For a stopped recursive loop:
//     ConditionRecursiveLoop ("RecursiveInvocationException"). The record of
//     an event that never ran has approximateInvokeCount 0 and no
//     responseContext or responsePayload; one that ran keeps its last
//     response.
//   - The dead letter's ErrorCode: 200 after a function error (the status
//     of the invoke), 429 for an event that expired before any attempt
//     (it waited as a throttled event does), 400 for a stopped loop.
//   - Recursion is counted over every hop the simulator plays (Lambda
//     destinations, rules, subscriptions), not only the services AWS lists.
//   - Every function error is reported as "Unhandled"; a handler's
//     real-time run is not held to the function's timeout unless
//     Config.Timeouts is set; running a handler takes no virtual time.
//   - EventBridge puts an event with resources [the qualified function ARN,
//     the bus ARN]; rules match the qualified ARN (as the components' and
//     the CDK's response-only rules do).
//
// # Not simulated
//
// Event source mappings (a queue's messages stay in it; the trace says
// which mapping would poll it), SNS filter policies, EventBridge input
// transformers, resource-based policies (a topic's or queue's policy, the
// Lambda permission of a rule or subscription), throttling other than
// QueuedFor, reserved concurrency, duplicate deliveries.
package simulate
