package iampolicy

import "strings"

// managed holds the statements of well-known AWS managed policies that
// matter for destinations (from AWS's managed policy reference).
// Statements about unrelated services are left out: they cannot allow or
// deny a destination action. A managed policy that is not listed is
// unknown, so it never causes a violation.
var managed = map[string][]Statement{
	"AdministratorAccess": {allowAll("*")},
	// PowerUserAccess allows everything except IAM, Organizations and
	// Account management (plus a few IAM reads, irrelevant here).
	"PowerUserAccess":             {{Effect: "Allow", NotAction: []string{"iam:*", "organizations:*", "account:*"}, Resource: []string{"*"}}},
	"AmazonSQSFullAccess":         {allowAll("sqs:*")},
	"AmazonSNSFullAccess":         {allowAll("sns:*")},
	"AmazonS3FullAccess":          {allowAll("s3:*", "s3-object-lambda:*")},
	"AmazonEventBridgeFullAccess": {allowAll("events:*", "schemas:*", "scheduler:*", "pipes:*")},
	"CloudWatchEventsFullAccess":  {allowAll("events:*", "schemas:*", "scheduler:*", "pipes:*")},
	// AWSLambda_FullAccess: lambda:* plus read-only actions of other
	// services; no SQS, SNS, EventBridge or S3 write.
	"AWSLambda_FullAccess": {allowAll("lambda:*")},
	// service-role/AWSLambdaRole: invoke any function.
	"AWSLambdaRole": {allowAll("lambda:InvokeFunction")},
	// The execution-role policies grant logs, network interfaces and
	// event-source reads only: none of the destination actions.
	"AWSLambdaBasicExecutionRole":     {allowAll("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")},
	"AWSLambdaVPCAccessExecutionRole": {allowAll("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses")},
	"AWSLambdaSQSQueueExecutionRole":  {allowAll("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")},
	"AmazonS3ReadOnlyAccess":          {allowAll("s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*")},
	"AmazonSQSReadOnlyAccess":         {allowAll("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ListQueues", "sqs:ListMessageMoveTasks", "sqs:ListQueueTags")},
	"AmazonSNSReadOnlyAccess":         {allowAll("sns:GetTopicAttributes", "sns:List*", "sns:CheckIfPhoneNumberIsOptedOut", "sns:GetEndpointAttributes", "sns:GetDataProtectionPolicy", "sns:GetPlatformApplicationAttributes", "sns:GetSMSAttributes", "sns:GetSMSSandboxAccountStatus", "sns:GetSubscriptionAttributes")},
}

func allowAll(actions ...string) Statement {
	return Statement{Effect: "Allow", Action: actions, Resource: []string{"*"}}
}

// Managed returns the document of a well-known AWS managed policy, given
// its name or ARN (arn:<partition>:iam::aws:policy/[<path>/]<name>). ok is
// false for policies the package does not know.
func Managed(nameOrARN string) (Document, bool) {
	name := nameOrARN
	if strings.HasPrefix(nameOrARN, "arn:") {
		if !IsAWSManagedARN(nameOrARN) {
			return Document{}, false
		}
		res := strings.SplitN(nameOrARN, ":", 6)[5]
		if !strings.HasPrefix(res, "policy/") {
			return Document{}, false
		}
		name = res[strings.LastIndex(res, "/")+1:]
	}
	stmts, ok := managed[name]
	if !ok {
		return Document{}, false
	}
	return Document{Version: Version, Statements: stmts}, true
}

// IsAWSManagedARN reports whether arn names a policy owned by AWS
// (arn:<partition>:iam::aws:...).
func IsAWSManagedARN(arn string) bool {
	f := strings.SplitN(arn, ":", 6)
	return len(f) == 6 && f[0] == "arn" && f[2] == "iam" && f[4] == "aws"
}
