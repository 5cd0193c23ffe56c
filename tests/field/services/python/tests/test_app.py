from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from app import Faults, Metrics, make_server


@pytest.fixture
def base_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def call(url: str, method: str = "GET") -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_healthz_answers_ok(base_url: str) -> None:
    assert call(base_url + "/healthz") == (200, "ok\n")


def test_metrics_count_requests_by_code(base_url: str) -> None:
    call(base_url + "/")
    call(base_url + "/missing")
    _, text = call(base_url + "/metrics")
    assert 'http_requests_total{code="200",method="GET",path="/"} 1' in text
    assert 'http_requests_total{code="404",method="GET",path="/missing"} 1' in text
    assert "http_request_duration_seconds_count 2" in text
    assert 'http_request_duration_seconds_bucket{le="+Inf"} 2' in text


def test_fault_switch_turns_ten_percent_into_5xx(base_url: str) -> None:
    assert call(base_url + "/admin/faults?percent=10", "POST")[0] == 204
    codes = [call(base_url + "/")[0] for _ in range(50)]
    assert codes.count(500) == 5
    assert call(base_url + "/admin/faults?percent=x", "POST")[0] == 400
    assert call(base_url + "/admin/other", "POST")[0] == 404


def test_faults_spread_evenly_and_reject_bad_percent() -> None:
    faults = Faults(10)
    assert [faults.next_fails() for _ in range(20)].count(True) == 2
    with pytest.raises(ValueError):
        faults.set(101)


def test_histogram_buckets_are_cumulative() -> None:
    metrics = Metrics()
    metrics.observe("GET", "/", 200, 0.02)
    metrics.observe("GET", "/", 500, 3.0)
    text = metrics.render()
    assert 'http_request_duration_seconds_bucket{le="0.025"} 1' in text
    assert 'http_request_duration_seconds_bucket{le="5.0"} 2' in text
