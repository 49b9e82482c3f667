"""IAM-dense account benchmark: lambdascope and Cloudsplaining side by side on the same IAM dump.

Why: issue 13 ("Real estates at real size") measured a 2,000-role account as the worst case a
new user meets: `lambdascope findings` took 67 s and 4.6 GB and reported 80,808 critical
`iam.privesc` findings (one per escalating principal and admin target), while Cloudsplaining read
the same file in 52 s. Its target is at most 3 s on that file, >= 15x Cloudsplaining, measured
in one run. This script is that measurement, reproducible: it builds the account with the
deterministic generator iam_dense_dump.py, imports it as a user would, and times the real CLI in
a child process, so start-up, loading, analysis and writing the JSON all count.

    .venv/bin/python benchmarks/bench_iam_dense.py [--roles 2000 [200 ...]] [--seed 13]
        [--cloudsplaining [--cloudsplaining-version 0.9.1]] [--keep DIR] [--json FILE]

Per size it prints one table: wall seconds, CPU seconds (user + system, which a busy machine
does not inflate as much as wall) and peak RSS (`os.wait4` of that child alone) of
`lambdascope import`, `lambdascope findings SNAP --format json` and, with `--cloudsplaining`,
`cloudsplaining scan --input-file <the get-account-authorization-details JSON>`. The issue's
3 s target is for `findings` (interpreter start-up, loading the snapshot, analysis and the JSON
all included; `--no-cache`, so nothing is read back from an earlier run), which Cloudsplaining's
scan of the same file is compared with; `import`, done once per dump, is printed apart and summed
with it. Then the findings by rule and severity, how many distinct principals (and targets) the
`iam.privesc` findings are about, and the policies Cloudsplaining flags per risk category. Cloudsplaining is
installed with pip into its own venv under the benchmark cache (~/.cache/lambdascope-bench or
$LAMBDASCOPE_BENCH_CACHE; never a project dependency) on first use; if pip cannot install it,
the run says so and goes on without it. The load average before and after each run is printed:
say how quiet the machine was when quoting figures. A benchmark, not a test: nothing asserts.

Cold means no process state and no analysis cache, not no bytecode: `pip install` compiles the
package, so the lambdascope children run with bytecode compiled once (compileall, before any run)
into the benchmark's own cache (PYTHONPYCACHEPREFIX, as bench_tui_startup.py does); this
checkout's environment sets PYTHONDONTWRITEBYTECODE, which would compile every module on every
run (~0.4 s of CPU on this machine). `--no-bytecode` measures that case.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from child_bytecode import child_env, compile_packages  # noqa: E402
from iam_dense_dump import DEFAULT_SEED, IAM_FILE, write_dump  # noqa: E402

SEVERITIES = ("critical", "high", "medium", "low", "info")
CLOUDSPLAINING_VERSION = "0.9.1"  # the version issue 13 measured
CLOUDSPLAINING_RISKS = (
    "PrivilegeEscalation",
    "ResourceExposure",
    "DataExfiltration",
    "CredentialsExposure",
    "ServiceWildcard",
    "InfrastructureModification",
)
POLICY_SECTIONS = ("aws_managed_policies", "customer_managed_policies", "inline_policies")


def cache_dir() -> Path:
    """The benchmarks' shared cache (synth_estates.py uses the same folder and variable)."""
    configured = os.environ.get("LAMBDASCOPE_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "lambdascope-bench"


@dataclass
class Run:
    """One child process: wall and CPU seconds, peak resident memory, exit code."""

    label: str
    wall: float
    cpu: float
    peak_mib: float
    returncode: int
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measure(
    label: str, command: Sequence[str], stdout: Path, timeout: float, env: dict[str, str] | None = None
) -> Run:
    """Run `command` with its output in `stdout`; its own rusage via wait4 (not the sum of children)."""
    print(f"  running {label}: {' '.join(map(str, command))}", file=sys.stderr, flush=True)
    stderr = stdout.with_suffix(stdout.suffix + ".stderr")
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, env=env)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    tail = stderr.read_text(errors="replace").strip().splitlines()[-3:] if process.returncode else []
    return Run(
        label,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,  # Linux reports KiB
        process.returncode,
        " | ".join(tail),
    )


