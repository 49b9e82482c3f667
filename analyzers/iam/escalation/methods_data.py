"""Glue, SageMaker and Data Pipeline escalation methods: jobs, endpoints and notebooks with the role.

Glue jobs and dev endpoints and SageMaker notebook instances are not collected, so a method acting
on an existing one is conditional on it (`unknown`) and capped at medium.
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

GLUE = "glue.amazonaws.com"
SAGEMAKER = "sagemaker.amazonaws.com"
DATAPIPELINE = "datapipeline.amazonaws.com"
GLUE_JOB = scope("glue", "job/*")
GLUE_TRIGGER = scope("glue", "trigger/*")
NOTEBOOK = scope("sagemaker", "notebook-instance/*")
_GLUE_JOB_UNKNOWN = unlisted("a Glue job to update")
_NOTEBOOK_UNKNOWN = unlisted("a SageMaker notebook instance running as the role")

DATA_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="glue-create-dev-endpoint",
        title="pass the role to a new Glue development endpoint and log in to it",
        reach=Reach.SERVICE_ROLE,
        service=GLUE,
        needs=(passes(GLUE), new("glue:CreateDevEndpoint", ANY)),
        target_kinds=frozenset({"role"}),
        references=(RHINO,),
        pathfinding=("glue-001",),
    ),
    EscalationMethod(
        id="glue-update-dev-endpoint",
        title="add an SSH key to an existing Glue development endpoint running as the role",
        reach=Reach.SERVICE_ROLE,
        service=GLUE,
        needs=(new("glue:UpdateDevEndpoint", scope("glue", "devEndpoint/*")),),
        target_kinds=frozenset({"role"}),
        unknown="a Glue development endpoint running as the role (dev endpoints are not collected)",
        severity=Severity.MEDIUM,
        references=(RHINO,),
        pathfinding=("glue-002",),
    ),
    EscalationMethod(
        id="datapipeline-create-pipeline",
        title="pass the role to a new Data Pipeline that runs the caller's commands",
        reach=Reach.SERVICE_ROLE,
        service=DATAPIPELINE,
        needs=(
            passes(DATAPIPELINE),
            new("datapipeline:CreatePipeline", ANY),
            new("datapipeline:PutPipelineDefinition", scope("datapipeline", "pipeline/*")),
            new("datapipeline:ActivatePipeline", scope("datapipeline", "pipeline/*")),
        ),
        target_kinds=frozenset({"role"}),
        notes="A pipeline runs only once activated (datapipeline:ActivatePipeline).",
        references=(RHINO,),
        pathfinding=("datapipeline-001",),
    ),
    EscalationMethod(
        id="sagemaker-create-notebook",
        title="pass the role to a new SageMaker notebook instance",
        reach=Reach.SERVICE_ROLE,
        service=SAGEMAKER,
        needs=(passes(SAGEMAKER), new("sagemaker:CreateNotebookInstance", NOTEBOOK)),
        target_kinds=frozenset({"role"}),
        notes="Opening it needs sagemaker:CreatePresignedNotebookInstanceUrl, or a lifecycle"
        " configuration or a notebook network path that runs the caller's code.",
        references=(RHINO_2,),
        pathfinding=("sagemaker-001",),
    ),
)

DATA_ADDED: tuple[EscalationMethod, ...] = (
    EscalationMethod(
        id="glue-create-job-start-job-run",
        title="pass the role to a new Glue job and run it",
        reach=Reach.SERVICE_ROLE,
        service=GLUE,
        needs=(passes(GLUE), new("glue:CreateJob", GLUE_JOB), new("glue:StartJobRun", GLUE_JOB)),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("glue-003",),
    ),
    EscalationMethod(
        id="glue-create-job-create-trigger",
        title="pass the role to a new Glue job and start it with a new trigger",
        reach=Reach.SERVICE_ROLE,
        service=GLUE,
        needs=(passes(GLUE), new("glue:CreateJob", GLUE_JOB), new("glue:CreateTrigger", GLUE_TRIGGER)),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("glue-004",),
    ),
    EscalationMethod(
        id="sagemaker-create-training-job",
        title="pass the role to a new SageMaker training job running the caller's container",
        reach=Reach.SERVICE_ROLE,
        service=SAGEMAKER,
        needs=(passes(SAGEMAKER), new("sagemaker:CreateTrainingJob", scope("sagemaker", "training-job/*"))),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("sagemaker-002",),
    ),
    EscalationMethod(
        id="sagemaker-create-processing-job",
        title="pass the role to a new SageMaker processing job running the caller's container",
        reach=Reach.SERVICE_ROLE,
        service=SAGEMAKER,
        needs=(
            passes(SAGEMAKER),
            new("sagemaker:CreateProcessingJob", scope("sagemaker", "processing-job/*")),
        ),
        target_kinds=frozenset({"role"}),
        references=(PATHFINDING,),
        pathfinding=("sagemaker-003",),
    ),
    EscalationMethod(
        id="glue-update-job-start-job-run",
        title="pass the role to an existing Glue job (new script) and run it",
        reach=Reach.SERVICE_ROLE,
        service=GLUE,
        needs=(passes(GLUE), new("glue:UpdateJob", GLUE_JOB), new("glue:StartJobRun", GLUE_JOB)),
        target_kinds=frozenset({"role"}),
        unknown=_GLUE_JOB_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("glue-005",),
    ),
    EscalationMethod(
        id="glue-update-job-create-trigger",
        title="pass the role to an existing Glue job (new script) and start it with a new trigger",
        reach=Reach.SERVICE_ROLE,
        service=GLUE,
        needs=(passes(GLUE), new("glue:UpdateJob", GLUE_JOB), new("glue:CreateTrigger", GLUE_TRIGGER)),
        target_kinds=frozenset({"role"}),
        unknown=_GLUE_JOB_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("glue-006",),
    ),
    EscalationMethod(
        id="sagemaker-presigned-notebook-url",
        title="open an existing SageMaker notebook instance that runs as the role (presigned URL)",
        reach=Reach.SERVICE_ROLE,
        service=SAGEMAKER,
        needs=(new("sagemaker:CreatePresignedNotebookInstanceUrl", NOTEBOOK),),
        target_kinds=frozenset({"role"}),
        unknown=_NOTEBOOK_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("sagemaker-004",),
    ),
    EscalationMethod(
        id="sagemaker-notebook-lifecycle-config",
        title="give an existing SageMaker notebook instance a new lifecycle configuration and restart it",
        reach=Reach.SERVICE_ROLE,
        service=SAGEMAKER,
        needs=(
            new(
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
                scope("sagemaker", "notebook-instance-lifecycle-config/*"),
            ),
            new("sagemaker:StopNotebookInstance", NOTEBOOK),
            new("sagemaker:UpdateNotebookInstance", NOTEBOOK),
            new("sagemaker:StartNotebookInstance", NOTEBOOK),
        ),
        target_kinds=frozenset({"role"}),
        unknown=_NOTEBOOK_UNKNOWN,
        severity=Severity.MEDIUM,
        references=(PATHFINDING,),
        pathfinding=("sagemaker-005",),
    ),
)
