"""Secrets never reach the screen: `--debug` and `--dry-run` on `beta:batch create` (CONTRACT §8).

The API key (from `--api-key` or the environment) and every secret-looking value of job_config
must be absent from stdout and stderr, while the request that is really sent keeps them.
All values here are fake.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from conftest import BASE_URL, TEST_KEY, Result, run

CREATE_PATH = "/api/v1/beta/batch-processing"
CREATE_URL = BASE_URL + CREATE_PATH
PROJECT = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
FLAG_KEY = "sk-test-not-a-real-key-from-the-flag"
REDACTED = "<redacted>"
JOB = {
    "id": "bjb-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "job_type": "parse",
    "project_id": PROJECT,
    "status": "pending",
    "total_items": 1,
}

# Every value a careless CLI could leak, each one distinct so a leak names itself.
SECRET_VALUES = {
    "azure_openai_key": "sk-test-not-a-real-azure-key",
    "gpt4o_api_key": "sk-test-not-a-real-gpt4o-key",
    "vendor_multimodal_api_key": "sk-test-not-a-real-vendor-key",
    "webhook_signing_secret": "whsec-test-not-a-real-signing-secret",
    "webhook_headers.Authorization": "Bearer test-not-a-real-webhook-token",
    "webhook_headers.X-Team": "test-not-a-real-plain-header-value",
    "custom_metadata.apiKey": "test-not-a-real-camel-case-api-key",
    "custom_metadata.ClientSecret": "test-not-a-real-client-secret",
    "custom_metadata.REFRESH_TOKEN": "test-not-a-real-refresh-token",
    "custom_metadata.db_Password": "test-not-a-real-db-password",
    "custom_metadata.X-Authorization": "test-not-a-real-authorization",
}
# Values next to the secrets that must stay visible: redaction is by name, not by accident.
VISIBLE = ["https://hooks.example.com/llama", "parse_page_with_agent", "cli", "gpt-4o-prod"]

JOB_CONFIG: dict[str, Any] = {
    "job_name": "parse_raw_file_job",
    "parameters": {
        "parse_mode": "parse_page_with_agent",
        "azure_openai_deployment_name": "gpt-4o-prod",
        "azure_openai_key": SECRET_VALUES["azure_openai_key"],
        "gpt4o_api_key": SECRET_VALUES["gpt4o_api_key"],
        "vendor_multimodal_api_key": SECRET_VALUES["vendor_multimodal_api_key"],
        "custom_metadata": {
            "source": "cli",
            "apiKey": SECRET_VALUES["custom_metadata.apiKey"],
            "ClientSecret": SECRET_VALUES["custom_metadata.ClientSecret"],
            "REFRESH_TOKEN": SECRET_VALUES["custom_metadata.REFRESH_TOKEN"],
            "db_Password": SECRET_VALUES["custom_metadata.db_Password"],
            "X-Authorization": SECRET_VALUES["custom_metadata.X-Authorization"],
        },
        "webhook_configurations": [
            {
                "webhook_url": "https://hooks.example.com/llama",
                "webhook_events": ["parse.success"],
                "webhook_headers": {
                    "Authorization": SECRET_VALUES["webhook_headers.Authorization"],
                    "X-Team": SECRET_VALUES["webhook_headers.X-Team"],
                },
                "webhook_signing_secret": SECRET_VALUES["webhook_signing_secret"],
            }
        ],
    },
}


def redacted_job_config() -> dict[str, Any]:
    """JOB_CONFIG as --dry-run and --debug must show it."""
    shown = copy.deepcopy(JOB_CONFIG)
    parameters = shown["parameters"]
    for name in ("azure_openai_key", "gpt4o_api_key", "vendor_multimodal_api_key"):
        parameters[name] = REDACTED
    for name in ("apiKey", "ClientSecret", "REFRESH_TOKEN", "db_Password", "X-Authorization"):
        parameters["custom_metadata"][name] = REDACTED
    webhook = parameters["webhook_configurations"][0]
    webhook["webhook_headers"] = {"Authorization": REDACTED, "X-Team": REDACTED}
    webhook["webhook_signing_secret"] = REDACTED
    return shown


def create_args(*extra: str) -> list[str]:
    return [
        "beta:batch",
        "create",
        "--job-config",
        json.dumps(JOB_CONFIG),
        "--item-id",
        "dfl-1",
        "--project-id",
        PROJECT,
        *extra,
    ]


def assert_no_secret_shown(result: Result, *keys: str) -> None:
    shown = result.stdout + result.stderr
    for key in keys:
        assert key not in shown, "the API key leaked"
    for where, value in SECRET_VALUES.items():
        assert value not in shown, f"{where} leaked"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


def key_source(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], str]:
    """Global args and the key they make the CLI use."""
    if source == "flag":
        return ["--api-key", FLAG_KEY], FLAG_KEY
    if source == "fallback-env":
        monkeypatch.delenv("LLAMA_CLOUD_API_KEY")
        monkeypatch.setenv("LLAMA_PARSE_API_KEY", "llx-test-not-a-real-parse-key")
        return [], "llx-test-not-a-real-parse-key"
    return [], TEST_KEY


KEY_SOURCES = ["flag", "env", "fallback-env"]


# --- --dry-run ---------------------------------------------------------------------------------


@pytest.mark.parametrize("source", KEY_SOURCES)
def test_dry_run_prints_the_request_with_every_secret_redacted_and_sends_nothing(
    api: respx.MockRouter, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    anything = api.route().mock(return_value=httpx.Response(200, json=JOB))
    global_args, key = key_source(source, monkeypatch)

    result = run([*global_args, "--dry-run", *create_args("--temporal-namespace", "ns-1")])

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert anything.call_count == 0
    assert not api.calls
    shown = json.loads(result.stdout)
    assert shown["method"] == "POST"
    assert shown["url"] == f"{CREATE_URL}?project_id={PROJECT}"
    assert shown["headers"]["Authorization"] == "Bearer <redacted>"
    assert shown["headers"]["Content-Type"] == "application/json"
    assert shown["headers"]["temporal-namespace"] == "ns-1"
    assert shown["body"] == {"job_config": redacted_job_config(), "item_ids": ["dfl-1"]}
    assert_no_secret_shown(result, key)
    for value in VISIBLE:
        assert value in result.stdout


def test_dry_run_redacts_secrets_that_arrive_on_stdin(api: respx.MockRouter) -> None:
    piped = json.dumps({"job_config": JOB_CONFIG, "item_ids": ["dfl-1"]})

    result = run(["--dry-run", "beta:batch", "create"], input=piped)

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["body"]["job_config"] == redacted_job_config()
    assert_no_secret_shown(result, TEST_KEY)
    assert not api.calls


def test_dry_run_still_refuses_bad_input(api: respx.MockRouter) -> None:
    result = run(["--dry-run", "beta:batch", "create", "--job-config", "[1]", "--item-id", "a"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert not api.calls


# --- --debug -------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", KEY_SOURCES)
def test_debug_logs_the_attempt_with_secrets_redacted_but_sends_them(
    api: respx.MockRouter, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = api.post(CREATE_PATH).mock(return_value=httpx.Response(200, json=JOB))
    global_args, key = key_source(source, monkeypatch)

    result = run([*global_args, "--debug", *create_args()])

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == JOB
    assert_no_secret_shown(result, key)
    assert f"POST {CREATE_URL}?project_id={PROJECT}" in result.stderr
    assert "Authorization: Bearer <redacted>" in result.stderr
    assert json.dumps(redacted_job_config()) in result.stderr
    assert "200" in result.stderr
    # Redaction is for display only: the server gets the real values.
    request = route.calls[0].request
    assert request.headers["authorization"] == f"Bearer {key}"
    assert json.loads(request.content)["job_config"] == JOB_CONFIG


def test_debug_logs_every_retried_attempt_without_secrets(api: respx.MockRouter) -> None:
    route = api.post(CREATE_PATH).mock(
        side_effect=[
            httpx.Response(503, json={"detail": "busy"}),
            httpx.Response(429, json={"detail": "slow down"}),
            httpx.Response(200, json=JOB),
        ]
    )

    result = run(["--debug", "--api-key", FLAG_KEY, *create_args()])

    assert result.exit_code == 0, result.stderr
    assert route.call_count == 3
    for attempt in (1, 2, 3):
        assert f"attempt {attempt} of 3" in result.stderr
    assert result.stderr.count("Bearer <redacted>") == 3
    assert result.stderr.count(json.dumps(redacted_job_config())) == 3
    assert "503" in result.stderr and "429" in result.stderr
    assert_no_secret_shown(result, FLAG_KEY, TEST_KEY)


def test_debug_redacts_secrets_the_server_echoes_in_an_error_body(
    api: respx.MockRouter,
) -> None:
    echo = {
        "detail": "webhook rejected",
        "job_config": JOB_CONFIG,
        "api_key": FLAG_KEY,
        "session_token": "test-not-a-real-session-token",
    }
    api.post(CREATE_PATH).mock(return_value=httpx.Response(422, json=echo))

    result = run(["--debug", "--api-key", FLAG_KEY, *create_args()])

    assert result.exit_code == 4
    assert result.stdout == ""
    assert "webhook rejected" in result.stderr
    assert "test-not-a-real-session-token" not in result.stderr
    assert_no_secret_shown(result, FLAG_KEY)


def test_debug_redacts_secret_response_headers(api: respx.MockRouter) -> None:
    api.post(CREATE_PATH).mock(
        return_value=httpx.Response(
            200,
            json=JOB,
            headers={
                "set-cookie": "session=test-not-a-real-cookie",
                "x-api-key": "test-not-a-real-echoed-key",
                "x-request-id": "req-visible-123",
            },
        )
    )

    result = run(["--debug", *create_args()])

    assert result.exit_code == 0
    assert "test-not-a-real-cookie" not in result.stderr
    assert "test-not-a-real-echoed-key" not in result.stderr
    assert "req-visible-123" in result.stderr


def test_debug_on_a_network_failure_shows_no_secret(api: respx.MockRouter) -> None:
    api.post(CREATE_PATH).mock(side_effect=httpx.ConnectError("connection refused"))

    result = run(["--debug", "--api-key", FLAG_KEY, *create_args()])

    assert result.exit_code == 6
    assert result.stdout == ""
    assert result.stderr.count("Bearer <redacted>") == 3
    assert_no_secret_shown(result, FLAG_KEY)


def test_without_debug_nothing_about_the_request_is_logged(api: respx.MockRouter) -> None:
    api.post(CREATE_PATH).mock(return_value=httpx.Response(200, json=JOB))

    result = run(create_args())

    assert result.exit_code == 0
    assert result.stderr == ""
    assert_no_secret_shown(result, TEST_KEY)


def test_an_error_without_debug_shows_neither_the_key_nor_the_secrets(
    api: respx.MockRouter,
) -> None:
    echo = {"detail": "bad config", "job_config": JOB_CONFIG}
    api.post(CREATE_PATH).mock(return_value=httpx.Response(400, json=echo))

    result = run(["--api-key", FLAG_KEY, *create_args()])

    assert result.exit_code == 4
    assert "bad config" in result.stderr
    assert_no_secret_shown(result, FLAG_KEY)


def test_a_secret_echoed_as_the_input_of_a_validation_error_is_not_shown(
    api: respx.MockRouter,
) -> None:
    detail = {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["body", "job_config", "parameters", "gpt4o_api_key"],
                "msg": "String should have at most 64 characters",
                "input": SECRET_VALUES["gpt4o_api_key"],
            }
        ]
    }
    api.post(CREATE_PATH).mock(return_value=httpx.Response(422, json=detail))

    result = run(["--debug", *create_args()])

    assert result.exit_code == 4
    assert_no_secret_shown(result, TEST_KEY)
