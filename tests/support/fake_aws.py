"""A fake AWS service endpoint on 127.0.0.1, for the calls moto cannot serve (see tests/README.md).

The real boto3 client talks HTTP to a pytest-httpserver (``FakeCloud``); a test
registers answers per API operation, named as in the API reference
(``GetEnabledStandards``), and ``FakeAws`` finds the HTTP method and path (REST
protocols) or the ``X-Amz-Target`` (JSON protocol) in botocore's own service
model. ``fake.serve(monkeypatch, service)`` sets the ``AWS_ENDPOINT_URL_<SERVICE>``
variable botocore reads, so only that service goes to the fake while the rest
(STS under moto's ``aws`` fixture, say) stay where they are::

    def test_hub_off(aws, monkeypatch):
        with FakeAws.serving() as fake:
            fake.serve(monkeypatch, "securityhub")
            fake.reply("securityhub", "DescribeHub", aws_error(401, "InvalidAccessException", "..."))
            result = scan(aws, RULE)

Answers are written the way AWS writes them: ``ok(body)`` for a 200 JSON body,
``aws_error(status, code, message)`` for an error (``x-amzn-ErrorType`` header and
``{"__type", "message"}`` body, which botocore parses into ``ClientError``).
A ``Route`` with ``page_size`` pages the list under the operation's paginator
``result_key`` with its own input and output tokens.

Operations whose name does not start with List/Describe/Get/BatchGet/Head count
as writes, so ``check()`` fails a test whose scan sent one. The AWS query
protocol (form-encoded ``Action=``, e.g. EC2, IAM) is not supported: moto serves
those services.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import botocore.session
from werkzeug.wrappers import Request, Response

from tests.support.fake_http import FakeCloud, Route, json_response

READ_OPERATION = re.compile(r"^(List|Describe|Get|BatchGet|Head)[A-Z]")
_TOKEN = "fake-page-"


def ok(body: Any, *, page_size: int | None = None) -> Route:
    """A 200 answer with JSON ``body`` (paged by the operation's paginator with ``page_size``)."""
    return Route(200, body, page_size=page_size)


def aws_error(status: int, code: str, message: str) -> Route:
    """An AWS error answer, as the JSON and REST-JSON protocols send it."""
    return Route(status, {"__type": code, "message": message}, {"x-amzn-ErrorType": code})


def access_denied(service: str, operation: str, account: str = "123456789012", user: str = "auditor") -> Route:
    """What IAM answers when the caller may not call ``operation`` (service as its IAM prefix)."""
    message = (
        f"User: arn:aws:iam::{account}:user/{user} is not authorized to perform: {service}:{operation} "
        "because no identity-based policy allows the action"
    )
    return aws_error(403, "AccessDeniedException", message)


@cache
def _model(service: str):
    return botocore.session.get_session().get_service_model(service)


@cache
def _paginator(service: str, operation: str) -> dict[str, Any] | None:
    try:
        model = botocore.session.get_session().get_paginator_model(service)
        return model.get_paginator(operation)
    except Exception:
        return None


def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.get_data() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class FakeAws(FakeCloud):
    """AWS operations answered from registered routes; requests are matched through botocore's service model."""

    read_methods = frozenset({"GET", "HEAD"})

    def __init__(self, server):
        super().__init__(server)
        self._reads: set[tuple[str, str]] = set()
        self._operation_at: dict[tuple[str, str], tuple[str, str]] = {}
        self._targets: dict[str, list[Route]] = {}
        self._target_services: dict[str, str] = {}
        self.operations: list[str] = []

    def endpoint_env(self, service: str) -> dict[str, str]:
        """The variable that sends every call of the boto3 ``service`` here (set it with monkeypatch)."""
        env_name = _model(service).service_id.replace(" ", "_").upper()
        return {f"AWS_ENDPOINT_URL_{env_name}": self.base_url}

    def serve(self, monkeypatch, *services: str) -> FakeAws:
        """Send every call of the boto3 ``services`` here for the rest of the test (via ``monkeypatch``)."""
        for service in services:
            for name, value in self.endpoint_env(service).items():
                monkeypatch.setenv(name, value)
        return self

    def reply(self, service: str, operation: str, *routes: Route, path: str | None = None) -> None:
        """Answer successive calls of ``operation`` with ``routes`` (the last repeats).

        ``path`` is the concrete request path for REST operations whose URI holds
        parameters (``/detector/{detectorId}`` -> ``/detector/abc``).
        """
        model = _model(service)
        operation_model = model.operation_model(operation)
        protocol = model.metadata["protocol"]
        if protocol == "json":
            target = f"{model.metadata['targetPrefix']}.{operation}"
            self._targets[target] = list(routes)
            self._target_services[target] = service
            self.handle("/", self._by_target, method="POST")
            return
        if protocol not in ("rest-json", "rest-xml"):
            raise NotImplementedError(f"{service} uses the {protocol} protocol, which FakeAws does not speak")
        http = operation_model.http
        where = path or http["requestUri"].split("?")[0]
        assert "{" not in where, f"{operation} has URI parameters ({where}): pass the concrete path"
        key = (http["method"], where)
        self.sequence(where, *routes, method=http["method"])
        self._operation_at[key] = (service, operation)
        if READ_OPERATION.match(operation):
            self._reads.add(key)

    # -- FakeCloud hooks -------------------------------------------------------------------------------

    def is_read(self, method: str, path: str) -> bool:
        if (method, path) == ("POST", "/") and self._targets:
            return True  # JSON protocol: judged per operation in writes()
        return method in self.read_methods or (method, path) in self._reads

    def writes(self) -> list[str]:
        found = super().writes()
        return found + [name for name in self.operations if not READ_OPERATION.match(name.split(".")[-1])]

    def answer(self, request: Request, route: Route) -> Response:
        operation = self._operation_at.get((request.method, request.path))
        if operation is not None:
            self.operations.append(operation[1])
        return self._page(request, route, operation, {**_json_body(request), **request.args})

    def unexpected_answer(self, request: Request) -> Response:
        message = f"test did not register {request.method} {request.path}"
        return json_response(500, {"__type": "UnexpectedPath", "message": message}, {"x-amzn-ErrorType": "Internal"})

    # -- answering -------------------------------------------------------------------------------------

    def _by_target(self, request: Request) -> Response:
        target = request.headers.get("X-Amz-Target", "")
        with self._lock:
            self.operations.append(target)
            routes = self._targets.get(target)
            if not routes:
                self.unexpected.append(f"POST / {target}")
                route = None
            else:
                route = routes.pop(0) if len(routes) > 1 else routes[0]
        if route is None:
            return self.unexpected_answer(request)
        service = self._target_services[target]
        return self._page(request, route, (service, target.split(".")[-1]), _json_body(request))

    def _page(self, request: Request, route: Route, operation: tuple[str, str] | None, params: Any) -> Response:
        if route.page_size is None or route.status != 200 or operation is None:
            return json_response(route.status, route.body, route.headers)
        paginator = _paginator(*operation)
        assert paginator, f"{operation[1]} has no paginator: do not give page_size"
        input_name = self._wire_name(*operation, paginator["input_token"])
        output_token, result_key = paginator["output_token"], paginator["result_key"]
        start = int(str(params.get(input_name) or f"{_TOKEN}0").removeprefix(_TOKEN))
        items = route.body[result_key]
        body = {**route.body, result_key: items[start : start + route.page_size]}
        if start + route.page_size < len(items):
            body[output_token] = f"{_TOKEN}{start + route.page_size}"
        return json_response(200, body, route.headers)

    @staticmethod
    def _wire_name(service: str, operation: str, member: str) -> str:
        shape = _model(service).operation_model(operation).input_shape.members[member]
        return shape.serialization.get("name", member)
