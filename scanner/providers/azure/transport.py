"""How cloudscan calls Azure: management-client operations and Microsoft Graph, fully paged.

``Call.operation`` is a dotted path on the service's management client
(``storage_accounts.list``); results come back as ARM's REST JSON (camelCase,
``properties`` nested) whatever the SDK generation, so normalizers read one shape,
and every ARM item carries its ``resource_group`` so detail calls can name it
(``"{resource_group}"``). The ``graph`` service takes a
Graph path instead (``/v1.0/policies/...``) and follows ``@odata.nextLink``.
"""

from __future__ import annotations

import logging
from typing import Any

from azure.core import PipelineClient
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.core.paging import ItemPaged
from azure.core.pipeline.policies import RetryPolicy, UserAgentPolicy
from azure.core.rest import HttpRequest

from scanner import __version__
from scanner.providers.azure.session import AzureSession, _CountRequests
from scanner.providers.collector import CallFailed
from scanner.providers.spec import Call

log = logging.getLogger(__name__)
_HTTP_CODES = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 429: "TooManyRequests"}


class AzureTransport:
    """The Azure ``Transport`` for one subscription."""

    provider = "azure"

    def __init__(self, session: AzureSession, subscription: str):
        self.session = session
        self.subscription = subscription
        self._graph: PipelineClient | None = None

    @property
    def api_calls(self) -> int:
        return self.session.api_calls

    def call(self, service: str, region: str, call: Call, params: dict[str, Any]) -> Any:
        log.debug("calling %s %s for %s", service, call.operation, self.subscription)
        try:
            if service == "graph":
                return self._graph_get(call.operation)
            target: Any = self.session.client(service, self.subscription)
            for attribute in call.operation.split("."):
                target = getattr(target, attribute)
            return _plain(target(**params))
        except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
            raise CallFailed(*describe_error(exc)) from None

    def _graph_get(self, path: str) -> dict[str, Any]:
        client = self._graph_client()
        url: str | None = f"{self.session.cloud.graph_endpoint}{path}"
        merged: dict[str, Any] | None = None
        while url:
            response = client.send_request(HttpRequest("GET", url))
            if response.status_code >= 400:
                raise CallFailed(*_graph_error(response))
            page = response.json()
            if merged is None:
                merged = page
            else:
                merged.setdefault("value", []).extend(page.get("value", []))
            url = page.get("@odata.nextLink")
        return merged or {}

    def _graph_client(self) -> PipelineClient:
        if self._graph is None:
            session = self.session
            options = session.client_options(session.cloud.graph_scope)
            self._graph = PipelineClient(
                base_url=session.cloud.graph_endpoint,
                policies=[
                    UserAgentPolicy(f"cloudscan/{__version__}"),
                    _CountRequests(session),
                    RetryPolicy(retry_total=options["retry_total"], retry_backoff_factor=0.8),
                    options["authentication_policy"],
                ],
                connection_timeout=options["connection_timeout"],
                read_timeout=options["read_timeout"],
            )
        return self._graph


def _graph_error(response: Any) -> tuple[str, str]:
    """Graph's error body is {"error": {"code", "message"}}; say which permission is likely missing."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code") or _HTTP_CODES.get(response.status_code, f"HTTP{response.status_code}")
    message = " ".join(str(error.get("message") or response.reason or "").split())[:300]
    if response.status_code in (401, 403):
        message = f"{message} (Microsoft Graph; the policy checks need the Policy.Read.All permission)"
    return code, message


def _plain(result: Any) -> Any:
    """SDK models and pagers as the REST JSON they came from; ARM items gain ``resource_group``.

    The management SDKs come in two generations: msrest models (``serialize``) and
    the newer generated models (``as_dict``, already in wire shape). Both are turned
    into ARM's wire shape (camelCase, ``properties`` nested), which is also what the
    REST documentation and the test fixtures show.
    """
    if isinstance(result, ItemPaged):
        return [_plain(item) for item in result]
    if hasattr(result, "_attribute_map") and hasattr(result, "serialize"):
        result = result.serialize(keep_readonly=True)
    elif hasattr(result, "as_dict"):
        result = result.as_dict()
    if isinstance(result, list):
        return [_plain(item) for item in result]
    if isinstance(result, dict) and isinstance(result.get("id"), str):
        group = resource_group(result["id"])
        if group:
            result["resource_group"] = group
    return result


def resource_group(arm_id: str) -> str | None:
    """The resource group named in an ARM id (case-insensitive segment), if any."""
    parts = arm_id.strip("/").split("/")
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[index + 1]
    return None


def describe_error(exc: Exception) -> tuple[str, str]:
    """A short (code, message) for an Azure SDK error, one line, no request payloads."""
    if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) is None:
        code, message = "AuthenticationFailed", str(exc)
    elif isinstance(exc, HttpResponseError):
        error = getattr(exc, "error", None)
        status = exc.status_code or 0
        code = (error.code if error is not None and error.code else None) or _HTTP_CODES.get(status, f"HTTP{status}")
        message = (error.message if error is not None and error.message else None) or exc.reason or str(exc)
    elif isinstance(exc, (ServiceResponseError, ServiceRequestError)) and "timed out" in str(exc).lower():
        code, message = "Timeout", str(exc)
    else:
        code, message = ("ConnectionError" if isinstance(exc, ServiceRequestError) else "Timeout"), str(exc)
    return code, " ".join(str(message).split())[:300]
