"""Pipeline handlers. `ingest` validates a raw event; `enrich` receives the
invocation record Lambda sends on success and adds a priority."""


def ingest(event, context=None):
    if "customer" not in event:
        raise ValueError("customer is required")
    return {"customer": event["customer"], "amount": float(event.get("amount", 0))}


def enrich(record, context=None):
    # A Lambda destination receives the whole invocation record; the previous
    # function's result is its responsePayload.
    order = record["responsePayload"]
    order["priority"] = "high" if order["amount"] >= 1000 else "normal"
    return order
