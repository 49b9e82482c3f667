"""CloudWatch series for the demo functions: a pure generator and a fast writer.

`generate_series` is a pure function of (function spec, window): every value is drawn from a
random.Random seeded by (function, UTC day), so a timestamp has the same values whatever window
is asked for, and the demo never depends on the wall clock. Like real Lambda, a period without
invocations has no datapoint at all; otherwise all five metrics get exactly one value per
period (so Sum = Average = Maximum for a 5-minute query). Two incidents are planted at fixed
offsets before `metrics_end` (see `INCIDENTS`; plants.py records their windows by hand).
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from .aws import FAST_CONFIG, make_client
from .constants import DEMO_METRICS_END, EU, METRIC_NAMESPACE, METRIC_PERIOD, US
from .specs import FunctionSpec

METRICS = ("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions")
UNITS = {
    "Invocations": "Count",
    "Errors": "Count",
    "Throttles": "Count",
    "Duration": "Milliseconds",
    "ConcurrentExecutions": "Count",
}
Point = tuple[datetime, float]
Series = dict[str, list[Point]]

_STEP = timedelta(seconds=METRIC_PERIOD)
_SLOTS_PER_DAY = 86400 // METRIC_PERIOD
_PEAK_HOUR_UTC = {EU: 12.0, US: 17.5}  # European / US business-day centres
_COLD_START_MS = {
    "java": 2600.0,
    "dotnet": 1500.0,
    "python": 450.0,
    "nodejs": 300.0,
    "go": 90.0,
    "provided": 90.0,
}


@dataclass(frozen=True)
class Incident:
    kind: Literal["throttle-storm", "error-burst"]
    functions: tuple[str, ...]
    before_end: timedelta  # the incident starts this long before metrics_end
    duration: timedelta

    def window(self, metrics_end: datetime = DEMO_METRICS_END) -> tuple[datetime, datetime]:
        start = align(metrics_end) - self.before_end
        return start, start + self.duration


THROTTLE_STORM = Incident(
    "throttle-storm",
    ("payments-authorize", "payments-capture", "card-tokenize"),
    timedelta(hours=36),
    timedelta(minutes=70),
)
ERROR_BURST = Incident("error-burst", ("ledger-writer",), timedelta(hours=22), timedelta(minutes=40))
INCIDENTS = (THROTTLE_STORM, ERROR_BURST)


def align(moment: datetime) -> datetime:
    """Floor to the metric period, in UTC."""
    moment = moment.astimezone(UTC)
    return moment - timedelta(seconds=moment.timestamp() % METRIC_PERIOD)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # overdispersed normal approximation: real traffic is burstier than Poisson
        return max(0, round(rng.gauss(mean, 1.5 * math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def _day_shape(spec: FunctionSpec, slot_start: datetime) -> float:
    """0..1 load factor: business-hours bell curve, quieter nights and weekends."""
    hour = slot_start.hour + slot_start.minute / 60
    distance = abs((hour - _PEAK_HOUR_UTC.get(spec.region, 12.0) + 12) % 24 - 12)
    bell = math.exp(-0.5 * (distance / 3.2) ** 2)
    weekend = 0.45 if slot_start.weekday() >= 5 else 1.0
    return (0.07 + 0.93 * bell) * weekend


def _batch_mean(spec: FunctionSpec, slot_start: datetime) -> float:
    minute_of_day = slot_start.hour * 60 + slot_start.minute
    for hour, minute in spec.traffic.batch_at:
        offset = minute_of_day - (hour * 60 + minute)
        if 0 <= offset < spec.traffic.batch_minutes:
            return spec.traffic.per_5min
    return 0.0


def _normal_invocations(spec: FunctionSpec, rng: random.Random, slot_start: datetime) -> int:
    traffic = spec.traffic
    if traffic.pattern == "batch":
        mean = _batch_mean(spec, slot_start)
        return 1 if 0 < mean <= 1 else _poisson(rng, mean)
    if traffic.pattern == "flat":
        return _poisson(rng, traffic.per_5min * rng.uniform(0.9, 1.1))
    shape = _day_shape(spec, slot_start)
    if traffic.pattern == "sparse":
        return _poisson(rng, traffic.per_5min * (0.3 + 0.7 * shape))
    return _poisson(rng, traffic.per_5min * shape)


def _cold_start_ms(runtime: str) -> float:
    return next((ms for prefix, ms in _COLD_START_MS.items() if runtime.startswith(prefix)), 300.0)


def _normal_slot(spec: FunctionSpec, rng: random.Random, invocations: int) -> dict[str, float]:
    duration = spec.traffic.duration_ms * math.exp(rng.gauss(0.0, 0.08))
    if rng.random() < (0.5 if invocations < 5 else 0.04):  # a cold start lifts the average
        duration += _cold_start_ms(spec.runtime) / invocations
    duration = min(duration, spec.timeout * 1000.0)
    roll = rng.random()
    errors = 0 if roll > 0.014 else (1 if roll > 0.002 else 2)
    throttles = 1 if rng.random() < 0.003 else 0
    burst = rng.uniform(1.5, 3.0)
    concurrency = max(1, math.ceil(invocations * duration / (METRIC_PERIOD * 1000) * burst))
    if spec.reserved is not None:
        concurrency = min(concurrency, spec.reserved)
    return {
        "Invocations": invocations,
        "Errors": min(errors, invocations),
        "Throttles": throttles,
        "Duration": round(duration, 2),
        "ConcurrentExecutions": concurrency,
    }


def _storm_slot(spec: FunctionSpec, rng: random.Random, index: int, slots: int) -> dict[str, float]:
    """The payments path hits its reserved concurrency: a slow processor holds every slot."""
    reserved = spec.reserved or 10
    duration = spec.timeout * 1000.0 * 0.85 * rng.uniform(0.97, 1.03)
    capacity = reserved * METRIC_PERIOD * 1000 / duration
    ramp = min(index + 1, slots - index, 3) / 3  # ramps up over 15 min, down over the last 15
    overload = (0.12 + 0.28 * ramp) * rng.uniform(0.9, 1.1)
    return {
        "Invocations": round(capacity * rng.uniform(0.97, 1.0)),
        "Errors": 0,
        "Throttles": round(capacity * overload),
        "Duration": round(duration, 2),
        "ConcurrentExecutions": reserved,
    }


def _incident_for(name: str, slot_start: datetime, metrics_end: datetime) -> tuple[Incident, int, int] | None:
    for incident in INCIDENTS:
        start, end = incident.window(metrics_end)
        if name in incident.functions and start <= slot_start < end:
            return incident, int((slot_start - start) / _STEP), int((end - start) / _STEP)
    return None


def _day_slots(
    spec: FunctionSpec, day: datetime, metrics_end: datetime
) -> Iterator[tuple[datetime, dict[str, float]]]:
    rng = random.Random(f"{spec.name}|{day.date().isoformat()}")
    for slot in range(_SLOTS_PER_DAY):
        start = day + slot * _STEP
        invocations = _normal_invocations(spec, rng, start)
        values = _normal_slot(spec, rng, max(invocations, 1))  # always draw: stable streams
        found = _incident_for(spec.name, start, metrics_end)
        if found and found[0].kind == "throttle-storm":
            values = _storm_slot(spec, rng, found[1], found[2])
        elif invocations == 0:
            continue
        elif found:  # error burst: retries pile up, 30-60% of invocations fail
            values["Errors"] = round(invocations * rng.uniform(0.3, 0.6))
            values["Duration"] = round(values["Duration"] * 1.6, 2)
        yield start, values


def generate_series(
    spec: FunctionSpec, metrics_days: float, metrics_end: datetime = DEMO_METRICS_END
) -> Series:
    """Per metric, the (period start, value) points in [end - days, end), oldest first."""
    end = align(metrics_end)
    start = end - timedelta(days=metrics_days)
    series: Series = {metric: [] for metric in METRICS}
    if metrics_days <= 0:
        return series
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        for moment, values in _day_slots(spec, day, metrics_end):
            if start <= moment < end:
                for metric in METRICS:
                    series[metric].append((moment, float(values[metric])))
        day += timedelta(days=1)
    return series


def datums(function_name: str, series: Series) -> Iterator[dict[str, Any]]:
    dimensions = [{"Name": "FunctionName", "Value": function_name}]
    for metric, points in series.items():
        for moment, value in points:
            yield {
                "MetricName": metric,
                "Dimensions": dimensions,
                "Timestamp": moment,
                "Value": value,
                "Unit": UNITS[metric],
            }


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def put_metrics(
    endpoint_url: str,
    specs: Sequence[FunctionSpec],
    metrics_days: float,
    metrics_end: datetime = DEMO_METRICS_END,
    *,
    threads: int = 2,
    batch_size: int = 1000,
) -> int:
    """Generate and write every function's series; returns the number of datums written.

    PutMetricData takes at most 1,000 datums per call; calls go out on `threads` threads, one
    client per thread and region. Two is the measured sweet spot: against a moto server in
    another process 2 threads write ~1.5x faster than 1 (4 are slower again), while against the
    in-process server (one GIL for client and server) threads cost ~10%.
    """
    local = threading.local()

    def put(job: tuple[str, list[dict[str, Any]]]) -> int:
        region, batch = job
        clients: dict[str, Any] = local.__dict__.setdefault("clients", {})
        if region not in clients:
            clients[region] = make_client("cloudwatch", region, endpoint_url, FAST_CONFIG)
        clients[region].put_metric_data(Namespace=METRIC_NAMESPACE, MetricData=batch)
        return len(batch)

    def jobs() -> Iterator[tuple[str, list[dict[str, Any]]]]:
        for region in sorted({s.region for s in specs}):
            in_region = (
                d
                for s in specs
                if s.region == region
                for d in datums(s.name, generate_series(s, metrics_days, metrics_end))
            )
            for batch in _batches(in_region, batch_size):
                yield region, batch

    written = 0
    in_flight: deque[Future[int]] = deque()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="demo-metrics") as pool:
        for job in jobs():  # bounded look-ahead: never materialise the whole estate's datums
            in_flight.append(pool.submit(put, job))
            if len(in_flight) >= 2 * threads:
                written += in_flight.popleft().result()
        written += sum(future.result() for future in in_flight)
    return written
