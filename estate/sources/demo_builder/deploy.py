"""deploy_demo: the whole estate into a (fresh) local AWS, in dependency order."""

from __future__ import annotations

import time
import urllib.request
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from .aws import Aws
from .catalogue import FUNCTIONS
from .constants import DEMO_METRICS_END, DEMO_REGIONS, MOTO_SEED
from .deploy_audit import deploy_audit
from .deploy_data import deploy_data, deploy_recovery
from .deploy_iam import deploy_iam
from .deploy_invokers import deploy_invokers
from .deploy_lambda import deploy_event_source_mappings, deploy_functions
from .deploy_network import deploy_network
from .metrics import put_metrics
from .refs import Refs


@dataclass(frozen=True)
class DemoDeployment:
    """What deploy_demo did, for logs and benchmarks."""

    endpoint_url: str
    functions_per_region: Mapping[str, int]
    metric_datums: int
    seconds: float
    metrics_seconds: float

    @property
    def functions(self) -> int:
        return sum(self.functions_per_region.values())


# One cheap read per backend the demo touches. moto creates backends lazily and a new backend
# draws random ids for its defaults (EC2's default VPC, ...), so whether a backend already
# exists (after a /moto-api/reset it does) would shift every id drawn after the seed.
_WARM_UP: tuple[tuple[str, str], ...] = (
    ("ec2", "describe_vpcs"),
    ("kms", "list_keys"),
    ("dynamodb", "list_tables"),
    ("s3", "list_buckets"),
    ("secretsmanager", "list_secrets"),
    ("rds", "describe_db_instances"),
    ("sqs", "list_queues"),
    ("sns", "list_topics"),
    ("ssm", "describe_parameters"),
    ("iam", "list_roles"),
    ("lambda", "list_functions"),
    ("apigateway", "get_rest_apis"),
    ("apigatewayv2", "get_apis"),
    ("events", "list_rules"),
    ("cloudwatch", "list_dashboards"),
    ("logs", "describe_log_groups"),
    ("cloudtrail", "describe_trails"),
)


def _warm_up(aws: Aws) -> None:
    for region in DEMO_REGIONS:
        for service, operation in _WARM_UP:
            getattr(aws(service, region), operation)()


def _seed(endpoint_url: str) -> None:
    request = urllib.request.Request(f"{endpoint_url}/moto-api/seed?a={MOTO_SEED}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def deploy_demo(
    endpoint_url: str, *, metrics_days: float = 14.0, metrics_end: datetime = DEMO_METRICS_END
) -> DemoDeployment:
    """Deploy the demo estate into the moto server at endpoint_url (both regions).

    Expects a freshly reset server (it fails if resources already exist). `metrics_days=0`
    skips the CloudWatch metrics, which are most of the time for long windows. Ids moto
    generates (subnets, keys, API ids, URLs) repeat from run to run: every backend is created
    first, then moto's random generator is seeded.
    """
    started = time.perf_counter()
    aws = Aws(endpoint_url)
    _warm_up(aws)
    _seed(endpoint_url)
    refs = Refs()
    deploy_network(aws, refs)
    deploy_data(aws, refs)
    deploy_iam(aws, refs)
    deploy_functions(aws, refs)
    deploy_event_source_mappings(aws, refs)
    deploy_invokers(aws, refs)
    deploy_audit(aws, refs)
    deploy_recovery(aws)  # last: changes no id drawn before it
    metrics_started = time.perf_counter()
    datums = put_metrics(endpoint_url, FUNCTIONS, metrics_days, metrics_end) if (metrics_days > 0) else 0
    finished = time.perf_counter()
    return DemoDeployment(
        endpoint_url=endpoint_url,
        functions_per_region=MappingProxyType(dict(sorted(Counter(f.region for f in FUNCTIONS).items()))),
        metric_datums=datums,
        seconds=round(finished - started, 3),
        metrics_seconds=round(finished - metrics_started, 3),
    )
