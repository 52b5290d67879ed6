"""Order processor Lambda handler (Python 3.12).

Invoked asynchronously. Its return value becomes the responsePayload of the
on-success record; an exception makes Lambda retry and, once retries are
exhausted, send an on-failure record.
"""


class UpstreamTimeout(Exception):
    """The inventory service did not answer in time (simulated)."""


def handler(event, context=None):
    if not isinstance(event, dict) or not event.get("order_id"):
        raise ValueError("order_id is required")
    if event.get("simulate") == "upstream_timeout":
        raise UpstreamTimeout(f"inventory service timed out for order {event['order_id']}")

    items = event.get("items") or []
    for item in items:
        if int(item.get("qty", 0)) <= 0:
            raise ValueError(f"item {item.get('sku')!r} has no positive qty")
    total = sum(int(i["qty"]) * float(i.get("price", 0)) for i in items)
    return {
        "order_id": event["order_id"],
        "status": "processed",
        "item_count": sum(int(i["qty"]) for i in items),
        "total": round(total, 2),
    }
