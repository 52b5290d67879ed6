package awstypes

import (
	"fmt"
	"strings"
)

// Type tokens, as constants for switch cases and the test helpers.
const (
	TokenFunction                 = "aws:lambda/function:Function"
	TokenAlias                    = "aws:lambda/alias:Alias"
	TokenInvokeConfig             = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	TokenPermission               = "aws:lambda/permission:Permission"
	TokenFunctionURL              = "aws:lambda/functionUrl:FunctionUrl"
	TokenEventSourceMapping       = "aws:lambda/eventSourceMapping:EventSourceMapping"
	TokenRole                     = "aws:iam/role:Role"
	TokenRolePolicy               = "aws:iam/rolePolicy:RolePolicy"
	TokenRolePolicyAttachment     = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	TokenPolicyAttachment         = "aws:iam/policyAttachment:PolicyAttachment"
	TokenPolicy                   = "aws:iam/policy:Policy"
	TokenQueue                    = "aws:sqs/queue:Queue"
	TokenTopic                    = "aws:sns/topic:Topic"
	TokenTopicSubscription        = "aws:sns/topicSubscription:TopicSubscription"
	TokenQueuePolicy              = "aws:sqs/queuePolicy:QueuePolicy"
	TokenTopicPolicy              = "aws:sns/topicPolicy:TopicPolicy"
	TokenEventBus                 = "aws:cloudwatch/eventBus:EventBus"
	TokenEventRule                = "aws:cloudwatch/eventRule:EventRule"
	TokenEventTarget              = "aws:cloudwatch/eventTarget:EventTarget"
	TokenBucketV2                 = "aws:s3/bucketV2:BucketV2"
	TokenBucket                   = "aws:s3/bucket:Bucket"
	TokenBucketNotification       = "aws:s3/bucketNotification:BucketNotification"
	TokenBucketEncryption         = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TokenKey                      = "aws:kms/key:Key"
	TokenKeyAlias                 = "aws:kms/alias:Alias"
	TokenAPIGatewayIntegration    = "aws:apigateway/integration:Integration"
	TokenAPIGatewayV2Integration  = "aws:apigatewayv2/integration:Integration"
	TokenLBTargetGroupAttachment  = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
	TokenALBTargetGroupAttachment = "aws:alb/targetGroupAttachment:TargetGroupAttachment"
)

// The Mermaid shapes of the diagram.
var (
	box     = Shape{`["`, `"]`}
	cyl     = Shape{`[("`, `")]`}
	stadium = Shape{`(["`, `"])`}
	hexagon = Shape{`{{"`, `"}}`}
	lean    = Shape{`[/"`, `"/]`}
)

