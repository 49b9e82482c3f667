"""`account:<id>` nodes for every account a role's trust policy names, with their `can-assume` edges.

A trust policy naming an account (`arn:aws:iam::<id>:root`, or the bare id) admits any principal
of that account whose own identity policy allows sts:AssumeRole on the role. Principals the
snapshot lists are searched one by one (the escalation search); the `account:<id>` node stands for
the others, so `lambdascope reach SNAP --from account:<id>` starts from every account trust names
(an IAM-only import where 130 roles trust a CI account had no node for it). The edge is always
conditional: whether some principal there holds that grant is not in the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from analyzers.iam.principal_policies import IamModel
from estate.graph.derived import DerivedEdge, add_derived_edges
from estate.graph.nodes import add_node
from policy.actions import statement_applies_to_action

ACCOUNT_NODE = "account:"
_IDENTITY_GRANT = "an identity policy of a principal in that account allowing sts:AssumeRole on the role"


def add_account_trust_edges(graph: nx.MultiDiGraph, model: IamModel) -> None:
    """An `account` node per account named in a role's trust, and its edge to each such role."""
    add_derived_edges(graph, _edges(graph, model))


def _edges(graph: nx.MultiDiGraph, model: IamModel) -> Iterator[DerivedEdge]:
    for role, principal in model.actors.items():
        if principal.kind != "role" or (trust := model.trust(role)) is None:
            continue
        for index, statement in enumerate(trust.document.statements):
            if not statement.is_allow or not statement_applies_to_action(statement, "sts:AssumeRole"):
                continue
            for named in statement.principals or ():
                account = named.account
                if account is None or not (named.value == account or named.value.endswith(":root")):
                    continue
                node = f"{ACCOUNT_NODE}{account}"
                add_node(graph, node, kind="account", label=node, account=account)
                keys = list(dict.fromkeys(c.key for c in statement.conditions))
                evidence = {
                    "trust policy of": role,
                    "statement": index,
                    "sid": statement.sid,
                    "principal": named.value,
                    "needs": _IDENTITY_GRANT,
                    "condition_keys": keys,
                }
                attrs = {"kind": "can-assume", "conditional": True, "condition_keys": keys}
                yield node, role, "can-assume", {**attrs, "evidence": evidence}
