"""A diff as the rows a person reads: alike changes grouped, so a thousand functions whose
runtime moved the same way are one row naming the change once and counting the functions.

The CLI's text and Markdown and the TUI's Changes view all render these rows (the JSON lists
every item instead). Grouping never drops an item: a row's `subjects` lists them all, and only
the renderers abbreviate the list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from analyzers.diff.field_change import FieldChange
from analyzers.diff.snapshot_diff import SnapshotDiff
from analyzers.findings.model import Finding

GROUP_AT = 4
"""Findings of one rule and severity on this many resources or more are one row."""


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One line of a diff: `section` (findings, functions, iam, exposure), the `change` (new,
    resolved, changed, added, removed, opened, closed), what changed, and every resource it
    happened to (ARNs or node ids, in order)."""

    section: str
    change: str
    summary: str
    subjects: tuple[str, ...]
    severity: str | None = None
    family: str = ""  # rows of one family that each name one resource may merge (`_merged`)

    @property
    def count(self) -> int:
        return len(self.subjects)


MERGE_AT = 10
"""Rows one family (one field of functions, one kind of path...) may put in front of a person:
past that, its largest groups keep their rows and the rest become one row counting the changes
and their resources (every function's role moved to a role of its own, say); the JSON keeps each."""


def short_name(node: str) -> str:
    """An ARN's last segment (a function's, role's or store's name); other node ids as they are."""
    parts = node.split(":", 5)
    if not node.startswith("arn:") or len(parts) < 6:
        return node
    service, resource = parts[2], parts[5]
    if service == "lambda" and resource.startswith("function:"):
        return resource.split(":", 2)[1] or node  # the name, whatever it holds; not the qualifier
    return resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1] or node


def subjects_text(row: ChangeRow, shown: int = 3) -> str:
    """The first `shown` resources' names, and how many more."""
    names = [short_name(s) for s in row.subjects[:shown]]
    more = row.count - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def change_rows(diff: SnapshotDiff) -> list[ChangeRow]:
    return _merged(
        [
            *_finding_rows("new", diff.findings.new),
            *_finding_rows("resolved", diff.findings.resolved),
            *_changed_finding_rows(diff),
            *_retitled_rows(diff),
            *_function_rows(diff),
            *_principal_rows(diff),
            *_exposure_rows(diff),
        ]
    )


def _merged(rows: list[ChangeRow]) -> list[ChangeRow]:
    families: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.family:
            families[(row.section, row.change, row.family)].append(index)
    folded: dict[int, ChangeRow | None] = {}  # row index -> its replacement (None: dropped)
    for (section, change, family), members in families.items():
        if len(members) <= MERGE_AT:
            continue
        by_size = sorted(members, key=lambda i: (-rows[i].count, i))
        rest = sorted(by_size[MERGE_AT - 1 :])
        subjects = tuple(dict.fromkeys(s for i in rest for s in rows[i].subjects))
        first = rows[rest[0]]
        summary = f"{family}: {len(rest)} other changes on {len(subjects)} resources (JSON lists each)"
        folded[rest[0]] = ChangeRow(section, change, summary, subjects, first.severity, family)
        folded.update(dict.fromkeys(rest[1:]))
    out = []
    for index, row in enumerate(rows):
        if index not in folded:
            out.append(row)
        elif (replacement := folded[index]) is not None:
            out.append(replacement)
    return out


def _finding_rows(change: str, findings: Iterable[Finding]) -> Iterator[ChangeRow]:
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:  # already worst first: groups keep that order
        groups[(finding.rule.id, finding.severity.value)].append(finding)
    for (rule, severity), members in groups.items():
        if len(members) >= GROUP_AT:
            summary = f"{rule}: {len(members)} findings"
            yield ChangeRow("findings", change, summary, tuple(f.resource for f in members), severity)
            continue
        for f in members:
            yield ChangeRow("findings", change, f"{rule}: {f.title}", (f.resource,), severity)


def _changed_finding_rows(diff: SnapshotDiff) -> Iterator[ChangeRow]:
    groups: dict[str, list[str]] = defaultdict(list)
    severity: dict[str, str] = {}
    for c in diff.findings.changed:
        moves = []
        if "severity" in c.fields:
            moves.append(f"severity {c.old.severity.value} -> {c.new.severity.value}")
        if "status" in c.fields:
            moves.append(f"status {c.old.status} -> {c.new.status}")
        key = f"{c.new.rule.id}: {', '.join(moves)}"
        groups[key].append(c.new.resource)
        severity.setdefault(key, c.new.severity.value)
    for key, resources in groups.items():
        yield ChangeRow("findings", "changed", key, tuple(resources), severity[key])


