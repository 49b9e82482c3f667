"""IAM and STS escalation methods: credentials of other users, rewritten policies, trust and groups.

pathfinding.cloud ids: a method that acts on a principal the caller holds (`Reach.HELD`) also covers
the catalogue's two-step variants, where the caller first becomes that principal by `sts:AssumeRole`
(iam-014, 016, 017), `iam:UpdateAssumeRolePolicy` (iam-019, 020, 021) or `iam:CreateAccessKey`
(iam-015, 018): the search makes those paths from the two methods' hops.
"""

from __future__ import annotations

from analyzers.findings.model import Severity
from analyzers.iam.control_ceiling import BOUNDARY, INLINE, MANAGED
from analyzers.iam.escalation.method_needs import PATHFINDING, RHINO, on_iam
from analyzers.iam.escalation.types import EscalationMethod, Need, On, Reach, Yields

_LIFTS = {MANAGED: ("detach", "Detach{}Policy"), BOUNDARY: ("delete-boundary", "Delete{}PermissionsBoundary")}
_WHAT = {MANAGED: "the Denies of its managed policies", BOUNDARY: "its permissions boundary"}


def _uncapping(kind: str, lifts: tuple[str, ...]) -> EscalationMethod:
    """Put{Role,User}Policy with the actions that remove what a put leaves in place: a Deny in an
    attached managed policy (Detach...Policy), the boundary (Delete...PermissionsBoundary)."""
    title = kind.capitalize()
    return EscalationMethod(
        id=f"iam-put-{kind}-policy-" + "-".join(_LIFTS[c][0] for c in lifts),
        title=f"write an inline policy on the {kind} and remove " + " and ".join(_WHAT[c] for c in lifts),
        reach=Reach.HELD,
        needs=(
            on_iam(f"iam:Put{title}Policy"),
            *(on_iam("iam:" + _LIFTS[c][1].format(title)) for c in lifts),
        ),
        yields=Yields.CONTROL,
        removes=frozenset({INLINE, *lifts}),
        target_kinds=frozenset({kind}),
        notes="Needed only where such a cap exists: without one, the put alone does the same.",
        references=(RHINO,),
    )


