"""AWS Organizations, once per account (region "global"): the organization, its service and
resource control policies with their documents, and the policies attached to the account and
to each parent up to the root (what applies to this account).

Only the management account or a delegated administrator may list policies; elsewhere, and for
accounts outside any organization, the refusals are coverage gaps, never failures.
"""

from __future__ import annotations

from estate.sources.live.calls import CallContext

POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
_MAX_DEPTH = 7  # OUs nest at most five deep below the root


def fetch_organization(ctx: CallContext) -> None:
    org = ctx.call("organizations", "DescribeOrganization")
    if org is None or "Error" in org:
        return
    for policy_type in POLICY_TYPES:
        policies = ctx.items(
            "organizations", "ListPolicies", "NextToken", "NextToken", "Policies", Filter=policy_type
        )
        ctx.each(
            sorted({str(p["Id"]) for p in policies}),
            lambda policy_id: ctx.call("organizations", "DescribePolicy", PolicyId=policy_id),
        )
    for target in account_chain(ctx):
        for policy_type in POLICY_TYPES:
            ctx.items(
                "organizations",
                "ListPoliciesForTarget",
                "NextToken",
                "NextToken",
                "Policies",
                TargetId=target,
                Filter=policy_type,
            )


def account_chain(ctx: CallContext) -> list[str]:
    """The account, then each parent OU up to and including the root."""
    chain, child = [ctx.account], ctx.account
    for _ in range(_MAX_DEPTH):
        parents = ctx.items(
            "organizations", "ListParents", "NextToken", "NextToken", "Parents", ChildId=child
        )
        if not parents:
            break
        child = str(parents[0]["Id"])
        chain.append(child)
        if parents[0].get("Type") == "ROOT":
            break
    return chain
