"""One principal at a glance, for the IAM pane: what it may do on the sensitive services (counts
per service and access level), whether it is an administrator, and how it can escalate."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from analyzers.iam.analysis import IamAnalysis, analyze_iam
from analyzers.iam.escalation.paths import EscalationPath
from analyzers.iam.privilege import SENSITIVE_SERVICES
from estate.model import Estate


class Analysed(Protocol):
    """What an `analyzers.analysis.Analysis` offers here (named structurally: iam sits below it)."""

    @property
    def estate(self) -> Estate: ...

    @property
    def iam(self) -> IamAnalysis | None: ...


_BY_ESTATE: dict[int, IamAnalysis] = {}


@dataclass(frozen=True, slots=True)
class AccessCounts:
    """How many actions are allowed everywhere, only under conditions, only on some resources."""

    allowed: int = 0
    conditional: int = 0
    scoped: int = 0

    @property
    def total(self) -> int:
        return self.allowed + self.conditional + self.scoped


@dataclass(frozen=True, slots=True)
class PrincipalSummary:
    arn: str
    name: str
    kind: str  # role | user
    admin: bool  # every action on every resource, unconditionally
    boundary: str | None
    services: Mapping[str, Mapping[str, AccessCounts]]  # sensitive service -> access level -> counts
    escalations: tuple[EscalationPath, ...]  # to strictly more privileged principals, best first
    functions: tuple[str, ...]  # functions that execute as it

    @property
    def can_escalate(self) -> bool:
        return any(not p.conditional for p in self.escalations)


def iam_analysis(source: Analysed | Estate) -> IamAnalysis:
    """The IAM analysis of an Analysis (computed with it) or of an Estate (computed once, kept
    while the estate lives)."""
    if not isinstance(source, Estate):
        if source.iam is not None:
            return source.iam
        source = source.estate
    key = id(source)
    held = _BY_ESTATE.get(key)
    if held is None or held.model.estate is not source:
        held = _BY_ESTATE[key] = analyze_iam(source)
        weakref.finalize(source, _BY_ESTATE.pop, key, None)
    return held


def principal_summary(source: Analysed | Estate, arn: str) -> PrincipalSummary:
    """The summary of one role or user (KeyError when the estate has no such principal)."""
    iam = iam_analysis(source)
    model = iam.model
    principal = model.actors.get(arn)
    if principal is None:
        raise KeyError(f"no role or user {arn} in the estate")
    permissions = model.effective(arn)
    catalogue = permissions.catalogue
    allowed, conditional, scoped = permissions.bits()
    services: dict[str, dict[str, AccessCounts]] = {}
    for service in SENSITIVE_SERVICES:
        service_mask = catalogue.service_mask(service)
        levels = {}
        for level in catalogue.levels:
            mask = service_mask & catalogue.level_mask(level)
            counts = AccessCounts(
                (allowed & mask).bit_count(), (conditional & mask).bit_count(), (scoped & mask).bit_count()
            )
            if mask:
                levels[level] = counts
        services[service] = levels
    functions = tuple(sorted(f.arn for f in model.functions_by_role.get(arn, ())))
    return PrincipalSummary(
        arn=arn,
        name=principal.name,
        kind=principal.kind,
        admin=permissions.is_full_access(),
        boundary=principal.boundary_arn,
        services=services,
        escalations=tuple(iam.paths.get(arn, ())),
        functions=functions,
    )
