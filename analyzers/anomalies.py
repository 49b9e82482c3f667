"""Anomaly detection on Lambda CloudWatch metrics: the public face of the anomaly analyzer.

`detect` scores any single series (so it can be benchmarked, e.g. on NAB); `anomaly_findings` scores
every function of an estate and emits the `anomaly.*` findings.
"""

from __future__ import annotations

from analyzers.anomaly import AnomalyWindow, anomaly_findings, concurrency_pressure_findings, detect

__all__ = ["AnomalyWindow", "anomaly_findings", "concurrency_pressure_findings", "detect"]
