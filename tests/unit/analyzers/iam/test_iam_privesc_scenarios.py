"""iam.privesc: a table of escalation scenarios, each with a twin that must NOT escalate.

Every scenario builds a small estate (GetAccountAuthorizationDetails shapes) twice: once with
the escalation, once with one thing changed (a missing permission, a blocking Deny, a permissions
boundary, a condition, a trust policy that does not admit the caller). The positive must report
`start` becoming `target` by exactly `methods` (its one finding's best path, or one of its other
targets); the twin must report nothing for `start` (or, when `twin` is "conditional", only
conditional findings: conditions are kept, never certain).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from analyzers.findings.model import Finding, Severity
from analyzers.iam.escalation.methods import METHODS, METHODS_BY_ID
from analyzers.iam.rules_permissions import lower
from tests.builders import rule_case
from tests.unit.analyzers.iam.iam_estates import (
    ADMIN_POLICY,
    IAM,
    LAMBDA,
    IamEstate,
    allow,
    conditional,
    deny,
    findings,
    group_arn,
    hop_methods,
    role_arn,
    trusts,
    user_arn,
)

RULE = "iam.privesc"
FN = "arn:aws:lambda:*:123456789012:function:*"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
Build = Callable[[IamEstate, bool], None]


@dataclass(frozen=True)
class Scenario:
    id: str
    build: Build  # (estate, escalates) -> None; escalates=False builds the twin
    start: str  # ARN
    target: str  # ARN of the principal (or group) it becomes
    methods: tuple[str, ...]
    twin: str = "none"  # "none": no finding for start; "conditional": only conditional ones
    conditional: bool = False  # the positive itself is conditional (inventory not collected)
    grade: Severity = Severity.CRITICAL  # what becoming the target gains (critical: an admin)


def _dev(e: IamEstate, *statements: dict[str, Any], **kw: Any) -> str:
    return e.role("dev", *statements, **kw)


# -- sts:AssumeRole ------------------------------------------------------------------------
def assume_named(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"AWS": role_arn("dev")}))
    _dev(e, allow("sts:AssumeRole", role_arn("admin")), *([] if ok else [deny("sts:AssumeRole")]))


def assume_account(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"AWS": f"{IAM}:root"}))
    _dev(e, allow("sts:AssumeRole" if ok else "sts:TagSession", role_arn("admin")))


def assume_trust_names_user(e: IamEstate, ok: bool) -> None:
    # same-account trust naming the user's ARN needs no identity grant at all
    e.admin_role(trust=trusts({"AWS": user_arn("dev" if ok else "someone-else")}))
    e.user("dev")
    e.user("someone-else")


def assume_named_role_boundary(e: IamEstate, ok: bool) -> None:
    # naming the role (not a session) is capped by the caller's boundary
    e.admin_role(trust=trusts({"AWS": role_arn("dev")}))
    bound = e.policy("s3-only", allow("s3:*"))
    _dev(e, allow("s3:GetObject", "arn:aws:s3:::dev/*"), boundary=None if ok else bound)


def assume_mfa(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"AWS": f"{IAM}:root"}, condition=None if ok else MFA))
    _dev(e, allow("sts:AssumeRole", role_arn("admin")))


# -- IAM users' credentials ----------------------------------------------------------------
def access_key(e: IamEstate, ok: bool) -> None:
    e.user("boss", managed=(ADMIN_POLICY,))
    _dev(e, allow("iam:CreateAccessKey", user_arn("boss")), *([] if ok else [deny("iam:CreateAccessKey")]))


def login_profile(e: IamEstate, ok: bool) -> None:
    e.user("boss", managed=(ADMIN_POLICY,))
    e.user("intern")
    _dev(e, allow("iam:CreateLoginProfile", user_arn("boss" if ok else "intern")))


def update_login_profile(e: IamEstate, ok: bool) -> None:
    e.user("boss", managed=(ADMIN_POLICY,))
    _dev(e, allow("iam:UpdateLoginProfile", user_arn("boss"), **({} if ok else {"Condition": MFA})))


# -- rewriting policies and trust ----------------------------------------------------------
def update_trust(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    bound = e.policy("trust-editor", allow("iam:UpdateAssumeRolePolicy"))
    _dev(e, allow("iam:UpdateAssumeRolePolicy", role_arn("admin")), boundary=None if ok else bound)


def put_role_policy(e: IamEstate, ok: bool) -> None:
    bound = e.policy("s3-only", allow("s3:*"))
    _dev(e, allow("iam:PutRolePolicy", role_arn("dev")), boundary=None if ok else bound)


def attach_role_policy(e: IamEstate, ok: bool) -> None:
    e.role("other")
    _dev(e, allow("iam:AttachRolePolicy", role_arn("dev" if ok else "other")))


def put_user_policy(e: IamEstate, ok: bool) -> None:
    e.user("dev", allow("iam:PutUserPolicy", user_arn("dev")), *([] if ok else [deny("iam:Put*")]))


def attach_user_policy(e: IamEstate, ok: bool) -> None:
    only_readonly = {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
    e.user(
        "dev", allow("iam:AttachUserPolicy", user_arn("dev"), **({} if ok else {"Condition": only_readonly}))
    )


def put_group_policy(e: IamEstate, ok: bool) -> None:
    e.group("devs")
    e.user("dev", allow("iam:PutGroupPolicy", group_arn("devs")), groups=("devs",) if ok else ())


def attach_group_policy(e: IamEstate, ok: bool) -> None:
    e.group("devs", allow("iam:AttachGroupPolicy", group_arn("devs")))
    e.user("dev", *([] if ok else [deny("iam:AttachGroupPolicy")]), groups=("devs",))


def create_policy_version(e: IamEstate, ok: bool) -> None:
    own = e.policy(
        "dev-policy", allow("iam:CreatePolicyVersion", f"{IAM}:policy/{'dev' if ok else 'other'}-policy")
    )
    e.policy("other-policy", allow("s3:GetObject"))
    _dev(e, managed=(own,))


def set_default_version(e: IamEstate, ok: bool) -> None:
    own = e.policy("dev-policy", allow("iam:SetDefaultPolicyVersion" if ok else "iam:GetPolicyVersion"))
    _dev(e, managed=(own,))


def add_user_to_group(e: IamEstate, ok: bool) -> None:
    e.group("admins", managed=(ADMIN_POLICY,))
    e.user("dev", allow("iam:AddUserToGroup", group_arn("admins")), *([] if ok else [deny("iam:AddUser*")]))


# -- passing a role to a service -----------------------------------------------------------
def lambda_invoke(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    run = ["lambda:CreateFunction", "lambda:InvokeFunction"] if ok else ["lambda:CreateFunction"]
    _dev(e, allow("iam:PassRole", role_arn("admin")), allow(run))


def lambda_passed_to_service(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    service = "lambda.amazonaws.com" if ok else "ec2.amazonaws.com"
    only = {"StringEquals": {"iam:PassedToService": service}}
    _dev(
        e,
        allow("iam:PassRole", role_arn("admin"), Condition=only),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
    )


def lambda_trust(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts(LAMBDA if ok else {"Service": "ec2.amazonaws.com"}))
    _dev(
        e, allow("iam:PassRole", role_arn("admin")), allow(["lambda:CreateFunction", "lambda:InvokeFunction"])
    )


def lambda_esm(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    blocked = [] if ok else [deny("lambda:CreateEventSourceMapping")]
    _dev(
        e,
        allow("iam:PassRole", role_arn("admin")),
        allow(["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]),
        *blocked,
    )


def lambda_add_permission(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    bound = e.policy("deployer", allow(["iam:PassRole", "lambda:CreateFunction"]))
    statements = (
        allow("iam:PassRole", role_arn("admin")),
        allow(["lambda:CreateFunction", "lambda:AddPermission"], FN),
    )
    _dev(e, *statements, boundary=None if ok else bound)


def lambda_pass_every_role(e: IamEstate, ok: bool) -> None:
    # PassRole on * goes through the service node; a Deny on the admin role leaves only the others
    e.admin_role()
    e.role("worker", allow("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs"))
    blocked = [] if ok else [deny("iam:PassRole", role_arn("admin"))]
    _dev(e, allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]), *blocked)


def lambda_code(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    e.role("worker")
    e.function("janitor", "admin")
    e.function("resizer", "worker")
    name = "janitor" if ok else "resizer"
    _dev(e, allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:eu-west-1:123456789012:function:{name}"))


def lambda_configuration(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    e.function("janitor", "admin")
    tagged: dict[str, Any] = {} if ok else {"Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}}}
    _dev(e, allow("lambda:UpdateFunctionConfiguration", "*", **tagged))


def ec2_run(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "ec2.amazonaws.com"}))
    _dev(
        e,
        allow("iam:PassRole", role_arn("admin")),
        allow("ec2:RunInstances" if ok else "ec2:DescribeInstances"),
    )


def cloudformation(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "cloudformation.amazonaws.com"}))
    blocked = [] if ok else [deny("cloudformation:*")]
    _dev(e, allow(["iam:PassRole", "cloudformation:CreateStack"]), *blocked)


def glue_create(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "glue.amazonaws.com"}))
    blocked = [] if ok else [deny("iam:PassRole", role_arn("admin"))]
    _dev(e, allow("iam:PassRole", role_arn("admin")), allow("glue:CreateDevEndpoint"), *blocked)


def glue_update(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "glue.amazonaws.com"}))
    _dev(e, allow("glue:UpdateDevEndpoint" if ok else "glue:GetDevEndpoint"))


def datapipeline(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "datapipeline.amazonaws.com"}))
    # without ActivatePipeline the pipeline never runs (pathfinding.cloud datapipeline-001)
    actions = [
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
        *(["datapipeline:ActivatePipeline"] if ok else []),
    ]
    _dev(e, allow("iam:PassRole", role_arn("admin")), allow(actions))


def sagemaker(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "sagemaker.amazonaws.com"}))
    # creating the notebook is enough (pathfinding.cloud sagemaker-001); describing one is not
    actions = ["sagemaker:CreateNotebookInstance" if ok else "sagemaker:DescribeNotebookInstance"]
    _dev(e, allow("iam:PassRole", role_arn("admin")), allow(actions))


def codebuild(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "codebuild.amazonaws.com"}))
    tagged: dict[str, Any] = {} if ok else {"Condition": {"StringEquals": {"aws:ResourceTag/team": "dev"}}}
    _dev(
        e,
        allow("iam:PassRole", role_arn("admin")),
        allow(["codebuild:CreateProject", "codebuild:StartBuild"], **tagged),
    )


def ssm_command(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "ec2.amazonaws.com"}))
    _dev(e, allow("ssm:SendCommand" if ok else "ssm:GetCommandInvocation"))


def ssm_session(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "ec2.amazonaws.com"}))
    _dev(e, allow("ssm:StartSession"), *([] if ok else [deny("ssm:StartSession")]))


def instance_connect(e: IamEstate, ok: bool) -> None:
    e.admin_role(trust=trusts({"Service": "ec2.amazonaws.com"}))
    bound = e.policy("read-only", allow("ec2:Describe*"))
    _dev(e, allow("ec2-instance-connect:SendSSHPublicKey"), boundary=None if ok else bound)


# -- chains, functions, and what "more privileged" means -----------------------------------
def function_chain(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    e.role(
        "hop",
        allow("iam:PassRole", role_arn("admin")),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
        trust=trusts({"AWS": role_arn("app-role" if ok else "someone-else")}),
    )
    e.role("app-role", allow("sts:AssumeRole", role_arn("hop")))
    e.function("app", "app-role")


def key_then_self_edit(e: IamEstate, ok: bool) -> None:
    e.user("ops", allow("iam:PutUserPolicy", user_arn("ops")), *([] if ok else [deny("iam:PutUserPolicy")]))
    _dev(e, allow("iam:CreateAccessKey", user_arn("ops")))


def not_action(e: IamEstate, ok: bool) -> None:
    e.admin_role()
    e.function("janitor", "admin")
    _dev(e, {"Effect": "Allow", "NotAction": ["iam:*"] if ok else ["iam:*", "lambda:*"], "Resource": "*"})


def strict_superset(e: IamEstate, ok: bool) -> None:
    # reaching a role that can do more on every resource is an escalation; a lateral one is not
    data = allow(["s3:*", "dynamodb:*"]) if ok else allow("dynamodb:GetItem")
    e.role("data", data, trust=trusts({"AWS": role_arn("dev")}))
    _dev(e, allow("s3:GetObject", "arn:aws:s3:::dev/*"), allow("sts:AssumeRole", role_arn("data")))


def group_grants_assume(e: IamEstate, ok: bool) -> None:
    # permissions may come from different policies: the group's Allow and the user's own
    e.admin_role(trust=trusts({"AWS": f"{IAM}:root"}))
    e.group("oncall", allow("sts:AssumeRole", role_arn("admin")))
    e.user("dev", groups=("oncall",) if ok else ())


def split_policies(e: IamEstate, ok: bool) -> None:
    # PassRole in one policy, CreateFunction in an attached one, InvokeFunction inline
    e.admin_role()
    run = e.policy("runner", allow("lambda:CreateFunction"))
    passer = e.policy("passer", allow("iam:PassRole", role_arn("admin")))
    _dev(e, allow("lambda:InvokeFunction"), managed=(run, passer) if ok else (run,))


S = Scenario
ADMIN, DEV = role_arn("admin"), role_arn("dev")
SCENARIOS = [
    S("assume-role-named", assume_named, DEV, ADMIN, ("sts-assume-role",)),
    S("assume-role-account-trust", assume_account, DEV, ADMIN, ("sts-assume-role",)),
    S("assume-role-trust-names-user", assume_trust_names_user, user_arn("dev"), ADMIN, ("sts-assume-role",)),
    S("assume-role-named-boundary", assume_named_role_boundary, DEV, ADMIN, ("sts-assume-role",)),
    S("assume-role-mfa", assume_mfa, DEV, ADMIN, ("sts-assume-role",), twin="conditional"),
    S("create-access-key", access_key, DEV, user_arn("boss"), ("iam-create-access-key",)),
    S("create-login-profile", login_profile, DEV, user_arn("boss"), ("iam-create-login-profile",)),
    S(
        "update-login-profile",
        update_login_profile,
        DEV,
        user_arn("boss"),
        ("iam-update-login-profile",),
        twin="conditional",
    ),
    S("update-assume-role-policy", update_trust, DEV, ADMIN, ("iam-update-assume-role-policy",)),
    S("put-role-policy", put_role_policy, DEV, DEV, ("iam-put-role-policy",)),
    S("attach-role-policy", attach_role_policy, DEV, DEV, ("iam-attach-role-policy",)),
    S("put-user-policy", put_user_policy, user_arn("dev"), user_arn("dev"), ("iam-put-user-policy",)),
    S(
        "attach-user-policy",
        attach_user_policy,
        user_arn("dev"),
        user_arn("dev"),
        ("iam-attach-user-policy",),
        twin="conditional",
    ),
    S("put-group-policy", put_group_policy, user_arn("dev"), user_arn("dev"), ("iam-put-group-policy",)),
    S(
        "attach-group-policy",
        attach_group_policy,
        user_arn("dev"),
        user_arn("dev"),
        ("iam-attach-group-policy",),
    ),
    S("create-policy-version", create_policy_version, DEV, DEV, ("iam-create-policy-version",)),
    S(
        "set-default-policy-version",
        set_default_version,
        DEV,
        DEV,
        ("iam-set-default-policy-version",),
        conditional=True,
    ),
    S(
        "add-user-to-group",
        add_user_to_group,
        user_arn("dev"),
        group_arn("admins"),
        ("iam-add-user-to-group",),
    ),
    S("lambda-create-invoke", lambda_invoke, DEV, ADMIN, ("lambda-create-function-invoke",)),
    S("lambda-passed-to-service", lambda_passed_to_service, DEV, ADMIN, ("lambda-create-function-invoke",)),
    S("lambda-trust", lambda_trust, DEV, ADMIN, ("lambda-create-function-invoke",)),
    S(
        "lambda-event-source-mapping",
        lambda_esm,
        DEV,
        ADMIN,
        ("lambda-create-function-event-source-mapping",),
    ),
    S("lambda-add-permission", lambda_add_permission, DEV, ADMIN, ("lambda-create-function-add-permission",)),
    S("lambda-pass-every-role", lambda_pass_every_role, DEV, ADMIN, ("lambda-create-function-invoke",)),
    S("lambda-update-code", lambda_code, DEV, ADMIN, ("lambda-update-function-code",)),
    S(
        "lambda-update-configuration",
        lambda_configuration,
        DEV,
        ADMIN,
        ("lambda-update-function-configuration",),
        twin="conditional",
    ),
    S("ec2-run-instances", ec2_run, DEV, ADMIN, ("ec2-run-instances",)),
    S("cloudformation-create-stack", cloudformation, DEV, ADMIN, ("cloudformation-create-stack",)),
    S("glue-create-dev-endpoint", glue_create, DEV, ADMIN, ("glue-create-dev-endpoint",)),
    S("glue-update-dev-endpoint", glue_update, DEV, ADMIN, ("glue-update-dev-endpoint",), conditional=True),
    S("datapipeline-create-pipeline", datapipeline, DEV, ADMIN, ("datapipeline-create-pipeline",)),
    S("sagemaker-create-notebook", sagemaker, DEV, ADMIN, ("sagemaker-create-notebook",)),
    S("codebuild-create-project", codebuild, DEV, ADMIN, ("codebuild-create-project",), twin="conditional"),
    S("ssm-send-command", ssm_command, DEV, ADMIN, ("ssm-send-command",), conditional=True),
    S("ssm-start-session", ssm_session, DEV, ADMIN, ("ssm-start-session",), conditional=True),
    S(
        "ec2-instance-connect",
        instance_connect,
        DEV,
        ADMIN,
        ("ec2-instance-connect-send-ssh-public-key",),
        conditional=True,
    ),
    S(
        "function-chain",
        function_chain,
        role_arn("app-role"),
        ADMIN,
        ("sts-assume-role", "lambda-create-function-invoke"),
    ),
    S(
        "access-key-then-self-edit",
        key_then_self_edit,
        DEV,
        user_arn("ops"),
        ("iam-create-access-key", "iam-put-user-policy"),
    ),
    S("not-action", not_action, DEV, ADMIN, ("lambda-update-function-code",)),
    # s3:* and dynamodb:* on every resource, and no sensitive store in the estate: a medium gain
    S(
        "strict-superset",
        strict_superset,
        DEV,
        role_arn("data"),
        ("sts-assume-role",),
        grade=Severity.MEDIUM,
    ),
    S("group-grants-assume", group_grants_assume, user_arn("dev"), ADMIN, ("sts-assume-role",)),
    S("split-policies", split_policies, DEV, ADMIN, ("lambda-create-function-invoke",)),
]
IDS = [s.id for s in SCENARIOS]


def _analyze(scenario: Scenario, escalates: bool) -> list[Finding]:
    estate = IamEstate()
    scenario.build(estate, escalates)
    return findings(estate.analyze(), RULE, scenario.start)


@rule_case("iam.privesc", "positive")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_scenario_escalates(scenario: Scenario) -> None:
    found = _analyze(scenario, True)
    assert len(found) == 1, [f.title for f in found]  # one finding per principal
    finding = found[0]
    assert finding.path[-1] == scenario.target, finding.title
    assert hop_methods(finding) == scenario.methods
    assert conditional(finding) is scenario.conditional
    expected = scenario.grade
    if scenario.conditional:  # one step lower, and never above what its methods allow
        expected = lower(expected)
    caps = [METHODS_BY_ID[m].severity for m in scenario.methods]
    assert finding.severity is min([expected, *caps], key=lambda s: s.rank)
    hops = [e.value for e in finding.evidence if e.label.startswith("hop ")]
    for hop in hops:  # every needed action is explained by the statements that grant it
        for permission in hop["permissions"]:
            assert permission["statements"], permission
            assert all({"policy", "index", "sid"} <= set(s) for s in permission["statements"])


@rule_case("iam.privesc", "negative")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_twin_does_not_escalate(scenario: Scenario) -> None:
    found = _analyze(scenario, False)
    if scenario.twin == "conditional":
        assert found and all(conditional(f) for f in found), [f.title for f in found]
        assert all(f.severity.rank < Severity.CRITICAL.rank for f in found)
    else:
        assert found == [], [f.title for f in found]


def test_every_method_has_a_scenario() -> None:
    # a method that takes a pathfinding.cloud path is tested, both ways, by its catalogue test;
    # one that lifts a cap (removes more than a put does) by test_iam_control_caps
    covered = {m for s in SCENARIOS for m in s.methods} | {m.id for m in METHODS if m.pathfinding}
    covered |= {m.id for m in METHODS if len(m.removes) > 1}
    assert {m.id for m in METHODS} <= covered
    assert len(SCENARIOS) >= 30
