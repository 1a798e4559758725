"""Hiding secrets in everything the CLI shows about a request or response (CONTRACT §8)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "<redacted>"
_SECRET_WORDS = ("key", "secret", "token", "password", "authorization")
_SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "x-api-key", "api-key"}


# The secret values of the request being sent: the API key and every secret-looking field.
# A server may echo a rejected value back (a 422 `input`), so shown text is scrubbed of
# these values too, not only of secret-named fields.
_known_secrets: set[str] = set()
_MIN_SECRET_LENGTH = 4


def remember_secrets(api_key: str | None, body: Any) -> None:
    if api_key:
        _remember(api_key)
    _collect(body, secret=False)


def forget_secrets() -> None:
    _known_secrets.clear()


def _remember(value: Any) -> None:
    if isinstance(value, str) and len(value) >= _MIN_SECRET_LENGTH:
        _known_secrets.add(value)


def _collect(value: Any, *, secret: bool) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            is_secret = secret or is_secret_name(str(key)) or key == "webhook_headers"
            _collect(item, secret=is_secret)
    elif isinstance(value, list):
        for item in value:
            # Only containers can hold secret-named fields: 100,000 plain item ids are skipped
            # without a call each.
            if secret or isinstance(item, (dict, list)):
                _collect(item, secret=secret)
    elif secret:
        _remember(value)


def scrub(text: str) -> str:
    """Replace every known secret value inside `text`."""
    for value in sorted(_known_secrets, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


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
    if isinstance(value, str) and _known_secrets:
        return scrub(value)
    return value


def redact_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered == "authorization":
        scheme, _, credentials = value.partition(" ")
        return f"{scheme} {REDACTED}" if credentials else REDACTED
    if lowered in _SECRET_HEADERS or is_secret_name(lowered):
        return REDACTED
    return scrub(value) if _known_secrets else value


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {name: redact_header(name, value) for name, value in pairs}
