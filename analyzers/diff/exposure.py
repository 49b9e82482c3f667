"""Exposure drift: who can trigger each function, which internet -> sensitive store paths and
which privilege escalation paths exist, in each snapshot; the diff is what opened and closed.

Read from each analysis's own answers, so the drift says exactly what the analyses said:
- invokers: the sources of `invokes` edges into each function in the graph (an alias's own
  invokers count as the function's: a public alias makes the function public), compared for the
  functions in both snapshots (an added function's invokers are new with it);
- internet -> sensitive: (function, store) for every store a `reach.public-to-sensitive` finding
  lists (its worst store and every other store of that classification in its evidence);
- escalation: (principal, target) for every target an `iam.privesc` finding lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyzers.findings.model import Finding, JSONValue

PUBLIC_TO_SENSITIVE = "reach.public-to-sensitive"
PRIVESC = "iam.privesc"


@dataclass(frozen=True, slots=True)
class Exposure:
    """What one snapshot exposes: function -> its invokers, and the two kinds of paths."""

    invokers: Mapping[str, frozenset[str]]
    sensitive_paths: frozenset[tuple[str, str]]  # (function, store)
    escalation_paths: frozenset[tuple[str, str]]  # (principal, target)


@dataclass(frozen=True, slots=True)
class InvokerChange:
    function: str
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def to_json(self) -> dict[str, JSONValue]:
        return {"function": self.function, "added": list(self.added), "removed": list(self.removed)}


@dataclass(frozen=True, slots=True)
class ExposureDrift:
    invokers: tuple[InvokerChange, ...] = ()
    sensitive_opened: tuple[tuple[str, str], ...] = ()
    sensitive_closed: tuple[tuple[str, str], ...] = ()
    escalation_opened: tuple[tuple[str, str], ...] = ()
    escalation_closed: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "invokers": [c.to_json() for c in self.invokers],
            "internet_to_sensitive": {
                "opened": [{"function": f, "store": s} for f, s in self.sensitive_opened],
                "closed": [{"function": f, "store": s} for f, s in self.sensitive_closed],
            },
            "escalation": {
                "opened": [{"principal": p, "target": t} for p, t in self.escalation_opened],
                "closed": [{"principal": p, "target": t} for p, t in self.escalation_closed],
            },
        }


def exposure_of(graph: nx.MultiDiGraph, findings: Iterable[Finding]) -> Exposure:
    sensitive: set[tuple[str, str]] = set()
    escalation: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.rule.id == PUBLIC_TO_SENSITIVE:
            sensitive.update((finding.resource, store) for store in _stores(finding))
        elif finding.rule.id == PRIVESC and finding.path:
            escalation.update((finding.path[0], target) for target in _targets(finding))
    return Exposure(_invokers(graph), frozenset(sensitive), frozenset(escalation))


def _invokers(graph: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    nodes = graph.nodes
    for node, attrs in nodes(data=True):
        if attrs.get("kind") != "function":
            continue
        sources: set[str] = set()
        for source, _, data in graph.in_edges(node, data=True):
            if data.get("kind") != "invokes":
                continue
            if nodes[source].get("kind") == "alias":
                sources.update(
                    s for s, _, d in graph.in_edges(source, data=True) if d.get("kind") == "invokes"
                )
            else:
                sources.add(source)
        out[node] = frozenset(sources)
    return out


def _stores(finding: Finding) -> Iterator[str]:
    """Every store the finding names: its 'store' and its 'stores reached' groups (evidence is JSON:
    anything of another shape is skipped, the finding's path end still counts)."""
    if finding.path:
        yield finding.path[-1]
    for evidence in finding.evidence:
        value: Any = evidence.value
        if evidence.label == "store" and isinstance(value, Mapping) and isinstance(value.get("arn"), str):
            yield value["arn"]
        elif evidence.label == "stores reached":
            yield from _grouped(value, "stores")


def _grouped(value: Any, key: str) -> Iterator[str]:
    """The ARNs each group of a grouped list holds under `key` (anything of another shape skipped)."""
    if isinstance(value, list):
        for group in value:
            listed = group.get(key) if isinstance(group, Mapping) else None
            if isinstance(listed, list):
                yield from (arn for arn in listed if isinstance(arn, str))


def _targets(finding: Finding) -> Iterator[str]:
    yield finding.path[-1]
    for evidence in finding.evidence:
        value: Any = evidence.value
        if evidence.label == "other targets":
            yield from _grouped(value, "targets")


def diff_exposure(old: Exposure, new: Exposure) -> ExposureDrift:
    changes = []
    for function in sorted(old.invokers.keys() & new.invokers.keys()):
        before, after = old.invokers[function], new.invokers[function]
        if before != after:
            changes.append(
                InvokerChange(function, tuple(sorted(after - before)), tuple(sorted(before - after)))
            )
    return ExposureDrift(
        invokers=tuple(changes),
        sensitive_opened=tuple(sorted(new.sensitive_paths - old.sensitive_paths)),
        sensitive_closed=tuple(sorted(old.sensitive_paths - new.sensitive_paths)),
        escalation_opened=tuple(sorted(new.escalation_paths - old.escalation_paths)),
        escalation_closed=tuple(sorted(old.escalation_paths - new.escalation_paths)),
    )
