"""Network failures and bad answers: the right exit code, a true message, retries only if useful.

Everything runs over real sockets on 127.0.0.1: the fault server (plain or TLS with a
certificate made for the test run), a port nobody listens on, and `.invalid` host names,
which never resolve (RFC 6761), so the DNS tests need no network.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run
from faultserver import (
    CANCELLED,
    ITEM_PAGE,
    JOB,
    PROXY_ENV_VARS,
    RESULTS,
    STATUS,
    FaultServer,
    closed_port,
    fault_server_fixture,  # noqa: F401 - the fault_server fixture
    malformed,
    respond,
    stall,
)

from llamacloud_cli.api import client
from llamacloud_cli.api.client import ApiClient
from llamacloud_cli.settings import OutputFormat, resolve

CREATE = ["beta:batch", "create", "--job-config", "{}", "--item-id", "item-1"]
GET_STATUS = ["beta:batch", "get-status", "job-1"]
STATUS_PATH = "/api/v1/beta/batch-processing/job-1"
MAY_EXIST = "may have created the job"


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


# -- connection refused ---------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_proxy_env")
@pytest.mark.parametrize("args", [GET_STATUS, CREATE], ids=["get-status", "create"])
def test_connection_refused_is_retried_then_exits_6(
    monkeypatch: pytest.MonkeyPatch, no_real_sleep: list[float], args: list[str]
) -> None:
    port = closed_port()
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", f"http://127.0.0.1:{port}")

    result = run(args)

    assert result.exit_code == 6
    assert result.stdout == ""
    assert "could not connect to 127.0.0.1: connection refused" in result.stderr
    assert len(no_real_sleep) == 2  # three attempts: a refused create never reached a server
    assert MAY_EXIST not in result.stderr


# -- DNS ------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_proxy_env")
@pytest.mark.parametrize("args", [GET_STATUS, CREATE], ids=["get-status", "create"])
def test_an_unknown_host_fails_at_once_without_retries(
    monkeypatch: pytest.MonkeyPatch, no_real_sleep: list[float], args: list[str]
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "https://api.llamacloud-test.invalid")
    started = time.monotonic()

    result = run(args)

    assert time.monotonic() - started < 1.0
    assert result.exit_code == 6
    assert "could not resolve host 'api.llamacloud-test.invalid'" in result.stderr
    assert no_real_sleep == []
    assert MAY_EXIST not in result.stderr


# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made now with openssl (EC keys: a few milliseconds)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(
    self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, clean_proxy_env: None
) -> Iterator[FaultServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    with FaultServer(tls_context=context) as server:
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.url)
        yield server


@pytest.mark.parametrize("args", [GET_STATUS, CREATE], ids=["get-status", "create"])
def test_an_untrusted_certificate_fails_at_once_and_points_at_ssl_cert_file(
    tls_server: FaultServer, no_real_sleep: list[float], args: list[str]
) -> None:
    started = time.monotonic()

    result = run(args)

    assert time.monotonic() - started < 1.0
    assert result.exit_code == 6
    assert "TLS certificate of 127.0.0.1 could not be verified" in result.stderr
    assert "SSL_CERT_FILE" in result.stderr
    assert tls_server.wait_until(lambda: tls_server.failed_handshakes == 1)
    assert tls_server.connections == 1
    assert tls_server.requests == []
    assert no_real_sleep == []
    assert MAY_EXIST not in result.stderr


def test_ssl_cert_file_makes_a_private_ca_trusted(
    tls_server: FaultServer, self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(self_signed[0]))
    tls_server.script(respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert result.json() == STATUS
    assert [r.path for r in tls_server.requests] == [STATUS_PATH]


def test_https_to_a_plain_http_server_fails_at_once(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch, no_real_sleep: list[float]
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", f"https://127.0.0.1:{fault_server.port}")
    started = time.monotonic()

    result = run(GET_STATUS)

    assert time.monotonic() - started < 1.0
    assert result.exit_code == 6
    assert "TLS handshake with 127.0.0.1 failed" in result.stderr
    assert fault_server.connections == 1
    assert fault_server.requests == []
    assert no_real_sleep == []


# -- timeouts -------------------------------------------------------------------------------------


def test_timeout_and_retries_come_from_the_environment(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_TIMEOUT", "0.3")
    monkeypatch.setenv("LLAMA_CLOUD_MAX_RETRIES", "0")
    fault_server.script(stall())
    started = time.monotonic()

    result = run(GET_STATUS)

    assert 0.25 <= time.monotonic() - started < 1.5
    assert result.exit_code == 6
    assert "no response from 127.0.0.1 within 0.3 s" in result.stderr
    assert len(fault_server.requests) == 1


def test_the_client_waits_5_s_to_connect_and_timeout_seconds_for_the_rest() -> None:
    settings = resolve(
        api_key="k", base_url="http://127.0.0.1:9", output_format=OutputFormat.JSON,
        format_error=OutputFormat.JSON, transform=None, transform_error=None, raw_output=False,
        debug=False, dry_run=False, max_retries=None, timeout=12.5, env={},
    )  # fmt: skip
    api = ApiClient(settings)
    try:
        timeout = api._client().timeout
    finally:
        api.close()

    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (5.0, 12.5, 12.5, 12.5)
    assert settings.max_retries == 2


@pytest.fixture
def unanswered_port(clean_proxy_env: None) -> Iterator[int]:
    """A port whose accept queue is full, so a new connection hangs in the handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    probe = socket.socket()
    probe.settimeout(0.2)
    try:
        probe.connect(("127.0.0.1", port))
        pytest.skip("this platform accepts connections past a full backlog")
    except TimeoutError:
        pass
    except OSError:
        pytest.skip("this platform refuses connections past a full backlog")
    finally:
        probe.close()
    yield port
    for sock in [*fillers, listener]:
        sock.close()


