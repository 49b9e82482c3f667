"""`can` edges: identity and resource policies, cross-account, KMS key policies, prefixes, levels."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from analyzers.iam.principal_policies import IamModel
from analyzers.reach.access_edges import add_access_edges
from estate.graph.builder import build_graph
from estate.model import Estate, IamPrincipal, InlinePolicy, LambdaFunction
from estate.model.store_records import DataStore, Encryption, KmsKey
from estate.snapshot import Manifest

ACCOUNT = "123456789012"
OTHER = "210987654321"
REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-role"
BUCKET = "arn:aws:s3:::cards"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/payments"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111"


def allow(sid: str, action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource, **extra}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def store(arn: str, kind: str, *, account: str = ACCOUNT, policy: dict[str, Any] | None = None) -> DataStore:
    name = arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return DataStore(
        arn=arn,
        kind=kind,
        name=name,
        account=account,
        region=REGION,
        encryption=Encryption("aws-owned", encrypted=True),
        classification="pci",
        resource_policy=json.dumps(policy) if policy else None,
        policy_state="present" if policy else "absent",
    )


def estate(
    *statements: dict[str, Any],
    stores: tuple[DataStore, ...] = (),
    keys: tuple[KmsKey, ...] = (),
    role: str = ROLE,
) -> Estate:
    fn = LambdaFunction(
        arn=f"arn:aws:lambda:{REGION}:{role.split(':')[4]}:function:app",
        name="app",
        account=role.split(":")[4],
        region=REGION,
        runtime="python3.12",
        handler="app.handler",
        role_arn=role,
    )
    principal = IamPrincipal(
        arn=role,
        name=role.rsplit("/", 1)[-1],
        kind="role",
        inline_policies=(InlinePolicy("app-policy", doc(*statements)),),
    )
    return Estate(
        manifest=Manifest(
            created_at="2026-11-01T00:00:00+00:00", source="test", accounts=(ACCOUNT,), regions=(REGION,)
        ),
        functions=(fn,),
        principals={role: principal},
        data_stores={s.arn: s for s in stores},
        kms_keys={k.arn: k for k in keys},
    )


def can(e: Estate) -> nx.MultiDiGraph:
    graph = build_graph(e)
    add_access_edges(e, graph, IamModel(e))
    return graph


def edge(graph: nx.MultiDiGraph, target: str, source: str = ROLE) -> dict[str, Any] | None:
    data = graph.get_edge_data(source, target, key="can")
    return dict(data) if data is not None else None


def test_identity_allow_without_resource_policy_gives_read_edge_with_statement() -> None:
    graph = can(estate(allow("Read", "dynamodb:GetItem", TABLE), stores=(store(TABLE, "table"),)))
    data = edge(graph, TABLE)
    assert data is not None
    assert data["access"] == "read" and data["conditional"] is False
    assert data["actions"] == {"read": ["dynamodb:GetItem"]}
    assert data["statement_ids"] == ["app-policy#Read"]
    assert data["evidence"]["statements"][0]["sid"] == "Read"
    assert graph.nodes[TABLE]["kind"] == "data-store" and graph.nodes[TABLE]["subkind"] == "table"
    assert graph.nodes[TABLE]["classification"] == "pci"


def test_no_grant_no_edge() -> None:
    graph = can(estate(allow("Other", "dynamodb:GetItem", TABLE + "-other"), stores=(store(TABLE, "table"),)))
    assert edge(graph, TABLE) is None


def test_access_levels_follow_the_catalogue() -> None:
    bucket = store(BUCKET, "bucket")
    graph = can(estate(allow("Get", "s3:GetObject", BUCKET + "/*"), stores=(bucket,)))
    assert edge(graph, BUCKET)["access"] == "read"  # type: ignore[index]
    graph = can(estate(allow("Put", ["s3:GetObject", "s3:PutObject"], BUCKET + "/*"), stores=(bucket,)))
    data = edge(graph, BUCKET)
    assert data is not None and data["access"] == "write" and data["levels"] == ["write", "read"]
    graph = can(estate(allow("Policy", "s3:PutBucketPolicy", BUCKET), stores=(bucket,)))
    assert edge(graph, BUCKET)["access"] == "permissions-management"  # type: ignore[index]


def test_bucket_policy_deny_beats_identity_allow() -> None:
    deny = {
        "Sid": "NoApp",
        "Effect": "Deny",
        "Principal": {"AWS": ROLE},
        "Action": "s3:*",
        "Resource": BUCKET + "/*",
    }
    graph = can(
        estate(
            allow("Get", "s3:GetObject", BUCKET + "/*"), stores=(store(BUCKET, "bucket", policy=doc(deny)),)
        )
    )
    assert edge(graph, BUCKET) is None
    # the Deny covers objects only: bucket-level actions stay
    graph = can(
        estate(
            allow("Get", ["s3:GetObject", "s3:ListBucket"], [BUCKET, BUCKET + "/*"]),
            stores=(store(BUCKET, "bucket", policy=doc(deny)),),
        )
    )
    data = edge(graph, BUCKET)
    assert data is not None and data["actions"] == {"list": ["s3:ListBucket"]}


def test_same_account_resource_policy_grants_on_its_own() -> None:
    grant = {
        "Sid": "AppReads",
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": "s3:GetObject",
        "Resource": BUCKET + "/*",
    }
    graph = can(
        estate(allow("Logs", "logs:PutLogEvents", "*"), stores=(store(BUCKET, "bucket", policy=doc(grant)),))
    )
    data = edge(graph, BUCKET)
    assert data is not None and data["access"] == "read"
    assert "cards bucket policy#AppReads" in data["statement_ids"]


def test_cross_account_needs_both_sides() -> None:
    other_table = f"arn:aws:dynamodb:{REGION}:{OTHER}:table/ledger"
    grant = {
        "Sid": "Partner",
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": "dynamodb:GetItem",
        "Resource": other_table,
    }
    identity = allow("Read", "dynamodb:GetItem", other_table)
    only_identity = can(estate(identity, stores=(store(other_table, "table", account=OTHER),)))
    assert edge(only_identity, other_table) is None
    only_resource = can(
        estate(
            allow("Logs", "logs:PutLogEvents", "*"),
            stores=(store(other_table, "table", account=OTHER, policy=doc(grant)),),
        )
    )
    assert edge(only_resource, other_table) is None
    both = can(estate(identity, stores=(store(other_table, "table", account=OTHER, policy=doc(grant)),)))
    data = edge(both, other_table)
    assert data is not None and data["evidence"]["routes"] == ["identity-and-resource-policy"]


def _key(policy: dict[str, Any] | None) -> KmsKey:
    return KmsKey(
        arn=KEY,
        id="1111",
        account=ACCOUNT,
        region=REGION,
        manager="CUSTOMER",
        policy=json.dumps(policy) if policy else None,
        policy_state="present" if policy else "unknown",
        aliases=("alias/cards",),
    )


def test_kms_key_policy_must_allow_or_delegate() -> None:
    identity = allow("Decrypt", "kms:Decrypt", KEY)
    delegating = doc(
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    data = edge(can(estate(identity, keys=(_key(delegating),))), KEY)
    assert (
        data is not None
        and data["access"] == "write"
        and "alias/cards key policy#Root" in data["statement_ids"]
    )
    admin_only = doc(
        {
            "Sid": "Admins",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/key-admin"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    graph = can(estate(identity, keys=(_key(admin_only),)))
    assert edge(graph, KEY) is None
    assert graph.nodes[KEY]["kind"] == "kms-key"


def test_conditional_grants_are_marked_with_their_keys() -> None:
    statement = allow(
        "Vpce", "dynamodb:GetItem", TABLE, Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}
    )
    data = edge(can(estate(statement, stores=(store(TABLE, "table"),))), TABLE)
    assert data is not None and data["conditional"] is True and data["certain_access"] is None
    assert data["condition_keys"] == ["aws:SourceVpce"]


def test_prefix_scoped_object_grants_record_the_prefix() -> None:
    graph = can(
        estate(allow("Reports", "s3:GetObject", BUCKET + "/reports/*"), stores=(store(BUCKET, "bucket"),))
    )
    data = edge(graph, BUCKET)
    assert data is not None and data["prefixes"] == ["reports/"]
    assert data["evidence"]["scopes"] == ["reports/"]
    whole = edge(
        can(estate(allow("All", "s3:GetObject", BUCKET + "/*"), stores=(store(BUCKET, "bucket"),))), BUCKET
    )
    assert whole is not None and whole["prefixes"] == []
    # a Deny on the granted prefix removes it, a Deny elsewhere does not
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": BUCKET + "/reports/*"}
    denied = can(
        estate(
            allow("Reports", "s3:GetObject", BUCKET + "/reports/*"),
            stores=(store(BUCKET, "bucket", policy=doc(deny)),),
        )
    )
    assert edge(denied, BUCKET) is None


def test_statements_that_differ_by_action_are_told_apart() -> None:
    # one Allow for both actions, a Deny for PutItem only: one decision per level would get it wrong
    statements = (
        allow("Both", ["dynamodb:GetItem", "dynamodb:PutItem"], TABLE),
        {"Sid": "NoWrite", "Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": TABLE},
    )
    data = edge(can(estate(*statements, stores=(store(TABLE, "table"),))), TABLE)
    assert data is not None and data["actions"] == {"read": ["dynamodb:GetItem"]}


def test_function_invoke_edges() -> None:
    e = estate(allow("Invoke", "lambda:InvokeFunction", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app"))
    data = edge(can(e), e.functions[0].arn)
    assert data is not None and data["actions"] == {"write": ["lambda:InvokeFunction"]}


def _with_functions(e: Estate, count: int) -> Estate:
    extra = tuple(
        LambdaFunction(
            arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker-{i:02d}",
            name=f"worker-{i:02d}",
            account=ACCOUNT,
            region=REGION,
            runtime="python3.12",
            handler="app.handler",
            role_arn=f"arn:aws:iam::{ACCOUNT}:role/other",
        )
        for i in range(count)
    )
    e.functions = (*e.functions, *extra)
    return e


def test_invoking_every_function_is_one_summary_edge_not_thousands() -> None:
    from analyzers.reach.access_edges import FUNCTION_FANOUT, function_set_node

    e = _with_functions(estate(allow("All", "lambda:InvokeFunction", "*")), FUNCTION_FANOUT + 5)
    graph = can(e)
    per_function = [v for _u, v, k in graph.out_edges(ROLE, keys=True) if k == "can" and ":function:" in v]
    assert per_function == []
    summary = edge(graph, function_set_node(ACCOUNT, REGION))
    assert summary is not None
    assert summary["function_count"] == FUNCTION_FANOUT + 6
    assert "evaluated on" in summary["evidence"]["note"]
    assert graph.nodes[function_set_node(ACCOUNT, REGION)]["kind"] == "function-set"


def test_a_few_named_functions_keep_their_own_edges() -> None:
    from analyzers.reach.access_edges import function_set_node

    arns = [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker-{i:02d}" for i in range(3)]
    e = _with_functions(estate(allow("Some", "lambda:InvokeFunction", arns)), 30)
    graph = can(e)
    assert {v for _u, v, k in graph.out_edges(ROLE, keys=True) if k == "can"} == set(arns)
    assert function_set_node(ACCOUNT, REGION) not in graph
