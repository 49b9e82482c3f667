"""`lambdascope live --refresh-seconds N`: parsed, validated, and wired into the app (the refresh
callable only when it is on and there are metrics to refresh)."""

from __future__ import annotations

from typing import Any

import pytest

import tui.app
from tui.cli import lambdascope as cli

LIVE = ["live", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"]


def test_default_is_sixty_and_zero_is_allowed() -> None:
    assert cli.build_parser().parse_args(LIVE).refresh_seconds == 60.0
    assert cli.build_parser().parse_args([*LIVE, "--refresh-seconds", "0"]).refresh_seconds == 0.0


def test_negative_or_text_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("-5", "soon"):
        with pytest.raises(SystemExit) as exit_info:
            cli.build_parser().parse_args([*LIVE, "--refresh-seconds", bad])
        assert exit_info.value.code == cli.EXIT_USAGE
    assert "--refresh-seconds" in capsys.readouterr().err


def test_collect_has_no_refresh_flag() -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(
            ["collect", "--region", "eu-west-1", "-o", "x", "--refresh-seconds", "5"]
        )


class _App:
    return_code = 0
    analysis = None

    def run(self) -> None:
        return None


@pytest.mark.parametrize(
    ("extra", "wired"),
    [([], True), (["--refresh-seconds", "0"], False), (["--metrics-days", "0"], False)],
)
def test_live_wires_the_refresher(monkeypatch: pytest.MonkeyPatch, extra: list[str], wired: bool) -> None:
    seen: dict[str, Any] = {}

    def fake_create_app(**kwargs: Any) -> _App:
        seen.update(kwargs)
        return _App()

    monkeypatch.setattr(tui.app, "create_app", fake_create_app)
    assert cli.main([*LIVE, "--refresh-seconds", "30", *extra]) == 0
    assert (seen["refresh_metrics"] is not None) is wired
    assert seen["refresh_seconds"] == (0.0 if "--refresh-seconds" in extra else 30.0)
    if wired:
        # the refresher, wrapped to re-read the concurrency of functions acted on (issue 18 point 3)
        assert seen["refresh_metrics"].refresh.__self__.options.regions == ("eu-west-1",)
