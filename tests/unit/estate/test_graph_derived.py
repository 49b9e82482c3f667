"""The builder adds every node of the estate; analyses add only derived edges and set nodes, through
estate/graph/derived.py, which refuses anything else."""

from __future__ import annotations

import copy
import pickle

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estate.graph.builder import build_graph
from estate.graph.derived import DERIVED_EDGE_KINDS, SharedAttributes, add_derived_edges, add_set_node
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


def test_shared_attributes_are_adopted_plain_ones_copied() -> None:
    graph = _graph()
    shared = SharedAttributes({"kind": "can", "access": "read", "evidence": {}})
    plain = {"kind": "can-assume", "conditional": False, "evidence": {}}
    add_derived_edges(graph, [(ROLE, ADMIN, "can", shared), (ADMIN, ROLE, "can", shared)])
    add_derived_edges(graph, [(ROLE, ADMIN, "can-assume", plain)])
    assert graph.edges[ROLE, ADMIN, "can"] is shared and graph.edges[ADMIN, ROLE, "can"] is shared
    held = graph.edges[ROLE, ADMIN, "can-assume"]
    assert held == plain and held is not plain  # networkx's rule for a plain dict: a copy
    held["conditional"] = True  # a plain edge stays writable, and changes only itself
    assert plain["conditional"] is False
    assert graph._pred[ADMIN][ROLE] is graph._succ[ROLE][ADMIN]  # one key dict, both directions


def test_shared_attributes_refuse_every_write_and_copy_as_plain_dicts() -> None:
    shared = SharedAttributes({"kind": "can", "levels": ["read"]})
    writes = (
        lambda: shared.__setitem__("kind", "x"),
        lambda: shared.__delitem__("kind"),
        lambda: shared.update(kind="x"),
        lambda: shared.setdefault("new", 1),
        lambda: shared.pop("kind"),
        lambda: shared.popitem(),
        lambda: shared.clear(),
    )
    for write in writes:
        with pytest.raises(TypeError, match="read-only"):
            write()
    with pytest.raises(TypeError, match="read-only"):
        shared |= {"kind": "x"}
    assert shared == {"kind": "can", "levels": ["read"]}
    changed = {**shared, "kind": "x"}
    changed["more"] = 1  # copies are plain dicts
    assert type(dict(shared)) is dict and type(shared | {}) is dict
    again = pickle.loads(pickle.dumps([shared, shared]))  # (the access workers send them back)
    assert again[0] == shared and type(again[0]) is SharedAttributes and again[0] is again[1]
    assert copy.deepcopy(shared) == shared


def test_adding_an_edge_again_updates_it_without_writing_into_a_shared_dict() -> None:
    graph = _graph()
    shared = SharedAttributes({"kind": "can", "access": "read"})
    add_derived_edges(graph, [(ROLE, ADMIN, "can", shared), (ADMIN, ROLE, "can", shared)])
    add_derived_edges(graph, [(ROLE, ADMIN, "can", {"kind": "can", "access": "write"})])
    assert graph.edges[ROLE, ADMIN, "can"] == {"kind": "can", "access": "write"}
    assert shared["access"] == "read" and graph.edges[ADMIN, ROLE, "can"] is shared


def test_a_frozen_graph_refuses_derived_edges() -> None:
    graph = nx.freeze(_graph())
    with pytest.raises(nx.NetworkXError, match="Frozen"):
        add_derived_edges(graph, [(ROLE, ADMIN, "can", {"kind": "can"})])
    assert graph.number_of_edges() == 0


NODES = st.sampled_from([ROLE, ADMIN, LAMBDA, "arn:aws:iam::123456789012:user/u"])
ATTRS = st.fixed_dictionaries(
    {"kind": st.sampled_from(sorted(DERIVED_EDGE_KINDS))},
    optional={"access": st.sampled_from(["read", "write"]), "n": st.integers(0, 3)},
)


@given(
    st.lists(
        st.tuples(NODES, NODES, st.sampled_from(["a", "b"]), ATTRS, st.booleans()), min_size=1, max_size=25
    )
)
def test_the_graph_equals_what_networkx_add_edges_from_draws(
    edges: list[tuple[str, str, str, dict[str, object], bool]],
) -> None:
    """Same edges in the same order with the same attributes, whether or not some are shared."""
    ours, reference = _graph(), _graph()
    add_derived_edges(
        ours, [(u, v, k, SharedAttributes(d) if shared else dict(d)) for u, v, k, d, shared in edges]
    )
    for node in ours:  # the ends `add_derived_edges` adds, then networkx's own way of adding edges
        if node not in reference:
            reference.add_node(node, **ours.nodes[node])
    reference.add_edges_from((u, v, k, dict(d)) for u, v, k, d, _shared in edges)
    assert list(ours.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(ours.edges(keys=True, data=True)) == list(reference.edges(keys=True, data=True))
    assert [list(ours.pred[n]) for n in ours] == [list(reference.pred[n]) for n in reference]
