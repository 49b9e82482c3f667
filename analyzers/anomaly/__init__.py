"""Anomaly detection on CloudWatch metrics and the anomaly.* rules (public entry: analyzers.anomalies)."""
