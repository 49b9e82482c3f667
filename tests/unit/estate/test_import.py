"""`lambdascope import`: AWS CLI dump files to collector-shaped records, gaps, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from estate.errors import LambdascopeError
from estate.model.load import load_estate
from estate.snapshot import Snapshot, load_snapshot
from estate.sources.dumps import ImportOptions, import_dump
from tests.paths import DEMO_SNAPSHOT
from tui.cli.lambdascope import main

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "any",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "lambda:InvokeFunction",
            "Resource": f"{ARN}open",
        }
    ],
}


def _functions(*names: str) -> dict[str, Any]:
    return {
        "Functions": [
            {
                "FunctionName": n,
                "FunctionArn": ARN + n,
                "Role": f"arn:aws:iam::{ACCOUNT}:role/r",
                "Environment": {"Variables": {"API_TOKEN": SECRET}},
            }
            for n in names
        ]
    }


def _dump(root: Path, files: dict[str, Any]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return root


def _import(root: Path, **options: Any) -> Snapshot:
    return import_dump(ImportOptions(root, **options))


def _base(root: Path, **more: Any) -> Path:
    files = {
        f"{REGION}/lambda-list-functions.json": _functions("open", "closed", "unread"),
        f"{REGION}/lambda-get-policy/open.json": {"Policy": json.dumps(POLICY), "RevisionId": "1"},
        f"{REGION}/lambda-get-policy/closed.json": "",
        **more,
    }
    return _dump(root, files)


def _gap(snapshot: Snapshot, service: str, operation: str, region: str = REGION) -> tuple[str, str]:
    entries = [
        c
        for c in snapshot.manifest.coverage
        if (c.service, c.operation, c.region) == (service, operation, region)
    ]
    assert len(entries) == 1, entries
    return entries[0].status, entries[0].detail


def test_records_use_the_collector_keys_and_policy_states(tmp_path: Path) -> None:
    snapshot = _import(_base(tmp_path))
    assert snapshot.manifest.source == "import" and snapshot.manifest.accounts == (ACCOUNT,)
    keys = {(r.key.operation, json.dumps(r.key.params)) for r in snapshot.records}
    assert ("ListFunctions", "{}") in keys
    assert ("GetPolicy", json.dumps({"FunctionName": ARN + "open"})) in keys
    states = {f.name: f.policy_state for f in load_estate(snapshot).functions}
    assert states == {"open": "present", "closed": "absent", "unread": "unknown"}


def test_cli_not_found_text_is_absent_and_access_denied_is_a_gap(tmp_path: Path) -> None:
    error = "\nAn error occurred ({}) when calling the GetPolicy operation: nope\n"
    root = _base(
        tmp_path,
        **{
            f"{REGION}/lambda-get-policy/closed.json": error.format("ResourceNotFoundException"),
            f"{REGION}/lambda-get-policy/unread.json": error.format("AccessDeniedException"),
        },
    )
    snapshot = _import(root)
    states = {f.name: f.policy_state for f in load_estate(snapshot).functions}
    assert states == {"open": "present", "closed": "absent", "unread": "unknown"}
    status, detail = _gap(snapshot, "lambda", "GetPolicy")
    assert status == "denied" and "AccessDeniedException" in detail


def test_a_call_that_never_reached_aws_is_a_gap_not_a_crash(tmp_path: Path) -> None:
    root = _base(
        tmp_path,
        **{
            f"{REGION}/lambda-get-policy/unread.json": '\nCould not connect to the endpoint URL: "https://x/"\n'
        },
    )
    snapshot = _import(root)
    states = {f.name: f.policy_state for f in load_estate(snapshot).functions}
    assert states["unread"] == "unknown"
    status, detail = _gap(snapshot, "lambda", "GetPolicy")
    assert status != "ok" and "Could not connect" in detail


def test_gaps_for_everything_the_dump_lacks(tmp_path: Path) -> None:
    snapshot = _import(_base(tmp_path))
    assert _gap(snapshot, "lambda", "GetPolicy") == (
        "missing",
        "not in the dump for 1 of 3 functions: unread",
    )
    assert _gap(snapshot, "lambda", "ListFunctions")[0] == "ok"
    assert _gap(snapshot, "ec2", "DescribeSubnets") == ("missing", "not in the dump")
    assert _gap(snapshot, "lambda", "GetFunctionUrlConfig") == ("missing", "not in the dump")
    assert _gap(snapshot, "iam", "GetAccountAuthorizationDetails", "global") == ("missing", "not in the dump")
    assert _gap(snapshot, "apigateway", "GetRestApis") == ("missing", "not in the dump")
    full = _import(_base(tmp_path / "b", **{f"{REGION}/lambda-get-policy/unread.json": ""}))
    assert _gap(full, "lambda", "GetPolicy") == ("ok", "3 functions")
    assert load_estate(full).collected("lambda", "GetPolicy", ACCOUNT, REGION) is True
    assert load_estate(snapshot).collected("lambda", "GetPolicy", ACCOUNT, REGION) is False


def test_every_collector_read_is_imported_or_a_gap(tmp_path: Path) -> None:
    """The demo snapshot was collected live: every read in its coverage is also in an import's."""
    demo = load_snapshot(DEMO_SNAPSHOT)
    collected = {(c.region != "global", c.service, c.operation) for c in demo.manifest.coverage}
    imported = _import(_base(tmp_path))
    known = {(c.region != "global", c.service, c.operation) for c in imported.manifest.coverage}
    assert collected - known == set()


