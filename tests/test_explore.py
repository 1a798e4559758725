"""`--format explore`: the tree navigation, and the fallback off a terminal."""

from __future__ import annotations

import json

import httpx
import respx
from conftest import BASE_URL

from llamacloud_cli.output.explore import ExplorerState

JOB = {
    "id": "bjb-1",
    "status": "failed",
    "counts": {"processed": 3, "failed": 1},
    "items": [{"id": "a"}, {"id": "b"}],
}


def test_the_root_starts_expanded_showing_top_level_keys() -> None:
    state = ExplorerState(JOB, "beta:batch get-status")
    assert [state.line(n).strip() for n in state.visible()] == [
        "▾ beta:batch get-status: {…} 4 keys",
        'id: "bjb-1"',
        'status: "failed"',
        "▸ counts: {…} 2 keys",
        "▸ items: […] 2 items",
    ]


def test_moving_expanding_and_collapsing() -> None:
    state = ExplorerState(JOB)
    for key in ("down", "down", "down"):
        state.press(key)
    assert state.selected.label == "counts"
    state.press("right")
    assert [n.label for n in state.visible()][4:6] == ["processed", "failed"]
    state.press("j")
    assert state.selected.label == "processed"
    state.press("left")  # a leaf goes to its parent
    assert state.selected.label == "counts"
    state.press("left")  # an expanded node collapses
    assert len(state.visible()) == 5
    state.press("G")
    assert state.selected.label == "items"
    state.press("g")
    assert state.cursor == 0
    state.press("up")
    assert state.cursor == 0


def test_keys_that_close_the_viewer() -> None:
    state = ExplorerState(JOB)
    assert state.press("q") is False
    state.press("down")
    assert state.press("p") is False and state.print_on_exit
    assert state.selected.value == "bjb-1"


def test_raw_toggle_and_control_characters_are_escaped() -> None:
    state = ExplorerState({"error_message": "boom\x1b[2J\u202e"})
    assert "\x1b" not in state.line(state.visible()[1])
    assert "\u202e" not in state.line(state.visible()[1])
    state.press("r")
    assert state.show_raw


def test_explore_falls_back_to_json_off_a_terminal_with_a_warning(cli) -> None:  # type: ignore[no-untyped-def]
    body = {
        "job": {
            "id": "J",
            "job_type": "parse",
            "project_id": "p",
            "status": "running",
            "total_items": 1,
        },
        "progress_percentage": 0,
    }
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/api/v1/beta/batch-processing/J").mock(
            return_value=httpx.Response(200, json=body)
        )
        result = cli(["beta:batch", "get-status", "J", "--format", "explore"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == body
    assert (
        "'explore' not supported for non-terminal output; falling back to 'json'" in result.stderr
    )


def test_no_warning_when_explore_was_not_asked_for(cli) -> None:  # type: ignore[no-untyped-def]
    body = {"job_id": "J", "message": "ok", "processed_items": 0, "status": "cancelled"}
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/api/v1/beta/batch-processing/J/cancel").mock(
            return_value=httpx.Response(200, json=body)
        )
        result = cli(["beta:batch", "cancel", "J"])
    assert result.exit_code == 0
    assert result.stderr == ""
