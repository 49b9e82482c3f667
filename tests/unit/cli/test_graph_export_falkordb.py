"""The graph-export statements executed by a real openCypher engine: FalkorDB embedded
(`falkordblite`, test extra). The same text that `--cypher` writes (literals) loads the demo;
counts, a public-to-pci path, idempotence and the stale-node cleanup are read back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from analyzers.analysis import Analysis
from tui.cli.cypher import CypherExport, cypher_export, export_records, falkordb_index, inline

falkordb_client = pytest.importorskip(
    "redislite.falkordb_client", reason="falkordblite is not installed (pip install -e '.[test]')"
)
ACCOUNT = "123456789012"
PUBLIC_TO_PCI = """
MATCH (:LambdascopeInternet)-[:INVOKES*1..2]->(f:AWSLambda)-[:ASSUMES]->(:AWSRole)-[:CAN_ACCESS]->()
      -[:CONTAINS*0..1]->(s:LambdascopeDataStore)
WHERE s.classification = 'pci'
RETURN DISTINCT f.id, s.id
"""


@pytest.fixture(scope="module")
def falkordb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = falkordb_client.FalkorDB(str(tmp_path_factory.mktemp("falkordb") / "graph.rdb"))
    yield db
    db.close()


@pytest.fixture
def graph(falkordb: Any, request: pytest.FixtureRequest) -> Any:
    return falkordb.select_graph(request.node.name.replace("[", "_").replace("]", "_"))


def _load(graph: Any, export: CypherExport) -> None:
    """As `cypher-shell -f` would: every statement of the file, literals in place."""
    for index in export.indexes:
        try:
            graph.query(falkordb_index(index))
        except Exception as exc:  # FalkorDB refuses a second index on the same label and key
            assert "already indexed" in str(exc)
    for statement in (*export.load, *export.cleanup):
        graph.query(inline(statement))


def _export(
    analysis: Analysis, tag: int, g: nx.MultiDiGraph | None = None, findings: Any = None
) -> CypherExport:
    records = export_records(
        analysis.graph if g is None else g,
        analysis.findings if findings is None else findings,
        analysis.estate.manifest.accounts,
    )
    return cypher_export(records, tag)


def _one(graph: Any, query: str) -> Any:
    return graph.query(query).result_set[0][0]


def _state(graph: Any) -> tuple[list[Any], list[Any]]:
    """Every node and relationship with its labels and properties but `lastupdated`."""
    nodes = graph.query("MATCH (n) RETURN labels(n), properties(n)").result_set
    rels = graph.query("MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id, properties(r)").result_set
    strip = lambda props: sorted((k, repr(v)) for k, v in props.items() if k != "lastupdated")  # noqa: E731
    return (
        sorted((sorted(labels), strip(props)) for labels, props in nodes),
        sorted((a, t, b, strip(props)) for a, t, b, props in rels),
    )


def _public_to_pci(g: nx.MultiDiGraph) -> set[tuple[str, str]]:
    """The same question asked of the analysed graph itself."""

    def kind(u: str, v: str) -> set[str]:
        return {d.get("kind") for d in g.get_edge_data(u, v, default={}).values()}

    callers = {v for v in g.successors("internet") if "invokes" in kind("internet", v)}
    functions = {v for v in callers if g.nodes[v].get("kind") == "function"}
    functions |= {
        w
        for v in callers
        for w in g.successors(v)
        if "invokes" in kind(v, w) and g.nodes[w].get("kind") == "function"
    }
    found = set()
    for fn in functions:
        for role in (r for r in g.successors(fn) if "executes-as" in kind(fn, r)):
            for target in (t for t in g.successors(role) if "can" in kind(role, t)):
                stores = {target} | {m for m in g.successors(target) if "contains" in kind(target, m)}
                found |= {(fn, s) for s in stores if g.nodes[s].get("classification") == "pci"}
    return found


def test_counts_read_back_equal_the_export(graph: Any, demo_analysis: Analysis) -> None:
    records = export_records(
        demo_analysis.graph, demo_analysis.findings, demo_analysis.estate.manifest.accounts
    )
    export = cypher_export(records, 100)
    _load(graph, export)
    labels = Counter(label for node in records.nodes for label in {node.label, *node.extra_labels})
    for label, count in labels.items():
        assert _one(graph, f"MATCH (n:{label}) RETURN count(n)") == count, label
    for rel_type, count in Counter(r.type for r in records.relationships).items():
        assert _one(graph, f"MATCH ()-[r:{rel_type}]->() RETURN count(r)") == count, rel_type
    assert _one(graph, "MATCH (n) RETURN count(n)") == len(records.nodes)
    assert _one(graph, "MATCH (n:AWSLambda) RETURN count(n)") == len(demo_analysis.estate.functions)
    assert _one(graph, "MATCH (n:LambdascopeFinding) RETURN count(n)") == len(demo_analysis.findings)
    assert (
        _one(graph, "MATCH (n) WHERE n.firstseen IS NULL OR n._module_name <> 'lambdascope' RETURN count(n)")
        == 0
    )
    assert (
        _one(graph, "MATCH ()-[r]->() WHERE r.lastupdated <> 100 OR r.firstseen IS NULL RETURN count(r)") == 0
    )
    homeless = (
        f"MATCH (n:AWSLambda) WHERE NOT (n)<-[:RESOURCE]-(:AWSAccount {{id: '{ACCOUNT}'}}) RETURN count(n)"
    )
    assert _one(graph, homeless) == 0


def test_public_to_pci_path_matches_the_analysis(graph: Any, demo_analysis: Analysis) -> None:
    _load(graph, _export(demo_analysis, tag=100))
    rows = {tuple(row) for row in graph.query(PUBLIC_TO_PCI).result_set}
    expected = _public_to_pci(demo_analysis.graph)
    assert rows == expected and expected  # the demo plants one: payments-status -> payments-transactions
    assert any(fn.endswith(":function:payments-status") and store.endswith("table/payments-transactions")
               for fn, store in rows)  # fmt: skip


def test_a_second_export_changes_nothing_but_lastupdated(graph: Any, demo_analysis: Analysis) -> None:
    _load(graph, _export(demo_analysis, tag=100))
    before = _state(graph)
    _load(graph, _export(demo_analysis, tag=200))
    assert _state(graph) == before
    assert _one(graph, "MATCH (n) WHERE n.lastupdated <> 200 RETURN count(n)") == 0
    assert _one(graph, "MATCH ()-[r]->() WHERE r.lastupdated <> 200 RETURN count(r)") == 0


def test_stale_nodes_of_the_exported_account_go_and_cartographys_stay(
    graph: Any, demo_analysis: Analysis
) -> None:
    _load(graph, _export(demo_analysis, tag=100))
    graph.query(  # what Cartography wrote: its own module name, an older tag
        f"MATCH (a:AWSAccount {{id: '{ACCOUNT}'}}) CREATE (a)-[:RESOURCE {{lastupdated: 1}}]->"
        "(:AWSLambda {id: 'arn:aws:lambda:eu-west-1:123456789012:function:cartography-only', "
        "lastupdated: 1, _module_name: 'cartography:aws'})"
    )
    gone = "arn:aws:lambda:eu-west-1:123456789012:function:payments-status"
    smaller = demo_analysis.graph.copy()  # unfrozen; the analysis' own graph is left alone
    smaller.remove_node(gone)
    dropped = next((u, v, k) for u, v, k, d in smaller.edges(keys=True, data=True) if d["kind"] == "can")
    smaller.remove_edge(*dropped)  # a relationship between two nodes that both stay
    findings = [f for f in demo_analysis.findings if f.resource != gone]
    nodes_before = _one(graph, "MATCH (n) RETURN count(n)")
    stale = (
        f"MATCH (a)-[r:CAN_ACCESS]->(b) WHERE a.arn = '{dropped[0]}' AND (b.arn = '{dropped[1]}' OR b.id = "
        f"'{dropped[1]}') RETURN count(r)"
    )
    assert _one(graph, stale) == 1
    _load(graph, _export(demo_analysis, tag=300, g=smaller, findings=findings))
    assert _one(graph, f"MATCH (n:AWSLambda {{id: '{gone}'}}) RETURN count(n)") == 0
    removed_findings = len(demo_analysis.findings) - len(findings)
    assert _one(graph, "MATCH (n:LambdascopeFinding) RETURN count(n)") == len(findings)
    assert _one(graph, "MATCH (n) RETURN count(n)") == nodes_before - 1 - removed_findings
    assert (
        _one(graph, "MATCH (n) WHERE n.lastupdated < 300 AND n._module_name = 'lambdascope' RETURN count(n)")
        == 0
    )
    assert _one(graph, "MATCH (n:AWSLambda {_module_name: 'cartography:aws'}) RETURN count(n)") == 1
    assert (
        _one(
            graph,
            "MATCH ()-[r]->() WHERE r._module_name = 'lambdascope' AND r.lastupdated < 300 RETURN count(r)",
        )
        == 0
    )
    assert _one(graph, stale) == 0
    assert graph.query(PUBLIC_TO_PCI).result_set == []  # the only public path to pci went with it


def test_hostile_names_load_literally_and_inject_nothing(graph: Any, tmp_path: Path) -> None:
    evil = "x'}) DETACH DELETE n //\" \\ \n\x1b[31m\u202e `y`"
    g = nx.MultiDiGraph()
    fn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:evil"
    g.add_node(fn, kind="function", label=evil, region="eu-west-1", account=ACCOUNT)
    g.add_node("internet", kind="internet", label="internet")
    g.add_edge("internet", fn, key=f"invokes:{evil}", kind="invokes", via="resource-policy", public=True,
               evidence={"sid": evil, "narrowing_conditions": []})  # fmt: skip
    _load(graph, cypher_export(export_records(g, [], [ACCOUNT]), tag=5))
    (name,) = graph.query("MATCH (n:AWSLambda) RETURN n.name").result_set[0]
    assert name == "x'}) DETACH DELETE n //\" \\ \\n\\x1b[31m\\u202e `y`"  # controls made visible escapes
    assert _one(graph, "MATCH (n) RETURN count(n)") == 3  # account, internet, function
    assert _one(graph, "MATCH ()-[r:INVOKES]->() RETURN r.statement_sid") == name


def test_the_readme_queries_run_and_answer(graph: Any, demo_analysis: Analysis) -> None:
    _load(graph, _export(demo_analysis, tag=100))
    readme = (Path(__file__).parents[3] / "README.md").read_text()
    block = readme.split("## Graph export to Neo4j", 1)[1].split("```cypher\n", 1)[1].split("```", 1)[0]
    queries = [
        "\n".join(line for line in q.splitlines() if not line.startswith("//")) for q in block.split("\n\n")
    ]
    assert len(queries) == 3
    answers = [graph.query(q).result_set for q in queries]
    assert answers[0] == [["payments-status", "payments-core-role", "write", "payments-transactions"]]
    escalating = {row[0].rsplit("/", 1)[-1] for row in answers[1]}
    privesc = {f.resource.rsplit("/", 1)[-1] for f in demo_analysis.findings
               if f.rule.id == "iam.privesc" and f.severity.value == "critical"}  # fmt: skip
    assert escalating & privesc and "ci-deployer" in escalating
    assert answers[2] and all(row[1] for row in answers[2])


def test_a_property_the_estate_lost_is_removed_on_the_next_export(graph: Any) -> None:
    table = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/cards"
    g = nx.MultiDiGraph()
    g.add_node(
        table, kind="data-store", subkind="table", label="cards", classification="pci", encryption="customer"
    )
    _load(graph, cypher_export(export_records(g, [], [ACCOUNT]), tag=1))
    assert _one(graph, "MATCH (n:DynamoDBTable) RETURN n.classification") == "pci"
    g.nodes[table]["classification"] = None  # the classification tag was deleted
    _load(graph, cypher_export(export_records(g, [], [ACCOUNT]), tag=2))
    assert _one(graph, "MATCH (n:DynamoDBTable) RETURN n.classification") is None
    assert _one(graph, "MATCH (n:DynamoDBTable) RETURN n.encryption") == "customer"
