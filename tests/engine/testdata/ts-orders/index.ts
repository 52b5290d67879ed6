// The order processor of ../yaml-orders in TypeScript: successful orders
// go to an SQS queue, orders that still fail after one retry or wait more
// than an hour go to an SNS topic; the component creates both (4 days of
// retention and SQS-managed SSE; alias/aws/sns).
import * as pulumi from "@pulumi/pulumi";
import * as asyncroute from "@asyncroute/asyncroute";

const processor = new asyncroute.lambda.Function("order-processor", {
    function: {
        runtime: "python3.12",
        handler: "handler.handler",
        code: new pulumi.asset.FileArchive("./handler"),
        timeout: 10,
        memorySize: 128,
        description: "Processes orders invoked asynchronously",
    },
    onSuccess: { kind: "newQueue", retentionPeriodSeconds: 4 * 24 * 3600 },
    onFailure: { kind: "newTopic" },
    maxRetries: 1,
    maxEventAgeSeconds: 3600,
    tags: { app: "orders" },
});

export const functionName = processor.functionName;
export const qualifiedArn = processor.qualifiedArn;
export const queueArn = processor.onSuccessArn;
export const topicArn = processor.onFailureArn;
