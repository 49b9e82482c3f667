"""The analysis cache behind `lambdascope findings`: a hit prints what the analysis prints, format
by format, without loading the estate or analysing; the key changes with everything the rules
read and with nothing they do not; anything wrong with an entry or with the store reads as a
miss; the files are private. The conftest gives every test its own cache directory."""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import diskcache
import pytest

from analyzers.findings.model import Severity, Suppression
from analyzers.findings.settings import Settings, load_settings
from estate.snapshot import export_snapshot
from tests.builders import fn_arn, function, snapshot_of, statement
from tests.paths import DEMO_SNAPSHOT, DEMO_TODAY, analysed_demo
from tui.cache import store as cache_store
from tui.cache.deferred_evidence import DeferredEvidence
from tui.cli import analysis_cache
from tui.cli.analysis_cache import AnalysisCache, EntryKey, default_directory, snapshot_digest
from tui.cli.cached_analysis import CachedAnalysis, cached_report
from tui.cli.lambdascope import build_parser, main
from tui.cli.reports import FindingsReport, finding_text, render

FORMATS = ("json", "markdown", "csv", "sarif")
AS_OF = "2026-06-01"
EVIL = "[bold]x[/] \x1b[31mred\x07 \x7f \x9b31m café"
CONFIG = f"""\
[[suppressions]]
rule = "reach.public-invoke"
resource = "{fn_arn("web")}"
reason = "partner webhook, signed payloads"
author = "alice"
expires = 2026-12-31

[[suppressions]]
rule = "config.env-no-cmk"
reason = "lapsed"
author = "bob"
expires = 2025-01-01

[[suppressions]]
rule = "iam.admin"
reason = "matches nothing"
author = "carol"

[severity_overrides]
"config.runtime-deprecated" = "critical"
"""


@pytest.fixture
def snap_file(tmp_path: Path) -> Path:
    snap = snapshot_of(
        [
            function("web"),
            function("api", runtime="python3.7", env={"LOG_LEVEL": "INFO"}),
            function(f"evil{EVIL}", env={f"KEY{EVIL}": "x"}, description=EVIL),
        ],
        policies={"web": [statement("*")]},
    )
    return export_snapshot(snap, tmp_path / "s.lsnap")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(CONFIG)
    return path


class Analyses:
    """Counts the analyses the CLI runs; `forbid()` makes loading or analysing a snapshot fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import analyzers.analysis

        self.count = 0
        self._monkeypatch = monkeypatch
        real = analyzers.analysis.analyze_snapshot

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(analyzers.analysis, "analyze_snapshot", counted)

    def forbid(self) -> None:
        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            raise AssertionError("a cache hit loaded or analysed the snapshot")

        for target in ("analyzers.analysis.analyze_snapshot", "analyzers.analysis.analyze"):
            self._monkeypatch.setattr(target, refuse)
        self._monkeypatch.setattr("estate.snapshot.load_snapshot", refuse)
        self._monkeypatch.setattr("estate.model.load.load_estate", refuse)


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> Analyses:
    return Analyses(monkeypatch)


def _findings(capsys: pytest.CaptureFixture[str], snap: Path, *extra: str, fmt: str = "json") -> str:
    code = main(["findings", str(snap), "--format", fmt, "--as-of", AS_OF, *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def _entries(directory: Path) -> list[str]:
    if not (directory / "cache.db").exists():
        return []
    with diskcache.Cache(str(directory)) as store:
        return [str(k) for k in store.iterkeys()]


def test_a_second_run_is_a_hit_and_prints_the_same(
    snap_file: Path, capsys: pytest.CaptureFixture[str], analyses: Analyses, analysis_cache_dir: Path
) -> None:
    expected = {fmt: _findings(capsys, snap_file, "--no-cache", fmt=fmt) for fmt in FORMATS}
    assert analyses.count == 4 and _entries(analysis_cache_dir) == []
    assert _findings(capsys, snap_file) == expected["json"]  # a miss: analysed and stored
    assert analyses.count == 5 and len(_entries(analysis_cache_dir)) == 1
    analyses.forbid()
    for fmt in FORMATS:
        assert _findings(capsys, snap_file, fmt=fmt) == expected[fmt], fmt


def test_an_analysis_with_too_many_findings_is_not_cached(
    snap_file: Path,
    capsys: pytest.CaptureFixture[str],
    analyses: Analyses,
    analysis_cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its entry's texts would hold gigabytes beside the analysis (100,000 functions): the report
    streams from the findings as with --no-cache, and nothing is stored."""
    expected = _findings(capsys, snap_file, "--no-cache")
    findings = expected.count('"rule": ')
    monkeypatch.setattr(cache_store, "MAX_FINDINGS", findings - 1)
    assert _findings(capsys, snap_file) == expected and _entries(analysis_cache_dir) == []
    monkeypatch.setattr(cache_store, "MAX_FINDINGS", findings)  # at the limit: cached
    assert _findings(capsys, snap_file) == expected and len(_entries(analysis_cache_dir)) == 1
    assert analyses.count == 3


