"""The retry policy of CONTRACT §7, over real sockets: what is re-sent, when, and after how long.

Every test scripts the fault server, runs the real CLI in-process and counts the requests that
reached the server. Pauses between attempts are recorded by `no_real_sleep` instead of slept.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import pytest
from conftest import run
from faultserver import (
    CANCELLED,
    ITEM_PAGE,
    JOB,
    JOB_PAGE,
    RESULTS,
    STATUS,
    FaultServer,
    closed_port,
    delay,
    drop,
    fault_server_fixture,  # noqa: F401 - the fault_server fixture
    malformed,
    rate_limited,
    reset,
    respond,
    stall,
    truncated,
)

from llamacloud_cli.api import retry

CREATE = ["beta:batch", "create", "--job-config", '{"parameters": {}}', "--item-id", "item-1"]
# (name, argv, a valid answer, what stdout then holds)
READS = [
    ("get-status", ["beta:batch", "get-status", "job-1"], STATUS, STATUS),
    ("list", ["beta:batch", "list"], JOB_PAGE, JOB),
    ("cancel", ["beta:batch", "cancel", "job-1"], CANCELLED, CANCELLED),
    ("job-items list", ["beta:batch:job-items", "list", "job-1"], ITEM_PAGE, ITEM_PAGE["items"][0]),
    (
        "get-processing-results",
        ["beta:batch:job-items", "get-processing-results", "item-1"],
        RESULTS,
        RESULTS,
    ),
]
READ_IDS = [name for name, *_ in READS]
GET_STATUS = READS[0][1]
MAY_EXIST = "may have created the job"


def backoff_bounds(retry_number: int) -> tuple[float, float]:
    base = min(0.5 * 2**retry_number, 8.0)
    return base * 0.75, base


def assert_backoff(pauses: list[float]) -> None:
    for number, pause in enumerate(pauses):
        low, high = backoff_bounds(number)
        assert low <= pause <= high, f"pause {number} was {pause}, expected {low}..{high}"


def assert_same_request_resent(server: FaultServer) -> None:
    first = server.requests[0]
    for later in server.requests[1:]:
        assert (later.method, later.target, later.body) == (first.method, first.target, first.body)


# -- unit: backoff_delay ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_number", "longest"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0)]
)
def test_backoff_doubles_from_half_a_second_up_to_eight(retry_number: int, longest: float) -> None:
    assert retry.backoff_delay(retry_number, lambda: 0.0) == longest


@pytest.mark.parametrize("retry_number", [0, 1, 2, 3, 4, 5])
def test_backoff_jitter_shortens_by_at_most_a_quarter(retry_number: int) -> None:
    longest = retry.backoff_delay(retry_number, lambda: 0.0)
    assert retry.backoff_delay(retry_number, lambda: 1.0) == pytest.approx(longest * 0.75)
    assert longest * 0.75 < retry.backoff_delay(retry_number, lambda: 0.5) < longest


def test_backoff_stays_at_eight_seconds_for_huge_retry_numbers() -> None:
    assert retry.backoff_delay(10_000, lambda: 0.0) == 8.0


# -- unit: server_delay ---------------------------------------------------------------------------

NOW = 1_700_000_000.0


def http_date(seconds_from_now: float, now: float = NOW) -> str:
    return email.utils.formatdate(now + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "60"}, 60.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),
        ({"retry-after": http_date(30)}, 30.0),
    ],
    ids=["seconds", "fraction", "sixty", "ms", "ms-first", "bad-ms-falls-back", "http-date"],
)
def test_server_delay_reads_what_the_server_asked_for(
    headers: dict[str, str], expected: float
) -> None:
    assert retry.server_delay(headers, now=lambda: NOW) == pytest.approx(expected)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"retry-after": "0"},
        {"retry-after": "-3"},
        {"retry-after": "60.5"},
        {"retry-after": "120"},
        {"retry-after-ms": "61000"},
        {"retry-after": "tomorrow"},
        {"retry-after": http_date(-30)},
        {"retry-after": http_date(3600)},
    ],
    ids=["none", "zero", "negative", "over-60", "120", "ms-over-60", "garbage", "past", "hour"],
)
def test_server_delay_ignores_absent_or_insane_values(headers: dict[str, str]) -> None:
    assert retry.server_delay(headers, now=lambda: NOW) is None


# -- unit: should_retry_status --------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_reads_retry_transient_statuses(status: int) -> None:
    assert retry.should_retry_status(status, {}, idempotent=True)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_nobody_retries_client_errors(status: int) -> None:
    assert not retry.should_retry_status(status, {}, idempotent=True)
    assert not retry.should_retry_status(status, {}, idempotent=False)


@pytest.mark.parametrize(("status", "resent"), [(408, True), (429, True), (503, True), (409, False), (500, False), (502, False), (504, False)])  # fmt: skip
def test_create_is_retried_only_on_statuses_that_prove_nothing_ran(
    status: int, resent: bool
) -> None:
    assert retry.should_retry_status(status, {}, idempotent=False) is resent


def test_x_should_retry_overrides_the_status_rule_both_ways() -> None:
    assert retry.should_retry_status(400, {"x-should-retry": "true"}, idempotent=True)
    assert retry.should_retry_status(500, {"x-should-retry": "true"}, idempotent=False)
    assert not retry.should_retry_status(503, {"x-should-retry": "false"}, idempotent=True)
    assert not retry.should_retry_status(429, {"x-should-retry": "false"}, idempotent=False)
    assert retry.should_retry_status(503, {"x-should-retry": "maybe"}, idempotent=True)


# -- reads over real sockets ----------------------------------------------------------------------

TRANSIENT_PAIRS = {
    "503-then-502": (lambda: respond(503), lambda: respond(502, body="Bad gateway")),
    "drop-then-503": (drop, lambda: respond(503, json={"detail": "busy"})),
    "reset-then-truncated": (reset, truncated),
    "429-then-500": (lambda: respond(429), lambda: respond(500)),
}


@pytest.mark.parametrize("failures", TRANSIENT_PAIRS.values(), ids=TRANSIENT_PAIRS.keys())
@pytest.mark.parametrize(("name", "args", "answer", "printed"), READS, ids=READ_IDS)
def test_every_read_command_survives_two_transient_failures(
    fault_server: FaultServer,
    no_real_sleep: list[float],
    failures: tuple[Any, Any],
    name: str,
    args: list[str],
    answer: Any,
    printed: Any,
) -> None:
    fault_server.script(failures[0](), failures[1](), respond(200, json=answer))

    result = run(args)

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == printed
    assert len(fault_server.requests) == 3
    assert_same_request_resent(fault_server)
    assert len(no_real_sleep) == 2
    assert_backoff(no_real_sleep)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 504])
def test_get_status_retries_each_transient_status(fault_server: FaultServer, status: int) -> None:
    fault_server.script(respond(status), respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert len(fault_server.requests) == 2


def test_a_read_that_times_out_is_sent_again(fault_server: FaultServer) -> None:
    fault_server.script(delay(2.0), respond(200, json=STATUS))

    result = run([*GET_STATUS, "--timeout", "0.3"])

    assert result.exit_code == 0, result.stderr
    assert result.json() == STATUS
    assert len(fault_server.requests) == 2


def test_a_read_gives_up_after_the_retries_with_exit_5_and_the_last_error(
    fault_server: FaultServer, no_real_sleep: list[float]
) -> None:
    fault_server.script(respond(503), respond(502), respond(500, json={"detail": "db is down"}))

    result = run(GET_STATUS)

    assert result.exit_code == 5
    assert result.stdout == ""
    assert "HTTP 500" in result.stderr and "db is down" in result.stderr
    assert len(fault_server.requests) == 3
    assert len(no_real_sleep) == 2
    assert MAY_EXIST not in result.stderr


def test_a_read_whose_connection_keeps_dropping_exits_6(fault_server: FaultServer) -> None:
    fault_server.script(drop(), drop(), drop())

    result = run(GET_STATUS)

    assert result.exit_code == 6
    assert "Server disconnected" in result.stderr
    assert len(fault_server.requests) == 3


def test_later_pages_of_a_list_are_retried_too(fault_server: FaultServer) -> None:
    second = {**JOB, "id": "job-2"}
    fault_server.script(
        respond(200, json={"items": [JOB], "total_size": 2}),
        respond(503),
        respond(200, json={"items": [second], "total_size": 2}),
    )

    result = run(["--format", "jsonl", "beta:batch", "list"])

    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["job-1", "job-2"]
    assert [r.query.get("offset") for r in fault_server.requests] == [None, ["1"], ["1"]]


# -- never retried --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "exit_code"), [(400, 4), (401, 3), (403, 3), (404, 4), (422, 4)]
)
@pytest.mark.parametrize("command", ["get-status", "create"])
def test_client_errors_are_never_retried(
    fault_server: FaultServer,
    no_real_sleep: list[float],
    status: int,
    exit_code: int,
    command: str,
) -> None:
    fault_server.script(respond(status, json={"detail": f"refused with {status}"}))

    result = run(GET_STATUS if command == "get-status" else CREATE)

    assert result.exit_code == exit_code
    assert len(fault_server.requests) == 1
    assert no_real_sleep == []
    assert f"HTTP {status}" in result.stderr and f"refused with {status}" in result.stderr
    assert result.stdout == ""


# -- --max-retries and LLAMA_CLOUD_MAX_RETRIES -----------------------------------------------------


def test_max_retries_zero_means_exactly_one_attempt(
    fault_server: FaultServer, no_real_sleep: list[float]
) -> None:
    fault_server.script(respond(503), respond(200, json=STATUS))

    result = run([*GET_STATUS, "--max-retries", "0"])

    assert result.exit_code == 5
    assert len(fault_server.requests) == 1
    assert no_real_sleep == []


def test_max_retries_four_makes_five_attempts_with_doubling_pauses(
    fault_server: FaultServer, no_real_sleep: list[float]
) -> None:
    fault_server.script(*[respond(503)] * 4, respond(200, json=STATUS))

    result = run(["--max-retries", "4", *GET_STATUS])

    assert result.exit_code == 0, result.stderr
    assert len(fault_server.requests) == 5
    assert len(no_real_sleep) == 4
    assert_backoff(no_real_sleep)
    assert no_real_sleep[3] >= 3.0  # the fourth pause is 4 s minus at most 25 %


def test_max_retries_comes_from_the_environment(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_MAX_RETRIES", "1")
    fault_server.script(respond(503), respond(503), respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 5
    assert len(fault_server.requests) == 2


def test_the_max_retries_flag_beats_the_environment(
    fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_MAX_RETRIES", "5")
    fault_server.script(respond(503), respond(200, json=STATUS))

    result = run([*GET_STATUS, "--max-retries", "0"])

    assert result.exit_code == 5
    assert len(fault_server.requests) == 1


def test_the_default_is_two_retries(fault_server: FaultServer) -> None:
    fault_server.script(*[respond(503)] * 5)

    result = run(GET_STATUS)

    assert result.exit_code == 5
    assert len(fault_server.requests) == 3
    assert fault_server.pending_actions == 2


# -- x-should-retry -------------------------------------------------------------------------------


def test_x_should_retry_true_makes_a_400_retried(fault_server: FaultServer) -> None:
    fault_server.script(
        respond(400, json={"detail": "try again"}, headers={"x-should-retry": "true"}),
        respond(200, json=STATUS),
    )

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert len(fault_server.requests) == 2


def test_x_should_retry_false_stops_a_503_being_retried(fault_server: FaultServer) -> None:
    fault_server.script(
        respond(503, headers={"x-should-retry": "false"}), respond(200, json=STATUS)
    )

    result = run(GET_STATUS)

    assert result.exit_code == 5
    assert len(fault_server.requests) == 1


def test_x_should_retry_true_lets_a_create_be_resent_after_a_500(fault_server: FaultServer) -> None:
    fault_server.script(respond(500, headers={"x-should-retry": "true"}), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 0, result.stderr
    assert result.json() == JOB
    assert len(fault_server.requests) == 2


def test_x_should_retry_false_stops_a_create_being_resent_after_a_429(
    fault_server: FaultServer,
) -> None:
    fault_server.script(
        respond(429, headers={"x-should-retry": "false", "Retry-After": "1"}),
        respond(200, json=JOB),
    )

    result = run(CREATE)

    assert result.exit_code == 4
    assert len(fault_server.requests) == 1


# -- the server's delay ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "pause"),
    [
        ("Retry-After", "7", 7.0),
        ("Retry-After", "2.5", 2.5),
        ("Retry-After", "60", 60.0),
        ("retry-after-ms", "1250", 1.25),
    ],
)
def test_a_read_waits_exactly_as_long_as_the_server_asked(
    fault_server: FaultServer, no_real_sleep: list[float], header: str, value: str, pause: float
) -> None:
    fault_server.script(rate_limited(value, header=header), respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert no_real_sleep == [pause]


@pytest.mark.parametrize("value", ["61", "120", "0", "-1", "whenever"])
def test_an_insane_retry_after_is_ignored_and_backoff_used(
    fault_server: FaultServer, no_real_sleep: list[float], value: str
) -> None:
    fault_server.script(rate_limited(value), respond(200, json=STATUS))

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert len(no_real_sleep) == 1
    assert 0.375 <= no_real_sleep[0] <= 0.5


def test_an_http_date_retry_after_is_honoured(
    fault_server: FaultServer, no_real_sleep: list[float]
) -> None:
    fault_server.script(
        rate_limited(email.utils.formatdate(time.time() + 20, usegmt=True)),
        respond(200, json=STATUS),
    )

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert len(no_real_sleep) == 1
    assert 18.5 <= no_real_sleep[0] <= 20.0  # HTTP dates have whole seconds


def test_retry_after_on_a_503_is_honoured_too(
    fault_server: FaultServer, no_real_sleep: list[float]
) -> None:
    fault_server.script(
        respond(503, headers={"Retry-After": "3"}), respond(503), respond(200, json=STATUS)
    )

    result = run(GET_STATUS)

    assert result.exit_code == 0, result.stderr
    assert no_real_sleep[0] == 3.0
    assert 0.75 <= no_real_sleep[1] <= 1.0  # the second pause is ordinary backoff (retry 2)


# -- create: never started twice -------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 504])
def test_create_is_sent_once_after_a_5xx_that_may_mean_it_ran(
    fault_server: FaultServer, no_real_sleep: list[float], status: int
) -> None:
    fault_server.script(respond(status, json={"detail": "oops"}), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 5
    assert len(fault_server.requests) == 1
    assert no_real_sleep == []
    assert result.stdout == ""
    assert f"HTTP {status}" in result.stderr
    assert MAY_EXIST in result.stderr and "beta:batch list" in result.stderr


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (drop, "Server disconnected"),
        (reset, "reset"),
        (truncated, "closed connection"),
    ],
    ids=["dropped", "reset", "truncated-answer"],
)
def test_create_is_sent_once_when_the_connection_fails_after_sending(
    fault_server: FaultServer, no_real_sleep: list[float], fault: Any, says: str
) -> None:
    fault_server.script(fault(), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 6
    assert len(fault_server.requests) == 1
    assert no_real_sleep == []
    assert says in result.stderr
    assert MAY_EXIST in result.stderr and "beta:batch list" in result.stderr


def test_create_is_sent_once_after_a_read_timeout(fault_server: FaultServer) -> None:
    fault_server.script(delay(3.0, respond(200, json=JOB)), respond(200, json=JOB))
    started = time.monotonic()

    result = run([*CREATE, "--timeout", "0.5"])

    assert time.monotonic() - started < 2.0
    assert result.exit_code == 6
    assert len(fault_server.requests) == 1
    assert "no response" in result.stderr and "0.5 s" in result.stderr
    assert MAY_EXIST in result.stderr and "beta:batch list" in result.stderr


@pytest.mark.parametrize("answer", [408, 429, 503])
def test_create_is_resent_after_an_answer_that_proves_nothing_ran(
    fault_server: FaultServer, answer: int
) -> None:
    fault_server.script(respond(answer, json={"detail": "later"}), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 0, result.stderr
    assert result.json() == JOB
    assert len(fault_server.requests) == 2
    assert_same_request_resent(fault_server)


@pytest.mark.parametrize("status", [429, 503])
def test_create_waits_for_the_servers_retry_after(
    fault_server: FaultServer, no_real_sleep: list[float], status: int
) -> None:
    fault_server.script(respond(status, headers={"Retry-After": "4"}), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 0, result.stderr
    assert no_real_sleep == [4.0]
    assert len(fault_server.requests) == 2


@pytest.mark.parametrize(("status", "exit_code"), [(429, 4), (503, 5)])
def test_a_create_refused_every_time_does_not_claim_the_job_may_exist(
    fault_server: FaultServer, status: int, exit_code: int
) -> None:
    fault_server.script(*[respond(status)] * 3)

    result = run(CREATE)

    assert result.exit_code == exit_code
    assert len(fault_server.requests) == 3
    assert MAY_EXIST not in result.stderr


def test_create_is_not_retried_after_a_409(fault_server: FaultServer) -> None:
    fault_server.script(respond(409, json={"detail": "conflict"}), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 4
    assert len(fault_server.requests) == 1


def test_create_with_max_retries_zero_is_not_resent_even_after_a_503(
    fault_server: FaultServer,
) -> None:
    fault_server.script(respond(503), respond(200, json=JOB))

    result = run([*CREATE, "--max-retries", "0"])

    assert result.exit_code == 5
    assert len(fault_server.requests) == 1


def test_create_is_resent_when_the_first_connection_was_refused(
    monkeypatch: pytest.MonkeyPatch, no_real_sleep: list[float]
) -> None:
    from llamacloud_cli.api import client

    port = closed_port()
    late = FaultServer(port=port).script(respond(200, json=JOB))

    def start_server_during_the_pause(seconds: float) -> None:
        no_real_sleep.append(seconds)
        if len(no_real_sleep) == 1:
            late.start()

    monkeypatch.setattr(client, "sleep_between_attempts", start_server_during_the_pause)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", f"http://127.0.0.1:{port}")
    try:
        result = run(CREATE)
    finally:
        late.stop()

    assert result.exit_code == 0, result.stderr
    assert result.json() == JOB
    assert len(late.requests) == 1
    assert len(no_real_sleep) == 1


def test_a_create_answer_that_is_not_json_says_the_job_may_exist(
    fault_server: FaultServer,
) -> None:
    fault_server.script(malformed(), respond(200, json=JOB))

    result = run(CREATE)

    assert result.exit_code == 7
    assert len(fault_server.requests) == 1
    assert "not JSON" in result.stderr
    assert MAY_EXIST in result.stderr


# -- --timeout -------------------------------------------------------------------------------------


def test_a_stalled_server_is_abandoned_after_the_timeout(fault_server: FaultServer) -> None:
    fault_server.script(stall())
    started = time.monotonic()

    result = run([*GET_STATUS, "--timeout", "0.5", "--max-retries", "0"])

    elapsed = time.monotonic() - started
    assert 0.45 <= elapsed < 2.0
    assert result.exit_code == 6
    assert "no response from 127.0.0.1 within 0.5 s" in result.stderr
    assert len(fault_server.requests) == 1


def test_each_attempt_gets_the_full_timeout_and_a_stalled_read_is_retried(
    fault_server: FaultServer,
) -> None:
    fault_server.script(stall(), stall(), stall())
    started = time.monotonic()

    result = run([*GET_STATUS, "--timeout", "0.25"])

    assert 0.7 <= time.monotonic() - started < 2.5
    assert result.exit_code == 6
    assert len(fault_server.requests) == 3
