"""`lambdascope graph-export`: Cartography's labels and ids, our relationships, batches, the CLI.
The statements are executed by a real engine in test_graph_export_falkordb.py."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from analyzers.analysis import Analysis
from tests.paths import DEMO_SNAPSHOT
from tui.cli.cypher import BATCH_ROWS, ExportRecords, cypher_export, cypher_literal, export_records
from tui.cli.cypher.nodes import NodeRecord
from tui.cli.lambdascope import main


@pytest.fixture(scope="module")
def records(demo_analysis: Analysis) -> ExportRecords:
    return export_records(demo_analysis.graph, demo_analysis.findings, demo_analysis.estate.manifest.accounts)


def _nodes(records: ExportRecords, label: str) -> list[NodeRecord]:
    return [n for n in records.nodes if n.label == label]


def test_nodes_follow_cartography_labels_and_ids(records: ExportRecords) -> None:
    lambdas = _nodes(records, "AWSLambda")
    assert len(lambdas) == 62 and all(
        n.id.startswith("arn:aws:lambda:") and n.id == n.props["arn"] for n in lambdas
    )
    buckets = _nodes(records, "S3Bucket")
    assert buckets and all(not n.id.startswith("arn:") and "AWSS3Bucket" in n.extra_labels for n in buckets)
    keys = _nodes(records, "KMSKey")
    assert keys and all(re.fullmatch(r"[0-9a-f-]{36}", n.id) for n in keys)
    assert all(n.id.startswith("subnet-") for n in _nodes(records, "EC2Subnet"))
    assert all(n.id.startswith("sg-") for n in _nodes(records, "EC2SecurityGroup"))
    assert all(n.id.startswith("vpc-") for n in _nodes(records, "AWSVpc")) and _nodes(records, "AWSVpc")
    for label in ("AWSRole", "AWSUser", "AWSGroup"):
        assert _nodes(records, label) and all(
            "AWSPrincipal" in n.extra_labels for n in _nodes(records, label)
        )
    inline = _nodes(records, "AWSInlinePolicy")
    assert inline and all(
        re.fullmatch(r"arn:aws:iam::\d{12}:\w+/[^#]+/inline_policy/.+", n.id) for n in inline
    )
    assert {n.id for n in _nodes(records, "AWSAccount")} >= {"123456789012"}
    assert records.exported_accounts == ("123456789012",)
    stores = [n for n in records.nodes if "LambdascopeDataStore" in (n.label, *n.extra_labels)]
    assert {n.props.get("classification") for n in stores} >= {"pci", "confidential"}


def test_every_node_but_the_global_ones_belongs_to_an_account(records: ExportRecords) -> None:
    global_labels = {"AWSAccount", "LambdascopeInternet", "AWSServicePrincipal", "LambdascopePrincipalSet"}
    homeless = [n for n in records.nodes if n.account is None and n.label not in global_labels]
    assert all(n.id.startswith("arn:aws:iam::aws:policy/") for n in homeless)  # AWS managed policies


def test_relationships_carry_lambdascopes_knowledge(records: ExportRecords, demo_analysis: Analysis) -> None:
    node_keys = {(n.label, n.id) for n in records.nodes}
    assert all(r.source in node_keys and r.target in node_keys for r in records.relationships)
    by_type = Counter(r.type for r in records.relationships)
    assert by_type["ASSUMES"] == 62 and by_type["AFFECTS"] == len(demo_analysis.findings)
    graph_kinds = Counter(d["kind"] for _u, _v, d in demo_analysis.graph.edges(data=True))
    assert (
        by_type["CAN_ACCESS"] == graph_kinds["can"]
        and by_type["CAN_ESCALATE_TO"] == graph_kinds["escalates-to"]
    )
    public = [r for r in records.relationships if r.type == "INVOKES" and r.props.get("public")]
    assert public and all(r.source == ("LambdascopeInternet", "internet") for r in public)
    url = [r for r in records.relationships if r.type == "INVOKES" and r.props.get("kind") == "function-url"]
    assert url and all(r.props.get("auth") in {"NONE", "AWS_IAM"} for r in url)
    routes = [
        r for r in records.relationships if r.type == "INVOKES" and r.props.get("kind") == "api-gateway"
    ]
    assert routes and all(r.props.get("auth") for r in routes)  # NONE, AWS_IAM, CUSTOM, JWT, ...
    conditional = [r for r in records.relationships if r.type == "INVOKES" and r.props.get("conditional")]
    assert conditional and all(r.props["conditions"] for r in conditional)
    access = [r for r in records.relationships if r.type == "CAN_ACCESS"]
    assert all(r.props["access"] and isinstance(r.props["actions"], list) for r in access)
    assert {r.props["method"] for r in records.relationships if r.type == "CAN_ESCALATE_TO"} >= {
        "sts-assume-role"
    }
    for rel in records.relationships:  # Neo4j properties: no maps, lists of one type
        for value in rel.props.values():
            assert not isinstance(value, dict)
            assert not isinstance(value, list) or len({type(v) for v in value}) <= 1


def test_statements_merge_on_id_with_update_tags_in_batches_of_at_most_10000() -> None:
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:f"
    nodes = [NodeRecord("AWSLambda", f"{arn}{i}", (), "111122223333") for i in range(2 * BATCH_ROWS + 1)]
    account = NodeRecord("AWSAccount", "111122223333")
    export = cypher_export(ExportRecords(("111122223333",), [*nodes, account], []), tag=42)
    lambdas = [s for s in export.load if "MERGE (n:AWSLambda" in s.text]
    assert [len(s.params["rows"]) for s in lambdas] == [BATCH_ROWS, BATCH_ROWS, 1]
    text = lambdas[0].text
    for clause in (
        "UNWIND $rows AS row",
        "ON CREATE SET n.firstseen = timestamp()",
        "n.lastupdated = $update_tag",
        "n._module_name = 'lambdascope'",
        "MERGE (a)-[r:RESOURCE]->(n)",
    ):
        assert clause in text
    assert all(s.params["update_tag"] == 42 for s in export.load)
    assert "MERGE (n:AWSAccount" in export.load[0].text  # accounts first: RESOURCE matches them
    (nodes_cleanup, rels_cleanup) = export.cleanup
    assert nodes_cleanup.params == rels_cleanup.params == {"account": "111122223333", "update_tag": 42}
    assert "n.lastupdated < $update_tag" in nodes_cleanup.text and "DETACH DELETE n" in nodes_cleanup.text
    assert "r._module_name = 'lambdascope' AND r.lastupdated < $update_tag" in rels_cleanup.text


@pytest.mark.parametrize(
    "value",
    ["plain", 'it\'s "quoted"', "back\\slash\\", '"id":', '{"id":1}', ',":x', "café 日本", "\\u0000"],
)
def test_literals_keep_strings_exact(value: str) -> None:
    import json

    text = cypher_literal({"id": value, "props": {"name": [value, None, True, 1.5]}})
    assert text.startswith("{id:") and ",props:{name:[" in text
    as_json = re.sub(r"([{,])(id|props|name):", r'\1"\2":', text)
    assert json.loads(as_json) == {"id": value, "props": {"name": [value, None, True, 1.5]}}


def test_a_map_key_that_is_no_identifier_is_refused() -> None:
    with pytest.raises(ValueError, match="not an identifier"):
        cypher_literal({"we ird": 1})


def test_cli_writes_the_statements(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.cypher"
    argv = [
        "graph-export",
        str(DEMO_SNAPSHOT),
        "--cypher",
        str(out),
        "--as-of",
        "2026-11-29",
        "--update-tag",
        "7",
    ]
    assert main(argv) == 0
    text = out.read_text()
    assert text.count("CREATE INDEX IF NOT EXISTS FOR (n:AWSLambda) ON (n.id);") == 1
    assert "$rows" not in text and "SET n += row.props, n.lastupdated = 7" in text
    assert re.search(r"wrote .*demo\.cypher: \d+ nodes, \d+ relationships", capsys.readouterr().err)


@pytest.mark.parametrize(
    "argv",
    [
        ["--cypher", "x.cypher", "--neo4j-uri", "bolt://localhost:7687"],
        [],
        ["--neo4j-uri", "bolt://localhost:7687", "--password", "hunter2"],
    ],
)
def test_cli_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["graph-export", str(DEMO_SNAPSHOT), *argv])
    assert exit_.value.code == 2 and "error" in capsys.readouterr().err


def test_cli_bad_uri_or_path_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph-export", str(DEMO_SNAPSHOT), "--neo4j-uri", "nope://host"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lambdascope: error: Neo4j at nope://host") and err.count("\n") == 1
    assert (
        main(["graph-export", str(DEMO_SNAPSHOT), "--cypher", str(tmp_path / "no" / "such" / "x.cypher")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("lambdascope: error: cannot write") and "Traceback" not in err


def test_an_empty_graph_exports_only_its_accounts() -> None:
    export = cypher_export(export_records(nx.MultiDiGraph(), [], ["111122223333"]), tag=1)
    assert [s.params["rows"] for s in export.load] == [
        [{"id": "111122223333", "account": None, "props": {"name": "111122223333"}}]
    ]


class _Counters:
    def __init__(self, nodes_deleted: int) -> None:
        self.nodes_deleted, self.relationships_deleted = nodes_deleted, 0


class _FakeSession:
    """Records what the driver path runs; node cleanup deletes 10,000, then 3, then nothing."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.deletions = [10_000, 3, 0]

    def run(self, text: str) -> Any:
        self.ran.append(text)
        return self

    def consume(self) -> Any:
        return self

    def execute_write(self, work: Any, statement: Any) -> Any:
        self.ran.append(statement.text)
        deleted = self.deletions.pop(0) if "DETACH DELETE" in statement.text else 0

        class _Result:
            counters = _Counters(deleted)

        return _Result()


def test_the_driver_path_runs_indexes_then_batches_then_cleanup_rounds() -> None:
    from tui.cli.graph_export import CLEANUP_ROUND, load_neo4j

    nodes = [NodeRecord("AWSAccount", "111122223333"), NodeRecord("AWSLambda", "arn:x", (), "111122223333")]
    export = cypher_export(ExportRecords(("111122223333",), nodes, []), tag=9, cleanup_limit=CLEANUP_ROUND)
    session = _FakeSession()
    assert load_neo4j(session, export, "bolt://test") == 10_003
    assert session.ran[: len(export.indexes)] == list(export.indexes)
    assert sum("DETACH DELETE" in text for text in session.ran) == 3  # until a round deletes nothing
    assert f"LIMIT {CLEANUP_ROUND}" in export.cleanup[0].text
