"""The builder adds every node of the estate; analyses add only derived edges and set nodes, through
estate/graph/derived.py, which refuses anything else."""

from __future__ import annotations

import networkx as nx
import pytest

from estate.graph.builder import build_graph
from estate.graph.derived import DERIVED_EDGE_KINDS, add_derived_edges, add_set_node
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from tests.paths import DEMO_SNAPSHOT

ROLE = "arn:aws:iam::123456789012:role/app"
ADMIN = "arn:aws:iam::123456789012:role/admin"
LAMBDA = "service:lambda.amazonaws.com"


def _graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node(ROLE, kind="role", label="app")
    graph.add_node(ADMIN, kind="role", label="admin")
    return graph


def test_derived_edges_go_in_with_their_key_and_any_missing_service_end() -> None:
    graph = _graph()
    assume = {"kind": "can-assume", "conditional": False, "evidence": {"method": "sts-assume-role"}}
    passed = {"kind": "escalates-to", "method": "iam-passrole-lambda", "evidence": {}}
    add_derived_edges(graph, [(ROLE, ADMIN, "can-assume", assume), (ROLE, LAMBDA, "escalates-to:x", passed)])
    assert graph.edges[ROLE, ADMIN, "can-assume"] == assume
    assert graph.edges[ROLE, LAMBDA, "escalates-to:x"]["method"] == "iam-passrole-lambda"
    assert graph.nodes[LAMBDA] == {"kind": "service", "label": LAMBDA}
    assert graph.nodes[ROLE] == {"kind": "role", "label": "app"}  # the builder's node is kept as it was


def test_an_edge_kind_the_builder_owns_is_refused() -> None:
    graph = _graph()
    with pytest.raises(ValueError, match="'invokes' edges belong to the graph builder"):
        add_derived_edges(graph, [(ROLE, ADMIN, "invokes", {"kind": "invokes", "evidence": {}})])
    assert graph.number_of_edges() == 0
    assert "invokes" not in DERIVED_EDGE_KINDS


def test_set_nodes_are_added_once_and_builder_kinds_refused() -> None:
    graph = _graph()
    add_set_node(graph, "role-set:m:1", "role-set", label="300 principals (m)")
    add_set_node(graph, "role-set:m:1", "role-set", label="ignored: already there")
    assert graph.nodes["role-set:m:1"] == {"kind": "role-set", "label": "300 principals (m)"}
    with pytest.raises(ValueError, match="belong to the graph builder"):
        add_set_node(graph, "arn:aws:s3:::bucket", "data-store", label="bucket")
    with pytest.raises(ValueError, match="already a 'role' node"):
        add_set_node(graph, ROLE, "role-set", label="not a set")
    assert "arn:aws:s3:::bucket" not in graph


def test_the_builder_adds_every_store_and_key_and_no_derived_edge() -> None:
    estate = load_estate(load_snapshot(DEMO_SNAPSHOT))
    graph = build_graph(estate)
    assert estate.data_stores and all(arn in graph for arn in estate.data_stores)
    assert all(graph.nodes[arn]["kind"] == "kms-key" for arn in estate.kms_keys)
    kinds = {kind for _u, _v, kind in graph.edges(data="kind")}
    assert "encrypted-by" in kinds and not kinds & DERIVED_EDGE_KINDS
