"""The Cypher that loads an export: index, `UNWIND` + `MERGE` batches, Cartography-style cleanup.

One statement text per (label set) of nodes and per (type, start label, end label) of
relationships, run once per batch of at most `BATCH_ROWS` rows passed as `$rows`; `$update_tag`
is the export's update tag (seconds since the epoch, as Cartography's). Every node and
relationship gets `firstseen` on create and `lastupdated` and `_module_name: "lambdascope"` on
every write, so a second export of the same snapshot changes nothing but `lastupdated`.

Cleanup, as Cartography does it: in each exported account, the nodes lambdascope wrote
(`_module_name`) that this export did not touch (`lastupdated` older than the tag) are deleted
with their relationships, then the stale relationships lambdascope wrote between nodes that
stay. A node Cartography wrote last carries Cartography's module name and is never removed here.

The same statements run against Neo4j (driver, parameters) and FalkorDB; written to a file,
parameters become literals (`cypher_literal`). Dialect differences met: FalkorDB has no
`CREATE INDEX IF NOT EXISTS` (the index statements are Neo4j's; `falkordb_index` drops the
clause), no `\\uXXXX` escapes in string literals (strings are written raw, after their control
characters became visible escapes), and no `EXISTS { }` subqueries (none are used).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from tui.cli.cypher.nodes import NodeRecord
from tui.cli.cypher.records import ExportRecords
from tui.cli.cypher.relationships import PARALLEL, RelRecord

BATCH_ROWS = 10_000
MODULE = "lambdascope"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Statement:
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CypherExport:
    indexes: tuple[str, ...]
    load: tuple[Statement, ...]
    cleanup: tuple[Statement, ...]
    counts: Mapping[str, int]  # nodes and relationships per label / type, as loaded


@functools.lru_cache(maxsize=4096)
def ident(name: str) -> str:
    """A label, type or property key, backquoted unless it is a plain identifier."""
    return name if _IDENT.match(name) else "`" + name.replace("`", "``") + "`"


def _node_statement(label: str, extra: tuple[str, ...]) -> str:
    labels = "".join(f":{ident(x)}" for x in extra)
    set_labels = f", n{labels}" if labels else ""
    return (
        "UNWIND $rows AS row\n"
        f"MERGE (n:{ident(label)} {{id: row.id}})\n"
        "ON CREATE SET n.firstseen = timestamp()\n"
        f"SET n += row.props, n.lastupdated = $update_tag, n._module_name = '{MODULE}'{set_labels}\n"
        "WITH n, row WHERE row.account IS NOT NULL\n"
        "MATCH (a:AWSAccount {id: row.account})\n"
        "MERGE (a)-[r:RESOURCE]->(n)\n"
        "ON CREATE SET r.firstseen = timestamp()\n"
        f"SET r.lastupdated = $update_tag, r._module_name = '{MODULE}'"
    )


def _account_statement() -> str:
    return (
        "UNWIND $rows AS row\n"
        "MERGE (n:AWSAccount {id: row.id})\n"
        "ON CREATE SET n.firstseen = timestamp()\n"
        f"SET n += row.props, n.lastupdated = $update_tag, n._module_name = '{MODULE}'"
    )


def _rel_statement(rel_type: str, source: str, target: str) -> str:
    key = " {edge_key: row.key}" if rel_type in PARALLEL else ""
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{ident(source)} {{id: row.source}}), (b:{ident(target)} {{id: row.target}})\n"
        f"MERGE (a)-[r:{ident(rel_type)}{key}]->(b)\n"
        "ON CREATE SET r.firstseen = timestamp()\n"
        f"SET r += row.props, r.lastupdated = $update_tag, r._module_name = '{MODULE}'"
    )


def _batches(text: str, rows: list[dict[str, Any]], tag: int) -> Iterator[Statement]:
    for start in range(0, len(rows), BATCH_ROWS):
        yield Statement(text, {"rows": rows[start : start + BATCH_ROWS], "update_tag": tag})


def _node_row(node: NodeRecord) -> dict[str, Any]:
    return {"id": node.id, "account": node.account, "props": dict(node.props)}


def _rel_row(rel: RelRecord) -> dict[str, Any]:
    row: dict[str, Any] = {"source": rel.source[1], "target": rel.target[1], "props": dict(rel.props)}
    if rel.type in PARALLEL:
        row["key"] = rel.key
    return row


def cleanup_statements(accounts: tuple[str, ...], tag: int, limit: int | None = None) -> list[Statement]:
    """Per exported account: stale lambdascope nodes (detached), then stale relationships.
    `limit`: delete in rounds of that many nodes (the driver repeats a round until it deletes none)."""
    cap = f"WITH n LIMIT {int(limit)}\n" if limit else ""
    out: list[Statement] = []
    for account in accounts:
        params = {"account": account, "update_tag": tag}
        out.append(
            Statement(
                "MATCH (:AWSAccount {id: $account})-[:RESOURCE]->(n)\n"
                f"WHERE n._module_name = '{MODULE}' AND n.lastupdated < $update_tag\n"
                f"{cap}DETACH DELETE n",
                params,
            )
        )
        out.append(  # one pass over relationships; the account test only for the stale few
            Statement(
                "MATCH (a)-[r]->(b)\n"
                f"WHERE r._module_name = '{MODULE}' AND r.lastupdated < $update_tag\n"
                "AND ((:AWSAccount {id: $account})-[:RESOURCE]->(a)\n"
                "  OR (:AWSAccount {id: $account})-[:RESOURCE]->(b))\n"
                "DELETE r",
                params,
            )
        )
    return out


def cypher_export(records: ExportRecords, tag: int, cleanup_limit: int | None = None) -> CypherExport:
    """The statements that load `records` under update tag `tag`, accounts first."""
    node_groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for node in records.nodes:
        node_groups.setdefault((node.label, node.extra_labels), []).append(_node_row(node))
    rel_groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rel in records.relationships:
        rel_groups.setdefault((rel.type, rel.source[0], rel.target[0]), []).append(_rel_row(rel))
    load: list[Statement] = []
    accounts = node_groups.pop(("AWSAccount", ()), [])
    load.extend(_batches(_account_statement(), accounts, tag))
    for (label, extra), rows in sorted(node_groups.items()):
        load.extend(_batches(_node_statement(label, extra), rows, tag))
    for (rel_type, source, target), rows in sorted(rel_groups.items()):
        load.extend(_batches(_rel_statement(rel_type, source, target), rows, tag))
    labels = sorted({"AWSAccount", *(label for label, _extra in node_groups)})
    counts: dict[str, int] = {"AWSAccount": len(accounts)}
    for (label, _extra), rows in node_groups.items():
        counts[label] = counts.get(label, 0) + len(rows)
    for (rel_type, _s, _t), rows in rel_groups.items():
        counts[rel_type] = counts.get(rel_type, 0) + len(rows)
    return CypherExport(
        indexes=tuple(f"CREATE INDEX IF NOT EXISTS FOR (n:{ident(label)}) ON (n.id)" for label in labels),
        load=tuple(load),
        cleanup=tuple(cleanup_statements(records.exported_accounts, tag, cleanup_limit)),
        counts=counts,
    )


def falkordb_index(statement: str) -> str:
    """FalkorDB's form of an index statement: no `IF NOT EXISTS` (it errors on a second one)."""
    return statement.replace("CREATE INDEX IF NOT EXISTS FOR", "CREATE INDEX FOR")


