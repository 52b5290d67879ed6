// The root stack's order processor (stacks/orders) through the asyncroute
// component provider, from TypeScript. scripts/build-sdks.sh type-checks
// it against the generated SDK, @pulumi/pulumi and @pulumi/aws
// (scripts/check-ts.sh); the engine tests deploy it and compare its writes
// with a Go twin's (TestTypeScriptSDKCheckProgram).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as asyncroute from "@asyncroute/asyncroute";

// A queue declared in the program, passed by ARN (kind read from the ARN).
const processed = new aws.sqs.Queue("orders-processed", {
    messageRetentionSeconds: 4 * 24 * 3600,
    sqsManagedSseEnabled: true,
});

const processor = new asyncroute.lambda.Function("order-processor", {
    function: {
        runtime: "python3.12",
        handler: "handler.handler",
        code: new pulumi.asset.FileArchive("./handler"),
        timeout: 10,
        memorySize: 128,
        description: "Processes orders invoked asynchronously",
    },
    // An ARN known only at deploy time: name its kind.
    onSuccess: { kind: asyncroute.lambda.DestinationKind.Sqs, arn: processed.arn },
    // Let the component create the topic (alias/aws/sns).
    onFailure: { kind: "newTopic" },
    maxRetries: 1,
    maxEventAgeSeconds: 3600,
    tags: { app: "orders" },
});

// Attach routing to a function deployed elsewhere.
const legacy = new asyncroute.lambda.AsyncInvoke("legacy-billing", {
    functionName: "legacy-billing",
    role: { name: "legacy-billing-role" },
    onFailure: { kind: "newQueue", retentionPeriodSeconds: 7 * 24 * 3600 },
    maxRetries: 0,
});

export const functionName: pulumi.Output<string> = processor.functionName;
export const qualifiedArn: pulumi.Output<string> = processor.qualifiedArn;
export const topicArn: pulumi.Output<string | undefined> = processor.onFailureArn;
export const legacyFailures: pulumi.Output<string | undefined> = legacy.onFailureArn;
