"""A minimal fixed-answer LlamaCloud batch API for benchmarks (loopback only).

It answers fast so that client time, not server time, dominates a measurement:

* ``POST /api/v1/beta/batch-processing``: reads the whole body (up to 16 MiB; 4 MB bodies
  with 100,000 item ids are normal here) and answers one fixed, valid ``BatchJob``.
* ``GET /api/v1/beta/batch-processing?limit=&offset=``: a page of pre-encoded jobs,
  ``{"items": [...], "total_size": N}``, honouring ``limit`` (default 50, at most 1000)
  and ``offset``. N is ``--total`` (default 5,000).
* ``GET /api/v1/beta/batch-processing/{job_id}``: a fixed get-status answer.
* ``GET /__stats``: counters (requests by method, bytes received, largest body) so the
  harness can check that each timed run really did the work; ``POST /__reset`` zeroes them.

HTTP/1.1 keep-alive, TCP_NODELAY, and each response goes out in one ``sendall`` (headers
and body together) so Nagle and delayed ACKs cannot add 40 ms stalls.

Run alone: ``python benchmarks/server.py --port 8765``. It prints ``listening on
http://127.0.0.1:PORT`` on stdout once it accepts connections, then serves until killed.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASE = "/api/v1/beta/batch-processing"
MAX_BODY = 16 * 1024 * 1024
STATUSES = ("pending", "running", "dispatched", "completed", "failed", "cancelled")


def make_job(index: int, *, total_items: int = 1) -> dict[str, object]:
    """A BatchJob with all 17 fields of api.md §3.1, as the real API would send it."""
    return {
        "id": f"bjb-{index:08d}-0000-4000-8000-000000000000",
        "job_type": "parse",
        "project_id": "proj-00000000-0000-4000-8000-000000000001",
        "status": STATUSES[index % len(STATUSES)],
        "total_items": total_items,
        "processed_items": index % 7,
        "failed_items": index % 3,
        "skipped_items": 0,
        "directory_id": None,
        "error_message": None,
        "job_record_id": f"jr-{index:08d}",
        "workflow_id": f"wf-{index:08d}",
        "created_at": "2026-04-17T10:11:12.123Z",
        "updated_at": "2026-04-17T10:12:13.456Z",
        "started_at": "2026-04-17T10:11:13.000Z",
        "completed_at": None,
        "effective_at": "2026-04-17T10:11:12.123Z",
    }


class State:
    def __init__(self, total: int) -> None:
        self.total = total
        self.jobs = [json.dumps(make_job(i), separators=(",", ":")).encode() for i in range(total)]
        self.created = json.dumps(make_job(0, total_items=1)).encode()
        self.status = json.dumps({"job": make_job(0), "progress_percentage": 0.0}).encode()
        self.lock = threading.Lock()
        self.pages: dict[tuple[int, int], bytes] = {}
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.stats = {"GET": 0, "POST": 0, "bytes_in": 0, "max_body": 0, "list_items": 0}

    def page(self, limit: int, offset: int) -> tuple[bytes, int]:
        key = (limit, offset)
        cached = self.pages.get(key)
        chunk = self.jobs[offset : offset + limit] if offset < self.total else []
        if cached is None:
            cached = b'{"items":[' + b",".join(chunk) + b'],"total_size":%d}' % self.total
            self.pages[key] = cached
        return cached, len(chunk)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        head = (
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode("latin-1")
        self.wfile.write(head + body)

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(413, b'{"detail":"body too large"}')
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        state = self.server.state
        parts = urlsplit(self.path)
        if parts.path == "/__stats":
            with state.lock:
                self._reply(200, json.dumps(state.stats).encode())
            return
        with state.lock:
            state.stats["GET"] += 1
        if parts.path.rstrip("/") == BASE:
            query = parse_qs(parts.query)
            try:
                limit = min(max(int(query.get("limit", ["50"])[0]), 1), 1000)
                offset = max(int(query.get("offset", ["0"])[0]), 0)
            except ValueError:
                self._reply(422, b'{"detail":"limit and offset must be integers"}')
                return
            body, count = state.page(limit, offset)
            with state.lock:
                state.stats["list_items"] += count
            self._reply(200, body)
            return
        if parts.path.startswith(BASE + "/"):
            self._reply(200, state.status)
            return
        self._reply(404, b'{"detail":"Not Found"}')

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        state = self.server.state
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path.rstrip("/")
        if path == "/__reset":
            state.reset()
            self._reply(200, b"{}")
            return
        with state.lock:
            state.stats["POST"] += 1
            state.stats["bytes_in"] += len(body)
            state.stats["max_body"] = max(state.stats["max_body"], len(body))
        if path == BASE:
            self._reply(200, state.created)
            return
        self._reply(404, b'{"detail":"Not Found"}')


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], total: int) -> None:
        self.state = State(total)
        super().__init__(address, Handler)


def start(port: int = 0, total: int = 5000) -> tuple[Server, threading.Thread]:
    """Start in a background thread (for tests and one-off checks); returns (server, thread)."""
    server = Server(("127.0.0.1", port), total)
    thread = threading.Thread(target=server.serve_forever, name="bench-server", daemon=True)
    thread.start()
    return server, thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--total", type=int, default=5000, help="jobs the list endpoint holds")
    args = parser.parse_args(argv)
    server = Server(("127.0.0.1", args.port), args.total)
    sys.stdout.write(f"listening on http://127.0.0.1:{server.server_address[1]}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
