"""`lambdascope diff` as text and Markdown: the grouped rows of `analyzers.diff.change_rows`.

Every string from a snapshot goes through `escape_control` (and, in Markdown, through the same
escaping as the findings report), so nothing reaches a terminal or a page raw. A row names at most
`SHOWN` of its resources; the JSON lists every one.
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzers.diff.change_rows import ChangeRow, change_rows, subjects_text
from analyzers.diff.snapshot_diff import SnapshotDiff
from estate.snapshot import Manifest
from estate.text import escape_control

SHOWN = 3
SECTIONS = (
    ("findings", "Findings"),
    ("functions", "Functions"),
    ("iam", "IAM principals"),
    ("exposure", "Exposure"),
)


def _header(diff: SnapshotDiff) -> tuple[str, str]:
    def side(m: Manifest) -> str:
        return f"{m.source} snapshot of {m.created_at}"

    return side(diff.old), side(diff.new)


def _counts(diff: SnapshotDiff) -> str:
    f, fn, p = diff.findings, diff.functions, diff.principals
    return (
        f"findings: {len(f.new)} new, {len(f.resolved)} resolved, {len(f.changed)} changed, "
        f"{len(f.unchanged)} unchanged; functions: {len(fn.added)} added, {len(fn.removed)} removed, "
        f"{len(fn.changed)} changed; IAM principals: {len(p.added)} added, {len(p.removed)} removed, "
        f"{len(p.changed)} changed"
    )


def _by_section(rows: Iterable[ChangeRow]) -> dict[str, list[ChangeRow]]:
    out: dict[str, list[ChangeRow]] = {key: [] for key, _ in SECTIONS}
    for row in rows:
        out[row.section].append(row)
    return out


def diff_text(diff: SnapshotDiff) -> str:
    old, new = _header(diff)
    lines = [escape_control(f"lambdascope diff: {old} -> {new}"), _counts(diff)]
    if diff.empty:
        lines.append("no changes")
    for key, rows in _by_section(change_rows(diff)).items():
        if not rows:
            continue
        lines.append("")
        lines.append(dict(SECTIONS)[key])
        for row in rows:
            severity = f"{row.severity:<8} " if row.severity else ""
            lines.append(
                escape_control(
                    f"  {row.change:<8} {severity}{row.summary} [{row.count}: {subjects_text(row, SHOWN)}]"
                )
            )
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    safe = escape_control(str(text))
    for ch in "\\`*_[]<>|":
        safe = safe.replace(ch, "\\" + ch)
    return safe


def diff_markdown(diff: SnapshotDiff) -> str:
    old, new = _header(diff)
    lines = [f"# lambdascope diff: {_md(old)} -> {_md(new)}", "", _md(_counts(diff))]
    if diff.empty:
        lines += ["", "No changes."]
    for key, rows in _by_section(change_rows(diff)).items():
        if not rows:
            continue
        lines += [
            "",
            f"## {dict(SECTIONS)[key]}",
            "",
            "| change | severity | what | resources |",
            "|---|---|---|---|",
        ]
        for row in rows:
            lines.append(
                f"| {row.change} | {row.severity or ''} | {_md(row.summary)} | {row.count}: "
                f"{_md(subjects_text(row, 10))} |"
            )
    return "\n".join(lines) + "\n"
