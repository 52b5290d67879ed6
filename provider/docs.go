package provider

import (
	"fmt"
	"strconv"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// This file holds the schema's descriptions: one per resource, object type,
// enum value and property. The schema builder fails when one is missing
// (and the golden test with it), so a field added to an args struct or an
// output added to a Go component cannot reach the schema undocumented.
// Limits are rendered from the Go package's constants.

var (
	retriesLimits = fmt.Sprintf("%d to %d", asyncroute.MinRetries, asyncroute.MaxRetries)
	ageLimits     = fmt.Sprintf("%d to %d", int(asyncroute.MinMaxEventAge.Seconds()), int(asyncroute.MaxMaxEventAge.Seconds()))
	retention     = fmt.Sprintf("%d to %d", int(asyncroute.MinQueueRetention.Seconds()), int(asyncroute.MaxQueueRetention.Seconds()))
	mapRetries    = fmt.Sprintf("%d (retry until the records expire) or 0 to %d", asyncroute.RetryForever, asyncroute.MaxMappingRetries)
	recordAge     = fmt.Sprintf("%d (never discard for age) or %d to %d", int(asyncroute.RecordAgeForever), int(asyncroute.MinMaxRecordAge.Seconds()), int(asyncroute.MaxMaxRecordAge.Seconds()))
)

// resourceDocs describes the components.
var resourceDocs = map[string]string{
	"Function": "A Lambda function with its asynchronous-invocation routing: the execution role " +
		"(unless `role` is given), one inline grant policy with exactly the permissions its destinations need, " +
		"the function and its invoke config (on `$LATEST`, or on `alias`). The config is written only after " +
		"the grants exist. Bad input fails the preview with a message naming the field and the allowed values, " +
		"and nothing is created. Destinations fire only for asynchronous invocations (S3, SNS, EventBridge, " +
		"`InvocationType=Event`); a console test or an API Gateway call never reaches them.",
	"AsyncInvoke": "Asynchronous-invocation routing for a function that already exists (created elsewhere, " +
		"or by a resource of this program): one grant policy on its execution role and its invoke config. " +
		"A function made with `asyncroute:lambda:Function` has its config already; a second one for the same " +
		"qualifier is an error.",
	"EventSourceMapping": "An event source mapping (Kinesis stream, DynamoDB stream, Kafka cluster or SQS queue " +
		"to a function) with the mapping's own on-failure destination and error handling, and the grants that " +
		"reading the source and delivering failures need, created before the mapping. A mapping invokes the " +
		"function synchronously: a function's `onSuccess`, `onFailure`, `maxRetries` and `maxEventAgeSeconds` " +
		"never apply to its records.",
}

// typeDocs describes the object and enum types.
var typeDocs = map[string]string{
	"Destination": "Where Lambda sends an invocation record (on success, on failure) or the original event " +
		"(dead-letter target). `kind` says which fields apply: `sqs`, `sns`, `lambda`, `events` and `s3` take `arn` " +
		"(and `kmsKeyArn` for an encrypted queue or topic); without `kind` the kind is read from `arn`; " +
		"`defaultEventBus` takes nothing; `newQueue` creates a standard encrypted SQS queue (optionally " +
		"`retentionPeriodSeconds` and `kmsKeyArn`); `newTopic` creates an SNS topic encrypted with alias/aws/sns " +
		"(or `kmsKeyArn`); `responseOnly` takes the next function's `arn` and passes it only the response payload; " +
		"`kafkaTopic` takes `topic` (event source mappings of a Kafka source only).",
	"DestinationKind": "The kind of a destination.",
	"SourceKind":      "The service an event source mapping reads.",
	"ExistingRole": "An execution role you bring instead of the one the component would create. Give its " +
		"`arn` (the grant policy is attached to the role it names; `asyncroute:lambda:Function` needs it), its " +
		"`name`, or both, which must then name one role.",
	"Adopt": "Deployed resources of the stack that the component takes over, updated in place instead of " +
		"replaced: each by its logical name (a resource of the program's root) or its URN. See docs/adopting.md.",
	"RoleOptions": "Shape the execution role the component creates, for organisations that require " +
		"boundaries, paths or naming rules.",
	"FunctionSettings": "The Lambda function's own settings (a subset of aws.lambda.Function's arguments). " +
		"The component sets its role and dead-letter config.",
	"Alarms": "CloudWatch alarms on the metrics that mean records are being lost after deploy, named `<component>-alarm-<metric>`, " +
		"on the metrics of the qualifier the invoke config is on (dimensions FunctionName, and Resource for an alias or version), " +
		"one-minute periods, greater than the threshold, missing data not breaching. A function gets DestinationDeliveryFailures > 0 when the config has a destination, " +
		"DeadLetterErrors > 0 when it has a dead-letter target, AsyncEventsDropped > 0 when it has neither an on-failure destination nor a dead-letter target, " +
		"and AsyncEventAge (Maximum) above half the maximum event age. An event source mapping of a Kinesis or DynamoDB stream with `onFailure` gets " +
		"DestinationDeliveryFailures on its function; other mappings publish nothing these alarms can watch, and `alarms` on them is an error that says why. " +
		"Setting an alarm's field asks for it; `off: true` switches it off.",
	"AlarmSettings": "Changes one alarm; properties left out keep the defaults.",
}

// enumDocs describes the enum values.
var enumDocs = map[string]string{
	string(KindSQS):             "A standard SQS queue, by `arn` (the queue's ARN, not its URL). The role gets sqs:SendMessage.",
	string(KindSNS):             "A standard SNS topic, by `arn`. The role gets sns:Publish.",
	string(KindLambda):          "A Lambda function, by `arn`; it receives the whole invocation record. The role gets lambda:InvokeFunction on the ARN and ARN:*.",
	string(KindEvents):          "An EventBridge event bus, by `arn`. The role gets events:PutEvents.",
	string(KindS3):              "An S3 bucket, by `arn`; on failure only. The role gets s3:PutObject on bucket/* and s3:ListBucket on the bucket.",
	string(KindDefaultEventBus): "The account's default event bus in the provider's region. The role gets events:PutEvents on it.",
	string(KindNewQueue):        "The component creates a standard SQS queue named <component>-on-success (-on-failure, -dead-letter), encrypted with SQS-managed SSE (or `kmsKeyArn`); a failure or dead-letter queue keeps messages 14 days.",
	string(KindNewTopic):        "The component creates a standard SNS topic named <component>-on-success (-on-failure, -dead-letter), encrypted with alias/aws/sns (or `kmsKeyArn`). Subscribe to it to receive the records.",
	string(KindResponseOnly): "The next function, by its unqualified ARN (`arn`), receives only the function's response payload (on failure, Lambda's error object), through the account's default event bus: " +
		"the invoke config's destination is the default bus (the role gets events:PutEvents on it), and the component creates a rule on that bus, a rule target that invokes the next function " +
		"with `$.detail.responsePayload`, and a Lambda permission for that rule. Not a dead-letter target, nor an event source mapping's.",
	string(KindKafkaTopic):             "A topic of the source Kafka cluster (`topic`), as an event source mapping's dead-letter topic.",
	"source:" + string(SourceKinesis):  "A Kinesis data stream (or stream consumer).",
	"source:" + string(SourceDynamoDB): "A DynamoDB stream.",
	"source:" + string(SourceKafka):    "An Amazon MSK cluster.",
	"source:" + string(SourceSQS):      "An SQS queue (no on-failure destination: use the queue's redrive policy).",
}

// propertyDocs describes every property, keyed by the Go type and the
// schema property name.
var propertyDocs = map[string]map[string]string{
	"Destination": {
		"kind": "Which kind of destination this is (see the type's description). Optional when `arn` is given: the kind is then read from the ARN, which must be known at preview.",
		"arn": "The target's ARN, for kinds `sqs`, `sns`, `lambda`, `events` and `s3` (or no kind). A queue's ARN, not its URL. When the ARN is known only at deploy time, set `kind`. " +
			"For kind `responseOnly`: the next function's unqualified ARN (not a version's or alias's).",
		"kmsKeyArn": "The ARN of the customer-managed KMS key that encrypts the SQS queue or SNS topic given by `arn`; the role gets kms:GenerateDataKey* and kms:Decrypt on it. " +
			"Leave it out for unencrypted targets and AWS-managed keys (alias/aws/sqs, alias/aws/sns, SQS-managed SSE). " +
			"For kinds `newQueue` and `newTopic`: the key the created queue or topic is encrypted with, granted in a policy of its own that the queue or topic waits for.",
		"retentionPeriodSeconds": "For kind `newQueue`: how long the created queue keeps a message, " + retention + " whole seconds. Default: 14 days for a failure or dead-letter queue, SQS's default (4 days) on success.",
		"topic":                  "For kind `kafkaTopic`: the dead-letter topic's name, a topic of the source cluster other than the mapping's source topics.",
	},
	"ExistingRole": {
		"name": "The role's name; the grant policy is attached to it. Read from `arn` when left out.",
		"arn":  "The role's ARN; required by `asyncroute:lambda:Function`, which runs the function with it.",
	},
	"Adopt": {
		"function":     "The deployed aws.lambda.Function (Function only). Give `function.name` its name too, or Lambda would be asked to rename it (a replacement).",
		"role":         "The deployed execution role, taken over by the role the component creates (Function without `role` only).",
		"policy":       "The deployed inline policy with the grants: replaced by the component's grant policy, created before and deleted after the config is updated.",
		"invokeConfig": "The deployed aws.lambda.FunctionEventInvokeConfig of the same function and qualifier.",
		"alias":        "The deployed aws.lambda.Alias the config is on (Function with `alias` of the same name only).",
	},
	"RoleOptions": {
		"permissionsBoundary": "The ARN of the policy that bounds the role.",
		"path":                "The role's path, e.g. `/service-roles/`. Default `/`.",
		"namePrefix":          "The role's physical name starts with this prefix (at most 38 characters); the rest is generated.",
		"managedPolicyArns":   "Replaces the managed policies attached to the role. Default: AWSLambdaBasicExecutionRole in the aws partition; give the partition's own ARN in aws-cn or aws-us-gov, or add AWSLambdaVPCAccessExecutionRole for functions in a VPC.",
	},
	"FunctionSettings": {
		"name":                         "The function's physical name. Default: generated from the component's name.",
		"description":                  "The function's description.",
		"runtime":                      "The runtime, e.g. `python3.12`, `nodejs22.x`, `provided.al2023` (zip packages).",
		"handler":                      "The handler, e.g. `handler.handler` (zip packages).",
		"code":                         "The function's code as an archive (a folder or a zip file), e.g. `fn::fileArchive: ./handler` in YAML, `new pulumi.asset.FileArchive(\"./handler\")` in TypeScript.",
		"imageUri":                     "The ECR image URI, for `packageType: Image`.",
		"packageType":                  "`Zip` (default) or `Image`.",
		"memorySize":                   "Memory in MB, 128 to 10240. Default 128.",
		"timeout":                      "Timeout in seconds, 1 to 900. Default 3.",
		"environment":                  "Environment variables of the function.",
		"architectures":                "`x86_64` (default) or `arm64`, as a one-element list.",
		"layers":                       "ARNs of the layer versions the function uses.",
		"reservedConcurrentExecutions": "Reserved concurrency; 0 stops the function, so events go straight to the on-failure destination.",
		"kmsKeyArn":                    "The KMS key that encrypts the function's environment variables.",
		"tracingMode":                  "X-Ray tracing: `PassThrough` or `Active`.",
		"tags":                         "Tags of the function itself; they win over the component's `tags`.",
	},
	"Alarms": {
		"notifyArn": "The ARN of the SNS topic the alarms notify when they fire and when they recover. CloudWatch cannot publish to a topic encrypted with " +
			"the AWS-managed key alias/aws/sns: use an unencrypted topic or a customer-managed key whose key policy allows cloudwatch.amazonaws.com " +
			"kms:GenerateDataKey* and kms:Decrypt. Left out: the alarms notify nobody (they show in the CloudWatch console).",
		"destinationDeliveryFailures": "The alarm on DestinationDeliveryFailures: a record Lambda could not deliver to a destination.",
		"deadLetterErrors":            "The alarm on DeadLetterErrors: a failed event Lambda could not write to the dead-letter target.",
		"asyncEventsDropped":          "The alarm on AsyncEventsDropped: events dropped without a successful run, lost when nothing keeps them.",
		"asyncEventAge":               "The alarm on AsyncEventAge: the oldest event's wait in Lambda's queue, a backlog.",
	},
	"AlarmSettings": {
		"off":               "Switch the alarm off.",
		"threshold":         "For the count metrics: the alarm fires when the Sum of a period is above it. Default 0. Not for asyncEventAge.",
		"ageSeconds":        "For asyncEventAge: the alarm fires when the oldest event is older than this, whole seconds below the maximum event age. Default: half the maximum event age.",
		"periodSeconds":     "The length of one period: a multiple of 60 seconds (Lambda publishes its metrics once a minute). Default 60.",
		"evaluationPeriods": "How many periods in a row must breach. Default 1; period times evaluation periods at most one day (seven days for periods of an hour or more).",
	},
	"FunctionArgs": {
		"function":   "The function's own settings: runtime, handler, code, memory, timeout, environment, ...",
		"onSuccess":  "Receives an invocation record for each successful asynchronous invocation. Not an S3 bucket.",
		"onFailure":  "Receives an invocation record when retries are exhausted or the event is too old.",
		"deadLetter": "Receives the original event of a failed invocation: an SQS queue or SNS topic (kinds `sqs`, `sns`, `newQueue`, `newTopic`). It may be set together with `onFailure`; both receive.",
		"maxRetries": "How often Lambda retries a failed asynchronous invocation: " + retriesLimits + ". Left out: Lambda's default (" + strconv.Itoa(lambdafacts.DefaultMaxRetries) + "); 0 is a value (no retry).",
		"maxEventAgeSeconds": "How long Lambda keeps an event it has not processed: " + ageLimits +
			" whole seconds. Left out: Lambda's default (" + strconv.Itoa(int(lambdafacts.DefaultMaxEventAge.Seconds())) + ", " + strconv.Itoa(int(lambdafacts.DefaultMaxEventAge.Hours())) + " hours).",
		"alias":       "When set, the function is published, this alias is created on the published version and the invoke config is put on the alias instead of `$LATEST`.",
		"role":        "An execution role you bring. Left out: the component creates one (trusting lambda.amazonaws.com, with AWSLambdaBasicExecutionRole).",
		"roleOptions": "Options for the role the component creates.",
		"skipGrants":  "Attach no grant policy: you take care of the role's permissions (bring the role with `role`: a role the component creates cannot be granted by anyone else, so skipGrants with destinations and no `role` is refused). Shows as the `grantsSkipped` output.",
		"tags":        "Tags added to every child that takes tags (the role, the function, created queues, topics, rules and alarms).",
		"alarms":      "CloudWatch alarms on the metrics that mean the function's records are being lost (see the type).",
		"recursiveLoop": "Lambda's recursive loop detection for the function: `Terminate` (Lambda's default: stop the function once one chain of requests invoked it more than 16 times) or `Allow`. " +
			"Left out: the function's setting is left as it is. Lambda follows only the function's own SDK writes to SQS, SNS, S3 and Lambda, not destinations or EventBridge rules.",
		"adopt": "Deployed resources of the stack (raw resources the program is rewritten from) that the component's children take over without replacing them: the function, its role, its grant policy, its invoke config, its alias.",
	},
	"AsyncInvokeArgs": {
		"functionName":       "The name or ARN of the function to configure.",
		"qualifier":          "The version or alias the config applies to. Default `$LATEST`. Pass an alias's name output so the config waits for it.",
		"role":               "The function's execution role, which receives the grants (by `arn` or `name`). Required unless `skipGrants` is true.",
		"skipGrants":         "Attach no grant policy. Shows as the `grantsSkipped` output.",
		"onSuccess":          "Receives an invocation record for each successful asynchronous invocation. Not an S3 bucket.",
		"onFailure":          "Receives an invocation record when retries are exhausted or the event is too old.",
		"maxRetries":         "How often Lambda retries a failed asynchronous invocation: " + retriesLimits + ". Left out: Lambda's default (" + strconv.Itoa(lambdafacts.DefaultMaxRetries) + ").",
		"maxEventAgeSeconds": "How long Lambda keeps an event it has not processed: " + ageLimits + " whole seconds. Left out: Lambda's default.",
		"adopt":              "The deployed grant policy and invoke config of the stack that the component takes over (`policy`, `invokeConfig`; an AsyncInvoke creates no function, role or alias).",
		"alarms": "CloudWatch alarms on the metrics that mean records of the configured qualifier are being lost (see the type). The component does not know " +
			"the function's dead-letter target: deadLetterErrors is created only when asked for, and asyncEventsDropped whenever there is no onFailure.",
	},
	"EventSourceMappingArgs": {
		"eventSourceArn":                 "The ARN of the Kinesis stream (or stream consumer), DynamoDB stream, Amazon MSK cluster or SQS queue to read.",
		"source":                         "The kind of source. Read from `eventSourceArn` when that is known at preview (and must agree); required when it is known only at deploy time.",
		"sourceKmsKeyArn":                "The ARN of the customer-managed KMS key an SQS queue or Kinesis stream source is encrypted with (a key's ARN, not an alias): the role is granted kms:Decrypt on it. Left out for a source that is not encrypted or uses its service's AWS-managed key; not for a DynamoDB stream or Kafka cluster.",
		"functionName":                   "The name or (qualified) ARN of the function to invoke.",
		"role":                           "The function's execution role, which receives the grants (by `arn` or `name`). Required unless `skipGrants` is true.",
		"skipGrants":                     "Attach no grant policy. Shows as the `grantsSkipped` output.",
		"onFailure":                      "Receives a record for each batch the mapping discards: an SQS queue, SNS topic or S3 bucket, or a `kafkaTopic` for a Kafka source. Not for an SQS source.",
		"maxRetries":                     "How often a failing batch is retried: " + mapRetries + ". Left out: Lambda's default (-1).",
		"maxRecordAgeSeconds":            "Records older than this are discarded: " + recordAge + " whole seconds. Left out: Lambda's default (-1).",
		"bisectBatchOnFunctionError":     "Split a failing batch in two and retry each half. Left out: false.",
		"batchSize":                      "The largest number of records in one batch.",
		"maximumBatchingWindowInSeconds": "How long to gather records before invoking the function, 0 to 300 seconds.",
		"startingPosition":               "Where a stream source starts reading: `TRIM_HORIZON`, `LATEST` or `AT_TIMESTAMP`.",
		"parallelizationFactor":          "Batches processed concurrently per shard, 1 to 10.",
		"enabled":                        "Whether the mapping polls. Default true.",
		"topics":                         "The Kafka topics to read (Kafka sources).",
		"functionResponseTypes":          "`ReportBatchItemFailures` to let the function report partial batch failures.",
		"tags":                           "Tags added to the mapping, to a created queue or topic and to the alarms.",
		"alarms": "A CloudWatch alarm on the function's DestinationDeliveryFailures, where Lambda counts a Kinesis or DynamoDB mapping's failed deliveries to onFailure. " +
			"`source` must be set when `eventSourceArn` is known only at deploy. Other mappings publish nothing these alarms can watch: an error says why.",
	},
	// Outputs, keyed by the Go component's type name.
	"Function": {
		"functionArn":   "The function's unqualified ARN.",
		"functionName":  "The function's name.",
		"qualifiedArn":  "The ARN of the qualifier that has the invoke config: `<functionArn>:$LATEST`, or the alias's ARN with `alias`. Give this ARN to asynchronous invokers (EventBridge targets, SNS subscriptions, S3 notifications): an invoker of another qualifier invokes a version with no config, so no destination fires.",
		"roleArn":       "The execution role's ARN (created or brought).",
		"qualifier":     "`$LATEST` or the alias the invoke config is on.",
		"onSuccessArn":  "The on-success target's ARN; absent when none.",
		"onFailureArn":  "The on-failure target's ARN; absent when none.",
		"deadLetterArn": "The dead-letter target's ARN; absent when none.",
		"grantsSkipped": "True when `skipGrants` was set and no grant policy was attached.",
	},
	"AsyncInvoke": {
		"functionName":  "The function's name or ARN as given.",
		"qualifiedArn":  "The ARN of the qualifier that has the invoke config; give it to asynchronous invokers.",
		"qualifier":     "`$LATEST` or the qualifier given.",
		"onSuccessArn":  "The on-success target's ARN; absent when none.",
		"onFailureArn":  "The on-failure target's ARN; absent when none.",
		"grantsSkipped": "True when `skipGrants` was set and no grant policy was attached.",
	},
	"EventSourceMapping": {
		"uuid":          "The mapping's UUID.",
		"functionArn":   "The ARN of the function the mapping invokes.",
		"source":        "The kind of source, e.g. `kinesis`.",
		"onFailureArn":  "The on-failure destination; absent when none.",
		"grantsSkipped": "True when `skipGrants` was set and no grant policy was attached.",
	},
}
