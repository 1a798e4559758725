"""`beta:batch create` end to end: the exact request sent, the answer printed, the exit code.

Every test runs the real Typer app with HTTP mocked by respx, and checks what a script relies
on: method, path, query, headers and JSON body of the request; stdout (the server's JSON);
stderr; and the exit code (CONTRACT §3, §6, §7).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, get_args

import httpx
import pytest
import respx
from conftest import BASE_URL, TEST_KEY, Result, run

from llamacloud_cli.models.job_config import PARAMETER_FIELDS, BatchParseJobConfig

CREATE_PATH = "/api/v1/beta/batch-processing"
CREATE_URL = BASE_URL + CREATE_PATH
PROJECT = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
ORGANIZATION = "6a1c0f3e-1d2b-4c5a-9e8f-7a6b5c4d3e2f"
DIRECTORY = "dir-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
ITEM_A = "dfl-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
ITEM_B = "dfl-11111111-2222-3333-4444-555555555555"

# A create answer with every documented field, plus fields this client has never heard of.
JOB: dict[str, Any] = {
    "id": "bjb-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "job_type": "parse",
    "project_id": PROJECT,
    "status": "pending",
    "total_items": 2,
    "processed_items": 0,
    "failed_items": 0,
    "skipped_items": 0,
    "directory_id": None,
    "error_message": None,
    "job_record_id": None,
    "workflow_id": "wf-batch-0001",
    "created_at": "2026-07-20T10:00:00.117Z",
    "updated_at": "2026-07-20T10:00:00.117Z",
    "started_at": None,
    "completed_at": None,
    "effective_at": "2026-07-20T10:00:00.117Z",
    "billing_estimate": {"credits": 12.5, "currency": "credits"},
    "shard_ids": ["s-1", "s-2"],
}


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The API, mocked: a test adds the routes it expects to be called."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


def answer_create(api: respx.MockRouter, *answers: httpx.Response | Exception) -> respx.Route:
    """Route POST create to these answers, one per attempt (the last one repeats)."""
    route = api.post(CREATE_PATH)
    if len(answers) == 1:
        if isinstance(answers[0], Exception):
            route.mock(side_effect=answers[0])
        else:
            route.mock(return_value=answers[0])
    else:
        route.mock(side_effect=list(answers))
    return route


def ok(job: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.Response(200, json=JOB if job is None else job)


@dataclass
class Sent:
    """One request as the server received it."""

    method: str
    url: str
    path: str
    query: list[tuple[str, str]]
    headers: httpx.Headers
    body: Any


def sent(route: respx.Route, attempt: int = -1) -> Sent:
    request = route.calls[attempt].request
    return Sent(
        method=request.method,
        url=str(request.url),
        path=request.url.path,
        query=list(request.url.params.multi_items()),
        headers=request.headers,
        body=json.loads(request.content) if request.content else None,
    )


def assert_create_request(
    request: Sent,
    body: dict[str, Any],
    *,
    query: list[tuple[str, str]] | None = None,
    namespace: str | None = None,
    key: str = TEST_KEY,
) -> None:
    """The request is exactly create with this body, query and header; nothing added."""
    assert request.method == "POST"
    assert request.path == CREATE_PATH
    assert request.url.split("?")[0] == CREATE_URL
    assert request.query == (query or [])
    assert request.headers["authorization"] == f"Bearer {key}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.headers.get("temporal-namespace") == namespace
    assert request.body == body
    # The job config goes out as written: same keys, same order.
    assert json.dumps(request.body["job_config"]) == json.dumps(body["job_config"])


def assert_printed_job(result: Result, job: dict[str, Any] | None = None) -> None:
    """Exit 0, the server's JSON on stdout exactly (unknown fields too), nothing on stderr."""
    expected = JOB if job is None else job
    assert result.exit_code == 0, result.stderr
    assert result.stdout == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert result.stderr == ""


def create_args(*extra: str, job_config: str = "{}") -> list[str]:
    return ["beta:batch", "create", "--job-config", job_config, *extra]