def test_a_connect_timeout_lets_even_create_be_resent(
    unanswered_port: int, monkeypatch: pytest.MonkeyPatch, no_real_sleep: list[float]
) -> None:
    monkeypatch.setattr(client, "CONNECT_TIMEOUT", 0.1)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", f"http://127.0.0.1:{unanswered_port}")

    result = run(CREATE)

    assert result.exit_code == 6
    assert "could not connect to 127.0.0.1 within 0.1 s" in result.stderr
    assert len(no_real_sleep) == 2  # the server never saw it: three connection attempts
    assert MAY_EXIST not in result.stderr


# -- 5xx after retries ----------------------------------------------------------------------------


def test_5xx_after_retries_shows_method_url_status_and_the_servers_text(
    fault_server: FaultServer,
) -> None:
    fault_server.script(*[malformed("<h1>upstream timed out</h1>", status=502)] * 3)

    result = run(GET_STATUS)

    assert result.exit_code == 5
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first == (
        f"Error: GET {fault_server.url}{STATUS_PATH} failed: HTTP 502 Bad Gateway: "
        "<h1>upstream timed out</h1>"
    )
    assert "Traceback" not in result.stderr


# -- answers that are not what they should be (exit 7) --------------------------------------------


@pytest.mark.parametrize(
    "args",
    [GET_STATUS, ["beta:batch", "list"], ["beta:batch:job-items", "list", "job-1"], CREATE],
    ids=["get-status", "list", "job-items-list", "create"],
)
def test_a_body_that_is_not_json_exits_7(fault_server: FaultServer, args: list[str]) -> None:
    fault_server.script(malformed("<html>maintenance</html>"))

    result = run(args)

    assert result.exit_code == 7
    assert result.stdout == ""
    assert "not JSON" in result.stderr and "maintenance" in result.stderr
    assert len(fault_server.requests) == 1  # an answer came: nothing to retry


def test_an_empty_success_body_exits_7(fault_server: FaultServer) -> None:
    fault_server.script(respond(200))

    result = run(GET_STATUS)

    assert result.exit_code == 7
    assert "not JSON" in result.stderr


@pytest.mark.parametrize(
    ("args", "answer", "field"),
    [
        (GET_STATUS, {"job": JOB}, "progress_percentage: required field missing"),
        (GET_STATUS, {**STATUS, "job": {**JOB, "total_items": "many"}}, "job.total_items"),
        (["beta:batch", "list"], {"items": [{**JOB, "id": 7}]}, "items[0].id"),
        (["beta:batch", "cancel", "job-1"], {**CANCELLED, "job_id": None}, "job_id"),
        (
            ["beta:batch:job-items", "list", "job-1"],
            {"items": [{"item_id": "i", "status": "completed"}]},
            "items[0].item_name: required field missing",
        ),
        (
            ["beta:batch:job-items", "get-processing-results", "item-1"],
            {**RESULTS, "processing_results": "none"},
            "processing_results",
        ),
        (CREATE, {**JOB, "status": None}, "status"),
    ],
    ids=["status-missing", "status-type", "list", "cancel", "items", "results", "create"],
)
def test_an_answer_failing_validation_exits_7_naming_the_field(
    fault_server: FaultServer, args: list[str], answer: object, field: str
) -> None:
    fault_server.script(respond(200, json=answer))

    result = run(args)

    assert result.exit_code == 7
    assert result.stdout == ""
    assert field in result.stderr.splitlines()[0]
    assert len(fault_server.requests) == 1