def test_an_entry_larger_than_the_limit_is_not_stored_and_one_below_is_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = CachedAnalysis.of(analysed_demo())
    key = EntryKey.of(snapshot_digest(DEMO_SNAPSHOT), DEMO_TODAY, Settings(), as_of=True)
    size = 32 + sum(map(len, entry.payload(key.to_json())))  # the MAC, then the parts
    monkeypatch.setattr(cache_store, "MAX_ENTRY_BYTES", size - 1)
    cache = AnalysisCache()
    assert not cache.store(key, entry) and cache.load(key) is None
    monkeypatch.setattr(cache_store, "MAX_ENTRY_BYTES", size)
    assert cache.store(key, entry)
    back = cache.load(key)
    assert back is not None and back.raw_findings == entry.raw_findings
    blob = cache._read(key.store_key())  # written part by part: the same bytes as joined
    assert blob == cache._mac(*entry.payload(key.to_json())) + b"".join(entry.payload(key.to_json()))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_miss_prints_what_no_cache_prints(
    fmt: str, snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str], analyses: Analyses
) -> None:
    """A miss prints from the entry it has just made (json, csv) or from the analysis."""
    with_config = ("--config", str(config))
    expected = _findings(capsys, snap_file, "--no-cache", *with_config, fmt=fmt)
    assert _findings(capsys, snap_file, *with_config, fmt=fmt) == expected
    assert analyses.count == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hit_on_the_demo_prints_what_its_analysis_prints(
    fmt: str, capsys: pytest.CaptureFixture[str], analyses: Analyses
) -> None:
    analysis = analysed_demo()
    key = EntryKey.of(snapshot_digest(DEMO_SNAPSHOT), DEMO_TODAY, Settings(), as_of=True)
    assert AnalysisCache().store(key, CachedAnalysis.of(analysis))
    analyses.forbid()
    argv = ["findings", str(DEMO_SNAPSHOT), "--format", fmt, "--as-of", DEMO_TODAY.isoformat()]
    assert main(argv) == 0
    assert capsys.readouterr().out == render(FindingsReport.of(analysis), fmt) + "\n"


def test_suppressions_and_overrides_apply_to_a_hit_without_analysing(
    snap_file: Path, config: Path, capsys: pytest.CaptureFixture[str], analyses: Analyses
) -> None:
    with_config = ("--config", str(config))
    expected = {fmt: _findings(capsys, snap_file, "--no-cache", *with_config, fmt=fmt) for fmt in FORMATS}
    # a suppression reports the triage state risk-accepted (DESIGN section 5), not `suppressed`
    assert '"status": "risk-accepted"' in expected["json"] and "suppression expired" in expected["json"]
    assert "severity overridden from" in expected["json"]
    _findings(capsys, snap_file)  # analysed and cached under the default settings
    analyses.forbid()
    for fmt in FORMATS:
        assert _findings(capsys, snap_file, *with_config, fmt=fmt) == expected[fmt], fmt
    for fail_on, code in (("critical", 1), ("info", 1)):
        assert (
            main(["findings", str(snap_file), "--as-of", AS_OF, *with_config, "--fail-on", fail_on]) == code
        )
    capsys.readouterr()


