"""The model's boundary (estate/model/validate.py): a response of the wrong shape is a coverage gap
naming the operation, the record and the field, and the rest of the estate is analysed."""

from __future__ import annotations

from typing import Any

import pytest

from estate.model.load import load_estate
from estate.model.shapes import PARAM_SHAPES, SHAPES
from estate.model.validate import check_record, malformed_coverage, split_records, validated
from estate.snapshot import Manifest, Record, RecordKey, Snapshot, load_snapshot
from tests.paths import DEMO_SNAPSHOT

ACCOUNT, REGION = "123456789012", "eu-west-1"
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"


def _record(service: str, operation: str, response: Any, **params: Any) -> Record:
    return Record(RecordKey(ACCOUNT, REGION, service, operation, params), response)


def _functions(*entries: dict[str, Any]) -> Record:
    return _record("lambda", "ListFunctions", {"Functions": list(entries)})


def _fn(name: str, **more: Any) -> dict[str, Any]:
    return {"FunctionName": name, "FunctionArn": ARN + name, "Role": "arn:aws:iam::1:role/r", **more}


def _snapshot(*records: Record) -> Snapshot:
    return Snapshot(Manifest(created_at="2026-11-01T00:00:00+00:00", source="test"), list(records))


def test_a_well_shaped_response_passes_and_the_snapshot_is_kept_as_is() -> None:
    snapshot = _snapshot(_functions(_fn("a", MemorySize=128, Environment={"Variables": {"K": "v"}})))
    assert check_record(snapshot.records[0]) is None
    assert validated(snapshot) is snapshot


def test_a_wrong_type_names_the_operation_the_record_and_the_field() -> None:
    record = _functions(_fn("a"), _fn("b", MemorySize="lots"))
    problem = check_record(record)
    assert problem is not None
    assert (problem.field, problem.problem) == ("$.Functions[1].MemorySize", "expected int | null, got str")
    assert problem.detail() == (
        f"malformed response: ListFunctions ({ACCOUNT}/{REGION}/{{}}): "
        "$.Functions[1].MemorySize: expected int | null, got str"
    )


@pytest.mark.parametrize(
    ("response", "field", "problem"),
    [
        (None, "$", "expected object, got null"),
        (["x"], "$", "expected object, got array"),
        ({"Functions": "many"}, "$.Functions", "expected array, got str"),
        (
            {"Functions": [{"FunctionName": "a"}]},
            "$.Functions[0]",
            "object missing required field FunctionArn",
        ),
        ({"Functions": [_fn("a", Layers=[3])]}, "$.Functions[0].Layers[0]", "expected object, got int"),
    ],
)
def test_every_kind_of_wrong_shape_is_explained(response: Any, field: str, problem: str) -> None:
    found = check_record(_record("lambda", "ListFunctions", response))
    assert found is not None and (found.field, found.problem) == (field, problem)


def test_a_malformed_record_is_a_gap_and_the_rest_is_analysed() -> None:
    good = _functions(_fn("kept"))
    bad = _record("lambda", "GetPolicy", {"Policy": {"not": "text"}}, FunctionName=ARN + "kept")
    other = _record("cloudtrail", "DescribeTrails", {"trailList": ["not-a-trail"]}, includeShadowTrails=True)
    estate = load_estate(_snapshot(good, bad, other))
    assert [f.name for f in estate.functions] == ["kept"]
    assert estate.functions[0].policy_state == "unknown"  # as a refused read: not "absent"
    assert not estate.trails
    gaps = {(g.service, g.operation): g for g in estate.gaps}
    assert set(gaps) == {("lambda", "GetPolicy"), ("cloudtrail", "DescribeTrails")}
    assert gaps[("lambda", "GetPolicy")].status == "error"
    assert "$.Policy: expected str | null, got object" in gaps[("lambda", "GetPolicy")].detail
    assert estate.collected("cloudtrail", "DescribeTrails", ACCOUNT, REGION) is False  # "not collected"
    assert estate.collected("lambda", "ListFunctions", ACCOUNT, REGION) is True


def test_a_refusal_record_is_not_a_malformed_one() -> None:
    refused = _record("lambda", "GetPolicy", {"Error": {"Code": "AccessDeniedException"}}, FunctionName="f")
    not_an_error = _record("lambda", "GetPolicy", {"Error": "text", "Policy": 3}, FunctionName="f")
    kept, bad = split_records([refused, not_an_error])
    assert kept == [refused] and [b.record for b in bad] == [not_an_error]


