"""`lambdascope diff OLD NEW`: formats, the `lambdascope.diff/1` JSON, `--fail-on-new`, and the
inputs it refuses (other accounts, another schema) with one line and exit 2."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from estate.snapshot import Manifest, Snapshot, export_snapshot
from tests.builders import function, snapshot_of, statement
from tests.paths import DEMO_SNAPSHOT
from tui.cli.lambdascope import main

LATER = DEMO_SNAPSHOT.with_name("demo-later.lsnap")
EVIL = "[bold red]pwned[/]\x1b[31m\x07"
DAY = ["--as-of", "2026-11-29"]


def _write(snap: Snapshot, path: Path) -> Path:
    return export_snapshot(snap, path)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Before: one private function. After: it is public, its env value changed, and a function
    with a hostile name is added."""
    old = snapshot_of([function("orders", env={"MODE": "a"})])
    new = snapshot_of(
        [function("orders", env={"MODE": "b"}), function(f"billing{EVIL}")],
        policies={"orders": [statement("*")]},
    )
    return _write(old, tmp_path / "old.lsnap"), _write(new, tmp_path / "new.lsnap")


def test_text_groups_and_names_what_changed(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", *map(str, pair)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("lambdascope diff: test snapshot of")
    assert "functions: 1 added, 0 removed, 1 changed" in out
    assert "new      critical reach.public-invoke: orders" in out
    assert "env values changed: MODE [1: orders]" in out
    assert "functions added [1: billing[bold red]pwned[/]\\x1b[31m\\x07]" in out


def test_json_follows_the_schema(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *map(str, pair), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "lambdascope.diff/1"
    assert set(out) == {"schema", "old", "new", "findings", "estate", "exposure"}
    assert set(out["findings"]) == {"counts", "new", "resolved", "changed", "unchanged", "retitled"}
    assert set(out["estate"]) == {"functions", "principals"}
    assert set(out["exposure"]) == {"invokers", "internet_to_sensitive", "escalation"}
    (orders,) = out["estate"]["functions"]["changed"]
    assert {"field": "env values changed", "before": None, "after": ["MODE"]} in orders["changes"]
    assert [f["rule"] for f in out["findings"]["new"]].count("reach.public-invoke") == 1
    added = out["exposure"]["invokers"]
    assert added[0]["function"].endswith(":orders") and "internet" in added[0]["added"]


def test_env_values_never_appear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _write(snapshot_of([function("a", env={"DB_PASSWORD": "hunter2-old"})]), tmp_path / "o.lsnap")
    new = _write(snapshot_of([function("a", env={"DB_PASSWORD": "hunter2-new"})]), tmp_path / "n.lsnap")
    for fmt in ("text", "json", "markdown"):
        assert main(["diff", str(old), str(new), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert ("DB\\_PASSWORD" if fmt == "markdown" else "DB_PASSWORD") in out
        assert "hunter2" not in out


def test_hostile_names_are_literal(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("text", "markdown", "json"):
        assert main(["diff", *map(str, pair), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out
    assert main(["diff", *map(str, pair), "--format", "markdown"]) == 0
    assert "\\[bold red\\]pwned\\[/\\]" in capsys.readouterr().out


def test_fail_on_new(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = map(str, pair)
    assert main(["diff", old, new, "--fail-on-new", "critical"]) == 1  # a new public function
    assert main(["diff", new, old, "--fail-on-new", "info"]) == 0  # only resolved ones
    assert main(["diff", old, old, "--fail-on-new", "info"]) == 0
    capsys.readouterr()


def test_identical_snapshots_say_so(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(pair[0]), str(pair[0])]) == 0
    assert "no changes" in capsys.readouterr().out


def test_other_accounts_are_one_line_and_exit_2(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = snapshot_of([function("orders")])
    other = Snapshot(
        Manifest(created_at=base.manifest.created_at, source="test", accounts=("999999999999",)), base.records
    )
    path = _write(other, tmp_path / "other.lsnap")
    assert main(["diff", str(pair[0]), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "different accounts (123456789012 vs 999999999999)" in err


def test_an_older_schema_is_one_line_and_exit_2(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = tmp_path / "older.lsnap"
    with zipfile.ZipFile(pair[0]) as source, zipfile.ZipFile(older, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["schema"] = 0
                data = json.dumps(manifest).encode()
            target.writestr(item, data)
    assert main(["diff", str(older), str(pair[1])]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "schema 0" in err


def test_a_missing_file_is_exit_2(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(tmp_path / "nope.lsnap"), str(pair[1])]) == 2
    assert "no such snapshot file" in capsys.readouterr().err


@pytest.mark.skipif(not LATER.exists(), reason="the bundled later demo snapshot is absent")
def test_the_bundled_demo_pair(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(DEMO_SNAPSHOT), str(LATER), *DAY, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "# lambdascope diff: demo snapshot of 2026-11-01T00:00:00+00:00 -> demo snapshot of 2026-11-02"
    )
    assert "| new | critical | reach.public-invoke: ledger-balance-api: anyone can invoke it" in out
    assert "| resolved | high | config.runtime-deprecated: kyc-watchlist-sync" in out
    assert "runtime: python3.8 -\\> python3.12 | 1: kyc-watchlist-sync |" in out


def test_open_with_a_baseline_of_other_accounts_fails_before_the_screen(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = snapshot_of([function("orders")])
    other = Snapshot(
        Manifest(created_at=base.manifest.created_at, source="test", accounts=("999999999999",)), base.records
    )
    path = _write(other, tmp_path / "other.lsnap")
    assert main(["open", str(pair[1]), "--baseline", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot compare with {path}" in err


def test_open_with_a_missing_baseline_fails_before_the_screen(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["open", str(pair[1]), "--baseline", str(tmp_path / "gone.lsnap")]) == 2
    assert "no such snapshot file" in capsys.readouterr().err


def test_demo_later_opens_the_later_demo_with_the_demo_as_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run_tui(path: Path, snapshot: object = None, **kwargs: object) -> int:
        seen.update(path=path, **kwargs)
        return 0

    monkeypatch.setattr("tui.cli.lambdascope._run_tui", fake_run_tui)
    assert main(["demo", "--later"]) == 0
    assert Path(str(seen["path"])).name == "demo-later.lsnap"
    assert Path(str(seen["baseline"])).name == "demo.lsnap"
