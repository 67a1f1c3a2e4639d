"""The state-machine table in docs/execution.md must say what the data says."""

import re
from pathlib import Path

from tradekernel.domain.enums import OrderStatus
from tradekernel.orchestration.oms.transitions import ALLOWED_EVENTS, FILL_KINDS

DOC = Path(__file__).resolve().parents[4] / "docs" / "execution.md"


def _parse_table() -> dict[OrderStatus | None, frozenset[OrderStatus]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### The state machine", 1)[1].split("Rules of the fold", 1)[0]
    table: dict[OrderStatus | None, frozenset[OrderStatus]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in {"status", ""} or set(cells[0]) <= {"-"}:
            continue
        accepted: set[OrderStatus] = set()
        words = re.sub(r"\(.*?\)", "", cells[1]).replace(" only", "")
        for word in (w.strip() for w in words.split(",")):
            if word == "fill":
                accepted |= FILL_KINDS
            elif word != "nothing":
                accepted.add(OrderStatus(word))
        for name in (n.strip() for n in cells[0].split(",")):
            table[None if name == "(none)" else OrderStatus(name)] = frozenset(accepted)
    return table


def test_documented_state_machine_matches_the_transition_data() -> None:
    assert _parse_table() == dict(ALLOWED_EVENTS)
