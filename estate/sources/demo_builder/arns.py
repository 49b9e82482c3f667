"""ARN builders for the demo account, so catalogue entries read like the policies people write."""

from __future__ import annotations

from .constants import DEMO_ACCOUNT, EU

ACCT = DEMO_ACCOUNT
AWS_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
AWS_VPC = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
AWS_ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
AWS_READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
AWS_CW_READONLY = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"


def table(name: str, region: str = EU) -> str:
    return f"arn:aws:dynamodb:{region}:{ACCT}:table/{name}"


def bucket(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def secret(name: str, region: str = EU) -> str:
    """Secret ARNs end in a random suffix; IAM policies match it with '-*' as AWS documents."""
    return f"arn:aws:secretsmanager:{region}:{ACCT}:secret:{name}-*"


def queue(name: str, region: str = EU) -> str:
    return f"arn:aws:sqs:{region}:{ACCT}:{name}"


def queue_url(name: str, region: str = EU) -> str:
    return f"https://sqs.{region}.amazonaws.com/{ACCT}/{name}"


def topic(name: str, region: str = EU) -> str:
    return f"arn:aws:sns:{region}:{ACCT}:{name}"


def function(name: str, region: str = EU) -> str:
    return f"arn:aws:lambda:{region}:{ACCT}:function:{name}"


def role(name: str) -> str:
    return f"arn:aws:iam::{ACCT}:role/{name}"


def policy(name: str) -> str:
    return f"arn:aws:iam::{ACCT}:policy/{name}"


def log_group(function_name: str, region: str = EU) -> str:
    return f"arn:aws:logs:{region}:{ACCT}:log-group:/aws/lambda/{function_name}:*"


def parameter(name: str, region: str = EU) -> str:
    return f"arn:aws:ssm:{region}:{ACCT}:parameter{name}"


def kms_ref(alias: str) -> str:
    """A reference to a KMS key ARN, resolved after the key exists (see refs.py)."""
    return "${kms:" + alias + "}"


def vpce_ref(region: str, service: str) -> str:
    return "${vpce:" + region + ":" + service + "}"


def secret_ref(name: str) -> str:
    """The full ARN (with AWS's random suffix) of a secret, resolved after it exists."""
    return "${secret:" + name + "}"
