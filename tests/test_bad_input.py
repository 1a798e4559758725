"""A catalogue of bad input across every command: refused before anything is sent (CONTRACT §5).

Each case runs the real CLI against a live fault server and proves four things: the exit code
(2, or 3 for a missing key), an `Error:` reason on stderr that names the offending flag or field,
an empty stdout, and not a single connection to the server.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import run
from faultserver import (
    CANCELLED,
    JOB,
    FaultServer,
    fault_server_fixture,  # noqa: F401 - the fault_server fixture
    respond,
)

CREATE = ["beta:batch", "create"]
CONFIG = ["--job-config", "{}"]
ONE_ITEM = ["--item-id", "item-1"]


@dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    mentions: tuple[str, ...]  # all of these appear in the reason
    stdin: str | None = None
    env: dict[str, str | None] = field(default_factory=dict)
    exit_code: int = 2


CASES = [
    # -- global options, before or after the command words
    Case("unknown-option", ["beta:batch", "list", "--bogus"], ("No such option", "--bogus")),
    Case("misspelt-option-gets-a-suggestion", [*CREATE, "--job-confg", "{}"], ("--job-confg", "--job-config")),
    Case("unknown-command", ["beta:batch", "bogus"], ("No such command", "bogus")),
    Case("stray-positional", ["beta:batch", "list", "extra"], ("unexpected extra argument", "extra")),
    Case("max-retries-negative", ["beta:batch", "list", "--max-retries", "-1"], ("--max-retries", "negative")),
    Case("max-retries-not-a-number", ["--max-retries", "two", "beta:batch", "list"], ("--max-retries",)),
    Case("timeout-not-a-number", ["beta:batch", "list", "--timeout", "abc"], ("--timeout", "abc")),
    Case("timeout-negative", ["beta:batch", "list", "--timeout", "-1"], ("--timeout", "negative")),
    Case("timeout-env-not-a-number", ["beta:batch", "list"], ("LLAMA_CLOUD_TIMEOUT",), env={"LLAMA_CLOUD_TIMEOUT": "abc"}),
    Case("max-retries-env-negative", ["beta:batch", "list"], ("LLAMA_CLOUD_MAX_RETRIES",), env={"LLAMA_CLOUD_MAX_RETRIES": "-2"}),
    Case("max-retries-env-fraction", ["beta:batch", "list"], ("LLAMA_CLOUD_MAX_RETRIES",), env={"LLAMA_CLOUD_MAX_RETRIES": "1.5"}),
    Case("base-url-wrong-scheme", ["--base-url", "ftp://api.example", "beta:batch", "list"], ("--base-url", "scheme")),
    Case("base-url-env-without-scheme", ["beta:batch", "list"], ("LLAMA_CLOUD_BASE_URL", "scheme"), env={"LLAMA_CLOUD_BASE_URL": "api.cloud.llamaindex.ai"}),
    Case("base-url-without-host", ["--base-url", "http://", "beta:batch", "list"], ("base URL", "no host")),
    Case("base-url-broken-ipv6", ["--base-url", "http://[::1", "beta:batch", "get-status", "j"], ("base URL", "IPv6")),
    Case("base-url-port-out-of-range", ["--base-url", "http://127.0.0.1:99999", "beta:batch", "list"], ("base URL", "Port")),
    Case("base-url-with-a-space", ["--base-url", "http://api example", *CREATE, *CONFIG, *ONE_ITEM], ("base URL", "whitespace")),
    Case("format-unknown", ["--format", "xml", "beta:batch", "list"], ("--format", "xml")),
    Case("no-api-key", ["beta:batch", "list"], ("API key",), env={"LLAMA_CLOUD_API_KEY": None}, exit_code=3),
    Case("no-api-key-on-create", [*CREATE, *CONFIG, *ONE_ITEM], ("API key",), env={"LLAMA_CLOUD_API_KEY": None}, exit_code=3),
    Case("no-api-key-on-dry-run", ["--dry-run", "beta:batch", "cancel", "j"], ("API key",), env={"LLAMA_CLOUD_API_KEY": None}, exit_code=3),
    # -- beta:batch get-status
    Case("get-status-without-job-id", ["beta:batch", "get-status"], ("job id", "--job-id")),
    Case("get-status-empty-job-id", ["beta:batch", "get-status", "--job-id", ""], ("job id",)),
    Case("get-status-two-different-ids", ["beta:batch", "get-status", "--job-id", "a", "b"], ("--job-id", "disagree")),
    Case("get-status-poll-interval-zero", ["beta:batch", "get-status", "j", "--wait", "--poll-interval", "0"], ("--poll-interval",)),
    Case("get-status-wait-timeout-negative", ["beta:batch", "get-status", "j", "--wait-timeout", "-1"], ("--wait-timeout",)),
    Case("get-status-piped-broken-json", ["beta:batch", "get-status"], ("piped input", "JSON"), stdin='{"job_id": "j",}'),
    Case("get-status-piped-list", ["beta:batch", "get-status"], ("piped input", "mapping"), stdin='["j"]'),
    # -- beta:batch list
    Case("list-bad-status", ["beta:batch", "list", "--status", "RUNNINGX"], ("--status", "runningx")),
    Case("list-bad-job-type", ["beta:batch", "list", "--job-type", "foo"], ("--job-type", "foo")),
    Case("list-limit-zero", ["beta:batch", "list", "--limit", "0"], ("--limit", "greater than or equal to 1")),
    Case("list-limit-negative", ["beta:batch", "list", "--limit", "-5"], ("--limit",)),
    Case("list-limit-not-an-integer", ["beta:batch", "list", "--limit", "ten"], ("--limit", "int")),
    Case("list-offset-negative", ["beta:batch", "list", "--offset", "-1"], ("--offset",)),
    Case("list-max-items-not-an-integer", ["beta:batch", "list", "--max-items", "all"], ("--max-items",)),
    Case("list-piped-wrong-type", ["beta:batch", "list"], ("limit",), stdin='{"limit": "ten"}'),
    # -- beta:batch cancel
    Case("cancel-without-job-id", ["beta:batch", "cancel"], ("job id", "--job-id")),
    Case("cancel-empty-job-id", ["beta:batch", "cancel", "--job-id", ""], ("job id",)),
    Case("cancel-piped-broken-yaml", ["beta:batch", "cancel", "j"], ("piped input", "YAML"), stdin="reason: [never closed\n"),
    Case("cancel-extra-positional", ["beta:batch", "cancel", "j", "k"], ("unexpected extra argument", "k")),
    # -- beta:batch:job-items list
    Case("items-without-job-id", ["beta:batch:job-items", "list"], ("job id", "--job-id")),
    Case("items-job-status-is-not-an-item-status", ["beta:batch:job-items", "list", "j", "--status", "running"], ("--status", "processing")),
    Case("items-limit-zero", ["beta:batch:job-items", "list", "j", "--limit", "0"], ("--limit",)),
    Case("items-offset-not-an-integer", ["beta:batch:job-items", "list", "j", "--offset", "1.5"], ("--offset",)),
    # -- beta:batch:job-items get-processing-results
    Case("results-without-item-id", ["beta:batch:job-items", "get-processing-results"], ("item id", "--item-id")),
    Case("results-empty-item-id", ["beta:batch:job-items", "get-processing-results", "--item-id", ""], ("item id",)),
    Case("results-bad-job-type", ["beta:batch:job-items", "get-processing-results", "i", "--job-type", "nope"], ("--job-type", "nope")),
    Case("results-two-different-ids", ["beta:batch:job-items", "get-processing-results", "a", "--item-id", "b"], ("--item-id", "disagree")),
    # -- beta:batch create
    Case("create-without-job-config", [*CREATE, *ONE_ITEM], ("--job-config",)),
    Case("create-broken-json", [*CREATE, "--job-config", '{"parameters": {},}', *ONE_ITEM], ("--job-config", "invalid JSON")),
    Case("create-broken-yaml", [*CREATE, "--job-config", "parameters: [1", *ONE_ITEM], ("--job-config", "YAML")),
    Case("create-config-is-a-list", [*CREATE, "--job-config", "[1, 2]", *ONE_ITEM], ("job_config", "mapping", "list")),
    Case("create-config-is-a-string", [*CREATE, "--job-config", "hello", *ONE_ITEM], ("job_config", "mapping", "string")),
    Case("create-config-file-missing", [*CREATE, "--job-config", "@/nonexistent/config.json", *ONE_ITEM], ("--job-config", "/nonexistent/config.json", "No such file")),
    Case("create-config-file-is-a-directory", [*CREATE, "--job-config", "@<DIR>", *ONE_ITEM], ("--job-config", "directory")),
    Case("create-config-file-not-utf8", [*CREATE, "--job-config", "@<BINARY>", *ONE_ITEM], ("--job-config", "UTF-8")),
    Case("create-config-file-empty", [*CREATE, "--job-config", "@<EMPTY>", *ONE_ITEM], ("--job-config", "empty")),
    Case("create-config-at-without-path", [*CREATE, "--job-config", "@", *ONE_ITEM], ("--job-config", "file path")),
    Case("create-config-from-empty-stdin", [*CREATE, "--job-config", "@-", *ONE_ITEM], ("--job-config", "empty"), stdin=""),
    Case("create-wrong-field-type", [*CREATE, "--job-config", '{"parameters": {"max_pages": "ten"}}', *ONE_ITEM], ("job_config.parameters.max_pages", "integer")),
    Case("create-classify-missing-fields", [*CREATE, "--job-config", '{"rules": [{"type": "invoice"}]}', *ONE_ITEM], ("classify", "job_config.rules[0].description")),
    Case("create-strict-unknown-key", [*CREATE, "--job-config", '{"parametrs": {}}', *ONE_ITEM, "--validate", "strict"], ("job_config.parametrs", "parameters", "strict")),
    Case("create-strict-unknown-enum", [*CREATE, "--job-config", '{"parameters": {"priority": "urgent"}}', *ONE_ITEM, "--validate", "strict"], ("job_config.parameters.priority", "urgent")),
    Case("create-bad-validate-mode", [*CREATE, *CONFIG, *ONE_ITEM, "--validate", "lenient"], ("--validate", "lenient")),
    Case("create-neither-directory-nor-items", [*CREATE, *CONFIG], ("--directory-id", "--item-id")),
    Case("create-both-directory-and-items", [*CREATE, *CONFIG, *ONE_ITEM, "--directory-id", "dir-1"], ("--directory-id", "--item-id", "not both")),
    Case("create-empty-item-id", [*CREATE, *CONFIG, "--item-id", ""], ("--item-id", "empty")),
    Case("create-item-id-list-with-an-object", [*CREATE, *CONFIG, "--item-id", '["a", {}]'], ("--item-id[1]", "string")),
    Case("create-item-id-file-missing", [*CREATE, *CONFIG, "--item-id", "@/nonexistent/ids.txt"], ("--item-id", "No such file")),
    Case("create-item-id-file-empty", [*CREATE, *CONFIG, "--item-id", "@<EMPTY>"], ("--item-id", "no item ids")),
    Case("create-page-size-zero", [*CREATE, *CONFIG, "--directory-id", "d", "--page-size", "0"], ("--page-size",)),
    Case("create-page-size-not-an-integer", [*CREATE, *CONFIG, "--directory-id", "d", "--page-size", "lots"], ("--page-size", "int")),
    Case("create-threshold-zero", [*CREATE, *CONFIG, "--directory-id", "d", "--continue-as-new-threshold", "0"], ("--continue-as-new-threshold",)),
    Case("create-stdin-read-twice", [*CREATE, "--job-config", "@-", "--item-id", "@-"], ("--item-id", "already read"), stdin="{}"),
    Case("create-piped-broken-json", CREATE, ("piped input", "JSON"), stdin='{"job_config": {}'),
    Case("create-piped-config-not-a-mapping", CREATE, ("job_config", "mapping"), stdin='{"job_config": [], "item_ids": ["a"]}'),
]  # fmt: skip


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, str]:
    binary = tmp_path / "latin1.json"
    binary.write_bytes(b'{"name": "caf\xe9"}')
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    return {"<DIR>": str(tmp_path), "<BINARY>": str(binary), "<EMPTY>": str(empty)}


def reason_of(stderr: str) -> str:
    """The `Error:` line, with the indented detail lines right under it."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Error:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith("  "):
        end += 1
    return "\n".join(lines[start:end])


