"""The official SDK (llama-cloud 2.4.1), unchanged, against the emulator over real sockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from llamacloud_cli.emulator import EmulatorConfig, RunningEmulator, start_background

llama_cloud = pytest.importorskip("llama_cloud")

from conftest import FakeClock  # noqa: E402
from llama_cloud import (  # noqa: E402 - after the skip check
    AuthenticationError,
    InternalServerError,
    LlamaCloud,
    NotFoundError,
    Omit,
    RateLimitError,
    UnprocessableEntityError,
)

CLASSIFY_CONFIG = {
    "id": "0b9c2f0e-8a4e-4c39-9b51-1f0c7a2d9e11",
    "project_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
    "user_id": "user-123",
    "status": "PENDING",
    "mode": "FAST",
    "rules": [{"type": "invoice", "description": "Bills listing line items and totals"}],
}


class RequestLog:
    """Counts what the SDK actually sends (an httpx event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> None:
        self.requests.append(request)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def running(clock: FakeClock) -> Iterator[RunningEmulator]:
    with start_background(config=EmulatorConfig(item_seconds=1.0, clock=clock)) as emu:
        yield emu


@pytest.fixture
def log() -> RequestLog:
    return RequestLog()


@pytest.fixture
def client(running: RunningEmulator, log: RequestLog) -> Iterator[LlamaCloud]:
    http = httpx.Client(verify=False, event_hooks={"request": [log]})
    sdk = LlamaCloud(base_url=running.base_url, api_key="test-key", max_retries=0, http_client=http)
    with sdk:
        yield sdk


def make_client(running: RunningEmulator, **kwargs: object) -> LlamaCloud:
    options: dict[str, object] = {"api_key": "test-key", "max_retries": 0}
    options.update(kwargs)
    return LlamaCloud(
        base_url=running.base_url,
        http_client=httpx.Client(verify=False),
        **options,  # type: ignore[arg-type]
    )


# -- the six operations -----------------------------------------------------------------------


def test_create_parse_and_classify_jobs(client: LlamaCloud) -> None:
    parse = client.beta.batch.create(job_config={}, item_ids=["dfl-1", "dfl-2"])
    classify = client.beta.batch.create(
        job_config=CLASSIFY_CONFIG,  # type: ignore[arg-type]
        directory_id="dir-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        page_size=50,
    )

    assert parse.id.startswith("bjb-")
    assert parse.job_type == "parse"
    assert parse.status == "pending"
    assert parse.total_items == 2
    assert parse.created_at is not None and parse.created_at.tzinfo is not None
    assert classify.job_type == "classify"
    assert classify.directory_id == "dir-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    assert 3 <= classify.total_items <= 12


def test_get_status_follows_the_job(client: LlamaCloud, clock: FakeClock) -> None:
    job = client.beta.batch.create(job_config={}, item_ids=["a", "b-fail", "c", "d"])

    clock.advance(3)
    running = client.beta.batch.get_status(job.id)
    clock.advance(10)
    done = client.beta.batch.get_status(job.id)

    assert running.job.status == "running"
    assert running.job.processed_items == 2
    assert running.progress_percentage == 50.0
    assert done.job.status == "completed"
    assert (done.job.processed_items, done.job.failed_items) == (4, 1)
    assert done.job.started_at is not None and done.job.completed_at is not None
    assert done.job.started_at < done.job.completed_at
    assert done.progress_percentage == 100.0


def test_cancel_with_a_reason(client: LlamaCloud, clock: FakeClock, log: RequestLog) -> None:
    job = client.beta.batch.create(job_config={}, item_ids=["a", "b", "c"])
    clock.advance(2.5)

    answer = client.beta.batch.cancel(job.id, reason="wrong settings")

    assert answer.job_id == job.id
    assert answer.status == "cancelled"
    assert answer.processed_items == 1
    assert "wrong settings" in answer.message
    assert log.requests[-1].content == b'{"reason":"wrong settings"}'
    assert client.beta.batch.get_status(job.id).job.status == "cancelled"


def test_cancel_without_a_reason_and_of_a_finished_job(
    client: LlamaCloud, clock: FakeClock
) -> None:
    job = client.beta.batch.create(job_config={}, item_ids=["a"])
    clock.advance(5)

    answer = client.beta.batch.cancel(job.id)

    assert answer.status == "completed"
    assert "already ended" in answer.message


def test_the_auto_pager_walks_every_page_of_jobs(client: LlamaCloud, log: RequestLog) -> None:
    created = [client.beta.batch.create(job_config={}, item_ids=[f"i{n}"]).id for n in range(5)]
    log.requests.clear()

    listed = [job.id for job in client.beta.batch.list(limit=2)]

    assert listed == created[::-1]  # newest first
    offsets = [request.url.params.get("offset") for request in log.requests]
    assert offsets == [None, "2", "4"]
    assert {request.url.params["limit"] for request in log.requests} == {"2"}


def test_list_filters(client: LlamaCloud, clock: FakeClock) -> None:
    parse = client.beta.batch.create(job_config={}, directory_id="dir-1")
    classify = client.beta.batch.create(job_config=CLASSIFY_CONFIG, item_ids=["x"])  # type: ignore[arg-type]
    clock.advance(3)

    page = client.beta.batch.list(job_type="classify")
    running = client.beta.batch.list(status="running", directory_id="dir-1")

    assert [job.id for job in page.items] == [classify.id]
    assert page.total_size == 1
    assert [job.id for job in running] == [parse.id]


def test_job_items_are_listed_across_pages_and_by_status(
    client: LlamaCloud, clock: FakeClock, log: RequestLog
) -> None:
    job = client.beta.batch.create(job_config={}, item_ids=["a", "b-fail", "c", "d-fail", "e"])
    clock.advance(10)
    log.requests.clear()

    items = list(client.beta.batch.job_items.list(job.id, limit=2))
    pages_fetched = len(log.requests)
    failed = client.beta.batch.job_items.list(job.id, status="failed")

    assert [i.item_id for i in items] == ["a", "b-fail", "c", "d-fail", "e"]
    assert pages_fetched == 3
    assert [i.item_id for i in failed.items] == ["b-fail", "d-fail"]
    assert all(i.error_message for i in failed.items)
    assert items[0].item_name == "a.pdf"
    assert items[0].completed_at is not None


def test_processing_results(client: LlamaCloud, clock: FakeClock) -> None:
    client.beta.batch.create(job_config={"parameters": {"max_pages": 2}}, item_ids=["dfl-1"])
    client.beta.batch.create(job_config=CLASSIFY_CONFIG, item_ids=["dfl-1"])  # type: ignore[arg-type]
    clock.advance(5)

    everything = client.beta.batch.job_items.get_processing_results("dfl-1")
    classify_only = client.beta.batch.job_items.get_processing_results("dfl-1", job_type="classify")

    assert everything.item_id == "dfl-1"
    assert everything.item_name == "dfl-1.pdf"
    assert everything.processing_results is not None
    assert [r.job_type for r in everything.processing_results] == ["parse", "classify"]
    first = everything.processing_results[0]
    assert first.output_s3_path.startswith("s3://")
    assert len(first.parameters_hash) == 64
    assert first.processed_at.tzinfo is not None
    assert classify_only.processing_results is not None
    assert [r.job_type for r in classify_only.processing_results] == ["classify"]
    assert type(classify_only.processing_results[0].job_config).__name__ == "ClassifyJob"


def test_path_ids_are_percent_encoded_by_the_sdk_and_decoded(
    client: LlamaCloud, clock: FakeClock
) -> None:
    client.beta.batch.create(job_config={}, item_ids=["dfl/1 x"])
    clock.advance(5)

    results = client.beta.batch.job_items.get_processing_results("dfl/1 x")
    with pytest.raises(NotFoundError) as excinfo:
        client.beta.batch.get_status("job/1 x")

    assert results.item_id == "dfl/1 x"
    assert excinfo.value.body == {"detail": "Batch job not found: job/1 x"}


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [Omit(), "Bearer", "Basic abc"])
def test_a_missing_or_empty_key_is_an_authentication_error(
    running: RunningEmulator, authorization: object
) -> None:
    with make_client(running, default_headers={"Authorization": authorization}) as sdk:
        with pytest.raises(AuthenticationError) as excinfo:
            sdk.beta.batch.list()

    assert excinfo.value.status_code == 401
    assert excinfo.value.body == {"detail": "Not authenticated"}


