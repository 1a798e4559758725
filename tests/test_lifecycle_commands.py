"""The lifecycle commands after create: list, get-status, cancel, job-items list and
get-processing-results (CONTRACT §3; anchor-cli §2.6-2.7, §5).

Every test pins the exact request (method, raw path, query, body, headers) that the flags,
the positional argument or piped stdin produce, and that bad input sends nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from conftest import BASE_URL, TEST_KEY, run

JOBS = "/api/v1/beta/batch-processing"


def job(job_id: str = "bjb-1", **fields: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": job_id,
        "job_type": "parse",
        "project_id": "proj-1",
        "status": "running",
        "total_items": 4,
        "processed_items": 1,
        "failed_items": 0,
        "skipped_items": 0,
    }
    value.update(fields)
    return value


def status_body(job_id: str = "bjb-1", **fields: Any) -> dict[str, Any]:
    return {"job": job(job_id, **fields), "progress_percentage": 25.0}


CANCELLED = {"job_id": "bjb-1", "message": "cancelled", "processed_items": 1, "status": "cancelled"}
ITEM = {"item_id": "dfl-1", "item_name": "a.pdf", "status": "failed", "error_message": "boom"}
RESULTS = {
    "item_id": "dfl-1",
    "item_name": "a.pdf",
    "processing_results": [
        {
            "result_id": "res-1",
            "item_id": "dfl-1",
            "job_type": "parse",
            "job_config": {},
            "output_s3_path": "s3://bucket/a.md",
            "parameters_hash": "abc",
            "processed_at": "2026-01-02T03:04:05Z",
        }
    ],
}


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    """The mocked API; call counts are asserted by each test, inside the mock's lifetime."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def only_request(mock: respx.MockRouter) -> httpx.Request:
    assert len(mock.calls) == 1, [str(c.request.url) for c in mock.calls]
    return mock.calls[0].request


def query(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())


# --- beta:batch list -----------------------------------------------------------------------------


def test_list_without_flags_sends_no_query_at_all(mock: respx.MockRouter) -> None:
    mock.get(JOBS).respond(200, json={"items": [job()], "total_size": 1})
    result = run(["beta:batch", "list"])
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert request.method == "GET"
    assert request.url.raw_path == JOBS.encode()
    assert query(request) == []
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert request.content == b""
    assert "content-type" not in request.headers


