"""Cancel-replace in the OMS: a new order takes the place of a working one, lineage kept.

The new order's CREATED payload names the order it replaces (`replaces`), so the events
of both orders tell the whole story: the old order's CANCEL_REQUESTED and CANCELLED, the
new order's CREATED and the venue's answer. A venue with native cancel-replace
(`ReplacesOrders`) gets one request; any other gets a cancel, then the new order, sent
only once the cancel is confirmed. When the old order filled or is gone, the new order
is recorded REJECTED with the reason and never sent: a stop is moved, never stacked.
"""

from tradekernel.domain.enums import OrderStatus


def replace_refusal(replaced_id: str, status: OrderStatus | None) -> str:
    """Return why a replacement was not sent: the replaced order did not end cancelled.

    Worded once for every desk, so a backtest and paper report the same rejection.
    """
    if status is None:
        return f"replaces {replaced_id}, which is not known"
    return f"replaces {replaced_id}, which is {status.value}, not cancelled"
