// Package records reads and builds what AWS Lambda delivers for an
// asynchronous invocation: the invocation record sent to an on-success or
// on-failure destination, in each envelope a destination wraps it in, and
// the message sent to a dead-letter queue or topic.
//
// It is for the code on the receiving end of the routes the asyncroute
// components wire. It depends on the standard library only; it imports
// neither Pulumi nor aws-lambda-go. Values of aws-lambda-go's events types
// can be passed to [Decode] as they are (their JSON is the same), and the
// subpackage lambdaevents converts them explicitly.
//
// # What arrives where
//
//	destination             the consumer gets                        read it with
//	Lambda function         the record as the event                  FromLambda
//	SQS queue               the record as the message body           FromSQSBody, FromSQSMessage
//	SNS topic → SQS (raw)   the record as the message body           FromSQSBody
//	SNS topic → SQS         an SNS notification, Message = record    FromSNSNotification
//	SNS topic → Lambda      Records[].Sns.Message = record           FromSNSEntity
//	EventBridge bus         event with detail = record               FromEventBridge
//	S3 bucket (on failure)  object aws/lambda/async/..., body=record FromS3Object, ParseS3Key
//	response-only route     the record's responsePayload alone       FromResponseOnly, ResponseOnly
//	dead-letter queue       original event + 3 attributes            DeadLetterFromSQS, DeadLetterFromAttributes
//	dead-letter topic       Message = original event + attributes    DeadLetterFromSNSNotification, DeadLetterFromSNSEntity
//
// [Decode] tells these apart by looking at the JSON, unwraps nested
// envelopes and reads batches. Each From function reads one path and fails
// with an [*Error] that names what it expected, what it found and, if it
// recognises that, which function reads it.
//
// Building: every type has exported fields with AWS's JSON names in AWS's
// order, and the Wrap functions ([WrapLambda], [WrapSQS], [WrapSNS],
// [WrapSNSEvent], [WrapSQSEvent], [WrapEventBridge], [WrapS3],
// [WrapResponseOnly], [WrapDeadLetterSQS], [WrapDeadLetterSNS]) return the
// bytes AWS would deliver, so a simulator and a consumer can share them.
//
// # Sources
//
// What this package relies on, and where it comes from:
//
//   - The record's fields, their order and the example failure record
//     (condition "RetriesExhausted", approximateInvokeCount 3, functionError
//     "Unhandled", responsePayload with errorMessage): AWS Lambda Developer
//     Guide, "Capturing records of Lambda asynchronous invocations"
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html),
//     section "Example invocation record".
//   - Per destination: SQS and SNS get the record as the message; a Lambda
//     function gets it as the payload; EventBridge gets it as detail with
//     detail-type "Lambda Function Invocation Result - Success" or
//     "- Failure" and resources naming the function and destination; S3
//     (on failure only) stores it as a JSON object keyed
//     aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>:
//     the same page, table "Destination-specific JSON format".
//   - Dead-letter queues get "only the content of the event, without
//     details about the response", "as-is, with additional information in
//     attributes": RequestID (String), ErrorCode (Number, the HTTP status
//     code), ErrorMessage (String, the first 1 KB of the error message):
//     the same page, section "Adding a dead-letter queue".
//   - The condition "Success" for on-success records: AWS Compute Blog,
//     "Introducing AWS Lambda Destinations" (November 2019), and the AWS CDK
//     aws-lambda-destinations README, which show success records.
//   - SNS notification JSON (Type, MessageId, TopicArn, Subject, Message,
//     Timestamp, SignatureVersion, Signature, SigningCertURL,
//     UnsubscribeURL, MessageAttributes{Type, Value}), raw message delivery
//     stripping it for SQS subscribers, and message attributes reaching SQS
//     subscribers as SQS attributes: Amazon SNS Developer Guide, "Amazon SNS
//     raw message delivery" and "Amazon SNS message attributes".
//   - The Lambda SQS and SNS event shapes: the Lambda Developer Guide's
//     "Using Lambda with Amazon SQS" and "Invoking Lambda functions with
//     Amazon SNS notifications", matching aws-lambda-go's events package.
//
// # Decisions where AWS's pages say nothing or disagree
//
//   - EventBridge source: AWS's destination table once said "lambda" and
//     now says "aws.lambda"; the CDK's response-only rule, this project's
//     rules and every published event seen match "lambda". Both are read;
//     [WrapEventBridge] writes "lambda" ([EventBridgeSource]). Some pages
//     print the failure detail-type with an en dash; only the hyphen is
//     read, as rules match it.
//   - Conditions: only [Success] and [RetriesExhausted] appear in AWS's
//     material. [EventAgeExceeded] is what emulators send for an event that
//     outlived MaximumEventAgeInSeconds; Lambda documents that such events
//     go to the on-failure destination but not with which condition. Any
//     other value (for example for a stopped recursive loop) is kept as read
//     and counts as a failure ([Condition.Failed]).
//   - Version: records of version "1.x" are read, other versions refused.
//   - An EventBridge event's resources: [WrapEventBridge] writes the
//     function ARN when the caller gives none; AWS names "the function and
//     destination ARNs" without an order.
//   - S3 keys: the <function-name> segment is taken to be the unqualified
//     name and the time the record's timestamp to the second; AWS names the
//     layout only.
//   - A dead letter is recognised by its RequestID and ErrorCode attributes;
//     ErrorMessage may be missing.
//   - responseContext and payloads that are absent stay absent when
//     re-marshalled; a JSON null stays null.
//
// # What never arrives
//
// Destinations and dead-letter targets fire only for asynchronous
// invocations (InvocationType Event, and services that invoke that way: S3,
// SNS, EventBridge). A synchronous invoke, the console's Test button or an
// API Gateway request never reaches them. When both a dead-letter target and
// an on-failure destination are set, both receive: the dead-letter target
// the original event, the destination the record.
package records
