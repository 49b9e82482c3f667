"""Recovery posture: can a compromised or broken estate be put back? Point-in-time recovery on the
stores functions write, and functions redeployable from code.

`config.no-point-in-time-recovery` flags a DynamoDB table without PITR, an S3 bucket never (or no
longer) versioned, and an RDS instance or cluster with automated backups off (retention 0), when
some function's execution role may write the store (the graph's `can` edges, store sets
expanded): a function that can overwrite or delete data is what makes a missing recovery point an
incident. Cluster members and read replicas are judged through their cluster or source.
`config.not-infrastructure-as-code` flags a function with none of the tags CloudFormation (and so
SAM and CDK) or SAM put on what they deploy, nor a team's own deployment tag.

A setting that was not read (DescribeContinuousBackups or GetBucketVersioning refused or absent,
no BackupRetentionPeriod, function tags not read) yields no finding: unknown is not "off".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import networkx as nx

from analyzers.config.function_finding import function_finding
from analyzers.config.rules_stores import classification, store_finding
from analyzers.config.store_writers import store_writers
from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from estate.model import Estate
from estate.model.store_records import DataStore

NO_POINT_IN_TIME_RECOVERY = RULES.register(
    Rule(
        id="config.no-point-in-time-recovery",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="A data store functions can write has no point-in-time recovery",
        rationale=(
            "A compromised or faulty function that can write a store can overwrite or delete its "
            "data. Without point-in-time recovery (DynamoDB), versioning (S3) or automated backups "
            "(RDS) there is no earlier state to restore after the incident."
        ),
        remediation=(
            "DynamoDB: aws dynamodb update-continuous-backups --table-name NAME "
            "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true; S3: aws s3api "
            "put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled (add a "
            "lifecycle rule expiring noncurrent versions); RDS: aws rds modify-db-instance (or "
            "modify-db-cluster) --backup-retention-period 7 --apply-immediately."
        ),
    ),
    check=lambda ctx: no_point_in_time_recovery_findings(ctx.estate, ctx.graph, ctx.settings),
)

NOT_INFRASTRUCTURE_AS_CODE = RULES.register(
    Rule(
        id="config.not-infrastructure-as-code",
        analyzer="config",
        severity=Severity.LOW,
        title="Function shows no sign of being deployed from infrastructure as code",
        rationale=(
            "A function created by hand (console, CLI) has no reviewed definition to redeploy from: "
            "after an incident a responder cannot rebuild it from a known-good state, and its "
            "drift from any intended configuration goes unnoticed."
        ),
        remediation=(
            "Import the function into a CloudFormation/SAM/CDK stack (or Terraform) and deploy it "
            "from there; if it already is managed by another tool, tag it with that tool and list "
            "the tag key in lambdascope.toml iac_tag_keys."
        ),
    ),
    check=lambda ctx: not_infrastructure_as_code_findings(ctx.estate, ctx.settings),
)

IAC_TAGS = ("aws:cloudformation:stack-name", "aws:cloudformation:stack-id", "lambda:createdBy")
"""Tags AWS puts on what CloudFormation (hence SAM and CDK) and SAM deploy; users cannot set them."""

LISTED = 20
"""Writing functions named in a finding's evidence (the count is in the title)."""


def missing_recovery(store: DataStore) -> tuple[str, list[Evidence]] | None:
    """What recovery the store lacks, with the setting read; None when it has it or it was not read."""
    if store.kind == "table" and store.table is not None and store.table.point_in_time_recovery is False:
        return "DynamoDB table without point-in-time recovery", [
            Evidence("PointInTimeRecoveryStatus", "DISABLED")
        ]
    if (
        store.kind == "bucket"
        and store.bucket is not None
        and store.bucket.versioning in ("Off", "Suspended")
    ):
        state = "never enabled" if store.bucket.versioning == "Off" else "suspended"
        return f"S3 bucket versioning {state}", [Evidence("Versioning", store.bucket.versioning)]
    db = store.db
    if store.kind == "db" and db is not None and db.backup_retention_days == 0 and not db.backups_elsewhere:
        what = "RDS cluster" if db.cluster else "RDS instance"
        return f"{what} with automated backups off", [Evidence("BackupRetentionPeriod", 0)]
    return None


def _severity(label: str | None) -> Severity:
    if label == "pci":
        return Severity.HIGH
    if label in ("confidential", "restricted"):
        return Severity.MEDIUM
    return Severity.LOW


def functions_by_role(estate: Estate) -> dict[str, list[str]]:
    """Execution role ARN -> the names of the functions that run as it."""
    out: dict[str, list[str]] = {}
    for fn in estate.functions:
        out.setdefault(fn.role_arn, []).append(fn.name)
    return out


def no_point_in_time_recovery_findings(
    estate: Estate, graph: nx.MultiDiGraph, settings: Settings
) -> Iterator[Finding]:
    lacking = {arn: found for arn, s in estate.data_stores.items() if (found := missing_recovery(s))}
    writers = store_writers(graph, lacking, functions_by_role(estate), LISTED) if lacking else {}
    for arn, (title, evidence) in sorted(lacking.items()):
        written = writers.get(arn)
        if written is None:
            continue  # nothing a function does can destroy it: not this rule's concern
        store = estate.data_stores[arn]
        label = classification(store, settings)
        count = written.count
        shown = "written by" if count <= LISTED else f"written by (first {LISTED} of {count})"
        yield store_finding(
            NO_POINT_IN_TIME_RECOVERY,
            store,
            f"{title}, written by {count} function(s)",
            _severity(label),
            [
                *evidence,
                Evidence(settings.classification_tag_key, label),
                Evidence(shown, [f"{name} ({how})" for name, how in written.listed]),
            ],
        )


def _deployment_tag(tags: Mapping[str, str], keys: tuple[str, ...]) -> tuple[str, str] | None:
    wanted = {k.lower() for k in (*IAC_TAGS, *keys)}
    return next(((k, v) for k, v in sorted(tags.items()) if k.lower() in wanted and v.strip()), None)


def not_infrastructure_as_code_findings(estate: Estate, settings: Settings) -> Iterator[Finding]:
    for fn in estate.functions:
        if fn.tags_state not in ("present", "absent"):
            continue  # tags not read: cannot tell
        if _deployment_tag(fn.tags, settings.iac_tag_keys) is not None:
            continue
        yield function_finding(
            NOT_INFRASTRUCTURE_AS_CODE,
            fn,
            "no CloudFormation, SAM, CDK or deployment tag: cannot be redeployed from code",
            NOT_INFRASTRUCTURE_AS_CODE.severity,
            Evidence("tags looked for", [*IAC_TAGS, *settings.iac_tag_keys]),
            Evidence("tags", sorted(fn.tags)),
        )
