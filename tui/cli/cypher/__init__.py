"""The analysed graph as Cartography-compatible Cypher (labels, ids, RESOURCE, update tags) for
`lambdascope graph-export`: records (what is written), statements (how), and nothing that talks
to a database; tui/cli/graph_export.py does that."""

from tui.cli.cypher.records import ExportRecords, export_records
from tui.cli.cypher.statements import (
    BATCH_ROWS,
    CypherExport,
    Statement,
    cypher_export,
    cypher_literal,
    falkordb_index,
    inline,
)

__all__ = [
    "BATCH_ROWS",
    "CypherExport",
    "ExportRecords",
    "Statement",
    "cypher_export",
    "cypher_literal",
    "export_records",
    "falkordb_index",
    "inline",
]
