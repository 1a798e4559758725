"""`--format pretty` for jobs, items and processing results (CONTRACT §6, §8).

What a person reads: statuses, counts, times, yes/no, nulls and nested values; and what the
server cannot do to their terminal: control characters are escaped and `[markup]` in data is
printed literally.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import respx
from conftest import BASE_URL, run

from llamacloud_cli.output.pretty import render_pretty

JOBS = "/api/v1/beta/batch-processing"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colour codes rich itself writes


def job(**fields: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": "bjb-7",
        "job_type": "parse",
        "project_id": "proj-1",
        "status": "running",
        "total_items": 12,
        "processed_items": 5,
        "failed_items": 1,
        "skipped_items": 0,
        "directory_id": None,
        "error_message": None,
        "created_at": "2026-03-01T09:15:00.123456Z",
        "started_at": "2026-03-01T11:15:02+02:00",
    }
    value.update(fields)
    return value


def pretty(value: Any, title: str = "beta:batch get-status") -> str:
    stream = io.StringIO()
    render_pretty(value, title=title, stream=stream)
    return stream.getvalue()


def rows(text: str) -> list[str]:
    """The panel's lines without its border."""
    return [line.removeprefix("│ ").rstrip("│").rstrip() for line in text.splitlines()[1:-1]]


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


# --- what is shown -------------------------------------------------------------------------------