def yaml_flow(value: Any) -> str:
    """A value written as one line of YAML flow style, the way people type it in a shell."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_flow(k)}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_flow(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-./]*", value)
    if plain and value.lower() not in {"true", "false", "null", "yes", "no", "on", "off"}:
        return value
    return json.dumps(value, ensure_ascii=False)


# Realistic values for the parse parameters that are not plain booleans.
PARAMETER_VALUES: dict[str, Any] = {
    "auto_mode_configuration_json": '{"trigger": "table", "parse_mode": "parse_page_with_lvm"}',
    "auto_mode_trigger_on_regexp_in_page": r"Invoice\s+#\d{4,}",
    "auto_mode_trigger_on_text_in_page": "Total due:",
    "azure_openai_api_version": "2024-06-01",
    "azure_openai_deployment_name": "gpt-4o-prod",
    "azure_openai_endpoint": "https://contoso.openai.azure.com/",
    "azure_openai_key": "sk-test-not-a-real-azure-key",
    "bbox_bottom": 0.05,
    "bbox_left": 0.1,
    "bbox_right": 0.1,
    "bbox_top": 0.05,
    "bounding_box": "0.1,0.05,0.1,0.05",
    "complemental_formatting_instruction": "Keep footnotes next to their tables.",
    "confidence_score_effort": "medium",
    "content_guideline_instruction": "Never summarise; transcribe.",
    "custom_metadata": {"source": "cli", "batch": 7, "tags": ["q3", "emea"]},
    "formatting_instruction": "Use GitHub-flavoured Markdown tables.",
    "gpt4o_api_key": "sk-test-not-a-real-gpt4o-key",
    "http_proxy": "http://proxy.internal:3128",
    "images_to_save": ["screenshot", "embedded"],
    "input_s3_path": "s3://acme-invoices/2026/07/",
    "input_s3_region": "eu-west-1",
    "input_url": "https://files.example.com/report.pdf",
    "job_timeout_extra_time_per_page_in_seconds": 2.5,
    "job_timeout_in_seconds": 1800.0,
    "lang": "en",
    "languages": ["en", "de", "no"],
    "markdown_table_multiline_header_separator": "<br>",
    "max_pages": 50,
    "max_pages_enforced": 60,
    "model": "openai-gpt-4-1-mini",
    "output_s3_path_prefix": "s3://acme-parsed/batch-7/",
    "output_s3_region": "eu-west-1",
    "outputBucket": "acme-parsed",
    "page_error_tolerance": 0.05,
    "page_footer_prefix": "<footer>",
    "page_footer_suffix": "</footer>",
    "page_header_prefix": "<header>",
    "page_header_suffix": "</header>",
    "page_prefix": "START OF PAGE: {pageNumber}\n",
    "page_separator": "\n---\n",
    "page_suffix": "\nEND OF PAGE: {pageNumber}",
    "parse_mode": "parse_page_with_agent",
    "parsing_instruction": "The documents are German invoices: keep the VAT lines.",
    "pipeline_id": "pl-0a1b2c3d",
    "preset": "invoice",
    "priority": "high",
    "project_id": PROJECT,
    "replace_failed_page_mode": "error_message",
    "replace_failed_page_with_error_message_prefix": "[FAILED: ",
    "replace_failed_page_with_error_message_suffix": "]",
    "resource_info": {"file_size_bytes": 1048576, "origin": "sharepoint"},
    "structured_output_json_schema": '{"type": "object", "properties": {"total": {"type": "number"}}}',
    "structured_output_json_schema_name": "invoice",
    "system_prompt": "You are a meticulous transcriber.",
    "system_prompt_append": "Answer in the document's language.",
    "target_pages": "0,1,2",
    "tier": "agentic",
    "type": "parse",
    "user_prompt": "Transcribe every table: do not skip rows.",
    "vendor_multimodal_api_key": "sk-test-not-a-real-vendor-key",
    "vendor_multimodal_model_name": "anthropic-sonnet-4.0",
    "version": "latest",
    "webhook_configurations": [
        {
            "webhook_url": "https://hooks.example.com/llama?team=docs",
            "webhook_events": ["parse.success", "parse.error", "parse.partial_success"],
            "webhook_headers": {
                "Authorization": "Bearer test-not-a-real-webhook-token",
                "X-Request-Source": "llamacloud-prod",
            },
            "webhook_output_format": "json",
            "webhook_signing_secret": "whsec-test-not-a-real-signing-secret",
        }
    ],
    "webhook_url": "https://hooks.example.com/legacy",
}


def full_parse_job_config() -> dict[str, Any]:
    """A parse job_config giving every parameter the model knows, in the model's order."""
    parameters: dict[str, Any] = {}
    for index, (name, info) in enumerate(BatchParseJobConfig.model_fields.items()):
        wire = info.alias or name
        if wire in PARAMETER_VALUES:
            parameters[wire] = PARAMETER_VALUES[wire]
        elif bool in get_args(info.annotation) or info.annotation is bool:
            parameters[wire] = index % 3 != 0
        else:
            raise AssertionError(f"give parameters.{wire} a realistic value in PARAMETER_VALUES")
    return {"job_name": "parse_raw_file_job", "parameters": parameters}


