"""One parse per resource policy text in a graph build: the grants and every trigger's permission
check share it, and nothing read from it is shared between grants."""

from __future__ import annotations

import json
import re

import pytest

from estate.graph.builder import build_graph
from estate.model.invoke_grants import ResourcePolicies, grants_from_policy
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from policy.document import PolicyParseError, parse_policy
from tests.builders import function, snapshot_of, statement
from tests.paths import DEMO_SNAPSHOT

BAD = '{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction"}]}'  # no Principal


def test_a_text_is_parsed_once_and_a_bad_one_fails_alike_every_time() -> None:
    policies = ResourcePolicies()
    text = json.dumps({"Statement": [statement("*")]})
    assert policies.parse(text) is policies.parse(text)
    assert policies.parse(text) == parse_policy(text, resource_policy=True)
    with pytest.raises(PolicyParseError) as expected:
        parse_policy(BAD, resource_policy=True)
    for _ in range(2):
        with pytest.raises(PolicyParseError, match=re.escape(str(expected.value))):
            policies.parse(BAD)


def test_grants_with_a_shared_parse_equal_their_own_and_own_their_statements() -> None:
    snap = snapshot_of(
        [function("f")],
        policies={"f": [statement({"Service": "sns.amazonaws.com"}, Sid="a"), statement("*", Sid="b")]},
    )
    (fn,) = load_estate(snap).functions
    policies = ResourcePolicies()
    shared, _ = grants_from_policy(fn, policies)
    alone, _ = grants_from_policy(fn)
    assert shared == alone and len(shared) >= 2
    shared[0].statement["Sid"] = "changed"  # an edge's evidence edited by a reader ...
    assert grants_from_policy(fn, policies)[0][0].statement["Sid"] == "a"  # ... changes no other
    assert policies.parse(fn.policy.text).statements[0].raw["Sid"] == "a"


def test_the_demo_graph_is_the_same_with_one_parse_per_policy() -> None:
    """Every trigger's permission evidence and every grant as a separate parse gave them."""
    estate = load_estate(load_snapshot(DEMO_SNAPSHOT))
    graph = build_graph(estate)
    for fn in estate.functions:
        grants, problems = grants_from_policy(fn)
        drawn = [d["grant"] for _u, _v, d in graph.in_edges(fn.arn, data=True) if "grant" in d]
        assert all(grant in grants for grant in drawn) and not problems


def test_the_access_targets_and_the_graph_share_one_parse_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """`analyze` parses every function's policy for the access targets first; the graph builder
    then reads the same parses: the same graph and targets, one parse per text in all."""
    from analyzers.reach import access_targets
    from estate.model import invoke_grants

    estate = load_estate(load_snapshot(DEMO_SNAPSHOT))
    alone_targets, alone_graph = access_targets.build_targets(estate), build_graph(estate)
    parsed: list[str] = []

    def counted(text: str, *, resource_policy: bool = False) -> object:
        parsed.append(text)
        return parse_policy(text, resource_policy=resource_policy)

    monkeypatch.setattr(invoke_grants, "parse_policy", counted)
    documents = ResourcePolicies()
    targets = access_targets.build_targets(estate, documents)
    after_targets = len(parsed)
    graph = build_graph(estate, policies=documents)
    assert targets == alone_targets
    assert list(graph.edges(keys=True, data=True)) == list(alone_graph.edges(keys=True, data=True))
    assert list(graph.nodes(data=True)) == list(alone_graph.nodes(data=True))
    texts = {fn.policy.text for fn in estate.functions if fn.policy is not None}
    assert len(texts) > 10 and texts <= set(parsed)
    assert len(parsed) == len(set(parsed)) == after_targets  # the builder parsed nothing again
