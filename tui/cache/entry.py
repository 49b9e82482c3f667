"""What an analysis cache entry holds: `CachedAnalysis`, an analysis's raw findings, the rules
that ran, the report header and who invokes each function, with its stored form (`payload`: one
line of JSON, then every finding's text). The findings CLI settles and prints it
(tui/cli/cached_analysis.py); the app fills its findings panes and the functions table from it
(tui/viewmodels/cached_open.py) before the graph is built.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from analyzers.findings.model import Finding, Rule, Severity
from analyzers.gc_pause import cyclic_gc_paused
from tui.cache.deferred_evidence import DeferredEvidence
from tui.cache.finding_text import Text, finding_text
from tui.cache.invoker_count import InvokerCount, count_invokers

if TYPE_CHECKING:
    from analyzers.analysis import Analysis

ENTRY_FORMAT = "lambdascope.analysis-cache/2"


@dataclass(frozen=True, eq=False)
class CachedAnalysis:
    """What an entry holds: a snapshot's raw findings, the rules that ran, the report header and
    who invokes each function.

    Each raw finding is kept twice over: the finding (`raw_findings`) and its text as the findings
    JSON prints it (`texts`). Evidence is most of the bulk (at 10,000 functions, a million
    strings): read back, a finding's evidence is parsed from its text only when something reads
    it (`DeferredEvidence`: a re-rated or suppressed finding, a format that prints evidence, a
    view that shows it), and the JSON report copies the text of every finding its settings leave
    untouched."""

    snapshot: Mapping[str, Any]  # `Manifest.summary()`
    functions: int
    rules: tuple[Rule, ...]  # every registered rule, by id
    raw_findings: tuple[Finding, ...]  # no overrides, no suppressions: `Analysis.raw_findings`
    texts: tuple[Text, ...]  # the same findings as `finding_text` writes them
    # who invokes each function, by ARN (a function absent has no invoker)
    invokers: Mapping[str, InvokerCount] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, analysis: Analysis) -> CachedAnalysis:
        from analyzers.findings.registry import RULES  # complete: the analysis imported every rule

        raw = analysis.raw_findings
        with cyclic_gc_paused():  # 100,000s of short-lived dicts beside a graph of millions of objects
            return cls(
                snapshot=analysis.estate.manifest.summary(),
                functions=len(analysis.estate.functions),
                rules=tuple(RULES),
                raw_findings=raw,
                texts=tuple(finding_text(f) for f in raw),
                invokers=invoker_counts(analysis),
            )

    def payload(self, key: Mapping[str, Any]) -> list[Text]:
        """The entry as stored, in parts written one after the other (never joined in memory):
        one line of JSON (key, header, rules, the findings' fields but evidence column by column
        with the length of each one's text, who invokes each function), then the texts back to
        back. TypeError if something is not JSON."""
        raw = self.raw_findings
        head = {
            "format": ENTRY_FORMAT,
            "key": key,
            "snapshot": self.snapshot,
            "functions": self.functions,
            "rules": [r.to_json() for r in self.rules],
            "findings": {
                "id": [f.id for f in raw],
                "rule": [f.rule.id for f in raw],
                "severity": [f.severity.value for f in raw],
                "resource": [f.resource for f in raw],
                "region": [f.region for f in raw],
                "title": [f.title for f in raw],
                "path": [list(f.path) for f in raw],
                "size": [len(t) for t in self.texts],
            },
            "invokers": {
                "arn": list(self.invokers),
                "count": [c.count for c in self.invokers.values()],
                "public": [c.public for c in self.invokers.values()],
            },
        }
        return [orjson.dumps(head), b"\n", *self.texts]

    @classmethod
    def from_payload(cls, data: bytes, key: Mapping[str, Any], start: int = 0) -> CachedAnalysis:
        """The entry whose payload is `data` from `start` on; ValueError unless it is an entry of
        this format, for exactly this key. The texts are views into `data`, not copies (over
        100 MB at 10,000 functions)."""
        split = data.find(b"\n", start)
        head = orjson.loads(memoryview(data)[start:split]) if split > start else None
        if not isinstance(head, dict) or head.get("format") != ENTRY_FORMAT:
            raise ValueError("not an analysis cache entry")
        if head.get("key") != key:
            raise ValueError("an entry for another key")
        snapshot, functions, rules_data = head.get("snapshot"), head.get("functions"), head.get("rules")
        if not isinstance(snapshot, dict) or type(functions) is not int or not isinstance(rules_data, list):
            raise ValueError("no report header or rules")
        rules = tuple(Rule.from_json(r) for r in rules_data)
        columns, sizes = _finding_columns(head.get("findings"), {r.id: r for r in rules})
        ends = list(itertools.accumulate(sizes, initial=split + 1))
        if ends[-1] != len(data):
            raise ValueError("texts and findings disagree")
        texts = tuple(map(memoryview(data).__getitem__, map(slice, ends, ends[1:])))
        with cyclic_gc_paused():
            raw = tuple(map(Finding, *columns[:5], map(DeferredEvidence, texts), *columns[5:]))
        return cls(snapshot, functions, rules, raw, texts, _invokers(head.get("invokers")))


def invoker_counts(analysis: Analysis) -> dict[str, InvokerCount]:
    """Who invokes each function of `analysis` (those with at least one invoker), from its graph."""
    counts = ((fn.arn, count_invokers(analysis.graph, fn.arn)) for fn in analysis.estate.functions)
    return {arn: count for arn, count in counts if count.count}


def _invokers(columns: Any) -> dict[str, InvokerCount]:
    """The invoker counts from their columns in an entry; ValueError unless well formed."""
    if not isinstance(columns, dict) or set(columns) != {"arn", "count", "public"}:
        raise ValueError("no invoker columns")
    arns, counts, public = columns["arn"], columns["count"], columns["public"]
    lists = (arns, counts, public)
    if set(map(type, lists)) != {list} or len(set(map(len, lists))) != 1:
        raise ValueError("invoker columns are not lists of one length")
    if not set(map(type, arns)) <= {str} or len(set(arns)) != len(arns):
        raise ValueError("invoker ARNs are not distinct strings")
    if not set(map(type, counts)) <= {int} or min(counts, default=1) < 1:
        raise ValueError("invoker counts are malformed")
    if not set(map(type, public)) <= {bool}:
        raise ValueError("invoker counts are malformed")
    return dict(zip(arns, map(InvokerCount, counts, public), strict=True))


_COLUMNS = ("id", "rule", "severity", "resource", "region", "title", "path", "size")
_SEVERITIES = {s.value: s for s in Severity}


def _finding_columns(columns: Any, rules: Mapping[str, Rule]) -> tuple[list[Iterable[Any]], list[int]]:
    """The raw findings' fields from their columns in an entry, in `Finding`'s order around the
    evidence (rule, resource, title, severity, path; region, id), and the length of each one's
    text. Checked column-wise (C loops): this runs over every finding of every cache hit."""
    if not isinstance(columns, dict) or set(columns) != set(_COLUMNS):
        raise ValueError("no finding columns")
    lists: list[list[Any]] = [columns[name] for name in _COLUMNS]
    if not set(map(type, lists)) <= {list} or len(set(map(len, lists))) != 1:
        raise ValueError("finding columns are not lists of one length")
    ids, rule_ids, severities, resources, regions, titles, paths, sizes = lists
    strings = itertools.chain(ids, rule_ids, severities, resources, regions, titles, *paths)
    if not set(map(type, strings)) <= {str} or not all(ids):
        raise ValueError("finding fields are not strings")
    if not set(map(type, paths)) <= {list} or not set(map(type, sizes)) <= {int} or min(sizes, default=0) < 0:
        raise ValueError("finding paths or sizes are malformed")
    if not set(rule_ids) <= rules.keys() or not set(severities) <= _SEVERITIES.keys():
        raise ValueError("a finding names no rule or no severity")
    fields: list[Iterable[Any]] = [
        map(rules.__getitem__, rule_ids),
        resources,
        titles,
        map(_SEVERITIES.__getitem__, severities),
        map(tuple, paths),
        regions,
        ids,
    ]
    return fields, sizes
