"""What a file that is not an AWS CLI output is, when it is another tool's output.

Reviewers are often handed what the account owner's team already has: a Prowler report (OCSF,
ASFF, JSON or CSV), a Cartography graph exported from Neo4j, a lambdascope report or snapshot.
`lambdascope import` cannot build an estate from findings or a foreign graph, so such a file gets
one line saying what it is and what is expected instead of "unknown file name". Recognition
reads the file's first 256 KiB as text and looks for each format's distinctive keys; nothing is
parsed, so a huge or truncated report is recognised as cheaply as a small one.
"""

from __future__ import annotations

import re
from pathlib import Path

_HEAD_BYTES = 256 * 1024

EXPECTED = (
    "expected AWS CLI JSON outputs named as in the README's import table "
    "(e.g. lambda-list-functions.json; scripts/dump-estate.sh writes them)"
)


def _key(name: str) -> re.Pattern[str]:
    return re.compile(rf'"{re.escape(name)}"\s*:')


_FINDINGS_SCHEMA = re.compile(r'"schema"\s*:\s*"lambdascope\.findings/')
_DIFF_SCHEMA = re.compile(r'"schema"\s*:\s*"lambdascope\.diff/')
_PROWLER = re.compile(r'"name"\s*:\s*"Prowler"|"Prowler"|prowler', re.IGNORECASE)
_NEO4J_NODE = re.compile(r'"type"\s*:\s*"(node|relationship)"')
_CARTOGRAPHY = re.compile(r'"(AWS[A-Z][A-Za-z]*|S3Bucket|EC2[A-Za-z]+)"|"lastupdated"\s*:')


def _json_kind(head: str) -> str | None:
    """The format of a JSON head, from its distinctive keys; None when it is none we know."""
    if _FINDINGS_SCHEMA.search(head):
        return "a lambdascope findings report (`lambdascope findings`), not an estate"
    if _DIFF_SCHEMA.search(head):
        return "a lambdascope diff report (`lambdascope diff`), not an estate"
    if _key("class_uid").search(head) and _key("finding_info").search(head):
        source = "a Prowler" if _PROWLER.search(head) else "an"
        return f"{source} OCSF findings file (Detection Findings), not an estate"
    if _key("SchemaVersion").search(head) and _key("ProductArn").search(head):
        source = "Prowler / Security Hub" if _PROWLER.search(head) else "Security Hub"
        return f"a {source} ASFF findings file, not an estate"
    if _key("CheckID").search(head) and (
        _key("Provider").search(head) or _key("FindingUniqueId").search(head)
    ):
        return "a Prowler JSON findings file, not an estate"
    if _key("labels").search(head) and (_NEO4J_NODE.search(head) or _key("identity").search(head)):
        graph = (
            "a Cartography graph exported from Neo4j" if _CARTOGRAPHY.search(head) else "a Neo4j graph export"
        )
        return f"{graph}; lambdascope builds its own graph from AWS API outputs"
    if _key("nodes").search(head) and _key("relationships").search(head):
        return (
            "a graph export (nodes and relationships); lambdascope builds its own graph from AWS API outputs"
        )
    return None


def describe(path: Path) -> str | None:
    """What `path` is when it is a known other tool's output (one phrase), else None."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(_HEAD_BYTES)
    except OSError:
        return None
    if raw.startswith(b"PK\x03\x04"):
        if path.name.endswith(".lsnap"):
            return "a lambdascope snapshot already: open it with `lambdascope open`, no import needed"
        return "a zip archive; unpack it and import the directory of AWS CLI outputs"
    head = raw.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return _json_kind(head)
    first = head.split("\n", 1)[0]
    if "CHECK_ID" in first and "PROVIDER" in first:
        return "a Prowler CSV findings file, not an estate"
    if head.startswith("scoutsuite_results"):
        return "a ScoutSuite report, not an estate"
    return None


def foreign_line(path: Path, shown: str) -> str | None:
    """The one-line error for another tool's file, or None when it is not one we recognise."""
    what = describe(path) if path.is_file() else None
    return f"{shown}: {what}; {EXPECTED}" if what else None
