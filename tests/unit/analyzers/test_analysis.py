"""`Analysis` is immutable: settings and re-read metrics give new analyses, the old one unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Suppression
from analyzers.findings.settings import Settings
from estate.model import merge_metrics


def _json(analysis: Analysis) -> list[object]:
    return [f.to_json() for f in analysis.findings]


def test_an_analysis_cannot_be_changed_in_place(demo_analysis: Analysis) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo_analysis.findings = ()  # type: ignore[misc]
    assert isinstance(demo_analysis.findings, tuple) and isinstance(demo_analysis.raw_findings, tuple)


def test_with_settings_returns_a_new_analysis(demo_analysis: Analysis) -> None:
    before = _json(demo_analysis)
    rule = demo_analysis.findings[0].rule.id
    settings = Settings(suppressions=(Suppression(rule, "accepted", "reviewer"),))
    suppressed = demo_analysis.with_settings(settings)
    assert suppressed.settings is settings and suppressed.suppressed > 0
    assert _json(demo_analysis) == before and demo_analysis.suppressed == 0
    assert suppressed.raw_findings is demo_analysis.raw_findings  # the rules were not re-run
    assert _json(suppressed.with_settings(Settings())) == before


def test_with_metrics_rescores_only_the_anomaly_rules(demo_analysis: Analysis) -> None:
    assert demo_analysis.anomalies is not None
    earlier = demo_analysis.anomalies.now - dt.timedelta(hours=30)
    update = merge_metrics(demo_analysis.estate, [], earlier)
    before = _json(demo_analysis)
    fresh = demo_analysis.with_metrics(update)
    assert fresh.estate is update.estate and fresh.anomalies is not None and fresh.anomalies.now == earlier
    assert [f for f in fresh.raw_findings if f.analyzer != "anomaly"] == [
        f for f in demo_analysis.raw_findings if f.analyzer != "anomaly"
    ]
    old = {f.id for f in demo_analysis.raw_findings if f.analyzer == "anomaly"}
    new = {f.id for f in fresh.raw_findings if f.analyzer == "anomaly"}
    assert old and new != old  # the look-back now ends before part of the incident
    assert _json(demo_analysis) == before


def test_with_metrics_keeps_the_settings(demo_analysis: Analysis) -> None:
    assert demo_analysis.anomalies is not None
    settings = Settings(suppressions=(Suppression("anomaly.*", "known incident", "reviewer"),))
    update = merge_metrics(demo_analysis.estate, [], demo_analysis.anomalies.now)
    fresh = demo_analysis.with_settings(settings).with_metrics(update)
    anomalies = [f for f in fresh.findings if f.analyzer == "anomaly"]
    assert fresh.settings is settings and anomalies
    assert all(f.suppression is not None for f in anomalies)
