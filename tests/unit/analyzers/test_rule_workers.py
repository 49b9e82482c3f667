"""The reachability rules in a forked child: the same findings as one process finds, whatever fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import analyzers.analysis  # noqa: F401  (registers every rule)
from analyzers.findings.registry import RULES
from analyzers.forking import can_fork
from analyzers.rule_workers import in_child, is_early
from tests.unit.analyzers.fork_check import run_check_script


def test_the_child_takes_the_reachability_rules_and_only_them() -> None:
    away = {e.rule.id for e in RULES.entries() if in_child(e)}
    assert {"reach.public-to-sensitive", "reach.public-invoke", "reach.cross-account-invoke"} <= away
    assert "config.unclassified-store" in away  # it searches the `can` edges too
    assert not any(rule_id.startswith(("anomaly.", "iam.")) for rule_id in away)  # their passes stay here
    assert len(away) < len(RULES) / 2


@pytest.mark.skipif(not can_fork(), reason="no os.fork on this platform")
def test_rules_in_a_child_find_what_one_process_finds() -> None:
    result = run_check_script(Path(__file__).with_name("rule_workers_check.py"), "120")
    assert result["findings"] > 0 and result["from_child"] > 0
    assert result["two"]
    assert result["registry_rules"]  # a rule comes back as the registry's own object, not a copy
    assert result["progress_total"] == [len(RULES)]
    assert result["failed_child"]  # its rules ran in the parent instead
    assert result["shared"]  # a slow child: the parent took the reachability rules it had not begun
    assert 0 < result["parent_took"] < result["reach_rules"]
    assert result["no_fork"]
    # more principals than functions: the IAM rules in a child begun before the edges are drawn
    assert result["dense_findings"] > 0 and result["dense_privesc"] > 0
    assert result["dense_two"] and result["dense_failed_child"]
    iam_child = result["dense_children"][0]
    assert iam_child[0] == "iam.privesc" and {r.split(".")[0] for r in iam_child} == {"iam"}
    totals, last, rules = result["dense_progress"]
    assert totals == [rules] and last == [rules, rules]  # done only when the child's are in


def test_the_early_rules_are_the_iam_rules_and_find_the_same_before_the_edges_are_drawn() -> None:
    """`analyze` forks a child on them once the escalation fans are made: before the escalation
    edges and any `can` edge are drawn (the child never sees them)."""
    import networkx as nx

    from analyzers.findings.context import RuleContext
    from analyzers.iam.analysis import analyze_iam, draw_escalation, iam_pass
    from analyzers.reach.access_edges import add_access_edges
    from estate.graph.builder import build_graph
    from estate.model.load import load_estate
    from estate.snapshot import load_snapshot
    from tests.paths import DEMO_SNAPSHOT, DEMO_TODAY

    early = [e for e in RULES.entries() if is_early(e)]
    assert {e.rule.id for e in early} == {
        "iam.admin",
        "iam.wildcard",
        "iam.passrole-wildcard",
        "iam.privesc",
        "iam.unparseable-policy",
    }
    assert not any(in_child(e) for e in early)
    estate = load_estate(load_snapshot(DEMO_SNAPSHOT))
    graph = build_graph(estate)
    iam = analyze_iam(estate, None, DEMO_TODAY)

    def found() -> list[str]:
        ctx = RuleContext(estate, graph, DEMO_TODAY)
        ctx.given(iam_pass, iam)
        return sorted(json.dumps(f.to_json(), sort_keys=True) for e in early for f in e.check(ctx))

    before = found()
    assert not any(kind.startswith("escalates-to") for _u, _v, kind in graph.edges(keys=True))
    draw_escalation(graph, iam)
    assert any(kind.startswith("escalates-to") for _u, _v, kind in graph.edges(keys=True))
    assert before == found()
    add_access_edges(estate, graph, iam.model)
    nx.freeze(graph)
    assert any(kind == "can" for _u, _v, kind in graph.edges(data="kind"))
    assert before and before == found()


def test_the_iam_rules_go_early_only_on_accounts_of_more_principals_than_functions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A choice of where their time goes (the findings are the same either way): in a child forked
    once the escalation fans are made when the IAM rules would be the rules stage (this process
    draws the edges and runs the access stage meanwhile), beside the reachability child else."""
    from analyzers import rule_workers
    from estate.model import Estate
    from tests.paths import DEMO_SNAPSHOT

    monkeypatch.setattr(rule_workers, "can_fork", lambda: True)
    from estate.model.load import load_estate
    from estate.snapshot import load_snapshot

    demo = load_estate(load_snapshot(DEMO_SNAPSHOT))
    assert len(demo.functions) >= len(demo.principals)
    entries = RULES.entries()
    assert rule_workers.early_rules(entries, 2, demo) == []  # functions outnumber principals
    iam_account = Estate(manifest=demo.manifest, principals=demo.principals)  # roles, no function
    early = rule_workers.early_rules(entries, 2, iam_account)
    assert early and all(is_early(e) for e in early)
    assert rule_workers.early_rules(entries, 1, iam_account) == []  # nothing forks
    monkeypatch.setattr(rule_workers, "can_fork", lambda: False)
    assert rule_workers.early_rules(entries, 2, iam_account) == []