def lambdascope_command() -> list[str]:
    beside = Path(sys.executable).with_name("lambdascope")
    found = str(beside) if beside.exists() else shutil.which("lambdascope")
    if found is None:
        raise SystemExit("lambdascope is not installed (run from the project venv: .venv/bin/python ...)")
    return [found]


def lambdascope_version() -> str:
    try:
        return importlib.metadata.version("lambdascope")
    except importlib.metadata.PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------------------------------------
# Cloudsplaining, in its own venv.


def cloudsplaining(version: str) -> tuple[Path | None, str]:
    """The cloudsplaining executable of the benchmark's venv (installed on first use), or None and why."""
    venv = cache_dir() / "cloudsplaining-venv"
    exe = venv / "bin" / "cloudsplaining"
    if exe.exists():
        found = _installed_version(exe)
        if found == version:
            return exe, found
        print(
            f"  cloudsplaining venv has {found or 'no working install'}; installing {version}",
            file=sys.stderr,
        )
    else:
        print(f"  installing cloudsplaining {version} into {venv} (first use)", file=sys.stderr, flush=True)
    try:
        if not (venv / "bin" / "python").exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, text=True
            )
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"cloudsplaining=={version}"],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        lines = [line for line in (exc.stderr or exc.stdout or "").splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit {exc.returncode}"
        return None, f"pip could not install cloudsplaining=={version}: {why}"
    found = _installed_version(exe)
    return (exe, found) if found else (None, "cloudsplaining installed but does not run")


def _installed_version(exe: Path) -> str | None:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.strip().rsplit(" ", 1)[-1] if "version" in out else None


def cloudsplaining_flags(output: Path) -> dict[str, int]:
    """Policies Cloudsplaining flags per risk category (its iam-findings-*.json), and principals read."""
    files = sorted(output.glob("iam-findings-*.json"))
    if not files:
        return {}
    data = json.loads(files[0].read_text())
    counts: Counter[str] = Counter()
    for section in POLICY_SECTIONS:
        for policy in (data.get(section) or {}).values():
            flagged = False
            for risk in CLOUDSPLAINING_RISKS:
                if ((policy.get(risk) or {}).get("findings") or []) and not policy.get("is_excluded"):
                    counts[risk] += 1
                    flagged = True
            counts["policies flagged"] += flagged
    ordered = {"policies flagged": counts["policies flagged"]}
    ordered |= {risk: counts[risk] for risk in CLOUDSPLAINING_RISKS}
    return ordered | {
        f"{section} read": len(data.get(section) or {}) for section in ("roles", "users", "groups")
    }


# ---------------------------------------------------------------------------------------------
# lambdascope's findings.


@dataclass
class FindingCounts:
    total: int = 0
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> severity -> count
    privesc: dict[str, int] = field(default_factory=dict)


def count_findings(path: Path) -> FindingCounts:
    findings = json.loads(path.read_text())["findings"]
    by_rule: dict[str, Counter[str]] = {}
    for finding in findings:
        by_rule.setdefault(finding["rule"], Counter())[finding["severity"]] += 1
    privesc = [f for f in findings if f["rule"] == "iam.privesc"]
    critical = [f for f in privesc if f["severity"] == "critical"]
    per_principal = Counter(f["resource"] for f in privesc)
    return FindingCounts(
        total=len(findings),
        by_rule={rule: dict(c) for rule, c in sorted(by_rule.items())},
        privesc={
            "findings": len(privesc),
            "critical": len(critical),
            "principals": len(per_principal),
            "principals (critical)": len({f["resource"] for f in critical}),
            "targets": len({f["path"][-1] for f in privesc if f["path"]}),
            "targets (critical)": len({f["path"][-1] for f in critical if f["path"]}),
            "most per principal": max(per_principal.values(), default=0),
        },
    )


# ---------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    roles: int
    seed: int
    dump: dict[str, int]
    iam_file_mib: float
    generate_s: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    runs: list[Run] = field(default_factory=list)
    findings: FindingCounts | None = None
    cloudsplaining: dict[str, int] = field(default_factory=dict)
    cloudsplaining_note: str = ""
    no_bytecode: bool = False


def bench(roles: int, seed: int, work: Path, args: argparse.Namespace) -> SizeResult:
    print(f"[iam-dense] {roles:,} roles, seed {seed}, in {work}", file=sys.stderr, flush=True)
    load_before = os.getloadavg()
    dump_dir = work / "dump"
    started = time.perf_counter()
    dump = write_dump(dump_dir, roles, seed)
    generated = time.perf_counter() - started
    iam_file = dump_dir / IAM_FILE
    result = SizeResult(roles, seed, dump.summary, iam_file.stat().st_size / 2**20, generated, load_before)
    result.no_bytecode = args.no_bytecode
    snapshot = work / "iam-dense.lsnap"
    tool = lambdascope_command()
    env = child_env(not args.no_bytecode)
    if not args.no_bytecode:
        compile_packages(env)
    imported = measure(
        "lambdascope import",
        [*tool, "import", str(dump_dir), "-o", str(snapshot)],
        work / "import.out",
        args.timeout,
        env,
    )
    result.runs.append(imported)
    if imported.ok:
        report = work / "findings.json"
        ran = measure(
            "lambdascope findings",
            [*tool, "findings", str(snapshot), "--format", "json", "--no-cache"],
            report,
            args.timeout,
            env,
        )
        result.runs.append(ran)
        if ran.ok:
            result.findings = count_findings(report)
    if args.cloudsplaining:
        exe, note = cloudsplaining(args.cloudsplaining_version)
        if exe is None:
            result.cloudsplaining_note = note
        else:
            output = work / "cloudsplaining"
            output.mkdir()
            command = [str(exe), "scan", "--input-file", str(iam_file), "--output", str(output), "-s"]
            scanned = measure(
                f"cloudsplaining {note} scan", command, work / "cloudsplaining.out", args.timeout
            )
            result.runs.append(scanned)
            result.cloudsplaining_note = f"Cloudsplaining {note}"
            if scanned.ok:
                result.cloudsplaining = cloudsplaining_flags(output)
    result.load_after = os.getloadavg()
    return result


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            row[0].ljust(widths[0]),
            *(cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append("  " + "  ".join(cells))
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


_BYTECODE_NOTE = {False: "from compiled bytecode", True: "compiling every module on every run"}


def report(result: SizeResult) -> str:
    d = result.dump
    out = [
        "",
        f"== IAM-dense account: {d['roles']:,} roles (seed {result.seed}), "
        f"{d['admin_like_roles']} admin-like, {d['users']:,} users, {d['groups']} groups,",
        f"   {d['customer_managed_policies']:,} customer managed policies "
        f"({d['customer_policy_versions']:,} versions), {d['aws_managed_policies']} AWS managed, "
        f"{d['inline_policies']:,} role inline policies, {d['functions']} functions;",
        f"   {IAM_FILE} {result.iam_file_mib:.1f} MiB, generated in {result.generate_s:.2f} s;",
        f"   load average before {', '.join(f'{x:.2f}' for x in result.load_before)}, "
        f"after {', '.join(f'{x:.2f}' for x in result.load_after)} ({os.cpu_count()} CPUs); "
        f"lambdascope {_BYTECODE_NOTE[result.no_bytecode]}",
        "",
    ]
    header = ["", *(r.label for r in result.runs)]
    rows = [
        header,
        ["wall s", *(_fmt(r.wall, 2) for r in result.runs)],
        ["CPU s (user+sys)", *(_fmt(r.cpu, 2) for r in result.runs)],
        ["peak RSS MiB", *(_fmt(r.peak_mib, 0) for r in result.runs)],
        ["exit code", *(str(r.returncode) for r in result.runs)],
    ]
    found = result.findings
    outputs = []
    for run in result.runs:
        if run.label == "lambdascope findings" and found is not None:
            outputs.append(f"{found.total:,} findings")
        elif run.label.startswith("cloudsplaining") and result.cloudsplaining:
            outputs.append(f"{result.cloudsplaining.get('policies flagged', 0):,} policies flagged")
        else:
            outputs.append("")
    rows.append(["output", *outputs])
    out.append(_table(rows))
    findings_run = next((r for r in result.runs if r.label == "lambdascope findings"), None)
    import_run = next((r for r in result.runs if r.label == "lambdascope import"), None)
    scan = next((r for r in result.runs if r.label.startswith("cloudsplaining")), None)
    if findings_run and import_run and findings_run.ok and import_run.ok:
        out.append(
            f"  issue 13's 3 s counts `findings` alone: {findings_run.wall:.2f} s wall, "
            f"{findings_run.cpu:.2f} s CPU; with the one-off `import` before it, "
            f"{import_run.wall + findings_run.wall:.2f} s wall, {import_run.cpu + findings_run.cpu:.2f} s CPU"
        )
    if findings_run and scan and findings_run.ok and scan.ok:
        out.append(
            f"  cloudsplaining / lambdascope findings: wall {scan.wall / findings_run.wall:.2f}x, "
            f"CPU {scan.cpu / findings_run.cpu:.2f}x (issue 13 target: findings <= 3 s wall and >= 15x)"
        )
    for run in result.runs:
        if not run.ok:
            out.append(f"  {run.label} failed (exit {run.returncode}): {run.stderr_tail}")
    if result.cloudsplaining_note and scan is None:
        out.append(f"  cloudsplaining not run: {result.cloudsplaining_note}")
    if found is not None:
        rows = [["rule", *SEVERITIES, "total"]]
        for rule, counts in found.by_rule.items():
            rows.append([rule, *(f"{counts.get(s, 0):,}" for s in SEVERITIES), f"{sum(counts.values()):,}"])
        totals = Counter[str]()
        for counts in found.by_rule.values():
            totals.update(counts)
        rows.append(["all", *(f"{totals.get(s, 0):,}" for s in SEVERITIES), f"{found.total:,}"])
        out += ["", "  lambdascope findings by rule and severity:", _table(rows)]
        p = found.privesc
        out += [
            "",
            f"  iam.privesc: {p['findings']:,} findings ({p['critical']:,} critical) about "
            f"{p['principals']:,} distinct principals ({p['principals (critical)']:,} with a critical one), "
            f"{p['targets']:,} distinct targets ({p['targets (critical)']:,} in critical ones); "
            f"up to {p['most per principal']:,} findings for one principal",
        ]
    if result.cloudsplaining:
        flags = ", ".join(f"{k} {v:,}" for k, v in result.cloudsplaining.items())
        out += ["", f"  {result.cloudsplaining_note}: {flags}"]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--roles", type=int, nargs="+", default=[2000], help="account sizes (default 2000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--cloudsplaining", action="store_true", help="also time Cloudsplaining (own venv)")
    parser.add_argument("--cloudsplaining-version", default=CLOUDSPLAINING_VERSION)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per child process")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="run lambdascope as the environment says",
    )
    parser.add_argument("--keep", type=Path, help="keep dumps, snapshots and reports under this folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    results = []
    for roles in args.roles:
        if args.keep:
            work = args.keep / f"iam-dense-{roles}-{args.seed}"
            if work.exists():
                shutil.rmtree(work)
            work.mkdir(parents=True)
            result = bench(roles, args.seed, work, args)
        else:
            with tempfile.TemporaryDirectory(prefix=f"iam-dense-{roles}-") as tmp:
                result = bench(roles, args.seed, Path(tmp), args)
        print(report(result), flush=True)
        results.append(result)
    print(f"\nlambdascope {lambdascope_version()}, Python {sys.version.split()[0]}; figures, not assertions.")
    if args.json:
        payload: list[dict[str, Any]] = [asdict(r) for r in results]
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
