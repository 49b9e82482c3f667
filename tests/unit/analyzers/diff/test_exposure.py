"""Exposure drift: invokers added/removed, internet -> sensitive and escalation paths opened/closed."""

from __future__ import annotations

import networkx as nx

from analyzers.diff import diff_exposure, exposure_of
from analyzers.findings.model import Evidence, Finding, Rule, Severity

FN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"
ALIAS = FN + ":live"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/cards"
OTHER_TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/ledger"
ROLE = "arn:aws:iam::123456789012:role/app"
ADMIN = "arn:aws:iam::123456789012:role/admin"
P2S = Rule("reach.public-to-sensitive", "reachability", Severity.CRITICAL, "t", "r", "m")
PRIVESC = Rule("iam.privesc", "iam", Severity.CRITICAL, "t", "r", "m")


def graph(*invokers: tuple[str, str, str]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node(FN, kind="function")
    g.add_node(ALIAS, kind="alias")
    g.add_edge(ALIAS, FN, key="invokes:alias", kind="invokes")
    for source, target, kind in invokers:
        g.add_node(source, kind="invoker")
        g.add_edge(source, target, key=f"{kind}:{source}", kind=kind)
    return g


def test_invokers_added_and_removed_through_an_alias_too() -> None:
    old = exposure_of(graph(("service:s3.amazonaws.com", FN, "invokes")), [])
    new = exposure_of(graph(("internet", ALIAS, "invokes"), ("account:210987654321", FN, "can")), [])
    (change,) = diff_exposure(old, new).invokers
    assert change.function == FN
    assert change.added == ("internet",)  # the `can` edge is not an invoker
    assert change.removed == ("service:s3.amazonaws.com",)


def test_same_invokers_is_no_drift() -> None:
    both = exposure_of(graph(("internet", FN, "invokes")), [])
    assert diff_exposure(both, both).invokers == ()


def _p2s(stores: list[object]) -> Finding:
    return Finding(
        P2S,
        FN,
        "t",
        Severity.CRITICAL,
        path=("internet", FN, ROLE, TABLE),
        evidence=(Evidence("store", {"arn": TABLE}), Evidence("stores reached", stores)),
    )


def test_sensitive_paths_opened_and_closed_from_every_store_a_finding_lists() -> None:
    old = exposure_of(graph(), [_p2s([{"count": 1, "stores": [TABLE]}])])
    groups = [{"count": 2, "stores": [TABLE, 3]}, {"stores": [OTHER_TABLE]}, "not a group", {"stores": "x"}]
    new = exposure_of(graph(), [_p2s(groups)])
    drift = diff_exposure(old, new)
    assert drift.sensitive_opened == ((FN, OTHER_TABLE),)
    assert drift.sensitive_closed == ()
    assert diff_exposure(new, exposure_of(graph(), [])).sensitive_closed == ((FN, TABLE), (FN, OTHER_TABLE))


def test_escalation_paths_from_privesc_findings_and_their_other_targets() -> None:
    finding = Finding(
        PRIVESC,
        ROLE,
        "t",
        Severity.CRITICAL,
        path=(ROLE, ADMIN),
        evidence=(
            Evidence(
                "other targets",
                [{"count": 2, "targets": ["arn:aws:iam::123456789012:role/ops", 7]}, None, {"targets": "x"}],
            ),
        ),
    )
    drift = diff_exposure(exposure_of(graph(), []), exposure_of(graph(), [finding]))
    assert drift.escalation_opened == ((ROLE, ADMIN), (ROLE, "arn:aws:iam::123456789012:role/ops"))
    assert drift.escalation_closed == ()
