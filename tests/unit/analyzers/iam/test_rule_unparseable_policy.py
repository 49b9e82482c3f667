"""iam.unparseable-policy: a policy the engine cannot read is reported, never silently skipped."""

from __future__ import annotations

from analyzers.analysis import analyze_snapshot
from tests.builders import function, rule_case, snapshot_of, statement

RULE = "iam.unparseable-policy"


def found(stmts: list[dict[str, object]]) -> list[str]:
    snap = snapshot_of([function("f")], policies={"f": stmts})
    return [f.title for f in analyze_snapshot(snap).findings if f.rule.id == RULE]


@rule_case(RULE, "positive")
def test_malformed_resource_policy_is_reported() -> None:
    titles = found([{"Effect": "Allow", "Action": "lambda:InvokeFunction"}])  # no Principal
    assert len(titles) == 1 and "Principal" in titles[0]


@rule_case(RULE, "negative")
def test_valid_policy_is_not_reported() -> None:
    assert found([statement({"Service": "sns.amazonaws.com"})]) == []
