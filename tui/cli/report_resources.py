"""What the OCSF and ASFF outputs say about a finding's resource: its account, partition, service
and resource type, read from the resource id alone (an ARN, or `account:<12 digits>`).

A finding carries no account of its own; an ARN names one except for S3 buckets
(`arn:aws:s3:::name`). Then the snapshot's only account is the answer, and with several accounts
there is none: `account_of` says `None`, never a guess, and each format says what it does then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ACCOUNT_ID = re.compile(r"^\d{12}$")

# (service, resource prefix) -> the resource type Security Hub names (ASFF `Resources[].Type`);
# OCSF's `resources[].type` takes the same names, as Prowler's OCSF output does.
_RESOURCE_TYPES: dict[tuple[str, str], str] = {
    ("lambda", "function"): "AwsLambdaFunction",
    ("lambda", "layer"): "AwsLambdaLayerVersion",
    ("iam", "role"): "AwsIamRole",
    ("iam", "user"): "AwsIamUser",
    ("iam", "group"): "AwsIamGroup",
    ("iam", "policy"): "AwsIamPolicy",
    ("s3", ""): "AwsS3Bucket",
    ("dynamodb", "table"): "AwsDynamoDbTable",
    ("sqs", ""): "AwsSqsQueue",
    ("sns", ""): "AwsSnsTopic",
    ("secretsmanager", "secret"): "AwsSecretsManagerSecret",
    ("kms", "key"): "AwsKmsKey",
    ("rds", "db"): "AwsRdsDbInstance",
    ("rds", "cluster"): "AwsRdsDbCluster",
    ("ec2", "subnet"): "AwsEc2Subnet",
    ("ec2", "security-group"): "AwsEc2SecurityGroup",
    ("ec2", "vpc"): "AwsEc2Vpc",
    ("cloudtrail", "trail"): "AwsCloudTrailTrail",
    ("logs", "log-group"): "AwsLogsLogGroup",
}


@dataclass(frozen=True, slots=True)
class ResourceId:
    """A finding's resource id, split: `partition` `service` `region` `account` and the rest."""

    uid: str
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def name(self) -> str:
        """The last segment a person recognises: a function's name, a role's, a bucket's."""
        tail = self.resource or self.uid
        return re.split(r"[:/]", tail)[-1] or tail

    @property
    def resource_type(self) -> str:
        """Security Hub's resource type, `AwsAccount` for an account, else `Other`."""
        if self.service == "account":
            return "AwsAccount"
        prefix = re.split(r"[:/]", self.resource, maxsplit=1)[0] if self.resource else ""
        for key in ((self.service, prefix), (self.service, "")):
            if key in _RESOURCE_TYPES:
                return _RESOURCE_TYPES[key]
        return "Other"


def parse_resource(uid: str) -> ResourceId:
    """`arn:partition:service:region:account:resource`, `account:<id>`, or anything else (then
    only `uid` and the name are known)."""
    if uid.startswith("account:") and ACCOUNT_ID.match(uid[len("account:") :]):
        return ResourceId(uid, "aws", "account", "", uid[len("account:") :], "")
    parts = uid.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        _arn, partition, service, region, account, resource = parts
        return ResourceId(
            uid, partition, service, region, account if ACCOUNT_ID.match(account) else "", resource
        )
    return ResourceId(uid, "", "", "", "", "")


def account_of(resource: ResourceId, snapshot_accounts: Sequence[str]) -> str | None:
    """The account the resource lives in: the ARN's, else the snapshot's only account, else None."""
    if resource.account:
        return resource.account
    accounts = [a for a in snapshot_accounts if ACCOUNT_ID.match(str(a))]
    return accounts[0] if len(accounts) == 1 else None


def home_region(finding_region: str, snapshot_regions: Sequence[str]) -> str:
    """Where a finding is filed: its own region, or for a global resource (IAM, `global`) the
    first region the snapshot lists (`us-east-1` if it lists none)."""
    if finding_region and finding_region != "global":
        return finding_region
    regions = sorted(str(r) for r in snapshot_regions if r and r != "global")
    return regions[0] if regions else "us-east-1"
