"""The demo estate a day later: what `demo-later.lsnap` adds to the demo, as boto3 calls.

Applied to the deployed demo (deploy.py) before the collection, like a team's changes between two
nightly collections, so the pair of bundled snapshots exercises `lambdascope diff` and the TUI's
Changes view on a realistic day:

- `ledger-balance-api` (confidential ledger data) gets a public function URL (AuthType NONE),
  with the permission the console adds: a newly public function reaching a sensitive store;
- `reporting-role` gains an inline policy allowing `s3:*` on `*`: a role that gained a wildcard;
- `kyc-watchlist-sync` moves from python3.8 to python3.12: a deprecated runtime resolved;
- `notify-digest` gets a new BATCH_SIZE value (its keyed hash differs) and `dr-health-probe` a
  new key (PROBE_TIMEOUT_MS); `fraud-score` doubles its memory;
- `promo-banner-render` is deleted.

Everything else stays as the demo defines it; the tests assert the diff of the two snapshots.
One more difference comes from building in a fresh local AWS, not from this module, and the diff
rightly shows it: DynamoDB stream labels (the time moto created each stream), so the stream
triggers of `fraud-features` and `ledger-projector` point at new streams. Rebuild both snapshots
together (`make demo-snapshot`): built by another moto release or another demo definition, the
pair would differ in more than this module says (AWS-managed policy documents, new reads).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .aws import Aws
from .deploy_lambda import add_permission, lambda_client

NEWLY_PUBLIC = "ledger-balance-api"
WIDENED_ROLE = "reporting-role"
WIDENED_POLICY = "adhoc-export-debug"
RUNTIME_UPGRADED = ("kyc-watchlist-sync", "python3.12")
ENV_VALUE_CHANGED = ("notify-digest", "BATCH_SIZE", "250")
ENV_KEY_ADDED = ("dr-health-probe", "PROBE_TIMEOUT_MS", "3000")
MEMORY_CHANGED = ("fraud-score", 2048)
DELETED = "promo-banner-render"


@dataclass(frozen=True)
class LaterChanges:
    """What `apply_later_changes` did, for the build log."""

    calls: int


def apply_later_changes(aws: Aws) -> LaterChanges:
    calls = 0
    public = lambda_client(aws, NEWLY_PUBLIC)
    public.create_function_url_config(FunctionName=NEWLY_PUBLIC, AuthType="NONE")
    add_permission(
        aws,
        NEWLY_PUBLIC,
        "FunctionURLAllowPublicAccess",
        "*",
        action="lambda:InvokeFunctionUrl",
        url_auth_type="NONE",
    )
    calls += 2
    wildcard = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DebugExport", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    aws("iam", "us-east-1").put_role_policy(
        RoleName=WIDENED_ROLE, PolicyName=WIDENED_POLICY, PolicyDocument=json.dumps(wildcard)
    )
    calls += 1
    name, runtime = RUNTIME_UPGRADED
    lambda_client(aws, name).update_function_configuration(FunctionName=name, Runtime=runtime)
    calls += 1
    for name, key, value in (ENV_VALUE_CHANGED, ENV_KEY_ADDED):
        client = lambda_client(aws, name)
        current = client.get_function_configuration(FunctionName=name)
        variables = dict((current.get("Environment") or {}).get("Variables") or {})
        variables[key] = value
        client.update_function_configuration(FunctionName=name, Environment={"Variables": variables})
        calls += 2
    name, memory = MEMORY_CHANGED
    lambda_client(aws, name).update_function_configuration(FunctionName=name, MemorySize=memory)
    calls += 1
    lambda_client(aws, DELETED).delete_function(FunctionName=DELETED)
    calls += 1
    return LaterChanges(calls)
