"""Response-chain handlers.

`ingest` validates an order. Its response reaches `enrich` through
EventBridge as the event itself (ResponseOnly), not wrapped in an
invocation record as a Lambda destination would deliver it.
`clicks` consumes a Kinesis stream through an event source mapping.
"""

import base64
import json


def ingest(event, context=None):
    if "customer" not in event:
        raise ValueError("customer is required")
    return {"customer": event["customer"], "amount": float(event.get("amount", 0))}


def enrich(order, context=None):
    # The event is ingest's response payload, nothing else.
    order["priority"] = "high" if order["amount"] >= 1000 else "normal"
    return order


def clicks(event, context=None):
    # A failing batch is retried and bisected by the mapping; once it is
    # discarded, the mapping's on-failure queue gets a record of it.
    seen = 0
    for record in event["Records"]:
        click = json.loads(base64.b64decode(record["kinesis"]["data"]))
        if "page" not in click:
            raise ValueError("click without page")
        seen += 1
    return {"clicks": seen}
