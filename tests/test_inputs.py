"""Values from the command line: JSON/YAML, @file, @-, item ids, piped stdin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llamacloud_cli.errors import UsageError
from llamacloud_cli.inputs import (
    Stdin,
    parse_document,
    parse_item_ids,
    parse_object_option,
    parse_piped_request,
)


class FakeStdin(io.StringIO):
    """An in-memory stdin (no file descriptor), as under CliRunner."""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "b": [true, null]}', {"a": 1, "b": [True, None]}),
        ("{a: 1, b: [x, y]}", {"a": 1, "b": ["x", "y"]}),
        ("a: 1\nb:\n  - x\n", {"a": 1, "b": ["x"]}),
        # YAML 1.2: yes/no/on/off stay strings, 010 is ten, dates stay the text written.
        (
            "{a: yes, b: off, c: 010, d: 2024-01-02}",
            {"a": "yes", "b": "off", "c": 10, "d": "2024-01-02"},
        ),
        ("[a, 'b c']", ["a", "b c"]),
    ],
)
def test_documents_are_json_first_then_yaml_1_2(text: str, expected: object) -> None:
    assert parse_document(text, "--job-config") == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"a": 1,}', "invalid JSON"),
        ("{a: [1, 2}", "invalid JSON or YAML"),
        ("a: b: c", "invalid JSON or YAML"),
    ],
)
def test_broken_documents_name_the_option_and_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_document(text, "--job-config")
    assert caught.value.message.startswith("--job-config: ")
    assert fragment in caught.value.message


def test_object_option_reads_at_file_and_at_dash(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("parameters:\n  max_pages: 3\n")
    assert parse_object_option(f"@{path}", "--job-config", Stdin(FakeStdin())) == {
        "parameters": {"max_pages": 3}
    }
    stdin = Stdin(FakeStdin('{"job_name": "parse_raw_file_job"}'))
    assert parse_object_option("@-", "--job-config", stdin) == {"job_name": "parse_raw_file_job"}
    # stdin is read once: the piped-request reader must not read it again.
    assert stdin.piped_text() is None


def test_stdin_cannot_feed_two_options() -> None:
    stdin = Stdin(FakeStdin("{}"))
    parse_object_option("@-", "--job-config", stdin)
    with pytest.raises(UsageError, match="already read by --job-config"):
        parse_item_ids(["@-"], stdin)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("@/nonexistent/x.json", "cannot read"), ("@", "must be followed by a file path")],
)
def test_unreadable_files_are_usage_errors(value: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_object_option(value, "--job-config", Stdin(FakeStdin()))


def test_an_escaped_at_sign_is_a_literal() -> None:
    assert parse_item_ids(["\\@home"], Stdin(FakeStdin())) == ["@home"]


def test_item_ids_accept_every_form_and_keep_the_order(tmp_path: Path) -> None:
    lines = tmp_path / "ids.txt"
    lines.write_text("# ids\nl1\n\n  l2  \n")
    json_list = tmp_path / "ids.json"
    json_list.write_text('["j1", "j2"]')
    yaml_list = tmp_path / "ids.yaml"
    yaml_list.write_text("- y1\n- 'y2'\n")
    values = ["a", "[b, c]", '["d"]', f"@{lines}", f"@{json_list}", f"@{yaml_list}", "[7]"]
    assert parse_item_ids(values, Stdin(FakeStdin())) == [
        "a",
        "b",
        "c",
        "d",
        "l1",
        "l2",
        "j1",
        "j2",
        "y1",
        "y2",
        "7",
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "empty item id"),
        ("[a, '']", "empty item id"),
        ("[null]", "must be a string"),
        ("[1.5]", "must be a string"),
        ("[true]", "must be a string"),
        ("[[a]]", "must be a string"),
    ],
)
def test_bad_item_ids_are_refused(value: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_item_ids([value], Stdin(FakeStdin()))


def test_a_file_without_ids_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "ids.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(UsageError, match="holds no item ids"):
        parse_item_ids([f"@{empty}"], Stdin(FakeStdin()))


def test_one_hundred_thousand_ids_from_a_file_are_read_quickly(tmp_path: Path) -> None:
    ids = [f"dfl-{n:08d}-aaaa-bbbb" for n in range(100_000)]
    path = tmp_path / "ids.yaml"
    path.write_text("".join(f"- {i}\n" for i in ids))
    started = time.perf_counter()
    assert parse_item_ids([f"@{path}"], Stdin(FakeStdin())) == ids
    # A YAML parser needs seconds for this; the direct reader must not.
    assert time.perf_counter() - started < 1.0


def test_piped_request_must_be_a_mapping() -> None:
    assert parse_piped_request(Stdin(FakeStdin("job_id: J\n"))) == {"job_id": "J"}
    assert parse_piped_request(Stdin(FakeStdin("   \n"))) is None
    with pytest.raises(UsageError, match="must be a mapping"):
        parse_piped_request(Stdin(FakeStdin("[1, 2]")))


def test_a_silent_pipe_does_not_block() -> None:
    read_fd, write_fd = os.pipe()
    try:
        with os.fdopen(read_fd, "r") as stream:
            started = time.perf_counter()
            assert Stdin(stream).piped_text() is None  # type: ignore[arg-type]
            assert time.perf_counter() - started < 0.5
    finally:
        os.close(write_fd)


def test_a_pipe_with_data_is_read() -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"job_id: J\n")
    os.close(write_fd)
    with os.fdopen(read_fd, "r") as stream:
        assert Stdin(stream).piped_text() == "job_id: J\n"  # type: ignore[arg-type]


def test_the_cli_does_not_wait_for_an_open_but_silent_stdin() -> None:
    """`llamacloud-prod … --dry-run` inside a pipeline whose writer says nothing returns."""
    env = {**os.environ, "LLAMA_CLOUD_API_KEY": "k"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "llamacloud_cli", "beta:batch", "get-status", "J", "--dry-run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        # stdin stays open and silent while the CLI runs: it must not wait for it.
        returncode = proc.wait(timeout=20)
        out = proc.stdout.read() if proc.stdout else b""
    finally:
        proc.kill()
        if proc.stdin:
            proc.stdin.close()
    assert returncode == 0
    assert b"/api/v1/beta/batch-processing/J" in out
