"""EC2 escalation methods: new instances with the role, and the ways into an instance that has it.

Instances, launch templates and instance profiles are not collected, so a method acting on an
existing one is conditional on it (`unknown`) and capped at medium.
"""

from __future__ import annotations

from analyzers.findings.model import Severity
from analyzers.iam.escalation.method_needs import (
    IAM_VULNERABLE,
    PATHFINDING,
    RHINO,
    new,
    passes,
    scope,
    unlisted,
)
from analyzers.iam.escalation.types import EscalationMethod, Reach

EC2 = "ec2.amazonaws.com"
INSTANCE = scope("ec2", "instance/*")
_INSTANCE_UNKNOWN = "an EC2 instance running with this role's instance profile (instances are not collected)"

EC2_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="ec2-run-instances",
        title="pass the role to a new EC2 instance and read its credentials",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(passes(EC2), new("ec2:RunInstances", INSTANCE)),
        target_kinds=frozenset({"role"}),
        notes="Needs an instance profile holding the role (instance profiles are not collected).",
        references=(RHINO,),
        pathfinding=("ec2-001",),
    ),
)

SSM_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="ssm-send-command",
        title="run a command on an EC2 instance that has the role (SSM Run Command)",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(new("ssm:SendCommand", INSTANCE),),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(IAM_VULNERABLE,),
        pathfinding=("ssm-002",),
    ),
    EscalationMethod(
        id="ssm-start-session",
        title="open a shell on an EC2 instance that has the role (Session Manager)",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(new("ssm:StartSession", INSTANCE),),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(IAM_VULNERABLE,),
        pathfinding=("ssm-001",),
    ),
    EscalationMethod(
        id="ec2-instance-connect-send-ssh-public-key",
        title="push an SSH key to an EC2 instance that has the role (EC2 Instance Connect)",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(new("ec2-instance-connect:SendSSHPublicKey", INSTANCE),),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(IAM_VULNERABLE,),
        pathfinding=("ec2instanceconnect-003",),
    ),
)

EC2_ADDED: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="ec2-request-spot-instances",
        title="pass the role to a new EC2 Spot instance and read its credentials",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(passes(EC2), new("ec2:RequestSpotInstances", scope("ec2", "spot-instances-request/*"))),
        target_kinds=frozenset({"role"}),
        notes="`ec2-run-instances` by another call; needs an instance profile holding the role.",
        references=(PATHFINDING,),
        pathfinding=("ec2-003",),
    ),
    EscalationMethod(
        id="ec2-modify-instance-user-data",
        title="stop an EC2 instance that has the role, replace its user data, start it again",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(
            new("ec2:ModifyInstanceAttribute", INSTANCE),
            new("ec2:StopInstances", INSTANCE),
            new("ec2:StartInstances", INSTANCE),
        ),
        target_kinds=frozenset({"role"}),
        unknown=_INSTANCE_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("ec2-002",),
    ),
    EscalationMethod(
        id="ec2-launch-template-version",
        title="publish a new default version of a launch template whose instances have the role",
        reach=Reach.SERVICE_ROLE,
        service=EC2,
        needs=(
            new("ec2:CreateLaunchTemplateVersion", scope("ec2", "launch-template/*")),
            new("ec2:ModifyLaunchTemplate", scope("ec2", "launch-template/*")),
        ),
        target_kinds=frozenset({"role"}),
        unknown=unlisted("a launch template naming the role's instance profile, and a launch from it"),
        severity=Severity.MEDIUM,
        notes="The caller's user data runs at the next launch (an Auto Scaling group, a schedule).",
        references=(PATHFINDING,),
        pathfinding=("ec2-004",),
    ),
)
