"""Which accounts and regions to collect, and the sessions to collect them with.

Without `--assume-role` the collection is the caller's own account. With it, the targets are
the `--accounts` given or every active account of the organization (ListAccounts, from the
caller's account); each is entered with sts:AssumeRole on `arn:<partition>:iam::<id>:role/<NAME>`
(the caller's own account is read with the caller's credentials: the role usually exists only in
member accounts). An account that cannot be entered is a coverage gap, never a failure.

Assumed credentials refresh themselves (botocore `RefreshableCredentials`), so a collection may
outlast the one-hour session. Credentials are never cached or stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from estate.errors import LambdascopeError
from estate.sources.live import ec2
from estate.sources.live.calls import CallContext
from estate.sources.live.clients import ClientFactory

SESSION_NAME = "lambdascope"


@dataclass(frozen=True)
class AccountPlan:
    """One account to collect: its clients and its regions."""

    account: str
    clients: ClientFactory
    regions: tuple[str, ...]


def organization_accounts(ctx: CallContext) -> list[str]:
    """Active accounts of the caller's organization (the caller must be allowed ListAccounts)."""
    accounts = ctx.items("organizations", "ListAccounts", "NextToken", "NextToken", "Accounts")
    if not accounts:
        gaps = [c.detail for c in ctx.coverage if c.operation == "ListAccounts" and c.status != "ok"]
        reason = gaps[-1] if gaps else "no accounts listed"
        raise LambdascopeError(f"cannot list the organization's accounts ({reason})")
    return sorted(str(a["Id"]) for a in accounts if a.get("State", a.get("Status")) == "ACTIVE")


def partition_of(session: boto3.session.Session, region: str) -> str:
    try:
        return str(session.get_partition_for_region(region))
    except (ValueError, AttributeError):
        return "aws"


def assumed_session(base: ClientFactory, role_arn: str, home: str) -> boto3.session.Session:
    """A session whose credentials come from (and renew through) sts:AssumeRole on `role_arn`.

    Raises ClientError or BotoCoreError when the role cannot be assumed.
    """
    sts = base.client("sts", home)

    def fetch() -> dict[str, Any]:
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
        expiry = credentials["Expiration"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": expiry.isoformat() if isinstance(expiry, dt.datetime) else str(expiry),
        }

    refreshable = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )
    core = botocore.session.get_session()
    # botocore has no public setter for refreshable credentials; this is the common recipe.
    core._credentials = refreshable  # type: ignore[attr-defined]
    return boto3.session.Session(botocore_session=core, region_name=home)


def enter_account(
    account: str,
    caller: str,
    base: ClientFactory,
    role_name: str | None,
    home: str,
    global_ctx: CallContext,
    *,
    endpoint_url: str | None,
    max_workers: int,
    hook: Any,
) -> ClientFactory | None:
    """Clients for `account`, or None (with a coverage gap) when its role cannot be assumed."""
    if account == caller or role_name is None:
        return base
    role_arn = f"arn:{partition_of(base.session, home)}:iam::{account}:role/{role_name}"
    try:
        session = assumed_session(base, role_arn, home)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Error"))
        status = "denied" if "AccessDenied" in code else "error"
        global_ctx.note_gap("sts", "AssumeRole", status, f"{role_arn}: {code}: {error.get('Message', '')}")
        return None
    except BotoCoreError as exc:
        global_ctx.note_gap("sts", "AssumeRole", "error", f"{role_arn}: {exc}")
        return None
    global_ctx.mark_ok("sts", "AssumeRole", role_arn)
    return ClientFactory(session, endpoint_url=endpoint_url, max_workers=max_workers, hook=hook)


def account_regions(
    global_ctx: CallContext,
    requested: Sequence[str],
    all_regions: bool,
    session: boto3.session.Session,
    home: str,
) -> tuple[str, ...]:
    """The requested regions, or with `all_regions` the account's enabled regions.

    Only regions of the home region's partition are kept (an endpoint like moto lists China and
    GovCloud regions too; AWS never mixes partitions in one answer). When EC2 will not say (its
    refusal is a recorded gap), fall back to every region the SDK knows in the partition:
    disabled ones then cost one refused call each, recorded as such.
    """
    if not all_regions:
        return tuple(dict.fromkeys(requested))
    partition = partition_of(session, home)
    enabled = ec2.enabled_regions(global_ctx)
    if enabled:
        return tuple(r for r in enabled if _in_partition(session, r, partition))
    return tuple(sorted(session.get_available_regions("lambda", partition_name=partition)))


def _in_partition(session: boto3.session.Session, region: str, partition: str) -> bool:
    try:
        return str(session.get_partition_for_region(region)) == partition
    except (ValueError, AttributeError):
        return True  # a region newer than this SDK: EC2 says it is enabled, so keep it
