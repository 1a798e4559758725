"""The emulator's in-memory model, driven by a fake clock (no sockets, no sleeping)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import EMULATOR_T0, FakeClock

from llamacloud_cli.emulator.state import (
    DEFAULT_PROJECT_ID,
    FAILED_ITEM_MESSAGE,
    ApiError,
    Emulator,
    EmulatorConfig,
    _Prefix,
    directory_files,
    item_name_from_id,
    parse_enum_query,
    parse_int_query,
    timestamp,
    validate_create_body,
)

T0 = EMULATOR_T0
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

CLASSIFY_CONFIG = {
    "id": "0b9c2f0e-8a4e-4c39-9b51-1f0c7a2d9e11",
    "project_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
    "user_id": "user-123",
    "status": "PENDING",
    "mode": "FAST",
    "rules": [{"type": "invoice", "description": "Bills with totals"}],
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emu(clock: FakeClock) -> Emulator:
    return Emulator(EmulatorConfig(item_seconds=1.0, clock=clock))


def create(emu: Emulator, *item_ids: str, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"job_config": {}, **body}
    if item_ids:
        payload["item_ids"] = list(item_ids)
    return emu.create_job(payload)


def job(emu: Emulator, job_id: str) -> dict[str, Any]:
    return emu.get_status(job_id)["job"]  # type: ignore[no-any-return]


def item_statuses(emu: Emulator, job_id: str) -> list[str]:
    return [item["status"] for item in emu.list_items(job_id, limit=1000)["items"]]


def details(excinfo: pytest.ExceptionInfo[ApiError]) -> list[dict[str, Any]]:
    assert isinstance(excinfo.value.detail, list)
    return excinfo.value.detail


def detail_types(excinfo: pytest.ExceptionInfo[ApiError]) -> list[tuple[list[Any], str]]:
    return [(entry["loc"], entry["type"]) for entry in details(excinfo)]


# -- progress ---------------------------------------------------------------------------------


def test_a_new_job_is_pending_with_a_full_batch_job_record(emu: Emulator) -> None:
    created = create(emu, "a", "b", "c")

    assert re.fullmatch(
        r"bjb-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", created["id"]
    )
    assert created["status"] == "pending"
    assert created["job_type"] == "parse"
    assert created["project_id"] == DEFAULT_PROJECT_ID
    assert created["total_items"] == 3
    assert (created["processed_items"], created["failed_items"], created["skipped_items"]) == (
        0,
        0,
        0,
    )
    assert created["directory_id"] is None
    assert created["created_at"] == created["updated_at"] == "2026-01-01T00:00:00.000Z"
    assert created["started_at"] is None and created["completed_at"] is None


def test_items_run_one_at_a_time_in_order(emu: Emulator, clock: FakeClock) -> None:
    job_id = create(emu, "a", "b", "c")["id"]

    clock.advance(0.999)
    assert job(emu, job_id)["status"] == "pending"
    assert item_statuses(emu, job_id) == ["pending", "pending", "pending"]

    clock.advance(0.001)  # one item period after creation: running, first item processing
    status = emu.get_status(job_id)
    assert status["job"]["status"] == "running"
    assert status["job"]["started_at"] == "2026-01-01T00:00:01.000Z"
    assert status["progress_percentage"] == 0.0
    assert item_statuses(emu, job_id) == ["processing", "pending", "pending"]

    clock.advance(1.5)
    status = emu.get_status(job_id)
    assert status["job"]["processed_items"] == 1
    assert status["job"]["updated_at"] == "2026-01-01T00:00:02.000Z"
    assert status["progress_percentage"] == pytest.approx(33.33)
    assert item_statuses(emu, job_id) == ["completed", "processing", "pending"]

    clock.advance(10)
    final = job(emu, job_id)
    assert final["status"] == "completed"
    assert final["processed_items"] == 3
    assert final["completed_at"] == final["updated_at"] == "2026-01-01T00:00:04.000Z"
    assert emu.get_status(job_id)["progress_percentage"] == 100.0


def test_item_timestamps_follow_the_schedule(emu: Emulator, clock: FakeClock) -> None:
    job_id = create(emu, "a", "b")["id"]
    clock.advance(2.5)

    first, second = emu.list_items(job_id)["items"]

    assert first["started_at"] == "2026-01-01T00:00:01.000Z"
    assert first["completed_at"] == "2026-01-01T00:00:02.000Z"
    assert first["job_id"].startswith("pjb-")
    assert second["status"] == "processing"
    assert second["started_at"] == "2026-01-01T00:00:02.000Z"
    assert second["completed_at"] is None
    for value in (first["started_at"], first["completed_at"], second["started_at"]):
        assert ISO_MS_Z.match(value)


def test_a_pending_item_has_no_timestamps_nor_underlying_job(emu: Emulator) -> None:
    job_id = create(emu, "a")["id"]

    (item,) = emu.list_items(job_id)["items"]

    assert item == {
        "item_id": "a",
        "item_name": "a.pdf",
        "status": "pending",
        "job_id": None,
        "skip_reason": None,
        "error_message": None,
        "job_record_id": None,
        "started_at": None,
        "completed_at": None,
    }


def test_items_with_fail_in_their_id_fail_and_the_job_still_completes(
    emu: Emulator, clock: FakeClock
) -> None:
    job_id = create(emu, "a", "b-FAIL", "c")["id"]
    clock.advance(10)

    final = job(emu, job_id)
    items = emu.list_items(job_id)["items"]

    assert final["status"] == "completed"
    assert (final["processed_items"], final["failed_items"]) == (3, 1)
    assert final["error_message"] is None
    assert [item["status"] for item in items] == ["completed", "failed", "completed"]
    assert items[1]["error_message"] == FAILED_ITEM_MESSAGE


def test_a_job_fails_only_when_every_item_failed(emu: Emulator, clock: FakeClock) -> None:
    job_id = create(emu, "fail-1", "fail-2")["id"]

    clock.advance(2)  # first item failed, second still processing: still running
    assert job(emu, job_id)["status"] == "running"

    clock.advance(10)
    final = job(emu, job_id)
    assert final["status"] == "failed"
    assert final["failed_items"] == final["processed_items"] == 2
    assert final["error_message"] == "all 2 processed items failed"


def test_items_with_skip_in_their_id_are_skipped(emu: Emulator, clock: FakeClock) -> None:
    job_id = create(emu, "skip-me", "a")["id"]
    clock.advance(10)

    final = emu.get_status(job_id)
    items = emu.list_items(job_id)["items"]

    assert final["job"]["skipped_items"] == 1
    assert final["job"]["processed_items"] == 1
    assert final["progress_percentage"] == 100.0
    assert items[0]["status"] == "skipped"
    assert items[0]["skip_reason"] == "already_processed"


def test_zero_item_seconds_finishes_a_job_at_creation(clock: FakeClock) -> None:
    emu = Emulator(EmulatorConfig(item_seconds=0, clock=clock))

    created = create(emu, "a", "b")

    assert created["status"] == "completed"
    assert created["processed_items"] == 2
    assert created["created_at"] == created["started_at"] == created["completed_at"]


def test_timestamps_have_milliseconds_and_z() -> None:
    assert timestamp(T0 + 1.2345) == "2026-01-01T00:00:01.234Z"
    assert timestamp(T0 + 0.9999) == "2026-01-01T00:00:00.999Z"


# -- cancel -----------------------------------------------------------------------------------


def test_cancel_stops_the_remaining_items(emu: Emulator, clock: FakeClock) -> None:
    job_id = create(emu, "a", "b", "c", "d")["id"]
    clock.advance(2.5)  # a completed, b processing

    answer = emu.cancel_job(job_id, "wrong settings")

    assert answer == {
        "job_id": job_id,
        "message": f"Batch job {job_id} cancelled: wrong settings",
        "processed_items": 1,
        "status": "cancelled",
    }
    clock.advance(100)
    final = job(emu, job_id)
    assert final["status"] == "cancelled"
    assert final["processed_items"] == 1
    assert final["completed_at"] == final["updated_at"] == "2026-01-01T00:00:02.500Z"
    assert item_statuses(emu, job_id) == ["completed", "cancelled", "cancelled", "cancelled"]
    interrupted = emu.list_items(job_id)["items"][1]
    assert interrupted["started_at"] == "2026-01-01T00:00:02.000Z"
    assert interrupted["completed_at"] is None


def test_cancel_a_pending_job(emu: Emulator) -> None:
    job_id = create(emu, "a", "b")["id"]

    answer = emu.cancel_job(job_id)

    assert answer["status"] == "cancelled"
    assert answer["message"] == f"Batch job {job_id} cancelled"
    assert answer["processed_items"] == 0
    assert job(emu, job_id)["started_at"] is None
    assert item_statuses(emu, job_id) == ["cancelled", "cancelled"]


@pytest.mark.parametrize(("item_ids", "status"), [(("a",), "completed"), (("fail",), "failed")])
def test_cancelling_a_finished_job_changes_nothing(
    emu: Emulator, clock: FakeClock, item_ids: tuple[str, ...], status: str
) -> None:
    job_id = create(emu, *item_ids)["id"]
    clock.advance(10)
    before = job(emu, job_id)

    answer = emu.cancel_job(job_id, "too late")

    assert answer["status"] == status
    assert answer["processed_items"] == 1
    assert "already ended" in answer["message"]
    assert job(emu, job_id) == before


def test_cancelling_twice_reports_the_job_as_already_cancelled(emu: Emulator) -> None:
    job_id = create(emu, "a")["id"]
    emu.cancel_job(job_id)

    answer = emu.cancel_job(job_id)

    assert answer["status"] == "cancelled"
    assert "already ended with status cancelled" in answer["message"]


def test_unknown_jobs_are_404(emu: Emulator) -> None:
    calls: list[Callable[[], object]] = [
        lambda: emu.get_status("bjb-nope"),
        lambda: emu.cancel_job("bjb-nope"),
        lambda: emu.list_items("bjb-nope"),
    ]
    for call in calls:
        with pytest.raises(ApiError) as excinfo:
            call()
        assert excinfo.value.status == 404
        assert excinfo.value.body() == {"detail": "Batch job not found: bjb-nope"}


# -- listing ----------------------------------------------------------------------------------


def test_jobs_are_listed_newest_first_and_paged(emu: Emulator, clock: FakeClock) -> None:
    ids = []
    for _ in range(5):
        ids.append(create(emu, "a")["id"])
        clock.advance(0.001)

    pages = [emu.list_jobs(limit=2, offset=offset) for offset in (0, 2, 4, 6)]

    assert [[j["id"] for j in page["items"]] for page in pages] == [
        ids[4:2:-1],
        ids[2:0:-1],
        ids[0:1],
        [],
    ]
    assert {page["total_size"] for page in pages} == {5}
    assert {page["next_page_token"] for page in pages} == {None}
    assert emu.list_jobs()["total_size"] == 5


def test_jobs_are_filtered_by_directory_type_status_and_project(
    emu: Emulator, clock: FakeClock
) -> None:
    parse_dir = create(emu, directory_id="dir-1")["id"]
    classify_items = emu.create_job({"job_config": CLASSIFY_CONFIG, "item_ids": ["x"]})["id"]
    in_project = emu.create_job({"job_config": {}, "item_ids": ["y"]}, project_id="P")["id"]
    clock.advance(3)  # the one-item jobs are done; the directory job is still running

    def ids(**filters: Any) -> list[str]:
        return [j["id"] for j in emu.list_jobs(**filters)["items"]]

    assert ids(directory_id="dir-1") == [parse_dir]
    assert ids(job_type="classify") == [classify_items]
    assert ids(job_type="parse") == [in_project, parse_dir]
    assert ids(status="running") == [parse_dir]
    assert ids(status="completed") == [in_project, classify_items]
    assert ids(project_id="P") == [in_project]
    assert ids(job_type="extract") == []
    assert emu.list_jobs(status="completed", limit=1)["total_size"] == 2


def test_job_items_are_paged_and_filtered_by_status(emu: Emulator, clock: FakeClock) -> None:
    job_id = create(emu, *[f"item-{n}" for n in range(6)], "x-fail", "y-skip", "z")["id"]
    clock.advance(9.5)  # 8 items done, the last one processing

    page = emu.list_items(job_id, limit=4, offset=4)
    assert [i["item_id"] for i in page["items"]] == ["item-4", "item-5", "x-fail", "y-skip"]
    assert page["total_size"] == 9

    def ids(status: str, **paging: int) -> list[str]:
        return [i["item_id"] for i in emu.list_items(job_id, status=status, **paging)["items"]]

    assert ids("completed", limit=2, offset=5) == ["item-5"]
    assert emu.list_items(job_id, status="completed")["total_size"] == 6
    assert ids("failed") == ["x-fail"]
    assert ids("skipped") == ["y-skip"]
    assert ids("processing") == ["z"]
    assert ids("pending") == []
    assert ids("cancelled") == []

    emu.cancel_job(job_id)
    assert ids("cancelled") == ["z"]
    assert ids("processing") == []


def test_pending_items_are_listed_before_the_job_starts(emu: Emulator) -> None:
    job_id = create(emu, "a", "b")["id"]

    assert emu.list_items(job_id, status="pending")["total_size"] == 2
    assert emu.list_items(job_id, status="completed", offset=5)["items"] == []


# -- directories ------------------------------------------------------------------------------


def test_a_directory_stands_for_deterministic_synthetic_files() -> None:
    files = directory_files("dir-abc", seed=7)

    assert files == directory_files("dir-abc", seed=7)
    assert 3 <= len(files) <= 12
    for n, (item_id, name) in enumerate(files, start=1):
        assert item_id == f"dfl-abc-{n}"
        assert re.fullmatch(rf"[a-z]+-{n:03d}\.(pdf|docx|xlsx|pptx|png)", name)


def test_the_seed_changes_the_directory_contents() -> None:
    by_seed = [directory_files(f"dir-{n}", seed=1) for n in range(20)]
    other_seed = [directory_files(f"dir-{n}", seed=2) for n in range(20)]

    assert by_seed != other_seed
    assert {len(files) for files in by_seed + other_seed} <= set(range(3, 13))
    assert len({len(files) for files in by_seed + other_seed}) > 3


def test_a_directory_job_processes_the_directory_files(emu: Emulator, clock: FakeClock) -> None:
    created = create(emu, directory_id="dir-abc")
    clock.advance(100)

    items = emu.list_items(created["id"])["items"]

    expected = directory_files("dir-abc", seed=0)
    assert created["directory_id"] == "dir-abc"
    assert created["total_items"] == len(expected)
    assert [(i["item_id"], i["item_name"]) for i in items] == expected


def test_job_ids_are_reproducible_with_the_same_seed(clock: FakeClock) -> None:
    def first_ids(seed: int) -> list[str]:
        emu = Emulator(EmulatorConfig(seed=seed, clock=clock))
        return [create(emu, "a")["id"] for _ in range(3)]

    assert first_ids(5) == first_ids(5)
    assert first_ids(5) != first_ids(6)


def test_item_names_come_from_item_ids() -> None:
    assert item_name_from_id("dfl-1") == "dfl-1.pdf"
    assert item_name_from_id("scan.png") == "scan.png"
    assert item_name_from_id("a/b c") == "a_b c.pdf"


# -- processing results -----------------------------------------------------------------------


def test_processing_results_list_each_completed_run(emu: Emulator, clock: FakeClock) -> None:
    parse_job = emu.create_job({"job_config": {"parameters": {"max_pages": 3}}, "item_ids": ["a"]})
    classify_job = emu.create_job({"job_config": CLASSIFY_CONFIG, "item_ids": ["a", "b"]})
    clock.advance(1.5)
    assert emu.processing_results("a")["processing_results"] == []  # nothing finished yet

    clock.advance(10)
    answer = emu.processing_results("a")

    assert answer["item_id"] == "a"
    assert answer["item_name"] == "a.pdf"
    results = answer["processing_results"]
    assert [r["job_type"] for r in results] == ["parse", "classify"]
    parse_result = results[0]
    assert parse_result["item_id"] == "a"
    assert parse_result["job_config"] == {"parameters": {"max_pages": 3}}
    assert parse_result["result_id"].startswith("res-")
    assert parse_result["output_s3_path"].startswith("s3://")
    assert parse_result["output_s3_path"].endswith(f"{parse_job['id']}/a.md")
    assert re.fullmatch(r"[0-9a-f]{64}", parse_result["parameters_hash"])
    assert parse_result["processed_at"] == "2026-01-01T00:00:02.000Z"
    assert parse_result["output_metadata"] == {}
    assert results[1]["job_config"] == CLASSIFY_CONFIG
    assert classify_job["job_type"] == "classify"

    only_classify = emu.processing_results("a", job_type="classify")["processing_results"]
    assert [r["job_type"] for r in only_classify] == ["classify"]


def test_failed_items_have_no_processing_results(emu: Emulator, clock: FakeClock) -> None:
    create(emu, "b-fail")
    clock.advance(10)

    assert emu.processing_results("b-fail")["processing_results"] == []


def test_processing_results_of_an_unknown_item_are_404(emu: Emulator) -> None:
    with pytest.raises(ApiError) as excinfo:
        emu.processing_results("dfl-unknown")

    assert excinfo.value.status == 404
    assert excinfo.value.detail == "Item not found: dfl-unknown"


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"item_ids": ["a"]}, [(["body", "job_config"], "missing")]),
        ({"job_config": [], "item_ids": ["a"]}, [(["body", "job_config"], "dict_type")]),
        ({"job_config": {}, "item_ids": "a"}, [(["body", "item_ids"], "list_type")]),
        (
            {"job_config": {}, "item_ids": ["a", 2, ""]},
            [
                (["body", "item_ids", 1], "string_type"),
                (["body", "item_ids", 2], "string_too_short"),
            ],
        ),
        ({"job_config": {}}, [(["body"], "value_error")]),
        ({"job_config": {}, "item_ids": []}, [(["body"], "value_error")]),
        ({"job_config": {}, "directory_id": "d", "item_ids": ["a"]}, [(["body"], "value_error")]),
        ({"job_config": {}, "directory_id": 5}, [(["body", "directory_id"], "string_type")]),
        (
            {"job_config": {}, "directory_id": "d", "page_size": None},
            [(["body", "page_size"], "int_type")],
        ),
        (
            {"job_config": {}, "directory_id": "d", "page_size": 0},
            [(["body", "page_size"], "greater_than_equal")],
        ),
        (
            {"job_config": {}, "directory_id": "d", "continue_as_new_threshold": "x"},
            [(["body", "continue_as_new_threshold"], "int_type")],
        ),
        ([1, 2], [(["body"], "model_attributes_type")]),
    ],
)
def test_invalid_create_bodies_are_422_with_fastapi_details(body: Any, expected: list[Any]) -> None:
    with pytest.raises(ApiError) as excinfo:
        validate_create_body(body)

    assert excinfo.value.status == 422
    assert detail_types(excinfo) == expected
    assert all(isinstance(entry["msg"], str) for entry in details(excinfo))


def test_job_config_errors_name_the_field(emu: Emulator) -> None:
    body = {"job_config": {"parameters": {"max_pages": "ten"}}, "item_ids": ["a"]}

    with pytest.raises(ApiError) as excinfo:
        emu.create_job(body)

    (entry,) = details(excinfo)
    assert entry["loc"] == ["body", "job_config", "parameters", "max_pages"]
    assert entry["msg"].startswith("job_config.parameters.max_pages:")
    assert emu.job_count() == 0


def test_a_malformed_classify_config_is_rejected_not_run_as_parse(emu: Emulator) -> None:
    body = {"job_config": {"rules": [{"type": "invoice"}]}, "item_ids": ["a"]}

    with pytest.raises(ApiError) as excinfo:
        emu.create_job(body)

    locs = [entry["loc"] for entry in details(excinfo)]
    assert ["body", "job_config", "rules", 0, "description"] in locs


def test_unknown_job_config_keys_are_accepted(emu: Emulator) -> None:
    body = {
        "job_config": {"brand_new_option": True, "parameters": {"future": 1}},
        "item_ids": ["a"],
    }

    assert emu.create_job(body)["job_type"] == "parse"


def test_a_valid_body_keeps_the_paging_options() -> None:
    request = validate_create_body(
        {"job_config": {}, "directory_id": "d", "page_size": 50, "continue_as_new_threshold": None}
    )

    assert request.page_size == 50
    assert request.continue_as_new_threshold is None
    assert request.item_ids is None


@pytest.mark.parametrize(
    ("raw", "error_type"),
    [("abc", "int_parsing"), ("0", "greater_than_equal"), ("1001", "less_than_equal")],
)
def test_bad_limits_are_422(raw: str, error_type: str) -> None:
    with pytest.raises(ApiError) as excinfo:
        parse_int_query("limit", raw, 50, minimum=1, maximum=1000)

    assert detail_types(excinfo) == [(["query", "limit"], error_type)]


def test_query_values_default_when_absent_or_empty() -> None:
    assert parse_int_query("limit", None, 50, minimum=1) == 50
    assert parse_int_query("offset", "", 0, minimum=0) == 0
    assert parse_int_query("limit", "1000", 50, minimum=1, maximum=1000) == 1000
    assert parse_enum_query("status", None, ("a", "b")) is None


def test_enum_queries_take_lower_case_wire_values_only() -> None:
    assert parse_enum_query("status", "running", ("pending", "running")) == "running"

    with pytest.raises(ApiError) as excinfo:
        parse_enum_query("status", "RUNNING", ("pending", "running"))

    assert excinfo.value.detail == [
        {
            "loc": ["query", "status"],
            "msg": "Input should be 'pending' or 'running'",
            "type": "enum",
        }
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"item_seconds": -1},
        {"latency": float("nan")},
        {"fail_rate": 1.5},
        {"fail_rate": 0.6, "rate_limit_rate": 0.6},
        {"max_body_bytes": 0},
    ],
)
def test_config_rejects_impossible_settings(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        EmulatorConfig(**kwargs)


def test_the_default_clock_is_wall_time() -> None:
    import time

    assert abs(EmulatorConfig().clock() - time.time()) < 1.0


def test_a_prefix_view_behaves_like_a_short_list() -> None:
    view = _Prefix([10, 20, 30, 40], 3)

    assert len(view) == 3
    assert list(view) == [10, 20, 30]
    assert view[-1] == 30
    assert view[1:] == [20, 30]
    with pytest.raises(IndexError):
        view[3]
