"""A Binance USDⓈ-M account through ccxt's `binanceusdm`: leverage and margin mode set at
start (idempotently), the position mode, the open positions and the funding income.

Binance answers -4046 "No need to change margin type." when the margin type is already
the one asked for; ccxt turns it into `MarginModeAlreadySet`, and here it is a success:
a restart sends the same settings again and changes nothing. Setting the leverage to its
current value is accepted by the venue as it is.
"""

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import ccxt.async_support as ccxt_async

from tradekernel.adapters.ccxt.retry import RetryRunner
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.perpetuals import MarginMode, PositionMode
from tradekernel.domain.ports.perpetual_account import FundingPayment

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, Any]], Any]
# ccxt's unified margin mode names.
_MARGIN_MODES = {MarginMode.ISOLATED: "isolated", MarginMode.CROSS: "cross"}
# Binance's "No need to change margin type.": the margin type already is the one asked.
_ALREADY_SET = "-4046"
# Binance pages its income history at 1000 rows.
_INCOME_PAGE = 1000


class CcxtPerpetualAccount:
    """The account calls of one ccxt client; sync methods run on the client's own loop."""

    def __init__(
        self,
        exchange: Any,
        retry: RetryRunner,
        *,
        run: Run,
        ensure_markets: Callable[[], Awaitable[None]],
        symbols: Sequence[str],
    ) -> None:
        self._exchange = exchange
        self._retry = retry
        self._run = run
        self._ensure_markets = ensure_markets
        self._symbols = tuple(symbols)

    def prepare(self, *, leverage: int, margin_mode: MarginMode) -> tuple[str, ...]:
        """Set the margin mode, then the leverage, of every symbol; return one line each.

        Raises:
            Rejected: the venue refused a setting (e.g. -4048, margin type cannot change
                while a position is open).
            Transient, Fatal: as for any request.
        """
        result: tuple[str, ...] = self._run(self._prepare(leverage, margin_mode))
        return result

    async def _prepare(self, leverage: int, margin_mode: MarginMode) -> tuple[str, ...]:
        await self._ensure_markets()
        lines: list[str] = []
        mode = _MARGIN_MODES[margin_mode]
        for symbol in self._symbols:

            async def set_mode(symbol: str = symbol) -> bool:
                # ccxt answers -4046 itself unless `throwMarginModeAlreadySet` is set.
                try:
                    answer = await self._exchange.set_margin_mode(mode, symbol)
                except ccxt_async.MarginModeAlreadySet:
                    return False
                return str(answer.get("code")) != _ALREADY_SET

            async def set_leverage(symbol: str = symbol) -> Any:
                return await self._exchange.set_leverage(leverage, symbol)

            changed = await self._retry.run("set margin mode", set_mode)
            await self._retry.run("set leverage", set_leverage)
            state = "set" if changed else "already set"
            lines.append(f"{symbol}: margin mode {mode} ({state}), leverage {leverage}x")
        return tuple(lines)

    def position_mode(self) -> PositionMode:
        """Return the account's position mode (Binance's `dualSidePosition`)."""
        result: PositionMode = self._run(self._position_mode())
        return result

    async def _position_mode(self) -> PositionMode:
        await self._ensure_markets()
        raw = await self._retry.run("position mode", self._exchange.fetch_position_mode)
        return PositionMode.HEDGE if raw.get("hedged") else PositionMode.ONE_WAY

    def venue_positions(self) -> tuple[Position, ...]:
        """Return the open positions of the traded symbols (signed: negative is short)."""
        result: tuple[Position, ...] = self._run(self._positions())
        return result

    async def _positions(self) -> tuple[Position, ...]:
        await self._ensure_markets()
        symbols = list(self._symbols)

        async def fetch() -> Any:
            return await self._exchange.fetch_positions(symbols)

        raw = await self._retry.run("positions", fetch)
        positions = [_position(item) for item in raw]
        return tuple(sorted((p for p in positions if p.quantity), key=lambda p: p.symbol))

    def funding_payments(self, since_ms: int) -> tuple[FundingPayment, ...]:
        """Return the FUNDING_FEE income of the traded symbols since `since_ms`."""
        result: tuple[FundingPayment, ...] = self._run(self._funding(since_ms))
        return result

    async def _funding(self, since_ms: int) -> tuple[FundingPayment, ...]:
        await self._ensure_markets()

        async def fetch() -> Any:
            return await self._exchange.fetch_funding_history(None, since_ms, _INCOME_PAGE)

        raw = await self._retry.run("funding history", fetch)
        by_market = {self._exchange.market(symbol)["id"]: symbol for symbol in self._symbols}
        payments = [
            FundingPayment(
                symbol=by_market[info["symbol"]],
                ts_ms=int(info["time"]),
                # The venue's own decimal string: ccxt's `amount` is a float.
                amount=Decimal(str(info["income"])),
                payment_id=str(info["tranId"]),
            )
            for info in (item["info"] for item in raw)
            if info.get("symbol") in by_market
        ]
        return tuple(sorted(payments, key=lambda p: (p.ts_ms, p.payment_id)))


def wallet_balances(raw: Any) -> tuple[Balance, ...]:
    """Return a USD-M account's balances as the wallet, sorted by asset: total =
    `walletBalance` (ccxt's total is the margin balance, unrealised PnL included, which
    the kernel adds itself), free = `availableBalance` (at most the wallet), locked = the
    rest (margin in use)."""
    rows: list[Balance] = []
    for asset in raw["info"].get("assets", ()):
        wallet = Decimal(str(asset["walletBalance"]))
        if not wallet:
            continue
        free = min(Decimal(str(asset["availableBalance"])), wallet)
        rows.append(Balance(asset=str(asset["asset"]), free=free, locked=wallet - free))
    return tuple(sorted(rows, key=lambda balance: balance.asset))


def _position(item: Any) -> Position:
    info = item["info"]
    return Position(
        symbol=str(item["symbol"]),
        # Binance's signed `positionAmt` (one-way mode), exact.
        quantity=Decimal(str(info["positionAmt"])),
        avg_entry_price=Decimal(str(info["entryPrice"])),
        opened_ms=int(info.get("updateTime") or 0),
    )