# --- the official CLI's own invocations ---------------------------------------------------------


def test_the_full_parse_config_as_one_yaml_flow_mapping_is_sent_exactly_as_written(
    api: respx.MockRouter,
) -> None:
    config = full_parse_job_config()
    flow = yaml_flow(config)
    assert "\n" not in flow and "output_tables_as_HTML: " in flow and "outputBucket: " in flow
    route = answer_create(api, ok())

    result = run(create_args("--item-id", f"[{ITEM_A}, {ITEM_B}]", job_config=flow))

    assert_printed_job(result)
    assert route.call_count == 1
    request = sent(route)
    assert_create_request(request, {"job_config": config, "item_ids": [ITEM_A, ITEM_B]})
    assert list(request.body["job_config"]["parameters"]) == list(PARAMETER_FIELDS)
    assert len(PARAMETER_FIELDS) >= 126


def test_the_full_parse_config_as_json_gives_the_same_request_as_yaml(
    api: respx.MockRouter,
) -> None:
    config = full_parse_job_config()
    route = answer_create(api, ok())

    run(create_args("--item-id", ITEM_A, job_config=yaml_flow(config)))
    run(create_args("--item-id", ITEM_A, job_config=json.dumps(config)))

    assert route.call_count == 2
    assert route.calls[0].request.content == route.calls[1].request.content


def test_a_yaml_list_literal_of_item_ids_is_sent_as_a_list_of_strings(
    api: respx.MockRouter,
) -> None:
    route = answer_create(api, ok())

    result = run(create_args("--item-id", f"[{ITEM_A}, {ITEM_B}]", "--project-id", PROJECT))

    assert_printed_job(result)
    assert_create_request(
        sent(route),
        {"job_config": {}, "item_ids": [ITEM_A, ITEM_B]},
        query=[("project_id", PROJECT)],
    )


def test_the_whole_request_piped_as_yaml_with_only_scope_and_header_flags(
    api: respx.MockRouter,
) -> None:
    piped = f"""\
job_config:
  job_name: parse_raw_file_job
  parameters:
    type: parse
    parse_mode: parse_page_with_llm
    languages: [en, de]
    max_pages: 50
    target_pages: "0,1,2"
    priority: medium
directory_id: {DIRECTORY}
page_size: 50
continue_as_new_threshold: 200
"""
    route = answer_create(api, ok())

    result = run(
        [
            "beta:batch",
            "create",
            "--organization-id",
            ORGANIZATION,
            "--project-id",
            PROJECT,
            "--temporal-namespace",
            "default",
        ],
        input=piped,
    )

    assert_printed_job(result)
    assert_create_request(
        sent(route),
        {
            "job_config": {
                "job_name": "parse_raw_file_job",
                "parameters": {
                    "type": "parse",
                    "parse_mode": "parse_page_with_llm",
                    "languages": ["en", "de"],
                    "max_pages": 50,
                    "target_pages": "0,1,2",
                    "priority": "medium",
                },
            },
            "directory_id": DIRECTORY,
            "page_size": 50,
            "continue_as_new_threshold": 200,
        },
        query=[("organization_id", ORGANIZATION), ("project_id", PROJECT)],
        namespace="default",
    )


def test_every_create_flag_goes_to_its_place_in_the_request(api: respx.MockRouter) -> None:
    route = answer_create(api, ok())

    result = run(
        create_args(
            "--organization-id",
            ORGANIZATION,
            "--project-id",
            PROJECT,
            "--directory-id",
            DIRECTORY,
            "--page-size",
            "25",
            "--continue-as-new-threshold",
            "400",
            "--temporal-namespace",
            "batch-ns",
        )
    )

    assert_printed_job(result)
    assert_create_request(
        sent(route),
        {
            "job_config": {},
            "directory_id": DIRECTORY,
            "page_size": 25,
            "continue_as_new_threshold": 400,
        },
        query=[("organization_id", ORGANIZATION), ("project_id", PROJECT)],
        namespace="batch-ns",
    )


