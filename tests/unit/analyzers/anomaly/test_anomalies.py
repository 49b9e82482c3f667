"""Anomaly detection: the demo's planted incidents, each rule's positive and negative cases, detect()."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analyzers.anomalies import anomaly_findings, detect
from analyzers.findings.model import Finding
from estate.model import Estate, MetricSeries
from estate.model.load import load_estate
from estate.snapshot import Manifest, load_snapshot
from tests.builders import rule_case
from tests.ground_truth import plants
from tests.paths import DEMO_SNAPSHOT

DEMO = DEMO_SNAPSHOT
START = dt.datetime(2026, 10, 18, tzinfo=dt.UTC)
DAYS = 7
N = DAYS * 288
ACCOUNT, REGION = "123456789012", "eu-west-1"


@pytest.fixture(scope="module")
def demo_findings() -> list[Finding]:
    return anomaly_findings(load_estate(load_snapshot(DEMO)))


def _evidence(finding: Finding) -> dict[str, object]:
    return {e.label: e.value for e in finding.evidence}


def _starts_near(finding: Finding, planted: dt.datetime) -> bool:
    start = dt.datetime.fromisoformat(str(_evidence(finding)["window start"]))
    return abs(start - planted) <= dt.timedelta(minutes=10)


def test_demo_throttling_storm_found_on_the_planted_functions(demo_findings: list[Finding]) -> None:
    storms = [f for f in demo_findings if f.rule.id == "anomaly.throttles"]
    names = {f.resource.rsplit(":", 1)[1] for f in storms}
    assert names == set(plants.THROTTLE_STORM_FUNCTIONS)
    assert all(_starts_near(f, plants.THROTTLE_STORM_WINDOW[0]) for f in storms)
    assert all(_evidence(f)["kind"] == "throttling storm" for f in storms)


def test_demo_error_burst_found_on_the_planted_function(demo_findings: list[Finding]) -> None:
    bursts = [f for f in demo_findings if f.rule.id == "anomaly.errors"]
    assert [f.resource.rsplit(":", 1)[1] for f in bursts] == list(plants.ERROR_BURST_FUNCTIONS)
    assert _starts_near(bursts[0], plants.ERROR_BURST_WINDOW[0])
    ev = _evidence(bursts[0])
    assert float(ev["observed"]) > 10 * float(ev["expected"])  # type: ignore[arg-type]


def _epoch() -> np.ndarray:
    return START.timestamp() + 300.0 * np.arange(N)


def _iso(epoch: np.ndarray) -> tuple[str, ...]:
    return tuple(dt.datetime.fromtimestamp(float(t), dt.UTC).isoformat() for t in epoch)


def _busy(rng: np.random.Generator) -> np.ndarray:
    hour = (_epoch() % 86400) / 3600
    return rng.poisson(200 * (0.2 + np.exp(-0.5 * ((hour - 12) / 3.5) ** 2))).astype(float)


def _estate(series: dict[str, np.ndarray], name: str = "fn") -> Estate:
    stamps = _iso(_epoch())
    metrics = {
        (ACCOUNT, REGION, name, m): MetricSeries(
            name, REGION, m, "Sum", stamps, tuple(float(v) for v in vals)
        )
        for m, vals in series.items()
    }
    end = (START + dt.timedelta(days=DAYS)).isoformat()
    return Estate(Manifest(created_at=end, source="test", metrics_start=START.isoformat()), metrics=metrics)


def _rules(estate: Estate) -> set[str]:
    return {f.rule.id for f in anomaly_findings(estate)}


INCIDENT = slice(6 * 288 + 120, 6 * 288 + 132)  # day 7, 10:00-11:00


@rule_case("anomaly.throttles", "positive")
def test_throttling_storm_positive() -> None:
    rng = np.random.default_rng(1)
    throttles = np.zeros(N)
    throttles[INCIDENT] = 300
    assert "anomaly.throttles" in _rules(_estate({"Invocations": _busy(rng), "Throttles": throttles}))


@rule_case("anomaly.throttles", "negative")
def test_one_throttle_in_a_quiet_week_is_not_a_storm() -> None:
    rng = np.random.default_rng(2)
    throttles = np.zeros(N)
    throttles[[500, 1500, 1900]] = 1
    assert "anomaly.throttles" not in _rules(_estate({"Invocations": _busy(rng), "Throttles": throttles}))


@rule_case("anomaly.errors", "positive")
def test_error_burst_positive() -> None:
    rng = np.random.default_rng(3)
    inv = _busy(rng)
    errors = rng.binomial(inv.astype(int), 0.002).astype(float)
    errors[INCIDENT] = np.round(inv[INCIDENT] * 0.4)
    assert "anomaly.errors" in _rules(_estate({"Invocations": inv, "Errors": errors}))


@rule_case("anomaly.errors", "negative")
def test_errors_rising_with_traffic_at_a_steady_rate_are_not_a_burst() -> None:
    rng = np.random.default_rng(4)
    inv = _busy(rng)
    inv[INCIDENT] *= 8  # a traffic surge: more errors, same rate
    errors = rng.binomial(inv.astype(int), 0.01).astype(float)
    assert "anomaly.errors" not in _rules(_estate({"Invocations": inv, "Errors": errors}))


@rule_case("anomaly.invocations", "positive")
def test_busy_function_dropping_to_zero_positive() -> None:
    rng = np.random.default_rng(5)
    inv = _busy(rng)
    inv[6 * 288 + 100 :] = 0
    found = [f for f in anomaly_findings(_estate({"Invocations": inv})) if f.rule.id == "anomaly.invocations"]
    assert found and _evidence(found[0])["kind"] in {"drop", "shift"}


@rule_case("anomaly.invocations", "negative")
def test_daily_rhythm_is_not_an_invocation_anomaly() -> None:
    assert "anomaly.invocations" not in _rules(_estate({"Invocations": _busy(np.random.default_rng(6))}))


def _duration(rng: np.random.Generator) -> np.ndarray:
    return 120.0 * rng.lognormal(0.0, 0.05, N)


@rule_case("anomaly.duration", "positive")
def test_duration_spike_positive() -> None:
    rng = np.random.default_rng(7)
    duration = _duration(rng)
    duration[INCIDENT] *= 5
    assert "anomaly.duration" in _rules(_estate({"Invocations": _busy(rng), "Duration": duration}))


@rule_case("anomaly.duration", "negative")
def test_steady_duration_negative() -> None:
    rng = np.random.default_rng(8)
    assert "anomaly.duration" not in _rules(_estate({"Invocations": _busy(rng), "Duration": _duration(rng)}))


@rule_case("anomaly.concurrency", "positive")
def test_account_concurrency_pressure_positive() -> None:
    conc = np.full(N, 50.0)
    conc[INCIDENT] = 950.0
    found = [f for f in anomaly_findings(_estate({"ConcurrentExecutions": conc})) if f.path]
    assert len(found) == 1 and found[0].rule.id == "anomaly.concurrency"
    ev = _evidence(found[0])
    assert ev["account limit"] == 1000 and "default" in str(ev["limit source"])


@rule_case("anomaly.concurrency", "negative")
def test_account_concurrency_well_below_the_limit_negative() -> None:
    conc = np.full(N, 50.0) + np.random.default_rng(9).integers(0, 5, N)
    assert "anomaly.concurrency" not in _rules(_estate({"ConcurrentExecutions": conc}))


def test_detect_is_causal_a_longer_series_does_not_change_earlier_windows() -> None:
    rng = np.random.default_rng(10)
    values = _busy(rng)
    values[1800:1810] *= 10
    short = detect(_epoch()[:1850], values[:1850], "Invocations")
    full = detect(_epoch(), values, "Invocations")
    cut = dt.datetime.fromtimestamp(float(_epoch()[1840]), dt.UTC)
    assert [w for w in full if w.end <= cut] == [w for w in short if w.end <= cut]
    assert any(w.kind == "spike" for w in short)
