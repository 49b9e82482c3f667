"""The IAM side of an estate as the policy engine sees it: each principal's policies, cached.

`IamModel` gathers, once per principal, the policies AWS would evaluate for it (inline, attached
managed and, for users, every group's inline and attached policies; the permissions boundary; the
SCPs of its account when known) and answers the questions the IAM rules ask, with caches:
- `effective(arn)`: what the principal may do per action over a scope (the engine's bitsets);
- `ceiling(arn)`: what it could do once an attacker controls its identity policies (the Denies and
  boundary it cannot remove, and the SCPs, still cap it: control_ceiling);
- `decide(arn, action, resource, ...)`: one request through the engine's evaluator, with the
  granting statements and, when conditional, the open questions;
- `on_scope(arn, action, scope)`: whether the action is allowed on *some* resource of a scope
  (a resource the caller creates and names itself), with the statements behind it.
Documents that do not parse are left out and recorded in `problems` (never guessed at).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from analyzers.findings.model import Evidence
from analyzers.iam.clock import evaluation_time, time_context
from analyzers.iam.control_ceiling import BOUNDARY, caps_present, is_inline, kept_denies
from analyzers.iam.grant import Grant, Outcome, account_of, loose_regex, retarget, trust_naming
from analyzers.iam.org_policies import org_layers, scp_evidence
from analyzers.iam.signature import ResourceSignatures
from analyzers.iam.trust_policies import TrustPolicies
from estate.model import Estate, IamPrincipal, LambdaFunction, PolicyJSON
from policy.actions import statement_applies_to_action
from policy.conditions import evaluate_conditions
from policy.context import ContextInput, RequestContext
from policy.decision import Hinge, StatementRef
from policy.document import PolicyParseError
from policy.effective import EffectivePermissions, effective_permissions
from policy.evaluate import evaluate
from policy.principals import parse_caller
from policy.request import NamedPolicy, PolicyKind, Request
from policy.truth import Tri
from policy.variables import uses_variables

TrustMode = Literal["none", "actual", "rewritten"]
ACTORS = ("role", "user")  # groups hold policies but never act
_ALLOW_ALL_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
ALLOW_ALL = NamedPolicy.parse("any policy it could be given", _ALLOW_ALL_DOC)


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """A document the engine could not parse: who carries it, which policy, and why."""

    holder: str  # principal ARN (inline, trust, boundary) or the managed policy's ARN
    policy: str
    message: str


def _tag_context(prefixes: tuple[str, ...], tags: Mapping[str, str]) -> dict[str, ContextInput]:
    return {f"{prefix}/{key}": value for prefix in prefixes for key, value in tags.items()}


def _relevant(policy: NamedPolicy, actions: tuple[str, ...]) -> tuple[object, ...] | None:
    """What the engine reads of a policy for these actions, hashable; None when such a statement
    has a Condition or a policy variable (answers that may depend on who asks)."""
    found: list[object] = []
    for index, s in enumerate(policy.document.statements):
        if not any(statement_applies_to_action(s, action) for action in actions):
            continue
        patterns = (*(s.resources or ()), *(s.not_resources or ()))
        if s.conditions or any("${" in p for p in patterns):
            return None
        principals = (s.principals, s.not_principals)
        found.append(
            (index, s.effect, s.sid, *principals, s.actions, s.not_actions, s.resources, s.not_resources)
        )
    if found:
        found.append(policy.document.version)
    return tuple(found)


class IamModel(TrustPolicies):
    """Policies per principal from an Estate, and cached engine answers about them."""

    def __init__(
        self,
        estate: Estate,
        scps: Mapping[str, Sequence[NamedPolicy]] | None = None,
        rcps: Mapping[str, Sequence[NamedPolicy]] | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        """`scps`/`rcps` (account -> policies, org_level set) override what the estate's
        Organizations records say (estate.org_policies); tests pass them directly. Time-bound
        conditions are decided at the snapshot's time, or at the start of the `as_of` day."""
        self.estate = estate
        self.at = evaluation_time(estate, as_of)
        self._times = {kind: time_context(self.at, kind) for kind in ("role", "user")}
        self.problems: list[PolicyProblem] = []
        self.explicit_org = scps is not None
        self.scps, scp_problems = (
            ({a: tuple(p) for a, p in scps.items()}, []) if scps is not None else org_layers(estate, "scps")
        )
        self.rcps, rcp_problems = (
            ({a: tuple(p) for a, p in rcps.items()}, []) if rcps is not None else org_layers(estate, "rcps")
        )
        for problem in (*scp_problems, *rcp_problems):
            arn, _, message = problem.partition(": ")
            self.problems.append(
                PolicyProblem(arn, arn.rsplit("/", 1)[-1], f"could not be parsed ({message})")
            )
        self.actors = {a: p for a, p in sorted(estate.principals.items()) if p.kind in ACTORS}
        self.groups = {a: p for a, p in sorted(estate.principals.items()) if p.kind == "group"}
        self._group_by_name = {(account_of(a), g.name): a for a, g in self.groups.items()}
        self.functions_by_role: dict[str, list[LambdaFunction]] = defaultdict(list)
        for fn in estate.functions:
            self.functions_by_role[fn.role_arn].append(fn)
        self._managed: dict[str, NamedPolicy | None] = {}
        self._identity: dict[str, tuple[NamedPolicy, ...]] = {}
        self._boundary: dict[str, NamedPolicy | None] = {}
        self._effective: dict[tuple[str, str], EffectivePermissions] = {}
        self._caps: dict[str, frozenset[str]] = {}
        self._uncapped: EffectivePermissions | None = None  # the ceiling of whoever nothing caps
        self._decisions: dict[tuple[str, ...], Grant | None] = {}
        self.signatures = ResourceSignatures(self._request_policies)
        self._by_signature: dict[tuple[object, ...], Grant | None] = {}  # grants name their resource
        self._scoped: dict[tuple[str, str, str], Grant | None] = {}
        self._everywhere: dict[tuple[str, str], Grant | None] = {}
        self._filters: dict[tuple[str, str], re.Pattern[str] | None] = {}
        self._patterns: dict[tuple[str, str], tuple[str, ...] | None] = {}
        self._sharing: dict[tuple[str, tuple[str, ...]], tuple[object, ...] | None] = {}
        self._contexts: dict[str, RequestContext] = {}
        self._init_trust()
        for arn in self.actors:  # parse everything now, so `problems` is complete
            self.identity_policies(arn)
            self.boundary(arn)
            if self.actors[arn].kind == "role":
                self.trust(arn)

    # -- policies ---------------------------------------------------------------------------
    def _parse(
        self, holder: str, name: str, doc: PolicyJSON | None, kind: PolicyKind, arn: str | None
    ) -> NamedPolicy | None:
        if doc is None:
            return None
        try:
            return NamedPolicy.parse(name, doc, kind, arn=arn)
        except PolicyParseError as exc:
            self.problems.append(PolicyProblem(holder, name, f"could not be parsed ({exc})"))
            return None

    def managed(self, arn: str, kind: PolicyKind = "identity") -> NamedPolicy | None:
        key = f"{kind}|{arn}"
        if key not in self._managed:
            policy = self.estate.policies.get(arn)
            doc = policy.document if policy else None
            name = policy.name if policy else arn.rsplit("/", 1)[-1]
            if doc is None:  # attached, but its document was not collected: what it grants is unknown
                self.problems.append(PolicyProblem(arn, name, "its document is not in the snapshot"))
            self._managed[key] = self._parse(arn, name, doc, kind, arn)
        return self._managed[key]

    def groups_of(self, arn: str) -> tuple[str, ...]:
        principal = self.estate.principals.get(arn)
        if principal is None or principal.kind != "user":
            return ()
        found = (self._group_by_name.get((account_of(arn), name)) for name in principal.group_names)
        return tuple(g for g in found if g is not None)

    def _own_policies(self, principal: IamPrincipal) -> list[NamedPolicy]:
        out: list[NamedPolicy] = []
        for inline in principal.inline_policies:
            node = f"{principal.arn}#inline/{inline.name}"
            parsed = self._parse(principal.arn, inline.name, inline.document, "identity", node)
            if parsed is not None:
                out.append(parsed)
        for arn in principal.attached_policy_arns:
            managed = self.managed(arn)
            if managed is not None:
                out.append(managed)
        return out

    def identity_policies(self, arn: str) -> tuple[NamedPolicy, ...]:
        """Inline + attached policies, and for a user those of every group it is in."""
        cached = self._identity.get(arn)
        if cached is None:
            principal = self.estate.principals.get(arn)
            policies = self._own_policies(principal) if principal else []
            for group in self.groups_of(arn):
                policies.extend(self._own_policies(self.estate.principals[group]))
            cached = self._identity[arn] = tuple(policies)
        return cached

    def boundary(self, arn: str) -> NamedPolicy | None:
        if arn not in self._boundary:
            principal = self.estate.principals.get(arn)
            bound = principal.boundary_arn if principal else None
            self._boundary[arn] = self.managed(bound, "boundary") if bound else None
        return self._boundary[arn]

    def scps_for(self, arn: str) -> tuple[NamedPolicy, ...]:
        """The SCPs capping a principal (none for service-linked roles, which SCPs never affect)."""
        if "/aws-service-role/" in arn:
            return ()
        return tuple(self.scps.get(account_of(arn), ()))

    def scp_evidence(self, arn: str) -> Evidence | None:
        """What a finding on `arn` says about the SCPs it was computed under (gaps above all)."""
        if "/aws-service-role/" in arn:
            return None
        note = scp_evidence(self.estate, account_of(arn), self.explicit_org)
        return None if note is None else Evidence("service control policies", note)

    def rcps_for(self, resource: str) -> tuple[NamedPolicy, ...]:
        """The RCPs of the account that owns `resource`."""
        return tuple(self.rcps.get(account_of(resource), ()))

    def sharing_key(self, arn: str, actions: tuple[str, ...]) -> tuple[object, ...] | None:
        """Principals with equal keys get the same identity-route answers from the engine on these
        actions, so the escalation search may check one of them for all (None: check it alone).

        Equal when kind and account are, and so are the statements that apply to the actions in
        every layer (identity policies, boundary, SCPs; compared by policy name, ARN, kind and
        content), and none of them has a Condition or a policy variable: then nothing of the
        principal itself (ARN, tags) reaches a decision.
        """
        key = (arn, actions)
        if key not in self._sharing:
            self._sharing[key] = self._sharing_key(arn, actions)
        return self._sharing[key]

    def _sharing_key(self, arn: str, actions: tuple[str, ...]) -> tuple[object, ...] | None:
        principal = self.estate.principals.get(arn)
        if principal is None:
            return None
        bound = self.boundary(arn)
        parts: list[object] = [principal.kind, account_of(arn), "/aws-service-role/" in arn]
        capping = (*((bound,) if bound is not None else ()), *self.scps_for(arn))
        for layer, policies in (("identity", self.identity_policies(arn)), ("cap", capping)):
            for policy in policies:
                found = _relevant(policy, actions)
                if found is None:
                    return None
                if found or layer == "cap":  # a cap without a statement for it still denies
                    parts.append((policy.name, policy.arn, policy.kind, policy.org_level, *found))
        return tuple(parts)

    # -- context ----------------------------------------------------------------------------
    def principal_context(self, arn: str) -> dict[str, ContextInput]:
        principal = self.estate.principals.get(arn)
        if principal is None:
            return {}
        tags = _tag_context(("aws:PrincipalTag",), principal.tags)
        times = self._times.get(principal.kind)
        return {**times, **tags} if times else tags

    def resource_context(self, resource: str) -> dict[str, ContextInput]:
        principal = self.estate.principals.get(resource)
        if principal is None or not principal.tags:
            return {}
        return _tag_context(("aws:ResourceTag", "iam:ResourceTag"), principal.tags)

    # -- effective permissions --------------------------------------------------------------
    def _permissions(
        self, arn: str, mode: str, identity: Sequence[NamedPolicy], bounded: bool = True
    ) -> EffectivePermissions:
        key = (arn, mode)
        cached = self._effective.get(key)
        if cached is None:
            cached = self._effective[key] = effective_permissions(
                identity,
                boundary=self.boundary(arn) if bounded else None,
                scps=self.scps_for(arn),
                principal_arn=arn,
                context=self.principal_context(arn),
            )
        return cached

    def effective(self, arn: str) -> EffectivePermissions:
        return self._permissions(arn, "current", self.identity_policies(arn))

    def ceiling(self, arn: str, removed: frozenset[str] = frozenset()) -> EffectivePermissions:
        """Permissions once an attacker controls its identity policies (any Allow added): the
        Denies and the boundary it cannot remove still cap it, as do the SCPs; `removed` are the
        caps the controlling hop lifts (control_ceiling: "inline", "managed", "boundary")."""
        removed = removed & self.caps(arn) if removed else removed
        mode = "ceiling" + "".join(f"-{r}" for r in sorted(removed))
        cached = self._effective.get((arn, mode))
        if cached is not None:
            return cached
        own, groups = self._own_and_groups(arn)
        kept = kept_denies(own, groups, arn, removed)
        bounded = BOUNDARY not in removed
        if not kept and (not bounded or self.boundary(arn) is None) and not self.scps_for(arn):
            # Nothing caps it: "any Allow" alone, which no condition or variable reads, is the
            # same permissions for every principal (a 2,000-role account's 2,000 ceilings, one).
            if self._uncapped is None:
                self._uncapped = effective_permissions((ALLOW_ALL,))
            self._effective[arn, mode] = self._uncapped
            return self._uncapped
        return self._permissions(arn, mode, (ALLOW_ALL, *kept), bounded=bounded)

    def caps(self, arn: str) -> frozenset[str]:
        """The removable caps a principal has (a Deny inline, a Deny in a managed policy, a
        boundary): what a controlling hop must lift to control it fully."""
        held = self._caps.get(arn)
        if held is None:
            own, _ = self._own_and_groups(arn)
            held = self._caps[arn] = caps_present(own, arn, self.boundary(arn) is not None)
        return held

    def _own_and_groups(self, arn: str) -> tuple[list[NamedPolicy], list[NamedPolicy]]:
        """Its identity policies split: its own (inline, attached), then its groups' (parsed once)."""
        principal = self.estate.principals.get(arn)
        attached = list(principal.attached_policy_arns) if principal is not None else []
        own: list[NamedPolicy] = []
        groups: list[NamedPolicy] = []
        for policy in self.identity_policies(arn):  # its own come first
            if is_inline(policy, arn):
                own.append(policy)
            elif policy.arn in attached:
                attached.remove(policy.arn)
                own.append(policy)
            else:
                groups.append(policy)
        return own, groups

    def joined(self, user: str, group: str) -> EffectivePermissions:
        """A user's permissions once it is added to `group` (still under its own boundary)."""
        extra = self._own_policies(self.estate.principals[group])
        return self._permissions(user, f"joined:{group}", (*self.identity_policies(user), *extra))

    def may(self, arn: str, action: str) -> bool:
        """Whether the action is allowed anywhere, even conditionally (a cheap pre-filter)."""
        return self.effective(arn).status(action) is not None

    # -- single requests --------------------------------------------------------------------
    def decide(
        self,
        arn: str,
        action: str,
        resource: str,
        *,
        passed_to: str | None = None,
        trust: TrustMode = "none",
    ) -> Grant | None:
        """The engine's decision on one request; None when denied.

        trust="actual" evaluates sts:AssumeRole against the role's trust policy; "rewritten"
        against a trust policy that names the caller (what iam:UpdateAssumeRolePolicy can write).
        """
        key = (arn, action.lower(), resource, passed_to or "", trust)
        if key in self._decisions:
            return self._decisions[key]
        if trust == "none":  # identity route only: two shortcuts before the evaluator
            everywhere = self.everywhere(arn, action)
            if everywhere is not None:
                return replace(everywhere, resource=resource)
            pattern = self.resource_filter(arn, action)
            if pattern is not None and pattern.fullmatch(resource) is None:
                self._decisions[key] = None
                return None
        elif trust == "actual" and self._trust_alone_refuses(arn, action, resource):
            self._decisions[key] = None
            return None
        resource_context = self.resource_context(resource)
        signature_key = None
        # A rewritten trust policy names the caller whatever the role; roles whose own trust
        # policies read alike (`trust_shape`) answer alike too.
        shape = self._trust_shape(resource, resource_context) if trust == "actual" else ""
        if shape is not None:
            signature = self.signatures.of(arn, action, resource, resource_context)
            if signature is not None:
                signature_key = (arn, action.lower(), passed_to or "", trust, shape, signature)
                if signature_key in self._by_signature:
                    alike = self._by_signature[signature_key]
                    names = (
                        self._trust_names(alike.resource, resource) if alike and trust == "actual" else None
                    )
                    grant = None if alike is None else retarget(alike, alike.resource, resource, names)
                    self._decisions[key] = grant
                    return grant
        context = {**self.principal_context(arn), **resource_context}
        if passed_to:
            context["iam:PassedToService"] = passed_to
        resource_policy = None
        if trust == "actual":
            resource_policy = self.trust(resource)
            if resource_policy is None:
                self._decisions[key] = None
                return None
        elif trust == "rewritten":
            resource_policy = trust_naming(arn, resource)
        request = Request(principal_arn=arn, action=action, resource_arn=resource, context=context)
        decision = evaluate(
            request,
            identity_policies=self.identity_policies(arn),
            boundary=self.boundary(arn),
            scps=self.scps_for(arn),
            rcps=self.rcps_for(resource),
            resource_policy=resource_policy,
        )
        grant = None
        if not decision.denied:
            allows = tuple(s for s in decision.allow_statements if s.effect == "Allow")
            outcome: Outcome = "allowed" if decision.allowed else "conditional"
            grant = Grant(action, resource, outcome, allows, decision.conditions)
        self._decisions[key] = grant
        if signature_key is not None:
            self._by_signature[signature_key] = grant
        return grant

    def _request_policies(self, arn: str, resource_account: str) -> tuple[NamedPolicy, ...]:
        """Every policy an identity-route request by `arn` on that account's resources meets."""
        bound = self.boundary(arn)
        return (
            *self.identity_policies(arn),
            *((bound,) if bound is not None else ()),
            *self.scps_for(arn),
            *self.rcps.get(resource_account, ()),
        )

    def everywhere(self, arn: str, action: str) -> Grant | None:
        """The grant when the action is allowed unconditionally on every resource, else None."""
        key = (arn, action.lower())
        if key not in self._everywhere:
            permissions = self.effective(arn)
            grant = None
            if permissions.status(action) == "allowed":
                refs = permissions.statements_for(action)
                grant = Grant(action, "*", "allowed", tuple(r for r in refs if r.effect == "Allow"))
            self._everywhere[key] = grant
        return self._everywhere[key]

    def resource_patterns(self, arn: str, action: str) -> tuple[str, ...] | None:
        """The Resource patterns of the identity Allows that apply to `action` (None when one has
        no Resource, NotResource or a policy variable: then any resource may be allowed)."""
        key = (arn, action.lower())
        if key not in self._patterns:
            self._patterns[key] = self._collect_patterns(arn, action)
        return self._patterns[key]

    def _collect_patterns(self, arn: str, action: str) -> tuple[str, ...] | None:
        patterns: list[str] = []
        for policy in self.identity_policies(arn):
            for statement in policy.document.statements:
                if not statement.is_allow or not statement_applies_to_action(statement, action):
                    continue
                if statement.resources is None or any("${" in r for r in statement.resources):
                    return None
                patterns.extend(statement.resources)
        return tuple(dict.fromkeys(patterns))

    def resource_filter(self, arn: str, action: str) -> re.Pattern[str] | None:
        """A loose regex no resource the identity policies may allow `action` on escapes (None:
        no filter applies). It only spares the evaluator requests that are surely denied."""
        key = (arn, action.lower())
        if key not in self._filters:
            patterns = self.resource_patterns(arn, action)
            body = None if patterns is None else "|".join(loose_regex(p) for p in patterns) or "(?!)"
            self._filters[key] = None if body is None else re.compile(body, re.IGNORECASE | re.DOTALL)
        return self._filters[key]

    def on_scope(self, arn: str, action: str, scope: str) -> Grant | None:
        """Whether the action is allowed on some resource of `scope` (which the caller picks)."""
        key = (arn, action.lower(), scope)
        if key in self._scoped:
            return self._scoped[key]
        permissions = self.effective(arn)
        status = permissions.status(action, scope)
        grant = None
        if status is not None:
            refs = permissions.statements_for(action, scope)
            allows = tuple(r for r in refs if r.effect == "Allow")
            hinges = self._open_questions(arn, refs)
            certain = status == "allowed" or (
                status == "scoped" and self._unconditional_in_every_layer(arn, allows)
            )
            if certain:
                grant = Grant(action, scope, "allowed", allows)
            else:
                grant = Grant(action, scope, "conditional", allows, hinges)
        self._scoped[key] = grant
        return grant

    def _unconditional_in_every_layer(self, arn: str, allows: Sequence[StatementRef]) -> bool:
        """An Allow without open conditions in the identity layer and in every cap present."""
        needed = {"identity"} | ({"boundary"} if self.boundary(arn) is not None else set())
        needed |= {f"scp:{p.org_level}" for p in self.scps_for(arn)}
        held: set[str] = set()
        for ref in allows:
            policy = self._policy_for(arn, ref)
            if policy is not None and not self.hinges_of(arn, ref):
                held.add(f"scp:{policy.org_level}" if ref.kind == "scp" else ref.kind)
        return needed <= held

    def _policy_for(self, arn: str, ref: StatementRef) -> NamedPolicy | None:
        pool = [*self.identity_policies(arn), self.boundary(arn), *self.scps_for(arn)]
        return next((p for p in pool if p and p.name == ref.policy and p.arn == ref.policy_arn), None)

    def hinges_of(self, arn: str, ref: StatementRef) -> tuple[Hinge, ...]:
        policy = self._policy_for(arn, ref)
        if policy is None:
            return ()
        statement = policy.document.statements[ref.index]
        if not statement.conditions:
            return ()
        context = self._condition_context(arn)
        verdict = evaluate_conditions(
            statement.conditions, context, variables=uses_variables(policy.document.version)
        )
        if verdict.truth is not Tri.UNKNOWN:
            return ()
        return tuple(Hinge(u.key, u.operator, u.values, u.note, ref) for u in verdict.unresolved)

    def _condition_context(self, arn: str) -> RequestContext:
        """The context `hinges_of` evaluates a statement's conditions in: the principal's own
        keys, the same for every statement it holds (built once, not once per statement)."""
        context = self._contexts.get(arn)
        if context is None:
            context = self._contexts[arn] = RequestContext.build(
                self.principal_context(arn), derived=parse_caller(arn).context_keys()
            )
        return context

    def deny_statements(self, arn: str) -> tuple[StatementRef, ...]:
        """Every Deny the principal is subject to (identity policies, boundary, SCPs)."""
        pool = [*self.identity_policies(arn), self.boundary(arn), *self.scps_for(arn)]
        return tuple(
            StatementRef(p.name, p.arn, p.kind, i, s.sid, s.effect)
            for p in pool
            if p is not None
            for i, s in enumerate(p.document.statements)
            if not s.is_allow
        )

    def _open_questions(self, arn: str, refs: Sequence[StatementRef]) -> tuple[Hinge, ...]:
        hinges = [h for r in refs for h in self.hinges_of(arn, r)]
        for ref in refs:  # a Deny on part of the scope: the caller must pick a resource outside it
            if ref.effect == "Deny" and not self.hinges_of(arn, ref):
                hinges.append(Hinge("Resource", "NotIn", (), "a Deny covers part of the scope", ref))
        return tuple(hinges)
