"""Organizations policies (SCPs and RCPs) that apply to each collected account, from the raw records
estate/sources/live/organizations.py stores: DescribeOrganization, ListParents (the account's chain
up to the root), ListPoliciesForTarget (what is attached to each level) and DescribePolicy (the
documents).

AWS requires an Allow at EVERY level of the chain (root, each OU, the account), so policies are
kept grouped by the level they attach at. Three outcomes per account and policy type, never
confused: "applied" (the chain and every document were read), "none" (the account is in no
organization, is the management account, or the policy type is not enabled: nothing caps it) and
"unknown" (something was not readable: the analysis must say it assumed none). "partial" is
"applied" with some documents missing; the levels holding them are left out (assumed to allow).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from estate.model.raw import PolicyJSON, error_code
from estate.snapshot import CoverageEntry, Record, Snapshot

PolicyType = Literal["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
OrgState = Literal["applied", "partial", "none", "unknown"]
SCP: PolicyType = "SERVICE_CONTROL_POLICY"
RCP: PolicyType = "RESOURCE_CONTROL_POLICY"
FULL_AWS_ACCESS = "p-FullAWSAccess"  # the SCP AWS attaches everywhere by default
_NOT_IN_ORG = "AWSOrganizationsNotInUseException"
_NOT_ENABLED = "PolicyTypeNotEnabledException"
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class OrgPolicy:
    """One SCP or RCP; `document` is None when its DescribePolicy was not readable."""

    id: str
    arn: str
    name: str
    type: PolicyType
    aws_managed: bool
    document: PolicyJSON | None


@dataclass(frozen=True, slots=True)
class OrgLevel:
    """The policies attached at one level of the account's chain (root, OU or the account)."""

    target: str
    policies: tuple[OrgPolicy, ...]


@dataclass(frozen=True, slots=True)
class OrgPolicySet:
    """The SCPs (or RCPs) of one account, level by level from the account up to the root."""

    state: OrgState
    detail: str
    levels: tuple[OrgLevel, ...] = ()

    @property
    def known(self) -> bool:
        return self.state in ("applied", "none")

    def policies(self) -> tuple[tuple[str, OrgPolicy], ...]:
        """(level, policy) for every policy whose document is known."""
        return tuple((lv.target, p) for lv in self.levels for p in lv.policies if p.document is not None)


@dataclass(frozen=True, slots=True)
class AccountOrgPolicies:
    account: str
    organization_id: str | None
    management_account: str | None
    scps: OrgPolicySet
    rcps: OrgPolicySet


def _coverage_gap(coverage: tuple[CoverageEntry, ...], account: str, operation: str) -> CoverageEntry | None:
    return next(
        (
            c
            for c in coverage
            if c.account == account and c.service == "organizations" and c.operation == operation
            if c.status != "ok"
        ),
        None,
    )


def _document(content: Any) -> PolicyJSON | None:
    if isinstance(content, Mapping):
        return content
    if isinstance(content, str):
        try:
            parsed = json.loads(content)
        except ValueError:
            return None
        return parsed if isinstance(parsed, Mapping) else None
    return None


