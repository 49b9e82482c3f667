"""A dump from someone else never crashes the import: one hostile value anywhere in one AWS CLI
output file, and `lambdascope import` either refuses the file with one line (its JSON is not that
command's output at all) or imports the rest with the file named in a gap.

Few examples, derandomized, for the fast tier; benchmarks/fuzz_snapshots.py runs more.
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

from estate.snapshot import Snapshot, load_snapshot
from estate.sources.dumps import ImportOptions, import_dump
from estate.sources.dumps.accepted_files import KINDS_BY_STEM
from estate.sources.dumps.shapes import malformed_dump
from tests.paths import DEMO_SNAPSHOT, DEMO_TODAY
from tests.unit.estate.fuzz_mutations import HOSTILE, applied, demo_dump, described, json_paths
from tui.cli.lambdascope import main


@functools.cache
def _demo() -> Snapshot:
    return load_snapshot(DEMO_SNAPSHOT)


@functools.cache
def _files() -> dict[str, Any]:
    """The demo as a dump: file (relative to the dump directory) -> its JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        return {str(p.relative_to(root)): c for p, c in demo_dump(_demo(), root).items()}


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:  # `findings` freezes what it made (gc.freeze): let each example's garbage be collected
        gc.unfreeze()
    return code, out.getvalue(), err.getvalue()


@st.composite
def file_mutations(draw: st.DrawFn) -> tuple[str, tuple[str | int, ...], Any]:
    name = draw(st.sampled_from(sorted(_files())))
    path = draw(st.sampled_from(list(json_paths(_files()[name]))[:2000]))
    return name, path, draw(st.sampled_from(HOSTILE))


def test_the_demo_dump_imports_without_a_gap(tmp_path: Path) -> None:
    demo_dump(_demo(), tmp_path)
    coverage = import_dump(ImportOptions(tmp_path)).manifest.coverage
    assert [c for c in coverage if c.status not in ("ok", "missing")] == []


@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(change=file_mutations())
def test_a_hostile_value_in_any_dump_file_is_refused_or_a_gap(
    change: tuple[str, tuple[str | int, ...], Any],
) -> None:
    name, path, value = change
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "dump"
        files = demo_dump(_demo(), root)
        target = root / name
        target.write_text(json.dumps(applied(files[target], path, value)))
        output = Path(tmp) / "out.lsnap"
        code, _out, err = _cli("import", str(root), "-o", str(output))
        label = f"{name} {described(path, value)}"
        assert code in (0, 2), label
        if code == 2:  # refused: one line naming the file, no traceback
            assert err.count("\n") == 1 and name in err and "Traceback" not in err, (label, err)
            return
        code, out, err = _cli(
            "findings", str(output), "--format", "json", "--no-cache", "--as-of", str(DEMO_TODAY)
        )
    assert (code, err) == (0, ""), label
    gaps = [g["detail"] for g in json.loads(out)["snapshot"]["coverage_gaps"]]
    stem = target.parent.name if target.parent.name in KINDS_BY_STEM else target.stem
    if malformed_dump(applied(files[target], path, value), KINDS_BY_STEM[stem]) is None:
        assert not any(name in g for g in gaps), label  # accepted: a value of the type read there
    else:
        assert any(g.startswith(f"{name}: malformed response: ") for g in gaps), (label, gaps)


def test_a_malformed_listing_is_a_gap_naming_the_file_and_its_per_resource_files_too(tmp_path: Path) -> None:
    files = demo_dump(_demo(), tmp_path)
    listing = next(p for p in files if p.name == "lambda-list-functions.json")
    broken = json.loads(listing.read_text())
    broken["Functions"][0]["FunctionArn"] = 42
    listing.write_text(json.dumps(broken))
    snapshot = import_dump(ImportOptions(tmp_path))
    gaps = {(c.operation, c.status): c.detail for c in snapshot.manifest.coverage if c.status != "ok"}
    region = listing.parent.name
    assert gaps[("ListFunctions", "error")] == (
        f"{region}/lambda-list-functions.json: malformed response: "
        "$.Functions[0].FunctionArn: expected str, got int"
    )
    assert gaps[("GetPolicy", "error")].startswith("not read: its listing is unusable")
    assert not snapshot.responses("lambda", "ListFunctions")


def test_a_malformed_per_resource_file_is_a_gap_naming_it(tmp_path: Path) -> None:
    files = demo_dump(_demo(), tmp_path)
    policy = next(p for p in files if p.parent.name == "lambda-get-policy")
    policy.write_text(json.dumps({"Policy": ["not", "text"]}))
    snapshot = import_dump(ImportOptions(tmp_path))
    details = [
        c.detail for c in snapshot.manifest.coverage if c.operation == "GetPolicy" and c.status == "error"
    ]
    shown = f"{policy.parent.parent.name}/lambda-get-policy/{policy.name}"
    assert details == [f"{shown}: malformed response: $.Policy: expected str | null, got array"]
    # the well-formed files of the same command are imported
    assert (
        len(snapshot.responses("lambda", "GetPolicy"))
        == sum(1 for p in files if p.parent.name == "lambda-get-policy") - 1
    )
