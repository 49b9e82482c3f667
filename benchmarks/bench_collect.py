"""Live collection at scale: N functions in a moto server, collected sequentially and on 8 workers.

    .venv/bin/python benchmarks/bench_collect.py            # N = 200 and 1,000
    .venv/bin/python benchmarks/bench_collect.py 200 1000 5000

The moto server runs in this process (ThreadedMotoServer on 127.0.0.1); each collection runs in
a fresh child process so its peak RSS is the collector's own, not the server's. Printed per run:
the AWS API calls made (counted with a client hook), calls per function, wall time and the
collector's peak RSS. No assertions: these are measurements.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REGION = "eu-west-1"
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_DISABLE_REQUEST_COMPRESSION": "true",
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def deploy(endpoint: str, functions: int) -> float:
    """N functions (each with tags and an env var) behind one role, plus their log groups."""
    import boto3

    started = time.perf_counter()
    session = boto3.session.Session()
    iam = session.client("iam", region_name=REGION, endpoint_url=endpoint)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    code = _zip()
    lam = session.client("lambda", region_name=REGION, endpoint_url=endpoint)
    logs = session.client("logs", region_name=REGION, endpoint_url=endpoint)

    def one(i: int) -> None:
        name = f"fn-{i:05d}"
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code={"ZipFile": code},
            Environment={"Variables": {"STAGE": "bench"}},
            Tags={"index": str(i)},
        )
        logs.create_log_group(logGroupName=f"/aws/lambda/{name}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(functions)))
    return time.perf_counter() - started


def _collect_in_child(endpoint: str, workers: int, queue: multiprocessing.Queue) -> None:
    """Runs in a spawned process: one collection, reporting (calls, seconds, peak RSS MB)."""
    os.environ.update(ENV)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import threading

    from estate.sources.live import CollectOptions, collect

    calls = [0]
    lock = threading.Lock()

    def count(client: object) -> None:
        def before_call(**_kwargs: object) -> None:
            with lock:
                calls[0] += 1

        client.meta.events.register("before-call", before_call)  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        snapshot = collect(
            CollectOptions(
                regions=(REGION,),
                endpoint_url=endpoint,
                cache_dir=Path(cache),
                metrics_days=1,
                max_workers=workers,
                client_hook=count,
            )
        )
        seconds = time.perf_counter() - started
    queue.put((calls[0], seconds, _peak_rss_mb(), len(snapshot.records)))


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over
    exec, so a spawned child would report its parent's (the moto server's) size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def collect_once(endpoint: str, workers: int) -> tuple[int, float, float, int]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_collect_in_child, args=(endpoint, workers, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main(argv: list[str]) -> int:
    sizes = [int(a.replace(",", "").replace("_", "")) for a in argv] or [200, 1000]
    os.environ.update(ENV)
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    import logging
    import urllib.request

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    rows = []
    try:
        for n in sizes:
            request = urllib.request.Request(f"{endpoint}/moto-api/reset", data=b"", method="POST")
            urllib.request.urlopen(request, timeout=60).read()
            deployed = deploy(endpoint, n)
            print(f"deployed {n} functions in {deployed:.1f}s", file=sys.stderr)
            for label, workers in (("sequential", 1), ("concurrent 8", 8)):
                calls, seconds, peak, records = collect_once(endpoint, workers)
                rows.append((n, label, calls, calls / n, seconds, peak, records))
                print(f"  {label}: {seconds:.1f}s", file=sys.stderr)
    finally:
        server.stop()
    header = (
        f"{'functions':>9}  {'mode':<12}  {'calls':>7}  {'calls/fn':>8}  {'wall s':>7}  "
        f"{'peak RSS MB':>11}  {'records':>7}"
    )
    print(header)
    print("-" * len(header))
    for n, label, calls, per_fn, seconds, peak, records in rows:
        print(f"{n:>9,}  {label:<12}  {calls:>7,}  {per_fn:>8.2f}  {seconds:>7.1f}  ", end="")
        print(f"{peak:>11.0f}  {records:>7,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
