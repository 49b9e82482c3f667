"""The catalogue of privilege-escalation methods, one declarative entry each.

Sources: Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation" (the 21
original methods) and its follow-ups; later additions seen in PMapper, pacu and Bishop Fox's
iam-vulnerable (Lambda AddPermission / UpdateFunctionConfiguration, SageMaker notebooks, CodeBuild,
SSM, EC2 Instance Connect). Order matters only as a tie-break: among equally short paths the
earlier method is reported (the others are listed as alternatives).

Resources a method acts on are named by `On`: the target principal, the intermediary (`via`:
a function, a group, a managed policy) or some resource of a scope the caller creates itself (a
new function, stack, project...). A PassRole method passes the target role to a service, so its
targets are the roles that service may assume (by their trust policy, evaluated by the engine).
"""

from __future__ import annotations

from analyzers.findings.model import Severity
from analyzers.iam.escalation.types import EscalationMethod, Need, On, Reach, Yields

RHINO = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"
RHINO_2 = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/"
IAM_VULNERABLE = "https://github.com/BishopFox/iam-vulnerable"

FUNCTION = "arn:aws:lambda:*:{account}:function:*"
INSTANCE = "arn:aws:ec2:*:{account}:instance/*"
ANY = "*"  # actions without resource-level permissions (CreateEventSourceMapping, ...)
_INSTANCE_UNKNOWN = "an EC2 instance running with this role's instance profile (instances are not collected)"


def _pass(service: str) -> Need:
    return Need("iam:PassRole", On.TARGET, passed_to=service)


def _new(action: str, scope: str) -> Need:
    return Need(action, On.SCOPE, scope=scope)


def _iam(action: str, on: On = On.TARGET) -> Need:
    return Need(action, on)


METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="sts-assume-role",
        title="assume the role (its trust policy admits the caller)",
        reach=Reach.TRUSTING_ROLE,
        needs=(Need("sts:AssumeRole", On.TARGET, trust="actual"),),
        target_kinds=frozenset({"role"}),
        notes="Same-account trust naming the caller's ARN needs no identity grant; otherwise it does.",
    ),
    EscalationMethod(
        id="iam-create-access-key",
        title="create an access key for another user",
        reach=Reach.OTHER_USER,
        needs=(_iam("iam:CreateAccessKey"),),
        target_kinds=frozenset({"user"}),
        notes="Fails if the user already has two keys.",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-create-login-profile",
        title="set a console password for another user",
        reach=Reach.OTHER_USER,
        needs=(_iam("iam:CreateLoginProfile"),),
        target_kinds=frozenset({"user"}),
        notes="Only for users without a console password yet.",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-update-login-profile",
        title="change another user's console password",
        reach=Reach.OTHER_USER,
        needs=(_iam("iam:UpdateLoginProfile"),),
        target_kinds=frozenset({"user"}),
        notes="Only for users with a console password; MFA on the user still stops a console login.",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-update-assume-role-policy",
        title="rewrite the role's trust policy to admit the caller, then assume it",
        reach=Reach.ACCOUNT_ROLE,
        needs=(_iam("iam:UpdateAssumeRolePolicy"), Need("sts:AssumeRole", On.TARGET, trust="rewritten")),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-put-role-policy",
        title="write an inline policy on the role",
        reach=Reach.HELD,
        needs=(_iam("iam:PutRolePolicy"),),
        yields=Yields.CONTROL,
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-attach-role-policy",
        title="attach a managed policy (AdministratorAccess) to the role",
        reach=Reach.HELD,
        needs=(_iam("iam:AttachRolePolicy"),),
        yields=Yields.CONTROL,
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-put-user-policy",
        title="write an inline policy on the user",
        reach=Reach.HELD,
        needs=(_iam("iam:PutUserPolicy"),),
        yields=Yields.CONTROL,
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-attach-user-policy",
        title="attach a managed policy (AdministratorAccess) to the user",
        reach=Reach.HELD,
        needs=(_iam("iam:AttachUserPolicy"),),
        yields=Yields.CONTROL,
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-put-group-policy",
        title="write an inline policy on a group the user is in",
        reach=Reach.OWN_GROUP,
        needs=(_iam("iam:PutGroupPolicy", On.VIA),),
        yields=Yields.CONTROL,
        caller_kinds=frozenset({"user"}),
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-attach-group-policy",
        title="attach a managed policy to a group the user is in",
        reach=Reach.OWN_GROUP,
        needs=(_iam("iam:AttachGroupPolicy", On.VIA),),
        yields=Yields.CONTROL,
        caller_kinds=frozenset({"user"}),
        target_kinds=frozenset({"user"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-create-policy-version",
        title="publish a new default version of a managed policy attached to it",
        reach=Reach.ATTACHED_POLICY,
        needs=(_iam("iam:CreatePolicyVersion", On.VIA),),
        yields=Yields.CONTROL,
        notes="--set-as-default needs no iam:SetDefaultPolicyVersion.",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-set-default-policy-version",
        title="make an older version of a managed policy attached to it the default",
        reach=Reach.ATTACHED_POLICY,
        needs=(_iam("iam:SetDefaultPolicyVersion", On.VIA),),
        yields=Yields.CONTROL,
        unknown="a non-default version of the policy that grants more (only the default is read)",
        severity=Severity.MEDIUM,
        references=(RHINO,),
    ),
    EscalationMethod(
        id="iam-add-user-to-group",
        title="add itself to a group",
        reach=Reach.OTHER_GROUP,
        needs=(_iam("iam:AddUserToGroup", On.VIA),),
        yields=Yields.MEMBERSHIP,
        caller_kinds=frozenset({"user"}),
        target_kinds=frozenset({"group"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="lambda-create-function-invoke",
        title="pass the role to a new Lambda function and invoke it",
        reach=Reach.SERVICE_ROLE,
        service="lambda.amazonaws.com",
        needs=(
            _pass("lambda.amazonaws.com"),
            _new("lambda:CreateFunction", FUNCTION),
            _new("lambda:InvokeFunction", FUNCTION),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="lambda-create-function-event-source-mapping",
        title="pass the role to a new Lambda function triggered by an event source mapping",
        reach=Reach.SERVICE_ROLE,
        service="lambda.amazonaws.com",
        needs=(
            _pass("lambda.amazonaws.com"),
            _new("lambda:CreateFunction", FUNCTION),
            _new("lambda:CreateEventSourceMapping", ANY),
        ),
        target_kinds=frozenset({"role"}),
        notes="Needs an existing stream or queue to map (a DynamoDB stream, SQS queue, ...).",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="lambda-create-function-add-permission",
        title="pass the role to a new Lambda function and grant itself (or anyone) invoke",
        reach=Reach.SERVICE_ROLE,
        service="lambda.amazonaws.com",
        needs=(
            _pass("lambda.amazonaws.com"),
            _new("lambda:CreateFunction", FUNCTION),
            _new("lambda:AddPermission", FUNCTION),
        ),
        target_kinds=frozenset({"role"}),
        notes="The resource policy it adds lets a principal outside its own permissions invoke.",
        references=(IAM_VULNERABLE,),
    ),
    EscalationMethod(
        id="lambda-update-function-code",
        title="replace the code of a function that runs as the role",
        reach=Reach.FUNCTION_ROLE,
        needs=(_iam("lambda:UpdateFunctionCode", On.VIA),),
        target_kinds=frozenset({"role"}),
        notes="The code runs at the function's next invocation (its triggers, or the caller's own).",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="lambda-update-function-configuration",
        title="add a layer (or an exec-wrapper environment variable) to a function that runs as the role",
        reach=Reach.FUNCTION_ROLE,
        needs=(_iam("lambda:UpdateFunctionConfiguration", On.VIA),),
        target_kinds=frozenset({"role"}),
        notes="A layer from any account (or AWS_LAMBDA_EXEC_WRAPPER) runs the caller's code in it.",
        references=(IAM_VULNERABLE,),
    ),
    EscalationMethod(
        id="ec2-run-instances",
        title="pass the role to a new EC2 instance and read its credentials",
        reach=Reach.SERVICE_ROLE,
        service="ec2.amazonaws.com",
        needs=(_pass("ec2.amazonaws.com"), _new("ec2:RunInstances", INSTANCE)),
        target_kinds=frozenset({"role"}),
        notes="Needs an instance profile holding the role (instance profiles are not collected).",
        references=(RHINO,),
    ),
    EscalationMethod(
        id="cloudformation-create-stack",
        title="pass the role to a new CloudFormation stack",
        reach=Reach.SERVICE_ROLE,
        service="cloudformation.amazonaws.com",
        needs=(
            _pass("cloudformation.amazonaws.com"),
            _new("cloudformation:CreateStack", "arn:aws:cloudformation:*:{account}:stack/*"),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="glue-create-dev-endpoint",
        title="pass the role to a new Glue development endpoint and log in to it",
        reach=Reach.SERVICE_ROLE,
        service="glue.amazonaws.com",
        needs=(_pass("glue.amazonaws.com"), _new("glue:CreateDevEndpoint", ANY)),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="glue-update-dev-endpoint",
        title="add an SSH key to an existing Glue development endpoint running as the role",
        reach=Reach.SERVICE_ROLE,
        service="glue.amazonaws.com",
        needs=(_new("glue:UpdateDevEndpoint", "arn:aws:glue:*:{account}:devEndpoint/*"),),
        target_kinds=frozenset({"role"}),
        unknown="a Glue development endpoint running as the role (dev endpoints are not collected)",
        severity=Severity.MEDIUM,
        references=(RHINO,),
    ),
    EscalationMethod(
        id="datapipeline-create-pipeline",
        title="pass the role to a new Data Pipeline that runs the caller's commands",
        reach=Reach.SERVICE_ROLE,
        service="datapipeline.amazonaws.com",
        needs=(
            _pass("datapipeline.amazonaws.com"),
            _new("datapipeline:CreatePipeline", ANY),
            _new("datapipeline:PutPipelineDefinition", "arn:aws:datapipeline:*:{account}:pipeline/*"),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
    ),
    EscalationMethod(
        id="sagemaker-create-notebook",
        title="pass the role to a new SageMaker notebook instance and open it",
        reach=Reach.SERVICE_ROLE,
        service="sagemaker.amazonaws.com",
        needs=(
            _pass("sagemaker.amazonaws.com"),
            _new("sagemaker:CreateNotebookInstance", "arn:aws:sagemaker:*:{account}:notebook-instance/*"),
            _new(
                "sagemaker:CreatePresignedNotebookInstanceUrl",
                "arn:aws:sagemaker:*:{account}:notebook-instance/*",
            ),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO_2,),
    ),
    EscalationMethod(
        id="codebuild-create-project",
        title="pass the role to a new CodeBuild project and start a build",
        reach=Reach.SERVICE_ROLE,
        service="codebuild.amazonaws.com",
        needs=(
            _pass("codebuild.amazonaws.com"),
            _new("codebuild:CreateProject", "arn:aws:codebuild:*:{account}:project/*"),
            _new("codebuild:StartBuild", "arn:aws:codebuild:*:{account}:project/*"),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO_2,),
    ),
    EscalationMethod(
        id="ssm-send-command",
        title="run a command on an EC2 instance that has the role (SSM Run Command)",
        reach=Reach.SERVICE_ROLE,
        service="ec2.amazonaws.com",
        needs=(_new("ssm:SendCommand", INSTANCE),),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(IAM_VULNERABLE,),
    ),
    EscalationMethod(
        id="ssm-start-session",
        title="open a shell on an EC2 instance that has the role (Session Manager)",
        reach=Reach.SERVICE_ROLE,
        service="ec2.amazonaws.com",
        needs=(_new("ssm:StartSession", INSTANCE),),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(IAM_VULNERABLE,),
    ),
    EscalationMethod(
        id="ec2-instance-connect-send-ssh-public-key",
        title="push an SSH key to an EC2 instance that has the role (EC2 Instance Connect)",
        reach=Reach.SERVICE_ROLE,
        service="ec2.amazonaws.com",
        needs=(_new("ec2-instance-connect:SendSSHPublicKey", INSTANCE),),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(IAM_VULNERABLE,),
    ),
)

# Not a method of its own: the second half of a PassRole method when the caller may pass EVERY
# role. Its edges go from the service (a graph node) to each role the service may assume, so a
# caller that may pass any role to Lambda gets one edge to `service:lambda.amazonaws.com` instead
# of one per role (and the path names the service it goes through).
SERVICE_ASSUMES = EscalationMethod(
    id="service-assume-role",
    title="the service assumes the role (its trust policy admits the service)",
    reach=Reach.SERVICE_ROLE,
    needs=(),
    caller_kinds=frozenset({"service"}),
    target_kinds=frozenset({"role"}),
    notes="Whoever may pass every role to the service reaches every role it may assume.",
)

METHODS_BY_ID = {m.id: m for m in (*METHODS, SERVICE_ASSUMES)}
RANK = {m.id: i for i, m in enumerate((*METHODS, SERVICE_ASSUMES))}
if len(METHODS_BY_ID) != len(METHODS) + 1:  # pragma: no cover - a programming error
    raise ValueError("escalation method ids must be unique")
