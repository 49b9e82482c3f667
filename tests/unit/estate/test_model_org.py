"""estate/model/org.py: which SCPs and RCPs apply to each account, from the raw Organizations records
(in the shapes the live collector stores), and the gaps said as gaps.

`org_records` is also the builder the SCP analysis tests (test_iam_scp.py) use.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from estate.model.org import FULL_AWS_ACCESS, RCP, SCP, parse_org_policies
from estate.snapshot import CoverageEntry, Manifest, Record, RecordKey, Snapshot
from tests.builders import ACCOUNT

MANAGEMENT = "999999999999"
ROOT, OU = "r-ab12", "ou-ab12-11111111"
FULL_ACCESS_DOC: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
Policies = dict[str, list[tuple[str, dict[str, Any] | None]]]  # level -> [(name, document or None)]


def _org(account: str, operation: str, params: dict[str, Any], response: Any) -> Record:
    return Record(RecordKey(account, "global", "organizations", operation, params), response)


def _policy_id(name: str) -> str:
    return FULL_AWS_ACCESS if name == "FullAWSAccess" else f"p-{name.lower()}"


def org_records(
    scps: Policies,
    rcps: Policies | None = None,
    *,
    account: str = ACCOUNT,
    chain: tuple[str, ...] = (OU, ROOT),
    management: str = MANAGEMENT,
    page_size: int = 100,
) -> list[Record]:
    """What the collector stores for `account`: the organization, its parents up to the root,
    the policies attached at each level (`scps`/`rcps` by level id, the account's own id
    included) and each policy's document (None: its DescribePolicy is missing)."""
    org = {"Organization": {"Id": "o-example", "MasterAccountId": management, "FeatureSet": "ALL"}}
    records = [_org(account, "DescribeOrganization", {}, org)]
    links = (account, *chain)
    for child, parent in itertools.pairwise(links):
        kind = "ROOT" if parent == chain[-1] else "ORGANIZATIONAL_UNIT"
        records.append(
            _org(account, "ListParents", {"ChildId": child}, {"Parents": [{"Id": parent, "Type": kind}]})
        )
    documents: dict[str, dict[str, Any] | None] = {}
    for policy_type, levels in ((SCP, scps), (RCP, rcps or {})):
        for target in links:
            attached = levels.get(target, [])
            for name, document in attached:
                documents[name] = document
            summaries = [
                {
                    "Id": _policy_id(name),
                    "Arn": f"arn:aws:organizations::{management}:policy/o-example/{policy_type.lower()}/"
                    + _policy_id(name),
                    "Name": name,
                    "Type": policy_type,
                    "AwsManaged": name == "FullAWSAccess",
                }
                for name, _ in attached
            ]
            pages = [summaries[i : i + page_size] for i in range(0, len(summaries), page_size)] or [[]]
            for number, page in enumerate(pages):
                params: dict[str, Any] = {"TargetId": target, "Filter": policy_type}
                response: dict[str, Any] = {"Policies": page}
                if number:
                    params["NextToken"] = f"t{number}"
                if number + 1 < len(pages):
                    response["NextToken"] = f"t{number + 1}"
                records.append(_org(account, "ListPoliciesForTarget", params, response))
    for name, document in documents.items():
        if document is None:
            continue
        policy = {"PolicySummary": {"Id": _policy_id(name), "Name": name}, "Content": json.dumps(document)}
        records.append(_org(account, "DescribePolicy", {"PolicyId": _policy_id(name)}, {"Policy": policy}))
    return records


def snapshot(records: list[Record], coverage: tuple[CoverageEntry, ...] = ()) -> Snapshot:
    manifest = Manifest("2026-11-01T00:00:00+00:00", "test", (ACCOUNT,), ("eu-west-1",), coverage)
    return Snapshot(manifest, records)


def gap(operation: str, status: str, detail: str) -> CoverageEntry:
    return CoverageEntry(ACCOUNT, "global", "organizations", operation, status, detail)


DENY_IAM = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}


