"""`graph-export --neo4j-uri` through the official driver into a real Neo4j: runs only when
`NEO4J_URI` is set (and `NEO4J_PASSWORD`, `NEO4J_USER`, `NEO4J_DATABASE` as the server needs),
e.g. `docker run -p 7687:7687 -e NEO4J_AUTH=neo4j/testpassword neo4j:5`. It writes nodes labelled
for account 123456789012 (the demo's) into that database: point it at a scratch one."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

from tests.paths import DEMO_SNAPSHOT, analysed_demo
from tui.cli.cypher import export_records
from tui.cli.lambdascope import main

URI = os.environ.get("NEO4J_URI")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not URI, reason="set NEO4J_URI (and NEO4J_PASSWORD) to run against a Neo4j server"),
]


@pytest.fixture
def session() -> Any:
    import neo4j

    password = os.environ.get("NEO4J_PASSWORD")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), password) if password else None
    database = os.environ.get("NEO4J_DATABASE")
    with (
        neo4j.GraphDatabase.driver(URI or "", auth=auth) as driver,
        driver.session(database=database) as session,
    ):
        session.run("MATCH (n) WHERE n._module_name = 'lambdascope' DETACH DELETE n").consume()
        yield session
        session.run("MATCH (n) WHERE n._module_name = 'lambdascope' DETACH DELETE n").consume()


def _export(tag: int) -> None:
    argv = ["graph-export", str(DEMO_SNAPSHOT), "--neo4j-uri", URI or "", "--as-of", "2026-11-29"]
    if os.environ.get("NEO4J_DATABASE"):
        argv += ["--database", os.environ["NEO4J_DATABASE"]]
    assert main([*argv, "--update-tag", str(tag)]) == 0


def _one(session: Any, query: str) -> Any:
    return session.run(query).single()[0]


def test_driver_load_is_complete_idempotent_and_cleans_up(session: Any) -> None:
    analysis = analysed_demo()
    records = export_records(analysis.graph, analysis.findings, analysis.estate.manifest.accounts)
    _export(100)
    for label, count in Counter(n.label for n in records.nodes).items():
        assert (
            _one(session, f"MATCH (n:{label}) WHERE n._module_name = 'lambdascope' RETURN count(n)") == count
        )
    for rel_type, count in Counter(r.type for r in records.relationships).items():
        assert (
            _one(session, f"MATCH ()-[r:{rel_type}]->() WHERE r._module_name = 'lambdascope' RETURN count(r)")
            == count
        )
    nodes = _one(session, "MATCH (n) WHERE n._module_name = 'lambdascope' RETURN count(n)")
    firstseen = _one(session, "MATCH (n:AWSLambda) RETURN min(n.firstseen)")
    _export(200)  # again: nothing but lastupdated changes
    assert _one(session, "MATCH (n) WHERE n._module_name = 'lambdascope' RETURN count(n)") == nodes
    assert _one(session, "MATCH (n:AWSLambda) RETURN min(n.firstseen)") == firstseen
    assert (
        _one(
            session, "MATCH (n) WHERE n._module_name = 'lambdascope' AND n.lastupdated <> 200 RETURN count(n)"
        )
        == 0
    )
    session.run(  # a node of the account lambdascope wrote long ago and no longer sees
        "MATCH (a:AWSAccount {id: '123456789012'}) CREATE (a)-[:RESOURCE {lastupdated: 1, _module_name: "
        "'lambdascope'}]->(:AWSLambda {id: 'gone', lastupdated: 1, _module_name: 'lambdascope'})"
    ).consume()
    _export(300)
    assert _one(session, "MATCH (n:AWSLambda {id: 'gone'}) RETURN count(n)") == 0
    public_to_pci = _one(
        session,
        "MATCH (:LambdascopeInternet)-[:INVOKES*1..2]->(f:AWSLambda)-[:ASSUMES]->(:AWSRole)-[:CAN_ACCESS]->()"
        "-[:CONTAINS*0..1]->(s:LambdascopeDataStore {classification: 'pci'}) RETURN count(DISTINCT f)",
    )
    assert public_to_pci >= 1
