"""Shorthands shared by the function catalogues: traffic presets and the usual env vars."""

from __future__ import annotations

from typing import Any

from .specs import FunctionSpec, Traffic


def busy(per_5min: float, duration_ms: float) -> Traffic:
    """Customer-facing: follows the region's business day, quieter at weekends."""
    return Traffic(per_5min, duration_ms)


def flat(per_5min: float, duration_ms: float) -> Traffic:
    """Machine-driven traffic with no daily rhythm."""
    return Traffic(per_5min, duration_ms, pattern="flat")


def sparse(per_5min: float, duration_ms: float) -> Traffic:
    """Rarely called: most 5-minute periods have no invocation (and so no datapoint)."""
    return Traffic(per_5min, duration_ms, pattern="sparse")


def daily(hour: int, minute: int, minutes: int, per_5min: float, duration_ms: float) -> Traffic:
    """A scheduled batch: invocations only while the run lasts."""
    return Traffic(per_5min, duration_ms, pattern="batch", batch_at=((hour, minute),), batch_minutes=minutes)


def every(minutes: int, duration_ms: float, offset: int = 0) -> Traffic:
    """A rate(N minutes) schedule: one invocation per slot."""
    slots = tuple(divmod(m, 60) for m in range(offset, 24 * 60, minutes))
    return Traffic(1, duration_ms, pattern="batch", batch_at=slots, batch_minutes=5)


def env(name: str, **extra: str) -> dict[str, str]:
    """The variables nearly every function has (none of them secret)."""
    return {
        "LOG_LEVEL": "INFO",
        "POWERTOOLS_SERVICE_NAME": name,
        "ENVIRONMENT": "prod",
        **extra,
    }


def make(
    region: str,
    name: str,
    team: str,
    description: str,
    runtime: str,
    role: str,
    traffic: Traffic,
    **kwargs: Any,
) -> FunctionSpec:
    if "env" not in kwargs:
        kwargs["env"] = env(name)
    return FunctionSpec(
        name=name,
        region=region,
        team=team,
        description=description,
        runtime=runtime,
        role=role,
        traffic=traffic,
        **kwargs,
    )


COST_CENTRES = {
    "payments": "cc-1010",
    "cards": "cc-1020",
    "ledger": "cc-1030",
    "settlement": "cc-1040",
    "treasury": "cc-1050",
    "kyc": "cc-1060",
    "risk": "cc-1070",
    "statements": "cc-1080",
    "platform": "cc-1090",
    "notifications": "cc-1100",
    "partners": "cc-1110",
    "growth": "cc-1120",
}
