"""Secret detection and redaction for Lambda environment variables.

The collector redacts before anything touches disk (DESIGN.md section 2): by default a snapshot
keeps each variable's key, its value's length, a keyed hash (so two snapshots can be compared
without revealing the value) and the detector's verdict. Detection uses detect-secrets' plugins
with their standard thresholds, plus two checks it lacks for env vars: credentials inside a URL
and a secret-sounding key name holding a non-trivial value.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets as pysecrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REDACTED_MARK = "__lambdascope_redacted__"

# detect-secrets plugins whose verdicts are pattern-based and meaningful on a single value.
_IGNORED_PLUGINS = {"Public IP (ipv4)", "Secret Keyword"}
_URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@", re.IGNORECASE)
_SECRET_KEY_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)", re.IGNORECASE
)
_OBVIOUS_NON_SECRET = re.compile(
    r"^(true|false|yes|no|on|off|none|null|debug|info|warn|warning|error|critical|\d+(\.\d+)?"
    r"|arn:aws[a-z-]*:.*|https?://[^@\s]*|[a-z0-9._/-]{1,24})$",
    re.IGNORECASE,
)


@functools.cache
def _plugins() -> tuple[Any, ...]:
    # Imported on first use: a cached `findings` run reads no env value and should not pay for it.
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping: dict[str, Any] = get_mapping_from_secret_type_to_class()
    return tuple(cls() for name, cls in mapping.items() if name not in _IGNORED_PLUGINS)


def detect_secret(key: str, value: str) -> str | None:
    """Name the kind of secret `value` looks like ('Stripe Access Key', ...), or None."""
    if not value:
        return None
    url_match = _URL_CREDENTIALS.match(value)
    if url_match and url_match.group(1) not in {"", "*", "x"}:
        return "Credentials in URL"
    found: list[str] = []
    line = f'{key}="{value}"'
    for plugin in _plugins():  # plugins carry their own thresholds; no global settings needed
        found.extend(s.type for s in plugin.analyze_line(filename="env", line=line, line_number=1))
    named = [kind for kind in found if "High Entropy" not in kind]
    if named:
        return named[0]
    if found and not _OBVIOUS_NON_SECRET.match(value):
        return found[0]
    if _SECRET_KEY_NAME.search(key) and len(value) >= 8 and not _OBVIOUS_NON_SECRET.match(value):
        return "Secret-named variable"
    return None


def _default_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lambdascope" / "hash.key"


@functools.cache
def hash_key() -> bytes:
    """The local key for value hashes: from LAMBDASCOPE_HASH_KEY, else a file created once.

    Kept out of the snapshot on purpose: a reviewer who receives a snapshot cannot brute-force
    short values from their hashes, while the same operator can still diff two snapshots.
    """
    env_key = os.environ.get("LAMBDASCOPE_HASH_KEY")
    if env_key:
        return env_key.encode()
    path = _default_key_path()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = pysecrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except OSError:
        return b"lambdascope-ephemeral-" + pysecrets.token_hex(16).encode()


def value_digest(value: str, key: bytes | None = None) -> str:
    return hmac.new(key or hash_key(), value.encode(), hashlib.sha256).hexdigest()[:32]


def redact_value(key: str, value: str) -> dict[str, Any]:
    """What a snapshot keeps of one env var by default."""
    return {
        REDACTED_MARK: True,
        "length": len(value),
        "hmac_sha256": value_digest(value),
        "secret": detect_secret(key, value),
    }


def redact_environment(variables: Mapping[str, str]) -> dict[str, Any]:
    return {k: redact_value(k, v) for k, v in variables.items()}


def mask(value: str) -> str:
    """How a secret value is shown when the user kept secrets: never in full."""
    if len(value) <= 8:
        return "•" * len(value)
    return value[:4] + "•" * min(len(value) - 4, 12)
