"""The emulator's HTTP layer: stdlib `ThreadingHTTPServer`, HTTP/1.1 keep-alive, JSON bodies.

Order for each request: optional `latency` sleep -> route (404 unknown path, 405 wrong method)
-> auth (401 without `Authorization: Bearer <non-empty>`) -> fault injection -> the operation.
Path segments are split first and percent-decoded after, so `job%2F1%20x` is the id `job/1 x`.
Bodies are JSON (`Content-Length` or chunked) up to `max_body_bytes` (413 beyond). Fault injection draws one number per authenticated request from a generator seeded
with `--seed`: below `fail_rate` the answer is a 503 (decided before the request is handled,
so nothing happened) or a 500 (decided *after* it was handled, so the work may have been done,
like a real server failing late); in the next `rate_limit_rate` share it is a 429 with
`Retry-After: 1` (nothing happened). With one client at a time the sequence is reproducible.
"""

from __future__ import annotations

import json
import random
import signal
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote

from llamacloud_cli.emulator.state import (
    ITEM_STATUSES,
    JOB_STATUSES,
    JOB_TYPES,
    ApiError,
    Emulator,
    EmulatorConfig,
    JsonObject,
    error,
    parse_enum_query,
    parse_int_query,
)

_PREFIX = ("api", "v1", "beta", "batch-processing")
MAX_LIMIT = 1000


@dataclass
class Response:
    status: int
    payload: object = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    close: bool = False

    def body(self) -> bytes:
        if self.payload is None:
            return b""
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


def _json_error(status: int, detail: object, **headers: str) -> Response:
    return Response(
        status, {"detail": detail}, [(k.replace("_", "-"), v) for k, v in headers.items()]
    )


Handler = Callable[[list[str], dict[str, str], bytes], JsonObject]