def test_a_typo_in_the_settings_fails_on_a_hit_as_on_a_miss(
    snap_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[severity_overrides]\n"config.no-such-rule" = "low"\n')
    argv = ["findings", str(snap_file), "--as-of", AS_OF, "--config", str(bad)]
    assert main([*argv, "--no-cache"]) == 2
    miss = capsys.readouterr().err
    _findings(capsys, snap_file)
    assert main(argv) == 2
    assert capsys.readouterr().err == miss and "no such rule" in miss


def test_a_changed_snapshot_is_a_miss(
    snap_file: Path, capsys: pytest.CaptureFixture[str], analyses: Analyses
) -> None:
    before = _findings(capsys, snap_file)
    export_snapshot(snapshot_of([function("only-one")]), snap_file)
    after = _findings(capsys, snap_file)
    assert analyses.count == 2 and after != before
    assert after == _findings(capsys, snap_file, "--no-cache")


def test_no_cache_neither_reads_nor_writes(
    snap_file: Path, capsys: pytest.CaptureFixture[str], analysis_cache_dir: Path
) -> None:
    real = _findings(capsys, snap_file, "--no-cache")
    assert not analysis_cache_dir.exists()
    # an entry that says "no findings" for this very snapshot: only a reading run can print it
    empty = CachedAnalysis(snapshot=_header(real), functions=3, rules=(), raw_findings=(), texts=())
    key = EntryKey.of(snapshot_digest(snap_file), dt.date.fromisoformat(AS_OF), Settings(), as_of=True)
    assert AnalysisCache().store(key, empty)
    assert '"findings": []' in _findings(capsys, snap_file)
    assert _findings(capsys, snap_file, "--no-cache") == real


def _header(json_text: str) -> dict[str, Any]:
    import json

    snapshot: dict[str, Any] = json.loads(json_text)["snapshot"]
    return {k: v for k, v in snapshot.items() if k not in ("functions", "evaluated_on")}


def _only_entry(directory: Path) -> tuple[str, bytes]:
    with diskcache.Cache(str(directory)) as store:
        (key,) = store.iterkeys()
        value = store.get(key)
    assert isinstance(value, bytes)
    return str(key), value


def _replace_entry(directory: Path, key: str, value: Any) -> None:
    with diskcache.Cache(str(directory)) as store:
        store.set(key, value)


UNPICKLED: list[str] = []


def _unpickled() -> str:
    UNPICKLED.append("ran")
    return "payload"


class _Booby:
    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickled, ())


def _flip_last_byte(entry: bytes) -> bytes:
    return entry[:-1] + bytes([entry[-1] ^ 1])


def _flip_mac(entry: bytes) -> bytes:
    return bytes([entry[0] ^ 1]) + entry[1:]