def cypher_literal(value: Any) -> str:
    """A JSON-like value, whose map keys are identifiers, as a Cypher literal both Neo4j and
    FalkorDB parse to the same value.

    orjson writes it as JSON (a Python walk took 26 s at 10,000 functions, a regex 7 s), then
    each key loses its quotes, one `str.replace` per key name. That is exact: in JSON, `"name":`
    with `name` an identifier is a key and nothing else (a quote inside a string is escaped, a
    closing quote is followed by `,` `]` `}` or `:`, never by a letter). A key that is no
    identifier is refused (ValueError): it would need backquotes, and ours never do. Strings
    reach here with their control characters made visible escapes (`safe_value`), so their
    only escapes are `\\"` and `\\\\`, which both engines read. NaN and infinity become null."""
    text = orjson.dumps(value, default=str).decode()
    for key in _keys(value, set()):
        if not _IDENT.match(key):
            raise ValueError(f"map key {key!r} is not an identifier")
        text = text.replace(f'"{key}":', f"{key}:")
    return text


def _keys(value: Any, found: set[str]) -> set[str]:
    """Every map key in `value` (a list is walked only if its first item is a map or a list:
    lists here are homogeneous, rows of maps or values of one type)."""
    if isinstance(value, dict):
        found.update(value)
        for item in value.values():
            if type(item) is dict or (type(item) is list and item and type(item[0]) in (dict, list)):
                _keys(item, found)
    elif isinstance(value, list | tuple) and value and isinstance(value[0], Mapping | list | tuple):
        for item in value:
            _keys(item, found)
    elif isinstance(value, Mapping):
        _keys(dict(value), found)
    return found


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def inline(statement: Statement) -> str:
    """The statement with its parameters written in as literals (for a .cypher file)."""
    return _PARAM.sub(lambda m: cypher_literal(statement.params[m.group(1)]), statement.text)
