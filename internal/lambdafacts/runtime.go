package lambdafacts

import "time"

// This file holds what Lambda does with an asynchronous event at run
// time, where records are lost: retries of function errors, of throttles
// and of system errors, reserved concurrency 0, the size limits of the
// payload, the response and each target, and recursive-loop detection.
// The simulator (package simulate) plays these facts; each names the AWS
// page it rests on.

// The AWS pages the run-time facts cite.
const (
	pageErrorHandling = "How Lambda handles errors and retries with asynchronous invocation"
	urlErrorHandling  = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html"
	pageOnFailureAPI  = "Lambda API reference, OnFailure"
	urlOnFailureAPI   = "https://docs.aws.amazon.com/lambda/latest/api/API_OnFailure.html"
	pageRecursion     = "Use Lambda recursive loop detection to prevent infinite loops"
	urlRecursion      = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html"
	pageRecursionAPI  = "Lambda API reference, PutFunctionRecursionConfig"
	urlRecursionAPI   = "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionRecursionConfig.html"
	pageInvokeAPI     = "Lambda API reference, Invoke"
	urlInvokeAPI      = "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html"
	pageQuotas        = "Lambda quotas"
	urlQuotas         = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
	pageBlogMetrics   = "AWS Compute Blog, Introducing new asynchronous invocation metrics for AWS Lambda"
	urlBlogMetrics    = "https://aws.amazon.com/blogs/compute/introducing-new-asynchronous-invocation-metrics-for-aws-lambda/"
	pageBlog1MB       = "AWS Compute Blog, More room to build: serverless services now support payloads up to 1 MB (January 2026)"
	urlBlog1MB        = "https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb"
)

// FunctionErrorRetries are the waits before the retries of a function
// error: one minute before the first, two before the second.
var FunctionErrorRetries = RetrySchedule{
	Delays: []time.Duration{time.Minute, 2 * time.Minute},
	Source: Citation{pageErrorHandling, urlErrorHandling,
		"If the function returns an error, by default Lambda attempts to run it two more times, with a one-minute wait between the first two attempts, and two minutes between the second and third attempts."},
}

// RetrySchedule is a list of waits between attempts and its source.
type RetrySchedule struct {
	Delays []time.Duration
	Source Citation
}

// Throttles and system errors (429 and 5xx): the event goes back to the
// queue and is tried again, with waits from ThrottleFirstRetry doubling up
// to ThrottleMaxRetry, not counted against the retry attempts, until the
// event is older than its maximum event age. AWS says the interval grows
// "exponentially"; doubling is the simulator's reading.
const (
	ThrottleFirstRetry = time.Second
	ThrottleMaxRetry   = 5 * time.Minute
)

// ThrottleSource says how throttles and system errors are retried.
var ThrottleSource = Citation{pageErrorHandling, urlErrorHandling,
	"For throttling errors (429) and system errors (500-series), Lambda returns the event to the queue and attempts to run the function again for up to 6 hours by default. " +
		"The retry interval increases exponentially from 1 second after the first attempt to a maximum of 5 minutes."}

// ThrottleRetry is the wait after the n-th throttle or system error of an
// event (n from 1): 1 s, 2 s, 4 s, ... at most 5 minutes.
func ThrottleRetry(n int) time.Duration {
	d := ThrottleFirstRetry
	for i := 1; i < n && d < ThrottleMaxRetry; i++ {
		d *= 2
	}
	return min(d, ThrottleMaxRetry)
}

// ZeroConcurrencySource says what reserved concurrency 0 does to an
// asynchronous event: it is not run and not retried, and goes to the
// failure targets (AsyncEventsDropped counts it, see its source).
var ZeroConcurrencySource = Citation{pageBlogMetrics, urlBlogMetrics,
	"By default, Lambda discards events from its event queue if the retry policy has exceeded the number of configured retries or the event reached its maximum age. " +
		"However, the event once discarded from the event queue goes to the destination or DLQ, if configured. ... Zero reserved concurrency: No retry."}

