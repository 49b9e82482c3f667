"""The demo estate: a deterministic fintech Lambda estate deployed into a local AWS with boto3.

    from estate.sources.demo import start_local_aws, deploy_demo, plants

    with start_local_aws() as aws:
        deploy_demo(aws.endpoint_url, metrics_days=1)
        ...  # collect it live, compare with plants

The estate is declared as data (catalogue*.py), deployed by deploy*.py, its CloudWatch series
come from metrics.py, and plants.py states by hand what should be found.
"""

from __future__ import annotations

from .constants import (
    DEMO_ACCOUNT,
    DEMO_METRICS_END,
    DEMO_REGIONS,
    METRIC_PERIOD,
    ORG_ID,
    PARTNER_ACCOUNT,
)
from .deploy import DemoDeployment, deploy_demo
from .localaws import LocalAws, start_local_aws
from .metrics import generate_series, put_metrics

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