def with_files(args: list[str], files: dict[str, str]) -> list[str]:
    for placeholder, path in files.items():
        args = [arg.replace(placeholder, path) for arg in args]
    return args


COMMANDS = [
    ("beta:batch", "create"),
    ("beta:batch", "list"),
    ("beta:batch", "get-status"),
    ("beta:batch", "cancel"),
    ("beta:batch:job-items", "list"),
    ("beta:batch:job-items", "get-processing-results"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_catalogue_has_cases_for_every_command(command: tuple[str, str]) -> None:
    def runs(case: Case) -> bool:
        return any(tuple(case.args[i : i + 2]) == command for i in range(len(case.args)))

    assert sum(runs(case) for case in CASES) >= 4
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_before_anything_is_sent(
    case: Case, fault_server: FaultServer, bad_files: dict[str, str]
) -> None:
    env = case.env or None  # a None value unsets the variable (CliRunner)
    result = run(with_files(case.args, bad_files), input=case.stdin, env=env)  # type: ignore[arg-type]

    assert result.exit_code == case.exit_code, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(("Error:", "Usage:")), result.stderr
    reason = reason_of(result.stderr)
    for word in case.mentions:
        assert word in reason, f"{word!r} not in {reason!r}"
    assert "Traceback" not in result.stderr
    assert fault_server.requests == []
    assert fault_server.connections == 0


def test_a_zero_timeout_is_refused_before_sending(fault_server: FaultServer) -> None:
    result = run(["beta:batch", "list", "--timeout", "0"])

    assert result.exit_code == 2
    assert "--timeout" in reason_of(result.stderr)
    assert fault_server.requests == []


# -- big is not bad: large inputs must work -------------------------------------------------------


def test_a_hundred_thousand_item_ids_from_a_file_are_sent_in_one_create(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    ids = [f"dfl-{n:08d}" for n in range(100_000)]
    (tmp_path / "ids.txt").write_text("\n".join(ids) + "\n")
    fault_server.script(respond(200, json={**JOB, "total_items": len(ids)}))
    started = time.monotonic()

    result = run([*CREATE, *CONFIG, "--item-id", f"@{tmp_path / 'ids.txt'}"])

    assert time.monotonic() - started < 5.0
    assert result.exit_code == 0, result.stderr
    (sent,) = fault_server.requests
    assert sent.json()["item_ids"] == ids


def test_a_hundred_thousand_item_ids_piped_as_json_are_sent(fault_server: FaultServer) -> None:
    ids = [f"dfl-{n:08d}" for n in range(100_000)]
    fault_server.script(respond(200, json=JOB))

    result = run(CREATE, input=json.dumps({"job_config": {}, "item_ids": ids}))

    assert result.exit_code == 0, result.stderr
    assert fault_server.requests[0].json()["item_ids"] == ids


def test_a_five_megabyte_reason_is_sent_whole_and_the_server_judges_it(
    fault_server: FaultServer,
) -> None:
    reason = "x" * 5_000_000
    fault_server.script(respond(413, json={"detail": "Request body too large"}), respond(200))

    result = run(["beta:batch", "cancel", "job-1"], input=json.dumps({"reason": reason}))

    assert result.exit_code == 4
    assert "HTTP 413" in result.stderr and "too large" in result.stderr
    (sent,) = fault_server.requests  # a 413 is not retried
    assert sent.json()["reason"] == reason


def test_a_long_reason_flag_reaches_the_server_intact(fault_server: FaultServer) -> None:
    reason = "é" * 60_000  # below the OS limit of 128 KiB per argument
    fault_server.script(respond(200, json=CANCELLED))

    result = run(["beta:batch", "cancel", "job-1", "--reason", reason])

    assert result.exit_code == 0, result.stderr
    assert fault_server.requests[0].json()["reason"] == reason
