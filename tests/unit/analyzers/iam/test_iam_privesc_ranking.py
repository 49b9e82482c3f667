"""iam.privesc ranks a principal's targets in bulk, and says what ranking each path would.

A principal of a dense account reaches thousands of administrators the same way (`routes`
groups): the rule ranks them per (severity, certainty, hops) by ARN, without a graded path per
target. Checked here against the plain way, on random estates and on one with many
administrators: every path made and graded, sorted by `GradedPath.order`, the first shown, the
others listed in that order, grouped by how each is reached (outcome, severity, hops, methods,
certainty; a group where its first target ranks).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from analyzers.findings.model import Finding
from analyzers.iam.analysis import IamAnalysis, analyze_iam
from analyzers.iam.escalation_gain import GainGrader
from analyzers.iam.rules_paths import GradedPath, graded, privesc_findings, ranked_targets
from tests.unit.analyzers.iam.iam_estates import IAM, IamEstate, allow, role_arn, trusts, user_arn
from tests.unit.analyzers.iam.test_iam_summaries import estates

Shown = tuple[str, str, tuple[str, ...], object, list[dict[str, object]]]


def _reference(iam: IamAnalysis) -> list[Shown]:
    """Per start: every path graded and sorted the plain way; what its finding must say."""
    grader = GainGrader(iam.model)
    out: list[Shown] = []
    for start in iam.paths:
        ranked = sorted((graded(p, grader.gain(p)) for p in iam.paths[start]), key=lambda t: t.order)
        if not ranked:
            continue
        best = ranked[0]
        others = _grouped(ranked[1:])
        out.append((start, best.severity.value, best.path.nodes, len(ranked), others))
    return out


def _grouped(ranked: list[GradedPath]) -> list[dict[str, object]]:
    """The reference's "other targets": one group per way of reaching, in rank order."""
    out: list[dict[str, object]] = []
    for t in ranked:
        how = {
            "outcome": t.gain.outcome,
            "severity": t.severity.value,
            "hops": t.path.hop_count,
            "methods": list(t.path.methods),
            "conditional": t.conditional,
        }
        same = [g for g in out if all(g[k] == v for k, v in how.items())]
        if same:
            targets = same[0]["targets"]
            assert isinstance(targets, list)
            targets.append(t.path.target)
            same[0]["count"] = len(targets)
        else:
            out.append({**how, "count": 1, "targets": [t.path.target]})
    return out


def _targets(others: list[dict[str, object]]) -> list[str]:
    return [str(t) for group in others for t in group["targets"]]  # type: ignore[attr-defined]


def _shown(finding: Finding) -> Shown:
    evidence = {e.label: e.value for e in finding.evidence}
    others = evidence.get("other targets", [])
    assert isinstance(others, list)
    return finding.resource, finding.severity.value, finding.path, evidence["targets"], others


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_findings_rank_targets_as_sorting_every_graded_path_does(e: IamEstate) -> None:
    iam = analyze_iam(e.estate())
    assert [_shown(f) for f in privesc_findings(iam)] == _reference(iam)


def many_admins() -> IamEstate:
    e = IamEstate()
    for i in range(12):  # named out of order: the listing is by ARN, not by creation
        e.admin_role(f"admin-{(i * 7) % 12:02d}", trust=trusts({"AWS": f"{IAM}:root"}))
    for name in ("ops-a", "ops-b"):
        e.user(name, allow("sts:AssumeRole"))  # any role trusting the account: every admin, 1 hop
    e.user("deployer", allow("iam:UpdateAssumeRolePolicy"))  # may re-trust, and so control, any role
    return e


def test_many_administrators_reached_alike_are_listed_by_arn() -> None:
    iam = analyze_iam(many_admins().estate())
    found = {f.resource: _shown(f) for f in privesc_findings(iam)}
    assert list(found.values()) == _reference(iam)
    _start, severity, path, count, others = found[user_arn("ops-a")]
    assert severity == "critical" and count == 12
    assert path[-1] == role_arn("admin-00")  # the first by ARN of twelve alike
    listed = _targets(others)
    assert listed == sorted(listed) == [role_arn(f"admin-{i:02d}") for i in range(1, 12)]
    assert len(others) == 1 and others[0]["count"] == 11  # one way of reaching all eleven


def test_ranked_targets_puts_the_worst_bucket_first_and_keeps_ties_in_input_order() -> None:
    iam = analyze_iam(many_admins().estate())
    grader = GainGrader(iam.model)
    paths = [graded(p, grader.gain(p)) for p in iam.paths[user_arn("deployer")]]
    assert paths
    twice = ranked_targets([*paths, *paths])  # equal targets: the earlier one first
    assert [place for _t, place, _s, _st in twice] == sorted(
        range(2 * len(paths)), key=lambda i: (paths[i % len(paths)].order, i)
    )
    assert ranked_targets([]) == []


def test_administrators_reached_alike_are_one_group_and_other_ways_another() -> None:
    """ops-a and ops-b reach every administrator by one assume-role hop: one group of eleven each.
    The deployer reaches them by re-trusting first: its groups say so, never merged with theirs."""
    iam = analyze_iam(many_admins().estate())
    found = {f.resource: _shown(f)[4] for f in privesc_findings(iam)}
    ops_a, ops_b, deployer = (found[user_arn(n)] for n in ("ops-a", "ops-b", "deployer"))
    assert ops_a == ops_b
    [group] = ops_a
    assert group["methods"] == ["sts-assume-role"] and group["hops"] == 1 and group["count"] == 11
    assert all(g["methods"] != ["sts-assume-role"] for g in deployer)
    assert sum(int(str(g["count"])) for g in deployer) == len(_targets(deployer))
