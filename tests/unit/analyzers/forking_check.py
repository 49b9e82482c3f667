"""Run as a script by test_forking.py, in a fresh single-threaded interpreter: prints one JSON
line on how `forking.result` treats a child that is still exiting after its payload (its result
is taken at once, the child reaped later) and one that fails part way (no result, reaped at once).
A `result` that waited for the first child's exit would wait forever: the alarm ends the script."""

from __future__ import annotations

import io
import json
import os
import pickle
import signal

from analyzers import forking


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def main() -> None:
    signal.alarm(20)
    go_read, go_write = os.pipe()

    def send_then_linger(payload: object, out: io.BufferedWriter) -> None:
        os.close(go_write)  # (should this process die, the read below ends: no child left behind)
        forking._dump(payload, out)
        out.flush()
        os.read(go_read, 1)  # still alive until this process has its result

    child = forking.start(lambda: {"answer": 42}, send_then_linger)
    assert child is not None
    ok, value = forking.result(child)
    lingering = os.waitpid(child.pid, os.WNOHANG) == (0, 0)
    os.write(go_write, b"x")
    forking.reap_exited(wait=True)

    def send_half(payload: object, out: io.BufferedWriter) -> None:
        out.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)[:6])
        out.flush()
        raise RuntimeError("the child fails part way")

    bad = forking.start(lambda: list(range(1000)), send_half)
    assert bad is not None
    print(
        json.dumps(
            {
                "result": [ok, value],
                "taken_while_the_child_lingers": lingering,
                "reaped_after": reaped(child.pid) and not forking._EXITING,
                "failed": list(forking.result(bad)),
                "failed_reaped_at_once": reaped(bad.pid),
            }
        )
    )


if __name__ == "__main__":
    main()
