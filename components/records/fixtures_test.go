package records

// Payloads shaped as AWS documents them. The failure record carries the
// values of the example in the Lambda Developer Guide ("Example invocation
// record"); the envelopes follow the SQS, SNS and EventBridge shapes of the
// Lambda and SNS developer guides. IDs, ARNs and signatures are made up.

const failureRecord = `{
  "version": "1.0",
  "timestamp": "2019-11-14T18:16:05.568Z",
  "requestContext": {
    "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
    "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
    "condition": "RetriesExhausted",
    "approximateInvokeCount": 3
  },
  "requestPayload": {
    "ORDER_IDS": [
      "9e07af03-ce31-4ff3-xmpl-36dce652cb4f",
      "637de236-e7b2-464e-xmpl-baf57f86bb53",
      "a81ddca6-2c35-45c7-xmpl-c3a03a31ed15"
    ]
  },
  "responseContext": {
    "statusCode": 200,
    "executedVersion": "$LATEST",
    "functionError": "Unhandled"
  },
  "responsePayload": {
    "errorMessage": "RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request"
  }
}`

const successRecord = `{"version":"1.0","timestamp":"2024-05-02T09:30:00.125Z","requestContext":{"requestId":"0a1b2c3d-0000-4000-8000-000000000001","functionArn":"arn:aws:lambda:eu-west-1:111122223333:function:orders:live","condition":"Success","approximateInvokeCount":1},"requestPayload":{"orderId":"o-17","amount":42},"responseContext":{"statusCode":200,"executedVersion":"7"},"responsePayload":{"status":"processed","orderId":"o-17"}}`

const handledRecord = `{"version":"1.0","timestamp":"2024-05-02T09:31:00.000Z","requestContext":{"requestId":"0a1b2c3d-0000-4000-8000-000000000002","functionArn":"arn:aws:lambda:eu-west-1:111122223333:function:orders:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":2},"requestPayload":{"orderId":"o-18","amount":-1},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Handled"},"responsePayload":{"errorMessage":"amount must be positive","errorType":"ValueError","stackTrace":["  File \"/var/task/handler.py\", line 9, in handler\n    raise ValueError(\"amount must be positive\")\n"]}}`

// sqsEvent is a Lambda SQS event whose single message is the success record.
const sqsEvent = `{
  "Records": [
    {
      "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
      "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
      "body": "{\"version\":\"1.0\",\"timestamp\":\"2024-05-02T09:30:00.125Z\",\"requestContext\":{\"requestId\":\"0a1b2c3d-0000-4000-8000-000000000001\",\"functionArn\":\"arn:aws:lambda:eu-west-1:111122223333:function:orders:live\",\"condition\":\"Success\",\"approximateInvokeCount\":1},\"requestPayload\":{\"orderId\":\"o-17\",\"amount\":42},\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"7\"},\"responsePayload\":{\"status\":\"processed\",\"orderId\":\"o-17\"}}",
      "attributes": {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "1714642200130",
        "SenderId": "AROAEXAMPLE:awslambda_123_20240502093000125",
        "ApproximateFirstReceiveTimestamp": "1714642200140"
      },
      "messageAttributes": {},
      "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
      "eventSource": "aws:sqs",
      "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:orders-processed",
      "awsRegion": "eu-west-1"
    }
  ]
}`

// snsNotification is what a queue subscribed without raw delivery to an SNS
// destination receives as its body: Message is the failure record.
const snsNotification = `{
  "Type": "Notification",
  "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
  "TopicArn": "arn:aws:sns:us-east-1:123456789012:orders-failed",
  "Message": "{\"version\":\"1.0\",\"timestamp\":\"2019-11-14T18:16:05.568Z\",\"requestContext\":{\"requestId\":\"e4b46cbf-b738-xmpl-8880-a18cdf61200e\",\"functionArn\":\"arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST\",\"condition\":\"RetriesExhausted\",\"approximateInvokeCount\":3},\"requestPayload\":{\"ORDER_IDS\":[\"9e07af03-ce31-4ff3-xmpl-36dce652cb4f\",\"637de236-e7b2-464e-xmpl-baf57f86bb53\",\"a81ddca6-2c35-45c7-xmpl-c3a03a31ed15\"]},\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"},\"responsePayload\":{\"errorMessage\":\"RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request\"}}",
  "Timestamp": "2019-11-14T18:16:05.601Z",
  "SignatureVersion": "1",
  "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
  "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
  "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:orders-failed:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55"
}`

// snsEvent is what a Lambda function subscribed to the SNS destination
// receives for the same failure record.
const snsEvent = `{
  "Records": [
    {
      "EventVersion": "1.0",
      "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:orders-failed:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
      "EventSource": "aws:sns",
      "Sns": {
        "SignatureVersion": "1",
        "Timestamp": "2019-11-14T18:16:05.601Z",
        "Signature": "EXAMPLE",
        "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
        "Message": "{\"version\":\"1.0\",\"timestamp\":\"2019-11-14T18:16:05.568Z\",\"requestContext\":{\"requestId\":\"e4b46cbf-b738-xmpl-8880-a18cdf61200e\",\"functionArn\":\"arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST\",\"condition\":\"RetriesExhausted\",\"approximateInvokeCount\":3},\"requestPayload\":{\"ORDER_IDS\":[\"9e07af03-ce31-4ff3-xmpl-36dce652cb4f\",\"637de236-e7b2-464e-xmpl-baf57f86bb53\",\"a81ddca6-2c35-45c7-xmpl-c3a03a31ed15\"]},\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"},\"responsePayload\":{\"errorMessage\":\"RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request\"}}",
        "MessageAttributes": {},
        "Type": "Notification",
        "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:orders-failed:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:orders-failed",
        "Subject": null
      }
    }
  ]
}`

