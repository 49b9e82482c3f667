"""Late-bound references in catalogue data (``${kind:name}``), resolved during deployment.

Some ids only exist once AWS (or moto) has created the resource: KMS key ARNs, VPC endpoint ids,
secret ARNs with their random suffix, API ids. The catalogue names them symbolically and each
deploy step records what it created, so later steps (IAM policies, function configuration,
permissions) can substitute the real values.
"""

from __future__ import annotations

import re
from typing import Any

_REF = re.compile(r"\$\{([a-z-]+):([^}]+)\}")


class Refs:
    """A registry of created ids, keyed by (kind, name)."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], str] = {}

    def set(self, kind: str, name: str, value: str) -> None:
        self._values[(kind, name)] = value

    def get(self, kind: str, name: str) -> str:
        try:
            return self._values[(kind, name)]
        except KeyError:
            raise KeyError(f"demo reference ${{{kind}:{name}}} used before it was created") from None

    def resolve(self, value: Any) -> Any:
        """Substitute every reference in a string, or recursively in lists and dicts."""
        if isinstance(value, str):
            return _REF.sub(lambda m: self.get(m.group(1), m.group(2)), value)
        if isinstance(value, list | tuple):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value
