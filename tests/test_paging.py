"""Auto-paging of `beta:batch list` and `beta:batch:job-items list` (CONTRACT §6, anchor-cli §3.3).

Pages are fetched lazily by offset, items are printed as they arrive in every format, and
`--max-items` stops early without asking for another page. The `| head` tests run the real
program in a subprocess against a small HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import respx
from conftest import BASE_URL, run

JOBS = "/api/v1/beta/batch-processing"
ITEMS = f"{JOBS}/bjb-1/items"


def job(number: int) -> dict[str, Any]:
    return {
        "id": f"bjb-{number}",
        "job_type": "parse",
        "project_id": "proj-1",
        "status": "completed",
        "total_items": 2,
    }


def item(number: int) -> dict[str, Any]:
    return {"item_id": f"dfl-{number}", "item_name": f"file-{number}.pdf", "status": "failed"}


def ids(count: int, start: int = 0) -> list[str]:
    return [f"bjb-{n}" for n in range(start, start + count)]


class Pages:
    """A respx side effect serving `items` by offset and limit, like the API does."""

    def __init__(self, items: list[dict[str, Any]], page_size: int, *, total: bool = True):
        self.items = items
        self.page_size = page_size
        self.total = total

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        offset = int(params.get("offset", 0))
        limit = int(params.get("limit", self.page_size))
        body: dict[str, Any] = {"items": self.items[offset : offset + limit]}
        if self.total:
            body["total_size"] = len(self.items)
        return httpx.Response(200, json=body)


def page(items: list[dict[str, Any]], total: int | None = None) -> httpx.Response:
    body: dict[str, Any] = {"items": items}
    if total is not None:
        body["total_size"] = total
    return httpx.Response(200, json=body)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def offsets(mock: respx.MockRouter) -> list[str | None]:
    return [call.request.url.params.get("offset") for call in mock.calls]


def printed_ids(stdout: str) -> list[str]:
    """The ids of a stream of JSON values (indented or one per line)."""
    decoder = json.JSONDecoder()
    values, index = [], 0
    while index < len(stdout.rstrip()):
        value, end = decoder.raw_decode(stdout, index)
        values.append(value)
        index = end
        while index < len(stdout) and stdout[index].isspace():
            index += 1
    return [v.get("id") or v.get("item_id") for v in values]


# --- which pages are asked for -------------------------------------------------------------------


def test_pages_are_requested_by_offset_advancing_by_the_items_received(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(7)], page_size=3))
    result = run(["beta:batch", "list"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None, "3", "6"]  # the first page sends no offset: only given values
    assert printed_ids(result.stdout) == ids(7)


def test_the_users_limit_and_filters_are_resent_on_every_page(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(7)], page_size=50))
    result = run(
        ["beta:batch", "list", "--limit", "3", "--status", "FAILED", "--project-id", "proj-1"]
    )
    assert result.exit_code == 0, result.stderr
    assert [sorted(c.request.url.params.multi_items()) for c in mock.calls] == [
        [("limit", "3"), ("project_id", "proj-1"), ("status", "failed")],
        [("limit", "3"), ("offset", "3"), ("project_id", "proj-1"), ("status", "failed")],
        [("limit", "3"), ("offset", "6"), ("project_id", "proj-1"), ("status", "failed")],
    ]


def test_paging_continues_from_the_users_own_offset(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(8)], page_size=50))
    result = run(["beta:batch", "list", "--offset", "4", "--limit", "2"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == ["4", "6"]  # 6 + 2 reaches total_size 8: no third request
    assert printed_ids(result.stdout) == ids(4, start=4)


def test_paging_stops_at_total_size_without_asking_for_an_empty_page(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(6)], page_size=3))
    result = run(["beta:batch", "list"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None, "3"]


def test_paging_stops_at_a_page_shorter_than_the_limit_when_total_size_is_absent(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(7)], page_size=3, total=False))
    result = run(["beta:batch", "list", "--limit", "3"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None, "3", "6"]
    assert printed_ids(result.stdout) == ids(7)


def test_without_limit_or_total_size_the_first_page_length_is_taken_as_the_page_size(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(8)], page_size=3, total=False))
    result = run(["beta:batch", "list"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None, "3", "6"]  # the third page has 2 < 3 items
    assert printed_ids(result.stdout) == ids(8)


def test_paging_stops_at_an_empty_page_when_total_size_is_absent(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(6)], page_size=3, total=False))
    result = run(["beta:batch", "list"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None, "3", "6"]
    assert printed_ids(result.stdout) == ids(6)


def test_an_empty_page_ends_paging_even_when_total_size_promises_more(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=[page([job(0), job(1)], total=100), page([], total=100)])
    result = run(["beta:batch", "list"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None, "2"]
    assert printed_ids(result.stdout) == ids(2)


def test_job_items_pages_keep_the_job_path_and_the_status_filter(mock: respx.MockRouter) -> None:
    mock.get(ITEMS).mock(side_effect=Pages([item(n) for n in range(5)], page_size=2))
    result = run(["beta:batch:job-items", "list", "bjb-1", "--status", "failed", "--limit", "2"])
    assert result.exit_code == 0, result.stderr
    assert {c.request.url.path for c in mock.calls} == {ITEMS}
    assert [dict(c.request.url.params) for c in mock.calls] == [
        {"status": "failed", "limit": "2"},
        {"status": "failed", "limit": "2", "offset": "2"},
        {"status": "failed", "limit": "2", "offset": "4"},
    ]
    assert printed_ids(result.stdout) == [f"dfl-{n}" for n in range(5)]


def test_a_failing_later_page_keeps_earlier_items_and_exits_with_its_error(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=[page([job(0), job(1)], total=4)] + [httpx.Response(503)] * 3)
    result = run(["beta:batch", "list"])
    assert result.exit_code == 5
    assert printed_ids(result.stdout) == ids(2)
    assert offsets(mock) == [None, "2", "2", "2"]  # the failing page is retried, then given up
    assert f"GET {BASE_URL}{JOBS}?offset=2" in result.stderr


# --- --max-items ---------------------------------------------------------------------------------


def test_max_items_stops_mid_page_without_requesting_another_page(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(9)], page_size=3))
    result = run(["beta:batch", "list", "--max-items", "4"])
    assert result.exit_code == 0, result.stderr
    assert printed_ids(result.stdout) == ids(4)
    assert offsets(mock) == [None, "3"]


def test_max_items_reached_at_a_page_end_requests_no_further_page(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(9)], page_size=3))
    result = run(["beta:batch", "list", "--max-items", "3"])
    assert result.exit_code == 0, result.stderr
    assert printed_ids(result.stdout) == ids(3)
    assert offsets(mock) == [None]


def test_max_items_minus_one_means_no_limit(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(7)], page_size=3))
    result = run(["beta:batch", "list", "--max-items", "-1"])
    assert result.exit_code == 0, result.stderr
    assert printed_ids(result.stdout) == ids(7)


def test_max_items_zero_prints_nothing(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(7)], page_size=3))
    result = run(["beta:batch", "list", "--max-items", "0"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert len(mock.calls) <= 1


def test_max_items_is_never_sent_to_the_server(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(7)], page_size=3))
    run(["beta:batch", "list", "--max-items", "5"])
    assert all("max_items" not in c.request.url.params for c in mock.calls)


# --- every output format -------------------------------------------------------------------------


def test_json_prints_one_indented_object_after_another_not_an_array(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(3)], page_size=2))
    result = run(["beta:batch", "list", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    expected = "".join(json.dumps(job(n), indent=2) + "\n" for n in range(3))
    assert result.stdout == expected


def test_jsonl_prints_one_line_per_item_across_pages(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(3)], page_size=2))
    result = run(["beta:batch", "list", "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [job(n) for n in range(3)]
    assert all(" " not in line for line in lines)  # compact, one value per line


def test_yaml_separates_items_with_document_markers_across_pages(mock: respx.MockRouter) -> None:
    from ruamel.yaml import YAML

    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(3)], page_size=2))
    result = run(["beta:batch", "list", "--format", "yaml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("---\n") == 2
    assert not result.stdout.startswith("---")
    documents = list(YAML(typ="safe").load_all(result.stdout))
    assert documents == [job(n) for n in range(3)]


def test_raw_prints_each_pages_server_bytes_unchanged(mock: respx.MockRouter) -> None:
    first = b'{"items": [{"id":"bjb-0","job_type":"parse","project_id":"p","status":"x",  '
    first += b'"total_items":1}],   "total_size": 2, "extra": true}'
    second = b'{"total_size":2,"items":[{"id":"bjb-1","job_type":"parse","project_id":"p",'
    second += b'"status":"x","total_items":1}]}'
    mock.get(JOBS).mock(
        side_effect=[httpx.Response(200, content=first), httpx.Response(200, content=second)]
    )
    result = run(["beta:batch", "list", "--format", "raw"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == first.decode() + "\n" + second.decode() + "\n"


def test_raw_with_max_items_stops_after_the_page_that_reaches_it(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(9)], page_size=3))
    result = run(["beta:batch", "list", "--format", "raw", "--max-items", "3"])
    assert result.exit_code == 0, result.stderr
    assert offsets(mock) == [None]
    assert len(result.stdout.splitlines()) == 1
    assert [j["id"] for j in json.loads(result.stdout)["items"]] == ids(3)


def test_raw_with_max_items_zero_prints_nothing(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(9)], page_size=3))
    result = run(["beta:batch", "list", "--format", "raw", "--max-items", "0"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def test_transform_applies_to_each_item_across_pages(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(5)], page_size=2))
    quoted = run(["beta:batch", "list", "--transform", "id"])
    bare = run(["beta:batch", "list", "--transform", "id", "--raw-output"])
    assert quoted.stdout == "".join(f'"bjb-{n}"\n' for n in range(5))
    assert bare.stdout == "".join(f"bjb-{n}\n" for n in range(5))


def test_raw_format_with_transform_prints_each_transformed_item(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(3)], page_size=2))
    result = run(["beta:batch", "list", "--format", "raw", "--transform", "@this"])
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [job(n) for n in range(3)]


def test_pretty_prints_one_panel_per_item(mock: respx.MockRouter) -> None:
    mock.get(JOBS).mock(side_effect=Pages([job(n) for n in range(3)], page_size=2))
    result = run(["beta:batch", "list", "--format", "pretty"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("beta:batch list") == 3
    assert [f"id: bjb-{n}" in result.stdout for n in range(3)] == [True] * 3


# --- a real process against a real socket --------------------------------------------------------


class LocalApi:
    """A tiny batch-list API on 127.0.0.1, recording the offsets asked for.

    With a `gate`, every request after the first waits (at most 10 s) until the test opens it,
    and records whether it was opened in time.
    """

    def __init__(self, total: int, page_size: int, *, gate: threading.Event | None = None):
        self.total = total
        self.page_size = page_size
        self.gate = gate
        self.offsets: list[int] = []
        self.gate_was_open: list[bool] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                params = parse_qs(urlparse(self.path).query)
                offset = int(params.get("offset", ["0"])[0])
                limit = int(params.get("limit", [str(api.page_size)])[0])
                api.offsets.append(offset)
                if api.gate is not None and offset > 0:
                    api.gate_was_open.append(api.gate.wait(timeout=10))
                stop = min(offset + limit, api.total)
                body = json.dumps(
                    {"items": [job(n) for n in range(offset, stop)], "total_size": api.total}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()


def program() -> list[str]:
    """The installed console script, or the module when the script is not on disk."""
    script = shutil.which("llamacloud-prod", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "llamacloud_cli"]


def environment(api: LocalApi) -> dict[str, str]:
    env = dict(os.environ, LLAMA_CLOUD_BASE_URL=api.url, LLAMA_CLOUD_API_KEY="local")
    env.pop("PYTHONUNBUFFERED", None)  # stdout must stay block-buffered, as in real use
    return env


@pytest.mark.skipif(shutil.which("head") is None or shutil.which("bash") is None, reason="POSIX")
@pytest.mark.parametrize("output_format", ["json", "jsonl", "yaml", "raw", "pretty"])
def test_piping_into_head_ends_quietly_with_exit_0(output_format: str) -> None:
    with LocalApi(total=2000, page_size=100) as api:
        command = " ".join([*program(), "beta:batch", "list", "--format", output_format])
        finished = subprocess.run(
            ["bash", "-o", "pipefail", "-c", f"{command} | head -n 3"],
            capture_output=True,
            text=True,
            env=environment(api),
            timeout=60,
        )
    assert finished.returncode == 0, finished.stderr  # pipefail: the CLI's own status counts
    assert len(finished.stdout.splitlines()) == 3
    assert "Traceback" not in finished.stderr
    assert "BrokenPipeError" not in finished.stderr
    assert finished.stderr == ""
    assert len(api.offsets) < 20  # pages stopped being fetched once nobody read them


def test_closing_the_read_end_after_three_lines_exits_0_without_a_traceback() -> None:
    with LocalApi(total=2000, page_size=100) as api:
        process = subprocess.Popen(
            [*program(), "beta:batch", "list", "--format", "jsonl"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(api),
        )
        assert process.stdout is not None and process.stderr is not None
        lines = [process.stdout.readline() for _ in range(3)]
        process.stdout.close()
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert [json.loads(line)["id"] for line in lines] == ids(3)
    assert code == 0
    assert stderr == ""
    assert len(api.offsets) < 20


def test_a_pages_items_reach_a_pipe_before_the_next_page_is_requested() -> None:
    gate = threading.Event()
    with LocalApi(total=4, page_size=2, gate=gate) as api:
        process = subprocess.Popen(
            [*program(), "beta:batch", "list", "--format", "jsonl", "--limit", "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(api),
        )
        assert process.stdout is not None
        # Page 2 is held back until page 1's two lines have been read from the pipe.
        first_page = [process.stdout.readline(), process.stdout.readline()]
        gate.set()
        rest, stderr = process.communicate(timeout=60)
    assert [json.loads(line)["id"] for line in first_page] == ids(2)
    assert api.gate_was_open == [True]
    assert [json.loads(line)["id"] for line in rest.splitlines()] == ids(2, start=2)
    assert process.returncode == 0, stderr
