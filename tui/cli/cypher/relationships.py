"""Which relationship each lambdascope graph edge becomes, and the finding nodes.

Cartography's names where it has the same fact: a function's execution role is `ASSUMES`
(AWSLambda -> AWSRole), a principal's policies `POLICY`, a store's key `ENCRYPTED_BY`, a subnet's
VPC `MEMBER_OF_AWS_VPC`, placement `PART_OF_SUBNET` and `MEMBER_OF_EC2_SECURITY_GROUP` (what
Cartography says of an instance). lambdascope's own conclusions get names Cartography lacks:
`INVOKES` (who can trigger a function: kind, auth, conditions), `CAN_ACCESS` (effective data
access: level, actions, conditional), `CAN_ASSUME`, `CAN_ESCALATE_TO` (method), `ROUTES_TO`,
`HAS_PERMISSIONS_BOUNDARY`, `CONTAINS` (a summary set's members) and `AFFECTS` (a
`LambdascopeFinding` -> its resource).

Properties are what a query filters on; the full evidence stays in `lambdascope findings` and
`lambdascope reach`, except the invoke statement's conditions, which `INVOKES` carries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analyzers.findings.model import Finding
from tui.cli.cypher.nodes import NodeRecord, safe_value

REL_TYPES = {
    "invokes": "INVOKES",
    "executes-as": "ASSUMES",
    "can": "CAN_ACCESS",
    "can-assume": "CAN_ASSUME",
    "escalates-to": "CAN_ESCALATE_TO",
    "in-subnet": "PART_OF_SUBNET",
    "in-security-group": "MEMBER_OF_EC2_SECURITY_GROUP",
    "routes-to": "ROUTES_TO",
    "encrypted-by": "ENCRYPTED_BY",
    "has-policy": "POLICY",
    "bounded-by": "HAS_PERMISSIONS_BOUNDARY",
    "contains": "CONTAINS",
}
PARALLEL = frozenset(
    {"INVOKES", "ROUTES_TO", "CAN_ESCALATE_TO"}
)  # several per pair: merged on `edge_key` too


@dataclass(frozen=True, slots=True)
class RelRecord:
    type: str
    source: tuple[str, str]  # (label, id) of the start node
    target: tuple[str, str]
    props: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""  # the graph's edge key, for PARALLEL types


def _condition(c: Any) -> str:
    """`StringEquals aws:SourceArn ["arn:..."]`: one condition as a line a person reads."""
    if isinstance(c, Mapping):
        return f"{c.get('operator')} {c.get('key')} {json.dumps(c.get('values'), default=str)}"
    return str(c)


def _url_auth(evidence: Mapping[str, Any]) -> str | None:
    """A function-URL grant's auth type, from its `lambda:FunctionUrlAuthType` condition."""
    for condition in evidence.get("conditions") or ():
        if (
            isinstance(condition, Mapping)
            and str(condition.get("key")).lower() == "lambda:functionurlauthtype"
        ):
            values = condition.get("values")
            return str(values[0]) if isinstance(values, list | tuple) and values else None
    return None


def _invoke_props(data: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    evidence = data.get("evidence")
    evidence = evidence if isinstance(evidence, Mapping) else {}
    grant = data.get("grant")
    auth = getattr(grant, "auth_type", None) or evidence.get("auth_type") or evidence.get("AuthType")
    auth = auth or evidence.get("authorization_type") or source.get("auth_type") or _url_auth(evidence)
    conditions = evidence.get("narrowing_conditions") or ()
    return {
        "kind": data.get("via"),
        "action": data.get("action"),
        "public": bool(data.get("public")),
        "conditional": bool(data.get("conditional")),
        "auth": auth,
        "conditions": [_condition(c) for c in conditions] if isinstance(conditions, list | tuple) else [],
        "statement_sid": evidence.get("sid"),
    }


def _access_props(data: Mapping[str, Any]) -> dict[str, Any]:
    actions = data.get("actions")
    flat = sorted({a for acts in actions.values() for a in acts}) if isinstance(actions, Mapping) else []
    return {
        "access": data.get("access"),
        "levels": list(data.get("levels") or ()),
        "actions": flat,
        "conditional": bool(data.get("conditional")),
        "condition_keys": list(data.get("condition_keys") or ()),
        "statement_ids": list(data.get("statement_ids") or ()),
    }


def rel_props(kind: str, data: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """The properties an edge of `kind` carries (strings with controls escaped; a None removes
    the property from a relationship an earlier export wrote)."""
    if kind == "invokes":
        props = _invoke_props(data, source)
    elif kind == "can":
        props = _access_props(data)
    elif kind in ("escalates-to", "can-assume"):
        props = {
            "method": data.get("method"),
            "yields": data.get("yields"),
            "via": data.get("via"),
            "conditional": bool(data.get("conditional")),
            "condition_keys": list(data.get("condition_keys") or ()),
        }
    elif kind == "routes-to":
        evidence = data.get("evidence")
        evidence = evidence if isinstance(evidence, Mapping) else {}
        props = {"default": data.get("default"), "destination": evidence.get("destination")}
    else:
        props = {}
    return {key: safe_value(value) for key, value in props.items()}  # None: removed on re-export


def rel_record(
    kind: str,
    key: str,
    data: Mapping[str, Any],
    source: NodeRecord,
    target: NodeRecord,
    source_data: Mapping[str, Any],
) -> RelRecord | None:
    rel_type = REL_TYPES.get(kind)
    if rel_type is None:
        return None
    return RelRecord(
        rel_type,
        (source.label, source.id),
        (target.label, target.id),
        rel_props(kind, data, source_data),
        safe_value(key) if rel_type in PARALLEL else "",
    )


def finding_node(finding: Finding, account: str | None) -> NodeRecord:
    """A finding as a `LambdascopeFinding` node (id: the finding id, stable across runs)."""
    props = {
        "rule": finding.rule.id,
        "analyzer": finding.analyzer,
        "severity": finding.severity.value,
        "title": finding.title,
        "status": finding.status,
        "resource": finding.resource,
        "region": finding.region,
        "compliance": list(finding.compliance),
        "path": list(finding.path),
        "remediation": finding.rule.remediation,
    }
    return NodeRecord(
        "LambdascopeFinding", finding.id, (), account, {k: safe_value(v) for k, v in props.items()}
    )
