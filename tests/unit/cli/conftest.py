"""Every CLI test caches analyses in a directory of its own, never the user's cache."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def analysis_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The analysis cache of this test (`$LAMBDASCOPE_CACHE_DIR/analysis`), under a fixed local
    key and a fixed code fingerprint: the checkout's files may change while tests run, and a test
    expecting a cache hit must not see a miss for it."""
    monkeypatch.setenv("LAMBDASCOPE_CACHE_DIR", str(tmp_path / "lambdascope-cache"))
    monkeypatch.setattr("estate.secrets.hash_key", lambda: b"cli-test-local-key")
    monkeypatch.setattr("tui.cache.store.code_fingerprint", lambda: "cli-test-code")
    return tmp_path / "lambdascope-cache" / "analysis"