def test_no_default_is_sent_when_only_a_directory_is_given(api: respx.MockRouter) -> None:
    route = answer_create(api, ok())

    run(create_args("--directory-id", DIRECTORY))

    request = sent(route)
    assert request.body == {"job_config": {}, "directory_id": DIRECTORY}
    assert request.query == []
    assert "temporal-namespace" not in request.headers


def test_a_classify_job_from_the_api_examples_is_sent_unchanged_without_warnings(
    api: respx.MockRouter,
) -> None:
    classify = {
        "id": "0b9c2f0e-8a4e-4c39-9b51-1f0c7a2d9e11",
        "project_id": PROJECT,
        "user_id": "user-123",
        "status": "PENDING",
        "mode": "MULTIMODAL",
        "parsing_configuration": {"lang": "en", "max_pages": 5, "target_pages": [0, 1]},
        "rules": [
            {"type": "contract", "description": "Legal agreements with parties and signatures"}
        ],
    }
    route = answer_create(api, ok({**JOB, "job_type": "classify"}))

    result = run(create_args("--directory-id", DIRECTORY, job_config=json.dumps(classify)))

    assert_printed_job(result, {**JOB, "job_type": "classify"})
    assert_create_request(sent(route), {"job_config": classify, "directory_id": DIRECTORY})


# --- global options, keys and base URLs ---------------------------------------------------------

GLOBALS = [
    "--api-key",
    "sk-test-not-a-real-key",
    "--base-url",
    "https://eu.api.test.invalid/prefix",
    "--format",
    "jsonl",
    "--max-retries",
    "0",
    "--timeout",
    "5",
    "--transform",
    "{id,status}",
    "-r",
]
COMMAND = ["beta:batch", "create", "--job-config", "{parameters: {max_pages: 3}}"]
COMMAND_TAIL = ["--item-id", ITEM_A, "--project-id", PROJECT]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([*GLOBALS, *COMMAND, *COMMAND_TAIL], id="before-the-command-words"),
        pytest.param([*COMMAND, *COMMAND_TAIL, *GLOBALS], id="after-the-command-options"),
        pytest.param([*COMMAND, *GLOBALS, *COMMAND_TAIL], id="between-command-options"),
        pytest.param(
            [
                "--api-key=sk-test-not-a-real-key",
                "beta:batch",
                "--base-url=https://eu.api.test.invalid/prefix",
                "create",
                *COMMAND[2:],
                "--format=jsonl",
                "--max-retries=0",
                "--timeout=5",
                "--transform={id,status}",
                "-r",
                *COMMAND_TAIL,
            ],
            id="inline-values-scattered",
        ),
    ],
)
def test_global_options_anywhere_give_the_identical_request_and_output(args: list[str]) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post("https://eu.api.test.invalid/prefix/api/v1/beta/batch-processing")
        route.mock(return_value=ok())

        result = run(args)

    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout
        == json.dumps({"id": JOB["id"], "status": "pending"}, separators=(",", ":")) + "\n"
    )
    assert result.stderr == ""
    request = sent(route)
    assert request.url == (
        f"https://eu.api.test.invalid/prefix/api/v1/beta/batch-processing?project_id={PROJECT}"
    )
    assert request.headers["authorization"] == "Bearer sk-test-not-a-real-key"
    assert request.body == {"job_config": {"parameters": {"max_pages": 3}}, "item_ids": [ITEM_A]}


def test_the_api_key_flag_wins_over_the_environment(api: respx.MockRouter) -> None:
    route = answer_create(api, ok())

    run(["--api-key", "sk-test-not-a-real-key", *create_args("--item-id", ITEM_A)])

    assert sent(route).headers["authorization"] == "Bearer sk-test-not-a-real-key"


