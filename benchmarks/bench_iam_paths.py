"""IAM paths benchmark: admin / wildcard / PassRole rules and privilege escalation at estate scale.

Run: .venv/bin/python benchmarks/bench_iam_paths.py [--functions 1000 10000] [--roles 500 2000] [--seed 7]

By default measures the cached `lambdascope synth` estates of synth_estates.py (1,000 and 10,000
functions; the same estates every other benchmark uses). `--roles N...` instead (or as well)
builds the older IAM-only estate in code (no snapshot, no AWS): N roles in 40 teams, three
functions per role, N/10 users in groups, a pool of team managed policies, and the sloppy
minority real estates have: admins, deployers that pass their team's roles (or every role) to
Lambda, roles that may assume any role, function-code updaters, self-editing roles, wildcard
grants, permission boundaries, break-glass roles any principal may assume with MFA (conditional
edges). Prints, per size, the seconds spent building the IAM model and effective permissions,
running the admin/wildcard/PassRole rules, checking every escalation method, adding the edges to a
graph, searching paths and writing findings (wall and CPU seconds: the machine may be shared), with
the edge and finding counts.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # synth_estates, when imported by a test

import networkx as nx
from synth_estates import synth_snapshot

from estate.model import Estate, IamPrincipal, InlinePolicy, LambdaFunction, ManagedPolicy
from estate.model.load import load_estate
from estate.snapshot import Manifest, load_snapshot

ACCOUNT = "111122223333"
REGION = "eu-west-1"
TEAMS = 40
IAM = f"arn:aws:iam::{ACCOUNT}"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: str | list[str], resources: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def trust(principal: dict[str, str]) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def _managed(name: str, document: dict[str, Any], aws: bool = False) -> ManagedPolicy:
    arn = f"arn:aws:iam::aws:policy/{name}" if aws else f"{IAM}:policy/{name}"
    return ManagedPolicy(arn, name, aws, "v1", document)


def _pool() -> dict[str, ManagedPolicy]:
    policies = [
        _managed("AdministratorAccess", doc(allow("*", "*")), aws=True),
        _managed(
            "AWSLambdaBasicExecutionRole", doc(allow(["logs:CreateLogGroup", "logs:PutLogEvents"], "*")), True
        ),
        _managed(
            "ViewOnly", doc(allow(["*:Describe*", "*:List*", "lambda:Get*", "s3:GetBucket*"], "*")), True
        ),
    ]
    for team in range(TEAMS):
        policies.append(
            _managed(
                f"team-{team:02d}-data",
                doc(
                    allow(
                        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/team-{team:02d}-*",
                    ),
                    allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::team-{team:02d}-*/*"),
                    allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:team-{team:02d}-*"),
                ),
            )
        )
        policies.append(
            _managed(
                f"team-{team:02d}-boundary",
                doc(allow(["dynamodb:*", "s3:*", "sqs:*", "logs:*", "lambda:InvokeFunction"], "*")),
            )
        )
    return {p.arn: p for p in policies}


def _risky_statements(rng: random.Random, team: str) -> list[dict[str, Any]]:
    roll = rng.random()
    if roll < 0.02:
        return [
            allow("iam:PassRole", f"{IAM}:role/{team}-*"),
            allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
        ]
    if roll < 0.025:
        return [allow(["iam:PassRole", "lambda:*"], "*")]
    if roll < 0.035:
        return [allow("sts:AssumeRole", f"{IAM}:role/*")]
    if roll < 0.045:
        return [allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{team}-*")]
    if roll < 0.05:
        return [allow("iam:PutRolePolicy", f"{IAM}:role/{team}-*")]
    if roll < 0.10:
        return [allow(["s3:*", "dynamodb:*"], "*")]
    if roll < 0.12:
        condition = {"StringEquals": {"aws:RequestedRegion": REGION}}
        return [allow("secretsmanager:*", "*", Condition=condition)]
    return []


def _role(rng: random.Random, index: int, names: list[str]) -> IamPrincipal:
    team = f"team-{index % TEAMS:02d}"
    name = names[index]
    roll = rng.random()
    if roll < 0.85:
        trust_doc = trust({"Service": "lambda.amazonaws.com"})
    elif roll < 0.9:
        trust_doc = trust({"Service": "ec2.amazonaws.com"})
    elif roll < 0.93:
        trust_doc = trust({"Service": "codebuild.amazonaws.com"})
    elif roll < 0.95:  # break-glass style: anyone in the account, with MFA
        trust_doc = trust({"AWS": f"{IAM}:root"})
        trust_doc["Statement"][0]["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    else:
        trust_doc = trust({"AWS": f"{IAM}:role/{rng.choice(names)}"})
    attached = ["arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", f"{IAM}:policy/{team}-data"]
    if rng.random() < 0.01:
        attached.append("arn:aws:iam::aws:policy/AdministratorAccess")
    statements = [
        allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{team}/*"),
        allow("kms:Decrypt", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{index:08d}"),
        allow("lambda:InvokeFunction", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{team}-*"),
        *_risky_statements(rng, team),
    ]
    boundary = f"{IAM}:policy/{team}-boundary" if rng.random() < 0.1 else None
    return IamPrincipal(
        arn=f"{IAM}:role/{name}",
        name=name,
        kind="role",
        inline_policies=(InlinePolicy(f"{name}-policy", doc(*statements)),),
        attached_policy_arns=tuple(attached),
        boundary_arn=boundary,
        trust_policy=trust_doc,
        tags={"team": team},
    )


def _people(rng: random.Random, count: int) -> list[IamPrincipal]:
    groups = [
        IamPrincipal(
            f"{IAM}:group/admins",
            "admins",
            "group",
            attached_policy_arns=("arn:aws:iam::aws:policy/AdministratorAccess",),
        ),
        IamPrincipal(
            f"{IAM}:group/analysts",
            "analysts",
            "group",
            attached_policy_arns=("arn:aws:iam::aws:policy/ViewOnly",),
        ),
        IamPrincipal(
            f"{IAM}:group/oncall",
            "oncall",
            "group",
            inline_policies=(InlinePolicy("oncall", doc(allow("sts:AssumeRole", f"{IAM}:role/*"))),),
        ),
    ]
    users = []
    for index in range(count):
        name = f"user-{index:04d}"
        roll = rng.random()
        inline: tuple[InlinePolicy, ...] = ()
        member: tuple[str, ...] = ("analysts",)
        if roll < 0.02:
            member = ("admins",)
        elif roll < 0.1:
            team = f"team-{index % TEAMS:02d}"
            deploy = doc(
                allow("lambda:*", f"arn:aws:lambda:*:{ACCOUNT}:function:{team}-*"),
                allow("iam:PassRole", f"{IAM}:role/{team}-*"),
            )
            inline = (InlinePolicy("deploy", deploy),)
        elif roll < 0.15:
            member = ("analysts", "oncall")
        users.append(
            IamPrincipal(f"{IAM}:user/{name}", name, "user", inline_policies=inline, group_names=member)
        )
    return [*groups, *users]


def synthetic_estate(roles: int, seed: int = 7, functions_per_role: int = 3) -> Estate:
    """A deterministic Lambda estate of `roles` roles (see the module docstring)."""
    rng = random.Random(seed)
    names = [f"team-{i % TEAMS:02d}-svc-{i:05d}" for i in range(roles)]
    principals = [_role(rng, i, names) for i in range(roles)] + _people(rng, max(roles // 10, 1))
    functions = tuple(
        LambdaFunction(
            arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}-fn{k}",
            name=f"{name}-fn{k}",
            account=ACCOUNT,
            region=REGION,
            runtime="python3.12",
            handler="app.handler",
            role_arn=f"{IAM}:role/{name}",
        )
        for name in names
        for k in range(functions_per_role)
    )
    manifest = Manifest(
        created_at="2026-11-01T00:00:00+00:00", source="synthetic", accounts=(ACCOUNT,), regions=(REGION,)
    )
    return Estate(
        manifest=manifest,
        functions=functions,
        principals={p.arn: p for p in principals},
        policies=_pool(),
        iam_accounts=frozenset({ACCOUNT}),
    )


class _Stopwatch:
    """Wall and CPU seconds per labelled step, since the previous mark."""

    def __init__(self) -> None:
        self.steps: dict[str, tuple[float, float]] = {}
        self._start = self._wall = time.perf_counter()
        self._cpu_start = self._cpu = time.process_time()

    def mark(self, label: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.steps[label] = (wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu

    def total(self) -> None:
        self.steps["total"] = (time.perf_counter() - self._start, time.process_time() - self._cpu_start)


def bench(label: str, estate: Estate) -> dict[str, tuple[float, float]]:
    from analyzers.iam.analysis import IamAnalysis
    from analyzers.iam.escalation.edges import escalation_fans
    from analyzers.iam.escalation.fans import EscalationEdges
    from analyzers.iam.escalation.graph_edges import add_iam_edges
    from analyzers.iam.escalation.paths import EscalationGraph
    from analyzers.iam.escalation.principal_index import PrincipalIndex
    from analyzers.iam.escalation.routes import EscalationPaths
    from analyzers.iam.escalation.target_classes import TargetClasses
    from analyzers.iam.principal_policies import IamModel
    from analyzers.iam.rules_paths import privesc_findings
    from analyzers.iam.rules_permissions import permission_findings

    clock = _Stopwatch()
    model = IamModel(estate)
    for arn in model.actors:
        model.effective(arn).bits()
    principals = PrincipalIndex(estate.principals)
    classes = TargetClasses(model, principals)
    clock.mark("model + effective permissions")
    findings = list(permission_findings(model, classes))
    clock.mark("admin/wildcard/passrole rules")
    fans = escalation_fans(model, principals, classes)
    clock.mark("escalation edges (fans)")
    add_iam_edges(nx.MultiDiGraph(), fans, principals)
    clock.mark("graph edges")
    graph = EscalationGraph(model, fans, principals)
    routes = {arn: found for arn in model.actors if (found := graph.routes_from(arn))}
    paths = EscalationPaths(routes, graph.made)
    clock.mark("paths")
    edges = EscalationEdges(fans)
    findings += privesc_findings(IamAnalysis(model, edges, graph, paths, classes))
    clock.mark("privesc findings")
    clock.total()
    roles = sum(1 for p in estate.principals.values() if p.kind == "role")
    print(
        f"{label}: {roles:,} roles, {len(estate.functions):,} functions, {len(model.actors):,} actors: "
        f"{len(edges):,} escalation edges in {len(fans):,} fans, {paths.count():,} paths, "
        f"{len(findings):,} findings"
    )
    for step, (wall, cpu) in clock.steps.items():
        print(f"  {step:<32} {wall:7.3f} s wall  {cpu:7.3f} s cpu")
    return clock.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, nargs="*", help="synthetic sizes (default 1000 10000)")
    parser.add_argument("--roles", type=int, nargs="*", default=[], help="in-code IAM-only estate sizes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = args.functions if args.functions is not None else ([] if args.roles else [1000, 10_000])
    from policy.catalogue import load_catalogue

    started = time.perf_counter()
    load_catalogue()
    print(f"catalogue load (once): {time.perf_counter() - started:.3f} s")
    for functions in sizes:
        estate = load_estate(load_snapshot(synth_snapshot(functions, args.seed)))
        bench(f"synth {functions:,} functions", estate)
    for roles in args.roles:
        bench(f"in-code {roles:,} roles", synthetic_estate(roles, args.seed))


if __name__ == "__main__":
    main()
