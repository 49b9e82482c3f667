"""`lambdascope graph-export SNAP (--neo4j-uri URI | --cypher OUT.cypher)`: the analysed graph and
its findings in Neo4j, in Cartography's labels and ids, beside lambdascope's own relationships
(tui/cli/cypher/). For organisations whose graph outgrows one machine, and to join Cartography's.

`--neo4j-uri` loads through the official `neo4j` driver: indexes, then `UNWIND` batches of at
most 10,000 rows, each in its own write transaction, then the Cartography-style cleanup of the
exported accounts, repeated in rounds of 10,000 nodes. The password comes from `NEO4J_PASSWORD`
only (a flag would sit in shell history and `ps`); the user from `--user`, `NEO4J_USER` or
`neo4j`. `--cypher` writes the same statements, parameters as literals, for `cypher-shell -f`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from estate.errors import LambdascopeError
from tui.cli.arg_types import add_as_of, add_config, positive_int

if TYPE_CHECKING:
    from tui.cli.cypher import CypherExport, Statement

PASSWORD_ENV, USER_ENV = "NEO4J_PASSWORD", "NEO4J_USER"
CLEANUP_ROUND = 10_000


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "graph-export",
        help="the graph and findings in Neo4j (Cartography's labels and ids), or as a Cypher file",
        description="Load the analysed graph into Neo4j with Cartography's node labels and ids plus "
        "lambdascope's INVOKES, CAN_ACCESS, CAN_ESCALATE_TO and LambdascopeFinding, or write the "
        f"statements to a file. The password is read from ${PASSWORD_ENV}, never from a flag.",
    )
    parser.add_argument("snapshot", type=Path)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--neo4j-uri", metavar="URI", help="e.g. bolt://localhost:7687 or neo4j+s://...")
    target.add_argument("--cypher", type=Path, metavar="OUT", help="write the Cypher statements to OUT")
    parser.add_argument("--user", help=f"Neo4j user (default ${USER_ENV}, else neo4j)")
    parser.add_argument("--database", help="Neo4j database (default: the server's default)")
    add_as_of(parser)
    add_config(parser)
    parser.add_argument("--update-tag", type=positive_int, help=argparse.SUPPRESS)  # tests: a fixed tag
    parser.set_defaults(handler=run)


def build_export(args: argparse.Namespace, cleanup_limit: int | None) -> CypherExport:
    from analyzers.analysis import analyze_snapshot
    from analyzers.findings.settings import load_settings
    from estate.snapshot import load_snapshot
    from tui.cli.cypher import cypher_export, export_records

    settings = load_settings(args.config, Path.cwd())
    analysis = analyze_snapshot(load_snapshot(args.snapshot), today=args.as_of, settings=settings)
    records = export_records(analysis.graph, analysis.findings, analysis.estate.manifest.accounts)
    return cypher_export(records, args.update_tag or int(time.time()), cleanup_limit)


def run(args: argparse.Namespace) -> int:
    from analyzers.gc_pause import cyclic_gc_paused

    with cyclic_gc_paused():  # ~1.5 million rows and dicts, none garbage before the command ends
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.cypher is not None:
        export = build_export(args, None)
        write_cypher(export, args.cypher)
        print(f"wrote {args.cypher}: {_summary(export)}", file=sys.stderr)
        return 0
    password = os.environ.get(PASSWORD_ENV)
    user = args.user or os.environ.get(USER_ENV) or "neo4j"
    auth = (user, password) if password else None
    with neo4j_session(args.neo4j_uri, auth, args.database) as session:  # fails before the analysis
        export = build_export(args, CLEANUP_ROUND)
        removed = load_neo4j(session, export, args.neo4j_uri)
    print(f"loaded into {args.neo4j_uri}: {_summary(export)}; removed {removed} stale", file=sys.stderr)
    return 0


def _summary(export: CypherExport) -> str:
    nodes = sum(n for name, n in export.counts.items() if not name.isupper())
    rels = sum(n for name, n in export.counts.items() if name.isupper())
    return f"{nodes} nodes, {rels} relationships in {len(export.load)} statements"


def write_cypher(export: CypherExport, path: Path) -> None:
    """Every statement, `;` and a blank line after each (no string literal holds a line break)."""
    from tui.cli.cypher import inline

    try:
        with path.open("w", encoding="utf-8") as out:
            out.write("// lambdascope graph-export: Cartography-compatible; run with cypher-shell -f\n\n")
            for index in export.indexes:
                out.write(index + ";\n\n")
            for statement in (*export.load, *export.cleanup):
                out.write(inline(statement) + ";\n\n")
    except OSError as exc:
        raise LambdascopeError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _neo4j_error(uri: str, exc: Exception) -> LambdascopeError:
    return LambdascopeError(f"Neo4j at {uri}: {type(exc).__name__}: {' '.join(str(exc).split())}")


@contextlib.contextmanager
def neo4j_session(uri: str, auth: tuple[str, str] | None, database: str | None) -> Iterator[Any]:
    """A session on a server that answered (connectivity and credentials checked first)."""
    import neo4j
    from neo4j.exceptions import DriverError, Neo4jError

    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=auth)
    except (DriverError, Neo4jError, ValueError) as exc:
        raise _neo4j_error(uri, exc) from exc
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as session:
            yield session
    except (DriverError, Neo4jError) as exc:
        raise _neo4j_error(uri, exc) from exc
    finally:
        driver.close()


def load_neo4j(session: Any, export: CypherExport, uri: str) -> int:
    """Run the export in `session`; the number of stale nodes and relationships removed."""
    from neo4j.exceptions import DriverError, Neo4jError

    def write(tx: Any, statement: Statement) -> Any:
        return tx.run(statement.text, dict(statement.params)).consume()

    removed = 0
    try:
        for index in export.indexes:
            session.run(index).consume()
        for statement in export.load:
            session.execute_write(write, statement)
        for statement in export.cleanup:
            while True:  # node cleanup runs in rounds of CLEANUP_ROUND until none is left
                counters = session.execute_write(write, statement).counters
                removed += counters.nodes_deleted + counters.relationships_deleted
                if "LIMIT" not in statement.text or counters.nodes_deleted == 0:
                    break
    except (DriverError, Neo4jError) as exc:
        raise _neo4j_error(uri, exc) from exc
    return removed