def test_llama_parse_api_key_is_the_fallback_when_llama_cloud_api_key_is_unset(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LLAMA_CLOUD_API_KEY")
    monkeypatch.setenv("LLAMA_PARSE_API_KEY", "llx-test-not-a-real-parse-key")
    route = answer_create(api, ok())

    result = run(create_args("--item-id", ITEM_A))

    assert_printed_job(result)
    assert sent(route).headers["authorization"] == "Bearer llx-test-not-a-real-parse-key"


def test_an_empty_llama_cloud_api_key_falls_through_to_llama_parse_api_key(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "")
    monkeypatch.setenv("LLAMA_PARSE_API_KEY", "llx-test-not-a-real-parse-key")
    route = answer_create(api, ok())

    run(create_args("--item-id", ITEM_A))

    assert sent(route).headers["authorization"] == "Bearer llx-test-not-a-real-parse-key"


def test_a_base_url_path_prefix_and_trailing_slash_are_kept_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "http://localhost:4010/llama/")
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post("http://localhost:4010/llama/api/v1/beta/batch-processing")
        route.mock(return_value=ok())

        result = run(create_args("--item-id", ITEM_A))

    assert_printed_job(result)
    assert route.call_count == 1


# --- answers from the API: exit codes and messages ----------------------------------------------


@pytest.mark.parametrize(
    ("status", "detail", "exit_code"),
    [
        pytest.param(401, "Invalid API key", 3, id="401-is-an-auth-error"),
        pytest.param(403, "No access to this project", 3, id="403-is-an-auth-error"),
        pytest.param(400, "Either directory_id or item_ids must be provided", 4, id="400"),
        pytest.param(404, "Directory not found", 4, id="404"),
        pytest.param(409, "A batch job is already running for this directory", 4, id="409"),
        pytest.param(422, "job_config is not valid", 4, id="422"),
    ],
)
def test_a_client_error_is_reported_once_with_method_url_status_and_message(
    api: respx.MockRouter, status: int, detail: str, exit_code: int
) -> None:
    route = answer_create(api, httpx.Response(status, json={"detail": detail}))

    result = run(create_args("--item-id", ITEM_A, "--project-id", PROJECT))

    assert result.exit_code == exit_code
    assert result.stdout == ""
    assert route.call_count == 1
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("Error: POST ")
    assert f"{CREATE_URL}?project_id={PROJECT}" in first_line
    assert str(status) in first_line
    assert detail in first_line
    assert "Traceback" not in result.stderr


def test_an_authentication_failure_hints_at_the_api_key_without_showing_it(
    api: respx.MockRouter,
) -> None:
    answer_create(api, httpx.Response(401, json={"detail": "Invalid API key"}))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 3
    assert "--api-key" in result.stderr or "LLAMA_CLOUD_API_KEY" in result.stderr
    assert TEST_KEY not in result.stderr


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_failure_on_create_is_not_retried_and_says_the_job_may_exist(
    api: respx.MockRouter, status: int, no_real_sleep: list[float]
) -> None:
    route = answer_create(api, httpx.Response(status, json={"detail": "upstream exploded"}))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 5
    assert result.stdout == ""
    assert route.call_count == 1
    assert no_real_sleep == []
    assert "upstream exploded" in result.stderr
    assert re.search(r"may have (been )?created", result.stderr)
    assert "beta:batch list" in result.stderr


@pytest.mark.parametrize("status", [408, 429, 503])
def test_a_create_the_server_cannot_have_acted_on_is_retried(
    api: respx.MockRouter, status: int, no_real_sleep: list[float]
) -> None:
    route = answer_create(api, httpx.Response(status, json={"detail": "try later"}), ok())

    result = run(create_args("--item-id", ITEM_A))

    assert_printed_job(result)
    assert route.call_count == 2
    assert route.calls[0].request.content == route.calls[1].request.content
    assert len(no_real_sleep) == 1 and 0.375 <= no_real_sleep[0] <= 0.5


def test_rate_limits_are_retried_twice_by_default_then_reported(
    api: respx.MockRouter, no_real_sleep: list[float]
) -> None:
    route = answer_create(api, httpx.Response(429, json={"detail": "slow down"}))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 4
    assert result.stdout == ""
    assert route.call_count == 3
    assert len(no_real_sleep) == 2
    assert "429" in result.stderr and "slow down" in result.stderr


