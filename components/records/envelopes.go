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
	MessageID              string                         `json:"messageId"`
	ReceiptHandle          string                         `json:"receiptHandle"`
	Body                   string                         `json:"body"`
	Attributes             map[string]string              `json:"attributes"`
	MessageAttributes      map[string]SQSMessageAttribute `json:"messageAttributes"`
	MD5OfBody              string                         `json:"md5OfBody"`
	MD5OfMessageAttributes string                         `json:"md5OfMessageAttributes,omitempty"`
	EventSource            string                         `json:"eventSource"`
	EventSourceARN         string                         `json:"eventSourceARN"`
	AWSRegion              string                         `json:"awsRegion"`
}

// SQSMessageAttribute is one SQS message attribute in the Lambda event shape.
type SQSMessageAttribute struct {
	StringValue      *string  `json:"stringValue,omitempty"`
	BinaryValue      []byte   `json:"binaryValue,omitempty"`
	StringListValues []string `json:"stringListValues"`
	BinaryListValues [][]byte `json:"binaryListValues"`
	DataType         string   `json:"dataType"`
}

// SQSEvent is the event a Lambda function consuming an SQS queue receives.
type SQSEvent struct {
	Records []SQSMessage `json:"Records"`
}

// SNSNotification is the JSON document SNS delivers to an SQS subscriber
// without raw message delivery (it is the SQS message body), and to HTTP/S
// and email-json subscribers.
type SNSNotification struct {
	Type              string                         `json:"Type"`
	MessageID         string                         `json:"MessageId"`
	TopicArn          string                         `json:"TopicArn"`
	Subject           string                         `json:"Subject,omitempty"`
	Message           string                         `json:"Message"`
	Timestamp         string                         `json:"Timestamp"`
	SignatureVersion  string                         `json:"SignatureVersion"`
	Signature         string                         `json:"Signature"`
	SigningCertURL    string                         `json:"SigningCertURL"`
	UnsubscribeURL    string                         `json:"UnsubscribeURL"`
	MessageAttributes map[string]SNSMessageAttribute `json:"MessageAttributes,omitempty"`
}

// SNSMessageAttribute is one SNS message attribute ("String", "Number",
// "Binary" or "String.Array"; the value is always a string).
type SNSMessageAttribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// SNSEntity is the Sns object of an SNS event record as a Lambda subscriber
// receives it. It differs from [SNSNotification] in the spelling of
// SigningCertUrl and UnsubscribeUrl and in Subject being null when unset. Its
// JSON is that of aws-lambda-go's events.SNSEntity; fields are in the order
// of the sample event in AWS's Lambda guide.
type SNSEntity struct {
	SignatureVersion  string                         `json:"SignatureVersion"`
	Timestamp         string                         `json:"Timestamp"`
	Signature         string                         `json:"Signature"`
	SigningCertURL    string                         `json:"SigningCertUrl"`
	MessageID         string                         `json:"MessageId"`
	Message           string                         `json:"Message"`
	MessageAttributes map[string]SNSMessageAttribute `json:"MessageAttributes"`
	Type              string                         `json:"Type"`
	UnsubscribeURL    string                         `json:"UnsubscribeUrl"`
	TopicArn          string                         `json:"TopicArn"`
	Subject           *string                        `json:"Subject"`
}

// SNSEventRecord is one entry of an [SNSEvent].
type SNSEventRecord struct {
	EventVersion         string    `json:"EventVersion"`
	EventSubscriptionArn string    `json:"EventSubscriptionArn"`
	EventSource          string    `json:"EventSource"`
	SNS                  SNSEntity `json:"Sns"`
}

// SNSEvent is the event a Lambda function subscribed to an SNS topic
// receives.
type SNSEvent struct {
	Records []SNSEventRecord `json:"Records"`
}

// EventBridgeEvent is an EventBridge event as a rule's target receives it.
// Its JSON is that of aws-lambda-go's events.CloudWatchEvent, except that
// Time is kept as the string EventBridge sent.
type EventBridgeEvent struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}
