"""IAM: users, groups, roles and managed policies (all versions) in one paginated call."""

from __future__ import annotations

from estate.sources.live.calls import CallContext

_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]


def fetch_authorization_details(ctx: CallContext) -> None:
    roles = 0
    for page in ctx.paginate("iam", "GetAccountAuthorizationDetails", "Marker", "Marker", Filter=_FILTERS):
        roles += len(page.get("RoleDetailList", ()))
        if not page.get("IsTruncated"):
            break
    ctx.mark_ok("iam", "GetAccountAuthorizationDetails", f"{roles} roles")