def test_a_create_answer_failing_validation_says_the_job_probably_exists(
    fault_server: FaultServer,
) -> None:
    fault_server.script(respond(201, json={"id": "job-9"}))

    result = run(CREATE)

    assert result.exit_code == 7
    assert MAY_EXIST in result.stderr and "beta:batch list" in result.stderr


def test_unknown_fields_and_new_statuses_are_accepted_and_kept(fault_server: FaultServer) -> None:
    answer = {**STATUS, "job": {**JOB, "status": "paused"}, "eta_seconds": 12}
    fault_server.script(respond(200, json=answer))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert result.json() == answer


def test_a_redirect_loop_exits_7_not_as_a_bug(fault_server: FaultServer) -> None:
    fault_server.default = respond(302, headers={"Location": STATUS_PATH})

    result = run(GET_STATUS)

    assert result.exit_code == 7
    assert "redirects" in result.stderr
    assert "bug" not in result.stderr


def test_a_corrupt_compressed_body_exits_7_not_as_a_bug(fault_server: FaultServer) -> None:
    fault_server.script(respond(200, body=b"not gzip at all", headers={"Content-Encoding": "gzip"}))

    result = run(GET_STATUS)

    assert result.exit_code == 7
    assert "bug" not in result.stderr
    assert len(fault_server.requests) == 1


def test_a_redirect_is_followed(fault_server: FaultServer) -> None:
    fault_server.script(
        respond(307, headers={"Location": "/moved" + STATUS_PATH}), respond(200, json=STATUS)
    )

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert [r.path for r in fault_server.requests] == [STATUS_PATH, "/moved" + STATUS_PATH]


# -- proxies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_variable_sends_requests_through_the_proxy(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, fault_server.url)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "http://api.llamacloud-test.invalid")
    fault_server.script(respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    (seen,) = fault_server.requests
    assert seen.target == "http://api.llamacloud-test.invalid" + STATUS_PATH
    assert seen.headers["host"] == "api.llamacloud-test.invalid"
    assert seen.headers["authorization"].startswith("Bearer ")


def test_https_proxy_is_asked_to_tunnel_to_the_api_host(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", fault_server.url)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "https://api.llamacloud-test.invalid")
    fault_server.default = respond(403, body="tunnel refused")

    result = run([*GET_STATUS, "--max-retries", "0"])

    assert result.exit_code == 6
    assert "the proxy refused the connection: 403" in result.stderr
    assert "HTTPS_PROXY" in result.stderr
    (seen,) = fault_server.requests
    assert (seen.method, seen.target) == ("CONNECT", "api.llamacloud-test.invalid:443")
    assert "authorization" not in seen.headers  # the key goes only inside the tunnel


def test_no_proxy_bypasses_the_proxy(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fault_server.script(respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert [r.target for r in fault_server.requests] == [STATUS_PATH]


def test_an_unreachable_proxy_is_a_network_failure(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")

    result = run([*GET_STATUS, "--max-retries", "0"])

    assert result.exit_code == 6
    assert "connection refused" in result.stderr
    assert fault_server.requests == []


# -- lists and stdout -----------------------------------------------------------------------------


def test_a_list_failing_on_a_later_page_exits_with_that_error(fault_server: FaultServer) -> None:
    fault_server.script(
        respond(200, json={"items": [JOB], "total_size": 2}),
        *[respond(500, json={"detail": "page 2 broke"})] * 3,
    )

    result = run(["--format", "jsonl", "beta:batch", "list"])

    assert result.exit_code == 5
    assert "page 2 broke" in result.stderr
    assert len(fault_server.requests) == 4  # page 1, then page 2 three times


def test_a_list_page_that_times_out_is_retried(fault_server: FaultServer) -> None:
    fault_server.script(stall(), respond(200, json=ITEM_PAGE))

    result = run(["--timeout", "0.2", "beta:batch:job-items", "list", "job-1"])

    assert result.exit_code == 0, result.stderr
    assert len(fault_server.requests) == 2
    assert json.loads(result.stdout) == ITEM_PAGE["items"][0]
