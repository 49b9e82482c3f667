"""Finding ids are the contract users suppress and triage by: a hash of the rule, the resource
and the path as `json.dumps(..., separators=(",", ":"))` spells them. The quick spelling for
plain strings must give the very same id as that, for any strings (hypothesis), and the ids of
earlier releases must not move."""

from __future__ import annotations

import hashlib
import json
import string

from hypothesis import given
from hypothesis import strategies as st

from analyzers.findings.model import finding_id


def _reference(rule_id: str, resource: str, path: tuple[str, ...] = ()) -> str:
    material = json.dumps([rule_id, resource, list(path)], separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()[:16]


PLAIN = st.text(alphabet=string.printable, max_size=40)  # quotes, backslashes, tabs, newlines
ANY = st.text(max_size=40)  # control characters, DEL, non-ASCII, lone surrogates


@given(PLAIN | ANY, PLAIN | ANY, st.lists(PLAIN | ANY, max_size=4))
def test_an_id_is_the_hash_of_the_json_of_rule_resource_and_path(
    rule: str, resource: str, path: list[str]
) -> None:
    assert finding_id(rule, resource, path) == _reference(rule, resource, tuple(path))
    assert finding_id(rule, resource, iter(path)) == _reference(rule, resource, tuple(path))  # any iterable


def test_ids_do_not_move_between_releases() -> None:
    assert finding_id("iam.admin", "arn:aws:iam::123456789012:role/x") == "714f31379c2db0ae"
    fn = "arn:aws:lambda:eu-west-1:123456789012:function:pay"
    assert finding_id("reach.public-to-sensitive", fn, ("internet", fn)) == "7431fcc98f530018"
    odd = 'arn:aws:lambda:eu-west-1:123456789012:function:caf\u00e9"\\x'  # escaped by JSON
    assert finding_id("config.env-secret", odd) == "e6c86e0d86931aba"
