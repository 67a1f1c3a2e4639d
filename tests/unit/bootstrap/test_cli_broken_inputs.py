"""Broken blueprints and broken data files, generated: each is refused before anything runs.

For every generated input the CLI must exit 2 with exactly one `error:` line that names the
file and the key (blueprint) or the line (data), print no traceback, and leave no database
behind.
"""

import contextlib
import io
import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main

EXAMPLE = bundled_blueprint().read_text(encoding="utf-8")
HOUR_MS = 3_600_000
START_MS = 1_700_000_000_000
ROWS = 40  # more than the example's SMA(30) warm-up


@attrs.frozen
class Broken:
    """A mutation of a valid input and what the error line must name."""

    name: str
    text: str
    where: str


def _replace(old: str, new: str) -> str:
    assert old in EXAMPLE, old
    return EXAMPLE.replace(old, new, 1)


def _drop_table(header: str) -> str:
    start = EXAMPLE.index(header)
    end = EXAMPLE.find("\n[", start + len(header))
    return EXAMPLE[:start] + (EXAMPLE[end + 1 :] if end >= 0 else "")


# (key line in the example, blueprint key path, values that are wrong there).
_KEYS = (
    ('starting_cash = "100000"', "account.starting_cash", ('"-5"', "100000.5", "true", '"abc"')),
    ('taker = "0.001"', "fees.taker", ('"10"', '"1"', '"-0.1"', "0.001", "[1]")),
    ('maker = "0.001"', "fees.maker", ('"2"', "false")),
    ('slippage_bps = "0"', "fees.slippage_bps", ('"10000"', '"-1"', '"nan"')),
    ('timeframe = "1h"', "blueprint.timeframe", ('"banana"', '"60m"', "1", '"1H"')),
    ("period = 10", "context.workers[0]", ("0", "-3", '"10"', "10.0")),
    ('quantity = "0.01"\n\n[[planners.entry]]', "strategy.planners[0]", ('"-1"', '"0"')),
    ('w_threat = "0"', "strategy.planners[0]", ('"-2"', "0.5")),
)


@st.composite
def broken_blueprints(draw: st.DrawFn) -> Broken:
    kind = draw(st.sampled_from(("value", "unknown_key", "missing", "plugin_type")))
    if kind == "value":
        line, path, values = draw(st.sampled_from(_KEYS))
        key, _, rest = line.partition(" = ")
        tail = rest.partition("\n")[2]
        value = draw(st.sampled_from(values))
        new = f"{key} = {value}" + (f"\n{tail}" if tail else "")
        return Broken(f"{path}={value}", _replace(line, new), path)
    if kind == "unknown_key":
        line, path = draw(
            st.sampled_from(
                (
                    ('taker = "0.001"', "fees"),
                    ('starting_cash = "100000"', "account"),
                    ("period = 30", "context.workers[1]"),
                )
            )
        )
        key = line.partition(" = ")[0]
        typo = key[:-1] if len(key) > 4 else key + "x"
        return Broken(f"typo {typo}", _replace(line, line.replace(key, typo, 1)), path)
    if kind == "plugin_type":
        return Broken(
            "plugin type",
            _replace('type = "fixed_quantity"', 'type = "fixed_quantty"'),
            "planners.size[0].type",
        )
    header, path = draw(
        st.sampled_from(
            (
                ("[[strategy.planners]]", "strategy.planners"),
                ("[universe]", "universe"),
                ("[blueprint]", "blueprint"),
            )
        )
    )
    return Broken(f"no {header}", _drop_table(header), path)


def _csv(rows: list[tuple[int, float]]) -> str:
    lines = ["timestamp_ms,open,high,low,close,volume"]
    lines += [f"{ts},{price},{price + 1},{price - 1},{price},10" for ts, price in rows]
    return "\n".join(lines) + "\n"


def _bars(step_ms: int = HOUR_MS, start: int = START_MS) -> list[tuple[int, float]]:
    return [(start + i * step_ms, 100.0 + i % 7) for i in range(ROWS)]


@st.composite
def broken_data(draw: st.DrawFn) -> Broken:
    kind = draw(
        st.sampled_from(
            ("seconds", "microseconds", "spacing", "truncated", "reordered", "text", "price")
        )
    )
    row = draw(st.integers(min_value=0, max_value=ROWS - 2))
    line = row + 2  # the header is line 1
    if kind == "seconds":
        bars = [(ts // 1000, p) for ts, p in _bars()]
        return Broken(kind, _csv(bars), ":3:")
    if kind == "microseconds":
        bars = [(ts * 1000, p) for ts, p in _bars()]
        return Broken(kind, _csv(bars), ":2:")
    if kind == "spacing":
        step = draw(st.sampled_from((4 * HOUR_MS, 15 * 60_000, 86_400_000)))
        return Broken(kind, _csv(_bars(step)), ":3:")
    bars = _bars()
    if kind == "reordered":
        bars[row], bars[row + 1] = bars[row + 1], bars[row]
        return Broken(kind, _csv(bars), f":{line + 1}:")
    lines = _csv(bars).splitlines()
    if kind == "truncated":
        cut = draw(st.integers(min_value=1, max_value=len(lines[line - 1]) - 1))
        cut_line = lines[line - 1][:cut]
        if cut_line.count(",") == 5:  # cut inside the last field: drop a field instead
            cut_line = cut_line.rpartition(",")[0]
        lines[line - 1] = cut_line
    elif kind == "text":
        fields = lines[line - 1].split(",")
        fields[draw(st.integers(min_value=0, max_value=5))] = draw(st.sampled_from(("x", "", "1e")))
        lines[line - 1] = ",".join(fields)
    else:
        fields = lines[line - 1].split(",")
        fields[4] = draw(st.sampled_from(("-5", "0")))
        lines[line - 1] = ",".join(fields)
    return Broken(kind, "\n".join(lines) + "\n", f":{line}:")


def _assert_refused(code: int, err: str, root: Path, file: Path, where: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, err
    assert str(file) in err.splitlines()[0] or str(file) in err, err
    assert where in err, err
    assert not (root / "runs.db").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_blueprints())
def test_a_broken_blueprint_exits_2_naming_the_file_and_key(broken: Broken) -> None:
    file_name = "broken.toml"

    def argv(root: Path) -> list[str]:
        (root / file_name).write_text(broken.text, encoding="utf-8")
        (root / "bars.csv").write_text(_csv(_bars()), encoding="utf-8")
        return ["backtest", "--config", str(root / file_name), "--data", str(root / "bars.csv")]

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main([*argv(root), "--db", str(root / "runs.db")])
        _assert_refused(code, err.getvalue(), root, root / file_name, broken.where)
        # `config validate` refuses what the backtest refuses.
        validate_err = io.StringIO()
        with contextlib.redirect_stderr(validate_err), contextlib.redirect_stdout(io.StringIO()):
            validated = main(["config", "validate", str(root / file_name)])
        assert validated == 2, broken.name
        assert broken.where in validate_err.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_data())
def test_a_broken_data_file_exits_2_naming_the_file_and_line(broken: Broken) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        data = root / "bars.csv"
        data.write_text(broken.text, encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(
                [
                    "backtest",
                    "--config",
                    str(bundled_blueprint()),
                    "--data",
                    str(data),
                    "--db",
                    str(root / "runs.db"),
                ]
            )
        _assert_refused(code, err.getvalue(), root, data, f"{data}{broken.where}")
