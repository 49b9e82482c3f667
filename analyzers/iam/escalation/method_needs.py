"""Shorthands the method catalogue is written in: the needs, ARN scopes and sources it cites."""

from __future__ import annotations

from analyzers.iam.escalation.types import Need, On

RHINO = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"
RHINO_2 = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/"
IAM_VULNERABLE = "https://github.com/BishopFox/iam-vulnerable"
PATHFINDING = "https://pathfinding.cloud"  # DataDog's catalogue; ids in `EscalationMethod.pathfinding`

ANY = "*"  # actions without resource-level permissions (CreateEventSourceMapping, ...)


def scope(service: str, resource: str) -> str:
    """An ARN pattern for any `resource` (e.g. "function:*") of the caller's account."""
    return f"arn:aws:{service}:*:{{account}}:{resource}"


def passes(service: str) -> Need:
    """iam:PassRole of the target role to `service` (iam:PassedToService)."""
    return Need("iam:PassRole", On.TARGET, passed_to=service)


def new(action: str, pattern: str) -> Need:
    """`action` on some resource of `pattern` the caller creates or picks."""
    return Need(action, On.SCOPE, scope=pattern)


def on_iam(action: str, on: On = On.TARGET) -> Need:
    """An IAM action on the target principal (or on the intermediary, `On.VIA`)."""
    return Need(action, on)


def unlisted(what: str) -> str:
    """The `EscalationMethod.unknown` text for a resource kind the collector does not read."""
    return f"{what} (not collected: the path holds only if one exists)"
