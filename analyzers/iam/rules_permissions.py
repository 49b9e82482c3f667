"""IAM rules on what a principal effectively holds: iam.admin, iam.wildcard, iam.passrole-wildcard.

Every verdict is on EFFECTIVE permissions (identity policies after explicit Deny, the permissions
boundary and SCPs), never on a statement alone: an admin policy under a tight boundary is not
admin, and an Allow that a Deny neutralises grants nothing.
- iam.admin: every action on every resource, unconditionally (critical); every action but some
  only under conditions or outside a Deny's resources: "conditional admin" (high).
- iam.wildcard: an Allow of `*`, `service:*` or NotAction on Resource `*`. High when it reaches a
  sensitive service, medium otherwise, one step lower when the statement is conditional; when a
  boundary, Deny or SCP caps what it grants, low, with what is left (a latent wildcard); when
  nothing is left, no finding.
- iam.passrole-wildcard: iam:PassRole on `*`, or on patterns that match every role of the account
  (high; medium when conditional). Admins are not reported again: iam.admin says it all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from analyzers.findings.context import RuleContext
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.iam.analysis import iam_pass
from analyzers.iam.escalation.principal_index import positions_array
from analyzers.iam.escalation.target_classes import TargetClasses
from analyzers.iam.grant import Grant, account_of
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.privilege import sensitive_mask
from policy.catalogue import load_catalogue
from policy.decision import Hinge, StatementRef
from policy.patterns import pattern_covers

ADMIN: Rule = RULES.register(
    Rule(
        id="iam.admin",
        analyzer="iam",
        severity=Severity.CRITICAL,
        title="The principal effectively has full administrative access (*:*)",
        rationale=(
            "After explicit Denies, the permissions boundary and SCPs, the principal may still perform "
            "every action on every resource: anyone who can act as it (its functions' code, whoever "
            "assumes it) owns the account."
        ),
        remediation=(
            "Replace the administrative grant with the actions and resources the workload uses (IAM "
            "Access Analyzer can generate a policy from CloudTrail), or cap it with a permissions boundary."
        ),
        compliance=("AWS-FSBP:IAM.1", "CIS-AWS-3.0:1.16", "PCI-DSS-4.0:7.2.1", "PCI-DSS-4.0:7.2.2"),
    ),
    check=lambda ctx: ctx.emitted(ADMIN, permission_pass),
)
WILDCARD: Rule = RULES.register(
    Rule(
        id="iam.wildcard",
        analyzer="iam",
        severity=Severity.HIGH,
        title="A wildcard action (*, service:* or NotAction) on every resource",
        rationale=(
            "A wildcard grants every current and future action of the service, including destructive "
            "and permission-changing ones, on every resource of the account."
        ),
        remediation="List the actions used, and the resources they are used on.",
        compliance=("AWS-FSBP:IAM.21", "PCI-DSS-4.0:7.2.1"),
    ),
    check=lambda ctx: ctx.emitted(WILDCARD, permission_pass),
)
PASSROLE_WILDCARD: Rule = RULES.register(
    Rule(
        id="iam.passrole-wildcard",
        analyzer="iam",
        severity=Severity.HIGH,
        title="iam:PassRole on every role",
        rationale=(
            "Passing any role to a service (Lambda, EC2, CloudFormation, ...) lets the principal run "
            "code with the most privileged role of the account."
        ),
        remediation=(
            "Scope iam:PassRole to the roles the workload deploys, and add an iam:PassedToService condition."
        ),
        compliance=("PCI-DSS-4.0:7.2.1", "PCI-DSS-4.0:7.2.2"),
    ),
    check=lambda ctx: ctx.emitted(PASSROLE_WILDCARD, permission_pass),
)
_LOWER = {
    Severity.CRITICAL: Severity.HIGH,
    Severity.HIGH: Severity.MEDIUM,
    Severity.MEDIUM: Severity.LOW,
    Severity.LOW: Severity.LOW,
    Severity.INFO: Severity.INFO,
}


def lower(severity: Severity) -> Severity:
    return _LOWER[severity]


def name_of(model: IamModel, arn: str) -> str:
    principal = model.estate.principals.get(arn)
    return principal.name if principal else arn.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class WildcardStatement:
    """One Allow with wildcard actions on Resource `*`, and what survives of it."""

    ref: StatementRef
    patterns: tuple[str, ...]  # the wildcard Action patterns, or "NotAction ..." for NotAction
    granted: int  # actions the wildcard part grants (bitset)
    surviving: int  # of those, what the principal effectively may do (allowed/conditional/scoped)
    everywhere: int  # of those, what it may do on every resource (allowed or conditional)
    hinges: tuple[Hinge, ...]  # the statement's own open conditions


def wildcard_statements(model: IamModel, arn: str) -> list[WildcardStatement]:
    catalogue = load_catalogue()
    permissions = model.effective(arn)
    allowed, conditional, scoped = permissions.bits()
    out = []
    for policy in model.identity_policies(arn):
        for index, s in enumerate(policy.document.statements):
            if not s.is_allow or not any(pattern_covers(r, "*") for r in s.resources or ()):
                continue
            patterns: tuple[str, ...]
            if s.not_actions is not None:
                patterns = (f"NotAction {', '.join(s.not_actions)}",)
                granted = catalogue.statement_bits(s)
            else:
                wild = tuple(a for a in s.actions or () if a.strip() == "*" or a.strip().endswith(":*"))
                patterns, granted = wild, catalogue.patterns_bits(wild)
            if not patterns or not granted:
                continue
            ref = StatementRef(policy.name, policy.arn, policy.kind, index, s.sid, s.effect)
            surviving = granted & (allowed | conditional | scoped)
            everywhere = granted & (allowed | conditional)
            out.append(
                WildcardStatement(ref, patterns, granted, surviving, everywhere, model.hinges_of(arn, ref))
            )
    return out


def _admin_finding(model: IamModel, arn: str) -> Finding | None:
    permissions = model.effective(arn)
    allowed, conditional, _ = permissions.bits()
    everything = permissions.catalogue.all_bits
    admin = allowed == everything
    if not admin and allowed | conditional != everything:
        return None
    wild = [w for w in wildcard_statements(model, arn) if w.surviving]
    evidence = [Evidence("statement", {**w.ref.to_json(), "actions": list(w.patterns)}) for w in wild]
    boundary = model.boundary(arn)
    evidence.append(Evidence("permissions boundary", boundary.arn if boundary else None))
    name = name_of(model, arn)
    if admin:
        title, severity = (
            f"{name}: full administrative access (every action on every resource)",
            Severity.CRITICAL,
        )
    else:
        hinges = [h for w in wild for h in w.hinges]
        refs = model.deny_statements(arn)
        evidence.append(Evidence("conditions", [h.to_json() for h in hinges]))
        evidence.append(Evidence("denies", [r.to_json() for r in refs]))
        title = f"{name}: every action allowed, some only under conditions or outside denied resources"
        severity = Severity.HIGH
    _note_scps(model, arn, evidence)
    return Finding(ADMIN, arn, title, severity, evidence=tuple(evidence), region="global")


def _wildcard_severity(w: WildcardStatement) -> Severity:
    if w.everywhere != w.granted:
        return Severity.LOW  # capped by a boundary, a Deny or an SCP: only part of it is effective
    base = Severity.HIGH if w.granted & sensitive_mask() else Severity.MEDIUM
    return lower(base) if w.hinges else base


def _wildcard_finding(model: IamModel, arn: str) -> Finding | None:
    catalogue = load_catalogue()
    found = [w for w in wildcard_statements(model, arn) if w.surviving]
    if not found:
        return None
    evidence = []
    severities = []
    for w in found:
        severity = _wildcard_severity(w)
        severities.append(severity)
        capped = w.everywhere != w.granted
        detail = {
            **w.ref.to_json(),
            "actions": list(w.patterns),
            "granted_actions": w.granted.bit_count(),
            "effective_actions": w.surviving.bit_count(),
            "conditions": [h.to_json() for h in w.hinges],
        }
        if capped and w.surviving.bit_count() <= 25:
            detail["effective"] = sorted(catalogue.names(w.surviving))
        evidence.append(Evidence("statement", detail))
    boundary = model.boundary(arn)
    if boundary is not None:
        evidence.append(Evidence("permissions boundary", boundary.arn))
    worst = max(severities, key=lambda s: s.rank)
    patterns = ", ".join(dict.fromkeys(p for w in found for p in w.patterns))
    capped_note = (
        " (capped: only part of it is effective)" if all(w.everywhere != w.granted for w in found) else ""
    )
    title = f"{name_of(model, arn)}: wildcard actions on every resource: {patterns}{capped_note}"
    _note_scps(model, arn, evidence)
    return Finding(WILDCARD, arn, title, worst, evidence=tuple(evidence), region="global")


def _passable_roles(model: IamModel) -> dict[str, list[str]]:
    """Per account, the roles a principal could pass (service-linked roles never can be)."""
    found: dict[str, list[str]] = {}
    for r, p in model.actors.items():
        if p.kind == "role" and "/aws-service-role/" not in p.path + r:
            found.setdefault(account_of(r), []).append(r)
    return found


def _pass_grants(
    model: IamModel,
    arn: str,
    roles: list[str],
    classes: TargetClasses | None,
    ranks: dict[int, np.ndarray],
    masks: dict[int, int] | None = None,
) -> list[Grant] | None:
    """A grant per role the principal may pass (None: some role it may not). One grant per class of
    roles the engine answers alike, in the order of each class's first role: the statements and
    conditions the evidence lists are those of the class (the role named in a grant is not read).
    `ranks` and `masks` keep, per list of roles (one per account), its places and its bitset."""
    mask = None
    if classes is not None:
        mask = None if masks is None else masks.get(id(roles))
        if mask is None:  # (a bitset of the account's thousands of roles, made once, not per caller)
            mask = classes.principals.mask(roles)
            if masks is not None:
                masks[id(roles)] = mask
    found = None if classes is None or mask is None else classes.classes(arn, "iam:PassRole", mask)
    if found is None or classes is None or mask is None:
        grants = []
        for role in roles:  # stops at the first role it may not pass
            grant = model.decide(arn, "iam:PassRole", role)
            if grant is None:
                return None
            grants.append(grant)
        return grants
    allowed = 0
    for part, _ in found:
        allowed |= part
    if allowed & mask != mask:
        return None
    rank = ranks.get(id(roles))
    if rank is None:  # principal position -> its place in `roles` (one list per account)
        rank = ranks[id(roles)] = np.full(len(classes.principals), len(roles), dtype=np.int64)
        rank[[classes.principals.position[r] for r in roles]] = np.arange(len(roles))
    ordered = sorted(found, key=lambda c: int(rank[positions_array(c[0] & mask)].min()))
    return [grant for _, grant in ordered]


def _passrole_finding(
    model: IamModel,
    arn: str,
    roles_of: dict[str, list[str]],
    classes: TargetClasses | None = None,
    ranks: dict[int, np.ndarray] | None = None,
    masks: dict[int, int] | None = None,
) -> Finding | None:
    permissions = model.effective(arn)
    status = permissions.status("iam:PassRole")
    if status is None or permissions.is_full_access():
        return None
    name = name_of(model, arn)
    grants: list[Grant] = []
    if status == "allowed":
        grant = model.on_scope(arn, "iam:PassRole", "*")
        if grant is None:
            return None
        grants, how = [grant], "on *"
    else:  # conditions, Denies or patterns: report when every role of the account may be passed
        roles = roles_of.get(account_of(arn), [])
        if len(roles) < 2:
            return None
        passable = _pass_grants(model, arn, roles, classes, {} if ranks is None else ranks, masks)
        if passable is None:
            return None
        grants = passable
        how = f"on every role of the account ({len(roles)})"
    conditional = any(g.conditional for g in grants)
    refs = list(dict.fromkeys(s for g in grants for s in g.statements))
    hinges = list(dict.fromkeys(h for g in grants for h in g.conditions))
    evidence = [Evidence("statement", r.to_json()) for r in refs]
    if conditional:
        evidence.append(Evidence("conditions", [h.to_json() for h in hinges]))
    severity = Severity.MEDIUM if conditional else Severity.HIGH
    suffix = f", if {', '.join(dict.fromkeys(h.key for h in hinges))}" if conditional else ""
    title = f"{name}: iam:PassRole {how}{suffix}"
    _note_scps(model, arn, evidence)
    return Finding(PASSROLE_WILDCARD, arn, title, severity, evidence=tuple(evidence), region="global")


def _note_scps(model: IamModel, arn: str, evidence: list[Evidence]) -> None:
    """Every IAM verdict is after SCPs: say which, or that they were not collected."""
    note = model.scp_evidence(arn)
    if note is not None:
        evidence.append(note)


def permission_findings(model: IamModel, classes: TargetClasses | None = None) -> Iterator[Finding]:
    """The three rules' findings; `classes` (the IAM analysis') decides PassRole per class of roles."""
    roles_of = _passable_roles(model)
    ranks: dict[int, np.ndarray] = {}  # (the roles_of lists live as long as these)
    masks: dict[int, int] = {}
    for arn in model.actors:
        for finding in (
            _admin_finding(model, arn),
            _wildcard_finding(model, arn),
            _passrole_finding(model, arn, roles_of, classes, ranks, masks),
        ):
            if finding is not None:
                yield finding


def permission_pass(ctx: RuleContext) -> list[Finding]:
    """The three rules' findings in one walk over the principals, shared by their checks."""
    iam = ctx.once(iam_pass)
    return list(permission_findings(iam.model, iam.classes))