// Lambda.
var (
	Function = register(&Type{Token: TokenFunction, Label: "Lambda function", Shape: box, NameKey: "name",
		Computed: []string{"arn", "invokeArn", "qualifiedArn", "qualifiedInvokeArn", "version"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			a := f.ARN("lambda", "function:"+name)
			version := "$LATEST"
			if publish, _ := r.Inputs["publish"].(bool); publish {
				version = "1"
			}
			return name, map[string]any{"name": name, "arn": a, "qualifiedArn": a + ":" + version, "version": version,
				"invokeArn": fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", f.Partition, f.Region, a)}
		}})
	Alias = register(&Type{Token: TokenAlias, Label: "Lambda alias", Shape: box, NameKey: "name",
		Computed: []string{"arn", "invokeArn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			a := f.functionARN(Str(r.Inputs, "functionName")) + ":" + Str(r.Inputs, "name")
			return a, map[string]any{"arn": a}
		}})
	InvokeConfig = register(&Type{Token: TokenInvokeConfig, Label: "invoke config",
		fake: func(_ Faker, r Resource) (string, map[string]any) {
			id := Str(r.Inputs, InvokeConfigFunctionName)
			if q := Str(r.Inputs, InvokeConfigQualifier); q != "" {
				id += ":" + q
			}
			return id, nil
		}})
	Permission = register(&Type{Token: TokenPermission, Label: "Lambda permission", NameKey: "statementId",
		fake: func(f Faker, r Resource) (string, map[string]any) {
			sid := f.PhysicalName(r, "statementId")
			return sid, map[string]any{"statementId": sid}
		}})
	FunctionURL        = register(&Type{Token: TokenFunctionURL, Label: "function URL"})
	EventSourceMapping = register(&Type{Token: TokenEventSourceMapping, Label: "Event source mapping", Shape: lean,
		Computed: []string{"arn", "uuid", "functionArn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			uuid := f.UUID(r, "uid!")
			return uuid, map[string]any{"uuid": uuid, "functionArn": f.functionARN(Str(r.Inputs, "functionName")),
				"arn": f.ARN("lambda", "event-source-mapping:"+uuid), "state": "Enabled"}
		}})
)

// The inputs of an invoke config the rules, the planner and the simulator
// read (through the rules' analysis).
const (
	InvokeConfigFunctionName = "functionName"
	InvokeConfigQualifier    = "qualifier"
	InvokeConfigMaxRetries   = "maximumRetryAttempts"
	InvokeConfigMaxEventAge  = "maximumEventAgeInSeconds"
	InvokeConfigDestinations = "destinationConfig"
	InvokeConfigDestination  = "destination" // under destinationConfig.onSuccess / onFailure
)

// functionARN is a function name or ARN as an unqualified ARN in f's place.
func (f Faker) functionARN(fn string) string {
	if strings.HasPrefix(fn, "arn:") {
		return fn
	}
	return f.ARN("lambda", "function:"+fn)
}

// IAM.
var (
	Role = register(&Type{Token: TokenRole, Label: "IAM role", NameKey: "name", Computed: []string{"arn", "uniqueId"},
		PolicyInputs: []string{"assumeRolePolicy"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			path := Str(r.Inputs, "path")
			if path == "" {
				path = "/"
			}
			return name, map[string]any{"name": name, "arn": f.Global("iam", f.Account, "role"+path+name), "uniqueId": "AROA" + strings.ToUpper(f.Suffix(r.URN))}
		}})
	RolePolicy = register(&Type{Token: TokenRolePolicy, Label: "inline role policy", NameKey: "name", PolicyInputs: []string{"policy"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			return fmt.Sprintf("%v:%s", r.Inputs["role"], name), map[string]any{"name": name}
		}})
	RolePolicyAttachment = register(&Type{Token: TokenRolePolicyAttachment, Label: "role policy attachment"})
	PolicyAttachment     = register(&Type{Token: TokenPolicyAttachment, Label: "policy attachment"})
	Policy               = register(&Type{Token: TokenPolicy, Label: "IAM policy", NameKey: "name", Computed: []string{"arn"}, PolicyInputs: []string{"policy"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			a := f.Global("iam", f.Account, "policy/"+name)
			return a, map[string]any{"name": name, "arn": a}
		}})
)

// Targets.
var (
	Queue = register(&Type{Token: TokenQueue, Label: "SQS queue", Shape: cyl, NameKey: "name", Computed: []string{"arn", "url"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := fifoName(f.PhysicalName(r, "name"), r.Inputs["fifoQueue"])
			url := fmt.Sprintf("https://sqs.%s.%s/%s/%s", f.Region, f.DNSSuffix, f.Account, name)
			return url, map[string]any{"name": name, "arn": f.ARN("sqs", name), "url": url}
		}})
	Topic = register(&Type{Token: TokenTopic, Label: "SNS topic", Shape: stadium, NameKey: "name", Computed: []string{"arn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := fifoName(f.PhysicalName(r, "name"), r.Inputs["fifoTopic"])
			a := f.ARN("sns", name)
			return a, map[string]any{"name": name, "arn": a}
		}})
	QueuePolicy       = register(&Type{Token: TokenQueuePolicy, Label: "SQS queue policy", PolicyInputs: []string{"policy"}})
	TopicPolicy       = register(&Type{Token: TokenTopicPolicy, Label: "SNS topic policy", PolicyInputs: []string{"policy"}})
	TopicSubscription = register(&Type{Token: TokenTopicSubscription, Label: "SNS subscription", Computed: []string{"arn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			a := fmt.Sprintf("%v:%s", r.Inputs["topic"], f.Suffix(r.URN))
			return a, map[string]any{"arn": a}
		}})
	EventBus = register(&Type{Token: TokenEventBus, Label: "EventBridge bus", Shape: hexagon, NameKey: "name", Computed: []string{"arn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			return name, map[string]any{"name": name, "arn": f.ARN("events", "event-bus/"+name)}
		}})
	EventRule = register(&Type{Token: TokenEventRule, Label: "EventBridge rule", Shape: hexagon, NameKey: "name", Computed: []string{"arn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			return name, map[string]any{"name": name, "arn": f.ARN("events", "rule/"+name)}
		}})
	EventTarget        = register(&Type{Token: TokenEventTarget, Label: "EventBridge target"})
	BucketV2           = register(&Type{Token: TokenBucketV2, Label: "S3 bucket", Shape: cyl, NameKey: "bucket", Computed: []string{"arn", "bucketDomainName"}, fake: fakeBucket})
	Bucket             = register(&Type{Token: TokenBucket, Label: "S3 bucket", Shape: cyl, NameKey: "bucket", Computed: []string{"arn", "bucketDomainName"}, fake: fakeBucket})
	BucketNotification = register(&Type{Token: TokenBucketNotification, Label: "S3 bucket notification"})
	BucketEncryption   = register(&Type{Token: TokenBucketEncryption,
		Label: "S3 bucket encryption"})
	Key = register(&Type{Token: TokenKey, Label: "KMS key", Shape: box, Computed: []string{"arn", "keyId"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			id := f.UUID(r, "key!")
			return id, map[string]any{"keyId": id, "arn": f.ARN("kms", "key/"+id)}
		}})
	KeyAlias = register(&Type{Token: TokenKeyAlias, Label: "KMS alias", NameKey: "name", Computed: []string{"arn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := Str(r.Inputs, "name")
			return name, map[string]any{"arn": f.ARN("kms", name)}
		}})
)

// Synchronous invokers the rules recognise.
var (
	APIGatewayIntegration    = register(&Type{Token: TokenAPIGatewayIntegration, Label: "API Gateway integration"})
	APIGatewayV2Integration  = register(&Type{Token: TokenAPIGatewayV2Integration, Label: "API Gateway v2 integration"})
	LBTargetGroupAttachment  = register(&Type{Token: TokenLBTargetGroupAttachment, Label: "load balancer target"})
	ALBTargetGroupAttachment = register(&Type{Token: TokenALBTargetGroupAttachment, Label: "load balancer target"})
)

func fakeBucket(f Faker, r Resource) (string, map[string]any) {
	name := strings.ToLower(f.PhysicalName(r, "bucket"))
	return name, map[string]any{"bucket": name, "arn": f.Global("s3", "", name), "bucketDomainName": name + ".s3." + f.DNSSuffix}
}

// fifoName gives a FIFO queue's or topic's name its .fifo suffix.
func fifoName(name string, fifo any) string {
	if b, _ := fifo.(bool); b && !strings.HasSuffix(name, ".fifo") {
		return name + ".fifo"
	}
	return name
}
