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
// Values that are known only at deploy time (an ARN output of a resource
// created in the same stack) are checked again when they become known, and an
// invalid one fails the deployment before the invoke config is written.
//
// Destinations fire only for asynchronous invocations (InvocationType=Event,
// S3/SNS/EventBridge triggers). Event source mappings (SQS, Kinesis,
// DynamoDB, Kafka) invoke the function synchronously and have their own
// on-failure setting: configure it with [NewEventSourceMapping], not with a
// function's OnFailure.
package asyncroute
