package records

import "encoding/json"

// The EventBridge fields Lambda sets on the event it puts for a destination.
const (
	// EventBridgeSource is the event's source as Lambda sends it and as rules
	// (the CDK's, this project's) match it. AWS's destination table currently
	// says "aws.lambda"; that value is accepted when reading too.
	EventBridgeSource = "lambda"
	// DetailTypeSuccess is the detail-type of a record for the on-success
	// destination.
	DetailTypeSuccess = "Lambda Function Invocation Result - Success"
	// DetailTypeFailure is the detail-type of a record for the on-failure
	// destination.
	DetailTypeFailure = "Lambda Function Invocation Result - Failure"
)

// The message attributes Lambda adds to an event it sends to a dead-letter
// queue or topic.
const (
	// AttrRequestID is the String attribute holding the request ID.
	AttrRequestID = "RequestID"
	// AttrErrorCode is the Number attribute holding the HTTP status code.
	AttrErrorCode = "ErrorCode"
	// AttrErrorMessage is the String attribute holding the first 1 KB of the
	// error message.
	AttrErrorMessage = "ErrorMessage"
)

// SQSMessage is one SQS message as a Lambda function consuming the queue
// receives it (an entry of the event's Records). Its JSON is the same as that
// of aws-lambda-go's events.SQSMessage. Because encoding/json matches names
// without regard to case, the entries of an SQS ReceiveMessage response
// (MessageId, Body, MessageAttributes{StringValue, DataType}) decode into it
// too.
type SQSMessage struct {
	// MessageID is the SQS message ID.
	MessageID string `json:"messageId"`
	// ReceiptHandle deletes the message.
	ReceiptHandle string `json:"receiptHandle"`
	// Body is the message body: for a destination, the record (or an
	// envelope holding it); for a dead-letter queue, the original event.
	Body string `json:"body"`
	// Attributes are SQS's system attributes (SentTimestamp, ...).
	Attributes map[string]string `json:"attributes"`
	// MessageAttributes are the sender's attributes; Lambda sets the
	// dead-letter ones.
	MessageAttributes map[string]SQSMessageAttribute `json:"messageAttributes"`
	// MD5OfBody is the hex MD5 of Body.
	MD5OfBody string `json:"md5OfBody"`
	// MD5OfMessageAttributes is SQS's digest of MessageAttributes.
	MD5OfMessageAttributes string `json:"md5OfMessageAttributes,omitempty"`
	// EventSource is "aws:sqs".
	EventSource string `json:"eventSource"`
	// EventSourceARN is the queue's ARN.
	EventSourceARN string `json:"eventSourceARN"`
	// AWSRegion is the queue's region.
	AWSRegion string `json:"awsRegion"`
}

// SQSMessageAttribute is one SQS message attribute in the Lambda event shape.
type SQSMessageAttribute struct {
	// StringValue holds String and Number values.
	StringValue *string `json:"stringValue,omitempty"`
	// BinaryValue holds Binary values (base64 in JSON).
	BinaryValue []byte `json:"binaryValue,omitempty"`
	// StringListValues is reserved by SQS; Lambda events carry [].
	StringListValues []string `json:"stringListValues"`
	// BinaryListValues is reserved by SQS; Lambda events carry [].
	BinaryListValues [][]byte `json:"binaryListValues"`
	// DataType is "String", "Number" or "Binary" (optionally with a
	// custom suffix).
	DataType string `json:"dataType"`
}

// SQSEvent is the event a Lambda function consuming an SQS queue receives.
type SQSEvent struct {
	// Records are the batch's messages.
	Records []SQSMessage `json:"Records"`
}