def _truncated(entry: bytes) -> bytes:
    return entry[: len(entry) // 2]


def _foreign_key(entry: bytes) -> bytes:
    import hashlib
    import hmac

    payload = entry[32:]
    return hmac.new(b"another machine's key", payload, hashlib.sha256).digest() + payload


@pytest.mark.parametrize(
    "tamper",
    [
        _flip_last_byte,
        _flip_mac,
        _truncated,
        _foreign_key,
        lambda _: b"",
        lambda _: _Booby(),
        lambda _: "text",
    ],
    ids=["flipped-byte", "wrong-mac", "truncated", "foreign-key", "empty", "pickle", "text"],
)
def test_a_tampered_entry_gives_the_findings_of_no_cache(
    tamper: Any,
    snap_file: Path,
    capsys: pytest.CaptureFixture[str],
    analyses: Analyses,
    analysis_cache_dir: Path,
) -> None:
    UNPICKLED.clear()
    truth = _findings(capsys, snap_file, fmt="csv")  # analysed and stored
    key, entry = _only_entry(analysis_cache_dir)
    _replace_entry(analysis_cache_dir, key, tamper(entry))
    assert _findings(capsys, snap_file, fmt="csv") == truth
    assert analyses.count == 2 and not UNPICKLED  # analysed again; nothing unpickled
    assert _only_entry(analysis_cache_dir) == (key, entry)  # rebuilt as it was


def test_an_entry_under_another_key_is_not_taken(
    snap_file: Path, capsys: pytest.CaptureFixture[str], analyses: Analyses, analysis_cache_dir: Path
) -> None:
    """A valid entry, MAC and all, moved to another day's key: its JSON names its own key."""
    _findings(capsys, snap_file)
    _, entry = _only_entry(analysis_cache_dir)
    other = EntryKey.of(snapshot_digest(snap_file), dt.date(2026, 6, 2), Settings(), as_of=True)
    _replace_entry(analysis_cache_dir, other.store_key(), entry)
    assert AnalysisCache().load(other) is None
    _findings(capsys, snap_file, "--as-of", "2026-06-02")
    assert analyses.count == 2


def test_the_key_holds_what_the_rules_read() -> None:
    day = dt.date(2026, 6, 1)
    base = EntryKey.of("a" * 64, day, Settings())
    changed = [
        EntryKey.of("b" * 64, day, Settings()),
        EntryKey.of("a" * 64, day + dt.timedelta(days=1), Settings()),
        EntryKey.of("a" * 64, day, Settings(), as_of=True),  # IAM clock on that day, not the snapshot's
        EntryKey.of("a" * 64, day, Settings(classification_tag_key="Sensitivity")),
        EntryKey.of("a" * 64, day, Settings(allowed_regions=("eu-west-1",))),
        EntryKey.of("a" * 64, day, Settings(min_log_retention_days=30)),
        replace(base, tool="0.2.0"),
        replace(base, code="edited"),
    ]
    assert len({base.store_key(), *(k.store_key() for k in changed)}) == 1 + len(changed)
    assert base.to_json()["format"] == analysis_cache.CACHE_FORMAT


def test_suppressions_overrides_and_the_file_are_not_in_the_key(config: Path) -> None:
    settings = load_settings(config)
    assert settings.suppressions and settings.severity_overrides and settings.source
    day = dt.date(2026, 6, 1)
    assert EntryKey.of("a" * 64, day, settings) == EntryKey.of("a" * 64, day, Settings())


@pytest.mark.parametrize(
    ("extra", "config_text"),
    [(("--as-of", "2026-06-02"), None), ((), 'classification_tag_key = "Sensitivity"\n')],
    ids=["another-day", "another-classification-tag"],
)
def test_another_day_or_tag_key_is_a_miss(
    extra: tuple[str, ...],
    config_text: str | None,
    snap_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    analyses: Analyses,
    analysis_cache_dir: Path,
) -> None:
    _findings(capsys, snap_file)
    argv: list[str] = list(extra)
    if config_text is not None:
        path = tmp_path / "tag.toml"
        path.write_text(config_text)
        argv += ["--config", str(path)]
    main(["findings", str(snap_file), "--as-of", AS_OF, *argv])  # a later --as-of wins
    capsys.readouterr()
    assert analyses.count == 2 and len(_entries(analysis_cache_dir)) == 2


def test_the_cache_files_are_private(capsys: pytest.CaptureFixture[str], analysis_cache_dir: Path) -> None:
    key = EntryKey.of(snapshot_digest(DEMO_SNAPSHOT), DEMO_TODAY, Settings(), as_of=True)
    assert AnalysisCache().store(key, CachedAnalysis.of(analysed_demo()))  # big: a value file
    assert AnalysisCache().load(key) is not None
    files = [p for p in analysis_cache_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".val" for p in files) and any(p.name == "cache.db" for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in [analysis_cache_dir, *(p for p in analysis_cache_dir.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


def test_a_loose_cache_directory_is_made_private(tmp_path: Path) -> None:
    directory = tmp_path / "loose"
    directory.mkdir(mode=0o755)
    (directory / "cache.db").touch(mode=0o644)
    os.chmod(directory, 0o755)
    cache = AnalysisCache(directory, key=b"k")
    cache.store(EntryKey.of("a" * 64, DEMO_TODAY, Settings()), _empty_entry())
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "cache.db").stat().st_mode) == 0o600


def _empty_entry() -> CachedAnalysis:
    return CachedAnalysis(snapshot={"source": "test"}, functions=0, rules=(), raw_findings=(), texts=())


def test_the_directory_honours_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path / "mine"))
    assert default_directory() == tmp_path / "mine" / "analysis"
    monkeypatch.delenv("LAMBDASCOPE_CACHE_DIR")
    import platformdirs

    assert default_directory() == Path(platformdirs.user_cache_dir("lambdascope")) / "analysis"


def test_runs_write_under_the_environments_directory(
    snap_file: Path, capsys: pytest.CaptureFixture[str], analysis_cache_dir: Path
) -> None:
    _findings(capsys, snap_file)
    assert len(_entries(analysis_cache_dir)) == 1


@pytest.mark.parametrize("breakage", ["dir-is-a-file", "garbage-database"])
def test_an_unusable_cache_changes_nothing_but_speed(
    breakage: str, snap_file: Path, capsys: pytest.CaptureFixture[str], analysis_cache_dir: Path
) -> None:
    truth = _findings(capsys, snap_file, "--no-cache")
    if breakage == "dir-is-a-file":
        analysis_cache_dir.parent.mkdir(parents=True)
        analysis_cache_dir.write_text("not a directory")
    else:
        analysis_cache_dir.mkdir(parents=True)
        (analysis_cache_dir / "cache.db").write_bytes(b"this is not SQLite" * 100)
    assert _findings(capsys, snap_file) == truth
    assert _findings(capsys, snap_file) == truth


def test_the_code_fingerprint_follows_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fingerprinted_pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "rules.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cache_store, "CODE_PACKAGES", ("fingerprinted_pkg",))
    fingerprint = REAL_FINGERPRINT
    first = fingerprint()
    assert fingerprint() == first
    (package / "sub" / "rules.py").write_text("X = 22\n")
    assert fingerprint() != first


REAL_FINGERPRINT = cache_store.code_fingerprint  # before the conftest pins it for each test


