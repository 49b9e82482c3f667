"""Per-function estate changes on hand-built pairs: renamed, deleted, env by keyed hash, every field."""

from __future__ import annotations

import dataclasses

from analyzers.diff import FieldChange, diff_functions
from estate.model import EnvVar, FunctionUrl, LambdaFunction, ResourcePolicy, VpcConfig
from tests.builders import ACCOUNT, REGION, fn_arn

ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-role"


def fn(name: str, **fields: object) -> LambdaFunction:
    base = LambdaFunction(
        arn=fn_arn(name),
        name=name,
        account=ACCOUNT,
        region=REGION,
        runtime="python3.12",
        handler="app.handler",
        role_arn=ROLE,
        memory_size=256,
        timeout=30,
        url_state="absent",
        policy_state="absent",
        reserved_concurrency_state="absent",
    )
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def secret(key: str, digest: str, length: int = 12) -> EnvVar:
    return EnvVar(key, length, None, digest)


def only_change(old: LambdaFunction, new: LambdaFunction) -> tuple[FieldChange, ...]:
    delta = diff_functions([old], [new])
    assert not delta.added and not delta.removed
    return delta.changed[0].changes if delta.changed else ()


def test_identical_functions_are_no_change() -> None:
    a = fn("orders", environment=(secret("TOKEN", "aa"),))
    assert diff_functions([a], [dataclasses.replace(a)]).changed == ()


def test_a_renamed_function_is_one_removed_and_one_added() -> None:
    delta = diff_functions([fn("orders-v1")], [fn("orders-v2")])
    assert [f.name for f in delta.removed] == ["orders-v1"]
    assert [f.name for f in delta.added] == ["orders-v2"]
    assert delta.changed == ()


def test_a_deleted_function_is_removed_and_the_rest_unchanged() -> None:
    delta = diff_functions([fn("orders"), fn("billing")], [fn("billing")])
    assert [f.arn for f in delta.removed] == [fn_arn("orders")]
    assert delta.added == () and delta.changed == ()


def test_an_env_value_whose_keyed_hash_differs_is_changed_by_key_only() -> None:
    changes = only_change(
        fn("a", environment=(secret("DB_PASSWORD", "1111"),)),
        fn("a", environment=(secret("DB_PASSWORD", "2222"),)),
    )
    assert changes == (FieldChange("env values changed", None, ["DB_PASSWORD"]),)
    assert "1111" not in repr(changes) and "2222" not in repr(changes)


def test_an_env_value_with_the_same_hash_is_unchanged() -> None:
    same = (secret("DB_PASSWORD", "1111"),)
    assert only_change(fn("a", environment=same), fn("a", environment=same)) == ()


def test_kept_env_values_are_compared_but_never_reported() -> None:
    old = fn("a", environment=(EnvVar("MODE", 4, None, None, "fast"),))
    new = fn("a", environment=(EnvVar("MODE", 4, None, None, "slow"),))
    changes = only_change(old, new)
    assert changes == (FieldChange("env values changed", None, ["MODE"]),)
    assert "slow" not in repr(changes)


def test_env_values_without_a_hash_on_a_side_are_not_comparable_not_changed() -> None:
    old = fn("a", environment=(EnvVar("MODE", 4, None, None, "fast"),))
    new = fn("a", environment=(secret("MODE", "abcd", length=4),))
    delta = diff_functions([old], [new])
    assert delta.changed == ()  # nothing known to differ; the report lists it apart


def test_env_keys_added_and_removed() -> None:
    changes = only_change(
        fn("a", environment=(secret("OLD", "1"),)), fn("a", environment=(secret("NEW", "1"),))
    )
    assert changes == (
        FieldChange("env keys added", None, ["NEW"]),
        FieldChange("env keys removed", ["OLD"], None),
    )


def test_scalar_fields() -> None:
    changes = only_change(
        fn("a"),
        fn("a", runtime="python3.13", role_arn=ROLE + "2", handler="x.y", memory_size=512, timeout=60),
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("runtime", "python3.12", "python3.13"),
        ("role", ROLE, ROLE + "2"),
        ("handler", "app.handler", "x.y"),
        ("memory", 256, 512),
        ("timeout", 30, 60),
    ]


def test_url_auth_type_change_and_a_new_url() -> None:
    iam = fn("a", url=FunctionUrl("https://x", "AWS_IAM"), url_state="present")
    public = fn("a", url=FunctionUrl("https://x", "NONE"), url_state="present")
    assert only_change(iam, public) == (FieldChange("url auth type", "AWS_IAM", "NONE"),)
    assert only_change(fn("a"), public) == (FieldChange("url auth type", None, "NONE"),)


def test_an_unread_url_or_policy_is_not_comparable_never_a_change() -> None:
    public = fn("a", url=FunctionUrl("https://x", "NONE"), url_state="present")
    unread = fn("a", url_state="unknown", policy_state="unknown")
    assert diff_functions([unread], [public]).changed == ()
    changed = diff_functions([dataclasses.replace(unread, runtime="nodejs22.x")], [public]).changed[0]
    assert "url" in changed.not_comparable and "resource policy" in changed.not_comparable


def _policy(*statements: str) -> ResourcePolicy:
    return ResourcePolicy('{"Version":"2012-10-17","Statement":[' + ",".join(statements) + "]}")


def test_resource_policy_statements_added_and_removed_ignoring_key_order() -> None:
    keep = '{"Sid":"a","Effect":"Allow","Principal":{"Service":"s3"},"Action":"lambda:InvokeFunction"}'
    keep_reordered = (
        '{"Action":"lambda:InvokeFunction","Effect":"Allow","Sid":"a","Principal":{"Service":"s3"}}'
    )
    gone = '{"Sid":"b","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}'
    new = '{"Sid":"c","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl"}'
    changes = only_change(
        fn("a", policy=_policy(keep, gone), policy_state="present"),
        fn("a", policy=_policy(keep_reordered, new), policy_state="present"),
    )
    assert [c.field for c in changes] == [
        "resource policy statements added",
        "resource policy statements removed",
    ]
    assert '"Sid":"c"' in changes[0].after[0] and '"Sid":"b"' in changes[1].before[0]


def test_an_unparseable_resource_policy_is_compared_as_text() -> None:
    changes = only_change(
        fn("a", policy=ResourcePolicy("{not json"), policy_state="present"),
        fn("a", policy=_policy('{"Sid":"x"}'), policy_state="present"),
    )
    assert [c.field for c in changes] == ["resource policy text"]


def test_layers_vpc_and_reserved_concurrency() -> None:
    layer = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:deps:3"
    vpc = VpcConfig(("subnet-1",), ("sg-1",), "vpc-1")
    changes = only_change(
        fn("a", layers=(layer,), reserved_concurrency=None, reserved_concurrency_state="absent"),
        fn("a", vpc=vpc, reserved_concurrency=5, reserved_concurrency_state="present"),
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("layers removed", [layer], None),
        ("vpc", None, {"vpc": "vpc-1", "subnets": ["subnet-1"], "security_groups": ["sg-1"]}),
        ("reserved concurrency", None, 5),
    ]


def test_layer_order_matters() -> None:
    one, two = "arn:l:1", "arn:l:2"
    changes = only_change(fn("a", layers=(one, two)), fn("a", layers=(two, one)))
    assert changes == (FieldChange("layers order", [one, two], [two, one]),)
