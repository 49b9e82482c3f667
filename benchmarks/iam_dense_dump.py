"""A deterministic, IAM-dense AWS CLI dump of one fintech-shaped account, for the issue 13 benchmarks.

Why: the estates that need lambdascope most are not the demo. A payments company's production
account typically holds thousands of IAM roles (one or more per Lambda function, ECS service and
EC2 fleet, per CI pipeline, per team and on-call rota), a few hundred users from before SSO, and
the sloppiness that accumulates: `s3:*` and `dynamodb:*` on `*`, `iam:PassRole` on `*`,
"temporary" AdministratorAccess on a Lambda role, deployers that may create roles and attach
policies, ops roles that may assume any role. Issue 13 measured such an account at 2,000 roles
(114,138 findings, 67 s, 4.6 GB) and asks for the measurement to be reproducible: this module
builds that account from a seed, byte for byte the same on every run, so the benchmark
(bench_iam_dense.py) and Cloudsplaining read the same file.

Output: a dump directory as `lambdascope import DIR` reads it (README, "Offline review: import
AWS CLI dumps"; estate/sources/dumps/):

    DIR/global/iam-get-account-authorization-details.json   `aws iam get-account-authorization-details`
    DIR/<region>/lambda-list-functions.json                  `aws lambda list-functions`
    DIR/<region>/lambda-list-event-source-mappings.json      `aws lambda list-event-source-mappings`
    DIR/<region>/lambda-<read>/<function>.json               the per-function reads the dump script makes

The IAM file is what the AWS CLI prints (JSON, 4-space indent, pages merged, policy documents
URL-decoded into objects, dates as `2021-03-04T10:11:12+00:00`), in the order the API returns the
keys. Its `Policies` list holds every customer managed policy with all its versions (up to five,
the default usually but not always the newest) and every AWS managed policy attached to something
(default version only); AWS managed documents are the real ones, shortened to their representative
statements where the real one runs to hundreds of actions (ReadOnlyAccess, SecurityAudit, ...).

Shape of the account, for `--roles N` (default 2,000):
- N roles: Lambda execution (~36%), ECS task and task-execution (~18%), EC2 instance (~8%), CI
  deployers (GitHub OIDC and a tooling account, ~8%), people (IAM Identity Center permission
  sets and legacy per-team roles assumed from an identity account with MFA, ~10%), data and
  orchestration services (Glue, Step Functions, EventBridge, CodeBuild, ~10%), third-party and
  audit cross-account roles (~3%, ExternalId), and the service-linked roles;
- about 5% administrator-like roles (AdministratorAccess, `*` on `*`, `NotAction iam:*` plus
  `iam:*`, PowerUserAccess plus IAMFullAccess), some trusting the account root or named ops and
  CI roles;
- escalation grants: `iam:PassRole` on `*` (with lambda:CreateFunction, ecs:RunTask,
  ec2:RunInstances, glue:CreateJob), `sts:AssumeRole` on `*`, `iam:CreatePolicyVersion`,
  `iam:AttachRolePolicy` / `iam:PutRolePolicy` / `iam:CreateRole` on `*` or `role/*`;
- N/10 users (people in groups, legacy service users, a break-glass admin), ~10 + one per team
  groups, permission boundaries on part of the developer-created roles, an MFA-enforcing policy;
- max(8, N/100) Lambda functions in one region, using some of the Lambda roles (including an
  administrator one and a PassRole-on-`*` one), with their per-function reads (resource policies,
  one public function URL, tags, concurrency, versions...).

Services not dumped (S3, EC2 networking, KMS, DynamoDB, SQS, SNS, Secrets Manager, logs,
CloudTrail, CloudWatch) are coverage gaps "not in the dump" after import, as are the reads no
dump can hold (README); Lambda and IAM have none.

    .venv/bin/python benchmarks/iam_dense_dump.py --roles 2000 --seed 13 -o /tmp/iam-dense
    .venv/bin/lambdascope import /tmp/iam-dense -o /tmp/iam-dense.lsnap
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

ACCOUNT = "418293746501"  # the production account dumped
IDENTITY_ACCOUNT = "602813947256"  # where people's IAM users and SSO live
TOOLING_ACCOUNT = "739104628315"  # CI runners
SECURITY_ACCOUNT = "850216374920"  # security tooling / audit
VENDOR_ACCOUNT = "311938472065"  # a third-party monitoring vendor
PARTNER_ACCOUNT = "527301846193"  # a banking partner exchanging files
REGION = "eu-west-1"
ORG = "acme-pay"
IAM = f"arn:aws:iam::{ACCOUNT}"
AWS_POLICY = "arn:aws:iam::aws:policy"
DEFAULT_SEED = 13
DEFAULT_ROLES = 2000
IAM_FILE = "global/iam-get-account-authorization-details.json"
_NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

TEAMS = (
    "payments", "ledger", "cards", "kyc", "fraud", "risk", "lending", "treasury",
    "onboarding", "notifications", "statements", "reconciliation", "fx", "payouts",
    "disputes", "accounts", "auth", "reporting", "compliance", "aml", "pricing",
    "billing", "merchant", "settlements",
)  # fmt: skip
APPS = (
    "api", "worker", "consumer", "scheduler", "exporter", "reconciler", "webhook", "notifier",
    "processor", "sync", "ingest", "batch", "gateway", "enricher", "validator", "archiver",
)  # fmt: skip
FIRST = (
    "amara", "ben", "chen", "dana", "elif", "femi", "greta", "hugo", "ines", "jonas", "kofi",
    "lena", "mateo", "nadia", "omar", "priya", "quinn", "rosa", "sven", "tariq", "ula", "viktor",
    "wen", "ximena", "yusuf", "zoe",
)  # fmt: skip
LAST = (
    "adeyemi", "bauer", "costa", "dubois", "eriksen", "fischer", "garcia", "haddad", "ito",
    "jensen", "kowalski", "lopez", "moreau", "nakamura", "okafor", "petrov", "rossi", "silva",
    "tanaka", "umar", "varga", "weber", "yilmaz", "zhang",
)  # fmt: skip
SSO_SETS = (
    "AdministratorAccess", "PowerUserAccess", "Developer", "DataEngineer", "ReadOnly",
    "Billing", "SecurityAudit", "SupportUser",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Policy documents as IAM stores them.


def doc(*statements: JSON) -> JSON:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _one(values: str | Sequence[str]) -> str | list[str]:
    """IAM keeps what was written: a lone action or resource is usually a string."""
    if isinstance(values, str):
        return values
    return values[0] if len(values) == 1 else list(values)


def allow(
    actions: str | Sequence[str],
    resources: str | Sequence[str] = "*",
    sid: str | None = None,
    condition: JSON | None = None,
    *,
    not_action: bool = False,
) -> JSON:
    statement: JSON = {"Sid": sid} if sid else {}
    statement["Effect"] = "Allow"
    statement["NotAction" if not_action else "Action"] = _one(actions)
    statement["Resource"] = _one(resources)
    if condition:
        statement["Condition"] = condition
    return statement


def deny_except(actions: Sequence[str], sid: str, condition: JSON) -> JSON:
    """Deny everything but `actions` under `condition` (the MFA-enforcing pattern)."""
    return {"Sid": sid, "Effect": "Deny", "NotAction": list(actions), "Resource": "*", "Condition": condition}


def trust(principal: JSON, action: str | list[str] = "sts:AssumeRole", condition: JSON | None = None) -> JSON:
    statement: JSON = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return doc(statement)


def service_trust(service: str, source_account: bool = False) -> JSON:
    condition = {"StringEquals": {"aws:SourceAccount": ACCOUNT}} if source_account else None
    return trust({"Service": service}, condition=condition)


def acts(text: str) -> list[str]:
    """A list of actions written as one space-separated string (keeps long lists readable)."""
    return text.split()


LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
ADMIN_DOC = doc(allow("*", "*"))

# AWS managed policies: name -> (path, default version, document). The long ones are shortened to
# their representative statements (the real ReadOnlyAccess lists ~1,500 actions).
AWS_MANAGED: dict[str, tuple[str, str, JSON]] = {
    "AdministratorAccess": ("/", "v1", ADMIN_DOC),
    "PowerUserAccess": (
        "/",
        "v5",
        doc(
            allow(["iam:*", "organizations:*", "account:*"], "*", not_action=True),
            allow(
                acts(
                    "iam:CreateServiceLinkedRole iam:DeleteServiceLinkedRole iam:ListRoles "
                    "organizations:DescribeOrganization account:ListRegions "
                    "account:GetAccountInformation"
                ),
                "*",
            ),
        ),
    ),
    "IAMFullAccess": (
        "/",
        "v2",
        doc(
            allow(
                acts(
                    "iam:* organizations:DescribeAccount organizations:DescribeOrganization "
                    "organizations:DescribeOrganizationalUnit organizations:DescribePolicy "
                    "organizations:ListChildren organizations:ListParents "
                    "organizations:ListPoliciesForTarget organizations:ListRoots "
                    "organizations:ListPolicies organizations:ListTargetsForPolicy"
                ),
                "*",
            )
        ),
    ),
    "ReadOnlyAccess": (
        "/",
        "v112",
        doc(
            allow(
                acts(
                    "acm:Describe* acm:Get* acm:List* apigateway:GET application-autoscaling:Describe* "
                    "autoscaling:Describe* cloudformation:Describe* "
                    "cloudformation:Get* cloudformation:List* cloudfront:Get* cloudfront:List* "
                    "cloudtrail:Describe* cloudtrail:Get* cloudtrail:List* "
                    "cloudtrail:LookupEvents cloudwatch:Describe* cloudwatch:Get* "
                    "cloudwatch:List* codebuild:BatchGet* codebuild:List* dynamodb:BatchGet* "
                    "dynamodb:Describe* dynamodb:Get* dynamodb:List* dynamodb:Query dynamodb:Scan "
                    "ec2:Describe* ec2:Get* ecr:BatchCheck* ecr:BatchGet* ecr:Describe* ecr:Get* "
                    "ecr:List* ecs:Describe* ecs:List* elasticloadbalancing:Describe* "
                    "events:Describe* events:List* glue:BatchGet* glue:Get* glue:List* "
                    "iam:Generate* iam:Get* iam:List* iam:Simulate* kms:Describe* kms:Get* "
                    "kms:List* lambda:Get* lambda:List* logs:Describe* logs:FilterLogEvents "
                    "logs:Get* logs:StartQuery rds:Describe* rds:List* s3:DescribeJob s3:Get* "
                    "s3:List* secretsmanager:Describe* secretsmanager:GetResourcePolicy "
                    "secretsmanager:List* sns:Get* sns:List* sqs:Get* sqs:List* sqs:Receive* "
                    "ssm:Describe* ssm:Get* ssm:List* states:Describe* states:Get* states:List* "
                    "sts:GetCallerIdentity"
                ),
                "*",
            )
        ),
    ),
    "SecurityAudit": (
        "/",
        "v41",
        doc(
            allow(
                acts(
                    "access-analyzer:List* acm:Describe* apigateway:GET cloudtrail:DescribeTrails "
                    "cloudtrail:GetEventSelectors cloudtrail:GetTrailStatus config:Describe* "
                    "dynamodb:DescribeTable dynamodb:ListTables ec2:Describe* "
                    "iam:GenerateCredentialReport iam:Get* iam:List* kms:DescribeKey "
                    "kms:GetKeyPolicy kms:GetKeyRotationStatus kms:ListKeys "
                    "lambda:GetFunctionUrlConfig lambda:GetPolicy lambda:ListFunctions "
                    "logs:DescribeLogGroups s3:GetBucketPolicy s3:GetBucketPublicAccessBlock "
                    "s3:ListAllMyBuckets secretsmanager:GetResourcePolicy "
                    "secretsmanager:ListSecrets sns:GetTopicAttributes sns:ListTopics "
                    "sqs:GetQueueAttributes sqs:ListQueues"
                ),
                "*",
                sid="SecurityAuditReadOnly",
            ),
            allow(
                "apigateway:GET", "arn:aws:apigateway:*::/restapis/*/authorizers/*", sid="APIGatewayAccess"
            ),
        ),
    ),
    "job-function/ViewOnlyAccess": (
        "/job-function/",
        "v20",
        doc(
            allow(
                acts(
                    "acm:ListCertificates cloudtrail:DescribeTrails cloudwatch:DescribeAlarms "
                    "dynamodb:ListTables ec2:DescribeInstances ecs:ListClusters iam:ListRoles "
                    "iam:ListUsers lambda:ListFunctions s3:ListAllMyBuckets sns:ListTopics "
                    "sqs:ListQueues"
                ),
                "*",
            )
        ),
    ),
    "job-function/Billing": (
        "/job-function/",
        "v11",
        doc(
            allow(
                acts(
                    "aws-portal:*Billing aws-portal:*PaymentMethods budgets:ModifyBudget "
                    "budgets:ViewBudget ce:Get* cur:DescribeReportDefinitions tax:List*"
                ),
                "*",
            )
        ),
    ),
    "AWSSupportAccess": ("/", "v1", doc(allow("support:*", "*"))),
    "IAMUserChangePassword": (
        "/",
        "v2",
        doc(
            allow("iam:ChangePassword", "arn:aws:iam::*:user/${aws:username}"),
            allow("iam:GetAccountPasswordPolicy", "*"),
        ),
    ),
    "AmazonS3FullAccess": ("/", "v2", doc(allow(["s3:*", "s3-object-lambda:*"], "*"))),
    "AmazonS3ReadOnlyAccess": ("/", "v3", doc(allow(["s3:Get*", "s3:List*", "s3:Describe*"], "*"))),
    "AmazonDynamoDBFullAccess": (
        "/",
        "v14",
        doc(
            allow(
                acts(
                    "dynamodb:* dax:* application-autoscaling:* cloudwatch:DeleteAlarms "
                    "cloudwatch:DescribeAlarms cloudwatch:PutMetricAlarm kms:DescribeKey "
                    "kms:ListAliases sns:CreateTopic sns:ListTopics sns:Subscribe "
                    "lambda:CreateFunction lambda:ListFunctions lambda:CreateEventSourceMapping "
                    "lambda:DeleteFunction iam:GetRole iam:ListRoles"
                ),
                "*",
            ),
            allow(
                "iam:PassRole",
                "*",
                condition={
                    "StringLike": {
                        "iam:PassedToService": ["application-autoscaling.amazonaws.com", "dax.amazonaws.com"]
                    }
                },
            ),
        ),
    ),
    "service-role/AWSLambdaBasicExecutionRole": ("/service-role/", "v1", doc(allow(LOGS, "*"))),
    "service-role/AWSLambdaVPCAccessExecutionRole": (
        "/service-role/",
        "v3",
        doc(
            allow(
                [
                    *LOGS,
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                "*",
                sid="AWSLambdaVPCAccessExecutionPermissions",
            )
        ),
    ),
    "service-role/AWSLambdaSQSQueueExecutionRole": (
        "/service-role/",
        "v2",
        doc(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", *LOGS], "*")),
    ),
    "service-role/AmazonECSTaskExecutionRolePolicy": (
        "/service-role/",
        "v1",
        doc(
            allow(
                acts(
                    "ecr:GetAuthorizationToken ecr:BatchCheckLayerAvailability "
                    "ecr:GetDownloadUrlForLayer ecr:BatchGetImage logs:CreateLogStream "
                    "logs:PutLogEvents"
                ),
                "*",
            )
        ),
    ),
    "AmazonSSMManagedInstanceCore": (
        "/",
        "v2",
        doc(
            allow(
                acts(
                    "ssm:DescribeAssociation ssm:GetDeployablePatchSnapshotForInstance "
                    "ssm:GetDocument ssm:DescribeDocument ssm:GetManifest ssm:GetParameter "
                    "ssm:GetParameters ssm:ListAssociations ssm:ListInstanceAssociations "
                    "ssm:PutInventory ssm:PutComplianceItems ssm:PutConfigurePackageResult "
                    "ssm:UpdateAssociationStatus ssm:UpdateInstanceAssociationStatus "
                    "ssm:UpdateInstanceInformation"
                ),
                "*",
            ),
            allow(
                [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                "*",
            ),
            allow(
                acts(
                    "ec2messages:AcknowledgeMessage ec2messages:DeleteMessage "
                    "ec2messages:FailMessage ec2messages:GetEndpoint ec2messages:GetMessages "
                    "ec2messages:SendReply"
                ),
                "*",
            ),
        ),
    ),
    "CloudWatchAgentServerPolicy": (
        "/",
        "v2",
        doc(
            allow(
                acts(
                    "cloudwatch:PutMetricData ec2:DescribeVolumes ec2:DescribeTags "
                    "logs:PutLogEvents logs:DescribeLogStreams logs:DescribeLogGroups "
                    "logs:CreateLogStream logs:CreateLogGroup"
                ),
                "*",
            ),
            allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"),
        ),
    ),
    "service-role/AWSGlueServiceRole": (
        "/service-role/",
        "v6",
        doc(
            allow(
                acts(
                    "glue:* s3:GetBucketLocation s3:ListBucket s3:ListAllMyBuckets "
                    "s3:GetBucketAcl ec2:DescribeVpcEndpoints ec2:DescribeRouteTables "
                    "ec2:CreateNetworkInterface ec2:DeleteNetworkInterface "
                    "ec2:DescribeNetworkInterfaces ec2:DescribeSecurityGroups ec2:DescribeSubnets "
                    "ec2:DescribeVpcAttribute iam:ListRolePolicies iam:GetRole iam:GetRolePolicy "
                    "cloudwatch:PutMetricData"
                ),
                "*",
            ),
            allow(
                ["s3:GetObject", "s3:PutObject"],
                ["arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"],
            ),
            allow(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "arn:aws:logs:*:*:*:/aws-glue/*",
            ),
        ),
    ),
    "service-role/AWSCodeBuildDeveloperAccess": (
        "/service-role/",
        "v5",
        doc(
            allow(
                ["codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGet*", "codebuild:List*"], "*"
            )
        ),
    ),
    "aws-service-role/AmazonECSServiceRolePolicy": (
        "/aws-service-role/",
        "v8",
        doc(
            allow(
                acts(
                    "ec2:AttachNetworkInterface ec2:CreateNetworkInterface "
                    "ec2:DeleteNetworkInterface ec2:Describe* elasticloadbalancing:Describe* "
                    "elasticloadbalancing:RegisterInstancesWithLoadBalancer "
                    "elasticloadbalancing:RegisterTargets route53:ChangeResourceRecordSets "
                    "servicediscovery:RegisterInstance autoscaling:Describe*"
                ),
                "*",
                sid="ECSTaskManagement",
            )
        ),
    ),
    "aws-service-role/AutoScalingServiceRolePolicy": (
        "/aws-service-role/",
        "v7",
        doc(
            allow(
                ["ec2:RunInstances", "ec2:TerminateInstances", "ec2:Describe*", "ec2:CreateTags"],
                "*",
                sid="EC2InstanceManagement",
            ),
            allow(
                "iam:PassRole",
                "*",
                sid="EC2InstanceProfileManagement",
                condition={"StringLike": {"iam:PassedToService": "ec2.amazonaws.com*"}},
            ),
            allow(
                "iam:CreateServiceLinkedRole",
                "*",
                sid="EC2SpotManagement",
                condition={"StringEquals": {"iam:AWSServiceName": "spot.amazonaws.com"}},
            ),
        ),
    ),
    "aws-service-role/AWSElasticLoadBalancingServiceRolePolicy": (
        "/aws-service-role/",
        "v9",
        doc(
            allow(
                acts(
                    "ec2:DescribeAddresses ec2:DescribeInstances ec2:DescribeSubnets "
                    "ec2:CreateNetworkInterface ec2:DeleteNetworkInterface logs:CreateLogDelivery"
                ),
                "*",
            )
        ),
    ),
    "aws-service-role/AWSSupportServiceRolePolicy": (
        "/aws-service-role/",
        "v30",
        doc(
            allow(
                ["iam:GetRole", "iam:ListRoles", "ec2:Describe*", "lambda:GetFunction*", "lambda:List*"], "*"
            )
        ),
    ),
    "aws-service-role/AWSTrustedAdvisorServiceRolePolicy": (
        "/aws-service-role/",
        "v12",
        doc(
            allow(
                acts(
                    "iam:GenerateCredentialReport iam:GetCredentialReport iam:ListRoles "
                    "s3:GetBucketPolicy s3:ListAllMyBuckets lambda:ListFunctions"
                ),
                "*",
            )
        ),
    ),
    "aws-service-role/AWSSSOServiceRolePolicy": (
        "/aws-service-role/",
        "v23",
        doc(
            allow(
                acts(
                    "iam:AttachRolePolicy iam:CreateRole iam:DeleteRole iam:DeleteRolePolicy "
                    "iam:DetachRolePolicy iam:GetRole iam:ListRolePolicies iam:PutRolePolicy "
                    "iam:UpdateAssumeRolePolicy"
                ),
                "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*",
                sid="IAMRoleProvisioningActions",
            ),
            allow(["iam:ListRoles", "iam:ListPolicies"], "*", sid="IAMRoleReadActions"),
        ),
    ),
}

SERVICE_LINKED = (  # role name, service, policy
    ("AWSServiceRoleForECS", "ecs.amazonaws.com", "aws-service-role/AmazonECSServiceRolePolicy"),
    ("AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com",
     "aws-service-role/AutoScalingServiceRolePolicy"),
    ("AWSServiceRoleForElasticLoadBalancing", "elasticloadbalancing.amazonaws.com",
     "aws-service-role/AWSElasticLoadBalancingServiceRolePolicy"),
    ("AWSServiceRoleForSupport", "support.amazonaws.com", "aws-service-role/AWSSupportServiceRolePolicy"),
    ("AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com",
     "aws-service-role/AWSTrustedAdvisorServiceRolePolicy"),
    ("AWSServiceRoleForSSO", "sso.amazonaws.com", "aws-service-role/AWSSSOServiceRolePolicy"),
)  # fmt: skip

# Role categories and their share of the roles that are not service-linked; Lambda takes the rest.
SHARES = {
    "ecs-task": 0.14,
    "ecs-exec": 0.04,
    "ec2": 0.08,
    "ci": 0.08,
    "people": 0.10,
    "data": 0.10,
    "external": 0.03,
}
ADMIN_SHARE = 0.05
ADMIN_CATEGORIES = ("lambda", "ecs-task", "ec2", "ci", "people", "data")


# ---------------------------------------------------------------------------------------------
# The account under construction.


@dataclass
class Role:
    name: str
    category: str
    team: str
    admin: bool = False
    path: str = "/"
    trust: JSON = field(default_factory=dict)
    inline: list[tuple[str, JSON]] = field(default_factory=list)
    attached: list[str] = field(default_factory=list)  # policy ARNs
    boundary: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    instance_profile: bool = False
    escalation: list[str] = field(default_factory=list)  # the escalation grants it was given

    def grant(self, statements: list[JSON]) -> list[JSON]:
        """Note the escalation actions among `statements` (to pick the functions' roles), return them."""
        self.escalation += [
            a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        ]
        return statements

    @property
    def arn(self) -> str:
        return f"{IAM}:role{self.path}{self.name}"


@dataclass
class Dump:
    """The files of one dump: relative path -> JSON value, or text (the CLI's saved error)."""

    files: dict[str, JSON | str]
    roles: list[Role]
    summary: dict[str, int]

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for relative, content in self.files.items():
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            text = content if isinstance(content, str) else json.dumps(content, indent=4, ensure_ascii=False)
            path.write_text(text + ("\n" if text else ""), encoding="utf-8")


class Builder:
    """Draws the account from one seeded random stream, in a fixed order (so it is deterministic)."""

    def __init__(self, roles: int, seed: int) -> None:
        if roles < len(SERVICE_LINKED) + 20:
            raise ValueError(f"--roles must be at least {len(SERVICE_LINKED) + 20}")
        self.total = roles
        self.rng = random.Random(seed)
        self.roles: list[Role] = []
        self.names: Counter[str] = Counter()
        self.customer: dict[str, JSON] = {}  # ARN -> Policies entry (versions filled in)
        self.aws_used: set[str] = set()
        self.users: list[JSON] = []
        self.groups: list[JSON] = []

    # -- small draws ----------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, values: Sequence[Any]) -> Any:
        return values[self.rng.randrange(len(values))]

    def ident(self, prefix: str) -> str:
        return prefix + "".join(self.rng.choice(_ID_ALPHABET) for _ in range(17))

    def date(self, earliest: int = 2018) -> str:
        start = dt.datetime(earliest, 1, 1, tzinfo=dt.UTC)
        seconds = self.rng.randrange(int((_NOW - start).total_seconds()) - 86400 * 30)
        return (start + dt.timedelta(seconds=seconds)).isoformat()

    def unique(self, stem: str, suffix: str = "") -> str:
        """`stem + suffix`, or `stem-N + suffix` for the N-th use (IAM names are unique per account)."""
        self.names[stem + suffix] += 1
        count = self.names[stem + suffix]
        return f"{stem}{suffix}" if count == 1 else f"{stem}-{count}{suffix}"

    # -- policies -------------------------------------------------------------------------------

    def aws(self, name: str) -> str:
        self.aws_used.add(name)
        return f"{AWS_POLICY}/{name}"

    def managed(self, name: str, final: JSON, path: str = "/", versions: int | None = None) -> str:
        """A customer managed policy whose default version is `final`; earlier versions were broader
        (a first draft on `*`) or lacked the latest statements, as policies evolve."""
        arn = f"{IAM}:policy{path}{name}"
        if arn in self.customer:
            return arn
        count = versions or self.pick((1, 1, 2, 2, 3, 4, 5))
        statements = final["Statement"]
        docs = []
        dates = sorted(self.date(2018) for _ in range(count))
        for k in range(1, count + 1):
            if k == count:
                docs.append(final)
                continue
            kept = [dict(s) for s in statements[: max(1, len(statements) - (count - k))]]
            if self.chance(0.5):
                kept[0]["Resource"] = "*"
            docs.append(doc(*kept))
        default = count if count == 1 or self.chance(0.9) else count - 1  # sometimes rolled back
        version_list = [
            {
                "Document": docs[k - 1],
                "VersionId": f"v{k}",
                "IsDefaultVersion": k == default,
                "CreateDate": dates[k - 1],
            }
            for k in range(count, 0, -1)
        ]
        self.customer[arn] = {
            "PolicyName": name,
            "PolicyId": self.ident("ANPA"),
            "Arn": arn,
            "Path": path,
            "DefaultVersionId": f"v{default}",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": dates[0],
            "UpdateDate": dates[-1],
            "PolicyVersionList": version_list,
        }
        return arn

    def shared_policies(self) -> dict[str, str]:
        """The account's shared customer managed policies, by short name."""
        table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"
        out = {
            "boundary": self.managed(
                "platform-permissions-boundary",
                doc(
                    allow(
                        acts(
                            "s3:* dynamodb:* sqs:* sns:* kms:Decrypt kms:GenerateDataKey "
                            "secretsmanager:GetSecretValue logs:* xray:PutTraceSegments "
                            "cloudwatch:PutMetricData events:PutEvents states:StartExecution"
                        ),
                        "*",
                        sid="ServiceAccess",
                    ),
                ),
                path="/boundaries/",
            ),
            "force-mfa": self.managed(
                "force-mfa",
                doc(
                    allow(["iam:ListVirtualMFADevices", "iam:ListUsers"], "*", sid="AllowListActions"),
                    allow(
                        acts(
                            "iam:CreateVirtualMFADevice iam:EnableMFADevice iam:ResyncMFADevice "
                            "iam:ChangePassword iam:GetUser"
                        ),
                        ["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"],
                        sid="AllowManageOwnCredentials",
                    ),
                    deny_except(
                        acts(
                            "iam:CreateVirtualMFADevice iam:EnableMFADevice iam:GetUser "
                            "iam:ListMFADevices iam:ListVirtualMFADevices iam:ResyncMFADevice "
                            "sts:GetSessionToken iam:ChangePassword"
                        ),
                        "BlockMostAccessUnlessSignedInWithMFA",
                        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                    ),
                ),
                versions=2,
            ),
            "developer": self.managed(
                "developer-self-service",
                doc(
                    allow(
                        acts(
                            "lambda:UpdateFunctionCode lambda:UpdateFunctionConfiguration "
                            "lambda:InvokeFunction lambda:PublishVersion ecs:UpdateService "
                            "ecs:RunTask ssm:StartSession"
                        ),
                        "*",
                        sid="Deploy",
                    ),
                    allow("iam:PassRole", "*", sid="PassAppRoles"),
                    allow("sts:AssumeRole", f"{IAM}:role/*-oncall", sid="Oncall"),
                    allow(["dynamodb:Query", "dynamodb:GetItem", "dynamodb:Scan"], f"{table}/*", sid="Debug"),
                ),
                versions=4,
            ),
            "ci": self.managed(
                "ci-deployer",
                doc(
                    allow(
                        acts(
                            "lambda:* apigateway:* cloudformation:* ecs:* ecr:* events:* states:* "
                            "s3:* logs:* ssm:GetParameter*"
                        ),
                        "*",
                        sid="Deploy",
                    ),
                    allow("iam:PassRole", "*", sid="PassAnyRole"),
                    allow(["iam:GetRole", "iam:ListRoles", "iam:TagRole"], "*", sid="ReadRoles"),
                ),
                versions=5,
            ),
            "provisioner": self.managed(
                "iam-self-service-provisioner",
                doc(
                    allow(
                        acts(
                            "iam:CreateRole iam:AttachRolePolicy iam:PutRolePolicy iam:TagRole "
                            "iam:CreatePolicy iam:CreatePolicyVersion iam:DeletePolicyVersion"
                        ),
                        "*",
                        sid="ProvisionAppRoles",
                    ),
                ),
                versions=3,
            ),
            "sre": self.managed(
                "sre-operations",
                doc(
                    allow(
                        ["iam:PassRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                        f"{IAM}:role/*",
                        sid="FixRoles",
                    ),
                    allow("sts:AssumeRole", "*", sid="AssumeAnything"),
                ),
                versions=3,
            ),
            "data-engineering": self.managed(
                "data-engineering",
                doc(
                    allow(["glue:*", "athena:*", "s3:*", "states:StartExecution"], "*", sid="Pipelines"),
                    allow(
                        "iam:PassRole",
                        f"{IAM}:role/*",
                        sid="PassToGlue",
                        condition={"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}},
                    ),
                ),
            ),
            "secrets": self.managed(
                "read-app-secrets",
                doc(
                    allow(
                        ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:*",
                        sid="ReadSecrets",
                    )
                ),
            ),
            "kms": self.managed(
                "kms-use-app-keys",
                doc(
                    allow(
                        ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*",
                        sid="UseKeys",
                    )
                ),
            ),
        }
        return out

    def team_policies(self, team: str) -> tuple[str, str]:
        """`<team>-data-access` (a third of the teams use wildcards) and `<team>-deploy`."""
        table, bucket = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{team}-", f"arn:aws:s3:::{ORG}-{team}-"
        sloppy = TEAMS.index(team) % 3 == 0
        data = doc(
            allow(
                "dynamodb:*"
                if sloppy
                else acts(
                    "dynamodb:GetItem dynamodb:PutItem dynamodb:Query dynamodb:UpdateItem "
                    "dynamodb:BatchWriteItem"
                ),
                "*" if sloppy else [f"{table}*", f"{table}*/index/*"],
                sid="Tables",
            ),
            allow(
                "s3:*" if sloppy else ["s3:GetObject", "s3:PutObject"],
                "*" if sloppy else f"{bucket}*/*",
                sid="Objects",
            ),
            allow(
                ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
                f"arn:aws:sqs:{REGION}:{ACCOUNT}:{team}-*",
                sid="Queues",
            ),
            allow(
                "kms:Decrypt", "*" if sloppy else f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/{team}-*", sid="Keys"
            ),
        )
        deploy = doc(
            allow(
                [
                    "lambda:UpdateFunctionCode",
                    "lambda:UpdateFunctionConfiguration",
                    "lambda:PublishVersion",
                    "lambda:UpdateAlias",
                ],
                f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{team}-*",
                sid="Functions",
            ),
            allow(["ecs:UpdateService", "ecs:RegisterTaskDefinition"], "*", sid="Services"),
            allow("iam:PassRole", f"{IAM}:role/{team}-*", sid="PassTeamRoles"),
        )
        return (
            self.managed(f"{team}-data-access", data, path="/teams/"),
            self.managed(f"{team}-deploy", deploy, path="/teams/"),
        )

    # -- roles ----------------------------------------------------------------------------------

    def plan(self) -> list[Role]:
        """Every role's name, category, team and admin flag (trust and grants come later)."""
        free = self.total - len(SERVICE_LINKED)
        counts = {category: round(free * share) for category, share in SHARES.items()}
        counts["lambda"] = free - sum(counts.values())
        categories = [c for c, n in counts.items() for _ in range(n)]
        self.rng.shuffle(categories)
        roles = [Role(self.role_name(c, i), c, TEAMS[i % len(TEAMS)]) for i, c in enumerate(categories)]
        sso = "AWSReservedSSO_"
        eligible = [i for i, r in enumerate(roles) if r.category in ADMIN_CATEGORIES and sso not in r.name]
        for i in self.rng.sample(eligible, round(self.total * ADMIN_SHARE) - 1):
            roles[i].admin = True
        for role in roles:  # the Identity Center administrators are the last one
            role.admin = role.admin or role.name.startswith(f"{sso}AdministratorAccess_")
        for name, service, _policy in SERVICE_LINKED:
            roles.append(Role(name, "service-linked", "platform", path=f"/aws-service-role/{service}/"))
        return roles

    def role_name(self, category: str, index: int) -> str:
        team, app = TEAMS[index % len(TEAMS)], self.pick(APPS)
        if category == "lambda":
            return self.unique(f"{team}-{app}", "-lambda-role")
        if category == "ecs-task":
            return self.unique(f"{team}-{app}", "-task")
        if category == "ecs-exec":
            return self.unique(f"{team}-{app}", "-task-execution")
        if category == "ec2":
            fleet = self.pick(
                ("kafka-broker", "bastion", "batch-runner", "airflow-worker", "vpn", "hsm-proxy")
            )
            return self.unique(f"ec2-{fleet}")
        if category == "ci":
            return self.unique(
                f"gha-deploy-{team}-{app}"
                if self.chance(0.7)
                else f"ci-{team}-{self.pick(('deploy', 'release'))}"
            )
        if category == "people":
            if self.names["sso"] < len(SSO_SETS):
                permission_set = SSO_SETS[self.names["sso"]]
                self.names["sso"] += 1
                return f"AWSReservedSSO_{permission_set}_{self.rng.getrandbits(64):016x}"
            return self.unique(
                f"{team}-{self.pick(('developer', 'oncall', 'readonly', 'analyst', 'release'))}"
            )
        if category == "data":
            return self.unique(
                f"{team}-{self.pick(('glue-job', 'state-machine', 'events-target', 'codebuild'))}"
            )
        return self.unique(self.pick(("vendor-monitoring", "security-audit", "partner-sftp", "backup-vault")))

    def build_roles(self, shared: dict[str, str]) -> None:
        self.roles = self.plan()
        by_category: dict[str, list[Role]] = {}
        for role in self.roles:
            by_category.setdefault(role.category, []).append(role)
        ops = [r for r in by_category.get("people", []) if r.name.endswith(("-oncall", "-release"))]
        ci = by_category.get("ci", [])
        for role in self.roles:
            if role.name.startswith("AWSReservedSSO_"):
                role.path = f"/aws-reserved/sso.amazonaws.com/{REGION}/"
            role.tags = {
                "team": role.team,
                "env": "prod",
                "managed-by": self.pick(("terraform", "terraform", "cdk")),
            }
            if role.team in ("payments", "cards", "ledger", "settlements"):
                role.tags["data-classification"] = "pci"
            getattr(self, "_" + role.category.replace("-", "_"))(role, shared)
            if role.admin:
                self._make_admin(role, ops, ci)

    def _inline_name(self, role: Role) -> str:
        return self.pick(("inline", "app-access", f"{role.name}-policy", "permissions", "extra"))

    def _sloppy_grants(self, role: Role) -> list[JSON]:
        out = []
        for action, p in (("s3:*", 0.10), ("dynamodb:*", 0.10), ("sqs:*", 0.06), ("kms:*", 0.04)):
            if self.chance(p):
                out.append(allow(action, "*"))
        if self.chance(0.05):
            out.append(allow("secretsmanager:GetSecretValue", "*"))
        return out

    def _app_grants(self, role: Role, shared: dict[str, str], extra: list[JSON]) -> None:
        """The role's own grants: a dedicated managed policy (40%) or an inline one, plus its team's."""
        team = role.team
        own = [
            allow(
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{team}-{self.pick(APPS)}*",
            ),
            allow(["sqs:SendMessage"], f"arn:aws:sqs:{REGION}:{ACCOUNT}:{team}-{self.pick(APPS)}"),
            *self._sloppy_grants(role),
            *extra,
        ]
        if self.chance(0.4):
            role.attached.append(self.managed(f"{role.name}-policy", doc(*own), path="/app/"))
        else:
            role.inline.append((self._inline_name(role), doc(*own)))
        data_access, _deploy = self.team_policies(team)
        if self.chance(0.6):
            role.attached.append(data_access)
        if self.chance(0.15):
            role.attached.append(shared["secrets"])
        if self.chance(0.2):
            role.attached.append(shared["kms"])

    def _escalation_grants(self, rates: dict[str, float]) -> list[JSON]:
        out = []
        if self.chance(rates.get("passrole", 0)):
            out.append(allow("iam:PassRole", "*"))
        if self.chance(rates.get("assume", 0)):
            out.append(allow("sts:AssumeRole", "*"))
        if self.chance(rates.get("policy-version", 0)):
            out.append(allow(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], "*"))
        if self.chance(rates.get("attach", 0)):
            out.append(allow(["iam:AttachRolePolicy", "iam:PutRolePolicy"], "*"))
        return out

    def _lambda(self, role: Role, shared: dict[str, str]) -> None:
        role.trust = service_trust("lambda.amazonaws.com")
        role.attached.append(self.aws("service-role/AWSLambdaBasicExecutionRole"))
        if self.chance(0.35):
            role.attached.append(self.aws("service-role/AWSLambdaVPCAccessExecutionRole"))
        if self.chance(0.2):
            role.attached.append(self.aws("service-role/AWSLambdaSQSQueueExecutionRole"))
        rates = {"passrole": 0.05, "assume": 0.03, "policy-version": 0.01, "attach": 0.01}
        escalation = role.grant(self._escalation_grants(rates))
        if any(s["Action"] == "iam:PassRole" for s in escalation):
            escalation.append(allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"))
        self._app_grants(role, shared, escalation)
        if self.chance(0.25):
            role.boundary = shared["boundary"]

    def _ecs_task(self, role: Role, shared: dict[str, str]) -> None:
        role.trust = service_trust("ecs-tasks.amazonaws.com", source_account=self.chance(0.3))
        escalation = role.grant(self._escalation_grants({"passrole": 0.04, "assume": 0.03, "attach": 0.005}))
        if any(s["Action"] == "iam:PassRole" for s in escalation):
            escalation.append(allow(["ecs:RunTask", "ecs:RegisterTaskDefinition"], "*"))
        self._app_grants(role, shared, escalation)

    def _ecs_exec(self, role: Role, shared: dict[str, str]) -> None:
        role.trust = service_trust("ecs-tasks.amazonaws.com")
        role.attached.append(self.aws("service-role/AmazonECSTaskExecutionRolePolicy"))
        grants = [
            allow(
                ["secretsmanager:GetSecretValue", "ssm:GetParameters"],
                "*"
                if self.chance(0.4)
                else f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{role.team}/*",
            )
        ]
        role.inline.append(("pull-secrets", doc(*grants)))

    def _ec2(self, role: Role, shared: dict[str, str]) -> None:
        role.trust = service_trust("ec2.amazonaws.com")
        role.instance_profile = True
        role.attached += [self.aws("AmazonSSMManagedInstanceCore"), self.aws("CloudWatchAgentServerPolicy")]
        escalation = self._escalation_grants({"assume": 0.05, "passrole": 0.04})
        if any(s["Action"] == "iam:PassRole" for s in escalation):
            escalation.append(allow(["ec2:RunInstances", "ec2:AssociateIamInstanceProfile"], "*"))
        if self.chance(0.3):
            role.attached.append(self.aws("AmazonS3FullAccess"))
        role.inline.append(
            ("instance", doc(allow(["s3:GetObject"], f"arn:aws:s3:::{ORG}-artifacts/*"), *escalation))
        )

    def _ci(self, role: Role, shared: dict[str, str]) -> None:
        if role.name.startswith("gha-"):
            repo = role.name.removeprefix("gha-deploy-")
            role.trust = trust(
                {"Federated": f"{IAM}:oidc-provider/token.actions.githubusercontent.com"},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                    "StringLike": {"token.actions.githubusercontent.com:sub": f"repo:{ORG}/{repo}:*"},
                },
            )
        else:
            role.trust = trust({"AWS": f"arn:aws:iam::{TOOLING_ACCOUNT}:role/ci-runner"})
        _data, deploy = self.team_policies(role.team)
        role.attached.append(shared["ci"] if self.chance(0.6) else deploy)
        if self.chance(0.3):
            role.attached.append(shared["provisioner"])
        extra = self._escalation_grants({"assume": 0.3, "policy-version": 0.15})
        if self.chance(0.3):
            extra.append(
                allow(["iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"], f"{IAM}:role/*")
            )
        if extra:
            role.inline.append(("deploy-extras", doc(*extra)))

    def _people(self, role: Role, shared: dict[str, str]) -> None:
        if role.name.startswith("AWSReservedSSO_"):
            role.trust = trust(
                {"Federated": f"{IAM}:saml-provider/AWSSSO_5c1f0e9a2d7b4c3e_DO_NOT_DELETE"},
                ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            )
            permission_set = role.name.split("_")[1]
            role.attached += {
                "PowerUserAccess": [self.aws("PowerUserAccess")],
                "Developer": [self.aws("ReadOnlyAccess"), shared["developer"]],
                "DataEngineer": [self.aws("ReadOnlyAccess"), shared["data-engineering"]],
                "ReadOnly": [self.aws("ReadOnlyAccess")],
                "Billing": [self.aws("job-function/Billing")],
                "SecurityAudit": [self.aws("SecurityAudit")],
                "SupportUser": [self.aws("AWSSupportAccess"), self.aws("job-function/ViewOnlyAccess")],
            }.get(permission_set, [])
            return
        role.trust = trust(
            {"AWS": f"arn:aws:iam::{IDENTITY_ACCOUNT}:root"},
            condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        )
        kind = role.name.split("-")[-1] if not role.name[-1].isdigit() else role.name.split("-")[-2]
        role.attached.append(self.aws("ReadOnlyAccess"))
        if kind in ("developer", "oncall", "release"):
            role.attached.append(shared["developer"])
            role.attached.append(self.team_policies(role.team)[1])
        if kind == "oncall":
            role.attached.append(shared["sre"])
        if kind == "release" and self.chance(0.5):
            role.attached.append(shared["provisioner"])

    def _data(self, role: Role, shared: dict[str, str]) -> None:
        service = {
            "glue-job": "glue.amazonaws.com",
            "state-machine": "states.amazonaws.com",
            "events-target": "events.amazonaws.com",
            "codebuild": "codebuild.amazonaws.com",
        }
        kind = next(k for k in service if k in role.name)
        role.trust = service_trust(service[kind], source_account=self.chance(0.4))
        if kind == "glue-job":
            role.attached.append(self.aws("service-role/AWSGlueServiceRole"))
            grants = [
                allow(
                    ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    "*"
                    if self.chance(0.5)
                    else [f"arn:aws:s3:::{ORG}-{role.team}-lake", f"arn:aws:s3:::{ORG}-{role.team}-lake/*"],
                )
            ]
            if self.chance(0.1):
                grants.append(allow("iam:PassRole", "*"))
        elif kind == "state-machine":
            grants = [
                allow(
                    "lambda:InvokeFunction",
                    "*" if self.chance(0.5) else f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{role.team}-*",
                ),
                allow(["states:StartExecution", "events:PutEvents"], "*"),
            ]
        elif kind == "events-target":
            grants = [allow(["states:StartExecution", "lambda:InvokeFunction", "sqs:SendMessage"], "*")]
        else:
            role.attached.append(self.aws("service-role/AWSCodeBuildDeveloperAccess"))
            grants = [allow(["ecr:*", "s3:*", "logs:*"], "*"), allow("iam:PassRole", "*")]
        role.inline.append((self._inline_name(role), doc(*grants)))

    def _external(self, role: Role, shared: dict[str, str]) -> None:
        if role.name.startswith("vendor-"):
            role.trust = trust(
                {"AWS": f"arn:aws:iam::{VENDOR_ACCOUNT}:root"},
                condition={"StringEquals": {"sts:ExternalId": f"{self.rng.getrandbits(128):032x}"}},
            )
            role.attached += [self.aws("SecurityAudit"), self.aws("job-function/ViewOnlyAccess")]
        elif role.name.startswith("security-audit"):
            role.trust = trust({"AWS": f"arn:aws:iam::{SECURITY_ACCOUNT}:role/security-scanner"})
            role.attached += [self.aws("SecurityAudit"), self.aws("ReadOnlyAccess")]
        elif role.name.startswith("partner-"):
            role.trust = trust(
                {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
                condition={"StringEquals": {"sts:ExternalId": f"{ORG}-partner-{role.name}"}},
            )
            role.inline.append(
                (
                    "exchange",
                    doc(
                        allow(
                            ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                            [
                                f"arn:aws:s3:::{ORG}-partner-exchange",
                                f"arn:aws:s3:::{ORG}-partner-exchange/*",
                            ],
                        )
                    ),
                )
            )
        else:
            role.trust = service_trust("backup.amazonaws.com")
            role.inline.append(
                (
                    "backup",
                    doc(
                        allow(
                            ["dynamodb:CreateBackup", "dynamodb:DescribeTable", "backup:*", "s3:*", "kms:*"],
                            "*",
                        )
                    ),
                )
            )

    def _service_linked(self, role: Role, shared: dict[str, str]) -> None:
        _name, service, policy = next(s for s in SERVICE_LINKED if s[0] == role.name)
        role.trust = service_trust(service)
        role.attached.append(self.aws(policy))
        role.tags = {}

    def _make_admin(self, role: Role, ops: list[Role], ci: list[Role]) -> None:
        """Turn a role administrator-like, in the way its kind of role usually gets there."""
        form = self.rng.random()
        role.boundary = None
        if role.category == "people" and role.name.startswith("AWSReservedSSO_"):
            role.attached = [self.aws("AdministratorAccess")]
            return
        if form < 0.5:
            role.attached.append(self.aws("AdministratorAccess"))
        elif form < 0.7:
            role.inline.append(("admin", ADMIN_DOC))
        elif form < 0.85:
            role.inline.append(("platform", doc(allow("iam:*", "*", not_action=True), allow("iam:*", "*"))))
        else:
            role.attached += [self.aws("PowerUserAccess"), self.aws("IAMFullAccess")]
        # Some are also (or only) there to be assumed: by ops and CI roles, or by anyone in the account.
        roll = self.rng.random()
        statements = list(role.trust.get("Statement", []))
        if roll < 0.25 and ops:
            names = sorted({self.pick(ops).arn for _ in range(3)})
            statements.append(
                {"Effect": "Allow", "Principal": {"AWS": _one(names)}, "Action": "sts:AssumeRole"}
            )
        elif roll < 0.4 and ci:
            statements.append(
                {"Effect": "Allow", "Principal": {"AWS": self.pick(ci).arn}, "Action": "sts:AssumeRole"}
            )
        elif roll < 0.55:
            statements.append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                }
            )
        role.trust = doc(*statements)

    # -- users and groups -----------------------------------------------------------------------

    def build_groups(self, shared: dict[str, str]) -> dict[str, JSON]:
        spec: list[tuple[str, list[str], list[tuple[str, JSON]]]] = [
            ("Admins", [self.aws("AdministratorAccess")], []),
            ("SRE", [self.aws("PowerUserAccess"), shared["sre"]], []),
            ("Developers", [self.aws("ReadOnlyAccess"), shared["developer"]], []),
            ("DataEngineers", [self.aws("ReadOnlyAccess"), shared["data-engineering"]], []),
            ("ReadOnly", [self.aws("ReadOnlyAccess")], []),
            ("Finance", [self.aws("job-function/Billing")], []),
            ("SecurityAudit", [self.aws("SecurityAudit")], []),
            ("Support", [self.aws("AWSSupportAccess")], []),
            ("ForceMFA", [shared["force-mfa"], self.aws("IAMUserChangePassword")], []),
            ("CI", [shared["ci"]], [("legacy-ci", doc(allow("sts:AssumeRole", "*")))]),
        ]
        for team in TEAMS:
            _data, deploy = self.team_policies(team)
            spec.append((f"team-{team}", [deploy], [("team-debug", doc(allow("logs:*", "*")))]))
        out = {}
        for name, attached, inline in spec:
            out[name] = {
                "Path": "/",
                "GroupName": name,
                "GroupId": self.ident("AGPA"),
                "Arn": f"{IAM}:group/{name}",
                "CreateDate": self.date(2017),
                "GroupPolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
                "AttachedManagedPolicies": [_attachment(a) for a in attached],
            }
        return out

    def build_users(self, groups: dict[str, JSON], shared: dict[str, str]) -> list[JSON]:
        count = max(10, self.total // 10)
        out = []
        services = [
            ("svc-jenkins", ["CI"], [("jenkins", doc(allow(["iam:PassRole", "lambda:*", "s3:*"], "*")))], []),
            ("svc-terraform-legacy", [], [], [self.aws("AdministratorAccess")]),
            (
                "svc-reporting-etl",
                [],
                [("etl", doc(allow(["s3:GetObject", "s3:ListBucket"], "*"), allow("dynamodb:Scan", "*")))],
                [],
            ),
            (
                "svc-key-rotator",
                [],
                [
                    (
                        "rotate",
                        doc(
                            allow(
                                ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateAccessKey"],
                                f"{IAM}:user/svc-*",
                            )
                        ),
                    )
                ],
                [],
            ),
            ("break-glass-admin", ["Admins", "ForceMFA"], [], []),
        ]
        for name, group_names, inline, attached in services:
            out.append(self._user(name, group_names, inline, attached, service=True))
        while len(out) < count:
            first, last = self.pick(FIRST), self.pick(LAST)
            name = self.unique(f"{first}.{last}")
            team = self.pick(TEAMS)
            roll = self.rng.random()
            group_names = ["ForceMFA"] if self.chance(0.8) else []
            if roll < 0.03:
                group_names.append("Admins")
            elif roll < 0.12:
                group_names.append("SRE")
            elif roll < 0.6:
                group_names += ["Developers", f"team-{team}"]
            elif roll < 0.72:
                group_names.append("DataEngineers")
            elif roll < 0.85:
                group_names.append("ReadOnly")
            elif roll < 0.92:
                group_names.append("Finance")
            elif roll < 0.96:
                group_names.append("SecurityAudit")
            else:
                group_names.append("Support")
            inline = []
            if self.chance(0.05):  # a leftover from a one-off migration
                inline.append(
                    ("temp-access", doc(allow(self.pick(("s3:*", "dynamodb:*", "sts:AssumeRole")), "*")))
                )
            attached = [self.aws("IAMUserChangePassword")] if self.chance(0.3) else []
            out.append(self._user(name, group_names, inline, attached, team=team))
        assert all(g in groups for u in out for g in u["GroupList"])
        return out

    def _user(
        self,
        name: str,
        group_names: list[str],
        inline: list[tuple[str, JSON]],
        attached: list[str],
        *,
        service: bool = False,
        team: str = "platform",
    ) -> JSON:
        user: JSON = {
            "Path": "/service/" if service else "/",
            "UserName": name,
            "UserId": self.ident("AIDA"),
            "Arn": f"{IAM}:user{'/service/' if service else '/'}{name}",
            "CreateDate": self.date(2016),
        }
        if inline:
            user["UserPolicyList"] = [{"PolicyName": n, "PolicyDocument": d} for n, d in inline]
        user["GroupList"] = group_names
        user["AttachedManagedPolicies"] = [_attachment(a) for a in attached]
        user["Tags"] = [{"Key": "team", "Value": team}]
        return user

    # -- the whole account ----------------------------------------------------------------------

    def role_entry(self, role: Role) -> JSON:
        created = self.date(2018)
        entry: JSON = {
            "Path": role.path,
            "RoleName": role.name,
            "RoleId": self.ident("AROA"),
            "Arn": role.arn,
            "CreateDate": created,
            "AssumeRolePolicyDocument": role.trust,
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in role.inline],
            "AttachedManagedPolicies": [_attachment(a) for a in dict.fromkeys(role.attached)],
        }
        if role.instance_profile:
            summary = {k: entry[k] for k in ("Path", "RoleName", "RoleId", "Arn", "CreateDate")}
            entry["InstanceProfileList"] = [
                {
                    "Path": "/",
                    "InstanceProfileName": role.name,
                    "InstanceProfileId": self.ident("AIPA"),
                    "Arn": f"{IAM}:instance-profile/{role.name}",
                    "CreateDate": created,
                    "Roles": [{**summary, "AssumeRolePolicyDocument": role.trust}],
                }
            ]
        if role.boundary:
            entry["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": role.boundary,
            }
        entry["Tags"] = [{"Key": k, "Value": v} for k, v in role.tags.items()]
        used = self.rng.random()
        entry["RoleLastUsed"] = (
            {} if used < 0.12 else {"LastUsedDate": self.date(2026 if used < 0.8 else 2023), "Region": REGION}
        )
        return entry

    def authorization_details(self) -> JSON:
        shared = self.shared_policies()
        for team in TEAMS:
            self.team_policies(team)
        self.build_roles(shared)
        groups = self.build_groups(shared)
        users = self.build_users(groups, shared)
        roles = [self.role_entry(r) for r in self.roles]
        attachments: Counter[str] = Counter()
        boundaries: Counter[str] = Counter()
        for holder in (*users, *groups.values(), *roles):
            attachments.update(p["PolicyArn"] for p in holder["AttachedManagedPolicies"])
            if "PermissionsBoundary" in holder:
                boundaries[holder["PermissionsBoundary"]["PermissionsBoundaryArn"]] += 1
        policies = []
        for name in sorted(self.aws_used):
            path, version, document = AWS_MANAGED[name]
            arn = f"{AWS_POLICY}/{name}"
            policies.append(
                {
                    "PolicyName": name.rsplit("/", 1)[-1],
                    "PolicyId": self.ident("ANPA"),
                    "Arn": arn,
                    "Path": path,
                    "DefaultVersionId": version,
                    "AttachmentCount": attachments[arn],
                    "PermissionsBoundaryUsageCount": boundaries[arn],
                    "IsAttachable": True,
                    "CreateDate": "2015-02-06T18:39:46+00:00",
                    "UpdateDate": "2024-05-16T09:21:07+00:00",
                    "PolicyVersionList": [
                        {
                            "Document": document,
                            "VersionId": version,
                            "IsDefaultVersion": True,
                            "CreateDate": "2024-05-16T09:21:07+00:00",
                        }
                    ],
                }
            )
        for arn, entry in sorted(self.customer.items()):
            entry["AttachmentCount"] = attachments[arn]
            entry["PermissionsBoundaryUsageCount"] = boundaries[arn]
            policies.append(entry)
        return {
            "UserDetailList": users,
            "GroupDetailList": list(groups.values()),
            "RoleDetailList": roles,
            "Policies": policies,
        }


def _attachment(arn: str) -> JSON:
    return {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn}


# ---------------------------------------------------------------------------------------------
# Lambda: a few functions using some of the Lambda roles, with the per-function reads.

_NOT_FOUND = (
    "\nAn error occurred (ResourceNotFoundException) when calling the {operation} operation: "
    "The resource you requested does not exist."
)


def _functions(builder: Builder) -> dict[str, JSON | str]:
    lambdas = [r for r in builder.roles if r.category == "lambda"]
    count = max(8, builder.total // 100)
    chosen: list[Role] = []
    for wanted in (
        lambda r: r.admin,
        lambda r: not r.admin and "iam:PassRole" in r.escalation,
    ):
        chosen += [r for r in lambdas if wanted(r) and r not in chosen][:1]
    rest = [r for r in lambdas if r not in chosen]
    chosen += builder.rng.sample(rest, min(len(rest), count - len(chosen)))
    files: dict[str, JSON | str] = {}
    configs = []
    region = f"{REGION}/"
    for index, role in enumerate(chosen):
        name = role.name.removesuffix("-lambda-role")
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
        runtime = builder.pick(
            ("python3.12", "python3.11", "nodejs20.x", "nodejs18.x", "java17", "python3.8")
        )
        config: JSON = {
            "FunctionName": name,
            "FunctionArn": arn,
            "Runtime": runtime,
            "Role": role.arn,
            "Handler": "index.handler" if runtime.startswith("node") else "app.handler",
            "CodeSize": builder.rng.randrange(20_000, 30_000_000),
            "Description": f"{role.team} {name.split('-')[1]}",
            "Timeout": builder.pick((3, 15, 30, 60, 300, 900)),
            "MemorySize": builder.pick((128, 256, 512, 1024, 2048)),
            "LastModified": builder.date(2025).replace("+00:00", ".000+0000"),
            "CodeSha256": f"{builder.rng.getrandbits(256):064x}"[:43] + "=",
            "Version": "$LATEST",
            "Environment": {"Variables": {"LOG_LEVEL": "INFO", "TABLE_NAME": f"{name}-state"}},
            "TracingConfig": {"Mode": builder.pick(("Active", "PassThrough"))},
            "RevisionId": _uuid(builder),
            "PackageType": "Zip",
            "Architectures": [builder.pick(("x86_64", "arm64"))],
            "EphemeralStorage": {"Size": 512},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
        }
        configs.append(config)
        files |= _function_reads(builder, index, name, arn, config)
    files[region + "lambda-list-functions.json"] = {"Functions": configs}
    mappings = [
        {
            "UUID": _uuid(builder),
            "BatchSize": 10,
            "MaximumBatchingWindowInSeconds": 0,
            "EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{c['FunctionName']}-queue",
            "FunctionArn": c["FunctionArn"],
            "LastModified": builder.date(2025),
            "State": "Enabled",
            "StateTransitionReason": "USER_INITIATED",
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        }
        for c in configs[2:4]
    ]
    files[region + "lambda-list-event-source-mappings.json"] = {"EventSourceMappings": mappings}
    return files


def _uuid(builder: Builder) -> str:
    h = f"{builder.rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _function_reads(builder: Builder, index: int, name: str, arn: str, config: JSON) -> dict[str, JSON | str]:
    r = f"{REGION}/lambda-"
    statements = []
    url: JSON | str = _NOT_FOUND.format(operation="GetFunctionUrlConfig")
    if index == 2:  # a payment provider's webhook on a public function URL
        statements.append(
            {
                "Sid": "FunctionURLAllowPublicAccess",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunctionUrl",
                "Resource": arn,
                "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
            }
        )
        url = {
            "FunctionUrl": f"https://{builder.rng.getrandbits(128):032x}.lambda-url.{REGION}.on.aws/",
            "FunctionArn": arn,
            "AuthType": "NONE",
            "CreationTime": builder.date(2025).replace("+00:00", ".000000Z"),
            "LastModifiedTime": builder.date(2025).replace("+00:00", ".000000Z"),
            "InvokeMode": "BUFFERED",
        }
    elif index % 3 == 0:
        api = f"{builder.rng.getrandbits(40):010x}"
        statements.append(
            {
                "Sid": f"apigw-{api}",
                "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Resource": arn,
                "Condition": {
                    "ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/*/*/*"}
                },
            }
        )
    elif index % 3 == 1:
        statements.append(
            {
                "Sid": "events-schedule",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Resource": arn,
                "Condition": {
                    "ArnLike": {"AWS:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}-*"}
                },
            }
        )
    policy: JSON | str = _NOT_FOUND.format(operation="GetPolicy")
    if statements:
        text = json.dumps(
            {"Version": "2012-10-17", "Id": "default", "Statement": statements}, separators=(",", ":")
        )
        policy = {"Policy": text, "RevisionId": config["RevisionId"]}
    latest = dict(config, FunctionArn=f"{arn}:$LATEST")
    team = name.split("-")[0]
    return {
        f"{r}get-policy/{name}.json": policy,
        f"{r}get-function-url-config/{name}.json": url,
        f"{r}list-tags/{name}.json": {"Tags": {"team": team, "env": "prod", "managed-by": "terraform"}},
        f"{r}get-function-concurrency/{name}.json": {"ReservedConcurrentExecutions": 20}
        if index % 4 == 0
        else "",
        f"{r}list-provisioned-concurrency-configs/{name}.json": {"ProvisionedConcurrencyConfigs": []},
        f"{r}get-function-code-signing-config/{name}.json": {
            "CodeSigningConfigArn": "",
            "FunctionName": name,
        },
        f"{r}list-function-event-invoke-configs/{name}.json": {"FunctionEventInvokeConfigs": []},
        f"{r}list-aliases/{name}.json": {"Aliases": []},
        f"{r}list-versions-by-function/{name}.json": {"Versions": [latest]},
    }


# ---------------------------------------------------------------------------------------------


def build_dump(roles: int = DEFAULT_ROLES, seed: int = DEFAULT_SEED) -> Dump:
    """The dump of the account with `roles` IAM roles drawn from `seed` (same inputs, same bytes)."""
    builder = Builder(roles, seed)
    details = builder.authorization_details()
    files: dict[str, JSON | str] = {IAM_FILE: details}
    files |= _functions(builder)
    summary = {
        "roles": len(details["RoleDetailList"]),
        "admin_like_roles": sum(r.admin for r in builder.roles),
        "users": len(details["UserDetailList"]),
        "groups": len(details["GroupDetailList"]),
        "customer_managed_policies": len(builder.customer),
        "customer_policy_versions": sum(len(p["PolicyVersionList"]) for p in builder.customer.values()),
        "aws_managed_policies": len(builder.aws_used),
        "inline_policies": sum(len(r.inline) for r in builder.roles),
        "functions": len(files[f"{REGION}/lambda-list-functions.json"]["Functions"]),  # type: ignore[index]
    }
    return Dump(files, builder.roles, summary)


def write_dump(directory: Path, roles: int = DEFAULT_ROLES, seed: int = DEFAULT_SEED) -> Dump:
    """Build the dump and write it into `directory` (which must be empty or absent)."""
    if directory.exists() and any(directory.iterdir()):
        raise SystemExit(f"{directory}: not empty; give a new or empty directory")
    dump = build_dump(roles, seed)
    dump.write(directory)
    return dump


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--roles", type=int, default=DEFAULT_ROLES, help="IAM roles (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="dump directory to create")
    args = parser.parse_args(list(argv) if argv is not None else None)
    dump = write_dump(args.output, args.roles, args.seed)
    size = (args.output / IAM_FILE).stat().st_size
    facts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in dump.summary.items())
    print(f"{args.output}: {facts}; {IAM_FILE} {size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
