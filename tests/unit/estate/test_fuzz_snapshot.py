"""A snapshot from someone else never crashes the analysis: one hostile value anywhere in one raw
response of the demo snapshot, the file re-signed, and `lambdascope findings` still answers.

Few examples, derandomized, for the fast tier; benchmarks/fuzz_snapshots.py runs 100+ variants.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.analysis import analyze
from estate.errors import LambdascopeError
from estate.model.load import load_estate
from estate.model.shapes import SHAPES
from estate.model.validate import check_record
from estate.snapshot import Snapshot, load_snapshot
from tests.paths import DEMO_SNAPSHOT, DEMO_TODAY
from tests.unit.estate.fuzz_mutations import HOSTILE, Mutation, json_paths, mutated, signed, without
from tui.cli.lambdascope import main


@functools.cache
def _demo() -> Snapshot:
    return load_snapshot(DEMO_SNAPSHOT)


@functools.cache
def _checked_indexes() -> tuple[int, ...]:
    """The demo's records the model parses (every service has some)."""
    return tuple(n for n, r in enumerate(_demo().records) if (r.key.service, r.key.operation) in SHAPES)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    index = draw(st.sampled_from(_checked_indexes()))
    paths = list(json_paths(_demo().records[index].response))
    path = draw(st.sampled_from(paths[:2000]))
    value = draw(st.sampled_from(HOSTILE) | json_values)
    return Mutation(index, path, value)


def _findings(path: Path) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["findings", str(path), "--format", "json", "--no-cache", "--as-of", str(DEMO_TODAY)])
    finally:  # `findings` freezes what it made (gc.freeze): let each example's garbage be collected
        gc.unfreeze()
    return code, json.loads(out.getvalue()) if code in (0, 1) else {}, err.getvalue()


def _keys(findings: Any) -> set[tuple[str, str, str]]:
    return {(f["id"], f["rule"], f["severity"]) for f in findings}


@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutation=mutations())
def test_a_hostile_value_in_any_response_is_analysed_or_a_gap(mutation: Mutation) -> None:
    demo = _demo()
    variant = mutated(demo, mutation)
    with tempfile.TemporaryDirectory() as tmp:
        code, report, err = _findings(signed(variant, Path(tmp) / "variant.lsnap"))
    assert (code, err) == (0, ""), mutation.label(demo)
    gaps = [g for g in report["snapshot"]["coverage_gaps"] if "malformed response" in g["detail"]]
    key = demo.records[mutation.index].key
    if check_record(variant.records[mutation.index]) is None:
        assert gaps == []  # accepted: the value has the type the model reads
        return
    assert [(g["service"], g["operation"], g["status"]) for g in gaps] == [
        (key.service, key.operation, "error")
    ]
    # analysed exactly as if the read had been refused: every other finding is unchanged
    reference = analyze(load_estate(without(demo, mutation.index)), DEMO_TODAY)
    expected = {(f.id, f.rule.id, f.severity.value) for f in reference.findings}
    assert _keys(report["findings"]) == expected, mutation.label(demo)


def test_the_unmutated_demo_has_no_malformed_record() -> None:
    assert all(check_record(r) is None for r in _demo().records)


def test_a_damaged_file_is_refused_with_one_line(tmp_path: Path) -> None:
    """Bytes flipped anywhere (member data, local headers, the central directory) without
    re-signing: refused with one line naming the problem (a LambdascopeError: exit 2), never
    another exception. (A flip in zip metadata that no member's content depends on, a date or an
    attribute, still loads.)"""
    data = DEMO_SNAPSHOT.read_bytes()
    refused = 0
    for position in [*range(0, len(data), len(data) // 15), *range(len(data) - 400, len(data), 97)]:
        broken = bytearray(data)
        broken[position] ^= 0x5A
        path = tmp_path / "broken.lsnap"
        path.write_bytes(bytes(broken))
        try:
            load_snapshot(path)
        except LambdascopeError as exc:
            refused += 1
            assert "\n" not in str(exc) and str(exc), position
    assert refused >= 14  # most flips hit member data or a header that matters
