"""`tradekernel serve` refuses to expose the controls: the address and token checks."""

from pathlib import Path

import pytest

from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.commands.serve import check_exposure, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_recognised(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org", ""])
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_a_public_address_without_a_token_exits_2_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRADEKERNEL_API_TOKEN", raising=False)
    monkeypatch.delenv("TRADEKERNEL_API_READ_TOKEN", raising=False)
    code = main(["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: refusing to serve 0.0.0.0 without a token")
    assert "Traceback" not in err


def test_a_public_address_with_a_control_token_passes_the_check() -> None:
    check_exposure("0.0.0.0", {"TRADEKERNEL_API_TOKEN": "t"})


def test_a_read_token_alone_is_refused_even_on_loopback() -> None:
    with pytest.raises(Exception, match="TRADEKERNEL_API_TOKEN is not"):
        check_exposure("127.0.0.1", {"TRADEKERNEL_API_READ_TOKEN": "r"})


def test_a_missing_database_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", str(tmp_path / "none.db")]) == 2
    assert "no database" in capsys.readouterr().err