def test_a_rate_limit_then_an_unavailable_then_success_makes_three_calls(
    api: respx.MockRouter,
) -> None:
    route = answer_create(
        api, httpx.Response(429), httpx.Response(503, json={"detail": "busy"}), ok()
    )

    result = run(create_args("--item-id", ITEM_A))

    assert_printed_job(result)
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("status", "exit_code"), [pytest.param(429, 4, id="429"), pytest.param(503, 5, id="503")]
)
def test_max_retries_zero_makes_exactly_one_call(
    api: respx.MockRouter, status: int, exit_code: int, no_real_sleep: list[float]
) -> None:
    route = answer_create(api, httpx.Response(status, json={"detail": "busy"}))

    result = run(["--max-retries", "0", *create_args("--item-id", ITEM_A)])

    assert result.exit_code == exit_code
    assert route.call_count == 1
    assert no_real_sleep == []


def test_the_retry_count_can_come_from_the_environment(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_MAX_RETRIES", "1")
    route = answer_create(api, httpx.Response(503))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 5
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("headers", "pause"),
    [
        pytest.param({"retry-after": "3"}, 3.0, id="retry-after-seconds"),
        pytest.param({"retry-after-ms": "1500"}, 1.5, id="retry-after-ms"),
        pytest.param({"retry-after": "600"}, None, id="retry-after-too-long-is-ignored"),
    ],
)
def test_the_servers_retry_after_is_obeyed_when_sane(
    api: respx.MockRouter,
    headers: dict[str, str],
    pause: float | None,
    no_real_sleep: list[float],
) -> None:
    route = answer_create(api, httpx.Response(429, headers=headers), ok())

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 0
    assert route.call_count == 2
    if pause is None:
        assert 0.375 <= no_real_sleep[0] <= 0.5
    else:
        assert no_real_sleep == [pause]


def test_x_should_retry_true_lets_a_create_be_retried_after_a_500(api: respx.MockRouter) -> None:
    route = answer_create(api, httpx.Response(500, headers={"x-should-retry": "true"}), ok())

    result = run(create_args("--item-id", ITEM_A))

    assert_printed_job(result)
    assert route.call_count == 2


def test_x_should_retry_false_stops_a_retry_of_a_503(api: respx.MockRouter) -> None:
    route = answer_create(api, httpx.Response(503, headers={"x-should-retry": "false"}))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 5
    assert route.call_count == 1


def test_a_refused_connection_is_retried_then_exits_6(
    api: respx.MockRouter, no_real_sleep: list[float]
) -> None:
    route = answer_create(api, httpx.ConnectError("[Errno 111] Connection refused"))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 6
    assert result.stdout == ""
    assert route.call_count == 3
    assert len(no_real_sleep) == 2
    assert CREATE_URL in result.stderr
    assert "api.test.invalid" in result.stderr


def test_a_read_timeout_on_create_is_not_retried_and_says_the_job_may_exist(
    api: respx.MockRouter,
) -> None:
    route = answer_create(api, httpx.ReadTimeout("timed out"))

    result = run(["--timeout", "7", *create_args("--item-id", ITEM_A)])

    assert result.exit_code == 6
    assert result.stdout == ""
    assert route.call_count == 1
    assert "7 s" in result.stderr
    assert "beta:batch list" in result.stderr


def test_a_connection_dropped_after_sending_is_not_retried(api: respx.MockRouter) -> None:
    route = answer_create(api, httpx.RemoteProtocolError("Server disconnected"))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 6
    assert route.call_count == 1
    assert "beta:batch list" in result.stderr


# --- invalid answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "fragment"),
    [
        pytest.param(httpx.Response(200, text="<html>ok</html>"), "not JSON", id="html-body"),
        pytest.param(httpx.Response(200, text=""), "not JSON", id="empty-body"),
        pytest.param(
            httpx.Response(200, json={k: v for k, v in JOB.items() if k != "id"}),
            "id: required field missing",
            id="missing-id",
        ),
        pytest.param(
            httpx.Response(200, json={**JOB, "total_items": "3"}), "total_items", id="string-count"
        ),
        pytest.param(httpx.Response(200, json=[JOB]), "BatchJob", id="a-list-not-a-job"),
        pytest.param(httpx.Response(200, content=b"null"), "BatchJob", id="json-null"),
    ],
)
def test_an_answer_that_is_not_a_job_exits_7_naming_the_problem(
    api: respx.MockRouter, response: httpx.Response, fragment: str
) -> None:
    route = answer_create(api, response)

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 7
    assert result.stdout == ""
    assert fragment in result.stderr
    assert route.call_count == 1
    assert "Traceback" not in result.stderr


