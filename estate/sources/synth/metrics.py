"""Realistic synthetic Lambda CloudWatch series, with injected incidents and their ground truth.

Deterministic given a seed (numpy's PCG64), vectorised over functions so a 10,000-function fleet of
14 days is generated in seconds. Each function gets a traffic profile (api: business-hours bell with
quieter weekends; steady; sparse; batch: a cron burst), Poisson-like overdispersed invocations,
binomial errors, rare single throttles, log-normal durations with cold starts, a p99 above the
average and concurrency from Little's law. Like CloudWatch, a period without invocations has no
Duration or ConcurrentExecutions datapoint (NaN here) and zero counts.

Incidents (one at most per function, in the last days so there is history before them): throttling
storm, error burst, invocation spike, drop to zero on a busy function, duration spike and duration
creep (a sustained shift to the end of the series). Functions without an incident are the controls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

STEP_SECONDS = 300
PER_DAY = 86400 // STEP_SECONDS
METRICS = ("Invocations", "Errors", "Throttles", "Duration", "Duration:p99", "ConcurrentExecutions")
PROFILES = ("api", "steady", "sparse", "batch")
INCIDENT_KINDS = (
    "throttle-storm",
    "error-burst",
    "invocation-spike",
    "invocation-drop",
    "duration-spike",
    "duration-creep",
)
# The metric and the rule each incident kind must be reported under.
INCIDENT_METRIC = {
    "throttle-storm": "Throttles",
    "error-burst": "Errors",
    "invocation-spike": "Invocations",
    "invocation-drop": "Invocations",
    "duration-spike": "Duration",
    "duration-creep": "Duration",
}
DEFAULT_START = dt.datetime(2026, 10, 18, tzinfo=dt.UTC)  # a Sunday-to-Saturday fortnight


@dataclass(frozen=True, slots=True)
class SyntheticIncident:
    function: int  # index into the fleet
    kind: str
    start: int  # first point index
    end: int  # one past the last point index

    @property
    def metric(self) -> str:
        return INCIDENT_METRIC[self.kind]


@dataclass(frozen=True, slots=True)
class SyntheticFleet:
    """Metric arrays are (functions x points); `epoch` holds each column's period start."""

    seed: int
    names: tuple[str, ...]
    profiles: tuple[str, ...]
    epoch: NDArray[np.float64]
    metrics: dict[str, NDArray[np.float64]]
    incidents: tuple[SyntheticIncident, ...]

    def timestamps(self) -> list[dt.datetime]:
        return [dt.datetime.fromtimestamp(float(t), dt.UTC) for t in self.epoch]