// Sizes, in bytes.
const (
	// MaxAsyncPayload is the largest event an asynchronous invocation
	// takes.
	MaxAsyncPayload = 1 << 20
	// MaxResponse is the largest response a function may return; the
	// runtime's error names 6291556 bytes.
	MaxResponse = 6291556
	// MaxSNSMessage is the largest message an SNS topic takes (256 KB).
	MaxSNSMessage = 256 << 10
	// MaxSQSMessage is the largest message an SQS queue takes (1 MiB).
	MaxSQSMessage = 1 << 20
	// MaxEventBridgeEntry is the largest event an EventBridge bus takes.
	MaxEventBridgeEntry = 1 << 20
)

// The sources of the sizes.
var (
	AsyncPayloadSource = Citation{pageInvokeAPI, urlInvokeAPI, "For asynchronous invocations, the maximum payload size is 1 MB."}
	// ResponseSource: the quota is 6 MB; the runtime fails a larger
	// response with Function.ResponseSizeTooLarge and this message.
	ResponseSource = Citation{pageQuotas, urlQuotas, "Response payload size exceeded maximum allowed payload size (6291556 bytes)."}
	// SNSDestinationSource: an SNS destination drops the payload of a
	// record that would not fit, and delivers the rest; 256 KB is also
	// the limit of any SNS message.
	SNSDestinationSource = Citation{pageOnFailureAPI, urlOnFailureAPI,
		"Amazon SNS destinations have a message size limit of 256 KB. If the combined size of the function request and response payload exceeds the limit, Lambda will drop the payload when sending OnFailure event to the destination."}
	// OneMBSource: SQS messages, EventBridge events and asynchronous
	// invocations take up to 1 MB.
	OneMBSource = Citation{pageBlog1MB, urlBlog1MB,
		"AWS has raised the maximum payload size from 256 KB to 1 MB for asynchronous AWS Lambda function invocations, Amazon Simple Queue Service (Amazon SQS), and Amazon EventBridge."}
)

// MessageLimit is the largest message a target of kind k takes, and the
// page that says so; 0 for a kind without a limit the simulator plays
// (S3, Kafka).
func MessageLimit(k Kind) (int, Citation) {
	switch k {
	case KindSNS:
		return MaxSNSMessage, SNSDestinationSource
	case KindSQS:
		return MaxSQSMessage, OneMBSource
	case KindEventBridge:
		return MaxEventBridgeEntry, OneMBSource
	case KindLambda:
		return MaxAsyncPayload, AsyncPayloadSource
	}
	return 0, Citation{}
}

// Recursive-loop detection.
const (
	// RecursionLimit is how many times Lambda lets the same event invoke a
	// function before it stops the next invocation.
	RecursionLimit = 16
	// RecursiveLoop values (PutFunctionRecursionConfig); Terminate is the
	// default.
	RecursiveLoopTerminate = "Terminate"
	RecursiveLoopAllow     = "Allow"
)

// RecursionSource says when Lambda stops a loop: a function invoked by the
// same chain of requests more than 16 times, with the function's
// RecursiveLoop left at Terminate. The page's "Supported AWS services and
// SDKs" lists what the detection follows: writes the function's code
// makes with a supported AWS SDK to Amazon SQS, Amazon SNS, Amazon S3 and
// Lambda (see DetectsLoopsThrough).
var RecursionSource = Citation{pageRecursion, urlRecursion,
	"If your function is invoked more than 16 times in the same chain of requests, then Lambda automatically stops the next function invocation in that request chain and notifies you."}

// RecursionConfigSource says what RecursiveLoop does.
var RecursionConfigSource = Citation{pageRecursionAPI, urlRecursionAPI,
	"When Lambda detects a recursive loop and your function's recursive loop detection configuration is set to Terminate, it stops your function being invoked and notifies you."}

// DetectsLoopsThrough says whether Lambda's recursive-loop detection
// follows an event through a write the function's code makes to a target
// of kind k with an AWS SDK. It follows none of the hops Lambda itself
// makes (destinations, dead-letter targets) nor EventBridge rules.
func DetectsLoopsThrough(k Kind) bool {
	switch k {
	case KindSQS, KindSNS, KindS3, KindLambda:
		return true
	}
	return false
}
