"""The decision of one cycle, the same in every mode: context, plan, record.

`Decider.decide` assembles the context with `assembler.assemble_context`, asks the kernel
for the plan, and hands the plan, its hash, its canonical JSON and the context's record to
the mode's recorder, before any of its orders is sent (write-ahead). The caller then gives
the plan's intents to order care. A backtest or paper run records only plans with a
directive or an intent (an empty plan says nothing); live records every plan, so a
session's journal shows that it was awake.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal

import msgspec

from tradekernel.domain.context import DEFAULT_CLIENT_ID_PREFIX
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.journal import Journal, JournalEntry
from tradekernel.orchestration.cycle.assembler import AccountState, SymbolCursor, assemble_context
from tradekernel.orchestration.cycle.context_record import context_json
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.prepared_market import PreparedMarket
from tradekernel.orchestration.records.canonical import canonical_bytes, hash_bytes

# (plan, plan hash, plan JSON, context JSON): what a recorded cycle stores.
PlanSink = Callable[[Plan, str, str, str], None]


def journal_recorder(journal: Journal, run_id: str) -> PlanSink:
    """Return the recorder that writes each plan, its hash and its context to `journal`."""

    def record(plan: Plan, digest: str, plan_json: str, context: str) -> None:
        journal.record_plan(
            JournalEntry(
                run_id=run_id,
                cycle_ts_ms=plan.cycle_ts_ms,
                plan_hash=digest,
                plan_json=plan_json,
                context_json=context,
                client_order_ids=tuple(i.client_order_id for i in plan.intents),
            )
        )

    return record


class CycleState(msgspec.Struct, frozen=True, kw_only=True):
    """What the runner knows of the account and the controls at the cycle.

    A msgspec Struct, not an attrs class: the runner builds one per planned step, and a
    Struct is built in a ninth of the time.
    """

    account: AccountState
    peak_equity: Decimal | None
    trading_state: TradingState = TradingState.ACTIVE
    stop_new_orders: bool = False
    backoff_until_ms: Mapping[str, int] = msgspec.field(default_factory=dict)


class Decider:
    """Plan one cycle and record it; count the plans made and keep the recorded hashes."""

    def __init__(
        self,
        kernel: PlanningKernel,
        *,
        run_id: str,
        rules: Mapping[str, SymbolRules],
        on_plan: PlanSink | None = None,
        record_empty: bool = False,
        prepared: PreparedMarket | None = None,
        client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX,
    ) -> None:
        self._kernel = kernel
        self._client_id_prefix = client_id_prefix
        # The kernel's prepared histories the context windows are cut from (recorded
        # markets); without it (live) each window is prepared for its cycle alone.
        self._prepared = prepared
        self._run_id = run_id
        self._rules = rules
        self._on_plan = on_plan
        self._record_empty = record_empty
        self.kernel_calls = 0
        self.plan_hashes: list[tuple[int, str]] = []
        # Intents the gates kept but skipped, by reason: a run that cannot trade says why.
        self.skipped: Counter[str] = Counter()

    def decide(
        self, now_ms: int, cursors: Mapping[str, SymbolCursor], state: CycleState
    ) -> Plan | None:
        """Return the cycle's plan once recorded, or None for an empty plan not recorded."""
        context = assemble_context(
            run_id=self._run_id,
            now_ms=now_ms,
            cursors=cursors,
            rules=self._rules,
            account=state.account,
            peak_equity=state.peak_equity,
            trading_state=state.trading_state,
            stop_new_orders=state.stop_new_orders,
            backoff_until_ms=state.backoff_until_ms,
            client_id_prefix=self._client_id_prefix,
        )
        plan = self._kernel.plan(context, self._prepared)
        self.kernel_calls += 1
        if not (self._record_empty or plan.directives or plan.intents):
            return None
        for intent in plan.intents:
            if intent.skip_reason is not None:
                self.skipped[intent.skip_reason.value] += 1
        # Encoded once: the hash is of these bytes, the record is their text.
        encoded = canonical_bytes(plan)
        digest = hash_bytes(encoded)
        text = encoded.decode("utf-8")
        self.plan_hashes.append((now_ms, digest))
        if self._on_plan is not None:
            self._on_plan(plan, digest, text, context_json(context))
        return plan
