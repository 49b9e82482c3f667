"""SCPs end to end: an Organizations SCP read by the live collector from the moto server caps what
the IAM analysis reports in the member account it is attached to, and only there.

Two member accounts hold the same `*:*` role; an SCP denying `iam:*` and `sts:*` is attached to
one of them. That account's role is no longer `iam.admin`; its twin in the other account still is.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from analyzers.analysis import analyze_snapshot
from estate.sources.live import CollectOptions, collect
from tests.integration.lambda_code import TRUST

pytestmark = pytest.mark.integration

ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_IAM = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["iam:*", "sts:*"], "Resource": "*"},
    ],
}


def _client(endpoint: str, service: str, credentials: dict[str, str] | None = None) -> Any:
    kwargs: dict[str, Any] = {"region_name": "us-east-1", "endpoint_url": endpoint}
    if credentials:
        kwargs.update(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
    return boto3.client(service, **kwargs)


def _member(endpoint: str, org: Any, name: str) -> str:
    status = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    account = str(status["AccountId"])
    credentials = _client(endpoint, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="deploy"
    )["Credentials"]
    iam = _client(endpoint, "iam", credentials)
    iam.create_role(RoleName="platform-admin", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="platform-admin", PolicyName="everything", PolicyDocument=json.dumps(ADMIN))
    return account


def test_an_attached_scp_caps_admin_in_its_account_only(
    moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The three accounts' IAM backends are created below, after the reset: without moto's 1,600 AWS
    # managed policies each (seconds per account to load, list and analyse; none is used here).
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    org = _client(moto_endpoint, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    with contextlib.suppress(org.exceptions.PolicyTypeAlreadyEnabledException):
        org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    capped = _member(moto_endpoint, org, "capped")
    free = _member(moto_endpoint, org, "free")
    policy = org.create_policy(
        Content=json.dumps(DENY_IAM), Description="no IAM", Name="deny-iam", Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=capped)

    snapshot = collect(
        CollectOptions(
            regions=("eu-west-1",),
            endpoint_url=moto_endpoint,
            cache_dir=tmp_path / "cache",
            metrics_days=0,
            assume_role="OrganizationAccountAccessRole",
            accounts=(capped, free),
            max_workers=4,
        )
    )
    analysis = analyze_snapshot(snapshot)
    policies = analysis.estate.org_policies
    gaps = [c for c in snapshot.manifest.coverage if c.service == "organizations"]
    assert policies[capped].scps.state == "applied", (policies[capped].scps.detail, gaps)
    assert any(p.name == "deny-iam" for _level, p in policies[capped].scps.policies())
    assert not any(p.name == "deny-iam" for _level, p in policies[free].scps.policies())

    admins = {f.resource for f in analysis.findings if f.rule.id == "iam.admin"}
    assert f"arn:aws:iam::{free}:role/platform-admin" in admins
    assert f"arn:aws:iam::{capped}:role/platform-admin" not in admins
    capped_findings = analysis.findings_for(f"arn:aws:iam::{capped}:role/platform-admin")
    assert capped_findings, "a capped role with *:* still has wildcard findings, explained by the SCP"
    labels = {e.label for f in capped_findings for e in f.evidence}
    assert "service control policies" in labels
