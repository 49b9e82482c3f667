"""Opt-in responses that change AWS (the only writes lambdascope makes): isolating a function by
setting its reserved concurrency to zero, and restoring it exactly. Never used by the collector,
which stays read-only; every action is appended to an audit log."""

from estate.actions.audit_log import ActionRecord, AuditLog, default_audit_path
from estate.actions.isolation import ActionFailed, FunctionIsolation, boto3_clients

__all__ = [
    "ActionFailed",
    "ActionRecord",
    "AuditLog",
    "FunctionIsolation",
    "boto3_clients",
    "default_audit_path",
]
