"""How cloudscan calls Google Cloud: GAPIC REST clients and discovery clients, fully paged.

``Call.operation`` is a method of the GAPIC client (``list``, ``get_iam_policy``)
or a dotted discovery path (``projects.serviceAccounts.list``). Both come back
as the API's JSON shape (camelCase field names, enum *names*: REST responses may
carry enums as numbers, which the GAPIC client decodes), so normalizers read one
shape whichever client made the call.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

from google.api_core import exceptions as core_exceptions
from google.api_core import retry as core_retry
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message as ProtobufMessage

from scanner.providers.collector import CallFailed
from scanner.providers.gcp.session import GcpSession
from scanner.providers.spec import Call

log = logging.getLogger(__name__)
_RETRYABLE = core_retry.if_exception_type(
    core_exceptions.TooManyRequests, core_exceptions.ServiceUnavailable, core_exceptions.InternalServerError
)
_HTTP_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GcpTransport:
    """The Google Cloud ``Transport`` (the project is in each call's parameters)."""

    provider = "gcp"

    def __init__(self, session: GcpSession):
        self.session = session

    @property
    def api_calls(self) -> int:
        return self.session.api_calls

    def call(self, service: str, region: str, call: Call, params: dict[str, Any]) -> Any:
        log.debug("calling %s %s", service, call.operation)
        try:
            if self.session.kind(service) == "gapic":
                return self._gapic(service, call.operation, params)
            return self._discovery(service, call.operation, params)
        except CallFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes a recorded error, never a crash
            raise CallFailed(*describe_error(exc)) from None

    def _gapic(self, service: str, operation: str, params: dict[str, Any]) -> Any:
        method = getattr(self.session.client(service), operation)
        retry = core_retry.Retry(
            predicate=_RETRYABLE, initial=0.5, maximum=8.0, timeout=self.session.timeout * self.session.max_attempts
        )
        self.session.count()
        result = method(**params, retry=retry if self.session.max_attempts > 1 else None, timeout=self.session.timeout)
        if hasattr(result, "pages") or (
            hasattr(result, "__iter__")
            and not isinstance(result, (dict, ProtobufMessage))
            and not hasattr(result, "_pb")
        ):
            return [_plain(item) for item in result]
        return _plain(result)

    def _discovery(self, service: str, operation: str, params: dict[str, Any]) -> Any:
        *path, method_name = operation.split(".")
        collection: Any = self.session.client(service)
        for part in path:
            collection = getattr(collection, part)()
        request = getattr(collection, method_name)(**params)
        merged: dict[str, Any] | None = None
        while request is not None:
            self.session.count()
            page = request.execute(http=self.session.thread_http(), num_retries=max(self.session.max_attempts - 1, 0))
            if merged is None:
                merged = page
            else:
                for key, value in page.items():
                    if isinstance(value, list):
                        merged.setdefault(key, []).extend(value)
            following = getattr(collection, f"{method_name}_next", None)
            request = following(request, page) if following else None
        return merged or {}


def _plain(value: Any) -> Any:
    """Protocol-buffer messages (proto-plus or raw) as JSON-shaped dicts: camelCase names, enum names."""
    if isinstance(value, tuple) and len(value) == 2:  # aggregated lists yield (scope, scoped list)
        return {"scope": value[0], **_plain(value[1])}
    if hasattr(value, "_pb"):
        return type(value).to_dict(value, preserving_proto_field_name=False, use_integers_for_enums=False)
    if isinstance(value, ProtobufMessage):
        return MessageToDict(value, preserving_proto_field_name=False)
    return value


def describe_error(exc: Exception) -> tuple[str, str]:
    """A short (code, message): the API's reason (e.g. SERVICE_DISABLED) or status (PERMISSION_DENIED)."""
    if isinstance(exc, core_exceptions.RetryError):
        cause = exc.cause
        if isinstance(cause, Exception) and not isinstance(cause, core_exceptions.RetryError):
            code, message = describe_error(cause)
            return code, f"{message} (gave up after retrying)"
        return "Timeout", " ".join(str(exc).split())[:300]
    if isinstance(exc, core_exceptions.GoogleAPICallError):
        status = exc.grpc_status_code.name if exc.grpc_status_code is not None else _HTTP_STATUS.get(exc.code or 0)
        code = exc.reason or status or f"HTTP{exc.code}"
        return code, " ".join(str(exc.message).split())[:300]
    http_error = _discovery_error(exc)
    if http_error is not None:
        return http_error
    if isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc).lower():
        return "Timeout", " ".join(str(exc).split())[:300] or "the request timed out"
    if isinstance(exc, (ConnectionError, OSError)):
        return "ConnectionError", " ".join(str(exc).split())[:300]
    return type(exc).__name__, " ".join(str(exc).split())[:300]


def _discovery_error(exc: Exception) -> tuple[str, str] | None:
    from googleapiclient.errors import HttpError

    if not isinstance(exc, HttpError):
        return None
    status = int(getattr(exc.resp, "status", 0) or 0)
    try:
        error = json.loads(exc.content.decode("utf-8")).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    reasons = [d.get("reason") for d in error.get("details") or [] if isinstance(d, dict) and d.get("reason")]
    code = (reasons[0] if reasons else None) or error.get("status") or _HTTP_STATUS.get(status, f"HTTP{status}")
    message = error.get("message") or exc.reason or str(exc)
    return code, " ".join(str(message).split())[:300]
