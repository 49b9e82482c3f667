"""Derive the typed estate from a snapshot (the model is never stored, always rebuilt)."""

from __future__ import annotations

from operator import attrgetter

from estate.gc_pause import cyclic_gc_paused
from estate.model.audit import parse_alarms, parse_function_changes, parse_log_groups, parse_trails
from estate.model.estate import Estate
from estate.model.function_extras import parse_account_settings, parse_lambda_functions
from estate.model.functions import parse_event_source_mappings
from estate.model.iam import parse_iam
from estate.model.kms_keys import parse_keys
from estate.model.metrics import parse_metrics
from estate.model.network import parse_networks
from estate.model.org import parse_org_policies
from estate.model.store_records import DEFAULT_CLASSIFICATION_TAG
from estate.model.stores import parse_stores
from estate.model.triggers import parse_invokers
from estate.model.validate import validated
from estate.snapshot import Snapshot

# a record's key, and a key's (account, region), read in C: 100,000 records at 10k functions
_KEY, _WHERE = attrgetter("key"), attrgetter("account", "region")


def _responded(snapshot: Snapshot) -> frozenset[tuple[str, str, str, str]]:
    """(account, region, service, operation) of every stored response, from the (service,
    operation) index: only account and region are read per record (10 ms, not 25, at 10k functions)."""
    return frozenset(
        (account, region, service, operation)
        for (service, operation), records in snapshot.index().items()
        for account, region in set(map(_WHERE, map(_KEY, records)))
    )


def load_estate(snapshot: Snapshot, classification_tag: str = DEFAULT_CLASSIFICATION_TAG) -> Estate:
    """`classification_tag` names the tag whose value classifies a data store."""
    with cyclic_gc_paused():  # a million records kept, none in a cycle (estate/gc_pause.py)
        return _load(snapshot, classification_tag)


def _load(snapshot: Snapshot, classification_tag: str) -> Estate:
    snapshot = validated(snapshot)  # a malformed record becomes a coverage gap, never a traceback
    principals, policies, accounts = parse_iam(snapshot)
    keys = parse_keys(snapshot)
    return Estate(
        manifest=snapshot.manifest,
        functions=parse_lambda_functions(snapshot),
        principals=principals,
        policies=policies,
        event_source_mappings=parse_event_source_mappings(snapshot),
        metrics=parse_metrics(snapshot),
        iam_accounts=accounts,
        org_policies=parse_org_policies(snapshot, accounts),
        account_settings=parse_account_settings(snapshot),
        networks=parse_networks(snapshot),
        data_stores=parse_stores(snapshot, keys, classification_tag),
        kms_keys=keys.keys,
        invokers=parse_invokers(snapshot),
        trails=parse_trails(snapshot),
        alarms=parse_alarms(snapshot),
        log_groups=parse_log_groups(snapshot),
        function_changes=parse_function_changes(snapshot),
        responded=_responded(snapshot),
    )
