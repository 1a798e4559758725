"""The emulator over real sockets on 127.0.0.1: routing, auth, errors, keep-alive, load, faults."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from conftest import FakeClock
from typer.testing import CliRunner

import llamacloud_cli
from llamacloud_cli.commands.emulator import emulator as emulator_command
from llamacloud_cli.emulator import Emulator, EmulatorConfig, RunningEmulator, start_background
from llamacloud_cli.emulator.server import App, _client_host, _url

BASE = "/api/v1/beta/batch-processing"
AUTH = {"Authorization": "Bearer test-key"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def running(clock: FakeClock) -> Iterator[RunningEmulator]:
    with start_background(config=EmulatorConfig(item_seconds=1.0, clock=clock)) as emu:
        yield emu


@pytest.fixture
def client(running: RunningEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(verify=False, base_url=running.base_url, headers=AUTH, timeout=10) as http:
        yield http


def create(client: httpx.Client, *item_ids: str) -> dict[str, Any]:
    response = client.post(BASE, json={"job_config": {}, "item_ids": list(item_ids)})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# -- the basics -------------------------------------------------------------------------------


def test_create_answers_json_with_a_correct_content_length(client: httpx.Client) -> None:
    response = client.post(BASE, json={"job_config": {}, "item_ids": ["a"]})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.json()["status"] == "pending"


def test_the_six_operations_answer(client: httpx.Client, clock: FakeClock) -> None:
    job_id = create(client, "a", "b")["id"]
    clock.advance(5)

    status = client.get(f"{BASE}/{job_id}").json()
    jobs = client.get(BASE, params={"limit": 10}).json()
    items = client.get(f"{BASE}/{job_id}/items", params={"status": "completed"}).json()
    results = client.get(f"{BASE}/items/a/processing-results", params={"job_type": "parse"}).json()
    cancel = client.post(f"{BASE}/{job_id}/cancel", json={"reason": "done anyway"}).json()

    assert status["job"]["status"] == "completed"
    assert status["progress_percentage"] == 100.0
    assert jobs == {"items": [status["job"]], "next_page_token": None, "total_size": 1}
    assert [i["item_id"] for i in items["items"]] == ["a", "b"]
    assert results["processing_results"][0]["item_id"] == "a"
    assert cancel["status"] == "completed"


def test_cancel_accepts_no_body_an_empty_object_or_a_reason(client: httpx.Client) -> None:
    ids = [create(client, "a")["id"] for _ in range(3)]

    answers = [
        client.post(f"{BASE}/{ids[0]}/cancel"),
        client.post(f"{BASE}/{ids[1]}/cancel", json={}),
        client.post(f"{BASE}/{ids[2]}/cancel", json={"reason": None}),
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert {a.json()["status"] for a in answers} == {"cancelled"}


def test_query_ids_are_ignored_or_used_as_the_project(client: httpx.Client) -> None:
    params = {"organization_id": "org", "project_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}
    created = client.post(BASE, params=params, json={"job_config": {}, "item_ids": ["a"]}).json()

    assert created["project_id"] == params["project_id"]
    assert client.get(BASE, params=params).json()["total_size"] == 1
    assert client.get(BASE, params={"project_id": "other"}).json()["total_size"] == 0


# -- auth -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Token abc"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_requests_without_a_bearer_key_are_401(
    running: RunningEmulator, headers: dict[str, str]
) -> None:
    response = httpx.get(verify=False, url=f"{running.base_url}{BASE}", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_any_non_empty_key_is_accepted(running: RunningEmulator) -> None:
    response = httpx.get(
        verify=False, url=f"{running.base_url}{BASE}", headers={"Authorization": "bearer x"}
    )

    assert response.status_code == 200


# -- 404, 405, 422 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/beta", f"{BASE}/x/y", f"{BASE}/x/items/y", f"{BASE}//cancel", "/other"]
)
def test_unknown_paths_are_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_unknown_jobs_and_items_are_404_with_a_detail(client: httpx.Client) -> None:
    answers = [
        client.get(f"{BASE}/bjb-missing"),
        client.post(f"{BASE}/bjb-missing/cancel"),
        client.get(f"{BASE}/bjb-missing/items"),
        client.get(f"{BASE}/items/dfl-missing/processing-results"),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert answers[0].json() == {"detail": "Batch job not found: bjb-missing"}
    assert answers[3].json() == {"detail": "Item not found: dfl-missing"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", BASE, "GET, POST"),
        ("PUT", f"{BASE}/bjb-1", "GET"),
        ("GET", f"{BASE}/bjb-1/cancel", "POST"),
        ("POST", f"{BASE}/bjb-1/items", "GET"),
        ("PATCH", f"{BASE}/items/x/processing-results", "GET"),
    ],
)
def test_wrong_methods_are_405(client: httpx.Client, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": "Method Not Allowed"}


def test_head_gets_headers_without_a_body(client: httpx.Client) -> None:
    response = client.head(BASE)

    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({"item_ids": ["a"]}, ["body", "job_config"], "missing"),
        ({"job_config": {}, "item_ids": "a"}, ["body", "item_ids"], "list_type"),
        ({"job_config": {}, "item_ids": [1]}, ["body", "item_ids", 0], "string_type"),
        ({"job_config": {}}, ["body"], "value_error"),
        (
            {"job_config": {"parameters": {"max_pages": "x"}}, "item_ids": ["a"]},
            ["body", "job_config", "parameters", "max_pages"],
            "value_error",
        ),
    ],
)
def test_bad_create_bodies_are_422(
    client: httpx.Client, body: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    response = client.post(BASE, json=body)

    assert response.status_code == 422
    (entry,) = response.json()["detail"]
    assert entry["loc"] == loc
    assert entry["type"] == error_type
    assert isinstance(entry["msg"], str) and entry["msg"]


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe"])
def test_unreadable_create_bodies_are_422(client: httpx.Client, content: bytes) -> None:
    response = client.post(BASE, content=content, headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] in {"json_invalid", "missing"}


def test_a_cancel_reason_must_be_a_string(client: httpx.Client) -> None:
    job_id = create(client, "a")["id"]

    response = client.post(f"{BASE}/{job_id}/cancel", json={"reason": 5})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]


@pytest.mark.parametrize(
    ("path", "params", "loc"),
    [
        (BASE, {"limit": "abc"}, ["query", "limit"]),
        (BASE, {"limit": "0"}, ["query", "limit"]),
        (BASE, {"limit": "1001"}, ["query", "limit"]),
        (BASE, {"offset": "-1"}, ["query", "offset"]),
        (BASE, {"status": "PENDING"}, ["query", "status"]),
        (BASE, {"job_type": "PARSE"}, ["query", "job_type"]),
        (f"{BASE}/JOB/items", {"status": "running"}, ["query", "status"]),
        (f"{BASE}/JOB/items", {"limit": "1.5"}, ["query", "limit"]),
        (f"{BASE}/items/a/processing-results", {"job_type": "nope"}, ["query", "job_type"]),
    ],
)
def test_bad_queries_are_422(
    client: httpx.Client, path: str, params: dict[str, str], loc: list[str]
) -> None:
    job_id = create(client, "a")["id"]

    response = client.get(path.replace("JOB", job_id), params=params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


# -- path encoding ----------------------------------------------------------------------------


def test_percent_encoded_path_ids_are_decoded(client: httpx.Client, clock: FakeClock) -> None:
    create(client, "dfl/1 x", "plain")
    clock.advance(10)

    missing = client.get(f"{BASE}/job%2F1%20x")
    results = client.get(f"{BASE}/items/dfl%2F1%20x/processing-results")

    assert missing.status_code == 404
    assert missing.json() == {"detail": "Batch job not found: job/1 x"}
    assert results.status_code == 200
    assert results.json()["item_id"] == "dfl/1 x"
    assert results.json()["item_name"] == "dfl_1 x.pdf"


# -- connections ------------------------------------------------------------------------------


def test_connections_are_kept_alive(running: RunningEmulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    try:
        answers = []
        for _ in range(3):
            connection.request("GET", BASE, headers=AUTH)
            response = connection.getresponse()
            answers.append((response.status, json.loads(response.read())["total_size"]))
            assert response.getheader("Connection") is None
        first_socket = connection.sock
        connection.request("POST", f"{BASE}/nope/cancel", body=b"{}", headers=AUTH)
        response = connection.getresponse()
        response.read()
        assert connection.sock is first_socket  # the same connection served every request
    finally:
        connection.close()

    assert answers == [(200, 0)] * 3
    assert response.status == 404


def test_a_chunked_body_is_read(client: httpx.Client) -> None:
    payload = json.dumps({"job_config": {}, "item_ids": ["a", "b"]}).encode()

    def chunks() -> Iterator[bytes]:
        yield payload[:10]
        yield payload[10:]

    response = client.post(BASE, content=chunks())

    assert response.status_code == 200
    assert response.json()["total_items"] == 2


def test_a_body_over_the_limit_is_413_and_closes(clock: FakeClock) -> None:
    config = EmulatorConfig(clock=clock, max_body_bytes=1000)
    with start_background(config=config) as running:
        response = httpx.post(
            f"{running.base_url}{BASE}",
            verify=False,
            headers=AUTH,
            json={"job_config": {}, "item_ids": ["x" * 2000]},
        )

    assert response.status_code == 413
    assert response.headers["connection"] == "close"


def test_a_malformed_request_line_gets_a_json_400(running: RunningEmulator) -> None:
    with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk

    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["detail"]


def raw_exchange(port: int, data: bytes) -> tuple[bytes, Any]:
    """Send raw bytes, read until the server closes; (status line, JSON body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], json.loads(body)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n", b"400"),
        (b"POST /x HTTP/1.1\r\nContent-Length: many\r\n\r\n", b"400"),
        (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
        (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"7d0\r\n", b"413"),
        (b"POST /x HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", b"413"),
    ],
)
def test_broken_or_oversized_bodies_are_refused_and_the_connection_closed(
    clock: FakeClock, request_bytes: bytes, status: bytes
) -> None:
    with start_background(config=EmulatorConfig(clock=clock, max_body_bytes=1000)) as running:
        status_line, body = raw_exchange(running.port, request_bytes)

    assert status_line.split()[1] == status
    assert isinstance(body["detail"], str)


