"""Real processes for the verify tests and the field test: a sample service, a Prometheus server scraping it
every second, and a traffic driver. Everything listens on 127.0.0.1, lives in a tmp folder and is killed at
the end (and after ``max_seconds`` in any case, so a hung test cannot leave a server behind)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SERVICES_DIR = Path(__file__).resolve().parent / "services"
# sample folder → the service name the field test gives it
SAMPLES = {"orders": "python", "payments": "node", "inventory": "rust"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(url: str, method: str = "GET", timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=timeout) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_until(predicate: object, what: str, timeout: float = 30, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if predicate():  # type: ignore[operator]
                return
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _watchdog(proc: subprocess.Popen[bytes], max_seconds: float) -> threading.Timer:
    timer = threading.Timer(max_seconds, proc.kill)
    timer.daemon = True
    timer.start()
    return timer


def _stop(proc: subprocess.Popen[bytes], timer: threading.Timer) -> None:
    timer.cancel()
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextlib.contextmanager
def sample_service(source: Path, *, port: int | None = None, max_seconds: float = 300) -> Iterator[str]:
    """Run the Python sample service from ``source`` (its folder) on ``port`` (default a free one); yields its
    base URL."""
    port = port or free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "FAIL_PERCENT": "0"}
    proc = subprocess.Popen([sys.executable, str(source / "app.py")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    timer = _watchdog(proc, max_seconds)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http(base + "/healthz")[0] == 200, f"sample service {source.name} on {base}")
        yield base
    finally:
        _stop(proc, timer)


@dataclass
class Prometheus:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def query(self, promql: str) -> list[dict[str, object]]:
        status, body = http(f"{self.url}/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        assert status == 200, body
        return list(json.loads(body)["data"]["result"])

    def wait_for_samples(self, service: str, count: int, timeout: float = 30) -> None:
        """Until ``count`` scrapes of ``service`` hold requests (so that rate() over a window has points)."""
        promql = f'count_over_time(sum(http_requests_total{{service="{service}"}})[60s:1s])'

        def enough() -> bool:
            result = self.query(promql)
            return bool(result) and float(result[0]["value"][1]) >= count  # type: ignore[index]

        wait_until(enough, f"{count} scrapes of {service} in Prometheus", timeout=timeout, every=0.5)


def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if not found:
        pytest.fail("prometheus is not installed: run tests/install-tools.sh (Debian package prometheus)")
    return found


@contextlib.contextmanager
def prometheus_server(targets: dict[str, str], workdir: Path, *, max_seconds: float = 300) -> Iterator[Prometheus]:
    """A real Prometheus scraping ``targets`` (service name → base URL) every second, labelled service=<name>."""
    workdir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for name, base in targets.items():
        host = urllib.parse.urlsplit(base).netloc
        jobs.append(f"  - job_name: {name}\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
                    f"    static_configs:\n      - targets: ['{host}']\n        labels: {{service: {name}}}\n")
    config = workdir / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n" + "".join(jobs))
    port = free_port()
    log = workdir / "prometheus.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [prometheus_binary(), f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
             f"--storage.tsdb.path={workdir / 'data'}", "--storage.tsdb.retention.time=1h", "--log.level=warn"],
            stdout=out, stderr=subprocess.STDOUT)
    timer = _watchdog(proc, max_seconds)
    prom = Prometheus(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_until(lambda: proc.poll() is None and http(prom.url + "/-/ready")[0] == 200, "Prometheus ready",
                   timeout=30)
        yield prom
    finally:
        _stop(proc, timer)


@dataclass
class Traffic:
    """GET / on each base URL about ``per_second`` times a second, until stopped."""

    bases: list[str]
    per_second: float = 40
    codes: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _run(self) -> None:
        pause = 1.0 / self.per_second
        while not self._stop.is_set():
            for base in self.bases:
                with contextlib.suppress(OSError):
                    code = http(base + "/", timeout=2)[0]
                    self.codes[code] = self.codes.get(code, 0) + 1
            self._stop.wait(pause)

    def __enter__(self) -> Traffic:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
