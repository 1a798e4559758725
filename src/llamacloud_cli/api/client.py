"""The one seam that owns HTTP: request model in, validated JSON out.

It builds the request from the model's wire markers, retries what is safe to retry,
logs attempts for `--debug` with secrets hidden, and checks every answer against its
response model before anyone sees it.
"""

from __future__ import annotations

import json
import os
import random
import socket
import ssl
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from pydantic import ValidationError

from llamacloud_cli import __version__
from llamacloud_cli.api import retry
from llamacloud_cli.errors import ApiStatusError, BadResponseError, NetworkError
from llamacloud_cli.models.base import Location, RequestModel, ResponseModel
from llamacloud_cli.redact import redact_headers, redact_json, remember_secrets
from llamacloud_cli.settings import CONNECT_TIMEOUT, Settings

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"llamacloud-prod/{__version__} (Python {'.'.join(map(str, sys.version_info[:3]))})"
CREATE_CHECK_HINT = (
    "the server may have created the job before failing, so it was not sent again "
    "(a second create would start a second billed job). Check with: "
    "llamacloud-prod beta:batch list --max-items 5"
)


def sleep_between_attempts(seconds: float) -> None:
    """The pause before a retry (tests replace it to count delays instead of waiting)."""
    time.sleep(seconds)


@dataclass
class ApiResponse:
    data: Any
    raw: bytes
    status: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: Any | None  # the JSON body, None for GET

    def describe(self) -> dict[str, Any]:
        """The request as `--dry-run` shows it, secrets hidden."""
        return {
            "method": self.method,
            "url": self.url,
            "headers": redact_headers(self.headers),
            "body": redact_json(self.body) if self.body is not None else None,
        }