IAM_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="sts-assume-role",
        title="assume the role (its trust policy admits the caller)",
        reach=Reach.TRUSTING_ROLE,
        needs=(Need("sts:AssumeRole", On.TARGET, trust="actual"),),
        target_kinds=frozenset({"role"}),
        notes="Same-account trust naming the caller's ARN needs no identity grant; otherwise it does.",
        pathfinding=("sts-001",),
    ),
    EscalationMethod(
        id="iam-create-access-key",
        title="create an access key for another user",
        reach=Reach.OTHER_USER,
        needs=(on_iam("iam:CreateAccessKey"),),
        target_kinds=frozenset({"user"}),
        notes="Fails if the user already has two keys.",
        references=(RHINO,),
        pathfinding=("iam-002",),
    ),
    EscalationMethod(
        id="iam-create-login-profile",
        title="set a console password for another user",
        reach=Reach.OTHER_USER,
        needs=(on_iam("iam:CreateLoginProfile"),),
        target_kinds=frozenset({"user"}),
        notes="Only for users without a console password yet.",
        references=(RHINO,),
        pathfinding=("iam-004",),
    ),
    EscalationMethod(
        id="iam-update-login-profile",
        title="change another user's console password",
        reach=Reach.OTHER_USER,
        needs=(on_iam("iam:UpdateLoginProfile"),),
        target_kinds=frozenset({"user"}),
        notes="Only for users with a console password; MFA on the user still stops a console login.",
        references=(RHINO,),
        pathfinding=("iam-006",),
    ),
    EscalationMethod(
        id="iam-update-assume-role-policy",
        title="rewrite the role's trust policy to admit the caller, then assume it",
        reach=Reach.ACCOUNT_ROLE,
        needs=(on_iam("iam:UpdateAssumeRolePolicy"), Need("sts:AssumeRole", On.TARGET, trust="rewritten")),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
        pathfinding=("iam-012",),
    ),
    EscalationMethod(
        id="iam-put-role-policy",
        title="write an inline policy on the role",
        reach=Reach.HELD,
        needs=(on_iam("iam:PutRolePolicy"),),
        yields=Yields.CONTROL,
        removes=frozenset({INLINE}),  # a put of the same name replaces an inline Deny
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
        pathfinding=("iam-005", "iam-017", "iam-021"),
    ),
    EscalationMethod(
        id="iam-attach-role-policy",
        title="attach a managed policy (AdministratorAccess) to the role",
        reach=Reach.HELD,
        needs=(on_iam("iam:AttachRolePolicy"),),
        yields=Yields.CONTROL,
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
        pathfinding=("iam-009", "iam-014", "iam-019"),
    ),
    EscalationMethod(
        id="iam-put-user-policy",
        title="write an inline policy on the user",
        reach=Reach.HELD,
        needs=(on_iam("iam:PutUserPolicy"),),
        yields=Yields.CONTROL,
        removes=frozenset({INLINE}),
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
        pathfinding=("iam-007", "iam-018"),
    ),
    EscalationMethod(
        id="iam-attach-user-policy",
        title="attach a managed policy (AdministratorAccess) to the user",
        reach=Reach.HELD,
        needs=(on_iam("iam:AttachUserPolicy"),),
        yields=Yields.CONTROL,
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
        pathfinding=("iam-008", "iam-015"),
    ),
    EscalationMethod(
        id="iam-put-group-policy",
        title="write an inline policy on a group the user is in",
        reach=Reach.OWN_GROUP,
        needs=(on_iam("iam:PutGroupPolicy", On.VIA),),
        yields=Yields.CONTROL,
        caller_kinds=frozenset({"user"}),
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
        pathfinding=("iam-011",),
    ),
    EscalationMethod(
        id="iam-attach-group-policy",
        title="attach a managed policy to a group the user is in",
        reach=Reach.OWN_GROUP,
        needs=(on_iam("iam:AttachGroupPolicy", On.VIA),),
        yields=Yields.CONTROL,
        caller_kinds=frozenset({"user"}),
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
        pathfinding=("iam-010",),
    ),
    EscalationMethod(
        id="iam-create-policy-version",
        title="publish a new default version of a managed policy attached to it",
        reach=Reach.ATTACHED_POLICY,
        needs=(on_iam("iam:CreatePolicyVersion", On.VIA),),
        yields=Yields.CONTROL,
        notes="--set-as-default needs no iam:SetDefaultPolicyVersion.",
        references=(RHINO,),
        pathfinding=("iam-001", "iam-016", "iam-020"),
    ),
    EscalationMethod(
        id="iam-set-default-policy-version",
        title="make an older version of a managed policy attached to it the default",
        reach=Reach.ATTACHED_POLICY,
        needs=(on_iam("iam:SetDefaultPolicyVersion", On.VIA),),
        yields=Yields.CONTROL,
        unknown="a non-default version of the policy that grants more (only the default is read)",
        severity=Severity.MEDIUM,
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-add-user-to-group",
        title="add itself to a group",
        reach=Reach.OTHER_GROUP,
        needs=(on_iam("iam:AddUserToGroup", On.VIA),),
        yields=Yields.MEMBERSHIP,
        caller_kinds=frozenset({"user"}),
        target_kinds=frozenset({"group"}),
        references=(RHINO,),
        pathfinding=("iam-013",),
    ),
)

# After the Rhino-era entries (order is the tie-break among equally short paths).
IAM_ADDED: tuple[EscalationMethod, ...] = (
    *(
        _uncapping(kind, lifts)
        for kind in ("role", "user")
        for lifts in ((MANAGED,), (BOUNDARY,), (MANAGED, BOUNDARY))
    ),
    EscalationMethod(
        id="iam-delete-and-create-access-key",
        title="delete one of another user's access keys, then create one",
        reach=Reach.OTHER_USER,
        needs=(on_iam("iam:DeleteAccessKey"), on_iam("iam:CreateAccessKey")),
        target_kinds=frozenset({"user"}),
        notes="Works even when the user already has two keys (the limit `iam-create-access-key` hits).",
        references=(PATHFINDING,),
        pathfinding=("iam-003",),
    ),
)
