"""Secrets never shown: header and JSON redaction."""

from __future__ import annotations

import pytest

from llamacloud_cli.redact import REDACTED, is_secret_name, redact_header, redact_json


@pytest.mark.parametrize(
    "name",
    [
        "azure_openai_key",
        "gpt4o_api_key",
        "webhook_signing_secret",
        "Authorization",
        "x-Token",
        "db_password",
        "vendor_multimodal_api_key",
        "API_KEY",
    ],
)
def test_secret_looking_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["job_config", "item_ids", "webhook_url", "parameters_hash"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_json_redaction_is_deep_and_leaves_the_input_alone() -> None:
    body = {
        "job_config": {
            "parameters": {
                "azure_openai_key": "sk-1",
                "max_pages": 3,
                "webhook_configurations": [
                    {
                        "webhook_url": "https://h",
                        "webhook_headers": {"X-Custom": "s3"},
                        "webhook_signing_secret": "whsec",
                    },
                ],
            }
        },
        "item_ids": ["a"],
    }
    redacted = redact_json(body)
    params = redacted["job_config"]["parameters"]
    assert params["azure_openai_key"] == REDACTED
    assert params["max_pages"] == 3
    hook = params["webhook_configurations"][0]
    assert hook == {
        "webhook_url": "https://h",
        "webhook_headers": {"X-Custom": REDACTED},
        "webhook_signing_secret": REDACTED,
    }
    assert body["job_config"]["parameters"]["azure_openai_key"] == "sk-1"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("Authorization", "Bearer llx-abc", "Bearer <redacted>"),
        ("authorization", "llx-abc", "<redacted>"),
        ("Cookie", "a=b", "<redacted>"),
        ("set-cookie", "a=b", "<redacted>"),
        ("x-api-key", "k", "<redacted>"),
        ("content-type", "application/json", "application/json"),
    ],
)
def test_header_redaction_keeps_the_scheme(name: str, value: str, shown: str) -> None:
    assert redact_header(name, value) == shown
