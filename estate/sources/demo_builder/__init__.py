"""The demo estate: a deterministic fintech Lambda estate deployed into a local AWS with boto3.

    from estate.sources.demo_builder import start_local_aws, deploy_demo

    with start_local_aws() as aws:
        deploy_demo(aws.endpoint_url, metrics_days=1)
        ...  # collect it live, then export it (build.py)

The estate is declared as data (catalogue*.py), deployed by deploy*.py, its CloudWatch series
come from metrics.py; the hand-written ground truth (what should be found) lives in tests/ground_truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .constants import (
    DEMO_ACCOUNT,
    DEMO_METRICS_END,
    DEMO_REGIONS,
    METRIC_PERIOD,
    ORG_ID,
    PARTNER_ACCOUNT,
)
from .deploy import DemoDeployment, deploy_demo
from .metrics import generate_series, put_metrics

if TYPE_CHECKING:
    from .localaws import LocalAws, start_local_aws


def __getattr__(name: str) -> Any:
    """The local AWS needs moto, a test/dev dependency: import it only when asked for, so
    `lambdascope demo` (which only reads the bundled snapshot) works on a runtime-only install."""
    if name in {"LocalAws", "start_local_aws"}:
        from . import localaws

        return getattr(localaws, name)
    raise AttributeError(name)


__all__ = [
    "DEMO_ACCOUNT",
    "DEMO_METRICS_END",
    "DEMO_REGIONS",
    "METRIC_PERIOD",
    "ORG_ID",
    "PARTNER_ACCOUNT",
    "DemoDeployment",
    "LocalAws",
    "deploy_demo",
    "generate_series",
    "put_metrics",
    "start_local_aws",
]