class ApiClient:
    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        random_fraction: Callable[[], float] | None = None,
        log: TextIO | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._sleep = sleep or sleep_between_attempts
        self._random = random_fraction or random.random
        self._log = log
        self._http: httpx.Client | None = None

    # -- building ---------------------------------------------------------------------------

    def prepare(self, request: RequestModel) -> PreparedRequest:
        parts = request.wire_parts()
        path = type(request).path.format(
            **{name: quote(str(value), safe="") for name, value in parts[Location.PATH].items()}
        )
        query = [(k, _query_value(v)) for k, v in parts[Location.QUERY].items() if v is not None]
        url = self.settings.base_url + path
        if query:
            from urllib.parse import urlencode

            url += "?" + urlencode(query)
        headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Authorization": f"Bearer {self.settings.require_api_key()}",
        }
        body: Any | None = None
        if type(request).method != "GET":
            headers["Content-Type"] = "application/json"
            body = parts[Location.BODY]
        for name, value in parts[Location.HEADER].items():
            if value is not None:
                headers[name] = str(value)
        remember_secrets(self.settings.api_key, body)
        return PreparedRequest(type(request).method, url, headers, body)

    # -- sending ----------------------------------------------------------------------------

    def send(self, request: RequestModel, response_model: type[ResponseModel]) -> ApiResponse:
        prepared = self.prepare(request)
        response = self._send_with_retries(prepared, idempotent=type(request).idempotent)
        try:
            return self._validated(prepared, response, response_model)
        except BadResponseError as error:
            if not type(request).idempotent:
                error.hint = CREATE_CHECK_HINT  # it answered 2xx: the job most likely exists
            raise

    def pages(
        self, request: RequestModel, page_model: type[ResponseModel]
    ) -> Iterator[ApiResponse]:
        """Fetch pages lazily by offset until `total_size`, a short page or an empty one.

        Without `--limit` the server's page size is unknown, so the first page's length
        stands in for it.
        """
        offset: int = getattr(request, "offset", None) or 0
        page_size: int | None = getattr(request, "limit", None)
        while True:
            response = self.send(request, page_model)
            yield response
            items = response.data.get("items") or []
            if not items:
                return
            offset += len(items)
            page_size = page_size or len(items)
            total = response.data.get("total_size")
            if total is not None and offset >= total:
                return
            if total is None and len(items) < page_size:
                return
            fields = request.model_dump(exclude_unset=True)
            request = type(request).model_validate({**fields, "offset": offset})

    def _send_with_retries(self, prepared: PreparedRequest, *, idempotent: bool) -> httpx.Response:
        import httpx

        client = self._client()
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            self._debug_request(prepared, attempt, attempts)
            started = time.monotonic()
            try:
                response = client.request(
                    prepared.method,
                    prepared.url,
                    headers=prepared.headers,
                    content=_encode_body(prepared.body),
                )
            except (httpx.TooManyRedirects, httpx.DecodingError) as error:
                # The server answered, but unusably (a redirect loop, a corrupt encoding): exit 7.
                raise BadResponseError(
                    f"{prepared.method} {prepared.url}: unusable answer: {error}",
                    hint=None if idempotent else CREATE_CHECK_HINT,
                ) from None
            except httpx.TransportError as error:
                failure = _describe_transport_error(error, prepared, self.settings.timeout)
                self._debug(f"  ✗ {failure.message}")
                never_sent = _never_reached_server(error)
                permanent = _is_permanent(error)
                if permanent or last or not (idempotent or never_sent):
                    if not idempotent and not never_sent:
                        failure.hint = CREATE_CHECK_HINT
                    raise failure from None
                delay = retry.backoff_delay(attempt, self._random)
                self._debug(f"  retrying in {delay:.2f} s")
                self._sleep(delay)
                continue
            self._debug_response(response, time.monotonic() - started)
            if response.is_success:
                return response
            headers = {k.lower(): v for k, v in response.headers.items()}
            if not last and retry.should_retry_status(
                response.status_code, headers, idempotent=idempotent
            ):
                asked = retry.server_delay(headers)
                delay = asked if asked is not None else retry.backoff_delay(attempt, self._random)
                self._debug(f"  retrying in {delay:.2f} s")
                self._sleep(delay)
                continue
            raise _status_error(prepared, response, idempotent=idempotent)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _validated(
        self, prepared: PreparedRequest, response: httpx.Response, model: type[ResponseModel]
    ) -> ApiResponse:
        raw = response.content
        where = f"{prepared.method} {prepared.url}"
        try:
            data = json.loads(raw)
        except ValueError:
            snippet = raw[:80].decode("utf-8", "replace")
            raise BadResponseError(
                f"{where} answered HTTP {response.status_code} with a body that is not JSON: "
                f"{snippet!r}"
            ) from None
        try:
            model.model_validate(data)
        except ValidationError as error:
            problems = "; ".join(_describe_validation(e) for e in error.errors()[:5])
            raise BadResponseError(
                f"{where} answered with an unexpected {model.__name__}: {problems}"
            ) from None
        return ApiResponse(data, raw, response.status_code, dict(response.headers))

    def _client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            _warn_if_key_travels_in_clear(self.settings.base_url)
            self._http = httpx.Client(
                timeout=httpx.Timeout(self.settings.timeout, connect=CONNECT_TIMEOUT),
                follow_redirects=True,
                transport=self._transport,
                verify=verifying_tls_context(),
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    # -- debug ------------------------------------------------------------------------------

    def _debug(self, line: str) -> None:
        if self.settings.debug:
            stream = self._log or sys.stderr
            stream.write(f"[debug] {line}\n")
            stream.flush()

    def _debug_request(self, prepared: PreparedRequest, attempt: int, attempts: int) -> None:
        if not self.settings.debug:
            return
        self._debug(f"→ {prepared.method} {prepared.url} (attempt {attempt + 1} of {attempts})")
        for name, value in redact_headers(prepared.headers).items():
            self._debug(f"  {name}: {value}")
        if prepared.body is not None:
            self._debug("  body: " + json.dumps(redact_json(prepared.body), ensure_ascii=False))

    def _debug_response(self, response: httpx.Response, elapsed: float) -> None:
        if not self.settings.debug:
            return
        self._debug(
            f"← HTTP {response.status_code} {response.reason_phrase} ({elapsed * 1000:.0f} ms)"
        )
        for name, value in redact_headers(response.headers.items()).items():
            self._debug(f"  {name}: {value}")
        try:
            shown = json.dumps(redact_json(json.loads(response.content)), ensure_ascii=False)
        except ValueError:
            shown = response.content[:2000].decode("utf-8", "replace")
        self._debug("  body: " + shown)


class _CertificatesOnFirstHandshake(ssl.SSLContext):
    """A verifying TLS context that reads its CA certificates at the first handshake.

    Reading the CA bundle costs about 30 ms, which a command talking to an http:// URL
    (the emulator, a local proxy) would pay for nothing.
    """

    _certificates_loaded = False

    def _load_certificates(self) -> None:
        if self._certificates_loaded:
            return
        self._certificates_loaded = True
        # The same sources, in the same order, as httpx's default context.
        if os.environ.get("SSL_CERT_FILE"):
            self.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
        elif os.environ.get("SSL_CERT_DIR"):
            self.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
        else:
            import certifi

            self.load_verify_locations(cafile=certifi.where())

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self._load_certificates()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self._load_certificates()
        return super().wrap_bio(*args, **kwargs)


def verifying_tls_context() -> ssl.SSLContext:
    """What `ssl.create_default_context()` sets up, with certificates read on first use."""
    context = _CertificatesOnFirstHandshake(ssl.PROTOCOL_TLS_CLIENT)
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    if sys.version_info >= (3, 13):
        context.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog and not sys.flags.ignore_environment:
        context.keylog_filename = keylog
    return context


def _warn_if_key_travels_in_clear(base_url: str) -> None:
    """Plain http is fine for the emulator on this machine, not for a key crossing a network."""
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    loopback = host == "localhost" or host == "::1" or host.startswith("127.")
    if parts.scheme == "http" and not loopback:
        sys.stderr.write(
            f"Warning: {base_url} is plain http: the API key is sent unencrypted to {host}\n"
        )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _encode_body(body: Any | None) -> bytes | None:
    if body is None:
        return None
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _is_permanent(error: Exception) -> bool:
    """TLS and DNS failures do not heal in a second: report them at once."""
    return any(isinstance(c, (ssl.SSLError, socket.gaierror)) for c in _causes(error))


def _never_reached_server(error: Exception) -> bool:
    import httpx

    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def _describe_transport_error(
    error: Exception, prepared: PreparedRequest, timeout: float
) -> NetworkError:
    import httpx

    host = httpx.URL(prepared.url).host
    where = f"{prepared.method} {prepared.url}"
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return NetworkError(
                f"{where}: TLS certificate of {host} could not be verified: {cause.verify_message}",
                hint="behind a TLS-inspecting proxy, point SSL_CERT_FILE at its CA bundle",
            )
        if isinstance(cause, ssl.SSLError):
            return NetworkError(f"{where}: TLS handshake with {host} failed: {cause.reason}")
        if isinstance(cause, socket.gaierror):
            return NetworkError(f"{where}: could not resolve host {host!r}")
    if isinstance(error, httpx.ConnectTimeout):
        return NetworkError(f"{where}: could not connect to {host} within {CONNECT_TIMEOUT:g} s")
    if isinstance(error, httpx.TimeoutException):
        return NetworkError(f"{where}: no response from {host} within {timeout:g} s")
    if isinstance(error, httpx.ConnectError):
        reason = "connection refused" if _refused(error) else str(error) or "connection failed"
        return NetworkError(f"{where}: could not connect to {host}: {reason}")
    reason = str(error) or type(error).__name__
    if isinstance(error, httpx.ProxyError):
        return NetworkError(
            f"{where}: the proxy refused the connection: {reason}",
            hint="check HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY",
        )
    return NetworkError(f"{where}: the connection failed: {reason}")


def _refused(error: Exception) -> bool:
    return any(isinstance(c, ConnectionRefusedError) for c in _causes(error)) or (
        "refused" in str(error).lower()
    )


def _status_error(
    prepared: PreparedRequest, response: httpx.Response, *, idempotent: bool
) -> ApiStatusError:
    text = response.text.strip()
    body: Any
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    message = _server_message(body, text)
    hint = None
    status = response.status_code
    if status in (401, 403):
        hint = "check the API key (--api-key or LLAMA_CLOUD_API_KEY)"
    elif status >= 500 and not idempotent and status not in retry.NOT_ACTED_STATUSES:
        hint = CREATE_CHECK_HINT
    return ApiStatusError(
        method=prepared.method,
        url=prepared.url,
        status=status,
        reason=response.reason_phrase,
        server_message=message,
        body=body if body is not None else text,
        raw=response.content,
        hint=hint,
    )


def _server_message(body: Any, text: str) -> str:
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list):
            return "; ".join(_describe_detail(d) for d in detail[:5])
        return json.dumps(detail, ensure_ascii=False)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    if body is None:
        return " ".join(text.split())[:300]
    return ""


def _describe_detail(detail: Any) -> str:
    if isinstance(detail, dict):
        loc = ".".join(str(p) for p in detail.get("loc", []) if p != "body")
        msg = detail.get("msg", json.dumps(detail, ensure_ascii=False))
        return f"{loc}: {msg}" if loc else str(msg)
    return str(detail)


def _describe_validation(error: Any) -> str:
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    if error["type"] == "missing":
        return f"{loc}: required field missing"
    return f"{loc or 'body'}: {error['msg'].lower()} (got {_short(error.get('input'))})"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
