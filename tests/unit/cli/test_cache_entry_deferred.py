"""An analysis cache entry read back (tui/cache/entry.py): every finding equals the analysis's,
its evidence parsed only when first read (`DeferredEvidence`), and who invokes each function kept
beside them, so the app's functions table fills in before the graph is rebuilt. A malformed
invokers section makes the entry unreadable (a miss), never a wrong count."""

from __future__ import annotations

import pickle
from typing import Any

import orjson
import pytest

from analyzers.findings.model import Evidence
from tests.paths import analysed_demo
from tui.cache.deferred_evidence import UNREADABLE, DeferredEvidence, parse_evidence
from tui.cache.entry import CachedAnalysis
from tui.cache.finding_text import finding_text
from tui.cache.invoker_count import count_invokers

KEY = {"test": "entry"}


def _round_trip(entry: CachedAnalysis) -> CachedAnalysis:
    return CachedAnalysis.from_payload(b"".join(entry.payload(KEY)), KEY)


@pytest.fixture(scope="module")
def demo() -> Any:
    return analysed_demo()


def test_findings_read_back_equal_the_analysis_and_parse_their_evidence_when_read(demo: Any) -> None:
    back = _round_trip(CachedAnalysis.of(demo))
    raw = back.raw_findings
    assert raw == demo.raw_findings  # every field, evidence included (parsed for the comparison)
    fresh = _round_trip(CachedAnalysis.of(demo)).raw_findings
    deferred = [f.evidence for f in fresh if isinstance(f.evidence, DeferredEvidence)]
    assert len(deferred) == len(fresh) and not any(e.parsed for e in deferred)
    with_evidence = next(i for i, f in enumerate(demo.raw_findings) if f.evidence)
    assert list(fresh[with_evidence].evidence) == list(demo.raw_findings[with_evidence].evidence)
    assert deferred[with_evidence].parsed
    assert sum(e.parsed for e in deferred) == 1  # reading one finding's evidence parsed that one only


def test_deferred_evidence_reads_as_the_tuple_it_stands_for(demo: Any) -> None:
    finding = next(f for f in demo.raw_findings if len(f.evidence) > 1)
    text = finding_text(finding)
    want = tuple(finding.evidence)
    deferred = DeferredEvidence(text)
    assert deferred == want and want == deferred
    assert _hash(deferred) == _hash(want)  # hashes as the tuple does (unhashable where it is)
    assert _hash(DeferredEvidence(b'{"evidence": [{"label": "a", "value": 1}]}')) == hash((Evidence("a", 1),))
    assert len(deferred) == len(want) and deferred[0] == want[0] and deferred[-1:] == want[-1:]
    assert want[0] in deferred and list(deferred) == list(want)
    assert DeferredEvidence(text) == DeferredEvidence(text)
    assert deferred != want[:-1] and deferred != list(want)
    assert pickle.loads(pickle.dumps(DeferredEvidence(text))) == want  # travels as a plain tuple
    assert type(pickle.loads(pickle.dumps(DeferredEvidence(text)))) is tuple
    assert (*DeferredEvidence(text), Evidence("note", 1)) == (*want, Evidence("note", 1))


def _hash(value: object) -> int | str:
    try:
        return hash(value)
    except TypeError as exc:
        return str(exc)


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"{",
        b"[]",
        b'{"evidence": 3}',
        b'{"evidence": [{"label": 1, "value": 2}]}',
        b'{"evidence": [{}]}',
    ],
    ids=["empty", "truncated", "list", "not-a-list", "label-not-text", "no-value"],
)
def test_evidence_that_does_not_parse_says_so_in_one_line(text: bytes) -> None:
    (only,) = parse_evidence(text)
    assert only.label == UNREADABLE and "--no-cache" in str(only.value)
    assert len(DeferredEvidence(text)) == 1


def test_the_entry_keeps_who_invokes_each_function(demo: Any) -> None:
    back = _round_trip(CachedAnalysis.of(demo))
    for fn in demo.estate.functions:
        want = count_invokers(demo.graph, fn.arn)
        if want.count:
            assert back.invokers[fn.arn] == want
        else:
            assert fn.arn not in back.invokers
    assert any(c.public for c in back.invokers.values())  # the demo has internet-invocable functions
    assert any(not c.public for c in back.invokers.values())


def _with_invokers(entry: CachedAnalysis, invokers: Any) -> bytes:
    head, newline, *texts = entry.payload(KEY)
    data = orjson.loads(head)
    if invokers is None:
        del data["invokers"]
    else:
        data["invokers"] = invokers
    return b"".join([orjson.dumps(data), newline, *texts])


@pytest.mark.parametrize(
    "invokers",
    [
        None,
        [],
        {"arn": ["a"], "count": [1]},
        {"arn": ["a"], "count": [1], "public": [True], "extra": []},
        {"arn": "a", "count": [1], "public": [True]},
        {"arn": ["a", "b"], "count": [1], "public": [True]},
        {"arn": ["a", "a"], "count": [1, 2], "public": [True, False]},
        {"arn": [1], "count": [1], "public": [True]},
        {"arn": ["a"], "count": [0], "public": [True]},
        {"arn": ["a"], "count": [-1], "public": [False]},
        {"arn": ["a"], "count": ["1"], "public": [False]},
        {"arn": ["a"], "count": [1.0], "public": [False]},
        {"arn": ["a"], "count": [1], "public": [1]},
        {"arn": ["a"], "count": [True], "public": [False]},
    ],
)
def test_a_malformed_invokers_section_is_not_an_entry(demo: Any, invokers: Any) -> None:
    entry = CachedAnalysis.of(demo)
    with pytest.raises(ValueError):
        CachedAnalysis.from_payload(_with_invokers(entry, invokers), KEY)
    good = {"arn": ["a"], "count": [2], "public": [True]}
    assert CachedAnalysis.from_payload(_with_invokers(entry, good), KEY).invokers["a"].count == 2