def test_policies_of_every_level_from_the_account_to_the_root() -> None:
    scps: Policies = {
        ROOT: [("FullAWSAccess", FULL_ACCESS_DOC)],
        OU: [("FullAWSAccess", FULL_ACCESS_DOC), ("deny-iam", DENY_IAM)],
        ACCOUNT: [("FullAWSAccess", FULL_ACCESS_DOC)],
    }
    org = parse_org_policies(snapshot(org_records(scps)))[ACCOUNT]
    assert org.organization_id == "o-example" and org.management_account == MANAGEMENT
    assert org.scps.state == "applied"
    assert [lv.target for lv in org.scps.levels] == [ACCOUNT, OU, ROOT]
    assert [p.name for p in org.scps.levels[1].policies] == ["FullAWSAccess", "deny-iam"]
    assert org.scps.levels[1].policies[1].document == DENY_IAM
    assert org.scps.levels[0].policies[0].aws_managed and org.scps.levels[0].policies[0].id == FULL_AWS_ACCESS
    assert org.rcps.state == "applied" and all(not lv.policies for lv in org.rcps.levels)


def test_attached_policies_spread_over_pages_are_all_kept() -> None:
    many: list[tuple[str, dict[str, Any] | None]] = [(f"p{i}", FULL_ACCESS_DOC) for i in range(5)]
    org = parse_org_policies(snapshot(org_records({ROOT: many}, page_size=2)))[ACCOUNT]
    root = next(lv for lv in org.scps.levels if lv.target == ROOT)
    assert [p.name for p in root.policies] == [f"p{i}" for i in range(5)]


def test_rcps_are_parsed_apart_from_scps() -> None:
    rcp = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*"}]}
    org = parse_org_policies(snapshot(org_records({}, {ROOT: [("no-s3", rcp)]})))[ACCOUNT]
    assert [(t, p.name) for t, p in org.rcps.policies()] == [(ROOT, "no-s3")]
    assert org.scps.policies() == ()


def test_not_in_an_organization_means_none_apply() -> None:
    coverage = (
        gap("DescribeOrganization", "unsupported", "AWSOrganizationsNotInUseException: not a member"),
    )
    org = parse_org_policies(snapshot([], coverage))[ACCOUNT]
    assert org.scps.state == "none" and org.rcps.state == "none" and org.scps.known


def test_the_management_account_is_never_capped() -> None:
    records = org_records({ROOT: [("deny-iam", DENY_IAM)]}, management=ACCOUNT)
    org = parse_org_policies(snapshot(records))[ACCOUNT]
    assert org.scps.state == "none" and "management account" in org.scps.detail


def test_nothing_collected_is_unknown_not_none() -> None:
    org = parse_org_policies(snapshot([]))[ACCOUNT]
    assert org.scps.state == "unknown" and not org.scps.known
    assert "not collected" in org.scps.detail


def test_a_denied_listing_is_unknown_with_the_reason() -> None:
    records = [
        r for r in org_records({ROOT: [("deny-iam", DENY_IAM)]}) if r.key.operation != "ListPoliciesForTarget"
    ]
    coverage = (gap("ListPoliciesForTarget", "denied", "AccessDeniedException: not the management account"),)
    org = parse_org_policies(snapshot(records, coverage))[ACCOUNT]
    assert org.scps.state == "unknown" and "AccessDeniedException" in org.scps.detail
    assert org.scps.policies() == ()


def test_a_broken_parent_chain_is_unknown() -> None:
    records = [r for r in org_records({ROOT: [("deny-iam", DENY_IAM)]}) if r.key.params.get("ChildId") != OU]
    assert parse_org_policies(snapshot(records))[ACCOUNT].scps.state == "unknown"


def test_a_missing_document_leaves_its_level_out_and_says_so() -> None:
    scps: Policies = {ROOT: [("FullAWSAccess", FULL_ACCESS_DOC)], OU: [("secret-policy", None)]}
    org = parse_org_policies(snapshot(org_records(scps)))[ACCOUNT]
    assert org.scps.state == "partial" and "secret-policy" in org.scps.detail
    assert [lv.target for lv in org.scps.levels] == [ACCOUNT, ROOT]


def test_a_policy_type_not_enabled_applies_nothing() -> None:
    records = [
        r
        for r in org_records({ROOT: [("FullAWSAccess", FULL_ACCESS_DOC)]})
        if not (r.key.operation == "ListPoliciesForTarget" and r.key.params["Filter"] == RCP)
    ]
    coverage = (gap("ListPoliciesForTarget", "error", "PolicyTypeNotEnabledException: RCPs are off"),)
    org = parse_org_policies(snapshot(records, coverage))[ACCOUNT]
    assert org.scps.state == "applied" and org.rcps.state == "none"
