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
//   - Throttles and system errors (Throttled, SystemErrors): the event
//     goes back to Lambda's queue and is tried again after 1 s, 2 s,
//     4 s, ... at most 5 minutes, without counting against
//     MaximumRetryAttempts, until it is older than the maximum event age.
//   - Reserved concurrency 0 (the function's reservedConcurrentExecutions
//     input): Lambda runs none of its events; each goes to the on-failure
//     destination and DLQ at once, without retries.
//   - Sizes: an asynchronous event over MaxAsyncPayload (1 MB) is refused;
//     a response over 6 MB is the runtime's Function.ResponseSizeTooLarge
//     error; a record to an SNS destination whose request and response
//     payloads together exceed 256 KB is delivered without them; a record
//     over another target's limit (SQS 1 MiB, EventBridge 1 MB, an
//     asynchronous invocation 1 MB) is not delivered
//     (DestinationDeliveryFailures), nor a dead letter over its queue's or
//     topic's (DeadLetterErrors).
//   - A FIFO queue or topic as destination or DLQ (a raw stack may name
//     one) fails every delivery (DestinationDeliveryFailures,
//     DeadLetterErrors).
//   - Loops: Lambda's recursive-loop detection follows an event through
//     the writes the functions' code makes with an AWS SDK to SQS, SNS, S3
//     and Lambda (Write plays them); a function run more than
//     MaxChainInvocations (16) times so is stopped when its RecursiveLoop
//     is Terminate (the default; a FunctionRecursionConfig of the stack
//     sets it), and the event goes to its on-failure destination or DLQ. A
//     loop through a destination, a dead-letter target or an EventBridge
//     rule, or of a function whose RecursiveLoop is Allow, is not stopped
//     by AWS: the simulator stops playing it at Config.LoopBound (16 by
//     default), marks it as a problem and says that AWS would let it run.
//   - Metrics: Metrics says what AsyncEventsReceived, AsyncEventAge,
//     AsyncEventsDropped, DestinationDeliveryFailures, DeadLetterErrors and
//     RecursiveInvocationsDropped of each function and qualifier would
//     read after what was played, and which CloudWatch alarms of the stack
//     (on those metrics, such as those of asyncroute's Alarms) would fire.
//
// # Sources
//
// Every fact the simulator plays is in the rulebook, internal/lambdafacts,
// with its page (lambdafacts.FunctionErrorRetries, ThrottleSource,
// ZeroConcurrencySource, AsyncPayloadSource, ResponseSource,
// SNSDestinationSource, OneMBSource, RecursionSource,
// RecursionConfigSource, and each metric's MetricSpec.Source); in short:
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
//   - Throttles and system errors, same page: "For throttling errors (429)
//     and system errors (500-series), Lambda returns the event to the queue
//     and attempts to run the function again for up to 6 hours by default.
//     The retry interval increases exponentially from 1 second after the
//     first attempt to a maximum of 5 minutes."
//   - Reserved concurrency 0: AWS Compute Blog, "Introducing new
//     asynchronous invocation metrics for AWS Lambda": "Zero reserved
//     concurrency: No retry", and the discarded event "goes to the
//     destination or DLQ, if configured"; AsyncEventsDropped counts it.
//   - Recursive loops: "Use Lambda recursive loop detection to prevent
//     infinite loops"
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html):
//     "If your function is invoked more than 16 times in the same chain of
//     requests, then Lambda automatically stops the next function
//     invocation in that request chain and notifies you", for the services
//     and SDKs the page lists; PutFunctionRecursionConfig: Terminate (the
//     default) stops, Allow lets the loop run.
//   - Sizes: the Invoke API reference: "For asynchronous invocations, the
//     maximum payload size is 1 MB"; the OnFailure API reference: "Amazon
//     SNS destinations have a message size limit of 256 KB. If the
//     combined size of the function request and response payload exceeds
//     the limit, Lambda will drop the payload"; SQS and EventBridge take
//     1 MB (AWS Compute Blog, January 2026); the runtime's "Response payload
//     size exceeded maximum allowed payload size (6291556 bytes).".
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
//     (it waited as a throttled event does) and for one reserved
//     concurrency 0 never ran, 400 for a stopped loop.
//   - An event reserved concurrency 0 never ran gets a record with
//     condition RetriesExhausted and approximateInvokeCount 0.
//   - Throttle retries double from 1 s (AWS says the interval grows
//     "exponentially" to at most 5 minutes).
//   - A record over a target's size limit other than SNS's fails the
//     delivery: AWS counts "size limits" among the causes of
//     DestinationDeliveryFailures without saying which. An SNS destination
//     compares the request and response payloads together with 256 KB, as
//     the OnFailure reference says, and drops both. A dead letter's size
//     is its event and its attributes' names and values.
//   - Recursive-loop detection is counted over the hops it follows (the
//     functions' own writes, with Write); the simulator's bound over every
//     hop it plays. An event detection stopped counts in
//     RecursiveInvocationsDropped and in AsyncEventsDropped.
//   - Metrics are counted over the whole simulation, not per period, and
//     an alarm "would fire" when that value passes its threshold;
//     AsyncEventAge is the age of an event when the function ran it, so an
//     event that expired unrun adds no datapoint.
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
// which mapping would poll it), S3 bucket notifications, SNS filter
// policies, EventBridge input transformers, resource-based policies (a
// topic's or queue's policy, the Lambda permission of a rule or
// subscription), throttling other than QueuedFor and Throttled (no
// concurrency is counted), duplicate deliveries, Python handlers' own
// writes to AWS (Write is for Go handlers).
package simulate