def test_env_values_are_redacted_unless_kept(tmp_path: Path) -> None:
    root = _base(tmp_path)
    redacted = next(r for r in _import(root).records if r.key.operation == "ListFunctions")
    assert SECRET not in json.dumps(redacted.response)
    fn = load_estate(_import(root)).functions[0]
    assert fn.environment[0].key == "API_TOKEN" and fn.environment[0].length == len(SECRET)
    kept = next(r for r in _import(root, keep_secrets=True).records if r.key.operation == "ListFunctions")
    assert SECRET in json.dumps(kept.response)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (f"{REGION}/lambda-list-functions.json", "{not json", "malformed JSON"),
        (f"{REGION}/lambda-list-functons.json", "{}", "unknown file name"),
        (f"{REGION}/lambda-list-functions.json", {"Vpcs": []}, "does not look like the output"),
        (f"{REGION}/lambda-get-policy/ghost.json", {"Policy": "{}"}, "lists no function named 'ghost'"),
        (
            f"{REGION}/lambda-get-policy/open.json",
            "An error occurred (X) when calling the ListTags operation: y",
            "not from",
        ),
        ("global/lambda-list-functions.json", _functions("a"), "is per region"),
        (
            f"{REGION}/lambda-get-function-url-config/open.json",
            {"FunctionUrl": "https://x", "AuthType": "NONE", "FunctionArn": ARN + "closed"},
            "is about 'closed'",
        ),
        (
            "us-east-1/lambda-list-functions.json",
            _functions("a"),
            "region eu-west-1 in the dump of us-east-1",
        ),
    ],
)
def test_bad_files_fail_with_one_line_naming_the_file(
    tmp_path: Path, name: str, content: Any, message: str
) -> None:
    root = _base(tmp_path, **{name: content})
    with pytest.raises(LambdascopeError, match=message) as raised:
        _import(root)
    assert name in str(raised.value) and "\n" not in str(raised.value)


def test_flat_layout_and_account_checks(tmp_path: Path) -> None:
    root = _dump(tmp_path, {"lambda-list-functions.json": _functions("a"), "lambda-get-policy/a.json": ""})
    snapshot = _import(root)
    assert snapshot.manifest.regions == (REGION,)
    with pytest.raises(LambdascopeError, match="not --account 210987654321"):
        _import(root, account="210987654321")
    bare = _dump(tmp_path / "bare", {"ec2-describe-vpcs.json": {"Vpcs": []}})
    with pytest.raises(LambdascopeError, match="give --region"):
        _import(bare)
    with pytest.raises(LambdascopeError, match="give --account"):
        _import(bare, regions=(REGION,))
    assert _import(bare, regions=(REGION,), account=ACCOUNT).manifest.accounts == (ACCOUNT,)


def test_function_url_list_becomes_the_get_record(tmp_path: Path) -> None:
    url = {"FunctionUrl": "https://u.lambda-url", "AuthType": "NONE", "FunctionArn": ARN + "open"}
    root = _base(
        tmp_path,
        **{
            f"{REGION}/lambda-list-function-url-configs/open.json": {"FunctionUrlConfigs": [url]},
            f"{REGION}/lambda-list-function-url-configs/closed.json": {"FunctionUrlConfigs": []},
        },
    )
    functions = {f.name: f for f in load_estate(_import(root)).functions}
    assert functions["open"].url is not None and functions["open"].url.auth_type == "NONE"
    assert (functions["closed"].url_state, functions["unread"].url_state) == ("absent", "unknown")


def test_cli_writes_snapshot_and_exits_2_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.lsnap"
    assert main(["import", str(_base(tmp_path / "d")), "-o", str(out)]) == 0
    assert load_snapshot(out).manifest.source == "import" and out.stat().st_mode & 0o777 == 0o600
    bad = _base(tmp_path / "bad", **{f"{REGION}/lambda-list-functions.json": "{"})
    assert main(["import", str(bad), "-o", str(tmp_path / "x.lsnap")]) == 2
    err = capsys.readouterr().err
    assert "malformed JSON" in err and "Traceback" not in err and not (tmp_path / "x.lsnap").exists()
