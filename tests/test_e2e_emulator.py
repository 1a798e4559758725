"""End to end: the real CLI, as processes, against a real emulator process on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

CLASSIFY_CONFIG = json.dumps(
    {
        "id": "0b9c2f0e-8a4e-4c39-9b51-1f0c7a2d9e11",
        "project_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
        "user_id": "user-123",
        "status": "PENDING",
        "mode": "FAST",
        "rules": [{"type": "invoice", "description": "Bills with line items and a total"}],
    }
)
PARSE_CONFIG = "{job_name: parse_raw_file_job, parameters: {parse_mode: parse_page_with_llm}}"


@dataclass
class Done:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llamacloud_cli", "emulator", "--port", str(port),
         "--item-seconds", "0.05", "--seed", "7", "--quiet"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:  # pragma: no cover - a broken emulator
        proc.kill()
        pytest.fail("the emulator did not start: " + (proc.stderr.read() if proc.stderr else ""))
    yield f"http://127.0.0.1:{port}"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    # Ctrl-C stops it cleanly: no traceback.
    assert "Traceback" not in err
    assert proc.returncode in (0, 130)


def cli(base_url: str, *args: str, stdin: str | None = None, key: str | None = "local") -> Done:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLAMA_")}
    env["LLAMA_CLOUD_BASE_URL"] = base_url
    if key is not None:
        env["LLAMA_CLOUD_API_KEY"] = key
    done = subprocess.run(
        [sys.executable, "-m", "llamacloud_cli", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return Done(done.returncode, done.stdout, done.stderr)


def test_parse_items_with_a_failing_item_from_create_to_results(emulator: str) -> None:
    created = cli(
        emulator, "beta:batch", "create", "--job-config", PARSE_CONFIG,
        "--item-id", "[doc-1, doc-2]", "--item-id", "fail-3", "--wait", "--poll-interval", "0.1",
    )  # fmt: skip
    assert created.code == 0, created.err
    job = created.json()
    assert (job["job_type"], job["status"], job["total_items"]) == ("parse", "completed", 3)
    assert (job["processed_items"], job["failed_items"]) == (3, 1)
    assert "completed: 3/3 processed, 1 failed" in created.err  # plain progress off a terminal

    failed = cli(emulator, "beta:batch:job-items", "list", job["id"], "--status", "failed",
                 "--format", "jsonl")  # fmt: skip
    assert failed.code == 0, failed.err
    assert [item["item_id"] for item in failed.lines()] == ["fail-3"]
    assert failed.lines()[0]["status"] == "failed"

    results = cli(emulator, "beta:batch:job-items", "get-processing-results", "doc-1")
    assert results.code == 0, results.err
    lineage = results.json()
    assert lineage["item_id"] == "doc-1"
    assert lineage["processing_results"][0]["job_type"] == "parse"
    assert lineage["processing_results"][0]["job_config"]["parameters"] == {
        "parse_mode": "parse_page_with_llm"
    }


def test_classify_a_directory_and_page_through_its_items(emulator: str) -> None:
    created = cli(
        emulator, "beta:batch", "create", "--job-config", CLASSIFY_CONFIG,
        "--directory-id", "dir-e2e", "--wait", "--poll-interval", "0.1", "--transform", "{id,job_type,status,total_items}",
    )  # fmt: skip
    assert created.code == 0, created.err
    job = created.json()
    assert (job["job_type"], job["status"]) == ("classify", "completed")
    items = cli(emulator, "beta:batch:job-items", "list", "--job-id", job["id"], "--limit", "2",
                "--format", "jsonl", "--transform", "item_id", "-r")  # fmt: skip
    assert items.code == 0, items.err
    ids = items.out.split()
    assert len(ids) == job["total_items"] >= 3
    assert len(set(ids)) == len(ids)


def test_a_job_whose_items_all_fail_exits_8(emulator: str) -> None:
    done = cli(emulator, "beta:batch", "create", "--job-config", "{}", "--item-id", "[fail-a, fail-b]",
               "--wait", "--poll-interval", "0.1")  # fmt: skip
    assert done.code == 8, done.err
    assert done.json()["status"] == "failed"
    assert "--status failed" in done.err


def test_cancel_a_running_job_and_waiting_on_it_exits_8(emulator: str) -> None:
    ids = json.dumps([f"slow-{n}" for n in range(400)])
    created = cli(emulator, "beta:batch", "create", "--job-config", "{}", "--item-id", ids,
                  "--transform", "id", "-r")  # fmt: skip
    assert created.code == 0, created.err
    job_id = created.out.strip()
    cancelled = cli(emulator, "beta:batch", "cancel", job_id, "--reason", "wrong settings")
    assert cancelled.code == 0, cancelled.err
    assert cancelled.json()["status"] == "cancelled"
    waited = cli(emulator, "beta:batch", "get-status", job_id, "--wait")
    assert waited.code == 8
    assert waited.json()["job"]["status"] == "cancelled"


def test_piped_yaml_request_and_list_filters(emulator: str) -> None:
    request = "job_config: {}\nitem_ids: [piped-1]\n"
    created = cli(emulator, "beta:batch", "create", "--project-id", "proj-e2e", stdin=request)
    assert created.code == 0, created.err
    listed = cli(emulator, "beta:batch", "list", "--job-type", "PARSE", "--format", "jsonl",
                 "--limit", "1", "--transform", "id", "-r")  # fmt: skip
    assert listed.code == 0, listed.err
    assert created.json()["id"] in listed.out.split()


def test_unknown_job_and_missing_key(emulator: str) -> None:
    missing = cli(emulator, "beta:batch", "get-status", "bjb-does-not-exist")
    assert missing.code == 4
    assert "404" in missing.err and missing.out == ""
    no_key = cli(emulator, "beta:batch", "list", key=None)
    assert no_key.code == 3
    assert no_key.out == ""
