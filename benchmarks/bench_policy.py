"""Policy engine benchmark: evaluate() latency, effective permissions at estate scale, catalogue cost.

Run: .venv/bin/python benchmarks/bench_policy.py [--roles 5000] [--calls 100000] [--seed 7]

Prints (a) the median microseconds per evaluate() call on a realistic request (role session,
three identity policies, a boundary, two SCP levels, a bucket policy with conditions), (b) the
seconds to summarise effective permissions of N synthetic roles with 10 policies each (a shared
pool of managed-style policies plus per-role inline policies, generated deterministically), and
(c) the catalogue's load time, expansion times, and memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy import catalogue as catalogue_module
from policy.document import parse_policy
from policy.effective import effective_permissions
from policy.evaluate import evaluate
from policy.request import NamedPolicy, Request

ACCOUNT = "111122223333"
SERVICES = ["s3", "dynamodb", "sqs", "sns", "lambda", "kms", "logs", "ec2", "iam", "secretsmanager", "ssm"]
VERBS = ["Get", "List", "Describe", "Put", "Delete", "Create", "Update", "Tag"]
CONDITIONS: list[dict[str, Any]] = [
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}},
    {"StringLike": {"aws:PrincipalTag/team": ["pay*", "ledger"]}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
]


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def arn(rng: random.Random, service: str) -> str:
    name = f"{rng.choice(['payments', 'ledger', 'kyc', 'fraud', 'statements'])}-{rng.randrange(500)}"
    return {
        "s3": f"arn:aws:s3:::{name}/*",
        "dynamodb": f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{name}",
        "sqs": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}",
        "kms": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{rng.randrange(10**8):08d}",
        "lambda": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}",
    }.get(service, f"arn:aws:{service}:eu-west-1:{ACCOUNT}:*")


def random_statement(rng: random.Random) -> dict[str, Any]:
    service = rng.choice(SERVICES)
    roll = rng.random()
    statement: dict[str, Any] = {"Effect": "Deny" if rng.random() < 0.1 else "Allow"}
    if roll < 0.45:
        statement["Action"] = [f"{service}:{rng.choice(VERBS)}*" for _ in range(rng.randint(1, 4))]
    elif roll < 0.75:
        statement["Action"] = [
            f"{service}:{rng.choice(VERBS)}{rng.choice(['Object', 'Item', 'Message', ''])}"
        ]
    elif roll < 0.85:
        statement["Action"] = f"{service}:*"
    elif roll < 0.95:
        statement["NotAction"] = [f"{rng.choice(SERVICES)}:*"]
    else:
        statement["Action"] = "*"
    if rng.random() < 0.5:
        statement["Resource"] = "*"
    else:
        statement["Resource"] = [arn(rng, service) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.25:
        statement["Condition"] = rng.choice(CONDITIONS)
    return statement


def shared_pool(rng: random.Random, size: int = 60) -> list[NamedPolicy]:
    """Managed-style policies that many roles attach."""
    fixed = [
        doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}),
        doc({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}),
        doc({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}),
        doc({"Effect": "Allow", "Action": ["*:Describe*", "*:List*", "*:Get*"], "Resource": "*"}),
    ]
    pool = [NamedPolicy(f"managed-{i}", None, parse_policy(d)) for i, d in enumerate(fixed)]
    for i in range(len(fixed), size):
        statements = [random_statement(rng) for _ in range(rng.randint(1, 6))]
        pool.append(NamedPolicy(f"managed-{i}", None, parse_policy(doc(*statements))))
    return pool


def synthetic_roles(
    count: int, seed: int
) -> tuple[list[tuple[str, list[NamedPolicy], NamedPolicy | None]], float]:
    rng = random.Random(seed)
    pool = shared_pool(rng)
    boundaries = [
        NamedPolicy(
            f"boundary-{i}", None, parse_policy(doc(*(random_statement(rng) for _ in range(3)))), "boundary"
        )
        for i in range(5)
    ]
    roles = []
    started = time.perf_counter()
    for index in range(count):
        policies = rng.sample(pool, 6)
        for inline in range(4):
            statements = [random_statement(rng) for _ in range(rng.randint(1, 5))]
            policies.append(
                NamedPolicy(f"role-{index}-inline-{inline}", None, parse_policy(doc(*statements)))
            )
        boundary = rng.choice(boundaries) if rng.random() < 0.2 else None
        roles.append((f"arn:aws:iam::{ACCOUNT}:role/role-{index}", policies, boundary))
    return roles, time.perf_counter() - started


SCPS = [
    NamedPolicy(
        "FullAWSAccess",
        None,
        parse_policy(doc({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        "scp",
        "root",
    ),
    NamedPolicy(
        "DenyLeaveOrg",
        None,
        parse_policy(
            doc(
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": ["organizations:LeaveOrganization", "account:*"],
                    "Resource": "*",
                },
            )
        ),
        "scp",
        "ou-workloads",
    ),
]


def bench_evaluate(calls: int) -> float:
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/1700000000"
    identity = [
        NamedPolicy(
            "payments-api-data",
            None,
            parse_policy(
                doc(
                    {
                        "Sid": "ReadWriteObjects",
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:PutObject"],
                        "Resource": ["arn:aws:s3:::payments-statements/*", "arn:aws:s3:::payments-exports/*"],
                    },
                    {
                        "Sid": "Table",
                        "Effect": "Allow",
                        "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
                        "Resource": f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/payments*",
                    },
                    {
                        "Sid": "Key",
                        "Effect": "Allow",
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
                    },
                )
            ),
        ),
        NamedPolicy(
            "AWSLambdaBasicExecutionRole",
            None,
            parse_policy(
                doc(
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": "*",
                    },
                )
            ),
        ),
        NamedPolicy(
            "deny-outside-region",
            None,
            parse_policy(
                doc(
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*", "cloudfront:*"],
                        "Resource": "*",
                        "Condition": {
                            "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}
                        },
                    },
                )
            ),
        ),
    ]
    boundary = NamedPolicy(
        "workload-boundary",
        None,
        parse_policy(
            doc(
                {
                    "Effect": "Allow",
                    "Action": ["s3:*", "dynamodb:*", "kms:*", "logs:*", "sqs:*"],
                    "Resource": "*",
                },
                {"Effect": "Deny", "Action": ["s3:DeleteBucket*", "s3:PutBucketPolicy"], "Resource": "*"},
            )
        ),
        "boundary",
    )
    bucket = NamedPolicy(
        "payments-statements bucket policy",
        None,
        parse_policy(
            doc(
                {
                    "Sid": "DenyInsecure",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": ["arn:aws:s3:::payments-statements", "arn:aws:s3:::payments-statements/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "OrgRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::payments-statements/*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
                },
            ),
            resource_policy=True,
        ),
        "resource",
    )
    request = Request(
        principal_arn=session,
        action="s3:GetObject",
        resource_arn="arn:aws:s3:::payments-statements/2024/03/statement-0042.pdf",
        resource_account=ACCOUNT,
        context={
            "aws:SecureTransport": True,
            "aws:RequestedRegion": "eu-west-1",
            "aws:PrincipalOrgID": "o-abc123",
        },
    )
    decision = evaluate(
        request, identity_policies=identity, resource_policy=bucket, boundary=boundary, scps=SCPS
    )
    timings = []
    clock = time.perf_counter_ns
    for _ in range(calls):
        start = clock()
        evaluate(request, identity_policies=identity, resource_policy=bucket, boundary=boundary, scps=SCPS)
        timings.append(clock() - start)
    print(
        f"(a) evaluate(): median {statistics.median(timings) / 1000:.1f} us/call over {calls:,} calls "
        f"(p90 {statistics.quantiles(timings, n=10)[-1] / 1000:.1f} us); "
        f"decision: {decision.outcome} / {decision.reason}"
    )
    return statistics.median(timings) / 1000


def bench_effective(count: int, seed: int) -> float:
    roles, build_seconds = synthetic_roles(count, seed)
    sensitive = ["iam:PassRole", "iam:CreatePolicyVersion", "sts:AssumeRole", "s3:GetObject", "kms:Decrypt"]
    started = time.perf_counter()
    admins = conditional = 0
    levels: dict[str, int] = {}
    for principal, policies, boundary in roles:
        perms = effective_permissions(policies, boundary=boundary, scps=SCPS, principal_arn=principal)
        admins += perms.is_full_access()
        for level, (allowed, maybe, _) in perms.level_counts().items():
            levels[level] = levels.get(level, 0) + allowed
            conditional += maybe
        for action in sensitive:
            perms.status(action)
    seconds = time.perf_counter() - started
    print(
        f"(b) effective permissions: {count:,} roles x 10 policies in {seconds:.2f} s "
        f"({seconds / count * 1e6:.0f} us/role; generating + parsing the policies took "
        f"{build_seconds:.2f} s); {admins} full-access roles, {sum(levels.values()):,} allowed "
        f"role-actions, {conditional:,} conditional"
    )
    return seconds


def bench_catalogue() -> None:
    catalogue_module.load_catalogue.cache_clear()
    gc.collect()
    started = time.perf_counter()
    catalogue = catalogue_module.load_catalogue()
    load_seconds = time.perf_counter() - started
    timings = {}
    not_iam = parse_policy(
        {"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}
    ).statements[0]
    for label, run in (
        ("s3:Get*", lambda: catalogue.expand("s3:Get*")),
        ("*", lambda: catalogue.expand("*")),
        ("NotAction iam:*", lambda: catalogue.expand_statement(not_iam)),
    ):
        start = time.perf_counter()
        size = len(run())
        cold = time.perf_counter() - start
        start = time.perf_counter()
        catalogue.statement_bits(not_iam) if label.startswith("Not") else catalogue.expand_bits(label)
        cached = time.perf_counter() - start
        timings[label] = (size, cold, cached)

    catalogue_module.load_catalogue.cache_clear()
    gc.collect()
    tracemalloc.start()
    catalogue_module.load_catalogue()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"(c) catalogue: {catalogue.size:,} actions in {len(catalogue.services)} services, "
        f"loaded in {load_seconds:.2f} s; retained {current / 2**20:.1f} MiB, "
        f"peak while loading {peak / 2**20:.1f} MiB (tracemalloc)"
    )
    for label, (size, cold, cached) in timings.items():
        print(
            f"    expand {label!r}: {size:,} actions, {cold * 1e3:.2f} ms first (as names), "
            f"{cached * 1e6:.1f} us cached (as a bitset)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bench_catalogue()
    bench_evaluate(args.calls)
    bench_effective(args.roles, args.seed)


if __name__ == "__main__":
    main()