def _shape(profile: NDArray, peak_hour: NDArray, weekend: NDArray, epoch: NDArray) -> NDArray:
    """(functions x points) load factor for every profile."""
    hour = (epoch % 86400) / 3600.0
    weekday = ((epoch // 86400).astype(np.int64) + 3) % 7  # 0 = Monday
    is_weekend = (weekday >= 5)[None, :]
    distance = np.abs((hour[None, :] - peak_hour[:, None] + 12.0) % 24.0 - 12.0)
    bell = 0.08 + 0.92 * np.exp(-0.5 * (distance / 3.5) ** 2)
    api = bell * np.where(is_weekend, weekend[:, None], 1.0)
    minute_of_day = (epoch % 86400) / 60.0
    batch = ((minute_of_day[None, :] - peak_hour[:, None] * 60.0) % 1440.0 < 30.0).astype(float)
    steady = np.ones_like(api)
    sparse = 0.4 + 0.6 * api
    out = np.where(profile[:, None] == 0, api, steady)
    out = np.where(profile[:, None] == 2, sparse, out)
    return np.where(profile[:, None] == 3, batch, out)


def _incidents(
    rng: np.random.Generator, rate: NDArray, profile: NDArray, peak_hour: NDArray, n_points: int, share: float
) -> list[SyntheticIncident]:
    found = []
    history = min(n_points // 2, 7 * PER_DAY)
    for fn in range(rate.size):
        if rng.random() >= share:
            continue
        busy = rate[fn] >= 20 and profile[fn] != 3
        kinds = [k for k in INCIDENT_KINDS if busy or k not in {"invocation-drop", "error-burst"}]
        kind = kinds[int(rng.integers(len(kinds)))]
        start = int(rng.integers(history, n_points - PER_DAY // 2))
        if profile[fn] == 3:  # a batch function's incidents happen while it runs
            start = start - start % PER_DAY + int(np.ceil(peak_hour[fn] * 12)) % PER_DAY
            start = start if start < n_points - 6 else start - PER_DAY
        length: int = {
            "throttle-storm": rng.integers(6, 25),
            "error-burst": rng.integers(4, 19),
            "invocation-spike": rng.integers(3, 13),
            "invocation-drop": rng.integers(48, 145),
            "duration-spike": rng.integers(3, 13),
            "duration-creep": n_points,
        }[kind]  # type: ignore[assignment]
        found.append(SyntheticIncident(fn, kind, start, min(n_points, start + int(length))))
    return found


def generate_fleet(
    seed: int,
    functions: int = 100,
    days: float = 14.0,
    *,
    start: dt.datetime = DEFAULT_START,
    incident_share: float = 0.5,
) -> SyntheticFleet:
    """A deterministic fleet: same seed and arguments, same arrays and incidents."""
    rng = np.random.default_rng(seed)
    n_points = int(days * PER_DAY)
    epoch = start.timestamp() + STEP_SECONDS * np.arange(n_points, dtype=np.float64)
    profile = rng.choice(4, size=functions, p=[0.5, 0.2, 0.2, 0.1])
    base = np.exp(rng.uniform(np.log(2.0), np.log(2000.0), size=functions))
    base = np.where(profile == 2, base / 50.0, base)
    peak_hour = rng.uniform(0, 24, size=functions)
    weekend = rng.uniform(0.3, 0.8, size=functions)
    shape = _shape(profile, peak_hour, weekend, epoch)
    mean = base[:, None] * shape * rng.lognormal(0.0, 0.1, size=(functions, n_points))
    incidents = _incidents(rng, base, profile, peak_hour, n_points, incident_share)
    invocations = rng.poisson(mean).astype(np.float64)
    err_rate = np.exp(rng.uniform(np.log(0.0005), np.log(0.01), size=functions))
    duration_ms = np.exp(rng.uniform(np.log(20.0), np.log(2000.0), size=functions))
    dur_mult = np.ones((functions, n_points))
    throttles = (rng.random((functions, n_points)) < 0.002).astype(np.float64)
    burst_err = np.zeros((functions, n_points))
    for inc in incidents:
        sl = slice(inc.start, inc.end)
        fn = inc.function
        n = inc.end - inc.start
        if inc.kind == "throttle-storm":
            throttles[fn, sl] = np.round(max(base[fn], 40.0) * rng.uniform(0.3, 1.5, n))
        elif inc.kind == "error-burst":
            burst_err[fn, sl] = rng.uniform(0.2, 0.6, n)
        elif inc.kind == "invocation-spike":
            invocations[fn, sl] = rng.poisson(np.maximum(mean[fn, sl], base[fn] * 0.5) * rng.uniform(5, 12))
        elif inc.kind == "invocation-drop":
            invocations[fn, sl] = 0.0
        elif inc.kind == "duration-spike":
            dur_mult[fn, sl] = rng.uniform(3.0, 6.0)
        else:  # creep: duration climbs to 2-3x over 12 hours, then stays there
            ramp = np.clip(np.arange(n) / (12 * 12), 0.0, 1.0)
            dur_mult[fn, sl] = 1.0 + ramp * rng.uniform(1.0, 2.0)
    p_err = np.maximum(err_rate[:, None], burst_err)
    errors = rng.binomial(invocations.astype(np.int64), np.minimum(p_err, 1.0)).astype(np.float64)
    active = invocations > 0
    cold = rng.random((functions, n_points)) < np.where(invocations < 5, 0.5, 0.04)
    noise = rng.lognormal(0.0, 0.06, size=(functions, n_points))
    avg = duration_ms[:, None] * dur_mult * noise
    avg = avg + cold * 400.0 / np.maximum(invocations, 1.0)
    p99 = avg * rng.lognormal(np.log(2.2), 0.15, size=(functions, n_points)) + cold * 400.0
    concurrency = np.ceil(invocations * avg / (STEP_SECONDS * 1000.0) * rng.uniform(1.5, 3.0, avg.shape))
    nan = np.where(active, 1.0, np.nan)
    metrics = {
        "Invocations": invocations,
        "Errors": errors,
        "Throttles": throttles,
        "Duration": np.round(avg, 2) * nan,
        "Duration:p99": np.round(p99, 2) * nan,
        "ConcurrentExecutions": np.maximum(concurrency, 1.0) * nan,
    }
    names = tuple(f"synth-{seed}-{i:05d}" for i in range(functions))
    profiles = tuple(PROFILES[p] for p in profile)
    return SyntheticFleet(seed, names, profiles, epoch, metrics, tuple(incidents))
