"""`lambdascope diff` at scale: a synthetic estate against a later copy of itself with a realistic
day's changes, and against another seed (everything changed).

Usage: python benchmarks/bench_diff.py [--functions 10000] [--seed 7] [--other-seed 8]

The later copy changes, in the raw responses: the runtime of every 10th function (one change, a
thousand functions at 10,000), the memory of 20 functions (each its own value), one env value of
50 functions, a public `Principal: *` statement on 30 functions, `s3:*` added to 10 roles, and
20 functions deleted. Prints the diff's time and peak memory (this process, `ru_maxrss`), the
counts, and how many rows text puts in front of a person (the JSON lists every item).
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzers.diff.change_rows import change_rows  # noqa: E402
from analyzers.gc_pause import cyclic_gc_paused  # noqa: E402
from estate.snapshot import Record, Snapshot, export_snapshot, load_snapshot  # noqa: E402
from estate.sources.synth import SynthOptions, write_synthetic  # noqa: E402
from tui.cli.diff_command import snapshot_diff  # noqa: E402
from tui.cli.diff_render import diff_text  # noqa: E402

CACHE = Path.home() / ".cache" / "lambdascope-bench"


def synth(functions: int, seed: int) -> Path:
    path = CACHE / f"synth-{functions}-{seed}.lsnap"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        write_synthetic(SynthOptions(functions=functions, seed=seed), path)
    return path


def later_copy(snapshot: Snapshot) -> Snapshot:
    """The snapshot a day later: the changes the module docstring lists, in the raw responses."""
    records = []
    seen = 0
    deleted: set[str] = set()
    for record in snapshot.records:
        key, response = record.key, record.response
        if key.operation == "ListFunctions":
            response = copy.deepcopy(response)
            kept = []
            for fn in response.get("Functions", ()):
                seen += 1
                if seen % 500 == 7:
                    deleted.add(fn["FunctionArn"])
                    continue
                if seen % 10 == 0:
                    fn["Runtime"] = "python3.13" if fn.get("Runtime") != "python3.13" else "python3.12"
                if seen % 500 == 1:
                    fn["MemorySize"] = 128 + seen
                variables = (fn.get("Environment") or {}).get("Variables") or {}
                if seen % 200 == 3 and variables:
                    first = sorted(variables)[0]
                    value = variables[first]
                    if isinstance(value, dict):
                        variables[first] = {**value, "hmac_sha256": "0" * 32}
                kept.append(fn)
            response["Functions"] = kept
        elif key.operation == "GetPolicy" and key.params.get("FunctionName") in deleted:
            continue
        elif (
            key.operation == "GetPolicy"
            and zlib.crc32(str(key.params.get("FunctionName")).encode()) % 333 == 0
        ):
            arn = key.params["FunctionName"]
            statement = {
                "Sid": "debug",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunction",
                "Resource": arn,
            }
            response = {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}
        elif key.operation == "GetAccountAuthorizationDetails":
            response = copy.deepcopy(response)
            for role in (response.get("RoleDetailList") or [])[:10]:
                role.setdefault("RolePolicyList", []).append(
                    {
                        "PolicyName": "debug",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                        },
                    }
                )
        records.append(Record(key, response))
    return Snapshot(snapshot.manifest, records)


def measure(label: str, old: Path, new: Path) -> None:
    import analyzers.diff as module

    spent: list[float] = []
    compare = module.diff_analyses

    def timed(before: object, after: object) -> object:
        started = time.perf_counter()
        try:
            return compare(before, after)  # type: ignore[arg-type]
        finally:
            spent.append(time.perf_counter() - started)

    module.diff_analyses = timed  # type: ignore[assignment]
    started = time.perf_counter()
    with cyclic_gc_paused():  # as the CLI runs it
        diff = snapshot_diff(old, new)
    seconds = time.perf_counter() - started
    module.diff_analyses = compare
    started = time.perf_counter()
    with cyclic_gc_paused():
        rows = change_rows(diff)
        text = diff_text(diff)
    render = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f, fn, p, e = diff.findings, diff.functions, diff.principals, diff.exposure
    print(
        f"{label}: {seconds:.1f} s (loading and analysing both, then the diff: "
        f"{sum(spent):.2f} s of it; grouping and text {render:.2f} s), peak RSS {peak:.0f} MiB\n"
        f"  findings {len(f.new)} new, {len(f.resolved)} resolved, {len(f.changed)} changed; functions "
        f"{len(fn.added)} added, {len(fn.removed)} removed, {len(fn.changed)} changed; principals "
        f"{len(p.changed)} changed; invokers of {len(e.invokers)} functions, sensitive paths "
        f"+{len(e.sensitive_opened)}/-{len(e.sensitive_closed)}, escalation "
        f"+{len(e.escalation_opened)}/-{len(e.escalation_closed)}\n"
        f"  rows in front of a person: {len(rows)} ({len(text.splitlines())} text lines)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--functions", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--other-seed", type=int, default=8)
    parser.add_argument("--skip-other-seed", action="store_true")
    args = parser.parse_args()
    base = synth(args.functions, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        later = export_snapshot(later_copy(load_snapshot(base)), Path(tmp) / "later.lsnap")
        measure(f"{args.functions} functions, a day later", base, later)
    if not args.skip_other_seed:
        measure(
            f"{args.functions} functions, seed {args.seed} vs {args.other_seed}",
            base,
            synth(args.functions, args.other_seed),
        )


if __name__ == "__main__":
    main()
