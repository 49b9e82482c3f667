"""Hostile snapshots and dumps, as a new user would meet them: does lambdascope analyse or refuse
each one cleanly, never crash?

    python benchmarks/fuzz_snapshots.py [--variants 120] [--dump-variants 40] [--corruptions 20]
                                        [--seed 19] [--verbose]

Snapshot variants: one value inside one raw response of the bundled demo snapshot is replaced by a
hostile value (another JSON type, a 200 kB string, terminal escapes and Rich markup, a deleted
key; tests/unit/estate/fuzz_mutations.py), the services taken in turn so every service's records
are hit, and the file is exported again so its sha256s match. Each variant is run through
`lambdascope findings FILE --format json --no-cache` (in this process, through `main`, so a
traceback or an exit code other than 0/1/2 is seen). A variant whose record was rejected must
also give exactly the findings of the demo without that record (a refused read): "as not
collected" below. Dump variants do the same to one file of an AWS CLI dump written from the demo
and run `lambdascope import`, then `findings` on its output. Byte corruptions flip one byte of
the demo file without re-signing: they must be refused (exit 2).

Prints analysed / refused / crashed per kind. Nothing asserts: tests/unit/estate/test_fuzz_*.py
runs a few examples of the same in the fast tier.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzers.analysis import analyze_snapshot  # noqa: E402
from estate.snapshot import Snapshot, load_snapshot  # noqa: E402
from tests.paths import DEMO_SNAPSHOT  # noqa: E402
from tests.unit.estate.fuzz_mutations import (  # noqa: E402
    HOSTILE,
    applied,
    by_service,
    demo_dump,
    described,
    json_paths,
    mutated,
    random_mutation,
    signed,
    without,
)
from tui.cli.lambdascope import main  # noqa: E402

AS_OF = "2026-11-01"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        except BaseException as exc:  # what main let escape: a crash by definition
            return -1, "", f"{type(exc).__name__}: {exc}"
        finally:  # `findings` freezes what it made (gc.freeze): let this run's garbage go
            gc.unfreeze()
            gc.collect()
    return code, out.getvalue(), err.getvalue()


def outcome(code: int, err: str) -> str:
    if code in (0, 1) and "Traceback" not in err:
        return "analysed"
    if code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1:
        return "refused"
    return "crashed"


def finding_keys(findings: list[dict[str, Any]] | tuple[Any, ...]) -> set[tuple[str, str, str]]:
    out = set()
    for f in findings:
        if isinstance(f, dict):
            out.add((f["id"], f["rule"], f["severity"]))
        else:
            rule = f.rule if isinstance(f.rule, str) else f.rule.id
            out.add((f.id, rule, f.severity.value))
    return out


def malformed_gaps(report: dict[str, Any]) -> list[str]:
    return [g["detail"] for g in report["snapshot"]["coverage_gaps"] if "malformed response" in g["detail"]]


def fuzz_snapshots(
    demo: Snapshot, variants: int, rng: random.Random, work: Path, verbose: bool
) -> Counter[str]:
    counts: Counter[str] = Counter()
    services = by_service(demo)
    names = list(services)
    for number in range(variants):
        service = names[number % len(names)]
        mutation = random_mutation(demo, rng, services[service])
        path = signed(mutated(demo, mutation), work / f"variant-{number}.lsnap")
        code, out, err = run_cli("findings", str(path), "--format", "json", "--no-cache", "--as-of", AS_OF)
        kind = outcome(code, err)
        counts[kind] += 1
        note = ""
        if kind == "analysed":
            report = json.loads(out)
            gaps = malformed_gaps(report)
            counts["rejected record (gap)" if gaps else "accepted record"] += 1
            if gaps:
                reference = analyze_snapshot(without(demo, mutation.index), dt_of(AS_OF))
                same = finding_keys(report["findings"]) == finding_keys(reference.findings)
                counts["as not collected" if same else "NOT as not collected"] += 1
                note = gaps[0][:140] + ("" if same else "  <-- findings differ from the refused read")
        if verbose or kind == "crashed" or "differ" in note:
            print(f"  [{kind}] {mutation.label(demo)[:120]}  {note or err.strip()[:200]}")
        path.unlink()
    return counts


def fuzz_dumps(demo: Snapshot, variants: int, rng: random.Random, work: Path, verbose: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    for number in range(variants):
        root = work / f"dump-{number}"
        files = demo_dump(demo, root)
        target = rng.choice(sorted(files))
        position = rng.choice(list(json_paths(files[target])))
        value = rng.choice(HOSTILE)
        target.write_text(json.dumps(applied(files[target], position, value)))
        output = work / f"dump-{number}.lsnap"
        code, _out, err = run_cli("import", str(root), "-o", str(output))
        kind = outcome(code, err)
        if kind == "analysed":  # imported: now analyse what it wrote
            code, _out, err = run_cli(
                "findings", str(output), "--format", "json", "--no-cache", "--as-of", AS_OF
            )
            kind = outcome(code, err)
        counts[kind] += 1
        label = f"{target.relative_to(root)} {described(position, value)}"
        if verbose or kind == "crashed":
            print(f"  [{kind}] {label[:140]}  {err.strip()[:200]}")
    return counts


def corrupt_bytes(count: int, rng: random.Random, work: Path, verbose: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    data = DEMO_SNAPSHOT.read_bytes()
    for number in range(count):
        broken = bytearray(data)
        position = rng.randrange(len(broken))
        broken[position] ^= 1 << rng.randrange(8)
        path = work / f"corrupt-{number}.lsnap"
        path.write_bytes(bytes(broken))
        code, _out, err = run_cli("findings", str(path), "--format", "json", "--no-cache", "--as-of", AS_OF)
        kind = outcome(code, err)
        counts[kind] += 1
        if verbose or kind == "crashed":
            print(f"  [{kind}] byte {position} of the demo file flipped  {err.strip()[:300]}")
    return counts


def dt_of(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=120)
    parser.add_argument("--dump-variants", type=int, default=40)
    parser.add_argument("--corruptions", type=int, default=20)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    demo = load_snapshot(DEMO_SNAPSHOT)
    with tempfile.TemporaryDirectory(prefix="lambdascope-fuzz-") as tmp:
        work = Path(tmp)
        for title, run in (
            (
                "snapshot variants",
                lambda: fuzz_snapshots(demo, args.variants, random.Random(args.seed), work, args.verbose),
            ),
            (
                "dump variants",
                lambda: fuzz_dumps(demo, args.dump_variants, random.Random(args.seed), work, args.verbose),
            ),
            (
                "byte corruptions",
                lambda: corrupt_bytes(args.corruptions, random.Random(args.seed), work, args.verbose),
            ),
        ):
            started = time.perf_counter()
            counts = run()
            total = counts["analysed"] + counts["refused"] + counts["crashed"]
            extra = ", ".join(
                f"{k} {v}" for k, v in sorted(counts.items()) if k not in ("analysed", "refused", "crashed")
            )
            print(
                f"{title}: {total} run, analysed {counts['analysed']}, refused {counts['refused']}, "
                f"crashed {counts['crashed']}"
                + (f" ({extra})" if extra else "")
                + f"  [{time.perf_counter() - started:.1f} s]",
                flush=True,
            )


if __name__ == "__main__":
    main_()
