"""How cloudscan calls AWS: boto3 clients, paginators, botocore retries, error codes."""

from __future__ import annotations

import logging
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner.providers.aws.session import ClientPool
from scanner.providers.collector import CallFailed
from scanner.providers.spec import Call

log = logging.getLogger(__name__)


class AwsTransport:
    """The AWS ``Transport``: one client per service and region, full pagination."""

    provider = "aws"

    def __init__(self, pool: ClientPool):
        self.pool = pool

    @property
    def api_calls(self) -> int:
        return self.pool.api_calls

    def call(self, service: str, region: str, call: Call, params: dict[str, Any]) -> Any:
        client = self.pool.client(service, region)
        log.debug("calling %s.%s in %s", service, call.operation, region)
        try:
            if client.can_paginate(call.operation):
                response = client.get_paginator(call.operation).paginate(**params).build_full_result()
            else:
                response = getattr(client, call.operation)(**params)
        except (ClientError, BotoCoreError) as exc:
            code, message = describe_error(exc)
            if code not in call.absent:
                log.debug("%s.%s in %s failed: %s", service, call.operation, region, code)
            raise CallFailed(code, message) from None
        if isinstance(response, dict):
            response.pop("ResponseMetadata", None)
        return response


def describe_error(exc: Exception) -> tuple[str, str]:
    """A short (code, message) for an SDK error, one line, no request payloads."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code") or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "ClientError"))
        message = error.get("Message") or str(exc)
    elif isinstance(exc, BotoCoreError):
        code = type(exc).__name__.removesuffix("Error") or "BotoCore"
        if "Timeout" in code:
            code = "Timeout"
        message = str(exc)
    else:
        code, message = type(exc).__name__, str(exc)
    if code.isdigit():
        code, message = _from_unparsed_body(code, message)
    message = " ".join(message.split())
    return code, message[:300]


_HTTP_CODES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "AccessDenied",
    "404": "NotFound",
    "429": "Throttling",
}


def _from_unparsed_body(status: str, message: str) -> tuple[str, str]:
    """An error whose body botocore could not parse (e.g. XML from a JSON-protocol endpoint)."""
    code = re.search(r"<Code>([^<]+)</Code>", message)
    text = re.search(r"<Message>([^<]+)</Message>", message)
    return (
        code.group(1) if code else _HTTP_CODES.get(status, f"HTTP{status}"),
        text.group(1) if text else re.sub(r"<[^>]+>", " ", message),
    )
