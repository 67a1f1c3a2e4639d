"""The JSON payloads order events carry: what a CREATED event must say about the order."""

import json
from decimal import Decimal, InvalidOperation

import attrs

from tradekernel.domain.enums import CloseSemantics, OrderType, Side, TimeInForce
from tradekernel.domain.intents import ExecutionIntent


@attrs.frozen(kw_only=True)
class OrderSpec:
    """The immutable description of an order, written once in its CREATED event."""

    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    quantity: Decimal
    price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    close_semantics: CloseSemantics = CloseSemantics.OPEN
    # The client order id of the working order this one replaces (cancel-replace), if any.
    replaces: str | None = None
    # An entry's protective levels: kept so a restarted bot can still protect its fill.
    stop_loss_price: Decimal | None = None
    take_profit_price: Decimal | None = None

    @property
    def reduce_only(self) -> bool:
        return self.close_semantics is not CloseSemantics.OPEN

    @classmethod
    def from_intent(cls, intent: ExecutionIntent) -> "OrderSpec":
        """Describe the order a non-skipped intent asks for."""
        return cls(
            client_order_id=intent.client_order_id,
            symbol=intent.symbol,
            side=intent.side,
            order_type=intent.order_type,
            quantity=intent.quantity,
            price=intent.price,
            stop_price=intent.stop_price,
            time_in_force=intent.time_in_force,
            close_semantics=intent.close_semantics,
            replaces=intent.replaced_order_id,
            stop_loss_price=intent.stop_loss_price,
            take_profit_price=intent.take_profit_price,
        )

    def to_json(self) -> str:
        """Return the canonical JSON payload (sorted keys, decimals as strings).

        `replaces` and the protective levels are written only when set, so every other
        order has the payload it always had.
        """
        data: dict[str, str | None] = {
            "symbol": self.symbol,
            "side": self.side.value,
            "order_type": self.order_type.value,
            "quantity": str(self.quantity),
            "price": None if self.price is None else str(self.price),
            "stop_price": None if self.stop_price is None else str(self.stop_price),
            "time_in_force": self.time_in_force.value,
            "close_semantics": self.close_semantics.value,
        }
        if self.replaces is not None:
            data["replaces"] = self.replaces
        if self.stop_loss_price is not None:
            data["stop_loss_price"] = str(self.stop_loss_price)
        if self.take_profit_price is not None:
            data["take_profit_price"] = str(self.take_profit_price)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, client_order_id: str, payload: str) -> "OrderSpec":
        """Parse a CREATED payload.

        Raises:
            ValueError: the payload is not valid JSON or a field is missing or invalid;
                the message names the order and the field.
        """
        where = f"CREATED payload of order {client_order_id}"
        try:
            data = json.loads(payload)
        except json.JSONDecodeError as error:
            raise ValueError(f"{where}: not JSON ({error})") from error
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object")
        try:
            return cls(
                client_order_id=client_order_id,
                symbol=str(data["symbol"]),
                side=Side(data["side"]),
                order_type=OrderType(data["order_type"]),
                quantity=_decimal(data["quantity"]),
                price=_optional_decimal(data.get("price")),
                stop_price=_optional_decimal(data.get("stop_price")),
                time_in_force=TimeInForce(data.get("time_in_force", TimeInForce.GTC.value)),
                close_semantics=CloseSemantics(
                    data.get("close_semantics", CloseSemantics.OPEN.value)
                ),
                replaces=_optional_text(data.get("replaces")),
                stop_loss_price=_optional_decimal(data.get("stop_loss_price")),
                take_profit_price=_optional_decimal(data.get("take_profit_price")),
            )
        except KeyError as error:
            raise ValueError(f"{where}: missing field {error.args[0]!r}") from error
        except (InvalidOperation, TypeError, ValueError) as error:
            raise ValueError(f"{where}: {error}") from error


def _decimal(value: object) -> Decimal:
    if not isinstance(value, str):
        raise TypeError(f"expected a decimal string, got {type(value).__name__} {value!r}")
    return Decimal(value)


def _optional_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__} {value!r}")


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else _decimal(value)


def detail_payload(**fields: str | None) -> str:
    """Return a small canonical JSON payload (venue ids, error messages, fees)."""
    return json.dumps(
        {key: value for key, value in fields.items() if value is not None},
        sort_keys=True,
        separators=(",", ":"),
    )


def read_detail(payload: str, key: str) -> str | None:
    """Return one string field of a detail payload, or None if absent or unreadable."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    value = data.get(key)
    return value if isinstance(value, str) else None