def _retitled_rows(diff: SnapshotDiff) -> Iterator[ChangeRow]:
    for c in diff.findings.retitled:
        summary = f"{c.new.rule.id}: {c.new.title} (was: {c.old.title})"
        yield ChangeRow("findings", "retitled", summary, (c.new.resource,), c.new.severity.value, "retitled")


def _function_rows(diff: SnapshotDiff) -> Iterator[ChangeRow]:
    delta = diff.functions
    if delta.added:
        yield ChangeRow("functions", "added", "functions added", tuple(f.arn for f in delta.added))
    if delta.removed:
        yield ChangeRow("functions", "removed", "functions removed", tuple(f.arn for f in delta.removed))
    groups: dict[str, tuple[FieldChange, list[str]]] = {}
    for fc in delta.changed:
        for change in fc.changes:
            general = _own_arn_generalised(change, fc.arn)
            groups.setdefault(general.signature, (general, []))[1].append(fc.arn)
    for change, arns in groups.values():
        yield ChangeRow("functions", "changed", describe(change), tuple(arns), family=change.field)


OWN_ARN = "<this function>"


def _own_arn_generalised(change: FieldChange, arn: str) -> FieldChange:
    """A resource-policy statement names its own function: written as OWN_ARN, the same
    statement added to many functions groups as one change."""
    if not change.field.startswith("resource policy"):
        return change

    def general(value: object) -> object:
        if isinstance(value, str):
            return value.replace(arn, OWN_ARN)
        if isinstance(value, list):
            return [general(v) for v in value]
        return value

    return FieldChange(change.field, general(change.before), general(change.after))


CLIP = 200
"""Characters of one value (a policy statement can run to 60,000) a row shows; the JSON has all."""


def clip(text: str, limit: int = CLIP) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def describe(change: FieldChange) -> str:
    """`field: before -> after`, one side left out when it is empty (keys added, removed)."""
    if change.before is None and isinstance(change.after, list):
        return f"{change.field}: {clip(', '.join(map(str, change.after)))}"
    if change.after is None and isinstance(change.before, list):
        return f"{change.field}: {clip(', '.join(map(str, change.before)))}"
    absent = "no URL" if change.field == "url auth type" else "none"
    return f"{change.field}: {_value(change.before, absent)} -> {_value(change.after, absent)}"


def _value(value: object, absent: str) -> str:
    if value is None:
        return absent
    if isinstance(value, str):
        return clip(value)
    return clip(json.dumps(value, sort_keys=True, default=str))


def _principal_rows(diff: SnapshotDiff) -> Iterator[ChangeRow]:
    delta = diff.principals
    if delta.added:
        yield ChangeRow("iam", "added", "principals added", tuple(p.arn for p in delta.added))
    if delta.removed:
        yield ChangeRow("iam", "removed", "principals removed", tuple(p.arn for p in delta.removed))
    groups: dict[tuple[object, ...], tuple[str, list[str]]] = {}
    for pc in delta.changed:
        parts = [f"+ {s.source} {clip(s.statement)}" for s in pc.added]
        parts += [f"- {s.source} {clip(s.statement)}" for s in pc.removed]
        if pc.boundary is not None:
            parts.append(f"boundary {pc.boundary[0] or 'none'} -> {pc.boundary[1] or 'none'}")
        summary = f"{pc.kind} policy statements: " + "; ".join(parts)
        groups.setdefault(pc.signature, (summary, []))[1].append(pc.arn)
    for summary, arns in groups.values():
        yield ChangeRow("iam", "changed", summary, tuple(arns), family="policy statements")


def _exposure_rows(diff: SnapshotDiff) -> Iterator[ChangeRow]:
    drift = diff.exposure
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = defaultdict(list)
    for invoker in drift.invokers:
        groups[(invoker.added, invoker.removed)].append(invoker.function)
    for (added, removed), functions in groups.items():
        parts = [f"+ {a}" for a in added] + [f"- {r}" for r in removed]
        yield ChangeRow(
            "exposure", "changed", "invokers: " + ", ".join(parts), tuple(functions), family="invokers"
        )
    for change, pairs, label in (
        ("opened", drift.sensitive_opened, "internet -> sensitive store"),
        ("closed", drift.sensitive_closed, "internet -> sensitive store"),
        ("opened", drift.escalation_opened, "escalation"),
        ("closed", drift.escalation_closed, "escalation"),
    ):
        by_end: dict[str, list[str]] = defaultdict(list)
        for start, end in pairs:
            by_end[start].append(end)
        for start, ends in by_end.items():
            summary = f"{label} paths from {short_name(start)} ({start})"
            yield ChangeRow("exposure", change, summary, tuple(ends), family=f"{label} paths")
