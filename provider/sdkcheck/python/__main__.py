"""The root stack's order processor (stacks/orders) through the asyncroute
component provider, from Python. scripts/build-sdks.sh type-checks it with
pyright against the generated SDK and the pulumi SDK's source."""

import pulumi
import pulumi_asyncroute as asyncroute

processor = asyncroute.lambda_.Function(
    "order-processor",
    function=asyncroute.lambda_.FunctionSettingsArgs(
        runtime="python3.12",
        handler="handler.handler",
        code=pulumi.FileArchive("./handler"),
        timeout=10,
        memory_size=128,
        description="Processes orders invoked asynchronously",
    ),
    on_success=asyncroute.lambda_.DestinationArgs(
        kind=asyncroute.lambda_.DestinationKind.NEW_QUEUE,
        retention_period_seconds=4 * 24 * 3600,
    ),
    # Dictionaries work too (the SDK's TypedDict inputs); kinds are enum members.
    on_failure={"kind": asyncroute.lambda_.DestinationKind.NEW_TOPIC},
    max_retries=1,
    max_event_age_seconds=3600,
    tags={"app": "orders"},
)

# Attach routing to a function deployed elsewhere.
legacy = asyncroute.lambda_.AsyncInvoke(
    "legacy-billing",
    function_name="legacy-billing",
    role=asyncroute.lambda_.ExistingRoleArgs(name="legacy-billing-role"),
    on_failure=asyncroute.lambda_.DestinationArgs(kind=asyncroute.lambda_.DestinationKind.DEFAULT_EVENT_BUS),
)

function_name: pulumi.Output[str] = processor.function_name
pulumi.export("functionName", function_name)
pulumi.export("qualifiedArn", processor.qualified_arn)
pulumi.export("legacyQualifier", legacy.qualifier)
