"""Global settings: flag, then environment, then default."""

from __future__ import annotations

from typing import Any

import pytest

from llamacloud_cli.errors import AuthError, UsageError
from llamacloud_cli.settings import DEFAULT_BASE_URL, OutputFormat, Settings, resolve


def settings(env: dict[str, str], **flags: Any) -> Settings:
    options: dict[str, Any] = {
        "api_key": None,
        "base_url": None,
        "output_format": OutputFormat.AUTO,
        "format_error": OutputFormat.AUTO,
        "transform": None,
        "transform_error": None,
        "raw_output": False,
        "debug": False,
        "dry_run": False,
        "max_retries": None,
        "timeout": None,
    }
    options.update(flags)
    return resolve(env=env, **options)


def test_defaults_apply_when_nothing_is_given() -> None:
    result = settings({})
    assert (result.base_url, result.max_retries, result.timeout) == (DEFAULT_BASE_URL, 2, 60.0)
    assert result.api_key is None


@pytest.mark.parametrize(
    ("env", "flag", "expected"),
    [
        ({"LLAMA_CLOUD_API_KEY": "env-1", "LLAMA_PARSE_API_KEY": "env-2"}, None, "env-1"),
        ({"LLAMA_PARSE_API_KEY": "env-2"}, None, "env-2"),
        # An empty first variable falls through to the second, as in the official SDK.
        ({"LLAMA_CLOUD_API_KEY": "", "LLAMA_PARSE_API_KEY": "env-2"}, None, "env-2"),
        ({"LLAMA_CLOUD_API_KEY": "env-1"}, "flag", "flag"),
    ],
)
def test_api_key_precedence(env: dict[str, str], flag: str | None, expected: str) -> None:
    assert settings(env, api_key=flag).api_key == expected


def test_a_missing_key_is_an_authentication_error_only_when_needed() -> None:
    result = settings({})
    with pytest.raises(AuthError, match="no API key"):
        result.require_api_key()


@pytest.mark.parametrize(
    ("env", "flag", "expected"),
    [
        ({}, "http://127.0.0.1:4010/", "http://127.0.0.1:4010"),
        ({"LLAMA_CLOUD_BASE_URL": "https://eu.example/prefix"}, None, "https://eu.example/prefix"),
        ({"LLAMA_CLOUD_BASE_URL": "https://env"}, "https://flag", "https://flag"),
    ],
)
def test_base_url_precedence_keeps_a_path_prefix(
    env: dict[str, str], flag: str | None, expected: str
) -> None:
    assert settings(env, base_url=flag).base_url == expected


@pytest.mark.parametrize(
    ("env", "flag", "names"),
    [
        ({}, "ftp://x", "--base-url"),
        ({"LLAMA_CLOUD_BASE_URL": "example.com"}, None, "LLAMA_CLOUD_BASE_URL"),
    ],
)
def test_a_base_url_without_scheme_is_refused_naming_its_source(
    env: dict[str, str], flag: str | None, names: str
) -> None:
    with pytest.raises(UsageError, match=f"{names} .* is missing a scheme"):
        settings(env, base_url=flag)


def test_retries_and_timeout_come_from_flags_then_environment() -> None:
    env = {"LLAMA_CLOUD_MAX_RETRIES": "5", "LLAMA_CLOUD_TIMEOUT": "2.5"}
    assert (settings(env).max_retries, settings(env).timeout) == (5, 2.5)
    assert settings(env, max_retries=0, timeout=1.0).max_retries == 0
    assert settings(env, max_retries=0, timeout=1.0).timeout == 1.0


@pytest.mark.parametrize(
    ("env", "flags", "fragment"),
    [
        (
            {"LLAMA_CLOUD_MAX_RETRIES": "many"},
            {},
            "LLAMA_CLOUD_MAX_RETRIES='many' is not a valid number",
        ),
        ({"LLAMA_CLOUD_TIMEOUT": "-1"}, {}, "LLAMA_CLOUD_TIMEOUT must not be negative"),
        ({}, {"max_retries": -1}, "--max-retries must not be negative"),
    ],
)
def test_bad_numbers_are_usage_errors(
    env: dict[str, str], flags: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(UsageError, match=fragment):
        settings(env, **flags)


@pytest.mark.parametrize(
    ("base_url", "warned"),
    [
        ("http://127.0.0.1:4010", False),
        ("http://localhost:4010", False),
        ("http://[::1]:4010", False),
        ("https://api.example.test", False),
        ("http://api.example.test", True),
    ],
)
def test_plain_http_to_another_host_warns_that_the_key_travels_in_clear(
    base_url: str, warned: bool, cli: Any
) -> None:
    import httpx
    import respx

    job = {"id": "J", "job_type": "parse", "project_id": "p", "status": "running", "total_items": 1}
    with respx.mock(base_url=base_url) as mock:
        mock.get("/api/v1/beta/batch-processing/J").mock(
            return_value=httpx.Response(200, json={"job": job, "progress_percentage": 0})
        )
        result = cli(["beta:batch", "get-status", "J", "--base-url", base_url])
    assert result.exit_code == 0
    assert ("is plain http: the API key is sent unencrypted" in result.stderr) is warned