def test_list_sends_every_filter_flag_as_its_query_parameter(mock: respx.MockRouter) -> None:
    mock.get(JOBS).respond(200, json={"items": [], "total_size": 0})
    result = run(
        [
            "beta:batch", "list",
            "--directory-id", "dir-1",
            "--job-type", "classify",
            "--status", "completed",
            "--limit", "10",
            "--offset", "20",
            "--organization-id", "org-1",
            "--project-id", "proj-1",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert dict(query(only_request(mock))) == {
        "directory_id": "dir-1",
        "job_type": "classify",
        "status": "completed",
        "limit": "10",
        "offset": "20",
        "organization_id": "org-1",
        "project_id": "proj-1",
    }


@pytest.mark.parametrize(
    ("flag", "given", "sent"),
    [
        ("--status", "FAILED", "failed"),
        ("--status", "Dispatched", "dispatched"),
        ("--job-type", "PARSE", "parse"),
        ("--job-type", "Extract", "extract"),
    ],
)
def test_list_enum_filters_are_case_insensitive_and_sent_lower_case(
    mock: respx.MockRouter, flag: str, given: str, sent: str
) -> None:
    mock.get(JOBS).respond(200, json={"items": []})
    result = run(["beta:batch", "list", flag, given])
    assert result.exit_code == 0, result.stderr
    assert query(only_request(mock)) == [(flag.removeprefix("--").replace("-", "_"), sent)]


@pytest.mark.parametrize(
    "args",
    [
        ["beta:batch", "list", "--status", "paused"],
        ["beta:batch", "list", "--status", "processing"],  # an item status, not a job status
        ["beta:batch", "list", "--job-type", "split"],
        ["beta:batch", "list", "--limit", "0"],
        ["beta:batch", "list", "--offset", "-1"],
        ["beta:batch", "list", "--limit", "ten"],
        ["beta:batch", "list", "stray-positional"],
        ["beta:batch:job-items", "list", "bjb-1", "--status", "running"],  # a job status
        ["beta:batch:job-items", "get-processing-results", "dfl-1", "--job-type", "ocr"],
    ],
)
def test_invalid_filter_values_exit_2_and_send_nothing(
    mock: respx.MockRouter, args: list[str]
) -> None:
    mock.route().respond(200, json={"items": []})
    result = run(args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert mock.calls.call_count == 0
    assert result.stdout == ""
    assert result.stderr.strip()


def test_unknown_status_error_names_the_field_and_the_allowed_values(
    mock: respx.MockRouter,
) -> None:
    result = run(["beta:batch", "list", "--status", "paused"])
    assert result.exit_code == 2
    assert "--status" in result.stderr
    assert "'paused'" in result.stderr
    assert "'completed'" in result.stderr


def test_list_takes_filters_from_piped_stdin_and_a_flag_replaces_a_piped_key(
    mock: respx.MockRouter,
) -> None:
    mock.get(JOBS).respond(200, json={"items": []})
    result = run(
        ["beta:batch", "list", "--status", "failed"],
        input='{"project_id": "proj-9", "status": "running"}',
    )
    assert result.exit_code == 0, result.stderr
    assert dict(query(only_request(mock))) == {"project_id": "proj-9", "status": "failed"}


def test_list_with_dry_run_prints_the_first_page_request_and_sends_nothing(
    mock: respx.MockRouter,
) -> None:
    result = run(["beta:batch", "list", "--status", "FAILED", "--limit", "5", "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert mock.calls.call_count == 0
    described = result.json()
    assert described["method"] == "GET"
    assert described["url"] == f"{BASE_URL}{JOBS}?status=failed&limit=5"
    assert described["headers"]["Authorization"] == "Bearer <redacted>"
    assert TEST_KEY not in result.stdout


# --- beta:batch get-status ------------------------------------------------------------------------


def test_get_status_takes_the_job_id_as_first_positional(mock: respx.MockRouter) -> None:
    body = status_body(extra_server_field={"kept": True})
    mock.get(f"{JOBS}/bjb-1").respond(200, json=body)
    result = run(["beta:batch", "get-status", "bjb-1"])
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert (request.method, request.url.raw_path) == ("GET", f"{JOBS}/bjb-1".encode())
    assert result.json() == body  # every field, unknown ones too


def test_get_status_takes_the_job_id_from_the_job_id_flag_with_scope_queries(
    mock: respx.MockRouter,
) -> None:
    mock.get(f"{JOBS}/bjb-1").respond(200, json=status_body())
    result = run(
        [
            "beta:batch", "get-status",
            "--job-id", "bjb-1",
            "--organization-id", "org-1",
            "--project-id", "proj-1",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert query(only_request(mock)) == [("organization_id", "org-1"), ("project_id", "proj-1")]


def test_get_status_takes_the_job_id_from_piped_yaml(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-piped").respond(200, json=status_body("bjb-piped"))
    result = run(["beta:batch", "get-status"], input="job_id: bjb-piped\nproject_id: proj-2\n")
    assert result.exit_code == 0, result.stderr
    assert query(only_request(mock)) == [("project_id", "proj-2")]


def test_a_positional_job_id_beats_a_piped_one(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-arg").respond(200, json=status_body("bjb-arg"))
    result = run(["beta:batch", "get-status", "bjb-arg"], input='{"job_id": "bjb-piped"}')
    assert result.exit_code == 0, result.stderr
    assert only_request(mock).url.raw_path == f"{JOBS}/bjb-arg".encode()


def test_the_same_job_id_as_flag_and_positional_is_accepted(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-1").respond(200, json=status_body())
    result = run(["beta:batch", "get-status", "bjb-1", "--job-id", "bjb-1"])
    assert result.exit_code == 0, result.stderr
    assert mock.calls.call_count == 1


@pytest.mark.parametrize(
    "args",
    [
        ["beta:batch", "get-status", "bjb-a", "--job-id", "bjb-b"],
        ["beta:batch", "cancel", "bjb-a", "--job-id", "bjb-b"],
        ["beta:batch:job-items", "list", "bjb-a", "--job-id", "bjb-b"],
        ["beta:batch:job-items", "get-processing-results", "dfl-a", "--item-id", "dfl-b"],
    ],
)
def test_a_flag_and_a_positional_that_disagree_exit_2_and_send_nothing(
    mock: respx.MockRouter, args: list[str]
) -> None:
    mock.route().respond(200, json={})
    result = run(args)
    assert result.exit_code == 2
    assert mock.calls.call_count == 0
    assert "disagree" in result.stderr
    assert args[2] in result.stderr and args[4] in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["beta:batch", "get-status"],
        ["beta:batch", "get-status", "--job-id", ""],
        ["beta:batch", "cancel"],
        ["beta:batch:job-items", "list"],
        ["beta:batch:job-items", "get-processing-results"],
    ],
)
def test_a_missing_or_empty_path_parameter_exits_2_and_sends_nothing(
    mock: respx.MockRouter, args: list[str]
) -> None:
    mock.route().respond(200, json={})
    result = run(args)
    assert result.exit_code == 2
    assert mock.calls.call_count == 0
    assert "id" in result.stderr


def test_a_second_positional_exits_2_and_sends_nothing(mock: respx.MockRouter) -> None:
    mock.route().respond(200, json={})
    result = run(["beta:batch", "get-status", "bjb-1", "bjb-2"])
    assert result.exit_code == 2
    assert mock.calls.call_count == 0


@pytest.mark.parametrize(
    ("args", "method", "raw_path"),
    [
        (["beta:batch", "get-status", "job/1 x"], "GET", f"{JOBS}/job%2F1%20x"),
        (["beta:batch", "get-status", "--job-id", "job/1 x"], "GET", f"{JOBS}/job%2F1%20x"),
        (["beta:batch", "cancel", "job/1 x"], "POST", f"{JOBS}/job%2F1%20x/cancel"),
        (["beta:batch:job-items", "list", "job/1 x"], "GET", f"{JOBS}/job%2F1%20x/items"),
        (["beta:batch", "get-status", "../items"], "GET", f"{JOBS}/..%2Fitems"),
        (["beta:batch", "get-status", "a?b#c%d"], "GET", f"{JOBS}/a%3Fb%23c%25d"),
        (
            ["beta:batch:job-items", "get-processing-results", "dfl/1 x"],
            "GET",
            f"{JOBS}/items/dfl%2F1%20x/processing-results",
        ),
    ],
)
def test_path_parameters_are_percent_encoded_so_they_cannot_change_the_path(
    mock: respx.MockRouter, args: list[str], method: str, raw_path: str
) -> None:
    answers = {
        "get-status": status_body(),
        "cancel": CANCELLED,
        "list": {"items": []},
        "get-processing-results": RESULTS,
    }
    mock.route().respond(200, json=answers[args[1]])
    result = run(args)
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert request.method == method
    assert request.url.raw_path == raw_path.encode()
    assert request.url.query == b""


def test_get_status_answer_missing_a_required_field_exits_7_naming_it(
    mock: respx.MockRouter,
) -> None:
    mock.get(f"{JOBS}/bjb-1").respond(200, json={"job": job()})
    result = run(["beta:batch", "get-status", "bjb-1"])
    assert result.exit_code == 7
    assert "progress_percentage" in result.stderr
    assert result.stdout == ""


def test_get_status_accepts_a_job_status_the_client_does_not_know_yet(
    mock: respx.MockRouter,
) -> None:
    body = status_body(status="paused")
    mock.get(f"{JOBS}/bjb-1").respond(200, json=body)
    result = run(["beta:batch", "get-status", "bjb-1"])
    assert result.exit_code == 0, result.stderr
    assert result.json()["job"]["status"] == "paused"


def test_get_status_of_an_unknown_job_exits_4_with_the_servers_detail(
    mock: respx.MockRouter,
) -> None:
    mock.get(f"{JOBS}/bjb-nope").respond(404, json={"detail": "Batch job not found"})
    result = run(["beta:batch", "get-status", "bjb-nope"])
    assert result.exit_code == 4
    assert mock.calls.call_count == 1  # a 404 is not retried
    assert f"GET {BASE_URL}{JOBS}/bjb-nope" in result.stderr
    assert "404" in result.stderr and "Batch job not found" in result.stderr
    assert result.stdout == ""


def test_get_status_with_raw_format_prints_the_servers_bytes(mock: respx.MockRouter) -> None:
    raw = (
        b'{"job":{"id":"bjb-1","job_type":"parse","project_id":"p","status":"running",'
        b'"total_items":1},   "progress_percentage":0}'
    )
    mock.get(f"{JOBS}/bjb-1").respond(200, content=raw)
    result = run(["beta:batch", "get-status", "bjb-1", "--format", "raw"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == raw.decode() + "\n"


# --- beta:batch cancel ----------------------------------------------------------------------------


def test_cancel_without_a_reason_posts_an_empty_json_object(mock: respx.MockRouter) -> None:
    mock.post(f"{JOBS}/bjb-1/cancel").respond(200, json=CANCELLED)
    result = run(["beta:batch", "cancel", "bjb-1"])
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert request.method == "POST"
    assert request.content == b"{}"
    assert request.headers["content-type"] == "application/json"
    assert "temporal-namespace" not in request.headers
    assert query(request) == []
    assert result.json() == CANCELLED


def test_cancel_with_every_flag_sends_reason_scope_and_namespace_header(
    mock: respx.MockRouter,
) -> None:
    mock.post(f"{JOBS}/bjb-1/cancel").respond(200, json=CANCELLED)
    result = run(
        [
            "beta:batch", "cancel",
            "--job-id", "bjb-1",
            "--reason", "wrong parse mode",
            "--organization-id", "org-1",
            "--project-id", "proj-1",
            "--temporal-namespace", "ns-eu",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert json.loads(request.content) == {"reason": "wrong parse mode"}
    assert request.headers["temporal-namespace"] == "ns-eu"
    assert query(request) == [("organization_id", "org-1"), ("project_id", "proj-1")]


def test_cancel_reads_reason_job_id_and_namespace_from_piped_stdin(mock: respx.MockRouter) -> None:
    mock.post(f"{JOBS}/bjb-9/cancel").respond(200, json=CANCELLED)
    result = run(
        ["beta:batch", "cancel"],
        input="job_id: bjb-9\nreason: piped reason\ntemporal-namespace: ns-1\n",
    )
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert json.loads(request.content) == {"reason": "piped reason"}
    assert request.headers["temporal-namespace"] == "ns-1"


def test_cancel_reason_flag_replaces_the_piped_reason(mock: respx.MockRouter) -> None:
    mock.post(f"{JOBS}/bjb-1/cancel").respond(200, json=CANCELLED)
    result = run(["beta:batch", "cancel", "bjb-1", "--reason", "flag"], input="reason: piped")
    assert result.exit_code == 0, result.stderr
    assert json.loads(only_request(mock).content) == {"reason": "flag"}


def test_cancel_reason_that_looks_like_a_global_flag_stays_the_reason(
    mock: respx.MockRouter,
) -> None:
    mock.post(f"{JOBS}/bjb-1/cancel").respond(200, json=CANCELLED)
    result = run(["beta:batch", "cancel", "bjb-1", "--reason", "--debug"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(only_request(mock).content) == {"reason": "--debug"}
    assert "[debug]" not in result.stderr


def test_cancel_dry_run_shows_the_empty_body_and_sends_nothing(mock: respx.MockRouter) -> None:
    result = run(["beta:batch", "cancel", "bjb-1", "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert mock.calls.call_count == 0
    described = result.json()
    assert (described["method"], described["body"]) == ("POST", {})
    assert described["url"] == f"{BASE_URL}{JOBS}/bjb-1/cancel"


# --- beta:batch:job-items list --------------------------------------------------------------------


def test_job_items_list_sends_every_flag(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-1/items").respond(200, json={"items": [ITEM], "total_size": 1})
    result = run(
        [
            "beta:batch:job-items", "list", "bjb-1",
            "--status", "FAILED",
            "--limit", "25",
            "--offset", "0",
            "--organization-id", "org-1",
            "--project-id", "proj-1",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    request = only_request(mock)
    assert request.url.path == f"{JOBS}/bjb-1/items"
    assert dict(query(request)) == {
        "status": "failed",
        "limit": "25",
        "offset": "0",
        "organization_id": "org-1",
        "project_id": "proj-1",
    }
    assert result.json() == ITEM


def test_job_items_list_takes_the_job_id_from_the_flag_or_piped_stdin(
    mock: respx.MockRouter,
) -> None:
    mock.get(f"{JOBS}/bjb-1/items").respond(200, json={"items": []})
    by_flag = run(["beta:batch:job-items", "list", "--job-id", "bjb-1"])
    piped = run(["beta:batch:job-items", "list"], input='{"job_id": "bjb-1"}')
    assert (by_flag.exit_code, piped.exit_code) == (0, 0)
    assert [query(c.request) for c in mock.calls] == [[], []]


def test_job_items_list_accepts_an_items_envelope_without_items(mock: respx.MockRouter) -> None:
    mock.get(f"{JOBS}/bjb-1/items").respond(200, json={"total_size": 0})
    result = run(["beta:batch:job-items", "list", "bjb-1"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


# --- beta:batch:job-items get-processing-results ----------------------------------------------


def test_get_processing_results_sends_job_type_lower_case_and_scope(mock: respx.MockRouter) -> None:
    route = mock.get(f"{JOBS}/items/dfl-1/processing-results").respond(200, json=RESULTS)
    result = run(
        [
            "beta:batch:job-items", "get-processing-results",
            "--item-id", "dfl-1",
            "--job-type", "CLASSIFY",
            "--organization-id", "org-1",
            "--project-id", "proj-1",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert route.call_count == 1
    assert dict(query(route.calls[0].request)) == {
        "job_type": "classify",
        "organization_id": "org-1",
        "project_id": "proj-1",
    }
    assert result.json() == RESULTS


def test_get_processing_results_takes_the_item_id_positionally_or_piped(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{JOBS}/items/dfl-1/processing-results").respond(200, json=RESULTS)
    positional = run(["beta:batch:job-items", "get-processing-results", "dfl-1"])
    piped = run(["beta:batch:job-items", "get-processing-results"], input="item_id: dfl-1")
    assert (positional.exit_code, piped.exit_code) == (0, 0)
    assert route.call_count == 2


def test_get_processing_results_with_transform_prints_the_chosen_value(
    mock: respx.MockRouter,
) -> None:
    mock.get(f"{JOBS}/items/dfl-1/processing-results").respond(200, json=RESULTS)
    result = run(
        [
            "beta:batch:job-items", "get-processing-results", "dfl-1",
            "--transform", "processing_results.0.output_s3_path", "-r",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "s3://bucket/a.md\n"


def test_get_processing_results_rejects_a_result_missing_its_output_path_with_exit_7(
    mock: respx.MockRouter,
) -> None:
    broken = json.loads(json.dumps(RESULTS))
    del broken["processing_results"][0]["output_s3_path"]
    mock.get(f"{JOBS}/items/dfl-1/processing-results").respond(200, json=broken)
    result = run(["beta:batch:job-items", "get-processing-results", "dfl-1"])
    assert result.exit_code == 7
    assert "processing_results[0].output_s3_path" in result.stderr
    assert result.stdout == ""
