"""What `beta:batch create` prints: formats, transforms, colour and terminal safety (CONTRACT §6).

stdout carries only the server's answer, rendered in `--format`; warnings go to stderr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from conftest import BASE_URL, Result, run
from ruamel.yaml import YAML

CREATE_PATH = "/api/v1/beta/batch-processing"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
JOB: dict[str, Any] = {
    "id": "bjb-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "job_type": "parse",
    "project_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
    "status": "pending",
    "total_items": 3,
    "processed_items": 0,
    "directory_id": None,
    "created_at": "2026-07-20T10:00:00.117Z",
    "billing": {"credits": 12.5, "currency": "crédits"},
    "shard_ids": ["s-1", "s-2"],
    "preview": True,
}
# A server's own bytes: odd spacing, 1.50, an escaped ü and a key order of its own.
RAW_BODY = (
    b'{"total_items":3,  "id":"bjb-raw", "job_type":"parse","project_id":"p",'
    b'"status":"pending","ratio":1.50,"name":"Gr\\u00fc\\u00dfe"}'
)
HOSTILE = "done \x1b]0;PWNED\x07 then \x1b[2J cleared \u202eevil \x9b31m"
RAW_CONTROLS = ["\x1b]0;PWNED", "\x07", "\x1b[2J", "\u202e", "\x9b"]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


def answer(api: respx.MockRouter, response: httpx.Response) -> respx.Route:
    return api.post(CREATE_PATH).mock(return_value=response)


def create(*options: str, env: dict[str, str] | None = None) -> Result:
    return run(
        ["beta:batch", "create", "--job-config", "{}", "--item-id", "dfl-1", *options], env=env
    )


def printed(api: respx.MockRouter, *options: str, job: Any = None, **kw: Any) -> Result:
    """Create, the server answering `job`, and return what the CLI printed."""
    answer(api, httpx.Response(200, json=JOB if job is None else job))
    result = create(*options, **kw)
    assert result.exit_code == 0, result.stderr
    return result


def load_yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [[], ["--format", "json"], ["--format", "auto"]])
def test_json_is_the_servers_object_indented_in_the_servers_key_order(
    api: respx.MockRouter, options: list[str]
) -> None:
    result = printed(api, *options)

    assert result.stdout == json.dumps(JOB, indent=2, ensure_ascii=False) + "\n"
    assert list(json.loads(result.stdout)) == list(JOB)
    assert "crédits" in result.stdout
    assert result.stderr == ""


def test_jsonl_is_one_compact_line(api: respx.MockRouter) -> None:
    result = printed(api, "--format", "jsonl")

    assert result.stdout == json.dumps(JOB, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert result.stdout.count("\n") == 1


def test_yaml_is_block_yaml_of_the_same_object_in_the_same_order(api: respx.MockRouter) -> None:
    result = printed(api, "--format", "yaml")

    assert load_yaml(result.stdout) == JOB
    assert list(load_yaml(result.stdout)) == list(JOB)
    assert result.stdout.startswith(f"id: {JOB['id']}\n")
    assert "shard_ids:\n- s-1\n- s-2\n" in result.stdout
    assert "{" not in result.stdout


def test_pretty_is_a_titled_box_of_key_value_lines_with_every_field(
    api: respx.MockRouter,
) -> None:
    result = printed(api, "--format", "pretty")

    lines = result.stdout.splitlines()
    assert "beta:batch create" in lines[0]
    text = result.stdout
    for line in (
        f"id: {JOB['id']}",
        "status: pending",
        "total_items: 3",
        "directory_id: null",
        "credits: 12.5",
        "currency: crédits",
        "1. s-1",
        "2. s-2",
        "preview: yes",
    ):
        assert line in text
    assert "2026-07-20 10:00:00 UTC" in text
    assert result.stderr == ""


def test_raw_prints_the_servers_bytes_verbatim(api: respx.MockRouter) -> None:
    answer(api, httpx.Response(200, content=RAW_BODY))

    result = create("--format", "raw")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == RAW_BODY.decode() + "\n"


def test_raw_does_not_double_a_trailing_newline(api: respx.MockRouter) -> None:
    answer(api, httpx.Response(200, content=RAW_BODY + b"\n"))

    result = create("--format", "raw")

    assert result.stdout == RAW_BODY.decode() + "\n"


def test_explore_falls_back_to_json_with_a_warning_when_not_on_a_terminal(
    api: respx.MockRouter,
) -> None:
    result = printed(api, "--format", "explore")

    assert json.loads(result.stdout) == JOB
    assert result.stderr.startswith("Warning: ")
    assert "explore" in result.stderr and "json" in result.stderr


def test_format_names_are_case_insensitive(api: respx.MockRouter) -> None:
    result = printed(api, "--format", "JSONL")

    assert result.stdout == json.dumps(JOB, separators=(",", ":"), ensure_ascii=False) + "\n"


# --- --transform and -r -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "stdout"),
    [
        pytest.param(["--transform", "id"], f'"{JOB["id"]}"\n', id="a-string-stays-json"),
        pytest.param(["--transform", "id", "-r"], f"{JOB['id']}\n", id="r-unquotes-it"),
        pytest.param(
            ["--transform", "id", "--raw-output"], f"{JOB['id']}\n", id="raw-output-long-form"
        ),
        pytest.param(["--transform", "billing.credits"], "12.5\n", id="nested-number"),
        pytest.param(["--transform", "billing.credits", "-r"], "12.5\n", id="r-leaves-numbers"),
        pytest.param(["--transform", "shard_ids.1", "-r"], "s-2\n", id="array-index"),
        pytest.param(["--transform", "shard_ids.#"], "2\n", id="array-length"),
        pytest.param(["--transform", "directory_id"], "null\n", id="a-null-is-a-match"),
        pytest.param(
            ["--transform", "{id,status}"],
            json.dumps({"id": JOB["id"], "status": "pending"}, indent=2) + "\n",
            id="multipath-object",
        ),
        pytest.param(
            ["--transform", "{id,status}", "--format", "jsonl", "-r"],
            json.dumps({"id": JOB["id"], "status": "pending"}, separators=(",", ":")) + "\n",
            id="r-leaves-objects",
        ),
        pytest.param(["--transform", "status", "--format", "yaml"], "pending\n", id="yaml-scalar"),
        pytest.param(
            ["--transform", "billing", "--format", "raw"],
            '{"credits":12.5,"currency":"crédits"}\n',
            id="raw-prints-the-selection",
        ),
    ],
)
def test_transform_selects_what_is_printed(
    api: respx.MockRouter, options: list[str], stdout: str
) -> None:
    result = printed(api, *options)

    assert result.stdout == stdout
    assert result.stderr == ""


def test_r_without_a_transform_leaves_an_object_unchanged(api: respx.MockRouter) -> None:
    result = printed(api, "-r")

    assert result.stdout == json.dumps(JOB, indent=2, ensure_ascii=False) + "\n"


def test_a_transform_that_matches_nothing_prints_the_value_unchanged_with_a_warning(
    api: respx.MockRouter,
) -> None:
    result = printed(api, "--transform", "no.such.field")

    assert result.stdout == json.dumps(JOB, indent=2, ensure_ascii=False) + "\n"
    assert result.stderr.startswith("Warning: ")
    assert "no.such.field" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_transform_applies_to_unknown_fields_too(api: respx.MockRouter) -> None:
    result = printed(api, "--transform", "preview")

    assert result.stdout == "true\n"


@pytest.mark.parametrize("option", ["--transform", "--transform-error"])
def test_a_malformed_transform_is_bad_input_found_before_the_job_is_created(
    api: respx.MockRouter, option: str
) -> None:
    route = answer(api, httpx.Response(200, json=JOB))

    result = create(option, "shard_ids..1")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert option in result.stderr and "shard_ids..1" in result.stderr
    assert route.call_count == 0


def test_a_transform_error_that_matches_nothing_warns_naming_its_own_option(
    api: respx.MockRouter,
) -> None:
    answer(api, httpx.Response(400, json={"detail": "no"}))

    result = create("--transform-error", "nothing.here")

    assert result.exit_code == 4
    assert "--transform-error 'nothing.here' matched nothing" in result.stderr


# --- colour -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "pretty", "raw"])
def test_there_is_no_colour_when_stdout_is_not_a_terminal(api: respx.MockRouter, fmt: str) -> None:
    result = printed(api, "--format", fmt)

    assert "\x1b" not in result.stdout


@pytest.mark.parametrize(
    ("fmt", "plain"),
    [
        ("json", json.dumps(JOB, indent=2, ensure_ascii=False) + "\n"),
        ("jsonl", json.dumps(JOB, separators=(",", ":"), ensure_ascii=False) + "\n"),
    ],
)
def test_force_color_colours_json_without_changing_its_text(
    api: respx.MockRouter, fmt: str, plain: str
) -> None:
    result = printed(api, "--format", fmt, env={"FORCE_COLOR": "1"})

    assert ANSI.search(result.stdout)
    assert ANSI.sub("", result.stdout) == plain


def test_force_color_colours_pretty(api: respx.MockRouter) -> None:
    result = printed(api, "--format", "pretty", env={"FORCE_COLOR": "1"})

    assert ANSI.search(result.stdout)
    assert f"id: {JOB['id']}" in ANSI.sub("", result.stdout)


def test_force_color_never_touches_raw_bytes(api: respx.MockRouter) -> None:
    answer(api, httpx.Response(200, content=RAW_BODY))

    result = create("--format", "raw", env={"FORCE_COLOR": "1"})

    assert result.stdout == RAW_BODY.decode() + "\n"


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"FORCE_COLOR": "0"}], ids=["no-color", "force-color-0"]
)
def test_colour_can_be_turned_off(api: respx.MockRouter, env: dict[str, str]) -> None:
    result = printed(api, env=env)

    assert "\x1b" not in result.stdout
    assert result.stdout == json.dumps(JOB, indent=2, ensure_ascii=False) + "\n"


# --- terminal safety ----------------------------------------------------------------------


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}], ids=["plain", "coloured"])
def test_pretty_escapes_control_characters_from_the_server(
    api: respx.MockRouter, env: dict[str, str]
) -> None:
    hostile = {**JOB, "status": "failed", "error_message": HOSTILE, "key\x1b[31m": "x"}

    result = printed(api, "--format", "pretty", job=hostile, env=env)

    for control in RAW_CONTROLS:
        assert control not in result.stdout
    assert "\\u001b]0;PWNED\\u0007" in result.stdout
    assert "\\u001b[2J" in result.stdout
    assert "error_message:" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml"])
def test_data_formats_escape_escape_and_bell_characters(api: respx.MockRouter, fmt: str) -> None:
    result = printed(api, "--format", fmt, job={**JOB, "error_message": HOSTILE})

    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout


def test_a_pretty_error_body_is_escaped_too(api: respx.MockRouter) -> None:
    answer(api, httpx.Response(400, json={"detail": "bad", "hint": HOSTILE}))

    result = create("--format-error", "pretty")

    assert result.exit_code == 4
    assert result.stdout == ""
    for control in RAW_CONTROLS:
        assert control not in result.stderr
    assert "Error" in result.stderr


def test_an_error_message_from_the_server_is_escaped_on_stderr(api: respx.MockRouter) -> None:
    answer(api, httpx.Response(400, json={"detail": HOSTILE}))

    result = create()

    assert result.exit_code == 4
    for control in RAW_CONTROLS:
        assert control not in result.stderr


def test_format_error_raw_prints_the_error_bodys_bytes(api: respx.MockRouter) -> None:
    body = b'{"detail": "bad",   "ratio": 1.50}'
    answer(api, httpx.Response(400, content=body, headers={"content-type": "application/json"}))

    result = create("--format-error", "raw")

    assert result.exit_code == 4
    assert result.stderr.splitlines()[1] == body.decode()
