"""config.unclassified-store read from `can` edges: which function and role a store's finding names
when names repeat, and when the graph counts as having `can` edges at all.

The rule walks each candidate store's in-edges (not every role's out-edges), so these pin the
answers the forward walk gave: a function name shared by two functions takes the first one (in
`estate.functions` order, region then name) and that role's first `can` edge.
"""

from __future__ import annotations

import networkx as nx

from analyzers.config.rules_unclassified import unclassified_store_findings
from analyzers.findings.settings import Settings
from estate.graph.builder import build_graph
from estate.model import Estate
from estate.model.load import load_estate
from tests.builders import ACCOUNT, REGION, fn_arn, function
from tests.unit.analyzers.config.config_estates import queue, rec, snap, table

TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/cache"
OTHER_REGION = "us-east-1"


def _role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def _estate(*functions: dict[str, object]) -> tuple[Estate, nx.MultiDiGraph]:
    mapping = {  # the first function reads the queue: a name in its configuration
        "UUID": "u-1",
        "EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs",
        "FunctionArn": fn_arn(str(functions[0]["FunctionName"])),
        "State": "Enabled",
    }
    esm = rec("lambda", "ListEventSourceMappings", {"EventSourceMappings": [mapping]})
    estate = load_estate(snap(list(functions), *table("cache", None), *queue("jobs", None), esm))
    return estate, build_graph(estate)  # no IAM analysis: no `can` edges yet


def _reached_by(estate: Estate, graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    found = unclassified_store_findings(estate, graph, Settings())
    return {
        f.title.split(":")[0]: next(e.value for e in f.evidence if e.label == "reached by") for f in found
    }


def test_a_shared_function_name_takes_the_first_functions_role() -> None:
    estate, graph = _estate(
        function("sync", role="eu-role"), function("sync", region=OTHER_REGION, role="us-role")
    )
    assert [fn.arn for fn in estate.functions] == [fn_arn("sync"), fn_arn("sync", OTHER_REGION)]
    # the later function's role is added first, so it comes first among the store's in-edges
    graph.add_edge(_role("us-role"), TABLE, key="can", kind="can", access="write", evidence={})
    graph.add_edge(_role("eu-role"), TABLE, key="can", kind="can", access="read", evidence={})
    assert _reached_by(estate, graph) == {"cache": ["sync (role eu-role can read)"]}


def test_a_roles_first_can_edge_gives_the_access_and_the_condition() -> None:
    estate, graph = _estate(function("writer", role="app-role"))
    role = _role("app-role")
    graph.add_edge(role, TABLE, key="can", kind="can", access="list", conditional=True, evidence={})
    graph.add_edge(role, TABLE, key="can:second", kind="can", access="write", evidence={})
    graph.add_edge(role, TABLE, key="other", kind="escalates-to", evidence={})
    assert _reached_by(estate, graph) == {"cache": ["writer (role app-role can list (conditionally))"]}


def test_can_edges_anywhere_switch_off_the_names_in_configuration() -> None:
    """A `can` edge from a principal no function runs as still means the access analysis ran."""
    estate, graph = _estate(function("convert", role="app-role"))
    assert _reached_by(estate, graph) == {"jobs": ["convert (event source mapping)"]}
    user = f"arn:aws:iam::{ACCOUNT}:user/ops"
    graph.add_edge(user, TABLE, key="can", kind="can", access="read", evidence={})
    assert _reached_by(estate, graph) == {}  # no function's role has a `can` edge to a store


def test_a_store_many_functions_reach_names_the_first_fifty_and_counts_all() -> None:
    estate, graph = _estate(*(function(f"fn-{i:02}", role=f"role-{i:02}") for i in range(60)))
    for i in range(60):
        graph.add_edge(_role(f"role-{i:02}"), TABLE, key="can", kind="can", access="read", evidence={})
    (finding,) = [f for f in unclassified_store_findings(estate, graph, Settings()) if f.resource == TABLE]
    assert "reached by 60 function(s)" in finding.title
    (listed,) = [e for e in finding.evidence if e.label.startswith("reached by")]
    assert listed.label == "reached by (first 50 of 60)" and len(listed.value) == 50