class App:
    """Routing, auth, faults and the six operations, independent of sockets."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.config = emulator.config
        self._faults = random.Random(self.config.seed)
        self._faults_lock = threading.Lock()

    def handle(
        self, method: str, raw_path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        if self.config.latency > 0:
            time.sleep(self.config.latency)
        route = self._route(raw_path)
        if route is None:
            return _json_error(404, "Not Found")
        handlers, params = route
        handler = handlers.get("GET" if method == "HEAD" else method)
        if handler is None:
            allow = ", ".join(sorted(handlers))
            return _json_error(405, "Method Not Allowed", Allow=allow)
        if not _authorized(headers.get("authorization")):
            return _json_error(401, "Not authenticated", WWW_Authenticate="Bearer")
        fault = self._draw_fault()
        if fault == 503:
            return _json_error(503, "Service Unavailable (emulated fault)")
        if fault == 429:
            return _json_error(429, "Too Many Requests (emulated fault)", Retry_After="1")
        parsed = parse_qs(query, keep_blank_values=True)
        query_params = {key: values[-1] for key, values in parsed.items()}
        try:
            response = Response(200, handler(params, query_params, body))
        except ApiError as exc:
            response = Response(exc.status, exc.body())
        if fault == 500:
            return _json_error(500, "Internal Server Error (emulated fault)")
        return response

    # -- faults ---------------------------------------------------------------------------

    def _draw_fault(self) -> int | None:
        fail_rate, limit_rate = self.config.fail_rate, self.config.rate_limit_rate
        if fail_rate <= 0 and limit_rate <= 0:
            return None
        with self._faults_lock:
            draw = self._faults.random()
            pick = self._faults.random()
        if draw < fail_rate:
            return 500 if pick < 0.5 else 503
        if draw < fail_rate + limit_rate:
            return 429
        return None

    # -- routing --------------------------------------------------------------------------

    def _route(self, raw_path: str) -> tuple[dict[str, Handler], list[str]] | None:
        if not raw_path.startswith("/"):
            return None
        segments = [unquote(part) for part in raw_path[1:].split("/")]
        if tuple(segments[:4]) != _PREFIX:
            return None
        rest = segments[4:]
        if any(part == "" for part in rest):
            return None
        if not rest:
            return {"GET": self._list_jobs, "POST": self._create}, []
        if len(rest) == 1:
            return {"GET": self._get_status}, rest
        if len(rest) == 2 and rest[1] == "cancel":
            return {"POST": self._cancel}, rest[:1]
        if len(rest) == 2 and rest[1] == "items":
            return {"GET": self._list_items}, rest[:1]
        if len(rest) == 3 and rest[0] == "items" and rest[2] == "processing-results":
            return {"GET": self._results}, rest[1:2]
        return None

    # -- operations -----------------------------------------------------------------------

    def _create(self, params: list[str], query: dict[str, str], body: bytes) -> JsonObject:
        data = _decode_json(body, required=True)
        return self.emulator.create_job(data, project_id=query.get("project_id") or None)

    def _list_jobs(self, params: list[str], query: dict[str, str], body: bytes) -> JsonObject:
        status = parse_enum_query("status", query.get("status"), JOB_STATUSES)
        job_type = parse_enum_query("job_type", query.get("job_type"), JOB_TYPES)
        limit = parse_int_query("limit", query.get("limit"), 50, minimum=1, maximum=MAX_LIMIT)
        offset = parse_int_query("offset", query.get("offset"), 0, minimum=0)
        return self.emulator.list_jobs(
            directory_id=query.get("directory_id") or None,
            job_type=job_type,
            status=status,
            project_id=query.get("project_id") or None,
            limit=limit,
            offset=offset,
        )

    def _get_status(self, params: list[str], query: dict[str, str], body: bytes) -> JsonObject:
        return self.emulator.get_status(params[0])

    def _cancel(self, params: list[str], query: dict[str, str], body: bytes) -> JsonObject:
        data = _decode_json(body, required=False)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ApiError(
                422,
                [error(["body"], "Input should be a valid dictionary", "model_attributes_type")],
            )
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise ApiError(
                422, [error(["body", "reason"], "Input should be a valid string", "string_type")]
            )
        return self.emulator.cancel_job(params[0], reason)

    def _list_items(self, params: list[str], query: dict[str, str], body: bytes) -> JsonObject:
        status = parse_enum_query("status", query.get("status"), ITEM_STATUSES)
        limit = parse_int_query("limit", query.get("limit"), 100, minimum=1, maximum=MAX_LIMIT)
        offset = parse_int_query("offset", query.get("offset"), 0, minimum=0)
        return self.emulator.list_items(params[0], status=status, limit=limit, offset=offset)

    def _results(self, params: list[str], query: dict[str, str], body: bytes) -> JsonObject:
        job_type = parse_enum_query("job_type", query.get("job_type"), JOB_TYPES)
        return self.emulator.processing_results(params[0], job_type=job_type)


def _authorized(value: str | None) -> bool:
    if not value:
        return False
    scheme, _, token = value.strip().partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _decode_json(body: bytes, *, required: bool) -> Any:
    if not body.strip():
        if required:
            raise ApiError(422, [error(["body"], "Field required", "missing")])
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            422,
            [
                {
                    **error(["body", 0], "JSON decode error", "json_invalid"),
                    "ctx": {"error": str(exc)},
                }
            ],
        ) from None


# ---------------------------------------------------------------------------------------------
# Sockets


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "llamacloud-prod-emulator"
    sys_version = ""
    timeout = 120  # seconds an idle keep-alive connection is kept
    server: _Server

    def setup(self) -> None:
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # pragma: no cover - not a TCP socket
            pass

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _dispatch(self) -> None:
        started = time.perf_counter()
        body = self._read_body()
        if body is None:
            return
        raw_path, _, query = self.path.partition("?")
        query = query.partition("#")[0]
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            response = self.server.app.handle(self.command, raw_path, query, headers, body)
        except Exception as exc:  # noqa: BLE001 - a bug must still answer
            response = _json_error(500, f"emulator bug: {type(exc).__name__}: {exc}")
        self._send(response, started)

    def _read_body(self) -> bytes | None:
        limit = self.server.app.config.max_body_bytes
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked(limit)
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
            if length < 0:
                raise ValueError(raw_length)
        except ValueError:
            self._send(_json_error(400, "Invalid Content-Length"), close=True)
            return None
        if length > limit:
            self._refuse_too_large(limit)
            return None
        return self.rfile.read(length)

    def _read_chunked(self, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(65537)
            try:
                chunk_size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self._send(_json_error(400, "Invalid chunked body"), close=True)
                return None
            if chunk_size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            size += chunk_size
            if size > limit:
                self._refuse_too_large(limit)
                return None
            chunks.append(self.rfile.read(chunk_size))
            self.rfile.readline(65537)

    def _refuse_too_large(self, limit: int) -> None:
        """Answer 413, then read and drop what the client is still sending for a moment, so
        that closing does not reset the connection before the client has read the answer."""
        self._send(_json_error(413, f"Request body larger than {limit} bytes"), close=True)
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1.0)
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline and self.rfile.read1(65536):
                pass
        except OSError:
            pass

    def _send(self, response: Response, started: float | None = None, close: bool = False) -> None:
        body = response.body()
        close = close or response.close or self.close_connection
        phrase = _phrase(response.status)
        head = [
            f"HTTP/1.1 {response.status} {phrase}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
            f"Content-Length: {len(body)}",
        ]
        if body:
            head.append("Content-Type: application/json")
        head.extend(f"{name}: {value}" for name, value in response.headers)
        if close:
            head.append("Connection: close")
            self.close_connection = True
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            data += body
        self.wfile.write(data)
        if self.server.app.config.access_log:
            elapsed = "" if started is None else f" {1000 * (time.perf_counter() - started):.1f}ms"
            self.log_message('"%s" %d %d%s', self.requestline, response.status, len(body), elapsed)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors raised by http.server itself (bad request line, 414, 431, 501) as JSON."""
        self.close_connection = True
        self._send(_json_error(code, message or _phrase(code)), close=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.app.config.access_log:
            line = f"{self.address_string()} - [{self.log_date_time_string()}] {format % args}\n"
            with _LOG_LOCK:
                sys.stderr.write(line)
                sys.stderr.flush()


_LOG_LOCK = threading.Lock()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can stall.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # a client went away: not worth a traceback
        super().handle_error(request, client_address)


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _client_host(host: str) -> str:
    """Where a client on this machine should connect when the server listens on `host`."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def _make_server(host: str, port: int, config: EmulatorConfig) -> _Server:
    return _Server((host, port), App(Emulator(config)))


def _warm_up() -> None:
    """Load the job_config checker in the background so the first create answers fast."""
    try:
        from llamacloud_cli.models.job_config import check_job_config

        check_job_config({})  # builds the validators, which pydantic defers to first use
        check_job_config({"rules": []})
    except Exception:  # noqa: BLE001 - best effort: the create handler imports it anyway
        pass


def serve(host: str, port: int, config: EmulatorConfig) -> None:
    """Run the emulator in the foreground until Ctrl-C."""
    server = _make_server(host, port, config)
    actual_port = int(server.server_address[1])
    url = _url(host, actual_port)
    client_url = _url(_client_host(host), actual_port)
    sys.stderr.write(
        f"llamacloud-prod emulator listening on {url} (Ctrl-C to stop)\n"
        f"  export LLAMA_CLOUD_BASE_URL={client_url} LLAMA_CLOUD_API_KEY=any\n"
    )
    sys.stderr.flush()
    threading.Thread(target=_warm_up, daemon=True).start()
    previous_handler = None
    if threading.current_thread() is threading.main_thread():
        # `kill PID` (SIGTERM) stops it as cleanly as Ctrl-C.
        previous_handler = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        sys.stderr.write("llamacloud-prod emulator stopped\n")
        sys.stderr.flush()
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
        server.close_connections()
        server.server_close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class RunningEmulator:
    """An emulator serving on a background thread (tests, benchmarks)."""

    def __init__(self, server: _Server, host: str) -> None:
        self._server = server
        self.host = host
        self.port = int(server.server_address[1])
        self.base_url = _url(_client_host(host), self.port)
        self.app = server.app
        self.emulator = server.app.emulator
        self.config = server.app.config
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"llamacloud-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._stopped = False

    def stop(self) -> None:
        """Stop serving, close open connections and free the port (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_background(
    host: str = "127.0.0.1", port: int = 0, config: EmulatorConfig | None = None
) -> RunningEmulator:
    """Start an emulator on a daemon thread; port 0 picks a free port. Use `.stop()` or `with`."""
    server = _make_server(host, port, config if config is not None else EmulatorConfig())
    threading.Thread(target=_warm_up, daemon=True).start()
    return RunningEmulator(server, host)
