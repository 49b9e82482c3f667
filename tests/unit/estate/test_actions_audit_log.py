"""The actions audit log: 0600 JSON lines, damaged lines skipped, and what a restore puts back."""

from __future__ import annotations

import stat
from pathlib import Path

from estate.actions import ActionRecord, AuditLog
from estate.actions.audit_log import NONE

FN = "arn:aws:lambda:eu-west-1:123456789012:function:f"


def _record(action: str, before: int | str, result: str = "ok", function: str = FN) -> ActionRecord:
    return ActionRecord(
        "2026-12-07T06:00:00+00:00", "arn:aws:iam::1:user/r", action, function, before, 0, result, "x"
    )


def test_the_log_is_private_and_tightens_a_loose_file(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "actions.jsonl"
    path.parent.mkdir()
    path.write_text("")
    path.chmod(0o644)
    AuditLog(path).append(_record("isolate", 5))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_damaged_lines_are_skipped(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.jsonl")
    log.append(_record("isolate", 5))
    with log.path.open("a") as handle:
        handle.write("{not json\n[1, 2]\n")
    log.append(_record("restore", 0))
    assert [r.action for r in log.records()] == ["isolate", "restore"]


def test_restore_puts_back_what_the_first_isolation_replaced(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.jsonl")
    assert log.isolated_before(FN) is None
    log.append(_record("isolate", NONE))
    log.append(_record("isolate", 0))  # isolating again keeps the original value
    log.append(_record("isolate", 9, result="error"))  # a failure changes nothing
    log.append(_record("isolate", 7, function=FN + "-other"))
    assert log.isolated_before(FN) == NONE
    log.append(_record("restore", 0))
    assert log.isolated_before(FN) is None
    assert log.isolated_before(FN + "-other") == 7
