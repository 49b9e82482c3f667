"""config.unencrypted-store, config.kms-no-rotation, config.tls-below-1.2 and config.unclassified-store,
on snapshots in the collector's raw shapes, plus the demo estate's planted stores."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analyzers.analysis import Analysis
from analyzers.config.rules_unclassified import unclassified_store_findings
from analyzers.findings.model import Severity
from analyzers.findings.settings import Settings
from estate.graph.builder import build_graph
from estate.model.load import load_estate
from tests.builders import ACCOUNT, REGION, fn_arn, function, rule_case
from tests.paths import DEMO_SNAPSHOT
from tests.unit.analyzers.config.config_estates import (
    bucket,
    database,
    key_arn,
    kms_key,
    names,
    parameter,
    queue,
    rec,
    run,
    secret,
    secure_transport_policy,
    snap,
    table,
    topic,
)

DEMO = DEMO_SNAPSHOT
UNENCRYPTED = "config.unencrypted-store"
ROTATION = "config.kms-no-rotation"
TLS = "config.tls-below-1.2"
UNCLASSIFIED = "config.unclassified-store"


# --- config.unencrypted-store ------------------------------------------------------------


@rule_case("config.unencrypted-store", "positive")
def test_stores_without_encryption_at_rest_are_flagged_worse_when_sensitive() -> None:
    found = run(
        snap(
            [],
            database("ledger-db", "pci", encrypted=False),
            *queue("legacy-jobs", None),
            *topic("statements-ready", "confidential"),
        ),
        UNENCRYPTED,
    )
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"ledger-db", "legacy-jobs", "statements-ready"}
    assert by_name["ledger-db"].severity is Severity.HIGH
    assert by_name["statements-ready"].severity is Severity.HIGH
    assert by_name["legacy-jobs"].severity is Severity.MEDIUM
    assert "StorageEncrypted" in [e.label for e in by_name["ledger-db"].evidence]


@rule_case("config.unencrypted-store", "positive")
def test_sensitive_data_under_aws_keys_is_flagged() -> None:
    found = run(
        snap(
            [],
            *table("kyc-profiles", "confidential"),  # no SSEDescription: the AWS owned key
            *bucket("card-uploads", "pci", encryption={"SSEAlgorithm": "AES256"}),
            secret("ledger/db-credentials", "confidential"),  # no KmsKeyId: aws/secretsmanager
            database("ledger-db", "pci", encrypted=True),  # no KmsKeyId: aws/rds
        ),
        UNENCRYPTED,
    )
    assert names(found) == {"kyc-profiles", "card-uploads", "ledger/db-credentials", "ledger-db"}
    assert {f.severity for f in found} == {Severity.MEDIUM}
    assert all("customer-managed key" in f.title for f in found)


@rule_case("config.unencrypted-store", "positive")
def test_bucket_without_default_encryption_and_secret_named_string_parameter() -> None:
    found = run(
        snap([], *bucket("raw-uploads", "internal"), parameter("/app/ledger/db-password", "String")),
        UNENCRYPTED,
    )
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"raw-uploads", "/app/ledger/db-password"}
    assert by_name["raw-uploads"].severity is Severity.LOW  # AWS itself would apply SSE-S3
    assert "SecureString" not in by_name["/app/ledger/db-password"].title


@rule_case("config.unencrypted-store", "negative")
def test_encrypted_stores_and_plain_by_design_parameters_pass() -> None:
    found = run(
        snap(
            [],
            *kms_key("k1", "alias/payments-cmk", rotation=True),
            database("reporting-db", "pci", encrypted=True, kms=key_arn("k1")),
            database("reporting-replica", "internal", encrypted=True),  # aws/rds is fine for internal
            *queue("merchant-webhooks", "internal", managed=True),
            *queue("card-events-q", "pci", kms=key_arn("k1")),
            *topic("card-events", "pci", kms="alias/payments-cmk"),
            *table("fx-rates", "public"),  # AWS owned key is fine for public data
            *table("card-tokens", "pci", kms_arn=key_arn("k1")),
            *bucket("assets", "internal", encryption={"SSEAlgorithm": "AES256"}),
            parameter("/app/payments/provider-endpoint", "String"),
            parameter("/app/feature-flags/defaults", "String"),
            parameter("/app/ledger/db-password", "SecureString"),
        ),
        UNENCRYPTED,
    )
    assert found == []


@rule_case("config.unencrypted-store", "negative")
def test_unknown_encryption_is_not_a_finding() -> None:
    records = [r for r in bucket("statements", "pci") if r.key.operation != "GetBucketEncryption"]
    found = run(
        snap(
            [],
            records,
            # a same-account key the snapshot does not describe: encrypted, key manager unknown
            *queue("ledger-events", "confidential", kms=key_arn("not-collected")),
        ),
        UNENCRYPTED,
    )
    assert found == []


def test_classification_follows_the_configured_tag_key() -> None:
    records = table("kyc-profiles", None)
    tagged = rec(
        "dynamodb",
        "ListTagsOfResource",
        {"Tags": [{"Key": "data-class", "Value": "PCI"}]},
        ResourceArn=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/kyc-profiles",
    )
    snapshot = snap([], records[0], tagged)
    assert run(snapshot, UNENCRYPTED) == []
    found = run(snapshot, UNENCRYPTED, Settings(classification_tag_key="data-class"))
    assert names(found) == {"kyc-profiles"} and "pci data" in found[0].title


# --- config.kms-no-rotation --------------------------------------------------------------


@rule_case("config.kms-no-rotation", "positive")
def test_customer_key_without_rotation_names_what_it_protects() -> None:
    found = run(
        snap([], *kms_key("k2", "alias/ledger-cmk", rotation=False), *table("ledger", "pci", key_arn("k2"))),
        ROTATION,
    )
    assert len(found) == 1 and found[0].resource == key_arn("k2")
    assert "alias/ledger-cmk" in found[0].title
    protects = next(e.value for e in found[0].evidence if e.label == "protects")
    assert protects == [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/ledger"]
    assert "AWS-FSBP:KMS.4" in found[0].compliance


@rule_case("config.kms-no-rotation", "negative")
def test_rotating_unknown_aws_asymmetric_and_disabled_keys_pass() -> None:
    found = run(
        snap(
            [],
            *kms_key("a", "alias/rotating", rotation=True),
            *kms_key("b", "alias/not-read", rotation=None),
            *kms_key("c", "alias/aws/s3", rotation=False),  # AWS managed (moto says CUSTOMER)
            *kms_key("d", "alias/signing", rotation=False, spec="RSA_2048"),
            *kms_key("e", "alias/retired", rotation=False, state="Disabled"),
        ),
        ROTATION,
    )
    assert found == []


# --- config.tls-below-1.2 ----------------------------------------------------------------


def _domain(name: str, policy: str) -> Any:
    raw = {"domainName": name, "securityPolicy": policy, "endpointConfiguration": {"types": ["REGIONAL"]}}
    return rec("apigateway", "GetDomainNames", {"items": [raw]}, limit=500)


@rule_case("config.tls-below-1.2", "positive")
def test_tls_1_0_domain_and_buckets_that_allow_plain_http() -> None:
    get_only = secure_transport_policy("half", Action="s3:GetObject")  # uploads still over HTTP
    allow_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
    }
    found = run(
        snap(
            [],
            _domain("api.example.com", "TLS_1_0"),
            *bucket("no-policy", "pci", encryption={"SSEAlgorithm": "AES256"}),
            *bucket("half", "internal", encryption={"SSEAlgorithm": "AES256"}, policy=get_only),
            *bucket("public", "public", encryption={"SSEAlgorithm": "AES256"}, policy=allow_only),
        ),
        TLS,
    )
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"api.example.com", "no-policy", "half", "public"}
    assert by_name["api.example.com"].severity is Severity.HIGH
    assert by_name["no-policy"].severity is Severity.MEDIUM  # pci
    assert by_name["half"].severity is Severity.LOW
    assert "AWS-FSBP:S3.5" in by_name["half"].compliance


@rule_case("config.tls-below-1.2", "negative")
def test_tls_1_2_domain_secure_transport_deny_and_unread_policy_pass() -> None:
    deny_list = secure_transport_policy("strict-list", Action=["s3:GetObject", "s3:PutObject", "s3:List*"])
    found = run(
        snap(
            [],
            _domain("api.example.com", "TLS_1_2"),
            *bucket("strict", "pci", policy=secure_transport_policy("strict")),
            *bucket("strict-list", "pci", policy=deny_list),
            *bucket("unread", "pci", policy="unknown"),
        ),
        TLS,
    )
    assert names(found) == set()


# --- config.unclassified-store -----------------------------------------------------------


def _role(name: str, *resources: str, action: str = "dynamodb:GetItem") -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Action": [action, "dynamodb:GetItem", "ssm:GetParameter"],
        "Resource": list(resources),
    }
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "Path": "/",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
        "RolePolicyList": [
            {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
        ],
        "AttachedManagedPolicies": [],
    }


def _iam(*roles: dict[str, Any]) -> dict[str, Any]:
    return {"RoleDetailList": list(roles), "UserDetailList": [], "GroupDetailList": [], "Policies": []}


def _esm(queue_name: str, function_name: str) -> Any:
    mapping = {
        "UUID": "u-1",
        "EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_name}",
        "FunctionArn": fn_arn(function_name),
        "State": "Enabled",
    }
    return rec("lambda", "ListEventSourceMappings", {"EventSourceMappings": [mapping]})


TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"


QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}"


def _reached(finding: Any) -> list[str]:
    return [r.split(" (", 1)[0] for r in next(e.value for e in finding.evidence if e.label == "reached by")]


@rule_case("config.unclassified-store", "positive")
def test_untagged_stores_a_function_reaches_are_flagged() -> None:
    iam = _iam(_role("app-role", f"{TABLE_ARN}/idempotency-keys", f"{QUEUE_ARN}:legacy-jobs", action="sqs:*"))
    found = run(
        snap(
            [function("dispatch"), function("convert")],
            *table("idempotency-keys", None),
            *queue("legacy-jobs", None),
            iam=iam,
        ),
        UNCLASSIFIED,
    )
    by_name = {f.title.split(":")[0]: f for f in found}
    assert set(by_name) == {"idempotency-keys", "legacy-jobs"}
    assert _reached(by_name["idempotency-keys"]) == ["convert", "dispatch"]
    assert by_name["legacy-jobs"].severity is Severity.MEDIUM


@rule_case("config.unclassified-store", "positive")
def test_without_can_edges_names_in_triggers_and_role_policies_count() -> None:
    iam = _iam(_role("app-role", f"{TABLE_ARN}/idempotency-keys", f"{TABLE_ARN}/idempotency-keys/index/*"))
    snapshot = snap(
        [function("dispatch"), function("convert")],
        *table("idempotency-keys", None),
        *table("orphan", None),
        *queue("legacy-jobs", None),
        _esm("legacy-jobs", "convert"),
        iam=iam,
    )
    estate = load_estate(snapshot)
    graph = build_graph(estate)
    graph.remove_edges_from(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["kind"] == "can"]
    )
    by_name = {f.title.split(":")[0]: f for f in unclassified_store_findings(estate, graph, Settings())}
    assert set(by_name) == {"idempotency-keys", "legacy-jobs"}
    reached = next(e.value for e in by_name["legacy-jobs"].evidence if e.label == "reached by")
    assert reached == ["convert (event source mapping)"]
    reached = next(e.value for e in by_name["idempotency-keys"].evidence if e.label == "reached by")
    assert reached == [
        "convert (named in the execution role's policy)",
        "dispatch (named in the execution role's policy)",
    ]


@rule_case("config.unclassified-store", "negative")
def test_classified_unreached_wildcard_only_and_untagged_unknown_stores_pass() -> None:
    iam = _iam(_role("app-role", f"{TABLE_ARN}/ledger", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/*"))
    found = run(
        snap(
            [function("writer")],
            *table("ledger", "confidential"),  # reached, but classified
            *table("orphan", None),  # untagged, but no function reaches it
            parameter("/app/endpoint", "String"),  # reached, but parameter tags are not collected
            iam=iam,
        ),
        UNCLASSIFIED,
    )
    assert found == []


def test_unclassified_respects_the_configured_tag_key() -> None:
    snapshot = snap([function("convert")], *queue("jobs", "internal"), _esm("jobs", "convert"))
    assert run(snapshot, UNCLASSIFIED) == []
    found = run(snapshot, UNCLASSIFIED, Settings(classification_tag_key="data-class"))
    assert names(found) == {"jobs"} and "data-class" in found[0].title


def test_graph_can_edges_take_precedence_over_names() -> None:
    snapshot = snap(
        [function("convert"), function("other")],
        *queue("jobs", None),
        *table("cache", None),
        _esm("jobs", "convert"),
    )
    estate = load_estate(snapshot)
    graph = build_graph(estate)
    role = f"arn:aws:iam::{ACCOUNT}:role/app-role"
    graph.add_edge(role, f"{TABLE_ARN}/cache", key="can", kind="can", access="read", evidence={})
    found = list(unclassified_store_findings(estate, graph, Settings()))
    assert names(found) == {"cache"}  # the ESM-only name is not consulted once `can` edges exist
    reached = next(e.value for e in found[0].evidence if e.label == "reached by")
    assert reached == ["convert (role app-role can read)", "other (role app-role can read)"]


# --- the demo estate ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_findings(demo_analysis: Analysis) -> dict[str, dict[str, Any]]:
    analysis = demo_analysis
    out: dict[str, dict[str, Any]] = {}
    for f in analysis.findings:
        out.setdefault(f.rule.id, {})[f.title.split(":", 1)[0]] = f
    return out


@rule_case("config.unencrypted-store", "positive")
def test_demo_planted_unencrypted_stores_are_all_reported(demo_findings: dict[str, dict[str, Any]]) -> None:
    from tests.ground_truth.plants import UNENCRYPTED_STORES

    found = demo_findings[UNENCRYPTED]
    not_encrypted = {n for n, f in found.items() if "customer-managed key" not in f.title}
    assert not_encrypted == set(UNENCRYPTED_STORES)
    assert found["ledger-db"].severity is Severity.HIGH
    # confidential data under AWS keys (catalogue_stores.py: no kms= on these)
    aws_keyed = {n for n, f in found.items() if "customer-managed key" in f.title}
    assert aws_keyed == {
        "kyc-profiles",
        "fraud-features",
        "fintech-settlement-inbox-eu",
        "ledger/db-credentials",
        "partner/hmac-signing-key",
        "partner-events",
    }
    assert set(demo_findings[ROTATION]) == {"alias/ledger-cmk"}


@rule_case("config.unclassified-store", "positive")
def test_demo_unclassified_stores_are_exactly_the_planted_ones(
    demo_findings: dict[str, dict[str, Any]],
) -> None:
    from tests.ground_truth.plants import UNCLASSIFIED_STORES

    assert set(demo_findings[UNCLASSIFIED]) == set(UNCLASSIFIED_STORES)


@rule_case("config.tls-below-1.2", "positive")
def test_demo_buckets_lack_a_secure_transport_deny(demo_findings: dict[str, dict[str, Any]]) -> None:
    # no demo bucket policy denies aws:SecureTransport false, and no custom domain is deployed
    assert set(demo_findings[TLS]) == {
        "fintech-kyc-documents-eu",
        "fintech-public-assets-eu",
        "fintech-raw-uploads-eu",
        "fintech-settlement-inbox-eu",
        "fintech-statements-dr-us",
        "fintech-statements-eu",
    }
    text = json.dumps([f.to_json() for f in demo_findings[TLS].values()])
    assert "TLS_1_0" not in text
