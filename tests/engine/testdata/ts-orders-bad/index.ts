// The order processor of ../ts-orders with bad input the types allow:
// three retries (Lambda allows 0 to 2) and an S3 bucket on success (S3
// receives failure records only). The component refuses both at preview.
import * as pulumi from "@pulumi/pulumi";
import * as asyncroute from "@asyncroute/asyncroute";

new asyncroute.lambda.Function("order-processor", {
    function: {
        runtime: "python3.12",
        handler: "handler.handler",
        code: new pulumi.asset.FileArchive("./handler"),
    },
    onSuccess: { kind: "s3", arn: "arn:aws:s3:::orders-archive" },
    onFailure: { kind: "newTopic" },
    maxRetries: 3,
});
