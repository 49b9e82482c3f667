"""Synthetic estates: deterministic, scaled as asked, every record kind present, analysable."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from analyzers.analysis import analyze
from estate.errors import LambdascopeError
from estate.model.load import load_estate
from estate.snapshot import load_snapshot
from estate.sources.live.operations import READ_ONLY_OPERATIONS
from estate.sources.synth import Scale, SynthOptions, synthesize, write_synthetic
from tui.cli.lambdascope import main


@pytest.fixture(scope="module")
def estate300():  # type: ignore[no-untyped-def]
    return synthesize(SynthOptions(300, seed=3, metrics_functions=20))


def test_same_seed_gives_byte_identical_file(tmp_path: Path) -> None:
    one = write_synthetic(SynthOptions(120, seed=5, metrics_functions=10), tmp_path / "a.lsnap")
    two = write_synthetic(SynthOptions(120, seed=5, metrics_functions=10), tmp_path / "b.lsnap")
    other = write_synthetic(SynthOptions(120, seed=6, metrics_functions=10), tmp_path / "c.lsnap")
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes() != other.read_bytes()


def test_scale_parameters_are_honoured() -> None:
    snapshot = synthesize(SynthOptions(2000, seed=1, metrics_functions=0))
    estate = load_estate(snapshot)
    assert len(estate.functions) == 2000
    roles = [arn for arn in estate.principals if ":role/" in arn]
    assert len(roles) == 1000
    subnets = [s for r in snapshot.responses("ec2", "DescribeSubnets") for s in r.response["Subnets"]]
    assert len(subnets) == 200
    tables = [t for r in snapshot.responses("dynamodb", "ListTables") for t in r.response["TableNames"]]
    buckets = [b for r in snapshot.responses("s3", "ListBuckets") for b in r.response["Buckets"]]
    secrets = [
        s for r in snapshot.responses("secretsmanager", "ListSecrets") for s in r.response["SecretList"]
    ]
    params = [p for r in snapshot.responses("ssm", "DescribeParameters") for p in r.response["Parameters"]]
    queues = [q for r in snapshot.responses("sqs", "ListQueues") for q in r.response["QueueUrls"]]
    topics = [t for r in snapshot.responses("sns", "ListTopics") for t in r.response["Topics"]]
    dbs = [d for r in snapshot.responses("rds", "DescribeDBInstances") for d in r.response["DBInstances"]]
    total = sum(map(len, (tables, buckets, secrets, params, queues, topics, dbs)))
    assert total == Scale.for_functions(2000).stores == 600
    # Paginated like AWS: ListFunctions 50 a page with markers chained page to page.
    pages = snapshot.responses("lambda", "ListFunctions")
    assert len(pages) == 40
    assert {r.key.params.get("Marker") for r in pages[1:]} == {
        r.response.get("NextMarker") for r in pages[:-1]
    }


def test_every_record_kind_is_present_and_read_only(estate300) -> None:  # type: ignore[no-untyped-def]
    kinds = {(r.key.service, r.key.operation) for r in estate300.records}
    assert kinds <= READ_ONLY_OPERATIONS
    expected = {
        ("lambda", op)
        for op in (
            "ListFunctions",
            "GetPolicy",
            "GetFunctionUrlConfig",
            "ListEventSourceMappings",
            "ListTags",
        )
    } | {
        ("iam", "GetAccountAuthorizationDetails"),
        ("apigateway", "GetResources"),
        ("apigatewayv2", "GetRoutes"),
        ("events", "ListTargetsByRule"),
        ("s3", "GetBucketNotificationConfiguration"),
        ("sns", "ListSubscriptions"),
        ("ec2", "DescribeRouteTables"),
        ("kms", "DescribeKey"),
        ("logs", "DescribeLogGroups"),
        ("cloudwatch", "GetMetricData"),
        ("cloudwatch", "DescribeAlarms"),
        ("cloudtrail", "GetEventSelectors"),
        ("rds", "DescribeDBInstances"),
        ("secretsmanager", "ListSecrets"),
        ("ssm", "DescribeParameters"),
    }
    assert expected <= kinds
    ok = {(c.service, c.operation) for c in estate300.manifest.coverage if c.status == "ok"}
    assert kinds == ok


def test_mix_has_every_invoker_and_classification(estate300) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps([r.response for r in estate300.records])
    for needle in (
        "lambda:FunctionUrlAuthType",
        "aws:PrincipalOrgID",
        "210987654321",
        '\\"Principal\\": \\"*\\"',
    ):
        assert needle in text
    esm = [
        m
        for r in estate300.responses("lambda", "ListEventSourceMappings")
        for m in r.response["EventSourceMappings"]
    ]
    assert {m["EventSourceArn"].split(":")[2] for m in esm} == {"sqs", "dynamodb"}
    labels = Counter(
        t["Value"]
        for r in estate300.responses("dynamodb", "ListTagsOfResource")
        for t in r.response["Tags"]
        if t["Key"] == "DataClassification"
    )
    assert set(labels) >= {"pci", "confidential", "internal"}
    auth = {
        m["authorizationType"]
        for r in estate300.responses("apigateway", "GetResources")
        for item in r.response["items"]
        for m in item.get("resourceMethods", {}).values()
    }
    assert auth == {"NONE", "AWS_IAM", "CUSTOM"}


def test_analysis_runs_and_finds_several_rules(estate300) -> None:  # type: ignore[no-untyped-def]
    estate = load_estate(estate300)
    analysis = analyze(estate, today=dt.date(2026, 11, 1))
    rules = {f.rule.id for f in analysis.findings}
    assert {"reach.public-invoke", "iam.admin", "config.runtime-deprecated"} <= rules
    assert len(estate.metrics) == 20 * 5


def test_bad_function_count_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(LambdascopeError):
        synthesize(SynthOptions(0))
    with pytest.raises(SystemExit) as exit_info:
        main(["synth", "--functions", "lots", "-o", str(tmp_path / "x.lsnap")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--functions" in err
    assert (
        main(["synth", "--functions", "5", "--metrics-functions", "-1", "-o", str(tmp_path / "y.lsnap")]) == 2
    )
    assert not (tmp_path / "y.lsnap").exists()


def test_cli_writes_a_loadable_snapshot(tmp_path: Path) -> None:
    target = tmp_path / "s.lsnap"
    assert main(["synth", "--functions", "40", "--seed", "2", "-o", str(target)]) == 0
    snapshot = load_snapshot(target)
    assert snapshot.manifest.source == "synth"
    assert len(load_estate(snapshot).functions) == 40
