"""CloudFormation and CodeBuild escalation methods: stacks, stack sets, change sets and builds.

Stacks, stack sets and CodeBuild projects are not collected, so a method acting on an existing one
is conditional on it (`unknown`) and capped at medium; its targets are the roles the service may
assume (one of them must be the stack's or project's role).
"""

from __future__ import annotations

from analyzers.findings.model import Severity
from analyzers.iam.escalation.method_needs import (
    ANY,
    PATHFINDING,
    RHINO,
    RHINO_2,
    new,
    passes,
    scope,
    unlisted,
)
from analyzers.iam.escalation.types import EscalationMethod, Reach

CLOUDFORMATION = "cloudformation.amazonaws.com"
CODEBUILD = "codebuild.amazonaws.com"
STACK = scope("cloudformation", "stack/*")
STACK_SET = scope("cloudformation", "stackset/*")
PROJECT = scope("codebuild", "project/*")
_STACK_UNKNOWN = unlisted("a CloudFormation stack whose service role is this role")
_PROJECT_UNKNOWN = unlisted("a CodeBuild project whose service role is this role")

DEPLOY_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="cloudformation-create-stack",
        title="pass the role to a new CloudFormation stack",
        reach=Reach.SERVICE_ROLE,
        service=CLOUDFORMATION,
        needs=(passes(CLOUDFORMATION), new("cloudformation:CreateStack", STACK)),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
        pathfinding=("cloudformation-001",),
    ),
)

CODEBUILD_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="codebuild-create-project",
        title="pass the role to a new CodeBuild project and start a build",
        reach=Reach.SERVICE_ROLE,
        service=CODEBUILD,
        needs=(
            passes(CODEBUILD),
            new("codebuild:CreateProject", PROJECT),
            new("codebuild:StartBuild", PROJECT),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO_2,),
        pathfinding=("codebuild-001",),
    ),
)

DEPLOY_ADDED: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="codebuild-create-project-batch",
        title="pass the role to a new CodeBuild project and start a batch build",
        reach=Reach.SERVICE_ROLE,
        service=CODEBUILD,
        needs=(
            passes(CODEBUILD),
            new("codebuild:CreateProject", PROJECT),
            new("codebuild:StartBuildBatch", PROJECT),
        ),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("codebuild-004",),
    ),
    EscalationMethod(
        id="cloudformation-create-stack-set",
        title="pass the role to a new CloudFormation StackSet as its administration role and deploy it",
        reach=Reach.SERVICE_ROLE,
        service=CLOUDFORMATION,
        needs=(
            passes(CLOUDFORMATION),
            new("cloudformation:CreateStackSet", ANY),
            new("cloudformation:CreateStackInstances", STACK_SET),
        ),
        target_kinds=frozenset({"role"}),
        notes="The administration role then assumes each account's execution role (its own hop).",
        references=(PATHFINDING,),
        pathfinding=("cloudformation-003",),
    ),
    EscalationMethod(
        id="codebuild-start-build",
        title="start a build of an existing CodeBuild project that runs as the role (buildspec override)",
        reach=Reach.SERVICE_ROLE,
        service=CODEBUILD,
        needs=(new("codebuild:StartBuild", PROJECT),),
        target_kinds=frozenset({"role"}),
        unknown=_PROJECT_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("codebuild-002",),
    ),
    EscalationMethod(
        id="codebuild-start-build-batch",
        title="start a batch build of an existing CodeBuild project that runs as the role",
        reach=Reach.SERVICE_ROLE,
        service=CODEBUILD,
        needs=(new("codebuild:StartBuildBatch", PROJECT),),
        target_kinds=frozenset({"role"}),
        unknown=_PROJECT_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("codebuild-003",),
    ),
    EscalationMethod(
        id="cloudformation-update-stack",
        title="update an existing CloudFormation stack that deploys as the role",
        reach=Reach.SERVICE_ROLE,
        service=CLOUDFORMATION,
        needs=(new("cloudformation:UpdateStack", STACK),),
        target_kinds=frozenset({"role"}),
        unknown=_STACK_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("cloudformation-002",),
    ),
    EscalationMethod(
        id="cloudformation-change-set",
        title="create and execute a change set on an existing stack that deploys as the role",
        reach=Reach.SERVICE_ROLE,
        service=CLOUDFORMATION,
        needs=(new("cloudformation:CreateChangeSet", STACK), new("cloudformation:ExecuteChangeSet", STACK)),
        target_kinds=frozenset({"role"}),
        unknown=_STACK_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("cloudformation-005",),
    ),
    EscalationMethod(
        id="cloudformation-update-stack-set",
        title="pass the role to an existing CloudFormation StackSet as its administration role",
        reach=Reach.SERVICE_ROLE,
        service=CLOUDFORMATION,
        needs=(passes(CLOUDFORMATION), new("cloudformation:UpdateStackSet", STACK_SET)),
        target_kinds=frozenset({"role"}),
        unknown=unlisted("a CloudFormation StackSet with a deployed stack instance"),
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("cloudformation-004",),
    ),
)
