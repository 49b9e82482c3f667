"""`lambdascope import` of a 10,000-function dump with every service `collect` reads.

Writes a synthetic AWS CLI dump (10,000 functions with their per-function files, 200 REST and
200 HTTP APIs, 1,000 EventBridge rules with targets, 500 schedules, 2,000 SSM parameters, 100 RDS
instances, 50 layers, an organization, and one day of 5-minute metrics in batches of 500
queries), then times the import and the model's load, and prints the peak memory.

    .venv/bin/python benchmarks/bench_import_dump.py [--functions 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from estate.model.load import load_estate
from estate.sources.dumps import ImportOptions, import_dump
from estate.sources.live.cloudwatch import METRIC_STATS, _queries

ACCOUNT = "123456789012"
REGION = "eu-west-1"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
POINTS = 288  # one day of 5-minute points
_APIGW = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"


def _write(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, separators=(",", ":")))


def _functions(r: Path, n: int) -> list[str]:
    names = [f"fn-{i:05d}" for i in range(n)]
    functions = [
        {"FunctionName": x, "FunctionArn": FN + x, "Role": f"arn:aws:iam::{ACCOUNT}:role/r{i % 5000}"}
        for i, x in enumerate(names)
    ]
    _write(r / "lambda-list-functions.json", {"Functions": functions})
    for x in names:
        (r / "lambda-get-policy").mkdir(exist_ok=True)
        (r / f"lambda-get-policy/{x}.json").write_text("")
    return names


def _invokers(r: Path) -> None:
    _write(
        r / "apigateway-get-rest-apis.json",
        {"items": [{"id": f"r{i}", "name": f"api{i}"} for i in range(200)]},
    )
    for i in range(200):
        method = {
            "httpMethod": "POST",
            "authorizationType": "NONE",
            "methodIntegration": {"uri": f"{_APIGW}{FN}fn-{i:05d}/invocations"},
        }
        _write(
            r / f"apigateway-get-resources/r{i}.json",
            {"items": [{"path": "/x", "resourceMethods": {"POST": method}}]},
        )
        _write(r / f"apigateway-get-stages/r{i}.json", {"item": [{"stageName": "prod"}]})
        _write(r / f"apigateway-get-authorizers/r{i}.json", {"items": []})
    _write(
        r / "apigatewayv2-get-apis.json",
        {"Items": [{"ApiId": f"h{i}", "Name": f"web{i}"} for i in range(200)]},
    )
    for i in range(200):
        route = {
            "RouteKey": "GET /x",
            "Target": "integrations/i1",
            "AuthorizerId": "a1",
            "AuthorizationType": "JWT",
        }
        _write(r / f"apigatewayv2-get-routes/h{i}.json", {"Items": [route]})
        _write(
            r / f"apigatewayv2-get-integrations/h{i}.json",
            {"Items": [{"IntegrationId": "i1", "IntegrationUri": f"{FN}fn-{i:05d}"}]},
        )
        _write(r / f"apigatewayv2-get-stages/h{i}.json", {"Items": [{"StageName": "$default"}]})
        _write(
            r / f"apigatewayv2-get-authorizer/h{i}@a1.json",
            {"AuthorizerId": "a1", "Name": "jwt", "AuthorizerType": "JWT"},
        )
    _write(r / "events-list-event-buses.json", {"EventBuses": [{"Name": "default"}]})
    _write(r / "events-list-rules/default.json", {"Rules": [{"Name": f"rule{i}"} for i in range(1000)]})
    for i in range(1000):
        _write(
            r / f"events-list-targets-by-rule/default@rule{i}.json",
            {"Targets": [{"Id": "1", "Arn": f"{FN}fn-{i:05d}"}]},
        )
    _write(
        r / "scheduler-list-schedules.json",
        {"Schedules": [{"Name": f"s{i}", "GroupName": "default"} for i in range(500)]},
    )
    for i in range(500):
        _write(
            r / f"scheduler-get-schedule/default@s{i}.json",
            {"Name": f"s{i}", "Target": {"Arn": f"{FN}fn-{i:05d}"}},
        )


def _data(r: Path) -> None:
    _write(
        r / "ssm-describe-parameters.json",
        {"Parameters": [{"Name": f"/p/{i}", "Type": "SecureString"} for i in range(2000)]},
    )
    instances = [
        {
            "DBInstanceIdentifier": f"db{i}",
            "DBInstanceArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:db{i}",
            "StorageEncrypted": True,
        }
        for i in range(100)
    ]
    _write(r / "rds-describe-db-instances.json", {"DBInstances": instances})
    _write(r / "rds-describe-db-clusters.json", {"DBClusters": []})
    _write(r / "lambda-list-layers.json", {"Layers": [{"LayerName": f"l{i}"} for i in range(50)]})
    for i in range(50):
        _write(
            r / f"lambda-list-layer-versions/l{i}.json", {"LayerVersions": [{"Version": 1}, {"Version": 2}]}
        )
        for v in (1, 2):
            (r / f"lambda-get-layer-version-policy/l{i}@{v}.json").parent.mkdir(parents=True, exist_ok=True)
            (r / f"lambda-get-layer-version-policy/l{i}@{v}.json").write_text("")


def _metrics(r: Path, names: list[str]) -> None:
    queries = list(_queries(names, 300, METRIC_STATS))
    stamps = [f"2026-10-31T{h:02d}:{m:02d}:00+00:00" for h in range(24) for m in range(0, 60, 5)][:POINTS]
    for n, i in enumerate(range(0, len(queries), 500), start=1):
        batch = queries[i : i + 500]
        request = {
            "MetricDataQueries": batch,
            "StartTime": "2026-10-31T00:00:00Z",
            "EndTime": "2026-11-01T00:00:00Z",
        }
        _write(r / f"cloudwatch-get-metric-data-queries/q-{n:04d}.json", request)
        results = [{"Id": q["Id"], "Timestamps": stamps, "Values": [1.0] * POINTS} for q in batch]
        _write(r / f"cloudwatch-get-metric-data/q-{n:04d}.json", {"MetricDataResults": results})


def build(root: Path, functions: int, services: bool) -> None:
    r = root / REGION
    names = _functions(r, functions)
    if services:
        _invokers(r)
        _data(r)
        _metrics(r, names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--functions-only", action="store_true", help="the dump before issue 16 point 4")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="lsc-import-"))
    try:
        started = time.perf_counter()
        build(root, args.functions, not args.functions_only)
        files = sum(1 for p in root.rglob("*.json"))
        size = sum(p.stat().st_size for p in root.rglob("*.json"))
        print(
            f"dump: {files} files, {size / 2**20:.0f} MiB, written in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        snapshot = import_dump(ImportOptions(root, account=ACCOUNT))
        imported = time.perf_counter() - started
        started = time.perf_counter()
        estate = load_estate(snapshot)
        loaded = time.perf_counter() - started
        gaps = sum(1 for c in snapshot.manifest.coverage if c.status != "ok")
        routes = len(estate.invokers.api_routes) if estate.invokers else 0
        print(f"import: {imported:.2f} s, {len(snapshot.records)} records, {gaps} coverage gaps")
        series = len(estate.metrics)
        print(
            f"load:   {loaded:.2f} s, {len(estate.functions)} functions, {routes} API routes, {series} series"
        )
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
