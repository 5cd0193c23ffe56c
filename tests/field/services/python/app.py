"""The orders sample service: ``/``, ``/healthz``, ``/metrics`` and ``POST /admin/faults?percent=N``.

Stdlib only, so that its image and its CI job need nothing beyond Python.
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """http_requests_total{code,method,path} and the http_request_duration_seconds histogram."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = {}
        self._buckets = [0] * len(BUCKETS)
        self._count = 0
        self._sum = 0.0

    def observe(self, method: str, path: str, code: int, seconds: float) -> None:
        with self._lock:
            key = (str(code), method, path)
            self._requests[key] = self._requests.get(key, 0) + 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self._buckets[i] += 1
            self._count += 1
            self._sum += seconds

    def render(self) -> str:
        with self._lock:
            lines = ["# HELP http_requests_total Requests served.", "# TYPE http_requests_total counter"]
            for (code, method, path), n in sorted(self._requests.items()):
                lines.append(f'http_requests_total{{code="{code}",method="{method}",path="{path}"}} {n}')
            lines += ["# HELP http_request_duration_seconds Time to serve a request.",
                      "# TYPE http_request_duration_seconds histogram"]
            for bound, n in zip(BUCKETS, self._buckets, strict=True):
                lines.append(f'http_request_duration_seconds_bucket{{le="{bound}"}} {n}')
            lines.append(f'http_request_duration_seconds_bucket{{le="+Inf"}} {self._count}')
            lines.append(f"http_request_duration_seconds_sum {self._sum}")
            lines.append(f"http_request_duration_seconds_count {self._count}")
            return "\n".join(lines) + "\n"


class Faults:
    """Turns exactly ``percent`` % of responses into 5xx, spread evenly (request n fails when n*p/100 steps up)."""

    def __init__(self, percent: int = 0) -> None:
        self._lock = threading.Lock()
        self._served = 0
        self.percent = 0
        self.set(percent)

    def set(self, percent: int) -> None:
        if not 0 <= percent <= 100:
            raise ValueError("percent must be 0..100")
        self.percent = percent

    def next_fails(self) -> bool:
        with self._lock:
            self._served += 1
            n = self._served
            return n * self.percent // 100 > (n - 1) * self.percent // 100


def make_server(host: str, port: int, fail_percent: int = 0) -> ThreadingHTTPServer:
    metrics, faults = Metrics(), Faults(fail_percent)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, code: int, body: str, content_type: str = "text/plain") -> None:
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            started = time.perf_counter()
            path = urlsplit(self.path).path
            if path == "/metrics":
                self._send(200, metrics.render(), "text/plain; version=0.0.4")
                return
            if path == "/healthz":
                code, body = 200, "ok\n"
            elif path != "/":
                code, body = 404, "not found\n"
            elif faults.next_fails():
                code, body = 500, "injected fault\n"
            else:
                code, body = 200, '{"service":"orders","orders":2}\n'
            self._send(code, body, "application/json" if code == 200 and path == "/" else "text/plain")
            metrics.observe("GET", path, code, time.perf_counter() - started)

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            if url.path != "/admin/faults":
                self._send(404, "not found\n")
                return
            try:
                faults.set(int(parse_qs(url.query).get("percent", [""])[0]))
            except ValueError:
                self._send(400, "percent must be 0..100\n")
                return
            self._send(204, "")

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    server = make_server(os.environ.get("HOST", "0.0.0.0"), int(os.environ.get("PORT", "8080")),
                         int(os.environ.get("FAIL_PERCENT", "0")))
    print(f"orders listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