def test_an_invalid_answer_to_create_says_the_job_may_exist(api: respx.MockRouter) -> None:
    answer_create(api, httpx.Response(200, json={**JOB, "total_items": "3"}))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 7
    assert "beta:batch list" in result.stderr


def test_a_job_status_this_client_does_not_know_is_accepted(api: respx.MockRouter) -> None:
    paused = {**JOB, "status": "paused", "job_type": "summarise"}
    answer_create(api, ok(paused))

    result = run(create_args("--item-id", ITEM_A))

    assert_printed_job(result, paused)


# --- how API errors are shown --------------------------------------------------------------

VALIDATION_DETAIL = {
    "detail": [
        {
            "type": "int_type",
            "loc": ["body", "job_config", "parameters", "max_pages"],
            "msg": "Input should be a valid integer",
        },
        {
            "type": "missing",
            "loc": ["body", "item_ids"],
            "msg": "Field required",
        },
    ]
}


def test_a_list_of_validation_details_is_summarised_with_field_paths(
    api: respx.MockRouter,
) -> None:
    answer_create(api, httpx.Response(422, json=VALIDATION_DETAIL))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == 4
    assert result.stdout == ""
    first_line = result.stderr.splitlines()[0]
    assert "job_config.parameters.max_pages: Input should be a valid integer" in first_line
    assert "item_ids: Field required" in first_line


@pytest.mark.parametrize(
    ("status", "text", "exit_code"),
    [
        pytest.param(502, "<html><body>Bad gateway</body></html>", 5, id="html-from-a-proxy"),
        pytest.param(404, "Not Found", 4, id="plain-text"),
    ],
)
def test_a_non_json_error_body_is_shown_as_text(
    api: respx.MockRouter, status: int, text: str, exit_code: int
) -> None:
    answer_create(api, httpx.Response(status, text=text))

    result = run(create_args("--item-id", ITEM_A))

    assert result.exit_code == exit_code
    assert result.stdout == ""
    assert text in result.stderr.splitlines()[0]


ERROR_BODY = {"detail": "job_config rejected", "code": "invalid_config", "retryable": False}


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        pytest.param([], json.dumps(ERROR_BODY, indent=2), id="default-json"),
        pytest.param(
            ["--format-error", "jsonl"],
            '{"detail":"job_config rejected","code":"invalid_config","retryable":false}',
            id="jsonl",
        ),
        pytest.param(
            ["--format-error", "yaml"],
            "detail: job_config rejected\ncode: invalid_config\nretryable: false",
            id="yaml",
        ),
        pytest.param(["--transform-error", "code"], '"invalid_config"', id="transform"),
        pytest.param(
            ["--transform-error", "{code,retryable}", "--format-error", "jsonl"],
            '{"code":"invalid_config","retryable":false}',
            id="transform-and-format",
        ),
    ],
)
def test_the_error_body_is_shaped_by_the_error_options_on_stderr(
    api: respx.MockRouter, options: list[str], shown: str
) -> None:
    answer_create(api, httpx.Response(400, json=ERROR_BODY))

    result = run([*create_args("--item-id", ITEM_A), *options])

    assert result.exit_code == 4
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].endswith("HTTP 400 Bad Request: job_config rejected")
    assert "\n".join(lines[1:]) == shown


def test_the_output_options_do_not_touch_the_error_body(api: respx.MockRouter) -> None:
    answer_create(api, httpx.Response(400, json=ERROR_BODY))

    result = run(["--format", "yaml", "--transform", "id", "-r", *create_args("--item-id", ITEM_A)])

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.splitlines()[1:] == json.dumps(ERROR_BODY, indent=2).splitlines()


def test_a_plain_detail_message_is_not_repeated_as_a_body(api: respx.MockRouter) -> None:
    answer_create(api, httpx.Response(404, json={"detail": "Directory not found"}))

    result = run(create_args("--directory-id", DIRECTORY))

    assert result.exit_code == 4
    assert result.stderr.count("Directory not found") == 1
