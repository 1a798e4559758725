"""`--wait` on create and get-status (CONTRACT §9, exit codes §7) and the progress reporters.

No test sleeps: `llamacloud_cli.wait.pause` records pauses (conftest), and where time matters a
fake clock replaces `llamacloud_cli.wait.monotonic` and moves forward when `pause` is called.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from conftest import BASE_URL, run

from llamacloud_cli import wait
from llamacloud_cli.errors import InterruptedByUser, WaitTimeoutError
from llamacloud_cli.output.progress import BarProgress, PlainProgress, make_progress

JOBS = "/api/v1/beta/batch-processing"
STATUS = f"{JOBS}/bjb-1"
CONFIG = '{"job_name": "parse_raw_file_job"}'


def job(status: str, processed: int = 0, failed: int = 0, **fields: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": "bjb-1",
        "job_type": "parse",
        "project_id": "proj-1",
        "status": status,
        "total_items": 4,
        "processed_items": processed,
        "failed_items": failed,
        "skipped_items": 0,
    }
    value.update(fields)
    return value


def answer(status: str, processed: int = 0, failed: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "job": job(status, processed, failed, **fields),
        "progress_percentage": 100.0 * processed / 4,
    }


def polls(*answers: dict[str, Any] | int) -> list[httpx.Response]:
    """get-status answers in order; an int is an HTTP error status."""
    return [
        httpx.Response(a) if isinstance(a, int) else httpx.Response(200, json=a) for a in answers
    ]


class FakeClock:
    """`monotonic` that only moves when `pause` is called."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(wait, "monotonic", fake.monotonic)
    monkeypatch.setattr(wait, "pause", fake.pause)
    return fake


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def progress_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("job ")]


# --- how the wait ends ---------------------------------------------------------------------------