def test_a_bug_in_the_emulator_still_answers_json(
    running: RunningEmulator, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(running.emulator, "list_jobs", broken)

    response = client.get(BASE)

    assert response.status_code == 500
    assert response.json() == {"detail": "emulator bug: RuntimeError: boom"}


def test_the_access_log_goes_to_stderr_only_when_asked(
    clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    for access_log in (True, False):
        with start_background(config=EmulatorConfig(clock=clock, access_log=access_log)) as emu:
            httpx.get(verify=False, url=f"{emu.base_url}{BASE}?limit=1", headers=AUTH)

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert re.search(rf'"GET {BASE}\?limit=1 HTTP/1.1" 200 \d+ [\d.]+ms$', lines[0])


def test_clients_are_pointed_at_a_loopback_address() -> None:
    assert _client_host("0.0.0.0") == "127.0.0.1"
    assert _client_host("") == "127.0.0.1"
    assert _client_host("::") == "::1"
    assert _client_host("127.0.0.1") == "127.0.0.1"
    assert _url("::1", 80) == "http://[::1]:80"


def test_ipv6_loopback(clock: FakeClock) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        running = start_background(host="::1", config=EmulatorConfig(clock=clock))
    except OSError:
        pytest.skip("IPv6 loopback not available")
    with running:
        assert running.base_url == f"http://[::1]:{running.port}"
        assert (
            httpx.get(verify=False, url=f"{running.base_url}{BASE}", headers=AUTH).status_code
            == 200
        )


def test_100000_item_ids_are_accepted(client: httpx.Client, clock: FakeClock) -> None:
    item_ids = [f"dfl-{n:08d}-aaaa-bbbb-cccc-{n:012d}" for n in range(100_000)]
    body = json.dumps({"job_config": {}, "item_ids": item_ids}).encode()
    assert len(body) > 4_000_000

    response = client.post(BASE, content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 200, response.text[:300]
    job_id = response.json()["id"]
    assert response.json()["total_items"] == 100_000
    clock.advance(50.5)
    status = client.get(f"{BASE}/{job_id}").json()
    assert status["job"]["processed_items"] == 49
    last_page = client.get(f"{BASE}/{job_id}/items", params={"limit": 1000, "offset": 99_500})
    assert len(last_page.json()["items"]) == 500
    assert last_page.json()["items"][-1]["item_id"] == item_ids[-1]
    pending = client.get(f"{BASE}/{job_id}/items", params={"status": "pending", "limit": 1})
    assert pending.json()["total_size"] == 100_000 - 50


def test_concurrent_clients_all_succeed(running: RunningEmulator) -> None:
    failures: list[str] = []
    created: list[str] = []
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    http = httpx.Client(
        verify=False, base_url=running.base_url, headers=AUTH, timeout=10, limits=limits
    )
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        barrier.wait()
        for i in range(20):
            if i % 4 == 0:
                response = http.post(BASE, json={"job_config": {}, "item_ids": [f"t{n}-{i}"]})
                if response.status_code == 200:
                    with lock:
                        created.append(response.json()["id"])
            elif i % 4 == 1:
                response = http.get(BASE, params={"limit": 5})
            elif i % 4 == 2:
                response = http.get(f"{BASE}/{created[-1]}")
            else:
                response = http.get(f"{BASE}/items/t{n}-0/processing-results")
            if response.status_code != 200:
                with lock:
                    failures.append(f"{response.request.url}: {response.status_code}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    with http:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert failures == []
    assert len(created) == 8 * 5
    assert len(set(created)) == len(created)
    assert running.emulator.job_count() == 40


def test_stop_frees_the_port(clock: FakeClock) -> None:
    running = start_background(config=EmulatorConfig(clock=clock))
    http = httpx.Client(verify=False, base_url=running.base_url, headers=AUTH)
    assert http.get(BASE).status_code == 200  # leaves a kept-alive connection open

    started = time.perf_counter()
    running.stop()
    running.stop()  # idempotent

    assert time.perf_counter() - started < 2
    with pytest.raises(httpx.TransportError):
        http.get(BASE)
    http.close()


# -- fault injection and latency --------------------------------------------------------------


def statuses(config: EmulatorConfig, count: int) -> list[int]:
    with start_background(config=config) as running:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        answers = []
        for _ in range(count):
            connection.request("GET", BASE, headers=AUTH)
            response = connection.getresponse()
            response.read()
            answers.append(response.status)
        connection.close()
    return answers


def test_faults_are_off_by_default(clock: FakeClock) -> None:
    assert set(statuses(EmulatorConfig(clock=clock), 50)) == {200}


def test_fail_rate_one_answers_only_500_and_503(clock: FakeClock) -> None:
    answers = statuses(EmulatorConfig(clock=clock, fail_rate=1.0), 40)

    assert set(answers) == {500, 503}


def test_rate_limit_answers_429_with_retry_after(clock: FakeClock) -> None:
    config = EmulatorConfig(clock=clock, rate_limit_rate=1.0)
    with start_background(config=config) as running:
        response = httpx.get(verify=False, url=f"{running.base_url}{BASE}", headers=AUTH)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json() == {"detail": "Too Many Requests (emulated fault)"}


def test_faults_follow_the_seed(clock: FakeClock) -> None:
    def run(seed: int, count: int = 1000) -> list[int]:
        config = EmulatorConfig(clock=clock, seed=seed, fail_rate=0.3, rate_limit_rate=0.2)
        app = App(Emulator(config))
        return [
            app.handle("GET", BASE, "", {"authorization": "Bearer k"}, b"").status
            for _ in range(count)
        ]

    first = run(42)

    assert first == run(42)
    assert first != run(43)
    counts = Counter(first)
    assert set(counts) == {200, 429, 500, 503}
    assert 430 <= counts[200] <= 570
    assert 150 <= counts[429] <= 250
    assert 240 <= counts[500] + counts[503] <= 360
    assert (
        statuses(EmulatorConfig(clock=clock, seed=42, fail_rate=0.3, rate_limit_rate=0.2), 50)
        == first[:50]
    )


def test_a_503_never_acts_but_a_500_may_have(clock: FakeClock) -> None:
    config = EmulatorConfig(clock=clock, seed=1, fail_rate=1.0)
    with (
        start_background(config=config) as running,
        httpx.Client(verify=False, base_url=running.base_url, headers=AUTH) as http,
    ):
        answers = [
            http.post(BASE, json={"job_config": {}, "item_ids": ["a"]}).status_code
            for _ in range(20)
        ]
        assert running.emulator.job_count() == answers.count(500)
    assert 0 < answers.count(500) < 20


def test_faults_do_not_hide_auth_and_routing_errors(clock: FakeClock) -> None:
    config = EmulatorConfig(clock=clock, fail_rate=1.0)
    with start_background(config=config) as running:
        assert httpx.get(verify=False, url=f"{running.base_url}{BASE}").status_code == 401
        assert (
            httpx.get(verify=False, url=f"{running.base_url}/nope", headers=AUTH).status_code == 404
        )


def test_latency_delays_each_answer(clock: FakeClock) -> None:
    config = EmulatorConfig(clock=clock, latency=0.05)
    with start_background(config=config) as running:
        started = time.perf_counter()
        assert (
            httpx.get(verify=False, url=f"{running.base_url}{BASE}", headers=AUTH).status_code
            == 200
        )

    assert time.perf_counter() - started >= 0.05


# -- foreground server and command ------------------------------------------------------------


def _src_env() -> dict[str, str]:
    src = str(Path(llamacloud_cli.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return env


def test_serve_prints_its_address_and_stops_cleanly_on_ctrl_c() -> None:
    code = (
        "from llamacloud_cli.emulator import EmulatorConfig, serve\n"
        "serve('127.0.0.1', 0, EmulatorConfig(access_log=True))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stderr=subprocess.PIPE,
        env=_src_env(),
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        hint = process.stderr.readline()
        assert first.startswith("llamacloud-prod emulator listening on http://127.0.0.1:")
        assert first.rstrip().endswith("(Ctrl-C to stop)")
        url = first.split()[4]
        assert hint.strip() == f"export LLAMA_CLOUD_BASE_URL={url} LLAMA_CLOUD_API_KEY=any"
        assert httpx.get(verify=False, url=f"{url}{BASE}", headers=AUTH).status_code == 200
        access = process.stderr.readline()
        assert f'"GET {BASE} HTTP/1.1" 200' in access

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command("emulator")(emulator_command)

    @app.command("other")
    def other() -> None:  # a second command keeps `emulator` a subcommand
        pass

    return app


def test_the_command_has_help() -> None:
    result = CliRunner().invoke(_cli(), ["emulator", "--help"])

    assert result.exit_code == 0
    for option in (
        "--host",
        "--port",
        "--item-seconds",
        "--seed",
        "--latency",
        "--fail-rate",
        "--rate-limit-rate",
        "--quiet",
    ):
        assert option in result.output


def test_the_command_rejects_fault_rates_over_one() -> None:
    result = CliRunner().invoke(
        _cli(), ["emulator", "--fail-rate", "0.7", "--rate-limit-rate", "0.5"]
    )

    assert result.exit_code == 2


def test_the_command_reports_a_busy_port(running: RunningEmulator) -> None:
    result = CliRunner().invoke(_cli(), ["emulator", "--port", str(running.port)])

    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{running.port}" in result.output
