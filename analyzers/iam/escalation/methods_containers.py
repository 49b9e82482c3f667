"""ECS, App Runner and Bedrock AgentCore escalation methods: tasks, services and code interpreters.

ECS clusters, App Runner services and AgentCore code interpreters are not collected, so a method
that needs an existing one is conditional on it (`unknown`) and capped at medium.
"""

from __future__ import annotations

from analyzers.findings.model import Severity
from analyzers.iam.escalation.method_needs import ANY, PATHFINDING, new, passes, scope, unlisted
from analyzers.iam.escalation.types import EscalationMethod, Need, Reach

ECS_TASKS = "ecs-tasks.amazonaws.com"
APPRUNNER = "tasks.apprunner.amazonaws.com"
AGENTCORE = "bedrock-agentcore.amazonaws.com"
CLUSTER = scope("ecs", "cluster/*")
TASK_DEFINITION = scope("ecs", "task-definition/*")
ECS_SERVICE = scope("ecs", "service/*")
APPRUNNER_SERVICE = scope("apprunner", "service/*")
INTERPRETER = scope("bedrock-agentcore", "*code-interpreter*")
_CLUSTER_UNKNOWN = unlisted("an ECS cluster to run the task in")


def _ecs(id: str, title: str, pathfinding: str, *needs: Need, unknown: str | None = None) -> EscalationMethod:
    return EscalationMethod(
        id=id,
        title=title,
        reach=Reach.SERVICE_ROLE,
        service=ECS_TASKS,
        needs=(passes(ECS_TASKS), new("ecs:RegisterTaskDefinition", TASK_DEFINITION), *needs),
        target_kinds=frozenset({"role"}),
        unknown=unknown,
        severity=Severity.MEDIUM if unknown else Severity.CRITICAL,
        notes="The role is the task role of a new task definition; the task runs the caller's image.",
        references=(PATHFINDING,),
        pathfinding=(pathfinding,),
    )


CONTAINER_METHODS: tuple[EscalationMethod, ...] = (
    _ecs(
        "ecs-create-cluster-create-service",
        "pass the role to a new ECS task definition, run it as a service on a new cluster",
        "ecs-001",
        new("ecs:CreateCluster", CLUSTER),
        new("ecs:CreateService", ECS_SERVICE),
    ),
    _ecs(
        "ecs-create-cluster-run-task",
        "pass the role to a new ECS task definition, run it as a task on a new cluster",
        "ecs-002",
        new("ecs:CreateCluster", CLUSTER),
        new("ecs:RunTask", TASK_DEFINITION),
    ),
    EscalationMethod(
        id="apprunner-create-service",
        title="pass the role to a new App Runner service running the caller's image",
        reach=Reach.SERVICE_ROLE,
        service=APPRUNNER,
        needs=(passes(APPRUNNER), new("apprunner:CreateService", APPRUNNER_SERVICE)),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("apprunner-001",),
    ),
    EscalationMethod(
        id="bedrock-create-code-interpreter",
        title="pass the role to a new Bedrock AgentCore code interpreter and run code in it",
        reach=Reach.SERVICE_ROLE,
        service=AGENTCORE,
        needs=(
            passes(AGENTCORE),
            new("bedrock-agentcore:CreateCodeInterpreter", ANY),
            new("bedrock-agentcore:StartCodeInterpreterSession", INTERPRETER),
            new("bedrock-agentcore:InvokeCodeInterpreter", INTERPRETER),
        ),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("bedrock-001",),
    ),
    _ecs(
        "ecs-register-task-create-service",
        "pass the role to a new ECS task definition, run it as a service on an existing cluster",
        "ecs-003",
        new("ecs:CreateService", ECS_SERVICE),
        unknown=_CLUSTER_UNKNOWN,
    ),
    _ecs(
        "ecs-register-task-run-task",
        "pass the role to a new ECS task definition, run it on an existing cluster",
        "ecs-004",
        new("ecs:RunTask", TASK_DEFINITION),
        unknown=_CLUSTER_UNKNOWN,
    ),
    _ecs(
        "ecs-register-task-start-task",
        "pass the role to a new ECS task definition, start it on an existing container instance",
        "ecs-005",
        new("ecs:StartTask", TASK_DEFINITION),
        unknown=unlisted("an ECS cluster with a registered EC2 container instance"),
    ),
    EscalationMethod(
        id="apprunner-update-service",
        title="point an existing App Runner service that runs as the role at the caller's image",
        reach=Reach.SERVICE_ROLE,
        service=APPRUNNER,
        needs=(new("apprunner:UpdateService", APPRUNNER_SERVICE),),
        target_kinds=frozenset({"role"}),
        unknown=unlisted("an App Runner service whose instance role is this role"),
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("apprunner-002",),
    ),
    EscalationMethod(
        id="bedrock-existing-code-interpreter",
        title="run code in an existing Bedrock AgentCore code interpreter that runs as the role",
        reach=Reach.SERVICE_ROLE,
        service=AGENTCORE,
        needs=(
            new("bedrock-agentcore:StartCodeInterpreterSession", INTERPRETER),
            new("bedrock-agentcore:InvokeCodeInterpreter", INTERPRETER),
        ),
        target_kinds=frozenset({"role"}),
        unknown=unlisted("an AgentCore code interpreter whose execution role is this role"),
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("bedrock-002",),
    ),
)