def test_create_wait_prints_the_final_job_object_and_exits_0(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.post(JOBS).respond(200, json=job("pending"))
    final = answer("completed", processed=4, completed_at="2026-01-01T00:00:09Z")
    mock.get(STATUS).mock(side_effect=polls(answer("running", processed=1), final))
    result = run(["beta:batch", "create", "--job-config", CONFIG, "--item-id", "a", "--wait"])
    assert result.exit_code == 0, result.stderr
    assert result.json() == final["job"]  # create's shape: the job object, not the envelope
    assert [c.request.method for c in mock.calls] == ["POST", "GET", "GET"]
    assert clock.pauses == [2.0]  # polled at once, then after --poll-interval


def test_create_wait_polls_in_the_scope_the_job_was_created_in(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.post(JOBS).respond(200, json=job("pending"))
    mock.get(STATUS).respond(200, json=answer("completed", processed=4))
    result = run(
        [
            "beta:batch", "create", "--job-config", CONFIG, "--item-id", "a", "--wait",
            "--organization-id", "org-1", "--project-id", "proj-1",
            "--temporal-namespace", "ns-1",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    poll = mock.calls[1].request
    assert dict(poll.url.params) == {"organization_id": "org-1", "project_id": "proj-1"}
    assert "temporal-namespace" not in poll.headers


def test_get_status_wait_prints_the_final_get_status_response(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    final = answer("completed", processed=4, unknown_server_field=[1])
    mock.get(STATUS).mock(side_effect=polls(answer("running", processed=2), final))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait", "--project-id", "proj-1"])
    assert result.exit_code == 0, result.stderr
    assert result.json() == final  # get-status's shape: job and progress_percentage
    assert [dict(c.request.url.params) for c in mock.calls] == [{"project_id": "proj-1"}] * 2


def test_get_status_wait_on_a_finished_job_asks_once_and_never_pauses(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).respond(200, json=answer("completed", processed=4))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 0, result.stderr
    assert len(mock.calls) == 1
    assert clock.pauses == []


def test_a_failed_job_exits_8_naming_the_job_and_how_to_see_its_failed_items(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    failed = answer("failed", processed=4, failed=4, error_message="all 4 processed items failed")
    mock.get(STATUS).mock(side_effect=polls(answer("running", processed=1, failed=1), failed))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 8
    assert "job bjb-1 ended failed (4 of 4 items failed): all 4 processed items failed" in (
        result.stderr
    )
    assert "llamacloud-prod beta:batch:job-items list bjb-1 --status failed" in result.stderr
    assert result.json() == failed  # the final answer is still there to inspect


def test_a_cancelled_job_exits_8_and_points_at_the_items_left_undone(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.post(JOBS).respond(200, json=job("pending"))
    mock.get(STATUS).respond(200, json=answer("cancelled", processed=1))
    result = run(["beta:batch", "create", "--job-config", CONFIG, "--item-id", "a", "--wait"])
    assert result.exit_code == 8
    assert "job bjb-1 ended cancelled" in result.stderr
    assert "beta:batch:job-items list bjb-1 --status cancelled" in result.stderr


def test_a_completed_job_with_some_failed_items_still_exits_0(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).respond(200, json=answer("completed", processed=4, failed=1))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 0, result.stderr


def test_an_unknown_job_status_is_not_terminal(mock: respx.MockRouter, clock: FakeClock) -> None:
    mock.get(STATUS).mock(
        side_effect=polls(answer("paused"), answer("paused"), answer("completed", processed=4))
    )
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 0, result.stderr
    assert len(mock.calls) == 3
    assert len(clock.pauses) == 2


def test_wait_timeout_exits_9_naming_the_job_and_the_command_that_resumes(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).respond(200, json=answer("running", processed=1))
    start = clock.now
    result = run(
        [
            "beta:batch",
            "get-status",
            "bjb-1",
            "--wait",
            "--wait-timeout",
            "10",
            "--poll-interval",
            "2",
        ]
    )
    assert result.exit_code == 9
    assert result.stdout == ""
    assert "job bjb-1 is still running after waiting 10 s (--wait-timeout)" in result.stderr
    assert "llamacloud-prod beta:batch get-status bjb-1 --wait" in result.stderr
    assert clock.now - start == pytest.approx(10.0)  # the last pause is cut to the deadline
    assert all(p <= 15 for p in clock.pauses)


def test_a_job_ending_before_the_wait_timeout_exits_0(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).mock(
        side_effect=polls(answer("running"), answer("running"), answer("completed", processed=4))
    )
    result = run(["beta:batch", "get-status", "bjb-1", "--wait", "--wait-timeout", "60"])
    assert result.exit_code == 0, result.stderr


def test_wait_timeout_zero_gives_up_after_the_first_answer(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).respond(200, json=answer("pending"))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait", "--wait-timeout", "0"])
    assert result.exit_code == 9
    assert len(mock.calls) == 1
    assert clock.pauses == []


# --- failures while polling ----------------------------------------------------------------------


def test_a_transient_poll_error_is_retried_and_the_wait_goes_on(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).mock(
        side_effect=polls(answer("running"), 503, answer("completed", processed=4))
    )
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 0, result.stderr
    assert len(mock.calls) == 3
    assert result.json()["job"]["status"] == "completed"


def test_a_poll_failing_after_retries_exits_5_and_names_the_job(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.post(JOBS).respond(200, json=job("pending"))
    mock.get(STATUS).respond(503, json={"detail": "upstream unavailable"})
    result = run(["beta:batch", "create", "--job-config", CONFIG, "--item-id", "a", "--wait"])
    assert result.exit_code == 5
    assert result.stdout == ""
    assert len(mock.calls) == 1 + 3  # create, then one poll tried 3 times (--max-retries 2)
    assert "upstream unavailable" in result.stderr
    assert "job bjb-1 may still be running" in result.stderr
    assert "llamacloud-prod beta:batch get-status bjb-1 --wait" in result.stderr


def test_ctrl_c_while_waiting_exits_130_and_says_how_to_resume(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(wait, "pause", interrupted)
    mock.get(STATUS).respond(200, json=answer("running", processed=1))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 130
    assert result.stdout == ""
    assert "bjb-1" in result.stderr
    assert "keeps running" in result.stderr
    assert "llamacloud-prod beta:batch get-status bjb-1 --wait" in result.stderr
    assert len(mock.calls) == 1  # nothing was cancelled on the way out


def test_ctrl_c_after_create_names_the_new_job(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wait, "pause", lambda seconds: (_ for _ in ()).throw(KeyboardInterrupt))
    mock.post(JOBS).respond(200, json=job("pending", id="bjb-new"))
    mock.get(f"{JOBS}/bjb-new").respond(200, json=answer("running", id="bjb-new"))
    result = run(["beta:batch", "create", "--job-config", CONFIG, "--item-id", "a", "--wait"])
    assert result.exit_code == 130
    assert "llamacloud-prod beta:batch get-status bjb-new --wait" in result.stderr
    assert [c.request.method for c in mock.calls] == ["POST", "GET"]


def test_suggested_commands_quote_a_job_id_that_the_shell_would_split(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    odd = "bjb 1;rm -rf ~"
    mock.get(f"{JOBS}/bjb%201%3Brm%20-rf%20~").mock(
        side_effect=polls(answer("running", id=odd), answer("failed", id=odd))
    )
    timed_out = run(["beta:batch", "get-status", odd, "--wait", "--wait-timeout", "0"])
    failed = run(["beta:batch", "get-status", odd, "--wait"])
    assert timed_out.exit_code == 9
    assert "llamacloud-prod beta:batch get-status 'bjb 1;rm -rf ~' --wait" in timed_out.stderr
    assert failed.exit_code == 8
    assert "beta:batch:job-items list 'bjb 1;rm -rf ~' --status failed" in failed.stderr


def test_get_status_wait_with_dry_run_prints_the_request_and_never_polls(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    result = run(["beta:batch", "get-status", "bjb-1", "--wait", "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert result.json()["url"] == f"{BASE_URL}{STATUS}"
    assert len(mock.calls) == 0
    assert clock.pauses == []


# --- how often it polls --------------------------------------------------------------------------


def test_pauses_start_at_the_poll_interval_grow_about_1_2x_and_cap_at_15_s(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, no_real_sleep: list[float]
) -> None:
    monkeypatch.setattr(wait, "random", random.Random(1234))
    mock.get(STATUS).mock(
        side_effect=polls(*[answer("running")] * 30, answer("completed", processed=4))
    )
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 0, result.stderr
    pauses = no_real_sleep
    assert len(pauses) == 30
    assert pauses[0] == 2.0
    growing = [(a, b) for a, b in zip(pauses, pauses[1:], strict=False) if a * 1.32 < 15]
    assert len(growing) >= 8
    assert all(1.2 * 0.9 <= b / a <= 1.2 * 1.1 for a, b in growing)
    assert max(pauses) <= 15.0
    assert min(pauses[-10:]) >= 15.0 * 0.9  # it settles at the cap, jitter only below it


def test_a_custom_poll_interval_is_the_first_pause(
    mock: respx.MockRouter, no_real_sleep: list[float]
) -> None:
    mock.get(STATUS).mock(side_effect=polls(answer("running"), answer("completed")))
    result = run(["beta:batch", "get-status", "bjb-1", "--wait", "--poll-interval", "0.5"])
    assert result.exit_code == 0, result.stderr
    assert no_real_sleep == [0.5]


@pytest.mark.parametrize(
    ("current", "base", "fraction", "expected"),
    [
        (2.0, 2.0, 0.5, 2.4),  # no jitter in the middle
        (2.0, 2.0, 0.0, 2.4 * 0.9),  # -10 %
        (2.0, 2.0, 1.0, 2.4 * 1.1),  # +10 %
        (14.0, 2.0, 1.0, 15.0),  # jitter never pushes past the cap
        (15.0, 2.0, 0.0, 13.5),
        (20.0, 20.0, 0.5, 20.0),  # a user's interval above 15 s is kept, not shortened
    ],
)
def test_next_interval_grows_by_1_2_with_jitter_and_a_ceiling(
    current: float, base: float, fraction: float, expected: float
) -> None:
    assert wait.next_interval(current, base, fraction) == pytest.approx(expected)


def test_a_poll_interval_below_the_minimum_is_refused_before_sending(
    mock: respx.MockRouter,
) -> None:
    result = run(["beta:batch", "get-status", "bjb-1", "--wait", "--poll-interval", "0"])
    assert result.exit_code == 2
    assert len(mock.calls) == 0


# --- the wait loop on its own --------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.updates: list[str] = []
        self.closed = 0

    def update(self, status: dict[str, Any]) -> None:
        self.updates.append(status["job"]["status"])

    def close(self) -> None:
        self.closed += 1


def test_wait_for_job_closes_the_progress_display_when_interrupted() -> None:
    progress = Recorder()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(InterruptedByUser) as caught:
        wait.wait_for_job(
            "bjb-1",
            lambda: answer("running"),
            options=wait.WaitOptions(),
            progress=progress,
            sleep=interrupted,
        )
    assert progress.closed == 1
    assert caught.value.hint == "resume with: llamacloud-prod beta:batch get-status bjb-1 --wait"


def test_wait_for_job_checks_the_deadline_with_the_injected_clock() -> None:
    fake = FakeClock()
    progress = Recorder()
    with pytest.raises(WaitTimeoutError):
        wait.wait_for_job(
            "bjb-1",
            lambda: answer("dispatched"),
            options=wait.WaitOptions(poll_interval=4, wait_timeout=9),
            progress=progress,
            clock=fake.monotonic,
            sleep=fake.pause,
            random_fraction=lambda: 0.5,
        )
    assert fake.pauses == pytest.approx([4.0, 4.8, 0.2])
    assert progress.updates == ["dispatched"] * 4
    assert progress.closed == 1


# --- progress on stderr --------------------------------------------------------------------------


def test_plain_progress_lines_go_to_stderr_only_when_something_changed(
    mock: respx.MockRouter, clock: FakeClock
) -> None:
    mock.get(STATUS).mock(
        side_effect=polls(
            answer("pending"),
            answer("running", processed=1),
            answer("running", processed=1),
            answer("running", processed=1),
            answer("completed", processed=4, failed=1),
        )
    )
    result = run(["beta:batch", "get-status", "bjb-1", "--wait"])
    assert result.exit_code == 0, result.stderr
    assert progress_lines(result.stderr) == [
        "job bjb-1 pending: 0/4 processed, 0 failed, 0 skipped (0%)",
        "job bjb-1 running: 1/4 processed, 0 failed, 0 skipped (25%)",
        "job bjb-1 completed: 4/4 processed, 1 failed, 0 skipped (100%)",
    ]
    assert result.json()["job"]["status"] == "completed"  # stdout holds only the result


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_progress_repeats_an_unchanged_line_only_as_a_30_s_heartbeat() -> None:
    stream, ticker = io.StringIO(), Ticker()
    progress = PlainProgress(stream, clock=ticker)
    for now in (0.0, 10.0, 29.9):
        ticker.now = now
        progress.update(answer("running", processed=1))
    assert len(stream.getvalue().splitlines()) == 1
    ticker.now = 30.0
    progress.update(answer("running", processed=1))
    ticker.now = 45.0
    progress.update(answer("running", processed=1))
    assert len(stream.getvalue().splitlines()) == 2
    ticker.now = 46.0
    progress.update(answer("running", processed=2))  # a change is printed at once
    lines = stream.getvalue().splitlines()
    assert lines == [
        "job bjb-1 running: 1/4 processed, 0 failed, 0 skipped (25%)",
        "job bjb-1 running: 1/4 processed, 0 failed, 0 skipped (25%)",
        "job bjb-1 running: 2/4 processed, 0 failed, 0 skipped (50%)",
    ]


def test_plain_progress_escapes_control_characters_from_the_server() -> None:
    stream = io.StringIO()
    PlainProgress(stream, clock=Ticker()).update(
        {"job": job("running\x1b[2J", id="bjb\x07\u202e1"), "progress_percentage": 0}
    )
    line = stream.getvalue()
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
    assert "bjb\\u0007\\u202e1" in line


def test_plain_progress_copes_with_missing_counters() -> None:
    stream = io.StringIO()
    minimal = {"id": "bjb-1", "job_type": "parse", "project_id": "p", "status": "pending"}
    PlainProgress(stream, clock=Ticker()).update(
        {"job": {**minimal, "total_items": 0}, "progress_percentage": 0}
    )
    assert stream.getvalue() == "job bjb-1 pending: 0/0 processed, 0 failed, 0 skipped (0%)\n"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_bar_progress_on_a_terminal_renders_the_counts() -> None:
    terminal = FakeTerminal()
    bar = BarProgress(terminal)
    try:
        bar.update(
            {
                "job": job("running", processed=3, failed=1, skipped_items=2, total_items=10),
                "progress_percentage": 50.0,
            }
        )
    finally:
        bar.close()
    shown = strip_ansi(terminal.getvalue())
    assert "bjb-1 running" in shown
    assert "3/10 processed · 1 failed · 2 skipped" in shown
    assert "30%" in shown  # the bar's own share: processed of total


def test_bar_progress_shows_a_job_id_with_brackets_literally() -> None:
    terminal = FakeTerminal()
    bar = BarProgress(terminal)
    try:
        bar.update({"job": job("running", id="bjb-[/]-[bold]x\x1b"), "progress_percentage": 0})
    finally:
        bar.close()
    shown = strip_ansi(terminal.getvalue())
    assert "bjb-[/]-[bold]x\\u001b running" in shown


def test_make_progress_draws_a_bar_on_a_terminal_and_plain_lines_elsewhere() -> None:
    terminal = FakeTerminal()
    bar = make_progress(terminal)
    bar.close()
    assert isinstance(bar, BarProgress)
    assert isinstance(make_progress(io.StringIO()), PlainProgress)


def test_progress_percentage_is_rendered_from_a_float_field() -> None:
    stream = io.StringIO()
    PlainProgress(stream, clock=Ticker()).update(
        json.loads(
            '{"job": {"id": "j", "status": "running", "total_items": 3,'
            ' "processed_items": 1}, "progress_percentage": 33.333}'
        )
    )
    assert stream.getvalue().endswith("(33%)\n")
