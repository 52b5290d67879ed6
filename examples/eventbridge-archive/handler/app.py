"""Scores a payment; the result is published on the bus by Lambda."""


def handler(event, context=None):
    amount = float(event["amount"])
    if amount < 0:
        raise ValueError("amount must not be negative")
    return {"payment_id": event["payment_id"], "risk": "review" if amount > 5000 else "ok"}