// eventBridgeEvent is what a rule on the bus of an EventBridge destination
// delivers to its target for the success record.
const eventBridgeEvent = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "Lambda Function Invocation Result - Success",
  "source": "lambda",
  "account": "111122223333",
  "time": "2024-05-02T09:30:00Z",
  "region": "eu-west-1",
  "resources": [
    "arn:aws:events:eu-west-1:111122223333:event-bus/default",
    "arn:aws:lambda:eu-west-1:111122223333:function:orders:live"
  ],
  "detail": {"version":"1.0","timestamp":"2024-05-02T09:30:00.125Z","requestContext":{"requestId":"0a1b2c3d-0000-4000-8000-000000000001","functionArn":"arn:aws:lambda:eu-west-1:111122223333:function:orders:live","condition":"Success","approximateInvokeCount":1},"requestPayload":{"orderId":"o-17","amount":42},"responseContext":{"statusCode":200,"executedVersion":"7"},"responsePayload":{"status":"processed","orderId":"o-17"}}
}`

// s3Key is the key an S3 on-failure destination writes.
const s3Key = "aws/lambda/async/my-function/2019/11/14/2019-11-14T18.16.05-3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41"

// dlqSQSEvent is a Lambda SQS event from a dead-letter queue: the body is the
// original event, the attributes are Lambda's.
const dlqSQSEvent = `{
  "Records": [
    {
      "messageId": "c80e8021-a70a-42c7-a470-796e1186f753",
      "receiptHandle": "AQEBJQ+/u6NsnT5t8Q/VbVxgdUl4TMKZ5FqhksRdIQvLBhwNvADoBxYSOVeCBXdnS9P+",
      "body": "{\"orderId\":\"o-18\",\"amount\":-1}",
      "attributes": {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "1714642260512",
        "SenderId": "AROAEXAMPLE:awslambda_456_20240502093100000",
        "ApproximateFirstReceiveTimestamp": "1714642260520"
      },
      "messageAttributes": {
        "RequestID": {"stringValue": "0a1b2c3d-0000-4000-8000-000000000002", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "ErrorCode": {"stringValue": "200", "stringListValues": [], "binaryListValues": [], "dataType": "Number"},
        "ErrorMessage": {"stringValue": "amount must be positive", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
      },
      "md5OfBody": "5d0f9a9e8b2a3f6f0d1f5b0a7c3e2d41",
      "md5OfMessageAttributes": "3a7f5b1e9c2d4f6a8b0c1d2e3f4a5b6c",
      "eventSource": "aws:sqs",
      "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:orders-dlq",
      "awsRegion": "eu-west-1"
    }
  ]
}`

// dlqSNSNotification is what a queue subscribed without raw delivery to a
// dead-letter topic receives.
const dlqSNSNotification = `{
  "Type": "Notification",
  "MessageId": "d7c0b5f2-7a1b-5a4c-9e0d-3f2a1b0c9d8e",
  "TopicArn": "arn:aws:sns:eu-west-1:111122223333:orders-dlq",
  "Message": "{\"orderId\":\"o-18\",\"amount\":-1}",
  "Timestamp": "2024-05-02T09:31:00.512Z",
  "SignatureVersion": "1",
  "Signature": "EXAMPLE",
  "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
  "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:111122223333:orders-dlq:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
  "MessageAttributes": {
    "RequestID": {"Type": "String", "Value": "0a1b2c3d-0000-4000-8000-000000000002"},
    "ErrorCode": {"Type": "Number", "Value": "200"},
    "ErrorMessage": {"Type": "String", "Value": "amount must be positive"}
  }
}`

// dlqSNSEvent is what a Lambda function subscribed to a dead-letter topic
// receives.
const dlqSNSEvent = `{
  "Records": [
    {
      "EventVersion": "1.0",
      "EventSubscriptionArn": "arn:aws:sns:eu-west-1:111122223333:orders-dlq:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
      "EventSource": "aws:sns",
      "Sns": {
        "SignatureVersion": "1",
        "Timestamp": "2024-05-02T09:31:00.512Z",
        "Signature": "EXAMPLE",
        "SigningCertUrl": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        "MessageId": "d7c0b5f2-7a1b-5a4c-9e0d-3f2a1b0c9d8e",
        "Message": "{\"orderId\":\"o-18\",\"amount\":-1}",
        "MessageAttributes": {
          "RequestID": {"Type": "String", "Value": "0a1b2c3d-0000-4000-8000-000000000002"},
          "ErrorCode": {"Type": "Number", "Value": "200"},
          "ErrorMessage": {"Type": "String", "Value": "amount must be positive"}
        },
        "Type": "Notification",
        "UnsubscribeUrl": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:111122223333:orders-dlq:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        "TopicArn": "arn:aws:sns:eu-west-1:111122223333:orders-dlq",
        "Subject": null
      }
    }
  ]
}`

// apiGatewayV1 is an HTTP API payload format 1.0 request: version "1.0" and a
// requestContext, but not an invocation record.
const apiGatewayV1 = `{"version":"1.0","resource":"/orders","path":"/orders","httpMethod":"POST","headers":{},"requestContext":{"accountId":"111122223333","apiId":"1234567890","requestId":"abc"},"body":"{}","isBase64Encoded":false}`

const s3Notification = `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2019-11-14T18:16:06.000Z","eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"failures","arn":"arn:aws:s3:::failures"},"object":{"key":"aws/lambda/async/my-function/2019/11/14/2019-11-14T18.16.05-3f1c2b7e-8d4a-4f6b-9c1e-5a7b9d0e2f41","size":612}}}]}`
