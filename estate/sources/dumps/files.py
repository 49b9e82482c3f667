"""Reading one dump file: the AWS CLI's JSON output, an empty file, or the CLI's error text.

The CLI prints nothing for an empty answer (`{}`), and on failure prints
`An error occurred (Code) when calling the Operation operation: message` on stderr; the dump
script saves that text in place of the output, so a refusal (AccessDenied: a gap) and a
"there is none" answer (ResourceNotFoundException: a fact) both survive into the import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estate.errors import LambdascopeError
from estate.sources.dumps.kinds import FileKind
from estate.sources.dumps.shapes import MALFORMED_CODE, malformed_dump

# awscli: "An error occurred (%s) when calling the %s operation%s: %s" (retries noted in the middle).
_CLI_ERROR = re.compile(
    r"An error occurred \((?P<code>[^)]+)\) when calling the (?P<op>\w+) operation"
    r"(?: \(reached max retries: \d+\))?: ?(?P<message>.*)",
    re.DOTALL,
)
# What the AWS CLI prints when a call never reached the API (no status code, no operation name);
# the dump script saves it like any other failure, and the import records it as a gap.
_CLI_TRANSPORT_ERROR = re.compile(
    r"(Could not connect to the endpoint URL|Connect timeout on endpoint URL|Read timeout on endpoint URL"
    r"|Unable to locate credentials|The config profile \(.*\) could not be found)[^\n]*"
)
_MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CliError:
    """A refusal or not-found answer the dump saved as the CLI's error text."""

    code: str
    message: str

    def detail(self) -> str:
        """The coverage detail: the code and message (a malformed file's message names it)."""
        return self.message if self.code == MALFORMED_CODE else f"{self.code}: {self.message}"


def shown(path: Path, root: Path) -> str:
    """The file as the user knows it: relative to the dump directory."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_dump_file(path: Path, root: Path, kind: FileKind) -> dict[str, Any] | CliError:
    """The response the file holds, or the error the CLI reported; a LambdascopeError if neither."""
    name = shown(path, root)
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise LambdascopeError(f"{name}: file is larger than 512 MiB; not an AWS CLI output")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LambdascopeError(
            f"{name}: not UTF-8 text; expected the JSON output of {_command(kind)}"
        ) from exc
    except OSError as exc:
        raise LambdascopeError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    stripped = text.strip()
    if not stripped:
        if kind.empty == "{}":
            return {}
        if kind.empty:
            return CliError(kind.empty, "empty file: the dump says there is none")
        raise LambdascopeError(f"{name}: empty file; expected the JSON output of {_command(kind)}")
    if not stripped.startswith(("{", "[")):
        found = _CLI_ERROR.search(stripped)
        if found is None and (transport := _CLI_TRANSPORT_ERROR.search(stripped)) is not None:
            return CliError("EndpointConnectionError", " ".join(transport.group(0).split())[:300])
        if found is None:
            raise LambdascopeError(f"{name}: neither JSON nor an AWS CLI error message")
        if found["op"] not in {kind.operation, kind.record_operation}:
            raise LambdascopeError(
                f"{name}: holds an error from {found['op']}, not from {_command(kind)} "
                "(file name and content differ)"
            )
        return CliError(found["code"], " ".join(found["message"].split())[:300])
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise LambdascopeError(
            f"{name}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    if kind.prepare is not None:
        data = kind.prepare(data)
    check_shape(data, kind, name)
    problem = malformed_dump(data, kind)
    if problem is not None:  # a gap naming the file and the field (the importer notes CliErrors)
        what = "response" if kind.stored else "request"  # a --cli-input-json file is the request
        return CliError(MALFORMED_CODE, f"{name}: malformed {what}: {problem}")
    return data


def check_shape(data: Any, kind: FileKind, name: str) -> None:
    """The content must be what the command prints: an object with one of the kind's keys."""
    if not isinstance(data, dict):
        raise LambdascopeError(
            f"{name}: expected a JSON object from {_command(kind)}, got a {type(data).__name__}"
        )
    if data and not any(key in data for key in kind.shape):
        keys = ", ".join(sorted(map(str, data))[:5])
        wanted = " or ".join(kind.shape)
        raise LambdascopeError(
            f"{name}: does not look like the output of {_command(kind)} (no {wanted}; has {keys})"
        )
    if not data and kind.empty != "{}":
        raise LambdascopeError(f"{name}: an empty object is not an output of {_command(kind)}")


def _command(kind: FileKind) -> str:
    service, _, rest = kind.stem.partition("-")
    return f"`aws {service} {rest}`"