def test_a_hit_settles_exactly_as_the_analysis_does() -> None:
    """Both ways of settling a cached analysis give the analysis's own settled findings: without
    texts (markdown, sarif), or with the cached text of each finding no setting touched (json,
    csv), a re-rated or suppressed one with none (printed from the finding)."""
    analysis = analysed_demo()
    arns = sorted({f.resource for f in analysis.findings})
    settings = Settings(
        severity_overrides={"config.no-tracing": Severity.CRITICAL},
        suppressions=(
            Suppression("config.*", "accepted", "alice", arns[0]),
            Suppression("reach.*", "lapsed", "bob", "*", dt.date(2020, 1, 1)),
            Suppression("iam.admin", "unused", "carol", "arn:aws:iam::000000000000:role/none"),
        ),
    )
    expected = analysis.with_settings(settings)
    key = {"test": "settle"}
    stored = b"".join(CachedAnalysis.of(analysis).payload(key))
    cached = CachedAnalysis.from_payload(stored, key)  # read back, as a hit is
    full = cached_report(cached, settings, analysis.today)
    assert list(full.findings) == list(expected.findings) and not full.texts
    cached = CachedAnalysis.from_payload(stored, key)  # nothing parsed yet
    bare = cached_report(cached, settings, analysis.today, evidence=False)
    untouched = [f.evidence for f, text in zip(bare.findings, bare.texts, strict=True) if text is not None]
    assert untouched and all(isinstance(e, DeferredEvidence) and not e.parsed for e in untouched)
    assert len(bare.texts) == len(bare.findings) == len(expected.findings)
    touched = 0
    for finding, text, want in zip(bare.findings, bare.texts, expected.findings, strict=True):
        touched += text is None
        assert finding == want and text in (None, finding_text(want))
    assert touched and touched < len(expected.findings)
    for report in (full, bare):
        assert report.expired_suppressions == expected.expired_suppressions
        assert report.unused_suppressions == expected.unused_suppressions
        assert report.suppressed == expected.suppressed > 0


@pytest.mark.parametrize("command", [["open", "x.lsnap"], ["demo"], ["live", "--region", "eu-west-1"]])
def test_the_tui_commands_accept_no_cache(command: list[str]) -> None:
    parser = build_parser()
    assert parser.parse_args([*command, "--no-cache"]).no_cache is True
    assert parser.parse_args(command).no_cache is False


def _modules_after_a_hit() -> set[str]:
    """The modules a fresh `lambdascope findings` loads when the cache holds its analysis."""
    import subprocess
    import sys

    from tests.paths import ROOT

    key = EntryKey.of(snapshot_digest(DEMO_SNAPSHOT), DEMO_TODAY, Settings(), as_of=True)
    assert AnalysisCache().store(key, CachedAnalysis.of(analysed_demo()))
    probe = (
        "import contextlib, io, sys\n"
        "import tui.cache.store as cache\n"
        "cache.code_fingerprint = lambda: 'cli-test-code'  # as the conftest pins it\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['findings', {str(DEMO_SNAPSHOT)!r}, '--as-of', {DEMO_TODAY.isoformat()!r}])\n"
        "assert code == 0 and '\"findings\": [' in out.getvalue(), code\n"
        "print('\\n'.join(sys.modules))\n"
    )
    env = {**os.environ, "LAMBDASCOPE_HASH_KEY": "cli-test-local-key"}  # the conftest's key
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_a_hit_builds_no_model_graph_or_policy_engine() -> None:
    loaded = _modules_after_a_hit()
    assert "tui.cli.cached_analysis" in loaded
    heavy = ("analyzers.analysis", "analyzers.reach", "analyzers.iam", "estate.graph", "policy", "numpy")
    assert not {m for m in loaded if m.startswith(heavy)}
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "boto3", "policy_sentry")}


def test_a_hit_imports_neither_networkx_nor_detect_secrets() -> None:
    """Both are imported lazily (analyzers.findings' RuleContext, estate.secrets' plugins): they
    were 0.4 s of a hit's 1 s budget."""
    loaded = _modules_after_a_hit()
    assert not {m for m in loaded if m.split(".")[0] in ("networkx", "detect_secrets")}


def test_an_entry_holds_no_secret_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], analysis_cache_dir: Path
) -> None:
    """A snapshot taken with --keep-secrets holds env values in clear; its findings, so its cache
    entry, hold the secret's kind, length and keyed hash, never the value."""
    secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    snap = export_snapshot(snapshot_of([function("pay", env={"STRIPE_KEY": secret})]), tmp_path / "k.lsnap")
    out = _findings(capsys, snap)
    assert "config.env-secret" in out and "Stripe" in out and secret not in out
    _, entry = _only_entry(analysis_cache_dir)
    assert secret.encode() not in entry and secret[8:].encode() not in entry
