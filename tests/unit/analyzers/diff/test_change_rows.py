"""The rows a person reads: alike changes grouped, nothing dropped, long values clipped."""

from __future__ import annotations

import dataclasses

from analyzers.diff import FieldChange, FindingsDelta, FunctionChange, FunctionsDelta, SnapshotDiff
from analyzers.diff.change_rows import CLIP, GROUP_AT, MERGE_AT, change_rows, short_name, subjects_text
from analyzers.diff.exposure import ExposureDrift
from analyzers.diff.principal_changes import PrincipalsDelta
from analyzers.findings.model import Finding, Rule, Severity
from estate.snapshot import Manifest

MANIFEST = Manifest(created_at="2026-11-01T00:00:00+00:00", source="test", accounts=("123456789012",))
RULE = Rule("config.runtime-deprecated", "config", Severity.HIGH, "t", "r", "m")


def arn(i: int) -> str:
    return f"arn:aws:lambda:eu-west-1:123456789012:function:fn-{i:05d}"


def diff(**parts: object) -> SnapshotDiff:
    base = SnapshotDiff(
        MANIFEST, MANIFEST, FindingsDelta(), FunctionsDelta(), PrincipalsDelta(), ExposureDrift()
    )
    return dataclasses.replace(base, **parts)  # type: ignore[arg-type]


def test_a_thousand_functions_changed_the_same_way_are_one_row() -> None:
    same = FieldChange("runtime", "python3.8", "python3.12")
    changed = tuple(FunctionChange(arn(i), f"fn-{i:05d}", (same,)) for i in range(1000))
    (row,) = change_rows(diff(functions=FunctionsDelta(changed=changed)))
    assert row.summary == "runtime: python3.8 -> python3.12"
    assert row.count == 1000 and row.subjects[0] == arn(0)  # every function kept
    assert subjects_text(row) == "fn-00000, fn-00001, fn-00002 and 997 more"


def test_different_changes_stay_apart() -> None:
    changed = (
        FunctionChange(arn(1), "a", (FieldChange("runtime", "python3.8", "python3.12"),)),
        FunctionChange(arn(2), "b", (FieldChange("runtime", "nodejs16.x", "nodejs22.x"),)),
    )
    rows = change_rows(diff(functions=FunctionsDelta(changed=changed)))
    assert [r.count for r in rows] == [1, 1]


def test_many_changes_of_one_field_keep_the_largest_rows_and_count_the_rest() -> None:
    shared = FieldChange("role", "old-role", "new-role")
    changed = tuple(FunctionChange(arn(i), f"fn-{i}", (shared,)) for i in range(5))
    changed += tuple(
        FunctionChange(arn(i), f"fn-{i}", (FieldChange("role", f"role-{i}", f"role-{i}-v2"),))
        for i in range(5, 5 + 3 * MERGE_AT)
    )
    rows = change_rows(diff(functions=FunctionsDelta(changed=changed)))
    assert len(rows) == MERGE_AT
    assert rows[0].summary == "role: old-role -> new-role" and rows[0].count == 5  # the largest kept
    folded = rows[-1]
    rest = 3 * MERGE_AT - (MERGE_AT - 2)  # the one-off changes not among the largest rows
    assert folded.summary == f"role: {rest} other changes on {rest} resources (JSON lists each)"
    assert sum(r.count for r in rows) == 5 + 3 * MERGE_AT  # nothing dropped


def test_up_to_the_limit_every_change_has_its_row() -> None:
    changed = tuple(
        FunctionChange(arn(i), f"fn-{i}", (FieldChange("role", f"role-{i}", f"role-{i}-v2"),))
        for i in range(MERGE_AT)
    )
    assert len(change_rows(diff(functions=FunctionsDelta(changed=changed)))) == MERGE_AT


def test_a_resource_policy_statement_naming_its_own_function_groups() -> None:
    def added(i: int) -> FieldChange:
        return FieldChange(
            "resource policy statements added", None, [f'{{"Principal":"*","Resource":"{arn(i)}"}}']
        )

    changed = tuple(FunctionChange(arn(i), f"fn-{i}", (added(i),)) for i in range(3))
    (row,) = change_rows(diff(functions=FunctionsDelta(changed=changed)))
    assert row.count == 3 and "<this function>" in row.summary


def test_new_findings_of_one_rule_group_past_the_threshold() -> None:
    few = tuple(Finding(RULE, arn(i), f"t{i}", Severity.HIGH) for i in range(GROUP_AT - 1))
    assert len(change_rows(diff(findings=FindingsDelta(new=few)))) == GROUP_AT - 1
    many = tuple(Finding(RULE, arn(i), f"t{i}", Severity.HIGH) for i in range(GROUP_AT))
    (row,) = change_rows(diff(findings=FindingsDelta(new=many)))
    assert row.summary == f"config.runtime-deprecated: {GROUP_AT} findings" and row.severity == "high"


def test_long_values_are_clipped_in_rows_only() -> None:
    long = "x" * (CLIP + 50)
    changed = (FunctionChange(arn(1), "a", (FieldChange("handler", "h", long),)),)
    (row,) = change_rows(diff(functions=FunctionsDelta(changed=changed)))
    assert row.summary.endswith(f"... ({CLIP + 50} characters)")


def test_short_names() -> None:
    assert short_name(arn(3)) == "fn-00003"
    assert short_name("arn:aws:iam::123456789012:role/path/admin") == "admin"
    assert short_name("internet") == "internet"


def test_short_name_of_a_function_keeps_its_whole_name() -> None:
    assert short_name("arn:aws:lambda:eu-west-1:123456789012:function:a/b[x]:live") == "a/b[x]"
    assert short_name("arn:aws:dynamodb:eu-west-1:123456789012:table/cards") == "cards"
    assert short_name("arn:aws:s3:::statements") == "statements"
