"""Organizations policies for the IAM analysis: the SCPs and RCPs of each account as engine
policies (one `org_level` per level of the account's chain), and what the findings must say
about them, above all when they were not readable ("SCPs not collected: result assumes none")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from estate.model import Estate
from estate.model.org import FULL_AWS_ACCESS, OrgPolicySet
from policy.document import PolicyParseError
from policy.request import NamedPolicy

Which = Literal["scps", "rcps"]
NOT_COLLECTED = "SCPs not collected: result assumes none"


def org_layers(estate: Estate, which: Which) -> tuple[dict[str, tuple[NamedPolicy, ...]], list[str]]:
    """account -> its SCPs (or RCPs) as engine policies, and the documents that did not parse."""
    out: dict[str, tuple[NamedPolicy, ...]] = {}
    problems: list[str] = []
    for account, org in estate.org_policies.items():
        policies = []
        for level, policy in getattr(org, which).policies():
            assert policy.document is not None
            try:
                policies.append(
                    NamedPolicy.parse(
                        policy.name,
                        policy.document,
                        "scp" if which == "scps" else "rcp",
                        arn=policy.arn,
                        org_level=level,
                    )
                )
            except PolicyParseError as exc:
                problems.append(f"{policy.arn}: {exc}")
        out[account] = tuple(policies)
    return out, problems


def _only_default(policies: OrgPolicySet) -> bool:
    return all(p.id == FULL_AWS_ACCESS for level in policies.levels for p in level.policies)


def scp_evidence(estate: Estate, account: str, explicit: bool = False) -> Any | None:
    """What the findings of a principal of `account` say about its SCPs (None: nothing to say,
    the account is in no organization or is its management account). `explicit`: the SCPs were
    given to the analysis directly, not read from the snapshot."""
    if explicit:
        return None
    org = estate.org_policies.get(account)
    if org is None:
        return f"{NOT_COLLECTED} (no Organizations records for account {account})"
    scps = org.scps
    if scps.state == "none":
        return None
    if scps.state == "unknown":
        return f"{NOT_COLLECTED} ({scps.detail})"
    levels: list[Mapping[str, Any]] = [
        {"level": lv.target, "policies": [p.name for p in lv.policies]} for lv in scps.levels
    ]
    summary = (
        "only FullAWSAccess (the default SCP): no limit"
        if _only_default(scps)
        else "applied: the result is after these SCPs"
    )
    if scps.state == "partial":
        summary = f"partly collected, {scps.detail}"
    return {"state": scps.state, "summary": summary, "levels": levels}
