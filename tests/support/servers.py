"""Real servers started by tests (gunicorn, nginx): a free port, and waiting until one answers."""

import socket
import time
import urllib.request

import pytest


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_answers(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def healthy(url):
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 — our own server
            return response.status == 200
    except OSError:
        return False


def wait_until(ready, process, log, *, waiting_for, seconds=60):
    """Poll `ready()` until it holds; fail with the server's log if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()}")
        if ready():
            return
        time.sleep(0.2)
    pytest.fail(f"{waiting_for} within {seconds} s:\n{log.read_text()}")
