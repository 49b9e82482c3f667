"""Data-store and KMS-key nodes, and the `encrypted-by` edges between them (DESIGN.md section 3).

Node ids are the resource ARNs. A store node carries `kind="data-store"`, `subkind` (table,
bucket, secret, parameter, db, queue, topic), `label`, `classification`, `region` and
`account`; a key node `kind="kms-key"`. Called last by estate/graph/builder.py. Adding is
idempotent: attributes a node already has are kept (a queue, topic or bucket that triggers a
function is an `invoker` node first) and only missing ones are filled in.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from estate.model.estate import Estate
from estate.model.store_fields import classify
from estate.model.store_records import DataStore, KmsKey


def _add_node(graph: nx.MultiDiGraph, node: str, **attrs: Any) -> None:
    if node in graph:
        held = graph.nodes[node]
        for key, value in attrs.items():
            if held.get(key) is None or (key == "kind" and held.get(key) == "principal"):
                held[key] = value
    else:
        graph.add_node(node, **attrs)


def store_classification(store: DataStore, tag_key: str | None = None) -> str | None:
    """The store's classification: its tag under `tag_key` when given (and tags were read),
    else as parsed at load."""
    if tag_key is None or not store.tags:
        return store.classification
    return classify(store.tags, tag_key)


def add_key_node(graph: nx.MultiDiGraph, key: KmsKey) -> None:
    _add_node(
        graph,
        key.arn,
        kind="kms-key",
        subkind="aws-managed" if key.manager == "AWS" else "customer",
        label=key.aliases[0] if key.aliases else key.id,
        region=key.region,
        account=key.account,
    )


def add_store_node(graph: nx.MultiDiGraph, store: DataStore, tag_key: str | None = None) -> None:
    _add_node(
        graph,
        store.arn,
        kind="data-store",
        subkind=store.kind,
        label=store.name,
        classification=store_classification(store, tag_key),
        region=store.region,
        account=store.account,
        encryption=store.encryption.state,
    )


def add_store_nodes(graph: nx.MultiDiGraph, estate: Estate, tag_key: str | None = None) -> None:
    """Every store and key as a node; `encrypted-by` store -> key where the key is resolved."""
    for key in estate.kms_keys.values():
        add_key_node(graph, key)
    for store in estate.data_stores.values():
        add_store_node(graph, store, tag_key)
        key_arn = store.encryption.key_arn
        if not key_arn:
            continue
        if key_arn not in graph:
            _add_node(graph, key_arn, kind="kms-key", label=key_arn.rsplit("/", 1)[-1])
        if not graph.has_edge(store.arn, key_arn, key="encrypted-by"):
            graph.add_edge(
                store.arn,
                key_arn,
                key="encrypted-by",
                kind="encrypted-by",
                evidence={
                    "encryption": store.encryption.state,
                    "configured key": store.encryption.key_id,
                    "resolved key": key_arn,
                },
            )