def test_get_status_pretty_shows_status_counts_progress_and_times(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-7").respond(200, json={"job": job(), "progress_percentage": 41.666})
    result = run(["beta:batch", "get-status", "bjb-7", "--format", "pretty"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("╭─ beta:batch get-status ")
    assert rows(result.stdout) == [
        "job:",
        "  id: bjb-7",
        "  job_type: parse",
        "  project_id: proj-1",
        "  status: running",
        "  total_items: 12",
        "  processed_items: 5",
        "  failed_items: 1",
        "  skipped_items: 0",
        "  directory_id: null",
        "  error_message: null",
        "  created_at: 2026-03-01 09:15:00 UTC",
        "  started_at: 2026-03-01 09:15:02 UTC",  # +02:00 converted, not relabelled
        "progress_percentage: 41.7%",
    ]
    assert "\x1b" not in result.stdout  # not a terminal: no colour


def test_times_are_shown_in_utc_to_the_second() -> None:
    shown = rows(
        pretty(
            {
                "created_at": "2026-03-01T09:15:00Z",
                "updated_at": "2026-03-01T09:15:00.5-05:00",
                "completed_at": "2026-03-01T23:59:59.999999+00:00",
                "effective_at": "2026-03-01T09:15:00",
                "processed_at": "Today at noon",
                "name_at": "Toronto",
            }
        )
    )
    assert shown == [
        "created_at: 2026-03-01 09:15:00 UTC",
        "updated_at: 2026-03-01 14:15:00 UTC",
        "completed_at: 2026-03-01 23:59:59 UTC",
        "effective_at: 2026-03-01 09:15:00 UTC",
        "processed_at: Today at noon",  # not a time: shown as sent
        "name_at: Toronto",
    ]


def test_booleans_are_yes_and_no_and_nulls_and_empty_values_stay_visible() -> None:
    shown = rows(
        pretty(
            {"ok": True, "retried": False, "reason": None, "note": "", "tags": [], "meta": {}},
            title="t",
        )
    )
    assert shown == [
        "ok: yes",
        "retried: no",
        "reason: null",
        "note: (empty)",
        "tags: (none)",
        "meta: (empty)",
    ]


def test_a_string_true_or_null_is_not_mistaken_for_a_boolean_or_null() -> None:
    shown = rows(pretty({"a": "true", "b": "null", "c": 0, "d": 0.0}, title="t"))
    assert shown == ["a: true", "b: null", "c: 0", "d: 0.0"]


def test_processing_results_show_nested_lists_and_objects_indented(
    mock: respx.MockRouter,
) -> None:
    body = {
        "item_id": "dfl-1",
        "item_name": "invoice.pdf",
        "processing_results": [
            {
                "result_id": "res-1",
                "job_type": "parse",
                "job_config": {"parameters": {"languages": ["en", "de"], "max_pages": 50}},
                "output_s3_path": "s3://bucket/invoice.md",
                "item_id": "dfl-1",
                "parameters_hash": "ab12",
                "processed_at": "2026-03-01T09:15:00Z",
                "output_metadata": None,
            }
        ],
    }
    mock.get(f"{JOBS}/items/dfl-1/processing-results").respond(200, json=body)
    result = run(["beta:batch:job-items", "get-processing-results", "dfl-1", "--format", "pretty"])
    assert result.exit_code == 0, result.stderr
    assert rows(result.stdout) == [
        "item_id: dfl-1",
        "item_name: invoice.pdf",
        "processing_results:",
        "  1.",
        "    result_id: res-1",
        "    job_type: parse",
        "    job_config:",
        "      parameters:",
        "        languages:",
        "          1. en",
        "          2. de",
        "        max_pages: 50",
        "    output_s3_path: s3://bucket/invoice.md",
        "    item_id: dfl-1",
        "    parameters_hash: ab12",
        "    processed_at: 2026-03-01 09:15:00 UTC",
        "    output_metadata: null",
    ]


def test_job_items_pretty_prints_one_panel_per_item_with_its_error(
    mock: respx.MockRouter,
) -> None:
    items = [
        {"item_id": "dfl-1", "item_name": "a.pdf", "status": "completed"},
        {"item_id": "dfl-2", "item_name": "b.pdf", "status": "failed", "error_message": "OCR"},
    ]
    mock.get(f"{JOBS}/bjb-7/items").respond(200, json={"items": items, "total_size": 2})
    result = run(["beta:batch:job-items", "list", "bjb-7", "--format", "pretty"])
    assert result.exit_code == 0, result.stderr
    panels = result.stdout.split("╰")
    assert len(panels) == 3  # two panels and what follows the last
    assert "status: completed" in panels[0] and "status: failed" in panels[1]
    assert "error_message: OCR" in panels[1]
    assert result.stdout.count("beta:batch:job-items list") == 2


def test_unknown_fields_are_shown_too() -> None:
    assert "new_counter: 3" in rows(pretty(job(new_counter=3)))


def test_transform_then_pretty_shows_only_the_chosen_value(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-7").respond(200, json={"job": job(), "progress_percentage": 0})
    result = run(["beta:batch", "get-status", "bjb-7", "--format", "pretty", "--transform", "job"])
    assert result.exit_code == 0, result.stderr
    assert rows(result.stdout)[0] == "id: bjb-7"
    assert "progress_percentage" not in result.stdout


# --- what the server cannot do to a terminal ------------------------------------------------------

HOSTILE = {
    "ESC": "\x1b]0;pwned\x07\x1b[2J",
    "BEL": "ding\x07",
    "C1 CSI": "a\x9b31mb",
    "bidi override": "invoice\u202etxt.exe",
    "bidi isolate": "x\u2066y\u2069",
    "NUL and DEL": "a\x00b\x7f",
    "carriage return": "safe\rEVIL",
    "backspace": "abc\x08\x08\x08xyz",
}
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_control_characters_in_values_never_reach_the_output_raw(name: str) -> None:
    text = pretty(job(error_message=HOSTILE[name]))
    assert not RAW_CONTROL.search(text)
    line = next(r for r in rows(text) if r.startswith("error_message: "))
    escaped = "".join(f"\\u{ord(c):04x}" if RAW_CONTROL.match(c) else c for c in HOSTILE[name])
    assert line == f"error_message: {escaped}"


def test_control_characters_in_keys_are_escaped_too() -> None:
    text = pretty({"na\x1b[31mme\u202e": "v"}, title="t")
    assert not RAW_CONTROL.search(text)
    assert rows(text) == ["na\\u001b[31mme\\u202e: v"]


def test_markup_in_server_strings_is_printed_literally() -> None:
    text = pretty(
        job(id="[bold]bjb[/bold]", error_message="[/] [red]not red[/red] [link=http://x]y[/link]")
    )
    assert "id: [bold]bjb[/bold]" in text
    assert "error_message: [/] [red]not red[/red] [link=http://x]y[/link]" in text


def test_with_colour_forced_only_rich_own_colour_codes_are_written(
    mock: respx.MockRouter,
) -> None:
    hostile = job(status="completed", error_message="\x1b[5m[blink]x[/blink]\u202e\x07")
    mock.get(f"{JOBS}/bjb-7").respond(200, json={"job": hostile, "progress_percentage": 100})
    result = run(
        ["beta:batch", "get-status", "bjb-7", "--format", "pretty"], env={"FORCE_COLOR": "1"}
    )
    assert result.exit_code == 0, result.stderr
    assert "\x1b[1;32mcompleted" in result.stdout  # a completed status is bold green
    plain = SGR.sub("", result.stdout)
    assert not RAW_CONTROL.search(plain)
    assert "error_message: \\u001b[5m[blink]x[/blink]\\u202e\\u0007" in plain


def test_no_color_turns_colour_off_even_for_statuses(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-7").respond(
        200, json={"job": job(status="failed"), "progress_percentage": 0}
    )
    result = run(["beta:batch", "get-status", "bjb-7", "--format", "pretty"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "status: failed" in result.stdout


def test_a_hostile_title_is_escaped() -> None:
    text = pretty({"a": 1}, title="list\x1b[2J")
    assert not RAW_CONTROL.search(text)
    assert "list\\u001b[2J" in text.splitlines()[0]


def test_empty_nested_values_read_like_empty_top_level_ones() -> None:
    import io

    from llamacloud_cli.output.pretty import render_pretty

    stream = io.StringIO()
    render_pretty({"job": {"tags": [], "meta": {}}, "items": []}, title="t", stream=stream)
    shown = stream.getvalue()
    assert "tags: (none)" in shown
    assert "meta: (empty)" in shown
    assert "items: (none)" in shown
    assert "[]" not in shown and "{}" not in shown
