"""Configuration rules on data stores and their keys: encryption at rest, key rotation and TLS in
transit (unclassified stores: analyzers/config/rules_unclassified.py).

A store whose setting was not read (encryption state "unknown", tags not collected, bucket policy
not read) yields no finding: unknown is not "off". Classification is read from each store's tags
with the configured tag key, so a team's own key works without reloading the snapshot.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.findings.settings import Settings
from estate.model import Estate
from estate.model.store_fields import classify
from estate.model.store_records import DataStore
from policy.actions import statement_applies_to_action, statement_applies_to_resource
from policy.document import PolicyParseError, Statement, parse_policy

# Classifications whose stores must be under a key the owner controls (PCI DSS 3.6.1).
SENSITIVE_CLASSES = frozenset({"pci", "confidential", "restricted"})
# A String parameter whose name says it holds a credential; deliberately narrow (parameters are
# plain by design, and "key" alone names too many harmless settings).
SECRET_NAME = re.compile(
    r"pass(word|wd)|(^|[-_/.])pwd($|[-_/.])|secret|token|credential|"
    r"(api|private|signing|master|access|encryption)[-_.]?key",
    re.IGNORECASE,
)
AWS_KEY_STATES = frozenset({"aws-owned", "aws-managed"})

UNENCRYPTED_STORE = RULES.register(
    Rule(
        id="config.unencrypted-store",
        analyzer="config",
        severity=Severity.HIGH,
        title="Data store not encrypted at rest, or sensitive data under an AWS-controlled key",
        rationale=(
            "Data at rest without encryption is readable from snapshots, backups and the storage layer. "
            "Sensitive (pci/confidential) data under an AWS-owned or AWS-managed key cannot be "
            "protected by a key policy, its use cannot be restricted or revoked, and decrypts are "
            "not attributable to your own key in CloudTrail."
        ),
        remediation=(
            "RDS: restore an encrypted copy (aws rds copy-db-snapshot --kms-key-id KEY, then restore); "
            "SQS: aws sqs set-queue-attributes --attributes KmsMasterKeyId=KEY (or "
            "SqsManagedSseEnabled=true); SNS: aws sns set-topic-attributes --attribute-name "
            "KmsMasterKeyId --attribute-value KEY; S3: aws s3api put-bucket-encryption with "
            "SSEAlgorithm aws:kms and a customer-managed key; DynamoDB: aws dynamodb update-table "
            "--sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY; Secrets Manager: "
            "aws secretsmanager update-secret --kms-key-id KEY; SSM: re-create the parameter as "
            "SecureString."
        ),
    ),
    check=lambda ctx: unencrypted_store_findings(ctx.estate, ctx.settings),
)

KMS_NO_ROTATION = RULES.register(
    Rule(
        id="config.kms-no-rotation",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Customer-managed KMS key without automatic rotation",
        rationale=(
            "A key that never rotates keeps encrypting new data with the same key material for its "
            "whole life, so any exposure of that material covers every object it ever protected."
        ),
        remediation=(
            "aws kms enable-key-rotation --key-id KEY (console: KMS > key > Key rotation > "
            "Automatically rotate this KMS key every year)."
        ),
    ),
    check=lambda ctx: kms_no_rotation_findings(ctx.estate),
)

TLS_BELOW_1_2 = RULES.register(
    Rule(
        id="config.tls-below-1.2",
        analyzer="config",
        severity=Severity.MEDIUM,
        title="Data in transit may use plain HTTP or TLS below 1.2",
        rationale=(
            "An API custom domain with security policy TLS_1_0 accepts TLS 1.0 and 1.1, whose "
            "cipher suites are broken; a bucket whose policy does not deny aws:SecureTransport "
            "false serves and accepts objects over plain HTTP."
        ),
        remediation=(
            "API Gateway: aws apigateway update-domain-name --domain-name NAME --patch-operations "
            "op=replace,path=/securityPolicy,value=TLS_1_2. S3: add a bucket policy statement "
            'Effect Deny, Principal "*", Action "s3:*", Resource the bucket and bucket/*, Condition '
            '{"Bool": {"aws:SecureTransport": "false"}}.'
        ),
    ),
    check=lambda ctx: tls_findings(ctx.estate, ctx.settings),
)


def classification(store: DataStore, settings: Settings) -> str | None:
    return classify(store.tags, settings.classification_tag_key)


def store_finding(
    rule: Rule, store: DataStore, title: str, severity: Severity, evidence: list[Evidence]
) -> Finding:
    return Finding(
        rule=rule,
        resource=store.arn,
        title=f"{store.name}: {title}",
        severity=severity,
        evidence=(Evidence("store", f"{store.kind} {store.arn}"), *evidence),
        region=store.region,
    )


def _plain_problem(store: DataStore) -> tuple[str, list[Evidence]] | None:
    """Why a store is not encrypted at rest at all, or None."""
    if store.kind == "db" and store.db is not None and not store.db.storage_encrypted:
        return "RDS storage not encrypted", [Evidence("StorageEncrypted", False)]
    if store.kind == "queue" and store.encryption.state == "none":
        return "SQS queue without server-side encryption", [
            Evidence("KmsMasterKeyId", None),
            Evidence("SqsManagedSseEnabled", False),
        ]
    if store.kind == "topic" and store.encryption.state == "none":
        return "SNS topic without server-side encryption", [Evidence("KmsMasterKeyId", None)]
    parameter = store.parameter
    if parameter is not None and parameter.type != "SecureString" and SECRET_NAME.search(store.name):
        return f"{parameter.type} parameter whose name suggests a secret", [
            Evidence("Type", parameter.type),
            Evidence("why", "the name suggests a credential; String values are stored without KMS"),
        ]
    return None


def unencrypted_store_findings(estate: Estate, settings: Settings) -> Iterator[Finding]:
    for store in estate.data_stores.values():
        label = classification(store, settings)
        sensitive = label in SENSITIVE_CLASSES
        evidence_class = Evidence(settings.classification_tag_key, label)
        plain = _plain_problem(store)
        if plain is not None:
            title, evidence = plain
            severity = Severity.HIGH if sensitive else Severity.MEDIUM
            yield store_finding(UNENCRYPTED_STORE, store, title, severity, [*evidence, evidence_class])
            continue
        if (
            store.kind == "bucket"
            and store.bucket is not None
            and store.bucket.encryption_configured is False
        ):
            yield store_finding(
                UNENCRYPTED_STORE,
                store,
                "S3 bucket without default encryption",
                Severity.MEDIUM if sensitive else Severity.LOW,
                [
                    Evidence("GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError"),
                    Evidence(
                        "note",
                        "AWS applies SSE-S3 to new objects since January 2023 and reports it; local "
                        "emulators and older buckets report no default",
                    ),
                    evidence_class,
                ],
            )
            continue
        if sensitive and store.encryption.state in AWS_KEY_STATES:
            owner = "an AWS-owned" if store.encryption.state == "aws-owned" else "an AWS-managed"
            yield store_finding(
                UNENCRYPTED_STORE,
                store,
                f"{label} data encrypted with {owner} key, not a customer-managed key",
                Severity.MEDIUM,
                [
                    Evidence("encryption", store.encryption.state),
                    Evidence("key", store.encryption.key_arn or store.encryption.key_id),
                    evidence_class,
                ],
            )


def _protected_by(estate: Estate) -> dict[str, list[str]]:
    """Key ARN -> the stores encrypted under it, sorted: one pass over the stores for every key
    (scanning them per key was 1.5 s at 100,000 functions, 500 keys x 30,000 stores)."""
    protected: dict[str, list[str]] = defaultdict(list)
    for store in estate.data_stores.values():
        if store.encryption.key_arn is not None:
            protected[store.encryption.key_arn].append(store.arn)
    for arns in protected.values():
        arns.sort()
    return protected


def kms_no_rotation_findings(estate: Estate) -> Iterator[Finding]:
    protected_by: dict[str, list[str]] | None = None
    for key in estate.kms_keys.values():
        if key.manager != "CUSTOMER" or key.rotation_enabled is not False:
            continue  # AWS keys rotate; None means the status was not read
        if key.key_spec not in (None, "SYMMETRIC_DEFAULT") or key.state not in (None, "Enabled"):
            continue  # asymmetric and HMAC keys cannot rotate automatically; disabled keys encrypt nothing
        name = key.aliases[0] if key.aliases else key.id
        if protected_by is None:
            protected_by = _protected_by(estate)
        protects = list(protected_by.get(key.arn, ()))
        yield Finding(
            rule=KMS_NO_ROTATION,
            resource=key.arn,
            title=f"{name}: automatic key rotation disabled",
            severity=KMS_NO_ROTATION.severity,
            evidence=(
                Evidence("KeyRotationEnabled", False),
                Evidence("aliases", list(key.aliases)),
                Evidence("protects", protects),
            ),
            region=key.region,
        )


def _denies_plain_http(statement: Statement, bucket_arn: str) -> bool:
    if statement.is_allow or not any(p.is_anyone for p in statement.principals or ()):
        return False
    secure = [
        c
        for c in statement.conditions
        if c.key.lower() == "aws:securetransport" and c.base_operator == "Bool" and c.set_qualifier is None
    ]
    if not any(v.lower() == "false" for c in secure for v in c.values):
        return False
    return all(
        statement_applies_to_action(statement, action) for action in ("s3:GetObject", "s3:PutObject")
    ) and statement_applies_to_resource(statement, f"{bucket_arn}/*")


def _bucket_tls(store: DataStore, settings: Settings) -> Finding | None:
    if store.policy_state == "absent":
        why = "no bucket policy"
    elif store.policy_state == "present" and store.resource_policy:
        try:
            document = parse_policy(store.resource_policy, resource_policy=True)
        except PolicyParseError:
            return None  # cannot tell; the policy engine's own rule reports unparseable policies
        if any(_denies_plain_http(s, store.arn) for s in document.statements):
            return None
        why = "bucket policy has no Deny on aws:SecureTransport false"
    else:
        return None
    label = classification(store, settings)
    return store_finding(
        TLS_BELOW_1_2,
        store,
        f"plain HTTP not denied ({why})",
        Severity.MEDIUM if label in SENSITIVE_CLASSES else Severity.LOW,
        [Evidence("bucket policy", why), Evidence(settings.classification_tag_key, label)],
    )


def tls_findings(estate: Estate, settings: Settings) -> Iterator[Finding]:
    for store in estate.data_stores.values():
        if store.kind == "bucket":
            finding = _bucket_tls(store, settings)
            if finding is not None:
                yield finding
    for domain in estate.invokers.api_domains if estate.invokers is not None else ():
        if (domain.security_policy or "").upper() != "TLS_1_0":
            continue
        yield Finding(
            rule=TLS_BELOW_1_2,
            resource=f"arn:aws:apigateway:{domain.region}::/domainnames/{domain.name}",
            title=f"{domain.name}: API custom domain accepts TLS 1.0",
            severity=Severity.HIGH,
            evidence=(
                Evidence("securityPolicy", domain.security_policy),
                Evidence("endpoint type", domain.endpoint_type),
                Evidence("mapped APIs", list(domain.api_ids)),
            ),
            region=domain.region,
        )
