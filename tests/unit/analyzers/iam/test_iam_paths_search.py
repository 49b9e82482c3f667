"""The escalation catalogue as data, and how paths are searched: depth, cycles, certainty, scale."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from analyzers.iam.analysis import analyze_iam
from analyzers.iam.escalation.methods import METHODS, SERVICE_ASSUMES
from analyzers.iam.escalation.types import On, Reach
from analyzers.iam.principal_summary import principal_summary
from analyzers.iam.rules_paths import iam_findings
from policy.catalogue import load_catalogue
from tests.paths import ROOT
from tests.unit.analyzers.iam.iam_estates import (
    ADMIN_POLICY,
    IAM,
    IamEstate,
    allow,
    conditional,
    findings,
    hop_methods,
    role_arn,
    trusts,
)

MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_every_method_is_well_formed() -> None:
    catalogue = load_catalogue()
    for method in (*METHODS, SERVICE_ASSUMES):
        for need in method.needs:
            assert catalogue.info(need.action) is not None, (method.id, need.action)
            assert (need.on is On.SCOPE) == bool(need.scope), method.id
        if method.reach is Reach.SERVICE_ROLE and method is not SERVICE_ASSUMES:
            assert method.service and method.service.endswith(".amazonaws.com"), method.id
        assert method.title and method.target_kinds, method.id
    assert len({m.id for m in METHODS}) == len(METHODS) >= 29


def chain(length: int, *, last_conditional: bool = False) -> IamEstate:
    """role-0 -> role-1 -> ... -> role-<length-1> -> admin, each by sts:AssumeRole."""
    estate = IamEstate()
    names = [f"role-{i}" for i in range(length)] + ["admin"]
    for i, name in enumerate(names):
        trust = trusts({"AWS": role_arn(names[i - 1])}) if i else None
        if name == "admin":
            condition = MFA if last_conditional else None
            estate.role(
                name,
                trust=trusts({"AWS": role_arn(names[i - 1])}, condition=condition),
                managed=(ADMIN_POLICY,),
            )
        else:
            estate.role(name, allow("sts:AssumeRole", role_arn(names[i + 1])), trust=trust)
    return estate


def test_paths_are_bounded_in_depth() -> None:
    reachable = findings(chain(5).analyze(), "iam.privesc", role_arn("role-0"))
    assert len(reachable) == 1 and len(hop_methods(reachable[0])) == 5
    assert findings(chain(6).analyze(), "iam.privesc", role_arn("role-0")) == []


def test_cycles_terminate_and_peers_are_not_escalations() -> None:
    estate = IamEstate()
    estate.role("a", allow("sts:AssumeRole", role_arn("b")), trust=trusts({"AWS": role_arn("b")}))
    estate.role("b", allow("sts:AssumeRole", role_arn("a")), trust=trusts({"AWS": role_arn("a")}))
    analysis = estate.analyze()
    assert findings(analysis, "iam.privesc") == []
    assert analysis.graph.has_edge(role_arn("a"), role_arn("b"), key="can-assume")


def test_a_certain_path_wins_over_a_shorter_conditional_one() -> None:
    estate = IamEstate()
    with_mfa = trusts({"AWS": role_arn("dev")}, condition=MFA)
    with_mfa["Statement"].append(trusts({"Service": "lambda.amazonaws.com"})["Statement"][0])
    estate.role("admin", trust=with_mfa, managed=(ADMIN_POLICY,))
    estate.role(
        "hop",
        allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]),
        trust=trusts({"AWS": role_arn("dev")}),
    )
    estate.role("dev", allow("sts:AssumeRole"))
    found = findings(estate.analyze(), "iam.privesc", role_arn("dev"))
    assert len(found) == 1 and not conditional(found[0])
    assert hop_methods(found[0]) == ("sts-assume-role", "lambda-create-function-invoke")


def test_only_conditional_ways_give_a_conditional_finding() -> None:
    found = findings(chain(2, last_conditional=True).analyze(), "iam.privesc", role_arn("role-0"))
    assert len(found) == 1 and conditional(found[0])
    keys = [c["key"] for e in found[0].evidence if e.label == "conditions" for c in e.value]
    assert keys == ["aws:MultiFactorAuthPresent"]


def test_path_starts_from_the_function_running_as_the_role() -> None:
    estate = IamEstate()
    estate.role("admin", managed=(ADMIN_POLICY,))
    estate.role("app", allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]))
    estate.function("worker", "app")
    estate.function("api", "app")
    (finding,) = findings(estate.analyze(), "iam.privesc", role_arn("app"))
    fn = "arn:aws:lambda:eu-west-1:123456789012:function:"
    assert finding.path == (fn + "api", role_arn("app"), "service:lambda.amazonaws.com", role_arn("admin"))
    functions = next(e.value for e in finding.evidence if e.label == "functions executing as it")
    assert functions == [fn + "api", fn + "worker"]


def test_principal_summary_from_an_estate() -> None:
    estate = IamEstate()
    estate.role(
        "app",
        allow(["s3:GetObject", "s3:PutObject"]),
        allow("kms:Decrypt", f"arn:aws:kms:eu-west-1:{IAM[13:]}:key/1"),
    )
    analysis = estate.analyze()
    summary = principal_summary(analysis.estate, role_arn("app"))
    assert summary.services["s3"]["Read"].allowed == 1 and summary.services["s3"]["Write"].allowed == 1
    assert summary.services["kms"]["Write"].scoped == 1
    assert not summary.admin and summary.escalations == ()


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "bench_iam_paths.py"
    spec = importlib.util.spec_from_file_location("bench_iam_paths", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_thousand_role_benchmark_estate_reports_its_admins_and_escalations() -> None:
    """The benchmark's generated estate exercises the real analysis (its timing is printed by
    benchmarks/bench_iam_paths.py, never asserted here)."""
    estate = _benchmark().synthetic_estate(1000, seed=7)
    load_catalogue()
    findings = iam_findings(analyze_iam(estate))
    admins = {
        a for a, p in estate.principals.items() if p.kind == "role" and ADMIN_POLICY in p.attached_policy_arns
    }
    reported = {f.resource for f in findings if f.rule.id == "iam.admin"}
    assert admins and admins <= reported
    assert any(f.rule.id == "iam.privesc" for f in findings)


def test_the_escalation_search_runs_when_first_read_once_and_alike() -> None:
    """`analyze_iam` draws the edges; the paths are searched on the first reading (in the CLI,
    by iam.privesc in the parent while the reachability child runs), once, and read the same
    as a search made at once."""
    from estate.graph.builder import build_graph
    from estate.model.load import load_estate
    from estate.snapshot import load_snapshot
    from tests.paths import DEMO_SNAPSHOT, analysed_demo

    estate = load_estate(load_snapshot(DEMO_SNAPSHOT))
    graph = build_graph(estate)
    iam = analyze_iam(estate, graph)
    assert not iam.searched and "not searched yet" in repr(iam)
    assert any(kind == "escalates-to" for _u, _v, kind in graph.edges(data="kind"))  # edges drawn
    escalation = iam.escalation
    paths = iam.paths
    assert iam.searched and iam.escalation is escalation and iam.paths is paths
    iam.search()  # already searched: nothing more
    assert iam.paths is paths
    eager = analyze_iam(estate)
    eager.search()
    assert {start: [p.nodes for p in found] for start, found in paths.items()} == {
        start: [p.nodes for p in found] for start, found in eager.paths.items()
    }
    assert paths  # the demo has escalation paths
    assert analysed_demo().iam is not None and analysed_demo().iam.searched  # iam.privesc read them
