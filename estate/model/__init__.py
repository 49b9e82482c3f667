"""Typed records parsed from a snapshot's raw AWS responses, one module per domain."""
