"""Core and satellite buckets: each plans its own holdings with its own share of the cash.

A bucket's capital is its `capital_share` of total equity. Its cash is what its capital
leaves after its holdings; when a bucket is already over its capital it gets no cash, and
the others' claims are scaled so the bucket cash never adds up to more than the account's.
A bucket plans only its own holdings and cash, so it can never trade another's capital.
"""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.errors import ConfigError
from tradekernel.domain.portfolio import PortfolioPlan, PortfolioState
from tradekernel.features.portfolio.planner import HolisticPlanner
from tradekernel.features.portfolio.valuation import ZERO, equity, holdings_value
from tradekernel.shared.quantize import floor_to_step

CASH_STEP = Decimal("0.00000001")


@attrs.frozen(kw_only=True)
class Bucket:
    """One bucket: its planner and its share of the account's capital."""

    name: str
    capital_share: Decimal
    planner: HolisticPlanner


def check_shares(shares: Mapping[str, Decimal], path: str = "portfolio.buckets") -> None:
    """Check that every share is in (0, 1] and that they add up to at most 1.

    Raises:
        ConfigError: naming the bucket's key path.
    """
    if not shares:
        raise ConfigError("at least one bucket is required", path=path)
    for name, share in sorted(shares.items()):
        if not ZERO < share <= 1:
            raise ConfigError(
                f"must be within 0..1, got {share}", path=f"{path}.{name}.capital_share"
            )
    total = sum(shares.values(), ZERO)
    if total > 1:
        raise ConfigError(f"capital shares add up to {total} > 1", path=path)


def split(
    state: PortfolioState,
    assignment: Mapping[str, str],
    shares: Mapping[str, Decimal],
    targets: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> dict[str, PortfolioState]:
    """Return each bucket's state: its holdings (by `assignment`), its cash and targets.

    Unassigned holdings belong to `core` (or the first bucket by name). `targets` are the
    per-bucket weights from an optimiser; without them a bucket keeps the state's weights.

    Raises:
        ConfigError: if a holding is assigned to an unknown bucket.
    """
    check_shares(shares)
    names = sorted(shares)
    for symbol, bucket in sorted(assignment.items()):
        if bucket not in shares:
            raise ConfigError(
                f"holding {symbol} is assigned to unknown bucket {bucket!r}",
                path=f"state.holdings.{symbol}.bucket",
            )
    first = names[0] if "core" not in shares else "core"
    owned = {
        name: tuple(p for p in state.positions if assignment.get(p.symbol, first) == name)
        for name in names
    }
    total = equity(state)
    claims = {}
    for name in names:
        held = holdings_value({p.symbol: p.quantity for p in owned[name]}, state.marks)
        claims[name] = max(ZERO, shares[name] * total - held)
    claimed = sum(claims.values(), ZERO)
    available = max(ZERO, state.cash)
    result = {}
    for name in names:
        cash = (
            ZERO if claimed <= 0 else floor_to_step(available * claims[name] / claimed, CASH_STEP)
        )
        cash = min(cash, claims[name])
        weights = (targets or {}).get(name, state.target_weights)
        result[name] = attrs.evolve(
            state, cash=cash, positions=owned[name], target_weights=dict(weights)
        )
    return result


def plan_buckets(
    state: PortfolioState,
    assignment: Mapping[str, str],
    buckets: tuple[Bucket, ...],
    targets: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> tuple[tuple[PortfolioState, PortfolioPlan], ...]:
    """Plan every bucket independently, in bucket-name order, with its own state."""
    states = split(state, assignment, {b.name: b.capital_share for b in buckets}, targets)
    return tuple(
        (states[b.name], b.planner.plan(states[b.name]))
        for b in sorted(buckets, key=lambda b: b.name)
    )
