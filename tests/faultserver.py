"""A real HTTP/1.1 server on 127.0.0.1 that misbehaves on cue.

Tests script it with one action per request, in order::

    fault_server.script(respond(503), drop(), respond(200, json={"ok": True}))

and then count and inspect what reached it (`fault_server.requests`). Actions:

- `respond(status, json=..., body=..., headers=...)`: an ordinary answer;
- `delay(seconds, then)`: wait, then do `then` (the client may have given up by then);
- `stall()`: read the request and never answer (until the server stops);
- `drop()`: read the request, then close the connection without a word;
- `reset()`: read the request, then abort the connection (TCP RST);
- `malformed(body)`: 200 with a body that is not JSON;
- `truncated()`: promise a longer body than is sent, then close;
- `rate_limited(retry_after)`: 429 with a `Retry-After` header.

When the script runs out, every further request gets `default` (a 500 that forbids retries,
so that an unscripted request shows up as a failure, not as a hang).

The fixture `fault_server` starts one per test, points LLAMA_CLOUD_BASE_URL at it and clears
proxy variables; import it into a test module with
`from faultserver import fault_server_fixture`.
Stalled and delayed handlers wait on a stop event, and every open connection is shut down on
stop, so a test never waits for a handler thread.
"""

from __future__ import annotations

import json as jsonlib
import socket
import ssl
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

# Proxy settings of the machine running the tests must not reroute requests to 127.0.0.1.
PROXY_ENV_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)
# A backstop: an idle keep-alive connection is closed after this long even without a stop.
IDLE_SOCKET_TIMEOUT = 5.0


# -- actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    kind: str  # respond | delay | stall | drop | reset | truncated
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    then: Action | None = None


def respond(
    status: int = 200,
    *,
    json: Any = None,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
) -> Action:
    """Answer `status` with a JSON body (`json`), raw bytes (`body`) or nothing."""
    all_headers = dict(headers or {})
    if json is not None:
        payload = jsonlib.dumps(json).encode()
        all_headers.setdefault("Content-Type", "application/json")
    elif body is not None:
        payload = body.encode() if isinstance(body, str) else body
    else:
        payload = b""
    return Action("respond", status=status, body=payload, headers=tuple(all_headers.items()))


def delay(seconds: float, then: Action | None = None) -> Action:
    return Action("delay", seconds=seconds, then=then or respond(200, json={}))


def stall() -> Action:
    return Action("stall")


def drop() -> Action:
    return Action("drop")


def reset() -> Action:
    return Action("reset")


def truncated(status: int = 200) -> Action:
    return Action("truncated", status=status, body=b'{"id": "job-')


def malformed(body: str = "<html><body>Bad gateway</body></html>", status: int = 200) -> Action:
    return respond(status, body=body, headers={"Content-Type": "text/html"})


def rate_limited(retry_after: str, *, header: str = "Retry-After") -> Action:
    return respond(429, json={"detail": "Too many requests"}, headers={header: retry_after})


UNSCRIPTED = respond(
    500,
    json={"detail": "fault server: no action scripted for this request"},
    headers={"x-should-retry": "false"},
)


# Canned valid answers, one per response model.
JOB: dict[str, Any] = {
    "id": "job-1",
    "job_type": "parse",
    "project_id": "proj-1",
    "status": "pending",
    "total_items": 2,
}
STATUS: dict[str, Any] = {"job": {**JOB, "status": "running"}, "progress_percentage": 50.0}
JOB_PAGE: dict[str, Any] = {"items": [JOB], "total_size": 1}
CANCELLED: dict[str, Any] = {
    "job_id": "job-1",
    "message": "cancelled",
    "processed_items": 0,
    "status": "cancelled",
}
ITEM_PAGE: dict[str, Any] = {
    "items": [{"item_id": "item-1", "item_name": "a.pdf", "status": "completed"}],
    "total_size": 1,
}
RESULTS: dict[str, Any] = {"item_id": "item-1", "item_name": "a.pdf", "processing_results": []}


# -- what the server saw ----------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    target: str  # the request-target as sent: a path, or an absolute URI through a proxy
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    received_at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return jsonlib.loads(self.body)


# -- the server -------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(IDLE_SOCKET_TIMEOUT)
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every answer on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        record = RecordedRequest(
            method=self.command,
            target=self.path,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        action = self.server.fault.take(record)
        self._perform(action)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_CONNECT = _handle

    def _perform(self, action: Action) -> None:
        stop = self.server.fault.stop_event
        if action.kind == "delay":
            if stop.wait(action.seconds):
                self.close_connection = True
                return
            assert action.then is not None
            self._perform(action.then)
        elif action.kind == "stall":
            stop.wait()
            self.close_connection = True
        elif action.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif action.kind == "reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif action.kind == "truncated":
            self.close_connection = True
            self.send_response(action.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(action.body) + 100))
            self.end_headers()
            self.wfile.write(action.body)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.send_response(action.status)
            for name, value in action.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(action.body)))
            self.end_headers()
            self.wfile.write(action.body)
            self.wfile.flush()

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError):
            pass  # the client went away, or the server is stopping: nothing to answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() ends handlers itself and must not wait on a stuck one
    fault: FaultServer

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = self.socket.accept()
        if self.fault.tls_context is not None:
            # The handshake runs in the handler thread (finish_request), so a failing one is
            # counted and never blocks the accept loop.
            conn = self.fault.tls_context.wrap_socket(
                conn, server_side=True, do_handshake_on_connect=False
            )
        self.fault._opened(conn)
        return conn, address

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(IDLE_SOCKET_TIMEOUT)
                request.do_handshake()
            except (OSError, ValueError):
                self.fault.failed_handshakes += 1
                return
        super().finish_request(request, client_address)


class FaultServer:
    """Start with `start()` (or use the `fault_server` fixture); script; inspect; `stop()`."""

    def __init__(self, tls_context: ssl.SSLContext | None = None, *, port: int = 0) -> None:
        self.tls_context = tls_context
        self.requested_port = port
        self.requests: list[RecordedRequest] = []
        self.connections = 0  # TCP connections accepted, TLS handshake or not
        self.failed_handshakes = 0
        self.default: Action = UNSCRIPTED
        self.stop_event = threading.Event()
        self._actions: deque[Action] = deque()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # scripting

    def script(self, *actions: Action) -> FaultServer:
        with self._lock:
            self._actions.extend(actions)
        return self

    def take(self, record: RecordedRequest) -> Action:
        with self._lock:
            self.requests.append(record)
            return self._actions.popleft() if self._actions else self.default

    @property
    def pending_actions(self) -> int:
        with self._lock:
            return len(self._actions)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 1.0) -> bool:
        """For counters that handler threads update after the client has already moved on."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    # address

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the server first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self.tls_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    # life cycle

    def _opened(self, conn: socket.socket) -> None:
        with self._lock:
            self.connections += 1
            self._sockets.append(conn)

    def start(self) -> FaultServer:
        server = _Server(("127.0.0.1", self.requested_port), _Handler)
        server.fault = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for conn in sockets:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(name="fault_server")
def fault_server_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    """A fault server on 127.0.0.1, with LLAMA_CLOUD_BASE_URL pointing at it."""
    for name in PROXY_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    with FaultServer() as server:
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.url)
        yield server


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
