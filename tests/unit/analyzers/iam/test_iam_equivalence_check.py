"""benchmarks/check_iam_equivalence.py, the guard of IAM speed work, reads what it must.

An edge into a role-set node stands for one edge per member of the set: the guard lists those
pair-level edges, each as it would be drawn directly, so a drawing through sets and one edge by
edge dump alike (and a dump that dropped the pairs, as it once did, would not pass). Its compare
merges two dumps line by line and reports records that differ, are missing or are extra.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from analyzers.iam.escalation import graph_edges
from tests.unit.analyzers.iam.iam_estates import role_arn, user_arn
from tests.unit.analyzers.iam.test_iam_role_sets import developers_estate

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def check() -> ModuleType:
    path = ROOT / "benchmarks" / "check_iam_equivalence.py"
    spec = importlib.util.spec_from_file_location("check_iam_equivalence", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _escalations(check: ModuleType, monkeypatch: pytest.MonkeyPatch, fanout: int) -> list[list[Any]]:
    monkeypatch.setattr(graph_edges, "ROLE_FANOUT", fanout)
    graph = developers_estate().analyze().graph
    found = []
    for node in sorted(graph.nodes):
        if graph.nodes[node].get("kind") == "role-set":
            continue
        found += [
            e
            for e in check.expanded_edges(graph, node, set())
            if e[3].get("kind") in ("escalates-to", "can-assume")
        ]
    return found


def test_set_edges_are_listed_as_the_pairs_they_stand_for(
    check: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    through_sets = _escalations(check, monkeypatch, 3)
    direct = _escalations(check, monkeypatch, 10**6)
    assert through_sets == direct
    # the developers' wide fans are there pair by pair, with each pair's own evidence
    pairs = {(u, v) for u, v, k, _ in through_sets if k == "escalates-to:lambda-update-function-code"}
    for dev in ("dev-a", "dev-b"):
        assert (user_arn(dev), role_arn("admin")) in pairs
        assert {(user_arn(dev), role_arn(f"fn-role-{i}")) for i in range(5)} <= pairs
    admin_edge = next(e for e in through_sets if e[0] == user_arn("dev-a") and e[1] == role_arn("admin"))
    assert admin_edge[3]["via"].endswith(":function:janitor")
    assert admin_edge[3]["evidence"]["from"] == user_arn("dev-a")
    assert not any(str(e[1]).startswith("role-set:") for e in through_sets)


def test_without_reading_the_sets_the_pairs_would_be_missing(
    check: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure the fix is for: a set edge read as an edge to the set node lists no pair."""
    monkeypatch.setattr(check, "SetEdgeEvidence", type("NotASetEdge", (), {}))
    through_sets = _escalations(check, monkeypatch, 3)
    direct = _escalations(check, monkeypatch, 10**6)
    assert through_sets != direct
    assert any(str(e[1]).startswith("role-set:") for e in through_sets)


def _write(path: Path, records: Sequence[tuple[str, str, object]]) -> Path:
    path.write_text("".join(json.dumps([s, k, p], sort_keys=True) + "\n" for s, k, p in records))
    return path


def test_compare_reports_identical_dumps(
    check: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [("counts", "repr", "x"), ("findings", "a#0", {"id": "a"}), ("principals", "r1", {"p": 1})]
    assert check.compare(_write(tmp_path / "a", records), _write(tmp_path / "b", records)) == 0
    assert "DIFFERENT" not in capsys.readouterr().out


def test_compare_reports_a_differing_a_missing_and_an_extra_record(
    check: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = [("findings", "a#0", {"id": "a"}), ("principals", "r1", {"p": 1}), ("principals", "r2", {})]
    after = [("findings", "a#0", {"id": "a"}), ("principals", "r1", {"p": 2}), ("principals", "r3", {})]
    assert check.compare(_write(tmp_path / "a", before), _write(tmp_path / "b", after)) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("principals"))
    assert "DIFFERENT" in line and "1 differ, 1 missing, 1 extra" in line
    assert next(x for x in out.splitlines() if x.startswith("findings")).split()[1] == "identical"


def test_compare_refuses_a_dump_out_of_order(check: ModuleType, tmp_path: Path) -> None:
    records: list[tuple[str, str, object]] = [("principals", "r2", {}), ("principals", "r1", {})]
    with pytest.raises(SystemExit):
        check.compare(_write(tmp_path / "a", records), _write(tmp_path / "b", records))