class _Records:
    """The organizations records of a snapshot, indexed for the per-account derivation."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.coverage = snapshot.manifest.coverage
        self.organization: dict[str, Any] = {}
        for r in snapshot.responses("organizations", "DescribeOrganization"):
            self.organization[r.key.account] = r.response
        self.parents: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for r in snapshot.responses("organizations", "ListParents"):
            key = (r.key.account, str(r.key.params.get("ChildId")))
            self.parents.setdefault(key, []).extend(self._items(r, "Parents"))
        self.attached: dict[tuple[str, str, str], list[Any]] = {}
        for r in snapshot.responses("organizations", "ListPoliciesForTarget"):
            target = (r.key.account, str(r.key.params.get("TargetId")), str(r.key.params.get("Filter")))
            held = self.attached.setdefault(target, [])
            code = error_code(r.response)
            held.extend([{"Error": code}] if code else self._items(r, "Policies"))
        self.documents: dict[str, Mapping[str, Any]] = {}
        for r in snapshot.responses("organizations", "DescribePolicy"):
            policy = r.response.get("Policy") if isinstance(r.response, Mapping) else None
            if isinstance(policy, Mapping):
                self.documents[str(r.key.params.get("PolicyId"))] = policy

    @staticmethod
    def _items(record: Record, key: str) -> list[Mapping[str, Any]]:
        response = record.response
        return list(response.get(key) or ()) if isinstance(response, Mapping) else []

    def chain(self, account: str) -> list[str] | None:
        """The account, then each parent up to the root; None when a link was not read."""
        chain, child = [account], account
        for _ in range(_MAX_DEPTH):
            parents = self.parents.get((account, child))
            if not parents:
                return None
            child = str(parents[0].get("Id"))
            chain.append(child)
            if parents[0].get("Type") == "ROOT":
                return chain
        return None

    def policy(self, summary: Mapping[str, Any], kind: PolicyType) -> OrgPolicy:
        policy_id = str(summary.get("Id", ""))
        described = self.documents.get(policy_id) or {}
        details = described.get("PolicySummary") or summary
        return OrgPolicy(
            id=policy_id,
            arn=str(details.get("Arn") or summary.get("Arn") or policy_id),
            name=str(details.get("Name") or summary.get("Name") or policy_id),
            type=kind,
            aws_managed=bool(details.get("AwsManaged", summary.get("AwsManaged", False))),
            document=_document(described.get("Content")),
        )


def _gap_text(gap: CoverageEntry | None, fallback: str) -> str:
    return f"{gap.operation} {gap.status}: {gap.detail}" if gap else fallback


def _policy_set(records: _Records, account: str, chain: list[str], kind: PolicyType) -> OrgPolicySet:
    levels: list[OrgLevel] = []
    missing: list[str] = []
    for target in chain:
        listed = records.attached.get((account, target, kind))
        if listed is None:
            gap = _coverage_gap(records.coverage, account, "ListPoliciesForTarget")
            if gap is not None and gap.detail.startswith(_NOT_ENABLED):
                return OrgPolicySet("none", f"{kind} is not enabled in the organization")
            return OrgPolicySet("unknown", _gap_text(gap, f"the policies attached to {target} were not read"))
        codes = [item["Error"] for item in listed if "Error" in item]
        if _NOT_ENABLED in codes:
            return OrgPolicySet("none", f"{kind} is not enabled in the organization")
        policies = tuple(records.policy(item, kind) for item in listed if "Error" not in item)
        missing.extend(p.name for p in policies if p.document is None)
        levels.append(OrgLevel(target, policies))
    if missing:
        detail = f"documents not readable: {', '.join(sorted(set(missing)))} (their levels assumed to allow)"
        kept = tuple(lv for lv in levels if all(p.document is not None for p in lv.policies))
        return OrgPolicySet("partial", detail, kept)
    return OrgPolicySet("applied", f"{len(levels)} levels, from the account up to the root", tuple(levels))


def _account(records: _Records, account: str) -> AccountOrgPolicies:
    org = records.organization.get(account)
    gap = _coverage_gap(records.coverage, account, "DescribeOrganization")
    code = error_code(org) or (gap.detail.split(":", 1)[0] if gap else None)
    if code == _NOT_IN_ORG:
        none = OrgPolicySet("none", "the account is not in an organization")
        return AccountOrgPolicies(account, None, None, none, none)
    if org is None or code is not None:
        unknown = OrgPolicySet("unknown", _gap_text(gap, "Organizations was not collected"))
        return AccountOrgPolicies(account, None, None, unknown, unknown)
    details = org.get("Organization") or {}
    org_id, management = details.get("Id"), details.get("MasterAccountId")
    if management == account:
        none = OrgPolicySet("none", "SCPs and RCPs do not apply to the organization's management account")
        return AccountOrgPolicies(account, org_id, management, none, none)
    chain = records.chain(account)
    if chain is None:
        parents_gap = _coverage_gap(records.coverage, account, "ListParents")
        unknown = OrgPolicySet("unknown", _gap_text(parents_gap, "the account's parents were not read"))
        return AccountOrgPolicies(account, org_id, management, unknown, unknown)
    return AccountOrgPolicies(
        account,
        org_id,
        management,
        _policy_set(records, account, chain, SCP),
        _policy_set(records, account, chain, RCP),
    )


def parse_org_policies(
    snapshot: Snapshot, accounts: frozenset[str] = frozenset()
) -> dict[str, AccountOrgPolicies]:
    """What applies to each account of the snapshot (its manifest's, `accounts`, and any with records)."""
    records = _Records(snapshot)
    every = {*snapshot.manifest.accounts, *accounts, *records.organization}
    return {account: _account(records, account) for account in sorted(every)}
