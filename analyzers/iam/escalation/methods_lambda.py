"""Lambda escalation methods: pass a role to a new function, or change a function that runs as one."""

from __future__ import annotations

from analyzers.iam.escalation.method_needs import ANY, IAM_VULNERABLE, RHINO, new, on_iam, passes, scope
from analyzers.iam.escalation.types import EscalationMethod, On, Reach

FUNCTION = scope("lambda", "function:*")
LAMBDA = "lambda.amazonaws.com"

LAMBDA_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="lambda-create-function-invoke",
        title="pass the role to a new Lambda function and invoke it",
        reach=Reach.SERVICE_ROLE,
        service=LAMBDA,
        needs=(
            passes(LAMBDA),
            new("lambda:CreateFunction", FUNCTION),
            new("lambda:InvokeFunction", FUNCTION),
        ),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
        pathfinding=("lambda-001",),
    ),
    EscalationMethod(
        id="lambda-create-function-event-source-mapping",
        title="pass the role to a new Lambda function triggered by an event source mapping",
        reach=Reach.SERVICE_ROLE,
        service=LAMBDA,
        needs=(
            passes(LAMBDA),
            new("lambda:CreateFunction", FUNCTION),
            new("lambda:CreateEventSourceMapping", ANY),
        ),
        target_kinds=frozenset({"role"}),
        notes="Needs an existing stream or queue to map (a DynamoDB stream, SQS queue, ...).",
        references=(RHINO,),
        pathfinding=("lambda-002",),
    ),
    EscalationMethod(
        id="lambda-create-function-add-permission",
        title="pass the role to a new Lambda function and grant itself (or anyone) invoke",
        reach=Reach.SERVICE_ROLE,
        service=LAMBDA,
        needs=(passes(LAMBDA), new("lambda:CreateFunction", FUNCTION), new("lambda:AddPermission", FUNCTION)),
        target_kinds=frozenset({"role"}),
        notes="The resource policy it adds lets a principal outside its own permissions invoke.",
        references=(IAM_VULNERABLE,),
        pathfinding=("lambda-006",),
    ),
    EscalationMethod(
        id="lambda-update-function-code",
        title="replace the code of a function that runs as the role",
        reach=Reach.FUNCTION_ROLE,
        needs=(on_iam("lambda:UpdateFunctionCode", On.VIA),),
        target_kinds=frozenset({"role"}),
        notes="The code runs at the function's next invocation (its triggers, or the caller's own:"
        " lambda:InvokeFunction or lambda:AddPermission make that immediate).",
        references=(RHINO,),
        pathfinding=("lambda-003", "lambda-004", "lambda-005"),
    ),
    EscalationMethod(
        id="lambda-update-function-configuration",
        title="add a layer (or an exec-wrapper environment variable) to a function that runs as the role",
        reach=Reach.FUNCTION_ROLE,
        needs=(on_iam("lambda:UpdateFunctionConfiguration", On.VIA),),
        target_kinds=frozenset({"role"}),
        notes="A layer from any account (or AWS_LAMBDA_EXEC_WRAPPER) runs the caller's code in it.",
        references=(IAM_VULNERABLE,),
    ),
)