// SNSNotification is the JSON document SNS delivers to an SQS subscriber
// without raw message delivery (it is the SQS message body), and to HTTP/S
// and email-json subscribers.
type SNSNotification struct {
	// Type is "Notification".
	Type string `json:"Type"`
	// MessageID is the SNS message ID.
	MessageID string `json:"MessageId"`
	// TopicArn is the topic's ARN.
	TopicArn string `json:"TopicArn"`
	// Subject is the publisher's subject, if any.
	Subject string `json:"Subject,omitempty"`
	// Message is the published text: the record, or for a dead-letter
	// topic the original event.
	Message string `json:"Message"`
	// Timestamp is when SNS published it (UTC, milliseconds).
	Timestamp string `json:"Timestamp"`
	// SignatureVersion is "1" or "2".
	SignatureVersion string `json:"SignatureVersion"`
	// Signature is SNS's base64 signature of the message.
	Signature string `json:"Signature"`
	// SigningCertURL locates SNS's signing certificate.
	SigningCertURL string `json:"SigningCertURL"`
	// UnsubscribeURL ends the subscription.
	UnsubscribeURL string `json:"UnsubscribeURL"`
	// MessageAttributes are the publisher's attributes; Lambda sets the
	// dead-letter ones.
	MessageAttributes map[string]SNSMessageAttribute `json:"MessageAttributes,omitempty"`
}

// SNSMessageAttribute is one SNS message attribute ("String", "Number",
// "Binary" or "String.Array"; the value is always a string).
type SNSMessageAttribute struct {
	// Type is the attribute's data type.
	Type string `json:"Type"`
	// Value is the attribute's value as text (base64 for Binary).
	Value string `json:"Value"`
}

// SNSEntity is the Sns object of an SNS event record as a Lambda subscriber
// receives it. It differs from [SNSNotification] in the spelling of
// SigningCertUrl and UnsubscribeUrl and in Subject being null when unset. Its
// JSON is that of aws-lambda-go's events.SNSEntity; fields are in the order
// of the sample event in AWS's Lambda guide.
type SNSEntity struct {
	// SignatureVersion is as in [SNSNotification].
	SignatureVersion string `json:"SignatureVersion"`
	// Timestamp is as in [SNSNotification].
	Timestamp string `json:"Timestamp"`
	// Signature is as in [SNSNotification].
	Signature string `json:"Signature"`
	// SigningCertURL is SigningCertURL of [SNSNotification].
	SigningCertURL string `json:"SigningCertUrl"`
	// MessageID is as in [SNSNotification].
	MessageID string `json:"MessageId"`
	// Message is the record, or for a dead-letter topic the original event.
	Message string `json:"Message"`
	// MessageAttributes are as in [SNSNotification] ({} when none).
	MessageAttributes map[string]SNSMessageAttribute `json:"MessageAttributes"`
	// Type is "Notification".
	Type string `json:"Type"`
	// UnsubscribeURL is UnsubscribeURL of [SNSNotification].
	UnsubscribeURL string `json:"UnsubscribeUrl"`
	// TopicArn is the topic's ARN.
	TopicArn string `json:"TopicArn"`
	// Subject is the publisher's subject, null when there is none.
	Subject *string `json:"Subject"`
}

// SNSEventRecord is one entry of an [SNSEvent].
type SNSEventRecord struct {
	// EventVersion is "1.0".
	EventVersion string `json:"EventVersion"`
	// EventSubscriptionArn is the subscription's ARN.
	EventSubscriptionArn string `json:"EventSubscriptionArn"`
	// EventSource is "aws:sns".
	EventSource string `json:"EventSource"`
	// SNS is the message.
	SNS SNSEntity `json:"Sns"`
}

// SNSEvent is the event a Lambda function subscribed to an SNS topic
// receives.
type SNSEvent struct {
	// Records are the event's messages (one per invocation in practice).
	Records []SNSEventRecord `json:"Records"`
}

// EventBridgeEvent is an EventBridge event as a rule's target receives it.
// Its JSON is that of aws-lambda-go's events.CloudWatchEvent, except that
// Time is kept as the string EventBridge sent.
type EventBridgeEvent struct {
	// Version is "0".
	Version string `json:"version"`
	// ID is the event's ID.
	ID string `json:"id"`
	// DetailType is [DetailTypeSuccess] or [DetailTypeFailure].
	DetailType string `json:"detail-type"`
	// Source is [EventBridgeSource].
	Source string `json:"source"`
	// Account is the account that put the event.
	Account string `json:"account"`
	// Time is when the event was put (RFC 3339, seconds).
	Time string `json:"time"`
	// Region is the region the event was put in.
	Region string `json:"region"`
	// Resources name the function and the destination.
	Resources []string `json:"resources"`
	// Detail is the invocation record.
	Detail json.RawMessage `json:"detail"`
}