def test_unknown_jobs_and_items_are_not_found(client: LlamaCloud) -> None:
    calls: list[Callable[[], object]] = [
        lambda: client.beta.batch.get_status("bjb-missing"),
        lambda: client.beta.batch.cancel("bjb-missing"),
        lambda: client.beta.batch.job_items.list("bjb-missing"),
        lambda: client.beta.batch.job_items.get_processing_results("dfl-missing"),
    ]
    for call in calls:
        with pytest.raises(NotFoundError):
            call()


def test_invalid_requests_are_unprocessable(client: LlamaCloud) -> None:
    # An unknown enum value is drift and is accepted, as the real API grows; a wrong type is not.
    client.beta.batch.create(
        job_config={"parameters": {"parse_mode": "parse_fast"}},  # type: ignore[typeddict-item]
        item_ids=["a"],
    )
    with pytest.raises(UnprocessableEntityError) as no_items:
        client.beta.batch.create(job_config={})
    with pytest.raises(UnprocessableEntityError) as bad_config:
        client.beta.batch.create(
            job_config={"parameters": {"max_pages": "ten"}},  # type: ignore[typeddict-item]
            item_ids=["a"],
        )
    with pytest.raises(UnprocessableEntityError) as bad_limit:
        client.beta.batch.list(limit=0)
    with pytest.raises(UnprocessableEntityError):
        client.beta.batch.job_items.list("anything", status="running")  # type: ignore[arg-type]

    assert no_items.value.body == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "Value error, either directory_id or a non-empty item_ids must be given",
                "type": "value_error",
            }
        ]
    }
    detail = bad_config.value.body["detail"]  # type: ignore[index]
    assert detail[0]["loc"] == ["body", "job_config", "parameters", "max_pages"]
    assert bad_limit.value.body["detail"][0]["loc"] == ["query", "limit"]  # type: ignore[index]


def test_injected_faults_map_to_the_sdk_exceptions(clock: FakeClock) -> None:
    limited = EmulatorConfig(clock=clock, rate_limit_rate=1.0)
    failing = EmulatorConfig(clock=clock, fail_rate=1.0)

    with start_background(config=limited) as running, make_client(running) as sdk:
        with pytest.raises(RateLimitError) as rate_limited:
            sdk.beta.batch.list()
    with start_background(config=failing) as running, make_client(running) as sdk:
        with pytest.raises(InternalServerError) as server_error:
            sdk.beta.batch.list()

    assert rate_limited.value.response.headers["retry-after"] == "1"
    assert server_error.value.status_code in (500, 503)