def test_gaps_are_one_per_operation_and_region_with_a_count() -> None:
    bad = [_record("lambda", "ListTags", {"Tags": {"k": n}}, Resource=f"{ARN}{n}") for n in range(3)]
    entries = malformed_coverage(split_records(bad)[1])
    assert len(entries) == 1
    assert entries[0].detail.endswith("(and 2 more ListTags record(s))")


def test_the_detail_is_bounded_and_shows_escapes_as_text() -> None:
    record = _record("lambda", "ListTags", {"Tags": []}, Resource="\x1b[31m" + "x" * 5000)
    found = check_record(record)
    assert found is not None
    detail = found.detail()
    assert "\x1b" not in detail and "\\u001b[31m" in detail
    assert len(detail) <= 400


def _metric(stamps: list[Any]) -> Record:
    query = {"Id": "q0", "MetricStat": {"Metric": {"MetricName": "Errors"}, "Stat": "Sum"}}
    response = {"MetricDataResults": [{"Id": "q0", "Timestamps": stamps, "Values": [1.0] * len(stamps)}]}
    return _record("cloudwatch", "GetMetricData", response, MetricDataQueries=[query])


def test_metric_timestamps_must_be_times_with_a_zone() -> None:
    good = ["2026-11-01T00:00:00+00:00", "2026-11-01T00:05:00Z"]
    assert check_record(_metric(good)) is None
    for wrong in (1762000000, "yesterday", "2026-11-01T00:00:00"):
        found = check_record(_metric([*good, wrong]))
        assert found is not None and found.field == "$.MetricDataResults[0].Timestamps[2]"


@pytest.mark.parametrize("wrong", [1762000000, "yesterday", "2026-11-01T00:00:00"])
def test_the_batch_check_of_metric_times_finds_what_the_record_check_finds(wrong: Any) -> None:
    """The snapshot-wide check parses each distinct timestamp once; it must miss nothing."""
    fine = _metric(["2026-11-01T00:00:00+00:00"])
    snapshot = _snapshot(fine, _metric(["2026-11-01T00:00:00+00:00", wrong]))
    checked = validated(snapshot)
    assert checked.records == [fine]
    (gap,) = checked.manifest.coverage
    assert "$.MetricDataResults[0].Timestamps[1]" in gap.detail
    only_fine = _snapshot(fine)
    assert validated(only_fine) is only_fine


def test_request_parameters_read_back_are_checked_too() -> None:
    record = _record("cloudwatch", "GetMetricData", {"MetricDataResults": []}, MetricDataQueries="all")
    found = check_record(record)
    assert found is not None and found.field == "params.MetricDataQueries"


def test_every_response_the_model_reads_has_a_shape() -> None:
    """A parser that reads a new operation must get a shape, or its records are never checked."""

    class Recording(Snapshot):
        asked: set[tuple[str, str]]

        def responses(self, service: str, operation: str) -> list[Record]:
            self.asked.add((service, operation))
            return super().responses(service, operation)

    demo = load_snapshot(DEMO_SNAPSHOT)
    recording = Recording(demo.manifest, demo.records)
    recording.asked = set()
    load_estate(recording)
    assert len(recording.asked) > 60
    assert sorted(recording.asked - set(SHAPES)) == []
    assert set(PARAM_SHAPES) <= set(SHAPES)


def test_rds_as_aws_returns_it_validates_a_cluster_names_its_subnet_group_an_instance_nests_it() -> None:
    rds = f"arn:aws:rds:{REGION}:{ACCOUNT}"
    cluster = _record(
        "rds",
        "DescribeDBClusters",
        {"DBClusters": [{"DBClusterArn": f"{rds}:cluster:ledger", "DBSubnetGroup": "ledger-subnets"}]},
    )
    instance = _record(
        "rds",
        "DescribeDBInstances",
        {
            "DBInstances": [
                {"DBInstanceArn": f"{rds}:db:kyc", "DBSubnetGroup": {"VpcId": "vpc-1", "Subnets": []}}
            ]
        },
    )
    assert check_record(cluster) is None and check_record(instance) is None
    estate = load_estate(_snapshot(cluster, instance))
    assert {f"{rds}:cluster:ledger", f"{rds}:db:kyc"} <= set(estate.data_stores)
    nested_in_cluster = _record(
        "rds", "DescribeDBClusters", {"DBClusters": [{"DBClusterArn": "x", "DBSubnetGroup": {"VpcId": "v"}}]}
    )
    assert check_record(nested_in_cluster) is not None  # not what AWS returns: a gap, not a guess
