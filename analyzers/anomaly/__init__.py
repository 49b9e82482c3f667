"""Anomaly detection on CloudWatch metrics and the anomaly.* rules (public entry: analyzers.anomalies)."""

from analyzers.anomaly.detect import AnomalyWindow, detect
from analyzers.anomaly.rules import (
    RULE_FOR_METRIC,
    AnomalyScoring,
    anomaly_findings,
    anomaly_scoring,
    concurrency_pressure_findings,
    function_windows,
    score_estate,
)
from analyzers.anomaly.windows import METRIC_KINDS, Thresholds

__all__ = [
    "METRIC_KINDS",
    "RULE_FOR_METRIC",
    "AnomalyScoring",
    "AnomalyWindow",
    "Thresholds",
    "anomaly_findings",
    "anomaly_scoring",
    "concurrency_pressure_findings",
    "detect",
    "function_windows",
    "score_estate",
]
