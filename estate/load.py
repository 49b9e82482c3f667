"""Derive the typed estate from a snapshot (the model is never stored, always rebuilt)."""

from __future__ import annotations

from estate.model import Estate, parse_event_source_mappings, parse_functions
from estate.model_iam import parse_iam
from estate.model_metrics import parse_metrics
from estate.model_org import parse_org_policies
from estate.snapshot import Snapshot


def load_estate(snapshot: Snapshot) -> Estate:
    principals, policies, accounts = parse_iam(snapshot)
    return Estate(
        manifest=snapshot.manifest,
        functions=parse_functions(snapshot),
        principals=principals,
        policies=policies,
        event_source_mappings=parse_event_source_mappings(snapshot),
        metrics=parse_metrics(snapshot),
        iam_accounts=accounts,
        org_policies=parse_org_policies(snapshot, accounts),
    )
