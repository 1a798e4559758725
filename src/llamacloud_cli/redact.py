"""Hiding secrets in everything the CLI shows about a request or response (CONTRACT §8)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "<redacted>"
_SECRET_WORDS = ("key", "secret", "token", "password", "authorization")
_SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "x-api-key", "api-key"}


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def redact_json(value: Any) -> Any:
    """A copy of a JSON value with secret-looking fields and all webhook headers hidden."""
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if is_secret_name(key):
                result[key] = REDACTED
            elif key == "webhook_headers" and isinstance(item, dict):
                result[key] = dict.fromkeys(item, REDACTED)
            else:
                result[key] = redact_json(item)
        return result
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    return value


def redact_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered == "authorization":
        scheme, _, credentials = value.partition(" ")
        return f"{scheme} {REDACTED}" if credentials else REDACTED
    if lowered in _SECRET_HEADERS or is_secret_name(lowered):
        return REDACTED
    return value


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {name: redact_header(name, value) for name, value in pairs}
