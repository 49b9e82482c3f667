"""The catalogue of privilege-escalation methods, one declarative entry each, split by service.

Sources: Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation" (the 21
original methods) and its follow-ups; later additions seen in PMapper, pacu and Bishop Fox's
iam-vulnerable; and DataDog's pathfinding.cloud catalogue, whose 65 path ids every method names in
`EscalationMethod.pathfinding` (each id is covered by a method, or by two in sequence: see
`methods_iam`). Order matters only as a tie-break: among equally short paths the earlier method is
reported (the others are listed as alternatives), so the older entries keep their places and the
later additions follow them.

Resources a method acts on are named by `On`: the target principal, the intermediary (`via`:
a function, a group, a managed policy) or some resource of a scope the caller creates itself (a
new function, stack, project...). A PassRole method passes the target role to a service, so its
targets are the roles that service may assume (by their trust policy, evaluated by the engine).
A method that needs a resource the collector does not read (an ECS cluster, a Glue job, a
CloudFormation stack, an EC2 instance, ...) says so in `unknown`: its edges are conditional.
"""

from __future__ import annotations

from analyzers.iam.escalation.methods_containers import CONTAINER_METHODS
from analyzers.iam.escalation.methods_data import DATA_ADDED, DATA_METHODS
from analyzers.iam.escalation.methods_deploy import CODEBUILD_METHODS, DEPLOY_ADDED, DEPLOY_METHODS
from analyzers.iam.escalation.methods_ec2 import EC2_ADDED, EC2_METHODS, SSM_METHODS
from analyzers.iam.escalation.methods_iam import IAM_ADDED, IAM_METHODS
from analyzers.iam.escalation.methods_lambda import LAMBDA_METHODS
from analyzers.iam.escalation.types import EscalationMethod, Reach

METHODS: tuple[EscalationMethod, ...] = (
    *IAM_METHODS,
    *LAMBDA_METHODS,
    *EC2_METHODS,
    *DEPLOY_METHODS,
    *DATA_METHODS,
    *CODEBUILD_METHODS,
    *SSM_METHODS,
    # pathfinding.cloud's paths beyond the above
    *IAM_ADDED,
    *EC2_ADDED,
    *DEPLOY_ADDED,
    *DATA_ADDED,
    *CONTAINER_METHODS,
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
# pathfinding.cloud id -> the methods that take that path (alone, or as the second of two hops)
BY_PATHFINDING_ID: dict[str, tuple[EscalationMethod, ...]] = {}
for _method in METHODS:
    for _id in _method.pathfinding:
        BY_PATHFINDING_ID[_id] = (*BY_PATHFINDING_ID.get(_id, ()), _method)
if len(METHODS_BY_ID) != len(METHODS) + 1:  # pragma: no cover - a programming error
    raise ValueError("escalation method ids must be unique")
