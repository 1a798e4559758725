"""The fault server does what its actions say, records what it saw, and stops promptly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from faultserver import (
    FaultServer,
    delay,
    drop,
    malformed,
    rate_limited,
    reset,
    respond,
    stall,
    truncated,
)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        yield client


def test_it_answers_in_script_order_and_records_each_request(
    server: FaultServer, http: httpx.Client
) -> None:
    server.script(respond(201, json={"a": 1}, headers={"X-Test": "yes"}), malformed("<p>"))

    first = http.post(server.url + "/p/q?x=1&x=2&empty=", json={"k": "v"})
    second = http.get(server.url + "/other")

    assert (first.status_code, first.json(), first.headers["x-test"]) == (201, {"a": 1}, "yes")
    assert (second.status_code, second.text) == (200, "<p>")
    seen = server.requests[0]
    assert (seen.method, seen.path, seen.target) == ("POST", "/p/q", "/p/q?x=1&x=2&empty=")
    assert seen.query == {"x": ["1", "2"], "empty": [""]}
    assert seen.json() == {"k": "v"} and seen.headers["content-type"] == "application/json"
    assert len(server.requests) == 2 and server.pending_actions == 0


def test_an_unscripted_request_gets_a_500_that_forbids_retries(
    server: FaultServer, http: httpx.Client
) -> None:
    answer = http.get(server.url + "/")

    assert answer.status_code == 500
    assert answer.headers["x-should-retry"] == "false"


@pytest.mark.parametrize(
    ("action", "error"),
    [
        (drop, httpx.RemoteProtocolError),
        (reset, httpx.ReadError),
        (truncated, httpx.RemoteProtocolError),
    ],
    ids=["drop", "reset", "truncated"],
)
def test_connection_faults_reach_the_client_as_transport_errors(
    server: FaultServer, http: httpx.Client, action: object, error: type[Exception]
) -> None:
    server.script(action())  # type: ignore[operator]

    with pytest.raises(error):
        http.get(server.url + "/")
    assert len(server.requests) == 1


def test_delay_answers_late_and_stall_never_answers(
    server: FaultServer, http: httpx.Client
) -> None:
    server.script(delay(0.2, respond(204)), stall())
    started = time.monotonic()

    assert http.get(server.url + "/").status_code == 204
    assert time.monotonic() - started >= 0.2
    with pytest.raises(httpx.ReadTimeout):
        http.get(server.url + "/", timeout=0.2)


def test_rate_limited_sends_429_with_the_header(server: FaultServer, http: httpx.Client) -> None:
    server.script(rate_limited("3"), rate_limited("1500", header="retry-after-ms"))

    assert http.get(server.url).headers["retry-after"] == "3"
    assert http.get(server.url).headers["retry-after-ms"] == "1500"


def test_stop_is_prompt_with_stalled_handlers_and_idle_connections() -> None:
    server = FaultServer().start()
    server.script(respond(200), stall(), stall())
    idle = httpx.Client(trust_env=False)  # keeps its connection open after the first answer
    assert idle.get(server.url + "/").status_code == 200
    waiting = [threading.Thread(target=_swallow, args=(server.url,)) for _ in range(2)]
    for thread in waiting:
        thread.start()
    assert server.wait_until(lambda: len(server.requests) == 3)
    started = time.monotonic()

    server.stop()

    assert time.monotonic() - started < 1.0
    for thread in waiting:
        thread.join(timeout=1.0)
        assert not thread.is_alive()  # the stalled requests ended when the server stopped
    idle.close()


def _swallow(url: str) -> None:
    try:
        httpx.get(url, timeout=10.0, trust_env=False)
    except httpx.HTTPError:
        pass
